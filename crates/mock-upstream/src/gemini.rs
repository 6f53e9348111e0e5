//! Google AI Studio's `models/{model}:generateContent` and `:streamGenerateContent` (SSE with
//! `?alt=sse`, a JSON array without), under any base path.
//!
//! It refuses what Google refuses, in Google's error shape (`{"error": {"code", "message",
//! "status"}}`): no key (`x-goog-api-key` or `?key=`), no or empty `contents`, a turn whose role is
//! not `user` or `model` (a `system` turn included), a turn without parts, and field names the
//! API does not know (an OpenAI body sent as is fails there). The shared behaviours map to
//! Gemini's forms: `context` is the token-limit 400, `policy` a prompt blocked for SAFETY,
//! `status=N` Google's error for N; `cached=N` and `thoughts=N` show in `usageMetadata`.
//! With `toolConfig.functionCallingConfig.mode: ANY` the answer is a function call.
//!
//! `models/{model}:batchEmbedContents` and `:embedContent` answer embeddings as Google does
//! (`{"embeddings": [{"values"}]}`, `{"embedding": {"values"}}`), one deterministic vector per
//! request, `outputDimensionality` long (8 by default), refusing unknown fields, a request whose
//! `model` is not `models/{model}` of the path, and contents without parts.

use super::server::{admit, error_response, json_response, keep_query, sse_response, Body, State};
use super::Behaviour;
use bytes::Bytes;
use hyper::Response;
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;
use tokio::sync::Notify;

const BODY_FIELDS: &[&str] = &[
    "contents",
    "systemInstruction",
    "system_instruction",
    "tools",
    "toolConfig",
    "tool_config",
    "safetySettings",
    "safety_settings",
    "generationConfig",
    "generation_config",
    "cachedContent",
    "cached_content",
    "labels",
];

const GENERATION_FIELDS: &[&str] = &[
    "temperature",
    "topP",
    "top_p",
    "topK",
    "top_k",
    "candidateCount",
    "candidate_count",
    "maxOutputTokens",
    "max_output_tokens",
    "stopSequences",
    "stop_sequences",
    "presencePenalty",
    "presence_penalty",
    "frequencyPenalty",
    "frequency_penalty",
    "seed",
    "responseMimeType",
    "response_mime_type",
    "responseSchema",
    "response_schema",
    "responseJsonSchema",
    "responseLogprobs",
    "logprobs",
    "responseModalities",
    "speechConfig",
    "thinkingConfig",
    "mediaResolution",
];

pub(super) fn handles(path: &str) -> bool {
    path.contains("/models/")
        && (path.ends_with(":generateContent")
            || path.ends_with(":streamGenerateContent")
            || path.ends_with(":batchEmbedContents")
            || path.ends_with(":embedContent"))
}

const EMBED_FIELDS: &[&str] = &[
    "model",
    "content",
    "taskType",
    "title",
    "outputDimensionality",
];

/// What Google refuses in an `EmbedContentRequest` (`at` names it in the error).
fn validate_embed(request: &Value, model: &str, at: &str, batched: bool) -> Result<(), String> {
    let Some(fields) = request.as_object() else {
        return Err(format!(
            "Invalid JSON payload received. Expected an object at '{at}'."
        ));
    };
    if let Some(unknown) = fields.keys().find(|k| !EMBED_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "Invalid JSON payload received. Unknown name \"{unknown}\" at '{at}': Cannot find field."
        ));
    }
    match fields.get("model").and_then(Value::as_str) {
        Some(named) if named == format!("models/{model}") => {}
        None if !batched => {}
        Some(named) => {
            return Err(format!(
                "* BatchEmbedContentsRequest.model: unexpected model name format ({named}); every request's model must be models/{model}"
            ))
        }
        None => return Err(format!("* {at}.model: model is required")),
    }
    let parts = request.pointer("/content/parts").and_then(Value::as_array);
    if parts.is_none_or(Vec::is_empty) {
        return Err(format!(
            "* {at}.content.parts: contents.parts must not be empty."
        ));
    }
    if let Some(d) = fields.get("outputDimensionality") {
        if d.as_u64().is_none_or(|d| d == 0 || d > 3072) {
            return Err(format!(
                "* {at}.output_dimensionality: must be between 1 and 3072"
            ));
        }
    }
    Ok(())
}

fn embedding(index: usize, request: &Value) -> Value {
    let dimensions = request
        .get("outputDimensionality")
        .and_then(Value::as_u64)
        .unwrap_or(8) as usize;
    let values: Vec<f32> = (0..dimensions)
        .map(|j| ((index + 1) * (j + 1) % 7) as f32 / 8.0)
        .collect();
    json!({"values": values})
}

/// `:batchEmbedContents` and `:embedContent`, once the key and the path are checked.
async fn embed(
    state: &State,
    kill: &Notify,
    path: &str,
    headers: Vec<(String, String)>,
    model: &str,
    request: &Value,
    batched: bool,
) -> Response<Body> {
    let checked = if batched {
        match request.as_object() {
            Some(body) if body.keys().any(|k| k != "requests") => Err(format!(
                "Invalid JSON payload received. Unknown name \"{}\": Cannot find field.",
                body.keys()
                    .find(|k| *k != "requests")
                    .map_or("", String::as_str)
            )),
            _ => match request.get("requests").and_then(Value::as_array) {
                Some(list) if !list.is_empty() => list.iter().enumerate().try_for_each(|(i, r)| {
                    validate_embed(r, model, &format!("requests[{i}]"), true)
                }),
                _ => Err("* BatchEmbedContentsRequest.requests: requests is required".into()),
            },
        }
    } else {
        validate_embed(request, model, "EmbedContentRequest", false)
    };
    if let Err(message) = checked {
        return google_error(400, &message, None);
    }
    let behaviour = match admit(state, kill, path, headers, model, request).await {
        Ok(behaviour) => behaviour,
        Err(message) => return error_response(400, &message, None, None),
    };
    if let Some(reply) = super::server::untrusted_reply(&behaviour, false) {
        return reply;
    }
    if behaviour.context_length {
        return google_error(
            400,
            "The input token count (2049) exceeds the maximum number of tokens allowed (2048).",
            behaviour.retry_after,
        );
    }
    if let Some(status) = behaviour.status {
        return google_error(
            status,
            &format!("mock failure with status {status}"),
            behaviour.retry_after,
        );
    }
    if batched {
        let list: Vec<Value> = request
            .get("requests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, r)| embedding(i, r))
            .collect();
        json_response(200, &json!({"embeddings": list}))
    } else {
        json_response(200, &json!({"embedding": embedding(0, request)}))
    }
}

pub(super) async fn handle(
    state: &State,
    kill: &Notify,
    path: &str,
    query: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let Some((model, method)) = path
        .rsplit_once("/models/")
        .and_then(|(_, rest)| rest.split_once(':'))
    else {
        return google_error(404, "no model in the path", None);
    };
    let model = model.to_string();
    let stream = method == "streamGenerateContent";
    let params: Vec<(&str, &str)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    let sse = params.contains(&("alt", "sse"));
    let has_key = headers
        .iter()
        .any(|(n, v)| n == "x-goog-api-key" && !v.is_empty())
        || params.iter().any(|(n, v)| *n == "key" && !v.is_empty());
    if !has_key {
        return google_error(
            403,
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            None,
        );
    }
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return google_error(400, &format!("Invalid JSON payload received. {e}"), None),
    };
    if method == "batchEmbedContents" || method == "embedContent" {
        let batched = method == "batchEmbedContents";
        return embed(state, kill, path, headers, &model, &request, batched).await;
    }
    if let Err(message) = validate(&request) {
        return google_error(400, &message, None);
    }
    let behaviour = match admit(state, kill, path, headers, &model, &request).await {
        Ok(behaviour) => behaviour,
        Err(message) => return error_response(400, &message, None, None),
    };
    keep_query(state, &model, query);
    let streaming = path.contains(":streamGenerateContent");
    if let Some(reply) = super::server::untrusted_reply(&behaviour, streaming) {
        return reply;
    }
    if behaviour.context_length {
        return google_error(
            400,
            "The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).",
            behaviour.retry_after,
        );
    }
    if let Some(status) = behaviour.status {
        return google_error(
            status,
            &format!("mock failure with status {status}"),
            behaviour.retry_after,
        );
    }
    let id = state.sequence.fetch_add(1, Ordering::Relaxed);
    let prompt_tokens = prompt_tokens(&request) + behaviour.cached_tokens.unwrap_or(0);
    let answers = if behaviour.content_policy {
        vec![json!({
            "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": true}
            ]},
            "usageMetadata": {"promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens},
            "modelVersion": model,
            "responseId": format!("mock-{id}"),
        })]
    } else {
        answers(&request, &behaviour, &model, id, prompt_tokens, stream)
    };
    if !stream {
        return json_response(200, answers.first().unwrap_or(&Value::Null));
    }
    if !sse {
        return json_response(200, &Value::Array(answers));
    }
    let events = answers
        .iter()
        .map(|answer| Bytes::from(format!("data: {answer}\r\n\r\n")))
        .collect();
    let mut response = sse_response(
        events,
        behaviour.chunk_delay,
        behaviour.break_after,
        state.cancelled.clone(),
    );
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("text/event-stream"),
    );
    response
}

/// What Google's request validation says no to, in its words.
fn validate(request: &Value) -> Result<(), String> {
    let Some(body) = request.as_object() else {
        return Err("Invalid JSON payload received. Expected an object.".into());
    };
    if let Some(unknown) = body.keys().find(|k| !BODY_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "Invalid JSON payload received. Unknown name \"{unknown}\": Cannot find field."
        ));
    }
    let config = body
        .get("generationConfig")
        .or_else(|| body.get("generation_config"));
    if let Some(config) = config.and_then(Value::as_object) {
        if let Some(unknown) = config
            .keys()
            .find(|k| !GENERATION_FIELDS.contains(&k.as_str()))
        {
            return Err(format!(
                "Invalid JSON payload received. Unknown name \"{unknown}\" at 'generation_config': Cannot find field."
            ));
        }
    }
    let contents = body
        .get("contents")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or("* GenerateContentRequest.contents: contents is not specified")?;
    for (i, content) in contents.iter().enumerate() {
        match content.get("role").and_then(Value::as_str) {
            None | Some("user" | "model") => {}
            Some(_) => return Err("Please use a valid role: user, model.".into()),
        }
        let parts = content.get("parts").and_then(Value::as_array);
        if parts.is_none_or(Vec::is_empty) {
            return Err(format!(
                "* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty."
            ));
        }
    }
    Ok(())
}

/// About four characters a token over every text part, as the OpenAI mock counts.
fn prompt_tokens(request: &Value) -> u64 {
    let mut chars = 0usize;
    let system = request
        .get("system_instruction")
        .or_else(|| request.get("systemInstruction"));
    let turns = request
        .get("contents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(system);
    for turn in turns {
        for part in turn
            .get("parts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            chars += part.get("text").and_then(Value::as_str).map_or(0, str::len);
        }
    }
    (chars as u64).div_ceil(4).max(1)
}

/// The answer (one element) or the stream's events (one per word, the last with the finish
/// reason and usage).
fn answers(
    request: &Value,
    behaviour: &Behaviour,
    model: &str,
    id: u64,
    prompt_tokens: u64,
    stream: bool,
) -> Vec<Value> {
    let words = behaviour.chunks.unwrap_or(3).max(1);
    let thoughts = behaviour.thoughts_tokens;
    let call = function_call(request);
    let candidates_tokens = if call.is_some() { 1 } else { words as u64 };
    let mut usage = json!({
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": candidates_tokens,
        "totalTokenCount": prompt_tokens + candidates_tokens + thoughts.unwrap_or(0),
    });
    if let Some(cached) = behaviour.cached_tokens {
        usage["cachedContentTokenCount"] = json!(cached);
    }
    if let Some(thoughts) = thoughts {
        usage["thoughtsTokenCount"] = json!(thoughts);
    }
    let texts: Vec<String> = (0..words)
        .map(|i| {
            if i == 0 {
                "Hello".to_string()
            } else {
                format!(" w{i}")
            }
        })
        .collect();
    let pieces: Vec<Vec<Value>> = match (call, stream) {
        (Some(call), _) => vec![vec![json!({"functionCall": call})]],
        (None, false) => vec![vec![json!({"text": texts.concat()})]],
        (None, true) => texts
            .into_iter()
            .map(|t| vec![json!({"text": t})])
            .collect(),
    };
    let last = pieces.len().saturating_sub(1);
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, parts)| {
            let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
            let mut answer = json!({"modelVersion": model, "responseId": format!("mock-{id}")});
            if i == last {
                candidate["finishReason"] = json!("STOP");
                answer["usageMetadata"] = usage.clone();
            }
            answer["candidates"] = json!([candidate]);
            answer
        })
        .collect()
}

/// With `mode: ANY`, a call of the first allowed (or declared) function, its parameters filled
/// with placeholder values of their types.
fn function_call(request: &Value) -> Option<Value> {
    let config = request
        .pointer("/toolConfig/functionCallingConfig")
        .or_else(|| request.pointer("/tool_config/function_calling_config"))?;
    if config.get("mode").and_then(Value::as_str) != Some("ANY") {
        return None;
    }
    let declarations: Vec<&Value> = request
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            t.get("functionDeclarations")
                .or_else(|| t.get("function_declarations"))
        })
        .filter_map(Value::as_array)
        .flatten()
        .collect();
    let allowed = config
        .get("allowedFunctionNames")
        .or_else(|| config.get("allowed_function_names"))
        .and_then(Value::as_array)
        .and_then(|names| names.first())
        .and_then(Value::as_str);
    let declaration = match allowed {
        Some(name) => declarations
            .iter()
            .find(|d| d.get("name").and_then(Value::as_str) == Some(name))?,
        None => declarations.first()?,
    };
    let mut args = Map::new();
    if let Some(properties) = declaration
        .pointer("/parameters/properties")
        .and_then(Value::as_object)
    {
        for (name, schema) in properties {
            let kind = schema
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let value = match kind.as_str() {
                "string" => json!("mock"),
                "number" | "integer" => json!(1),
                "boolean" => json!(true),
                _ => Value::Null,
            };
            args.insert(name.clone(), value);
        }
    }
    Some(json!({"name": declaration.get("name"), "args": args}))
}

fn status_name(status: u16) -> &'static str {
    match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    }
}

fn google_error(status: u16, message: &str, retry_after: Option<u64>) -> Response<Body> {
    let body =
        json!({"error": {"code": status, "message": message, "status": status_name(status)}});
    let mut response = json_response(status, &body);
    if let Some(seconds) = retry_after {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
    }
    response
}
