//! Known-answer tests from the vendors' public signature documentation.
//!
//! These complement the captured SDK requests: the documents are an
//! independent source, written by the vendors for people who implement the
//! algorithms themselves.

use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest, EMPTY_PAYLOAD_HASH};
use cloudvpn_signing::encoding::{form_decode, form_urlencode};
use cloudvpn_signing::tencent_v2::{self, SignatureMethod};
use cloudvpn_signing::{alibaba_v1, alibaba_v3::V3Error};

/// Alibaba "Signature mechanism" (RPC) example: ECS DescribeRegions with
/// AccessKey ID `testid` and secret `testsecret`.
const DESCRIBE_REGIONS: [(&str, &str); 8] = [
    ("Timestamp", "2016-02-23T12:46:24Z"),
    ("Format", "XML"),
    ("AccessKeyId", "testid"),
    ("Action", "DescribeRegions"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
    ("Version", "2014-05-26"),
    ("SignatureVersion", "1.0"),
];

#[test]
fn alibaba_rpc_describe_regions_example() {
    assert_eq!(
        alibaba_v1::canonicalized_query(&DESCRIBE_REGIONS),
        "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1\
         &SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0\
         &Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26"
    );
    let string_to_sign = alibaba_v1::string_to_sign("GET", &DESCRIBE_REGIONS);
    assert_eq!(
        string_to_sign,
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML\
         %26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
         %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    );
    assert_eq!(
        alibaba_v1::sign("testsecret", &string_to_sign),
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    );

    // Round trip through the wire form: the documented signature verifies.
    let mut params: Vec<(&str, &str)> = DESCRIBE_REGIONS.to_vec();
    params.push(("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY="));
    let query = form_urlencode(&params);
    assert!(query.contains("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"));
    let received = form_decode(&query).unwrap();
    assert_eq!(alibaba_v1::verify("testsecret", "GET", &received), Ok(()));
    assert!(alibaba_v1::verify("testsecreT", "GET", &received).is_err());
}

#[test]
fn alibaba_rpc_older_doc_example_with_timestamp_spelled_timestamp() {
    // Older copies of the same document (and many product-specific
    // "Request signatures" pages, which show `Signature=CT9X0VtwR86fNWSnsc6v8YGOjuE%3D`)
    // spell the parameter `TimeStamp`. Sorting is bytewise, so the capital S
    // changes nothing in the order but everything in the signature.
    let params: Vec<(&str, &str)> = DESCRIBE_REGIONS
        .iter()
        .map(|&(k, v)| (if k == "Timestamp" { "TimeStamp" } else { k }, v))
        .collect();
    assert_eq!(
        alibaba_v1::signature("testsecret", "GET", &params),
        "CT9X0VtwR86fNWSnsc6v8YGOjuE="
    );
}

#[test]
fn alibaba_acs3_doc_example() {
    // Alibaba "V3 request structure and signature": POST RunInstances to
    // ecs.cn-shanghai.aliyuncs.com with AccessKey ID `YourAccessKeyId` and
    // secret `YourAccessKeySecret`. The resulting signature is the one the
    // document shows in its `Authorization` example
    // (`e521358f…4804`); the RPC-flavoured copy of the page shows
    // `06563a9e…83c0` next to the same headers, which these inputs do not
    // produce.
    let request = CanonicalRequest::new("POST", "/")
        .query("RegionId", "cn-shanghai")
        .query(
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        )
        .header("host", "ecs.cn-shanghai.aliyuncs.com")
        .header("x-acs-action", "RunInstances")
        .header("x-acs-version", "2014-05-26")
        .header("x-acs-date", "2023-10-26T09:01:01Z")
        .header("x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0")
        .header("x-acs-content-sha256", EMPTY_PAYLOAD_HASH)
        .body(b"");
    assert_eq!(
        request.to_string(),
        "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n\
         host:ecs.cn-shanghai.aliyuncs.com\n\
         x-acs-action:RunInstances\n\
         x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-acs-date:2023-10-26T09:01:01Z\n\
         x-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0\n\
         x-acs-version:2014-05-26\n\n\
         host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let authorization = alibaba_v3::authorize("YourAccessKeyId", "YourAccessKeySecret", &request);
    assert_eq!(
        authorization,
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,\
         SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
         Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"
    );

    let headers = [
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
        ("x-acs-action", "RunInstances"),
        ("x-acs-version", "2014-05-26"),
        ("x-acs-date", "2023-10-26T09:01:01Z"),
        ("x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"),
        ("x-acs-content-sha256", EMPTY_PAYLOAD_HASH),
        ("Authorization", authorization.as_str()),
    ];
    let query = form_decode(
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
    )
    .unwrap();
    assert_eq!(
        alibaba_v3::verify("YourAccessKeySecret", "POST", "/", &query, &headers, b""),
        Ok(())
    );
    assert!(matches!(
        alibaba_v3::verify("YourAccessKeySecreT", "POST", "/", &query, &headers, b""),
        Err(V3Error::SignatureMismatch { .. })
    ));
}

/// Tencent "签名方法" (signature method) v2 example: CVM DescribeInstances.
const TENCENT_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";
const DESCRIBE_INSTANCES: [(&str, &str); 9] = [
    ("Action", "DescribeInstances"),
    ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
    ("Region", "gz"),
    ("Timestamp", "1465185768"),
    ("Nonce", "11886"),
    ("SignatureMethod", "HmacSHA256"),
    ("instanceIds.0", "ins-09dx96dg"),
    ("offset", "0"),
    ("limit", "20"),
];

#[test]
fn tencent_v2_doc_example_hmac_sha256() {
    let source = tencent_v2::source_string(
        "GET",
        "cvm.api.qcloud.com",
        "/v2/index.php",
        &DESCRIBE_INSTANCES,
    );
    assert_eq!(
        source,
        "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256\
         &Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0"
    );
    assert_eq!(
        tencent_v2::sign(SignatureMethod::HmacSha256, TENCENT_SECRET_KEY, &source),
        "PSWUwVv4TfW2sQP1FT9KbbLjIZ9bmK8f1cL6fbpf3KI="
    );
    let mut params = DESCRIBE_INSTANCES.to_vec();
    params.push(("Signature", "PSWUwVv4TfW2sQP1FT9KbbLjIZ9bmK8f1cL6fbpf3KI="));
    assert_eq!(
        tencent_v2::verify(
            TENCENT_SECRET_KEY,
            "GET",
            "cvm.api.qcloud.com",
            "/v2/index.php",
            &params
        ),
        Ok(())
    );
}

#[test]
fn tencent_v2_doc_example_hmac_sha1_without_signature_method() {
    let params: Vec<(&str, &str)> = DESCRIBE_INSTANCES
        .iter()
        .copied()
        .filter(|(k, _)| *k != "SignatureMethod")
        .collect();
    assert_eq!(
        tencent_v2::signature(
            TENCENT_SECRET_KEY,
            "GET",
            "cvm.api.qcloud.com",
            "/v2/index.php",
            &params
        ),
        "NSI3UqqD99b/UJb4tbG/xZpRW64="
    );
    let mut signed = params;
    signed.push(("Signature", "NSI3UqqD99b/UJb4tbG/xZpRW64="));
    assert_eq!(
        tencent_v2::verify(
            TENCENT_SECRET_KEY,
            "GET",
            "cvm.api.qcloud.com",
            "/v2/index.php",
            &signed
        ),
        Ok(())
    );
}

/// The example of Tencent's "签名方法 v3" (signature method v3) document
/// (cloud.tencent.com/document/api/213/30654): CVM DescribeInstances in
/// ap-guangzhou, POST with `Content-Type: application/json; charset=utf-8`,
/// timestamp 1551113065. The document masks the credentials, and its
/// published signature is computed with the masked secret key literally;
/// tencentcloud-sdk-python's own `Sign.sign_tc3` gives the same value for
/// these inputs (reference notes §2.2), and the intermediate hashes below
/// are the ones the document prints.
mod tencent_tc3_doc_example {
    use cloudvpn_signing::tencent_tc3::{self, CanonicalRequest, Scoped, SigningKey};

    const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******";
    const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3*******";
    const TIMESTAMP: i64 = 1_551_113_065;
    const CONTENT_TYPE: &str = "application/json; charset=utf-8";
    const HOST: &str = "cvm.tencentcloudapi.com";
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const PAYLOAD_HASH: &str = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
    const CANONICAL_REQUEST_HASH: &str =
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031";
    const SIGNATURE: &str = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c";

    fn request() -> CanonicalRequest {
        CanonicalRequest::new("POST", "/")
            .header("Content-Type", CONTENT_TYPE)
            .header("Host", HOST)
            .body(PAYLOAD.as_bytes())
    }

    #[test]
    fn payload_hash() {
        assert_eq!(request().hashed_payload(), PAYLOAD_HASH);
    }

    #[test]
    fn canonical_request() {
        let request = request();
        assert_eq!(
            request.to_string(),
            format!(
                "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{HOST}\n\ncontent-type;host\n{PAYLOAD_HASH}"
            )
        );
        assert_eq!(request.hash(), CANONICAL_REQUEST_HASH);
    }

    #[test]
    fn string_to_sign() {
        let date = tencent_tc3::date_of(TIMESTAMP);
        assert_eq!(date, "2019-02-25");
        assert_eq!(
            tencent_tc3::string_to_sign("1551113065", &date, "cvm", CANONICAL_REQUEST_HASH),
            format!(
                "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n{CANONICAL_REQUEST_HASH}"
            )
        );
    }

    #[test]
    fn signature_and_authorization() {
        let key = SigningKey::derive(SECRET_KEY, "2019-02-25", "cvm");
        let to_sign =
            tencent_tc3::string_to_sign("1551113065", "2019-02-25", "cvm", CANONICAL_REQUEST_HASH);
        assert_eq!(tencent_tc3::signature(&key, &to_sign), SIGNATURE);
        let expected = format!(
            "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, Signature={SIGNATURE}"
        );
        let scoped = Scoped {
            timestamp: TIMESTAMP,
            service: "cvm",
        };
        assert_eq!(
            tencent_tc3::authorize(SECRET_ID, SECRET_KEY, scoped, &request()),
            expected
        );
    }

    #[test]
    fn verify_accepts_the_example() {
        let headers = [
            (
                "Authorization",
                format!(
                    "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, \
                 SignedHeaders=content-type;host, Signature={SIGNATURE}"
                ),
            ),
            ("Content-Type", CONTENT_TYPE.to_owned()),
            ("Host", HOST.to_owned()),
            ("X-TC-Action", "DescribeInstances".to_owned()),
            ("X-TC-Timestamp", "1551113065".to_owned()),
            ("X-TC-Version", "2017-03-12".to_owned()),
            ("X-TC-Region", "ap-guangzhou".to_owned()),
        ];
        let verify = |secret: &str| {
            tencent_tc3::verify(secret, "cvm", "POST", "/", "", &headers, PAYLOAD.as_bytes())
        };
        assert_eq!(verify(SECRET_KEY), Ok(()));
        assert!(verify("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA").is_err());
    }
}
