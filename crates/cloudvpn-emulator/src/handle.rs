//! [`Handle`]: the control API in process, for Rust callers (the CLI's demo seeds through it).

use crate::faults::{FaultRule, RuleStatus};
use crate::model::{
    AlibabaVpnConnection, AlibabaVpnGateway, TencentVpc, TencentVpnConnection, TencentVpnGateway,
    World,
};
use crate::rate_limits::RateLimitConfig;
use crate::seed::build::{self, Prepared};
use crate::seed::{self, SeedError};
use crate::server::Shared;
use crate::store::SaveError;
use crate::timing::Transitions;
use std::fmt;
use std::sync::Arc;

/// The control API, in process: what `/_emulator/…` does, callable from Rust (the CLI's demo seeds through
/// it). Cheap to clone.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl Handle {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Handle { shared }
    }

    /// Runs a change and waits until it is saved.
    async fn change<R>(
        &self,
        f: impl FnOnce(&mut World, &mut crate::store::Effects) -> R,
    ) -> Result<R, SaveError> {
        let (result, version) = self.shared.store.update(f);
        if let Some(v) = version {
            self.shared.store.saved(v).await?;
        }
        Ok(result)
    }

    /// Forgets every resource, task, client token, nonce, fault rule and rate limit, and restores the
    /// transitions the emulator started with.
    pub async fn reset(&self) -> Result<(), SaveError> {
        self.shared.faults.clear();
        self.shared.rate_limits.clear();
        self.shared.nonces.clear();
        self.shared.set_transitions(self.shared.initial_transitions);
        let old = self
            .change(|world, fx| {
                fx.changed();
                std::mem::replace(world, World::new())
            })
            .await?;
        // Freed after the lock is released: dropping a large world takes a while.
        drop(old);
        Ok(())
    }

    /// The whole state as JSON, once everything changed so far is saved (so it equals what a restart
    /// loads, [`crate::journal::read`], when nothing else is running).
    pub async fn state(&self) -> Result<serde_json::Value, SaveError> {
        self.shared.store.flush().await?;
        Ok(self
            .shared
            .store
            .read(|world| serde_json::to_value(world).unwrap_or(serde_json::Value::Null)))
    }

    /// A copy of the world.
    pub fn world(&self) -> World {
        self.shared.store.read(World::clone)
    }

    /// Seeds `seeds` in order, stopping at the first refused one (those before it stay): each is built
    /// by `prepare` outside the world's lock, then all are inserted in one short step under it.
    async fn seed_all<S, P: Prepared>(
        &self,
        seeds: Vec<S>,
        prepare: impl Fn(&Shared, S) -> Result<P, SeedError>,
    ) -> Result<Vec<P::Made>, SeedError> {
        seed::check_count(seeds.len(), self.shared.limits.max_seed_items)?;
        let mut prepared = Vec::with_capacity(seeds.len());
        let mut refused = None;
        for (i, s) in seeds.into_iter().enumerate() {
            match prepare(&self.shared, s) {
                Ok(p) => prepared.push(p),
                Err(e) => {
                    refused = Some(seed::at_index(i, e));
                    break;
                }
            }
        }
        let mut answers: Vec<P::Made> = prepared.iter().map(|p| p.made().clone()).collect();
        let (assigned, insert_refused) = self
            .change(|world, fx| build::insert_all(world, fx, prepared))
            .await
            .map_err(|e| SeedError {
                status: 500,
                message: e.to_string(),
            })?;
        answers.truncate(assigned.len());
        for (answer, a) in answers.iter_mut().zip(assigned) {
            P::complete(answer, a);
        }
        // A refusal while inserting comes before any item that failed to build.
        if let Some(e) = insert_refused
            .map(|(i, e)| seed::at_index(i, e))
            .or(refused)
        {
            return Err(e);
        }
        Ok(answers)
    }

    /// Seeds Alibaba VPN gateways.
    pub async fn seed_alibaba_gateways(
        &self,
        seeds: Vec<seed::AlibabaGatewaySeed>,
    ) -> Result<Vec<AlibabaVpnGateway>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::alibaba_gateway(&shared.transitions(), s)
        })
        .await
    }

    /// Seeds one Alibaba VPN gateway.
    pub async fn seed_alibaba_gateway(
        &self,
        seed: seed::AlibabaGatewaySeed,
    ) -> Result<AlibabaVpnGateway, SeedError> {
        first(self.seed_alibaba_gateways(vec![seed]).await)
    }

    /// Seeds Alibaba IPsec connections.
    pub async fn seed_alibaba_connections(
        &self,
        seeds: Vec<seed::AlibabaConnectionSeed>,
    ) -> Result<Vec<AlibabaVpnConnection>, SeedError> {
        self.seed_all(seeds, |_, s| build::alibaba_connection(s))
            .await
    }

    /// Seeds one Alibaba IPsec connection.
    pub async fn seed_alibaba_connection(
        &self,
        seed: seed::AlibabaConnectionSeed,
    ) -> Result<AlibabaVpnConnection, SeedError> {
        first(self.seed_alibaba_connections(vec![seed]).await)
    }

    /// Seeds Tencent VPCs.
    pub async fn seed_tencent_vpcs(
        &self,
        seeds: Vec<seed::TencentVpcSeed>,
    ) -> Result<Vec<TencentVpc>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::tencent_vpc(&shared.tencent_default_region, s)
        })
        .await
    }

    /// Seeds one Tencent VPC.
    pub async fn seed_tencent_vpc(
        &self,
        seed: seed::TencentVpcSeed,
    ) -> Result<TencentVpc, SeedError> {
        first(self.seed_tencent_vpcs(vec![seed]).await)
    }

    /// Seeds Tencent VPN gateways.
    pub async fn seed_tencent_gateways(
        &self,
        seeds: Vec<seed::TencentGatewaySeed>,
    ) -> Result<Vec<TencentVpnGateway>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::tencent_gateway(&shared.tencent_default_region, s)
        })
        .await
    }

    /// Seeds one Tencent VPN gateway.
    pub async fn seed_tencent_gateway(
        &self,
        seed: seed::TencentGatewaySeed,
    ) -> Result<TencentVpnGateway, SeedError> {
        first(self.seed_tencent_gateways(vec![seed]).await)
    }

    /// Seeds Tencent VPN connections.
    pub async fn seed_tencent_connections(
        &self,
        seeds: Vec<seed::TencentConnectionSeed>,
    ) -> Result<Vec<TencentVpnConnection>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::tencent_connection(&shared.tencent_default_region, s)
        })
        .await
    }

    /// Seeds one Tencent VPN connection.
    pub async fn seed_tencent_connection(
        &self,
        seed: seed::TencentConnectionSeed,
    ) -> Result<TencentVpnConnection, SeedError> {
        first(self.seed_tencent_connections(vec![seed]).await)
    }

    /// Adds fault rules (all or none).
    pub fn add_faults(&self, rules: Vec<FaultRule>) -> Result<usize, String> {
        self.shared.faults.add(rules)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// The fault rules and how many calls each has hit.
    pub fn faults(&self) -> Vec<RuleStatus> {
        self.shared.faults.list()
    }

    /// Limits the request rate per account and action (see [`crate::rate_limits`]); replaces the limits
    /// in force.
    pub fn set_rate_limits(&self, limits: RateLimitConfig) -> Result<(), String> {
        self.shared.rate_limits.set(limits)
    }

    /// Removes every rate limit.
    pub fn clear_rate_limits(&self) {
        self.shared.rate_limits.clear();
    }

    /// The rate limits in force.
    pub fn rate_limits(&self) -> RateLimitConfig {
        self.shared.rate_limits.config()
    }

    /// The transition models in force.
    pub fn transitions(&self) -> Transitions {
        self.shared.transitions()
    }

    /// Replaces the transition models (changes already under way keep their schedule).
    pub fn set_transitions(&self, transitions: Transitions) {
        self.shared.set_transitions(transitions);
    }

    /// Waits until every change so far is in the state file.
    pub async fn flush(&self) -> Result<(), SaveError> {
        self.shared.store.flush().await
    }
}

fn first<T>(result: Result<Vec<T>, SeedError>) -> Result<T, SeedError> {
    result?.pop().ok_or_else(|| SeedError {
        status: 500,
        message: "nothing was seeded".to_owned(),
    })
}
