//! `api.yaml` and sets of APIs: region lists, names unique across APIs, routes the emulator can tell apart.

use super::fixture::*;
use cloudvpn_spec::SpecError;

#[test]
fn rejects_an_empty_region_list() {
    let api = format!("{API}regions:\n  ids: []\n  source: doc\n");
    let (dir, result) = load(&api, OP);
    let errors = result.expect_err("empty regions");
    assert_rejected(
        dir.path(),
        &errors,
        "api.yaml",
        line_of(&api, "regions:"),
        "at least one region id",
    );
}

/// Two API folders under `root/<provider>/`, with the given `api.yaml` texts and one operation each.
fn load_two(first: &str, second: &str) -> (tempfile::TempDir, Vec<SpecError>) {
    let root = tempfile::tempdir().expect("temp dir");
    for (name, api) in [("a", first), ("b", second)] {
        let dir = root.path().join("alibaba").join(name);
        std::fs::create_dir_all(&dir).expect("api dir");
        std::fs::write(dir.join("api.yaml"), api).expect("api");
        std::fs::write(dir.join("DeleteThing.yaml"), OP).expect("op");
    }
    let errors = cloudvpn_spec::load(root.path())
        .expect_err("clashing names")
        .0;
    (root, errors)
}

#[test]
fn rejects_two_apis_with_one_command_group_or_one_client() {
    let second = API.replace("version: \"2016-04-28\"", "version: \"2020-01-01\"");
    let (root, errors) = load_two(API, &second);
    let b = root.path().join("alibaba/b/api.yaml");
    let command = errors
        .iter()
        .find(|e| {
            e.message
                .contains("names.command `alibaba` is already the command group")
        })
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(
        (command.file.as_path(), command.line),
        (b.as_path(), line_of(&second, "command:"))
    );
    let client = errors
        .iter()
        .find(|e| {
            e.message
                .contains("names.client `VpcClient` is already the client")
        })
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(
        (client.file.as_path(), client.line),
        (b.as_path(), line_of(&second, "client:"))
    );
}

#[test]
fn rejects_names_that_are_no_type_or_command_name() {
    let second = API
        .replace("version: \"2016-04-28\"", "version: \"2020-01-01\"")
        .replace("client: VpcClient", "client: vpc_client")
        .replace("command: alibaba", "command: Alibaba V2");
    let (_root, errors) = load_two(API, &second);
    for wanted in [
        "names.client `vpc_client` is not a Rust type name",
        "names.command `Alibaba V2` is not a command name",
    ] {
        assert!(
            errors.iter().any(|e| e.message.contains(wanted)),
            "no error with {wanted:?}: {errors:#?}"
        );
    }
}

#[test]
fn rejects_two_apis_the_emulator_could_not_route_apart() {
    // Another service, client and command group, but the same protocol, version and action: the
    // emulator's one front end for the protocol routes by version, then action, and could not choose.
    let second = API
        .replace("service: vpc", "service: other")
        .replace("client: VpcClient", "client: OtherClient")
        .replace("command: alibaba", "command: alibaba-other");
    let (root, errors) = load_two(API, &second);
    let b = root.path().join("alibaba/b/api.yaml");
    let clash = errors
        .iter()
        .find(|e| {
            e.message
                .contains("action `DeleteThing` of this API has the protocol and version")
        })
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(
        (clash.file.as_path(), clash.line),
        (b.as_path(), line_of(&second, "version:"))
    );
    assert!(clash.message.contains("alibaba/a"), "{clash}");
    assert_eq!(errors.len(), 1, "{errors:#?}");
}

#[test]
fn two_apis_of_one_protocol_with_their_own_versions_load() {
    let root = tempfile::tempdir().expect("temp dir");
    let second = API
        .replace("service: vpc", "service: other")
        .replace("version: \"2016-04-28\"", "version: \"2020-01-01\"")
        .replace("client: VpcClient", "client: OtherClient")
        .replace("command: alibaba", "command: alibaba-other");
    for (name, api) in [("a", API), ("b", second.as_str())] {
        let dir = root.path().join("alibaba").join(name);
        std::fs::create_dir_all(&dir).expect("api dir");
        std::fs::write(dir.join("api.yaml"), api).expect("api");
        std::fs::write(dir.join("DeleteThing.yaml"), OP).expect("op");
    }
    let set = cloudvpn_spec::load(root.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.apis.len(), 2);
}
