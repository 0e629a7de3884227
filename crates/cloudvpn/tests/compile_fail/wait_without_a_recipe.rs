// `send_and_wait` exists only on operations whose spec has a completion recipe: a describe has none.
async fn describe(client: cloudvpn::alibaba::VpcClient) {
    let _ = client
        .describe_vpn_gateway()
        .region_id("cn-hangzhou")
        .vpn_gateway_id("vpn-1")
        .send_and_wait()
        .await;
}

fn main() {
    let _ = describe;
}
