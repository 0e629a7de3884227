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
        Some((Rows::Objects(rows), path)) => columns(&rows, &path, width),
        Some((Rows::Lists(items), _)) => {
            let cells: Vec<Vec<String>> = items
                .iter()
                .map(|r| {
                    r.as_array()
                        .map(|r| r.iter().map(cell).collect())
                        .unwrap_or_default()
                })
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(0);
            let cells: Vec<Vec<String>> = cells
                .into_iter()
                .map(|mut r| {
                    r.resize(n, String::new());
                    r
                })
                .collect();
            let names: Vec<String> = (1..=n).map(|i| format!("#{i}")).collect();
            let widths = fit(&names, &cells, width);
            (layout(&names, &cells, &widths), Vec::new())
        }
        Some((Rows::Scalars(items), _)) => {
            let cells: Vec<Vec<String>> = items.iter().map(|v| vec![cell(v)]).collect();
            let names = ["Value".to_owned()];
            let widths = fit(&names, &cells, width);
            (layout(&names, &cells, &widths), Vec::new())
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
    Lists(&'a [Value]),
}

/// The list a table shows: the value itself, or the one list of objects inside it (at most two levels
/// down, as in `{"VpnGateways": {"VpnGateway": [...]}}` or `{"data": [...]}`).
fn rows_of(value: &Value) -> Option<(Rows<'_>, Vec<String>)> {
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => Some((
            Rows::Objects(items.iter().filter_map(Value::as_object).collect()),
            Vec::new(),
        )),
        Value::Array(items) if items.iter().all(is_scalar) => {
            Some((Rows::Scalars(items), Vec::new()))
        }
        // What `--query 'List[].[A, B]'` selects: a row per inner list.
        Value::Array(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.as_array().is_some_and(|r| r.iter().all(is_scalar))) =>
        {
            Some((Rows::Lists(items), Vec::new()))
        }
        Value::Object(map) => {
            let mut lists = Vec::new();
            collect_lists(map, 2, &mut lists);
            match lists.as_slice() {
                [(path, only)] => rows_of(only).map(|(rows, _)| (rows, path.clone())),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The lists of objects in `map`, with the path of keys each is under (`VpnGateways.VpnGateway`).
fn collect_lists<'a>(
    map: &'a Map<String, Value>,
    depth: usize,
    out: &mut Vec<(Vec<String>, &'a Value)>,
) {
    for (k, v) in map {
        match v {
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
                out.push((vec![k.clone()], v))
            }
            Value::Object(inner) if depth > 1 => {
                let mut found = Vec::new();
                collect_lists(inner, depth - 1, &mut found);
                for (mut path, list) in found {
                    path.insert(0, k.clone());
                    out.push((path, list));
                }
            }
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

/// `path` is where the list was (`VpnGateways.VpnGateway`): its `VpnGatewayId` column comes first.
fn columns(rows: &[&Map<String, Value>], path: &[String], width: usize) -> (String, Vec<String>) {
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
    // JSON objects come sorted by key; a reader looks for the item's own id first, then its name and
    // state, then the ids of what it belongs to.
    let own = own_id(&names, rows, path.last().map(String::as_str));
    names.sort_by_key(|n| (column_rank(n, own.as_deref()), n.clone()));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            names
                .iter()
                .map(|n| row.get(n).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    let widths = fit(&names, &cells, width);
    let left_out = &names[widths.len()..];
    let mut notes = Vec::new();
    if let Some(first_left_out) = left_out.first() {
        let list = if path.is_empty() {
            String::new()
        } else {
            path.join(".")
        };
        notes.push(format!(
            "{} more column(s) do not fit in {width} columns: {}; choose columns with --query, e.g. \
             --query '{list}[].{{{id}: {id}, {more}: {more}}}'",
            left_out.len(),
            left_out.join(", "),
            id = names[0],
            more = first_left_out,
        ));
    }
    if !nested.is_empty() {
        notes.push(format!(
            "nested field(s) not shown in the table: {}; see them with -o json",
            nested.join(", ")
        ));
    }
    (layout(&names, &cells, &widths), notes)
}

/// The column that identifies each row: `<item>Id` when the list's key names the item, else the
/// shortest-named id column whose values differ in every row.
fn own_id(names: &[String], rows: &[&Map<String, Value>], item: Option<&str>) -> Option<String> {
    if let Some(named) = item
        .map(|i| format!("{i}Id"))
        .filter(|id| names.contains(id))
    {
        return Some(named);
    }
    let is_id = |n: &&String| n.to_ascii_lowercase().ends_with("id");
    let distinct = |n: &&String| {
        let mut values: Vec<String> = rows
            .iter()
            .map(|r| r.get(*n).map(cell).unwrap_or_default())
            .collect();
        values.sort();
        values.dedup();
        values.len() == rows.len()
    };
    names
        .iter()
        .filter(is_id)
        .filter(distinct)
        .min_by_key(|n| (n.len(), (*n).clone()))
        .cloned()
}

fn column_rank(name: &str, own_id: Option<&str>) -> u8 {
    let lower = name.to_ascii_lowercase();
    if Some(name) == own_id {
        0
    } else if lower.ends_with("name") {
        1
    } else if lower == "status" || lower == "state" {
        2
    } else if lower.ends_with("id") {
        3
    } else {
        4
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
    let names = ["Field".to_owned(), "Value".to_owned()];
    let widths = fit(&names, &rows, width);
    (layout(&names, &rows, &widths), notes)
}

/// The widths of the leading columns that fit in `width`: each at its natural width while it fits, then
/// one more shortened to the space left if that leaves it readable; the rest are left out.
fn fit(names: &[String], cells: &[Vec<String>], width: usize) -> Vec<usize> {
    let mut widths = Vec::new();
    let mut used = 0;
    for i in 0..names.len() {
        let gap = if widths.is_empty() { 0 } else { GAP.len() };
        let natural = natural(names, cells, i);
        if used + gap + natural <= width {
            widths.push(natural);
            used += gap + natural;
            continue;
        }
        let left = width.saturating_sub(used + gap);
        let readable = MIN_WIDTH.max(names[i].chars().count().min(MIN_WIDTH));
        if left >= readable || widths.is_empty() {
            widths.push(left.max(1));
        }
        break;
    }
    widths
}

fn natural(names: &[String], cells: &[Vec<String>], i: usize) -> usize {
    cells
        .iter()
        .map(|r| r[i].chars().count())
        .chain(std::iter::once(names[i].chars().count()))
        .max()
        .unwrap_or(0)
}

/// Header, rule and rows of the first `widths.len()` columns.
fn layout(names: &[String], cells: &[Vec<String>], widths: &[usize]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, values: &[String]| {
        let parts: Vec<String> = values
            .iter()
            .zip(widths)
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
        assert!(text.starts_with("Id"), "{text}");
        assert!(
            text.contains("a-rather-long-gateway-name-for-ci"),
            "not shortened: {text}"
        );
        assert!(
            notes.iter().any(|n| n.contains("do not fit")),
            "{notes:?}\n{text}"
        );
    }

    #[test]
    fn the_last_column_that_fits_is_shortened_rather_than_left_out() {
        let rows = json!([{"Id": "vpn-1", "Description": "d".repeat(100)}]);
        let (text, notes) = render(&rows, 40);
        assert_eq!(
            text,
            format!(
                "Id     Description\n-----  {}\nvpn-1  {}…\n",
                "-".repeat(33),
                "d".repeat(32)
            )
        );
        assert!(notes.is_empty(), "{notes:?}");
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
    fn lists_of_lists_are_rows() {
        let rows = json!([["vpn-1", "active"], ["vpn-22", "deleting"]]);
        assert_eq!(
            render(&rows, 80).0,
            "#1      #2\n------  --------\nvpn-1   active\nvpn-22  deleting\n"
        );
    }

    #[test]
    fn scalars_and_lists_of_scalars() {
        assert_eq!(render(&json!("vpn-1"), 80).0, "vpn-1");
        assert_eq!(render(&json!(["a", "b"]), 80).0, "Value\n-----\na\nb\n");
    }
}
