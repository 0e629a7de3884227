//! Finds where a key/value pair sits in a YAML text.
//!
//! serde gives locations only for its own errors. The semantic checks (duplicate names, unknown
//! references) run after deserialisation, on plain structs; to point at a line they look the offending
//! `key: value` pair up in the source text. Both block (`name: X`) and flow (`{name: X}`) styles are found.

/// A YAML source text, searchable by `key: value`.
pub(crate) struct Locator<'a> {
    text: &'a str,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Locator { text }
    }

    /// 1-based line and column of the `occurrence`-th (0-based) `key: value` pair, or of the first
    /// occurrence if there are fewer; the start of the file if there is none.
    pub(crate) fn find(&self, key: &str, value: &str, occurrence: usize) -> (usize, usize) {
        let hits: Vec<(usize, usize)> = self
            .text
            .lines()
            .enumerate()
            .flat_map(|(n, line)| pair_columns(line, key, value).map(move |col| (n + 1, col)))
            .collect();
        hits.get(occurrence)
            .or_else(|| hits.first())
            .copied()
            .unwrap_or((1, 1))
    }

    /// 1-based position of the first line whose key is `key` (any value).
    pub(crate) fn find_key(&self, key: &str) -> (usize, usize) {
        for (n, line) in self.text.lines().enumerate() {
            let trimmed = line.trim_start();
            let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
            if body
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
            {
                return (n + 1, line.len() - body.len() + 1);
            }
        }
        (1, 1)
    }
}

/// Columns (1-based) where `key: value` starts on this line.
fn pair_columns<'l>(
    line: &'l str,
    key: &'l str,
    value: &'l str,
) -> impl Iterator<Item = usize> + 'l {
    line.match_indices(key).filter_map(move |(start, _)| {
        let before = line[..start].chars().next_back();
        if !matches!(before, None | Some(' ' | '{' | ',' | '-' | '\t')) {
            return None;
        }
        let rest = line[start + key.len()..].strip_prefix(':')?;
        let rest = rest.trim_start();
        let unquoted = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(value).and_then(|r| r.strip_prefix('"')))
            .or_else(|| {
                rest.strip_prefix('\'')
                    .and_then(|r| r.strip_prefix(value).and_then(|r| r.strip_prefix('\'')))
            })
            .or_else(|| rest.strip_prefix(value))?;
        let ends = unquoted.trim_start();
        (ends.is_empty() || ends.starts_with(',') || ends.starts_with('}') || ends.starts_with('#'))
            .then_some(start + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_and_flow_pairs_by_occurrence() {
        let text = "a:\n  - name: X\n  - {name: Y, type: string}\n  - name: \"X\"\n";
        let loc = Locator::new(text);
        assert_eq!(loc.find("name", "X", 0), (2, 5));
        assert_eq!(loc.find("name", "X", 1), (4, 5));
        assert_eq!(loc.find("name", "Y", 0), (3, 6));
        assert_eq!(loc.find("name", "Z", 0), (1, 1));
        assert_eq!(loc.find("type", "string", 0), (3, 15));
    }

    #[test]
    fn does_not_match_a_longer_key_or_value() {
        let text = "rust_name: X\nname: XY\nname: X\n";
        assert_eq!(Locator::new(text).find("name", "X", 0), (3, 1));
    }
}
