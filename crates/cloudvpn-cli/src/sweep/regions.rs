//! `--all-regions`: each cloud's own list of its regions, asked with its read-only region call (Alibaba
//! VPC `DescribeRegions`; Tencent's region API `DescribeRegions` for product `vpc`, available regions only),
//! with the same credentials and endpoint settings as the rest of the sweep.

use super::limiter::Limiter;
use super::target::Target;
use crate::failure::Failure;
use crate::settings::Settings;
use cloudvpn_types::meta::Provider;

/// The product whose regions Tencent's region API is asked for.
const TENCENT_PRODUCT: &str = "vpc";

/// The regions of `cloud` for the account of `settings`.
pub async fn of(
    cloud: Provider,
    settings: &Settings,
    account: &str,
    limiter: &Limiter,
) -> Result<Vec<String>, Failure> {
    let mut settings = settings.clone();
    settings.region = None;
    // The region calls are not regional: their bucket is one of its own.
    let mut target = Target::new(
        cloud,
        account.to_owned(),
        "(regions)".to_owned(),
        settings,
        limiter,
    );
    match cloud {
        Provider::Alibaba => {
            let client = target.settings.alibaba_client()?;
            let request = cloudvpn_types::alibaba_vpc::DescribeRegionsRequest::new();
            let out = limiter.send(&target, &client, request).await?;
            Ok(out
                .regions
                .region
                .into_iter()
                .map(|r| r.region_id)
                .collect())
        }
        Provider::Tencent => {
            // Every API 3.0 call carries a region, even one the document says needs none: the configured
            // one if any, else the first the VPC spec names (the region API answers the same in each).
            if target.settings.region_for(Provider::Tencent)?.is_none() {
                target.settings.region = cloudvpn_types::tencent_vpc::API
                    .regions
                    .first()
                    .map(|r| (*r).to_owned());
            }
            let client = target.settings.tencent_api3_client()?;
            let request =
                cloudvpn_types::tencent_region::DescribeRegionsRequest::new(TENCENT_PRODUCT);
            let out = limiter.send(&target, &client, request).await?;
            Ok(out
                .region_set
                .into_iter()
                .filter(|r| r.region_state.eq_ignore_ascii_case("AVAILABLE"))
                .map(|r| r.region)
                .collect())
        }
    }
}
