//! Errors as data: what a service said ([`ErrorInfo`]), the trait every generated error enum implements
//! ([`OperationError`]), and the client-side validation error ([`ValidationError`]).

use crate::meta::DocumentedError;
use std::fmt;

/// An error as the service sent it. Kept whole so that nothing the server said is lost, even for codes
/// the specs do not know.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorInfo {
    /// The error code (`InvalidVpnGatewayInstanceId.NotFound`; Tencent v2: `codeDesc`, or the integer
    /// `code` as text when there is no `codeDesc`).
    pub code: String,
    /// The service's message.
    pub message: String,
    /// The request id, when the service gave one.
    pub request_id: Option<String>,
    /// The HTTP status (Tencent v2 errors arrive with 200).
    pub http_status: Option<u16>,
    /// Alibaba: the troubleshooting link.
    pub recommend: Option<String>,
    /// Alibaba: the host that answered.
    pub host_id: Option<String>,
    /// Tencent v2: the integer `code` of the envelope.
    pub envelope_code: Option<i64>,
    /// Not from the service: when it rejected the credentials (unknown key, wrong secret, disabled key, bad
    /// token), the client notes where they came from — `environment variable ALIBABA_CLOUD_ACCESS_KEY_ID`,
    /// ``file ~/.aliyun/config.json, profile `default` `` — so the user knows which key to fix. Never a secret.
    pub credentials_source: Option<String>,
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(status) = self.http_status {
            write!(f, " (HTTP {status}")?;
        } else {
            f.write_str(" (")?;
        }
        match &self.request_id {
            Some(id) if self.http_status.is_some() => write!(f, ", request id {id})"),
            Some(id) => write!(f, "request id {id})"),
            None if self.http_status.is_some() => f.write_str(")"),
            None => f.write_str("no request id)"),
        }?;
        match &self.credentials_source {
            Some(source) => write!(f, "; credentials from: {source}"),
            None => Ok(()),
        }
    }
}

/// Implemented by every generated per-operation error enum.
///
/// One variant per documented code (spellings of one error share a variant), plus `Unhandled` for codes the
/// documents do not list; every variant keeps the [`ErrorInfo`] it came from.
pub trait OperationError: std::error::Error + Send + Sync + 'static {
    /// Classifies a service error by its code.
    fn from_info(info: ErrorInfo) -> Self;
    /// What the service sent.
    fn info(&self) -> &ErrorInfo;
    /// What the specs say about this code, if they know it.
    fn documented(&self) -> Option<&'static DocumentedError>;

    /// The code as received.
    fn code(&self) -> &str {
        &self.info().code
    }
    /// The message as received.
    fn message(&self) -> &str {
        &self.info().message
    }
    /// The request id, if any.
    fn request_id(&self) -> Option<&str> {
        self.info().request_id.as_deref()
    }
    /// Whether the specs mark this error retryable (throttling included).
    fn is_retryable(&self) -> bool {
        self.documented()
            .is_some_and(|d| d.retryable || d.throttling)
    }
    /// Whether the specs mark this error as rate limiting.
    fn is_throttling(&self) -> bool {
        self.documented().is_some_and(|d| d.throttling)
    }
    /// Whether the specs say this error means "the resource does not exist".
    fn is_not_found(&self) -> bool {
        self.documented().is_some_and(|d| d.not_found)
    }
}

/// What is wrong with a parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A required parameter is absent.
    Missing,
    /// A required string is empty.
    Empty,
    /// Shorter than allowed.
    TooShort {
        /// Minimum length in characters.
        min: u32,
        /// Actual length in characters.
        actual: usize,
    },
    /// Longer than allowed.
    TooLong {
        /// Maximum length in characters.
        max: u32,
        /// Actual length in characters.
        actual: usize,
    },
    /// Contains a character that is not ASCII.
    NotAscii {
        /// The first offending character.
        found: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
    /// Not one of the allowed values.
    NotAllowed {
        /// The allowed values.
        allowed: &'static [&'static str],
    },
    /// An integer below the minimum.
    BelowMinimum {
        /// The minimum.
        min: i64,
        /// The value.
        actual: i64,
    },
    /// An integer above the maximum.
    AboveMaximum {
        /// The maximum.
        max: i64,
        /// The value.
        actual: i64,
    },
    /// Text that should be an integer.
    NotAnInteger,
    /// Text that should be `true` or `false`.
    NotABoolean,
    /// The parameter appears more than once.
    Duplicate,
    /// The operation does not take this parameter.
    Unknown,
    /// A list with fewer elements than allowed.
    TooFewItems {
        /// Minimum number of elements.
        min: u32,
        /// Actual number.
        actual: usize,
    },
    /// A list with more elements than allowed.
    TooManyItems {
        /// Maximum number of elements.
        max: u32,
        /// Actual number.
        actual: usize,
    },
    /// A flattened list skips an index (`Name.0`, `Name.2` without `Name.1`).
    MissingIndex {
        /// The first index absent.
        missing: usize,
        /// The index of the first element.
        first: usize,
    },
    /// A single value where a list is expected.
    ExpectedList {
        /// The index of the first element on the wire.
        first: usize,
    },
    /// A single value where an object with members is expected.
    ExpectedObject,
    /// A list or object where a single value is expected.
    ExpectedScalar,
}

/// A request that breaks a documented constraint, caught before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation.
    pub action: &'static str,
    /// The parameter's wire name.
    pub param: String,
    /// What is wrong.
    pub problem: Problem,
    /// The offending value, when showing it helps (never a secret: only request parameters get here).
    pub value: Option<String>,
}

impl ValidationError {
    /// A new error.
    pub fn new(action: &'static str, param: impl Into<String>, problem: Problem) -> Self {
        ValidationError {
            action,
            param: param.into(),
            problem,
            value: None,
        }
    }

    /// With the offending value.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.param;
        write!(f, "{}: ", self.action)?;
        match &self.problem {
            Problem::Missing => write!(f, "{p} is required but was not given"),
            Problem::Empty => write!(f, "{p} must not be empty"),
            Problem::TooShort { min, actual } => {
                write!(
                    f,
                    "{p} is {actual} characters long; it must be at least {min}"
                )
            }
            Problem::TooLong { max, actual } => {
                write!(
                    f,
                    "{p} is {actual} characters long; it must be at most {max}"
                )
            }
            Problem::NotAscii { found, position } => write!(
                f,
                "{p} contains {found:?} at position {position}; only ASCII characters are allowed"
            ),
            Problem::NotAllowed { allowed } => {
                write!(f, "{p} must be one of {}", allowed.join(", "))
            }
            Problem::BelowMinimum { min, actual } => {
                write!(f, "{p} is {actual}; it must be at least {min}")
            }
            Problem::AboveMaximum { max, actual } => {
                write!(f, "{p} is {actual}; it must be at most {max}")
            }
            Problem::NotAnInteger => write!(f, "{p} must be an integer"),
            Problem::NotABoolean => write!(f, "{p} must be true or false"),
            Problem::Duplicate => write!(f, "{p} was given more than once"),
            Problem::Unknown => write!(f, "{p} is not a parameter of this operation"),
            Problem::TooFewItems { min, actual } => {
                write!(f, "{p} has {actual} elements; it needs at least {min}")
            }
            Problem::TooManyItems { max, actual } => {
                write!(f, "{p} has {actual} elements; it takes at most {max}")
            }
            Problem::MissingIndex { missing, first } => write!(
                f,
                "{p}.{missing} is missing: list elements are numbered from {first} without gaps"
            ),
            Problem::ExpectedList { first } => write!(
                f,
                "{p} is a list: send {p}.{first}, {p}.{}, … (or a JSON array)",
                first + 1
            ),
            Problem::ExpectedObject => write!(
                f,
                "{p} is an object: send its members as {p}.<Member> (or a JSON object)"
            ),
            Problem::ExpectedScalar => {
                write!(f, "{p} takes a single value, not a list or an object")
            }
        }?;
        if let Some(v) = &self.value {
            write!(f, " (got {v:?})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_credentials_source_when_the_client_noted_one() {
        let mut info = ErrorInfo {
            code: "SignatureDoesNotMatch".into(),
            message: "Specified signature is not matched with our calculation.".into(),
            request_id: Some("R1".into()),
            http_status: Some(400),
            ..ErrorInfo::default()
        };
        assert_eq!(
            info.to_string(),
            "SignatureDoesNotMatch: Specified signature is not matched with our calculation. (HTTP 400, \
             request id R1)"
        );
        info.credentials_source = Some("environment variable ALIBABA_CLOUD_ACCESS_KEY_ID".into());
        assert_eq!(
            info.to_string(),
            "SignatureDoesNotMatch: Specified signature is not matched with our calculation. (HTTP 400, \
             request id R1); credentials from: environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"
        );
    }
}

/// A generated response builder (`test-util`) was asked to build without one of its required fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildError {
    /// The struct being built (`DescribeVpnGatewaysResponse`).
    pub shape: &'static str,
    /// The wire name of the missing field (`RequestId`).
    pub field: &'static str,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the required field {} was not set; set it on the builder before build()",
            self.shape, self.field
        )
    }
}

impl std::error::Error for BuildError {}
