//! How completion of an asynchronous operation is observed, and how list operations page.

use super::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How completion of an operation is observed.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// Whether the document calls the operation asynchronous.
    pub asynchronous: bool,
    /// How completion shows, and where that is documented (for maintainers).
    pub description: Text,
    /// What a user is told about waiting: what `--wait` watches, in English, without provenance.
    pub hint: String,
    /// Where it is documented.
    pub source: String,
    /// The polling recipe.
    pub poll: Poll,
    /// A second recipe, polled instead of `poll` once one of its acceptors says `fallback` (the task
    /// record cannot be read, say, so the resource itself is watched).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Poll>,
}

/// How a list operation pages: which parameters choose the page, where the items and the total are.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// `page_number` (pages counted from 1) or `offset` (items skipped, from 0).
    pub style: PaginationStyle,
    /// The integer parameter choosing the page: `PageNumber`, or the offset (`offset`).
    pub page: String,
    /// The integer parameter with the page size (`PageSize`, `limit`); its `maximum` is used when paging.
    pub size: String,
    /// Dotted path of wire names to the list of items in the response (`VpnGateways.VpnGateway`).
    pub items: String,
    /// The response field with the total number of items (`TotalCount`).
    pub total: String,
    /// Where this is documented.
    pub source: String,
}

/// How pages are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationStyle {
    /// `page` is a page number counted from 1.
    PageNumber,
    /// `page` is the number of items to skip, from 0.
    Offset,
}

/// The operation to poll, its input, and how to read its answers.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Poll {
    /// Action of the operation to poll (same API).
    pub operation: String,
    /// Poll parameter -> `request.<Param>` or `response.<path>`. A scalar source given to a list parameter
    /// of the same element type is sent as a one-element list (`VpnGatewayIds: request.VpnGatewayId`).
    pub input: BTreeMap<String, String>,
    /// First match wins; no match means poll again.
    pub acceptors: Vec<Acceptor>,
}

/// What a poll result means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptorState {
    /// The operation has completed.
    Success,
    /// The operation has failed.
    Failure,
    /// Poll again.
    Retry,
    /// Stop polling this operation and poll the completion's `fallback` recipe instead.
    Fallback,
}

/// One acceptor: exactly one of `success`, `error`, `path`+`equals`, `empty`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptor {
    /// The resulting state.
    pub state: AcceptorState,
    /// Matches any successful poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// `not_found` (any not-found error) or an error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A dotted path into the poll's response (wire names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value at `path` that matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Scalar>,
    /// A dotted path to a list in the poll's response: matches a successful poll where it is empty or
    /// absent (the resource is gone from a Describe answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty: Option<String>,
}
