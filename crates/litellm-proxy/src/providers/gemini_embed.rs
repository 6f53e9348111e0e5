//! `/v1/embeddings` for `gemini/…` deployments (Google AI Studio), as LiteLLM's
//! `GoogleBatchEmbeddings` (`litellm/llms/vertex_ai/gemini_embeddings/`) serves them:
//!
//! - text inputs go to `models/{model}:batchEmbedContents`, one `EmbedContentRequest` per input
//!   (`{"model": "models/{model}", "content": {"parts": [{"text": …}]}}`), a nested list of
//!   strings making one request of several parts (one combined embedding);
//! - an input with media (a `data:` URL of a type Gemini embeds, or a `gs://` URL) goes to
//!   `models/{model}:embedContent` as one content of all the parts, answered with one embedding
//!   (Gemini's `files/…` references need a look-up of the file first, which this proxy does not
//!   make: a 400 says so);
//! - `dimensions` becomes `outputDimensionality`, and Gemini's own `task_type`/`taskType` and
//!   `title` pass through; other OpenAI parameters are not sent (`user`, `encoding_format`);
//! - the answer becomes an OpenAI embeddings list (`index` in input order, `model` the upstream
//!   model) with usage as LiteLLM counts it: `usageMetadata` when Google sends it, else the
//!   texts' tokens by tiktoken's `cl100k_base` (LiteLLM's `token_counter` for a non-OpenAI model),
//!   media counting none;
//! - with `encoding_format: "base64"` the vectors are sent back as OpenAI sends them then (base64
//!   of little-endian `f32`s), which the OpenAI SDKs ask for by default and decode; LiteLLM sends
//!   floats whatever was asked, which the Node SDK then fails to decode.
//!
//! The key goes in `x-goog-api-key`, as for chat. Token-id inputs are a 400: Gemini embeds text.

use super::http;
use super::{BoxFuture, Call};
use crate::endpoints::EmbeddingsRequest;
use crate::error::ProxyError;
use bytes::Bytes;
use serde_json::{json, Map, Value};

const PROVIDER: &str = "gemini";

/// MIME types Gemini embeds from a `data:` URL (LiteLLM's `SUPPORTED_EMBEDDING_MIME_TYPES`).
const MEDIA_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "audio/mpeg",
    "audio/wav",
    "video/mp4",
    "video/quicktime",
    "application/pdf",
];

/// `gs://` file extensions and their MIME types (LiteLLM's `_infer_mime_type_from_gcs_url`).
const GCS_TYPES: &[(&str, &str)] = &[
    (".png", "image/png"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".mp3", "audio/mpeg"),
    (".wav", "audio/wav"),
    (".mp4", "video/mp4"),
    (".mov", "video/quicktime"),
    (".pdf", "application/pdf"),
];

fn invalid(message: impl std::fmt::Display) -> ProxyError {
    ProxyError::bad_request(format!(
        "litellm.BadRequestError: GeminiException - {message}"
    ))
    .with_param("input")
}

fn is_media(text: &str) -> bool {
    (text.starts_with("data:") && text.contains(";base64,"))
        || text.starts_with("gs://")
        || text.starts_with("files/")
}

/// One input element as a Gemini part.
fn part(text: &str) -> Result<Value, ProxyError> {
    if let Some(rest) = text.strip_prefix("data:").filter(|_| is_media(text)) {
        let (meta, data) = rest
            .split_once(',')
            .ok_or_else(|| invalid("a data URL without a comma"))?;
        let mime = meta.split(';').next().unwrap_or(meta);
        if !MEDIA_TYPES.contains(&mime) {
            return Err(invalid(format!(
                "Unsupported MIME type for embedding: {mime}. Supported types: {}",
                sorted_media_types()
            )));
        }
        return Ok(json!({"inline_data": {"mime_type": mime, "data": data}}));
    }
    if text.starts_with("gs://") {
        let lower = text.to_ascii_lowercase();
        let mime = GCS_TYPES
            .iter()
            .find(|(ext, _)| lower.ends_with(ext))
            .map(|(_, mime)| *mime)
            .ok_or_else(|| {
                invalid(format!(
                    "Unable to infer MIME type from GCS URL: {text}. Supported extensions: {}",
                    GCS_TYPES
                        .iter()
                        .map(|(ext, _)| *ext)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        return Ok(json!({"file_data": {"mime_type": mime, "file_uri": text}}));
    }
    if text.starts_with("files/") {
        return Err(invalid(format!(
            "file reference `{text}`: litellm-proxy does not look up Gemini files; send the content as a data: URL"
        )));
    }
    Ok(json!({"text": text}))
}

fn sorted_media_types() -> String {
    let mut types = MEDIA_TYPES.to_vec();
    types.sort_unstable();
    types.join(", ")
}

/// The request's inputs: each a list of strings (one for a plain string; a nested list's
/// strings together).
fn inputs(request: &EmbeddingsRequest) -> Result<Vec<Vec<&str>>, ProxyError> {
    let token_ids = || invalid("Gemini embeds text: token-id inputs cannot be sent");
    let mut out = Vec::new();
    let items: Vec<&Value> = match request.body.get("input") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    };
    for item in items {
        match item {
            Value::String(text) => out.push(vec![text.as_str()]),
            Value::Array(parts) if parts.iter().all(Value::is_string) => {
                out.push(parts.iter().filter_map(Value::as_str).collect())
            }
            _ => return Err(token_ids()),
        }
    }
    Ok(out)
}

/// Gemini's embedding parameters from the OpenAI request (LiteLLM's `_filter_embed_params`).
fn parameters(request: &EmbeddingsRequest) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in &request.body {
        let name = match key.as_str() {
            "dimensions" | "outputDimensionality" => "outputDimensionality",
            "task_type" | "taskType" => "taskType",
            "title" => "title",
            _ => continue,
        };
        out.insert(name.to_string(), value.clone());
    }
    out
}

/// What goes upstream: the method and its body.
fn upstream_request(
    request: &EmbeddingsRequest,
    model: &str,
) -> Result<(&'static str, Value), ProxyError> {
    let inputs = inputs(request)?;
    let params = parameters(request);
    let multimodal = inputs.iter().flatten().any(|text| is_media(text));
    if multimodal {
        if request
            .body
            .get("input")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(Value::is_array))
        {
            return Err(invalid(
                "Nested (combined) embeddings are not supported on the embedContent path. Use the batchEmbedContents path or pass a flat list instead.",
            ));
        }
        let parts = inputs
            .iter()
            .flatten()
            .map(|text| part(text))
            .collect::<Result<Vec<_>, _>>()?;
        let mut body = Map::new();
        body.insert("content".into(), json!({"parts": parts}));
        body.extend(params);
        return Ok(("embedContent", Value::Object(body)));
    }
    let requests = inputs
        .iter()
        .map(|texts| {
            let parts: Vec<Value> = texts.iter().map(|t| json!({"text": t})).collect();
            let mut one = Map::new();
            one.insert("model".into(), Value::String(format!("models/{model}")));
            one.insert("content".into(), json!({"parts": parts}));
            one.extend(params.clone());
            Value::Object(one)
        })
        .collect::<Vec<_>>();
    Ok(("batchEmbedContents", json!({"requests": requests})))
}

/// The texts' tokens as LiteLLM counts them (`get_formatted_prompt` joins an embedding request's
/// strings; media count none).
fn counted_tokens(request: &EmbeddingsRequest, model: &str) -> u64 {
    let Ok(inputs) = inputs(request) else {
        return 0;
    };
    let text: String = inputs
        .iter()
        .flatten()
        .filter(|t| !is_media(t))
        .copied()
        .collect();
    if text.is_empty() {
        return 0;
    }
    crate::messages::count::text_tokens(model, &text)
}

/// Base64 of the vector's little-endian `f32`s, as OpenAI answers `encoding_format: "base64"`.
fn base64_f32(values: &[Value]) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = values
        .iter()
        .flat_map(|v| (v.as_f64().unwrap_or(0.0) as f32).to_le_bytes())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Google's answer as an OpenAI embeddings list.
fn to_openai(
    answer: &Value,
    request: &EmbeddingsRequest,
    model: &str,
) -> Result<Value, ProxyError> {
    let vectors: Vec<&Vec<Value>> = if let Some(list) = answer.get("embeddings") {
        list.as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|e| e.get("values").and_then(Value::as_array))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        answer
            .pointer("/embedding/values")
            .and_then(Value::as_array)
            .into_iter()
            .collect()
    };
    if vectors.is_empty() {
        return Err(ProxyError::bad_answer(
            PROVIDER,
            "an embeddings answer without `embeddings[].values` or `embedding.values`",
        ));
    }
    let base64 = request.body.get("encoding_format").and_then(Value::as_str) == Some("base64");
    let data: Vec<Value> = vectors
        .iter()
        .enumerate()
        .map(|(index, values)| {
            let embedding = if base64 {
                Value::String(base64_f32(values))
            } else {
                Value::Array((*values).clone())
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    let prompt_tokens = answer
        .pointer("/usageMetadata/promptTokenCount")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| counted_tokens(request, model));
    let total_tokens = answer
        .pointer("/usageMetadata/totalTokenCount")
        .and_then(Value::as_u64)
        .filter(|t| *t > 0)
        .unwrap_or(prompt_tokens);
    Ok(json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": total_tokens},
    }))
}

/// One embeddings call: `base` is the deployment's `{api_base}/v1beta`.
pub fn embeddings<'a>(
    base: Result<&'a str, ProxyError>,
    client: &'a reqwest::Client,
    call: Call<'a, EmbeddingsRequest>,
) -> BoxFuture<'a, Result<Bytes, ProxyError>> {
    Box::pin(async move {
        let base = base?;
        let model = call.model;
        let (method, body) = upstream_request(call.request, model)?;
        let url = reqwest::Url::parse(&format!("{base}/models/{model}:{method}")).map_err(|e| {
            ProxyError::bad_request(format!(
                "litellm.BadRequestError: GeminiException - model `{model}` does not make a URL ({e})"
            ))
        })?;
        let body = serde_json::to_vec(&body).map_err(|e| ProxyError::internal(e.to_string()))?;
        let mut request = client
            .post(url)
            .header("content-type", "application/json; charset=utf-8")
            .body(body);
        if let Some(key) = call.deployment.api_key.as_ref().map(|k| k.expose()) {
            request = request.header("x-goog-api-key", key);
        }
        for (name, value) in &call.deployment.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let response = http::send(request, &call, PROVIDER, super::gemini::map_error).await?;
        let answer = http::json_object(response, &call, PROVIDER).await?;
        let list = to_openai(&answer, call.request, model)?;
        serde_json::to_vec(&list)
            .map(Bytes::from)
            .map_err(|e| ProxyError::internal(e.to_string()))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn request(body: Value) -> EmbeddingsRequest {
        EmbeddingsRequest {
            body: body.as_object().unwrap().clone(),
        }
    }

    #[test]
    fn text_goes_to_batch_embed_contents_with_gemini_parameters() {
        let r = request(
            json!({"model": "e", "input": ["a", ["b", "c"]], "dimensions": 3,
            "task_type": "RETRIEVAL_QUERY", "user": "u", "encoding_format": "float"}),
        );
        let (method, body) = upstream_request(&r, "gemini-embedding-001").unwrap();
        assert_eq!(method, "batchEmbedContents");
        assert_eq!(
            body,
            json!({"requests": [
                {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "a"}]},
                 "outputDimensionality": 3, "taskType": "RETRIEVAL_QUERY"},
                {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "b"}, {"text": "c"}]},
                 "outputDimensionality": 3, "taskType": "RETRIEVAL_QUERY"},
            ]})
        );
    }

    #[test]
    fn media_goes_to_embed_content_as_one_content() {
        let r = request(
            json!({"model": "e", "input": ["a cat", "data:image/png;base64,iVBO", "gs://b/x.PDF"]}),
        );
        let (method, body) = upstream_request(&r, "m").unwrap();
        assert_eq!(method, "embedContent");
        assert_eq!(
            body,
            json!({"content": {"parts": [
                {"text": "a cat"},
                {"inline_data": {"mime_type": "image/png", "data": "iVBO"}},
                {"file_data": {"mime_type": "application/pdf", "file_uri": "gs://b/x.PDF"}},
            ]}})
        );
        for bad in [
            json!(["data:image/gif;base64,R0lG"]),
            json!(["gs://b/x.gif"]),
            json!(["files/abc"]),
            json!([["a", "data:image/png;base64,iVBO"]]),
            json!([1, 2, 3]),
        ] {
            let r = request(json!({"model": "e", "input": bad}));
            let error = upstream_request(&r, "m").expect_err("refused");
            assert_eq!(error.status, 400, "{bad}");
        }
    }

    #[test]
    fn answers_become_openai_lists_counted_as_litellm_counts() {
        let r = request(json!({"model": "e", "input": ["hello world", "x"]}));
        let answer = json!({"embeddings": [{"values": [0.5, 1.0]}, {"values": [0.25, 0.0]}]});
        let list = to_openai(&answer, &r, "gemini-embedding-001").unwrap();
        assert_eq!(list["data"][1]["index"], 1);
        assert_eq!(list["data"][1]["embedding"], json!([0.25, 0.0]));
        assert_eq!(list["model"], "gemini-embedding-001");
        // cl100k: "hello world" + "x" joined is "hello worldx": 3 tokens.
        assert_eq!(
            list["usage"],
            json!({"prompt_tokens": 3, "total_tokens": 3})
        );
        let r = request(json!({"model": "e", "input": "a", "encoding_format": "base64"}));
        let answer = json!({"embedding": {"values": [1.0]}, "usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7}});
        let list = to_openai(&answer, &r, "m").unwrap();
        // 1.0f32 little-endian is 00 00 80 3f.
        assert_eq!(list["data"][0]["embedding"], "AACAPw==");
        assert_eq!(list["usage"]["prompt_tokens"], 7);
        assert!(to_openai(&json!({}), &r, "m").is_err());
    }
}
