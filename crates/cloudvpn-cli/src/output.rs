//! What goes to stdout: the result after `--query`, as JSON, `path: value` lines or an aligned table; and
//! writing it so that a reader that goes away early (`cloudvpn … | head -1`) ends the command quietly.

use crate::failure::{Failure, Kind};
use serde_json::Value;
use std::io::{self, Write};

mod table;

/// Result format on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pretty JSON with the specs' wire names.
    Json,
    /// `path: value` lines.
    Text,
    /// Aligned columns for lists of objects, `key  value` rows for one object.
    Table,
}

impl Format {
    /// The `--output` value (`json`, `text`, `table`).
    pub fn parse(name: Option<&str>) -> Format {
        match name {
            Some("text") => Format::Text,
            Some("table") => Format::Table,
            _ => Format::Json,
        }
    }
}

/// `--output` and `--query`.
#[derive(Debug, Clone)]
pub struct OutputSettings {
    /// The format.
    pub format: Format,
    /// A JMESPath expression, checked when the flags were read.
    pub query: Option<String>,
}

impl OutputSettings {
    /// Checks `--query` before anything is sent, so that a typo costs no request.
    pub fn new(format: Format, query: Option<String>) -> Result<Self, Failure> {
        if let Some(q) = &query {
            jmespath::compile(q).map_err(|e| {
                Failure::usage(format!(
                    "--query {q:?} is not a JMESPath expression: {e}\n  \
                     e.g. --query 'VpnGateways.VpnGateway[].VpnGatewayId'"
                ))
            })?;
        }
        Ok(OutputSettings { format, query })
    }
}

/// Applies `--query` and prints the result in the chosen format.
pub fn print(value: &Value, settings: &OutputSettings) -> Result<(), Failure> {
    let value = match &settings.query {
        Some(q) => query(q, value)?,
        None => value.clone(),
    };
    let mut notes = Vec::new();
    let mut text = match settings.format {
        Format::Json => serde_json::to_string_pretty(&value).unwrap_or_default(),
        Format::Text => flatten_lines(&value),
        Format::Table => {
            let (table, table_notes) = table::render(&value, terminal_width());
            notes = table_notes;
            table
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    emit(text.as_bytes())?;
    // After the table, so that a terminal shows them below it.
    for note in notes {
        eprintln!("note: {note}");
    }
    Ok(())
}

fn query(expression: &str, value: &Value) -> Result<Value, Failure> {
    let compiled = jmespath::compile(expression)
        .map_err(|e| Failure::usage(format!("--query {expression:?}: {e}")))?;
    let found = compiled
        .search(value)
        .map_err(|e| Failure::usage(format!("--query {expression:?} cannot be applied: {e}")))?;
    serde_json::to_value(&*found)
        .map_err(|e| Failure::usage(format!("--query {expression:?} gave no JSON value: {e}")))
}

/// Writes to stdout; a closed stdout is [`Kind::ClosedOutput`], which ends the command with exit 0.
pub fn emit(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => Failure {
                kind: Kind::ClosedOutput,
                message: String::new(),
            },
            _ => Failure {
                kind: Kind::Transport,
                message: format!("cannot write the result to stdout: {e}"),
            },
        })
}

/// `print!` and `println!` panic when stdout is closed; what still uses them (clap's help, the demo's
/// narration) ends the process quietly with exit 0 instead of a backtrace and exit 101, as `ls | head` ends
/// without a word. Every other panic keeps the default report.
pub fn exit_quietly_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// The terminal's width from `COLUMNS`, else 80 (what the table is laid out for when piped).
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w >= 20)
        .unwrap_or(80)
}

fn flatten_lines(value: &Value) -> String {
    let mut lines = Vec::new();
    flatten("", value, &mut lines);
    lines.join("\n")
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::String(s) if prefix.is_empty() => out.push(s.clone()),
        Value::String(s) => out.push(format!("{prefix}: {s}")),
        other if prefix.is_empty() => out.push(other.to_string()),
        other => out.push(format!("{prefix}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_are_checked_before_use() {
        assert!(OutputSettings::new(Format::Json, Some("a[".into())).is_err());
        let ok = OutputSettings::new(Format::Json, Some("a[].b".into())).expect("valid");
        assert_eq!(ok.query.as_deref(), Some("a[].b"));
    }

    #[test]
    fn a_query_selects_from_the_result() {
        let v = json!({"Items": [{"Id": "a", "N": 1}, {"Id": "b", "N": 2}]});
        assert_eq!(query("Items[].Id", &v).expect("query"), json!(["a", "b"]));
        assert_eq!(
            query("Items[?N > `1`].Id | [0]", &v).expect("query"),
            json!("b")
        );
    }

    #[test]
    fn text_lines_name_the_path_and_bare_values_stand_alone() {
        let v = json!({"A": {"B": [1, "x"]}, "C": true});
        assert_eq!(flatten_lines(&v), "A.B[0]: 1\nA.B[1]: x\nC: true");
        assert_eq!(flatten_lines(&json!(["a", "b"])), "[0]: a\n[1]: b");
        assert_eq!(flatten_lines(&json!("vpn-1")), "vpn-1");
    }
}
