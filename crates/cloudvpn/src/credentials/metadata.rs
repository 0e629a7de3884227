//! The plain HTTP calls of the credential providers that are not cloud APIs (instance metadata services, a
//! credentials URI): short timeouts, a few quick retries, and errors that name the provider, the endpoint
//! and what came back — never a body, which may hold a secret.

use super::error::{Attempt, CredentialsError};
use cloudvpn_types::meta::Provider;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Connect timeout: a metadata service is on the local network or not there at all (the official libraries
/// use one second).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Time one attempt may take in all (the official libraries' read timeout is one second too). An attempt
/// that runs out of it is not repeated: a service on the local network that has not answered in a second
/// is down, and repeating it would take the refresh past its bound (five seconds, for up to three calls:
/// an IMDSv2 token, the role's name, its credentials) with the cache's generic timeout instead of this
/// call's own error.
const CALL_TIMEOUT: Duration = Duration::from_secs(1);
/// Attempts per call: a metadata service drops the odd request under load (a reset, a 5xx), which fails
/// fast and is worth repeating.
const ATTEMPTS: u32 = 3;
/// The pause before the second attempt; doubled before the third.
const FIRST_PAUSE: Duration = Duration::from_millis(100);

/// A call that got an answer: its status and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// Sends the small GET and PUT requests of the metadata providers.
#[derive(Debug, Clone)]
pub(crate) struct MetadataHttp {
    client: reqwest::Client,
}

impl MetadataHttp {
    pub(crate) fn new() -> Result<Self, String> {
        reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(CALL_TIMEOUT)
            // A metadata service is plain HTTP on a fixed address: never through a proxy from the environment.
            .no_proxy()
            .build()
            .map(|client| MetadataHttp { client })
            .map_err(|e| format!("cannot set up an HTTP client: {e}"))
    }

    /// Sends `method url` with `headers`, retrying connection failures and 5xx answers (not an attempt that
    /// timed out, see [`CALL_TIMEOUT`]). `Err` is why no usable answer came (no secret: URLs of these
    /// services carry none, and no body is quoted).
    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, String> {
        let mut pause = FIRST_PAUSE;
        let mut attempt = 1;
        loop {
            let mut request = self.client.request(method.clone(), url);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let failed = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    match response.text().await {
                        Ok(body) if status < 500 => return Ok(Answer { status, body }),
                        Ok(_) => Err(format!("HTTP {status}")),
                        Err(e) => Ok(e),
                    }
                }
                Err(e) => Ok(e),
            };
            let (outcome, timed_out) = match failed {
                Ok(e) => (describe(&e), e.is_timeout()),
                Err(answered) => (answered, false),
            };
            if attempt >= ATTEMPTS || timed_out {
                let plural = if attempt == 1 { "" } else { "s" };
                return Err(format!("{outcome} (after {attempt} attempt{plural})"));
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
            attempt += 1;
        }
    }
}

/// A metadata service that lists an instance's role at `roles_path` and serves its credentials at
/// `roles_path` + the role's name: the ECS and CVM services alike.
pub(crate) struct RoleService<'a> {
    pub(crate) http: &'a MetadataHttp,
    /// `http://100.100.100.200`, `http://metadata.tencentyun.com`, or an override.
    pub(crate) base: &'a str,
    pub(crate) roles_path: &'static str,
    /// What a role name may hold besides ASCII letters and digits (the cloud's own rule).
    pub(crate) role_punctuation: &'static str,
    /// What the roles are called and how they belong to an instance: `RAM role` / `attached to`.
    pub(crate) role_kind: &'static str,
    pub(crate) belongs: &'static str,
    /// How to get a role when none is there, for the 404 of the list.
    pub(crate) remedy: &'static str,
}

/// The JSON a metadata service answered for `role`, read at `path`.
pub(crate) struct RoleAnswer {
    pub(crate) role: String,
    pub(crate) path: String,
    pub(crate) body: String,
}

impl RoleService<'_> {
    /// The credentials document of `role` (the listed one when `None`), sending `headers` on every read.
    /// `Err` holds the role when known and why there is no document (no secret: no body is quoted).
    pub(crate) async fn fetch(
        &self,
        role: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<RoleAnswer, (Option<String>, String)> {
        let role = match role {
            Some(role) => role.to_owned(),
            None => self
                .discover(headers)
                .await
                .map_err(|problem| (None, problem))?,
        };
        if let Some(problem) = role_name_problem(&role, self.role_punctuation) {
            // Before any path is built; the name is not quoted, as it is not one.
            return Err((None, format!("the role name {problem}")));
        }
        let path = format!("{}{role}", self.roles_path);
        let fail = |problem: String| (Some(role.clone()), format!("GET {path}: {problem}"));
        let answer = self
            .http
            .call(
                reqwest::Method::GET,
                &format!("{}{path}", self.base),
                headers,
            )
            .await
            .map_err(fail)?;
        match answer.status {
            200 => Ok(RoleAnswer {
                role: role.clone(),
                path: path.clone(),
                body: answer.body,
            }),
            404 => Err(fail(format!(
                "HTTP 404 (no {} `{role}` is {} this instance)",
                self.role_kind, self.belongs
            ))),
            status => Err(fail(format!("HTTP {status}"))),
        }
    }

    /// The role the service lists: the first line of its answer, which must be a role name.
    async fn discover(&self, headers: &[(&str, &str)]) -> Result<String, String> {
        let roles_path = self.roles_path;
        let answer = self
            .http
            .call(
                reqwest::Method::GET,
                &format!("{}{roles_path}", self.base),
                headers,
            )
            .await
            .map_err(|problem| format!("GET {roles_path} (the role's name): {problem}"))?;
        match answer.status {
            200 => {}
            404 => {
                return Err(format!(
                    "GET {roles_path}: HTTP 404 (no {} is {} this instance; {})",
                    self.role_kind, self.belongs, self.remedy
                ));
            }
            status => return Err(format!("GET {roles_path}: HTTP {status}")),
        }
        let role = answer.body.lines().next().unwrap_or_default().trim();
        match role_name_problem(role, self.role_punctuation) {
            None => Ok(role.to_owned()),
            Some(problem) => Err(format!(
                "GET {roles_path}: the answer is not a role name (it {problem})"
            )),
        }
    }
}

/// Why `role` cannot be a role name put into a metadata path, if it cannot: it may hold ASCII letters,
/// digits and `punctuation` only, and be neither `.` nor hold `..` — so that no `/`, `?`, `#`, `..`,
/// whitespace or control character can make the path point elsewhere. The message never quotes the name
/// (it says what a role name may hold).
pub(crate) fn role_name_problem(role: &str, punctuation: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || punctuation.contains(c);
    let shown: String = punctuation
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    if role.is_empty() {
        Some("is empty".to_owned())
    } else if !role.chars().all(allowed) || role == "." || role.contains("..") {
        Some(format!(
            "holds more than a role name may: ASCII letters, digits and {shown} (no `..`, `/`, `?`, `#`, \
             whitespace or control characters)"
        ))
    } else {
        None
    }
}

/// What went wrong, without reqwest's URL (which the caller names anyway).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "cannot connect"
    } else if e.is_timeout() {
        "no answer in time"
    } else {
        "the connection failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {cause}")
    }
}

/// The error of a provider that could not get credentials: `source` names the provider and its endpoint,
/// `problem` what happened. It stops the chain: the source was configured, so falling through to another
/// would pick credentials the user did not mean.
pub(crate) fn failure(
    provider: Provider,
    source: &str,
    problem: impl Into<String>,
) -> CredentialsError {
    CredentialsError {
        provider,
        attempts: vec![Attempt {
            source: source.to_owned(),
            outcome: problem.into(),
        }],
        stopped_on_malformed: true,
        call_failed: false,
    }
}

/// Like [`failure`], for a well-formed source whose call failed (unreachable, refused, an error answer):
/// the message says the source failed, not that it is malformed.
pub(crate) fn call_failed(
    provider: Provider,
    source: &str,
    problem: impl Into<String>,
) -> CredentialsError {
    CredentialsError {
        call_failed: true,
        ..failure(provider, source, problem)
    }
}

/// A base URL from an override variable, or the default; `Err` says what a base URL looks like.
pub(crate) fn base_url(
    value: Option<String>,
    variable: &str,
    default: &str,
) -> Result<String, String> {
    let Some(value) = value else {
        return Ok(default.to_owned());
    };
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"));
    match rest {
        Some(authority) if !authority.is_empty() && !authority.contains(['/', '?', '#', ' ']) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(format!(
            "{variable} is not a base URL; write it as http://HOST[:PORT] or https://HOST[:PORT] (e.g. http://127.0.0.1:8080)"
        )),
    }
}

/// `2024-01-01T12:00:00Z` as a time.
pub(crate) fn parse_expiration(value: &str) -> Option<SystemTime> {
    let seconds = crate::clock::parse_iso8601(value)?;
    unix_time(seconds)
}

/// Unix seconds as a time (`None` before the epoch).
pub(crate) fn unix_time(seconds: i64) -> Option<SystemTime> {
    u64::try_from(seconds)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// The `Code` of a JSON error body, when it has one that looks like a code (letters, digits, `.`, `_`, `-`):
/// enough to say what went wrong without quoting a body that might hold a secret.
pub(crate) fn error_code(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let code = value
        .get("Code")
        .or_else(|| value.pointer("/Response/Error/Code"))?
        .as_str()?;
    let plain = !code.is_empty()
        && code.len() <= 80
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    plain.then(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_that_times_out_is_not_repeated() {
        // Accepts connections and never answers; dropped (and its connections closed) at the end.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://{}/latest/meta-data/",
            listener.local_addr().expect("addr")
        );
        let held = tokio::spawn(async move {
            let mut connections = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.push(stream);
            }
        });
        let http = MetadataHttp::new().expect("client");
        let error = http
            .call(reqwest::Method::GET, &url, &[])
            .await
            .err()
            .expect("no answer");
        held.abort();
        assert!(error.contains("no answer in time"), "{error}");
        assert!(error.ends_with("(after 1 attempt)"), "{error}");
    }

    #[test]
    fn metadata_attempts_end_well_within_the_refresh_timeout() {
        // A lookup of three calls whose services each hang once costs three call timeouts: it ends with
        // its own error before the cache's bound cuts it off.
        let bound = crate::credentials::RefreshPolicy::default().refresh_timeout;
        assert!(
            CALL_TIMEOUT * 3 < bound,
            "{CALL_TIMEOUT:?} x 3 vs {bound:?}"
        );
        assert!(CONNECT_TIMEOUT <= CALL_TIMEOUT);
    }

    #[test]
    fn base_urls_are_checked() {
        let var = "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT";
        assert_eq!(base_url(None, var, "http://d").unwrap(), "http://d");
        assert_eq!(
            base_url(Some("http://127.0.0.1:8080/".into()), var, "http://d").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in ["127.0.0.1:8080", "http://", "http://h/path", "ftp://h"] {
            let error = base_url(Some(bad.into()), var, "http://d").unwrap_err();
            assert!(error.starts_with(var), "{error}");
            assert!(error.contains("http://127.0.0.1:8080"), "{error}");
        }
    }

    #[test]
    fn codes_come_out_of_bodies_and_nothing_else_does() {
        assert_eq!(
            error_code(r#"{"Code":"NoPermission","Message":"x"}"#).as_deref(),
            Some("NoPermission")
        );
        assert_eq!(
            error_code(r#"{"Response":{"Error":{"Code":"AuthFailure.TokenFailure"}}}"#).as_deref(),
            Some("AuthFailure.TokenFailure")
        );
        assert_eq!(error_code(r#"{"Code":"secret value with spaces"}"#), None);
        assert_eq!(error_code("not json"), None);
    }

    #[test]
    fn expirations_parse() {
        assert_eq!(
            parse_expiration("2024-01-01T12:00:00Z"),
            Some(UNIX_EPOCH + Duration::from_secs(1_704_110_400))
        );
        assert_eq!(parse_expiration("tomorrow"), None);
        assert_eq!(unix_time(-1), None);
    }
}
