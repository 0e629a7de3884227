//! Success bodies: a typed response as JSON, as a server sends it.

use serde::Serialize;

/// `value` as JSON, empty lists included (see [`cloudvpn_types::ser`]). Generated responses are plain
/// structs of strings, numbers and lists: serialising them cannot fail.
pub(crate) fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Sized for a Describe answer of one resource, so that it is written without regrowing (and under
    // glibc's 1008-byte small-allocation limit, above which each allocation is much slower).
    let mut out = Vec::with_capacity(1000);
    cloudvpn_types::ser::with_empty_lists(|| serde_json::to_writer(&mut out, value)).ok();
    out
}
