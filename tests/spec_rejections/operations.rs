//! An operation's recipes and limits: completion, idempotency token, file name, pagination, rate limit.

use super::fixture::*;

#[test]
fn rejects_a_completion_that_polls_an_unknown_operation() {
    let op = format!(
        "{OP}completion:\n  asynchronous: true\n  description: {{en: waits}}\n  hint: Waits.\n  source: doc\n  poll:\n    operation: DescribeThing\n    input: {{ThingId: request.ThingId}}\n    acceptors:\n      - {{state: success, error: not_found}}\n"
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("unknown poll");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "operation: DescribeThing"),
        "not an operation of this API",
    );
}

#[test]
fn rejects_a_completion_without_a_hint() {
    let op = format!(
        "{OP}completion:\n  asynchronous: true\n  description: {{en: waits}}\n  source: doc\n  poll:\n    operation: DeleteThing\n    input: {{RegionId: request.RegionId, ThingId: request.ThingId}}\n    acceptors:\n      - {{state: success, error: not_found}}\n"
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("completion without hint");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "  asynchronous: true"),
        "missing field `hint`",
    );
}

#[test]
fn rejects_an_idempotency_token_that_is_not_an_optional_string() {
    let op = OP.replace(
        "idempotency_token: ClientToken",
        "idempotency_token: ThingId",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("required token");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&op, "idempotency_token"),
        "optional string parameter",
    );
}

#[test]
fn a_file_named_for_another_action_is_rejected() {
    let op = OP.replace("action: DeleteThing", "action: RemoveThing");
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("file name");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        1,
        "RemoveThing.yaml",
    );
}

#[test]
fn rejects_pagination_that_names_no_integer_parameter_or_list() {
    let op = OP.replace(
        "idempotency_token: ClientToken\n",
        "idempotency_token: ClientToken\npagination:\n  style: page_number\n  page: ThingId\n  size: PageSize\n  items: RequestId\n  total: RequestId\n  source: doc\n",
    );
    let (dir, result) = load(API, &op);
    let errors = result.expect_err("bad pagination");
    assert_eq!(errors.len(), 4, "{errors:#?}");
    let page = errors
        .iter()
        .find(|e| {
            e.message
                .contains("pagination page `ThingId` must name an optional integer parameter")
        })
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(page.file, dir.path().join("DeleteThing.yaml"));
    assert_eq!(page.line, line_of(&op, "page: ThingId"), "{page}");
    for wanted in [
        "pagination size `PageSize`",
        "pagination items `RequestId` must be the path of a list",
        "pagination total `RequestId` must be an integer field",
    ] {
        assert!(
            errors.iter().any(|e| e.message.contains(wanted)),
            "no error with {wanted:?}: {errors:#?}"
        );
    }
}

#[test]
fn rejects_a_rate_limit_of_zero_or_with_an_unknown_source() {
    let zero = OP.replace(
        "source: doc\nidempotency_token",
        "source: doc\nrate_limit:\n  per_second: 0\n  source: doc\nidempotency_token",
    );
    let (dir, result) = load(API, &zero);
    let errors = result.expect_err("zero rate");
    assert_rejected(
        dir.path(),
        &errors,
        "DeleteThing.yaml",
        line_of(&zero, "per_second"),
        "at least 1 request per second",
    );

    let unsourced = OP.replace(
        "source: doc\nidempotency_token",
        "source: doc\nrate_limit:\n  per_second: 20\n  source: nowhere\nidempotency_token",
    );
    let (_dir, result) = load(API, &unsourced);
    let errors = result.expect_err("unknown source");
    assert!(
        errors.iter().any(|e| e.message.contains("nowhere")),
        "{errors:#?}"
    );

    let fine = OP.replace(
        "source: doc\nidempotency_token",
        "source: doc\nrate_limit:\n  per_second: 20\n  source: doc\nidempotency_token",
    );
    let (_dir, result) = load(API, &fine);
    let api = result.expect("a sourced positive limit is valid");
    assert_eq!(
        api.operations[0]
            .spec
            .rate_limit
            .as_ref()
            .map(|r| r.per_second),
        Some(20)
    );
}
