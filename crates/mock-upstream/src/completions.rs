//! OpenAI's legacy `POST /v1/completions` (and `/completions`, and Azure's
//! `openai/deployments/{deployment}/completions` through `azure.rs`): a `text_completion` of
//! `chunks` words ("Hello w1 w2" by default), streaming or not, with a `usage` block (and, when
//! asked by `stream_options.include_usage`, a usage chunk with empty `choices`). The error and
//! untrusted behaviours are the chat route's. A request without `prompt`, or a body with
//! `messages` (a chat request sent to the wrong route), is a 400 as OpenAI answers it. A list of
//! prompts (strings or token lists) is answered with one choice per prompt, as OpenAI does.

use super::server::{
    admit_json, error_response, failure, json_response, sse_response, untrusted_reply, Body, State,
};
use super::Behaviour;
use bytes::Bytes;
use hyper::Response;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use tokio::sync::Notify;

pub(super) fn handles(path: &str) -> bool {
    path.ends_with("/completions") && !path.ends_with("/chat/completions")
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
    reply(state, &behaviour, &request, &model)
}

/// The completion (or stream) for a request whose behaviour is known.
pub(super) fn reply(
    state: &State,
    behaviour: &Behaviour,
    request: &Value,
    model: &str,
) -> Response<Body> {
    if let Some(answer) = failure(behaviour, "This model's maximum context length is 4097 tokens, however you requested 9000 tokens. Please reduce your prompt; or completion length.") {
        return answer;
    }
    let stream = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(reply) = untrusted_reply(behaviour, stream) {
        return reply;
    }
    if request.get("messages").is_some() {
        return error_response(
            400,
            "Unrecognized request argument supplied: messages",
            None,
            None,
        );
    }
    let Some(prompt) = request.get("prompt") else {
        return error_response(400, "you must provide a prompt parameter", None, None);
    };
    let prompt_tokens = match prompt {
        Value::String(s) => (s.len() as u64).div_ceil(4).max(1),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => (s.len() as u64).div_ceil(4).max(1),
                Value::Array(ids) => ids.len() as u64,
                _ => 1,
            })
            .sum(),
        _ => 1,
    };
    let id = format!(
        "cmpl-mock-{}",
        state.sequence.fetch_add(1, Ordering::Relaxed)
    );
    let words: Vec<String> = (0..behaviour.chunks.unwrap_or(3).max(1))
        .map(|i| {
            if i == 0 {
                "Hello".to_string()
            } else {
                format!(" w{i}")
            }
        })
        .collect();
    let prompts = match prompt {
        Value::Array(items) if items.iter().all(|i| i.is_string() || i.is_array()) => {
            items.len().max(1)
        }
        _ => 1,
    };
    let completion_tokens = (words.len() * prompts) as u64;
    let usage = json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens});
    let chunk_of = |index: usize, text: &str, finish: Value| {
        json!({
            "id": id,
            "object": "text_completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{"index": index, "text": text, "logprobs": null, "finish_reason": finish}],
        })
    };
    let chunk = |text: &str, finish: Value| chunk_of(0, text, finish);
    if !stream {
        let mut completion = chunk(&words.concat(), json!("stop"));
        completion["choices"] = Value::Array(
            (0..prompts)
                .map(|i| json!({"index": i, "text": words.concat(), "logprobs": null, "finish_reason": "stop"}))
                .collect(),
        );
        completion["usage"] = usage;
        return json_response(200, &completion);
    }
    let mut events: Vec<Bytes> = Vec::new();
    for w in &words {
        for index in 0..prompts {
            events.push(Bytes::from(format!(
                "data: {}\n\n",
                chunk_of(index, w, Value::Null)
            )));
        }
    }
    for index in 0..prompts {
        events.push(Bytes::from(format!(
            "data: {}\n\n",
            chunk_of(index, "", json!("stop"))
        )));
    }
    if request
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        let mut last = chunk("", Value::Null);
        last["choices"] = json!([]);
        last["usage"] = usage;
        events.push(Bytes::from(format!("data: {last}\n\n")));
    }
    events.push(Bytes::from_static(b"data: [DONE]\n\n"));
    sse_response(
        events,
        behaviour.chunk_delay,
        behaviour.break_after,
        state.cancelled.clone(),
    )
}
