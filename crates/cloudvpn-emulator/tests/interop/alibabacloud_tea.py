"""alibabacloud-vpc20160428 (the Tea SDK) against the emulator, with both signature algorithms: the default
ACS3-HMAC-SHA256 (V3) and signature_algorithm='v2' (RPC v1 HMAC-SHA1).

Success, every documented error of DeleteVpnGateway, DeleteEnhancedVpnGateway and DeleteVpnConnection
raised with the right code and HTTP status, XML answers, and a wrong secret rejected.
"""

import sys

from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_vpc20160428 import models as vpc
from alibabacloud_vpc20160428.client import Client

import common
from common import ENDPOINT, REGION

algorithm = sys.argv[1] if len(sys.argv) > 1 else "v3"
checks = common.Checks("alibabacloud-vpc20160428 (%s)" % algorithm)


def client(key=common.ALIBABA_KEY):
    config = open_api_models.Config(access_key_id=key[0], access_key_secret=key[1], region_id=REGION,
                                    endpoint=ENDPOINT, protocol="http")
    if algorithm == "v2":
        config.signature_algorithm = "v2"
    return Client(config)


def expect_error(what, run, code, status):
    try:
        run()
    except AlibabaCloudException as e:
        checks.equal((e.code, e.status_code), (code, status), "%s raises %s" % (what, code))
        return
    checks.ok(False, "%s should raise %s" % (what, code))


def delete_gateway(id, key=common.ALIBABA_KEY):
    return lambda: client(key).delete_vpn_gateway(vpc.DeleteVpnGatewayRequest(region_id=REGION, vpn_gateway_id=id))


def delete_enhanced(id, key=common.ALIBABA_KEY):
    return lambda: client(key).delete_enhanced_vpn_gateway(
        vpc.DeleteEnhancedVpnGatewayRequest(region_id=REGION, vpn_gateway_id=id))


def delete_connection(id, key=common.ALIBABA_KEY):
    return lambda: client(key).delete_vpn_connection(
        vpc.DeleteVpnConnectionRequest(region_id=REGION, vpn_connection_id=id))


def describe_gateway(id, key=common.ALIBABA_KEY):
    return lambda: client(key).describe_vpn_gateway(vpc.DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id=id))


common.reset({"alibaba_vpn_gateway": {"mode": "polls", "count": 1},
              "alibaba_vpn_connection": {"mode": "polls", "count": 1},
              "tencent_vpn_connection": {"mode": "immediate"}})

# Success, with a ClientToken replayed.
common.gateway("vpn-ok", enhanced=True)
common.connection("vco-ok", "vpn-ok")
checks.equal(describe_gateway("vpn-ok")().body.status, "active", "DescribeVpnGateway")
first = client().delete_vpn_connection(vpc.DeleteVpnConnectionRequest(
    region_id=REGION, vpn_connection_id="vco-ok", client_token="interop-token-1"))
again = client().delete_vpn_connection(vpc.DeleteVpnConnectionRequest(
    region_id=REGION, vpn_connection_id="vco-ok", client_token="interop-token-1"))
checks.equal(again.body.request_id, first.body.request_id, "a repeated ClientToken replays the first answer")
checks.equal(describe_gateway("vpn-ok")().body.status, "updating", "the gateway is updating")
checks.equal(describe_gateway("vpn-ok")().body.status, "active", "then active")
expect_error("DescribeVpnConnection", lambda: client().describe_vpn_connection(
    vpc.DescribeVpnConnectionRequest(region_id=REGION, vpn_connection_id="vco-ok")),
    "InvalidVpnConnectionInstanceId.NotFound", 404)
delete_enhanced("vpn-ok")()
checks.ok(True, "DeleteEnhancedVpnGateway succeeds")
listing = lambda: client().describe_vpn_gateways(vpc.DescribeVpnGatewaysRequest(region_id=REGION, vpn_gateway_id="vpn-ok"))
checks.equal(listing().body.total_count, 1, "the deleting gateway is listed")
checks.equal(listing().body.total_count, 0, "then TotalCount is 0")

# Every documented error.
common.reset({"alibaba_vpn_gateway": {"mode": "time", "ms": 60000},
              "alibaba_vpn_connection": {"mode": "time", "ms": 60000},
              "tencent_vpn_connection": {"mode": "immediate"}})
expect_error("DeleteVpnGateway", delete_gateway("vpn-x", common.ALIBABA_SUB_USER), "Forbbiden.SubUser", 403)
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-x", common.ALIBABA_SUB_USER), "Forbidden.SubUser", 403)
expect_error("DeleteVpnConnection", delete_connection("vco-x", common.ALIBABA_SUB_USER), "Forbbiden.SubUser", 403)
for name, build in (("DeleteVpnGateway", delete_gateway), ("DeleteEnhancedVpnGateway", delete_enhanced)):
    expect_error(name, build("vpn-x", common.ALIBABA_NO_PERMISSION), "Forbidden", 403)
expect_error("DeleteVpnConnection", delete_connection("vco-x", common.ALIBABA_NO_PERMISSION), "Forbidden", 403)
common.gateway("vpn-std")
expect_error("DeleteVpnGateway", delete_gateway("vpn-none"), "InvalidVpnGatewayInstanceId.NotFound", 404)
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-std"), "InvalidVpnGatewayInstanceId.NotFound", 400)
expect_error("DeleteVpnConnection", delete_connection("vco-none"), "InvalidVpnConnectionInstanceId.NotFound", 404)
common.gateway("vpn-pre", prepaid_until="2099-01-01T00:00:00Z")
common.gateway("vpn-pre-e", prepaid_until="2099-01-01T00:00:00Z", enhanced=True)
expect_error("DeleteVpnGateway", delete_gateway("vpn-pre"), "ForbiddenRelease", 403)
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-pre-e"), "ForbiddenRelease", 403)
common.gateway("vpn-dep")
common.connection("vco-dep", "vpn-dep")
common.gateway("vpn-dep-e", enhanced=True)
common.connection("vco-dep-e", "vpn-dep-e")
expect_error("DeleteVpnGateway", delete_gateway("vpn-dep"), "DependencyViolation.VpnConnection", 400)
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-dep-e"), "VpnDependencyViolation.VpnConnection", 400)
common.gateway("vpn-ssl", ssl_vpn_server=True)
expect_error("DeleteVpnGateway", delete_gateway("vpn-ssl"), "DependencyViolation.SslVpnServer", 400)
common.gateway("vpn-init", status="init")
common.connection("vco-init", "vpn-init")
expect_error("DeleteVpnConnection", delete_connection("vco-init"), "Appliance.Configuring", 400)
common.gateway("vpn-upd", enhanced=True)
common.connection("vco-upd-1", "vpn-upd")
common.connection("vco-upd-2", "vpn-upd")
delete_connection("vco-upd-1")()
expect_error("DeleteVpnConnection", delete_connection("vco-upd-1"), "VpnConnection.Configuring", 400)
expect_error("DeleteVpnConnection", delete_connection("vco-upd-2"), "VpnGateway.Configuring", 400)
expect_error("DeleteVpnGateway", delete_gateway("vpn-upd"), "VpnGateway.Configuring", 400)
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-upd"), "VpnGateway.Configuring", 400)
common.control("PUT", "/_emulator/transitions",
               {"alibaba_vpn_gateway": {"mode": "time", "ms": 60000},
                "alibaba_vpn_connection": {"mode": "time", "ms": 60000},
                "conflict_window_ms": 60000})
common.gateway("vpn-tc", enhanced=True)
common.connection("vco-tc-1", "vpn-tc")
common.connection("vco-tc-2", "vpn-tc")
delete_connection("vco-tc-1")()
expect_error("DeleteVpnConnection", delete_connection("vco-tc-2"), "VpnTask.CONFLICT", 400)
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-tc"), "TaskConflict", 400)
common.fault({"action": "DeleteEnhancedVpnGateway", "error": "InternalError", "count": 1})
expect_error("DeleteEnhancedVpnGateway", delete_enhanced("vpn-none"), "InternalError", 400)
common.fault({"action": "DescribeVpnGateway", "error": "ServiceUnavailable", "count": 1})
expect_error("DescribeVpnGateway", describe_gateway("vpn-std"), "ServiceUnavailable", 503)

# Wrong credentials.
expect_error("DescribeVpnGateway", describe_gateway("vpn-std", ("emulator-ak", "wrong")), "SignatureDoesNotMatch", 400)
expect_error("DescribeVpnGateway", describe_gateway("vpn-std", ("nobody", "x")), "InvalidAccessKeyId.NotFound", 404)
checks.done()
