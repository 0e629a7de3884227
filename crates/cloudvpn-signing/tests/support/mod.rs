//! Parser for the captured official-SDK requests in `tests/vectors/`.
//!
//! Both files are the printed output of scripts that drove the official
//! Python SDKs against a recording server. Cases are separated by lines of
//! `=`; a line of `-` separates the title from the captured request and the
//! request from what the SDK (or an independent reference signer) printed.
//!
//! * Alibaba: request line, headers, a blank line, the body (`<empty body>`
//!   when empty); then `CanonicalRequest:` (multi-line, ACS3 only),
//!   `StringToSign:` (one line for RPC v1, two for ACS3) and, for RPC v1,
//!   `Signature = Base64(...) = <sig>`.
//! * Tencent: the request as the socket saw it, every line ending in a
//!   literal `\r\n` (as Python prints bytes), a `\r\n` line, then the body
//!   line; then `  source string : <...>` and `  signature     : <sig>  (...)`
//!   for the v2 and old-style cases, or a TC3 canonical request and string
//!   to sign.
//!
//! The parser is strict: anything it does not recognise makes it panic with
//! the case title, so a changed file cannot silently drop a case.

#![allow(dead_code)]

/// A request exactly as captured on the wire.
#[derive(Debug, Clone)]
pub struct WireRequest {
    /// `GET` / `POST`.
    pub method: String,
    /// The request target up to `?`.
    pub path: String,
    /// The raw query string after `?` (still URL-encoded), or empty.
    pub query: String,
    /// Headers in wire order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: String,
}

impl WireRequest {
    /// The values of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One case of a vector file.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// The first line of the case.
    pub title: String,
    /// The captured request, if the case has one.
    pub request: Option<WireRequest>,
    /// The printed ACS3 / TC3 canonical request.
    pub canonical_request: Option<String>,
    /// The printed string to sign.
    pub string_to_sign: Option<String>,
    /// The printed Tencent source string.
    pub source_string: Option<String>,
    /// The printed signature.
    pub signature: Option<String>,
    /// URLs printed by the Tencent v2 SDK's `generateUrl()`.
    pub generated_urls: Vec<String>,
}

impl Case {
    /// The `[X]` label of an Alibaba case, if any.
    pub fn label(&self) -> Option<&str> {
        let rest = self.title.strip_prefix('[')?;
        Some(&rest[..rest.find(']')?])
    }

    /// The captured request; panics with the title if there is none.
    pub fn wire(&self) -> &WireRequest {
        self.request
            .as_ref()
            .unwrap_or_else(|| panic!("case {:?} has no request", self.title))
    }
}

fn is_rule(line: &str, ch: char) -> bool {
    line.len() >= 20 && line.chars().all(|c| c == ch)
}

fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = vec![Vec::new()];
    for line in text.lines() {
        if is_rule(line, '=') {
            blocks.push(Vec::new());
        } else if let Some(block) = blocks.last_mut() {
            block.push(line);
        }
    }
    blocks.retain(|b| b.iter().any(|l| !l.trim().is_empty()));
    blocks
}

/// Splits `METHOD target HTTP/1.1` into method, path and raw query.
fn request_line(line: &str, title: &str) -> (String, String, String) {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some("HTTP/1.1"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("{title}: bad request line {line:?}");
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    (method.to_owned(), path.to_owned(), query.to_owned())
}

fn header_line(line: &str, title: &str) -> (String, String) {
    let (name, value) = line
        .split_once(": ")
        .unwrap_or_else(|| panic!("{title}: bad header line {line:?}"));
    (name.to_owned(), value.to_owned())
}

/// Parses `alibaba-official-sdk.txt`.
pub fn parse_alibaba(text: &str) -> Vec<Case> {
    blocks(text).into_iter().map(parse_alibaba_case).collect()
}

fn parse_alibaba_case(lines: Vec<&str>) -> Case {
    let title = lines[0].trim().to_owned();
    let mut case = Case {
        title: title.clone(),
        ..Case::default()
    };
    let mut rest = lines[1..].iter().copied().peekable();

    // Title, then a rule, then (maybe) the request.
    let starts_request = rest.next().is_some_and(|l| is_rule(l, '-'))
        && rest.peek().is_some_and(|l| l.ends_with(" HTTP/1.1"));
    if !starts_request {
        return case; // e.g. [J]: error-mapping output, no request.
    }
    let (method, path, query) = request_line(rest.next().unwrap_or_default(), &title);
    let mut headers = Vec::new();
    for line in rest.by_ref() {
        if line.is_empty() {
            break;
        }
        headers.push(header_line(line, &title));
    }
    let body = match rest.next() {
        Some("<empty body>") => String::new(),
        Some(body) => body.to_owned(),
        None => panic!("{title}: no body line"),
    };
    case.request = Some(WireRequest {
        method,
        path,
        query,
        headers,
        body,
    });

    let rest: Vec<&str> = rest.collect();
    let mut i = 0;
    while i < rest.len() {
        let line = rest[i];
        if line == "CanonicalRequest:" {
            let end = (i + 1..rest.len())
                .find(|&j| rest[j] == "StringToSign:")
                .unwrap_or_else(|| panic!("{title}: CanonicalRequest without StringToSign"));
            let mut body: Vec<&str> = rest[i + 1..end].to_vec();
            while body.last() == Some(&"") {
                body.pop();
            }
            case.canonical_request = Some(body.join("\n"));
            i = end;
        } else if line == "StringToSign:" {
            let end = (i + 1..rest.len())
                .find(|&j| rest[j].is_empty())
                .unwrap_or(rest.len());
            case.string_to_sign = Some(rest[i + 1..end].join("\n"));
            i = end;
        } else if let Some(sig) = line.strip_prefix("Signature = ") {
            let sig = sig.rsplit(" = ").next().unwrap_or(sig);
            case.signature = Some(sig.to_owned());
            i += 1;
        } else {
            i += 1;
        }
    }
    case
}

/// Parses `tencent-official-sdk.txt`.
pub fn parse_tencent(text: &str) -> Vec<Case> {
    blocks(text).into_iter().map(parse_tencent_case).collect()
}

fn parse_tencent_case(lines: Vec<&str>) -> Case {
    const CRLF: &str = "\\r\\n";
    let title = lines[0].trim().to_owned();
    let mut case = Case {
        title: title.clone(),
        ..Case::default()
    };
    let mut i = 1;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if let Some(url) = trimmed.split("generateUrl").nth(1) {
            let url = url.trim_start_matches("():").trim_start_matches(':').trim();
            if let Some(url) = url.split_whitespace().last() {
                case.generated_urls.push(url.to_owned());
            }
            i += 1;
        } else if line.ends_with(&format!(" HTTP/1.1{CRLF}")) && case.request.is_none() {
            let (method, path, query) = request_line(line.trim_end_matches(CRLF), &title);
            let mut headers = Vec::new();
            i += 1;
            while i < lines.len() && lines[i] != CRLF {
                let header = lines[i]
                    .strip_suffix(CRLF)
                    .unwrap_or_else(|| panic!("{title}: header without \\r\\n: {:?}", lines[i]));
                headers.push(header_line(header, &title));
                i += 1;
            }
            // Skip the `\r\n` line; the next line is the body (empty for GET).
            let body = lines.get(i + 1).copied().unwrap_or_default().to_owned();
            case.request = Some(WireRequest {
                method,
                path,
                query,
                headers,
                body,
            });
            i += 2;
        } else if let Some(source) = trimmed.strip_prefix("source string : ") {
            case.source_string = Some(source.to_owned());
            i += 1;
        } else if let Some(sig) = trimmed.strip_prefix("signature     : ") {
            let sig = sig.split_whitespace().next().unwrap_or_default();
            case.signature = Some(sig.to_owned());
            i += 1;
        } else if trimmed == "CanonicalRequest:" {
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim() == "StringToSign:")
                .unwrap_or_else(|| panic!("{title}: CanonicalRequest without StringToSign"));
            let body: Vec<&str> = lines[i + 1..end]
                .iter()
                .map(|l| l.strip_prefix("    ").unwrap_or(l.trim()))
                .collect();
            case.canonical_request = Some(body.join("\n"));
            i = end;
        } else if trimmed == "StringToSign:" {
            // Its lines are indented by four spaces; the line after them
            // (`  Authorization (...)`) by two.
            let end = (i + 1..lines.len())
                .find(|&j| !lines[j].starts_with("    "))
                .unwrap_or(lines.len());
            let body: Vec<&str> = lines[i + 1..end].iter().map(|l| &l[4..]).collect();
            case.string_to_sign = Some(body.join("\n"));
            i = end;
        } else {
            i += 1;
        }
    }
    case
}

/// Changes `value` minimally: its first character becomes a different ASCII
/// letter (one byte for the ASCII values in the vectors); an empty value
/// becomes `x`.
pub fn mutate(value: &str) -> String {
    let mut chars = value.chars();
    match chars.next() {
        None => "x".to_owned(),
        Some(first) => {
            let replacement = if first == 'a' { 'b' } else { 'a' };
            let mut out = String::with_capacity(value.len());
            out.push(replacement);
            out.push_str(chars.as_str());
            out
        }
    }
}

/// A captured source string as a verifier reports it in a mismatch: the session token's value masked
/// (`Token=***`), never the token.
#[allow(dead_code)] // not every test binary sharing this module reports mismatches
pub fn with_token_masked(source: &str) -> String {
    let (head, query) = source.split_once('?').unwrap_or(("", source));
    let query: Vec<&str> = query
        .split('&')
        .map(|pair| {
            if pair.starts_with("Token=") {
                "Token=***"
            } else {
                pair
            }
        })
        .collect();
    if head.is_empty() && !source.contains('?') {
        query.join("&")
    } else {
        format!("{head}?{}", query.join("&"))
    }
}
