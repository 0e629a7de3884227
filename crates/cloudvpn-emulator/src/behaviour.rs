//! What every API's behaviour is given besides the world: who calls, where, when, under which timing.
//! The behaviours themselves implement the generated traits of [`crate::generated`], one per API
//! (`alibaba::behaviour`, `tencent::behaviour`).

use crate::timing::Transitions;

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
}
