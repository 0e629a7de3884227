"""The official Python SDKs over HTTPS, against the emulator started with TLS, each trusting the emulator's CA
through its usual setting and nothing else changed: qcloudapi-sdk-python (HTTPS only) through its own
HTTPSConnection and SSL_CERT_FILE, aliyun-python-sdk-core with protocol https and ALIBABA_CLOUD_CA_BUNDLE.

tests/interop.rs sets EMULATOR_SCHEME=https and points SSL_CERT_FILE and ALIBABA_CLOUD_CA_BUNDLE at the CA the
emulator made at start. A client that does not trust that CA is refused.
"""

import json
import os

import QcloudApi.modules.vpc as qcloud_vpc
from QcloudApi.qcloudapi import QcloudApi
from aliyunsdkcore.acs_exception.exceptions import ClientException
from aliyunsdkcore.client import AcsClient
from aliyunsdkvpc.request.v20160428.DescribeVpnGatewayRequest import DescribeVpnGatewayRequest

import common
from common import ENDPOINT, REGION

checks = common.Checks("official SDKs over HTTPS")
checks.equal(common.SCHEME, "https", "the emulator speaks HTTPS")
ca = os.environ["SSL_CERT_FILE"]
checks.equal(os.environ.get("ALIBABA_CLOUD_CA_BUNDLE"), ca, "one CA file for both SDKs")

common.reset({"alibaba_vpn_gateway": {"mode": "immediate"},
              "alibaba_vpn_connection": {"mode": "immediate"},
              "tencent_vpn_connection": {"mode": "polls", "count": 1}})

# qcloudapi-sdk-python, unmodified: its HTTPS connection and Python's default certificate store.
qcloud_vpc.Vpc.requestHost = ENDPOINT
common.tencent_chain("vpc-tls", "vpngw-tls", "vpnx-tls", region="gz")


def tencent(action, params):
    api = QcloudApi("vpc", {"secretId": common.TENCENT_KEY[0], "secretKey": common.TENCENT_KEY[1],
                            "Region": "gz", "method": "POST", "SignatureMethod": "HmacSHA256"})
    return json.loads(api.call(action, params))


listed = tencent("DescribeVpnConn", {"vpcId": "vpc-tls"})
checks.equal((listed["code"], listed["totalCount"]), (0, 1), "qcloudapi DescribeVpnConn over HTTPS")
deleted = tencent("DeleteVpnConn", {"vpcId": "vpc-tls", "vpnGwId": "vpngw-tls", "vpnConnId": "vpnx-tls"})
checks.equal((deleted["code"], deleted["codeDesc"]), (0, "Success"), "qcloudapi DeleteVpnConn over HTTPS")

# aliyun-python-sdk-core with protocol https.
common.gateway("vpn-tls")
request = DescribeVpnGatewayRequest()
request.set_VpnGatewayId("vpn-tls")
request.set_endpoint(ENDPOINT)
request.set_protocol_type("https")
client = AcsClient(common.ALIBABA_KEY[0], common.ALIBABA_KEY[1], REGION, auto_retry=False)
body = json.loads(client.do_action_with_exception(request))
checks.equal(body.get("VpnGatewayId"), "vpn-tls", "aliyun-python-sdk-core DescribeVpnGateway over HTTPS")

# The same client trusting only the public CAs (its certifi bundle) is refused.
untrusting = AcsClient(common.ALIBABA_KEY[0], common.ALIBABA_KEY[1], REGION, auto_retry=False,
                       verify=True)
try:
    untrusting.do_action_with_exception(request)
    checks.ok(False, "a client that does not trust the emulator's CA must be refused")
except ClientException as e:
    checks.ok("CERTIFICATE_VERIFY_FAILED" in str(e) or "certificate" in str(e).lower(),
              "a client that does not trust the emulator's CA is refused (%s)" % e.get_error_code())
checks.done()
