//! `cloudvpn`: every operation from the specs, waiting, teardown, the local emulator and a demo.

fn main() -> std::process::ExitCode {
    cloudvpn_cli::main()
}
