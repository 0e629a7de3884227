//! Deletes made idempotent for the caller: "not found" after an attempt the service may have acted on means
//! that attempt deleted the resource.

use super::Core;
use crate::error::Error;
use crate::protocol::{Parser, Wire};
use crate::transport::HttpRequest;
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::{Operation, OperationError};
use std::sync::atomic::{AtomicU32, Ordering};

/// The result of a delete made idempotent for the caller (see
/// [`ApiClient::delete`](super::ApiClient::delete)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletion<T> {
    /// The service confirmed this deletion.
    Deleted(T),
    /// A retry found the resource gone: an earlier attempt whose answer was lost deleted it.
    AlreadyGone {
        /// The request id of the not-found answer.
        request_id: Option<String>,
    },
}

/// The idempotent-delete wrapper: runs the call with the retry loop, but remembers whether an attempt the
/// service may have acted on was made before a not-found answer (one whose connection was refused, or that
/// the service refused for its credentials, was not).
pub(super) async fn delete_with<O: Operation, W: Wire + ?Sized>(
    wire: &W,
    meta: &'static OperationMeta,
    build: impl Fn(&Core, Option<&W::Credentials>) -> HttpRequest,
    parse: Parser<O>,
) -> Result<Deletion<O::Output>, Error<O::Error>> {
    let acted_on = AtomicU32::new(0);
    match wire
        .core()
        .execute::<O, W>(wire, meta, build, parse, &acted_on)
        .await
    {
        Ok(out) => Ok(Deletion::Deleted(out)),
        Err(Error::Service(e)) if e.is_not_found() && acted_on.load(Ordering::Relaxed) > 1 => {
            Ok(Deletion::AlreadyGone {
                request_id: e.request_id().map(str::to_owned),
            })
        }
        Err(e) => Err(e),
    }
}
