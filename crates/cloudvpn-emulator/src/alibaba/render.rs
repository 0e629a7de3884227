//! Alibaba answers on the wire: JSON (the default) or XML (`Format=XML`, root `<Action>Response`), and the
//! real error body `{RequestId, HostId, Code, Message, Recommend}` (XML root `<Error>`) with its HTTP status.

use crate::error::ServiceError;
use crate::http::{Reply, content};
use cloudvpn_signing::encoding::percent_encode;
use serde::Serialize;
use serde_json::Value;

/// The answer format a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON (the VPC default).
    #[default]
    Json,
    /// XML.
    Xml,
}

impl Format {
    /// From the `Format` parameter, compared case-insensitively as the SDKs send `JSON` and `json`.
    pub fn from_param(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.eq_ignore_ascii_case("xml") => Format::Xml,
            _ => Format::Json,
        }
    }
}

/// A successful answer from its JSON body.
pub fn success(action: &str, json: Vec<u8>, format: Format, request_id: &str) -> Reply {
    match format {
        Format::Json => Reply::new(200, content::ALIBABA_JSON, json).request_id(request_id),
        Format::Xml => {
            let value: Value = serde_json::from_slice(&json).unwrap_or(Value::Null);
            let mut out = String::with_capacity(json.len() * 2);
            out.push_str(XML_DECLARATION);
            write_element(&mut out, &format!("{action}Response"), &value);
            Reply::new(200, content::ALIBABA_XML, out.into_bytes()).request_id(request_id)
        }
    }
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
    recommend: String,
}

/// An error answer.
pub fn error(e: &ServiceError, request_id: &str, host: &str, format: Format) -> Reply {
    let body = ErrorBody {
        request_id,
        host_id: host,
        code: &e.code,
        message: &e.message,
        recommend: format!(
            "https://api.alibabacloud.com/troubleshoot?intl_lang=EN_US&q={}&product=Vpc&requestId={}",
            percent_encode(&e.code),
            request_id
        ),
    };
    let status = e.http_status;
    match format {
        Format::Json => {
            let json = serde_json::to_vec(&body).unwrap_or_default();
            Reply::new(status, content::ALIBABA_JSON, json).request_id(request_id)
        }
        Format::Xml => {
            let value = serde_json::to_value(&body).unwrap_or(Value::Null);
            let mut out = String::from(XML_DECLARATION);
            write_element(&mut out, "Error", &value);
            Reply::new(status, content::ALIBABA_XML, out.into_bytes()).request_id(request_id)
        }
    }
}

/// Writes `value` as element(s) named `name`: an object becomes child elements, a list repeats the element
/// (`{"VpnGateway": [a, b]}` → `<VpnGateway>a</VpnGateway><VpnGateway>b</VpnGateway>`, the shape the real
/// service uses), `null` is left out.
fn write_element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                write_element(out, name, item);
            }
        }
        Value::Object(map) => {
            open(out, name);
            for (k, v) in map {
                write_element(out, k, v);
            }
            close(out, name);
        }
        Value::String(s) => {
            open(out, name);
            escape_into(out, s);
            close(out, name);
        }
        Value::Bool(b) => {
            open(out, name);
            out.push_str(if *b { "true" } else { "false" });
            close(out, name);
        }
        Value::Number(n) => {
            open(out, name);
            out.push_str(&n.to_string());
            close(out, name);
        }
    }
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all; a message quoting a hostile input must stay parseable.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_repeats_list_elements_under_the_action_root() {
        let json = br#"{"RequestId":"R","VpnGateways":{"VpnGateway":[{"VpnGatewayId":"a"},{"VpnGatewayId":"b"}]},"TotalCount":2}"#;
        let reply = success("DescribeVpnGateways", json.to_vec(), Format::Xml, "R");
        let text = String::from_utf8(reply.body.to_vec()).unwrap();
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeVpnGatewaysResponse><RequestId>R</RequestId>\
             <TotalCount>2</TotalCount><VpnGateways><VpnGateway><VpnGatewayId>a</VpnGatewayId></VpnGateway>\
             <VpnGateway><VpnGatewayId>b</VpnGatewayId></VpnGateway></VpnGateways></DescribeVpnGatewaysResponse>"
        );
    }

    #[test]
    fn errors_escape_their_text() {
        let e = ServiceError::custom("X", "a<b & \u{1}", 400);
        let reply = error(&e, "R", "h", Format::Xml);
        let text = String::from_utf8(reply.body.to_vec()).unwrap();
        assert!(
            text.contains("<Message>a&lt;b &amp; \u{FFFD}</Message>"),
            "{text}"
        );
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>X</Code>")
        );
    }
}
