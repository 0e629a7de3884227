"""What the API 3.0 interop scripts share: the world they seed and the checks of every documented answer.

Each script drives one official client (tencentcloud-sdk-python in one signing mode, or tccli) through
`call(action, params, key=..., stale=False)`, which returns the answer's `Response` fields or raises
`Api3Error(code)`. The flows below are the same for every client: deletions succeeding and awaited as the
specs' completion recipes say, each documented error of the deletions raised with its code, and a wrong
secret, an unknown SecretId and a stale timestamp rejected.
"""

import common

REGION = "ap-guangzhou"
# Tunnel deletions stay RUNNING / DELETING for two polls, then complete (the emulator's poll-count transition):
# one poll sees the tunnel DELETING, the next the task RUNNING, then it is done.
TRANSITIONS = {"alibaba_vpn_gateway": {"mode": "immediate"},
               "alibaba_vpn_connection": {"mode": "immediate"},
               "tencent_vpn_connection": {"mode": "polls", "count": 2}}
# How many polls a wait may take before the check fails (the transitions above need three).
MAX_POLLS = 5


class Api3Error(Exception):
    def __init__(self, code, message=""):
        Exception.__init__(self, "%s: %s" % (code, message))
        self.code = code


def seed_world(prefix):
    """A VPC with a pay-as-you-go gateway and two tunnels in ap-guangzhou; returns their IDs.

    `prefix` is 7 lower-case letters or digits, so that every ID has the real form (`vpngw-` / `vpnx-` and 8).
    """
    vpc, gw = "vpc-%s0" % prefix, "vpngw-%s0" % prefix
    conns = ["vpnx-%sa" % prefix, "vpnx-%sb" % prefix]
    common.control("POST", "/_emulator/tencent/vpcs", {"id": vpc, "region": REGION})
    common.control("POST", "/_emulator/tencent/vpn-gateways", {"vpc_id": vpc, "id": gw, "region": REGION})
    for conn in conns:
        common.tencent_connection(vpc, gw, conn, region=REGION)
    return vpc, gw, conns


def gateway(vpc, gw, **extra):
    body = {"vpc_id": vpc, "id": gw, "region": REGION}
    body.update(extra)
    common.control("POST", "/_emulator/tencent/vpn-gateways", body)


def expect_error(checks, call, action, params, code, **kw):
    try:
        call(action, params, **kw)
    except Api3Error as e:
        checks.equal(e.code, code, "%s raises %s" % (action, code))
        return
    checks.ok(False, "%s raises %s (it succeeded)" % (action, code))


def gone(call, action, params, set_name):
    """Whether a Describe says the resource is gone: ResourceNotFound (or a not-found code) or an empty set."""
    try:
        answer = call(action, params)
    except Api3Error as e:
        if e.code in ("ResourceNotFound", "InvalidVpnGatewayId.NotFound"):
            return True
        raise
    return not answer.get(set_name)


def run(checks, call):
    common.reset(TRANSITIONS)
    vpc, gw, (conn_a, conn_b) = seed_world("interop")

    listed = call("DescribeVpnGateways", {"VpnGatewayIds": [gw]})
    checks.equal([g["VpnGatewayId"] for g in listed["VpnGatewaySet"]], [gw], "DescribeVpnGateways by VpnGatewayIds")
    checks.equal(listed["TotalCount"], 1, "DescribeVpnGateways counts it")
    filtered = call("DescribeVpnGateways", {"Filters": [{"Name": "vpc-id", "Values": [vpc]}]})
    checks.equal([g["VpnGatewayId"] for g in filtered["VpnGatewaySet"]], [gw], "DescribeVpnGateways by Filters")
    conns = call("DescribeVpnConnections", {"Filters": [{"Name": "vpn-gateway-id", "Values": [gw]}],
                                            "Offset": 0, "Limit": 1})
    checks.equal((conns["TotalCount"], len(conns["VpnConnectionSet"])), (2, 1),
                 "DescribeVpnConnections pages with Offset/Limit")
    expect_error(checks, call, "DescribeVpnGateways",
                 {"VpnGatewayIds": [gw], "Filters": [{"Name": "vpc-id", "Values": [vpc]}]},
                 "InvalidParameter.Coexist")

    # DeleteVpnConnection: accepted, its task RUNNING then SUCCESS, the tunnel DELETING then gone.
    accepted = call("DeleteVpnConnection", {"VpnGatewayId": gw, "VpnConnectionId": conn_a})
    task = accepted["RequestId"]
    checks.ok(bool(task), "DeleteVpnConnection answers a RequestId")
    expect_error(checks, call, "DeleteVpnConnection", {"VpnGatewayId": gw, "VpnConnectionId": conn_b},
                 "UnsupportedOperation.MutexOperationTaskRunning")
    deleting = call("DescribeVpnConnections", {"VpnConnectionIds": [conn_a]})
    checks.equal([c["State"] for c in deleting["VpnConnectionSet"]], ["DELETING"], "the tunnel shows DELETING")
    expect_error(checks, call, "DeleteVpnConnection", {"VpnGatewayId": gw, "VpnConnectionId": conn_a},
                 "UnsupportedOperation.DeleteVpnConnInvalidState")
    statuses = []
    for _ in range(MAX_POLLS):
        statuses.append(call("DescribeVpcTaskResult", {"TaskId": task})["Status"])
        if statuses[-1] != "RUNNING":
            break
    checks.equal((statuses[0], statuses[-1]), ("RUNNING", "SUCCESS"),
                 "DescribeVpcTaskResult(TaskId=RequestId) goes RUNNING -> SUCCESS (%s)" % statuses)
    checks.ok(gone(call, "DescribeVpnConnections", {"VpnConnectionIds": [conn_a]}, "VpnConnectionSet"),
              "the tunnel is gone after SUCCESS")

    # DeleteVpnGateway: refused while a tunnel is left, then accepted and awaited until gone.
    expect_error(checks, call, "DeleteVpnGateway", {"VpnGatewayId": gw}, "UnsupportedOperation")
    call("DeleteVpnConnection", {"VpnGatewayId": gw, "VpnConnectionId": conn_b})
    for _ in range(MAX_POLLS):
        if gone(call, "DescribeVpnConnections", {"VpnConnectionIds": [conn_b]}, "VpnConnectionSet"):
            break
    call("DeleteVpnGateway", {"VpnGatewayId": gw})
    waited = False
    for _ in range(MAX_POLLS):
        if gone(call, "DescribeVpnGateways", {"VpnGatewayIds": [gw]}, "VpnGatewaySet"):
            waited = True
            break
    checks.ok(waited, "DeleteVpnGateway awaited: DescribeVpnGateways no longer lists it")

    # The documented errors of the two deletions: an ID not of the vpngw-/vpnx- + 8 form is malformed
    # (checked before any lookup), a well-formed one that names nothing is not found.
    expect_error(checks, call, "DeleteVpnConnection", {"VpnGatewayId": gw, "VpnConnectionId": "vpnx-none"},
                 "InvalidParameterValue.Malformed")
    expect_error(checks, call, "DeleteVpnGateway", {"VpnGatewayId": "vpngw-none"}, "InvalidVpnGatewayId.Malformed")
    expect_error(checks, call, "DescribeVpnGateways", {"VpnGatewayIds": ["vpngw-none"]},
                 "InvalidVpnGatewayId.Malformed")
    expect_error(checks, call, "DeleteVpnConnection", {"VpnGatewayId": gw, "VpnConnectionId": "vpnx-none0000"},
                 "ResourceNotFound")
    expect_error(checks, call, "DeleteVpnGateway", {"VpnGatewayId": "vpngw-none0000"},
                 "InvalidVpnGatewayId.NotFound")
    gateway(vpc, "vpngw-prepaid0", prepaid_until=4102444800000)  # 2100-01-01, in ms
    expect_error(checks, call, "DeleteVpnGateway", {"VpnGatewayId": "vpngw-prepaid0"}, "UnsupportedOperation")
    gateway(vpc, "vpngw-ccn00000", ccn_id="ccn-1")
    expect_error(checks, call, "DeleteVpnGateway", {"VpnGatewayId": "vpngw-ccn00000"}, "UnsupportedOperation")

    # Credentials and time.
    expect_error(checks, call, "DescribeVpnGateways", {}, "AuthFailure.SignatureFailure",
                 key=(common.TENCENT_KEY[0], "wrong-secret"))
    expect_error(checks, call, "DescribeVpnGateways", {}, "AuthFailure.SecretIdNotFound", key=("nobody", "x"))
    expect_error(checks, call, "DescribeVpnGateways", {}, "AuthFailure.SignatureExpire", stale=True)
    checks.done()
