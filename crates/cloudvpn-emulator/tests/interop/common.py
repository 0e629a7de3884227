"""Helpers shared by the interop scripts: the emulator's address, its control API, and checks.

The Rust test `tests/interop.rs` starts the emulator with the keys below and runs each script with
EMULATOR_ENDPOINT=127.0.0.1:PORT. A script prints one line per check and exits non-zero on the first
failure.
"""

import json
import os
import sys
import urllib.request

ENDPOINT = os.environ["EMULATOR_ENDPOINT"]
# "https" when the emulator was started with TLS (the control API is then HTTPS too; urllib trusts the
# emulator's CA through SSL_CERT_FILE).
SCHEME = os.environ.get("EMULATOR_SCHEME", "http")
REGION = "cn-hangzhou"

ALIBABA_KEY = ("emulator-ak", "emulator-secret")
ALIBABA_SUB_USER = ("interop-sub", "interop-sub-secret")  # RAM sub-user without permission
ALIBABA_NO_PERMISSION = ("interop-none", "interop-none-secret")  # a key without permission
TENCENT_KEY = ("emulator-sid", "emulator-skey")


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        "%s://%s%s" % (SCHEME, ENDPOINT, path), data=data, method=method,
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def reset(transitions):
    control("POST", "/_emulator/reset")
    control("PUT", "/_emulator/transitions", transitions)


def gateway(id, **extra):
    body = {"region": REGION, "id": id}
    body.update(extra)
    return control("POST", "/_emulator/alibaba/vpn-gateways", body)


def connection(id, gateway_id):
    return control("POST", "/_emulator/alibaba/vpn-connections",
                   {"region": REGION, "id": id, "vpn_gateway_id": gateway_id})


def tencent_chain(vpc, gw, conn, **extra):
    control("POST", "/_emulator/tencent/vpcs", {"id": vpc})
    control("POST", "/_emulator/tencent/vpn-gateways", {"vpc_id": vpc, "id": gw})
    tencent_connection(vpc, gw, conn, **extra)


def tencent_connection(vpc, gw, conn, **extra):
    body = {"vpc_id": vpc, "vpn_gateway_id": gw, "id": conn}
    body.update(extra)
    control("POST", "/_emulator/tencent/vpn-connections", body)


def fault(rule):
    control("POST", "/_emulator/faults", rule)


class Checks(object):
    def __init__(self, name):
        self.name = name
        self.count = 0

    def ok(self, condition, what):
        self.count += 1
        if not condition:
            print("FAIL %s: %s" % (self.name, what))
            sys.exit(1)
        print("ok   %s: %s" % (self.name, what))

    def equal(self, actual, expected, what):
        self.ok(actual == expected, "%s (expected %r, got %r)" % (what, expected, actual))

    def done(self):
        print("%s: %d checks passed" % (self.name, self.count))
