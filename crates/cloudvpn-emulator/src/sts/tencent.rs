//! Tencent STS (2018-08-13): what each call answers.
//!
//! | Situation | AssumeRole | AssumeRoleWithWebIdentity |
//! |---|---|---|
//! | `RoleArn` not `qcs::cam::uin/<uin>:roleName/<name>`, or a session name with other characters than letters, digits and `=,.@_-+` | `InvalidParameter.ParamError` | same |
//! | no such role in that account | `ResourceNotFound.RoleNotFound` | `InternalError.GetRoleError` |
//! | the caller's key is not trusted by the role | `UnauthorizedOperation` | |
//! | `DurationSeconds` above the role's maximum session duration | `InvalidParameter.OverTimeError` | same, as `InvalidParameter.ParamError` |
//! | `Policy` not a JSON object | `InvalidParameter.StrategyFormatError` | |
//! | no such provider, or the role does not trust it | | `UnauthorizedOperation` |
//! | token not a JWT, of another issuer or audience, or expired | | `InvalidParameter.WebIdentityTokenError` (the message says which) |
//!
//! A role named by id (`…:role/<id>`) is not served: the emulator's roles are named. `GetCallerIdentity`
//! answers `RootAccount` for an account's key, `CAMUser` for a sub-user's and `AssumedRole`
//! (`qcs::sts:<uin>:assumed-role/<role id>/<session>`) for issued credentials.

use super::call::{Call, Refused, internal, say, stable_number};
use super::iso_utc;
use super::oidc::Refusal;
use super::trust::{self, Cloud};
use crate::credentials::Principal;
use crate::generated::tencent_sts::TencentStsBehaviour;
use cloudvpn_types::BuildError;
use cloudvpn_types::tencent_sts::{
    AssumeRoleError, AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithWebIdentityError,
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, GetCallerIdentityError,
    GetCallerIdentityRequest, GetCallerIdentityResponse, assume_role,
    assume_role_with_web_identity,
};

/// The default `DurationSeconds` (7200).
const DEFAULT_DURATION_SECS: u64 = 7200;
/// What a session name may hold besides letters, digits and `.@-_`.
const SESSION_PUNCTUATION: &str = "=,+";

/// An answer that could not be built, as API 3.0's `InternalError` (always HTTP 200).
fn failed<E: cloudvpn_types::OperationError>(e: BuildError) -> E {
    internal(e, cloudvpn_types::tencent_sts::codes::INTERNAL_ERROR, None)
}

/// `qcs::cam::uin/<uin>:roleName/<name>` → (uin, name).
fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("qcs::cam::uin/")?;
    let (uin, role) = rest.split_once(':')?;
    let name = role.strip_prefix("roleName/")?;
    let digits = !uin.is_empty() && uin.bytes().all(|b| b.is_ascii_digit());
    (digits && !name.is_empty() && !name.contains('/')).then_some((uin, name))
}

/// The role `arn` names, its session name and duration checked.
fn role(
    call: &Call<'_>,
    arn: &str,
    session: &str,
    duration: Option<i64>,
) -> Result<super::trust::Role, Refused> {
    call.role(
        Cloud::Tencent,
        parse_role_arn(arn),
        session,
        SESSION_PUNCTUATION,
        duration,
    )
}

fn refused_message(refused: &Refused, arn: &str) -> String {
    match refused {
        Refused::RoleArn => {
            format!("(emulator) RoleArn {arn:?} is not qcs::cam::uin/<uin>:roleName/<name>")
        }
        Refused::SessionName => {
            "(emulator) RoleSessionName takes letters, digits and =,.@_-+ only".to_owned()
        }
        Refused::NoRole => format!("(emulator) the role {arn} does not exist"),
        Refused::Duration(max) => {
            format!("(emulator) DurationSeconds is above the role's maximum of {max} seconds")
        }
    }
}

impl TencentStsBehaviour for Call<'_> {
    fn assume_role(&mut self, r: AssumeRoleRequest) -> Result<AssumeRoleResponse, AssumeRoleError> {
        type E = AssumeRoleError;
        self.caller.ok_or_else(E::unauthorized_operation)?;
        let role = role(self, &r.role_arn, &r.role_session_name, r.duration_seconds).map_err(
            |refused| {
                let message = refused_message(&refused, &r.role_arn);
                match refused {
                    Refused::RoleArn | Refused::SessionName => {
                        say(E::invalid_parameter_param_error(), message)
                    }
                    Refused::NoRole => say(E::resource_not_found_role_not_found(), message),
                    Refused::Duration(_) => say(E::invalid_parameter_over_time_error(), message),
                }
            },
        )?;
        if !self.caller_trusted(&role) {
            return Err(say(
                E::unauthorized_operation(),
                "(emulator) the role's trust policy does not name this key",
            ));
        }
        if let Some(policy) = &r.policy {
            if !policy_ok(policy) {
                return Err(E::invalid_parameter_strategy_format_error());
            }
        }
        let creds = self.issue(
            &role,
            &r.role_session_name,
            r.duration_seconds,
            DEFAULT_DURATION_SECS,
        );
        let expires_secs = i64::try_from(creds.expires_ms / 1000).unwrap_or(i64::MAX);
        AssumeRoleResponse::builder()
            .credentials(
                assume_role::Credentials::builder()
                    .tmp_secret_id(creds.id)
                    .tmp_secret_key(creds.secret)
                    .token(creds.token)
                    .build()
                    .map_err(failed)?,
            )
            .expired_time(expires_secs)
            .expiration(iso_utc(creds.expires_ms))
            .request_id(self.ctx.request_id)
            .build()
            .map_err(failed)
    }

    fn assume_role_with_web_identity(
        &mut self,
        r: AssumeRoleWithWebIdentityRequest,
    ) -> Result<AssumeRoleWithWebIdentityResponse, AssumeRoleWithWebIdentityError> {
        type E = AssumeRoleWithWebIdentityError;
        let role = role(self, &r.role_arn, &r.role_session_name, r.duration_seconds).map_err(
            |refused| {
                let message = refused_message(&refused, &r.role_arn);
                match refused {
                    Refused::NoRole => say(E::internal_error_get_role_error(), message),
                    _ => say(E::invalid_parameter_param_error(), message),
                }
            },
        )?;
        let provider = self
            .sts
            .trust()
            .tencent_provider(&r.provider_id)
            .filter(|p| role.trusts_provider(p))
            .ok_or_else(|| {
                say(
                    E::unauthorized_operation(),
                    format!(
                        "(emulator) the provider {:?} does not exist or the role does not trust it",
                        r.provider_id
                    ),
                )
            })?;
        self.verified_claims(&r.web_identity_token, provider)
            .map_err(|refusal| {
                let why = match refusal {
                    Refusal::Malformed(why) => why,
                    Refusal::Expired => "the token has expired",
                    Refusal::WrongIssuer => "the token's issuer is not the provider's",
                    Refusal::WrongAudience => "the token's audience is not the provider's",
                };
                say(
                    E::invalid_parameter_web_identity_token_error(),
                    format!("(emulator) WebIdentityToken refused: {why}"),
                )
            })?;
        let creds = self.issue(
            &role,
            &r.role_session_name,
            r.duration_seconds,
            DEFAULT_DURATION_SECS,
        );
        AssumeRoleWithWebIdentityResponse::builder()
            .expired_time(i64::try_from(creds.expires_ms / 1000).unwrap_or(i64::MAX))
            .expiration(iso_utc(creds.expires_ms))
            .credentials(
                assume_role_with_web_identity::Credentials::builder()
                    .tmp_secret_id(creds.id)
                    .tmp_secret_key(creds.secret)
                    .token(creds.token)
                    .build()
                    .map_err(failed)?,
            )
            .request_id(self.ctx.request_id)
            .build()
            .map_err(failed)
    }

    fn get_caller_identity(
        &mut self,
        _r: GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityResponse, GetCallerIdentityError> {
        type E = GetCallerIdentityError;
        let caller = self.caller.ok_or_else(E::auth_failure_access_key_illegal)?;
        let uin = trust::cloud_account_id(Cloud::Tencent, &caller.account).to_owned();
        let b = GetCallerIdentityResponse::builder()
            .account_id(uin.clone())
            .request_id(self.ctx.request_id);
        let b = match (&caller.session, caller.principal) {
            (Some(s), _) => b
                .arn(format!(
                    "qcs::sts:{}:assumed-role/{}/{}",
                    s.cloud_account_id, s.role_id, s.session_name
                ))
                .user_id(format!("{}:{}", s.role_id, s.session_name))
                .principal_id(uin)
                .identity_type("AssumedRole"),
            (None, Principal::Account) => b
                .arn(format!("qcs::cam::uin/{uin}:uin/{uin}"))
                .user_id(uin.clone())
                .principal_id(uin)
                .identity_type("RootAccount"),
            (None, Principal::SubUser) => {
                let sub = sub_uin(&caller.id);
                b.arn(format!("qcs::cam::uin/{uin}:uin/{sub}"))
                    .user_id(sub.clone())
                    .principal_id(sub)
                    .identity_type("CAMUser")
            }
        };
        b.build().map_err(failed)
    }
}

/// A session policy must at least be a JSON object with a `statement` (CAM's spelling) or `Statement`.
fn policy_ok(policy: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(policy)
        .ok()
        .is_some_and(|v| v.get("statement").is_some() || v.get("Statement").is_some())
}

/// A stable 12-digit uin for a sub-user's key.
fn sub_uin(key_id: &str) -> String {
    format!("1{:011}", stable_number(key_id, 11))
}

#[cfg(test)]
#[path = "tencent_tests.rs"]
mod tests;
