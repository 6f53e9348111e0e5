"""The official OpenAI Python SDK against litellm-proxy's endpoints besides chat: embeddings
(floats, the SDK's default base64 decoded by the SDK, dimensions; an OpenAI and a Gemini
deployment) and legacy completions (create and stream; chat to a text-completion deployment). SDK_CASE names the endpoint; the proxy serves the config of the Rust test
that runs this script (`proxy_embeddings.rs`, `proxy_completions.rs`)."""

import os

from sdk_support import check, client, done

CASE = os.environ["SDK_CASE"]

if CASE == "embeddings":
    floats = client.embeddings.create(model="embed", input=["hello", "world"], encoding_format="float")
    check("two vectors", len(floats.data) == 2, floats)
    check("default dimensions", len(floats.data[0].embedding) == 8, floats.data[0])
    check("usage", floats.usage.prompt_tokens == 4 and floats.usage.total_tokens == 4, floats.usage)
    # Without encoding_format the SDK asks for base64 and decodes it into floats itself.
    decoded = client.embeddings.create(model="embed", input="hello", dimensions=5)
    vector = decoded.data[0].embedding
    check("base64 decoded", len(vector) == 5 and all(isinstance(x, float) for x in vector), vector)
    check("same numbers as floats", abs(vector[0] - floats.data[0].embedding[0]) < 1e-6, vector)
    # A Gemini deployment (batchEmbedContents upstream): the SDK's default base64, decoded.
    gemini = client.embeddings.create(model="gemini-embed", input=["hello", "world"], dimensions=5)
    check("gemini vectors", [len(d.embedding) for d in gemini.data] == [5, 5], gemini.data)
    check("gemini floats", all(isinstance(x, float) for x in gemini.data[1].embedding), gemini.data[1])
    raw = client.embeddings.with_raw_response.create(model="embed", input="hello")
    check("cost header", float(raw.headers["x-litellm-response-cost"]) > 0, dict(raw.headers))
    try:
        client.embeddings.create(model="embed", input=[])
        check("empty input refused", False, "accepted")
    except Exception as e:  # openai.BadRequestError
        check("empty input refused", getattr(e, "status_code", None) == 400, repr(e))
elif CASE == "completions":
    completion = client.completions.create(model="instruct", prompt="Say hello", max_tokens=5)
    check("text", completion.choices[0].text.startswith("Hello"), completion)
    check("object", completion.object == "text_completion", completion)
    check("usage", completion.usage.total_tokens > 0, completion.usage)
    pieces = []
    usage = None
    stream = client.completions.create(
        model="instruct", prompt="Say hello", stream=True, stream_options={"include_usage": True}
    )
    for chunk in stream:
        if chunk.choices:
            pieces.append(chunk.choices[0].text)
        if chunk.usage:
            usage = chunk.usage
    check("streamed text", "".join(pieces).startswith("Hello"), pieces)
    check("streamed usage", usage is not None and usage.completion_tokens > 0, usage)
    # Chat to the text-completion-openai deployment: a text completion upstream, chat back.
    chat = client.chat.completions.create(model="instruct", messages=[{"role": "user", "content": "Say hello"}])
    check("chat through a text completion", chat.choices[0].message.content.startswith("Hello"), chat)
    pieces = []
    for chunk in client.chat.completions.create(
        model="instruct", messages=[{"role": "user", "content": "Say hello"}], stream=True
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    check("chat stream through a text completion", "".join(pieces).startswith("Hello"), pieces)
    compatible = client.completions.create(model="compatible", prompt="Say hello")
    check("openai-compatible", compatible.choices[0].text.startswith("Hello"), compatible)
else:
    raise SystemExit(f"unknown SDK_CASE {CASE}")

done()
