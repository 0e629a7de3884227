//! Signs the ACS3 DeleteVpnGateway of the `signing` bench N times (`v3_count N`), for counting instructions
//! under `valgrind --tool=callgrind`: on a shared machine the count is stable where the time is not.
//! Valgrind hides SHA-NI, so SHA-256 runs in software there and its share is larger than on the CPU.

use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest};
use std::hint::black_box;

const QUERY: [(&str, &str); 3] = [
    ("ClientToken", "02fb3da4-130e-11e9-8e44-001****"),
    ("RegionId", "cn-hangzhou"),
    ("VpnGatewayId", "vpn-bp1q8bgx4xnkm2ogj****"),
];

/// The headers in the order the runtime adds them (not sorted).
const HEADERS: [(&str, &str); 9] = [
    ("host", "vpc.aliyuncs.com"),
    ("x-acs-version", "2016-04-28"),
    ("x-acs-action", "DeleteVpnGateway"),
    (
        "user-agent",
        "AlibabaCloud (Linux; x86_64) Python/3.12.3 Core/1.0.0 TeaDSL/2",
    ),
    ("x-acs-date", "2024-01-01T12:00:00Z"),
    (
        "x-acs-signature-nonce",
        "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    ),
    ("accept", "application/json"),
    ("x-acs-content-sha256", alibaba_v3::EMPTY_PAYLOAD_HASH),
    ("x-acs-credentials-provider", "static_ak"),
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let mut total = 0usize;
    for _ in 0..n {
        let mut request = CanonicalRequest::new("POST", "/")
            .query_params(black_box(&QUERY))
            .body(b"");
        for (name, value) in black_box(HEADERS) {
            request.push_header(name, value);
        }
        total += alibaba_v3::authorize("testid", black_box("testsecret"), &request).len();
    }
    println!("{total} bytes of Authorization headers");
}
