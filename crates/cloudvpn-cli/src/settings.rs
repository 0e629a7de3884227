//! The common flags (`--endpoint`, `--region`, `--profile`, signatures, output, timeouts, `--wait`,
//! `--dry-run`, `--debug`) and the runtime clients they describe.

use crate::failure::Failure;
use crate::output::{Format, OutputSettings};
use clap::ArgMatches;
use cloudvpn::credentials::{AlibabaChain, ProcessEnvironment, TencentChain};
use cloudvpn::{
    AlibabaClient, AlibabaSignature, Api3SignatureMethod, RetryConfig, SignatureMethod,
    TencentApi3Client, TencentClient, WaitOptions, WireEvent,
};
use cloudvpn_types::meta::Provider;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The common flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub endpoint: Option<String>,
    /// `--ca-bundle FILE`: more trusted roots for HTTPS.
    pub ca_bundle: Option<PathBuf>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// `--role-arn` and `--role-session-name`: the role the found credentials assume.
    pub role_arn: Option<String>,
    pub role_session_name: Option<String>,
    pub signature: AlibabaSignature,
    /// `--signature-method`, if given; each Tencent API has its own default.
    pub signature_method: Option<TencentSignature>,
    pub output: OutputSettings,
    pub client_token: Option<String>,
    pub timeout: Option<Duration>,
    pub wait: bool,
    pub dry_run: bool,
    pub debug: bool,
    /// `--no-paginate`: one page only.
    pub no_paginate: bool,
    /// `--max-items`.
    pub max_items: Option<u64>,
    /// When the command started: `--timeout` counts from here, waiting included.
    pub started: Instant,
    /// Hears every wire event of the clients these settings build, beside `--debug`'s log (the sweep's
    /// limiter counts the throttled attempts the clients repeat on their own).
    pub observer: Option<Observer>,
}

/// A wire-event callback that settings carry to each client they build.
#[derive(Clone)]
pub struct Observer(pub cloudvpn::WireLog);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// `--signature-method`: the Tencent signatures, spelled as tccli and the official SDKs spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TencentSignature {
    /// `TC3-HMAC-SHA256` (API 3.0 only, its default).
    Tc3HmacSha256,
    /// `HmacSHA256`.
    HmacSha256,
    /// `HmacSHA1` (the legacy v2 API's default).
    HmacSha1,
}

impl TencentSignature {
    /// Every spelling `--signature-method` takes.
    pub const NAMES: [&'static str; 3] = ["TC3-HMAC-SHA256", "HmacSHA256", "HmacSHA1"];

    fn parse(name: &str) -> Option<Self> {
        match name {
            "TC3-HMAC-SHA256" => Some(Self::Tc3HmacSha256),
            "HmacSHA256" => Some(Self::HmacSha256),
            "HmacSHA1" => Some(Self::HmacSha1),
            _ => None,
        }
    }
}

impl Settings {
    /// Reads the common flags; `--query` is checked here, before anything is sent.
    pub fn from_matches(m: &ArgMatches) -> Result<Self, Failure> {
        let text = |name: &str| m.get_one::<String>(name).cloned();
        Ok(Settings {
            endpoint: text("endpoint"),
            ca_bundle: text("ca-bundle").map(PathBuf::from),
            region: text("region"),
            profile: text("profile"),
            role_arn: text("role-arn"),
            role_session_name: text("role-session-name"),
            signature: match text("signature").as_deref() {
                Some("v1") => AlibabaSignature::V1,
                _ => AlibabaSignature::V3,
            },
            signature_method: text("signature-method")
                .as_deref()
                .and_then(TencentSignature::parse),
            output: OutputSettings::new(Format::parse(text("output").as_deref()), text("query"))?,
            client_token: text("client-token"),
            timeout: m.get_one::<u64>("timeout").map(|s| Duration::from_secs(*s)),
            wait: m.get_flag("wait"),
            dry_run: m.get_flag("dry-run"),
            debug: m.get_flag("debug"),
            no_paginate: m.get_flag("no-paginate"),
            max_items: m.get_one::<u64>("max-items").copied(),
            started: Instant::now(),
            observer: None,
        })
    }

    /// Commands that send no requests refuse `--dry-run` rather than ignore it.
    pub fn refuse_dry_run(&self, command: &str) -> Result<(), Failure> {
        if self.dry_run {
            return Err(Failure::usage(format!(
                "--dry-run applies to operations and teardown; `cloudvpn {command}` sends nothing to a cloud anyway"
            )));
        }
        Ok(())
    }

    /// What is left of `--timeout`, if one was given.
    pub fn time_left(&self) -> Option<Duration> {
        self.timeout
            .map(|t| t.saturating_sub(self.started.elapsed()))
    }

    /// The region: the flag, else the provider's variables, else the profile's (see [`crate::region`]).
    pub fn region_for(&self, provider: Provider) -> Result<Option<String>, Failure> {
        crate::region::region(
            self.region.as_deref(),
            self.profile.as_deref(),
            provider,
            &ProcessEnvironment,
        )
    }

    /// The `--ca-bundle` file's contents (read when a client is built, so a missing file stops the command
    /// before anything is sent).
    fn ca_bundle(&self) -> Result<Option<Vec<u8>>, Failure> {
        let Some(path) = &self.ca_bundle else {
            return Ok(None);
        };
        std::fs::read(path).map(Some).map_err(|e| {
            Failure::usage(format!(
                "cannot read --ca-bundle {}: {e} (give a PEM file of certificates to trust)",
                path.display()
            ))
        })
    }

    fn attempt_timeout(&self) -> Duration {
        let default = cloudvpn::DEFAULT_ATTEMPT_TIMEOUT;
        self.timeout.map_or(default, |t| t.min(default))
    }

    /// How `--wait` polls: the deadline is what is left of `--timeout` (600 s without one).
    pub fn wait_options(&self) -> WaitOptions {
        let mut o = WaitOptions {
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
            ..WaitOptions::default()
        };
        if let Some(left) = self.time_left() {
            o.deadline = left;
        }
        o
    }

    /// What the clients log: `--debug`'s lines on stderr, and the observer, when there is one.
    fn wire_log(&self) -> Option<cloudvpn::WireLog> {
        let observer = self.observer.clone().map(|o| o.0);
        if !self.debug {
            return observer;
        }
        Some(Arc::new(move |event: WireEvent<'_>| {
            debug_line(event);
            if let Some(observer) = &observer {
                observer(event);
            }
        }))
    }

    /// The Alibaba client these settings describe.
    pub fn alibaba_client(&self) -> Result<AlibabaClient, Failure> {
        let mut chain = AlibabaChain::new();
        if let Some(p) = &self.profile {
            chain = chain.profile(p.clone());
        }
        if let Some(role_arn) = &self.role_arn {
            chain = chain.assume_role(role_arn.clone(), self.role_session_name.clone());
        }
        let mut b = AlibabaClient::builder()
            .credentials_provider(Arc::new(chain))
            .signature(self.signature)
            .attempt_timeout(self.attempt_timeout())
            .retry(RetryConfig::default());
        if let Some(e) = &self.endpoint {
            b = b.endpoint(e.clone());
        }
        if let Some(r) = self.region_for(Provider::Alibaba)? {
            b = b.region(r);
        }
        if let Some(pem) = self.ca_bundle()? {
            b = b.root_certificate_pem(pem);
        }
        if let Some(log) = self.wire_log() {
            b = b.wire_log(log);
        }
        b.build()
            .map_err(|e| Failure::usage(format!("cannot set up the HTTP client: {e}")))
    }

    /// The Tencent credentials chain: `--profile`, `--role-arn`, `--role-session-name`.
    fn tencent_chain(&self) -> TencentChain {
        let mut chain = TencentChain::new();
        if let Some(p) = &self.profile {
            chain = chain.profile(p.clone());
        }
        if let Some(role_arn) = &self.role_arn {
            chain = chain.assume_role(role_arn.clone(), self.role_session_name.clone());
        }
        chain
    }

    /// The Tencent client these settings describe.
    pub fn tencent_client(&self) -> Result<TencentClient, Failure> {
        let chain = self.tencent_chain();
        let method = match self.signature_method {
            None | Some(TencentSignature::HmacSha1) => SignatureMethod::HmacSha1,
            Some(TencentSignature::HmacSha256) => SignatureMethod::HmacSha256,
            Some(TencentSignature::Tc3HmacSha256) => {
                return Err(Failure::usage(
                    "--signature-method TC3-HMAC-SHA256 is for Tencent Cloud API 3.0; the legacy v2 API signs \
                     with HmacSHA1 (the default) or HmacSHA256 only (nothing was sent)",
                ));
            }
        };
        let mut b = TencentClient::builder()
            .credentials_provider(Arc::new(chain))
            .signature_method(method)
            .attempt_timeout(self.attempt_timeout());
        if let Some(e) = &self.endpoint {
            b = b.endpoint(e.clone());
        }
        // Every v2 call carries the Region common parameter ("normally required"): never leave it out.
        let region = self
            .region_for(Provider::Tencent)?
            .ok_or_else(|| crate::region::missing(Provider::Tencent, "a Tencent Cloud v2 call"))?;
        b = b.region(region);
        if let Some(pem) = self.ca_bundle()? {
            b = b.root_certificate_pem(pem);
        }
        if let Some(log) = self.wire_log() {
            b = b.wire_log(log);
        }
        b.build()
            .map_err(|e| Failure::usage(format!("cannot set up the HTTP client: {e}")))
    }

    /// The Tencent Cloud API 3.0 client these settings describe: TC3-HMAC-SHA256 over a JSON POST body
    /// unless `--signature-method` asks for the old-style form signature.
    pub fn tencent_api3_client(&self) -> Result<TencentApi3Client, Failure> {
        let chain = self.tencent_chain();
        let method = match self.signature_method {
            None | Some(TencentSignature::Tc3HmacSha256) => Api3SignatureMethod::Tc3HmacSha256,
            Some(TencentSignature::HmacSha256) => Api3SignatureMethod::HmacSha256,
            Some(TencentSignature::HmacSha1) => Api3SignatureMethod::HmacSha1,
        };
        let mut b = TencentApi3Client::builder()
            .credentials_provider(Arc::new(chain))
            .signature_method(method)
            .attempt_timeout(self.attempt_timeout());
        if let Some(e) = &self.endpoint {
            b = b.endpoint(e.clone());
        }
        // Every 3.0 call carries its region (X-TC-Region, or Region in the form): never leave it out.
        let region = self.region_for(Provider::Tencent)?.ok_or_else(|| {
            crate::region::missing(Provider::Tencent, "a Tencent Cloud API 3.0 call")
        })?;
        b = b.region(region);
        if let Some(pem) = self.ca_bundle()? {
            b = b.root_certificate_pem(pem);
        }
        if let Some(log) = self.wire_log() {
            b = b.wire_log(log);
        }
        b.build()
            .map_err(|e| Failure::usage(format!("cannot set up the HTTP client: {e}")))
    }
}

/// `--debug`'s line for one wire event (requests and answers redacted: no secret or token).
fn debug_line(event: WireEvent<'_>) {
    match event {
        WireEvent::Request { attempt, request } => {
            eprintln!("--> attempt {attempt}\n{}", request.redacted().trim_end());
        }
        WireEvent::Response { attempt, response } => {
            eprintln!(
                "<-- attempt {attempt}: HTTP {}\n{}",
                response.status,
                response.redacted_body()
            );
        }
        WireEvent::Retrying {
            attempt,
            operation,
            reason,
            delay,
        } => {
            eprintln!(
                "--- attempt {attempt} of {} failed: {reason}; retrying in {} ms",
                operation.action,
                delay.as_millis()
            );
        }
    }
}
