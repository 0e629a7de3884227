//! What the demo seeds: Alibaba gateways and connections, a Tencent VPC, gateway and connection, and (when
//! its scene comes) a prepaid enhanced gateway.

use super::{REGION, internal};
use crate::failure::Failure;
use cloudvpn_emulator::Emulator;
use cloudvpn_emulator::seed::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed,
    TencentVpcSeed, TimeMs,
};
use std::time::{SystemTime, UNIX_EPOCH};

/// The Tencent gateway and connection the API 3.0 scene deletes (IDs of the real form, `vpngw-` / `vpnx-` and 8
/// lower-case letters or digits: API 3.0 refuses others as malformed).
pub(super) const API3_GATEWAY: &str = "vpngw-demo3api";
pub(super) const API3_CONNECTION: &str = "vpnx-demo3api";

/// The enhanced gateway whose prepaid term ends `term_ms` from now.
pub(super) async fn seed_prepaid(emulator: &Emulator, term_ms: u64) -> Result<(), Failure> {
    emulator
        .handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some("vpn-demo-enh".into()),
            enhanced: true,
            prepaid_until: Some(TimeMs(now_ms() + term_ms)),
            ..Default::default()
        })
        .await
        .map(|_| ())
        .map_err(|e| internal(format!("cannot seed the emulator: {e}")))
}

pub(super) async fn seed(emulator: &Emulator) -> Result<(), Failure> {
    let h = emulator.handle();
    let fail = |e: String| internal(format!("cannot seed the emulator: {e}"));
    for gateway in ["vpn-demo-1", "vpn-demo-2"] {
        h.seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some(gateway.into()),
            ..Default::default()
        })
        .await
        .map_err(|e| fail(e.to_string()))?;
    }
    for (connection, gateway) in [("vco-demo-1", "vpn-demo-1"), ("vco-demo-2", "vpn-demo-2")] {
        h.seed_alibaba_connection(AlibabaConnectionSeed {
            region: REGION.into(),
            id: Some(connection.into()),
            vpn_gateway_id: gateway.into(),
            ..Default::default()
        })
        .await
        .map_err(|e| fail(e.to_string()))?;
    }
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some("vpc-demo".into()),
        ..Default::default()
    })
    .await
    .map_err(|e| fail(e.to_string()))?;
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: "vpc-demo".into(),
        id: Some("vpngw-demo".into()),
        ..Default::default()
    })
    .await
    .map_err(|e| fail(e.to_string()))?;
    // One Tencent world: what is seeded here is seen by the v2 and the 3.0 API alike.
    for (gateway, connection) in [("vpngw-demo", "vpnx-demo"), (API3_GATEWAY, API3_CONNECTION)] {
        if gateway != "vpngw-demo" {
            h.seed_tencent_gateway(TencentGatewaySeed {
                vpc_id: "vpc-demo".into(),
                id: Some(gateway.into()),
                ..Default::default()
            })
            .await
            .map_err(|e| fail(e.to_string()))?;
        }
        h.seed_tencent_connection(TencentConnectionSeed {
            vpc_id: "vpc-demo".into(),
            vpn_gateway_id: gateway.into(),
            id: Some(connection.into()),
            ..Default::default()
        })
        .await
        .map_err(|e| fail(e.to_string()))?;
    }
    println!(
        "seeded: Alibaba gateways vpn-demo-1 (connection vco-demo-1), vpn-demo-2 (connection vco-demo-2),"
    );
    println!(
        "        Tencent VPC vpc-demo, gateways vpngw-demo (connection vpnx-demo) and {API3_GATEWAY} (connection {API3_CONNECTION})\n"
    );
    Ok(())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
