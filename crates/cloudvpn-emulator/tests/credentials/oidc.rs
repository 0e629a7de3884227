//! The control API's OIDC tokens, exchanged unsigned as the official libraries send them, their claims
//! checked.

use super::*;

#[tokio::test]
async fn oidc_tokens_of_the_control_api_are_exchanged_unsigned_and_their_claims_checked() {
    let e = emulator(Duration::from_secs(60)).await;
    let token = oidc_token(
        &e,
        serde_json::json!({"cloud": "alibaba", "subject": "ci-job"}),
    )
    .await;
    let answer = alibaba_oidc(&e, &token).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["OIDCTokenInfo"]["Subject"], "ci-job");
    let expiration = body["Credentials"]["Expiration"].as_str().unwrap();
    assert!(
        expiration.ends_with('Z') && expiration.len() == 20,
        "{expiration}"
    );

    let expired = oidc_token(
        &e,
        serde_json::json!({"cloud": "alibaba", "subject": "ci-job", "expires_in": 0}),
    )
    .await;
    let answer = alibaba_oidc(&e, &expired).await;
    assert_eq!(answer.status, 401, "{}", answer.text());
    assert_eq!(
        answer.json()["Code"],
        "AuthenticationFail.OIDCToken.Expired"
    );
    let other_audience = oidc_token(
        &e,
        serde_json::json!({"cloud": "alibaba", "subject": "x", "audience": "someone-else"}),
    )
    .await;
    assert_eq!(
        alibaba_oidc(&e, &other_audience).await.json()["Code"],
        "AuthenticationFail.OIDCToken.AudienceNotMatch"
    );

    let token = oidc_token(&e, serde_json::json!({"cloud": "tencent", "subject": "sa"})).await;
    let answer = tencent_web_identity(&e, &token).await;
    let response = &answer.json()["Response"];
    assert!(response["Error"].is_null(), "{}", answer.text());
    let secret_id = response["Credentials"]["TmpSecretId"]
        .as_str()
        .unwrap()
        .to_owned();
    let expired_time = response["ExpiredTime"].as_u64().unwrap();
    assert!(expired_time > cloudvpn_emulator_now(), "{expired_time}");
    // The issued Tencent key calls VPC API 3.0 with its token, and not without it.
    let issued = TencentCredentials::new(
        secret_id,
        Secret::new(response["Credentials"]["TmpSecretKey"].as_str().unwrap()),
    );
    let token_of = response["Credentials"]["Token"]
        .as_str()
        .unwrap()
        .to_owned();
    tencent_vpc(&e, issued.clone().with_token(Secret::new(token_of)))
        .describe_vpn_gateways()
        .send()
        .await
        .expect("issued key with its token");
    let err = tencent_vpc(&e, issued)
        .describe_vpn_gateways()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{err}");
    let wrong_issuer = tencent_web_identity(
        &e,
        "e30.eyJpc3MiOiJ4Iiwic3ViIjoieSIsImF1ZCI6InoiLCJleHAiOjk5OTk5OTk5OTl9.",
    )
    .await;
    assert_eq!(
        wrong_issuer.json()["Response"]["Error"]["Code"],
        "InvalidParameter.WebIdentityTokenError"
    );
    e.shutdown().await.unwrap();
}

/// A token made by the control API with its claims rewritten: an unsigned JWT can say anything.
fn with_claims(token: &str, rewrite: impl FnOnce(&mut serde_json::Value)) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    rewrite(&mut claims);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.", parts[0])
}

#[tokio::test]
async fn absurd_exp_or_iat_claims_are_refused_as_invalid_tokens_not_a_crash() {
    let e = emulator(Duration::from_secs(60)).await;
    let alibaba = oidc_token(&e, serde_json::json!({"cloud": "alibaba", "subject": "ci"})).await;
    let tencent = oidc_token(&e, serde_json::json!({"cloud": "tencent", "subject": "sa"})).await;
    let absurd = 100_000_000_000_000_000_i64; // 10^17 s: its milliseconds overflow a u64
    for (claim, value) in [("exp", absurd), ("iat", absurd), ("iat", -1)] {
        let token = with_claims(&alibaba, |c| c[claim] = value.into());
        let answer = alibaba_oidc(&e, &token).await;
        assert_eq!(answer.status, 401, "{claim}={value}: {}", answer.text());
        assert_eq!(
            answer.json()["Code"],
            "AuthenticationFail.OIDCToken.Invalid",
            "{claim}={value}"
        );
        assert!(answer.text().contains(claim), "{}", answer.text());
        let token = with_claims(&tencent, |c| c[claim] = value.into());
        let answer = tencent_web_identity(&e, &token).await;
        let error = &answer.json()["Response"]["Error"];
        assert_eq!(
            error["Code"],
            "InvalidParameter.WebIdentityTokenError",
            "{claim}={value}: {}",
            answer.text()
        );
    }
    // The emulator still answers afterwards.
    assert_eq!(alibaba_oidc(&e, &alibaba).await.status, 200);
    e.shutdown().await.unwrap();
}
