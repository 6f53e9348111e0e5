"""The official OpenAI Python SDK against `gemini/...` deployments of litellm-proxy (run by
tests/proxy_gemini.rs). The mock behind it speaks Google AI Studio's generateContent protocol and
refuses what Google refuses (OpenAI field names, roles other than user/model, no key), so every
check here also proves the translation both ways.

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

completion = client.chat.completions.create(
    model="flash", messages=CONVERSATION, max_tokens=50, temperature=0.2, stop=["END"]
)
check("complete", completion.choices[0].message.content == "Hello w1 w2", completion)
check("finish reason", completion.choices[0].finish_reason == "stop", completion)
check("object", completion.object == "chat.completion", completion)
check("usage", completion.usage.completion_tokens == 3 and completion.usage.total_tokens
      == completion.usage.prompt_tokens + 3, completion.usage)

stream = client.chat.completions.create(
    model="flash", messages=CONVERSATION, stream=True, stream_options={"include_usage": True}
)
text, usage, finishes, roles = "", None, [], []
for chunk in stream:
    for choice in chunk.choices:
        text += choice.delta.content or ""
        if choice.delta.role:
            roles.append(choice.delta.role)
        if choice.finish_reason:
            finishes.append(choice.finish_reason)
    if chunk.usage:
        usage = chunk.usage
check("stream text", text == "Hello w1 w2", text)
check("stream role", roles == ["assistant"], roles)
check("stream finish", finishes == ["stop"], finishes)
check("stream usage", usage is not None and usage.completion_tokens == 3, usage)

called = client.chat.completions.create(
    model="flash",
    messages=[{"role": "user", "content": "Weather in Paris?"}],
    tools=[WEATHER],
    tool_choice={"type": "function", "function": {"name": "get_weather"}},
)
calls = called.choices[0].message.tool_calls or []
check("tool call", len(calls) == 1 and calls[0].function.name == "get_weather", called)
check("tool finish", called.choices[0].finish_reason == "tool_calls", called)
arguments = json.loads(calls[0].function.arguments)
check("tool arguments", arguments == {"city": "mock", "days": 1}, arguments)

answered = client.chat.completions.create(
    model="flash",
    tools=[WEATHER],
    messages=[
        {"role": "user", "content": "Weather in Paris?"},
        called.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": calls[0].id, "content": json.dumps({"temp": 21})},
    ],
)
check("tool result", answered.choices[0].message.content == "Hello w1 w2", answered)

stream = client.chat.completions.create(
    model="flash",
    messages=[{"role": "user", "content": "Weather in Paris?"}],
    tools=[WEATHER],
    tool_choice="required",
    stream=True,
)
streamed_calls, finishes = [], []
for chunk in stream:
    for choice in chunk.choices:
        streamed_calls += choice.delta.tool_calls or []
        if choice.finish_reason:
            finishes.append(choice.finish_reason)
check("stream tool call", [c.function.name for c in streamed_calls] == ["get_weather"], streamed_calls)
check("stream tool finish", finishes == ["tool_calls"], finishes)

raw = client.chat.completions.with_raw_response.create(
    model="guarded", messages=[{"role": "user", "content": "something unsafe"}]
)
check("safety fallback", raw.headers.get("x-litellm-model-group") == "backup", dict(raw.headers))

try:
    client.chat.completions.create(
        model="guarded",
        messages=[{"role": "user", "content": "something unsafe"}],
        extra_body={"disable_fallbacks": True},
    )
    check("safety error", False, "no error")
except openai.BadRequestError as error:
    check("safety error", error.status_code == 400 and "ContentPolicyViolationError" in str(error), error)

try:
    client.chat.completions.create(model="keyless", messages=CONVERSATION)
    check("no key", False, "no error")
except openai.PermissionDeniedError as error:
    check("no key", error.status_code == 403 and "GeminiException" in str(error), error)

done()
