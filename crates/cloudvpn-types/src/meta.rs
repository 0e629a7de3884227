//! Static descriptions of APIs and operations, generated from the specs.
//!
//! The runtime reads them to sign and route a call, the emulator to parse and answer one, the CLI to build
//! its flags and help. They are plain `'static` data so that adding an operation adds no code to any of them.

/// Which cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Alibaba Cloud.
    Alibaba,
    /// Tencent Cloud.
    Tencent,
}

impl Provider {
    /// `alibaba` / `tencent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Alibaba => "alibaba",
            Provider::Tencent => "tencent",
        }
    }
}

/// The wire protocol of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Alibaba RPC style.
    AlibabaRpc,
    /// Tencent Cloud API v2 (`/v2/index.php`).
    TencentV2,
    /// Tencent Cloud API 3.0 (`/`, `{"Response": {...}}` envelope).
    TencentApi3,
}

impl Protocol {
    /// `alibaba-rpc` / `tencent-v2` / `tencent-api3`, as the specs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::AlibabaRpc => "alibaba-rpc",
            Protocol::TencentV2 => "tencent-v2",
            Protocol::TencentApi3 => "tencent-api3",
        }
    }

    /// The index of the first element when a list parameter is flattened into `Name.N` pairs: Alibaba
    /// counts from 1 (`VpnGatewayId.1`), Tencent from 0 (`VpnGatewayIds.0`, `Filters.0.Values.0`).
    pub fn first_list_index(self) -> usize {
        match self {
            Protocol::AlibabaRpc => 1,
            Protocol::TencentV2 | Protocol::TencentApi3 => 0,
        }
    }
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl HttpMethod {
    /// `GET` / `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// A signing scheme an API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningScheme {
    /// Alibaba V3 `ACS3-HMAC-SHA256`.
    Acs3HmacSha256,
    /// Alibaba RPC v1 HMAC-SHA1.
    HmacSha1Rpc,
    /// Tencent v2 `HmacSHA1`.
    TencentV2HmacSha1,
    /// Tencent v2 `HmacSHA256`.
    TencentV2HmacSha256,
    /// Tencent API 3.0 `TC3-HMAC-SHA256` (the `Authorization` header).
    Tc3HmacSha256,
    /// Tencent API 3.0 old-style form signature, `SignatureMethod=HmacSHA256`.
    TencentApi3HmacSha256,
    /// Tencent API 3.0 old-style form signature, `SignatureMethod=HmacSHA1`.
    TencentApi3HmacSha1,
}

/// How an API reports errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorStatus {
    /// With a 4xx/5xx HTTP status.
    Http,
    /// In an HTTP 200 envelope.
    Envelope,
}

/// Endpoint rules of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointMeta {
    /// `https` for the real services.
    pub scheme: &'static str,
    /// Request path.
    pub path: &'static str,
    /// Host pattern; `{region}` is replaced by the region id.
    pub default_host: &'static str,
    /// Host of the regions in `central_regions`.
    pub central_host: Option<&'static str>,
    /// Regions served by `central_host`.
    pub central_regions: &'static [&'static str],
}

impl EndpointMeta {
    /// The host serving `region`.
    pub fn host_for(&self, region: &str) -> String {
        match self.central_host {
            Some(central) if self.central_regions.contains(&region) => central.to_owned(),
            _ => self.default_host.replace("{region}", region),
        }
    }
}

/// What all operations of one API share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiMeta {
    /// The cloud.
    pub provider: Provider,
    /// The product (`vpc`).
    pub service: &'static str,
    /// The API version sent on the wire.
    pub version: &'static str,
    /// The wire protocol.
    pub protocol: Protocol,
    /// A human title.
    pub title: &'static str,
    /// The SDK client type in the runtime's module of the provider (`VpcClient`).
    pub client: &'static str,
    /// The command-line subcommand group (`alibaba`, `tencent-v2`).
    pub command: &'static str,
    /// The generated module (`alibaba_vpc`).
    pub module: &'static str,
    /// Endpoint rules.
    pub endpoint: EndpointMeta,
    /// The scheme the official SDK uses by default.
    pub default_signing: SigningScheme,
    /// Every scheme the service accepts.
    pub signing: &'static [SigningScheme],
    /// Allowed distance between a request's timestamp and the server's clock.
    pub timestamp_window_seconds: u64,
    /// How errors are reported.
    pub error_status: ErrorStatus,
    /// Errors every operation of the API may answer.
    pub common_errors: &'static [DocumentedError],
    /// Region ids the documents name.
    pub regions: &'static [&'static str],
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// Text.
    String,
    /// A 64-bit integer.
    Integer,
    /// `true` / `false`.
    Boolean,
    /// A list: its element is [`ParamMeta::items`]; on the wire `Name.N` (flattened) or a JSON array.
    List,
    /// An object: its members are [`ParamMeta::fields`]; on the wire `Name.Member` or a JSON object.
    Object,
}

impl ParamKind {
    /// Whether this is a string, integer or boolean.
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            ParamKind::String | ParamKind::Integer | ParamKind::Boolean
        )
    }
}

/// Documented constraints on a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Constraints {
    /// Minimum length in characters.
    pub min_length: Option<u32>,
    /// Maximum length in characters.
    pub max_length: Option<u32>,
    /// ASCII only.
    pub ascii: bool,
    /// Allowed values (empty: any).
    pub allowed: &'static [&'static str],
    /// Smallest integer.
    pub minimum: Option<i64>,
    /// Largest integer.
    pub maximum: Option<i64>,
    /// Fewest elements of a list.
    pub min_items: Option<u32>,
    /// Most elements of a list.
    pub max_items: Option<u32>,
}

impl Constraints {
    /// No constraint.
    pub const NONE: Constraints = Constraints {
        min_length: None,
        max_length: None,
        ascii: false,
        allowed: &[],
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
    };
}

/// One request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamMeta {
    /// Wire name.
    pub name: &'static str,
    /// Rust field name.
    pub field: &'static str,
    /// Scalar type.
    pub kind: ParamKind,
    /// Whether the caller must give it.
    pub required: bool,
    /// Whether it is the region parameter.
    pub region: bool,
    /// The document's example.
    pub example: Option<&'static str>,
    /// The document's description (English first), with the maintainers' remarks on its sources.
    pub description: &'static str,
    /// The `--help` line for users: the spec's `hint`, else the description's first paragraph.
    pub help: &'static str,
    /// Value constraints (of a list: the number of elements; each element's are in `items`).
    pub constraints: Constraints,
    /// The element of a list: a scalar with its constraints, or an object with `fields` (named like the
    /// list, always required).
    pub items: Option<&'static ParamMeta>,
    /// The members of an object.
    pub fields: &'static [ParamMeta],
}

impl ParamMeta {
    /// The member of an object with this wire name.
    pub fn field(&self, name: &str) -> Option<&'static ParamMeta> {
        self.fields.iter().find(|p| p.name == name)
    }
}

/// A documented error: what the specs know about one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentedError {
    /// The code as the operation's document spells it.
    pub code: &'static str,
    /// Other spellings of the same error.
    pub also_spelled: &'static [&'static str],
    /// HTTP statuses it is documented with (empty for envelope APIs).
    pub statuses: &'static [u16],
    /// The documented message.
    pub message: &'static str,
    /// The documents' description (English first), with the maintainers' remarks on where it comes from.
    /// Not meant for users: show [`DocumentedError::hint`].
    pub description: &'static str,
    /// What it means and what to do next, in English, for users.
    pub hint: &'static str,
    /// Retrying the same call may succeed.
    pub retryable: bool,
    /// Rate limiting.
    pub throttling: bool,
    /// The resource does not exist.
    pub not_found: bool,
    /// Tencent v2: the integer `code` documented with it.
    pub envelope_code: Option<i64>,
    /// Tencent v2 common errors: the `codeDesc` the envelope carries with the integer code (`AuthFailure`
    /// with 4100); `None` where no document names one.
    pub code_desc: Option<&'static str>,
}

impl DocumentedError {
    /// Whether `code` is this error, in any of its spellings.
    pub fn matches(&self, code: &str) -> bool {
        self.code == code || self.also_spelled.contains(&code)
    }
}

/// What a poll result means for a waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitState {
    /// Done.
    Success,
    /// Failed for good.
    Failure,
    /// Poll again.
    Retry,
    /// Stop polling this operation and poll [`CompletionMeta::fallback`] instead.
    Fallback,
}

/// A literal to compare a response field with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// Text.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
}

/// What an acceptor matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matcher {
    /// Any successful poll.
    Success,
    /// Any not-found error.
    NotFound,
    /// An error with this code.
    ErrorCode(&'static str),
    /// A successful poll whose field at `path` (wire names) equals `value`.
    PathEquals {
        /// Wire names from the body's root.
        path: &'static [&'static str],
        /// The value that matches.
        value: Literal,
    },
    /// A successful poll whose list at `path` (wire names) is empty or absent: the resource is gone.
    Empty {
        /// Wire names from the body's root.
        path: &'static [&'static str],
    },
}

/// One acceptor of a completion recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptor {
    /// The state it leads to.
    pub state: WaitState,
    /// What it matches.
    pub matcher: Matcher,
}

/// How completion of an operation is observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionMeta {
    /// Whether the document calls the operation asynchronous.
    pub asynchronous: bool,
    /// How completion shows, with the maintainers' remarks on its sources. Not meant for users: show
    /// [`CompletionMeta::hint`].
    pub description: &'static str,
    /// What waiting watches, in English, for users.
    pub hint: &'static str,
    /// The action polled.
    pub poll_action: &'static str,
    /// First match wins; none means poll again.
    pub acceptors: &'static [Acceptor],
    /// What is polled instead once an acceptor says [`WaitState::Fallback`].
    pub fallback: Option<PollMeta>,
}

/// A second polling recipe of a completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollMeta {
    /// The action polled.
    pub action: &'static str,
    /// First match wins; none means poll again. Never [`WaitState::Fallback`].
    pub acceptors: &'static [Acceptor],
}

/// How pages are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaginationStyle {
    /// Page numbers counted from 1.
    PageNumber,
    /// Items to skip, counted from 0.
    Offset,
}

/// How a list operation pages through its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationMeta {
    /// How pages are numbered.
    pub style: PaginationStyle,
    /// The parameter choosing the page (`PageNumber`, `offset`).
    pub page: &'static str,
    /// The page-size parameter (`PageSize`, `limit`).
    pub size: &'static str,
    /// Path of wire names to the items in the response (`["VpnGateways", "VpnGateway"]`).
    pub items: &'static [&'static str],
    /// The response field holding the total number of items.
    pub total: &'static str,
}

/// How a call of an operation proves who makes it (`auth:` in the operation's spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationAuth {
    /// Signed with an access key, as every call of the API's protocol.
    Signed,
    /// Sent without a key or signature: the request carries its own proof (an OIDC token), and the official
    /// libraries send it unsigned.
    Anonymous,
}

/// Everything static about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// Its API.
    pub api: &'static ApiMeta,
    /// The `Action` value.
    pub action: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Accepted methods; the first is what the SDK sends.
    pub methods: &'static [HttpMethod],
    /// The idempotency-token parameter.
    pub idempotency_token: Option<&'static str>,
    /// The operation only reads, so repeating it is always safe.
    pub read_only: bool,
    /// The request-rate limit the documents give (requests per second per account), if any.
    pub rate_limit_per_second: Option<u32>,
    /// Whether a call is signed with a key or sent without one.
    pub auth: OperationAuth,
    /// Parameters in spec order.
    pub params: &'static [ParamMeta],
    /// Documented errors of the operation itself (see [`ApiMeta::common_errors`] for the rest).
    pub errors: &'static [DocumentedError],
    /// How to observe completion.
    pub completion: Option<CompletionMeta>,
    /// How to page through the results of a list operation.
    pub pagination: Option<PaginationMeta>,
}

impl OperationMeta {
    /// The parameter with this wire name.
    pub fn param(&self, name: &str) -> Option<&'static ParamMeta> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The region parameter, if the operation has one.
    pub fn region_param(&self) -> Option<&'static ParamMeta> {
        self.params.iter().find(|p| p.region)
    }

    /// The documented error for `code`: the operation's own first, then the API's common ones.
    pub fn documented_error(&self, code: &str) -> Option<&'static DocumentedError> {
        self.errors
            .iter()
            .chain(self.api.common_errors)
            .find(|e| e.matches(code))
    }

    /// The HTTP method the SDK sends.
    pub fn default_method(&self) -> HttpMethod {
        self.methods.first().copied().unwrap_or(HttpMethod::Post)
    }
}
