//! One subcommand per operation and one flag per parameter, with the spec's descriptions and
//! constraints as help.

use super::{EXIT_CODES, flag_name, group_name, is_common, kebab};
use clap::Command;
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction};
use cloudvpn_types::meta::{OperationMeta, ParamKind, ParamMeta};

pub(super) fn operation_command(op: &'static OperationMeta) -> Command {
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
    // A parameter whose kebab name is a global credential flag (STS AssumeRole's RoleArn and
    // RoleSessionName against --role-arn, --role-session-name) is taken under its wire name only, as tccli
    // tells `--RoleArn` from its own `--role-arn`.
    if super::common::CREDENTIAL_FLAGS.contains(&flag_name(p).as_str()) {
        return value_kind(
            Arg::new(p.name)
                .long(p.name)
                .required(p.required)
                .help(help),
            p,
        );
    }
    let arg = Arg::new(p.name)
        .long(flag_name(p))
        .required(p.required)
        .help(help);
    let mut arg = arg;
    if p.name != flag_name(p) {
        // `--VpnGatewayId` as in `aliyun`/`tccli` lines.
        arg = arg.alias(p.name);
    }
    value_kind(arg, p)
}

/// The value a parameter's flag takes: its kind and allowed values.
fn value_kind(arg: Arg, p: &'static ParamMeta) -> Arg {
    let c = &p.constraints;
    let mut arg = match p.kind {
        ParamKind::String => arg.value_name(value_name(p)),
        ParamKind::Integer => arg.value_name("N").value_parser(clap::value_parser!(i64)),
        ParamKind::Boolean => arg
            .value_name("BOOL")
            .value_parser(PossibleValuesParser::new(["true", "false"])),
        // `--VpnGatewayIds a b` as tccli takes it, or one JSON array.
        ParamKind::List if p.items.is_some_and(|e| e.kind.is_scalar()) => arg
            .value_name("VALUE")
            .num_args(1..)
            .action(ArgAction::Append),
        // `--Filters '[{"Name": "vpc-id", "Values": ["vpc-1"]}]'`, as tccli takes it.
        ParamKind::List | ParamKind::Object => arg.value_name("JSON"),
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
