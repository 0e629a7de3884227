//! The encoders round-trip, and the single-pass form decoder agrees with the split-based one it
//! replaced.

use super::*;
use cloudvpn_signing::encoding::percent_encode;

proptest! {
    #[test]
    fn form_encoding_round_trips(pairs in pairs(8)) {
        prop_assert_eq!(form_decode(&form_urlencode(&pairs)), Ok(pairs));
    }

    #[test]
    fn percent_encode_emits_only_unreserved_and_escapes(input in text()) {
        let encoded = percent_encode(&input);
        let bytes = encoded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let hex = &bytes[i + 1..i + 3];
                prop_assert!(
                    hex.iter().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h)),
                    "bad escape in {}", encoded
                );
                i += 3;
            } else {
                prop_assert!(b.is_ascii_alphanumeric() || b"-_.~".contains(&b), "{:?} in {}", b as char, encoded);
                i += 1;
            }
        }
        // And it is lossless.
        let decoded = form_decode(&format!("k={encoded}"));
        prop_assert_eq!(decoded, Ok(vec![("k".to_owned(), input)]));
    }

    #[test]
    fn form_decode_never_panics(input in prop_oneof![any::<String>(), "[%+&=0-9a-fA-Fgé]{0,16}"]) {
        let _ = form_decode(&input);
    }

    #[test]
    fn form_decode_matches_the_split_based_reference(
        input in prop_oneof![
            any::<String>(),
            "[%+&=0-9a-fA-Fgé]{0,24}",
            "((%[0-9A-Fa-f]{2}|[&=+ aé]|%C3|%A9|%FF|%)){0,16}",
        ]
    ) {
        prop_assert_eq!(form_decode(&input), reference::form_decode(&input));
    }
}

/// The form decoder as first written (split on `&`, then on `=`, then decode
/// each component), kept as the reference for the single-pass scanner.
mod reference {
    use cloudvpn_signing::encoding::DecodeError;

    fn hex_value(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }

    fn decode_component(component: &str, base: usize) -> Result<String, DecodeError> {
        let bytes = component.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b'%' => {
                    let hi = bytes.get(i + 1).copied().and_then(hex_value);
                    let lo = bytes.get(i + 2).copied().and_then(hex_value);
                    match (hi, lo) {
                        (Some(hi), Some(lo)) => out.push((hi << 4) | lo),
                        _ => return Err(DecodeError::InvalidPercentEscape { offset: base + i }),
                    }
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|e| {
            // Map the decoded offset back to the input offset.
            let decoded_offset = e.utf8_error().valid_up_to();
            let (mut input, mut output) = (0, 0);
            while output < decoded_offset && input < bytes.len() {
                input += if bytes[input] == b'%' { 3 } else { 1 };
                output += 1;
            }
            DecodeError::InvalidUtf8 {
                offset: base + input,
            }
        })
    }

    pub fn form_decode(input: &str) -> Result<Vec<(String, String)>, DecodeError> {
        let mut pairs = Vec::new();
        let mut offset = 0;
        for segment in input.split('&') {
            let start = offset;
            offset += segment.len() + 1;
            if segment.is_empty() {
                continue;
            }
            let (name, value, value_start) = match segment.split_once('=') {
                Some((name, value)) => (name, value, start + name.len() + 1),
                None => (segment, "", start + segment.len()),
            };
            pairs.push((
                decode_component(name, start)?,
                decode_component(value, value_start)?,
            ));
        }
        Ok(pairs)
    }
}
