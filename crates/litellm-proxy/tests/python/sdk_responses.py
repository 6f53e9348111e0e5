"""The official OpenAI Python SDK and LangChain's ChatOpenAI(use_responses_api=True) against
litellm-proxy's Responses API (run by tests/proxy_responses.rs): create, create(stream=True) and
the SDK's responses.stream() helper, which checks that every event of a stream belongs to one
response, against a native OpenAI deployment and translated ones (Anthropic, an OpenAI-compatible
chat-only server); retrieve and delete; a function call round trip.

Environment: PROXY_URL, PROXY_KEY. Exits non-zero at the first failed check.
"""

import os

from sdk_support import PROXY_KEY, PROXY_URL, check, client, done

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}

for model in ["gpt-native", "claude", "groq-chat"]:
    response = client.responses.create(model=model, input="Say hello", instructions="Be brief.")
    check(f"{model} create", response.status == "completed" and response.output_text, response)
    check(f"{model} usage", response.usage is not None and response.usage.output_tokens > 0, response.usage)

    ids, text, completed = set(), "", None
    for event in client.responses.create(model=model, input="Say hello", stream=True):
        if hasattr(event, "response"):
            ids.add(event.response.id)
        if event.type == "response.output_text.delta":
            text += event.delta
        if event.type == "response.completed":
            completed = event.response
    check(f"{model} stream one id", len(ids) == 1, ids)
    check(f"{model} stream text", completed is not None and text == completed.output_text, (text, completed))

    with client.responses.stream(model=model, input="Say hello") as stream:
        helper_ids, streamed = set(), ""
        for event in stream:
            if hasattr(event, "response"):
                helper_ids.add(event.response.id)
            if event.type == "response.output_text.delta":
                streamed += event.delta
        final = stream.get_final_response()
    check(f"{model} responses.stream()", final.output_text == streamed and helper_ids == {final.id}, (helper_ids, final))

native = client.responses.create(model="gpt-native", input="Say hello")
again = client.responses.retrieve(native.id)
check("retrieve", again.id == native.id and again.output_text == native.output_text, again)
client.responses.delete(native.id)
try:
    client.responses.retrieve(native.id)
    check("deleted", False, "still there")
except Exception as e:  # noqa: BLE001 - the SDK's NotFoundError
    check("deleted", getattr(e, "status_code", None) == 404, e)

call = client.responses.create(model="claude", input="Weather in Paris?", tools=[WEATHER], tool_choice="required")
calls = [item for item in call.output if item.type == "function_call"]
check("function call", calls and calls[0].name == "get_weather", call.output)
answer = client.responses.create(
    model="claude",
    tools=[WEATHER],
    input=[
        {"role": "user", "content": "Weather in Paris?"},
        calls[0].model_dump(exclude_none=True),
        {"type": "function_call_output", "call_id": calls[0].call_id, "output": "sunny"},
    ],
)
check("function call output", answer.status == "completed" and answer.output_text, answer.output)

try:
    from langchain_openai import ChatOpenAI
except ImportError:
    # The README's test command installs it (requirements.txt); CI must have it.
    check("langchain-openai installed", not os.environ.get("CI"), "pip install -r requirements.txt")
    print("SKIPPED: langchain-openai is not installed")
    ChatOpenAI = None
if ChatOpenAI is not None:
    for model in ["gpt-native", "claude"]:
        llm = ChatOpenAI(
            model=model, base_url=PROXY_URL + "/v1", api_key=PROXY_KEY, use_responses_api=True, max_retries=0
        )
        message = llm.invoke("Say hello")
        check(f"langchain {model}", message.text and message.usage_metadata["output_tokens"] > 0, message)
        streamed = "".join(chunk.text for chunk in llm.stream("Say hello"))
        check(f"langchain {model} stream", streamed == message.text or len(streamed) > 0, streamed)
        tool_message = llm.bind_tools([WEATHER], tool_choice="required").invoke("Weather in Paris?")
        if model == "claude":
            check(
                f"langchain {model} tool call",
                tool_message.tool_calls and tool_message.tool_calls[0]["name"] == "get_weather",
                tool_message,
            )

done()
