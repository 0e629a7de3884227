//! [`Secret`]: a string that never shows up in logs by accident.

use std::fmt;

/// A secret value (access key secret, secret key, security token).
///
/// `Debug` prints `Secret(***)` and there is deliberately no `Display`, so a secret can only reach a log,
/// an error message or a panic through an explicit [`Secret::expose`] call, which is easy to grep for.
/// The buffer is not zeroed on drop: the value has already passed through the environment or a file, and
/// the signer copies it anyway, so zeroing here would promise more than it delivers.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the signer. Every call is a place where the value may leave the wrapper.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not even the length: a length narrows down which key it is.
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2-DISTINCTIVE");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{secret:#?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(Secret(***))");
    }

    #[test]
    fn expose_and_equality() {
        let secret = Secret::new("abc");
        assert_eq!(secret.expose(), "abc");
        assert_eq!(secret, Secret::from("abc"));
        assert_eq!(secret, Secret::from(String::from("abc")));
        assert_ne!(secret, Secret::new("abd"));
    }
}
