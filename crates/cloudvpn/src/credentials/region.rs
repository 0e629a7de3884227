//! The region users keep beside their credentials, and where it was found.
//!
//! One order for both clouds, after an explicit region (a flag, a builder call): the cloud's environment
//! variables, then the region of the profile the credentials chain reads — `region_id` of the Alibaba
//! Cloud CLI's profile in `~/.aliyun/config.json`, `_sys_param.region` of tccli's
//! `~/.tccli/<profile>.configure`. The profile is chosen exactly as the chains choose it, so the region and
//! the credentials come from the same profile. See [`super::AlibabaChain::configured_region`] and
//! [`super::TencentChain::configured_region`].

use super::search::ProfileName;
use std::fmt;

/// A region setting and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredRegion {
    /// The region id (`cn-hangzhou`, `ap-guangzhou`).
    pub region: String,
    /// Where it was found: `environment variable ALIBABA_CLOUD_REGION`,
    /// ``file ~/.aliyun/config.json, profile `default` ``, ….
    pub source: String,
}

impl ConfiguredRegion {
    pub(crate) fn from_variable(region: String, variable: &str) -> Self {
        ConfiguredRegion {
            region,
            source: format!("environment variable {variable}"),
        }
    }

    pub(crate) fn from_file(region: String, label: &str, profile: &ProfileName) -> Self {
        ConfiguredRegion {
            region,
            source: super::search::file_source(label, &profile.name),
        }
    }
}

/// A file that should say which region to use and cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionError {
    /// The file, with `~` for the home directory.
    pub source: String,
    /// What is wrong with it (never a value from the file).
    pub problem: String,
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read the region from {}: {}",
            self.source, self.problem
        )
    }
}

impl std::error::Error for RegionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_errors_read_as_sentences() {
        let from_env = ConfiguredRegion::from_variable("cn-hangzhou".into(), "ALICLOUD_REGION");
        assert_eq!(from_env.source, "environment variable ALICLOUD_REGION");
        let from_file = ConfiguredRegion::from_file(
            "cn-beijing".into(),
            "~/.aliyun/config.json",
            &ProfileName::fallback(),
        );
        assert_eq!(
            from_file.source,
            "file ~/.aliyun/config.json, profile `default`"
        );
        let error = RegionError {
            source: "~/.tccli/default.configure".into(),
            problem: "invalid JSON at line 1 column 2".into(),
        };
        assert_eq!(
            error.to_string(),
            "cannot read the region from ~/.tccli/default.configure: invalid JSON at line 1 column 2"
        );
    }
}
