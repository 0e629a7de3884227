//! A small INI reader for the two credentials files (`~/.alibabacloud/credentials`,
//! `~/.tencentcloud/credentials`).
//!
//! It follows Python's `configparser` (which both official Python SDKs use) where that matters for a
//! credentials file, and is stricter where `configparser` would silently pick one of two values:
//! - `[section]` headers; section names are case-sensitive (surrounding blanks are trimmed);
//! - `key = value` or `key: value`, split at the first `=` or `:`; keys are lower-cased, as `configparser`
//!   does, so `Secret_Id` works; values are trimmed;
//! - whole-line comments start with `#` or `;` (also when indented);
//! - optional inline comments (the Alibaba file): a value is cut at its first `#` or `;`, as the Python SDK
//!   does for `#` and Go's `gopkg.in/ini.v1` (used by credentials-go) for both;
//! - one pair of matching surrounding quotes is removed from a value, as `ini.v1` does: the Tencent SDK's own
//!   docstring shows `secret_id=""`, and a quoted key would otherwise fail only later, as a bad signature;
//! - a duplicate section or key, a key before any section and a line that is neither are errors, as with
//!   `configparser`'s default `strict=True`.
//!
//! Not supported: `configparser`'s `[DEFAULT]` inheritance, continuation lines and interpolation; none of
//! them has a use in a credentials file. Errors carry line numbers and key names, never line contents,
//! because the line may hold a secret.

use std::fmt;

/// How to read values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IniOptions {
    /// Cut values at the first `#` or `;`.
    pub inline_comments: bool,
}

/// A parsed file: sections in file order, each with its keys in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Ini {
    sections: Vec<Section>,
}

/// One `[section]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    name: String,
    entries: Vec<(String, String)>,
}

/// Why a file is not valid INI. Holds no text from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl Ini {
    /// Parses `text`.
    pub(crate) fn parse(text: &str, options: IniOptions) -> Result<Ini, IniError> {
        // Notepad writes a byte-order mark; `configparser` would then reject the first header.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ini = Ini::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let error = |reason: String| IniError { line, reason };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('[') {
                let Some(close) = rest.find(']') else {
                    return Err(error("`[` without a closing `]`".into()));
                };
                let after = rest[close + 1..].trim_start();
                if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                    return Err(error("unexpected text after the section header".into()));
                }
                let name = rest[..close].trim();
                if name.is_empty() {
                    return Err(error("empty section name".into()));
                }
                if ini.section(name).is_some() {
                    return Err(error(format!("section `{name}` appears twice")));
                }
                ini.sections.push(Section {
                    name: name.to_owned(),
                    entries: Vec::new(),
                });
                continue;
            }
            let Some(split) = trimmed.find(['=', ':']) else {
                return Err(error(
                    "expected `key = value` or a `[section]` header".into(),
                ));
            };
            let key = trimmed[..split].trim().to_lowercase();
            if key.is_empty() {
                return Err(error("empty key".into()));
            }
            let Some(section) = ini.sections.last_mut() else {
                return Err(error(format!("key `{key}` before any `[section]` header")));
            };
            if section.get(&key).is_some() {
                return Err(error(format!(
                    "key `{key}` appears twice in section `{}`",
                    section.name
                )));
            }
            let value = clean_value(&trimmed[split + 1..], options);
            section.entries.push((key, value));
        }
        Ok(ini)
    }

    /// The section called `name` (case-sensitive).
    pub(crate) fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|section| section.name == name)
    }
}

impl Section {
    /// The value of `key` (lower-case).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn clean_value(raw: &str, options: IniOptions) -> String {
    let mut value = raw;
    if options.inline_comments {
        if let Some(cut) = value.find(['#', ';']) {
            value = &value[..cut];
        }
    }
    let value = value.trim();
    let unquoted = ['"', '\'']
        .into_iter()
        .find_map(|q| value.strip_prefix(q)?.strip_suffix(q));
    // A lone `"` is not a quoted empty string.
    match unquoted {
        Some(inner) if value.len() >= 2 => inner.to_owned(),
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMENTS: IniOptions = IniOptions {
        inline_comments: true,
    };
    const PLAIN: IniOptions = IniOptions {
        inline_comments: false,
    };

    #[test]
    fn sections_keys_and_comments() {
        let text = "\u{feff}# leading comment\n\
                    ; another\n\
                    [default]\n\
                    type = access_key            # access_key | ram_role_arn\n\
                    Access_Key_Id: foo ; trailing\n\
                    \taccess_key_secret=bar\n\
                    \n\
                    [ other ]  # comment after a header\n\
                    empty =\n\
                    quoted = \"q v\"\n";
        let ini = Ini::parse(text, COMMENTS).unwrap();
        let default = ini.section("default").unwrap();
        assert_eq!(default.get("type"), Some("access_key"));
        assert_eq!(default.get("access_key_id"), Some("foo"));
        assert_eq!(default.get("access_key_secret"), Some("bar"));
        let other = ini.section("other").unwrap();
        assert_eq!(other.get("empty"), Some(""));
        assert_eq!(other.get("quoted"), Some("q v"));
        assert!(
            ini.section("Default").is_none(),
            "section names are case-sensitive"
        );
    }

    #[test]
    fn inline_comments_only_when_asked() {
        let ini = Ini::parse("[a]\nk = v # c\n", PLAIN).unwrap();
        assert_eq!(ini.section("a").unwrap().get("k"), Some("v # c"));
        let ini = Ini::parse("[a]\nk = v # c\n", COMMENTS).unwrap();
        assert_eq!(ini.section("a").unwrap().get("k"), Some("v"));
    }

    #[test]
    fn crlf_and_quotes() {
        let ini = Ini::parse("[a]\r\nk = 'x'\r\nl = \"\r\nm = \"\"\r\n", PLAIN).unwrap();
        let a = ini.section("a").unwrap();
        assert_eq!(a.get("k"), Some("x"));
        assert_eq!(a.get("l"), Some("\""));
        assert_eq!(a.get("m"), Some(""));
    }

    #[test]
    fn errors_carry_line_numbers_not_contents() {
        let cases: &[(&str, usize, &str)] = &[
            ("[a]\nk = 1\nSECRETLINE\n", 3, "expected `key = value`"),
            ("k = SECRETVALUE\n", 1, "before any `[section]`"),
            ("[a\n", 1, "without a closing"),
            ("[]\n", 1, "empty section name"),
            ("[a] SECRET\n", 1, "after the section header"),
            ("[a]\n[a]\n", 2, "section `a` appears twice"),
            ("[a]\nk=SECRET1\nK=SECRET2\n", 3, "key `k` appears twice"),
            ("[a]\n = SECRET\n", 2, "empty key"),
        ];
        for (text, line, reason) in cases {
            let error = Ini::parse(text, COMMENTS).unwrap_err();
            assert_eq!(error.line, *line, "{text:?}");
            assert!(error.reason.contains(reason), "{text:?}: {error}");
            assert!(!error.to_string().contains("SECRET"), "{error}");
        }
    }
}
