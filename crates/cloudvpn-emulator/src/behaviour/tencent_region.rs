//! What the emulator's Tencent region API (`DescribeRegions`, 2022-06-27) answers: for a product, the
//! regions of the API specs of that product (the `regions` of every Tencent API whose service is the
//! product, in spec order, each once), all `AVAILABLE`, named as `crate::behaviour::region_names` knows them. A
//! product no Tencent API of the specs has is a wrong parameter (`InvalidParameter`). The answer is the
//! same in every region and for every key, and reads nothing of the world.

use crate::behaviour::region_names;
use crate::behaviour::{Behaviour, Ctx};
use crate::generated::tencent_region::TencentRegionBehaviour;
use crate::model::World;
use crate::pipeline::clip;
use crate::store::Effects;
use cloudvpn_types::meta::{ApiMeta, Provider};
use cloudvpn_types::tencent_region::describe_regions::RegionInfo;
use cloudvpn_types::tencent_region::{
    DescribeRegionsError, DescribeRegionsRequest, DescribeRegionsResponse, codes,
};
use cloudvpn_types::{BuildError, ErrorInfo, OperationError};

/// `RegionState` of a region the emulator serves.
const AVAILABLE: &str = "AVAILABLE";

/// One call of the region API: it needs only the call's request id.
pub(crate) struct Call<'a> {
    ctx: &'a Ctx<'a>,
}

impl<'a> Behaviour<'a> for Call<'a> {
    fn new(_world: &'a mut World, _fx: &'a mut Effects, ctx: &'a Ctx<'a>) -> Self {
        Call { ctx }
    }
}

/// The Tencent APIs of the specs whose service is `product`.
fn apis_of_product(product: &str) -> impl Iterator<Item = &'static ApiMeta> + '_ {
    cloudvpn_types::all_apis()
        .iter()
        .copied()
        .filter(move |api| api.provider == Provider::Tencent && api.service == product)
}

/// The regions of `product`, each once, in spec order; `None` for a product of no API.
fn regions_of(product: &str) -> Option<Vec<&'static str>> {
    let mut apis = apis_of_product(product).peekable();
    apis.peek()?;
    let mut regions: Vec<&'static str> = Vec::new();
    for region in apis.flat_map(|api| api.regions.iter().copied()) {
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    Some(regions)
}

/// A response the behaviour could not build (a bug, not the caller's fault): `InternalError`.
fn internal(e: BuildError) -> DescribeRegionsError {
    DescribeRegionsError::from_info(ErrorInfo {
        code: codes::INTERNAL_ERROR.to_owned(),
        message: format!("(emulator) {e}"),
        ..ErrorInfo::default()
    })
}

impl TencentRegionBehaviour for Call<'_> {
    fn describe_regions(
        &mut self,
        r: DescribeRegionsRequest,
    ) -> Result<DescribeRegionsResponse, DescribeRegionsError> {
        let Some(regions) = regions_of(&r.product) else {
            let mut known: Vec<&str> = cloudvpn_types::all_apis()
                .iter()
                .filter(|api| api.provider == Provider::Tencent)
                .map(|api| api.service)
                .collect();
            known.sort_unstable();
            known.dedup();
            return Err(
                DescribeRegionsError::invalid_parameter().with_message(clip(format!(
                    "(emulator) Product {:?} is not a product of the emulator; it serves {}",
                    r.product,
                    known.join(", ")
                ))),
            );
        };
        let set = regions
            .iter()
            .map(|id| {
                RegionInfo::builder()
                    .region(*id)
                    .region_name(region_names::tencent(id))
                    .region_state(AVAILABLE)
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        DescribeRegionsResponse::builder()
            .total_count(i64::try_from(set.len()).unwrap_or(i64::MAX))
            .region_set(set)
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_lists_the_regions_of_its_specs_once() {
        let vpc = regions_of("vpc").expect("vpc is a product");
        assert_eq!(vpc, cloudvpn_types::tencent_vpc::API.regions);
        assert!(regions_of("cvm").is_none());
    }
}
