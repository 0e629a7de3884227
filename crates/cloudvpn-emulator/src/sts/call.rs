//! One STS call, as both clouds' behaviours see it, and what they check alike: the role an ARN names (with
//! its session name and duration), whether it trusts the caller's key, an OIDC token's claims, and the
//! keys issued. Each cloud keeps its own ARN syntax, error codes and wording ([`super::alibaba`],
//! [`super::tencent`]).

use super::oidc::{self, Claims, Refusal};
use super::trust::{self, Cloud, OidcProvider, Role};
use super::{IssuedCredentials, Sts, session_name_ok};
use crate::behaviour::{Behaviour, Ctx};
use crate::credentials::Key;
use crate::model::World;
use crate::store::Effects;
use cloudvpn_types::{BuildError, ErrorInfo, OperationError};

/// One call: what both generated STS behaviour traits are implemented on.
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

/// What is wrong with a role request, before each cloud words it.
pub(crate) enum Refused {
    RoleArn,
    SessionName,
    NoRole,
    /// Above the role's maximum session duration (seconds).
    Duration(u32),
}

impl Call<'_> {
    /// The role `arn` names — `(account id, name)` as the cloud's ARN syntax gave them, `None` when the
    /// ARN is not one — with the session name (letters, digits, `.@-_` and `session_punctuation`) and
    /// the duration checked.
    pub(crate) fn role(
        &self,
        cloud: Cloud,
        arn: Option<(&str, &str)>,
        session: &str,
        session_punctuation: &str,
        duration: Option<i64>,
    ) -> Result<Role, Refused> {
        let (account_id, name) = arn.ok_or(Refused::RoleArn)?;
        if !session_name_ok(session, session_punctuation) {
            return Err(Refused::SessionName);
        }
        let account = trust::emulator_account(cloud, account_id);
        let role = self
            .sts
            .trust()
            .role(cloud, account, name)
            .ok_or(Refused::NoRole)?;
        if duration.is_some_and(|d| d > i64::from(role.max_session_secs)) {
            return Err(Refused::Duration(role.max_session_secs));
        }
        Ok(role)
    }

    /// Whether the key that signed the call may assume `role` (`false` for an unsigned call).
    pub(crate) fn caller_trusted(&self, role: &Role) -> bool {
        self.caller
            .is_some_and(|caller| role.trusts_key(&caller.id, &caller.account))
    }

    /// The claims of the OIDC `token`, checked against `provider` (issuer, audience, expiry) now.
    pub(crate) fn verified_claims(
        &self,
        token: &str,
        provider: &OidcProvider,
    ) -> Result<Claims, Refusal> {
        let now = i64::try_from(self.ctx.now_ms / 1000).unwrap_or(i64::MAX);
        let claims = oidc::read(token)?;
        oidc::check(&claims, provider, now)?;
        Ok(claims)
    }

    /// Keys for a session of `role`, lasting `duration` seconds (else `default_secs`, unless
    /// `--sts-duration` says otherwise).
    pub(crate) fn issue(
        &self,
        role: &Role,
        session: &str,
        duration: Option<i64>,
        default_secs: u64,
    ) -> IssuedCredentials {
        let lifetime = self.sts.lifetime_ms(duration, default_secs);
        self.sts.issue(role, session, self.ctx.now_ms, lifetime)
    }
}

/// The same error with the emulator's own message.
pub(crate) fn say<E: OperationError>(e: E, message: impl Into<String>) -> E {
    E::from_info(ErrorInfo {
        message: message.into(),
        ..e.info().clone()
    })
}

/// An answer the emulator failed to build, as the API's `InternalError` `code` (with `http_status` where
/// the protocol carries one).
pub(crate) fn internal<E: OperationError>(
    e: BuildError,
    code: &str,
    http_status: Option<u16>,
) -> E {
    E::from_info(ErrorInfo {
        code: code.to_owned(),
        message: format!("(emulator) {e}"),
        http_status,
        ..ErrorInfo::default()
    })
}

/// A stable number below `10^digits` for a sub-user's key id (FNV-1a), for the user ids and uins that
/// `GetCallerIdentity` answers.
pub(crate) fn stable_number(key_id: &str, digits: u32) -> u64 {
    let hash = key_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % 10_u64.pow(digits)
}
