//! A new API over a protocol the workspace already speaks is one spec folder: nothing hand-written lists
//! APIs.
//!
//! The test copies the workspace's sources into a scratch workspace, adds the fixture API of
//! `tests/fixtures/new-api/` to its `specs/`, runs the code generator on it, and shows that
//!
//! 1. the types appear (request, response, error, the `Api` impl, `all_apis()`, `visit_api()`), the runtime
//!    gets a fluent client for it, and the emulator a behaviour trait (one method per operation, no default
//!    bodies, so a behaviour missing an operation does not compile) and its dispatch;
//! 2. the emulator does not compile until the API's behaviour exists (the generated server side requires,
//!    per API, the type implementing its trait in `behaviour::implemented`), and the error names it;
//! 3. with the behaviour (`tests/fixtures/new-api/behaviour.rs`) added — a new file and its name in the
//!    emulator's `behaviour.rs`, nothing else — the scratch emulator compiles, and
//!    the scratch command line has the API's group and subcommand with the
//!    spec's help and constraints, parses the flags with the generated `from_params` (the parser the
//!    emulator's pipeline runs too), and prints a request signed for the spec's endpoint;
//! 4. the fluent client (`cloudvpn::alibaba::FixtureClient`) compiles and sends, in an example;
//! 5. the scratch emulator serves the API over HTTP: its Alibaba RPC front end routes the fixture's version
//!    to the fixture's behaviour, so a signed call of the scratch command line gets the behaviour's answer
//!    and its documented error, while VPC's version still reaches VPC.
//!
//! The scratch workspace builds with this workspace's target directory, so only the workspace's own crates
//! are compiled again; it builds the command line as an example (the same `main`), so no binary of this
//! workspace in the target directory is replaced.

use cloudvpn_tests::workspace_root;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use xtask::{Mode, codegen};

/// The fixture API: its folder under `tests/fixtures/new-api/` and under `specs/`.
const FIXTURE: &str = "alibaba/fixture-2020-01-01";
/// Names the generator derives from the fixture's spec.
const MODULE: &str = "alibaba_fixture";
const GROUP: &str = "alibaba-fixture";
const OPERATION: &str = "describe-fixture-widget";
/// The version of the scratch copy's crates (see [`scratch_workspace`]).
const SCRATCH_VERSION: &str = "0.0.0-new-api-fixture";
/// The command line's `main`, built as an example of the scratch workspace.
const CLI_EXAMPLE: &str = "new_api_cli";
/// `tests/fixtures/new-api/fluent_client.rs`, built as an example of the scratch workspace's `cloudvpn`.
const CLIENT_EXAMPLE: &str = "new_api_client";

/// Folders never copied: build output, version control, Python environments and caches.
const SKIPPED: &[&str] = &["target", ".git", ".venv", "__pycache__", ".pytest_cache"];

/// Copies the workspace's sources to a fresh `to` (symbolic links and the folders in [`SKIPPED`] left out).
fn copy_sources(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let kind = entry.file_type()?;
        let target = to.join(&name);
        if kind.is_dir() && !SKIPPED.iter().any(|s| name == *s) {
            copy_sources(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The target directory this test was built in: its `tmp/` is `CARGO_TARGET_TMPDIR`.
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// A scratch copy of the workspace with the fixture API in its specs, at a fixed place in the target
/// directory (so that repeated runs reuse one set of build artefacts rather than adding one per run).
fn scratch_workspace() -> PathBuf {
    let root = workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("new-api-workspace");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).expect("remove the previous scratch workspace");
    }
    copy_sources(&root, &scratch).expect("copy the workspace");
    copy_sources(
        &root.join("tests/fixtures/new-api").join(FIXTURE),
        &scratch.join("specs").join(FIXTURE),
    )
    .expect("copy the fixture API");
    // Another version for the scratch copy's own crates: cargo names build artefacts after the package
    // (name, version, and the path relative to the workspace, which is the same here), so without it the
    // scratch build would overwrite this workspace's artefacts in the shared target directory, and this
    // workspace would then link the fixture API. Dependencies from the registry keep their names and are
    // reused.
    let manifest = scratch.join("Cargo.toml");
    let workspace = std::fs::read_to_string(&manifest).expect("read Cargo.toml");
    let package_version = format!("version = \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(workspace.contains(&package_version), "{workspace}");
    std::fs::write(
        &manifest,
        workspace.replacen(
            &package_version,
            &format!("version = \"{SCRATCH_VERSION}\""),
            1,
        ),
    )
    .expect("write Cargo.toml");
    // The command line's own `main`, unchanged, as an example: building it replaces no binary of this
    // workspace in the shared target directory.
    let examples = scratch.join("crates/cloudvpn-cli/examples");
    std::fs::create_dir_all(&examples).expect("examples folder");
    std::fs::copy(
        scratch.join("crates/cloudvpn-cli/src/main.rs"),
        examples.join(format!("{CLI_EXAMPLE}.rs")),
    )
    .expect("copy main.rs");
    let examples = scratch.join("crates/cloudvpn/examples");
    std::fs::create_dir_all(&examples).expect("examples folder");
    std::fs::copy(
        root.join("tests/fixtures/new-api/fluent_client.rs"),
        examples.join(format!("{CLIENT_EXAMPLE}.rs")),
    )
    .expect("copy the fluent client example");
    scratch
}

/// `cargo <args>` in the scratch workspace, offline, with this workspace's target directory. Not `--locked`:
/// the lock file takes the scratch crates' version; everything else in it stays as it is.
fn cargo(scratch: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // What cargo sets for this test process describes this package, not the user's setup; build scripts
    // watch some of it (`ring` reruns when `CARGO_PKG_NAME` or `CARGO_MANIFEST_DIR` changes), so passing it
    // on would rebuild shared dependencies here and again in the next ordinary build.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_for_this_test) {
            command.env_remove(name);
        }
    }
    // The subcommand, then cargo's own flags, then the rest (which may pass `-- …` to a tool).
    let (subcommand, rest) = args.split_first().expect("a cargo subcommand");
    command
        .arg(subcommand)
        .args(["--offline", "--color", "never"])
        .args(rest)
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", target_dir())
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs")
}

/// Variables cargo sets for a test process about the package under test (see the Cargo book's
/// "Environment variables Cargo sets for crates").
fn set_by_cargo_for_this_test(name: &str) -> bool {
    const PREFIXES: [&str; 3] = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_EXE_"];
    const NAMES: [&str; 6] = [
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p)) || NAMES.contains(&name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(scratch: &Path, path: &str) -> String {
    std::fs::read_to_string(scratch.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An example built in the scratch workspace.
fn example(name: &str) -> Command {
    Command::new(
        target_dir()
            .join("debug/examples")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX)),
    )
}

/// The scratch command line, with the emulator's published keys and nothing else from this machine.
fn cli(args: &[&str]) -> Output {
    cli_command(args)
        .stdin(Stdio::null())
        .output()
        .expect("the scratch command line runs")
}

fn cli_command(args: &[&str]) -> Command {
    let mut command = example(CLI_EXAMPLE);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env!("CARGO_TARGET_TMPDIR"))
        .env("COLUMNS", "100")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret");
    command
}

/// Step 3: the hand-written part, as a maintainer adds it: the behaviour (`tests/fixtures/new-api/behaviour.rs`)
/// as a module of the scratch emulator's `behaviour`, and its entry in `behaviour::implemented`. Nothing
/// else of the emulator is edited: its front end and pipeline serve the API as they are.
fn add_behaviour(scratch: &Path) {
    let src = scratch.join("crates/cloudvpn-emulator/src");
    std::fs::create_dir_all(src.join("behaviour")).expect("behaviour folder");
    std::fs::copy(
        workspace_root().join("tests/fixtures/new-api/behaviour.rs"),
        src.join("behaviour/fixture.rs"),
    )
    .expect("copy the fixture behaviour");
    let behaviour = std::fs::read_to_string(src.join("behaviour.rs")).expect("read behaviour.rs");
    let anchor = "pub(crate) mod implemented {";
    assert!(behaviour.contains(anchor), "{behaviour}");
    std::fs::write(
        src.join("behaviour.rs"),
        behaviour.replacen(
            anchor,
            &format!("mod fixture;\n\n{anchor}\n    pub(crate) type AlibabaFixture<'a> = super::fixture::FixtureWorld;"),
            1,
        ),
    )
    .expect("write behaviour.rs");
}

/// The scratch emulator (the scratch command line's `emulator`), stopped when dropped.
struct Served {
    child: Child,
    base_url: String,
}

impl Served {
    fn start() -> Served {
        let mut child = cli_command(&["emulator", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the scratch emulator starts");
        let mut banner = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        let read = BufReader::new(stdout).read_line(&mut banner);
        let base_url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .map(str::to_owned);
        let mut served = Served {
            child,
            base_url: String::new(),
        };
        match (read, base_url) {
            (Ok(_), Some(url)) => served.base_url = url,
            (read, _) => panic!("no address in the banner {banner:?} ({read:?})"),
        }
        served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Step 5: the scratch emulator answers the fixture API's calls with its behaviour.
fn served_over_http() {
    let served = Served::start();
    let call = |widget: &str| {
        cli(&[
            GROUP,
            OPERATION,
            "--endpoint",
            &served.base_url,
            "--region",
            "cn-hangzhou",
            "--widget-id",
            widget,
            "--output",
            "json",
        ])
    };
    let o = call("widget-blue");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let answer: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    assert_eq!(answer["WidgetId"], "widget-blue", "{answer}");
    assert_eq!(answer["Colour"], "blue", "{answer}");
    assert_eq!(answer["RequestId"], "fixture-request", "{answer}");

    // The behaviour's typed error, as the protocol answers it (the spec's code and status).
    let o = call("widget-red");
    assert!(!o.status.success(), "{}", text(&o.stdout));
    let said = text(&o.stderr);
    assert!(said.contains("InvalidWidgetId.NotFound"), "{said}");

    // The same front end still routes VPC's version to VPC's behaviour.
    let o = cli(&[
        "alibaba",
        "describe-vpn-gateways",
        "--endpoint",
        &served.base_url,
        "--region",
        "cn-hangzhou",
        "--output",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let answer: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    assert_eq!(answer["TotalCount"], 0, "{answer}");
}

/// Step 1: what the generator writes for the fixture API.
fn generated_parts_appear(scratch: &Path) {
    let report = codegen(scratch, Mode::Write).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.contains("updated"), "{report}");

    let types = "crates/cloudvpn-types/src/generated";
    let op = read(
        scratch,
        &format!("{types}/{MODULE}/describe_fixture_widget.rs"),
    );
    for item in [
        "pub struct DescribeFixtureWidgetRequest",
        "pub struct DescribeFixtureWidgetResponse",
        "pub enum DescribeFixtureWidgetError",
        "InvalidWidgetIdNotFound",
    ] {
        assert!(op.contains(item), "no {item} in\n{op}");
    }
    let api = read(scratch, &format!("{types}/{MODULE}/mod.rs"));
    assert!(api.contains("pub struct AlibabaFixture"), "{api}");
    assert!(api.contains("Api for AlibabaFixture"), "{api}");
    assert!(
        api.contains("DescribeFixtureWidget(DescribeFixtureWidgetRequest)"),
        "{api}"
    );
    let client_dir = "crates/cloudvpn/src/generated";
    let client = read(scratch, &format!("{client_dir}/{MODULE}.rs"));
    for item in [
        "pub struct FixtureClient",
        "pub fn describe_fixture_widget(&self) -> DescribeFixtureWidgetCall",
        "pub fn widget_id(mut self",
    ] {
        assert!(client.contains(item), "no {item} in\n{client}");
    }
    let clients = read(scratch, &format!("{client_dir}/mod.rs"));
    assert!(
        clients.contains(&format!("pub use super::{MODULE}::FixtureClient;")),
        "{clients}"
    );
    // The emulator's side: a behaviour trait with one method per operation and no default bodies, and
    // the dispatch that runs a parsed request on it.
    let emulator_dir = "crates/cloudvpn-emulator/src/generated";
    let server = read(scratch, &format!("{emulator_dir}/{MODULE}.rs"));
    for item in [
        "pub(crate) trait AlibabaFixtureBehaviour",
        "fn describe_fixture_widget(",
        "api::DescribeFixtureWidgetError>;",
        "Request::DescribeFixtureWidget(r) =>",
    ] {
        assert!(server.contains(item), "no {item} in\n{server}");
    }
    let servers = read(scratch, &format!("{emulator_dir}/mod.rs"));
    assert!(
        servers.contains(&format!("pub(crate) mod {MODULE};")),
        "{servers}"
    );
    let root = read(scratch, &format!("{types}/mod.rs"));
    assert!(root.contains(&format!("pub mod {MODULE};")), "{root}");
    assert!(
        root.contains(&format!("&{MODULE}::API,")),
        "all_apis() lists it:\n{root}"
    );
    assert!(
        root.contains(&format!("visit::<{MODULE}::AlibabaFixture>()")),
        "visit_api() reaches it:\n{root}"
    );
}

#[test]
fn a_new_api_is_a_spec_folder_and_its_behaviour() {
    let scratch = scratch_workspace();
    generated_parts_appear(&scratch);

    // Without its behaviour the emulator does not compile (a hard error, not a lint), and the error
    // says what to write: the type implementing the new API's trait, named in `behaviour::implemented`.
    let checked = cargo(&scratch, &["check", "-p", "cloudvpn-emulator", "--lib"]);
    let check = text(&checked.stderr);
    assert!(!checked.status.success(), "the emulator compiled:\n{check}");
    assert!(
        check.contains("AlibabaFixture") && check.contains("implemented"),
        "{check}"
    );
    add_behaviour(&scratch);

    let built = cargo(
        &scratch,
        &[
            "build",
            "-p",
            "cloudvpn-cli",
            "--example",
            CLI_EXAMPLE,
            "-p",
            "cloudvpn",
            "--example",
            CLIENT_EXAMPLE,
            "-p",
            "cloudvpn-emulator",
            "--lib",
        ],
    );
    assert!(built.status.success(), "{}", text(&built.stderr));

    // The fluent client, used as the SDK's own are (`cloudvpn::alibaba::FixtureClient`).
    let o = example(CLIENT_EXAMPLE)
        .output()
        .expect("the client example runs");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let said = text(&o.stdout);
    assert!(said.contains("widget wdg-1 is blue"), "{said}");
    assert!(
        said.contains("sent POST http://127.0.0.1:9/?RegionId=cn-hangzhou&WidgetId=wdg-1"),
        "{said}"
    );

    let o = cli(&["--help"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let help = text(&o.stdout);
    assert!(
        help.contains(&format!(
            "{GROUP}  Fixture API (a test fixture of cloudvpn, not a real service) operations"
        )),
        "{help}"
    );

    let o = cli(&[GROUP, OPERATION, "--help"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let help = text(&o.stdout);
    assert!(
        help.contains("Describes one widget of the fixture API."),
        "{help}"
    );
    assert!(help.contains("--widget-id <WIDGET_ID>"), "{help}");
    assert!(help.contains("[at most 32 characters]"), "{help}");

    // The client is chosen by the API's protocol: a signed Alibaba RPC request to the spec's endpoint.
    let o = cli(&[
        GROUP,
        OPERATION,
        "--region",
        "cn-hangzhou",
        "--widget-id",
        "wdg-1",
        "--dry-run",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let request = text(&o.stdout);
    for line in [
        "POST https://fixture.cn-hangzhou.example.invalid/?RegionId=cn-hangzhou&WidgetId=wdg-1",
        "x-acs-action: DescribeFixtureWidget",
        "x-acs-version: 2020-01-01",
        "authorization: ACS3-HMAC-SHA256 Credential=emulator-ak,",
    ] {
        assert!(request.contains(line), "no {line:?} in\n{request}");
    }
    assert!(!request.contains("emulator-secret"), "{request}");

    // A documented constraint is checked before anything is sent, and names the flag.
    let o = cli(&[
        GROUP,
        OPERATION,
        "--region",
        "cn-hangzhou",
        "--widget-id",
        &"w".repeat(33),
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("--widget-id"),
        "{}",
        text(&o.stderr)
    );

    served_over_http();
}
