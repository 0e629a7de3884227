//! The emulated world: accounts, their regions and resources, Tencent tasks and recorded client tokens.
//!
//! Plain data, serialised as is to the state file and by `GET /_emulator/state`; the behaviours change it,
//! the transitions in [`crate::timing`] say when pending changes complete. Maps are ordered so that
//! lists and the state file come out in a stable order; the maps of resources are `Tracked`, so that
//! the store journals exactly the entries a call changed.

use crate::idempotency::ClientTokens;
use crate::task_index::TaskIndex;
use crate::timing::Due;
use crate::tracked::Tracked;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Everything the emulator remembers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// The next Tencent task id (global, so ids are unique in every account).
    pub next_task_id: u64,
    /// The next numeric id of a Tencent resource (v2 answers carry old numeric ids beside the new ones).
    pub next_legacy_id: u64,
    /// Accounts by id.
    #[serde(default)]
    pub accounts: BTreeMap<String, Account>,
    /// Successful outcomes of calls that carried a `ClientToken`.
    #[serde(default)]
    pub client_tokens: ClientTokens,
}

impl World {
    /// An empty world; task ids start where real ones look plausible.
    pub fn new() -> Self {
        World {
            next_task_id: 10_001,
            next_legacy_id: 101,
            accounts: BTreeMap::new(),
            client_tokens: ClientTokens::default(),
        }
    }

    /// The account, created on first use.
    pub fn account_mut(&mut self, account: &str) -> &mut Account {
        self.accounts.entry(account.to_owned()).or_default()
    }

    /// Hands out the next Tencent numeric id.
    pub fn legacy_id(&mut self) -> u64 {
        let id = self.next_legacy_id;
        // Wrapping: a state file may hold any value, and a panic is worse than an id reused after 2^64.
        self.next_legacy_id = id.wrapping_add(1);
        id
    }

    /// Hands out the next Tencent task id.
    pub fn task_id(&mut self) -> u64 {
        let id = self.next_task_id;
        self.next_task_id = id.wrapping_add(1);
        id
    }
}

/// One account's resources.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Alibaba resources by region id (`cn-hangzhou`).
    #[serde(default)]
    pub alibaba: BTreeMap<String, AlibabaRegion>,
    /// Tencent resources by region (`ap-guangzhou`; short names like `gz` are normalised).
    #[serde(default)]
    pub tencent: BTreeMap<String, TencentRegion>,
    /// Tencent v2 tasks by id.
    #[serde(default)]
    pub tencent_tasks: Tracked<u64, TencentTask>,
    /// Running tasks and tasks by request id, in memory only (rebuilt from `tencent_tasks`).
    #[serde(skip)]
    pub(crate) task_index: TaskIndex,
}

impl Account {
    /// The Alibaba region, created on first use.
    pub fn alibaba_region_mut(&mut self, region: &str) -> &mut AlibabaRegion {
        self.alibaba.entry(region.to_owned()).or_default()
    }

    /// The Tencent region, created on first use.
    pub fn tencent_region_mut(&mut self, region: &str) -> &mut TencentRegion {
        self.tencent.entry(region.to_owned()).or_default()
    }
}

/// Alibaba resources of one region.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaRegion {
    /// VPN gateways by id.
    #[serde(default)]
    pub vpn_gateways: Tracked<String, AlibabaVpnGateway>,
    /// IPsec connections by id.
    #[serde(default)]
    pub vpn_connections: Tracked<String, AlibabaVpnConnection>,
}

/// `Status` of an Alibaba VPN gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayStatus {
    /// Being created.
    Init,
    /// Being prepared.
    Provisioning,
    /// Normal.
    Active,
    /// Being reconfigured (e.g. a connection is being deleted).
    Updating,
    /// Being deleted.
    Deleting,
}

impl GatewayStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayStatus::Init => "init",
            GatewayStatus::Provisioning => "provisioning",
            GatewayStatus::Active => "active",
            GatewayStatus::Updating => "updating",
            GatewayStatus::Deleting => "deleting",
        }
    }
}

/// An Alibaba VPN gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaVpnGateway {
    /// `vpn-…`.
    pub id: String,
    /// The VPC it belongs to.
    pub vpc_id: String,
    /// Display name.
    pub name: String,
    /// An enhanced (`Enhanced.SiteToSite`) gateway, deleted with `DeleteEnhancedVpnGateway`.
    pub enhanced: bool,
    /// Prepaid (subscription) until this time (ms since the epoch); `None` for pay-as-you-go.
    pub prepaid_until_ms: Option<u64>,
    /// An SSL-VPN server is configured (blocks deletion with `DependencyViolation.SslVpnServer`).
    pub ssl_vpn_server: bool,
    /// Current status.
    pub status: GatewayStatus,
    /// Creation time (ms since the epoch).
    pub created_ms: u64,
    /// Tags (`Tags.Tag[]` of the Describe answers), key to value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Public IP.
    pub internet_ip: String,
    /// Bandwidth spec (`10M`).
    pub spec: String,
    /// Ids of its IPsec connections (kept with the gateway so dependency checks are O(1)).
    #[serde(default)]
    pub connections: BTreeSet<String>,
    /// The change in progress, if any.
    pub task: Option<GatewayTask>,
}

/// A change in progress on an Alibaba gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayTask {
    /// What completes.
    pub kind: GatewayTaskKind,
    /// When it started (ms since the epoch).
    pub started_ms: u64,
    /// Until then, conflicting changes answer the task-conflict error.
    pub conflict_until_ms: u64,
    /// When it completes.
    pub due: Due,
}

/// What a gateway task does when it completes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum GatewayTaskKind {
    /// `init`/`provisioning` → `active`.
    Provision,
    /// `updating` → `active`, and the connection is gone.
    DeleteConnection {
        /// The connection being deleted.
        connection_id: String,
    },
    /// `deleting` → gone.
    Delete,
}

/// An Alibaba IPsec connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaVpnConnection {
    /// `vco-…`.
    pub id: String,
    /// Its gateway.
    pub vpn_gateway_id: String,
    /// The customer gateway.
    pub customer_gateway_id: String,
    /// Display name.
    pub name: String,
    /// Local CIDR.
    pub local_subnet: String,
    /// Remote CIDR.
    pub remote_subnet: String,
    /// Creation time (ms since the epoch).
    pub created_ms: u64,
    /// Being deleted (its gateway is `updating`).
    pub deleting: bool,
}

/// Tencent resources of one region.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentRegion {
    /// VPCs by id (`vpc-…`).
    #[serde(default)]
    pub vpcs: Tracked<String, TencentVpc>,
    /// VPN gateways by id (`vpngw-…`).
    #[serde(default)]
    pub vpn_gateways: Tracked<String, TencentVpnGateway>,
    /// VPN connections by id (`vpnx-…`).
    #[serde(default)]
    pub vpn_connections: Tracked<String, TencentVpnConnection>,
}

/// A Tencent VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentVpc {
    /// `vpc-…` (v2's `unVpcId`).
    pub id: String,
    /// The old id v2 also accepts and answers (`gz_vpc_76`).
    pub legacy_id: String,
    /// Display name.
    pub name: String,
    /// CIDR block.
    pub cidr_block: String,
}

/// A Tencent VPN gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentVpnGateway {
    /// `vpngw-…` (`unVpnGwId`).
    pub id: String,
    /// The old numeric id (`vpnGwId`).
    pub legacy_id: u64,
    /// Its VPC (`vpc-…`).
    pub vpc_id: String,
    /// Display name.
    pub name: String,
    /// Public IP.
    pub address: String,
    /// `PREPAID` until this time (ms since the epoch); pay-as-you-go when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid_until_ms: Option<u64>,
    /// The CCN instance it is bound to (API 3.0 refuses to delete it then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ccn_id: Option<String>,
    /// The running deletion task (API 3.0 `DeleteVpnGateway`): the gateway shows `DELETING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_task: Option<u64>,
    /// Creation time (ms since the epoch; API 3.0 `CreatedTime`). Absent in state files written before
    /// gateways had one, which then show the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ms: Option<u64>,
    /// Tags (API 3.0 `TagSet`), key to value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// `vpcConnStatus` values of DescribeVpnConn: 0 creating, 1 creation error, 2 modifying, 3 modification
/// error, 4 deleting, 5 deletion error, 6 running.
pub mod conn_status {
    /// Being created.
    pub const CREATING: i64 = 0;
    /// Being modified.
    pub const MODIFYING: i64 = 2;
    /// Being deleted.
    pub const DELETING: i64 = 4;
    /// The deletion failed.
    pub const DELETION_FAILED: i64 = 5;
    /// Running normally.
    pub const RUNNING: i64 = 6;
    /// States in which DeleteVpnConn answers `InvalidVpnConnState`: a change is already in progress.
    pub fn busy(status: i64) -> bool {
        matches!(status, CREATING | MODIFYING | DELETING)
    }
}

/// A Tencent VPN connection (tunnel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentVpnConnection {
    /// `vpnx-…` (`unVpnConnId`).
    pub id: String,
    /// The old numeric id (`vpnConnId`).
    pub legacy_id: u64,
    /// Its VPC (`vpc-…`).
    pub vpc_id: String,
    /// Its gateway (`vpngw-…`).
    pub vpn_gateway_id: String,
    /// Display name.
    pub name: String,
    /// `vpcConnStatus` (see [`conn_status`]).
    pub status: i64,
    /// Pre-shared key.
    pub pre_shared_key: String,
    /// The customer gateway's public IP.
    pub user_gateway_address: String,
    /// Local CIDRs.
    pub source_cidr: Vec<String>,
    /// Remote CIDRs.
    pub destination_cidr: Vec<String>,
    /// Creation time (ms since the epoch).
    pub created_ms: u64,
    /// The running deletion task.
    pub deletion_task: Option<u64>,
    /// Its deletion task will fail (status 1), leaving the connection in state 5.
    pub deletion_fails: bool,
}

/// `DescribeVpcTaskResult` status of a Tencent task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// 0.
    Succeeded,
    /// 1.
    Failed,
    /// 2.
    Running,
}

impl TaskStatus {
    /// The wire value.
    pub fn code(self) -> i64 {
        match self {
            TaskStatus::Succeeded => 0,
            TaskStatus::Failed => 1,
            TaskStatus::Running => 2,
        }
    }
}

/// A Tencent v2 task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentTask {
    /// `taskId`.
    pub id: u64,
    /// The region of the resource it changes.
    pub region: String,
    /// Current status.
    pub status: TaskStatus,
    /// When it completes (while running).
    pub due: Option<Due>,
    /// What it does.
    pub effect: TaskEffect,
    /// The API 3.0 request that started it: its `TaskId` in `DescribeVpcTaskResult`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// What a Tencent task does when it completes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskEffect {
    /// Deletes a VPN connection.
    DeleteVpnConnection {
        /// The connection.
        vpn_connection_id: String,
    },
    /// Deletes a VPN gateway (API 3.0).
    DeleteVpnGateway {
        /// The gateway.
        vpn_gateway_id: String,
    },
}
