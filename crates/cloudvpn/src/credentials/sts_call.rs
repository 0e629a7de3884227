//! What the STS-based providers share: how a failed STS call is described (provider, endpoint and code,
//! never a secret), the timeouts and retries of those calls, and the session names they make up.

use super::Resolved;
use super::error::CredentialsError;
use super::metadata::{call_failed, failure};
use super::sealed::Sealed;
use crate::error::Error;
use crate::retry::RetryConfig;
use crate::transport::TransportErrorKind;
use cloudvpn_types::OperationError;
use cloudvpn_types::meta::Provider;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// An STS call runs inside a refresh, which the credentials cache bounds at five seconds. Its timeouts are
// sized so that every attempt ends within that bound (two attempts of 2 s and a backoff of at most 0.1 s):
// a slow or hanging STS then fails with this call's own error, which says which attempt got no answer,
// rather than with the cache's generic timeout; and one slow connect cannot use the whole bound. The
// official libraries allow 5 to 10 s per attempt, but they have no bound above them; an STS that takes
// more than 2 s to answer is unwell, and the refresh made while credentials are only due keeps the old
// ones meanwhile.

/// Connect timeout of an STS call (a connection to a well-connected endpoint takes well under a second).
pub(crate) const STS_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Time one STS attempt may take, its connection included.
pub(crate) const STS_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);

/// Two attempts, quickly: a refused connection or a 5xx is repeated once within the refresh's bound.
pub(crate) fn sts_retry() -> RetryConfig {
    RetryConfig {
        max_attempts: 2,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(100),
        ..RetryConfig::default()
    }
}

/// `cloudvpn-<unix seconds>`: the session name when none is configured (the official libraries make one up
/// the same way, `credentials-python-<seconds>`, `tencentcloud-go-sdk-<micros>`).
pub(crate) fn default_session_name() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("cloudvpn-{seconds}")
}

/// Temporary credentials an STS answered (from the provider named `source`), checked, with their expiry:
/// `expires_at` is the answer's expiry, or what is wrong with it. Messages name fields, never values.
pub(crate) fn issued<C: Sealed>(
    source: &str,
    credentials: C,
    expires_at: Result<SystemTime, &str>,
) -> Result<Resolved<C>, CredentialsError> {
    let expires_at = expires_at.map_err(|problem| failure(C::provider(), source, problem))?;
    if let Some(problem) = credentials.problem() {
        return Err(failure(
            C::provider(),
            source,
            format!("the answer's {problem}"),
        ));
    }
    Ok(Resolved {
        expires_at: Some(expires_at),
        ..Resolved::new(credentials, source)
    })
}

/// The error of a failed STS call made by the provider named `source`. The service's message is left out:
/// a signature mismatch quotes the string to sign, which holds the calling credentials' security token.
pub(crate) fn call_failure<E: OperationError>(
    provider: Provider,
    source: &str,
    error: &Error<E>,
) -> CredentialsError {
    let problem = match error {
        Error::Service(e) => {
            let mut text = e.code().to_owned();
            if let Some(status) = e.info().http_status {
                text.push_str(&format!(" (HTTP {status}"));
                if let Some(id) = e.request_id() {
                    text.push_str(&format!(", request id {id}"));
                }
                text.push(')');
            }
            if let Some(hint) = e.documented().map(|d| d.hint).filter(|h| !h.is_empty()) {
                text.push_str(": ");
                text.push_str(hint);
            }
            text
        }
        Error::Transport {
            attempts, source, ..
        } => {
            // The transport's own message quotes the URL, whose query may hold a token: the kind only.
            let kind = match source.kind {
                TransportErrorKind::Connect => "cannot connect",
                TransportErrorKind::Io => "the connection failed mid-request",
                TransportErrorKind::Timeout => "the transport timed out",
                TransportErrorKind::Request => "the request could not be built",
            };
            format!("{kind} ({attempts} attempt(s))")
        }
        Error::Timeout {
            attempts, after, ..
        } => format!(
            "no answer within {} s ({attempts} attempt(s))",
            after.as_secs()
        ),
        Error::Unparsable { status, reason, .. } => {
            format!("HTTP {status}, not an STS answer: {reason}")
        }
        Error::Credentials(e) => format!("no credentials to call STS with: {e}"),
        Error::Validation(e) => format!("the request is invalid: {e}"),
        other => other.to_string(),
    };
    call_failed(provider, source, problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::Backoff;

    #[test]
    fn every_sts_attempt_ends_within_the_refresh_timeout() {
        let retry = sts_retry();
        let backoff = Backoff::new(&retry);
        let backoffs: Duration = (1..retry.max_attempts).map(|a| backoff.ceiling(a)).sum();
        let worst = STS_ATTEMPT_TIMEOUT * retry.max_attempts + backoffs;
        let bound = crate::credentials::RefreshPolicy::default().refresh_timeout;
        assert!(
            worst < bound,
            "worst case {worst:?} vs the refresh bound {bound:?}"
        );
        assert!(STS_CONNECT_TIMEOUT < STS_ATTEMPT_TIMEOUT);
    }
}
