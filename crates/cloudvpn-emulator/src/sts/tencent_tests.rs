//! The Tencent STS behaviour through its generated trait, with a fixed clock.

use super::*;
use crate::behaviour::Ctx;
use crate::credentials::{DEFAULT_ACCOUNT, Key};
use crate::sts::Sts;
use crate::sts::oidc::{Audience, Claims, unsigned_token};
use crate::sts::trust::{DEFAULT_OIDC_ISSUER, DEFAULT_TENCENT_AUDIENCE, Trust};
use crate::timing::Transitions;

const NOW_MS: u64 = 1_800_000_000_000;
const DEFAULT_ROLE: &str = "qcs::cam::uin/100000000001:roleName/deployer";

fn call<R>(sts: &Sts, caller: Option<&Key>, f: impl FnOnce(&mut Call<'_>) -> R) -> R {
    let ctx = Ctx {
        account: caller.map_or("", |k| k.account.as_str()),
        region: "ap-guangzhou",
        now_ms: NOW_MS,
        request_id: "REQ-2",
        transitions: Transitions::default(),
        caller,
        sts,
    };
    f(&mut Call {
        sts,
        caller,
        ctx: &ctx,
    })
}

fn token(aud: &str, exp_secs: i64) -> String {
    unsigned_token(&Claims {
        iss: DEFAULT_OIDC_ISSUER.into(),
        sub: "system:serviceaccount:ci:runner".into(),
        aud: Audience::One(aud.into()),
        iat: 1_799_999_000,
        exp: exp_secs,
    })
}

#[test]
fn assume_role_answers_expired_time_in_seconds_and_expiration_in_iso() {
    let sts = Sts::new(Trust::defaults(), None);
    let key = Key::new("emulator-sid", "emulator-skey");
    let out = call(&sts, Some(&key), |c| {
        c.assume_role(AssumeRoleRequest::new(DEFAULT_ROLE, "s-1"))
    })
    .unwrap();
    assert_eq!(out.expired_time, 1_800_007_200, "default 7200 s");
    assert_eq!(out.expiration, "2027-01-15T10:00:00Z");
    assert!(out.credentials.tmp_secret_id.starts_with("AKID"));
    let issued = sts
        .key(Cloud::Tencent, &out.credentials.tmp_secret_id)
        .unwrap();
    assert_eq!(issued.account, DEFAULT_ACCOUNT);
    assert!(issued.accepts_token(Some(&out.credentials.token)));
}

#[test]
fn refusals_carry_the_documented_codes() {
    let sts = Sts::new(Trust::defaults(), None);
    let key = Key::new("emulator-sid", "emulator-skey");
    let stranger = Key::new("sid-other", "k").account("300000000003");
    let code = |caller: &Key, r: AssumeRoleRequest| {
        call(&sts, Some(caller), |c| c.assume_role(r))
            .unwrap_err()
            .code()
            .to_owned()
    };
    assert_eq!(
        code(&key, AssumeRoleRequest::new("acs:ram::1:role/x", "s-1")),
        "InvalidParameter.ParamError"
    );
    assert_eq!(
        code(&key, AssumeRoleRequest::new(DEFAULT_ROLE, "a b")),
        "InvalidParameter.ParamError"
    );
    assert_eq!(
        code(
            &key,
            AssumeRoleRequest::new("qcs::cam::uin/42:roleName/x", "s-1")
        ),
        "ResourceNotFound.RoleNotFound"
    );
    assert_eq!(
        code(&stranger, AssumeRoleRequest::new(DEFAULT_ROLE, "s-1")),
        "UnauthorizedOperation"
    );
    assert_eq!(
        code(
            &key,
            AssumeRoleRequest::new(DEFAULT_ROLE, "s-1").policy("{}")
        ),
        "InvalidParameter.StrategyFormatError"
    );
}

#[test]
fn web_identity_tokens_of_the_default_provider_are_accepted_and_checked() {
    let sts = Sts::new(Trust::defaults(), None);
    let request = |provider: &str, token: String| {
        AssumeRoleWithWebIdentityRequest::new(provider, token, DEFAULT_ROLE, "tke-1")
    };
    let ok = call(&sts, None, |c| {
        c.assume_role_with_web_identity(request(
            "emulator",
            token(DEFAULT_TENCENT_AUDIENCE, 1_800_000_060),
        ))
    })
    .unwrap();
    assert_eq!(ok.expired_time, 1_800_007_200);
    let refused = |provider: &str, token: String| {
        call(&sts, None, |c| {
            c.assume_role_with_web_identity(request(provider, token))
        })
        .unwrap_err()
    };
    let expired = refused("emulator", token(DEFAULT_TENCENT_AUDIENCE, 1_799_999_000));
    assert_eq!(expired.code(), "InvalidParameter.WebIdentityTokenError");
    assert!(
        expired.message().contains("expired"),
        "{}",
        expired.message()
    );
    let audience = refused("emulator", token("elsewhere", 1_800_000_060));
    assert!(
        audience.message().contains("audience"),
        "{}",
        audience.message()
    );
    assert_eq!(
        refused("nope", token(DEFAULT_TENCENT_AUDIENCE, 1_800_000_060)).code(),
        "UnauthorizedOperation"
    );
}

#[test]
fn get_caller_identity_of_a_root_key_and_of_a_role_session() {
    let sts = Sts::new(Trust::defaults(), None);
    let root = Key::new("emulator-sid", "k");
    let me = call(&sts, Some(&root), |c| {
        c.get_caller_identity(GetCallerIdentityRequest::new())
    })
    .unwrap();
    assert_eq!(me.account_id, "100000000001");
    assert_eq!(me.identity_type, "RootAccount");
    let out = call(&sts, Some(&root), |c| {
        c.assume_role(AssumeRoleRequest::new(DEFAULT_ROLE, "s-2"))
    })
    .unwrap();
    let session = sts
        .key(Cloud::Tencent, &out.credentials.tmp_secret_id)
        .unwrap();
    let me = call(&sts, Some(&session), |c| {
        c.get_caller_identity(GetCallerIdentityRequest::new())
    })
    .unwrap();
    assert_eq!(me.identity_type, "AssumedRole");
    assert!(
        me.user_id.ends_with(":s-2") && me.arn.starts_with("qcs::sts:100000000001:assumed-role/")
    );
}
