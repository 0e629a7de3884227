"""The official credentials library against the emulator's STS, then the official VPC SDK with what it got.

alibabacloud-credentials' RamRoleArnCredentialsProvider calls AssumeRole at its sts_endpoint (always HTTPS, so
tests/interop.rs starts the emulator with TLS and this script trusts its CA through REQUESTS_CA_BUNDLE, the
setting `requests` reads), signed RPC v1 with the emulator's default key; alibabacloud-vpc20160428 then calls
DescribeVpnGateway with the temporary key and its security token.
"""

import os

os.environ["REQUESTS_CA_BUNDLE"] = os.environ["SSL_CERT_FILE"]

from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider
from alibabacloud_tea_openapi.models import Config
from alibabacloud_vpc20160428.client import Client
from alibabacloud_vpc20160428.models import DescribeVpnGatewayRequest

import common
from common import ENDPOINT, REGION

checks = common.Checks("alibabacloud-credentials RamRoleArn")
checks.equal(common.SCHEME, "https", "the emulator speaks HTTPS, as the library requires")
common.reset({"alibaba_vpn_gateway": {"mode": "immediate"},
              "alibaba_vpn_connection": {"mode": "immediate"}})
common.gateway("vpn-sts")

provider = RamRoleArnCredentialsProvider(
    access_key_id=common.ALIBABA_KEY[0], access_key_secret=common.ALIBABA_KEY[1],
    role_arn="acs:ram::1234567890123456:role/interop", role_session_name="interop",
    duration_seconds=900, sts_endpoint=ENDPOINT)
creds = provider.get_credentials()
checks.equal(creds.get_access_key_id().startswith("STS."), True, "AssumeRole issued a temporary key")
checks.equal(bool(creds.get_security_token()), True, "with a security token")

client = Client(Config(access_key_id=creds.get_access_key_id(),
                       access_key_secret=creds.get_access_key_secret(),
                       security_token=creds.get_security_token(),
                       region_id=REGION, endpoint=ENDPOINT, protocol="https"))
answer = client.describe_vpn_gateway(DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id="vpn-sts"))
checks.equal(answer.body.vpn_gateway_id, "vpn-sts", "the VPC SDK calls with the temporary credentials")

wrong = Client(Config(access_key_id=creds.get_access_key_id(),
                      access_key_secret=creds.get_access_key_secret(),
                      security_token="CAISnot-this-one",
                      region_id=REGION, endpoint=ENDPOINT, protocol="https"))
try:
    wrong.describe_vpn_gateway(DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id="vpn-sts"))
    checks.equal("answered", "refused", "a wrong security token is refused")
except Exception as e:  # the Tea SDK raises TeaException with the service's code
    checks.equal(getattr(e, "code", None), "InvalidSecurityToken.MismatchWithAccessKey",
                 "a wrong security token is refused with the real code")
checks.done()
