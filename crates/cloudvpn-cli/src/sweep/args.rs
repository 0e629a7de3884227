//! `cloudvpn sweep`'s own flags, and the options they and `--config FILE` describe together (a flag given
//! on the command line wins over the file; lists given on the command line replace the file's).

use super::config::ConfigFile;
use super::filter::{Filters, TagPair, parse_duration};
use crate::failure::Failure;
use clap::{Arg, ArgAction, ArgMatches, Command};
use cloudvpn_types::meta::Provider;
use std::path::PathBuf;
use std::time::Duration;

/// Gateways in flight at once unless `--concurrency` says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The exit code of a sweep in which some deletions failed (everything else was deleted or skipped).
pub const EXIT_SOME_FAILED: u8 = 7;

const SWEEP_EXIT_CODES: &str = "\
Exit codes:
  0  everything selected was deleted, or skipped with a reason (a plan: it was listed)
  2  usage error, or --apply without a terminal and without --yes (nothing was sent)
  7  some deletions failed, or a region could not be listed (the closing table and --report say which and why)
  130  interrupted (Ctrl-C): in-flight deletions were finished, the journal and the summary written
A --report FILE that cannot be written is an error of its own (4) only when the sweep itself succeeded;
after a failure (7) or an interrupt (130) the error is printed and that code stays.";

/// The `sweep` subcommand.
pub fn command() -> Command {
    let many = |id: &'static str, value: &'static str, help: &'static str| {
        Arg::new(id)
            .long(id)
            .value_name(value)
            .action(ArgAction::Append)
            .help(help)
    };
    Command::new("sweep")
        .about("Find VPN gateways by filter across clouds, regions and accounts, and delete them (a plan unless --apply)")
        .long_about(
            "List every VPN gateway the filters select, with its connections and what would happen to it: delete, \
             or skip with the reason (prepaid within its term, an SSL-VPN server or a CCN binding attached, an \
             excluded tag, a permission the key lacks). Without --apply only read-only calls are sent. With --apply \
             each gateway's connections are deleted one at a time, each awaited, then the gateway, awaited until \
             gone; rate-aware (a token bucket per cloud, account, region and action that halves on throttling) and \
             resumable (--journal). --region and --profile may be given several times for this command.",
        )
        .after_long_help(SWEEP_EXIT_CODES)
        .arg(
            Arg::new("cloud")
                .long("cloud")
                .value_name("CLOUD")
                .action(ArgAction::Append)
                .value_parser(["alibaba", "tencent"])
                .help("Sweep this cloud (several: each); default both"),
        )
        .arg(Arg::new("all-regions").long("all-regions").action(ArgAction::SetTrue).help("Ask each cloud for its regions (Alibaba DescribeRegions, Tencent's region API for vpc) and sweep them all, instead of --region"))
        .arg(many("name", "GLOB", "Select gateways whose name matches GLOB (*, ?, [..]); several: any of them"))
        .arg(many("id", "GLOB", "Select gateways whose ID matches GLOB; several: any of them"))
        .arg(many("tag", "KEY=VALUE", "Select gateways with this tag; several: any of them"))
        .arg(many("exclude-tag", "KEY=VALUE", "Skip (with the reason) gateways with this tag"))
        .arg(Arg::new("older-than").long("older-than").value_name("DURATION").help("Select gateways created longer ago than DURATION (30m, 12h, 7d, 1w)"))
        .arg(Arg::new("vpc-id").long("vpc-id").value_name("ID").help("Select gateways of this VPC"))
        .arg(Arg::new("apply").long("apply").action(ArgAction::SetTrue).help("Delete what the plan says (asks for confirmation on a terminal)"))
        .arg(Arg::new("yes").long("yes").action(ArgAction::SetTrue).requires("apply").help("With --apply: do not ask (needed without a terminal)"))
        .arg(Arg::new("concurrency").long("concurrency").value_name("N").value_parser(clap::value_parser!(u64).range(1..=256)).help("Gateways in flight at once (default 8)"))
        .arg(Arg::new("max-rps").long("max-rps").value_name("N").value_parser(clap::value_parser!(f64)).help("Requests per second per cloud, account, region and action, 0.5 to 10000 (default: the documented limit, else 20)"))
        .arg(Arg::new("journal").long("journal").value_name("FILE").help("Append every accepted deletion to FILE; a rerun with the same FILE resumes"))
        .arg(Arg::new("report").long("report").value_name("FILE").help("Write every resource's outcome, reason, request ids and duration to FILE (JSON)"))
        .arg(Arg::new("config").long("config").value_name("FILE").help("Read these settings from FILE (YAML); flags given here win"))
}

/// Everything a sweep needs to know, from the flags and the config file.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    pub clouds: Vec<Provider>,
    pub regions: Vec<String>,
    pub all_regions: bool,
    pub profiles: Vec<String>,
    pub filters: Filters,
    pub apply: bool,
    pub yes: bool,
    pub concurrency: usize,
    pub max_rps: Option<f64>,
    pub journal: Option<PathBuf>,
    pub report: Option<PathBuf>,
}

fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<String>(id)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

/// The flag's values when given, else the file's.
fn or_file(flag: Vec<String>, file: &Option<Vec<String>>) -> Vec<String> {
    if flag.is_empty() {
        file.clone().unwrap_or_default()
    } else {
        flag
    }
}

fn tags(values: &[String], flag: &str) -> Result<Vec<TagPair>, Failure> {
    values.iter().map(|v| TagPair::parse(v, flag)).collect()
}

fn cloud(name: &str) -> Result<Provider, Failure> {
    match name {
        "alibaba" => Ok(Provider::Alibaba),
        "tencent" => Ok(Provider::Tencent),
        other => Err(Failure::usage(format!(
            "cloud {other:?} is not one sweep knows: use alibaba or tencent"
        ))),
    }
}

impl SweepOptions {
    /// From the sweep's matches, the global `--region`/`--profile` values and the `--config` file.
    pub fn from_matches(
        m: &ArgMatches,
        regions: Vec<String>,
        profiles: Vec<String>,
    ) -> Result<Self, Failure> {
        let file = match m.get_one::<String>("config") {
            Some(path) => ConfigFile::read(std::path::Path::new(path))?,
            None => ConfigFile::default(),
        };
        let clouds: Vec<Provider> = match or_file(strings(m, "cloud"), &file.cloud) {
            c if c.is_empty() => vec![Provider::Alibaba, Provider::Tencent],
            c => {
                let mut out = Vec::new();
                for name in &c {
                    let p = cloud(name)?;
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
                out
            }
        };
        let older_than: Option<Duration> = match m
            .get_one::<String>("older-than")
            .cloned()
            .or(file.older_than.clone())
        {
            Some(text) => Some(parse_duration(&text)?),
            None => None,
        };
        let filters = Filters::new(
            &or_file(strings(m, "name"), &file.name),
            &or_file(strings(m, "id"), &file.id),
            tags(&or_file(strings(m, "tag"), &file.tag), "--tag")?,
            tags(
                &or_file(strings(m, "exclude-tag"), &file.exclude_tag),
                "--exclude-tag",
            )?,
            older_than,
            m.get_one::<String>("vpc-id")
                .cloned()
                .or(file.vpc_id.clone()),
        )?;
        let regions = or_file(regions, &file.region);
        let all_regions = m.get_flag("all-regions") || file.all_regions.unwrap_or(false);
        if all_regions && !regions.is_empty() {
            return Err(Failure::usage(
                "--all-regions and --region exclude each other: give one of them (nothing was sent)",
            ));
        }
        let concurrency = m
            .get_one::<u64>("concurrency")
            .copied()
            .or(file.concurrency)
            .unwrap_or(DEFAULT_CONCURRENCY as u64);
        if !(1..=256).contains(&concurrency) {
            return Err(Failure::usage(format!(
                "concurrency must be 1 to 256, got {concurrency}"
            )));
        }
        let max_rps = match m.get_one::<f64>("max-rps").copied() {
            Some(rps) => Some(checked_max_rps(rps, "--max-rps")?),
            None => file
                .max_rps
                .map(|rps| {
                    let config = m.get_one::<String>("config").map_or("", String::as_str);
                    checked_max_rps(rps, &format!("max-rps in --config {config}"))
                })
                .transpose()?,
        };
        let path = |id: &str, from_file: &Option<String>| {
            m.get_one::<String>(id)
                .cloned()
                .or(from_file.clone())
                .map(PathBuf::from)
        };
        Ok(SweepOptions {
            clouds,
            regions,
            all_regions,
            profiles: or_file(profiles, &file.profile),
            filters,
            apply: m.get_flag("apply") || file.apply.unwrap_or(false),
            // Only from the command line: the config file's `yes` is refused when it is read.
            yes: m.get_flag("yes"),
            concurrency: concurrency as usize,
            max_rps,
            journal: path("journal", &file.journal),
            report: path("report", &file.report),
        })
    }
}

/// `--max-rps` (or the config's) within the documented range: below it a token is minutes away, and far
/// below it the wait no longer fits a `Duration`.
fn checked_max_rps(rps: f64, source: &str) -> Result<f64, Failure> {
    use super::limiter::{MAX_RPS, MIN_RPS};
    if rps.is_finite() && (MIN_RPS..=MAX_RPS).contains(&rps) {
        Ok(rps)
    } else {
        Err(Failure::usage(format!(
            "{source} must be {MIN_RPS} to {MAX_RPS} requests per second, got {rps} (nothing was sent)"
        )))
    }
}
