//! Alibaba STS (2015-04-01): what each call answers.
//!
//! | Situation | AssumeRole | AssumeRoleWithOIDC |
//! |---|---|---|
//! | `RoleArn` not `acs:ram::<account id>:role/<name>` | `InvalidParameter.RoleArn` | same |
//! | session name with other characters than letters, digits, `.@-_` | `InvalidParameter.RoleSessionName` | same |
//! | no such role in that account | `EntityNotExist.Role` (404) | same |
//! | the caller's key is not trusted by the role | `NoPermission` (403) | |
//! | no such OIDC provider, or the role does not trust it | | `AuthenticationFail.NoPermission` (401) |
//! | token not a JWT / other issuer / other audience / expired | | `AuthenticationFail.OIDCToken.Invalid` / `.IssuerNotMatch` / `.AudienceNotMatch` / `.Expired` |
//! | `DurationSeconds` above the role's maximum session duration | `InvalidParameter.DurationSeconds` | same |
//! | `Policy` not a JSON object | `InvalidParameter.PolicyGrammar` | |
//!
//! `GetCallerIdentity` answers `Account` (`acs:ram::<id>:root`) for an account's key, `RAMUser`
//! (`acs:ram::<id>:user/<key id>`) for a sub-user's and `AssumedRoleUser`
//! (`acs:ram::<id>:assumed-role/<role>/<session>`) for issued credentials.

use super::oidc::{self, Refusal};
use super::trust::{self, Cloud, Role};
use super::{IssuedCredentials, Sts, iso_utc, session_name_ok};
use crate::behaviour::{Behaviour, Ctx};
use crate::credentials::{Key, Principal};
use crate::generated::alibaba_sts::AlibabaStsBehaviour;
use crate::model::World;
use crate::store::Effects;
use cloudvpn_types::alibaba_sts::{
    AssumeRoleError, AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithOidcError,
    AssumeRoleWithOidcRequest, AssumeRoleWithOidcResponse, GetCallerIdentityError,
    GetCallerIdentityRequest, GetCallerIdentityResponse, assume_role, assume_role_with_oidc,
};
use cloudvpn_types::{BuildError, ErrorInfo, OperationError};

/// The default `DurationSeconds` (3600).
const DEFAULT_DURATION_SECS: u64 = 3600;

/// One call: what the generated [`AlibabaStsBehaviour`] is implemented on.
pub(crate) struct Call<'a> {
    pub(crate) sts: &'a Sts,
    /// The key that signed the call; `None` for an unsigned operation.
    pub(crate) caller: Option<&'a Key>,
    pub(crate) ctx: &'a Ctx<'a>,
}

impl<'a> Behaviour<'a> for Call<'a> {
    fn new(_world: &'a mut World, _fx: &'a mut Effects, ctx: &'a Ctx<'a>) -> Self {
        // STS keeps no state in the world: its roles and issued keys are the emulator's own.
        Call {
            sts: ctx.sts,
            caller: ctx.caller,
            ctx,
        }
    }
}

/// The same error with the emulator's own message.
fn say<E: OperationError>(e: E, message: impl Into<String>) -> E {
    E::from_info(ErrorInfo {
        message: message.into(),
        ..e.info().clone()
    })
}

fn internal<E: OperationError>(e: BuildError) -> E {
    E::from_info(ErrorInfo {
        code: cloudvpn_types::alibaba_sts::codes::INTERNAL_ERROR.to_owned(),
        message: format!("(emulator) {e}"),
        http_status: Some(500),
        ..ErrorInfo::default()
    })
}

/// What is wrong with a role request, before each operation words it.
enum Refused {
    RoleArn,
    SessionName,
    NoRole(String),
    Duration(u32),
    Policy,
}

impl Call<'_> {
    /// The role `arn` names, its session name and duration checked.
    fn role(
        &self,
        arn: &str,
        session: &str,
        duration: Option<i64>,
        policy: Option<&str>,
    ) -> Result<Role, Refused> {
        let (account_id, name) = parse_role_arn(arn).ok_or(Refused::RoleArn)?;
        if !session_name_ok(session, "") {
            return Err(Refused::SessionName);
        }
        let account = trust::emulator_account(Cloud::Alibaba, account_id);
        let role = self
            .sts
            .trust()
            .role(Cloud::Alibaba, account, name)
            .ok_or_else(|| Refused::NoRole(arn.to_owned()))?;
        if duration.is_some_and(|d| d > i64::from(role.max_session_secs)) {
            return Err(Refused::Duration(role.max_session_secs));
        }
        if let Some(policy) = policy {
            let parsed: Option<serde_json::Value> = serde_json::from_str(policy).ok();
            if parsed.is_none_or(|v| v.get("Statement").is_none()) {
                return Err(Refused::Policy);
            }
        }
        Ok(role)
    }

    fn issue(&self, role: &Role, session: &str, duration: Option<i64>) -> IssuedCredentials {
        let lifetime = self.sts.lifetime_ms(duration, DEFAULT_DURATION_SECS);
        self.sts.issue(role, session, self.ctx.now_ms, lifetime)
    }
}

/// `acs:ram::<account id>:role/<name>` → (account id, name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, role) = rest.split_once(':')?;
    let name = role.strip_prefix("role/")?;
    let digits = !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit());
    (digits && !name.is_empty() && !name.contains('/')).then_some((account, name))
}

/// `acs:ram::<account id>:oidc-provider/<name>` → (account id, name).
fn parse_provider_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("acs:ram::")?;
    let (account, provider) = rest.split_once(':')?;
    let name = provider.strip_prefix("oidc-provider/")?;
    (!account.is_empty() && !name.is_empty()).then_some((account, name))
}

fn role_arn(role: &Role) -> String {
    format!(
        "acs:ram::{}:role/{}",
        trust::cloud_account_id(Cloud::Alibaba, &role.account),
        role.name
    )
}

macro_rules! refusal {
    ($E:ty, $refused:expr) => {
        match $refused {
            Refused::RoleArn => <$E>::invalid_parameter_role_arn(),
            Refused::SessionName => <$E>::invalid_parameter_role_session_name(),
            Refused::NoRole(arn) => say(
                <$E>::entity_not_exist_role(),
                format!("The role not exists: {arn}."),
            ),
            Refused::Duration(max) => say(
                <$E>::invalid_parameter_duration_seconds(),
                format!("The Min/Max value of DurationSeconds is 15min/{max}s."),
            ),
            Refused::Policy => {
                // Only AssumeRole takes a policy grammar error; the OIDC call words it as a parameter error.
                <$E>::from_info(ErrorInfo {
                    code: cloudvpn_types::alibaba_sts::codes::INVALID_PARAMETER_POLICY_GRAMMAR.to_owned(),
                    message: "The parameter Policy has not passed grammar check.".to_owned(),
                    http_status: Some(400),
                    ..ErrorInfo::default()
                })
            }
        }
    };
}

impl AlibabaStsBehaviour for Call<'_> {
    fn assume_role(&mut self, r: AssumeRoleRequest) -> Result<AssumeRoleResponse, AssumeRoleError> {
        type E = AssumeRoleError;
        let caller = self.caller.ok_or_else(E::no_permission)?;
        let role = self
            .role(
                &r.role_arn,
                &r.role_session_name,
                r.duration_seconds,
                r.policy.as_deref(),
            )
            .map_err(|refused| refusal!(E, refused))?;
        if !role.trusts_key(&caller.id, &caller.account) {
            return Err(say(
                E::no_permission(),
                "You are not authorized to do this action. You should be authorized by RAM.",
            ));
        }
        let creds = self.issue(&role, &r.role_session_name, r.duration_seconds);
        let arn = role_arn(&role);
        AssumeRoleResponse::builder()
            .request_id(self.ctx.request_id)
            .credentials(
                assume_role::Credentials::builder()
                    .access_key_id(creds.id)
                    .access_key_secret(creds.secret)
                    .security_token(creds.token)
                    .expiration(iso_utc(creds.expires_ms))
                    .build()
                    .map_err(internal)?,
            )
            .assumed_role_user(
                assume_role::AssumedRoleUser::builder()
                    .arn(format!("{arn}/{}", r.role_session_name))
                    .assumed_role_id(format!("{}:{}", role.role_id(), r.role_session_name))
                    .build()
                    .map_err(internal)?,
            )
            .build()
            .map_err(internal)
    }

    fn assume_role_with_oidc(
        &mut self,
        r: AssumeRoleWithOidcRequest,
    ) -> Result<AssumeRoleWithOidcResponse, AssumeRoleWithOidcError> {
        type E = AssumeRoleWithOidcError;
        let session = r
            .role_session_name
            .clone()
            .unwrap_or_else(|| format!("oidc-{}", self.ctx.now_ms / 1000));
        let role = self
            .role(
                &r.role_arn,
                &session,
                r.duration_seconds,
                r.policy.as_deref(),
            )
            .map_err(|refused| refusal!(E, refused))?;
        let no_provider = || {
            say(
                E::authentication_fail_no_permission(),
                "No such OIDC Provider registered.",
            )
        };
        let (provider_account_id, provider_name) =
            parse_provider_arn(&r.oidc_provider_arn).ok_or_else(no_provider)?;
        let provider = self
            .sts
            .trust()
            .provider(
                Cloud::Alibaba,
                trust::emulator_account(Cloud::Alibaba, provider_account_id),
                provider_name,
            )
            .ok_or_else(no_provider)?;
        if !role.trusts_provider(provider) {
            return Err(E::authentication_fail_no_permission());
        }
        let claims = oidc::read(&r.oidc_token).and_then(|claims| {
            let now = i64::try_from(self.ctx.now_ms / 1000).unwrap_or(i64::MAX);
            oidc::check(&claims, provider, now).map(|()| claims)
        });
        let claims = claims.map_err(|refusal| match refusal {
            Refusal::Malformed(why) => say(
                E::authentication_fail_oidc_token_invalid(),
                format!("The Jwt content is invalid that cannot be recognized: {why}."),
            ),
            Refusal::Expired => E::authentication_fail_oidc_token_expired(),
            Refusal::WrongIssuer => E::authentication_fail_oidc_token_issuer_not_match(),
            Refusal::WrongAudience => E::authentication_fail_oidc_token_audience_not_match(),
        })?;
        let creds = self.issue(&role, &session, r.duration_seconds);
        let arn = role_arn(&role);
        AssumeRoleWithOidcResponse::builder()
            .request_id(self.ctx.request_id)
            .oidc_token_info(
                assume_role_with_oidc::OidcTokenInfo::builder()
                    .subject(claims.sub.clone())
                    .issuer(claims.iss.clone())
                    .client_ids(claims.aud.all().join(","))
                    .expiration_time(iso_utc(oidc::claim_ms(claims.exp)))
                    .issuance_time(iso_utc(oidc::claim_ms(claims.iat)))
                    .verification_info("Success")
                    .build()
                    .map_err(internal)?,
            )
            .assumed_role_user(
                assume_role_with_oidc::AssumedRoleUser::builder()
                    .arn(format!("{arn}/{session}"))
                    .assumed_role_id(format!("{}:{session}", role.role_id()))
                    .build()
                    .map_err(internal)?,
            )
            .credentials(
                assume_role_with_oidc::Credentials::builder()
                    .access_key_id(creds.id)
                    .access_key_secret(creds.secret)
                    .security_token(creds.token)
                    .expiration(iso_utc(creds.expires_ms))
                    .build()
                    .map_err(internal)?,
            )
            .build()
            .map_err(internal)
    }

    fn get_caller_identity(
        &mut self,
        _r: GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityResponse, GetCallerIdentityError> {
        type E = GetCallerIdentityError;
        let caller = self.caller.ok_or_else(E::no_permission)?;
        let account_id = trust::cloud_account_id(Cloud::Alibaba, &caller.account).to_owned();
        let b = GetCallerIdentityResponse::builder()
            .request_id(self.ctx.request_id)
            .account_id(account_id.clone());
        let b = match (&caller.session, caller.principal) {
            (Some(s), _) => b
                .arn(format!(
                    "acs:ram::{}:assumed-role/{}/{}",
                    s.cloud_account_id, s.role_name, s.session_name
                ))
                .identity_type("AssumedRoleUser")
                .principal_id(format!("{}:{}", s.role_id, s.session_name))
                .role_id(s.role_id.clone()),
            (None, Principal::Account) => b
                .arn(format!("acs:ram::{account_id}:root"))
                .identity_type("Account")
                .principal_id(account_id.clone())
                .user_id(account_id),
            (None, Principal::SubUser) => {
                let user_id = user_id(&caller.id);
                b.arn(format!("acs:ram::{account_id}:user/{}", caller.id))
                    .identity_type("RAMUser")
                    .principal_id(user_id.clone())
                    .user_id(user_id)
            }
        };
        b.build().map_err(internal)
    }
}

/// A stable 16-digit user id for a sub-user's key.
fn user_id(key_id: &str) -> String {
    let hash = key_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("2{:015}", hash % 10_u64.pow(15))
}

#[cfg(test)]
#[path = "alibaba_tests.rs"]
mod tests;
