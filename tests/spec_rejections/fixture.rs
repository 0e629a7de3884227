//! The fixture every rejection test edits: one valid API with one operation, and the assertions on what
//! the loader answers.

use cloudvpn_spec::{SpecError, load_api};
use std::path::Path;

pub(crate) const API: &str = r#"provider: alibaba
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

pub(crate) const OP: &str = r#"action: DeleteThing
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
pub(crate) fn load(
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
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture"))
}

/// Asserts exactly one error, in `file`, on `line`, whose message contains `needle`.
pub(crate) fn assert_rejected(
    dir: &Path,
    errors: &[SpecError],
    file: &str,
    line: usize,
    needle: &str,
) {
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
