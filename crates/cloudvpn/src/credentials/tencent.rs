//! Tencent Cloud credentials and their chain: explicit → environment → credentials file → tccli's files.

use super::env::{Environment, ProcessEnvironment};
use super::error::CredentialsError;
use super::files::{FileText, display_path, read_text};
use super::ini::{Ini, IniOptions, Section};
use super::metadata::failure;
use super::region::{ConfiguredRegion, RegionError};
use super::search::{
    Found, Outcome, ProfileName, Search, env_source, file_source, first_var, non_empty_var,
    required_value, value_problem,
};
use super::secret::Secret;
use super::tccli;
use super::tencent_roles;
use super::{
    CloudCredentials, ProvideCredentials, ProvideFuture, Resolved, explicit_outcome, sealed,
};
use cloudvpn_types::meta::Provider;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A SecretId / SecretKey pair, with a token when it is a temporary (STS) credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TencentCredentials {
    /// The SecretId (`AKID…`). Not secret; shown in `Debug`.
    pub secret_id: String,
    /// The SecretKey.
    pub secret_key: Secret,
    /// The temporary-credential token, sent as `Token` / `X-TC-Token`.
    pub token: Option<Secret>,
}

impl TencentCredentials {
    /// A long-term key pair. The key may be a `&str`, a `String` or a [`Secret`].
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        TencentCredentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
        }
    }

    /// The same credentials with a token.
    pub fn with_token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }
}

impl sealed::Sealed for TencentCredentials {
    fn provider() -> Provider {
        Provider::Tencent
    }

    fn problem(&self) -> Option<String> {
        value_problem("secret_id", &self.secret_id)
            .or_else(|| value_problem("secret_key", self.secret_key.expose()))
            .or_else(|| value_problem("token", self.token.as_ref()?.expose()))
    }
}

impl CloudCredentials for TencentCredentials {}

const ID_VAR: &str = "TENCENTCLOUD_SECRET_ID";
const KEY_VAR: &str = "TENCENTCLOUD_SECRET_KEY";
/// `TENCENTCLOUD_SECURITY_TOKEN` is what Terraform reads; the official SDKs read no token variable at all.
/// The other two are accepted as aliases because third-party tools use them (see the reference notes).
const TOKEN_VARS: [&str; 3] = [
    "TENCENTCLOUD_SECURITY_TOKEN",
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_SESSION_TOKEN",
];
const REGION_VAR: &str = "TENCENTCLOUD_REGION";
/// The profile name's variables, in order: Terraform's, then tccli's.
const PROFILE_VARS: [&str; 2] = ["TENCENTCLOUD_PROFILE", "TCCLI_PROFILE"];
const CREDENTIALS_FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";

/// The Tencent Cloud credentials chain: explicit → `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` (+
/// token) → `TENCENTCLOUD_CREDENTIALS_FILE` or `~/.tencentcloud/credentials` → tccli's
/// `~/.tccli/<profile>.credential` → the CVM role → TKE OIDC; then, when a role ARN is given (or
/// Terraform's `TENCENTCLOUD_ASSUME_ROLE_ARN`), STS `AssumeRole` with what the chain found.
///
/// One profile name serves both files: the explicit name, else `TENCENTCLOUD_PROFILE`, else `TCCLI_PROFILE`,
/// else `default`. The credentials file is INI: section = the profile name; keys `secret_id`, `secret_key`
/// and optional `token`; values trimmed. tccli's file is JSON (`secretId`, `secretKey`, optional `token`;
/// see `tccli configure`), with `role-arn` / `role-session-name` those keys assume the role; `"type":
/// "cvm-role"` uses the instance's CAM role. The CVM role step is taken when `TENCENTCLOUD_CAM_ROLE_NAME` or
/// `TENCENTCLOUD_METADATA_ENDPOINT` is set, and TKE OIDC when `TKE_PROVIDER_ID` or
/// `TKE_WEB_IDENTITY_TOKEN_FILE` is (all four `TKE_*` variables are then needed). The Python SDK's second
/// location, `/etc/tencentcloud/credentials`, is not read: a system-wide secret is better passed explicitly,
/// and reading outside the home directory would make the chain depend on more than its [`Environment`].
///
/// ```
/// use cloudvpn::credentials::{MapEnvironment, TencentChain};
///
/// let env = MapEnvironment::new()
///     .with_var("TENCENTCLOUD_SECRET_ID", "AKIDexample")
///     .with_var("TENCENTCLOUD_SECRET_KEY", "example-key")
///     .with_var("TENCENTCLOUD_REGION", "ap-guangzhou");
/// let resolved = TencentChain::new().resolve(&env).unwrap();
/// assert_eq!(resolved.region.as_deref(), Some("ap-guangzhou"));
/// ```
#[derive(Clone)]
pub struct TencentChain {
    explicit: Option<TencentCredentials>,
    profile: Option<String>,
    /// `--role-arn` and `--role-session-name`: the role the found credentials assume.
    assume_role: Option<(String, Option<String>)>,
    environment: Arc<dyn Environment>,
}

impl TencentChain {
    /// A chain over the process environment, with no explicit credentials and no profile name.
    pub fn new() -> Self {
        TencentChain {
            explicit: None,
            profile: None,
            assume_role: None,
            environment: Arc::new(ProcessEnvironment),
        }
    }

    /// Credentials that win over every other source.
    pub fn explicit(mut self, credentials: TencentCredentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// The section of the credentials file to read, instead of `TENCENTCLOUD_PROFILE` or `default`. An empty
    /// name counts as not given.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Assumes the CAM role `role_arn` (STS `AssumeRole`) with whatever credentials the chain finds, in a
    /// session named `session_name` (else `cloudvpn-<unix seconds>`): tccli's `--role-arn` and
    /// `--role-session-name`. Wins over `TENCENTCLOUD_ASSUME_ROLE_ARN`.
    pub fn assume_role(
        mut self,
        role_arn: impl Into<String>,
        session_name: Option<String>,
    ) -> Self {
        self.assume_role = Some((role_arn.into(), session_name));
        self
    }

    /// The environment [`ProvideCredentials::provide`] reads (the process environment by default).
    pub fn environment(mut self, environment: Arc<dyn Environment>) -> Self {
        self.environment = environment;
        self
    }

    /// Runs the chain against `env` (ignoring the environment set with [`environment`](Self::environment))
    /// for credentials found without a call: a source that gives temporary credentials through STS or a
    /// metadata service (a role profile, an instance role, OIDC) is an error here; [`ProvideCredentials::provide`]
    /// makes the call.
    pub fn resolve(
        &self,
        env: &dyn Environment,
    ) -> Result<Resolved<TencentCredentials>, CredentialsError> {
        self.find(env)?.into_static(Provider::Tencent)
    }

    /// Runs the chain against `env`: the credentials, or the provider of a role source; with
    /// [`assume_role`](Self::assume_role) or `TENCENTCLOUD_ASSUME_ROLE_ARN`, those assume the role.
    pub(crate) fn find(
        &self,
        env: &dyn Environment,
    ) -> Result<Found<TencentCredentials>, CredentialsError> {
        let (label, session) = match &self.assume_role {
            Some((role_arn, name)) => (
                "--role-arn",
                tencent_roles::session(role_arn.clone(), name.clone(), None).map(Some),
            ),
            None => (
                tencent_roles::ASSUME_ROLE_ARN_VAR,
                tencent_roles::assume_role_from_env(env),
            ),
        };
        let session = session.map_err(|problem| failure(Provider::Tencent, label, problem))?;
        let found = self.find_base(env)?;
        let Some(session) = session else {
            return Ok(found);
        };
        let role_arn = session.role_arn.clone();
        let outcome = tencent_roles::assume_role_outcome(
            env,
            session,
            region(env).as_deref(),
            tencent_roles::base_of(found),
        );
        let mut search = Search::new(Provider::Tencent);
        match search.step(format!("AssumeRole of `{role_arn}`"), outcome)? {
            Some(found) => Ok(found),
            None => Err(search.exhausted()),
        }
    }

    fn find_base(
        &self,
        env: &dyn Environment,
    ) -> Result<Found<TencentCredentials>, CredentialsError> {
        let mut search = Search::new(Provider::Tencent);
        let home = env.home_dir();
        let home = home.as_deref();

        if let Some(found) = search.step("explicit", explicit_outcome(self.explicit.as_ref()))? {
            return Ok(found);
        }
        if let Some(found) = search.step("environment", env_outcome(env))? {
            return Ok(found);
        }

        let profile = profile_name(self.profile.as_deref(), env);
        let file = match non_empty_var(env, CREDENTIALS_FILE_VAR) {
            Some(named) => Some((PathBuf::from(named), true)),
            None => home.map(|home| (home.join(".tencentcloud").join("credentials"), false)),
        };
        let (label, outcome) = match file {
            Some((path, named_by_var)) => {
                let label = display_path(&path, home);
                let outcome = file_outcome(&path, &label, named_by_var, &profile, env);
                (label, outcome)
            }
            None => (
                "~/.tencentcloud/credentials".to_owned(),
                Outcome::Absent("no home directory".to_owned()),
            ),
        };
        if let Some(found) = search.step(label, outcome)? {
            return Ok(found);
        }

        let label = tccli::credential_label(home, &profile);
        let outcome = match home.map(|home| tccli_outcome(home, &label, &profile, env)) {
            Some(outcome) => outcome,
            None => Outcome::Absent("no home directory".to_owned()),
        };
        if let Some(found) = search.step(label, outcome)? {
            return Ok(found);
        }
        if let Some(found) = search.step("CVM role", tencent_roles::cvm_env_outcome(env))? {
            return Ok(found);
        }
        if let Some(found) = search.step("TKE OIDC", tencent_roles::tke_oidc_outcome(env))? {
            return Ok(found);
        }
        Err(search.exhausted())
    }

    /// The region the user keeps for Tencent Cloud: `TENCENTCLOUD_REGION`, else `_sys_param.region` in
    /// `~/.tccli/<profile>.configure` for the profile this chain reads (the explicit name, else
    /// `TENCENTCLOUD_PROFILE`, else `TCCLI_PROFILE`, else `default`). `Ok(None)` when neither is set; an error
    /// names a `.configure` file that cannot be read.
    ///
    /// ```
    /// use cloudvpn::credentials::{MapEnvironment, TencentChain};
    ///
    /// let env = MapEnvironment::new().with_var("TENCENTCLOUD_REGION", "ap-shanghai");
    /// let region = TencentChain::new().configured_region(&env).unwrap().unwrap();
    /// assert_eq!(region.region, "ap-shanghai");
    /// assert_eq!(region.source, "environment variable TENCENTCLOUD_REGION");
    /// ```
    pub fn configured_region(
        &self,
        env: &dyn Environment,
    ) -> Result<Option<ConfiguredRegion>, RegionError> {
        if let Some(region) = region(env) {
            return Ok(Some(ConfiguredRegion::from_variable(region, REGION_VAR)));
        }
        let Some(home) = env.home_dir() else {
            return Ok(None);
        };
        let profile = profile_name(self.profile.as_deref(), env);
        let path =
            tccli::profile_file(&home, &profile, "configure").map_err(|problem| RegionError {
                source: format!("~/.tccli/{}.configure", profile.name),
                problem,
            })?;
        let label = display_path(&path, Some(&home));
        match tccli::configured_region(&path) {
            Ok(Some(region)) => Ok(Some(ConfiguredRegion::from_file(region, &label, &profile))),
            Ok(None) => Ok(None),
            Err(problem) => Err(RegionError {
                source: label,
                problem,
            }),
        }
    }
}

impl Default for TencentChain {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for TencentChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentChain")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("assume_role", &self.assume_role)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials<TencentCredentials> for TencentChain {
    /// Runs the chain against the chain's environment.
    fn provide(&self) -> ProvideFuture<'_, TencentCredentials> {
        let found = self.find(self.environment.as_ref());
        Box::pin(async move { found?.provide().await })
    }

    /// Runs the chain against the chain's environment, calling nothing.
    fn provide_offline(&self) -> Result<super::Offline<TencentCredentials>, CredentialsError> {
        Ok(self.find(self.environment.as_ref())?.offline())
    }
}

/// `TENCENTCLOUD_REGION`, trimmed, if set. It is an independent setting in Terraform and tccli, so it goes
/// with credentials from the environment and from the file alike.
fn region(env: &dyn Environment) -> Option<String> {
    non_empty_var(env, REGION_VAR)
        .map(|region| region.trim().to_owned())
        .filter(|region| !region.is_empty())
}

/// The profile name both files are read with: the explicit one, else `TENCENTCLOUD_PROFILE` (Terraform's),
/// else `TCCLI_PROFILE` (tccli's), else `default`. One name for both files, as `ALIBABA_CLOUD_PROFILE` is for
/// Alibaba's, so that a profile the user named is never silently swapped for another file's `default`.
fn profile_name(explicit: Option<&str>, env: &dyn Environment) -> ProfileName {
    ProfileName::chosen(explicit, env, &PROFILE_VARS).unwrap_or_else(ProfileName::fallback)
}

/// The tccli step: `~/.tccli/<profile>.credential`, with `TENCENTCLOUD_REGION` or the profile's
/// `.configure` region beside it (a broken `.configure` is reported by the region lookup, not here).
fn tccli_outcome(
    home: &Path,
    label: &str,
    profile: &ProfileName,
    env: &dyn Environment,
) -> Outcome<TencentCredentials> {
    let path = match tccli::profile_file(home, profile, "credential") {
        Ok(path) => path,
        Err(problem) => return Outcome::Malformed(problem),
    };
    let region = region(env).or_else(|| {
        let configure = tccli::profile_file(home, profile, "configure").ok()?;
        tccli::configured_region(&configure).ok().flatten()
    });
    tccli::credential_outcome(&path, label, profile, region, env)
}

fn env_outcome(env: &dyn Environment) -> Outcome<TencentCredentials> {
    let token = first_var(env, &TOKEN_VARS);
    let (id, key) = match (non_empty_var(env, ID_VAR), non_empty_var(env, KEY_VAR)) {
        (Some(id), Some(key)) => (id, key),
        (Some(_), None) => {
            return Outcome::Malformed(format!("{ID_VAR} set but {KEY_VAR} missing"));
        }
        (None, Some(_)) => {
            return Outcome::Malformed(format!("{KEY_VAR} set but {ID_VAR} missing"));
        }
        (None, None) => {
            return match token {
                Some((name, _)) => {
                    Outcome::Malformed(format!("{name} set but {ID_VAR} and {KEY_VAR} missing"))
                }
                None => Outcome::Absent(format!("{ID_VAR} not set")),
            };
        }
    };
    let problem = value_problem(ID_VAR, &id)
        .or_else(|| value_problem(KEY_VAR, &key))
        .or_else(|| {
            let (name, token) = token.as_ref()?;
            value_problem(name, token)
        });
    if let Some(problem) = problem {
        return Outcome::Malformed(problem);
    }
    let mut credentials = TencentCredentials::new(id, key);
    let source = env_source(ID_VAR, token.as_ref().map(|(name, _)| *name));
    if let Some((_, token)) = token {
        credentials = credentials.with_token(token);
    }
    Outcome::Found(Resolved {
        credentials,
        source,
        region: region(env),
        expires_at: None,
    })
}

/// The credentials file at `path`, section `section.name`.
fn file_outcome(
    path: &Path,
    label: &str,
    named_by_var: bool,
    section: &ProfileName,
    env: &dyn Environment,
) -> Outcome<TencentCredentials> {
    let text = match read_text(path) {
        FileText::Text(text) => text,
        // A file the user named and that is not there is a mistake, not an absent source.
        FileText::Missing if named_by_var => {
            return Outcome::Malformed(format!("no such file (named by {CREDENTIALS_FILE_VAR})"));
        }
        FileText::Missing => return Outcome::Absent("no such file".to_owned()),
        FileText::Unreadable(why) => return Outcome::Malformed(why),
    };
    // The Tencent SDKs do not strip inline comments; a value with one fails the whitespace check instead.
    let ini = match Ini::parse(
        &text,
        IniOptions {
            inline_comments: false,
        },
    ) {
        Ok(ini) => ini,
        Err(error) => return Outcome::Malformed(error.to_string()),
    };
    let profile = section.describe();
    let Some(values) = ini.section(&section.name) else {
        return Outcome::Absent(format!("{profile} not found"));
    };
    match ini_credentials(values) {
        Ok(credentials) => Outcome::Found(Resolved {
            credentials,
            source: file_source(label, &section.name),
            region: region(env),
            expires_at: None,
        }),
        Err(problem) => Outcome::Malformed(format!("{profile}: {problem}")),
    }
}

/// The credentials in one section of the credentials file, or what is wrong with them.
fn ini_credentials(values: &Section) -> Result<TencentCredentials, String> {
    let credentials = TencentCredentials::new(
        required_value(values, "secret_id")?,
        required_value(values, "secret_key")?,
    );
    // An empty `token =` is the same as none, as with an empty variable.
    match values.get("token") {
        Some(token) if !token.is_empty() => {
            Ok(credentials.with_token(required_value(values, "token")?))
        }
        _ => Ok(credentials),
    }
}

#[cfg(test)]
#[path = "tencent_tests.rs"]
mod tests;
