//! The machinery both chains share: what one source says, the running list of attempts, and value checks.

use super::env::Environment;
use super::error::{Attempt, CredentialsError};
use super::ini::Section;
use super::{ProvideCredentials, Resolved};
use cloudvpn_types::meta::Provider;
use std::sync::Arc;

/// What one source said.
#[derive(Debug)]
pub(crate) enum Outcome<C> {
    /// Credentials; the chain ends here.
    Found(Resolved<C>),
    /// A source whose credentials come from a call (STS, a metadata service), named `source`; the chain
    /// ends here and the provider is asked for them.
    Role {
        provider: Arc<dyn ProvideCredentials<C>>,
        source: String,
    },
    /// Nothing there (unset, missing, profile not in the file); the chain goes on.
    Absent(String),
    /// Present but unusable; the chain stops.
    Malformed(String),
}

/// What a chain found: credentials in hand, or a provider to ask for them.
#[derive(Debug)]
pub(crate) enum Found<C> {
    Static(Resolved<C>),
    Role {
        provider: Arc<dyn ProvideCredentials<C>>,
        source: String,
    },
}

impl<C> Found<C> {
    /// The credentials in hand, or — for a role source, which needs a call — an error saying so.
    pub(crate) fn into_static(self, provider: Provider) -> Result<Resolved<C>, CredentialsError> {
        match self {
            Found::Static(resolved) => Ok(resolved),
            Found::Role { source, .. } => Err(CredentialsError {
                provider,
                attempts: vec![Attempt {
                    source,
                    outcome:
                        "gives temporary credentials through a call to STS or a metadata service, \
                              which `resolve` does not make; use `provide`"
                            .to_owned(),
                }],
                stopped_on_malformed: true,
                call_failed: false,
            }),
        }
    }

    /// The credentials in hand, or — for a role source — which call would give them (none is made).
    pub(crate) fn offline(self) -> super::Offline<C> {
        match self {
            Found::Static(resolved) => super::Offline::InHand(resolved),
            Found::Role { source, .. } => super::Offline::Remote { from: source },
        }
    }

    /// The credentials, asking the role's provider when the source is one.
    pub(crate) async fn provide(self) -> Result<Resolved<C>, CredentialsError> {
        match self {
            Found::Static(resolved) => Ok(resolved),
            Found::Role { provider, .. } => provider.provide().await,
        }
    }
}

/// The attempts made so far by one `resolve` call.
pub(crate) struct Search {
    provider: Provider,
    attempts: Vec<Attempt>,
}

impl Search {
    pub(crate) fn new(provider: Provider) -> Self {
        Search {
            provider,
            attempts: Vec::new(),
        }
    }

    /// Records `outcome` for `source`. `Ok(Some(_))` ends the chain with credentials, `Ok(None)` lets it go
    /// on, `Err` ends it at a malformed source.
    pub(crate) fn step<C>(
        &mut self,
        source: impl Into<String>,
        outcome: Outcome<C>,
    ) -> Result<Option<Found<C>>, CredentialsError> {
        match outcome {
            Outcome::Found(resolved) => Ok(Some(Found::Static(resolved))),
            Outcome::Role { provider, source } => Ok(Some(Found::Role { provider, source })),
            Outcome::Absent(why) => {
                self.push(source.into(), why);
                Ok(None)
            }
            Outcome::Malformed(why) => {
                self.push(source.into(), why);
                Err(self.finish(true))
            }
        }
    }

    /// The error once every source was absent.
    pub(crate) fn exhausted(mut self) -> CredentialsError {
        self.finish(false)
    }

    fn push(&mut self, source: String, outcome: String) {
        self.attempts.push(Attempt { source, outcome });
    }

    fn finish(&mut self, stopped_on_malformed: bool) -> CredentialsError {
        CredentialsError {
            provider: self.provider,
            attempts: std::mem::take(&mut self.attempts),
            stopped_on_malformed,
            call_failed: false,
        }
    }
}

/// A variable's value, with an empty value counting as unset: `export X=` is how people "unset" a variable
/// in a shell profile, and the official SDKs treat it the same way.
pub(crate) fn non_empty_var(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name).filter(|value| !value.is_empty())
}

/// The first of `names` that is set to a non-empty value, with its name.
pub(crate) fn first_var(
    env: &dyn Environment,
    names: &[&'static str],
) -> Option<(&'static str, String)> {
    names
        .iter()
        .find_map(|&name| non_empty_var(env, name).map(|value| (name, value)))
}

/// Why `value` (named `label` in the message) cannot be a credential, if it cannot.
///
/// Tencent's Python `Credential()` rejects empty values and values with surrounding whitespace
/// (`InvalidCredential`); the same check is applied to Alibaba values, because a stray newline from
/// `$(cat key.txt)` otherwise surfaces much later as an opaque `SignatureDoesNotMatch`. Whitespace inside a
/// value is rejected too: no key, secret or token of either cloud contains any, and in a file it usually
/// means an inline comment the parser kept.
pub(crate) fn value_problem(label: &str, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        Some(format!("{label} is empty"))
    } else if value.trim() != value {
        Some(format!("{label} has leading or trailing whitespace"))
    } else if value.contains(char::is_whitespace) {
        Some(format!("{label} contains whitespace"))
    } else {
        None
    }
}

/// A credential value from a section of a credentials file: present, not empty, no whitespace. The message
/// names the key, never the value.
pub(crate) fn required_value(section: &Section, key: &str) -> Result<String, String> {
    let value = section.get(key).ok_or_else(|| format!("{key} missing"))?;
    match value_problem(key, value) {
        Some(problem) => Err(problem),
        None => Ok(value.to_owned()),
    }
}

/// `environment variable X`, or `environment variables X and T` with a token: how a [`super::Resolved`]
/// names credentials from the environment (names only, never values).
pub(crate) fn env_source(id_var: &str, token_var: Option<&str>) -> String {
    match token_var {
        Some(token_var) => format!("environment variables {id_var} and {token_var}"),
        None => format!("environment variable {id_var}"),
    }
}

/// ``file ~/.aliyun/config.json, profile `default` ``: how a [`super::Resolved`] names credentials from a file.
pub(crate) fn file_source(label: &str, profile: &str) -> String {
    format!("file {label}, profile `{profile}`")
}

/// How a profile name was chosen; shown next to the name in messages, so that a user who forgot
/// `ALIBABA_CLOUD_PROFILE=prod` in their shell sees why `prod` was looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameOrigin {
    /// Given to the chain builder.
    Explicit,
    /// From an environment variable.
    Var(&'static str),
    /// From the `current` field of the Alibaba CLI's `config.json`.
    Current,
    /// The fallback, `default`.
    Default,
}

/// A profile (or section) name and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileName {
    pub name: String,
    pub origin: NameOrigin,
}

impl ProfileName {
    /// The explicit name, else the first of the variables `vars` that is set, else `None`; empty strings
    /// count as not given.
    pub(crate) fn chosen(
        explicit: Option<&str>,
        env: &dyn Environment,
        vars: &[&'static str],
    ) -> Option<ProfileName> {
        if let Some(name) = explicit.filter(|name| !name.is_empty()) {
            return Some(ProfileName {
                name: name.to_owned(),
                origin: NameOrigin::Explicit,
            });
        }
        first_var(env, vars).map(|(var, name)| ProfileName {
            name,
            origin: NameOrigin::Var(var),
        })
    }

    /// `default`.
    pub(crate) fn fallback() -> ProfileName {
        ProfileName {
            name: "default".to_owned(),
            origin: NameOrigin::Default,
        }
    }

    /// `profile `prod` (from ALIBABA_CLOUD_PROFILE)`.
    pub(crate) fn describe(&self) -> String {
        let origin = match self.origin {
            NameOrigin::Explicit => " (given explicitly)".to_owned(),
            NameOrigin::Var(var) => format!(" (from {var})"),
            NameOrigin::Current => " (from `current`)".to_owned(),
            NameOrigin::Default => String::new(),
        };
        format!("profile `{}`{origin}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::env::MapEnvironment;
    use super::*;

    #[test]
    fn value_checks() {
        assert_eq!(value_problem("k", "abc"), None);
        assert_eq!(value_problem("k", ""), Some("k is empty".into()));
        assert_eq!(value_problem("k", " \t"), Some("k is empty".into()));
        assert_eq!(
            value_problem("k", "abc\n"),
            Some("k has leading or trailing whitespace".into())
        );
        assert_eq!(
            value_problem("k", " abc"),
            Some("k has leading or trailing whitespace".into())
        );
        assert_eq!(
            value_problem("k", "abc # comment"),
            Some("k contains whitespace".into())
        );
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let env = MapEnvironment::new().with_var("A", "").with_var("B", "b");
        assert_eq!(non_empty_var(&env, "A"), None);
        assert_eq!(first_var(&env, &["A", "B"]), Some(("B", "b".into())));
        assert_eq!(first_var(&env, &["A", "C"]), None);
    }

    #[test]
    fn profile_name_precedence() {
        let env = MapEnvironment::new().with_var("P", "from-env");
        let explicit = ProfileName::chosen(Some("x"), &env, &["P"]).unwrap();
        assert_eq!(explicit.name, "x");
        assert_eq!(explicit.describe(), "profile `x` (given explicitly)");
        let from_env = ProfileName::chosen(Some(""), &env, &["Q", "P"]).unwrap();
        assert_eq!(from_env.describe(), "profile `from-env` (from P)");
        assert_eq!(
            ProfileName::chosen(None, &MapEnvironment::new(), &["P"]),
            None
        );
        assert_eq!(ProfileName::fallback().describe(), "profile `default`");
    }
}
