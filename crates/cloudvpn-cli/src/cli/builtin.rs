//! The subcommands that are not operations of an API: `teardown`, `sweep`, `emulator`, `demo`, `completions`.

use super::EXIT_CODES;
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};

/// In the order `--help` lists them, after the API groups.
pub(super) fn commands() -> [Command; 5] {
    [
        teardown_command(),
        crate::sweep::args::command(),
        emulator_command(),
        demo_command(),
        completions_command(),
    ]
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
                .about("Tear down a Tencent Cloud VPN gateway over API 3.0: its connections, then the gateway")
                .arg(Arg::new("vpn-gateway-id").long("vpn-gateway-id").alias("VpnGatewayId").required(true).value_name("ID").help("The VPN gateway")),
        )
        .subcommand(
            Command::new("tencent-v2")
                .about("Delete every VPN connection of a Tencent Cloud VPN gateway over the legacy v2 API and wait for each task (v2 cannot delete the gateway itself)")
                .arg(Arg::new("vpc-id").long("vpc-id").required(true).value_name("ID").help("The VPC of the gateway"))
                .arg(Arg::new("vpn-gw-id").long("vpn-gw-id").required(true).value_name("ID").help("The VPN gateway")),
        )
}

/// `cloudvpn emulator`: its listen address, state, keys, control token, limits and TLS.
fn emulator_command() -> Command {
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
            Arg::new("sts-duration")
                .long("sts-duration")
                .value_name("DURATION")
                .help("How long every temporary key the emulator's STS and metadata services issue lasts (30s, 500ms, 15m, 1h); default: what the call asks, else the API's default"),
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
        )
}

/// `cloudvpn demo`.
fn demo_command() -> Command {
    Command::new("demo")
        .about(
            "Start the emulator in-process and walk through the documented deletions of every API",
        )
        .arg(
            Arg::new("fast")
                .long("fast")
                .action(ArgAction::SetTrue)
                .help("Make the emulator's asynchronous transitions near-instant"),
        )
}

/// `cloudvpn completions SHELL`.
fn completions_command() -> Command {
    Command::new("completions")
        .about("Print a shell completion script")
        .arg(
            Arg::new("shell")
                .required(true)
                .value_parser(PossibleValuesParser::new([
                    "bash",
                    "zsh",
                    "fish",
                    "powershell",
                    "elvish",
                ])),
        )
}
