//! Error lists (an operation's `errors:` and `common_errors:`): codes once, statuses as the API reports
//! errors, a hint for users that says what to do and never where a fact was read.

use super::fixture::*;

#[test]
fn rejects_a_duplicate_error_code() {
    let op = format!(
        "{OP}  - code: Thing.NotFound\n    status: [400]\n    hint: Try again.\n    source: doc\n"
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("duplicate code");
    let second = op
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("code: Thing.NotFound"))
        .nth(1)
        .map(|(i, _)| i + 1);
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        second.expect("two"),
        "duplicate error code `Thing.NotFound`",
    );
}

#[test]
fn rejects_an_error_without_status_where_the_api_uses_statuses() {
    let op = OP.replace("    status: [404]\n", "");
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("no status");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "code: Thing.NotFound"),
        "has no `status`",
    );
}

#[test]
fn rejects_a_status_where_the_api_uses_an_envelope() {
    let api = API.replace("error_status: http", "error_status: envelope");
    let (dir, result) = load(&api, OP);
    let errors = result.expect_err("status in envelope API");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(OP, "code: Thing.NotFound"),
        "HTTP 200 envelope",
    );
}

#[test]
fn rejects_an_error_without_a_hint() {
    let op = OP.replace(
        "    hint: \"No such thing: check the ID and the region.\"\n",
        "",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("no hint");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "code: Thing.NotFound"),
        "missing field `hint`",
    );
}

#[test]
fn rejects_a_hint_that_cites_a_source_or_is_empty() {
    for (hint, needle) in [
        ("\"Check the ID (doc says so).\"", "names the source `doc`"),
        ("\" \"", "`hint` is empty"),
    ] {
        let op = OP.replace("\"No such thing: check the ID and the region.\"", hint);
        let (dir, result) = load(API, &op);
        let errors = result.expect_err("bad hint");
        assert_rejected(
            dir.path(),
            &errors,
            "DeleteThing.yaml",
            line_of(&op, "code: Thing.NotFound"),
            needle,
        );
    }
}
