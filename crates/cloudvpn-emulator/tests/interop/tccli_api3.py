"""tccli against the emulator's API 3.0 front end over HTTPS.

tccli is run as users run it (`tccli vpc <Action> --region ... --endpoint 127.0.0.1:PORT ...`) with the
keys in TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, a throwaway HOME (tccli keeps its profile
there) and the emulator's certificate as the CA bundle (see MAIN). Lists and objects are JSON, as this tccli
requires (`--VpnGatewayIds '["vpngw-1"]'`, `--Filters '[{"Name": ..., "Values": [...]}]'`; a bare
`--VpnGatewayIds vpngw-1` is refused as invalid JSON). The flows are in api3_common.py; a stale
timestamp is made by running tccli's main with the SDK's clock shifted 10 minutes back.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import api3_common
import common

checks = common.Checks("tccli")
HOME = tempfile.mkdtemp(prefix="tccli-home-")
ERROR = re.compile(r"code:(\S+)\s+message:(.*?)\s+requestId:", re.S)
# tccli's entry point. The SDK under it verifies HTTPS against certifi's bundle and reads no CA setting
# (`certification=None` becomes `certifi.where()`; REQUESTS_CA_BUNDLE is not consulted), so the harness
# points certifi at the emulator's certificate; and it shifts the SDK's clock back when asked to.
MAIN = (
    "import os, sys, time\n"
    "import certifi\n"
    "from tencentcloud.common import abstract_client\n"
    "if os.environ.get('EMULATOR_CA'):\n"
    "    certifi.where = lambda: os.environ['EMULATOR_CA']\n"
    "if sys.argv.pop(1) == 'stale':\n"
    "    class Stale(object):\n"
    "        def __getattr__(self, name): return getattr(time, name)\n"
    "        @staticmethod\n"
    "        def time(): return time.time() - 600\n"
    "    abstract_client.time = Stale()\n"
    "from tccli.main import main\n"
    "sys.exit(main())\n"
)


def arguments(params):
    out = []
    for name, value in params.items():
        out.append("--" + name)
        if isinstance(value, (list, dict)):
            out.append(json.dumps(value))
        else:
            out.append(str(value))
    return out


def call(action, params, key=common.TENCENT_KEY, stale=False):
    env = dict(os.environ, HOME=HOME, TENCENTCLOUD_SECRET_ID=key[0], TENCENTCLOUD_SECRET_KEY=key[1])
    if common.SCHEME == "https":
        env["EMULATOR_CA"] = os.environ["SSL_CERT_FILE"]
    command = [sys.executable, "-c", MAIN, "stale" if stale else "fresh", "vpc", action,
               "--region", api3_common.REGION, "--endpoint", common.ENDPOINT] + arguments(params)
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if done.returncode == 0:
        return json.loads(done.stdout)
    found = ERROR.search(done.stderr.decode("utf-8", "replace"))
    if not found:
        checks.ok(False, "tccli %s failed without an API error: %s" % (action, done.stderr.decode()[-800:]))
    raise api3_common.Api3Error(found.group(1), found.group(2))


checks.ok(common.SCHEME == "https", "the emulator speaks HTTPS (tccli's default scheme)")
api3_common.run(checks, call)
