//! The two metadata services, and the refusal of web pages on their routes.

use super::*;

#[tokio::test]
async fn the_metadata_services_serve_emulator_role_with_imdsv2_and_v1() {
    let e = emulator(Duration::from_secs(60)).await;
    let get = |path: &str, token: Option<&str>| {
        let mut b = Request::get(path).header("host", host(&e));
        if let Some(t) = token {
            b = b.header("x-aliyun-ecs-metadata-token", t);
        }
        b.body(Full::new(Bytes::new())).unwrap()
    };
    let put = Request::put("/latest/api/token")
        .header("host", host(&e))
        .header("x-aliyun-ecs-metadata-token-ttl-seconds", "21600")
        .body(Full::new(Bytes::new()))
        .unwrap();
    // As a client sends it with ALIBABA_CLOUD_ECS_METADATA_ENDPOINT=http://127.0.0.1:PORT.
    let token = raw(&e, put).await;
    assert_eq!(token.status, 200, "{}", token.text());
    let token = token.text();
    let base = "/latest/meta-data/ram/security-credentials/";
    assert_eq!(
        raw(&e, get(base, Some(&token))).await.text(),
        "emulator-role"
    );
    let creds = raw(&e, get(&format!("{base}emulator-role"), Some(&token)))
        .await
        .json();
    assert_eq!(creds["Code"], "Success");
    let v1 = raw(&e, get(&format!("{base}emulator-role"), None))
        .await
        .json();
    assert_eq!(
        v1["AccessKeyId"], creds["AccessKeyId"],
        "the current credentials, IMDSv1 too"
    );
    assert_eq!(raw(&e, get(base, Some("not-a-token"))).await.status, 401);
    assert_eq!(
        raw(&e, get(&format!("{base}other"), None)).await.status,
        404
    );
    let bad_ttl = Request::put("/latest/api/token")
        .header("host", host(&e))
        .header("x-aliyun-ecs-metadata-token-ttl-seconds", "0")
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(raw(&e, bad_ttl).await.status, 400);
    alibaba_vpc(
        &e,
        AlibabaCredentials::new(
            creds["AccessKeyId"].as_str().unwrap(),
            Secret::new(creds["AccessKeySecret"].as_str().unwrap()),
        )
        .with_token(Secret::new(creds["SecurityToken"].as_str().unwrap())),
    )
    .describe_vpn_gateways()
    .region_id("cn-hangzhou")
    .send()
    .await
    .expect("metadata credentials call VPC");

    let cvm = "/latest/meta-data/cam/security-credentials/";
    assert_eq!(raw(&e, get(cvm, None)).await.text(), "emulator-role");
    let t = raw(&e, get(&format!("{cvm}emulator-role"), None))
        .await
        .json();
    assert_eq!(t["Code"], "Success");
    assert!(t["TmpSecretId"].as_str().unwrap().starts_with("AKID"));
    assert!(t["ExpiredTime"].as_u64().unwrap() > cloudvpn_emulator_now());
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn web_pages_are_refused_on_the_metadata_and_oidc_routes() {
    let e = emulator(Duration::from_secs(60)).await;
    let page = Request::get("/latest/meta-data/ram/security-credentials/emulator-role")
        .header("host", host(&e))
        .header("origin", "https://evil.example")
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(raw(&e, page).await.status, 403);
    let form = Request::post("/_emulator/oidc-token")
        .header("host", host(&e))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from("cloud=alibaba")))
        .unwrap();
    assert_eq!(raw(&e, form).await.status, 415);
    e.shutdown().await.unwrap();
}
