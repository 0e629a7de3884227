//! Tencent Cloud credentials and their chain: explicit → environment → credentials file → tccli's files.

use super::env::{Environment, ProcessEnvironment};
use super::error::CredentialsError;
use super::files::{FileText, display_path, read_text};
use super::ini::{Ini, IniOptions, Section};
use super::region::{ConfiguredRegion, RegionError};
use super::search::{
    Outcome, ProfileName, Search, env_source, file_source, first_var, non_empty_var,
    required_value, value_problem,
};
use super::secret::Secret;
use super::tccli;
use super::{CloudCredentials, ProvideCredentials, Resolved, explicit_outcome, sealed};
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
/// `~/.tccli/<profile>.credential`.
///
/// One profile name serves both files: the explicit name, else `TENCENTCLOUD_PROFILE`, else `TCCLI_PROFILE`,
/// else `default`. The credentials file is INI: section = the profile name; keys `secret_id`, `secret_key`
/// and optional `token`; values trimmed. tccli's file is JSON (`secretId`, `secretKey`, optional `token`;
/// see `tccli configure`); a profile that assumes a role or uses the instance role is reported as
/// unsupported rather than read as plain keys. The Python SDK's second
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
    environment: Arc<dyn Environment>,
}

impl TencentChain {
    /// A chain over the process environment, with no explicit credentials and no profile name.
    pub fn new() -> Self {
        TencentChain {
            explicit: None,
            profile: None,
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

    /// The environment [`ProvideCredentials::provide`] reads (the process environment by default).
    pub fn environment(mut self, environment: Arc<dyn Environment>) -> Self {
        self.environment = environment;
        self
    }

    /// Runs the chain against `env` (ignoring the environment set with [`environment`](Self::environment)).
    pub fn resolve(
        &self,
        env: &dyn Environment,
    ) -> Result<Resolved<TencentCredentials>, CredentialsError> {
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
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials<TencentCredentials> for TencentChain {
    /// Runs the chain against the chain's environment.
    fn provide(&self) -> Result<Resolved<TencentCredentials>, CredentialsError> {
        self.resolve(self.environment.as_ref())
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
    tccli::credential_outcome(&path, label, profile, region)
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
mod tests {
    use super::super::env::MapEnvironment;
    use super::super::error::Attempt;
    use super::*;
    use std::fs;

    const SECRET: &str = "tc-KeY-DISTINCTIVE-51e0";
    const TOKEN: &str = "tc-ToKeN-DISTINCTIVE-0a9b";

    fn temp_home() -> (tempfile::TempDir, MapEnvironment) {
        let dir = tempfile::tempdir().unwrap();
        let env = MapEnvironment::new().with_home(dir.path());
        (dir, env)
    }

    fn write_credentials(home: &Path, text: &str) {
        let path = home.join(".tencentcloud").join("credentials");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
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

    fn env_pair(env: MapEnvironment) -> MapEnvironment {
        env.with_var(ID_VAR, "AKIDenv").with_var(KEY_VAR, SECRET)
    }

    #[test]
    fn credentials_debug_hides_key_and_token() {
        let credentials = TencentCredentials::new("AKIDshown", SECRET).with_token(TOKEN);
        assert_eq!(credentials.token.as_ref().unwrap().expose(), TOKEN);
        for shown in [format!("{credentials:?}"), format!("{credentials:#?}")] {
            assert!(shown.contains("AKIDshown"), "{shown}");
            assert_hidden(&shown);
        }
    }

    #[test]
    fn chain_order() {
        let (dir, env) = temp_home();
        write_credentials(
            dir.path(),
            "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
        );
        let env = env_pair(env);

        let explicit = TencentChain::new()
            .explicit(TencentCredentials::new("AKIDexplicit", SECRET))
            .resolve(&env)
            .unwrap();
        assert_eq!(explicit.credentials.secret_id, "AKIDexplicit");
        assert_eq!(explicit.source, "explicit");

        // The environment beats the file even though both exist.
        let from_env = TencentChain::new().resolve(&env).unwrap();
        assert_eq!(
            from_env.credentials,
            TencentCredentials::new("AKIDenv", SECRET)
        );
        assert_eq!(
            from_env.source,
            "environment variable TENCENTCLOUD_SECRET_ID"
        );
        assert_eq!(from_env.region, None);

        let (dir2, env2) = temp_home();
        write_credentials(
            dir2.path(),
            "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
        );
        let from_file = TencentChain::new().resolve(&env2).unwrap();
        assert_eq!(
            from_file.credentials,
            TencentCredentials::new("AKIDfile", "k")
        );
        assert_eq!(
            from_file.source,
            "file ~/.tencentcloud/credentials, profile `default`"
        );
    }

    #[test]
    fn token_aliases_in_order() {
        let base = env_pair(MapEnvironment::new()).with_var(REGION_VAR, "ap-shanghai");
        let cases = [
            (
                vec!["TENCENTCLOUD_SESSION_TOKEN"],
                "TENCENTCLOUD_SESSION_TOKEN",
            ),
            (
                vec!["TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SESSION_TOKEN"],
                "TENCENTCLOUD_TOKEN",
            ),
            (
                vec![
                    "TENCENTCLOUD_SECURITY_TOKEN",
                    "TENCENTCLOUD_TOKEN",
                    "TENCENTCLOUD_SESSION_TOKEN",
                ],
                "TENCENTCLOUD_SECURITY_TOKEN",
            ),
        ];
        for (set, winner) in cases {
            let mut env = base.clone();
            for name in &set {
                let value = if *name == winner {
                    TOKEN.to_owned()
                } else {
                    format!("other-{name}")
                };
                env = env.with_var(*name, value);
            }
            let resolved = TencentChain::new().resolve(&env).unwrap();
            assert_eq!(
                resolved.credentials.token.as_ref().map(Secret::expose),
                Some(TOKEN)
            );
            assert_eq!(
                resolved.source,
                format!("environment variables TENCENTCLOUD_SECRET_ID and {winner}")
            );
            assert_eq!(resolved.region.as_deref(), Some("ap-shanghai"));
            assert_hidden(&format!("{resolved:?}"));
        }
        // An empty alias is skipped in favour of the next one.
        let env = base
            .with_var("TENCENTCLOUD_SECURITY_TOKEN", "")
            .with_var("TENCENTCLOUD_TOKEN", TOKEN);
        let resolved = TencentChain::new().resolve(&env).unwrap();
        assert_eq!(
            resolved.source,
            "environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_TOKEN"
        );
    }

    #[test]
    fn partial_and_padded_environment_stops_the_chain() {
        let (dir, home_env) = temp_home();
        write_credentials(
            dir.path(),
            "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
        );
        let cases = [
            (
                home_env.clone().with_var(ID_VAR, "AKID"),
                "TENCENTCLOUD_SECRET_ID set but TENCENTCLOUD_SECRET_KEY missing",
            ),
            (
                home_env
                    .clone()
                    .with_var(ID_VAR, "")
                    .with_var(KEY_VAR, SECRET),
                "TENCENTCLOUD_SECRET_KEY set but TENCENTCLOUD_SECRET_ID missing",
            ),
            (
                home_env.clone().with_var("TENCENTCLOUD_TOKEN", TOKEN),
                "TENCENTCLOUD_TOKEN set but TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY missing",
            ),
            (
                home_env
                    .clone()
                    .with_var(ID_VAR, " AKID")
                    .with_var(KEY_VAR, SECRET),
                "TENCENTCLOUD_SECRET_ID has leading or trailing whitespace",
            ),
            (
                home_env
                    .clone()
                    .with_var(ID_VAR, "AKID")
                    .with_var(KEY_VAR, format!("{SECRET} ")),
                "TENCENTCLOUD_SECRET_KEY has leading or trailing whitespace",
            ),
            (
                home_env
                    .clone()
                    .with_var(ID_VAR, "AKID")
                    .with_var(KEY_VAR, "   "),
                "TENCENTCLOUD_SECRET_KEY is empty",
            ),
            (
                env_pair(home_env.clone())
                    .with_var("TENCENTCLOUD_SECURITY_TOKEN", format!("\t{TOKEN}")),
                "TENCENTCLOUD_SECURITY_TOKEN has leading or trailing whitespace",
            ),
        ];
        for (env, expected) in cases {
            let error = TencentChain::new().resolve(&env).unwrap_err();
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
    fn explicit_values_are_checked() {
        let cases = [
            (TencentCredentials::new("", SECRET), "secret_id is empty"),
            (
                TencentCredentials::new("AKID ", SECRET),
                "secret_id has leading or trailing whitespace",
            ),
            (
                TencentCredentials::new("AKID", format!("\n{SECRET}")),
                "secret_key has leading or trailing whitespace",
            ),
            (
                TencentCredentials::new("AKID", SECRET).with_token(""),
                "token is empty",
            ),
        ];
        for (credentials, expected) in cases {
            let env = env_pair(MapEnvironment::new());
            let error = TencentChain::new()
                .explicit(credentials)
                .resolve(&env)
                .unwrap_err();
            assert_eq!(attempts(&error), vec![("explicit", expected)]);
            assert_hidden(&error.to_string());
        }
    }

    #[test]
    fn missing_everything_lists_every_source_in_order() {
        let (_dir, env) = temp_home();
        let error = TencentChain::new().resolve(&env).unwrap_err();
        assert!(!error.stopped_on_malformed);
        assert_eq!(error.provider, Provider::Tencent);
        assert_eq!(
            error.to_string(),
            "no Tencent Cloud credentials found; tried: explicit (not given); environment \
             (TENCENTCLOUD_SECRET_ID not set); ~/.tencentcloud/credentials (no such file); \
             ~/.tccli/default.credential (no such file for profile `default`)"
        );
        let error = TencentChain::new()
            .resolve(&MapEnvironment::new())
            .unwrap_err();
        assert_eq!(
            attempts(&error)[2..],
            [
                ("~/.tencentcloud/credentials", "no home directory"),
                ("~/.tccli/default.credential", "no home directory"),
            ]
        );
    }

    #[test]
    fn profile_file_sections_token_and_trimming() {
        let (dir, env) = temp_home();
        write_credentials(
            dir.path(),
            &format!(
                "# tccli-style file\n[default]\nsecret_id = AKIDdefault\nsecret_key = k\n\n\
                 [prod]\n  Secret_Id =   AKIDprod   \nsecret_key:{SECRET}\ntoken = {TOKEN}\nrole_arn = ignored\n\
                 [empty-token]\nsecret_id = AKIDe\nsecret_key = k\ntoken =\n"
            ),
        );
        let env = env.with_var(REGION_VAR, "ap-beijing");
        let by_var = env.clone().with_var("TENCENTCLOUD_PROFILE", "prod");
        let resolved = TencentChain::new().resolve(&by_var).unwrap();
        assert_eq!(
            resolved.credentials,
            TencentCredentials::new("AKIDprod", SECRET).with_token(TOKEN)
        );
        assert_eq!(
            resolved.source,
            "file ~/.tencentcloud/credentials, profile `prod`"
        );
        assert_eq!(resolved.region.as_deref(), Some("ap-beijing"));

        // The explicit name beats TENCENTCLOUD_PROFILE.
        let resolved = TencentChain::new()
            .profile("default")
            .resolve(&by_var)
            .unwrap();
        assert_eq!(resolved.credentials.secret_id, "AKIDdefault");
        let resolved = TencentChain::new()
            .profile("empty-token")
            .resolve(&env)
            .unwrap();
        assert_eq!(resolved.credentials.token, None);

        let error = TencentChain::new()
            .profile("staging")
            .resolve(&by_var)
            .unwrap_err();
        assert!(!error.stopped_on_malformed);
        assert_eq!(
            attempts(&error)[2],
            (
                "~/.tencentcloud/credentials",
                "profile `staging` (given explicitly) not found"
            )
        );
    }

    #[test]
    fn named_file_replaces_the_default() {
        let (dir, env) = temp_home();
        write_credentials(
            dir.path(),
            "[default]\nsecret_id = AKIDdefault\nsecret_key = k\n",
        );
        let named = dir.path().join("other.ini");
        fs::write(&named, "[default]\nsecret_id = AKIDnamed\nsecret_key = k\n").unwrap();
        let env = env.with_var(CREDENTIALS_FILE_VAR, named.to_string_lossy());
        let resolved = TencentChain::new().resolve(&env).unwrap();
        assert_eq!(resolved.credentials.secret_id, "AKIDnamed");
        assert_eq!(resolved.source, "file ~/other.ini, profile `default`");

        fs::remove_file(&named).unwrap();
        let error = TencentChain::new().resolve(&env).unwrap_err();
        assert!(error.stopped_on_malformed);
        assert_eq!(
            attempts(&error)[2],
            (
                "~/other.ini",
                "no such file (named by TENCENTCLOUD_CREDENTIALS_FILE)"
            )
        );
    }

    #[test]
    fn malformed_file_stops_with_file_and_reason() {
        let cases = [
            (
                "[default]\nsecret_id = AKID\ntc-KeY-DISTINCTIVE-51e0\n",
                "line 3: expected `key = value` or a `[section]` header",
            ),
            (
                "secret_id = AKID\n[default]\n",
                "line 1: key `secret_id` before any `[section]` header",
            ),
            (
                "[default]\nsecret_id = AKID\n",
                "profile `default`: secret_key missing",
            ),
            (
                "[default]\nsecret_id = AKID # my key\nsecret_key = k\n",
                "profile `default`: secret_id contains whitespace",
            ),
            (
                "[default]\nsecret_id = AKID\nsecret_key = \"\"\n",
                "profile `default`: secret_key is empty",
            ),
            (
                "[default]\nsecret_id = AKID\nsecret_key = \" tc-KeY-DISTINCTIVE-51e0\"\n",
                "profile `default`: secret_key has leading or trailing whitespace",
            ),
        ];
        for (text, expected) in cases {
            let (dir, env) = temp_home();
            write_credentials(dir.path(), text);
            let error = TencentChain::new().resolve(&env).unwrap_err();
            assert!(error.stopped_on_malformed, "{error}");
            assert_eq!(
                error.malformed_source(),
                Some(&Attempt {
                    source: "~/.tencentcloud/credentials".into(),
                    outcome: expected.into(),
                })
            );
            assert_hidden(&error.to_string());
        }
    }

    #[test]
    fn provide_uses_the_given_environment() {
        let chain = TencentChain::new()
            .environment(Arc::new(env_pair(MapEnvironment::new())))
            .profile("unused");
        assert_eq!(chain.provide().unwrap().credentials.secret_id, "AKIDenv");
        let shown = format!("{chain:?}");
        assert!(shown.contains("unused"), "{shown}");
        assert_hidden(&shown);
        let _ = TencentChain::default();
    }
}
