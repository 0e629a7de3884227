//! JSON bodies written as the official Python SDK writes them (`json.dumps` with its defaults): `", "` and
//! `": "` between items, every character outside printable ASCII escaped as `\uXXXX`. A TC3 signature
//! covers the body's bytes, so writing them the SDK's way makes our requests byte-for-byte the SDK's.

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io::{self, Write};

/// Serializes `value` as `json.dumps(value)` would.
pub(crate) fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut Serializer::with_formatter(&mut out, PythonFormatter))?;
    Ok(out)
}

/// `json.dumps`' separators and `ensure_ascii`.
struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    /// The parts of a string serde_json does not escape itself: everything outside `' '..='~'` becomes
    /// `\uXXXX` (a surrogate pair above U+FFFF), as Python's `ensure_ascii` does (DEL included).
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut units = [0u16; 2];
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                writer.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_what_json_dumps_writes() {
        // The body of the official SDK's DeleteVpnConnection request (70 bytes).
        let body =
            to_vec(&json!({"VpnGatewayId": "vpngw-kfldykuz", "VpnConnectionId": "vpnx-ol6bcqp0"}))
                .expect("serializes");
        assert_eq!(
            String::from_utf8(body).expect("ascii"),
            r#"{"VpnConnectionId": "vpnx-ol6bcqp0", "VpnGatewayId": "vpngw-kfldykuz"}"#
        );
        // The published TC3 example's payload: nested lists and objects, non-ASCII escaped.
        let body = to_vec(
            &json!({"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]}),
        )
        .expect("serializes");
        assert_eq!(
            String::from_utf8(body).expect("ascii"),
            r#"{"Filters": [{"Name": "instance-name", "Values": ["\u672a\u547d\u540d"]}], "Limit": 1}"#
        );
    }

    #[test]
    fn escapes_like_ensure_ascii() {
        let body = to_vec(&json!(["a\"b\\c\n\t\u{7f}\u{1}", "é😀", []])).expect("serializes");
        assert_eq!(
            String::from_utf8(body).expect("ascii"),
            r#"["a\"b\\c\n\t\u007f\u0001", "\u00e9\ud83d\ude00", []]"#
        );
    }
}
