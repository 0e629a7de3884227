//! Alibaba Cloud credentials and their chain: explicit → environment → CLI profile → credentials file.

use super::alibaba_cli::{self, Lookup, cli_profile_outcome};
use super::alibaba_ini::{CREDENTIALS_FILE_VAR, credentials_file_outcome};
use super::env::{Environment, ProcessEnvironment};
use super::error::CredentialsError;
use super::files::display_path;
use super::region::{ConfiguredRegion, RegionError};
use super::search::{Outcome, ProfileName, Search, env_source, non_empty_var, value_problem};
use super::secret::Secret;
use super::{CloudCredentials, ProvideCredentials, Resolved, explicit_outcome, sealed};
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
    environment: Arc<dyn Environment>,
}

impl AlibabaChain {
    /// A chain over the process environment, with no explicit credentials and no profile name.
    pub fn new() -> Self {
        AlibabaChain {
            explicit: None,
            profile: None,
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

    /// The environment [`ProvideCredentials::provide`] reads (the process environment by default).
    pub fn environment(mut self, environment: Arc<dyn Environment>) -> Self {
        self.environment = environment;
        self
    }

    /// Runs the chain against `env` (ignoring the environment set with [`environment`](Self::environment)).
    pub fn resolve(
        &self,
        env: &dyn Environment,
    ) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        let mut search = Search::new(Provider::Alibaba);
        let home = env.home_dir();
        let home = home.as_deref();

        if let Some(found) = search.step("explicit", explicit_outcome(self.explicit.as_ref()))? {
            return Ok(found);
        }
        if let Some(found) = search.step("environment", env_outcome(env))? {
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
                let outcome = credentials_file_outcome(&path, &label, true, &section);
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
                        let outcome = credentials_file_outcome(&path, &label, false, &section);
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
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials<AlibabaCredentials> for AlibabaChain {
    /// Runs the chain against the chain's environment.
    fn provide(&self) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        self.resolve(self.environment.as_ref())
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
        });
    }
    Outcome::Absent(format!(
        "{} and {} not set",
        ENV_SCHEMES[0].id, ENV_SCHEMES[1].id
    ))
}

#[cfg(test)]
mod tests {
    use super::super::env::MapEnvironment;
    use super::super::error::Attempt;
    use super::*;
    use std::fs;

    const SECRET: &str = "sEcReT-DISTINCTIVE-9f3a";
    const TOKEN: &str = "ToKeN-DISTINCTIVE-77c1";

    /// A temporary home directory and an environment pointing at it.
    struct Home {
        dir: tempfile::TempDir,
    }

    impl Home {
        fn new() -> Self {
            Home {
                dir: tempfile::tempdir().unwrap(),
            }
        }

        fn env(&self) -> MapEnvironment {
            MapEnvironment::new().with_home(self.dir.path())
        }

        fn write(&self, relative: &str, text: &str) -> PathBuf {
            let path = self.dir.path().join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            path
        }

        fn cli_config(&self, text: &str) {
            self.write(".aliyun/config.json", text);
        }

        fn ini(&self, text: &str) {
            self.write(".alibabacloud/credentials", text);
        }
    }

    fn attempts(error: &CredentialsError) -> Vec<(&str, &str)> {
        error
            .attempts
            .iter()
            .map(|Attempt { source, outcome }| (source.as_str(), outcome.as_str()))
            .collect()
    }

    fn assert_hidden(text: &str) {
        assert!(!text.contains("DISTINCTIVE"), "secret leaked: {text}");
    }

    fn ak_profile(name: &str, id: &str) -> String {
        format!(
            r#"{{"name": "{name}", "mode": "AK", "access_key_id": "{id}", "access_key_secret": "{SECRET}", "region_id": "cn-{name}"}}"#
        )
    }

    fn env_pair() -> MapEnvironment {
        MapEnvironment::new()
            .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
            .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    }

    #[test]
    fn credentials_debug_and_provider_name() {
        let plain = AlibabaCredentials::new("LTAIid", SECRET);
        assert_eq!(plain.provider_name(), "static_ak");
        let sts = plain.clone().with_token(TOKEN);
        assert_eq!(sts.provider_name(), "static_sts");
        assert_eq!(sts.security_token.as_ref().unwrap().expose(), TOKEN);
        for shown in [format!("{plain:?}"), format!("{sts:#?}")] {
            assert!(shown.contains("LTAIid"), "{shown}");
            assert_hidden(&shown);
        }
        assert_ne!(plain, sts);
    }

    #[test]
    fn explicit_beats_environment_and_files() {
        let home = Home::new();
        home.cli_config(&format!(
            r#"{{"current": "default", "profiles": [{}]}}"#,
            ak_profile("default", "LTAIcli")
        ));
        let env = env_pair().with_home(home.dir.path());
        let chain = AlibabaChain::new().explicit(AlibabaCredentials::new("LTAIexplicit", SECRET));
        let resolved = chain.resolve(&env).unwrap();
        assert_eq!(resolved.credentials.access_key_id, "LTAIexplicit");
        assert_eq!(resolved.source, "explicit");
        assert_eq!(resolved.region, None);
        assert_hidden(&format!("{chain:?}"));
    }

    #[test]
    fn environment_beats_files_even_when_both_exist() {
        let home = Home::new();
        home.cli_config(&format!(
            r#"{{"profiles": [{}]}}"#,
            ak_profile("default", "LTAIcli")
        ));
        home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
        let env = env_pair()
            .with_var("ALIBABA_CLOUD_REGION", "cn-shanghai")
            .with_home(home.dir.path());
        let resolved = AlibabaChain::new().resolve(&env).unwrap();
        assert_eq!(resolved.credentials.access_key_id, "LTAIenv");
        assert_eq!(resolved.credentials.access_key_secret.expose(), SECRET);
        assert_eq!(resolved.credentials.security_token, None);
        assert_eq!(
            resolved.source,
            "environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"
        );
        assert_eq!(resolved.region.as_deref(), Some("cn-shanghai"));
    }

    #[test]
    fn environment_token_is_optional_and_used() {
        let env = env_pair().with_var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
        let resolved = AlibabaChain::new().resolve(&env).unwrap();
        assert_eq!(resolved.credentials.provider_name(), "static_sts");
        assert_eq!(
            resolved.source,
            "environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_SECURITY_TOKEN"
        );
        assert_hidden(&format!("{resolved:?}"));
    }

    #[test]
    fn older_alicloud_names() {
        let env = MapEnvironment::new()
            .with_var("ALICLOUD_ACCESS_KEY", "LTAIold")
            .with_var("ALICLOUD_SECRET_KEY", SECRET)
            .with_var("ALICLOUD_SECURITY_TOKEN", TOKEN)
            .with_var("ALICLOUD_REGION", "cn-beijing");
        let resolved = AlibabaChain::new().resolve(&env).unwrap();
        assert_eq!(
            resolved.credentials,
            AlibabaCredentials::new("LTAIold", SECRET).with_token(TOKEN)
        );
        assert_eq!(
            resolved.source,
            "environment variables ALICLOUD_ACCESS_KEY and ALICLOUD_SECURITY_TOKEN"
        );
        assert_eq!(resolved.region.as_deref(), Some("cn-beijing"));

        // The current names win, and the schemes are not mixed.
        let both = env
            .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAInew")
            .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "new-secret");
        let resolved = AlibabaChain::new().resolve(&both).unwrap();
        assert_eq!(
            resolved.credentials,
            AlibabaCredentials::new("LTAInew", "new-secret")
        );
    }

    #[test]
    fn partially_set_environment_stops_the_chain() {
        let home = Home::new();
        home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
        let cases = [
            (
                MapEnvironment::new().with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI"),
                "ALIBABA_CLOUD_ACCESS_KEY_ID set but ALIBABA_CLOUD_ACCESS_KEY_SECRET missing",
            ),
            (
                MapEnvironment::new()
                    .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI")
                    .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
                "ALIBABA_CLOUD_ACCESS_KEY_ID set but ALIBABA_CLOUD_ACCESS_KEY_SECRET missing",
            ),
            (
                MapEnvironment::new().with_var("ALICLOUD_SECRET_KEY", SECRET),
                "ALICLOUD_SECRET_KEY set but ALICLOUD_ACCESS_KEY missing",
            ),
            (
                MapEnvironment::new().with_var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
                "ALIBABA_CLOUD_SECURITY_TOKEN set but ALIBABA_CLOUD_ACCESS_KEY_ID and \
                 ALIBABA_CLOUD_ACCESS_KEY_SECRET missing",
            ),
            (
                MapEnvironment::new()
                    .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI")
                    .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", format!("{SECRET}\n")),
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET has leading or trailing whitespace",
            ),
        ];
        for (env, expected) in cases {
            let env = env.with_home(home.dir.path());
            let error = AlibabaChain::new().resolve(&env).unwrap_err();
            assert!(error.stopped_on_malformed, "{error}");
            assert_eq!(
                attempts(&error),
                vec![("explicit", "not given"), ("environment", expected)]
            );
            assert_hidden(&error.to_string());
            assert_hidden(&format!("{error:?}"));
        }
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let home = Home::new();
        home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
        let env = home
            .env()
            .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
            .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
            .with_var("ALIBABA_CLOUD_SECURITY_TOKEN", "");
        let resolved = AlibabaChain::new().resolve(&env).unwrap();
        assert_eq!(resolved.credentials.access_key_id, "LTAIini");
    }

    #[test]
    fn missing_everything_lists_every_source_in_order() {
        let home = Home::new();
        let error = AlibabaChain::new().resolve(&home.env()).unwrap_err();
        assert!(!error.stopped_on_malformed);
        assert_eq!(error.provider, Provider::Alibaba);
        assert_eq!(
            attempts(&error),
            vec![
                ("explicit", "not given"),
                (
                    "environment",
                    "ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_ACCESS_KEY not set"
                ),
                ("~/.aliyun/config.json", "no such file"),
                ("~/.alibabacloud/credentials", "no such file"),
                ("~/.alibabacloud/credentials.ini", "no such file"),
            ]
        );
        assert_eq!(
            error.to_string(),
            "no Alibaba Cloud credentials found; tried: explicit (not given); environment \
             (ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_ACCESS_KEY not set); ~/.aliyun/config.json (no such \
             file); ~/.alibabacloud/credentials (no such file); ~/.alibabacloud/credentials.ini (no such file)"
        );
    }

    #[test]
    fn no_home_directory() {
        let error = AlibabaChain::new()
            .resolve(&MapEnvironment::new())
            .unwrap_err();
        assert_eq!(
            attempts(&error)[2..],
            [
                ("~/.aliyun/config.json", "no home directory"),
                ("~/.alibabacloud/credentials", "no home directory"),
            ]
        );
    }

    #[test]
    fn cli_profile_beats_ini_file() {
        let home = Home::new();
        home.cli_config(&format!(
            r#"{{"current": "default", "profiles": [{}]}}"#,
            ak_profile("default", "LTAIcli")
        ));
        home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
        let resolved = AlibabaChain::new().resolve(&home.env()).unwrap();
        assert_eq!(resolved.credentials.access_key_id, "LTAIcli");
        assert_eq!(
            resolved.source,
            "file ~/.aliyun/config.json, profile `default`"
        );
        assert_eq!(resolved.region.as_deref(), Some("cn-default"));
    }

    #[test]
    fn profile_not_in_cli_config_falls_through_to_ini() {
        let home = Home::new();
        home.cli_config(&format!(
            r#"{{"current": "default", "profiles": [{}]}}"#,
            ak_profile("default", "LTAIcli")
        ));
        home.ini("[prod]\ntype = access_key\naccess_key_id = LTAIprod\naccess_key_secret = x\n");
        let env = home.env().with_var("ALIBABA_CLOUD_PROFILE", "prod");
        let resolved = AlibabaChain::new().resolve(&env).unwrap();
        assert_eq!(resolved.credentials.access_key_id, "LTAIprod");
        assert_eq!(
            resolved.source,
            "file ~/.alibabacloud/credentials, profile `prod`"
        );
        assert_eq!(resolved.region, None);

        let error = AlibabaChain::new()
            .profile("nope")
            .resolve(&env)
            .unwrap_err();
        assert!(!error.stopped_on_malformed);
        assert_eq!(
            attempts(&error)[2..],
            [
                (
                    "~/.aliyun/config.json",
                    "profile `nope` (given explicitly) not found"
                ),
                (
                    "~/.alibabacloud/credentials",
                    "profile `nope` (given explicitly) not found"
                ),
                ("~/.alibabacloud/credentials.ini", "no such file"),
            ]
        );
    }

    #[test]
    fn malformed_cli_config_stops_before_the_ini_file() {
        let home = Home::new();
        home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
        let cases = [
            (
                format!("{{\n  \"access_key_secret\": \"{SECRET}\",\n    ,\n}}"),
                "invalid JSON at line 3 column 5",
            ),
            (
                r#"{"current": "role", "profiles": [{"name": "role", "mode": "EcsRamRole"}]}"#
                    .to_owned(),
                "profile `role` (from `current`): mode `EcsRamRole` is not supported; use AK or StsToken",
            ),
        ];
        for (json, expected) in cases {
            home.cli_config(&json);
            let error = AlibabaChain::new().resolve(&home.env()).unwrap_err();
            assert!(error.stopped_on_malformed);
            assert_eq!(
                attempts(&error),
                vec![
                    ("explicit", "not given"),
                    (
                        "environment",
                        "ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_ACCESS_KEY not set"
                    ),
                    ("~/.aliyun/config.json", expected),
                ]
            );
            let shown = error.to_string();
            assert!(
                shown.starts_with(
                    "malformed Alibaba Cloud credentials source: ~/.aliyun/config.json (the search stops"
                ),
                "{shown}"
            );
            assert!(
                shown.ends_with(&format!("~/.aliyun/config.json ({expected})")),
                "{shown}"
            );
            assert_hidden(&shown);
        }
    }

    #[test]
    fn ini_file_types_comments_and_locations() {
        let home = Home::new();
        // The Python SDK's file name, and `sts` with an inline comment after every value.
        home.write(
            ".alibabacloud/credentials.ini",
            &format!(
                "; written by hand\n[default]\ntype = sts   # static STS\naccess_key_id = STS.id ; id\n\
                 access_key_secret = {SECRET}  # secret\nsecurity_token = {TOKEN} # token\n"
            ),
        );
        let resolved = AlibabaChain::new().resolve(&home.env()).unwrap();
        assert_eq!(
            resolved.credentials,
            AlibabaCredentials::new("STS.id", SECRET).with_token(TOKEN)
        );
        assert_eq!(
            resolved.source,
            "file ~/.alibabacloud/credentials.ini, profile `default`"
        );

        // ALIBABA_CLOUD_CREDENTIALS_FILE replaces the default locations.
        let other = home.write(
            "elsewhere/creds",
            "[work]\ntype = access_key\naccess_key_id = LTAIw\naccess_key_secret = s\n",
        );
        let env = home
            .env()
            .with_var("ALIBABA_CLOUD_CREDENTIALS_FILE", other.to_string_lossy())
            .with_var("ALIBABA_CLOUD_PROFILE", "work");
        let resolved = AlibabaChain::new().resolve(&env).unwrap();
        assert_eq!(resolved.credentials, AlibabaCredentials::new("LTAIw", "s"));
        assert_eq!(resolved.source, "file ~/elsewhere/creds, profile `work`");
    }

    #[test]
    fn ini_problems_stop_the_chain() {
        let cases = [
            (
                "[default]\ntype = access_key\naccess_key_id = a\nSTRAY SECRET LINE\n",
                "line 4: expected `key = value` or a `[section]` header",
            ),
            (
                "[default]\ntype = ecs_ram_role\nrole_name = r\n",
                "profile `default`: type `ecs_ram_role` is not supported; use access_key or sts",
            ),
            (
                "[default]\naccess_key_id = a\naccess_key_secret = b\n",
                "profile `default` has no `type`; use access_key or sts",
            ),
            (
                "[default]\ntype = access_key\naccess_key_id = a\n",
                "profile `default`: access_key_secret missing",
            ),
            (
                "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = # only a comment\n",
                "profile `default`: access_key_secret is empty",
            ),
            (
                "[default]\ntype = sts\naccess_key_id = a\naccess_key_secret = b\n",
                "profile `default`: security_token missing",
            ),
        ];
        for (text, expected) in cases {
            let home = Home::new();
            home.ini(text);
            home.write(
                ".alibabacloud/credentials.ini",
                "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n",
            );
            let error = AlibabaChain::new().resolve(&home.env()).unwrap_err();
            assert!(error.stopped_on_malformed, "{error}");
            assert_eq!(
                error.malformed_source(),
                Some(&Attempt {
                    source: "~/.alibabacloud/credentials".into(),
                    outcome: expected.into(),
                })
            );
            assert!(error.to_string().starts_with(
                "malformed Alibaba Cloud credentials source: ~/.alibabacloud/credentials ("
            ));
            assert_hidden(&error.to_string());
        }
    }

    #[test]
    fn named_credentials_file_must_exist() {
        let home = Home::new();
        let env = home.env().with_var(
            "ALIBABA_CLOUD_CREDENTIALS_FILE",
            home.dir.path().join("missing").to_string_lossy(),
        );
        let error = AlibabaChain::new().resolve(&env).unwrap_err();
        assert!(error.stopped_on_malformed);
        assert_eq!(
            error.malformed_source(),
            Some(&Attempt {
                source: "~/missing".into(),
                outcome: "no such file (named by ALIBABA_CLOUD_CREDENTIALS_FILE)".into(),
            })
        );
    }

    #[test]
    fn provide_uses_the_given_environment() {
        let chain = AlibabaChain::new().environment(Arc::new(env_pair()));
        assert_eq!(
            chain.provide().unwrap().credentials.access_key_id,
            "LTAIenv"
        );
        let shown = format!("{chain:?}");
        assert!(shown.starts_with("AlibabaChain {"), "{shown}");
        assert_hidden(&shown);
        let _ = AlibabaChain::default();
    }
}
