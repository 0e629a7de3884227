//! `code_desc:` is the `codeDesc` a Tencent v2 envelope carries with an error's integer code: a string, a
//! code rather than prose, and only beside the `envelope_code` it goes with.

use super::fixture::*;

/// The fixture whose one error (`Thing.NotFound`) is given `extra` keys.
fn with_error_keys(extra: &str) -> String {
    OP.replace(
        "    not_found: true\n",
        &format!("    not_found: true\n{extra}"),
    )
}

#[test]
fn a_code_desc_beside_its_integer_code_loads() {
    let op = with_error_keys("    envelope_code: 5000\n    code_desc: ResourceNotFound.Thing\n");
    let (_dir, result) = load(API, &op);
    let api = result.unwrap_or_else(|e| panic!("{e:#?}"));
    let error = &api.operations[0].spec.errors[0];
    assert_eq!(
        (error.envelope_code, error.code_desc.as_deref()),
        (Some(5000), Some("ResourceNotFound.Thing"))
    );
}

#[test]
fn rejects_a_code_desc_that_is_not_a_string() {
    for value in ["4100", "[AuthFailure]", "{name: AuthFailure}", "true"] {
        let op = with_error_keys(&format!(
            "    envelope_code: 4100\n    code_desc: {value}\n"
        ));
        let (dir, result) = load(API, &op);
        let errors = result.expect_err(value);
        assert_rejected(
            dir.path(),
            &errors,
            "DeleteThing.yaml",
            line_of(&op, "code_desc:"),
            "invalid type",
        );
    }
}

#[test]
fn rejects_a_code_desc_without_an_integer_code_or_that_is_not_a_code() {
    for (extra, needle) in [
        (
            "    code_desc: ResourceNotFound\n",
            "error `Thing.NotFound` has `code_desc` but no `envelope_code`",
        ),
        (
            "    envelope_code: 5000\n    code_desc: \"\"\n",
            "`code_desc: \"\"` is not a codeDesc",
        ),
        (
            "    envelope_code: 5000\n    code_desc: resource not found\n",
            "`code_desc: \"resource not found\"` is not a codeDesc",
        ),
    ] {
        let op = with_error_keys(extra);
        let (dir, result) = load(API, &op);
        let errors = result.expect_err(needle);
        assert_rejected(
            dir.path(),
            &errors,
            "DeleteThing.yaml",
            line_of(&op, "code: Thing.NotFound"),
            needle,
        );
    }
}
