"""What the SDK scripts beside it share: the OpenAI client pointed at litellm-proxy, a check that
stops at the first failure, the mock upstream's behaviour switch, a tool definition.

Environment: PROXY_URL (http://127.0.0.1:PORT), PROXY_KEY (the master key), MOCK_URL (the mock
upstream; only scripts that call mock_behaviour need it).
"""

import json
import os
import sys
import urllib.request

import openai

PROXY_URL = os.environ["PROXY_URL"]
PROXY_KEY = os.environ["PROXY_KEY"]

client = openai.OpenAI(base_url=PROXY_URL + "/v1", api_key=PROXY_KEY, max_retries=0, timeout=30)
_passed = []


def check(name, condition, detail=""):
    """Prints `ok NAME`, or exits non-zero with `FAILED NAME: DETAIL`."""
    if not condition:
        print(f"FAILED {name}: {detail}", file=sys.stderr)
        sys.exit(1)
    _passed.append(name)
    print(f"ok {name}")


def done():
    """The last line the Rust test looks for."""
    print(f"{len(_passed)} passed, 0 failed")


def mock_behaviour(model, behaviour):
    """Makes the mock answer `model` with `behaviour` (e.g. `status=500`) from now on."""
    body = json.dumps({"model": model, "behaviour": behaviour}).encode()
    request = urllib.request.Request(os.environ["MOCK_URL"] + "/mock/behaviour", data=body, method="POST")
    urllib.request.urlopen(request, timeout=10).read()


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city"],
        },
    },
}
