//! Unit tests of the canonical request: several values of one header, adding headers at once, the query's
//! encoding.

use super::*;

#[test]
fn multiple_header_values_are_trimmed_sorted_and_joined() {
    let request = CanonicalRequest::new("GET", "/")
        .header("X-B", " 2 ")
        .header("x-b", "1")
        .header("x-a", "v");
    assert_eq!(request.canonical_headers(), "x-a:v\nx-b:1,2\n");
    assert_eq!(request.signed_headers(), "x-a;x-b");
}

#[test]
fn extend_headers_renders_like_pushing_each() {
    let headers = [
        ("x-acs-version", "2016-04-28"),
        ("Host", "vpc.aliyuncs.com"),
        ("x-b", " 2 "),
        ("accept", "application/json"),
        ("X-B", "1"),
        ("x-acs-action", "DeleteVpnGateway"),
    ];
    let mut one_by_one = CanonicalRequest::new("POST", "/");
    for (name, value) in headers {
        one_by_one.push_header(name, value);
    }
    let mut at_once = CanonicalRequest::new("POST", "/");
    at_once.extend_headers(headers);
    assert_eq!(at_once.to_string(), one_by_one.to_string());
    assert_eq!(at_once, one_by_one);
    assert_eq!(
        at_once.canonical_headers(),
        "accept:application/json\nhost:vpc.aliyuncs.com\nx-acs-action:DeleteVpnGateway\n\
         x-acs-version:2016-04-28\nx-b:1,2\n"
    );
}

#[test]
fn canonical_query_encodes_values_but_not_names() {
    let request = CanonicalRequest::new("GET", "/")
        .query("b", "x y")
        .query("a*", "*");
    assert_eq!(request.canonical_query_string(), "a*=%2A&b=x%20y");
}
