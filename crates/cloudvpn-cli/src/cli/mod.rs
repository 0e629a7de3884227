//! The command line, built from the generated operation metadata: one subcommand per operation, one flag
//! per parameter (kebab-case of the wire name), with the spec's descriptions and constraints as help.

mod builtin;
mod common;
mod operation;

use clap::Command;
use cloudvpn_types::meta::{ApiMeta, OperationMeta, ParamMeta};

/// Exit codes, documented in `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  2  usage error: a flag is missing or invalid, or the request breaks a documented constraint (nothing was sent)
  3  the service answered with an error
  4  no usable answer: connection failed, or the response was not the protocol
  5  timed out (--timeout, or --wait's deadline)
  6  the asynchronous operation failed (seen while --wait-ing)
  7  sweep: some deletions failed, or a region could not be listed
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
        .args(common::common_args())
        .subcommands(cloudvpn_types::all_apis().iter().map(|api| api_command(api)))
        .subcommands(builtin::commands())
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

/// For an unknown subcommand of a group (`cloudvpn tencent delete-vpn-conn`): the same cloud's other API
/// that has it, as a line to print after clap's error (`DeleteVpnConn` moved with Tencent's retired v2 API to
/// `tencent-v2` when `tencent` became API 3.0). `args` are the arguments after the program name.
pub fn other_api_hint(args: &[String]) -> Option<String> {
    let (at, api) = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| api_for_group(a).map(|api| (i, api)))?;
    let name = args.get(at + 1)?;
    let other = cloudvpn_types::all_apis().iter().copied().find(|other| {
        other.module != api.module
            && other.provider == api.provider
            && operations(other).any(|op| kebab(op.action) == *name || op.action == name)
    })?;
    Some(format!(
        "`{name}` is an operation of {}: run `cloudvpn {} {name} …`",
        other.title,
        group_name(other)
    ))
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
        cmd = cmd.subcommand(operation::operation_command(op));
    }
    cmd
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
