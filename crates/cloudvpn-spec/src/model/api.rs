//! `api.yaml`: what every operation of one API shares.

use super::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `api.yaml`: what all operations of one API share.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    /// The cloud.
    pub provider: Provider,
    /// The product's endpoint prefix, e.g. `vpc`.
    pub service: String,
    /// The API version sent on the wire.
    pub version: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// A human title.
    pub title: String,
    /// What users call the API: its SDK client and its command-line group.
    pub names: ApiNames,
    /// Sources shared by every operation of the API.
    pub sources: BTreeMap<String, Source>,
    /// How to reach the API.
    pub endpoint: Endpoint,
    /// How requests are signed.
    pub signing: Signing,
    /// How errors are reported.
    pub error_status: ErrorStatus,
    /// Parameters the runtime adds to every call (documentation).
    #[serde(default)]
    pub common_parameters: Vec<CommonParameter>,
    /// The file of the errors every API of the protocol may answer (authentication, signature, throttling,
    /// version...), relative to this API's folder: `../_protocols/alibaba-rpc-errors.yaml`. They are the
    /// API's common errors too, before its own `common_errors`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_errors: Option<String>,
    /// Errors any operation of the API may answer that are the API's own (not its protocol's).
    #[serde(default)]
    pub common_errors: Vec<ErrorSpec>,
    /// Region ids the documents name (what the command line offers to complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Regions>,
}

/// The names users see for an API.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiNames {
    /// The SDK's client type, in the module of the API's provider (`VpcClient` →
    /// `cloudvpn::alibaba::VpcClient`); unique per provider.
    pub client: String,
    /// The command-line subcommand group (`cloudvpn alibaba <operation>`); unique.
    pub command: String,
}

/// Region ids known from the documents.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// The ids, as sent on the wire.
    pub ids: Vec<String>,
    /// Where they are listed.
    pub source: String,
}

/// Endpoint rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// `https` for every real endpoint.
    pub scheme: String,
    /// The request path, `/` or `/v2/index.php`.
    pub path: String,
    /// The host pattern; `{region}` is replaced by the region id.
    pub default: String,
    /// The host used by the regions in `central_regions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central: Option<String>,
    /// Regions served by `central`.
    #[serde(default)]
    pub central_regions: Vec<String>,
    /// Remarks on the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where the rules come from.
    pub source: String,
}

/// Signing rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// The scheme the official SDK uses by default.
    pub default: SigningScheme,
    /// Every scheme the service accepts.
    pub supported: Vec<SigningScheme>,
    /// How far a request's timestamp may be from the server's clock.
    pub timestamp_window_seconds: u64,
    /// Remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where the rules come from.
    pub source: String,
}

/// A common request parameter (documentation only: the runtime adds these).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommonParameter {
    /// Wire name.
    pub name: String,
    /// What it means.
    pub description: Text,
    /// Where it is documented.
    pub source: String,
}

/// A protocol's errors file (`specs/<provider>/_protocols/<protocol>-errors.yaml`): the errors every API of
/// one protocol may answer, written once and included by each API's `protocol_errors:`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolErrorsFile {
    /// The protocol whose APIs include it; an API of another protocol may not.
    pub protocol: Protocol,
    /// A human title.
    pub title: String,
    /// For maintainers: where the list comes from, how the copies it replaces compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The sources its errors cite (the including API's sources are not visible here).
    pub sources: BTreeMap<String, Source>,
    /// The errors, in the same shape as an operation's.
    pub errors: Vec<ErrorSpec>,
    /// Where the documents, or the APIs' copies this file replaced, disagree.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discrepancies: Vec<Discrepancy>,
}
