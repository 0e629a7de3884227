//! The spec loader rejects bad specs with a clear message pointing at file, line and column.

use cloudvpn_spec::{SpecError, load_api};
use std::path::Path;

const API: &str = r#"provider: alibaba
service: vpc
version: "2016-04-28"
protocol: alibaba-rpc
title: Test API
names:
  client: VpcClient
  command: alibaba
sources:
  doc: {title: Test document, document: docs/test.txt}
endpoint:
  scheme: https
  path: /
  default: "vpc.{region}.aliyuncs.com"
  source: doc
signing:
  default: acs3-hmac-sha256
  supported: [acs3-hmac-sha256]
  timestamp_window_seconds: 900
  source: doc
error_status: http
"#;

const OP: &str = r#"action: DeleteThing
summary: {en: Deletes a thing.}
methods: [POST]
source: doc
idempotency_token: ClientToken
parameters:
  - name: RegionId
    type: string
    required: true
    region: true
    description: {en: The region.}
    source: doc
  - name: ThingId
    type: string
    required: true
    description: {en: The thing.}
    source: doc
  - name: ClientToken
    type: string
    required: false
    description: {en: The token.}
    source: doc
    constraints: {max_length: 64, ascii: true}
response:
  - name: RequestId
    type: string
    required: true
    description: {en: The request ID.}
    source: doc
errors:
  - code: Thing.NotFound
    status: [404]
    message: The thing does not exist.
    not_found: true
    hint: "No such thing: check the ID and the region."
    source: doc
"#;

/// Writes the API with one operation (and optionally a second file) and loads it.
fn load(
    api: &str,
    op: &str,
) -> (
    tempfile::TempDir,
    Result<cloudvpn_spec::Api, Vec<SpecError>>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("api.yaml"), api).expect("write api");
    std::fs::write(dir.path().join("DeleteThing.yaml"), op).expect("write op");
    let result = load_api(dir.path()).map_err(|e| e.0);
    (dir, result)
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture"))
}

/// Asserts exactly one error, in `file`, on `line`, whose message contains `needle`.
fn assert_rejected(dir: &Path, errors: &[SpecError], file: &str, line: usize, needle: &str) {
    assert_eq!(errors.len(), 1, "expected one error, got: {errors:#?}");
    let e = &errors[0];
    assert_eq!(e.file, dir.join(file), "{e}");
    assert_eq!(e.line, line, "wrong line: {e}");
    assert!(e.column >= 1, "{e}");
    assert!(e.message.contains(needle), "expected {needle:?} in: {e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "{}:{}:{}: ",
            dir.join(file).display(),
            e.line,
            e.column
        )),
        "Display must lead with file:line:column: {shown}"
    );
}

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
