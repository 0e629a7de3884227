//! `auth:` of an operation: `signed` by default, `anonymous` with the `auth_source` that documents it;
//! the loader refuses the other combinations with file and line, and the metadata carries the choice.

use cloudvpn_spec::{OperationAuth, load_api};

const API: &str = r#"provider: alibaba
service: sts
version: "2015-04-01"
protocol: alibaba-rpc
title: Test API
names:
  client: StsClient
  command: alibaba-sts
sources:
  doc: {title: Test document, document: docs/test.txt}
endpoint:
  scheme: https
  path: /
  default: sts.aliyuncs.com
  source: doc
signing:
  default: hmac-sha1-rpc
  supported: [hmac-sha1-rpc]
  timestamp_window_seconds: 900
  source: doc
error_status: http
"#;

fn op(auth_lines: &str) -> String {
    format!(
        "action: Exchange\nsummary: {{en: Exchanges a token.}}\nmethods: [GET]\nsource: doc\n{auth_lines}response:\n  - name: RequestId\n    type: string\n    required: true\n    description: {{en: The request ID.}}\n    source: doc\n"
    )
}

fn load(
    op: &str,
) -> (
    tempfile::TempDir,
    Result<cloudvpn_spec::Api, Vec<cloudvpn_spec::SpecError>>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("api.yaml"), API).expect("write api");
    std::fs::write(dir.path().join("Exchange.yaml"), op).expect("write op");
    let result = load_api(dir.path()).map_err(|e| e.0);
    (dir, result)
}

#[test]
fn signed_is_the_default_and_anonymous_needs_its_source() {
    let (_d, api) = load(&op(""));
    assert_eq!(api.unwrap().operations[0].spec.auth, OperationAuth::Signed);
    let (_d, api) = load(&op("auth: anonymous\nauth_source: doc\n"));
    assert_eq!(
        api.unwrap().operations[0].spec.auth,
        OperationAuth::Anonymous
    );
}

#[test]
fn anonymous_without_a_source_is_refused_at_its_line() {
    let text = op("auth: anonymous\n");
    let (dir, result) = load(&text);
    let errors = result.expect_err("no auth_source");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, dir.path().join("Exchange.yaml"));
    assert_eq!(errors[0].line, 5, "{}", errors[0]);
    assert!(errors[0].message.contains("auth_source"), "{}", errors[0]);
}

#[test]
fn a_source_without_anonymous_an_unknown_source_and_an_unknown_mode_are_refused() {
    let (_d, result) = load(&op("auth_source: doc\n"));
    let errors = result.expect_err("auth_source alone");
    assert_eq!(errors[0].line, 5, "{}", errors[0]);
    assert!(
        errors[0].message.contains("only for `auth: anonymous`"),
        "{}",
        errors[0]
    );

    let (_d, result) = load(&op("auth: anonymous\nauth_source: nowhere\n"));
    let errors = result.expect_err("unknown source");
    assert!(
        errors[0].message.contains("unknown source `nowhere`"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0].line, 6, "{}", errors[0]);

    let (_d, result) = load(&op("auth: bearer\n"));
    let errors = result.expect_err("unknown mode");
    assert_eq!(errors[0].line, 5, "{}", errors[0]);
    assert!(errors[0].message.contains("bearer"), "{}", errors[0]);
}

#[test]
fn the_generated_metadata_carries_it() {
    use cloudvpn_types::meta::OperationAuth as Meta;
    use cloudvpn_types::{alibaba_sts, tencent_sts, tencent_vpc};
    assert_eq!(
        alibaba_sts::assume_role_with_oidc::META.auth,
        Meta::Anonymous
    );
    assert_eq!(alibaba_sts::assume_role::META.auth, Meta::Signed);
    assert_eq!(
        tencent_sts::assume_role_with_web_identity::META.auth,
        Meta::Anonymous
    );
    assert_eq!(tencent_vpc::delete_vpn_gateway::META.auth, Meta::Signed);
}
