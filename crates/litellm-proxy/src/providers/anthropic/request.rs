//! OpenAI chat request -> Anthropic Messages body, as LiteLLM's `AnthropicConfig.transform_request`.

use super::*;

/// An Anthropic request body, and whether `response_format` turned on LiteLLM's JSON mode (the
/// answer's `json_tool_call` then becomes the message content).
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    pub body: Map<String, Value>,
    pub json_mode: bool,
}

pub(super) fn bad_request(message: impl std::fmt::Display) -> ProxyError {
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
pub(super) fn call_parameters(body: &crate::providers::UpstreamBody<'_>) -> Map<String, Value> {
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

pub(super) fn call_messages<'a>(body: &crate::providers::UpstreamBody<'a>) -> &'a [Value] {
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
pub(super) fn translate(
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
pub(super) fn has_tool_call_blocks(messages: &[Value]) -> bool {
    messages.iter().any(|m| {
        m.get("tool_calls")
            .and_then(Value::as_array)
            .is_some_and(|calls| !calls.is_empty())
            || m.get("role").and_then(Value::as_str) == Some("tool")
    })
}

/// LiteLLM leaves out ids that look like an email address or a phone number (Anthropic
/// rejects them).
pub(super) fn valid_user_id(user: &str) -> bool {
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
pub(super) fn hoist_system(messages: &[Value]) -> (Option<Vec<Value>>, Vec<&Value>) {
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
pub(super) fn hoist_one(message: &Value, blocks: &mut Vec<Value>) -> bool {
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

pub(super) fn with_cache_control(mut block: Value, source: &Value) -> Value {
    if let Some(cache) = source.get("cache_control").filter(|c| c.is_object()) {
        block["cache_control"] = cache.clone();
    }
    block
}

/// `anthropic_messages_pt`: consecutive user/tool messages become one user turn, consecutive
/// assistant messages one assistant turn; the last assistant text loses trailing whitespace.
pub(super) fn messages_to_anthropic(messages: &[&Value]) -> Result<Vec<Value>, ProxyError> {
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

pub(super) fn user_parts(message: &Value, content: &mut Vec<Value>) -> Result<(), ProxyError> {
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
pub(super) fn image_block(part: &Value) -> Result<Value, ProxyError> {
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
pub(super) fn parse_data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (header, data) = rest.split_once(',')?;
    let media_type = header.strip_suffix(";base64")?;
    (!media_type.is_empty()).then_some((media_type, data))
}

pub(super) fn file_block(part: &Value) -> Result<Value, ProxyError> {
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
pub(super) fn tool_result(message: &Value) -> Result<Value, ProxyError> {
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

pub(super) fn assistant_parts(message: &Value, content: &mut Vec<Value>) -> Result<(), ProxyError> {
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
pub(super) fn tool_to_anthropic(tool: &Value) -> Result<Value, ProxyError> {
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
pub(super) fn map_tool_choice(choice: Option<&Value>, parallel: Option<&Value>) -> Option<Value> {
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
pub(super) fn web_search_tool(options: &Value) -> Value {
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
pub(super) fn json_mode_tool(format: &Value) -> Option<Value> {
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
