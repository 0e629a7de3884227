// A client of one API takes only that API's requests: a Tencent v2 request sent with the Alibaba VPC client
// is a type error, not a run-time `WrongProtocol`.
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;

async fn send(client: cloudvpn::alibaba::VpcClient) {
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    let _ = client.send(request).await;
}

fn main() {
    let _ = send;
}
