//! What both protocols check the same way once a signature verifies: the timestamp window, nonce reuse,
//! and the generic facts about a parsed request (its documented constraints, its idempotency token).

use crate::credentials::Key;
use crate::idempotency;
use cloudvpn_types::{Operation, ValidationError, Visitor};

/// Whether a request signed at `signed_secs` is inside `window_secs` of `now_secs`, either way.
pub fn within_window(signed_secs: i64, now_secs: i64, window_secs: u64) -> bool {
    signed_secs.abs_diff(now_secs) <= window_secs
}

/// The second from which a nonce may be forgotten: the first one at which its request's timestamp is out
/// of the window, so that [`within_window`] refuses a replay by itself from then on.
pub fn nonce_keep_until_secs(signed_secs: i64, window_secs: u64) -> u64 {
    let until = signed_secs
        .saturating_add(i64::try_from(window_secs).unwrap_or(i64::MAX))
        .saturating_add(1);
    u64::try_from(until).unwrap_or(0)
}

/// Why a temporary key's request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// It carries no session token.
    Missing,
    /// Its token is not the key's.
    Mismatch,
    /// The key has expired.
    Expired,
}

/// Whether a request of `key` carrying `sent` is acceptable at `now_ms`: a temporary key needs its own
/// token and must not have expired; a permanent key takes any token (the emulator does not check tokens
/// sent with permanent keys).
pub fn check_session(key: &Key, sent: Option<&str>, now_ms: u64) -> Result<(), TokenProblem> {
    if !key.is_temporary() {
        return Ok(());
    }
    if sent.is_none_or(str::is_empty) {
        return Err(TokenProblem::Missing);
    }
    if !key.accepts_token(sent) {
        return Err(TokenProblem::Mismatch);
    }
    if key.expires_ms.is_some_and(|e| e <= now_ms) {
        return Err(TokenProblem::Expired);
    }
    Ok(())
}

/// The generic facts about a parsed request.
#[derive(Debug)]
pub struct Inspected {
    /// The documented constraints hold (lengths, ranges, allowed values).
    pub validation: Result<(), ValidationError>,
    /// The idempotency token, when the operation has one and it was given.
    pub token: Option<String>,
    /// The canonical parameters without the token (only computed when there is a token).
    pub fingerprint: String,
}

/// A [`Visitor`] that reads [`Inspected`] from any generated request, so no code here names an operation.
pub struct Inspect;

impl Visitor for Inspect {
    type Output = Inspected;

    fn visit<O: Operation>(self, request: O) -> Inspected {
        let token = request.idempotency_token().map(str::to_owned);
        let fingerprint = match (&token, O::META.idempotency_token) {
            (Some(_), Some(name)) => idempotency::fingerprint(&request.to_params(), name),
            _ => String::new(),
        };
        Inspected {
            validation: request.validate(),
            token,
            fingerprint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_symmetric_and_inclusive() {
        assert!(within_window(1_000, 1_900, 900));
        assert!(within_window(1_900, 1_000, 900));
        assert!(!within_window(1_000, 1_901, 900));
        assert!(!within_window(i64::MIN, i64::MAX, 900));
        assert_eq!(nonce_keep_until_secs(100, 900), 1_001);
        assert_eq!(nonce_keep_until_secs(i64::MIN, 900), 0);
        // The nonce is kept through the last second the timestamp check accepts it, and not after.
        assert!(within_window(100, 1_000, 900));
        assert!(!within_window(100, 1_001, 900));
    }
}
