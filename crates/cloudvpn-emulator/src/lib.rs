//! A local emulator of the Alibaba Cloud VPC API (RPC, 2016-04-28) and the Tencent Cloud VPC API v2 for
//! VPN gateways and VPN connections: real signatures, real error codes, asynchronous deletions, on one
//! loopback port.
//!
//! # Start it
//!
//! ```text
//! cloudvpn-emulator --listen 127.0.0.1:8080 [--state state.json] [--credentials keys.json]
//!     [--allow-remote] [--control-token TOKEN | --control-token-file FILE] [--max-connections N]
//!     [--tls [--tls-cert-out FILE]]
//! ```
//!
//! It listens on loopback only unless `--allow-remote`, and then never with the published default keys
//! ([`ExposureError`]); connections are capped and timed out ([`ConnectionLimits`]); [`launch`] tables the exit
//! codes, shared with `cloudvpn emulator`. With `--tls` the same port speaks HTTPS only, with a CA and a
//! certificate for `127.0.0.1`, `::1` and `localhost` made at start ([`TlsIdentity`]); the CA is printed, and written
//! to `FILE` with `--tls-cert-out`, for `REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS` or
//! `cloudvpn --ca-bundle`. The handshake counts as part of the first request's head, so it has the header
//! timeout.
//!
//! or in process (what `cloudvpn emulator` and `cloudvpn demo` do):
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudvpn_emulator::{Emulator, EmulatorConfig, seed::AlibabaGatewaySeed};
//!
//! let emulator = Emulator::start(EmulatorConfig::loopback()).await?;
//! println!("listening on {}", emulator.base_url());
//! emulator
//!     .handle()
//!     .seed_alibaba_gateway(AlibabaGatewaySeed {
//!         region: "cn-hangzhou".into(),
//!         id: Some("vpn-demo".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! emulator.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! Alibaba RPC is served at `/` (GET or POST, query and form body, V3 `ACS3-HMAC-SHA256` or v1
//! signatures, JSON or `Format=XML`), Tencent Cloud API 3.0 (VPC `2017-03-12`) at `/` too, told apart by
//! its markers (an `X-TC-Action` header, a `TC3-HMAC-SHA256` authorization, or the old-style form's
//! `SecretId` and `Nonce`; TC3 POST with a JSON body or GET, `HmacSHA256` / `HmacSHA1` forms), the
//! retired Tencent v2 at `/v2/index.php` (GET or POST form, `HmacSHA1` / `HmacSHA256`), the control API
//! under `/_emulator/`. Tencent v2 and 3.0 share one world: what is seeded under `/_emulator/tencent/` or
//! deleted through either shows in both.
//!
//! Inside, every cloud request goes through one pipeline (limits, decoding, operation lookup,
//! authentication, permission, the operation's documented constraints, fault rules, `ClientToken`, the
//! behaviour, the disk) over a small front end per protocol that decodes, authenticates and renders. The
//! behaviour of each API implements a trait generated from its specs (one method per operation, typed
//! request in, typed response or typed error out), so an operation added to a spec does not compile
//! until the emulator has its behaviour; answers are built with the generated response builders and
//! error constructors (`cloudvpn-types`' `test-util` feature), never restated by hand.
//!
//! # Credentials
//!
//! | Cloud | Key id | Secret |
//! |---|---|---|
//! | Alibaba | `emulator-ak` | `emulator-secret` |
//! | Tencent | `emulator-sid` | `emulator-skey` |
//!
//! Both belong to account `default` and may call everything. `--credentials FILE` adds keys — other
//! accounts, RAM/CAM sub-users or keys without permission, disabled keys; see [`credentials`] for the
//! format. Unknown keys, wrong signatures, timestamps outside the window (Alibaba ±15 min, Tencent v2
//! 2 h, Tencent API 3.0 5 min) and reused nonces are refused with the services' own codes. A nonce is remembered for its
//! request's whole timestamp window whatever the load; when [`Limits::nonce_capacity`] nonces are held,
//! new requests get the throttling error rather than an old nonce being forgotten.
//!
//! # Control API (loopback clients only)
//!
//! Not for web pages: the `Host` must name loopback, an `Origin` must be a loopback page, `POST` / `PUT`
//! bodies must be typed `application/json`, and with `--control-token TOKEN` every request must send
//! `Authorization: Bearer TOKEN` (checked on the request head, before its body is read).
//!
//! ```text
//! alias ctl="curl -H 'Content-Type: application/json'"
//! ctl -X POST localhost:8080/_emulator/alibaba/vpn-gateways \
//!     -d '{"region": "cn-hangzhou", "id": "vpn-1", "enhanced": false, "prepaid_until": null}'
//! ctl -X POST localhost:8080/_emulator/alibaba/vpn-connections \
//!     -d '{"region": "cn-hangzhou", "id": "vco-1", "vpn_gateway_id": "vpn-1"}'
//! ctl -X POST localhost:8080/_emulator/tencent/vpcs -d '{"id": "vpc-1"}'
//! ctl -X POST localhost:8080/_emulator/tencent/vpn-gateways -d '{"vpc_id": "vpc-1", "id": "vpngw-1"}'
//! ctl -X POST localhost:8080/_emulator/tencent/vpn-connections \
//!     -d '{"vpc_id": "vpc-1", "vpn_gateway_id": "vpngw-1", "id": "vpnx-1"}'
//! ctl -X POST localhost:8080/_emulator/faults \
//!     -d '{"action": "DeleteVpnGateway", "error": "Throttling.User", "count": 2, "seed": 1}'
//! ctl -X PUT localhost:8080/_emulator/transitions -d '{"alibaba_vpn_connection": {"mode": "polls", "count": 2}}'
//! ctl localhost:8080/_emulator/state
//! ctl -X POST localhost:8080/_emulator/reset
//! ```
//!
//! Every route and field is listed in [`control`], [`seed`], [`faults`] and [`timing`]. What each
//! situation answers is tabled in the emulator's `alibaba/behaviour.rs` and `tencent/behaviour.rs` (module documentation).
//!
//! # Pointing the official SDKs at it
//!
//! * `alibabacloud-vpc20160428` (Tea, V3 by default):
//!   `Config(access_key_id='emulator-ak', access_key_secret='emulator-secret', region_id='cn-hangzhou',
//!   endpoint='127.0.0.1:8080', protocol='http')`; add `signature_algorithm='v2'` for v1 signatures.
//! * `aliyun-python-sdk-core` + `aliyun-python-sdk-vpc`: `AcsClient('emulator-ak', 'emulator-secret',
//!   'cn-hangzhou', auto_retry=False)`, then per request `request.set_endpoint('127.0.0.1:8080')` and
//!   `request.set_protocol_type('http')`.
//! * Terraform's alicloud provider: `ALIBABA_CLOUD_ENDPOINT_VPC=127.0.0.1:8080` and `protocol = "HTTP"`.
//! * `qcloudapi-sdk-python` (v2): `QcloudApi('vpc', {'secretId': 'emulator-sid', 'secretKey':
//!   'emulator-skey', 'Region': 'gz', 'method': 'GET'})` with `QcloudApi.modules.vpc.Vpc.requestHost =
//!   '127.0.0.1:8080'` and `QcloudApi.common.request.MyHTTPSConnection` replaced by a plain
//!   `http.client.HTTPConnection` subclass (the SDK speaks HTTPS only; the emulator speaks HTTP). The
//!   scripts in `tests/interop/` show all of these.
//! * The `cloudvpn` runtime and CLI: base URL `http://127.0.0.1:8080` (with `--tls`: `https://…` and
//!   `root_certificate_pem` on the client builder, `--ca-bundle FILE` on the command line).
//!
//! # Asynchronous changes
//!
//! Deleting an Alibaba gateway shows `deleting`, then it is gone; deleting a connection shows its gateway
//! `updating` (further changes answer `VpnGateway.Configuring`), then `active` without it; a Tencent
//! `DeleteVpnConn` answers a `taskId` whose `DescribeVpcTaskResult` status goes 2 → 0. How long each
//! takes — a time (default), at once, or after N Describe calls — is set per resource kind with
//! [`timing::Transitions`].
//!
//! # State
//!
//! State is kept per account and region. With `--state FILE`, a change is written before it is made
//! visible: it is appended to the journal `FILE.journal` (one record per batch of changes, each with its
//! length and CRC-32, flushed with `fdatasync`), and no answer — not even a read's — shows it before it
//! is on disk. If it cannot be written, it is undone and the call answers that nothing was changed
//! (Alibaba `InternalError`, HTTP 500; Tencent code 6000), so a retry behaves as if the first attempt had
//! never happened. Now and then, and at a clean shutdown, the journal is folded into `FILE`, which keeps
//! the JSON format of earlier versions (`cloudvpn-emulator-state/1`); files written by earlier versions
//! are read as they are. On start, an unfinished last journal record (a crash mid-write; it was never
//! acknowledged) is dropped with a note on stderr; any other damage, a repeated key, an entry filed
//! under another id or a link to a missing resource is an error naming the file (with line and column
//! for `FILE`), and nothing is replaced. One emulator at a time uses a state file: it locks `FILE.lock`
//! while it runs, and a second one on the same file refuses to start (exit code 2) without touching
//! it ([`LockError`]). See [`journal`] for the format. Replay protection (seen nonces)
//! is kept in memory only, and so are the temporary keys the emulator's STS and metadata services issue
//! ([`sts`]): their tokens (`SecurityToken`, `x-acs-security-token`, Tencent `X-TC-Token` / `Token`) and
//! expiry are checked; tokens sent with permanent keys are accepted unchecked.
//!
//! # Load
//!
//! ```text
//! cargo run --release -p cloudvpn-emulator --example load -- \
//!     --requests 200000 --concurrency 64 --workload alibaba-delete [--signature v3] [--addr HOST:PORT]
//! ```
//!
//! sends calls through the `cloudvpn` runtime's fluent clients and prints requests/s and p50/p99 latency.

#![warn(missing_docs)]

mod accept;
// Behaviours return the generated typed errors (an `ErrorInfo` each, ~180 bytes) by value: they are the
// answer of a refused call, made once per call, and boxing them would only add an allocation.
#[allow(clippy::result_large_err)]
mod alibaba;
mod answer;
mod auth;
mod behaviour;
mod changes;
mod clock;
mod config;
mod connections;
mod consistency;
pub mod control;
mod control_guard;
pub mod credentials;
mod error;
pub mod faults;
// Formatted by prettyplease when generated; rustfmt would disagree and make `--check` fail.
#[rustfmt::skip]
#[allow(clippy::result_large_err)]
mod generated;
mod handle;
mod http;
mod idempotency;
mod ids;
pub mod journal;
mod json_check;
pub mod launch;
mod listen;
mod loopback;
pub mod model;
mod nonces;
pub mod persistence;
mod pipeline;
pub mod rate_limits;
pub mod seed;
mod server;
mod signals;
#[cfg(feature = "test-util")]
pub mod signed;
mod state_lock;
mod store;
#[allow(clippy::result_large_err)] // as for `alibaba`
pub mod sts;
mod task_index;
#[allow(clippy::result_large_err)] // as for `alibaba`
mod tencent;
pub mod timing;
mod tls;
mod tracked;
mod web_guard;

#[cfg(test)]
mod durable_answer_tests;
#[cfg(test)]
mod test_disk;

pub use config::{ConnectionLimits, ControlToken, EmulatorConfig, Limits};
pub use credentials::{Credentials, Key};
pub use handle::Handle;
pub use listen::ExposureError;
pub use persistence::StateFileError;
pub use server::{Emulator, StartError};
pub use state_lock::LockError;
pub use timing::{Transition, Transitions};
pub use tls::TlsError;
pub use tls::TlsIdentity;
