//! Snapshots of the parsed spec model: a change in what the loader reads from a spec shows up in review.

use cloudvpn_tests::workspace_root;

#[test]
fn every_operation_of_every_api_parses_to_the_pinned_model() {
    let specs =
        cloudvpn_spec::load(&workspace_root().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!specs.apis.is_empty());
    for api in &specs.apis {
        let module = api.module_name();
        insta::assert_yaml_snapshot!(format!("{module}__api"), api.file);
        // The protocol's errors, as this API includes them: one snapshot per file, whichever API reads it.
        if let Some(shared) = &api.protocol_errors {
            insta::assert_yaml_snapshot!(
                format!("protocols__{}", shared.module_name()),
                shared.file
            );
        }
        for op in &api.operations {
            insta::assert_yaml_snapshot!(format!("{module}__{}", op.spec.action), op.spec);
        }
    }
}

#[test]
fn the_seed_operations_and_their_supporting_operations_are_all_specified() {
    let specs =
        cloudvpn_spec::load(&workspace_root().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<(String, String)> = specs
        .apis
        .iter()
        .flat_map(|a| {
            a.operations
                .iter()
                .map(move |o| (a.module_name(), o.spec.action.clone()))
        })
        .collect();
    for (module, action) in [
        ("alibaba_vpc", "DeleteVpnGateway"),
        ("alibaba_vpc", "DeleteEnhancedVpnGateway"),
        ("alibaba_vpc", "DeleteVpnConnection"),
        ("alibaba_vpc", "DescribeVpnGateway"),
        ("alibaba_vpc", "DescribeVpnGateways"),
        ("alibaba_vpc", "DescribeVpnConnection"),
        ("tencent_vpc_v2", "DeleteVpnConn"),
        ("tencent_vpc_v2", "DescribeVpcTaskResult"),
    ] {
        assert!(
            actions.contains(&(module.to_owned(), action.to_owned())),
            "{module}::{action} is missing from specs/"
        );
    }
}
