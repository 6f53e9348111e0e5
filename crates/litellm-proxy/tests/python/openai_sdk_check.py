"""The official OpenAI Python SDK against litellm-proxy (run by tests/proxy_openai_sdk.rs).

Environment: PROXY_URL (http://127.0.0.1:PORT), PROXY_KEY (the master key), MOCK_URL (the mock
upstream, to make a deployment fail on command). Exits non-zero at the first failed check.
"""

import json
import openai
import time
import urllib.request

from sdk_support import PROXY_KEY, PROXY_URL, check, client, done, mock_behaviour


def ask(model):
    return client.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": "Say hello"}]
    )


ids = [m.id for m in client.models.list()]
check("list models", ids == ["gpt-4o", "primary", "tiered"], ids)

completion = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hello"}])
check("complete", completion.choices[0].message.content == "Hello w1 w2", completion)
check("usage", completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens)

stream = client.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "user", "content": "Say hello"}],
    stream=True,
    stream_options={"include_usage": True},
)
text, usage = "", None
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        text += chunk.choices[0].delta.content
    if chunk.usage:
        usage = chunk.usage
check("stream", text == "Hello w1 w2", text)
check("stream usage", usage is not None and usage.completion_tokens == 3, usage)

try:
    openai.OpenAI(base_url=PROXY_URL + "/v1", api_key="sk-wrong", max_retries=0).models.list()
    check("wrong key", False, "no error")
except openai.AuthenticationError as error:
    check("wrong key", error.status_code == 401 and "Authentication Error" in str(error), error)

raw = ask("primary")
check("fallback", raw.headers.get("x-litellm-model-group") == "gpt-4o", dict(raw.headers))
check("fallback header", raw.headers.get("x-litellm-attempted-fallbacks") == "1", dict(raw.headers))
check("fallback body", raw.parse().choices[0].message.content == "Hello w1 w2")

mock_behaviour("preferred", "status=500")
raw = ask("tiered")
check("cooldown: spare serves", raw.headers.get("x-litellm-model-id") == "spare-id", dict(raw.headers))
mock_behaviour("preferred", "")
raw = ask("tiered")
check("cooldown: still cooling", raw.headers.get("x-litellm-model-id") == "spare-id", dict(raw.headers))
time.sleep(1.3)
raw = ask("tiered")
check("cooldown: recovered", raw.headers.get("x-litellm-model-id") == "preferred-id", dict(raw.headers))

rows = []
for _ in range(100):
    request = urllib.request.Request(PROXY_URL + "/spend/logs", headers={"Authorization": "Bearer " + PROXY_KEY})
    rows = json.loads(urllib.request.urlopen(request, timeout=10).read())
    if len(rows) >= 6:
        break
    time.sleep(0.05)
check("spend rows", len(rows) == 6 and all(r["call_type"] == "acompletion" for r in rows), len(rows))
check("spend cost", sum(r["spend"] for r in rows) > 0, rows)

done()
