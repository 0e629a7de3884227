//! `--output table`: the list of objects in a result (the page of a Describe, or what `--query` selected) as
//! aligned columns that fit the terminal, or one object as `key  value` rows.
//!
//! Only scalar fields become columns: nested objects and lists would not fit a cell, and `-o json` or a
//! `--query` shows them. When the columns are wider than the terminal, the widest are shortened (marked with
//! `…`), and columns that still do not fit are left out with a note naming them.

use serde_json::{Map, Value};

const GAP: &str = "  ";
/// A column is not shortened below this (or its header's length, if shorter).
const MIN_WIDTH: usize = 8;

/// The table, then notes for stderr (columns left out), if any.
pub fn render(value: &Value, width: usize) -> (String, Vec<String>) {
    match rows_of(value) {
        Some(Rows::Objects(rows)) => columns(&rows, width),
        Some(Rows::Scalars(items)) => {
            let cells: Vec<Vec<String>> = items.iter().map(|v| vec![cell(v)]).collect();
            (layout(&["Value".to_owned()], &cells, width), Vec::new())
        }
        None => match value {
            Value::Object(map) => key_values(map, width),
            other => (cell(other), Vec::new()),
        },
    }
}

enum Rows<'a> {
    Objects(Vec<&'a Map<String, Value>>),
    Scalars(&'a [Value]),
}

/// The list a table shows: the value itself, or the one list of objects inside it (at most two levels
/// down, as in `{"VpnGateways": {"VpnGateway": [...]}}` or `{"data": [...]}`).
fn rows_of(value: &Value) -> Option<Rows<'_>> {
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => Some(
            Rows::Objects(items.iter().filter_map(Value::as_object).collect()),
        ),
        Value::Array(items) if items.iter().all(is_scalar) => Some(Rows::Scalars(items)),
        Value::Object(map) => {
            let mut lists = Vec::new();
            collect_lists(map, 2, &mut lists);
            match lists.as_slice() {
                [only] => rows_of(only),
                _ => None,
            }
        }
        _ => None,
    }
}

fn collect_lists<'a>(map: &'a Map<String, Value>, depth: usize, out: &mut Vec<&'a Value>) {
    for v in map.values() {
        match v {
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
                out.push(v)
            }
            Value::Object(inner) if depth > 1 => collect_lists(inner, depth - 1, out),
            _ => {}
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn columns(rows: &[&Map<String, Value>], width: usize) -> (String, Vec<String>) {
    let mut names: Vec<String> = Vec::new();
    let mut nested: Vec<String> = Vec::new();
    for row in rows {
        for (k, v) in row.iter() {
            let list = if is_scalar(v) {
                &mut names
            } else {
                &mut nested
            };
            if !list.contains(k) {
                list.push(k.clone());
            }
        }
    }
    nested.retain(|n| !names.contains(n));
    // JSON objects come sorted by key; a reader looks for the identifiers first, then name and state.
    names.sort_by_key(|n| (column_rank(n), n.clone()));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            names
                .iter()
                .map(|n| row.get(n).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    let (shown, left_out) = fit(&names, &cells, width);
    let cells: Vec<Vec<String>> = cells.into_iter().map(|r| r[..shown].to_vec()).collect();
    let mut notes = Vec::new();
    if !left_out.is_empty() {
        notes.push(format!(
            "{} more column(s) do not fit in {width} columns: {}; choose columns with --query, e.g. \
             --query '[].{{Id: {}}}' on the list",
            left_out.len(),
            left_out.join(", "),
            names[0]
        ));
    }
    if !nested.is_empty() {
        notes.push(format!(
            "nested field(s) not shown in the table: {}; see them with -o json",
            nested.join(", ")
        ));
    }
    (layout(&names[..shown], &cells, width), notes)
}

fn column_rank(name: &str) -> u8 {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("id") {
        0
    } else if lower.ends_with("name") {
        1
    } else if lower == "status" || lower == "state" {
        2
    } else {
        3
    }
}

fn key_values(map: &Map<String, Value>, width: usize) -> (String, Vec<String>) {
    let mut rows = Vec::new();
    let mut nested = Vec::new();
    for (k, v) in map {
        if is_scalar(v) {
            rows.push(vec![k.clone(), cell(v)]);
        } else {
            nested.push(k.clone());
        }
    }
    let notes = if nested.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "nested field(s) not shown in the table: {}; see them with -o json",
            nested.join(", ")
        )]
    };
    (
        layout(&["Field".to_owned(), "Value".to_owned()], &rows, width),
        notes,
    )
}

/// How many leading columns fit in `width` once shortened as far as allowed, and the names of the rest.
fn fit(names: &[String], cells: &[Vec<String>], width: usize) -> (usize, Vec<String>) {
    let mut shown = names.len();
    while shown > 1 {
        let floor: usize = (0..shown)
            .map(|i| {
                natural(names, cells, i).min(MIN_WIDTH.max(names[i].chars().count().min(MIN_WIDTH)))
            })
            .sum::<usize>()
            + GAP.len() * (shown - 1);
        if floor <= width {
            break;
        }
        shown -= 1;
    }
    (shown, names[shown..].to_vec())
}

fn natural(names: &[String], cells: &[Vec<String>], i: usize) -> usize {
    cells
        .iter()
        .map(|r| r[i].chars().count())
        .chain(std::iter::once(names[i].chars().count()))
        .max()
        .unwrap_or(0)
}

/// Header, rule and rows, with the widest columns shortened until the whole fits in `width`.
fn layout(names: &[String], cells: &[Vec<String>], width: usize) -> String {
    let mut widths: Vec<usize> = (0..names.len()).map(|i| natural(names, cells, i)).collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * w.len().saturating_sub(1);
    while total(&widths) > width {
        let Some((widest, &w)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            break;
        };
        if w <= MIN_WIDTH {
            break;
        }
        widths[widest] = w - 1;
    }
    let mut out = String::new();
    let line = |out: &mut String, values: &[String]| {
        let parts: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, &w)| pad(&shorten(v, w), w))
            .collect();
        out.push_str(parts.join(GAP).trim_end());
        out.push('\n');
    };
    line(&mut out, names);
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    line(&mut out, &rule);
    for row in cells {
        line(&mut out, row);
    }
    out
}

fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_becomes_aligned_columns_of_its_list() {
        let page = json!({
            "RequestId": "r-1", "TotalCount": 2,
            "VpnGateways": {"VpnGateway": [
                {"VpnGatewayId": "vpn-1", "Status": "active", "Tags": {"Tag": []}},
                {"VpnGatewayId": "vpn-22", "Status": "deleting"}
            ]}
        });
        let (text, notes) = render(&page, 80);
        assert_eq!(
            text,
            "VpnGatewayId  Status\n------------  --------\nvpn-1         active\nvpn-22        deleting\n"
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("Tags"), "{notes:?}");
    }

    #[test]
    fn wide_tables_fit_the_width_by_shortening_then_leaving_out_columns() {
        let row = |i: usize| {
            let mut r = json!({"Id": format!("vpn-{i:030}"), "Name": "a-rather-long-gateway-name-for-ci",
                   "Description": "d".repeat(60), "Status": "active"});
            for c in 'A'..='T' {
                r[format!("Field{c}")] = json!(format!("value-{c}"));
            }
            r
        };
        let rows = json!([row(1), row(2)]);
        let (text, notes) = render(&rows, 80);
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line:?} is wider than 80");
        }
        assert!(text.contains('…'), "{text}");
        assert!(text.starts_with("Id"), "{text}");
        assert!(
            notes.iter().any(|n| n.contains("do not fit")),
            "{notes:?}\n{text}"
        );
    }

    #[test]
    fn one_object_becomes_field_value_rows() {
        let (text, notes) = render(&json!({"RequestId": "r-1", "Ok": true}), 80);
        assert_eq!(
            text,
            "Field      Value\n---------  -----\nOk         true\nRequestId  r-1\n"
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn scalars_and_lists_of_scalars() {
        assert_eq!(render(&json!("vpn-1"), 80).0, "vpn-1");
        assert_eq!(render(&json!(["a", "b"]), 80).0, "Value\n-----\na\nb\n");
    }
}
