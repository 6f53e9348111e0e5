"""The official OpenAI Python SDK against an `anthropic/...` deployment of litellm-proxy (run by
tests/proxy_anthropic.rs). The mock behind it speaks Anthropic's Messages API and rejects what
Anthropic rejects, so every check here also proves the translation both ways.

Environment: PROXY_URL (http://127.0.0.1:PORT), PROXY_KEY (the master key). Exits non-zero at the
first failed check.
"""

import json
import openai

from sdk_support import WEATHER, check, client, done

CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Say hello"},
]

completion = client.chat.completions.create(model="claude", messages=CONVERSATION)
check("complete", completion.choices[0].message.content == "Hello w1 w2", completion)
check("finish reason", completion.choices[0].finish_reason == "stop", completion)
check("id", completion.id.startswith("msg_mock_"), completion.id)
check(
    "usage",
    completion.usage.completion_tokens == 3
    and completion.usage.total_tokens == completion.usage.prompt_tokens + 3,
    completion.usage,
)

stream = client.chat.completions.create(
    model="claude", messages=CONVERSATION, stream=True, stream_options={"include_usage": True}
)
text, usage, finish, roles = "", None, None, []
for chunk in stream:
    if chunk.choices:
        delta = chunk.choices[0].delta
        if delta.role:
            roles.append(delta.role)
        text += delta.content or ""
        finish = chunk.choices[0].finish_reason or finish
    if chunk.usage:
        usage = chunk.usage
check("stream", text == "Hello w1 w2", text)
check("stream role", roles == ["assistant"], roles)
check("stream finish", finish == "stop", finish)
check("stream usage", usage is not None and usage.completion_tokens == 3, usage)

called = client.chat.completions.create(
    model="claude",
    messages=[{"role": "user", "content": "Weather in Paris?"}],
    tools=[WEATHER],
    tool_choice="required",
)
call = called.choices[0].message.tool_calls[0] if called.choices[0].message.tool_calls else None
check("tool call", call is not None and call.function.name == "get_weather", called)
check("tool call finish", called.choices[0].finish_reason == "tool_calls", called)
check("tool call arguments", json.loads(call.function.arguments) == {"city": "mock city", "days": 1}, call)

answered = client.chat.completions.create(
    model="claude",
    messages=[
        {"role": "user", "content": "Weather in Paris?"},
        called.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
    ],
    tools=[WEATHER],
)
check("tool result", answered.choices[0].message.content == "Tool said: sunny", answered)

stream = client.chat.completions.create(
    model="claude",
    messages=[{"role": "user", "content": "Weather in Paris?"}],
    tools=[WEATHER],
    stream=True,
)
calls, text, finish = {}, "", None
for chunk in stream:
    if not chunk.choices:
        continue
    delta = chunk.choices[0].delta
    text += delta.content or ""
    finish = chunk.choices[0].finish_reason or finish
    for piece in delta.tool_calls or []:
        entry = calls.setdefault(piece.index, {"id": None, "name": None, "arguments": ""})
        entry["id"] = piece.id or entry["id"]
        if piece.function:
            entry["name"] = piece.function.name or entry["name"]
            entry["arguments"] += piece.function.arguments or ""
check("stream tool text", text == "Calling get_weather.", text)
check("stream tool call", list(calls) == [0] and calls[0]["name"] == "get_weather", calls)
check("stream tool id", calls[0]["id"] == "toolu_mock_get_weather", calls)
check("stream tool arguments", json.loads(calls[0]["arguments"]) == {"city": "mock city", "days": 1}, calls)
check("stream tool finish", finish == "tool_calls", finish)

try:
    client.chat.completions.create(model="claude-keyless", messages=CONVERSATION)
    check("missing key", False, "no error")
except openai.AuthenticationError as error:
    check("missing key", error.status_code == 401 and "AnthropicException" in str(error), error)

raw = client.chat.completions.with_raw_response.create(model="claude-long", messages=CONVERSATION)
check("context window fallback", raw.headers.get("x-litellm-model-group") == "claude-big", dict(raw.headers))
check("context window fallback body", raw.parse().choices[0].message.content == "Hello w1 w2")

done()
