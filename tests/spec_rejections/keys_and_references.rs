//! What a single file gets wrong in its keys, types and references: unknown or missing keys, bad types,
//! duplicate names, unknown sources; every file's problems reported in one run.

use super::fixture::*;
use cloudvpn_spec::load_api;

#[test]
fn the_fixture_itself_is_valid() {
    let (_dir, result) = load(API, OP);
    let api = result.expect("valid fixture");
    assert_eq!(api.operations.len(), 1);
    assert_eq!(api.operations[0].spec.parameters.len(), 3);
}

#[test]
fn rejects_an_unknown_key() {
    let op = OP.replace(
        "    required: true\n    description: {en: The thing.}",
        "    requird: true\n    description: {en: The thing.}",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("unknown key");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "requird"),
        "unknown field `requird`",
    );
}

#[test]
fn rejects_a_missing_required_key() {
    let op = OP.replace("methods: [POST]\n", "");
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("missing methods");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains("missing field `methods`"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0].file, dir.path().join("DeleteThing.yaml"));
}

#[test]
fn rejects_a_bad_type() {
    let op = OP.replace(
        "    required: true\n    description: {en: The thing.}",
        "    required: maybe\n    description: {en: The thing.}",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("bad bool");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "required: maybe"),
        "invalid type",
    );
}

#[test]
fn rejects_an_unknown_type_name() {
    let op = OP.replace(
        "  - name: ThingId\n    type: string",
        "  - name: ThingId\n    type: strng",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("unknown type");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "strng"),
        "unknown variant `strng`",
    );
}

#[test]
fn rejects_a_duplicate_parameter() {
    let op = OP.replace("  - name: ClientToken", "  - name: ThingId\n    type: string\n    required: false\n    description: {en: again}\n    source: doc\n  - name: ClientToken");
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("duplicate");
    let second = op
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("name: ThingId"))
        .nth(1)
        .map(|(i, _)| i + 1);
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        second.expect("two"),
        "duplicate parameter `ThingId`",
    );
}

#[test]
fn rejects_an_unknown_source() {
    let op = OP.replace(
        "    description: {en: The thing.}\n    source: doc",
        "    description: {en: The thing.}\n    source: doc-999",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("unknown source");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "doc-999"),
        "unknown source `doc-999`",
    );
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("api.yaml"), API).expect("api");
    std::fs::write(
        dir.path().join("DeleteThing.yaml"),
        OP.replace("type: string", "type: text"),
    )
    .expect("op");
    std::fs::write(dir.path().join("Other.yaml"), "action: [").expect("other");
    let errors = load_api(dir.path()).expect_err("two bad files").0;
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors.iter().any(|e| e.file.ends_with("DeleteThing.yaml")));
    assert!(errors.iter().any(|e| e.file.ends_with("Other.yaml")));
}
