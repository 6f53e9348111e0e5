//! OpenAI's Responses API (`POST {base}/responses`, `GET`/`DELETE {base}/responses/{id}`), also
//! under Azure's `/openai/responses?api-version=...` and `/openai/v1/responses`: a `response`
//! object or its stream of events (`response.created` ... `response.completed`), with the same
//! behaviours as chat (errors, delays, chunks, broken streams, cached tokens). Responses made are
//! kept (up to a bound) so `GET` finds them and `DELETE` removes them; an unknown id is OpenAI's
//! 404. Hits and the last request are kept under the body's `model`.

use super::server::{
    admit_json, error_response, failure, json_response, keep_query, lock, sse_response,
    untrusted_reply, Body, State,
};
use bytes::Bytes;
use hyper::{Method, Response};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use tokio::sync::Notify;

/// The most responses kept for `GET`; older ones are forgotten when it is reached.
const KEPT: usize = 10_000;

/// Whether `path` is a Responses route (`.../responses` or `.../responses/{id}`).
pub(super) fn handles(path: &str) -> bool {
    path.ends_with("/responses") || response_id(path).is_some()
}

fn response_id(path: &str) -> Option<&str> {
    let (_, id) = path.rsplit_once("/responses/")?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

pub(super) async fn handle(
    state: &State,
    kill: &Notify,
    method: &Method,
    path: &str,
    query: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let azure = path.contains("/openai/");
    if azure && !path.contains("/openai/v1/") && !query.contains("api-version=") {
        return json_response(
            404,
            &json!({"error": {"code": "404", "message": "Resource not found"}}),
        );
    }
    if let Some(id) = response_id(path) {
        *lock(&state.hits)
            .entry((format!("{method} {path}"), String::new()))
            .or_default() += 1;
        let mut kept = lock(&state.responses);
        return match (method, kept.get(id).cloned()) {
            (&Method::GET, Some(response)) => json_response(200, &response),
            (&Method::DELETE, Some(_)) => {
                kept.remove(id);
                json_response(
                    200,
                    &json!({"id": id, "object": "response.deleted", "deleted": true}),
                )
            }
            _ => error_response(
                404,
                &format!("Response with id '{id}' not found."),
                None,
                None,
            ),
        };
    }
    if method != Method::POST {
        return error_response(405, "method not allowed", None, None);
    }
    let (request, model, behaviour) = match admit_json(state, kill, path, headers, body).await {
        Ok(admitted) => admitted,
        Err(answer) => return answer,
    };
    keep_query(state, &model, query);
    if let Some(answer) = failure(&behaviour, "Your input exceeds the context window of this model. Please adjust your input and try again.") {
        return answer;
    }
    let stream = request
        .get("stream")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(reply) = untrusted_reply(&behaviour, stream) {
        return reply;
    }
    let n = state.sequence.fetch_add(1, Ordering::Relaxed);
    let id = format!("resp_mock_{n}");
    let words = behaviour.chunks.unwrap_or(3).max(1);
    let text: Vec<String> = (0..words)
        .map(|i| {
            if i == 0 {
                "Hello".to_string()
            } else {
                format!(" w{i}")
            }
        })
        .collect();
    let input_tokens = input_tokens(&request);
    let cached = behaviour.cached_tokens.unwrap_or(0).min(input_tokens);
    let message_id = format!("msg_mock_{n}");
    let message = |status: &str, text: &str| {
        json!({"id": message_id, "type": "message", "status": status, "role": "assistant",
               "content": [{"type": "output_text", "text": text, "annotations": []}]})
    };
    let mut response = json!({
        "id": id, "object": "response", "created_at": 1_700_000_000, "status": "completed",
        "error": null, "incomplete_details": null,
        "instructions": request.get("instructions").cloned().unwrap_or(Value::Null),
        "max_output_tokens": request.get("max_output_tokens").cloned().unwrap_or(Value::Null),
        "model": model, "output": [message("completed", &text.concat())],
        "parallel_tool_calls": true, "previous_response_id": request.get("previous_response_id").cloned().unwrap_or(Value::Null),
        "reasoning": {"effort": null, "summary": null}, "store": true, "temperature": 1.0,
        "text": {"format": {"type": "text"}}, "tool_choice": "auto", "tools": [], "top_p": 1.0,
        "truncation": "disabled",
        "usage": {"input_tokens": input_tokens, "input_tokens_details": {"cached_tokens": cached},
                  "output_tokens": words, "output_tokens_details": {"reasoning_tokens": 0},
                  "total_tokens": input_tokens + words as u64},
        "user": null, "metadata": {},
    });
    {
        let mut kept = lock(&state.responses);
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(id.clone(), response.clone());
    }
    if !stream {
        return json_response(200, &response);
    }
    let mut in_progress = response.clone();
    in_progress["status"] = json!("in_progress");
    in_progress["output"] = json!([]);
    in_progress["usage"] = Value::Null;
    let mut events: Vec<Value> = vec![
        json!({"type": "response.created", "response": in_progress}),
        json!({"type": "response.in_progress", "response": in_progress}),
        json!({"type": "response.output_item.added", "output_index": 0, "item": message("in_progress", "")}),
        json!({"type": "response.content_part.added", "item_id": message_id, "output_index": 0, "content_index": 0,
               "part": {"type": "output_text", "text": "", "annotations": []}}),
    ];
    for word in &text {
        events.push(
            json!({"type": "response.output_text.delta", "item_id": message_id, "output_index": 0,
                           "content_index": 0, "delta": word, "logprobs": []}),
        );
    }
    let all = text.concat();
    events.push(
        json!({"type": "response.output_text.done", "item_id": message_id, "output_index": 0,
                       "content_index": 0, "text": all, "logprobs": []}),
    );
    events.push(json!({"type": "response.content_part.done", "item_id": message_id, "output_index": 0,
                       "content_index": 0, "part": {"type": "output_text", "text": all, "annotations": []}}));
    events.push(json!({"type": "response.output_item.done", "output_index": 0, "item": message("completed", &all)}));
    response["status"] = json!("completed");
    events.push(json!({"type": "response.completed", "response": response}));
    let frames = events
        .into_iter()
        .enumerate()
        .map(|(sequence, mut event)| {
            event["sequence_number"] = json!(sequence);
            let kind = event["type"].as_str().unwrap_or("").to_string();
            Bytes::from(format!("event: {kind}\ndata: {event}\n\n"))
        })
        .collect();
    sse_response(
        frames,
        behaviour.chunk_delay,
        behaviour.break_after,
        state.cancelled.clone(),
    )
}

/// About four characters a token over the text of `instructions` and `input`.
fn input_tokens(request: &Value) -> u64 {
    fn text_len(value: &Value) -> usize {
        match value {
            Value::String(s) => s.len(),
            Value::Array(items) => items.iter().map(text_len).sum(),
            Value::Object(map) => ["content", "text", "output", "arguments"]
                .iter()
                .filter_map(|k| map.get(*k))
                .map(text_len)
                .sum(),
            _ => 0,
        }
    }
    let chars =
        request.get("instructions").map_or(0, text_len) + request.get("input").map_or(0, text_len);
    (chars as u64).div_ceil(4).max(1)
}
