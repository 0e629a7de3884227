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

use super::call::{Call, Refused, internal, say, stable_number};
use super::iso_utc;
use super::oidc::{self, Refusal};
use super::trust::{self, Cloud, Role};
use crate::credentials::Principal;
use crate::generated::alibaba_sts::AlibabaStsBehaviour;
use cloudvpn_types::alibaba_sts::{
    AssumeRoleError, AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithOidcError,
    AssumeRoleWithOidcRequest, AssumeRoleWithOidcResponse, GetCallerIdentityError,
    GetCallerIdentityRequest, GetCallerIdentityResponse, assume_role, assume_role_with_oidc,
};
use cloudvpn_types::{BuildError, ErrorInfo, OperationError};

/// The default `DurationSeconds` (3600).
const DEFAULT_DURATION_SECS: u64 = 3600;

/// An answer that could not be built, as RPC's `InternalError` (HTTP 500).
fn failed<E: OperationError>(e: BuildError) -> E {
    internal(
        e,
        cloudvpn_types::alibaba_sts::codes::INTERNAL_ERROR,
        Some(500),
    )
}

/// The role `arn` names, its session name, duration and session `policy` checked (in that order).
fn role(
    call: &Call<'_>,
    arn: &str,
    session: &str,
    duration: Option<i64>,
    policy: Option<&str>,
) -> Result<Role, Refusing> {
    let role = call
        .role(Cloud::Alibaba, parse_role_arn(arn), session, "", duration)
        .map_err(Refusing::Role)?;
    if let Some(policy) = policy {
        let parsed: Option<serde_json::Value> = serde_json::from_str(policy).ok();
        if parsed.is_none_or(|v| v.get("Statement").is_none()) {
            return Err(Refusing::Policy);
        }
    }
    Ok(role)
}

/// Why a role request is refused: the checks both clouds make, or Alibaba's policy grammar.
enum Refusing {
    Role(Refused),
    Policy,
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
    ($E:ty, $refused:expr, $arn:expr) => {
        match $refused {
            Refusing::Role(Refused::RoleArn) => <$E>::invalid_parameter_role_arn(),
            Refusing::Role(Refused::SessionName) => <$E>::invalid_parameter_role_session_name(),
            Refusing::Role(Refused::NoRole) => say(
                <$E>::entity_not_exist_role(),
                format!("The role not exists: {}.", $arn),
            ),
            Refusing::Role(Refused::Duration(max)) => say(
                <$E>::invalid_parameter_duration_seconds(),
                format!("The Min/Max value of DurationSeconds is 15min/{max}s."),
            ),
            Refusing::Policy => {
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
        self.caller.ok_or_else(E::no_permission)?;
        let role = role(
            self,
            &r.role_arn,
            &r.role_session_name,
            r.duration_seconds,
            r.policy.as_deref(),
        )
        .map_err(|refused| refusal!(E, refused, r.role_arn))?;
        if !self.caller_trusted(&role) {
            return Err(say(
                E::no_permission(),
                "You are not authorized to do this action. You should be authorized by RAM.",
            ));
        }
        let creds = self.issue(
            &role,
            &r.role_session_name,
            r.duration_seconds,
            DEFAULT_DURATION_SECS,
        );
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
                    .map_err(failed)?,
            )
            .assumed_role_user(
                assume_role::AssumedRoleUser::builder()
                    .arn(format!("{arn}/{}", r.role_session_name))
                    .assumed_role_id(format!("{}:{}", role.role_id(), r.role_session_name))
                    .build()
                    .map_err(failed)?,
            )
            .build()
            .map_err(failed)
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
        let role = role(
            self,
            &r.role_arn,
            &session,
            r.duration_seconds,
            r.policy.as_deref(),
        )
        .map_err(|refused| refusal!(E, refused, r.role_arn))?;
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
        let claims =
            self.verified_claims(&r.oidc_token, provider)
                .map_err(|refusal| match refusal {
                    Refusal::Malformed(why) => say(
                        E::authentication_fail_oidc_token_invalid(),
                        format!("The Jwt content is invalid that cannot be recognized: {why}."),
                    ),
                    Refusal::Expired => E::authentication_fail_oidc_token_expired(),
                    Refusal::WrongIssuer => E::authentication_fail_oidc_token_issuer_not_match(),
                    Refusal::WrongAudience => {
                        E::authentication_fail_oidc_token_audience_not_match()
                    }
                })?;
        let creds = self.issue(&role, &session, r.duration_seconds, DEFAULT_DURATION_SECS);
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
                    .map_err(failed)?,
            )
            .assumed_role_user(
                assume_role_with_oidc::AssumedRoleUser::builder()
                    .arn(format!("{arn}/{session}"))
                    .assumed_role_id(format!("{}:{session}", role.role_id()))
                    .build()
                    .map_err(failed)?,
            )
            .credentials(
                assume_role_with_oidc::Credentials::builder()
                    .access_key_id(creds.id)
                    .access_key_secret(creds.secret)
                    .security_token(creds.token)
                    .expiration(iso_utc(creds.expires_ms))
                    .build()
                    .map_err(failed)?,
            )
            .build()
            .map_err(failed)
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
        b.build().map_err(failed)
    }
}

/// A stable 16-digit user id for a sub-user's key.
fn user_id(key_id: &str) -> String {
    format!("2{:015}", stable_number(key_id, 15))
}

#[cfg(test)]
#[path = "alibaba_tests.rs"]
mod tests;
