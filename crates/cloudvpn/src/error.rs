//! The one error type of a call: which stage failed, with everything needed to act on it.

use crate::credentials::CredentialsError;
use crate::transport::TransportError;
use cloudvpn_types::meta::{Protocol, Provider};
use cloudvpn_types::{OperationError, ValidationError};
use std::fmt;
use std::time::Duration;

/// How much of an unparsable body an error keeps.
const MAX_KEPT_BODY: usize = 4096;

/// A failed call of operation `action`, whose service errors are `E` (the generated per-operation enum).
///
/// The stages are distinct: the request was invalid ([`Error::Validation`], nothing was sent), the client is
/// misconfigured ([`Error::Config`], [`Error::Credentials`]), nothing came back ([`Error::Transport`],
/// [`Error::Timeout`]), something came back that is not the protocol ([`Error::Unparsable`]), or the service
/// said no ([`Error::Service`], the typed error in one step via [`Error::service_error`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request breaks a documented constraint; nothing was sent.
    Validation(ValidationError),
    /// The client cannot make this call as configured (e.g. no region, bad endpoint).
    Config {
        /// The operation.
        action: &'static str,
        /// What is wrong and what would be right.
        message: String,
    },
    /// The operation belongs to an API of another protocol than the client speaks; nothing was sent.
    WrongProtocol {
        /// The operation.
        action: &'static str,
        /// The cloud of the operation's API.
        provider: Provider,
        /// The title of the operation's API.
        api: &'static str,
        /// The protocol of the operation's API.
        protocol: Protocol,
        /// The protocol the client speaks.
        client: Protocol,
    },
    /// No credentials could be found.
    Credentials(CredentialsError),
    /// No response: the connection failed on every attempt.
    Transport {
        /// The operation.
        action: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        source: TransportError,
    },
    /// No response within the per-attempt timeout, on every attempt.
    Timeout {
        /// The operation.
        action: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The timeout of each attempt.
        after: Duration,
    },
    /// A response that is not a valid answer of the protocol: status and body are kept as evidence, the
    /// body's secrets (an STS answer's keys, a Describe answer's pre-shared keys) masked.
    Unparsable {
        /// The operation.
        action: &'static str,
        /// HTTP status.
        status: u16,
        /// What was wrong with it.
        reason: String,
        /// The body (at most 4 KiB, lossily decoded), its secrets masked.
        body: String,
    },
    /// The service answered with an error.
    Service(E),
}

impl<E> Error<E> {
    pub(crate) fn unparsable(
        action: &'static str,
        status: u16,
        reason: impl Into<String>,
        body: &[u8],
    ) -> Self {
        // Masked before it is cut: a whole JSON answer is masked member by member, and what was cut from
        // it can no longer be. An STS or Describe answer that fails typed parsing still holds its secrets.
        let mut kept = crate::redact::body(body);
        if kept.len() > MAX_KEPT_BODY {
            let cut = (0..=MAX_KEPT_BODY)
                .rev()
                .find(|&i| kept.is_char_boundary(i))
                .unwrap_or(0);
            kept.truncate(cut);
        }
        Error::Unparsable {
            action,
            status,
            reason: reason.into(),
            body: kept,
        }
    }

    /// The typed service error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The typed service error, by value.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Whether no response came in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }
}

impl<E: OperationError> Error<E> {
    /// The service's error code, if the service answered.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.code())
    }

    /// Whether the service error is documented as "the resource does not exist".
    pub fn is_not_found(&self) -> bool {
        self.service_error().is_some_and(|e| e.is_not_found())
    }

    /// Whether the service throttled the call.
    pub fn is_throttling(&self) -> bool {
        self.service_error().is_some_and(|e| e.is_throttling())
    }

    /// Whether repeating the call later may succeed: retryable service errors, 5xx answers, timeouts and
    /// connection failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => e.is_retryable() || e.info().http_status.is_some_and(|s| s >= 500),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Unparsable { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => write!(f, "invalid request, nothing was sent: {e}"),
            Error::Config { action, message } => write!(f, "{action}: {message}"),
            Error::WrongProtocol {
                action,
                provider,
                api,
                protocol,
                client,
            } => {
                let provider = provider.as_str();
                let article = if provider.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                write!(
                    f,
                    "{action} is {article} {provider} operation of the {api}, whose protocol is {}; this client \
                     speaks {}, so nothing was sent: send it with a client of the {} protocol",
                    protocol.as_str(),
                    client.as_str(),
                    protocol.as_str()
                )
            }
            Error::Credentials(e) => write!(f, "{e}"),
            Error::Transport {
                action,
                attempts,
                source,
            } => write!(
                f,
                "{action}: no response after {attempts} attempt(s): {source}"
            ),
            Error::Timeout {
                action,
                attempts,
                after,
            } => write!(
                f,
                "{action}: timed out after {attempts} attempt(s) of {} ms each",
                after.as_millis()
            ),
            Error::Unparsable {
                action,
                status,
                reason,
                body,
            } => write!(
                f,
                "{action}: unexpected response (HTTP {status}): {reason}; body: {}",
                body.chars().take(200).collect::<String>()
            ),
            Error::Service(e) => write!(f, "{e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::Transport { source, .. } => Some(source),
            Error::Service(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type AnyError = Error<std::io::Error>;

    #[test]
    fn an_unparsable_sts_answer_keeps_its_secrets_out_of_display_and_debug() {
        let answer = br#"{"RequestId":"1","Credentials":{"AccessKeySecret":"sk-secret","SecurityToken":"tok-secret"}}"#;
        let e = AnyError::unparsable("AssumeRole", 200, "missing field `Expiration`", answer);
        let shown = format!("{e} / {e:?}");
        assert!(!shown.contains("-secret"), "{shown}");
        assert!(shown.contains(r#""RequestId":"1""#), "{shown}");
    }

    #[test]
    fn a_long_body_is_masked_whole_then_cut_on_a_character_boundary() {
        // The secret comes first, the cut falls in the middle of a two-byte character.
        let mut answer = br#"{"Credentials":{"AccessKeySecret":"sk-secret"},"Padding":""#.to_vec();
        answer.extend("é".repeat(MAX_KEPT_BODY).as_bytes());
        answer.extend(br#""}"#);
        let e = AnyError::unparsable("AssumeRole", 200, "reason", &answer);
        let Error::Unparsable { body, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(
            body.len() <= MAX_KEPT_BODY && body.len() > MAX_KEPT_BODY - 2,
            "{}",
            body.len()
        );
        assert!(!body.contains("sk-secret"), "{body}");
    }
}
