//! Checks on the user-facing `hint` texts.
//!
//! A hint is printed to users as it is (error advice, `--help`, the demo), so it must be short and free of
//! the maintainers' bookkeeping: where a fact was read belongs in `description`, `notes` and
//! `discrepancies`, which only maintainers read.

use std::collections::BTreeSet;

/// Longest hint accepted: two short sentences fit comfortably.
pub const MAX_HINT_CHARS: usize = 240;

/// What is wrong with `hint`, one message per problem; `sources` are the source ids the file may cite.
pub(crate) fn problems(hint: &str, sources: &BTreeSet<&str>) -> Vec<String> {
    let trimmed = hint.trim();
    if trimmed.is_empty() {
        return vec![
            "`hint` is empty; say in a sentence what it means for the user and what to do"
                .to_owned(),
        ];
    }
    let mut out = Vec::new();
    let chars = trimmed.chars().count();
    if chars > MAX_HINT_CHARS {
        out.push(format!(
            "`hint` has {chars} characters; keep it to one or two short sentences (at most {MAX_HINT_CHARS}) \
             and move the rest to `description`"
        ));
    }
    let lower = trimmed.to_lowercase();
    let cited: Vec<&str> = sources
        .iter()
        .copied()
        .filter(|id| contains_word(&lower, &id.to_lowercase()))
        .collect();
    if !cited.is_empty() {
        out.push(format!(
            "`hint` names the source `{}`; hints are shown to users, so keep where a fact comes from in \
             `description`, `notes` or `discrepancies`",
            cited.join("`, `")
        ));
    }
    out
}

/// Whether `word` occurs in `text` with no letter, digit, `-` or `_` on either side (so the source `doc`
/// is found in "see doc" but not in "document").
fn contains_word(text: &str, word: &str) -> bool {
    let part_of_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + word.len()..].chars().next();
        !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_id_is_found_as_a_word_only() {
        assert!(contains_word("see doc-003 for it", "doc-003"));
        assert!(contains_word("(doc)", "doc"));
        assert!(!contains_word("the document says", "doc"));
        assert!(!contains_word("doc-0031", "doc-003"));
        assert!(!contains_word("ref-alibaba-2", "ref-alibaba"));
    }

    #[test]
    fn a_clean_short_hint_passes_and_bad_ones_are_named() {
        let sources = BTreeSet::from(["doc-003", "ref-alibaba"]);
        assert!(problems("Check the ID and the region.", &sources).is_empty());
        assert!(problems("  ", &sources)[0].contains("empty"));
        let cited = problems("Retry later (doc-003 says so).", &sources);
        assert_eq!(cited.len(), 1, "{cited:?}");
        assert!(cited[0].contains("`doc-003`"), "{cited:?}");
        let long = "word ".repeat(60);
        assert!(problems(&long, &sources)[0].contains("characters"));
    }
}
