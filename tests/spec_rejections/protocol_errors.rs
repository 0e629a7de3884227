//! `protocol_errors:` includes a protocol's errors file (`<provider>/_protocols/<protocol>-errors.yaml`): the
//! file loads as the API's first common errors, its folder is no API, and a bad include is reported with
//! the file and line it is in.

use super::fixture::*;
use cloudvpn_spec::SpecError;
use std::path::{Path, PathBuf};

const INCLUDE: &str = "protocol_errors: ../_protocols/alibaba-rpc-errors.yaml\n";

const SHARED: &str = r#"protocol: alibaba-rpc
title: Test protocol errors
sources:
  gateway: {title: Gateway errors, document: docs/gateway.txt}
errors:
  - code: Throttling
    status: [400]
    message: Request was denied due to request throttling.
    retryable: true
    throttling: true
    hint: Too many requests in a short time. Wait a moment and try again.
    source: gateway
"#;

/// `root/alibaba/vpc/` with `api` and the fixture operation, `root/alibaba/_protocols/` with `shared`.
fn tree(api: &str, shared: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let api_dir = root.path().join("alibaba/vpc");
    let shared_dir = root.path().join("alibaba/_protocols");
    for dir in [&api_dir, &shared_dir] {
        std::fs::create_dir_all(dir).expect("folder");
    }
    std::fs::write(api_dir.join("api.yaml"), api).expect("api");
    std::fs::write(api_dir.join("DeleteThing.yaml"), OP).expect("op");
    let shared_file = shared_dir.join("alibaba-rpc-errors.yaml");
    std::fs::write(&shared_file, shared).expect("protocol errors");
    (root, api_dir, shared_file)
}

fn errors_of(root: &Path) -> Vec<SpecError> {
    cloudvpn_spec::load(root).expect_err("rejected").0
}

/// Exactly one error, in `file` on `line`, containing `needle`.
fn assert_one(errors: &[SpecError], file: &Path, line: usize, needle: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!((e.file.as_path(), e.line), (file, line), "{e}");
    assert!(e.message.contains(needle), "expected {needle:?} in: {e}");
}

#[test]
fn an_included_file_is_the_apis_first_common_errors_and_its_folder_is_no_api() {
    let own = "common_errors:\n  - code: Own.Error\n    status: [400]\n    hint: Something of this API only. Check it.\n    source: doc\n";
    let api = format!("{API}{INCLUDE}{own}");
    let (root, _, shared_file) = tree(&api, SHARED);
    let set = cloudvpn_spec::load(root.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.apis.len(), 1, "`_protocols` is not an API folder");
    let api = &set.apis[0];
    let codes: Vec<&str> = api.common_errors().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["Throttling", "Own.Error"]);
    let shared = api.protocol_errors.as_ref().expect("included");
    assert_eq!(shared.path, shared_file, "named without `..`");
    assert_eq!(shared.module_name(), "alibaba_rpc");
}

#[test]
fn rejects_an_include_that_is_missing_or_outside_the_protocols_folder() {
    for (include, needle) in [
        ("../_protocols/alibaba-rcp-errors.yaml", "cannot be read"),
        (
            "../elsewhere/alibaba-rpc-errors.yaml",
            "in the provider's `_protocols` folder",
        ),
        (
            "../../_protocols/alibaba-rpc-errors.yaml",
            "in the provider's `_protocols` folder",
        ),
        ("../_protocols/alibaba-rpc.yaml", "`<protocol>-errors.yaml`"),
    ] {
        let api = format!("{API}protocol_errors: {include}\n");
        let (root, api_dir, _) = tree(&api, SHARED);
        let line = line_of(&api, "protocol_errors:");
        assert_one(
            &errors_of(root.path()),
            &api_dir.join("api.yaml"),
            line,
            needle,
        );
    }
}

#[test]
fn rejects_a_bad_key_or_an_unknown_source_in_the_included_file_at_its_own_line() {
    for (shared, at, needle) in [
        (
            SHARED.replace("    retryable: true", "    retriable: true"),
            "retriable",
            "unknown field `retriable`",
        ),
        (
            SHARED.replace("    source: gateway", "    source: nowhere"),
            "source: nowhere",
            "unknown source `nowhere`",
        ),
    ] {
        let (root, _, shared_file) = tree(&format!("{API}{INCLUDE}"), &shared);
        assert_one(
            &errors_of(root.path()),
            &shared_file,
            line_of(&shared, at),
            needle,
        );
    }
}

#[test]
fn rejects_the_errors_of_another_protocol_and_an_own_copy_of_a_shared_error() {
    let tencent = SHARED.replace("protocol: alibaba-rpc", "protocol: tencent-api3");
    let api = format!("{API}{INCLUDE}");
    let (root, api_dir, _) = tree(&api, &tencent);
    let line = line_of(&api, "protocol_errors:");
    assert_one(
        &errors_of(root.path()),
        &api_dir.join("api.yaml"),
        line,
        "this API speaks AlibabaRpc",
    );

    let copy = "common_errors:\n  - code: Throttling\n    status: [400]\n    hint: Too many requests. Wait and try again.\n    source: doc\n";
    let api = format!("{API}{INCLUDE}{copy}");
    let (root, api_dir, _) = tree(&api, SHARED);
    let line = line_of(&api, "code: Throttling");
    assert_one(
        &errors_of(root.path()),
        &api_dir.join("api.yaml"),
        line,
        "already one of the protocol's errors",
    );
}
