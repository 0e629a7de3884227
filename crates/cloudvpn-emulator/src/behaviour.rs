//! What every API's behaviour is given besides the world: who calls, where, when, under which timing.
//! The behaviours themselves implement the generated traits of [`crate::generated`], one per API
//! (`alibaba::behaviour`, `tencent::behaviour`), and are made for each call through [`Behaviour`].

use crate::credentials::Key;
use crate::model::World;
use crate::store::Effects;
use crate::sts::Sts;
use crate::timing::Transitions;

/// The type implementing each API's generated behaviour trait (and [`Behaviour`]), named after the API's
/// type in `cloudvpn-types`. The generated server side requires one entry per API of the specs: a spec
/// folder whose API has no entry here (or whose entry does not implement the trait) does not compile. The
/// front end of the API's protocol then routes its requests to it with no further edit.
pub(crate) mod region_names;
mod tencent_region;

pub(crate) mod implemented {
    pub(crate) type TencentRegion<'a> = super::tencent_region::Call<'a>;
    pub(crate) type AlibabaVpc<'a> = crate::alibaba::behaviour::Call<'a>;
    pub(crate) type TencentVpcV2<'a> = crate::tencent::behaviour::Call<'a>;
    pub(crate) type TencentVpc<'a> = crate::tencent::api3::behaviour::Call<'a>;
    pub(crate) type AlibabaSts<'a> = crate::sts::call::Call<'a>;
    pub(crate) type TencentSts<'a> = crate::sts::call::Call<'a>;
}

/// How the generated server side makes an API's behaviour for one call: from the world (under its lock),
/// the call's effects and its facts. A behaviour that keeps no state may ignore all three.
pub(crate) trait Behaviour<'a> {
    /// The behaviour of one call.
    fn new(world: &'a mut World, fx: &'a mut Effects, ctx: &'a Ctx<'a>) -> Self;
}

/// The facts of one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The caller's account.
    pub(crate) account: &'a str,
    /// The region, for protocols that carry it outside the operation's parameters (Tencent v2's
    /// `Region`, normalised); empty otherwise.
    pub(crate) region: &'a str,
    /// Now, in ms since the epoch.
    pub(crate) now_ms: u64,
    /// This call's request id, for answers that echo it (empty where the protocol has none).
    pub(crate) request_id: &'a str,
    /// Transition models in force.
    pub(crate) transitions: Transitions,
    /// The key that signed the call; `None` for an operation sent unsigned (`auth: anonymous`).
    pub(crate) caller: Option<&'a Key>,
    /// Roles and temporary keys, for the STS behaviours.
    pub(crate) sts: &'a Sts,
}
