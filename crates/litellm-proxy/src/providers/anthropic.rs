//! Anthropic's Messages API (`anthropic/…` deployments), translated as LiteLLM's
//! `AnthropicConfig` does: the OpenAI request becomes a `/v1/messages` body (system messages
//! hoisted, roles merged to alternate, tools and images converted, `max_tokens` defaulted), the
//! answer becomes a `chat.completion`, and a stream's events become `chat.completion.chunk`s as
//! they arrive, ending with a usage chunk and `[DONE]`.

use super::{BoxFuture, ChatCall, ChatReply, Provider};
use crate::error::{ErrorKind, ProxyError};
use crate::sse::event_end;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde_json::{json, Map, Value};
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// The key and base env vars and the public base are in `litellm_check::provider_routes`.
pub const PROVIDER: &str = "anthropic";
pub const API_VERSION: &str = "2023-06-01";
/// LiteLLM's `DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS`: Anthropic rejects a request without one.
pub const DEFAULT_MAX_TOKENS: u64 = 4096;
/// LiteLLM's `DEFAULT_MAX_TOKENS`, added to a thinking budget when no `max_tokens` is given.
const THINKING_ANSWER_TOKENS: u64 = 256;
/// The tool LiteLLM adds to answer `response_format` (Anthropic has no JSON mode).
const JSON_TOOL: &str = "json_tool_call";
/// LiteLLM's `MAX_EXCEPTION_MESSAGE_LENGTH`.
const MAX_ERROR_TEXT: usize = 2000;

/// OpenAI parameters Anthropic has no counterpart for: LiteLLM refuses them unless
/// `drop_params` is set.
const UNSUPPORTED: &[&str] = &[
    "n",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "seed",
    "service_tier",
    "modalities",
    "audio",
    "prediction",
    "store",
    "verbosity",
    "functions",
    "function_call",
];

pub struct Anthropic {
    /// `{api_base}/v1/messages`, parsed once.
    messages_url: Result<reqwest::Url, String>,
}

impl Anthropic {
    pub fn new(api_base: Option<&str>) -> Self {
        let messages_url = match api_base {
            None => Err("the deployment has no api_base".to_string()),
            Some(base) => reqwest::Url::parse(&messages_url(base))
                .map_err(|e| format!("api_base is not a URL ({e})")),
        };
        Anthropic { messages_url }
    }
}

/// LiteLLM appends `/v1/messages` unless the base already ends with it.
pub fn messages_url(api_base: &str) -> String {
    let base = api_base.trim_end_matches('/');
    if base.ends_with("/v1/messages") {
        base.to_string()
    } else {
        format!("{base}/v1/messages")
    }
}

impl Provider for Anthropic {
    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<ChatReply, ProxyError>> {
        Box::pin(async move {
            let url = match &self.messages_url {
                Ok(url) => url.clone(),
                Err(why) => {
                    return Err(ProxyError::bad_request(format!(
                        "litellm.BadRequestError: deployment `{}`: {why}",
                        call.deployment.id
                    )))
                }
            };
            let translated = translate(&call_parameters(&call.body), call_messages(&call.body))?;
            let body = serde_json::to_vec(&Value::Object(translated.body))
                .map_err(|e| ProxyError::internal(e.to_string()))?;
            let mut request = client
                .post(url)
                .header("anthropic-version", API_VERSION)
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .body(body);
            if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
                request = request.header("x-api-key", key);
            }
            for (name, value) in &call.deployment.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let response = super::http::send(request, &call, PROVIDER, error_from).await?;
            let created = unix_now();
            if call.stream {
                let upstream = super::http::event_stream(response, PROVIDER);
                let translator = StreamTranslator::new(created, translated.json_mode);
                return Ok(ChatReply::Stream(Box::pin(translate_stream(
                    upstream, translator,
                ))));
            }
            let message = super::http::json_object(response, &call, PROVIDER).await?;
            let completion = to_openai(&message, created, translated.json_mode)?;
            serde_json::to_vec(&completion)
                .map(|bytes| ChatReply::Complete(Bytes::from(bytes)))
                .map_err(|e| ProxyError::internal(e.to_string()))
        })
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(MAX_ERROR_TEXT) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text.into_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Request: OpenAI -> Anthropic
// ---------------------------------------------------------------------------------------------

/// An Anthropic request body, and whether `response_format` turned on LiteLLM's JSON mode (the
/// answer's `json_tool_call` then becomes the message content).
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    pub body: Map<String, Value>,
    pub json_mode: bool,
}

fn bad_request(message: impl std::fmt::Display) -> ProxyError {
    ProxyError::bad_request(format!(
        "litellm.BadRequestError: AnthropicException - {message}"
    ))
}

/// Translates an OpenAI chat request (with `model` already the upstream id) into Anthropic's.
pub fn to_anthropic(request: &Map<String, Value>) -> Result<Translated, ProxyError> {
    let messages = match request.get("messages") {
        Some(Value::Array(messages)) => messages.as_slice(),
        _ => return Err(bad_request("`messages` must be a list")),
    };
    translate(request, messages)
}

/// The parameters of one upstream call without their messages (which are only borrowed, so a
/// long conversation is not copied before translation): the request's, then the deployment's
/// defaults for what it leaves unset.
fn call_parameters(body: &super::UpstreamBody<'_>) -> Map<String, Value> {
    let mut params = Map::new();
    params.insert("model".into(), Value::String(body.model.to_string()));
    for (key, value) in body.request.iter().chain(body.defaults.iter()) {
        if key != "model" && key != "messages" && !params.contains_key(key) {
            params.insert(key.clone(), value.clone());
        }
    }
    if body.stream {
        params.insert("stream".into(), Value::Bool(true));
    }
    params
}

fn call_messages<'a>(body: &super::UpstreamBody<'a>) -> &'a [Value] {
    match body
        .request
        .get("messages")
        .or_else(|| body.defaults.get("messages"))
    {
        Some(Value::Array(messages)) => messages,
        _ => &[],
    }
}

/// [`to_anthropic`] over parameters and messages held apart.
fn translate(
    request: &Map<String, Value>,
    all_messages: &[Value],
) -> Result<Translated, ProxyError> {
    let drop_params = request.get("drop_params").and_then(Value::as_bool) == Some(true);
    let unsupported: Vec<&str> = UNSUPPORTED
        .iter()
        .copied()
        .filter(|key| request.get(*key).is_some_and(|v| !v.is_null()))
        .collect();
    if !unsupported.is_empty() && !drop_params {
        let model = request.get("model").and_then(Value::as_str).unwrap_or("");
        return Err(ProxyError::bad_request(format!(
            "litellm.UnsupportedParamsError: anthropic does not support parameters: {unsupported:?}, for model={model}. To drop these, set `litellm.drop_params=True` or for proxy:\n\n`litellm_settings:\n drop_params: true`\n"
        )));
    }
    let mut body = Map::new();
    body.insert(
        "model".into(),
        request.get("model").cloned().unwrap_or(Value::Null),
    );
    let has_tools = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    if !has_tools && has_tool_call_blocks(all_messages) {
        return Err(ProxyError::bad_request(
            "litellm.UnsupportedParamsError: Anthropic doesn't support tool calling without `tools=` param specified. Pass `tools=` param OR set `litellm.modify_params = True` // `litellm_settings::modify_params: True` to add dummy tool to the request.",
        ));
    }
    let (system, messages) = hoist_system(all_messages);
    body.insert(
        "messages".into(),
        Value::Array(messages_to_anthropic(&messages)?),
    );
    let mut json_mode = false;
    let mut tools: Vec<Value> = Vec::new();
    for (key, value) in request {
        // LiteLLM only maps parameters that are set: `null` means not given.
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "model" | "messages" | "stream_options" | "drop_params" => {}
            key if UNSUPPORTED.contains(&key) => {}
            "max_tokens" | "max_completion_tokens" => {
                if !value.is_null() {
                    body.insert("max_tokens".into(), value.clone());
                }
            }
            "stream" => {
                if value.as_bool() == Some(true) {
                    body.insert("stream".into(), Value::Bool(true));
                }
            }
            "stop" => {
                let stops: Vec<Value> = match value {
                    Value::String(s) => vec![Value::String(s.clone())],
                    Value::Array(list) => list.clone(),
                    _ => Vec::new(),
                };
                if !stops.is_empty() {
                    body.insert("stop_sequences".into(), Value::Array(stops));
                }
            }
            "tools" => {
                if let Value::Array(list) = value {
                    for tool in list {
                        tools.push(tool_to_anthropic(tool)?);
                    }
                }
            }
            "tool_choice" | "parallel_tool_calls" => {
                if let Some(choice) = map_tool_choice(
                    request.get("tool_choice"),
                    request.get("parallel_tool_calls"),
                ) {
                    body.insert("tool_choice".into(), choice);
                }
            }
            "response_format" => {
                if let Some(tool) = json_mode_tool(value) {
                    json_mode = true;
                    let thinking = request
                        .get("thinking")
                        .is_some_and(|t| t.get("type").and_then(Value::as_str) == Some("enabled"));
                    if !thinking {
                        body.insert(
                            "tool_choice".into(),
                            json!({"name": JSON_TOOL, "type": "tool"}),
                        );
                    }
                    tools.push(tool);
                }
            }
            "web_search_options" => tools.push(web_search_tool(value)),
            "user" => {
                if let Some(user) = value.as_str().filter(|u| valid_user_id(u)) {
                    body.insert("metadata".into(), json!({"user_id": user}));
                }
            }
            "reasoning_effort" => {
                let budget = match value.as_str() {
                    Some("low") | Some("minimal") => 1024,
                    Some("medium") => 2048,
                    Some("high") => 4096,
                    _ => continue,
                };
                body.insert(
                    "thinking".into(),
                    json!({"type": "enabled", "budget_tokens": budget}),
                );
            }
            "temperature" | "top_p" => {
                body.insert(key.to_string(), value.clone());
            }
            // Anthropic's own parameters (`top_k`, `thinking`, ...) go through as LiteLLM
            // passes provider-specific ones.
            _ => {
                body.insert(key.to_string(), value.clone());
            }
        }
    }
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
    }
    if let Some(system) = system {
        body.insert("system".into(), Value::Array(system));
    }
    if !body.contains_key("max_tokens") {
        // `update_optional_params_with_thinking_tokens`: room for the thinking budget plus
        // LiteLLM's `DEFAULT_MAX_TOKENS` of answer, since Anthropic wants max_tokens > budget.
        let budget = body
            .get("thinking")
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("enabled"))
            .and_then(|t| t.get("budget_tokens"))
            .and_then(Value::as_u64);
        let max_tokens = match budget {
            Some(budget) => budget + THINKING_ANSWER_TOKENS,
            None => DEFAULT_MAX_TOKENS,
        };
        body.insert("max_tokens".into(), json!(max_tokens));
    }
    Ok(Translated { body, json_mode })
}

/// `has_tool_call_blocks`: an assistant turn with tool calls, or a tool result.
fn has_tool_call_blocks(messages: &[Value]) -> bool {
    messages.iter().any(|m| {
        m.get("tool_calls")
            .and_then(Value::as_array)
            .is_some_and(|calls| !calls.is_empty())
            || m.get("role").and_then(Value::as_str) == Some("tool")
    })
}

/// LiteLLM leaves out ids that look like an email address or a phone number (Anthropic
/// rejects them).
fn valid_user_id(user: &str) -> bool {
    let email = user.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.contains(char::is_whitespace)
            && domain.rsplit_once('.').is_some_and(|(host, tld)| {
                !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
            })
    });
    let digits_only = user.strip_prefix('+').unwrap_or(user);
    let phone = digits_only.chars().count() >= 7
        && digits_only
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-".contains(c));
    !(email || phone)
}

/// Removes the system (and developer) messages and returns their content as Anthropic system
/// blocks, keeping `cache_control`.
fn hoist_system(messages: &[Value]) -> (Option<Vec<Value>>, Vec<&Value>) {
    let mut blocks = Vec::new();
    let mut rest = Vec::with_capacity(messages.len());
    for message in messages {
        let kept = hoist_one(message, &mut blocks);
        if kept {
            rest.push(message);
        }
    }
    ((!blocks.is_empty()).then_some(blocks), rest)
}

/// Moves one system/developer message's content into `blocks`; `true` when the message stays.
fn hoist_one(message: &Value, blocks: &mut Vec<Value>) -> bool {
    let role = message.get("role").and_then(Value::as_str);
    if !matches!(role, Some("system") | Some("developer")) {
        return true;
    }
    match message.get("content") {
        Some(Value::String(text)) => {
            let mut block = json!({"type": "text", "text": text});
            if let Some(cache) = message.get("cache_control") {
                block["cache_control"] = cache.clone();
            }
            blocks.push(block);
            false
        }
        Some(Value::Array(parts)) => {
            for part in parts {
                let mut block = json!({
                    "type": part.get("type").cloned().unwrap_or(Value::Null),
                    "text": part.get("text").cloned().unwrap_or(Value::Null),
                });
                if let Some(cache) = part.get("cache_control") {
                    block["cache_control"] = cache.clone();
                }
                blocks.push(block);
            }
            false
        }
        _ => true,
    }
}

fn with_cache_control(mut block: Value, source: &Value) -> Value {
    if let Some(cache) = source.get("cache_control").filter(|c| c.is_object()) {
        block["cache_control"] = cache.clone();
    }
    block
}

/// `anthropic_messages_pt`: consecutive user/tool messages become one user turn, consecutive
/// assistant messages one assistant turn; the last assistant text loses trailing whitespace.
fn messages_to_anthropic(messages: &[&Value]) -> Result<Vec<Value>, ProxyError> {
    if messages.is_empty() {
        return Err(bad_request(
            "Anthropic requires at least one non-system message. Either provide one, or set `litellm.modify_params = True` // `litellm_settings::modify_params: True` to add the dummy user message - {'role': 'user', 'content': [{'type': 'text', 'text': 'Please continue.'}]}.",
        ));
    }
    let role_of = |m: &Value| {
        m.get("role")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut out: Vec<Value> = Vec::new();
    let mut i = 0;
    while i < messages.len() {
        let start = i;
        let mut user_content: Vec<Value> = Vec::new();
        while i < messages.len()
            && matches!(role_of(messages[i]).as_str(), "user" | "tool" | "function")
        {
            let message = &messages[i];
            if role_of(message) == "user" {
                user_parts(message, &mut user_content)?;
            } else {
                user_content.push(tool_result(message)?);
            }
            i += 1;
        }
        if !user_content.is_empty() {
            out.push(json!({"role": "user", "content": user_content}));
        }
        let mut assistant_content: Vec<Value> = Vec::new();
        while i < messages.len() && role_of(messages[i]) == "assistant" {
            assistant_parts(messages[i], &mut assistant_content)?;
            i += 1;
        }
        if !assistant_content.is_empty() {
            out.push(json!({"role": "assistant", "content": assistant_content}));
        }
        if i == start {
            return Err(bad_request(format!(
                "Invalid Message passed in {}",
                messages[i]
            )));
        }
    }
    if let Some(last) = out.last_mut().filter(|m| m["role"] == "assistant") {
        if let Some(blocks) = last.get_mut("content").and_then(Value::as_array_mut) {
            for block in blocks {
                if block["type"] == "text" {
                    if let Some(text) = block.get("text").and_then(Value::as_str) {
                        let trimmed = text.trim_end().to_string();
                        block["text"] = Value::String(trimmed);
                    }
                }
            }
        }
    }
    Ok(out)
}

fn user_parts(message: &Value, content: &mut Vec<Value>) -> Result<(), ProxyError> {
    match message.get("content") {
        Some(Value::String(text)) => {
            content.push(with_cache_control(
                json!({"type": "text", "text": text}),
                message,
            ));
        }
        Some(Value::Array(parts)) => {
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => content.push(with_cache_control(
                        json!({"type": "text", "text": part.get("text").cloned().unwrap_or(Value::Null)}),
                        part,
                    )),
                    Some("image_url") => {
                        content.push(with_cache_control(image_block(part)?, part));
                    }
                    Some("document") => content.push(part.clone()),
                    Some("file") => content.push(file_block(part)?),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// `image_url` (a string or `{url, format}`): a `data:` URL becomes a base64 source (a PDF a
/// document), an http(s) URL a `url` source.
fn image_block(part: &Value) -> Result<Value, ProxyError> {
    let (url, format) = match part.get("image_url") {
        Some(Value::String(url)) => (url.as_str(), None),
        Some(Value::Object(image)) => (
            image.get("url").and_then(Value::as_str).unwrap_or(""),
            image.get("format").and_then(Value::as_str),
        ),
        _ => ("", None),
    };
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(json!({"type": "image", "source": {"type": "url", "url": url}}));
    }
    let (media_type, data) = parse_data_url(url).ok_or_else(|| {
        bad_request(format!(
            "Image url not in expected format. Expected a data URL (data:image/png;base64,...) or an http(s) URL. Got {}",
            url.chars().take(64).collect::<String>()
        ))
    })?;
    let media_type = format.unwrap_or(media_type);
    let kind = if media_type == "application/pdf" {
        "document"
    } else {
        "image"
    };
    Ok(json!({"type": kind, "source": {"type": "base64", "media_type": media_type, "data": data}}))
}

/// `data:image/png;base64,AAAA` -> (`image/png`, `AAAA`).
fn parse_data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (header, data) = rest.split_once(',')?;
    let media_type = header.strip_suffix(";base64")?;
    (!media_type.is_empty()).then_some((media_type, data))
}

fn file_block(part: &Value) -> Result<Value, ProxyError> {
    let file = part.get("file");
    let data = file
        .and_then(|f| f.get("file_data"))
        .and_then(Value::as_str);
    let Some(data) = data else {
        return Err(bad_request(
            "a `file` content part needs `file_data` (a data URL) for Anthropic",
        ));
    };
    let format = file.and_then(|f| f.get("format")).and_then(Value::as_str);
    let (media_type, payload) =
        parse_data_url(data).ok_or_else(|| bad_request("`file_data` must be a base64 data URL"))?;
    Ok(
        json!({"type": "document", "source": {"type": "base64", "media_type": format.unwrap_or(media_type), "data": payload}}),
    )
}

/// A `tool` (or legacy `function`) message -> a `tool_result` block.
fn tool_result(message: &Value) -> Result<Value, ProxyError> {
    let content = match message.get("content") {
        Some(Value::String(text)) => Value::String(text.clone()),
        Some(Value::Array(parts)) => {
            let mut blocks = Vec::new();
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => blocks.push(json!({"type": "text", "text": part.get("text").cloned().unwrap_or(Value::Null)})),
                    Some("image_url") => blocks.push(image_block(part)?),
                    _ => {}
                }
            }
            Value::Array(blocks)
        }
        _ => Value::String(String::new()),
    };
    let id = match message.get("tool_call_id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None if message.get("role").and_then(Value::as_str) == Some("function") => {
            format!("toolu_{:016x}", crate::router::random_u64())
        }
        None => {
            return Err(bad_request(
                "a `tool` message needs `tool_call_id` (the id of the assistant's tool call)",
            ))
        }
    };
    Ok(with_cache_control(
        json!({"type": "tool_result", "tool_use_id": id, "content": content}),
        message,
    ))
}

fn assistant_parts(message: &Value, content: &mut Vec<Value>) -> Result<(), ProxyError> {
    if let Some(Value::Array(thinking)) = message.get("thinking_blocks") {
        content.extend(thinking.iter().cloned());
    }
    match message.get("content") {
        Some(Value::Array(parts)) => {
            for part in parts {
                let kind = part.get("type").and_then(Value::as_str);
                let non_empty = |field: &str| {
                    part.get(field)
                        .and_then(Value::as_str)
                        .is_some_and(|t| !t.is_empty())
                };
                if kind == Some("thinking") && non_empty("thinking") {
                    content.push(part.clone());
                } else if kind == Some("text") && non_empty("text") {
                    content.push(with_cache_control(
                        json!({"type": "text", "text": part["text"]}),
                        part,
                    ));
                }
            }
        }
        Some(Value::String(text)) if !text.is_empty() => {
            content.push(with_cache_control(
                json!({"type": "text", "text": text}),
                message,
            ));
        }
        _ => {}
    }
    if let Some(Value::Array(calls)) = message.get("tool_calls") {
        for call in calls {
            if call.get("type").and_then(Value::as_str) != Some("function") {
                continue;
            }
            let function = call.get("function");
            let arguments = function
                .and_then(|f| f.get("arguments"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let input: Value = if arguments.trim().is_empty() {
                json!({})
            } else {
                serde_json::from_str(arguments).map_err(|e| {
                    bad_request(format!(
                        "tool call arguments are not valid JSON ({e}): {arguments}"
                    ))
                })?
            };
            content.push(with_cache_control(
                json!({
                    "type": "tool_use",
                    "id": call.get("id").cloned().unwrap_or(Value::Null),
                    "name": function.and_then(|f| f.get("name")).cloned().unwrap_or(Value::Null),
                    "input": input,
                }),
                call,
            ));
        }
    }
    if let Some(function) = message.get("function_call").filter(|f| f.is_object()) {
        let arguments = function
            .get("arguments")
            .and_then(Value::as_str)
            .unwrap_or("");
        let input: Value = if arguments.is_empty() {
            json!({})
        } else {
            serde_json::from_str(arguments).map_err(|e| {
                bad_request(format!("function_call arguments are not valid JSON ({e})"))
            })?
        };
        content.push(json!({
            "type": "tool_use",
            "id": format!("toolu_{:016x}", crate::router::random_u64()),
            "name": function.get("name").cloned().unwrap_or(json!("")),
            "input": input,
        }));
    }
    Ok(())
}

/// An OpenAI tool -> an Anthropic tool; a tool already in Anthropic's shape passes as is.
fn tool_to_anthropic(tool: &Value) -> Result<Value, ProxyError> {
    if tool.get("input_schema").is_some() {
        return Ok(tool.clone());
    }
    let kind = tool.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != "function" && kind != "custom" {
        if [
            "web_search",
            "bash",
            "text_editor",
            "code_execution",
            "computer_",
        ]
        .iter()
        .any(|hosted| kind.starts_with(hosted))
        {
            return Ok(tool.clone());
        }
        return Err(bad_request(format!("Unsupported tool type: {kind}")));
    }
    let function = tool.get("function").cloned().unwrap_or(json!({}));
    let name = function
        .get("name")
        .cloned()
        .ok_or_else(|| bad_request("a function tool needs `function.name`"))?;
    let parameters = function
        .get("parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(|| {
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            schema.insert("properties".into(), json!({}));
            schema
        });
    let schema: Map<String, Value> = parameters
        .into_iter()
        .filter(|(key, _)| {
            matches!(
                key.as_str(),
                "type" | "properties" | "required" | "additionalProperties" | "$defs"
            )
        })
        .collect();
    let mut out = json!({"name": name, "input_schema": schema});
    if let Some(description) = function.get("description").filter(|d| !d.is_null()) {
        out["description"] = description.clone();
    }
    if let Some(cache) = tool.get("cache_control") {
        out["cache_control"] = cache.clone();
    } else if let Some(cache) = function.get("cache_control").filter(|c| c.is_object()) {
        out["cache_control"] = cache.clone();
    }
    Ok(out)
}

/// `_map_tool_choice`: auto -> auto, required -> any, none -> none, a named function -> tool;
/// `parallel_tool_calls: false` becomes `disable_parallel_tool_use: true`.
fn map_tool_choice(choice: Option<&Value>, parallel: Option<&Value>) -> Option<Value> {
    let mut mapped = match choice {
        Some(Value::String(s)) if s == "auto" => Some(json!({"type": "auto"})),
        Some(Value::String(s)) if s == "required" => Some(json!({"type": "any"})),
        Some(Value::String(s)) if s == "none" => Some(json!({"type": "none"})),
        Some(Value::Object(named)) => {
            let mut tool = json!({"type": "tool"});
            if let Some(name) = named.get("function").and_then(|f| f.get("name")) {
                tool["name"] = name.clone();
            }
            Some(tool)
        }
        _ => None,
    };
    if let Some(parallel) = parallel.and_then(Value::as_bool) {
        let is_none = matches!(choice, Some(Value::String(s)) if s == "none");
        if !is_none {
            let tool = mapped.get_or_insert_with(|| json!({"type": "auto"}));
            tool["disable_parallel_tool_use"] = Value::Bool(!parallel);
        }
    }
    mapped
}

/// `web_search_options` -> Anthropic's hosted web search tool (`map_web_search_tool`).
fn web_search_tool(options: &Value) -> Value {
    let mut tool = json!({"type": "web_search_20250305", "name": "web_search"});
    if let Some(approximate) = options
        .pointer("/user_location/approximate")
        .and_then(Value::as_object)
    {
        let mut location = Map::new();
        location.insert("type".into(), json!("approximate"));
        for key in ["city", "region", "country", "timezone"] {
            if let Some(value) = approximate.get(key) {
                location.insert(key.into(), value.clone());
            }
        }
        tool["user_location"] = Value::Object(location);
    }
    let max_uses = match options.get("search_context_size").and_then(Value::as_str) {
        Some("low") => Some(1),
        Some("medium") => Some(5),
        Some("high") => Some(10),
        _ => None,
    };
    if let Some(max_uses) = max_uses {
        tool["max_uses"] = json!(max_uses);
    }
    tool
}

/// `response_format` (json_object / json_schema) -> the tool Anthropic is forced to call.
fn json_mode_tool(format: &Value) -> Option<Value> {
    let kind = format.get("type").and_then(Value::as_str)?;
    if kind == "text" {
        return None;
    }
    let schema = format
        .get("response_schema")
        .or_else(|| format.get("json_schema").and_then(|s| s.get("schema")))
        .and_then(Value::as_object);
    let mut input_schema = Map::new();
    input_schema.insert("type".into(), json!("object"));
    match schema {
        Some(schema) => {
            for (key, value) in schema {
                input_schema.insert(key.clone(), value.clone());
            }
        }
        None => {
            input_schema.insert("additionalProperties".into(), json!(true));
            input_schema.insert("properties".into(), json!({}));
        }
    }
    Some(json!({"name": JSON_TOOL, "input_schema": input_schema}))
}

// ---------------------------------------------------------------------------------------------
// Response: Anthropic -> OpenAI
// ---------------------------------------------------------------------------------------------

/// `map_finish_reason` for Anthropic's stop reasons.
pub fn finish_reason(stop_reason: &str) -> &str {
    match stop_reason {
        "end_turn" | "stop_sequence" | "pause_turn" => "stop",
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        other => other,
    }
}

/// Anthropic usage -> OpenAI usage under the providers/cost contract: prompt tokens include
/// cache reads and writes, `prompt_tokens_details.cached_tokens` are the reads, and the two cache
/// counts are repeated at the top level when Anthropic reports them.
pub fn usage_to_openai(usage: &Map<String, Value>) -> Value {
    let count = |key: &str| usage.get(key).and_then(Value::as_u64);
    let input = count("input_tokens").unwrap_or(0);
    let output = count("output_tokens").unwrap_or(0);
    let cache_read = count("cache_read_input_tokens");
    let cache_creation = count("cache_creation_input_tokens");
    let prompt = input + cache_read.unwrap_or(0) + cache_creation.unwrap_or(0);
    let mut out = Map::new();
    out.insert("prompt_tokens".into(), json!(prompt));
    out.insert("completion_tokens".into(), json!(output));
    out.insert("total_tokens".into(), json!(prompt + output));
    out.insert(
        "prompt_tokens_details".into(),
        json!({"cached_tokens": cache_read.unwrap_or(0)}),
    );
    if let Some(read) = cache_read {
        out.insert("cache_read_input_tokens".into(), json!(read));
    }
    if let Some(creation) = cache_creation {
        out.insert("cache_creation_input_tokens".into(), json!(creation));
    }
    Value::Object(out)
}

/// A Messages API response -> a `chat.completion`.
pub fn to_openai(message: &Value, created: u64, json_mode: bool) -> Result<Value, ProxyError> {
    if message.get("type").and_then(Value::as_str) == Some("error")
        || message.get("error").is_some()
    {
        return Err(error_from(500, message.to_string().as_bytes(), None));
    }
    let blocks = message
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            error_from(
                500,
                format!("the response has no `content` list: {message}").as_bytes(),
                None,
            )
        })?;
    let mut text = String::new();
    let mut tool_calls: Vec<Value> = Vec::new();
    let mut thinking: Vec<Value> = Vec::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => text.push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("tool_use") => {
                let input = block.get("input").cloned().unwrap_or(json!({}));
                tool_calls.push(json!({
                    "id": block.get("id").cloned().unwrap_or(Value::Null),
                    "type": "function",
                    "function": {
                        "name": block.get("name").cloned().unwrap_or(Value::Null),
                        "arguments": python_json(&input),
                    },
                }));
            }
            Some("thinking") | Some("redacted_thinking") => thinking.push(block.clone()),
            _ => {}
        }
    }
    let mut stop_reason = message
        .get("stop_reason")
        .and_then(Value::as_str)
        .map(finish_reason)
        .unwrap_or("stop")
        .to_string();
    let json_answer = (json_mode && tool_calls.len() == 1)
        .then(|| json_mode_content(&tool_calls[0]))
        .flatten();
    let mut reply = Map::new();
    match json_answer {
        Some(content) => {
            reply.insert("content".into(), Value::String(content));
            stop_reason = "stop".into();
        }
        None => {
            reply.insert(
                "content".into(),
                if text.is_empty() {
                    Value::Null
                } else {
                    Value::String(text)
                },
            );
            if !tool_calls.is_empty() {
                reply.insert("tool_calls".into(), Value::Array(tool_calls));
            }
        }
    }
    reply.insert("role".into(), json!("assistant"));
    if !thinking.is_empty() {
        let reasoning: String = thinking
            .iter()
            .filter_map(|b| b.get("thinking").and_then(Value::as_str))
            .collect();
        reply.insert("reasoning_content".into(), Value::String(reasoning));
        reply.insert("thinking_blocks".into(), Value::Array(thinking));
    }
    let usage = message
        .get("usage")
        .and_then(Value::as_object)
        .map(usage_to_openai)
        .unwrap_or_else(|| usage_to_openai(&Map::new()));
    Ok(json!({
        "id": message.get("id").cloned().unwrap_or(Value::Null),
        "object": "chat.completion",
        "created": created,
        "model": message.get("model").cloned().unwrap_or(Value::Null),
        "choices": [{"index": 0, "message": reply, "finish_reason": stop_reason}],
        "usage": usage,
    }))
}

/// `json.dumps(value)` as Python writes it (`", "` and `": "` separators, non-ASCII escaped),
/// which is how LiteLLM turns a `tool_use` input into the `arguments` string.
pub fn python_json(value: &Value) -> String {
    struct PythonFormatter;
    impl serde_json::ser::Formatter for PythonFormatter {
        fn begin_array_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first {
                Ok(())
            } else {
                writer.write_all(b", ")
            }
        }
        fn begin_object_key<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first {
                Ok(())
            } else {
                writer.write_all(b", ")
            }
        }
        fn begin_object_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
        ) -> std::io::Result<()> {
            writer.write_all(b": ")
        }
        fn write_string_fragment<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            fragment: &str,
        ) -> std::io::Result<()> {
            for c in fragment.chars() {
                if c.is_ascii() {
                    writer.write_all(&[c as u8])?;
                } else {
                    for unit in c.encode_utf16(&mut [0; 2]) {
                        write!(writer, "\\u{unit:04x}")?;
                    }
                }
            }
            Ok(())
        }
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return value.to_string();
    }
    String::from_utf8(out).unwrap_or_else(|_| value.to_string())
}

/// The content JSON mode returns for the forced `json_tool_call` (its `values` when wrapped).
fn json_mode_content(call: &Value) -> Option<String> {
    if call.pointer("/function/name").and_then(Value::as_str) != Some(JSON_TOOL) {
        return None;
    }
    let arguments = call
        .pointer("/function/arguments")
        .and_then(Value::as_str)?;
    match serde_json::from_str::<Value>(arguments) {
        Ok(Value::Object(args)) => Some(match args.get("values") {
            Some(values) => python_json(values),
            None => python_json(&Value::Object(args)),
        }),
        Ok(other) => Some(python_json(&other)),
        Err(_) => Some(arguments.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Streaming: Anthropic events -> OpenAI chunks, one event at a time
// ---------------------------------------------------------------------------------------------

/// Turns Anthropic stream events into OpenAI `chat.completion.chunk` SSE events.
#[derive(Debug)]
pub struct StreamTranslator {
    created: u64,
    json_mode: bool,
    id: Value,
    model: Value,
    /// OpenAI tool-call index of the current `tool_use` block (-1 before the first).
    tool_index: i64,
    /// The current block is a tool call, and whether any argument text arrived for it.
    in_tool: bool,
    tool_args_seen: bool,
    /// The current tool block is JSON mode's answer, streamed as content.
    in_json_tool: bool,
    usage: Map<String, Value>,
    usage_sent: bool,
    finished: bool,
}

impl StreamTranslator {
    pub fn new(created: u64, json_mode: bool) -> Self {
        StreamTranslator {
            created,
            json_mode,
            id: Value::Null,
            model: Value::Null,
            tool_index: -1,
            in_tool: false,
            tool_args_seen: false,
            in_json_tool: false,
            usage: Map::new(),
            usage_sent: false,
            finished: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Option<&str>) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        })
    }

    /// The usage-only chunk (no choices), sent once at the end.
    fn usage_chunk(&mut self) -> Value {
        self.usage_sent = true;
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [],
            "usage": usage_to_openai(&self.usage),
        })
    }

    fn merge_usage(&mut self, usage: Option<&Value>) {
        if let Some(usage) = usage.and_then(Value::as_object) {
            for (key, value) in usage {
                if !value.is_null() {
                    self.usage.insert(key.clone(), value.clone());
                }
            }
        }
    }

    /// The OpenAI chunks for one Anthropic event (`[DONE]` is written by the caller).
    pub fn on_event(&mut self, event: &Value) -> Result<Vec<Value>, ProxyError> {
        let mut out = Vec::new();
        match event.get("type").and_then(Value::as_str).unwrap_or("") {
            "message_start" => {
                let message = event.get("message");
                self.id = message
                    .and_then(|m| m.get("id"))
                    .cloned()
                    .unwrap_or(Value::Null);
                self.model = message
                    .and_then(|m| m.get("model"))
                    .cloned()
                    .unwrap_or(Value::Null);
                self.merge_usage(message.and_then(|m| m.get("usage")));
                out.push(self.chunk(json!({"role": "assistant", "content": ""}), None));
            }
            "content_block_start" => {
                let block = event.get("content_block");
                self.in_tool = false;
                self.in_json_tool = false;
                self.tool_args_seen = false;
                match block.and_then(|b| b.get("type")).and_then(Value::as_str) {
                    Some("text") => {
                        let text = block
                            .and_then(|b| b.get("text"))
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        if !text.is_empty() {
                            out.push(self.chunk(json!({"content": text}), None));
                        }
                    }
                    Some("tool_use") => {
                        let name = block
                            .and_then(|b| b.get("name"))
                            .cloned()
                            .unwrap_or(Value::Null);
                        if self.json_mode && name == JSON_TOOL {
                            self.in_json_tool = true;
                        } else {
                            self.in_tool = true;
                            self.tool_index += 1;
                            let id = block
                                .and_then(|b| b.get("id"))
                                .cloned()
                                .unwrap_or(Value::Null);
                            out.push(self.chunk(
                                json!({"tool_calls": [{"index": self.tool_index, "id": id, "type": "function", "function": {"name": name, "arguments": ""}}]}),
                                None,
                            ));
                        }
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let delta = event.get("delta");
                match delta.and_then(|d| d.get("type")).and_then(Value::as_str) {
                    Some("text_delta") => {
                        let text = delta
                            .and_then(|d| d.get("text"))
                            .cloned()
                            .unwrap_or(json!(""));
                        out.push(self.chunk(json!({"content": text}), None));
                    }
                    Some("input_json_delta") => {
                        let partial = delta
                            .and_then(|d| d.get("partial_json"))
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        if self.in_json_tool {
                            if !partial.is_empty() {
                                out.push(self.chunk(json!({"content": partial}), None));
                            }
                        } else if self.in_tool && !partial.is_empty() {
                            self.tool_args_seen = true;
                            out.push(self.chunk(
                                json!({"tool_calls": [{"index": self.tool_index, "function": {"arguments": partial}}]}),
                                None,
                            ));
                        }
                    }
                    Some("thinking_delta") => {
                        let thinking = delta
                            .and_then(|d| d.get("thinking"))
                            .cloned()
                            .unwrap_or(json!(""));
                        out.push(self.chunk(json!({"reasoning_content": thinking}), None));
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if self.in_tool && !self.tool_args_seen {
                    out.push(self.chunk(
                        json!({"tool_calls": [{"index": self.tool_index, "function": {"arguments": "{}"}}]}),
                        None,
                    ));
                }
                self.in_tool = false;
                self.in_json_tool = false;
            }
            "message_delta" => {
                self.merge_usage(event.get("usage"));
                let stop = event
                    .pointer("/delta/stop_reason")
                    .and_then(Value::as_str)
                    .unwrap_or("stop");
                let reason = if self.json_mode && stop == "tool_use" && self.tool_index < 0 {
                    "stop"
                } else {
                    finish_reason(stop)
                };
                out.push(self.chunk(json!({}), Some(reason)));
            }
            "message_stop" => {
                self.finished = true;
                if !self.usage_sent {
                    out.push(self.usage_chunk());
                }
            }
            "error" => {
                return Err(stream_error(event));
            }
            // `ping` and anything newer carry nothing for an OpenAI client.
            _ => {}
        }
        Ok(out)
    }

    /// What is still owed when the upstream stream ends: the usage chunk if `message_stop`
    /// never came.
    pub fn on_end(&mut self) -> Vec<Value> {
        if self.usage_sent || self.usage.is_empty() {
            return Vec::new();
        }
        vec![self.usage_chunk()]
    }
}

/// An `error` event inside a stream: Anthropic sends no status there and LiteLLM raises it as
/// a 500, then maps it by its text (an overload stays an `InternalServerError`).
fn stream_error(event: &Value) -> ProxyError {
    error_from(500, event.to_string().as_bytes(), None)
}

fn sse_bytes(chunks: &[Value]) -> BytesMut {
    let mut out = BytesMut::new();
    for chunk in chunks {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(chunk.to_string().as_bytes());
        out.extend_from_slice(b"\n\n");
    }
    out
}

/// The JSON of an event's `data:` lines (joined), if it has any.
fn event_json(event: &[u8]) -> Result<Option<Value>, ProxyError> {
    let text = String::from_utf8_lossy(event);
    let mut data = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        }
    }
    if data.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&data).map(Some).map_err(|e| {
        ProxyError::connection(
            PROVIDER,
            &format!(
                "the stream sent an event that is not JSON ({e}): {}",
                lossy(data.as_bytes())
            ),
        )
    })
}

struct StreamState<S> {
    upstream: Pin<Box<S>>,
    translator: StreamTranslator,
    buffer: BytesMut,
    /// An error met after some chunks of the same piece: sent right after them.
    pending_error: Option<ProxyError>,
    done: bool,
}

/// The OpenAI SSE body for an Anthropic event stream: each network piece is translated as soon
/// as its events are complete; only a partial event waits for the rest of its bytes.
pub fn translate_stream<S>(
    upstream: S,
    translator: StreamTranslator,
) -> impl Stream<Item = Result<Bytes, ProxyError>> + Send
where
    S: Stream<Item = Result<Bytes, ProxyError>> + Send + 'static,
{
    let state = StreamState {
        upstream: Box::pin(upstream),
        translator,
        buffer: BytesMut::new(),
        pending_error: None,
        done: false,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(error) = state.pending_error.take() {
                state.done = true;
                return Some((Err(error), state));
            }
            if state.done {
                return None;
            }
            let ended = match state.upstream.next().await {
                Some(Ok(piece)) => {
                    state.buffer.extend_from_slice(&piece);
                    false
                }
                Some(Err(e)) => {
                    state.done = true;
                    return Some((Err(e), state));
                }
                None => {
                    // A last event without its blank line still counts.
                    if !state.buffer.is_empty() {
                        state.buffer.extend_from_slice(b"\n\n");
                    }
                    true
                }
            };
            let mut out = drain_events(&mut state);
            if ended && state.pending_error.is_none() && !state.translator.finished {
                out.extend_from_slice(&sse_bytes(&state.translator.on_end()));
                out.extend_from_slice(b"data: [DONE]\n\n");
            }
            if ended {
                state.done = true;
            }
            // A piece that translates to nothing (a `ping`) still goes out, empty: it shows
            // the consumer the upstream is alive, as any byte resets LiteLLM's read timeout.
            if !out.is_empty() || !ended {
                return Some((Ok(out.freeze()), state));
            }
        }
    })
}

/// Translates every complete event in the buffer; after `message_stop`, closes with `[DONE]`.
/// An error stops the translation and waits in `pending_error` behind what was translated.
fn drain_events<S>(state: &mut StreamState<S>) -> BytesMut {
    let mut out = BytesMut::new();
    while let Some((end, next)) = event_end(&state.buffer) {
        let event = state.buffer.split_to(next);
        if state.translator.finished {
            continue;
        }
        let chunks = event_json(&event[..end]).and_then(|value| match value {
            Some(value) => state.translator.on_event(&value),
            None => Ok(Vec::new()),
        });
        match chunks {
            Ok(chunks) => out.extend_from_slice(&sse_bytes(&chunks)),
            Err(error) => {
                state.pending_error = Some(error);
                state.buffer.clear();
                return out;
            }
        }
        if state.translator.finished {
            out.extend_from_slice(b"data: [DONE]\n\n");
            state.done = true;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// An Anthropic error answer -> LiteLLM's exception (`_map_anthropic_exception`): the message
/// checks first (prompt too long, overloaded, invalid key, content filtering), then the status.
pub fn error_from(status: u16, body: &[u8], retry_after: Option<Duration>) -> ProxyError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let error_type = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/type"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let text = lossy(body);
    let lower = text.to_ascii_lowercase();
    let by_text = if text.contains("prompt is too long")
        || text.contains("prompt: length")
        || lower.contains("context_length_exceeded")
        || lower.contains("maximum context length")
        || lower.contains("context window")
    {
        Some((400, ErrorKind::ContextWindowExceeded))
    } else if text.contains("overloaded_error") || text.contains("Overloaded") {
        Some((500, ErrorKind::InternalServer))
    } else if text.contains("Invalid API Key") {
        Some((401, ErrorKind::Authentication))
    } else if text.contains("content filtering policy") {
        Some((400, ErrorKind::ContentPolicyViolation))
    } else {
        None
    };
    let (status, kind, message) = match by_text {
        Some((status, kind)) => (
            status,
            kind,
            format!("litellm.{}: AnthropicError - {text}", kind.exception_name()),
        ),
        None => {
            let (status, kind) = match status {
                401 => (401, ErrorKind::Authentication),
                403 => (403, ErrorKind::PermissionDenied),
                400 | 413 => (400, ErrorKind::BadRequest),
                404 => (404, ErrorKind::NotFound),
                408 => (408, ErrorKind::Timeout),
                429 => (429, ErrorKind::RateLimit),
                500 | 529 => (500, ErrorKind::InternalServer),
                502 => (502, ErrorKind::BadGateway),
                503 => (503, ErrorKind::ServiceUnavailable),
                504 => (504, ErrorKind::Timeout),
                other => (other, ErrorKind::Api),
            };
            let suffix = match kind {
                ErrorKind::InternalServer => ". Handle with `litellm.InternalServerError`.",
                ErrorKind::ServiceUnavailable => ". Handle with `litellm.ServiceUnavailableError`.",
                _ => "",
            };
            (
                status,
                kind,
                format!(
                    "litellm.{}: AnthropicException - {text}{suffix}",
                    kind.exception_name()
                ),
            )
        }
    };
    let mut error = ProxyError::new(status, kind, message);
    error.error_type = error_type;
    error.retry_after = retry_after;
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn hoists_system_merges_roles_and_defaults_max_tokens() {
        let translated = to_anthropic(&request(json!({
            "model": "claude-x",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "a"},
                {"role": "user", "content": [{"type": "text", "text": "b"}]},
                {"role": "system", "content": [{"type": "text", "text": "Second.", "cache_control": {"type": "ephemeral"}}]},
                {"role": "assistant", "content": "ok  "},
            ],
            "stop": "END",
            "user": "someone@example.com",
            "temperature": null,
            "tools": null,
            "n": null,
        })));
        let body = translated
            .map(|t| Value::Object(t.body))
            .unwrap_or_default();
        assert_eq!(
            body,
            json!({
                "model": "claude-x",
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                    {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
                ],
                "stop_sequences": ["END"],
                "system": [
                    {"type": "text", "text": "Be brief."},
                    {"type": "text", "text": "Second.", "cache_control": {"type": "ephemeral"}},
                ],
                "max_tokens": 4096,
            })
        );
    }

    #[test]
    fn refuses_unsupported_params_and_bad_arguments() {
        let error = to_anthropic(&request(json!({
            "model": "m", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 1
        })));
        assert!(error.is_err_and(|e| e.status == 400 && e.message.contains("presence_penalty")));
        let dropped = to_anthropic(&request(json!({
            "model": "m", "messages": [{"role": "user", "content": "x"}], "presence_penalty": 1, "drop_params": true
        })));
        assert!(dropped.is_ok_and(|t| !t.body.contains_key("presence_penalty")));
        let bad = to_anthropic(&request(json!({"model": "m", "messages": [
            {"role": "user", "content": "x"},
            {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{not json"}}]},
        ]})));
        assert!(bad.is_err_and(|e| e.kind == ErrorKind::BadRequest));
        let only_system = to_anthropic(&request(
            json!({"model": "m", "messages": [{"role": "system", "content": "s"}]}),
        ));
        assert!(only_system.is_err_and(|e| e.message.contains("at least one non-system message")));
    }

    #[test]
    fn response_format_forces_the_json_tool_and_its_input_becomes_the_content() {
        let translated = to_anthropic(&request(
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "p", "schema": {"type": "object", "properties": {"a": {"type": "integer"}}}}}}),
        ));
        let Ok(translated) = translated else {
            panic!("not translated")
        };
        assert!(translated.json_mode);
        assert_eq!(
            translated.body["tool_choice"],
            json!({"name": "json_tool_call", "type": "tool"})
        );
        assert_eq!(
            translated.body["tools"],
            json!([{"name": "json_tool_call", "input_schema": {"type": "object", "properties": {"a": {"type": "integer"}}}}])
        );
        let answer = json!({"id": "msg", "model": "m", "stop_reason": "tool_use", "usage": {"input_tokens": 1, "output_tokens": 2},
            "content": [{"type": "tool_use", "id": "t", "name": "json_tool_call", "input": {"a": 1}}]});
        let completion = to_openai(&answer, 0, true).unwrap_or_default();
        assert_eq!(completion["choices"][0]["message"]["content"], "{\"a\": 1}");
        assert_eq!(completion["choices"][0]["finish_reason"], "stop");
        assert!(completion["choices"][0]["message"]
            .get("tool_calls")
            .is_none());
        let mut stream = StreamTranslator::new(0, true);
        let mut content = String::new();
        let mut finish = String::new();
        for event in [
            json!({"type": "message_start", "message": {"id": "m", "model": "m", "usage": {"input_tokens": 1}}}),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "t", "name": "json_tool_call", "input": {}}}),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "{\"a\":"}}),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": " 1}"}}),
            json!({"type": "content_block_stop", "index": 0}),
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 3}}),
        ] {
            for chunk in stream.on_event(&event).unwrap_or_default() {
                assert!(chunk["choices"][0]["delta"].get("tool_calls").is_none());
                content.push_str(
                    chunk["choices"][0]["delta"]["content"]
                        .as_str()
                        .unwrap_or(""),
                );
                if let Some(reason) = chunk["choices"][0]["finish_reason"].as_str() {
                    finish = reason.to_string();
                }
            }
        }
        assert_eq!((content.as_str(), finish.as_str()), ("{\"a\": 1}", "stop"));
    }

    #[test]
    fn reasoning_effort_becomes_a_thinking_budget_with_room_to_answer() {
        let translated = to_anthropic(&request(json!({"model": "m", "reasoning_effort": "high",
            "messages": [{"role": "user", "content": "x"}]})));
        let body = translated.map(|t| t.body).unwrap_or_default();
        assert_eq!(
            body["thinking"],
            json!({"type": "enabled", "budget_tokens": 4096})
        );
        assert_eq!(body["max_tokens"], 4096 + 256);
        let given = to_anthropic(&request(
            json!({"model": "m", "reasoning_effort": "low", "max_tokens": 3000,
            "messages": [{"role": "user", "content": "x"}]}),
        ));
        assert_eq!(
            given
                .map(|t| t.body["max_tokens"].clone())
                .unwrap_or_default(),
            3000
        );
    }

    #[test]
    fn web_search_options_become_the_hosted_search_tool() {
        let translated = to_anthropic(&request(
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}],
            "web_search_options": {"search_context_size": "medium", "user_location": {"type": "approximate", "approximate": {"city": "Paris", "country": "FR"}}}}),
        ));
        assert_eq!(
            translated
                .map(|t| t.body["tools"].clone())
                .unwrap_or_default(),
            json!([{"type": "web_search_20250305", "name": "web_search", "user_location": {"type": "approximate", "city": "Paris", "country": "FR"}, "max_uses": 5}])
        );
    }

    #[test]
    fn tool_history_without_tools_is_refused_as_litellm_does() {
        let refused = to_anthropic(&request(json!({"model": "m", "messages": [
            {"role": "user", "content": "x"},
            {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "r"},
        ]})));
        assert!(refused.is_err_and(|e| e.message.contains("without `tools=` param")));
    }

    #[tokio::test]
    async fn an_error_event_mid_stream_ends_it_with_an_error() {
        let events = concat!(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}\n\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        );
        let stream = translate_stream(
            futures_util::stream::iter(vec![Ok(Bytes::from_static(events.as_bytes()))]),
            StreamTranslator::new(5, false),
        );
        let out: Vec<Result<Bytes, ProxyError>> = stream.collect().await;
        assert_eq!(out.len(), 2, "the role chunk, then the error");
        assert!(out[0]
            .as_ref()
            .is_ok_and(|b| String::from_utf8_lossy(b).contains("\"role\":\"assistant\"")));
        let error = out.into_iter().find_map(Result::err);
        assert!(error.is_some_and(|e| e.status == 500 && e.kind == ErrorKind::InternalServer));
    }

    #[test]
    fn maps_errors_as_litellm_does() {
        let context = br#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#;
        let error = error_from(400, context, None);
        assert_eq!(
            (error.status, error.kind),
            (400, ErrorKind::ContextWindowExceeded)
        );
        assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
        let overloaded =
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(error_from(529, overloaded, None).status, 500);
        let limited =
            br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#;
        let error = error_from(429, limited, Some(Duration::from_secs(3)));
        assert_eq!((error.status, error.kind), (429, ErrorKind::RateLimit));
        assert_eq!(error.retry_after, Some(Duration::from_secs(3)));
        assert!(error
            .message
            .starts_with("litellm.RateLimitError: AnthropicException - "));
        assert_eq!(error_from(413, b"{}", None).status, 400);
        assert_eq!(error_from(401, b"{}", None).kind, ErrorKind::Authentication);
        assert_eq!(
            error_from(403, b"{}", None).kind,
            ErrorKind::PermissionDenied
        );
    }

    #[test]
    fn tool_arguments_are_written_as_pythons_json_dumps() {
        assert_eq!(
            python_json(&json!({"city": "Zürich", "days": [1, 2], "deep": {"ok": true}})),
            r#"{"city": "Z\u00fcrich", "days": [1, 2], "deep": {"ok": true}}"#
        );
        assert_eq!(python_json(&json!({})), "{}");
        assert_eq!(python_json(&json!("😀")), r#""\ud83d\ude00""#);
    }

    #[test]
    fn user_ids_that_look_personal_are_left_out() {
        assert!(valid_user_id("user-123"));
        assert!(!valid_user_id("a.b@example.com"));
        assert!(!valid_user_id("+1 (555) 010-9999"));
    }

    #[tokio::test]
    async fn translates_a_stream_split_anywhere() {
        let events = concat!(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":4,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n",
            "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":7}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        );
        for split in [1usize, 7, 50, events.len()] {
            let pieces: Vec<Result<Bytes, ProxyError>> = events
                .as_bytes()
                .chunks(split)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            let stream = translate_stream(
                futures_util::stream::iter(pieces),
                StreamTranslator::new(5, false),
            );
            let out: Vec<Result<Bytes, ProxyError>> = stream.collect().await;
            let text: String = out
                .iter()
                .map(|r| {
                    r.as_ref()
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_default()
                })
                .collect();
            let data: Vec<&str> = text
                .split("\n\n")
                .filter_map(|e| e.strip_prefix("data: "))
                .collect();
            assert_eq!(data.len(), 7, "{text}");
            assert_eq!(data[6], "[DONE]");
            let chunks: Vec<Value> = data[..6]
                .iter()
                .filter_map(|d| serde_json::from_str(d).ok())
                .collect();
            assert_eq!(
                chunks[1]["choices"][0]["delta"]["tool_calls"][0]["function"]["name"],
                "f"
            );
            assert_eq!(
                chunks[2]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
                "{\"a\":"
            );
            assert_eq!(chunks[4]["choices"][0]["finish_reason"], "tool_calls");
            assert_eq!(chunks[5]["usage"]["prompt_tokens"], 14);
            assert_eq!(chunks[5]["usage"]["completion_tokens"], 7);
            assert_eq!(
                chunks[5]["usage"]["prompt_tokens_details"]["cached_tokens"],
                4
            );
        }
    }
}
