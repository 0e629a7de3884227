//! `sensitive: true` marks a secret (the generated `Debug` redacts it): a boolean, with the source that
//! documents the value as a secret, on a scalar or a list of scalars.

use super::fixture::*;

/// The fixture with `ThingId` (a parameter) and `RequestId` (a response field) given `extra` keys.
fn marked(parameter: &str, field: &str) -> String {
    OP.replace(
        "    description: {en: The thing.}\n    source: doc\n",
        &format!("    description: {{en: The thing.}}\n    source: doc\n{parameter}"),
    )
    .replace(
        "    description: {en: The request ID.}\n    source: doc\n",
        &format!("    description: {{en: The request ID.}}\n    source: doc\n{field}"),
    )
}

const MARK: &str = "    sensitive: true\n    sensitive_source: doc\n";

#[test]
fn a_sourced_mark_on_a_parameter_and_a_response_field_loads() {
    let op = marked(MARK, MARK);
    let (_dir, result) = load(API, &op);
    let api = result.unwrap_or_else(|e| panic!("{e:#?}"));
    let spec = &api.operations[0].spec;
    let thing = spec.parameters.iter().find(|p| p.name == "ThingId");
    assert_eq!(
        thing.map(|p| (p.sensitive, p.sensitive_source.as_deref())),
        Some((true, Some("doc")))
    );
    assert!(spec.response[0].sensitive);
    let region = spec.parameters.iter().find(|p| p.name == "RegionId");
    assert_eq!(
        region.map(|p| p.sensitive),
        Some(false),
        "the default is not sensitive"
    );
}

#[test]
fn rejects_a_mark_that_is_not_a_boolean() {
    for (at, op) in [
        ("parameter", marked("    sensitive: yes please\n", "")),
        ("response field", marked("", "    sensitive: \"true\"\n")),
    ] {
        let (dir, result) = load(API, &op);
        let errors = result.expect_err(at);
        assert_rejected(
            dir.path(),
            &errors,
            "DeleteThing.yaml",
            line_of(&op, "sensitive:"),
            "invalid type",
        );
    }
}

#[test]
fn rejects_a_mark_without_a_known_source_and_a_source_without_a_mark() {
    for (op, at, needle) in [
        (
            marked("    sensitive: true\n", ""),
            "name: ThingId",
            "parameter `ThingId`: `sensitive: true` needs `sensitive_source:`",
        ),
        (
            marked("", "    sensitive: true\n    sensitive_source: nowhere\n"),
            "sensitive_source: nowhere",
            "field `RequestId`: unknown source `nowhere` in `sensitive_source`",
        ),
        (
            marked("    sensitive_source: doc\n", ""),
            "sensitive_source: doc",
            "`sensitive_source` is only for `sensitive: true`",
        ),
    ] {
        let (dir, result) = load(API, &op);
        let errors = result.expect_err(needle);
        assert_rejected(
            dir.path(),
            &errors,
            "DeleteThing.yaml",
            line_of(&op, at),
            needle,
        );
    }
}

#[test]
fn rejects_a_mark_on_an_object() {
    let op = OP.replace(
        "response:\n",
        "response:\n  - name: Keys\n    type: object\n    required: false\n    description: {en: Keys.}\n    source: doc\n    sensitive: true\n    sensitive_source: doc\n    fields:\n      - {name: Secret, type: string, required: true, description: {en: A secret.}, source: doc}\n",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("object");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "name: Keys"),
        "mark the secret members of the object instead",
    );
}
