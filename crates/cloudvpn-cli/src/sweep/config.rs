//! `--config FILE`: the sweep's settings in YAML, under the flags' names (one value or a list where the flag
//! may be repeated):
//!
//! ```yaml
//! cloud: [alibaba, tencent]
//! region: [cn-hangzhou, ap-guangzhou]
//! profile: [ci-account-a, ci-account-b]
//! name: "ci-*"
//! tag: ["env=ci"]
//! exclude-tag: ["keep=true"]
//! older-than: 12h
//! concurrency: 8
//! journal: sweep.journal
//! ```
//!
//! Everything but `yes`: deleting without a prompt is typed on the command line each time.

use crate::failure::Failure;
use serde::{Deserialize, Deserializer};
use std::path::Path;

/// The file's contents; everything optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(default, deserialize_with = "one_or_many")]
    pub cloud: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub region: Option<Vec<String>>,
    pub all_regions: Option<bool>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub profile: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub name: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tag: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub exclude_tag: Option<Vec<String>>,
    pub older_than: Option<String>,
    pub vpc_id: Option<String>,
    pub apply: Option<bool>,
    /// Refused whatever its value: deleting without a prompt must be typed on the command line each time,
    /// not left in a file that a later run picks up.
    #[serde(default)]
    yes: Option<serde_yaml::Value>,
    pub concurrency: Option<u64>,
    pub max_rps: Option<f64>,
    pub journal: Option<String>,
    pub report: Option<String>,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(Some(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    }))
}

impl ConfigFile {
    /// Reads and parses `path`; a missing file or a wrong key stops the sweep before anything is sent.
    pub fn read(path: &Path) -> Result<Self, Failure> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read --config {}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| {
            Failure::usage(format!(
                "--config {}: {e} (the keys are the sweep's flag names, e.g. `region: [cn-hangzhou]`, `older-than: 12h`)",
                path.display()
            ))
        })
    }

    fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(ConfigFile::default());
        }
        let file: ConfigFile = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        if file.yes.is_some() {
            let line = text
                .lines()
                .position(|l| {
                    let key = l.trim_start_matches(['"', '\'']);
                    key.starts_with("yes")
                        && key[3..]
                            .trim_start_matches(['"', '\''])
                            .trim_start()
                            .starts_with(':')
                })
                .map_or_else(String::new, |n| format!("line {}: ", n + 1));
            return Err(format!(
                "{line}`yes` is not taken from a config file: to delete without a prompt, type --yes on the \
                 command line"
            ));
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_one_value_or_a_list_under_the_flag_names() {
        let c = ConfigFile::parse(
            "cloud: alibaba\nregion: [cn-hangzhou, cn-shanghai]\nexclude-tag: keep=true\nolder-than: 12h\nconcurrency: 4\n",
        )
        .unwrap();
        assert_eq!(c.cloud, Some(vec!["alibaba".to_owned()]));
        assert_eq!(c.region.unwrap().len(), 2);
        assert_eq!(c.exclude_tag, Some(vec!["keep=true".to_owned()]));
        assert_eq!(c.older_than.as_deref(), Some("12h"));
        assert_eq!(c.concurrency, Some(4));
        assert!(ConfigFile::parse("").unwrap().region.is_none());
    }

    #[test]
    fn yes_is_refused_with_its_line() {
        for value in ["true", "false"] {
            let e = ConfigFile::parse(&format!("cloud: alibaba\nyes: {value}\n")).unwrap_err();
            assert!(e.contains("type --yes on the command line"), "{e}");
            assert!(e.contains("line 2"), "{e}");
        }
    }

    #[test]
    fn a_wrong_key_is_named() {
        let e = ConfigFile::parse("regions: [x]\n").unwrap_err();
        assert!(e.contains("regions"), "{e}");
    }
}
