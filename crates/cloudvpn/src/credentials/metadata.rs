//! The plain HTTP calls of the credential providers that are not cloud APIs (instance metadata services, a
//! credentials URI): short timeouts, a few quick retries, and errors that name the provider, the endpoint
//! and what came back — never a body, which may hold a secret.

use super::error::{Attempt, CredentialsError};
use cloudvpn_types::meta::Provider;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Connect timeout: a metadata service is on the local network or not there at all (the official libraries
/// use one second).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Time one call may take in all.
const CALL_TIMEOUT: Duration = Duration::from_secs(3);
/// Attempts per call: a metadata service drops the odd request under load.
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

    /// Sends `method url` with `headers`, retrying connection failures, timeouts and 5xx answers. `Err` is
    /// why no usable answer came (no secret: URLs of these services carry none, and no body is quoted).
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
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    match response.text().await {
                        Ok(body) if status < 500 => return Ok(Answer { status, body }),
                        Ok(_) => format!("HTTP {status}"),
                        Err(e) => describe(&e),
                    }
                }
                Err(e) => describe(&e),
            };
            if attempt >= ATTEMPTS {
                return Err(format!("{outcome} (after {attempt} attempts)"));
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
            attempt += 1;
        }
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
