//! Where the chains read environment variables and the home directory from.
//!
//! The chains never call `std::env` directly: they take an [`Environment`], so tests (ours and users')
//! describe the environment with a [`MapEnvironment`] instead of mutating the real process environment,
//! which is shared by every test thread and `unsafe` to write to in edition 2024.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// A source of environment variables and of the home directory.
pub trait Environment: Send + Sync {
    /// The value of the variable `name`, or `None` when it is unset (or not valid UTF-8).
    fn var(&self, name: &str) -> Option<String>;
    /// The user's home directory, under which `~/.aliyun`, `~/.alibabacloud` and `~/.tencentcloud` live.
    fn home_dir(&self) -> Option<PathBuf>;
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    /// `HOME`, falling back to `USERPROFILE` (Windows), as the official SDKs do. Empty values count as unset
    /// so that `HOME=` does not turn `~/.aliyun` into the relative path `.aliyun`.
    fn home_dir(&self) -> Option<PathBuf> {
        ["HOME", "USERPROFILE"]
            .into_iter()
            .filter_map(std::env::var_os)
            .find(|value| !value.is_empty())
            .map(PathBuf::from)
    }
}

/// A fixed environment: a map of variables and an optional home directory.
///
/// ```
/// use cloudvpn::credentials::{Environment, MapEnvironment};
///
/// let env = MapEnvironment::new()
///     .with_var("TENCENTCLOUD_SECRET_ID", "AKIDexample")
///     .with_home("/nonexistent-home");
/// assert_eq!(env.var("TENCENTCLOUD_SECRET_ID").as_deref(), Some("AKIDexample"));
/// assert_eq!(env.var("TENCENTCLOUD_SECRET_KEY"), None);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MapEnvironment {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
}

impl MapEnvironment {
    /// An environment with no variables and no home directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a variable (replacing an earlier value).
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the home directory.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }
}

impl Environment for MapEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    fn home_dir(&self) -> Option<PathBuf> {
        self.home.clone()
    }
}

impl fmt::Debug for MapEnvironment {
    /// Variable names only: the values are typically test secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("MapEnvironment")
            .field("vars", &names)
            .field("home", &self.home)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_environment_reads_what_it_was_given() {
        let env = MapEnvironment::new()
            .with_var("A", "1")
            .with_var("A", "2")
            .with_home("h");
        assert_eq!(env.var("A").as_deref(), Some("2"));
        assert_eq!(env.var("B"), None);
        assert_eq!(env.home_dir(), Some(PathBuf::from("h")));
        assert_eq!(MapEnvironment::new().home_dir(), None);
    }

    #[test]
    fn map_environment_debug_hides_values() {
        let env = MapEnvironment::new().with_var("SECRET_NAME", "value-DISTINCTIVE");
        let shown = format!("{env:?}");
        assert!(shown.contains("SECRET_NAME"), "{shown}");
        assert!(!shown.contains("DISTINCTIVE"), "{shown}");
    }

    #[test]
    fn usable_as_trait_object() {
        let env: &dyn Environment = &MapEnvironment::new().with_var("X", "y");
        assert_eq!(env.var("X").as_deref(), Some("y"));
    }
}
