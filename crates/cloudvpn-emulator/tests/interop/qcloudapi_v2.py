"""qcloudapi-sdk-python (Tencent Cloud API v2) against the emulator.

The SDK speaks HTTPS only and ignores `endpoint` for module 'vpc' (reference notes, tencent.md 3.1), so
the script points the module's host at the emulator and swaps the SDK's HTTPS connection for plain HTTP.
It returns raw bodies: every answer is HTTP 200 and errors are read from `code` / `codeDesc`.

Success with GET and POST and both hash methods, the DeleteVpnConn task going from 2 to 0, every
documented DeleteVpnConn error, and a wrong secret rejected (4100).
"""

import http.client
import json

import QcloudApi.common.request as qcloud_request
import QcloudApi.modules.vpc as qcloud_vpc
from QcloudApi.qcloudapi import QcloudApi

import common
from common import ENDPOINT

checks = common.Checks("qcloudapi-sdk-python (v2)")


class PlainConnection(http.client.HTTPConnection):
    """The SDK's MyHTTPSConnection, minus TLS."""

    def __init__(self, host, port=None):
        http.client.HTTPConnection.__init__(self, host, port)
        self.request_length = 0


qcloud_request.MyHTTPSConnection = PlainConnection
qcloud_vpc.Vpc.requestHost = ENDPOINT


def call(action, params, method="GET", hash="HmacSHA1", key=common.TENCENT_KEY):
    api = QcloudApi("vpc", {"secretId": key[0], "secretKey": key[1], "Region": "gz", "method": method,
                            "SignatureMethod": hash})
    return json.loads(api.call(action, params))


def expect_error(action, params, code_desc, code, **kw):
    body = call(action, params, **kw)
    checks.equal((body.get("code"), body.get("codeDesc")), (code, code_desc), "%s answers %s" % (action, code_desc))


common.reset({"alibaba_vpn_gateway": {"mode": "immediate"},
              "alibaba_vpn_connection": {"mode": "immediate"},
              "tencent_vpn_connection": {"mode": "polls", "count": 1}})

for i, (method, hash) in enumerate([("GET", "HmacSHA1"), ("GET", "HmacSHA256"),
                                    ("POST", "HmacSHA1"), ("POST", "HmacSHA256")]):
    vpc, gw, conn = "vpc-%d" % i, "vpngw-%d" % i, "vpnx-%d" % i
    common.tencent_chain(vpc, gw, conn, region="gz")
    listed = call("DescribeVpnConn", {"vpcId": vpc}, method, hash)
    checks.equal((listed["code"], listed["totalCount"]), (0, 1), "DescribeVpnConn %s %s" % (method, hash))
    body = call("DeleteVpnConn", {"vpcId": vpc, "vpnGwId": gw, "vpnConnId": conn}, method, hash)
    checks.equal((body["code"], body["codeDesc"]), (0, "Success"), "DeleteVpnConn %s %s" % (method, hash))
    task = body["data"]["taskId"]
    statuses = [call("DescribeVpcTaskResult", {"taskId": task}, method, hash)["data"]["status"] for _ in range(2)]
    checks.equal(statuses, [2, 0], "DescribeVpcTaskResult goes from 2 to 0")
    expect_error("DeleteVpnConn", {"vpcId": vpc, "vpnGwId": gw, "vpnConnId": conn},
                 "InvalidVpnConn.NotFound", 5000, method=method, hash=hash)

common.tencent_chain("vpc-e", "vpngw-e", "vpnx-e", region="gz")
common.control("POST", "/_emulator/tencent/vpn-gateways", {"vpc_id": "vpc-0", "id": "vpngw-other", "region": "gz"})
common.tencent_connection("vpc-e", "vpngw-e", "vpnx-busy", region="gz", status=2)
expect_error("DeleteVpnConn", {"vpcId": "vpc-none", "vpnGwId": "vpngw-e", "vpnConnId": "vpnx-e"}, "InvalidVpc.NotFound", 5000)
expect_error("DeleteVpnConn", {"vpcId": "vpc-e", "vpnGwId": "vpngw-other", "vpnConnId": "vpnx-e"}, "InvalidVpnGw.NotFound", 5000)
expect_error("DeleteVpnConn", {"vpcId": "vpc-e", "vpnGwId": "vpngw-e", "vpnConnId": "vpnx-none"}, "InvalidVpnConn.NotFound", 5000)
expect_error("DeleteVpnConn", {"vpcId": "vpc-e", "vpnGwId": "vpngw-e", "vpnConnId": "vpnx-busy"}, "InvalidVpnConnState", 5100)
call("DeleteVpnConn", {"vpcId": "vpc-e", "vpnGwId": "vpngw-e", "vpnConnId": "vpnx-e"})
expect_error("DeleteVpnConn", {"vpcId": "vpc-e", "vpnGwId": "vpngw-e", "vpnConnId": "vpnx-e"}, "InvalidVpnConnState", 5100)

expect_error("DescribeVpnConn", {}, "AuthFailure", 4100, key=("emulator-sid", "wrong"))
expect_error("DescribeVpnConn", {}, "AuthFailure.SecretIdNotFound", 4104, key=("nobody", "x"))
checks.done()
