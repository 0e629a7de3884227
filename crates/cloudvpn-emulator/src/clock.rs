//! Time: the wall clock in milliseconds, and the renderings of it the protocols use. The UTC
//! `YYYY-MM-DDTHH:MM:SSZ` format both Alibaba signatures carry (`Timestamp`, `x-acs-date`) and the control
//! API accepts for prepaid expiry dates comes from the signing crate, shared with the client that signs.

/// Only the raw signer (`signed`, behind `test-util`) writes timestamps.
#[cfg(feature = "test-util")]
pub use cloudvpn_signing::timestamp::format_utc;
pub use cloudvpn_signing::timestamp::parse_utc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, by the system clock.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Seconds since the Unix epoch, by the system clock.
pub fn now_secs() -> i64 {
    (now_ms() / 1000) as i64
}

/// Formats seconds since the epoch as `YYYY-MM-DD HH:MM:SS` (UTC), Tencent v2's `createTime` shape.
pub fn format_tencent(secs: i64) -> String {
    let p = cloudvpn_signing::timestamp::parts(secs);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tencent_create_time_shape() {
        assert_eq!(format_tencent(1_446_780_039), "2015-11-06 03:20:39");
    }
}
