//! The region of a command, in one order for every command (teardown included): `--region`, then the
//! cloud's variables (`ALIBABA_CLOUD_REGION`, `ALICLOUD_REGION`; `TENCENTCLOUD_REGION`), then the region of
//! the profile the credentials are read from (`region_id` in `~/.aliyun/config.json`; tccli's
//! `~/.tccli/<profile>.configure`), chosen with the same `--profile` and profile variables as the
//! credentials.

use crate::failure::Failure;
use cloudvpn::credentials::{AlibabaChain, Environment, TencentChain};
use cloudvpn_types::meta::Provider;

/// The region for `provider`, or `None` when neither the flag, the variables nor the profile give one.
/// A profile file that cannot be read is a usage error naming the file.
pub fn region(
    flag: Option<&str>,
    profile: Option<&str>,
    provider: Provider,
    env: &dyn Environment,
) -> Result<Option<String>, Failure> {
    if let Some(flag) = flag.map(str::trim).filter(|flag| !flag.is_empty()) {
        return Ok(Some(flag.to_owned()));
    }
    let profile = profile.unwrap_or_default();
    let configured = match provider {
        Provider::Alibaba => AlibabaChain::new().profile(profile).configured_region(env),
        Provider::Tencent => TencentChain::new().profile(profile).configured_region(env),
    };
    configured
        .map(|found| found.map(|found| found.region))
        .map_err(|e| {
            Failure::usage(format!(
                "{e}; fix the file, or give the region with --region"
            ))
        })
}

/// The usage error of `command` when no region is set, with every way to set one.
pub fn missing(provider: Provider, command: &str) -> Failure {
    let (example, elsewhere) = match provider {
        Provider::Alibaba => (
            "cn-hangzhou",
            "set ALIBABA_CLOUD_REGION, or region_id in the ~/.aliyun/config.json profile (`aliyun configure`)",
        ),
        Provider::Tencent => (
            "ap-guangzhou",
            "set TENCENTCLOUD_REGION, or the tccli profile's region (`tccli configure set region ap-guangzhou`)",
        ),
    };
    Failure::usage(format!(
        "{command} needs a region (nothing was sent): add --region (e.g. --region {example}), {elsewhere}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn::credentials::MapEnvironment;
    use std::path::Path;

    fn write(home: &Path, relative: &str, text: &str) {
        let path = home.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A home directory whose profiles name `cn-shanghai` / `ap-chengdu` (and `prod`: `cn-beijing` /
    /// `ap-tokyo`).
    fn profiles() -> (tempfile::TempDir, MapEnvironment) {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            ".aliyun/config.json",
            r#"{"current": "default", "profiles": [
                {"name": "default", "mode": "AK", "access_key_id": "a", "access_key_secret": "b", "region_id": "cn-shanghai"},
                {"name": "prod", "mode": "AK", "access_key_id": "a", "access_key_secret": "b", "region_id": "cn-beijing"}]}"#,
        );
        write(
            dir.path(),
            ".tccli/default.configure",
            r#"{"_sys_param": {"region": "ap-chengdu"}}"#,
        );
        write(
            dir.path(),
            ".tccli/prod.configure",
            r#"{"_sys_param": {"region": "ap-tokyo"}}"#,
        );
        let env = MapEnvironment::new().with_home(dir.path());
        (dir, env)
    }

    fn chosen(
        flag: Option<&str>,
        profile: Option<&str>,
        provider: Provider,
        env: &MapEnvironment,
    ) -> Option<String> {
        region(flag, profile, provider, env).unwrap()
    }

    #[test]
    fn flag_then_variables_then_profile() {
        let (_dir, env) = profiles();
        let ali = Provider::Alibaba;
        let tc = Provider::Tencent;
        assert_eq!(
            chosen(None, None, ali, &env).as_deref(),
            Some("cn-shanghai")
        );
        assert_eq!(chosen(None, None, tc, &env).as_deref(), Some("ap-chengdu"));
        assert_eq!(
            chosen(None, Some("prod"), ali, &env).as_deref(),
            Some("cn-beijing")
        );
        assert_eq!(
            chosen(None, Some("prod"), tc, &env).as_deref(),
            Some("ap-tokyo")
        );

        let vars = env
            .clone()
            .with_var("ALICLOUD_REGION", "cn-qingdao")
            .with_var("TENCENTCLOUD_REGION", "ap-seoul");
        assert_eq!(
            chosen(None, Some("prod"), ali, &vars).as_deref(),
            Some("cn-qingdao")
        );
        assert_eq!(
            chosen(None, Some("prod"), tc, &vars).as_deref(),
            Some("ap-seoul")
        );
        let newer = vars
            .clone()
            .with_var("ALIBABA_CLOUD_REGION", "cn-zhangjiakou");
        assert_eq!(
            chosen(None, None, ali, &newer).as_deref(),
            Some("cn-zhangjiakou")
        );

        assert_eq!(
            chosen(Some("us-west-1"), None, ali, &newer).as_deref(),
            Some("us-west-1")
        );
        assert_eq!(
            chosen(Some("ap-bangkok"), None, tc, &newer).as_deref(),
            Some("ap-bangkok")
        );
        // An empty flag is no flag.
        assert_eq!(
            chosen(Some(" "), None, tc, &newer).as_deref(),
            Some("ap-seoul")
        );
    }

    #[test]
    fn nothing_set_is_none_and_a_broken_file_is_a_usage_error() {
        let empty = tempfile::tempdir().unwrap();
        let env = MapEnvironment::new().with_home(empty.path());
        assert_eq!(chosen(None, None, Provider::Alibaba, &env), None);
        assert_eq!(chosen(None, None, Provider::Tencent, &env), None);

        write(
            empty.path(),
            ".tccli/default.configure",
            "{\"_sys_param\": ",
        );
        let failure = region(None, None, Provider::Tencent, &env).unwrap_err();
        assert_eq!(failure.kind, crate::failure::Kind::Usage);
        assert_eq!(
            failure.message,
            "cannot read the region from ~/.tccli/default.configure: invalid JSON at line 1 column 15; fix the \
             file, or give the region with --region"
        );
        // The flag needs no file.
        assert_eq!(
            chosen(Some("ap-guangzhou"), None, Provider::Tencent, &env).as_deref(),
            Some("ap-guangzhou")
        );
    }

    #[test]
    fn the_missing_region_message_names_every_way_to_set_one() {
        let failure = missing(Provider::Tencent, "describe-vpn-conn");
        assert_eq!(failure.kind, crate::failure::Kind::Usage);
        for part in [
            "--region",
            "TENCENTCLOUD_REGION",
            "tccli configure set region",
            "nothing was sent",
        ] {
            assert!(failure.message.contains(part), "{}", failure.message);
        }
        let failure = missing(Provider::Alibaba, "teardown alibaba");
        for part in [
            "--region",
            "ALIBABA_CLOUD_REGION",
            "region_id",
            "~/.aliyun/config.json",
        ] {
            assert!(failure.message.contains(part), "{}", failure.message);
        }
    }
}
