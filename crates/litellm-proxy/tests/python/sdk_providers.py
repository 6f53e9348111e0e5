"""The official OpenAI Python SDK against OpenAI-compatible provider deployments of litellm-proxy
(run by tests/proxy_providers.rs): each deployment has only its provider's key and base variables,
pointing at the mock. Cost headers are checked against rates copied from LiteLLM's price table.

Environment: PROXY_URL, PROXY_KEY, MOCK_URL. Exits non-zero at the first failed check.
"""

import openai

from sdk_support import check, client, done, mock_behaviour

messages = [{"role": "user", "content": "Say hello"}]

# groq/openai/gpt-oss-120b: input 1.5e-07, output 6e-07 per token (data/litellm-price-tables.json).
raw = client.chat.completions.with_raw_response.create(model="groq", messages=messages)
completion = raw.parse()
usage = completion.usage
expected = usage.prompt_tokens * 1.5e-07 + usage.completion_tokens * 6e-07
cost = float(raw.headers.get("x-litellm-response-cost", "nan"))
check("groq complete", completion.choices[0].message.content.startswith("Hello"), completion)
check("groq cost header", abs(cost - expected) <= expected * 1e-9, (cost, expected))

stream = client.chat.completions.create(
    model="mistral", messages=messages, stream=True, stream_options={"include_usage": True}
)
text, final_usage = "", None
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        text += chunk.choices[0].delta.content
    if chunk.usage:
        final_usage = chunk.usage
check("mistral stream", text.startswith("Hello"), text)
check("mistral stream usage asked by the client", final_usage is not None and final_usage.total_tokens > 0, final_usage)

local = client.chat.completions.create(model="ollama", messages=messages)
check("ollama without a key", local.choices[0].message.content.startswith("Hello"), local)

try:
    client.chat.completions.create(model="groq-small", messages=messages)
    check("context window error", False, "no error")
except openai.BadRequestError as error:
    message = str(error)
    check("context window error", error.status_code == 400 and "ContextWindowExceededError" in message, message)
    check("provider named as LiteLLM does", "GroqException" in message, message)

mock_behaviour("deepseek-chat", "status=429,retry_after=3")
try:
    client.chat.completions.create(model="deepseek", messages=messages)
    check("rate limit", False, "no error")
except openai.RateLimitError as error:
    check("rate limit", error.status_code == 429, error)
    check("retry-after relayed", error.response.headers.get("retry-after") == "3", dict(error.response.headers))

done()
