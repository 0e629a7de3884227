//! Alibaba `Format=XML` bodies as JSON values, so one set of serde types reads both formats.
//!
//! The root element is dropped without looking at its name: documents get it wrong (`DeleteVpnGateway`'s
//! example is rooted at `<DeleteNatGatewayResponse>`), and errors come as `<Error>`. A child element holding
//! only text becomes a string, one with children an object, and a name repeated among siblings an array.
//! Scalars stay text; the generated types' deserializers accept numbers and booleans written as text.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value};

/// Why a body is not usable XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid XML: {}", self.0)
    }
}

impl std::error::Error for XmlError {}

/// Nesting deeper than this is refused (a hostile body must not exhaust the stack).
const MAX_DEPTH: usize = 64;

/// Converts an XML document to the JSON value of its root element's content.
pub fn to_json(body: &[u8]) -> Result<Value, XmlError> {
    let text = std::str::from_utf8(body).map_err(|e| XmlError(e.to_string()))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    // Stack of (element name, children, text).
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut root: Option<Value> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError(format!("at byte {}: {e}", reader.buffer_position())))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(XmlError("content after the root element".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError(format!("nested deeper than {MAX_DEPTH} elements")));
                }
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                stack.push((name, Map::new(), String::new()));
            }
            Event::Empty(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                match stack.last_mut() {
                    Some((_, children, _)) => insert(children, name, Value::String(String::new())),
                    None => root = Some(Value::Object(Map::new())),
                }
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| XmlError(e.to_string()))?;
                let s = quick_xml::escape::unescape(&s).map_err(|e| XmlError(e.to_string()))?;
                if let Some((_, _, text)) = stack.last_mut() {
                    text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some((_, _, text)) = stack.last_mut() {
                    text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let resolved = match name.as_str() {
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "amp" => "&".to_owned(),
                    "apos" => "'".to_owned(),
                    "quot" => "\"".to_owned(),
                    other => match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => return Err(XmlError(format!("unknown entity &{other};"))),
                    },
                };
                if let Some((_, _, text)) = stack.last_mut() {
                    text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let Some((name, children, text)) = stack.pop() else {
                    return Err(XmlError("unbalanced end tag".into()));
                };
                let value = if children.is_empty() {
                    Value::String(text)
                } else {
                    Value::Object(children)
                };
                match stack.last_mut() {
                    Some((_, parent, _)) => insert(parent, name, value),
                    None => {
                        root = Some(match value {
                            Value::String(s) if s.is_empty() => Value::Object(Map::new()),
                            v => v,
                        })
                    }
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("the document ends inside an element".into()));
    }
    root.ok_or_else(|| XmlError("no root element".into()))
}

fn insert(map: &mut Map<String, Value>, name: String, value: Value) {
    match map.get_mut(&name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = std::mem::take(existing);
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_root_element_is_ignored() {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteNatGatewayResponse>\n  <RequestId>0ED8D006</RequestId>\n</DeleteNatGatewayResponse>";
        assert_eq!(to_json(doc), Ok(json!({"RequestId": "0ED8D006"})));
    }

    #[test]
    fn lists_nesting_and_entities() {
        let doc = b"<R><TotalCount>2</TotalCount><VpnGateways><VpnGateway><Id>a&amp;b</Id></VpnGateway><VpnGateway><Id>c</Id></VpnGateway></VpnGateways><Empty/></R>";
        assert_eq!(
            to_json(doc),
            Ok(json!({
                "TotalCount": "2",
                "VpnGateways": {"VpnGateway": [{"Id": "a&b"}, {"Id": "c"}]},
                "Empty": ""
            }))
        );
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for bad in [
            &b"<a><b></a>"[..],
            b"<a>",
            b"",
            b"\xff\xfe",
            b"<a></a><b></b>",
            b"<a>&nope;</a>",
        ] {
            assert!(to_json(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(to_json(deep.as_bytes()).is_err());
    }
}
