//! STS AssumeRole on both clouds: the issued key works on the VPC APIs until it expires, trust is
//! checked, and concurrent calls each get their own key.

use super::*;

#[tokio::test]
async fn an_assumed_alibaba_role_calls_vpc_with_its_token_until_it_expires() {
    let e = emulator(Duration::from_secs(2)).await;
    let out = alibaba_sts(&e, "emulator-ak", "emulator-secret")
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("alice")
        .send()
        .await
        .expect("AssumeRole");
    let c = &out.credentials;
    assert!(c.access_key_id.starts_with("STS."));
    assert_eq!(out.assumed_role_user.arn, format!("{ROLE}/alice"));
    let issued = || {
        AlibabaCredentials::new(
            c.access_key_id.clone(),
            Secret::new(c.access_key_secret.clone()),
        )
    };
    let describe = |creds| async {
        alibaba_vpc(&e, creds)
            .describe_vpn_gateways()
            .region_id("cn-hangzhou")
            .send()
            .await
    };
    describe(issued().with_token(Secret::new(c.security_token.clone())))
        .await
        .expect("the issued key with its token");
    let code = |r: Result<_, cloudvpn::Error<_>>| r.unwrap_err().code().map(str::to_owned);
    assert_eq!(
        code(describe(issued().with_token(Secret::new("CAISnot-this-one"))).await).as_deref(),
        Some("InvalidSecurityToken.MismatchWithAccessKey")
    );
    assert_eq!(
        code(describe(issued()).await).as_deref(),
        Some("MissingSecurityToken")
    );
    // GetCallerIdentity, called with the issued key, tells the role session.
    let me = alibaba::StsClient::builder()
        .endpoint(e.base_url())
        .credentials(issued().with_token(Secret::new(c.security_token.clone())))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.identity_type, "AssumedRoleUser");
    assert_eq!(
        me.arn,
        "acs:ram::1234567890123456:assumed-role/deployer/alice"
    );
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(
        code(describe(issued().with_token(Secret::new(c.security_token.clone()))).await).as_deref(),
        Some("InvalidSecurityToken.Expired")
    );
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn trust_is_checked_over_http() {
    let creds = cloudvpn_emulator::Credentials::from_json(
        r#"{"alibaba": [{"access_key_id": "ak-other", "access_key_secret": "s", "account": "222"}]}"#,
    )
    .unwrap();
    let e = Emulator::start(EmulatorConfig::loopback().credentials(creds))
        .await
        .unwrap();
    let err = alibaba_sts(&e, "ak-other", "s")
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("mallory")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoPermission"), "{err}");
    let err = alibaba_sts(&e, "emulator-ak", "emulator-secret")
        .assume_role()
        .role_arn("acs:ram::222:role/none")
        .role_session_name("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("EntityNotExist.Role"), "{err}");
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_assume_role_calls_each_get_their_own_working_key() {
    let e = emulator(Duration::from_secs(60)).await;
    let calls = (0..40).map(|i| {
        let sts = alibaba_sts(&e, "emulator-ak", "emulator-secret");
        async move {
            sts.assume_role()
                .role_arn(ROLE)
                .role_session_name(format!("s-{i}"))
                .send()
                .await
                .expect("AssumeRole")
        }
    });
    let outs = futures_join(calls).await;
    let mut ids: Vec<&str> = outs
        .iter()
        .map(|o| o.credentials.access_key_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let last = &outs[39].credentials;
    alibaba_vpc(
        &e,
        AlibabaCredentials::new(
            last.access_key_id.clone(),
            Secret::new(last.access_key_secret.clone()),
        )
        .with_token(Secret::new(last.security_token.clone())),
    )
    .describe_vpn_gateways()
    .region_id("cn-hangzhou")
    .send()
    .await
    .expect("any of them works");
    e.shutdown().await.unwrap();
}

async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn a_tencent_assumed_role_works_on_api3_and_v2_until_it_expires() {
    let e = emulator(Duration::from_secs(2)).await;
    let out = tencent::StsClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
        .assume_role()
        .role_arn(TENCENT_ROLE)
        .role_session_name("s-1")
        .send()
        .await
        .expect("AssumeRole");
    assert!(out.expiration.ends_with('Z'));
    let c = &out.credentials;
    let issued = || {
        TencentCredentials::new(
            c.tmp_secret_id.clone(),
            Secret::new(c.tmp_secret_key.clone()),
        )
    };
    let v2 = |creds: TencentCredentials| {
        tencent::VpcV2Client::builder()
            .endpoint(e.base_url())
            .region("ap-guangzhou")
            .credentials(creds)
            .retry(RetryConfig::disabled())
            .build()
            .unwrap()
    };
    let v2_code = |r: Result<_, cloudvpn::Error<_>>| match r {
        Ok(_) => None,
        Err(err) => err.code().map(str::to_owned),
    };
    let with_token = issued().with_token(Secret::new(c.token.clone()));
    // Authenticated: the answer is about the VPC (none is seeded), not the key.
    let seen = v2_code(
        v2(with_token.clone())
            .describe_vpn_conn()
            .vpc_id("vpc-none")
            .send()
            .await,
    );
    assert_ne!(seen.as_deref(), Some("4105"), "the token is accepted");
    assert_eq!(
        v2_code(
            v2(issued())
                .describe_vpn_conn()
                .vpc_id("vpc-none")
                .send()
                .await
        )
        .as_deref(),
        Some("4105")
    );
    tencent_vpc(&e, with_token.clone())
        .describe_vpn_gateways()
        .send()
        .await
        .expect("API 3.0 with the token");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let err = tencent_vpc(&e, with_token)
        .describe_vpn_gateways()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{err}");
    assert!(err.to_string().contains("expired"), "{err}");
    e.shutdown().await.unwrap();
}
