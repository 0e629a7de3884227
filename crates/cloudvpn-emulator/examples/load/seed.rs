//! Seeding the emulator for a load run, through its control API (unsigned JSON on loopback).

use super::*;

/// One unsigned JSON call of the control API on a new connection; an answer of 300 or more is an error.
pub(super) async fn control(
    addr: SocketAddr,
    method: Method,
    path: &str,
    body: String,
) -> Result<(), String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{path}: {e}"))?
        .to_bytes();
    if status.as_u16() >= 300 {
        return Err(format!(
            "{path} answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(())
}

pub(super) const SEED_CHUNK: usize = 5_000;

/// Seeds `n` more Alibaba gateways (`vpn-standing-…`) that no workload touches, so that a workload runs
/// against a world of a given size (after [`Workload::prepare`], which resets).
pub async fn seed_standing_gateways(addr: SocketAddr, n: usize) -> Result<(), String> {
    seed_gateways(addr, "vpn-standing", n).await
}

pub(super) async fn seed_gateways(addr: SocketAddr, prefix: &str, n: usize) -> Result<(), String> {
    let mut start = 0;
    while start < n {
        let end = (start + SEED_CHUNK).min(n);
        let items: Vec<String> = (start..end)
            .map(|i| format!(r#"{{"region": "{REGION}", "id": "{prefix}-{i}"}}"#))
            .collect();
        let body = format!("[{}]", items.join(","));
        control(addr, Method::POST, "/_emulator/alibaba/vpn-gateways", body).await?;
        start = end;
    }
    Ok(())
}

/// The seeded Tencent gateway: an id of the real form (`vpngw-` and 8 lower-case letters or digits), which
/// API 3.0 checks (another shape is refused as malformed).
pub(super) const TENCENT_GATEWAY: &str = "vpngw-load0000";

/// The id of the `index`th seeded Tencent connection: `vpnx-` and 8 hex digits, the real form, enough
/// for 2^32 requests.
pub(super) fn tencent_connection_id(index: usize) -> String {
    format!("vpnx-{index:08x}")
}

pub(super) async fn seed_tencent(addr: SocketAddr, n: usize) -> Result<(), String> {
    let vpc = r#"{"id": "vpc-load"}"#.to_owned();
    control(addr, Method::POST, "/_emulator/tencent/vpcs", vpc).await?;
    let gateway = format!(r#"{{"vpc_id": "vpc-load", "id": "{TENCENT_GATEWAY}"}}"#);
    control(
        addr,
        Method::POST,
        "/_emulator/tencent/vpn-gateways",
        gateway,
    )
    .await?;
    let mut start = 0;
    while start < n {
        let end = (start + SEED_CHUNK).min(n);
        let items: Vec<String> = (start..end)
            .map(|i| {
                format!(
                    r#"{{"vpc_id": "vpc-load", "vpn_gateway_id": "{TENCENT_GATEWAY}", "id": "{}"}}"#,
                    tencent_connection_id(i)
                )
            })
            .collect();
        let body = format!("[{}]", items.join(","));
        control(
            addr,
            Method::POST,
            "/_emulator/tencent/vpn-connections",
            body,
        )
        .await?;
        start = end;
    }
    Ok(())
}
