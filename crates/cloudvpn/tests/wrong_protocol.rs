//! A client sends only operations of APIs of its own protocol. The check is on the API's protocol, not on
//! its provider: here a made-up API of each cloud speaks the *other* protocol, which a provider check would
//! have let through and signed with the wrong scheme.

use cloudvpn::ApiClient;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::ScriptedTransport;
use cloudvpn::{AlibabaClient, Error, TencentClient};
use cloudvpn_types::alibaba_vpc::{self, DeleteVpnGatewayError};
use cloudvpn_types::meta::{ApiMeta, OperationAuth, OperationMeta, Protocol, Provider};
use cloudvpn_types::{Api, ApiRequest, Operation, Params, ValidationError, Visitor};
use std::sync::Arc;

/// The metadata of a made-up API of `provider` speaking `protocol`, otherwise like Alibaba's VPC API.
const fn api(provider: Provider, protocol: Protocol, module: &'static str) -> ApiMeta {
    let mut meta = alibaba_vpc::API;
    meta.provider = provider;
    meta.protocol = protocol;
    meta.module = module;
    meta.title = "made-up API of the test";
    meta
}

const ALIBABA_V2: ApiMeta = api(Provider::Alibaba, Protocol::TencentV2, "alibaba_made_up");
const TENCENT_RPC: ApiMeta = api(Provider::Tencent, Protocol::AlibabaRpc, "tencent_made_up");

/// The metadata of its one operation, `Frob`, with no parameters.
const fn operation(api: &'static ApiMeta) -> OperationMeta {
    OperationMeta {
        api,
        action: "Frob",
        summary: "A made-up operation.",
        methods: &[],
        idempotency_token: None,
        read_only: true,
        rate_limit_per_second: None,
        auth: OperationAuth::Signed,
        params: &[],
        errors: &[],
        completion: None,
        pagination: None,
    }
}

const ALIBABA_V2_FROB: OperationMeta = operation(&ALIBABA_V2);
const TENCENT_RPC_FROB: OperationMeta = operation(&TENCENT_RPC);

/// Declares a made-up API type and the request of its `Frob` operation.
macro_rules! made_up_api {
    ($api:ident, $request:ident, $api_meta:ident, $op_meta:ident) => {
        #[derive(Debug, Clone, Copy, Default)]
        struct $api;

        impl Api for $api {
            const META: &'static ApiMeta = &$api_meta;
            const OPERATIONS: &'static [&'static OperationMeta] = &[&$op_meta];
            type Request = $request;

            fn from_params(
                action: &str,
                params: &Params,
            ) -> Option<Result<$request, ValidationError>> {
                (action == "Frob").then(|| $request::from_params(params))
            }
        }

        #[derive(Debug, Clone, serde::Serialize)]
        struct $request;

        impl ApiRequest for $request {
            type Api = $api;

            fn meta(&self) -> &'static OperationMeta {
                &$op_meta
            }

            fn dispatch<V: Visitor>(self, visitor: V) -> V::Output {
                visitor.visit(self)
            }
        }

        impl Operation for $request {
            type Api = $api;
            type Output = serde_json::Value;
            // Any generated error enum will do: the call must fail before an answer is read.
            type Error = DeleteVpnGatewayError;
            const META: &'static OperationMeta = &$op_meta;

            fn validate(&self) -> Result<(), ValidationError> {
                Ok(())
            }
            fn to_params(&self) -> cloudvpn_types::params::WireParams {
                Vec::new()
            }
            fn from_params(_params: &Params) -> Result<Self, ValidationError> {
                Ok($request)
            }
            fn idempotency_token(&self) -> Option<&str> {
                None
            }
            fn set_idempotency_token(&mut self, _token: String) {}
        }
    };
}

made_up_api!(AlibabaV2Api, AlibabaV2Frob, ALIBABA_V2, ALIBABA_V2_FROB);
made_up_api!(TencentRpcApi, TencentRpcFrob, TENCENT_RPC, TENCENT_RPC_FROB);

fn assert_refused<E: std::fmt::Debug>(
    error: &Error<E>,
    provider: Provider,
    protocol: Protocol,
    client: Protocol,
) {
    let Error::WrongProtocol {
        action,
        provider: p,
        api,
        protocol: got,
        client: c,
    } = error
    else {
        panic!("not refused for its protocol: {error:?}")
    };
    assert_eq!(
        (*action, *p, *api, *got, *c),
        (
            "Frob",
            provider,
            "made-up API of the test",
            protocol,
            client
        )
    );
}

#[tokio::test]
async fn an_alibaba_api_of_another_protocol_is_refused_by_the_alibaba_client() {
    let t = Arc::new(ScriptedTransport::new([]));
    let client = AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(AlibabaCredentials::new("testid", Secret::new("testsecret")))
        .transport(t.clone())
        .build()
        .expect("client");
    let (p, got, c) = (Provider::Alibaba, Protocol::TencentV2, Protocol::AlibabaRpc);
    assert_refused(
        &client.send(AlibabaV2Frob).await.expect_err("refused"),
        p,
        got,
        c,
    );
    assert_refused(
        &client.delete(AlibabaV2Frob).await.expect_err("refused"),
        p,
        got,
        c,
    );
    let error = client.prepare(AlibabaV2Frob).await.expect_err("refused");
    assert_refused(&error, p, got, c);
    assert_eq!(
        error.to_string(),
        "Frob is an alibaba operation of the made-up API of the test, whose protocol is tencent-v2; this \
         client speaks alibaba-rpc, so nothing was sent: send it with a client of the tencent-v2 protocol"
    );
    assert!(t.requests().is_empty(), "a request was sent");
}

#[tokio::test]
async fn a_tencent_api_of_another_protocol_is_refused_by_the_tencent_client() {
    let t = Arc::new(ScriptedTransport::new([]));
    let client = TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .build()
        .expect("client");
    let (p, got, c) = (Provider::Tencent, Protocol::AlibabaRpc, Protocol::TencentV2);
    assert_refused(
        &client.send(TencentRpcFrob).await.expect_err("refused"),
        p,
        got,
        c,
    );
    let error = client.prepare(TencentRpcFrob).await.expect_err("refused");
    assert_refused(&error, p, got, c);
    assert!(
        error.to_string().starts_with("Frob is a tencent operation"),
        "{error}"
    );
    assert!(t.requests().is_empty(), "a request was sent");
}

#[test]
fn the_made_up_apis_are_what_the_clients_are_told() {
    // The fixtures are consistent: the request names its API, and the API its metadata.
    assert_eq!(
        <AlibabaV2Frob as Operation>::Api::META.protocol,
        Protocol::TencentV2
    );
    assert_eq!(AlibabaV2Frob.meta().api.module, AlibabaV2Api::META.module);
    assert!(TencentRpcApi::from_params("Frob", &Params::new()).is_some());
    assert!(TencentRpcApi::from_params("Other", &Params::new()).is_none());
}
