//! The Responses API objects this proxy writes itself (a translated call): the `response`
//! object, its output items and usage, in the shape OpenAI's SDKs parse
//! (`openai.types.responses.Response`). Native calls pass the upstream's objects through.

use serde::Serialize;
use serde_json::{Map, Value};

/// A `response` object.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResponseObject {
    pub id: String,
    pub object: &'static str,
    pub created_at: u64,
    /// `in_progress`, `completed`, `incomplete` or `failed`.
    pub status: &'static str,
    pub error: Option<Value>,
    pub incomplete_details: Option<Value>,
    pub instructions: Value,
    pub max_output_tokens: Value,
    pub model: String,
    pub output: Vec<OutputItem>,
    pub parallel_tool_calls: bool,
    pub previous_response_id: Value,
    pub reasoning: Value,
    pub store: bool,
    pub temperature: Value,
    pub text: Value,
    pub tool_choice: Value,
    pub tools: Value,
    pub top_p: Value,
    pub truncation: Value,
    pub usage: Option<ResponseUsage>,
    pub user: Value,
    pub metadata: Value,
}

impl ResponseObject {
    /// An in-progress response for `request` (the Responses body the client sent), with what
    /// LiteLLM's bridge echoes from it (`_default_response_created_event_data`).
    pub fn for_request(
        id: &str,
        created_at: u64,
        model: &str,
        request: &Map<String, Value>,
    ) -> Self {
        let echo = |key: &str, default: Value| {
            request
                .get(key)
                .filter(|v| !v.is_null())
                .cloned()
                .unwrap_or(default)
        };
        ResponseObject {
            id: id.to_string(),
            object: "response",
            created_at,
            status: "in_progress",
            error: None,
            incomplete_details: None,
            instructions: echo("instructions", Value::Null),
            max_output_tokens: echo("max_output_tokens", Value::Null),
            model: model.to_string(),
            output: Vec::new(),
            parallel_tool_calls: request
                .get("parallel_tool_calls")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            previous_response_id: echo("previous_response_id", Value::Null),
            reasoning: echo(
                "reasoning",
                serde_json::json!({"effort": null, "summary": null}),
            ),
            store: request
                .get("store")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            temperature: echo("temperature", serde_json::json!(1.0)),
            text: echo("text", serde_json::json!({"format": {"type": "text"}})),
            tool_choice: echo("tool_choice", serde_json::json!("auto")),
            tools: echo("tools", Value::Array(Vec::new())),
            top_p: echo("top_p", serde_json::json!(1.0)),
            truncation: echo("truncation", serde_json::json!("disabled")),
            usage: None,
            user: echo("user", Value::Null),
            metadata: echo("metadata", Value::Object(Map::new())),
        }
    }
}

/// One item of `output`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutputItem {
    Message {
        id: String,
        status: &'static str,
        role: &'static str,
        content: Vec<OutputText>,
    },
    FunctionCall {
        id: String,
        call_id: String,
        name: String,
        arguments: String,
        status: &'static str,
    },
    Reasoning {
        id: String,
        summary: Vec<SummaryText>,
    },
}

/// An `output_text` content part.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutputText {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
    pub annotations: Vec<Value>,
    pub logprobs: Vec<Value>,
}

impl OutputText {
    pub fn new(text: String, annotations: Vec<Value>) -> Self {
        OutputText {
            kind: "output_text",
            text,
            annotations,
            logprobs: Vec::new(),
        }
    }
}

/// A `summary_text` part of a reasoning item.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SummaryText {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
}

impl SummaryText {
    pub fn new(text: String) -> Self {
        SummaryText {
            kind: "summary_text",
            text,
        }
    }
}

/// The Responses API's `usage`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct ResponseUsage {
    pub input_tokens: u64,
    pub input_tokens_details: InputDetails,
    pub output_tokens: u64,
    pub output_tokens_details: OutputDetails,
    pub total_tokens: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct InputDetails {
    pub cached_tokens: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
pub struct OutputDetails {
    pub reasoning_tokens: u64,
}

impl From<crate::usage::Usage> for ResponseUsage {
    /// `_transform_chat_completion_usage_to_responses_usage`.
    fn from(usage: crate::usage::Usage) -> Self {
        ResponseUsage {
            input_tokens: usage.prompt_tokens,
            input_tokens_details: InputDetails {
                cached_tokens: usage.cached_tokens,
            },
            output_tokens: usage.completion_tokens,
            output_tokens_details: OutputDetails {
                reasoning_tokens: usage.reasoning_tokens,
            },
            total_tokens: usage.prompt_tokens + usage.completion_tokens,
        }
    }
}

/// The token counts of a Responses API `usage` object (a native answer), for accounting:
/// `input_tokens` includes cached ones, `output_tokens` reasoning ones, as in chat's usage.
pub fn usage_of(usage: &Value) -> crate::usage::Usage {
    let count = |pointer: &str| {
        usage
            .pointer(pointer)
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .min(crate::usage::MAX_COUNT)
    };
    crate::usage::Usage {
        prompt_tokens: count("/input_tokens"),
        completion_tokens: count("/output_tokens"),
        cached_tokens: count("/input_tokens_details/cached_tokens"),
        cache_creation_tokens: 0,
        reasoning_tokens: count("/output_tokens_details/reasoning_tokens"),
    }
}

/// `_map_chat_completion_finish_reason_to_responses_status`, and OpenAI's
/// `incomplete_details` for an incomplete one.
pub fn status_of(finish_reason: Option<&str>) -> (&'static str, Option<Value>) {
    match finish_reason {
        Some("length") => (
            "incomplete",
            Some(serde_json::json!({"reason": "max_output_tokens"})),
        ),
        Some("content_filter" | "refusal") => (
            "incomplete",
            Some(serde_json::json!({"reason": "content_filter"})),
        ),
        _ => ("completed", None),
    }
}
