"""aliyun-python-sdk-core + aliyun-python-sdk-vpc (the legacy SDK, RPC v1 HMAC-SHA1) against the emulator.

Success, every documented error of DeleteVpnGateway, DeleteVpnConnection and DeleteEnhancedVpnGateway
(the last through CommonRequest: the legacy VPC package has no request class for it) raised as a
ServerException with the right code and HTTP status, and a wrong secret rejected.
"""

import json

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from aliyunsdkvpc.request.v20160428.DeleteVpnConnectionRequest import DeleteVpnConnectionRequest
from aliyunsdkvpc.request.v20160428.DeleteVpnGatewayRequest import DeleteVpnGatewayRequest
from aliyunsdkvpc.request.v20160428.DescribeVpnConnectionRequest import DescribeVpnConnectionRequest
from aliyunsdkvpc.request.v20160428.DescribeVpnGatewayRequest import DescribeVpnGatewayRequest
from aliyunsdkvpc.request.v20160428.DescribeVpnGatewaysRequest import DescribeVpnGatewaysRequest

import common
from common import ENDPOINT, REGION

checks = common.Checks("aliyun-python-sdk-core (legacy, v1)")


def client(key=common.ALIBABA_KEY):
    return AcsClient(key[0], key[1], REGION, auto_retry=False)


def local(request):
    request.set_endpoint(ENDPOINT)
    request.set_protocol_type("http")
    return request


def delete_gateway(id):
    r = DeleteVpnGatewayRequest()
    r.set_VpnGatewayId(id)
    return local(r)


def delete_connection(id):
    r = DeleteVpnConnectionRequest()
    r.set_VpnConnectionId(id)
    return local(r)


def delete_enhanced(id):
    r = CommonRequest(domain=ENDPOINT, version="2016-04-28", action_name="DeleteEnhancedVpnGateway")
    r.set_protocol_type("http")
    r.set_method("POST")
    r.add_query_param("RegionId", REGION)
    r.add_query_param("VpnGatewayId", id)
    return r


def describe_gateway(id):
    r = DescribeVpnGatewayRequest()
    r.set_VpnGatewayId(id)
    return local(r)


def call(request, key=common.ALIBABA_KEY):
    return json.loads(client(key).do_action_with_exception(request))


def expect_error(request, code, status, key=common.ALIBABA_KEY):
    try:
        client(key).do_action_with_exception(request)
    except ServerException as e:
        checks.equal((e.get_error_code(), e.get_http_status()), (code, status),
                     "%s raises %s" % (request.get_action_name(), code))
        return
    checks.ok(False, "%s should raise %s" % (request.get_action_name(), code))


# Slow transitions so that intermediate states can be observed; completion by polling (1 Describe).
common.reset({"alibaba_vpn_gateway": {"mode": "polls", "count": 1},
              "alibaba_vpn_connection": {"mode": "polls", "count": 1},
              "tencent_vpn_connection": {"mode": "immediate"}})

# Success: the asynchronous connection deletion, then the gateway's.
common.gateway("vpn-ok")
common.connection("vco-ok", "vpn-ok")
body = call(describe_gateway("vpn-ok"))
checks.equal(body["Status"], "active", "DescribeVpnGateway answers the seeded gateway")
checks.ok(len(call(delete_connection("vco-ok"))["RequestId"]) == 36, "DeleteVpnConnection succeeds")
checks.equal(call(describe_gateway("vpn-ok"))["Status"], "updating", "the gateway is updating")
expect_error(delete_gateway("vpn-ok"), "VpnGateway.Configuring", 400)
checks.equal(call(describe_gateway("vpn-ok"))["Status"], "active", "then active again")
r = DescribeVpnConnectionRequest()
r.set_VpnConnectionId("vco-ok")
expect_error(local(r), "InvalidVpnConnectionInstanceId.NotFound", 404)
call(delete_gateway("vpn-ok"))
checks.ok(True, "DeleteVpnGateway succeeds")
listing = DescribeVpnGatewaysRequest()
listing.set_VpnGatewayId("vpn-ok")
checks.equal(call(local(listing))["TotalCount"], 1, "the deleting gateway is still listed")
checks.equal(call(local(listing))["TotalCount"], 0, "then DescribeVpnGateways finds none")
expect_error(describe_gateway("vpn-ok"), "InvalidVpnGatewayInstanceId.NotFound", 404)

# Every documented error of the three deletes.
common.reset({"alibaba_vpn_gateway": {"mode": "time", "ms": 60000},
              "alibaba_vpn_connection": {"mode": "time", "ms": 60000},
              "tencent_vpn_connection": {"mode": "immediate"}})
for build in (delete_gateway, delete_enhanced):
    expect_error(build("vpn-x"), "Forbbiden.SubUser" if build is delete_gateway else "Forbidden.SubUser",
                 403, key=common.ALIBABA_SUB_USER)
    expect_error(build("vpn-x"), "Forbidden", 403, key=common.ALIBABA_NO_PERMISSION)
expect_error(delete_connection("vco-x"), "Forbbiden.SubUser", 403, key=common.ALIBABA_SUB_USER)
expect_error(delete_connection("vco-x"), "Forbidden", 403, key=common.ALIBABA_NO_PERMISSION)
common.gateway("vpn-std")
expect_error(delete_gateway("vpn-none"), "InvalidVpnGatewayInstanceId.NotFound", 404)
expect_error(delete_enhanced("vpn-std"), "InvalidVpnGatewayInstanceId.NotFound", 400)
expect_error(delete_connection("vco-none"), "InvalidVpnConnectionInstanceId.NotFound", 404)
common.gateway("vpn-pre", prepaid_until="2099-01-01T00:00:00Z")
common.gateway("vpn-pre-e", prepaid_until="2099-01-01T00:00:00Z", enhanced=True)
expect_error(delete_gateway("vpn-pre"), "ForbiddenRelease", 403)
expect_error(delete_enhanced("vpn-pre-e"), "ForbiddenRelease", 403)
common.gateway("vpn-dep")
common.connection("vco-dep", "vpn-dep")
common.gateway("vpn-dep-e", enhanced=True)
common.connection("vco-dep-e", "vpn-dep-e")
expect_error(delete_gateway("vpn-dep"), "DependencyViolation.VpnConnection", 400)
expect_error(delete_enhanced("vpn-dep-e"), "VpnDependencyViolation.VpnConnection", 400)
common.gateway("vpn-ssl", ssl_vpn_server=True)
expect_error(delete_gateway("vpn-ssl"), "DependencyViolation.SslVpnServer", 400)
common.gateway("vpn-init", status="init")
common.connection("vco-init", "vpn-init")
expect_error(delete_connection("vco-init"), "Appliance.Configuring", 400)
common.gateway("vpn-upd", enhanced=True)
common.connection("vco-upd-1", "vpn-upd")
common.connection("vco-upd-2", "vpn-upd")
call(delete_connection("vco-upd-1"))
expect_error(delete_connection("vco-upd-1"), "VpnConnection.Configuring", 400)
expect_error(delete_connection("vco-upd-2"), "VpnGateway.Configuring", 400)
expect_error(delete_enhanced("vpn-upd"), "VpnGateway.Configuring", 400)
common.control("PUT", "/_emulator/transitions",
               {"alibaba_vpn_gateway": {"mode": "time", "ms": 60000},
                "alibaba_vpn_connection": {"mode": "time", "ms": 60000},
                "conflict_window_ms": 60000})
common.gateway("vpn-tc", enhanced=True)
common.connection("vco-tc-1", "vpn-tc")
common.connection("vco-tc-2", "vpn-tc")
call(delete_connection("vco-tc-1"))
expect_error(delete_connection("vco-tc-2"), "VpnTask.CONFLICT", 400)
expect_error(delete_enhanced("vpn-tc"), "TaskConflict", 400)
common.fault({"action": "DeleteEnhancedVpnGateway", "error": "InternalError", "count": 1})
expect_error(delete_enhanced("vpn-none"), "InternalError", 400)

# A wrong secret: the server's string to sign equals the SDK's, so the SDK reports the secret itself.
expect_error(describe_gateway("vpn-std"), "InvalidAccessKeySecret", 400, key=("emulator-ak", "wrong"))
expect_error(describe_gateway("vpn-std"), "InvalidAccessKeyId.NotFound", 404, key=("nobody", "x"))
checks.done()
