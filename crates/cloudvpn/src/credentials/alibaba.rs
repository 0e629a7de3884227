//! Alibaba Cloud credentials and their chain: explicit → environment keys → OIDC (RRSA) → CLI profile
//! (`~/.aliyun/config.json`) → credentials file (ini) → ECS RAM role → credentials URI, then, when a role
//! ARN is given, `AssumeRole` with what the chain found.

use super::alibaba_cli::{self, Lookup, cli_profile_outcome};
use super::alibaba_ini::{CREDENTIALS_FILE_VAR, credentials_file_outcome};
use super::alibaba_roles;
use super::alibaba_sts::Session;
use super::env::{Environment, ProcessEnvironment};
use super::error::CredentialsError;
use super::files::display_path;
use super::metadata::failure;
use super::region::{ConfiguredRegion, RegionError};
use super::search::{
    Found, Outcome, ProfileName, Search, env_source, non_empty_var, value_problem,
};
use super::secret::Secret;
use super::{
    CloudCredentials, ProvideCredentials, ProvideFuture, Resolved, explicit_outcome, sealed,
};
use cloudvpn_types::meta::Provider;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An AccessKey pair, with a security token when it is an STS credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlibabaCredentials {
    /// The AccessKey ID (`LTAI…`, or `STS.…` for STS credentials). Not secret; shown in `Debug`.
    pub access_key_id: String,
    /// The AccessKey secret.
    pub access_key_secret: Secret,
    /// The STS security token, sent as `SecurityToken` / `x-acs-security-token`.
    pub security_token: Option<Secret>,
}

impl AlibabaCredentials {
    /// A long-term AccessKey pair. The secret may be a `&str`, a `String` or a [`Secret`].
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<Secret>) -> Self {
        AlibabaCredentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// The same credentials with an STS security token.
    pub fn with_token(mut self, security_token: impl Into<Secret>) -> Self {
        self.security_token = Some(security_token.into());
        self
    }

    /// What the official SDK sends in `x-acs-credentials-provider`: `static_sts` with a token, else
    /// `static_ak` (the names of `StaticSTSCredentialsProvider` / `StaticAKCredentialsProvider`).
    pub fn provider_name(&self) -> &'static str {
        if self.security_token.is_some() {
            "static_sts"
        } else {
            "static_ak"
        }
    }
}

impl sealed::Sealed for AlibabaCredentials {
    fn provider() -> Provider {
        Provider::Alibaba
    }

    fn problem(&self) -> Option<String> {
        value_problem("access_key_id", &self.access_key_id)
            .or_else(|| value_problem("access_key_secret", self.access_key_secret.expose()))
            .or_else(|| {
                let token = self.security_token.as_ref()?;
                value_problem("security_token", token.expose())
            })
    }
}

impl CloudCredentials for AlibabaCredentials {}

/// `ALIBABA_CLOUD_PROFILE`: the profile name for both files.
pub(crate) const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";

/// One naming scheme for the three environment variables.
struct EnvNames {
    id: &'static str,
    secret: &'static str,
    token: &'static str,
}

/// The current names (all official SDKs), then the older ones Terraform still reads. A scheme is used
/// whole: an ID from one and a secret from the other are never paired.
const ENV_SCHEMES: [EnvNames; 2] = [
    EnvNames {
        id: "ALIBABA_CLOUD_ACCESS_KEY_ID",
        secret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        token: "ALIBABA_CLOUD_SECURITY_TOKEN",
    },
    EnvNames {
        id: "ALICLOUD_ACCESS_KEY",
        secret: "ALICLOUD_SECRET_KEY",
        token: "ALICLOUD_SECURITY_TOKEN",
    },
];

/// Region variables for environment credentials, in Terraform's order of the two names we support.
const REGION_VARS: [&str; 2] = ["ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"];

/// The Alibaba Cloud credentials chain. See the [module documentation](super) for the order and rules.
///
/// ```
/// use cloudvpn::credentials::{AlibabaChain, AlibabaCredentials, MapEnvironment};
///
/// let chain = AlibabaChain::new().explicit(AlibabaCredentials::new("LTAIexample", "secret"));
/// let resolved = chain.resolve(&MapEnvironment::new()).unwrap();
/// assert_eq!(resolved.source, "explicit");
/// ```
#[derive(Clone)]
pub struct AlibabaChain {
    explicit: Option<AlibabaCredentials>,
    profile: Option<String>,
    /// `--role-arn` and `--role-session-name`: the role the found credentials assume.
    assume_role: Option<(String, Option<String>)>,
    environment: Arc<dyn Environment>,
}

impl AlibabaChain {
    /// A chain over the process environment, with no explicit credentials and no profile name.
    pub fn new() -> Self {
        AlibabaChain {
            explicit: None,
            profile: None,
            assume_role: None,
            environment: Arc::new(ProcessEnvironment),
        }
    }

    /// Credentials that win over every other source.
    pub fn explicit(mut self, credentials: AlibabaCredentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// The profile to read from `config.json` and the credentials file, instead of `ALIBABA_CLOUD_PROFILE`
    /// (and, for `config.json`, its `current` profile). An empty name counts as not given.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Assumes the RAM role `role_arn` (STS `AssumeRole`) with whatever credentials the chain finds, in a
    /// session named `session_name` (else `cloudvpn-<unix seconds>`): the CLI's `--role-arn` and
    /// `--role-session-name`.
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
    ) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        self.find(env)?.into_static(Provider::Alibaba)
    }

    /// Runs the chain against `env`: the credentials, or the provider of a role source; with
    /// [`assume_role`](Self::assume_role), those assume the role.
    pub(crate) fn find(
        &self,
        env: &dyn Environment,
    ) -> Result<Found<AlibabaCredentials>, CredentialsError> {
        let found = self.find_base(env)?;
        let Some((role_arn, session_name)) = &self.assume_role else {
            return Ok(found);
        };
        let session = Session::new(session_name.clone(), None)
            .map_err(|problem| failure(Provider::Alibaba, "--role-session-name", problem))?;
        let outcome = alibaba_roles::ram_role_outcome(
            env,
            role_arn.clone(),
            session,
            None,
            alibaba_roles::base_of(found),
        );
        let mut search = Search::new(Provider::Alibaba);
        match search.step(format!("AssumeRole of `{role_arn}`"), outcome)? {
            Some(found) => Ok(found),
            None => Err(search.exhausted()),
        }
    }

    fn find_base(
        &self,
        env: &dyn Environment,
    ) -> Result<Found<AlibabaCredentials>, CredentialsError> {
        let mut search = Search::new(Provider::Alibaba);
        let home = env.home_dir();
        let home = home.as_deref();

        if let Some(found) = search.step("explicit", explicit_outcome(self.explicit.as_ref()))? {
            return Ok(found);
        }
        if let Some(found) = search.step("environment", env_outcome(env))? {
            return Ok(found);
        }
        if let Some(found) = search.step("OIDC", alibaba_roles::oidc_env_outcome(env))? {
            return Ok(found);
        }

        let cli_label = "~/.aliyun/config.json";
        let cli = match home {
            Some(home) => {
                let path = cli_config_path(home);
                let label = display_path(&path, Some(home));
                cli_profile_outcome(&path, &label, self.profile.as_deref(), env)
            }
            None => Outcome::Absent("no home directory".to_owned()),
        };
        if let Some(found) = search.step(cli_label, cli)? {
            return Ok(found);
        }

        let section = ProfileName::chosen(self.profile.as_deref(), env, &[PROFILE_VAR])
            .unwrap_or_else(ProfileName::fallback);
        match non_empty_var(env, CREDENTIALS_FILE_VAR) {
            Some(named) => {
                let path = PathBuf::from(named);
                let label = display_path(&path, home);
                let outcome = credentials_file_outcome(&path, &label, true, &section, env);
                if let Some(found) = search.step(label, outcome)? {
                    return Ok(found);
                }
            }
            // Go, Java and the CLI's docs use `credentials`; the Python SDK uses `credentials.ini`.
            None => match home {
                Some(home) => {
                    for name in ["credentials", "credentials.ini"] {
                        let path = home.join(".alibabacloud").join(name);
                        let label = display_path(&path, Some(home));
                        let outcome = credentials_file_outcome(&path, &label, false, &section, env);
                        if let Some(found) = search.step(label, outcome)? {
                            return Ok(found);
                        }
                    }
                }
                None => {
                    let outcome =
                        Outcome::<AlibabaCredentials>::Absent("no home directory".to_owned());
                    search.step("~/.alibabacloud/credentials", outcome)?;
                }
            },
        }
        if let Some(found) = search.step("ECS RAM role", alibaba_roles::ecs_env_outcome(env))? {
            return Ok(found);
        }
        if let Some(found) = search.step("credentials URI", alibaba_roles::uri_outcome(env))? {
            return Ok(found);
        }
        Err(search.exhausted())
    }

    /// The region the user keeps for Alibaba Cloud: `ALIBABA_CLOUD_REGION`, else `ALICLOUD_REGION`, else
    /// `region_id` of the `~/.aliyun/config.json` profile this chain reads (the explicit name, else
    /// `ALIBABA_CLOUD_PROFILE`, else the file's `current`, else `default`). `Ok(None)` when none is set; an
    /// error names a `config.json` that cannot be read.
    ///
    /// ```
    /// use cloudvpn::credentials::{AlibabaChain, MapEnvironment};
    ///
    /// let env = MapEnvironment::new().with_var("ALICLOUD_REGION", "cn-beijing");
    /// let region = AlibabaChain::new().configured_region(&env).unwrap().unwrap();
    /// assert_eq!(region.region, "cn-beijing");
    /// assert_eq!(region.source, "environment variable ALICLOUD_REGION");
    /// ```
    pub fn configured_region(
        &self,
        env: &dyn Environment,
    ) -> Result<Option<ConfiguredRegion>, RegionError> {
        if let Some((variable, region)) = env_region(env) {
            return Ok(Some(ConfiguredRegion::from_variable(region, variable)));
        }
        let Some(home) = env.home_dir() else {
            return Ok(None);
        };
        let path = cli_config_path(&home);
        let label = display_path(&path, Some(&home));
        let broken = |problem| RegionError {
            source: label.clone(),
            problem,
        };
        match alibaba_cli::lookup(&path, self.profile.as_deref(), env) {
            Lookup::Absent(_) | Lookup::Parsed(_, None) => Ok(None),
            Lookup::Malformed(problem) => Err(broken(problem)),
            Lookup::Parsed(name, Some(profile)) => match alibaba_cli::region_id(&profile) {
                Ok(Some(region)) => Ok(Some(ConfiguredRegion::from_file(region, &label, &name))),
                Ok(None) => Ok(None),
                Err(problem) => Err(broken(format!("{}: {problem}", name.describe()))),
            },
        }
    }
}

/// The first region variable that is set, trimmed, with its name.
fn env_region(env: &dyn Environment) -> Option<(&'static str, String)> {
    REGION_VARS.iter().find_map(|&name| {
        let region = non_empty_var(env, name)?.trim().to_owned();
        (!region.is_empty()).then_some((name, region))
    })
}

/// Where the Alibaba Cloud CLI keeps its profiles.
pub(crate) fn cli_config_path(home: &Path) -> PathBuf {
    home.join(".aliyun").join("config.json")
}

impl Default for AlibabaChain {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for AlibabaChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlibabaChain")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("assume_role", &self.assume_role)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials<AlibabaCredentials> for AlibabaChain {
    /// Runs the chain against the chain's environment.
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        let found = self.find(self.environment.as_ref());
        Box::pin(async move { found?.provide().await })
    }

    /// Runs the chain against the chain's environment, calling nothing.
    fn provide_offline(&self) -> Result<super::Offline<AlibabaCredentials>, CredentialsError> {
        Ok(self.find(self.environment.as_ref())?.offline())
    }
}

fn env_outcome(env: &dyn Environment) -> Outcome<AlibabaCredentials> {
    for names in &ENV_SCHEMES {
        let id = non_empty_var(env, names.id);
        let secret = non_empty_var(env, names.secret);
        let token = non_empty_var(env, names.token);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (Some(_), None) => {
                return Outcome::Malformed(format!(
                    "{} set but {} missing",
                    names.id, names.secret
                ));
            }
            (None, Some(_)) => {
                return Outcome::Malformed(format!(
                    "{} set but {} missing",
                    names.secret, names.id
                ));
            }
            (None, None) if token.is_some() => {
                return Outcome::Malformed(format!(
                    "{} set but {} and {} missing",
                    names.token, names.id, names.secret
                ));
            }
            (None, None) => continue,
        };
        let problem = value_problem(names.id, &id)
            .or_else(|| value_problem(names.secret, &secret))
            .or_else(|| value_problem(names.token, token.as_deref()?));
        if let Some(problem) = problem {
            return Outcome::Malformed(problem);
        }
        let mut credentials = AlibabaCredentials::new(id, secret);
        let source = env_source(names.id, token.as_ref().map(|_| names.token));
        if let Some(token) = token {
            credentials = credentials.with_token(token);
        }
        let region = env_region(env).map(|(_, region)| region);
        return Outcome::Found(Resolved {
            credentials,
            source,
            region,
            expires_at: None,
        });
    }
    Outcome::Absent(format!(
        "{} and {} not set",
        ENV_SCHEMES[0].id, ENV_SCHEMES[1].id
    ))
}

#[cfg(test)]
#[path = "alibaba_tests.rs"]
mod tests;
