"""The official OpenAI Python SDK against `azure/...` deployments of litellm-proxy (run by
tests/proxy_azure.rs), both through the OpenAI routes and through the proxy's Azure-style route
with the SDK's own AzureOpenAI client. The mock behind it speaks Azure OpenAI and refuses calls
without a key or token, without `api-version`, or to a deployment it does not have.

Environment: PROXY_URL (http://127.0.0.1:PORT), PROXY_KEY (the master key). Exits non-zero at the
first failed check.
"""

import openai

from sdk_support import PROXY_KEY, PROXY_URL, check, client, done

ASK = [{"role": "user", "content": "Say hello"}]

completion = client.chat.completions.create(model="gpt4o", messages=ASK)
check("complete", completion.choices[0].message.content == "Hello w1 w2", completion)
check("usage", completion.usage.completion_tokens == 3, completion.usage)

stream = client.chat.completions.create(
    model="gpt4o", messages=ASK, stream=True, stream_options={"include_usage": True}
)
text, usage = "", None
for chunk in stream:
    for choice in chunk.choices:
        text += choice.delta.content or ""
    if chunk.usage:
        usage = chunk.usage
check("stream", text == "Hello w1 w2", text)
check("stream usage", usage is not None and usage.completion_tokens == 3, usage)

ad = client.chat.completions.create(model="ad", messages=ASK)
check("ad token", ad.choices[0].message.content == "Hello w1 w2", ad)

# The SDK's Azure client against the proxy's /openai/deployments/{model}/chat/completions route.
azure = openai.AzureOpenAI(
    azure_endpoint=PROXY_URL, api_key=PROXY_KEY, api_version="2024-10-21", max_retries=0, timeout=30
)
via_azure_client = azure.chat.completions.create(model="gpt4o", messages=ASK)
check("AzureOpenAI client", via_azure_client.choices[0].message.content == "Hello w1 w2", via_azure_client)
text = ""
for chunk in azure.chat.completions.create(model="gpt4o", messages=ASK, stream=True):
    for choice in chunk.choices:
        text += choice.delta.content or ""
check("AzureOpenAI client stream", text == "Hello w1 w2", text)

raw = client.chat.completions.with_raw_response.create(model="filtered", messages=ASK)
check("content filter fallback", raw.headers.get("x-litellm-model-group") == "backup", dict(raw.headers))

try:
    client.chat.completions.create(model="filtered", messages=ASK, extra_body={"disable_fallbacks": True})
    check("content filter error", False, "no error")
except openai.BadRequestError as error:
    check("content filter error", "ContentPolicyViolationError" in str(error), error)

try:
    client.chat.completions.create(model="missing", messages=ASK)
    check("unknown deployment", False, "no error")
except openai.NotFoundError as error:
    check("unknown deployment", "AzureException" in str(error), error)

try:
    client.chat.completions.create(model="anonymous", messages=ASK)
    check("no credentials", False, "no error")
except openai.AuthenticationError as error:
    check("no credentials", "AzureException" in str(error), error)

done()
