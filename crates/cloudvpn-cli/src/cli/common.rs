//! The flags every subcommand takes (`--endpoint`, `--region`, `--output`, `--wait`, `--dry-run`, …),
//! with the wire names of the region and token parameters as aliases.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, Command};

/// The global credential flags, which an operation's parameter of the same kebab name must not shadow.
pub(super) const CREDENTIAL_FLAGS: [&str; 2] = ["role-arn", "role-session-name"];

pub(super) fn common_args() -> Vec<Arg> {
    vec![
        Arg::new("endpoint").help_heading("Common options")
            .long("endpoint")
            .value_name("URL")
            .global(true)
            .help("Send requests to this base URL, e.g. http://127.0.0.1:8080 for the emulator"),
        Arg::new("ca-bundle").help_heading("Common options")
            .long("ca-bundle")
            .value_name("FILE")
            .global(true)
            .help("Also trust the certificates in FILE (PEM) for HTTPS, e.g. the one `cloudvpn emulator --tls --tls-cert-out FILE` wrote"),
        Arg::new("region").help_heading("Common options")
            .long("region")
            .aliases(region_wire_names())
            .value_name("REGION")
            .value_parser(KnownRegions)
            // Offered to shell completion; too many to list in --help.
            .hide_possible_values(true)
            .global(true)
            // Several for `sweep` only; every other command refuses a second one.
            .action(ArgAction::Append)
            .help("Region (Alibaba RegionId, Tencent Region); else ALIBABA_CLOUD_REGION, ALICLOUD_REGION / TENCENTCLOUD_REGION, else the profile's region (region_id in ~/.aliyun/config.json; ~/.tccli/<profile>.configure)"),
        Arg::new("profile").help_heading("Common options")
            .long("profile")
            .value_name("NAME")
            .global(true)
            .action(ArgAction::Append)
            .help("Credentials profile in the official CLI/SDK profile files"),
        Arg::new("role-arn").help_heading("Common options")
            .long("role-arn")
            .value_name("ARN")
            .global(true)
            .help("Assume this role (STS AssumeRole) with the credentials found, e.g. acs:ram::<account>:role/<name> or qcs::cam::uin/<uin>:roleName/<name>"),
        Arg::new("role-session-name").help_heading("Common options")
            .long("role-session-name")
            .value_name("NAME")
            .requires("role-arn")
            .global(true)
            .help("The session name for --role-arn (default cloudvpn-<unix seconds>)"),
        Arg::new("signature").help_heading("Common options")
            .long("signature")
            .value_name("VERSION")
            .global(true)
            .value_parser(PossibleValuesParser::new(["v3", "v1"]))
            .help("Alibaba signature: v3 (ACS3-HMAC-SHA256, default) or v1 (HMAC-SHA1)"),
        Arg::new("signature-method").help_heading("Common options")
            .long("signature-method")
            .value_name("METHOD")
            .global(true)
            .value_parser(PossibleValuesParser::new(crate::settings::TencentSignature::NAMES))
            .help("Tencent signature: TC3-HMAC-SHA256 (API 3.0's default), HmacSHA256, or HmacSHA1 (the legacy v2 API's default; v2 takes only these two)"),
        Arg::new("output").help_heading("Common options")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .global(true)
            .value_parser(PossibleValuesParser::new(["json", "text", "table"]))
            .help("Result format on stdout: json (default), text (path: value lines) or table (aligned columns)"),
        Arg::new("query").help_heading("Common options")
            .long("query")
            .value_name("JMESPATH")
            .global(true)
            .help("Print only what this JMESPath expression selects from the result, e.g. --query 'VpnGateways.VpnGateway[].VpnGatewayId'"),
        Arg::new("no-paginate").help_heading("Common options")
            .long("no-paginate")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("List operations: print only the page the service sent (default: fetch every page and print them as one)"),
        Arg::new("max-items").help_heading("Common options")
            .long("max-items")
            .value_name("N")
            .global(true)
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("List operations: stop after N items"),
        Arg::new("client-token").help_heading("Common options")
            .long("client-token")
            .aliases(token_wire_names())
            .value_name("TOKEN")
            .global(true)
            .help("Idempotency token for operations that take one (default: a fresh UUID, reused across retries)"),
        Arg::new("timeout").help_heading("Common options")
            .long("timeout")
            .value_name("SECONDS")
            .global(true)
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Give up after this many seconds, --wait included (default: 30 s per attempt, 600 s of waiting)"),
        Arg::new("wait").help_heading("Common options")
            .long("wait")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Poll until an asynchronous operation has completed"),
        Arg::new("dry-run").help_heading("Common options")
            .long("dry-run")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Send nothing that changes anything: operations print the exact signed HTTP request (secrets redacted) and open no connection; teardown sends only read-only Describe calls and prints its plan"),
        Arg::new("debug").help_heading("Common options")
            .long("debug")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Log every request and response on stderr (secrets redacted)"),
    ]
}

/// Wire names of every API's region parameter (`RegionId`, `Region`): aliases of `--region`.
fn region_wire_names() -> Vec<&'static str> {
    // Tencent sends the region as the common parameter `Region` (api.yaml `common_parameters`, which the
    // metadata does not carry) rather than as a parameter of each operation.
    let common = ["Region"];
    let mut names: Vec<&'static str> = cloudvpn_types::all_operations()
        .filter_map(|op| op.region_param().map(|p| p.name))
        .chain(common)
        .filter(|n| *n != "region")
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Wire names of the idempotency tokens (`ClientToken`): aliases of `--client-token`.
fn token_wire_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = cloudvpn_types::all_operations()
        .filter_map(|op| op.idempotency_token)
        .filter(|n| *n != "client-token")
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `--region` takes any value (new regions open all the time), but offers the regions the specs name to
/// shell completion.
#[derive(Debug, Clone, Copy)]
struct KnownRegions;

impl TypedValueParser for KnownRegions {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::NonEmptyStringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let mut regions: Vec<&'static str> = cloudvpn_types::all_apis()
            .iter()
            .flat_map(|api| api.regions.iter().copied())
            .collect();
        regions.sort_unstable();
        regions.dedup();
        Some(Box::new(regions.into_iter().map(PossibleValue::new)))
    }
}
