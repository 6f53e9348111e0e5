//! Chat requests checked before anything is forwarded, refused as OpenAI refuses them (400,
//! `invalid_request_error`, the offending parameter in `param`, OpenAI's wording), so a request
//! no upstream would accept never costs an upstream call, a retry or a cooldown.
//!
//! The checks are the ones OpenAI's API applies to every chat model: `messages` is a non-empty
//! list of objects with a string `role`; `stream` is a boolean; `n` is an integer in 1..=128;
//! `max_tokens` / `max_completion_tokens` are integers of at least 1. `null` is accepted wherever
//! a parameter is optional, as OpenAI accepts it. Provider-specific rules stay with the providers.

use crate::error::ProxyError;
use serde_json::{Map, Value};

/// OpenAI's bounds on `n`.
const N_RANGE: (i64, i64) = (1, 128);

/// Refuses a chat request OpenAI would refuse for its shape.
pub fn chat_request(body: &Map<String, Value>) -> Result<(), ProxyError> {
    messages(body.get("messages"))?;
    optional(body, "stream", Expected::Boolean, None)?;
    optional(body, "n", Expected::Integer, Some(N_RANGE))?;
    for name in ["max_tokens", "max_completion_tokens"] {
        optional(body, name, Expected::Integer, Some((1, i64::MAX)))?;
    }
    Ok(())
}

fn messages(value: Option<&Value>) -> Result<(), ProxyError> {
    let list = match value {
        None | Some(Value::Null) => return Err(missing("messages")),
        Some(Value::Array(list)) => list,
        Some(other) => return Err(wrong_type("messages", "an array of objects", other)),
    };
    if list.is_empty() {
        return Err(refuse(
            "messages",
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        ));
    }
    for (index, message) in list.iter().enumerate() {
        let name = format!("messages[{index}]");
        let Value::Object(message) = message else {
            return Err(wrong_type(&name, "an object", message));
        };
        match message.get("role") {
            Some(Value::String(_)) => {}
            None | Some(Value::Null) => return Err(missing(&format!("{name}.role"))),
            Some(other) => return Err(wrong_type(&format!("{name}.role"), "a string", other)),
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Expected {
    Boolean,
    Integer,
}

fn optional(
    body: &Map<String, Value>,
    name: &str,
    expected: Expected,
    range: Option<(i64, i64)>,
) -> Result<(), ProxyError> {
    let value = match body.get(name) {
        None | Some(Value::Null) => return Ok(()),
        Some(value) => value,
    };
    match expected {
        Expected::Boolean if value.is_boolean() => Ok(()),
        Expected::Boolean => Err(wrong_type(name, "a boolean", value)),
        Expected::Integer => {
            // An integer beyond i64 is still an integer, and above any maximum.
            let number = match value.as_i64() {
                Some(n) => n,
                None if value.is_u64() => i64::MAX,
                None => return Err(wrong_type(name, "an integer", value)),
            };
            let Some((min, max)) = range else {
                return Ok(());
            };
            if number < min {
                return Err(refuse(
                    name,
                    &format!("Invalid '{name}': integer below minimum value. Expected a value >= {min}, but got {value} instead."),
                ));
            }
            if number > max {
                return Err(refuse(
                    name,
                    &format!("Invalid '{name}': integer above maximum value. Expected a value <= {max}, but got {value} instead."),
                ));
            }
            Ok(())
        }
    }
}

fn missing(name: &str) -> ProxyError {
    refuse(name, &format!("Missing required parameter: '{name}'."))
}

fn wrong_type(name: &str, expected: &str, got: &Value) -> ProxyError {
    refuse(
        name,
        &format!(
            "Invalid type for '{name}': expected {expected}, but got {} instead.",
            json_type(got)
        ),
    )
}

fn refuse(param: &str, message: &str) -> ProxyError {
    ProxyError::bad_request(message).with_param(param)
}

/// OpenAI's names for JSON types in its messages.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(body: Value) -> Option<(String, String)> {
        let body = body.as_object().cloned().unwrap_or_default();
        chat_request(&body)
            .err()
            .map(|e| (e.message, e.param.unwrap_or_default()))
    }

    #[test]
    fn refuses_what_openai_refuses() {
        let user = json!([{"role": "user", "content": "hi"}]);
        assert_eq!(
            refused(json!({"messages": user.clone(), "stream": null, "n": 2})),
            None
        );
        let cases = [
            (json!({}), "Missing required parameter: 'messages'.", "messages"),
            (json!({"messages": "hi"}), "Invalid type for 'messages': expected an array of objects, but got a string instead.", "messages"),
            (json!({"messages": []}), "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages"),
            (json!({"messages": ["hi"]}), "Invalid type for 'messages[0]': expected an object, but got a string instead.", "messages[0]"),
            (json!({"messages": [{"content": "x"}]}), "Missing required parameter: 'messages[0].role'.", "messages[0].role"),
            (json!({"messages": user.clone(), "stream": "yes"}), "Invalid type for 'stream': expected a boolean, but got a string instead.", "stream"),
            (json!({"messages": user.clone(), "n": 0}), "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.", "n"),
            (json!({"messages": user.clone(), "n": 129}), "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.", "n"),
            (json!({"messages": user.clone(), "n": 1.5}), "Invalid type for 'n': expected an integer, but got a decimal instead.", "n"),
            (json!({"messages": user.clone(), "max_tokens": -1}), "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -1 instead.", "max_tokens"),
            (json!({"messages": user, "max_completion_tokens": "9"}), "Invalid type for 'max_completion_tokens': expected an integer, but got a string instead.", "max_completion_tokens"),
        ];
        for (body, message, param) in cases {
            assert_eq!(
                refused(body.clone()),
                Some((message.to_string(), param.to_string())),
                "{body}"
            );
        }
    }
}
