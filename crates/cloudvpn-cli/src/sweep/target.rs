//! Where a sweep looks: every (cloud, account, region) the flags name, each with the settings every other
//! command would use there (the same credential chains, endpoint and signature flags), so that several
//! `--profile`s sweep several accounts.

use crate::failure::Failure;
use crate::settings::Settings;
use cloudvpn_types::meta::Provider;
use std::fmt;

/// One cloud, account and region.
#[derive(Debug, Clone)]
pub struct Target {
    pub cloud: Provider,
    /// The profile name, or `default` when none was given (the credential chain's own choice).
    pub account: String,
    pub region: String,
    /// The common settings with this target's region and profile.
    pub settings: Settings,
}

impl Target {
    /// The target whose clients report to `limiter` (see [`super::limiter::Limiter::observer`]): every
    /// client a sweep builds comes from a target made here.
    pub fn new(
        cloud: Provider,
        account: String,
        region: String,
        settings: Settings,
        limiter: &super::limiter::Limiter,
    ) -> Self {
        let mut target = Target {
            cloud,
            account,
            region,
            settings,
        };
        let observer = limiter.observer(&target);
        target.settings.observer = Some(observer);
        target
    }

    pub fn cloud_name(&self) -> &'static str {
        match self.cloud {
            Provider::Alibaba => "alibaba",
            Provider::Tencent => "tencent",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.cloud_name(), self.account, self.region)
    }
}

/// Whether the specs of `cloud` name `region` (what `--region` completes).
fn known_to(cloud: Provider, region: &str) -> bool {
    cloudvpn_types::all_apis()
        .iter()
        .filter(|api| api.provider == cloud)
        .any(|api| api.regions.contains(&region))
}

/// The regions of `cloud` among those given: a region the specs name for the other cloud only is not
/// sent to this one (a `--region cn-hangzhou` beside `--region ap-guangzhou` sweeps each in its cloud);
/// one neither names is tried in every cloud.
fn regions_of(cloud: Provider, given: &[String]) -> Vec<String> {
    let other = match cloud {
        Provider::Alibaba => Provider::Tencent,
        Provider::Tencent => Provider::Alibaba,
    };
    given
        .iter()
        .filter(|r| known_to(cloud, r) || !known_to(other, r))
        .cloned()
        .collect()
}

/// Every target, in the order clouds, then accounts, then regions, its clients reporting to `limiter`.
/// With `all_regions` each cloud is asked for its regions, for each account.
pub async fn targets(
    base: &Settings,
    clouds: &[Provider],
    profiles: &[String],
    regions: &[String],
    limiter: &super::limiter::Limiter,
    all_regions: bool,
) -> Result<Vec<Target>, Failure> {
    let accounts: Vec<Option<String>> = if profiles.is_empty() {
        vec![base.profile.clone()]
    } else {
        profiles.iter().cloned().map(Some).collect()
    };
    let mut out = Vec::new();
    for &cloud in clouds {
        for profile in &accounts {
            let mut settings = base.clone();
            settings.profile = profile.clone();
            let account = profile.clone().unwrap_or_else(|| "default".to_owned());
            let regions = if all_regions {
                super::regions::of(cloud, &settings, &account, limiter).await?
            } else if regions.is_empty() {
                settings.region = None;
                match settings.region_for(cloud)? {
                    Some(r) => vec![r],
                    None => {
                        return Err(Failure::usage(format!(
                            "sweep needs a region for {}: give --region (several allowed), or set it as every \
                             command takes it (nothing was sent)",
                            match cloud {
                                Provider::Alibaba => "Alibaba Cloud",
                                Provider::Tencent => "Tencent Cloud",
                            }
                        )));
                    }
                }
            } else {
                regions_of(cloud, regions)
            };
            for region in regions {
                let mut settings = settings.clone();
                settings.region = Some(region.clone());
                out.push(Target::new(
                    cloud,
                    account.clone(),
                    region,
                    settings,
                    limiter,
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// An Alibaba target in cn-hangzhou where nothing listens: a call fails at once, and never reaches a
    /// real cloud.
    pub fn unreachable() -> Target {
        let m = crate::cli::command()
            .try_get_matches_from(["cloudvpn", "--endpoint", "http://127.0.0.1:9", "demo"])
            .unwrap();
        Target {
            cloud: Provider::Alibaba,
            account: "default".into(),
            region: "cn-hangzhou".into(),
            settings: Settings::from_matches(&m).unwrap(),
        }
    }

    #[test]
    fn a_region_known_to_one_cloud_only_goes_to_that_cloud() {
        let given = vec![
            "cn-hangzhou".to_owned(),
            "ap-guangzhou".to_owned(),
            "xx-new-1".to_owned(),
        ];
        assert_eq!(
            regions_of(Provider::Alibaba, &given),
            ["cn-hangzhou", "xx-new-1"]
        );
        assert_eq!(
            regions_of(Provider::Tencent, &given),
            ["ap-guangzhou", "xx-new-1"]
        );
    }
}
