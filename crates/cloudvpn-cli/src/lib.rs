//! The `cloudvpn` command: every operation from the specs, waiting, teardown, the local emulator and a demo.
//!
//! A library so that tests can walk the same command tree the binary parses (`cli::command()`); the binary
//! is `main()` and nothing else.

pub mod cli;
mod demo;
mod emulator;
mod failure;
mod invoke;
mod journal;
mod output;
mod paginate;
mod progress;
mod region;
mod settings;
mod sweep;
mod teardown;

use failure::{Failure, Kind};
use journal::Journal;
use std::process::ExitCode;

/// Exit code after Ctrl-C, as shells report a process ended by SIGINT.
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// Parses the command line, runs the command and maps the outcome to the documented exit codes.
pub fn main() -> ExitCode {
    output::exit_quietly_on_closed_stdout();
    let matches = match cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            // --help and --version are not errors; clap picks the stream and the exit code (2 for usage).
            let _ = e.print();
            if e.kind() == clap::error::ErrorKind::InvalidSubcommand {
                let args: Vec<String> = std::env::args().skip(1).collect();
                if let Some(hint) = cli::other_api_hint(&args) {
                    eprintln!("\nhint: {hint}");
                }
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let journal = Journal::default();
    let outcome = runtime.block_on(async {
        let interrupt = interrupted(&matches);
        tokio::select! {
            outcome = run(&matches, &journal) => Some(outcome),
            _ = interrupt => None,
        }
    });
    match outcome {
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(f)) if f.kind == Kind::ClosedOutput => ExitCode::SUCCESS,
        Some(Err(f)) => {
            eprintln!("error: {}", f.message);
            f.exit_code()
        }
        None => {
            eprintln!("\ninterrupted: {}", journal.summary());
            ExitCode::from(EXIT_INTERRUPTED)
        }
    }
}

/// Resolves on Ctrl-C, except for `cloudvpn emulator`, which handles it itself (it saves its state first).
///
/// On Unix the handler is installed when this is called, not when the future is first polled, so that an
/// interrupt that comes at any moment after start finds it in place rather than killing the process.
fn interrupted(matches: &clap::ArgMatches) -> impl std::future::Future<Output = ()> + use<> {
    // `sweep` winds down on a first Ctrl-C (finishing what is in flight) and aborts on a second.
    let handles_its_own = matches!(matches.subcommand_name(), Some("emulator" | "sweep"));
    #[cfg(unix)]
    let signal = (!handles_its_own)
        .then(|| tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok())
        .flatten();
    async move {
        #[cfg(unix)]
        match signal {
            Some(mut s) => {
                s.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
        #[cfg(not(unix))]
        if handles_its_own || tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn run(matches: &clap::ArgMatches, journal: &Journal) -> Result<(), Failure> {
    let settings = settings::Settings::from_matches(matches)?;
    let many = |id: &str| -> Vec<String> {
        matches
            .get_many::<String>(id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    let (regions, profiles) = (many("region"), many("profile"));
    if matches.subcommand_name() != Some("sweep") {
        for (flag, values) in [("--region", &regions), ("--profile", &profiles)] {
            if values.len() > 1 {
                return Err(Failure::usage(format!(
                    "{flag} is given {} times; only `cloudvpn sweep` takes several (nothing was sent)",
                    values.len()
                )));
            }
        }
    }
    match matches.subcommand() {
        Some(("sweep", sub)) => sweep::run(&settings, sub, regions, profiles).await,
        Some(("teardown", sub)) => {
            let text =
                |m: &clap::ArgMatches, k: &str| m.get_one::<String>(k).cloned().unwrap_or_default();
            let value = match sub.subcommand() {
                Some(("alibaba", m)) => {
                    teardown::alibaba::run(&settings, journal, &text(m, "vpn-gateway-id")).await?
                }
                Some(("tencent", m)) => {
                    teardown::tencent::run(&settings, journal, &text(m, "vpn-gateway-id")).await?
                }
                Some(("tencent-v2", m)) => {
                    teardown::tencent_v2::run(
                        &settings,
                        journal,
                        &text(m, "vpc-id"),
                        &text(m, "vpn-gw-id"),
                    )
                    .await?
                }
                _ => {
                    return Err(Failure::usage(
                        "choose a cloud: cloudvpn teardown alibaba|tencent|tencent-v2",
                    ));
                }
            };
            output::print(&value, &settings.output)
        }
        Some(("demo", sub)) => {
            settings.refuse_dry_run("demo")?;
            demo::run(sub.get_flag("fast")).await
        }
        Some(("emulator", sub)) => {
            settings.refuse_dry_run("emulator")?;
            emulator::run(sub).await
        }
        Some(("completions", sub)) => {
            let shell = match sub.get_one::<String>("shell").map(String::as_str) {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                Some("powershell") => clap_complete::Shell::PowerShell,
                Some("elvish") => clap_complete::Shell::Elvish,
                _ => clap_complete::Shell::Bash,
            };
            // Generated into memory first: the generator panics on a write error, `emit` does not.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli::command(), "cloudvpn", &mut script);
            output::emit(&script)
        }
        Some((group, sub)) => {
            let Some(api) = cli::api_for_group(group) else {
                return Err(Failure::usage(format!("`{group}` is not available yet")));
            };
            let Some((name, op_matches)) = sub.subcommand() else {
                return Err(Failure::usage(format!(
                    "choose an operation: cloudvpn {group} --help"
                )));
            };
            let op = cli::operation(api, name)
                .ok_or_else(|| Failure::usage(format!("unknown operation {name}")))?;
            if let Some(value) = invoke::run(&settings, journal, op, op_matches).await? {
                output::print(&value, &settings.output)?;
            }
            Ok(())
        }
        None => Err(Failure::usage("choose a command: cloudvpn --help")),
    }
}
