//! The command line, built from the generated operation metadata: one subcommand per operation, one flag
//! per parameter (kebab-case of the wire name), with the spec's descriptions and constraints as help.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, Command};
use cloudvpn_types::meta::{ApiMeta, OperationMeta, ParamKind, ParamMeta};

/// Exit codes, documented in `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  2  usage error: a flag is missing or invalid, or the request breaks a documented constraint (nothing was sent)
  3  the service answered with an error
  4  no usable answer: connection failed, or the response was not the protocol
  5  timed out (--timeout, or --wait's deadline)
  6  the asynchronous operation failed (seen while --wait-ing)
  130  interrupted (Ctrl-C); what the service had already accepted is listed";

/// `DeleteVpnGateway` → `delete-vpn-gateway`: the generator's word split, so a subcommand is always named
/// after the same words as its types.
pub fn kebab(action: &str) -> String {
    cloudvpn_types::naming::kebab_case(action)
}

/// The flag of a parameter: kebab-case of its wire name (`VpnGatewayId` → `vpn-gateway-id`).
pub fn flag_name(param: &ParamMeta) -> String {
    param.field.replace('_', "-")
}

/// Whether the parameter is covered by a common flag instead of its own (`--region`, `--client-token`).
pub fn is_common(op: &OperationMeta, param: &ParamMeta) -> bool {
    param.region || op.idempotency_token == Some(param.name)
}

/// The whole command.
pub fn command() -> Command {
    Command::new("cloudvpn")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Manage Alibaba Cloud and Tencent Cloud VPN gateways and connections, or try it all on a local emulator")
        .long_about(
            "Manage Alibaba Cloud and Tencent Cloud VPN gateways and connections.\n\n\
             Every documented operation is a subcommand; `cloudvpn demo` runs a guided tour on the built-in \
             emulator, and `cloudvpn emulator` serves it for your own tools. Results go to stdout (JSON by \
             default), diagnostics to stderr.",
        )
        .after_long_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(common_args())
        .subcommands(cloudvpn_types::all_apis().iter().map(|api| api_command(api)))
        .subcommand(teardown_command())
        .subcommand(
            Command::new("emulator")
                .about("Run the local emulator of both clouds' VPN APIs (loopback only)")
                .arg(
                    Arg::new("listen")
                        .long("listen")
                        .value_name("ADDR")
                        .default_value("127.0.0.1:8080")
                        .help("Address to listen on: IP:PORT or localhost:PORT; loopback only unless --allow-remote"),
                )
                .arg(Arg::new("state").long("state").value_name("FILE").help("Keep the state in FILE and FILE.journal (reloaded on start; a change is answered only once it is on disk)"))
                .arg(
                    Arg::new("emulator-credentials")
                        .long("credentials")
                        .value_name("FILE")
                        .help("Access keys (JSON); the published defaults emulator-ak/emulator-secret and emulator-sid/emulator-skey stay unless it sets \"include_defaults\": false"),
                )
                .arg(
                    Arg::new("allow-remote")
                        .long("allow-remote")
                        .action(ArgAction::SetTrue)
                        .help("Allow a non-loopback --listen address (then --credentials must switch the published default keys off)"),
                )
                .arg(
                    Arg::new("control-token")
                        .long("control-token")
                        .value_name("TOKEN")
                        .value_parser(|token: &str| {
                            cloudvpn_emulator::ControlToken::new(token)
                                .ok_or("the token is empty: give the one clients must send as Authorization: Bearer TOKEN")
                        })
                        .help("Require Authorization: Bearer TOKEN on every control API request (other users can see arguments: prefer --control-token-file or CLOUDVPN_EMULATOR_CONTROL_TOKEN)"),
                )
                .arg(
                    Arg::new("control-token-file")
                        .long("control-token-file")
                        .value_name("FILE")
                        .conflicts_with("control-token")
                        .help("The same, with the token read from FILE (a trailing line break is ignored); without either flag, CLOUDVPN_EMULATOR_CONTROL_TOKEN is used when set"),
                )
                .arg(
                    Arg::new("max-connections")
                        .long("max-connections")
                        .value_name("N")
                        .value_parser(clap::value_parser!(usize))
                        .help("Most open connections; at the cap the oldest idle one is closed [default: 512]"),
                )
                .arg(
                    Arg::new("tls")
                        .long("tls")
                        .action(ArgAction::SetTrue)
                        .help("Serve HTTPS instead of HTTP, with a CA and a certificate for 127.0.0.1, ::1 and localhost made at start (the CA is printed)"),
                )
                .arg(
                    Arg::new("tls-cert-out")
                        .long("tls-cert-out")
                        .value_name("FILE")
                        .requires("tls")
                        .help("With --tls, also write the CA certificate to FILE (PEM), for REQUESTS_CA_BUNDLE, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS or --ca-bundle"),
                ),
        )
        .subcommand(
            Command::new("demo")
                .about("Start the emulator in-process and walk through the four documented deletions")
                .arg(
                    Arg::new("fast")
                        .long("fast")
                        .action(ArgAction::SetTrue)
                        .help("Make the emulator's asynchronous transitions near-instant"),
                ),
        )
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(PossibleValuesParser::new(["bash", "zsh", "fish", "powershell", "elvish"])),
                ),
        )
}

fn common_args() -> Vec<Arg> {
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
            .help("Region (Alibaba RegionId, Tencent Region); else ALIBABA_CLOUD_REGION, ALICLOUD_REGION / TENCENTCLOUD_REGION, else the profile's region (region_id in ~/.aliyun/config.json; ~/.tccli/<profile>.configure)"),
        Arg::new("profile").help_heading("Common options")
            .long("profile")
            .value_name("NAME")
            .global(true)
            .help("Credentials profile in the official CLI/SDK profile files"),
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
            .value_parser(PossibleValuesParser::new(["HmacSHA1", "HmacSHA256"]))
            .help("Tencent v2 signature method (default HmacSHA1)"),
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

/// The subcommand group of an API, from its spec's `names.command`: `alibaba`, `tencent`.
pub fn group_name(api: &ApiMeta) -> &'static str {
    api.command
}

/// The API whose subcommand group is `group`.
pub fn api_for_group(group: &str) -> Option<&'static ApiMeta> {
    cloudvpn_types::all_apis()
        .iter()
        .copied()
        .find(|api| group_name(api) == group)
}

/// The operations of `api`, in the generated (sorted) order.
pub fn operations(api: &ApiMeta) -> impl Iterator<Item = &'static OperationMeta> + '_ {
    cloudvpn_types::all_operations().filter(move |op| op.api.module == api.module)
}

/// The operation of `api` whose subcommand is `name` (clap has already resolved the action-name alias).
pub fn operation(api: &ApiMeta, name: &str) -> Option<&'static OperationMeta> {
    operations(api).find(|op| kebab(op.action) == name)
}

fn api_command(api: &'static ApiMeta) -> Command {
    let mut cmd = Command::new(group_name(api))
        .about(format!("{} operations", api.title))
        .long_about(format!(
            "{} operations.\n\nEach operation also answers to its action name and each flag to its wire name, \
             so `cloudvpn {} {}` takes the flags an `aliyun`/`tccli` line has.",
            api.title,
            group_name(api),
            operations(api).next().map(|op| op.action).unwrap_or("Action"),
        ))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for op in operations(api) {
        cmd = cmd.subcommand(operation_command(op));
    }
    cmd
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

fn operation_command(op: &'static OperationMeta) -> Command {
    let mut long = op.summary.to_owned();
    if let Some(c) = op.completion {
        long.push_str(&format!(
            "\n\n{}: --wait polls {} until done. {}",
            if c.asynchronous {
                "Asynchronous"
            } else {
                "Completion"
            },
            c.poll_action,
            c.hint
        ));
    }
    if let Some(region) = op.region_param() {
        long.push_str(&format!("\n\n{} is given with --region.", region.name));
    }
    if let Some(token) = op.idempotency_token {
        long.push_str(&format!("\n\n{token} is given with --client-token (default: a fresh UUID, reused across retries)."));
    }
    long.push_str(&format!(
        "\n\nAlso: cloudvpn {} {}, with flags under their wire names (--{}).",
        group_name(op.api),
        op.action,
        op.params
            .iter()
            .find(|p| !is_common(op, p))
            .map(|p| p.name)
            .unwrap_or("Name")
    ));
    if let Some(p) = op.pagination {
        long.push_str(&format!(
            "\n\nLists every page by default (--{} and --{} are set for you); --no-paginate prints one page, \
             --max-items N stops early.",
            kebab_of_wire(op, p.page),
            kebab_of_wire(op, p.size)
        ));
    }
    let mut cmd = Command::new(kebab(op.action))
        .alias(op.action)
        .about(first_sentence(op.summary))
        .long_about(long)
        .after_long_help(EXIT_CODES);
    for p in op.params.iter().filter(|p| !is_common(op, p)) {
        cmd = cmd.arg(param_arg(p));
    }
    cmd
}

fn param_arg(p: &'static ParamMeta) -> Arg {
    let mut help = p.help.to_owned();
    let c = &p.constraints;
    let mut rules = Vec::new();
    if let Some(max) = c.max_length {
        rules.push(format!("at most {max} characters"));
    }
    if let Some(min) = c.min_length {
        rules.push(format!("at least {min} characters"));
    }
    if c.ascii {
        rules.push("ASCII only".to_owned());
    }
    if let Some(min) = c.minimum {
        rules.push(format!("≥ {min}"));
    }
    if let Some(max) = c.maximum {
        rules.push(format!("≤ {max}"));
    }
    if !rules.is_empty() {
        help.push_str(&format!(" [{}]", rules.join(", ")));
    }
    if let Some(e) = p.example {
        help.push_str(&format!(" (e.g. {e})"));
    }
    let mut arg = Arg::new(p.name)
        .long(flag_name(p))
        .required(p.required)
        .help(help);
    if p.name != flag_name(p) {
        // `--VpnGatewayId` as in `aliyun`/`tccli` lines.
        arg = arg.alias(p.name);
    }
    arg = match p.kind {
        ParamKind::String => arg.value_name(value_name(p)),
        ParamKind::Integer => arg.value_name("N").value_parser(clap::value_parser!(i64)),
        ParamKind::Boolean => arg
            .value_name("BOOL")
            .value_parser(PossibleValuesParser::new(["true", "false"])),
    };
    if !c.allowed.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(c.allowed.iter().copied()));
    }
    arg
}

fn kebab_of_wire(op: &OperationMeta, wire: &str) -> String {
    op.param(wire).map(flag_name).unwrap_or_else(|| kebab(wire))
}

fn value_name(p: &ParamMeta) -> String {
    p.field.to_ascii_uppercase()
}

fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or(text).trim()
}

fn first_sentence(text: &str) -> String {
    let para = first_paragraph(text);
    match para.find(". ") {
        Some(i) => para[..=i].to_owned(),
        None => para.to_owned(),
    }
}

fn teardown_command() -> Command {
    Command::new("teardown")
        .about("Delete a VPN gateway with everything on it, waiting for each step")
        .long_about(
            "Delete a gateway's connections, wait for the gateway to settle, delete the gateway, and wait until it \
             is gone. Retries what the service documents as transient; stops with a clear message on what is not (a prepaid \
             gateway within its term, missing permission).",
        )
        .after_long_help(EXIT_CODES)
        .subcommand_required(true)
        .subcommand(
            Command::new("alibaba")
                .about("Tear down an Alibaba Cloud VPN gateway (standard or enhanced)")
                .arg(Arg::new("vpn-gateway-id").long("vpn-gateway-id").required(true).value_name("ID").help("The VPN gateway")),
        )
        .subcommand(
            Command::new("tencent")
                .about("Delete every VPN connection of a Tencent Cloud VPN gateway and wait for each task")
                .arg(Arg::new("vpc-id").long("vpc-id").required(true).value_name("ID").help("The VPC of the gateway"))
                .arg(Arg::new("vpn-gw-id").long("vpn-gw-id").required(true).value_name("ID").help("The VPN gateway")),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_names() {
        assert_eq!(kebab("DeleteVpnGateway"), "delete-vpn-gateway");
        assert_eq!(kebab("DeleteVpnConn"), "delete-vpn-conn");
        assert_eq!(kebab("DescribeVpcTaskResult"), "describe-vpc-task-result");
    }

    #[test]
    fn the_command_is_well_formed() {
        command().debug_assert();
    }
}
