//! Anthropic error answers -> LiteLLM's exception classes (`_map_anthropic_exception`).

use super::*;

/// An Anthropic error answer -> LiteLLM's exception (`_map_anthropic_exception`): the message
/// checks first (prompt too long, overloaded, invalid key, content filtering), then the status.
pub fn error_from(status: u16, body: &[u8], retry_after: Option<Duration>) -> ProxyError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let error_type = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/type"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let text = lossy(body);
    let lower = text.to_ascii_lowercase();
    let by_text = if text.contains("prompt is too long")
        || text.contains("prompt: length")
        || lower.contains("context_length_exceeded")
        || lower.contains("maximum context length")
        || lower.contains("context window")
    {
        Some((400, ErrorKind::ContextWindowExceeded))
    } else if text.contains("overloaded_error") || text.contains("Overloaded") {
        Some((500, ErrorKind::InternalServer))
    } else if text.contains("Invalid API Key") {
        Some((401, ErrorKind::Authentication))
    } else if text.contains("content filtering policy") {
        Some((400, ErrorKind::ContentPolicyViolation))
    } else {
        None
    };
    let (status, kind, message) = match by_text {
        Some((status, kind)) => (
            status,
            kind,
            format!("litellm.{}: AnthropicError - {text}", kind.exception_name()),
        ),
        None => {
            let (status, kind) = match status {
                401 => (401, ErrorKind::Authentication),
                403 => (403, ErrorKind::PermissionDenied),
                400 | 413 => (400, ErrorKind::BadRequest),
                404 => (404, ErrorKind::NotFound),
                408 => (408, ErrorKind::Timeout),
                429 => (429, ErrorKind::RateLimit),
                500 | 529 => (500, ErrorKind::InternalServer),
                502 => (502, ErrorKind::BadGateway),
                503 => (503, ErrorKind::ServiceUnavailable),
                504 => (504, ErrorKind::Timeout),
                other => (other, ErrorKind::Api),
            };
            let suffix = match kind {
                ErrorKind::InternalServer => ". Handle with `litellm.InternalServerError`.",
                ErrorKind::ServiceUnavailable => ". Handle with `litellm.ServiceUnavailableError`.",
                _ => "",
            };
            (
                status,
                kind,
                format!(
                    "litellm.{}: AnthropicException - {text}{suffix}",
                    kind.exception_name()
                ),
            )
        }
    };
    let mut error = ProxyError::new(status, kind, message);
    error.error_type = error_type;
    error.retry_after = retry_after;
    error
}
