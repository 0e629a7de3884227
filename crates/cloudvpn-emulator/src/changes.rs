//! What one call changed, as a list of entry-level changes: the unit the journal writes and replays.
//!
//! [`Tracker::collect`] finds them after each call without comparing the world with a copy: resources
//! live in [`crate::tracked::Tracked`] maps that note each changed key, and the few other parts (the
//! id counters, the accounts and regions, the recorded client tokens) are compared with what the
//! tracker saw last. [`apply`] replays a change onto a world; replaying what was collected onto the
//! world as it was gives the world as it is.

use crate::idempotency::Record;
use crate::model::{
    AlibabaVpnConnection, AlibabaVpnGateway, TencentTask, TencentVpc, TencentVpnConnection,
    TencentVpnGateway, World,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One change to the world. Entries are given whole (`value`), or `null` when removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// The world was replaced (a reset): here it is, whole.
    World {
        /// The new world.
        world: Box<World>,
    },
    /// The id counters.
    Counters {
        /// [`World::next_task_id`].
        next_task_id: u64,
        /// [`World::next_legacy_id`].
        next_legacy_id: u64,
    },
    /// An account now exists.
    Account {
        /// Its id.
        account: String,
    },
    /// An Alibaba region of an account now exists.
    AlibabaRegion {
        /// The account.
        account: String,
        /// The region.
        region: String,
    },
    /// A Tencent region of an account now exists.
    TencentRegion {
        /// The account.
        account: String,
        /// The region.
        region: String,
    },
    /// An Alibaba VPN gateway was put or removed.
    AlibabaGateway {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The gateway's id.
        id: String,
        /// Its new value; `None` when removed.
        value: Option<AlibabaVpnGateway>,
    },
    /// An Alibaba IPsec connection was put or removed.
    AlibabaConnection {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The connection's id.
        id: String,
        /// Its new value; `None` when removed.
        value: Option<AlibabaVpnConnection>,
    },
    /// A Tencent VPC was put or removed.
    TencentVpc {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The VPC's id.
        id: String,
        /// Its new value; `None` when removed.
        value: Option<TencentVpc>,
    },
    /// A Tencent VPN gateway was put or removed.
    TencentGateway {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The gateway's id.
        id: String,
        /// Its new value; `None` when removed.
        value: Option<TencentVpnGateway>,
    },
    /// A Tencent VPN connection was put or removed.
    TencentConnection {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The connection's id.
        id: String,
        /// Its new value; `None` when removed.
        value: Option<TencentVpnConnection>,
    },
    /// A Tencent task was put or removed.
    TencentTask {
        /// The account.
        account: String,
        /// The task's id.
        id: u64,
        /// Its new value; `None` when removed.
        value: Option<TencentTask>,
    },
    /// A client token's outcome was recorded (replayed through [`crate::idempotency::ClientTokens::record`],
    /// which forgets the oldest exactly as it did the first time).
    ClientToken {
        /// The record.
        record: Record,
    },
}

fn put<K: Ord, V>(map: &mut BTreeMap<K, V>, key: K, value: Option<V>) {
    match value {
        Some(v) => {
            map.insert(key, v);
        }
        None => {
            map.remove(&key);
        }
    }
}

/// Replays `change` onto `world`.
pub fn apply(world: &mut World, change: Change) {
    match change {
        Change::World { world: new } => *world = *new,
        Change::Counters {
            next_task_id,
            next_legacy_id,
        } => {
            world.next_task_id = next_task_id;
            world.next_legacy_id = next_legacy_id;
        }
        Change::Account { account } => {
            world.account_mut(&account);
        }
        Change::AlibabaRegion { account, region } => {
            world.account_mut(&account).alibaba_region_mut(&region);
        }
        Change::TencentRegion { account, region } => {
            world.account_mut(&account).tencent_region_mut(&region);
        }
        Change::AlibabaGateway {
            account,
            region,
            id,
            value,
        } => {
            let r = world.account_mut(&account).alibaba_region_mut(&region);
            put(r.vpn_gateways.untracked_mut(), id, value);
        }
        Change::AlibabaConnection {
            account,
            region,
            id,
            value,
        } => {
            let r = world.account_mut(&account).alibaba_region_mut(&region);
            put(r.vpn_connections.untracked_mut(), id, value);
        }
        Change::TencentVpc {
            account,
            region,
            id,
            value,
        } => {
            let r = world.account_mut(&account).tencent_region_mut(&region);
            put(r.vpcs.untracked_mut(), id, value);
        }
        Change::TencentGateway {
            account,
            region,
            id,
            value,
        } => {
            let r = world.account_mut(&account).tencent_region_mut(&region);
            put(r.vpn_gateways.untracked_mut(), id, value);
        }
        Change::TencentConnection {
            account,
            region,
            id,
            value,
        } => {
            let r = world.account_mut(&account).tencent_region_mut(&region);
            put(r.vpn_connections.untracked_mut(), id, value);
        }
        Change::TencentTask { account, id, value } => {
            let account = world.account_mut(&account);
            put(account.tencent_tasks.untracked_mut(), id, value);
            account.task_index.reset();
        }
        Change::ClientToken { record } => world.client_tokens.record(record),
    }
}

#[derive(Debug, Default, Clone)]
struct KnownAccount {
    alibaba: BTreeSet<String>,
    tencent: BTreeSet<String>,
}

/// What the world looked like after the last collected change, as far as [`Tracker::collect`] needs to
/// know: its accounts and regions, its counters, and how many client tokens it had recorded.
#[derive(Debug, Clone)]
pub struct Tracker {
    known: BTreeMap<String, KnownAccount>,
    regions: usize,
    counters: (u64, u64),
    token_seq: u64,
}

impl Tracker {
    /// A tracker for `world` as it is now (its resource maps must have nothing noted).
    pub fn new(world: &World) -> Self {
        let known: BTreeMap<String, KnownAccount> = world
            .accounts
            .iter()
            .map(|(id, a)| {
                let k = KnownAccount {
                    alibaba: a.alibaba.keys().cloned().collect(),
                    tencent: a.tencent.keys().cloned().collect(),
                };
                (id.clone(), k)
            })
            .collect();
        Tracker {
            regions: known
                .values()
                .map(|k| k.alibaba.len() + k.tencent.len())
                .sum(),
            known,
            counters: (world.next_task_id, world.next_legacy_id),
            token_seq: world.client_tokens.next_seq(),
        }
    }

    /// The changes made to `world` since the last call. With `changed` false the call reported no
    /// change: the notes are forgotten and nothing is returned.
    pub fn collect(&mut self, world: &mut World, changed: bool) -> Vec<Change> {
        let mut out = Vec::new();
        let mut accounts_seen = 0;
        let mut regions_seen = 0;
        for (account_id, account) in world.accounts.iter_mut() {
            let known = match self.known.get_mut(account_id.as_str()) {
                Some(k) => {
                    accounts_seen += 1;
                    Some(k)
                }
                None => None,
            };
            if !changed {
                forget_notes(account);
                continue;
            }
            let known = match known {
                Some(k) => k,
                None => {
                    out.push(Change::Account {
                        account: account_id.clone(),
                    });
                    self.known.entry(account_id.clone()).or_default()
                }
            };
            for (region_id, region) in account.alibaba.iter_mut() {
                if known.alibaba.contains(region_id) {
                    regions_seen += 1;
                } else {
                    known.alibaba.insert(region_id.clone());
                    self.regions += 1;
                    out.push(Change::AlibabaRegion {
                        account: account_id.clone(),
                        region: region_id.clone(),
                    });
                }
                let (a, r) = (account_id, region_id);
                for id in region.vpn_gateways.take_touched() {
                    let value = region.vpn_gateways.get(&id).cloned();
                    out.push(Change::AlibabaGateway {
                        account: a.clone(),
                        region: r.clone(),
                        id,
                        value,
                    });
                }
                for id in region.vpn_connections.take_touched() {
                    let value = region.vpn_connections.get(&id).cloned();
                    out.push(Change::AlibabaConnection {
                        account: a.clone(),
                        region: r.clone(),
                        id,
                        value,
                    });
                }
            }
            for (region_id, region) in account.tencent.iter_mut() {
                if known.tencent.contains(region_id) {
                    regions_seen += 1;
                } else {
                    known.tencent.insert(region_id.clone());
                    self.regions += 1;
                    out.push(Change::TencentRegion {
                        account: account_id.clone(),
                        region: region_id.clone(),
                    });
                }
                let (a, r) = (account_id, region_id);
                for id in region.vpcs.take_touched() {
                    let value = region.vpcs.get(&id).cloned();
                    out.push(Change::TencentVpc {
                        account: a.clone(),
                        region: r.clone(),
                        id,
                        value,
                    });
                }
                for id in region.vpn_gateways.take_touched() {
                    let value = region.vpn_gateways.get(&id).cloned();
                    out.push(Change::TencentGateway {
                        account: a.clone(),
                        region: r.clone(),
                        id,
                        value,
                    });
                }
                for id in region.vpn_connections.take_touched() {
                    let value = region.vpn_connections.get(&id).cloned();
                    out.push(Change::TencentConnection {
                        account: a.clone(),
                        region: r.clone(),
                        id,
                        value,
                    });
                }
            }
            for id in account.tencent_tasks.take_touched() {
                let value = account.tencent_tasks.get(&id).cloned();
                out.push(Change::TencentTask {
                    account: account_id.clone(),
                    id,
                    value,
                });
            }
        }
        if !changed {
            return out;
        }
        let new_regions = out
            .iter()
            .filter(|c| {
                matches!(
                    c,
                    Change::AlibabaRegion { .. } | Change::TencentRegion { .. }
                )
            })
            .count();
        let new_accounts = out
            .iter()
            .filter(|c| matches!(c, Change::Account { .. }))
            .count();
        let token_seq = world.client_tokens.next_seq();
        if accounts_seen + new_accounts < self.known.len()
            || regions_seen + new_regions < self.regions
            || token_seq < self.token_seq
        {
            // Something was removed or replaced wholesale (only a reset does that): journal the world.
            *self = Tracker::new(world);
            return vec![Change::World {
                world: Box::new(world.clone()),
            }];
        }
        let counters = (world.next_task_id, world.next_legacy_id);
        if counters != self.counters {
            self.counters = counters;
            out.push(Change::Counters {
                next_task_id: counters.0,
                next_legacy_id: counters.1,
            });
        }
        if token_seq != self.token_seq {
            out.extend(
                world
                    .client_tokens
                    .recorded_since(self.token_seq)
                    .map(|record| Change::ClientToken {
                        record: record.clone(),
                    }),
            );
            self.token_seq = token_seq;
        }
        out
    }
}

fn forget_notes(account: &mut crate::model::Account) {
    for region in account.alibaba.values_mut() {
        region.vpn_gateways.take_touched();
        region.vpn_connections.take_touched();
    }
    for region in account.tencent.values_mut() {
        region.vpcs.take_touched();
        region.vpn_gateways.take_touched();
        region.vpn_connections.take_touched();
    }
    account.tencent_tasks.take_touched();
}
