//! Masking secrets quoted inside a text, whatever its shape: the parameters of a server's string to sign
//! echoed in a signature error (`…%26SecurityToken%3D<token>%26…`, the canonical query percent-encoded
//! once more), `Name=value` pairs, the members of a JSON text that does not parse (an answer cut short)
//! and the elements of an XML answer. The names are [`SECRET_NAMES`](crate::redact::SECRET_NAMES).

use crate::redact::{MASK, is_secret};
use std::borrow::Cow;

/// `text` with the value after every secret name masked, borrowed as it was when it quotes none.
pub(crate) fn text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // The spans of secret values, in order and not overlapping.
    let mut values: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            // `%26Name`: an escape is no part of the name after it.
            i += 3;
            continue;
        }
        if !is_name_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        if is_secret(&text[start..i]) {
            if let Some(value) = value_after(bytes, start, i).filter(|(s, e)| s < e) {
                i = value.1;
                values.push(value);
            }
        }
    }
    if values.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut masked = String::with_capacity(text.len());
    let mut kept_from = 0;
    for (value_start, value_end) in values {
        masked.push_str(&text[kept_from..value_start]);
        masked.push_str(MASK);
        kept_from = value_end;
    }
    masked.push_str(&text[kept_from..]);
    Cow::Owned(masked)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Ends a value quoted in a text; each is ASCII, so a span always cuts on a character boundary.
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'&' | b'"' | b'\'' | b'<' | b',' | b';')
}

/// The span of the value that follows the name at `start..end`, if the name is followed by one.
fn value_after(bytes: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let rest = &bytes[end..];
    let before = start.checked_sub(1).map(|p| bytes[p]);
    if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%3D") {
        // Encoded once more: the value runs to the next encoded `&` (`%26`).
        let from = end + 3;
        let mut to = from;
        while to < bytes.len()
            && !ends_value(bytes[to])
            && !bytes[to..]
                .get(..3)
                .is_some_and(|e| e.eq_ignore_ascii_case(b"%26"))
        {
            to += 1;
        }
        return Some((from, to));
    }
    if rest.first() == Some(&b'=') {
        return Some((end + 1, run_until(bytes, end + 1, ends_value)));
    }
    if before == Some(b'"') && rest.first() == Some(&b'"') {
        // `"Name": "value"`, up to its closing quote or, in a text cut short, the end.
        let mut at = end + 1;
        at = run_until(bytes, at, |b| !b.is_ascii_whitespace());
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = run_until(bytes, at + 1, |b| !b.is_ascii_whitespace());
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let from = at + 1;
        let mut to = from;
        while to < bytes.len() && bytes[to] != b'"' {
            to += if bytes[to] == b'\\' { 2 } else { 1 };
        }
        return Some((from, to.min(bytes.len())));
    }
    if before == Some(b'<') && rest.first() == Some(&b'>') {
        // `<Name>value</Name>`.
        return Some((end + 1, run_until(bytes, end + 1, |b| b == b'<')));
    }
    None
}

/// The first position from `from` whose byte is `stop`, or the end.
fn run_until(bytes: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| stop(b))
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v1 `SignatureDoesNotMatch` as the gateway (and the emulator) words it, with a session token.
    const MISMATCH: &str = "Specified signature is not matched with our calculation. server string to sign \
        is:POST&%2F&AccessKeyId%3DSTS.WV53abc%26Action%3DDescribeVpnGateways%26Format%3DJSON%26RegionId%3D\
        cn-hangzhou%26SecurityToken%3DCAISxQHCJS1gisMxv2rf%252B%252Ftok%253D%253D%26SignatureMethod%3D\
        HMAC-SHA1%26Version%3D2016-04-28";

    #[test]
    fn a_session_token_in_an_echoed_string_to_sign_is_masked() {
        let shown = text(MISMATCH);
        assert!(
            !shown.contains("CAISxQ") && !shown.contains("tok"),
            "{shown}"
        );
        assert!(
            shown.contains("%26SecurityToken%3D***%26SignatureMethod%3DHMAC-SHA1"),
            "{shown}"
        );
        assert!(
            shown.contains("AccessKeyId%3DSTS.WV53abc%26Action"),
            "{shown}"
        );
    }

    #[test]
    fn a_token_last_in_the_string_to_sign_is_masked_to_the_end() {
        let shown =
            text("server string to sign is:GET&%2F&Action%3DX%26SecurityToken%3Dtok-secret");
        assert_eq!(
            shown,
            "server string to sign is:GET&%2F&Action%3DX%26SecurityToken%3D***"
        );
    }

    #[test]
    fn secrets_of_cut_short_json_and_of_xml_are_masked() {
        let cut = r#"{"RequestId":"1","Credentials":{"AccessKeySecret" : "sk-secret","SecurityToken":"tok-sec"#;
        let shown = text(cut);
        assert!(
            !shown.contains("-secret") && !shown.contains("tok-sec"),
            "{shown}"
        );
        assert!(shown.contains(r#""RequestId":"1""#), "{shown}");
        let xml = "<AssumeRoleResponse><Credentials><AccessKeyId>STS.id</AccessKeyId>\
            <AccessKeySecret>sk-secret</AccessKeySecret><SecurityToken>tok-secret</SecurityToken>";
        let shown = text(xml);
        assert!(
            !shown.contains("-secret") && shown.contains("STS.id"),
            "{shown}"
        );
    }

    #[test]
    fn a_text_without_secrets_is_borrowed_unchanged() {
        let plain =
            "Specified parameter RegionId is not valid. Token bucket empty; AccessKeyId%3DSTS.x";
        assert!(matches!(text(plain), Cow::Borrowed(t) if t == plain));
    }
}
