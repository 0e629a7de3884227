//! The loader refuses state files that parse but do not make sense — a repeated key, an entry filed
//! under another id, a link to a resource that does not exist — naming the file, line and column; and
//! it clears the temporary files a killed writer left behind.

use cloudvpn_emulator::persistence;
use cloudvpn_emulator::{Emulator, EmulatorConfig, StartError};
use std::path::Path;

const GATEWAY_A: &str = r#""vpn-a": {"id": "vpn-a", "vpc_id": "vpc-1", "name": "", "enhanced": false, "prepaid_until_ms": null, "ssl_vpn_server": false, "status": "active", "created_ms": 1, "internet_ip": "203.0.113.1", "spec": "10M", "connections": ["vco-a"], "task": null}"#;
const GATEWAY_B: &str = r#""vpn-b": {"id": "vpn-b", "vpc_id": "vpc-1", "name": "", "enhanced": false, "prepaid_until_ms": null, "ssl_vpn_server": false, "status": "active", "created_ms": 1, "internet_ip": "203.0.113.2", "spec": "10M", "connections": [], "task": null}"#;
const CONNECTION_A: &str = r#""vco-a": {"id": "vco-a", "vpn_gateway_id": "vpn-a", "customer_gateway_id": "cgw-1", "name": "", "local_subnet": "10.0.0.0/16", "remote_subnet": "192.168.0.0/16", "created_ms": 1, "deleting": false}"#;
const VPC: &str = r#""vpc-t": {"id": "vpc-t", "legacy_id": "gz_vpc_101", "name": "", "cidr_block": "10.0.0.0/16"}"#;
const TENCENT_GATEWAY: &str = r#""vpngw-t": {"id": "vpngw-t", "legacy_id": 102, "vpc_id": "vpc-t", "name": "", "address": "203.0.113.3"}"#;
const TENCENT_CONNECTION: &str = r#""vpnx-t": {"id": "vpnx-t", "legacy_id": 103, "vpc_id": "vpc-t", "vpn_gateway_id": "vpngw-t", "name": "", "status": 6, "pre_shared_key": "k", "user_gateway_address": "198.51.100.1", "source_cidr": [], "destination_cidr": [], "created_ms": 1, "deletion_task": null, "deletion_fails": false}"#;

/// A state file in the format users' files have, one resource per line; `edit` changes the resources'
/// lines before they are assembled.
fn state_text(edit: impl FnOnce(&mut Parts)) -> String {
    let mut parts = Parts {
        gateways: vec![GATEWAY_A.to_owned(), GATEWAY_B.to_owned()],
        connections: vec![CONNECTION_A.to_owned()],
        vpcs: vec![VPC.to_owned()],
        tencent_gateways: vec![TENCENT_GATEWAY.to_owned()],
        tencent_connections: vec![TENCENT_CONNECTION.to_owned()],
    };
    edit(&mut parts);
    let block = |lines: &[String]| lines.join(",\n              ");
    format!(
        r#"{{
  "format": "cloudvpn-emulator-state/1",
  "state": {{
    "next_task_id": 10001,
    "next_legacy_id": 104,
    "accounts": {{
      "default": {{
        "alibaba": {{
          "cn-hangzhou": {{
            "vpn_gateways": {{
              {}
            }},
            "vpn_connections": {{
              {}
            }}
          }}
        }},
        "tencent": {{
          "ap-guangzhou": {{
            "vpcs": {{
              {}
            }},
            "vpn_gateways": {{
              {}
            }},
            "vpn_connections": {{
              {}
            }}
          }}
        }}
      }}
    }}
  }}
}}
"#,
        block(&parts.gateways),
        block(&parts.connections),
        block(&parts.vpcs),
        block(&parts.tencent_gateways),
        block(&parts.tencent_connections),
    )
}

struct Parts {
    gateways: Vec<String>,
    connections: Vec<String>,
    vpcs: Vec<String>,
    tencent_gateways: Vec<String>,
    tencent_connections: Vec<String>,
}

/// The 1-based number of the line of `text` that contains `needle` (the `nth` such line, from 1).
fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth - 1)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
}

fn refused(dir: &Path, text: &str) -> String {
    let path = dir.join("state.json");
    std::fs::write(&path, text).unwrap();
    let err = persistence::load(&path).unwrap_err().to_string();
    assert!(err.contains("state.json"), "names the file: {err}");
    // The file is left as it was.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    err
}

#[test]
fn the_unedited_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, state_text(|_| {})).unwrap();
    let world = persistence::load(&path).unwrap().unwrap();
    let region = &world.accounts["default"].alibaba["cn-hangzhou"];
    assert_eq!(region.vpn_gateways.len(), 2);
    assert_eq!(region.vpn_connections.len(), 1);
}

#[test]
fn a_repeated_key_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    // The same gateway twice: serde alone would keep the second and say nothing.
    let text = state_text(|p| {
        p.gateways
            .push(GATEWAY_B.replace("203.0.113.2", "203.0.113.9"))
    });
    let err = refused(dir.path(), &text);
    let line = line_of(&text, "\"vpn-b\": {", 2);
    assert!(err.contains(&format!("line {line}, column ")), "{err}");
    assert!(err.contains("\"vpn-b\" appears twice"), "{err}");

    // Repeated members of the records themselves count too.
    let text = state_text(|p| {
        p.vpcs[0] = VPC.replace("\"name\": \"\"", "\"name\": \"x\", \"name\": \"y\"")
    });
    let err = refused(dir.path(), &text);
    assert!(
        err.contains(&format!("line {}, column ", line_of(&text, "vpc-t", 1))),
        "{err}"
    );
    assert!(err.contains("\"name\" appears twice"), "{err}");
}

#[test]
fn an_entry_filed_under_another_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // vpn-b's record filed under "vpn-c": DescribeVpnGateways would list vpn-b for a key nobody has.
    let text = state_text(|p| p.gateways[1] = GATEWAY_B.replacen("\"vpn-b\":", "\"vpn-c\":", 1));
    let err = refused(dir.path(), &text);
    let line = line_of(&text, "\"vpn-c\":", 1);
    assert!(err.contains(&format!("line {line}, column ")), "{err}");
    assert!(
        err.contains("filed under \"vpn-c\" has id \"vpn-b\""),
        "{err}"
    );
}

#[test]
fn a_connection_whose_gateway_is_missing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = state_text(|p| {
        p.gateways.remove(0);
    });
    let err = refused(dir.path(), &text);
    let line = line_of(&text, "\"vco-a\":", 1);
    assert!(err.contains(&format!("line {line}, column ")), "{err}");
    assert!(
        err.contains("VPN gateway vpn-a, which is not in region cn-hangzhou"),
        "{err}"
    );

    // A gateway that does not list its connection (it could then be deleted under it).
    let text = state_text(|p| p.gateways[0] = GATEWAY_A.replace("[\"vco-a\"]", "[]"));
    let err = refused(dir.path(), &text);
    assert!(
        err.contains(&format!(
            "line {}, column ",
            line_of(&text, "\"vco-a\":", 1)
        )),
        "{err}"
    );
    assert!(err.contains("do not list it"), "{err}");

    // A gateway listing a connection that is not there.
    let text = state_text(|p| {
        p.gateways[1] = GATEWAY_B.replace("\"connections\": []", "\"connections\": [\"vco-z\"]")
    });
    let err = refused(dir.path(), &text);
    assert!(
        err.contains(&format!(
            "line {}, column ",
            line_of(&text, "\"vpn-b\":", 1)
        )),
        "{err}"
    );
    assert!(
        err.contains("lists connection vco-z, which is not in region"),
        "{err}"
    );
}

#[test]
fn tencent_links_to_missing_vpcs_and_gateways_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = state_text(|p| {
        p.tencent_gateways[0] =
            TENCENT_GATEWAY.replace("\"vpc_id\": \"vpc-t\"", "\"vpc_id\": \"vpc-gone\"")
    });
    let err = refused(dir.path(), &text);
    assert!(
        err.contains(&format!(
            "line {}, column ",
            line_of(&text, "\"vpngw-t\":", 1)
        )),
        "{err}"
    );
    assert!(
        err.contains("VPN gateway vpngw-t is in VPC vpc-gone, which is not in region ap-guangzhou"),
        "{err}"
    );

    let text = state_text(|p| {
        p.tencent_connections[0] = TENCENT_CONNECTION.replace(
            "\"vpn_gateway_id\": \"vpngw-t\"",
            "\"vpn_gateway_id\": \"vpngw-gone\"",
        )
    });
    let err = refused(dir.path(), &text);
    assert!(
        err.contains(&format!(
            "line {}, column ",
            line_of(&text, "\"vpnx-t\":", 1)
        )),
        "{err}"
    );
    assert!(err.contains("belongs to VPN gateway vpngw-gone"), "{err}");

    let text = state_text(|p| {
        p.tencent_connections[0] =
            TENCENT_CONNECTION.replace("\"vpc_id\": \"vpc-t\"", "\"vpc_id\": \"vpc-gone\"")
    });
    let err = refused(dir.path(), &text);
    assert!(
        err.contains("VPN connection vpnx-t is in VPC vpc-gone"),
        "{err}"
    );
}

#[tokio::test]
async fn the_emulator_refuses_to_start_on_such_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let text = state_text(|p| {
        p.gateways.remove(0);
    });
    std::fs::write(&path, &text).unwrap();
    let err = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::StateFile(_)), "{err}");
    let line = line_of(&text, "\"vco-a\":", 1);
    assert!(
        err.to_string().contains(&format!("line {line}, column ")),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[tokio::test]
async fn temporary_files_left_by_a_killed_writer_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, state_text(|_| {})).unwrap();
    // What a writer killed between creating its temporary file and renaming it leaves: a pid that no
    // longer runs (pid_max is at most 2^22 on Linux) and one of a running process (this one's parent,
    // standing in for a second writer), plus files that only look similar.
    let stale = dir.path().join(".state.json.tmp-4194999");
    let running = dir.path().join(format!(
        ".state.json.tmp-{}",
        std::os::unix::process::parent_id()
    ));
    let other = dir.path().join(".other.json.tmp-4194999");
    let not_a_pid = dir.path().join(".state.json.tmp-abc");
    for f in [&stale, &running, &other, &not_a_pid] {
        std::fs::write(f, b"{\"format\": \"cloudvpn-emulator-state/1\", \"sta").unwrap();
    }
    let emulator = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .expect("starts with the state file");
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert!(running.exists() && other.exists() && not_a_pid.exists());
    assert_eq!(
        emulator.handle().world().accounts["default"].alibaba["cn-hangzhou"]
            .vpn_gateways
            .len(),
        2
    );
    emulator.shutdown().await.unwrap();
}
