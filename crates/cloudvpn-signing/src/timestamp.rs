//! The UTC timestamp format of Alibaba Cloud signatures, `YYYY-MM-DDTHH:MM:SSZ` (`Timestamp` in RPC v1,
//! `x-acs-date` in V3): formatted by the client that signs, parsed by the server that checks the time
//! window. Both sides use this module, so they cannot disagree about the format.
//!
//! Pure calendar arithmetic on seconds since the Unix epoch (Howard Hinnant's civil-date algorithms), so
//! the crate needs no date library and no clock.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (what the SDKs send; fractional seconds are accepted and dropped) into
/// seconds since the epoch. `None` for anything else.
pub fn parse_utc(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = &text[19..];
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    if rest != "Z" {
        return None;
    }
    let year = i64::from(year);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_utc(secs: i64) -> String {
    let (date, time) = split(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.0,
        date.1,
        date.2,
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// The UTC calendar fields of a time, for other renderings of it (e.g. Tencent's `YYYY-MM-DD HH:MM:SS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcParts {
    /// Year.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: i64,
    /// Minute, 0–59.
    pub minute: i64,
    /// Second, 0–59.
    pub second: i64,
}

/// The UTC calendar fields of `secs` seconds since the epoch.
pub fn parts(secs: i64) -> UtcParts {
    let ((year, month, day), time) = split(secs);
    UtcParts {
        year,
        month,
        day,
        hour: time / 3600,
        minute: time / 60 % 60,
        second: time % 60,
    }
}

fn split(secs: i64) -> ((i64, u32, u32), i64) {
    let days = secs.div_euclid(86_400);
    (civil_from_days(days), secs.rem_euclid(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_sdk_format() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("2024-01-01T12:00:00Z"), Some(1_704_110_400));
        assert_eq!(format_utc(1_704_110_400), "2024-01-01T12:00:00Z");
        assert_eq!(parse_utc("2024-02-29T23:59:59.123Z"), Some(1_709_251_199));
        let p = parts(1_446_780_039);
        assert_eq!(
            (p.year, p.month, p.day, p.hour, p.minute, p.second),
            (2015, 11, 6, 3, 20, 39)
        );
        for secs in [0_i64, 951_782_400, 1_709_251_199, 4_102_444_800] {
            assert_eq!(parse_utc(&format_utc(secs)), Some(secs));
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "2024-01-01",
            "2024-01-01T12:00:00",
            "2024-01-01T12:00:00+08:00",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "20x4-01-01T00:00:00Z",
            "2024-01-01T00:00:00Zjunk",
            "１９７０-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad:?}");
        }
    }
}
