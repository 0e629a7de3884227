//! [`CredentialsError`]: every source a chain tried, and why none of them gave credentials.

use cloudvpn_types::meta::Provider;
use std::fmt;

/// One source a chain looked at, and what it found there.
///
/// Both fields are meant for people and never contain a secret: file paths are shown with `~` for the home
/// directory, and outcomes name variables, keys and line numbers, not values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The source: `explicit`, `environment`, `~/.aliyun/config.json`, a credentials file path, ….
    pub source: String,
    /// Why it gave no credentials: `not given`, `no such file`, `profile `x` not found`, `invalid JSON at
    /// line 3 column 5`, ….
    pub outcome: String,
}

/// No credentials: either every source was absent, or the chain stopped at a malformed one.
///
/// A chain moves on to the next source only when a source is simply absent (variable unset, file missing,
/// profile not in the file). A source that is present but broken (a variable set without its partner, a file
/// that does not parse, an unsupported mode) stops the chain: the user meant to use it, and silently falling
/// through to other, possibly different, credentials would hide the mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    /// The cloud whose credentials were looked for.
    pub provider: Provider,
    /// Every source tried, in order. When [`stopped_on_malformed`](Self::stopped_on_malformed) is set, the last
    /// one is the malformed source and the sources after it were not tried.
    pub attempts: Vec<Attempt>,
    /// Whether the chain stopped at a source (malformed, or whose call failed) rather than running out of
    /// sources.
    pub stopped_on_malformed: bool,
    /// Set with `stopped_on_malformed` when the source was well formed but the call it makes failed: the
    /// metadata service or STS could not be reached, refused the connection, or answered an error (such as
    /// `NoPermission`). The chain stops there all the same; the message says "failed", not "malformed".
    pub call_failed: bool,
}

impl CredentialsError {
    /// The malformed source the chain stopped at, if it stopped at one.
    pub fn malformed_source(&self) -> Option<&Attempt> {
        if self.stopped_on_malformed {
            self.attempts.last()
        } else {
            None
        }
    }
}

/// `Alibaba Cloud` / `Tencent Cloud`, as people write it.
pub(crate) fn provider_title(provider: Provider) -> &'static str {
    match provider {
        Provider::Alibaba => "Alibaba Cloud",
        Provider::Tencent => "Tencent Cloud",
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = provider_title(self.provider);
        match self.malformed_source() {
            Some(failed) if self.call_failed => write!(
                f,
                "{title} credentials source failed: {} (it was configured but could not be reached or \
                 refused; the search stops there)",
                failed.source
            )?,
            Some(bad) => write!(
                f,
                "malformed {title} credentials source: {} (the search stops at a malformed source)",
                bad.source
            )?,
            None => write!(f, "no {title} credentials found")?,
        }
        f.write_str("; tried: ")?;
        for (i, attempt) in self.attempts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} ({})", attempt.source, attempt.outcome)?;
        }
        if self.attempts.is_empty() {
            f.write_str("nothing")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(source: &str, outcome: &str) -> Attempt {
        Attempt {
            source: source.into(),
            outcome: outcome.into(),
        }
    }

    #[test]
    fn display_lists_every_attempt_in_order() {
        let error = CredentialsError {
            provider: Provider::Alibaba,
            attempts: vec![
                attempt("explicit", "not given"),
                attempt("environment", "ALIBABA_CLOUD_ACCESS_KEY_ID not set"),
                attempt("~/.aliyun/config.json", "no such file"),
            ],
            stopped_on_malformed: false,
            call_failed: false,
        };
        assert_eq!(
            error.to_string(),
            "no Alibaba Cloud credentials found; tried: explicit (not given); \
             environment (ALIBABA_CLOUD_ACCESS_KEY_ID not set); ~/.aliyun/config.json (no such file)"
        );
        assert_eq!(error.malformed_source(), None);
    }

    #[test]
    fn display_names_the_malformed_source() {
        let error = CredentialsError {
            provider: Provider::Tencent,
            attempts: vec![
                attempt("explicit", "not given"),
                attempt(
                    "~/.tencentcloud/credentials",
                    "line 3: expected `key = value`",
                ),
            ],
            stopped_on_malformed: true,
            call_failed: false,
        };
        assert_eq!(
            error.to_string(),
            "malformed Tencent Cloud credentials source: ~/.tencentcloud/credentials (the search stops at a \
             malformed source); tried: explicit (not given); ~/.tencentcloud/credentials (line 3: expected \
             `key = value`)"
        );
        assert_eq!(error.malformed_source(), error.attempts.get(1));
        let as_dyn: &dyn std::error::Error = &error;
        assert!(as_dyn.source().is_none());
    }
}
