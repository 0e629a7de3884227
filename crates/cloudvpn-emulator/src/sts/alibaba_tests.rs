//! The Alibaba STS behaviour through its generated trait, with a fixed clock.

use super::*;
use crate::behaviour::Ctx;
use crate::credentials::{DEFAULT_ACCOUNT, Key};
use crate::sts::Sts;
use crate::sts::oidc::{Audience, Claims, unsigned_token};
use crate::sts::trust::{DEFAULT_ALIBABA_AUDIENCE, DEFAULT_OIDC_ISSUER, Trust};
use crate::timing::Transitions;
use std::time::Duration;

const NOW_MS: u64 = 1_800_000_000_000;
const DEFAULT_ROLE: &str = "acs:ram::1234567890123456:role/deployer";
const DEFAULT_PROVIDER: &str = "acs:ram::1234567890123456:oidc-provider/emulator";

fn ctx<'a>(sts: &'a Sts, caller: Option<&'a Key>) -> Ctx<'a> {
    Ctx {
        account: caller.map_or("", |k| k.account.as_str()),
        region: "",
        now_ms: NOW_MS,
        request_id: "REQ-1",
        transitions: Transitions::default(),
        caller,
        sts,
    }
}

fn call<R>(sts: &Sts, caller: Option<&Key>, f: impl FnOnce(&mut Call<'_>) -> R) -> R {
    let ctx = ctx(sts, caller);
    f(&mut Call {
        sts,
        caller,
        ctx: &ctx,
    })
}

fn token(aud: &str, exp_secs: i64) -> String {
    unsigned_token(&Claims {
        iss: DEFAULT_OIDC_ISSUER.into(),
        sub: "ci-job".into(),
        aud: Audience::One(aud.into()),
        iat: 1_799_999_000,
        exp: exp_secs,
    })
}

#[test]
fn the_default_key_assumes_any_role_of_the_default_account() {
    let sts = Sts::new(Trust::defaults(), None);
    let key = Key::new("emulator-ak", "emulator-secret");
    let out = call(&sts, Some(&key), |c| {
        c.assume_role(AssumeRoleRequest::new(DEFAULT_ROLE, "alice").duration_seconds(1800))
    })
    .unwrap();
    assert_eq!(out.request_id, "REQ-1");
    assert!(out.credentials.access_key_id.starts_with("STS."));
    // 1_800_000_000 + 1800 s, as the official library parses it (`%Y-%m-%dT%H:%M:%SZ`).
    assert_eq!(out.credentials.expiration, "2027-01-15T08:30:00Z");
    assert_eq!(out.assumed_role_user.arn, format!("{DEFAULT_ROLE}/alice"));
    assert!(out.assumed_role_user.assumed_role_id.ends_with(":alice"));
    let issued = sts
        .key(Cloud::Alibaba, &out.credentials.access_key_id)
        .unwrap();
    assert_eq!(issued.account, DEFAULT_ACCOUNT);
    assert_eq!(issued.expires_ms, Some(NOW_MS + 1_800_000));
    assert!(issued.accepts_token(Some(&out.credentials.security_token)));
}

#[test]
fn refusals_carry_the_documented_codes() {
    let sts = Sts::new(Trust::defaults(), None);
    let key = Key::new("emulator-ak", "emulator-secret");
    let stranger = Key::new("ak-other", "s").account("999");
    let code = |caller: &Key, r: AssumeRoleRequest| {
        call(&sts, Some(caller), |c| c.assume_role(r))
            .unwrap_err()
            .code()
            .to_owned()
    };
    assert_eq!(
        code(&key, AssumeRoleRequest::new("arn:x", "alice")),
        "InvalidParameter.RoleArn"
    );
    assert_eq!(
        code(&key, AssumeRoleRequest::new(DEFAULT_ROLE, "a b")),
        "InvalidParameter.RoleSessionName"
    );
    assert_eq!(
        code(&key, AssumeRoleRequest::new("acs:ram::42:role/x", "alice")),
        "EntityNotExist.Role"
    );
    assert_eq!(
        code(&stranger, AssumeRoleRequest::new(DEFAULT_ROLE, "alice")),
        "NoPermission"
    );
    assert_eq!(
        code(
            &key,
            AssumeRoleRequest::new(DEFAULT_ROLE, "alice").duration_seconds(7200)
        ),
        "InvalidParameter.DurationSeconds"
    );
    assert_eq!(
        code(
            &key,
            AssumeRoleRequest::new(DEFAULT_ROLE, "alice").policy("not json")
        ),
        "InvalidParameter.PolicyGrammar"
    );
    assert!(
        call(&sts, None, |c| c
            .assume_role(AssumeRoleRequest::new(DEFAULT_ROLE, "alice")))
        .is_err()
    );
}

#[test]
fn a_cross_account_role_trusts_the_keys_it_names() {
    let text = r#"{"alibaba": [{"access_key_id": "ak-other", "access_key_secret": "s", "account": "222"}],
                   "roles": [{"cloud": "alibaba", "account": "222", "name": "audit", "trusted_keys": ["emulator-ak"]}]}"#;
    let creds = crate::credentials::Credentials::from_json(text).unwrap();
    let sts = Sts::new(creds.trust().clone(), Some(Duration::from_secs(2)));
    let key = Key::new("emulator-ak", "emulator-secret");
    let out = call(&sts, Some(&key), |c| {
        c.assume_role(AssumeRoleRequest::new("acs:ram::222:role/audit", "x1"))
    })
    .unwrap();
    let issued = sts
        .key(Cloud::Alibaba, &out.credentials.access_key_id)
        .unwrap();
    assert_eq!(issued.account, "222");
    assert_eq!(
        issued.expires_ms,
        Some(NOW_MS + 2_000),
        "--sts-duration wins"
    );
    let own = creds.alibaba("ak-other").unwrap().clone();
    let err = call(&sts, Some(&own), |c| {
        c.assume_role(AssumeRoleRequest::new("acs:ram::222:role/audit", "x1"))
    })
    .unwrap_err();
    assert_eq!(
        err.code(),
        "NoPermission",
        "the role names only emulator-ak"
    );
}

#[test]
fn oidc_tokens_of_the_default_provider_are_accepted_and_their_claims_checked() {
    let sts = Sts::new(Trust::defaults(), None);
    let ok = call(&sts, None, |c| {
        c.assume_role_with_oidc(AssumeRoleWithOidcRequest::new(
            DEFAULT_PROVIDER,
            DEFAULT_ROLE,
            token(DEFAULT_ALIBABA_AUDIENCE, 1_800_000_600),
        ))
    })
    .unwrap();
    assert_eq!(ok.oidc_token_info.subject, "ci-job");
    assert_eq!(ok.oidc_token_info.client_ids, DEFAULT_ALIBABA_AUDIENCE);
    assert_eq!(
        ok.credentials.expiration, "2027-01-15T09:00:00Z",
        "default 3600 s"
    );
    let code = |provider: &str, token: String| {
        call(&sts, None, |c| {
            c.assume_role_with_oidc(AssumeRoleWithOidcRequest::new(
                provider,
                DEFAULT_ROLE,
                token,
            ))
        })
        .unwrap_err()
        .code()
        .to_owned()
    };
    assert_eq!(
        code(
            DEFAULT_PROVIDER,
            token(DEFAULT_ALIBABA_AUDIENCE, 1_799_999_999)
        ),
        "AuthenticationFail.OIDCToken.Expired"
    );
    assert_eq!(
        code(DEFAULT_PROVIDER, token("other", 1_800_000_600)),
        "AuthenticationFail.OIDCToken.AudienceNotMatch"
    );
    assert_eq!(
        code(DEFAULT_PROVIDER, "a.b".into()),
        "AuthenticationFail.OIDCToken.Invalid"
    );
    assert_eq!(
        code(
            "acs:ram::1234567890123456:oidc-provider/nope",
            token(DEFAULT_ALIBABA_AUDIENCE, 1_800_000_600)
        ),
        "AuthenticationFail.NoPermission"
    );
    let mut other_issuer = oidc::read(&token(DEFAULT_ALIBABA_AUDIENCE, 1_800_000_600)).unwrap();
    other_issuer.iss = "https://elsewhere".into();
    assert_eq!(
        code(DEFAULT_PROVIDER, unsigned_token(&other_issuer)),
        "AuthenticationFail.OIDCToken.IssuerNotMatch"
    );
}

#[test]
fn get_caller_identity_tells_account_sub_user_and_role_session_apart() {
    let sts = Sts::new(Trust::defaults(), None);
    let root = Key::new("emulator-ak", "s");
    let me = call(&sts, Some(&root), |c| {
        c.get_caller_identity(GetCallerIdentityRequest::new())
    })
    .unwrap();
    assert_eq!(
        (me.identity_type.as_str(), me.arn.as_str()),
        ("Account", "acs:ram::1234567890123456:root")
    );
    let sub = Key::new("ak-sub", "s").sub_user();
    let me = call(&sts, Some(&sub), |c| {
        c.get_caller_identity(GetCallerIdentityRequest::new())
    })
    .unwrap();
    assert_eq!(me.identity_type, "RAMUser");
    assert_eq!(me.arn, "acs:ram::1234567890123456:user/ak-sub");
    let out = call(&sts, Some(&root), |c| {
        c.assume_role(AssumeRoleRequest::new(DEFAULT_ROLE, "bob"))
    })
    .unwrap();
    let session = sts
        .key(Cloud::Alibaba, &out.credentials.access_key_id)
        .unwrap();
    let me = call(&sts, Some(&session), |c| {
        c.get_caller_identity(GetCallerIdentityRequest::new())
    })
    .unwrap();
    assert_eq!(me.identity_type, "AssumedRoleUser");
    assert_eq!(
        me.arn,
        "acs:ram::1234567890123456:assumed-role/deployer/bob"
    );
    assert_eq!(
        me.role_id.as_deref(),
        Some(me.principal_id.split(':').next().unwrap())
    );
}
