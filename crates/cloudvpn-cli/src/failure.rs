//! What went wrong, as the exit code and the text on stderr.

use cloudvpn::{Error, WaitError};
use cloudvpn_types::OperationError;
use std::fmt::Write as _;
use std::process::ExitCode;

/// Kinds of failure, each with its documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 2: bad flags or an invalid request; nothing was sent.
    Usage,
    /// 3: the service answered with an error.
    Service,
    /// 4: no usable answer.
    Transport,
    /// 5: too slow.
    Timeout,
    /// 6: the asynchronous operation failed.
    OperationFailed,
    /// 7: `sweep`: some selected gateways could not be deleted (or a region could not be listed).
    SomeFailed,
    /// 130: interrupted (Ctrl-C) after the command wound down by itself (`sweep`).
    Interrupted,
    /// Whoever read stdout went away (`cloudvpn … | head -1`): stop quietly with 0, as `ls | head` does.
    ClosedOutput,
}

impl Kind {
    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Kind::Usage => 2,
            Kind::Service => 3,
            Kind::Transport => 4,
            Kind::Timeout => 5,
            Kind::OperationFailed => 6,
            Kind::SomeFailed => crate::sweep::args::EXIT_SOME_FAILED,
            Kind::Interrupted => crate::EXIT_INTERRUPTED,
            Kind::ClosedOutput => 0,
        }
    }
}

/// A failed command: what to print and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The kind.
    pub kind: Kind,
    /// What went wrong (first line) and details (following lines).
    pub message: String,
}

impl Failure {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            kind: Kind::Usage,
            message: message.into(),
        }
    }

    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.code())
    }

    /// From an SDK error; service errors get code, message, request id, status and the spec's advice.
    pub fn from_sdk<E: OperationError>(e: Error<E>) -> Self {
        match e {
            Error::Validation(v) => Failure::usage(format!("{v} (nothing was sent)")),
            Error::Config { .. } | Error::WrongProtocol { .. } | Error::Credentials(_) => {
                Failure::usage(e.to_string())
            }
            Error::Transport { .. } | Error::Unparsable { .. } => Failure {
                kind: Kind::Transport,
                message: e.to_string(),
            },
            Error::Timeout { .. } => Failure {
                kind: Kind::Timeout,
                message: e.to_string(),
            },
            Error::Service(s) => Failure {
                kind: Kind::Service,
                message: describe_service_error(&s),
            },
            _ => Failure {
                kind: Kind::Transport,
                message: e.to_string(),
            },
        }
    }

    /// From a waiter error.
    pub fn from_wait<E: OperationError>(e: WaitError<E>) -> Self {
        match e {
            WaitError::Poll(inner) => {
                let mut f = Failure::from_sdk(inner);
                f.message = format!("while waiting: {}", f.message);
                f
            }
            WaitError::TimedOut { .. } => Failure {
                kind: Kind::Timeout,
                message: e.to_string(),
            },
            WaitError::Failed { .. } => Failure {
                kind: Kind::OperationFailed,
                message: e.to_string(),
            },
            // A poll of the recipe's fallback failed as a first poll does: an answered error is the service's
            // (3), anything else no usable answer (4) — not a failed operation.
            WaitError::FallbackPoll { ref code, .. } => Failure {
                kind: if code.is_some() {
                    Kind::Service
                } else {
                    Kind::Transport
                },
                message: format!("while waiting: {e}"),
            },
            other => Failure {
                kind: Kind::OperationFailed,
                message: other.to_string(),
            },
        }
    }
}

/// `code: message`, then request id, HTTP status and what the documents say to do.
pub fn describe_service_error<E: OperationError>(e: &E) -> String {
    let info = e.info();
    let mut out = format!("{e}");
    if let Some(id) = &info.request_id {
        let _ = write!(out, "\n  request id: {id}");
    }
    if let Some(status) = info.http_status {
        let _ = write!(out, "\n  HTTP status: {status}");
    }
    if let Some(doc) = e.documented() {
        let _ = write!(out, "\n  what it means: {}", doc.hint);
        if doc.retryable {
            let _ = write!(
                out,
                "\n  this error is transient: retry later, or use --wait on the previous step"
            );
        }
    }
    if let Some(r) = &info.recommend {
        let _ = write!(out, "\n  troubleshoot: {r}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayError;
    use cloudvpn_types::meta::{Protocol, Provider};

    #[test]
    fn an_operation_of_another_protocol_is_a_usage_error() {
        // Nothing was sent: exit 2, like the other ways a client cannot make the call.
        let f = Failure::from_sdk(Error::<DeleteVpnGatewayError>::WrongProtocol {
            action: "Frob",
            provider: Provider::Alibaba,
            api: "made-up API",
            protocol: Protocol::TencentV2,
            client: Protocol::AlibabaRpc,
        });
        assert_eq!(f.kind, Kind::Usage);
        assert!(
            f.message.starts_with("Frob is an alibaba operation"),
            "{}",
            f.message
        );
        assert!(f.message.contains("nothing was sent"), "{}", f.message);
    }

    #[test]
    fn a_failed_fallback_poll_exits_as_a_failed_first_poll_does() {
        let fallback = |code: Option<&str>| {
            Failure::from_wait(WaitError::<DeleteVpnGatewayError>::FallbackPoll {
                poll_action: "DescribeVpnConnections",
                code: code.map(str::to_owned),
                error: "InternalError: boom".into(),
            })
        };
        let answered = fallback(Some("InternalError"));
        assert_eq!(answered.kind.code(), 3, "{answered:?}");
        assert!(
            answered.message.contains("DescribeVpnConnections"),
            "{answered:?}"
        );
        assert_eq!(fallback(None).kind.code(), 4);
    }
}
