//! The generator: snapshots of every generated file, determinism, the `--check` staleness gate, and a new
//! spec file being all it takes to add an operation.

use cloudvpn_tests::{ScratchWorkspace, workspace_root};
use xtask::{GENERATED_DIR, Mode, codegen};

fn generate() -> Vec<cloudvpn_codegen::GeneratedFile> {
    let root = workspace_root();
    let specs = cloudvpn_spec::load(&root.join("specs")).unwrap_or_else(|e| panic!("{e}"));
    cloudvpn_codegen::generate(&specs, &root).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn generated_code_of_each_operation_matches_its_snapshot() {
    for file in generate() {
        // Files of the types crate keep their historical snapshot names; other generated folders are
        // prefixed with their crate's name.
        let path = file.path.trim_end_matches(".rs").replace('/', "__");
        let name = match file.dir {
            cloudvpn_codegen::TYPES_DIR => path,
            dir => {
                let krate = dir.split('/').nth(1).unwrap_or(dir);
                format!("{krate}__{path}")
            }
        };
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate(), generate());
}

#[test]
fn every_generated_file_says_it_is_generated_and_names_no_machine_path() {
    let root = workspace_root();
    let root = root.to_string_lossy();
    for file in generate() {
        assert!(
            file.contents.starts_with(cloudvpn_codegen::HEADER),
            "{}",
            file.path
        );
        assert!(
            !file.contents.contains(root.as_ref()),
            "{} contains a machine path",
            file.path
        );
    }
}

#[test]
fn committed_generated_code_is_up_to_date() {
    // The same check as `cargo xtask codegen --check`, so a plain `cargo test` catches stale output.
    if let Err(e) = codegen(&workspace_root(), Mode::Check) {
        panic!("{e}");
    }
}

#[test]
fn check_fails_after_a_spec_edit_until_regenerated() {
    let scratch = ScratchWorkspace::new().expect("scratch workspace");
    codegen(scratch.root(), Mode::Check).expect("a fresh copy is up to date");

    let spec = scratch
        .root()
        .join("specs/alibaba/vpc-2016-04-28/DeleteVpnGateway.yaml");
    let text = std::fs::read_to_string(&spec).expect("read spec");
    let edited = text.replacen(
        "en: The ID of the VPN gateway.",
        "en: The ID of the VPN gateway to delete.",
        1,
    );
    assert_ne!(text, edited, "the edit must change the spec");
    std::fs::write(&spec, edited).expect("write spec");

    let err = codegen(scratch.root(), Mode::Check).expect_err("stale after the edit");
    let message = err.to_string();
    assert!(
        message.contains(&format!(
            "{GENERATED_DIR}/alibaba_vpc/delete_vpn_gateway.rs"
        )),
        "{message}"
    );
    assert!(message.contains("run `cargo xtask codegen`"), "{message}");

    codegen(scratch.root(), Mode::Write).expect("regenerate");
    codegen(scratch.root(), Mode::Check).expect("up to date again");
}

#[test]
fn a_new_spec_file_is_all_it_takes_to_add_an_operation() {
    let scratch = ScratchWorkspace::new().expect("scratch workspace");
    let fixture =
        workspace_root().join("tests/fixtures/new-operation/DescribeVpnRouteEntries.yaml");
    std::fs::copy(
        &fixture,
        scratch
            .root()
            .join("specs/alibaba/vpc-2016-04-28/DescribeVpnRouteEntries.yaml"),
    )
    .expect("copy fixture");

    let report = codegen(scratch.root(), Mode::Write).expect("codegen");
    assert!(report.contains("updated"), "{report}");
    let generated = scratch.root().join(GENERATED_DIR);
    let op = std::fs::read_to_string(generated.join("alibaba_vpc/describe_vpn_route_entries.rs"))
        .expect("the new operation's module was written");
    assert!(
        op.contains("pub struct DescribeVpnRouteEntriesRequest"),
        "{op}"
    );
    assert!(
        op.contains("pub struct DescribeVpnRouteEntriesResponse"),
        "{op}"
    );
    assert!(op.contains("pub enum DescribeVpnRouteEntriesError"), "{op}");
    let api = std::fs::read_to_string(generated.join("alibaba_vpc/mod.rs")).expect("api module");
    assert!(api.contains("pub mod describe_vpn_route_entries;"), "{api}");
    assert!(
        api.contains("DescribeVpnRouteEntries(DescribeVpnRouteEntriesRequest)"),
        "{api}"
    );
    assert!(api.contains("&describe_vpn_route_entries::META"), "{api}");
    // The fluent client gains its method and call type too.
    let client = std::fs::read_to_string(
        scratch
            .root()
            .join(cloudvpn_codegen::CLIENT_DIR)
            .join("alibaba_vpc.rs"),
    )
    .expect("client module");
    assert!(
        client.contains("pub fn describe_vpn_route_entries(&self) -> DescribeVpnRouteEntriesCall"),
        "{client}"
    );
    assert!(
        client.contains("pub struct DescribeVpnRouteEntriesCall"),
        "{client}"
    );
    insta::assert_snapshot!("fixture__describe_vpn_route_entries", op);
}

fn lowered() -> Vec<cloudvpn_codegen::ir::ApiIr> {
    let root = workspace_root();
    let specs = cloudvpn_spec::load(&root.join("specs")).unwrap_or_else(|e| panic!("{e}"));
    cloudvpn_codegen::lower(&specs, &root)
}

fn every_type(ty: &cloudvpn_codegen::ir::TypeIr) -> Option<&str> {
    use cloudvpn_codegen::ir::TypeIr;
    match ty {
        TypeIr::Struct(name) => Some(name),
        TypeIr::List(inner) => every_type(inner),
        TypeIr::Scalar(_) => None,
    }
}

#[test]
fn every_generated_name_is_in_its_own_case() {
    // A name that changes when its case function runs on it again still carries a wire spelling
    // (`IKESet`, `ForbiddenRAM`): the words were not decided once.
    use cloudvpn_spec::{pascal_case, snake_case};
    for api in lowered() {
        for op in &api.operations {
            for s in &op.structs {
                assert_eq!(pascal_case(&s.name), s.name, "struct of {}", op.action);
                for f in &s.fields {
                    assert_eq!(snake_case(&f.field), f.field, "{}.{}", s.name, f.wire);
                    if let Some(name) = every_type(&f.ty) {
                        assert_eq!(pascal_case(name), name, "{}.{}", s.name, f.wire);
                    }
                }
            }
            for p in &op.params {
                assert_eq!(snake_case(&p.field), p.field, "{}.{}", op.action, p.wire);
            }
            for v in &op.variants {
                assert_eq!(
                    pascal_case(&v.variant),
                    v.variant,
                    "{}: {}",
                    op.action,
                    v.code
                );
            }
        }
    }
}

#[test]
fn predicates_are_the_snake_case_of_their_variants() {
    use cloudvpn_codegen::ir::CLASSIFICATION_METHODS;
    use cloudvpn_spec::snake_case;
    for api in lowered() {
        for op in &api.operations {
            for v in &op.variants {
                let plain = format!("is_{}", snake_case(&v.variant));
                // The one exception: a predicate that would shadow a classification method is suffixed.
                let expected = if CLASSIFICATION_METHODS.contains(&plain.as_str()) {
                    format!("{plain}_code")
                } else {
                    plain
                };
                assert_eq!(v.predicate(), expected, "{}: {}", op.action, v.code);
            }
        }
    }
}

#[test]
fn acronyms_and_mixed_case_terms_are_single_words_in_rust_names() {
    let apis = lowered();
    let conn = apis
        .iter()
        .flat_map(|a| &a.operations)
        .find(|op| op.action == "DescribeVpnConn")
        .expect("DescribeVpnConn");
    let field = |wire: &str| {
        conn.structs
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.wire == wire)
            .map(|f| (f.field.as_str(), every_type(&f.ty).unwrap_or_default()))
            .unwrap_or_else(|| panic!("{wire}"))
    };
    assert_eq!(
        field("IPsecSet"),
        ("ipsec_set", "DescribeVpnConnDataItemIpsecSet")
    );
    // The document shows the same shape under a second name: one struct serves both.
    assert_eq!(
        field("IPSECArr"),
        ("ipsec_arr", "DescribeVpnConnDataItemIpsecSet")
    );
    assert_eq!(
        field("IKESet"),
        ("ike_set", "DescribeVpnConnDataItemIkeSet")
    );
    assert_eq!(
        field("IKEArr"),
        ("ike_arr", "DescribeVpnConnDataItemIkeSet")
    );
    let structs: Vec<&str> = conn.structs.iter().map(|s| s.name.as_str()).collect();
    for merged in [
        "DescribeVpnConnDataItemIkeArr",
        "DescribeVpnConnDataItemIpsecArr",
    ] {
        assert!(!structs.contains(&merged), "{merged} in {structs:?}");
    }
    let variant = |code: &str| {
        apis.iter()
            .flat_map(|a| &a.operations)
            .flat_map(|op| &op.variants)
            .find(|v| v.code == code)
            .map(|v| v.variant.clone())
            .unwrap_or_else(|| panic!("{code}"))
    };
    assert_eq!(variant("Forbidden.RAM"), "ForbiddenRam");
    assert_eq!(variant("VpnTask.CONFLICT"), "VpnTaskConflict");
}
