//! What a protocol's front end is to the pipeline ([`Frontend`]): how it decodes, names, authenticates and
//! answers a request in its protocol's words; and what the pipeline hands it (the decoded parameters, the
//! complaints it words).

use crate::credentials::{Caller, Principal};
use crate::error::ServiceError;
use crate::http::{Incoming, Reply};
use crate::server::Shared;
use crate::store::SaveError;
use cloudvpn_signing::encoding;
use cloudvpn_types::meta::{ApiMeta, HttpMethod, OperationMeta, Protocol};
use cloudvpn_types::{ErrorInfo, ValidationError};

/// Decoded wire parameters.
pub(crate) type Pairs = Vec<(String, String)>;

/// A request's parameters: the query's and the form body's, kept apart (Alibaba V3 signs the query only).
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub(crate) query: Pairs,
    pub(crate) body: Pairs,
}

impl Decoded {
    /// The first value of `name`, query first.
    pub(crate) fn find(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(&self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn len(&self) -> usize {
        self.query.len() + self.body.len()
    }

    pub(super) fn repeated_name(&self) -> Option<&str> {
        let mut names: Vec<&str> = self
            .query
            .iter()
            .chain(&self.body)
            .map(|(k, _)| k.as_str())
            .collect();
        names.sort_unstable();
        names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }

    pub(super) fn into_pairs(self) -> impl Iterator<Item = (String, String)> {
        self.query.into_iter().chain(self.body)
    }
}

/// Which part of a request could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The query string.
    Query,
    /// The form body.
    Body,
}

/// What the pipeline refuses before a protocol's own checks, for the front end to word.
#[derive(Debug)]
pub(crate) enum Complaint<'a> {
    /// The query string is longer than the limit.
    QueryTooLong(usize),
    /// A part is not valid URL encoding.
    NotUrlEncoded(Part, String),
    /// The form body is not UTF-8.
    BodyNotUtf8,
    /// More parameters than the limit.
    TooManyParams(usize),
    /// A parameter given twice.
    Repeated(&'a str),
    /// The body is larger than the limit (it was not read).
    BodyTooLarge(usize),
    /// `Action` names no operation of the API (the one of the request's version).
    UnknownAction(&'static ApiMeta, &'a str),
    /// A method other than GET and POST.
    UnsupportedMethod(&'a str),
    /// The operation does not accept this method.
    MethodNotAccepted(&'static OperationMeta, HttpMethod),
}

/// What a request names: its action and, for protocols that carry one, its API's version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Named<'r> {
    /// `Action` (or its header).
    pub(crate) action: &'r str,
    /// `Version` (or its header); `None` for a protocol without one (Tencent v2), whose APIs are then
    /// told apart by action alone.
    pub(crate) version: Option<&'r str>,
}

/// A protocol: how its requests are decoded and authenticated, and how its answers look.
pub(crate) trait Frontend: Sync {
    /// The protocol: the front end serves every API of it.
    const PROTOCOL: Protocol;
    /// What one exchange carries from decoding to the answer (a request id, the answer format).
    type Exchange;

    /// The namespace of its fault rules, rate limits and nonces (`alibaba`, `tencent`).
    const NAMESPACE: &'static str;

    /// The code a call beyond its rate limit is answered with (the protocol's throttling error).
    const THROTTLING_CODE: &'static str;

    /// Starts an exchange, before anything is decoded.
    fn begin(&self, req: &Incoming) -> Self::Exchange;

    /// The request id the answer carries, for behaviours that echo it (none by default).
    fn request_id<'e>(&self, _exchange: &'e Self::Exchange) -> &'e str {
        ""
    }

    /// Decodes the parameters (by default the query and a form body).
    fn decode(&self, shared: &Shared, req: &Incoming) -> Result<Decoded, ServiceError> {
        decode_form(self, shared, req)
    }

    /// Learns what the answer needs from the decoded parameters (`Format`), before anything can fail.
    fn decoded(&self, _exchange: &mut Self::Exchange, _decoded: &Decoded) {}

    /// A [`Complaint`] in this protocol's words.
    fn complaint(&self, complaint: Complaint<'_>) -> ServiceError;

    /// The action and version the request names, or why it names none.
    fn action<'r>(
        &self,
        req: &'r Incoming,
        decoded: &'r Decoded,
    ) -> Result<Named<'r>, ServiceError>;

    /// The answer to a version that no API of the protocol has; `served` are the protocol's APIs.
    fn unknown_version(&self, version: &str, served: &[&'static ApiMeta]) -> ServiceError;

    /// The key that signed the request for `api`, its signature, timestamp and nonce checked.
    fn authenticate<'s>(
        &self,
        shared: &'s Shared,
        api: &'static ApiMeta,
        req: &Incoming,
        decoded: &Decoded,
    ) -> Result<Caller<'s>, ServiceError>;

    /// The refusal for a key without permission for `op`.
    fn forbidden(&self, op: &'static OperationMeta, principal: Principal) -> ServiceError;

    /// The region the call is in, when the protocol carries it outside the operation's parameters.
    fn region(&self, _shared: &Shared, _req: &Incoming, _decoded: &Decoded) -> String {
        String::new()
    }

    /// A parameter that is missing or breaks a documented constraint.
    fn validation_error(&self, e: ValidationError) -> ServiceError;

    /// The error a fault rule asks for.
    fn fault_error(
        &self,
        op: &'static OperationMeta,
        code: String,
        status: Option<u16>,
        message: Option<String>,
    ) -> ServiceError;

    /// A typed error of the behaviour, as this protocol answers it.
    fn behaviour_error(&self, op: &'static OperationMeta, info: ErrorInfo) -> ServiceError;

    /// The answer when a change could not be written: nothing was changed.
    fn not_saved(&self, e: SaveError) -> ServiceError;

    /// A success. `replayed_id`: the request id of the original answer a `ClientToken` replays.
    fn success(
        &self,
        exchange: &Self::Exchange,
        op: &'static OperationMeta,
        body: Vec<u8>,
        replayed_id: Option<&str>,
    ) -> Reply;

    /// An error answer.
    fn error(&self, exchange: &Self::Exchange, req: &Incoming, e: &ServiceError) -> Reply;
}

/// Messages quote parameters; keep a hostile 30 KB value from being echoed whole.
pub(crate) fn clip(text: String) -> String {
    const MAX: usize = 512;
    if text.len() <= MAX {
        return text;
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The query and, when the body is a form, its parameters.
pub(crate) fn decode_form<F: Frontend + ?Sized>(
    front: &F,
    shared: &Shared,
    req: &Incoming,
) -> Result<Decoded, ServiceError> {
    let query = req.query();
    if query.len() > shared.limits.max_query_bytes {
        return Err(front.complaint(Complaint::QueryTooLong(shared.limits.max_query_bytes)));
    }
    let decode = |text: &str, part| {
        encoding::form_decode(text)
            .map_err(|e| front.complaint(Complaint::NotUrlEncoded(part, e.to_string())))
    };
    let query = decode(query, Part::Query)?;
    let body = if req.has_form_body() {
        let text =
            std::str::from_utf8(&req.body).map_err(|_| front.complaint(Complaint::BodyNotUtf8))?;
        decode(text, Part::Body)?
    } else {
        Vec::new()
    };
    Ok(Decoded { query, body })
}
