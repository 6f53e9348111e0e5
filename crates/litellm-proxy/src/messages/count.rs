//! `POST /v1/messages/count_tokens` as LiteLLM 1.80 answers it (`count_tokens` in
//! `litellm/proxy/anthropic_endpoints/endpoints.py`, which calls `token_counter` in
//! `litellm/proxy/proxy_server.py` with `call_endpoint=True`): `{"input_tokens": N}` for the
//! request's `messages` (LiteLLM passes on neither `system` nor `tools`).
//!
//! - An `anthropic/…` deployment asks Anthropic's counting API
//!   (`count_tokens_with_anthropic_api` in `litellm/proxy/utils.py`: `POST
//!   /v1/messages/count_tokens?beta=true` with the beta `token-counting-2024-11-01`, the
//!   deployment's key and upstream model). LiteLLM builds that client without the deployment's
//!   `api_base`, so it always reaches api.anthropic.com; this proxy uses the deployment's
//!   `api_base`. When the call fails LiteLLM counts locally, and so does this.
//! - Any other deployment, or a model no deployment serves, is counted locally as LiteLLM's
//!   `token_counter` does (`litellm/litellm_core_utils/token_counter.py`): 3 tokens per message,
//!   each string value of a message counted (its role too), a content list by its parts (`text`;
//!   `tool_use`: its name and `str(input)`, Python's repr; `tool_result`: its content), and 3 for
//!   the reply's priming. The encoding is tiktoken's: `o200k_base` for `gpt-4o`, `gpt-4.1`, `o1`,
//!   `o3`, `o4`, `gpt-5` models, `cl100k_base` for every other (LiteLLM counts any model that is
//!   not an OpenAI chat model as `gpt-3.5-turbo`; its Hugging Face tokenizers for Llama and Cohere
//!   models need a download this proxy does not make). A part LiteLLM cannot count (an `image`,
//!   `document` or `thinking` block) fails the request with a 500, as it does there.

use crate::error::{ErrorKind, ProxyError};
use serde_json::Value;

/// The counting beta LiteLLM asks Anthropic for.
pub const COUNTING_BETA: &str = "token-counting-2024-11-01";

/// Tokens of one string in the encoding LiteLLM picks for `model`.
fn counter(model: &str) -> impl Fn(&str) -> u64 {
    let bpe = if uses_o200k(model) {
        tiktoken_rs::o200k_base_singleton()
    } else {
        tiktoken_rs::cl100k_base_singleton()
    };
    move |text: &str| bpe.encode_ordinary(text).len() as u64
}

/// The tokens of `text` in the encoding LiteLLM's `token_counter` picks for `model` (an
/// embedding input it counts itself, for instance).
pub fn text_tokens(model: &str, text: &str) -> u64 {
    counter(model)(text)
}

/// tiktoken's `encoding_for_model` prefixes that map to `o200k_base` (LiteLLM also sends any
/// name containing `gpt-4o` there). Names without a provider prefix.
fn uses_o200k(model: &str) -> bool {
    let model = model.rsplit('/').next().unwrap_or(model);
    model.contains("gpt-4o")
        || [
            "gpt-4.1",
            "gpt-4.5",
            "gpt-5",
            "o1",
            "o3",
            "o4",
            "chatgpt-4o",
            "gpt-oss",
        ]
        .iter()
        .any(|prefix| model.starts_with(prefix))
}

fn cannot_count(what: impl std::fmt::Display) -> ProxyError {
    ProxyError::new(
        500,
        ErrorKind::InternalServer,
        format!("Internal server error: Error getting number of tokens from content list: {what}"),
    )
}

/// LiteLLM's local count of Anthropic-shaped `messages` for `model`.
pub fn local_count(model: &str, messages: &[Value]) -> Result<u64, ProxyError> {
    let count = counter(model);
    let mut tokens = 0;
    for message in messages {
        tokens += 3;
        let Some(fields) = message.as_object() else {
            continue;
        };
        for (key, value) in fields {
            match value {
                Value::String(text) => {
                    tokens += count(text);
                    if key == "name" {
                        tokens += 1;
                    }
                }
                Value::Array(parts) if key == "content" => tokens += content_list(&count, parts)?,
                _ => {}
            }
        }
    }
    // "every reply is primed with <|start|>assistant<|message|>"
    Ok(tokens + 3)
}

fn content_list(count: &impl Fn(&str) -> u64, parts: &[Value]) -> Result<u64, ProxyError> {
    let mut tokens = 0;
    for part in parts {
        match part {
            Value::String(text) => tokens += count(text),
            Value::Object(block) => match block.get("type").and_then(Value::as_str) {
                Some("text") => {
                    tokens += count(block.get("text").and_then(Value::as_str).unwrap_or(""))
                }
                Some(kind @ ("tool_use" | "tool_result")) => {
                    tokens += anthropic_block(count, kind, part)?
                }
                _ => {
                    return Err(cannot_count(format!(
                        "Invalid content item type: dict. Expected str or dict with 'type' field. Value: {}",
                        python_repr(part)
                    )))
                }
            },
            other => {
                return Err(cannot_count(format!(
                    "Invalid content item type. Value: {}",
                    python_repr(other)
                )))
            }
        }
    }
    Ok(tokens)
}

/// `_count_anthropic_content`: the fields of the block's TypedDict that are not identifiers.
fn anthropic_block(
    count: &impl Fn(&str) -> u64,
    kind: &str,
    block: &Value,
) -> Result<u64, ProxyError> {
    let (required, fields): (&[&str], &[&str]) = match kind {
        "tool_use" => (&["id", "name", "input", "type"], &["name", "input"]),
        _ => (&["tool_use_id", "type"], &["content"]),
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|key| block.get(*key).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(cannot_count(format!(
            "Missing required fields in {kind} block: {}",
            missing.join(", ")
        )));
    }
    let mut tokens = 0;
    for field in fields {
        match block.get(*field) {
            Some(Value::String(text)) => tokens += count(text),
            Some(Value::Array(parts)) => tokens += content_list(count, parts)?,
            Some(value @ Value::Object(_)) => tokens += count(&python_repr(value)),
            _ => {}
        }
    }
    Ok(tokens)
}

/// Python's `str()` of a JSON value as `json.loads` builds it (`{'a': 1, 'b': [True, None]}`).
pub fn python_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(value, &mut out);
    out
}

fn write_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (None, Some(u), _) => out.push_str(&u.to_string()),
            (None, None, Some(f)) => out.push_str(&python_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => string_repr(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string_repr(key, out);
                out.push_str(": ");
                write_repr(item, out);
            }
            out.push('}');
        }
    }
}

/// `repr(float)`: the shortest round-trip digits, with `.0` on whole numbers.
fn python_float(f: f64) -> String {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        let text = format!("{f:?}");
        text.replace("e", "e+").replace("e+-", "e-")
    }
}

/// `repr(str)`: single quotes unless the text has one and no double quote.
fn string_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}
