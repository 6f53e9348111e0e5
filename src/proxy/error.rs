//! Errors in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, with LiteLLM's
//! exception names and statuses, and the classification retries, fallbacks and cooldowns use.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::time::Duration;

/// What went wrong, in the categories LiteLLM's exception mapping uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Authentication,
    PermissionDenied,
    NotFound,
    Timeout,
    UnprocessableEntity,
    RateLimit,
    ContextWindowExceeded,
    ContentPolicyViolation,
    InternalServer,
    BadGateway,
    ServiceUnavailable,
    /// The upstream could not be reached or broke the connection.
    ApiConnection,
    /// Every deployment of the group is cooling down (LiteLLM's `RouterRateLimitError`).
    NoDeployments,
    /// Anything else an upstream answered with.
    Api,
}

impl ErrorKind {
    /// LiteLLM's exception class name, used as the message prefix (`litellm.RateLimitError: ...`).
    pub fn exception_name(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "BadRequestError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::PermissionDenied => "PermissionDeniedError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Timeout => "Timeout",
            ErrorKind::UnprocessableEntity => "UnprocessableEntityError",
            ErrorKind::RateLimit | ErrorKind::NoDeployments => "RateLimitError",
            ErrorKind::ContextWindowExceeded => "ContextWindowExceededError",
            ErrorKind::ContentPolicyViolation => "ContentPolicyViolationError",
            ErrorKind::InternalServer => "InternalServerError",
            ErrorKind::BadGateway => "BadGatewayError",
            ErrorKind::ServiceUnavailable => "ServiceUnavailableError",
            ErrorKind::ApiConnection => "APIConnectionError",
            ErrorKind::Api => "APIError",
        }
    }

    /// The names LiteLLM's `retry_policy` / `allowed_fails_policy` may use for this error, most
    /// general first (a context-window error is also a `BadRequestError`, as in Python).
    pub fn policy_names(self) -> &'static [&'static str] {
        match self {
            ErrorKind::BadRequest | ErrorKind::UnprocessableEntity => &["BadRequestError"],
            ErrorKind::ContextWindowExceeded => &["BadRequestError", "ContextWindowExceededError"],
            ErrorKind::ContentPolicyViolation => {
                &["BadRequestError", "ContentPolicyViolationError"]
            }
            ErrorKind::Authentication => &["AuthenticationError"],
            ErrorKind::Timeout => &["TimeoutError"],
            ErrorKind::RateLimit | ErrorKind::NoDeployments => &["RateLimitError"],
            ErrorKind::InternalServer | ErrorKind::ApiConnection => &["InternalServerError"],
            ErrorKind::ServiceUnavailable => &["ServiceUnavailableError"],
            ErrorKind::BadGateway => &["BadGatewayError"],
            ErrorKind::NotFound => &["NotFoundError"],
            ErrorKind::PermissionDenied | ErrorKind::Api => &[],
        }
    }

    fn from_status(status: u16) -> Self {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimit,
            500 => ErrorKind::InternalServer,
            502 => ErrorKind::BadGateway,
            503 => ErrorKind::ServiceUnavailable,
            _ => ErrorKind::Api,
        }
    }
}

/// An error to answer a client with.
#[derive(Debug, Clone)]
pub struct ProxyError {
    pub status: u16,
    pub kind: ErrorKind,
    pub message: String,
    pub error_type: Option<String>,
    pub param: Option<String>,
    /// The provider's `Retry-After`, which also sets the cooldown length.
    pub retry_after: Option<Duration>,
    /// A connection-level failure (never cools a deployment, as in LiteLLM).
    pub connection: bool,
}

impl ProxyError {
    pub fn new(status: u16, kind: ErrorKind, message: impl Into<String>) -> Self {
        ProxyError {
            status,
            kind,
            message: message.into(),
            error_type: None,
            param: None,
            retry_after: None,
            connection: false,
        }
    }

    pub fn with_type(mut self, error_type: &str) -> Self {
        self.error_type = Some(error_type.to_string());
        self
    }

    pub fn with_param(mut self, param: &str) -> Self {
        self.param = Some(param.to_string());
        self
    }

    pub fn auth(message: impl Into<String>) -> Self {
        ProxyError::new(401, ErrorKind::Authentication, message)
            .with_type("auth_error")
            .with_param("None")
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ProxyError::new(400, ErrorKind::BadRequest, message).with_type("invalid_request_error")
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ProxyError::new(500, ErrorKind::InternalServer, message).with_type("internal_server_error")
    }

    /// An upstream answered `status` with `body`; classify it as LiteLLM's exception mapping does.
    pub fn from_upstream(
        status: u16,
        body: &[u8],
        retry_after: Option<Duration>,
        provider: &str,
    ) -> Self {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        let upstream_message = match error {
            Some(Value::Object(e)) => e.get("message").and_then(Value::as_str).map(str::to_string),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(2000)]).into_owned());
        let code = error
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let lower = upstream_message.to_ascii_lowercase();
        let mut kind = ErrorKind::from_status(status);
        if status == 400 || status == 413 || status == 422 {
            if code == "context_length_exceeded"
                || lower.contains("maximum context length")
                || lower.contains("context_length_exceeded")
                || lower.contains("context window")
                || lower.contains("prompt is too long")
                || lower.contains("string too long")
            {
                kind = ErrorKind::ContextWindowExceeded;
            } else if code == "content_policy_violation"
                || code == "content_filter"
                || lower.contains("content_policy_violation")
                || lower.contains("safety system")
                || lower.contains("content management policy")
            {
                kind = ErrorKind::ContentPolicyViolation;
            }
        }
        let exception = provider_exception_name(provider);
        let mut proxy = ProxyError::new(
            status,
            kind,
            format!(
                "litellm.{}: {exception} - {upstream_message}",
                kind.exception_name()
            ),
        );
        proxy.error_type = error
            .and_then(|e| e.get("type"))
            .and_then(Value::as_str)
            .map(str::to_string);
        proxy.param = error
            .and_then(|e| e.get("param"))
            .and_then(Value::as_str)
            .map(str::to_string);
        proxy.retry_after = retry_after;
        proxy
    }

    pub fn connection(provider: &str, detail: &str) -> Self {
        let mut error = ProxyError::new(
            500,
            ErrorKind::ApiConnection,
            format!(
                "litellm.APIConnectionError: {} - {detail}",
                provider_exception_name(provider)
            ),
        );
        error.connection = true;
        error
    }

    pub fn timeout(provider: &str, after: Duration) -> Self {
        ProxyError::new(
            408,
            ErrorKind::Timeout,
            format!(
                "litellm.Timeout: {} - Request timed out after {:.1} seconds",
                provider_exception_name(provider),
                after.as_secs_f64()
            ),
        )
    }

    /// The OpenAI error object.
    pub fn body(&self) -> Value {
        json!({"error": {
            "message": self.message,
            "type": self.error_type,
            "param": self.param,
            "code": self.status.to_string(),
        }})
    }

    /// Appends the group the request was routed to, as LiteLLM's router does.
    pub fn with_model_group(mut self, group: &str) -> Self {
        if !self.message.contains("Received Model Group=") {
            self.message
                .push_str(&format!("\nReceived Model Group={group}"));
        }
        self
    }
}

fn provider_exception_name(provider: &str) -> String {
    match provider {
        "openai" | "" => "OpenAIException".to_string(),
        other => {
            let mut name = String::new();
            for part in other.split(['_', '-']) {
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    name.extend(first.to_uppercase());
                    name.push_str(chars.as_str());
                }
            }
            format!("{name}Exception")
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body())).into_response();
        if let Some(after) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&after.as_secs().to_string()) {
                response.headers_mut().insert("retry-after", value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_openai_context_and_policy_errors() {
        let context = br#"{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#;
        let error = ProxyError::from_upstream(400, context, None, "openai");
        assert_eq!(error.kind, ErrorKind::ContextWindowExceeded);
        assert!(error
            .message
            .starts_with("litellm.ContextWindowExceededError: OpenAIException - This model"));
        assert_eq!(error.body()["error"]["code"], "400");
        let policy = br#"{"error":{"message":"rejected","code":"content_policy_violation"}}"#;
        assert_eq!(
            ProxyError::from_upstream(400, policy, None, "openai").kind,
            ErrorKind::ContentPolicyViolation
        );
        assert_eq!(
            ProxyError::from_upstream(503, b"down", None, "hosted_vllm").kind,
            ErrorKind::ServiceUnavailable
        );
        assert!(ProxyError::from_upstream(503, b"down", None, "hosted_vllm")
            .message
            .contains("HostedVllmException"));
    }
}
