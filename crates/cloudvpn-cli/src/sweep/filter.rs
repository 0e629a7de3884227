//! Which gateways a sweep selects: a gateway matches when every given filter matches (several values of
//! one filter: any of them). `--exclude-tag` does not deselect: it makes a selected gateway a skip with
//! its reason, so the plan shows what was spared.

use super::inventory::Gateway;
use crate::failure::Failure;
use std::time::Duration;

/// `KEY=VALUE` of `--tag` / `--exclude-tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPair {
    pub key: String,
    pub value: String,
}

impl TagPair {
    /// Parses `KEY=VALUE` (the value may be empty; the key may not).
    pub fn parse(text: &str, flag: &str) -> Result<Self, Failure> {
        match text.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(TagPair {
                key: key.to_owned(),
                value: value.to_owned(),
            }),
            _ => Err(Failure::usage(format!(
                "{flag} {text:?}: give KEY=VALUE, e.g. {flag} env=ci"
            ))),
        }
    }

    fn on(&self, gateway: &Gateway) -> bool {
        gateway.tags.get(&self.key) == Some(&self.value)
    }

    pub fn describe(&self) -> String {
        format!("{}={}", self.key, self.value)
    }
}

/// `--older-than`: `30m`, `12h`, `7d`, `1w`, `1h 30m`.
pub fn parse_duration(text: &str) -> Result<Duration, Failure> {
    humantime::parse_duration(text).map_err(|e| {
        Failure::usage(format!(
            "--older-than {text:?}: {e}; give a duration such as 30m, 12h, 7d or 1w"
        ))
    })
}

/// The filters of one sweep.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    names: Vec<glob::Pattern>,
    ids: Vec<glob::Pattern>,
    tags: Vec<TagPair>,
    exclude_tags: Vec<TagPair>,
    older_than: Option<Duration>,
    vpc_id: Option<String>,
}

fn patterns(globs: &[String], flag: &str) -> Result<Vec<glob::Pattern>, Failure> {
    globs
        .iter()
        .map(|g| {
            glob::Pattern::new(g).map_err(|e| {
                Failure::usage(format!(
                    "{flag} {g:?} is not a glob: {e} (use *, ? and [..], e.g. {flag} 'ci-*')"
                ))
            })
        })
        .collect()
}

impl Filters {
    pub fn new(
        names: &[String],
        ids: &[String],
        tags: Vec<TagPair>,
        exclude_tags: Vec<TagPair>,
        older_than: Option<Duration>,
        vpc_id: Option<String>,
    ) -> Result<Self, Failure> {
        Ok(Filters {
            names: patterns(names, "--name")?,
            ids: patterns(ids, "--id")?,
            tags,
            exclude_tags,
            older_than,
            vpc_id,
        })
    }

    /// No selecting filter at all: a sweep would select every gateway. Refused for `--apply`.
    pub fn selects_everything(&self) -> bool {
        self.names.is_empty()
            && self.ids.is_empty()
            && self.tags.is_empty()
            && self.older_than.is_none()
            && self.vpc_id.is_none()
    }

    /// The VPC filter, which the listing calls can apply on the server side.
    pub fn vpc_id(&self) -> Option<&str> {
        self.vpc_id.as_deref()
    }

    /// Whether the gateway is selected, at `now_ms`.
    pub fn selects(&self, g: &Gateway, now_ms: u64) -> bool {
        let any = |patterns: &[glob::Pattern], text: &str| {
            patterns.is_empty() || patterns.iter().any(|p| p.matches(text))
        };
        any(&self.names, &g.name)
            && any(&self.ids, &g.id)
            && (self.tags.is_empty() || self.tags.iter().any(|t| t.on(g)))
            && self.vpc_id.as_deref().is_none_or(|v| v == g.vpc_id)
            && self.older_than.is_none_or(|age| {
                // A gateway whose creation time is unknown is never taken for old.
                g.created_ms.is_some_and(|c| {
                    now_ms.saturating_sub(c) > u64::try_from(age.as_millis()).unwrap_or(u64::MAX)
                })
            })
    }

    /// The excluded tag the gateway carries, if any.
    pub fn excluded_by(&self, g: &Gateway) -> Option<&TagPair> {
        self.exclude_tags.iter().find(|t| t.on(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(id: &str, name: &str, tags: &[(&str, &str)], created_ms: Option<u64>) -> Gateway {
        Gateway {
            id: id.to_owned(),
            name: name.to_owned(),
            vpc_id: "vpc-1".to_owned(),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            created_ms,
            ..Gateway::default()
        }
    }

    fn tag(t: &str) -> TagPair {
        TagPair::parse(t, "--tag").unwrap()
    }

    #[test]
    fn every_filter_must_match_and_values_of_one_filter_are_alternatives() {
        let f = Filters::new(
            &["ci-*".into(), "test-?".into()],
            &[],
            vec![tag("env=ci"), tag("env=test")],
            vec![],
            Some(Duration::from_secs(3600)),
            None,
        )
        .unwrap();
        let now = 10 * 3_600_000;
        assert!(f.selects(&gateway("vpn-1", "ci-1", &[("env", "ci")], Some(0)), now));
        assert!(f.selects(
            &gateway("vpn-2", "test-a", &[("env", "test")], Some(0)),
            now
        ));
        // Name does not match.
        assert!(!f.selects(&gateway("vpn-3", "prod", &[("env", "ci")], Some(0)), now));
        // Tag value differs.
        assert!(!f.selects(&gateway("vpn-4", "ci-4", &[("env", "prod")], Some(0)), now));
        // Too young, and unknown age.
        assert!(!f.selects(
            &gateway("vpn-5", "ci-5", &[("env", "ci")], Some(now - 60_000)),
            now
        ));
        assert!(!f.selects(&gateway("vpn-6", "ci-6", &[("env", "ci")], None), now));
    }

    #[test]
    fn id_globs_vpc_and_exclusions() {
        let f = Filters::new(
            &[],
            &["vpn-ci*".into()],
            vec![],
            vec![tag("keep=true")],
            None,
            Some("vpc-1".into()),
        )
        .unwrap();
        let kept = gateway("vpn-ci1", "", &[("keep", "true")], None);
        assert!(f.selects(&kept, 0));
        assert_eq!(
            f.excluded_by(&kept).map(TagPair::describe).as_deref(),
            Some("keep=true")
        );
        assert!(!f.selects(&gateway("vpn-other", "", &[], None), 0));
        assert!(!f.selects_everything());
        assert!(Filters::default().selects_everything());
    }

    #[test]
    fn bad_input_says_what_would_be_right() {
        assert!(
            TagPair::parse("env", "--tag")
                .unwrap_err()
                .message
                .contains("KEY=VALUE")
        );
        assert!(TagPair::parse("=x", "--tag").is_err());
        assert_eq!(TagPair::parse("k=", "--tag").unwrap().value, "");
        assert!(
            Filters::new(&["[".into()], &[], vec![], vec![], None, None)
                .unwrap_err()
                .message
                .contains("is not a glob")
        );
        assert_eq!(
            parse_duration("7d").unwrap(),
            Duration::from_secs(7 * 86_400)
        );
        assert!(parse_duration("soon").unwrap_err().message.contains("12h"));
    }
}
