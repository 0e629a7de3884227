//! The loader's checks of list and object parameters and of completion fallbacks: each bad spec is refused
//! with its file, line and a message that says what would be right.

use cloudvpn_spec::{SpecError, load_api};

const API: &str = r#"provider: tencent
service: vpc
version: "2017-03-12"
protocol: tencent-api3
title: Test API
names:
  client: VpcClient
  command: tencent
sources:
  doc: {title: Test document, document: docs/test.txt}
endpoint:
  scheme: https
  path: /
  default: vpc.tencentcloudapi.com
  source: doc
signing:
  default: tc3-hmac-sha256
  supported: [tc3-hmac-sha256, tencent-api3-hmac-sha256, tencent-api3-hmac-sha1]
  timestamp_window_seconds: 300
  source: doc
error_status: envelope
"#;

const LIST: &str = r#"action: ListThings
summary: {en: Lists things.}
methods: [POST]
source: doc
read_only: true
parameters:
  - name: ThingIds
    type: list
    required: false
    description: {en: The things.}
    source: doc
    constraints: {max_items: 100}
    items:
      type: string
      constraints: {max_length: 32}
  - name: Filters
    type: list
    required: false
    description: {en: The filters.}
    source: doc
    items:
      type: object
      rust_type: FilterObject
      fields:
        - name: Name
          type: string
          required: true
          description: {en: The name.}
          source: doc
        - name: Values
          type: list
          required: true
          description: {en: The values.}
          source: doc
          items: {type: string}
response:
  - {name: Things, type: list, required: false, description: {en: The things.}, source: doc, items: {type: string}}
  - {name: RequestId, type: string, required: true, description: {en: The request ID.}, source: doc}
errors:
  - {code: ResourceNotFound, not_found: true, hint: No such thing., source: doc}
"#;

const DELETE: &str = r#"action: DeleteThing
summary: {en: Deletes a thing.}
methods: [POST]
source: doc
parameters:
  - {name: ThingId, type: string, required: true, description: {en: The thing.}, source: doc}
response:
  - {name: RequestId, type: string, required: true, description: {en: The request ID.}, source: doc}
completion:
  asynchronous: true
  description: {en: Gone when not listed.}
  hint: The thing is removed in the background.
  source: doc
  poll:
    operation: ListThings
    input: {ThingIds: request.ThingId}
    acceptors:
      - {state: success, empty: Things}
      - {state: retry, success: true}
"#;

fn load(
    list: &str,
    delete: &str,
) -> (
    tempfile::TempDir,
    Result<cloudvpn_spec::Api, Vec<SpecError>>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("api.yaml"), API).expect("api");
    std::fs::write(dir.path().join("ListThings.yaml"), list).expect("list");
    std::fs::write(dir.path().join("DeleteThing.yaml"), delete).expect("delete");
    let result = load_api(dir.path()).map_err(|e| e.0);
    (dir, result)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture"))
}

/// Exactly one error, in `file` at `line`, containing `needle`.
fn rejected(list: &str, delete: &str, file: &str, line: usize, needle: &str) {
    let (dir, result) = load(list, delete);
    let errors = result.expect_err("should be rejected");
    assert_eq!(errors.len(), 1, "expected one error, got: {errors:#?}");
    let e = &errors[0];
    assert_eq!(e.file, dir.path().join(file), "{e}");
    assert_eq!(e.line, line, "wrong line: {e}");
    assert!(e.message.contains(needle), "expected {needle:?} in: {e}");
}

#[test]
fn the_fixture_with_lists_objects_and_a_list_poll_input_is_valid() {
    let (_dir, result) = load(LIST, DELETE);
    let api = result.expect("valid fixture");
    let list = api.operation("ListThings").expect("ListThings");
    let filters = &list.spec.parameters[1];
    let element = filters.items.as_ref().expect("items");
    assert_eq!(element.rust_type.as_deref(), Some("FilterObject"));
    assert_eq!(element.fields[1].name, "Values");
}

#[test]
fn a_list_without_items_is_rejected() {
    let list = LIST.replace("          items: {type: string}\n", "");
    rejected(
        &list,
        DELETE,
        "ListThings.yaml",
        line_of(&list, "name: Values"),
        "give its element under `items:`",
    );
}

#[test]
fn a_list_of_lists_is_rejected() {
    let list = LIST.replace(
        "          items: {type: string}",
        "          items: {type: list}",
    );
    rejected(
        &list,
        DELETE,
        "ListThings.yaml",
        line_of(&list, "name: Values"),
        "a list of lists is not supported",
    );
}

#[test]
fn an_object_element_must_name_its_struct() {
    let list = LIST.replace("      rust_type: FilterObject\n", "");
    rejected(
        &list,
        DELETE,
        "ListThings.yaml",
        line_of(&list, "name: Filters"),
        "name its struct with `rust_type:`",
    );
}

#[test]
fn constraints_must_fit_the_list_or_its_elements() {
    let list = LIST.replace(
        "constraints: {max_items: 100}",
        "constraints: {max_length: 100}",
    );
    rejected(
        &list,
        DELETE,
        "ListThings.yaml",
        line_of(&list, "name: ThingIds"),
        "a list takes only `min_items` / `max_items`",
    );
    let list = LIST.replace(
        "constraints: {max_length: 32}",
        "constraints: {max_items: 3}",
    );
    rejected(
        &list,
        DELETE,
        "ListThings.yaml",
        line_of(&list, "name: ThingIds"),
        "min_items/max_items apply to lists",
    );
}

#[test]
fn members_of_an_object_are_checked_like_parameters() {
    let list = LIST.replace("        - name: Values\n", "        - name: Name\n");
    let (_dir, result) = load(&list, DELETE);
    let errors = result.expect_err("duplicate member");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("duplicate member `Name` of `Filters`")),
        "{errors:#?}"
    );
    let list = LIST.replace(
        "          description: {en: The name.}",
        "          region: true\n          description: {en: The name.}",
    );
    let (_dir, result) = load(&list, DELETE);
    let errors = result.expect_err("region member");
    assert!(
        errors.iter().any(|e| e
            .message
            .contains("only a top-level parameter can be the region")),
        "{errors:#?}"
    );
}

#[test]
fn a_wire_name_with_a_dot_is_rejected() {
    let list = LIST.replace("name: ThingIds", "name: Thing.Ids");
    let (_dir, result) = load(&list, DELETE);
    let errors = result.expect_err("dotted name");
    assert!(
        errors.iter().any(|e| e
            .message
            .contains("parameter `Thing.Ids`: a wire name is letters, digits and `_`")),
        "{errors:#?}"
    );
}

#[test]
fn an_empty_acceptor_must_name_a_list() {
    let delete = DELETE.replace("empty: Things", "empty: RequestId");
    rejected(
        LIST,
        &delete,
        "DeleteThing.yaml",
        line_of(&delete, "acceptors:"),
        "must name a list in the response of ListThings",
    );
}

#[test]
fn a_fallback_needs_an_acceptor_that_leads_to_it_and_the_other_way_round() {
    let with_fallback = format!(
        "{DELETE}  fallback:\n    operation: ListThings\n    input: {{ThingIds: request.ThingId}}\n    acceptors:\n      - {{state: success, error: not_found}}\n"
    );
    rejected(
        LIST,
        &with_fallback,
        "DeleteThing.yaml",
        line_of(&with_fallback, "fallback:"),
        "no acceptor of `poll` leads to it",
    );
    let dangling = DELETE.replace(
        "      - {state: retry, success: true}",
        "      - {state: fallback, error: not_found}",
    );
    rejected(
        LIST,
        &dangling,
        "DeleteThing.yaml",
        line_of(&dangling, "acceptors:"),
        "the completion has no `fallback:` recipe",
    );
}

#[test]
fn a_poll_input_must_be_of_the_element_type_of_a_list() {
    let list = LIST.replace(
        "    items:\n      type: string\n      constraints: {max_length: 32}",
        "    items:\n      type: integer",
    );
    rejected(
        &list,
        DELETE,
        "DeleteThing.yaml",
        line_of(DELETE, "ThingIds: request.ThingId"),
        "`request.ThingId` is String but ListThings.ThingIds is List",
    );
}
