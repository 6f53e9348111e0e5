//! OpenAI's `POST /v1/embeddings` (and `/embeddings`, and Azure's
//! `openai/deployments/{deployment}/embeddings` through `azure.rs`): one deterministic vector per
//! input, `dimensions` long (8 by default), as floats or, with `encoding_format: "base64"`, as
//! base64 of little-endian `f32`s (what the OpenAI SDKs ask for by default), with a `usage` block
//! (`prompt_tokens` = `total_tokens`: about four characters a token, one per token id). The
//! error behaviours are the chat route's; an `input` OpenAI would refuse is a 400.

use super::server::{
    admit_json, error_response, failure, json_response, untrusted_reply, Body, State,
};
use super::Behaviour;
use hyper::Response;
use serde_json::{json, Value};
use tokio::sync::Notify;

pub(super) fn handles(path: &str) -> bool {
    path.ends_with("/embeddings")
}

pub(super) async fn handle(
    state: &State,
    kill: &Notify,
    path: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let (request, model, behaviour) = match admit_json(state, kill, path, headers, body).await {
        Ok(admitted) => admitted,
        Err(answer) => return answer,
    };
    reply(&behaviour, &request, &model)
}

/// The embeddings answer for a request whose behaviour is known.
pub(super) fn reply(behaviour: &Behaviour, request: &Value, model: &str) -> Response<Body> {
    if let Some(answer) = failure(behaviour, "This model's maximum context length is 8192 tokens, however you requested 9000 tokens. Please reduce your prompt.") {
        return answer;
    }
    if let Some(reply) = untrusted_reply(behaviour, false) {
        return reply;
    }
    let Some((inputs, tokens)) = inputs(request.get("input")) else {
        return error_response(
            400,
            "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            None,
            None,
        );
    };
    let dimensions = request
        .get("dimensions")
        .and_then(Value::as_u64)
        .unwrap_or(8)
        .clamp(1, 4096) as usize;
    let base64 = request.get("encoding_format").and_then(Value::as_str) == Some("base64");
    let data: Vec<Value> = (0..inputs)
        .map(|index| {
            let vector: Vec<f32> = (0..dimensions)
                .map(|j| ((index + 1) * (j + 1) % 7) as f32 / 8.0)
                .collect();
            let embedding = if base64 {
                let bytes: Vec<u8> = vector.iter().flat_map(|f| f.to_le_bytes()).collect();
                json!(encode_base64(&bytes))
            } else {
                json!(vector)
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    json_response(
        200,
        &json!({
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }),
    )
}

/// How many vectors `input` asks for and its token count; `None` for a shape OpenAI refuses.
fn inputs(input: Option<&Value>) -> Option<(usize, u64)> {
    let text_tokens = |s: &str| (s.len() as u64).div_ceil(4).max(1);
    match input? {
        Value::String(s) => Some((1, text_tokens(s))),
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) if items.iter().all(Value::is_number) => Some((1, items.len() as u64)),
        Value::Array(items) => {
            let mut tokens = 0;
            for item in items {
                tokens += match item {
                    Value::String(s) => text_tokens(s),
                    Value::Array(ids) if !ids.is_empty() => ids.len() as u64,
                    _ => return None,
                };
            }
            Some((items.len(), tokens))
        }
        _ => None,
    }
}

fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_standard() {
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"f"), "Zg==");
        assert_eq!(encode_base64(b"fo"), "Zm8=");
        assert_eq!(encode_base64(b"foo"), "Zm9v");
        assert_eq!(encode_base64(b"foob"), "Zm9vYg==");
    }
}
