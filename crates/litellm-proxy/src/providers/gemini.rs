//! Google AI Studio (`gemini/<model>`): OpenAI chat requests as `generateContent` calls, answers
//! and `streamGenerateContent?alt=sse` events back as OpenAI completions and chunks.
//!
//! The translation follows LiteLLM's (`vertex_ai/gemini/transformation.py` and
//! `vertex_and_google_ai_studio_gemini.py`): consecutive user turns merge, assistant turns become
//! `model` turns, system messages become `system_instruction`, tool results become
//! `functionResponse` parts, and usage keeps cached tokens inside `prompt_tokens`. A blocked
//! prompt, or a candidate stopped by a safety filter before any content, is a content-policy
//! error, so `content_policy_fallbacks` apply.

use super::event_translation::{EventTranslator, Translation};
use super::http;
use super::{BoxFuture, ChatCall, EventStream, Provider, Reply, UpstreamBody};
use crate::config::DeploymentConfig;
use crate::error::{ErrorKind, ProxyError};
use bytes::Bytes;
use futures_util::Stream;
use serde_json::{json, Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Google AI Studio's public endpoint, for a deployment built without the route table's default.
const DEFAULT_API_BASE: &str = "https://generativelanguage.googleapis.com";
const PROVIDER: &str = "gemini";

/// Finish reasons that mean a filter stopped the candidate.
const FILTERED: &[&str] = &[
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
];

pub struct Gemini {
    /// `{api_base}/v1beta`, checked once.
    base: Result<String, String>,
}

impl Gemini {
    pub fn new(deployment: &DeploymentConfig) -> Self {
        let base = deployment
            .api_base
            .as_deref()
            .unwrap_or(DEFAULT_API_BASE)
            .trim_end_matches('/');
        // LiteLLM's GEMINI_API_BASE is the host (`/v1beta` is added); the route table's default
        // already ends with it.
        let base = if base.ends_with("/v1beta") {
            base.to_string()
        } else {
            format!("{base}/v1beta")
        };
        let base = reqwest::Url::parse(&base)
            .map(|_| base)
            .map_err(|e| format!("api_base is not a URL ({e})"));
        Gemini { base }
    }
}

/// What a translated answer is stamped with.
#[derive(Debug, Clone)]
pub struct ResponseMeta {
    pub id: String,
    pub created: u64,
    pub model: String,
}

impl ResponseMeta {
    fn fresh(model: &str) -> Self {
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        ResponseMeta {
            id: format!(
                "chatcmpl-{:016x}{:016x}",
                crate::router::random_u64(),
                crate::router::random_u64()
            ),
            created,
            model: model.to_string(),
        }
    }
}

impl Provider for Gemini {
    fn chat<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: ChatCall<'a>,
    ) -> BoxFuture<'a, Result<Reply, ProxyError>> {
        Box::pin(async move {
            let base = self.base.as_ref().map_err(|why| {
                ProxyError::bad_request(format!(
                    "litellm.BadRequestError: deployment `{}`: {why}",
                    call.deployment.id
                ))
            })?;
            let model = call.body().model;
            let body = upstream_request(&call.body())?;
            let url = if call.stream {
                format!("{base}/models/{model}:streamGenerateContent?alt=sse")
            } else {
                format!("{base}/models/{model}:generateContent")
            };
            let url = reqwest::Url::parse(&url).map_err(|e| {
                ProxyError::bad_request(format!(
                    "litellm.BadRequestError: GeminiException - model `{model}` does not make a URL ({e})"
                ))
            })?;
            let body =
                serde_json::to_vec(&body).map_err(|e| ProxyError::internal(e.to_string()))?;
            let mut request = client
                .post(url)
                .header("content-type", "application/json")
                .body(body);
            if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
                request = request.header("x-goog-api-key", key);
            }
            for (name, value) in &call.deployment.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let response = http::send(request, &call, PROVIDER, map_error).await?;
            let meta = ResponseMeta::fresh(model);
            if call.stream {
                return Ok(Reply::Stream(translate_stream(
                    http::event_stream(response, PROVIDER),
                    meta,
                )));
            }
            let answer = http::json_object(response, &call, PROVIDER).await?;
            let completion = to_openai_response(&answer, &meta)?;
            let bytes =
                serde_json::to_vec(&completion).map_err(|e| ProxyError::internal(e.to_string()))?;
            Ok(Reply::Complete(Bytes::from(bytes)))
        })
    }

    /// `batchEmbedContents` (text) or `embedContent` (media): see `gemini_embed.rs`.
    fn embeddings<'a>(
        &'a self,
        client: &'a reqwest::Client,
        call: super::Call<'a, crate::endpoints::EmbeddingsRequest>,
    ) -> BoxFuture<'a, Result<Bytes, ProxyError>> {
        let base = self.base.as_deref().map_err(|why| {
            ProxyError::bad_request(format!(
                "litellm.BadRequestError: deployment `{}`: {why}",
                call.deployment.id
            ))
        });
        super::gemini_embed::embeddings(base, client, call)
    }
}

fn invalid(message: impl std::fmt::Display) -> ProxyError {
    ProxyError::bad_request(format!(
        "litellm.BadRequestError: GeminiException - {message}"
    ))
    .with_param("messages")
}

/// The `generateContent` body for an OpenAI chat request.
pub fn to_gemini_request(openai: &Map<String, Value>) -> Result<Value, ProxyError> {
    translate_request(&|key| openai.get(key))
}

/// The `generateContent` body for one upstream call: the client's request with the deployment's
/// defaults and the upstream model, read in place (no copy of the conversation first).
fn upstream_request(body: &UpstreamBody<'_>) -> Result<Value, ProxyError> {
    let model = Value::String(body.model.to_string());
    translate_request(&|key| match key {
        "model" => Some(&model),
        _ => body.request.get(key).or_else(|| body.defaults.get(key)),
    })
}

/// `param(name)` is the request's value for an OpenAI parameter.
fn translate_request<'a>(param: &dyn Fn(&str) -> Option<&'a Value>) -> Result<Value, ProxyError> {
    let messages = param("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("`messages` must be a list"))?;
    let mut system_parts = Vec::new();
    // Each non-system message with its index in the request, for error locations.
    let mut rest = Vec::new();
    for (index, message) in messages.iter().enumerate() {
        match message.get("role").and_then(Value::as_str) {
            Some("system" | "developer") => {
                let text = match message.get("content") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(|i| i.get("text").and_then(Value::as_str))
                        .collect(),
                    _ => continue,
                };
                system_parts.push(json!({"text": text}));
            }
            _ => rest.push((index, message)),
        }
    }
    let mut body = Map::new();
    body.insert("contents".into(), Value::Array(contents(&rest)?));
    if !system_parts.is_empty() {
        body.insert("system_instruction".into(), json!({"parts": system_parts}));
    }
    let tools = param("tools")
        .or_else(|| param("functions"))
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty());
    if let Some(tools) = tools {
        let declarations: Vec<Value> = tools.iter().filter_map(function_declaration).collect();
        body.insert(
            "tools".into(),
            json!([{"functionDeclarations": declarations}]),
        );
    }
    if let Some(choice) = param("tool_choice") {
        body.insert("toolConfig".into(), tool_config(choice)?);
    }
    if let Some(settings) = param("safety_settings") {
        body.insert("safetySettings".into(), settings.clone());
    }
    let mut config = generation_config(param);
    if let Some(effort) = param("reasoning_effort") {
        // A string, or the Agents SDK's `{"effort": ..., "summary": ...}`.
        let effort = effort
            .as_str()
            .or_else(|| effort.get("effort").and_then(Value::as_str));
        if let Some(effort) = effort {
            let model = param("model").and_then(Value::as_str).unwrap_or("");
            config.insert("thinkingConfig".into(), thinking_config(effort, model)?);
        }
    }
    if !config.is_empty() {
        body.insert("generationConfig".into(), Value::Object(config));
    }
    Ok(Value::Object(body))
}

/// `_gemini_convert_messages_with_history`: turns must alternate, so consecutive user messages
/// merge into one `user` turn, consecutive assistant messages into one `model` turn, and
/// consecutive tool results into one turn of `functionResponse` parts.
fn contents(messages: &[(usize, &Value)]) -> Result<Vec<Value>, ProxyError> {
    let mut contents = Vec::new();
    // Tool call id -> function name, from the assistant turns seen so far.
    let mut call_names: Vec<(String, String)> = Vec::new();
    let with_role = |i: usize, wanted: &[&str]| {
        messages
            .get(i)
            .copied()
            .filter(|(_, m)| wanted.contains(&role(m)))
    };
    let mut i = 0;
    while i < messages.len() {
        let start = i;
        let mut user_parts = Vec::new();
        while let Some((at, message)) = with_role(i, &["user"]) {
            user_parts.extend(user_content_parts(message.get("content"), at)?);
            i += 1;
        }
        if !user_parts.is_empty() {
            // Gemini refuses a turn without text ("must have a text parameter").
            if !user_parts.iter().any(|p| p.get("text").is_some()) {
                user_parts.push(json!({"text": " "}));
            }
            contents.push(json!({"role": "user", "parts": user_parts}));
        }
        let mut model_parts = Vec::new();
        while let Some((at, message)) = with_role(i, &["assistant"]) {
            match message.get("content") {
                Some(Value::String(text)) if !text.is_empty() => {
                    model_parts.push(json!({"text": text}));
                }
                Some(Value::Array(items)) => {
                    for item in items {
                        if item.get("type").and_then(Value::as_str) == Some("text") {
                            if let Some(text) = item.get("text").and_then(Value::as_str) {
                                model_parts.push(json!({"text": text}));
                            }
                        }
                    }
                }
                _ => {}
            }
            for call in message
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let function = call.get("function");
                let name = function
                    .and_then(|f| f.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let args = parse_arguments(function.and_then(|f| f.get("arguments")), at)?;
                if let Some(id) = call.get("id").and_then(Value::as_str) {
                    call_names.push((id.to_string(), name.to_string()));
                }
                model_parts.push(json!({"functionCall": {"name": name, "args": args}}));
            }
            if let Some(function) = message.get("function_call") {
                let name = function.get("name").and_then(Value::as_str).unwrap_or("");
                let args = parse_arguments(function.get("arguments"), at)?;
                model_parts.push(json!({"functionCall": {"name": name, "args": args}}));
            }
            i += 1;
        }
        if !model_parts.is_empty() {
            contents.push(json!({"role": "model", "parts": model_parts}));
        }
        let mut responses = Vec::new();
        while let Some((at, message)) = with_role(i, &["tool", "function"]) {
            let name = match message.get("name").and_then(Value::as_str) {
                Some(name) => name.to_string(),
                None => {
                    let id = message
                        .get("tool_call_id")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    call_names
                        .iter()
                        .rev()
                        .find(|(call_id, _)| call_id == id)
                        .map(|(_, name)| name.clone())
                        .ok_or_else(|| {
                            invalid(format!(
                                "messages[{at}]: no assistant tool call has id `{id}`"
                            ))
                        })?
                }
            };
            let content = match message.get("content") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|i| i.get("text").and_then(Value::as_str))
                    .collect(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            responses.push(
                json!({"functionResponse": {"name": name, "response": {"content": content}}}),
            );
            i += 1;
        }
        if !responses.is_empty() {
            contents.push(json!({"role": "user", "parts": responses}));
        }
        if i == start {
            let (at, message) = messages.get(i).copied().unwrap_or((i, &Value::Null));
            return Err(invalid(format!(
                "messages[{at}]: role `{}` is not one of system, developer, user, assistant, tool",
                role(message)
            )));
        }
    }
    Ok(contents)
}

fn role(message: &Value) -> &str {
    message.get("role").and_then(Value::as_str).unwrap_or("")
}

fn parse_arguments(arguments: Option<&Value>, index: usize) -> Result<Value, ProxyError> {
    match arguments {
        None | Some(Value::Null) => Ok(json!({})),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(json!({})),
        Some(Value::String(text)) => serde_json::from_str(text).map_err(|e| {
            invalid(format!(
                "messages[{index}]: tool call arguments are not JSON ({e})"
            ))
        }),
        Some(other) => Ok(other.clone()),
    }
}

fn user_content_parts(content: Option<&Value>, index: usize) -> Result<Vec<Value>, ProxyError> {
    let items = match content {
        Some(Value::String(text)) if !text.is_empty() => return Ok(vec![json!({"text": text})]),
        Some(Value::Array(items)) => items,
        _ => return Ok(Vec::new()),
    };
    let mut parts = Vec::new();
    for item in items {
        match item.get("type").and_then(Value::as_str) {
            Some("text") => {
                if let Some(text) = item
                    .get("text")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    parts.push(json!({"text": text}));
                }
            }
            Some("image_url") => {
                let image = item.get("image_url");
                let (url, format) = match image {
                    Some(Value::String(url)) => (url.as_str(), None),
                    Some(object) => (
                        object.get("url").and_then(Value::as_str).unwrap_or(""),
                        object.get("format").and_then(Value::as_str),
                    ),
                    None => ("", None),
                };
                parts.push(media_part(url, format, index)?);
            }
            Some("input_audio") => {
                let audio = item.get("input_audio");
                let data = audio
                    .and_then(|a| a.get("data"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let format = audio
                    .and_then(|a| a.get("format"))
                    .and_then(Value::as_str)
                    .unwrap_or("wav");
                parts.push(
                    json!({"inlineData": {"mimeType": format!("audio/{format}"), "data": data}}),
                );
            }
            Some("file") => {
                let file = item.get("file");
                let data = file
                    .and_then(|f| f.get("file_data").or_else(|| f.get("file_id")))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let format = file.and_then(|f| f.get("format")).and_then(Value::as_str);
                parts.push(media_part(data, format, index)?);
            }
            other => {
                return Err(invalid(format!(
                    "messages[{index}]: content type `{}` is not supported for Gemini",
                    other.unwrap_or("(none)")
                )))
            }
        }
    }
    Ok(parts)
}

/// A data URL becomes `inlineData`; a `gs://` or https URL of a known type becomes `fileData`.
fn media_part(url: &str, format: Option<&str>, index: usize) -> Result<Value, ProxyError> {
    if let Some(rest) = url.strip_prefix("data:") {
        if let Some((mime, data)) = rest.split_once(";base64,") {
            let mime = format.unwrap_or(mime);
            return Ok(json!({"inlineData": {"mimeType": mime, "data": data}}));
        }
    }
    if url.starts_with("gs://") || url.starts_with("https://") {
        if let Some(mime) = format.or_else(|| mime_from_extension(url)) {
            return Ok(json!({"fileData": {"mimeType": mime, "fileUri": url}}));
        }
    }
    Err(invalid(format!(
        "messages[{index}]: media must be a base64 data URL, or a gs:// / https:// URL of a known type (give `format`)"
    )))
}

fn mime_from_extension(url: &str) -> Option<&'static str> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let table: &[(&[&str], &str)] = &[
        (&[".jpg", ".jpeg"], "image/jpeg"),
        (&[".png"], "image/png"),
        (&[".webp"], "image/webp"),
        (&[".mp4"], "video/mp4"),
        (&[".mov"], "video/mov"),
        (&[".mpeg", ".mpg"], "video/mpeg"),
        (&[".mp3"], "audio/mp3"),
        (&[".wav"], "audio/wav"),
        (&[".pdf"], "application/pdf"),
        (&[".txt"], "text/plain"),
    ];
    table
        .iter()
        .find(|(extensions, _)| extensions.iter().any(|e| path.ends_with(e)))
        .map(|(_, mime)| *mime)
}

/// An OpenAI tool (or legacy function) as a Gemini function declaration.
fn function_declaration(tool: &Value) -> Option<Value> {
    let function = tool.get("function").unwrap_or(tool);
    let name = function.get("name")?.as_str()?;
    let mut declaration = Map::new();
    declaration.insert("name".into(), json!(name));
    if let Some(description) = function.get("description") {
        declaration.insert("description".into(), description.clone());
    }
    if let Some(parameters) = function.get("parameters") {
        let empty_object = parameters
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        if !empty_object {
            declaration.insert("parameters".into(), clean_schema(parameters));
        }
    }
    Some(Value::Object(declaration))
}

/// Gemini's schema dialect refuses JSON Schema keys it does not know.
fn clean_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "additionalProperties" | "strict" | "$schema")
                })
                .map(|(k, v)| (k.clone(), clean_schema(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(clean_schema).collect()),
        other => other.clone(),
    }
}

/// `map_tool_choice_values`.
fn tool_config(choice: &Value) -> Result<Value, ProxyError> {
    let mode = match choice {
        Value::String(s) if s == "none" => "NONE",
        Value::String(s) if s == "required" => "ANY",
        Value::String(s) if s == "auto" => "AUTO",
        Value::Object(_) => {
            let name = choice
                .pointer("/function/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            return Ok(
                json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": [name]}}),
            );
        }
        other => {
            return Err(ProxyError::bad_request(format!(
                "litellm.UnsupportedParamsError: GeminiException - tool_choice={other} is not supported. Supported tool_choice values=['auto', 'required', 'none', json object]"
            ))
            .with_param("tool_choice"))
        }
    };
    Ok(json!({"functionCallingConfig": {"mode": mode}}))
}

/// `map_openai_params` for the keys that land in `generationConfig`.
fn generation_config<'a>(param: &dyn Fn(&str) -> Option<&'a Value>) -> Map<String, Value> {
    let mut config = Map::new();
    let mut copy = |from: &str, to: &str| {
        if let Some(value) = param(from).filter(|v| !v.is_null()) {
            config.insert(to.to_string(), value.clone());
        }
    };
    copy("temperature", "temperature");
    copy("top_p", "topP");
    copy("top_k", "topK");
    copy("n", "candidateCount");
    copy("max_tokens", "maxOutputTokens");
    copy("max_completion_tokens", "maxOutputTokens");
    copy("frequency_penalty", "frequencyPenalty");
    copy("presence_penalty", "presencePenalty");
    copy("seed", "seed");
    copy("logprobs", "responseLogprobs");
    copy("top_logprobs", "logprobs");
    match param("stop") {
        Some(Value::String(stop)) => {
            config.insert("stopSequences".into(), json!([stop]));
        }
        Some(Value::Array(stops)) => {
            config.insert("stopSequences".into(), Value::Array(stops.clone()));
        }
        _ => {}
    }
    if let Some(format) = param("response_format") {
        match format.get("type").and_then(Value::as_str) {
            Some("json_object") => {
                config.insert("responseMimeType".into(), json!("application/json"));
                if let Some(schema) = format.get("response_schema") {
                    config.insert("responseSchema".into(), clean_schema(schema));
                }
            }
            Some("json_schema") => {
                config.insert("responseMimeType".into(), json!("application/json"));
                if let Some(schema) = format.pointer("/json_schema/schema") {
                    config.insert("responseSchema".into(), clean_schema(schema));
                }
            }
            _ => {}
        }
    }
    config
}

/// `reasoning_effort` as LiteLLM maps it: a thinking level for Gemini 3 models, a token budget
/// (LiteLLM's `DEFAULT_REASONING_EFFORT_*_THINKING_BUDGET`) for earlier ones.
fn thinking_config(effort: &str, model: &str) -> Result<Value, ProxyError> {
    let model = model.to_ascii_lowercase();
    let show = !matches!(effort, "none" | "disable");
    if model.contains("gemini-3") {
        let flash = model.contains("gemini-3-flash") || model.contains("gemini-3.1-flash");
        let level = match effort {
            "minimal" | "none" | "disable" if flash => "minimal",
            "minimal" | "none" | "disable" | "low" => "low",
            "medium" if flash || model.contains("gemini-3.1-pro-preview") => "medium",
            "medium" | "high" => "high",
            other => return Err(unknown_effort(other)),
        };
        return Ok(json!({"thinkingLevel": level, "includeThoughts": show}));
    }
    let budget = match effort {
        "minimal" if model.contains("gemini-2.5-flash-lite") => 512,
        "minimal" if model.contains("gemini-2.5-pro") => 128,
        "minimal" if model.contains("gemini-2.5-flash") => 1,
        "minimal" => 128,
        "low" => 1024,
        "medium" => 2048,
        "high" => 4096,
        "none" | "disable" => 0,
        other => return Err(unknown_effort(other)),
    };
    Ok(json!({"thinkingBudget": budget, "includeThoughts": show}))
}

fn unknown_effort(effort: &str) -> ProxyError {
    ProxyError::bad_request(format!(
        "litellm.BadRequestError: GeminiException - Invalid reasoning effort: {effort}"
    ))
    .with_param("reasoning_effort")
}

/// `map_finish_reason` for Gemini's reasons.
fn finish_reason(reason: &str) -> &'static str {
    match reason {
        "MAX_TOKENS" => "length",
        r if FILTERED.contains(&r) => "content_filter",
        _ => "stop",
    }
}

/// A prompt or candidate stopped by Google's filters, as the error `content_policy_fallbacks`
/// reacts to.
fn blocked(reason: &str, detail: Option<&str>) -> ProxyError {
    let detail = detail.map(|d| format!(" - {d}")).unwrap_or_default();
    ProxyError::new(
        400,
        ErrorKind::ContentPolicyViolation,
        format!(
            "litellm.ContentPolicyViolationError: GeminiException - The response was blocked by Gemini (reason: {reason}){detail}"
        ),
    )
    .with_type("invalid_request_error")
}

fn prompt_block(answer: &Value) -> Option<ProxyError> {
    let feedback = answer.get("promptFeedback")?;
    let reason = feedback.get("blockReason")?.as_str()?;
    Some(blocked(
        reason,
        feedback.get("blockReasonMessage").and_then(Value::as_str),
    ))
}

/// Text, reasoning and function calls of one candidate's parts.
#[derive(Default)]
struct Parts {
    text: Option<String>,
    reasoning: Option<String>,
    calls: Vec<Value>,
}

fn read_parts(candidate: &Value) -> Parts {
    let mut parts = Parts::default();
    for part in candidate
        .pointer("/content/parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(text) = part.get("text").and_then(Value::as_str) {
            let slot = if part.get("thought").and_then(Value::as_bool) == Some(true) {
                &mut parts.reasoning
            } else {
                &mut parts.text
            };
            slot.get_or_insert_with(String::new).push_str(text);
        }
        if let Some(call) = part.get("functionCall") {
            parts.calls.push(call.clone());
        }
    }
    parts
}

fn tool_call(call: &Value, id: String, index: Option<usize>) -> Value {
    let name = call.get("name").and_then(Value::as_str).unwrap_or("");
    // LiteLLM writes the arguments with Python's `json.dumps`.
    let arguments = call
        .get("args")
        .map_or_else(|| "{}".to_string(), super::anthropic::python_json);
    let mut value =
        json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}});
    if let Some(index) = index {
        value["index"] = json!(index);
    }
    value
}

fn call_id(meta: &ResponseMeta, call: &Value, index: usize) -> String {
    match call.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => format!("call_{}_{index}", meta.id.trim_start_matches("chatcmpl-")),
    }
}

/// `usageMetadata` by the usage contract: `promptTokenCount` already includes the cached
/// tokens; thinking tokens are completion tokens.
pub fn usage(metadata: &Value) -> Value {
    let count = |key: &str| metadata.get(key).and_then(Value::as_u64);
    let prompt = count("promptTokenCount").unwrap_or(0);
    let thoughts = count("thoughtsTokenCount");
    let completion = count("candidatesTokenCount").unwrap_or(0) + thoughts.unwrap_or(0);
    let total = count("totalTokenCount").unwrap_or(prompt + completion);
    let mut usage =
        json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total});
    if let Some(cached) = count("cachedContentTokenCount") {
        usage["prompt_tokens_details"] = json!({"cached_tokens": cached});
        usage["cache_read_input_tokens"] = json!(cached);
    }
    if let Some(thoughts) = thoughts {
        usage["completion_tokens_details"] = json!({"reasoning_tokens": thoughts});
    }
    usage
}

/// The OpenAI `chat.completion` for a `generateContent` answer.
pub fn to_openai_response(answer: &Value, meta: &ResponseMeta) -> Result<Value, ProxyError> {
    let candidates = answer
        .get("candidates")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if candidates.is_empty() {
        if let Some(error) = prompt_block(answer) {
            return Err(error);
        }
    }
    let mut choices = Vec::new();
    let mut call_index = 0;
    for (position, candidate) in candidates.iter().enumerate() {
        let parts = read_parts(candidate);
        let reason = candidate
            .get("finishReason")
            .and_then(Value::as_str)
            .unwrap_or("STOP");
        if position == 0
            && FILTERED.contains(&reason)
            && parts.text.is_none()
            && parts.calls.is_empty()
        {
            return Err(blocked(reason, None));
        }
        let mut message = json!({"role": "assistant", "content": parts.text});
        if let Some(reasoning) = parts.reasoning {
            message["reasoning_content"] = json!(reasoning);
        }
        let finish = if parts.calls.is_empty() {
            finish_reason(reason)
        } else {
            let calls: Vec<Value> = parts
                .calls
                .iter()
                .map(|call| {
                    call_index += 1;
                    tool_call(call, call_id(meta, call, call_index - 1), None)
                })
                .collect();
            message["tool_calls"] = Value::Array(calls);
            "tool_calls"
        };
        let index = candidate
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position as u64);
        choices.push(json!({"index": index, "message": message, "finish_reason": finish}));
    }
    let mut completion = json!({
        "id": meta.id,
        "object": "chat.completion",
        "created": meta.created,
        "model": meta.model,
        "choices": choices,
    });
    if let Some(metadata) = answer.get("usageMetadata") {
        completion["usage"] = usage(metadata);
    }
    Ok(completion)
}

/// An error answer from Google (`{"error": {"code", "message", "status"}}`) with LiteLLM's
/// status and class: a token-limit 400 is a context-window error, a bad key an authentication
/// error.
pub fn map_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> ProxyError {
    let mut error = ProxyError::from_upstream(status, body, retry_after, PROVIDER);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let google_status = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/status"))
        .and_then(Value::as_str);
    if let Some(google_status) = google_status {
        error.error_type = Some(google_status.to_string());
    }
    let message = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/message"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    if status == 400
        && (message.contains("exceeds the maximum number of tokens")
            || (message.contains("input token count") && message.contains("exceeds")))
    {
        reclassify(&mut error, ErrorKind::ContextWindowExceeded, 400);
    } else if status == 400 && message.contains("api key not valid") {
        reclassify(&mut error, ErrorKind::Authentication, 401);
    }
    error
}

fn reclassify(error: &mut ProxyError, kind: ErrorKind, status: u16) {
    error.message = error
        .message
        .replacen(error.kind.exception_name(), kind.exception_name(), 1);
    error.kind = kind;
    error.status = status;
}

/// Gemini SSE events in, OpenAI chunk events out, one upstream piece at a time.
pub struct StreamTranslator {
    meta: ResponseMeta,
    /// The choices whose first chunk (which carries the role) went out.
    started: Vec<u64>,
    /// Whether any content or tool call went out (a later block is then a finish reason).
    produced: bool,
    tool_calls: usize,
    usage: Option<Value>,
}

impl StreamTranslator {
    pub fn new(meta: ResponseMeta) -> Self {
        StreamTranslator {
            meta,
            started: Vec::new(),
            produced: false,
            tool_calls: 0,
            usage: None,
        }
    }

    /// At the end of the upstream: the usage chunk and `[DONE]`.
    fn end_events(&mut self, out: &mut Vec<u8>) -> Result<(), ProxyError> {
        if let Some(usage) = self.usage.take() {
            let chunk = json!({
                "id": self.meta.id,
                "object": "chat.completion.chunk",
                "created": self.meta.created,
                "model": self.meta.model,
                "choices": [],
                "usage": usage,
            });
            push_event(out, &chunk);
        }
        out.extend_from_slice(b"data: [DONE]\n\n");
        Ok(())
    }

    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError> {
        let Some(payload) = crate::sse::event_data(event) else {
            return Ok(());
        };
        let answer: Value = serde_json::from_slice(&payload).map_err(|e| {
            ProxyError::new(
                500,
                ErrorKind::Api,
                format!("litellm.APIError: GeminiException - a stream event is not JSON ({e})"),
            )
        })?;
        if let Some(error) = answer.get("error") {
            let status = error
                .get("code")
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(500);
            return Err(map_error(status, &payload, None));
        }
        if let Some(metadata) = answer.get("usageMetadata") {
            self.usage = Some(usage(metadata));
        }
        let candidates = answer
            .get("candidates")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if candidates.is_empty() {
            if let Some(error) = prompt_block(&answer) {
                return Err(error);
            }
        }
        let mut choices = Vec::new();
        for (position, candidate) in candidates.iter().enumerate() {
            let parts = read_parts(candidate);
            let reason = candidate.get("finishReason").and_then(Value::as_str);
            let has_content = parts.text.is_some() || !parts.calls.is_empty();
            if let Some(reason) = reason.filter(|r| FILTERED.contains(r)) {
                if !has_content && !self.produced {
                    return Err(blocked(reason, None));
                }
            }
            let index = candidate
                .get("index")
                .and_then(Value::as_u64)
                .unwrap_or(position as u64);
            let mut delta = Map::new();
            if !self.started.contains(&index) {
                delta.insert("role".into(), json!("assistant"));
            }
            if let Some(text) = parts.text {
                delta.insert("content".into(), json!(text));
            }
            if let Some(reasoning) = parts.reasoning {
                delta.insert("reasoning_content".into(), json!(reasoning));
            }
            if !parts.calls.is_empty() {
                let calls: Vec<Value> = parts
                    .calls
                    .iter()
                    .map(|call| {
                        let index = self.tool_calls;
                        self.tool_calls += 1;
                        tool_call(call, call_id(&self.meta, call, index), Some(index))
                    })
                    .collect();
                delta.insert("tool_calls".into(), Value::Array(calls));
            }
            let finish = reason.map(|r| {
                if self.tool_calls > 0 {
                    "tool_calls"
                } else {
                    finish_reason(r)
                }
            });
            if delta.is_empty() && finish.is_none() {
                continue;
            }
            self.produced |= has_content;
            if !self.started.contains(&index) {
                self.started.push(index);
            }
            choices.push(json!({"index": index, "delta": delta, "finish_reason": finish}));
        }
        if !choices.is_empty() {
            let chunk = json!({
                "id": self.meta.id,
                "object": "chat.completion.chunk",
                "created": self.meta.created,
                "model": self.meta.model,
                "choices": choices,
            });
            push_event(out, &chunk);
        }
        Ok(())
    }
}

fn push_event(out: &mut Vec<u8>, chunk: &Value) {
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(chunk.to_string().as_bytes());
    out.extend_from_slice(b"\n\n");
}

impl EventTranslator for StreamTranslator {
    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError> {
        StreamTranslator::event(self, event, out)
    }

    fn end(&mut self, out: &mut Vec<u8>) -> Result<(), ProxyError> {
        self.end_events(out)
    }
}

fn translate_stream(
    upstream: impl Stream<Item = Result<Bytes, ProxyError>> + Send + 'static,
    meta: ResponseMeta,
) -> EventStream {
    Translation::new(StreamTranslator::new(meta)).stream(Box::pin(upstream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ResponseMeta {
        ResponseMeta {
            id: "chatcmpl-test".into(),
            created: 1,
            model: "gemini-2.0-flash".into(),
        }
    }

    #[test]
    fn merges_turns_and_moves_system_messages() {
        let request = json!({
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "user", "content": [{"type": "text", "text": "there"}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "42"},
            ],
            "max_tokens": 5, "stop": "END", "top_p": 0.5,
        });
        let Value::Object(request) = request else {
            return;
        };
        let body = to_gemini_request(&request).unwrap_or_default();
        assert_eq!(
            body["system_instruction"],
            json!({"parts": [{"text": "Be brief."}]})
        );
        assert_eq!(
            body["contents"],
            json!([
                {"role": "user", "parts": [{"text": "Hi"}, {"text": "there"}]},
                {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"a": 1}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {"content": "42"}}}]},
            ])
        );
        assert_eq!(
            body["generationConfig"],
            json!({"topP": 0.5, "maxOutputTokens": 5, "stopSequences": ["END"]})
        );
    }

    #[test]
    fn reasoning_effort_becomes_a_budget_or_a_level() {
        let request = |model: &str, effort: &str| {
            let body = json!({"model": model, "messages": [{"role": "user", "content": "x"}], "reasoning_effort": effort});
            body.as_object()
                .map(to_gemini_request)
                .and_then(Result::ok)
                .map(|b| b["generationConfig"]["thinkingConfig"].clone())
        };
        assert_eq!(
            request("gemini-2.5-flash", "low"),
            Some(json!({"thinkingBudget": 1024, "includeThoughts": true}))
        );
        assert_eq!(
            request("gemini-2.5-pro", "none"),
            Some(json!({"thinkingBudget": 0, "includeThoughts": false}))
        );
        assert_eq!(
            request("gemini-3-pro-preview", "medium"),
            Some(json!({"thinkingLevel": "high", "includeThoughts": true}))
        );
        assert_eq!(request("gemini-2.5-flash", "extreme"), None);
    }

    #[test]
    fn the_deployments_defaults_fill_what_the_request_leaves_unset() {
        let request = json!({"model": "group", "messages": [{"role": "user", "content": "x"}], "temperature": 0.1, "reasoning_effort": "low"});
        let defaults = json!({"temperature": 0.9, "max_tokens": 7});
        let (Value::Object(request), Value::Object(defaults)) = (request, defaults) else {
            return;
        };
        let body = UpstreamBody {
            request: &request,
            model: "gemini-3-pro-preview",
            defaults: &defaults,
            stream: false,
        };
        let translated = upstream_request(&body).unwrap_or_default();
        assert_eq!(
            translated["generationConfig"],
            json!({"temperature": 0.1, "maxOutputTokens": 7,
                   "thinkingConfig": {"thinkingLevel": "low", "includeThoughts": true}})
        );
        assert_eq!(
            Some(translated),
            to_gemini_request(&body.to_map()).ok(),
            "the same as translating the serialized body"
        );
    }

    #[test]
    fn errors_name_the_message_by_its_index_in_the_request() {
        let request = json!({"messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "u"},
            {"role": "narrator", "content": "n"},
        ]});
        let error = request
            .as_object()
            .map(to_gemini_request)
            .and_then(Result::err);
        assert!(
            error
                .as_ref()
                .is_some_and(|e| e.message.contains("messages[2]: role `narrator`")),
            "{error:?}"
        );
    }

    #[test]
    fn a_blocked_prompt_is_a_content_policy_error() {
        let answer = json!({"promptFeedback": {"blockReason": "SAFETY"}});
        let error = to_openai_response(&answer, &meta()).err();
        assert_eq!(
            error.map(|e| e.kind),
            Some(ErrorKind::ContentPolicyViolation)
        );
        let mut stream = Translation::new(StreamTranslator::new(meta()));
        let event = format!("data: {answer}\r\n\r\n");
        assert!(stream.feed(event.as_bytes()).is_err());
    }

    #[test]
    fn token_limit_errors_are_context_window_errors() {
        let body = br#"{"error":{"code":400,"message":"The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#;
        let error = map_error(400, body, None);
        assert_eq!(error.kind, ErrorKind::ContextWindowExceeded);
        assert!(error
            .message
            .starts_with("litellm.ContextWindowExceededError: GeminiException - The input"));
        let body = br#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}"#;
        assert_eq!(map_error(429, body, None).kind, ErrorKind::RateLimit);
    }

    #[test]
    fn each_streamed_choice_gets_the_role_in_its_first_chunk() {
        let mut stream = Translation::new(StreamTranslator::new(meta()));
        let event = |i: u64, text: &str| {
            format!(
                "data: {}\n\n",
                json!({"candidates": [{"index": i, "content": {"parts": [{"text": text}], "role": "model"}}]})
            )
        };
        let events = [event(0, "a"), event(1, "b"), event(0, "c")].concat();
        let out = String::from_utf8(stream.feed(events.as_bytes()).unwrap_or_default())
            .unwrap_or_default();
        let roles: Vec<bool> = out
            .split("\n\n")
            .filter(|e| !e.is_empty())
            .map(|e| e.contains("\"role\":\"assistant\""))
            .collect();
        assert_eq!(roles, [true, true, false], "{out}");
    }

    #[test]
    fn stream_events_split_anywhere_translate_the_same() {
        let events = concat!(
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"}}]}\r\n\r\n",
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"}],\"role\":\"model\"},\"finishReason\":\"STOP\"}],",
            "\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":2,\"totalTokenCount\":6}}\r\n\r\n"
        );
        let whole = {
            let mut t = Translation::new(StreamTranslator::new(meta()));
            let mut out = t.feed(events.as_bytes()).unwrap_or_default();
            out.extend(t.finish().unwrap_or_default());
            out
        };
        for split in 1..events.len() {
            let mut t = Translation::new(StreamTranslator::new(meta()));
            let mut out = t.feed(&events.as_bytes()[..split]).unwrap_or_default();
            out.extend(t.feed(&events.as_bytes()[split..]).unwrap_or_default());
            out.extend(t.finish().unwrap_or_default());
            assert_eq!(out, whole, "split at {split}");
        }
        let text = String::from_utf8_lossy(&whole);
        assert!(text.contains("\"role\":\"assistant\""));
        assert!(text.contains("\"finish_reason\":\"stop\""));
        assert!(text.contains("\"prompt_tokens\":4"));
        assert!(text.ends_with("data: [DONE]\n\n"));
    }
}
