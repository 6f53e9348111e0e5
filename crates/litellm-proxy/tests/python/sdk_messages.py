"""The official Anthropic Python SDK against litellm-proxy's Messages API (run by
tests/proxy_messages.rs), as Claude Code uses it: `x-api-key` auth, messages create and stream
(the SDK's `messages.stream()` helper, which rebuilds the message from the events), tools both
ways, the beta namespace (`?beta=true`), count_tokens, and errors raised as the SDK's own
exception classes. Each check runs against `claude` (an anthropic/ deployment: passed natively to
the mock's Messages API) and `gpt` (an openai/ deployment: translated through chat completions).

Environment: PROXY_URL (http://127.0.0.1:PORT), PROXY_KEY (the master key). Exits non-zero at the
first failed check.
"""

import os
import sys

import anthropic

client = anthropic.Anthropic(
    base_url=os.environ["PROXY_URL"], api_key=os.environ["PROXY_KEY"], max_retries=0, timeout=30
)
_passed = []


def check(name, condition, detail=""):
    if not condition:
        print(f"FAILED {name}: {detail}", file=sys.stderr)
        sys.exit(1)
    _passed.append(name)
    print(f"ok {name}")


WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    },
}
HELLO = [{"role": "user", "content": "Say hello"}]

for model in ["claude", "gpt"]:
    message = client.messages.create(model=model, max_tokens=100, system="Be brief.", messages=HELLO)
    check(f"{model} create", message.content[0].type == "text" and message.content[0].text == "Hello w1 w2", message)
    check(f"{model} stop reason", message.stop_reason == "end_turn", message)
    check(f"{model} usage", message.usage.output_tokens == 3 and message.usage.input_tokens > 0, message.usage)

    with client.messages.stream(model=model, max_tokens=100, messages=HELLO) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    check(f"{model} stream text", text == "Hello w1 w2", text)
    check(f"{model} stream final message", final.content[0].text == "Hello w1 w2" and final.stop_reason == "end_turn", final)
    check(f"{model} stream usage", final.usage.output_tokens == 3, final.usage)

    called = client.messages.create(
        model=model,
        max_tokens=200,
        tools=[WEATHER],
        tool_choice={"type": "any"},
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    )
    uses = [b for b in called.content if b.type == "tool_use"]
    check(f"{model} tool use", called.stop_reason == "tool_use" and len(uses) == 1, called)
    check(f"{model} tool input", uses[0].name == "get_weather" and uses[0].input == {"city": "mock city", "days": 1}, uses)

    with client.messages.stream(
        model=model,
        max_tokens=200,
        tools=[WEATHER],
        tool_choice={"type": "tool", "name": "get_weather"},
        messages=[{"role": "user", "content": "Weather in Paris?"}],
    ) as stream:
        streamed = stream.get_final_message()
    streamed_uses = [b for b in streamed.content if b.type == "tool_use"]
    check(f"{model} streamed tool use", len(streamed_uses) == 1 and streamed_uses[0].input == {"city": "mock city", "days": 1}, streamed)

    answered = client.messages.create(
        model=model,
        max_tokens=200,
        tools=[WEATHER],
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": uses[0].id, "name": uses[0].name, "input": uses[0].input}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": "Sunny, 21C"}]},
        ],
    )
    check(f"{model} tool result", "Sunny, 21C" in answered.content[0].text, answered)

    beta = client.beta.messages.create(
        model=model, max_tokens=100, messages=HELLO, betas=["prompt-caching-2024-07-31"]
    )
    check(f"{model} beta create", beta.content[0].text == "Hello w1 w2", beta)

    counted = client.messages.count_tokens(model=model, messages=HELLO)
    check(f"{model} count_tokens", counted.input_tokens > 0, counted)

try:
    client.messages.create(model="no-such-model", max_tokens=10, messages=HELLO)
    check("unknown model refused", False, "no error")
except anthropic.BadRequestError as e:
    check("unknown model refused", e.status_code == 400 and "no-such-model" in str(e), e)

try:
    anthropic.Anthropic(base_url=os.environ["PROXY_URL"], api_key="sk-wrong", max_retries=0).messages.create(
        model="claude", max_tokens=10, messages=HELLO
    )
    check("wrong key refused", False, "no error")
except anthropic.AuthenticationError as e:
    check("wrong key refused", e.status_code == 401 and e.body["error"]["type"] == "authentication_error", e.body)

print(f"{len(_passed)} passed, 0 failed")
