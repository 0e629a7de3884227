//! `cloudvpn`: every operation from the specs, waiting, teardown, the local emulator and a demo.

mod cli;
mod demo;
mod emulator;
mod failure;
mod invoke;
mod progress;
mod region;
mod teardown;

use failure::Failure;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = match cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            // --help and --version are not errors; clap picks the stream and the exit code (2 for usage).
            let _ = e.print();
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
    match runtime.block_on(run(&matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.exit_code()
        }
    }
}

async fn run(matches: &clap::ArgMatches) -> Result<(), Failure> {
    let settings = invoke::Settings::from_matches(matches);
    match matches.subcommand() {
        Some((provider @ ("alibaba" | "tencent"), sub)) => {
            let Some((name, op_matches)) = sub.subcommand() else {
                return Err(Failure::usage(format!(
                    "choose an operation: cloudvpn {provider} --help"
                )));
            };
            let op = cloudvpn_types::all_operations()
                .find(|m| m.api.provider.as_str() == provider && cli::kebab(m.action) == name)
                .ok_or_else(|| Failure::usage(format!("unknown operation {name}")))?;
            if let Some(value) = invoke::run(&settings, op, op_matches).await? {
                invoke::print(&value, settings.output);
            }
            Ok(())
        }
        Some(("teardown", sub)) => {
            let text =
                |m: &clap::ArgMatches, k: &str| m.get_one::<String>(k).cloned().unwrap_or_default();
            let value = match sub.subcommand() {
                Some(("alibaba", m)) => {
                    teardown::alibaba(&settings, &text(m, "vpn-gateway-id")).await?
                }
                Some(("tencent", m)) => {
                    teardown::tencent(&settings, &text(m, "vpc-id"), &text(m, "vpn-gw-id")).await?
                }
                _ => {
                    return Err(Failure::usage(
                        "choose a cloud: cloudvpn teardown alibaba|tencent",
                    ));
                }
            };
            invoke::print(&value, settings.output);
            Ok(())
        }
        Some(("demo", sub)) => demo::run(sub.get_flag("fast")).await,
        Some(("emulator", sub)) => emulator::run(sub).await,
        Some(("completions", sub)) => {
            let shell = match sub.get_one::<String>("shell").map(String::as_str) {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            clap_complete::generate(
                shell,
                &mut cli::command(),
                "cloudvpn",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Some((other, _)) => Err(Failure::usage(format!("`{other}` is not available yet"))),
        None => Err(Failure::usage("choose a command: cloudvpn --help")),
    }
}
