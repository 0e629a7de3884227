//! The parts of the canonical request that are emitted on their own (the query, the headers, the signed
//! header list), and the canonical request emitted with some of them already rendered.

use super::CanonicalRequest;
use crate::sink::{Emit, Sink};

/// Parts of a [`CanonicalRequest`] already rendered elsewhere: text that is
/// exactly what [`Part::Query`] and [`Part::SignedHeaders`] would emit, so
/// the hash reads it instead of encoding and joining the entries a second
/// time. `None` emits the part from the request.
#[derive(Default)]
pub(in crate::alibaba_v3) struct Rendered<'a> {
    /// [`CanonicalRequest::canonical_query_string`].
    pub(in crate::alibaba_v3) query: Option<&'a str>,
    /// [`CanonicalRequest::signed_headers`].
    pub(in crate::alibaba_v3) signed_headers: Option<&'a str>,
}

/// A canonical request with some parts taken from [`Rendered`].
pub(super) struct WithRendered<'a>(pub(super) &'a CanonicalRequest, pub(super) &'a Rendered<'a>);

impl Emit for WithRendered<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        let WithRendered(request, rendered) = *self;
        out.put(request.str(request.method));
        out.put("\n");
        out.put(request.str(request.path));
        out.put("\n");
        match rendered.query {
            Some(query) => out.put(query),
            None => Part::Query(request).emit(out),
        }
        out.put("\n");
        Part::Headers(request).emit(out);
        out.put("\n");
        match rendered.signed_headers {
            Some(signed) => out.put(signed),
            None => Part::SignedHeaders(request).emit(out),
        }
        out.put("\n");
        out.put(request.payload());
    }
}

/// The pieces of a [`CanonicalRequest`] that are rendered on their own.
pub(in crate::alibaba_v3) enum Part<'a> {
    /// `CanonicalQueryString`.
    Query(&'a CanonicalRequest),
    /// `CanonicalHeaders`.
    Headers(&'a CanonicalRequest),
    /// `SignedHeaders`.
    SignedHeaders(&'a CanonicalRequest),
}

impl Emit for Part<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        match *self {
            Self::Query(request) => {
                for (i, &entry) in request.query.iter().enumerate() {
                    let (name, value) = request.pair(entry);
                    if i > 0 {
                        out.put("&");
                    }
                    out.put(name);
                    out.put("=");
                    out.put_encoded(value);
                }
            }
            Self::Headers(request) => {
                let mut previous: Option<(u64, &str)> = None;
                for &entry in &request.headers {
                    let (name, value) = request.pair(entry);
                    if previous == Some((entry.prefix, name)) {
                        out.put(",");
                    } else {
                        if previous.is_some() {
                            out.put("\n");
                        }
                        out.put(name);
                        out.put(":");
                    }
                    out.put(value);
                    previous = Some((entry.prefix, name));
                }
                if previous.is_some() {
                    out.put("\n");
                }
            }
            Self::SignedHeaders(request) => {
                let mut previous: Option<(u64, &str)> = None;
                for entry in &request.headers {
                    let name = request.str(entry.name);
                    if previous == Some((entry.prefix, name)) {
                        continue;
                    }
                    if previous.is_some() {
                        out.put(";");
                    }
                    out.put(name);
                    previous = Some((entry.prefix, name));
                }
            }
        }
    }
}
