//! The settings users keep where the official CLIs put them: tccli's files in the Tencent chain, and the
//! region lookups of both chains, each against a temporary home directory.

use super::*;
use std::fs;
use std::path::Path;

const SECRET: &str = "settings-SeCrEt-DISTINCTIVE";

fn home() -> (tempfile::TempDir, MapEnvironment) {
    let dir = tempfile::tempdir().unwrap();
    let env = MapEnvironment::new().with_home(dir.path());
    (dir, env)
}

fn write(home: &Path, relative: &str, text: &str) {
    let path = home.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn tccli_credential(home: &Path, profile: &str, id: &str) {
    write(
        home,
        &format!(".tccli/{profile}.credential"),
        &format!(r#"{{"secretId": "{id}", "secretKey": "{SECRET}"}}"#),
    );
}

fn tccli_configure(home: &Path, profile: &str, region: &str) {
    write(
        home,
        &format!(".tccli/{profile}.configure"),
        &format!(
            r#"{{"_sys_param": {{"region": "{region}", "output": "json"}}, "vpc": {{"endpoint": "vpc.tencentcloudapi.com"}}}}"#
        ),
    );
}

fn region_of(result: Result<Option<ConfiguredRegion>, RegionError>) -> Option<(String, String)> {
    result.unwrap().map(|found| (found.region, found.source))
}

fn pair(region: &str, source: &str) -> Option<(String, String)> {
    Some((region.to_owned(), source.to_owned()))
}

#[test]
fn tccli_credentials_come_after_the_credentials_file() {
    let (dir, env) = home();
    tccli_credential(dir.path(), "default", "AKIDtccli");
    tccli_configure(dir.path(), "default", "ap-chengdu");
    write(
        dir.path(),
        ".tencentcloud/credentials",
        "[default]\nsecret_id = AKIDini\nsecret_key = k\n",
    );
    let resolved = TencentChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDini");

    fs::remove_file(dir.path().join(".tencentcloud/credentials")).unwrap();
    let resolved = TencentChain::new().resolve(&env).unwrap();
    assert_eq!(
        resolved.credentials,
        TencentCredentials::new("AKIDtccli", SECRET)
    );
    assert_eq!(
        resolved.source,
        "file ~/.tccli/default.credential, profile `default`"
    );
    // The profile's region comes with its credentials, unless TENCENTCLOUD_REGION says otherwise.
    assert_eq!(resolved.region.as_deref(), Some("ap-chengdu"));
    let with_var = env.with_var("TENCENTCLOUD_REGION", "ap-nanjing");
    let resolved = TencentChain::new().resolve(&with_var).unwrap();
    assert_eq!(resolved.region.as_deref(), Some("ap-nanjing"));
    assert!(!format!("{resolved:?}").contains("DISTINCTIVE"));
}

#[test]
fn one_tencent_profile_name_for_both_files() {
    let (dir, env) = home();
    write(
        dir.path(),
        ".tencentcloud/credentials",
        "[default]\nsecret_id = AKIDini-default\nsecret_key = k\n",
    );
    tccli_credential(dir.path(), "prod", "AKIDtccli-prod");
    tccli_credential(dir.path(), "stage", "AKIDtccli-stage");

    // tccli's own variable names the profile: the credentials file has no [prod], so tccli's prod is used,
    // not the credentials file's default.
    let by_tccli_var = env.clone().with_var("TCCLI_PROFILE", "prod");
    let resolved = TencentChain::new().resolve(&by_tccli_var).unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDtccli-prod");
    assert_eq!(
        resolved.source,
        "file ~/.tccli/prod.credential, profile `prod`"
    );

    // TENCENTCLOUD_PROFILE comes first, an explicit name before both.
    let both = by_tccli_var.with_var("TENCENTCLOUD_PROFILE", "stage");
    let resolved = TencentChain::new().resolve(&both).unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDtccli-stage");
    let resolved = TencentChain::new().profile("prod").resolve(&both).unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDtccli-prod");

    let error = TencentChain::new().profile("qa").resolve(&env).unwrap_err();
    assert!(!error.stopped_on_malformed);
    assert_eq!(
        error.attempts[3],
        Attempt {
            source: "~/.tccli/qa.credential".into(),
            outcome: "no such file for profile `qa` (given explicitly)".into(),
        }
    );
}

#[test]
fn a_broken_tccli_file_stops_the_chain_with_its_name() {
    let (dir, env) = home();
    write(
        dir.path(),
        ".tccli/default.credential",
        &format!("{{\"secretId\": \"AKID\", \"secretKey\": \"{SECRET}\"\n"),
    );
    let error = TencentChain::new().resolve(&env).unwrap_err();
    assert!(error.stopped_on_malformed);
    assert_eq!(
        error.malformed_source(),
        Some(&Attempt {
            source: "~/.tccli/default.credential".into(),
            outcome: "invalid JSON at line 2 column 0".into(),
        })
    );
    assert!(!error.to_string().contains("DISTINCTIVE"), "{error}");

    let error = TencentChain::new()
        .profile("../escape")
        .resolve(&env)
        .unwrap_err();
    assert!(error.stopped_on_malformed);
    assert_eq!(
        error.malformed_source().map(|a| a.outcome.as_str()),
        Some("profile `../escape` (given explicitly): not usable as a file name in ~/.tccli")
    );
}

#[test]
fn tencent_region_variable_then_the_tccli_profile() {
    let (dir, env) = home();
    assert_eq!(region_of(TencentChain::new().configured_region(&env)), None);
    tccli_configure(dir.path(), "default", "ap-guangzhou");
    tccli_configure(dir.path(), "prod", "ap-singapore");
    assert_eq!(
        region_of(TencentChain::new().configured_region(&env)),
        pair(
            "ap-guangzhou",
            "file ~/.tccli/default.configure, profile `default`"
        )
    );
    let prod = env.clone().with_var("TCCLI_PROFILE", "prod");
    assert_eq!(
        region_of(TencentChain::new().configured_region(&prod)),
        pair(
            "ap-singapore",
            "file ~/.tccli/prod.configure, profile `prod`"
        )
    );
    assert_eq!(
        region_of(TencentChain::new().profile("prod").configured_region(&env)),
        pair(
            "ap-singapore",
            "file ~/.tccli/prod.configure, profile `prod`"
        )
    );
    // A profile without a .configure has no region; the variable beats every file.
    assert_eq!(
        region_of(TencentChain::new().profile("qa").configured_region(&env)),
        None
    );
    let with_var = prod.with_var("TENCENTCLOUD_REGION", " ap-tokyo ");
    assert_eq!(
        region_of(TencentChain::new().configured_region(&with_var)),
        pair("ap-tokyo", "environment variable TENCENTCLOUD_REGION")
    );
    assert_eq!(
        region_of(TencentChain::new().configured_region(&MapEnvironment::new())),
        None
    );

    write(
        dir.path(),
        ".tccli/default.configure",
        "{\"_sys_param\": 3}",
    );
    assert_eq!(
        TencentChain::new().configured_region(&env),
        Err(RegionError {
            source: "~/.tccli/default.configure".into(),
            problem: "`_sys_param` is not an object".into(),
        })
    );
}

#[test]
fn alibaba_region_variables_then_the_cli_profile() {
    let (dir, env) = home();
    assert_eq!(region_of(AlibabaChain::new().configured_region(&env)), None);
    write(
        dir.path(),
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "work", "profiles": [
                {{"name": "default", "mode": "AK", "access_key_id": "a", "access_key_secret": "{SECRET}", "region_id": "cn-hangzhou"}},
                {{"name": "work", "mode": "EcsRamRole", "ram_role_name": "r", "region_id": "cn-shanghai"}},
                {{"name": "bare", "mode": "AK", "access_key_id": "a", "access_key_secret": "{SECRET}"}},
                {{"name": "odd", "mode": "AK", "region_id": 7}}
            ]}}"#
        ),
    );
    // `current`, whatever its mode: the region is a CLI setting, independent of how credentials are found.
    assert_eq!(
        region_of(AlibabaChain::new().configured_region(&env)),
        pair("cn-shanghai", "file ~/.aliyun/config.json, profile `work`")
    );
    let by_var = env.clone().with_var("ALIBABA_CLOUD_PROFILE", "default");
    assert_eq!(
        region_of(AlibabaChain::new().configured_region(&by_var)),
        pair(
            "cn-hangzhou",
            "file ~/.aliyun/config.json, profile `default`"
        )
    );
    assert_eq!(
        region_of(
            AlibabaChain::new()
                .profile("bare")
                .configured_region(&by_var)
        ),
        None
    );
    assert_eq!(
        region_of(
            AlibabaChain::new()
                .profile("absent")
                .configured_region(&env)
        ),
        None
    );
    assert_eq!(
        AlibabaChain::new().profile("odd").configured_region(&env),
        Err(RegionError {
            source: "~/.aliyun/config.json".into(),
            problem: "profile `odd` (given explicitly): region_id is not a string".into(),
        })
    );
    let disabled = env
        .clone()
        .with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    assert_eq!(
        region_of(AlibabaChain::new().configured_region(&disabled)),
        None
    );

    // ALIBABA_CLOUD_REGION, then ALICLOUD_REGION, before any profile.
    let old = env.clone().with_var("ALICLOUD_REGION", "cn-beijing");
    assert_eq!(
        region_of(AlibabaChain::new().configured_region(&old)),
        pair("cn-beijing", "environment variable ALICLOUD_REGION")
    );
    let both = old.with_var("ALIBABA_CLOUD_REGION", "cn-shenzhen");
    assert_eq!(
        region_of(AlibabaChain::new().configured_region(&both)),
        pair("cn-shenzhen", "environment variable ALIBABA_CLOUD_REGION")
    );

    write(dir.path(), ".aliyun/config.json", "{\"profiles\": 1}");
    let error = AlibabaChain::new().configured_region(&env).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot read the region from ~/.aliyun/config.json: `profiles` is not an array"
    );
}
