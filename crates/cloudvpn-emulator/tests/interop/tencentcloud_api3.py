"""tencentcloud-sdk-python (VPC v20170312) against the emulator's API 3.0 front end.

    tencentcloud_api3.py tc3-post | tc3-get | hmac-sha256

TC3-HMAC-SHA256 with a JSON POST body (the SDK's default), TC3 with GET, and the old-style HmacSHA256 form
signature. The flows are in api3_common.py. A stale timestamp is made by shifting the SDK's clock 10 minutes
back (the service allows 5).
"""

import json
import sys
import time

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.vpc.v20170312 import models, vpc_client

import api3_common
import common

MODES = {"tc3-post": ("POST", "TC3-HMAC-SHA256"),
         "tc3-get": ("GET", "TC3-HMAC-SHA256"),
         "hmac-sha256": ("POST", "HmacSHA256")}
mode = sys.argv[1]
method, sign_method = MODES[mode]
checks = common.Checks("tencentcloud-sdk-python %s" % mode)


class StaleClock(object):
    """`time` as the SDK's signing code sees it, 10 minutes behind."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def time():
        return time.time() - 600


def call(action, params, key=common.TENCENT_KEY, stale=False):
    http = HttpProfile(protocol=common.SCHEME, endpoint=common.ENDPOINT, reqMethod=method)
    client = vpc_client.VpcClient(credential.Credential(*key), api3_common.REGION,
                                  ClientProfile(signMethod=sign_method, httpProfile=http))
    if stale:
        abstract_client.time = StaleClock()
    # The typed path, as users write it: the request model serializes lists and FilterObjects itself.
    request = getattr(models, action + "Request")()
    request.from_json_string(json.dumps(params))
    try:
        return json.loads(getattr(client, action)(request).to_json_string())
    except TencentCloudSDKException as e:
        raise api3_common.Api3Error(e.get_code(), e.get_message())
    finally:
        abstract_client.time = time


api3_common.run(checks, call)
