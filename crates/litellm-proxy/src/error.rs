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
    /// The body's message is read from OpenAI's `{"error": {"message"}}`, a bare `{"error": "..."}`,
    /// or the `message`/`detail` field other OpenAI-compatible servers (vLLM, Ollama) use.
    pub fn from_upstream(
        status: u16,
        body: &[u8],
        retry_after: Option<Duration>,
        provider: &str,
    ) -> Self {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let upstream_message = match error {
            Some(Value::Object(e)) => text(e.get("message")),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
        .or_else(|| text(parsed.as_ref().and_then(|v| v.get("message"))))
        .or_else(|| text(parsed.as_ref().and_then(|v| v.get("detail"))))
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(2000)]).into_owned());
        // `code` is a string for OpenAI (`context_length_exceeded`), a number for Google (429).
        let code = match error.and_then(|e| e.get("code")) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let field = |name: &str| error.and_then(|e| e.get(name)).and_then(Value::as_str);
        ProxyError::from_provider(
            provider,
            UpstreamFailure {
                status,
                message: &upstream_message,
                code: &code,
                error_type: field("type"),
                param: field("param"),
                retry_after,
            },
        )
    }

    /// The hook every provider calls with its parsed error: LiteLLM's mapping of a provider's
    /// status and message to an exception class and the status the proxy answers with.
    ///
    /// - 400/413/422 whose message or code says the context window is exceeded become
    ///   `ContextWindowExceededError` (400), which `context_window_fallbacks` act on; those that
    ///   say a content policy or safety filter refused become `ContentPolicyViolationError` (400),
    ///   which `content_policy_fallbacks` act on.
    /// - `model_not_found` is a `NotFoundError` (404); OpenAI's "Request too large" and a 5xx
    ///   gateway wrapping a 429 code are `RateLimitError` (429); 504 is a `Timeout` (408).
    /// - Otherwise the status decides: 400, 401, 403, 404, 408, 422, 429, 500, 502, 503 map to
    ///   their classes; anything else is an `APIError` with the upstream's status.
    pub fn from_provider(provider: &str, failure: UpstreamFailure<'_>) -> Self {
        let UpstreamFailure {
            status,
            message,
            code,
            error_type,
            param,
            retry_after,
        } = failure;
        let lower = message.to_ascii_lowercase();
        // Another LiteLLM proxy upstream names its exception class in the message; LiteLLM
        // re-raises that class (`extract_and_raise_litellm_exception`), so fallbacks still apply.
        let relayed = (provider == "litellm_proxy")
            .then(|| relayed_litellm_error(message))
            .flatten();
        let (status, kind) = match (relayed, status) {
            (Some(found), _) => found,
            (None, 400 | 413 | 422) if is_context_window_error(code, &lower) => {
                (400, ErrorKind::ContextWindowExceeded)
            }
            (None, 400 | 413 | 422) if is_content_policy_error(code, &lower) => {
                (400, ErrorKind::ContentPolicyViolation)
            }
            (None, 400 | 404) if code == "model_not_found" => (404, ErrorKind::NotFound),
            (None, 400 | 413) if lower.contains("request too large") => (429, ErrorKind::RateLimit),
            (None, 500..=599) if code == "429" => (429, ErrorKind::RateLimit),
            (None, 504) => (408, ErrorKind::Timeout),
            (None, other) => (other, ErrorKind::from_status(other)),
        };
        let exception = provider_exception_name(provider);
        let mut proxy = ProxyError::new(
            status,
            kind,
            format!("litellm.{}: {exception} - {message}", kind.exception_name()),
        );
        proxy.error_type = error_type.map(str::to_string);
        proxy.param = param.map(str::to_string);
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

    /// A successful status with an answer its protocol does not allow (not JSON, the wrong
    /// shape, too large, not server-sent events): LiteLLM's 500 class, so it is retried, falls
    /// back and cools the deployment down like any 5xx, and its spend row is a failure.
    pub fn bad_answer(provider: &str, what: &str) -> Self {
        ProxyError::new(
            500,
            ErrorKind::InternalServer,
            format!(
                "litellm.InternalServerError: {} - the upstream answered with {what}",
                provider_exception_name(provider)
            ),
        )
    }

    /// The error with every credential of `credentials` masked: an upstream may echo the key
    /// or token it was sent.
    pub fn redacted(mut self, credentials: &crate::redact::Credentials) -> Self {
        if !credentials.is_empty() {
            self.message = credentials.redact(&self.message);
            self.param = self.param.map(|p| credentials.redact(&p));
            self.error_type = self.error_type.map(|t| credentials.redact(&t));
        }
        self
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

/// The class a LiteLLM proxy upstream put in its message (`litellm.RateLimitError: ...`), with
/// the status LiteLLM gives that class.
fn relayed_litellm_error(message: &str) -> Option<(u16, ErrorKind)> {
    let start = message.find("litellm.")? + "litellm.".len();
    let name: String = message[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let found = match name.as_str() {
        "ContextWindowExceededError" => (400, ErrorKind::ContextWindowExceeded),
        "ContentPolicyViolationError" => (400, ErrorKind::ContentPolicyViolation),
        "BadRequestError" => (400, ErrorKind::BadRequest),
        "AuthenticationError" => (401, ErrorKind::Authentication),
        "PermissionDeniedError" => (403, ErrorKind::PermissionDenied),
        "NotFoundError" => (404, ErrorKind::NotFound),
        "Timeout" => (408, ErrorKind::Timeout),
        "UnprocessableEntityError" => (422, ErrorKind::UnprocessableEntity),
        "RateLimitError" => (429, ErrorKind::RateLimit),
        "InternalServerError" => (500, ErrorKind::InternalServer),
        "BadGatewayError" => (502, ErrorKind::BadGateway),
        "ServiceUnavailableError" => (503, ErrorKind::ServiceUnavailable),
        _ => return None,
    };
    Some(found)
}

/// What a provider answered, as its implementation parsed it, for [`ProxyError::from_provider`].
#[derive(Debug, Clone, Copy, Default)]
pub struct UpstreamFailure<'a> {
    pub status: u16,
    /// The provider's error message (also searched for LiteLLM's known phrases).
    pub message: &'a str,
    /// The provider's error code, as text (`context_length_exceeded`, `429`), or empty.
    pub code: &'a str,
    pub error_type: Option<&'a str>,
    pub param: Option<&'a str>,
    /// The provider's `Retry-After`, which also sets the cooldown length.
    pub retry_after: Option<Duration>,
}

/// LiteLLM's `ExceptionCheckers.is_error_str_context_window_exceeded` phrases (lower case), plus
/// OpenAI's `context_length_exceeded` code and the phrasings of the providers this proxy routes
/// (Anthropic "prompt is too long", Mistral "maximum context length", Gemini "exceeds the maximum
/// number of tokens allowed", llama.cpp/Ollama "exceeds the available context size").
fn is_context_window_error(code: &str, lower: &str) -> bool {
    // OpenAI's check on the `user` parameter's length is not about the context window.
    if lower.contains("string_above_max_length")
        || (lower.contains("invalid 'user'") && lower.contains("string too long"))
    {
        return false;
    }
    const PHRASES: &[&str] = &[
        "exceed context limit",
        "this model's maximum context length is",
        "string too long. expected a string with maximum length",
        "model's maximum context limit",
        "is longer than the model's context length",
        "input tokens exceed the configured limit",
        "`inputs` tokens + `max_new_tokens` must be",
        "exceeds the available context size",
        "exceeds the maximum number of tokens allowed",
        "maximum context length",
        "context_length_exceeded",
        "context window",
        "prompt is too long",
        "400 request payload size exceeds",
    ];
    code == "context_length_exceeded"
        || PHRASES.iter().any(|p| lower.contains(p))
        // Cerebras: "Current length is X while limit is Y".
        || (lower.contains("current length is") && lower.contains("while limit is"))
}

/// OpenAI's `content_policy_violation` code, LiteLLM's `is_azure_content_policy_violation_error`
/// phrases, and Gemini's blocked-response messages.
fn is_content_policy_error(code: &str, lower: &str) -> bool {
    const PHRASES: &[&str] = &[
        "content_policy_violation",
        "responsibleaipolicyviolation",
        "the response was filtered due to the prompt triggering azure openai's content management",
        "your task failed as a result of our safety system",
        "the model produced invalid content",
        "content_filter_policy",
        "your request was rejected as a result of our safety system",
        "content management policy",
        "the response was blocked.",
        "output blocked by content filtering policy",
    ];
    matches!(code, "content_policy_violation" | "content_filter")
        || PHRASES.iter().any(|p| lower.contains(p))
}

/// The provider part of LiteLLM's messages: `OpenAIException` for OpenAI, `AzureException`, else
/// the provider with its first letter upper-cased (`GroqException`, `Hosted_vllmException`).
fn provider_exception_name(provider: &str) -> String {
    match provider {
        "openai" | "" => "OpenAIException".to_string(),
        other => {
            let mut chars = other.chars();
            let mut name: String = chars
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            name.push_str(chars.as_str());
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
            .contains("Hosted_vllmException - down"));
    }

    fn kind_of(status: u16, body: &str, provider: &str) -> (u16, ErrorKind) {
        let error = ProxyError::from_upstream(status, body.as_bytes(), None, provider);
        (error.status, error.kind)
    }

    #[test]
    fn context_window_phrasings_of_each_family_trigger_context_window_fallbacks() {
        for (provider, body) in [
            (
                "groq",
                r#"{"error":{"message":"Please reduce the length of the messages or completion.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
            ),
            (
                "deepseek",
                r#"{"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 70000 tokens.","type":"invalid_request_error"}}"#,
            ),
            (
                "mistral",
                r#"{"object":"error","message":"Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length","type":"invalid_request_message_error","code":"3051"}"#,
            ),
            (
                "together_ai",
                r#"{"error":{"message":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8193. Given: 9000","type":"invalid_request_error"}}"#,
            ),
            (
                "cerebras",
                r#"{"message":"Please reduce the length of the messages or completion. Current length is 9000 while limit is 8192","type":"invalid_request_error"}"#,
            ),
            (
                "hosted_vllm",
                r#"{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","code":400}"#,
            ),
            (
                "anthropic",
                r#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#,
            ),
            (
                "gemini",
                r#"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#,
            ),
        ] {
            assert_eq!(
                kind_of(400, body, provider),
                (400, ErrorKind::ContextWindowExceeded),
                "{provider}: {body}"
            );
        }
        // OpenAI's limit on the `user` field is a plain bad request.
        let user = r#"{"error":{"message":"Invalid 'user': string too long. Expected a string with maximum length 256","code":"string_above_max_length"}}"#;
        assert_eq!(kind_of(400, user, "openai"), (400, ErrorKind::BadRequest));
    }

    #[test]
    fn content_policy_and_status_classes_follow_litellm() {
        let azure = r#"{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","code":"content_filter","status":400}}"#;
        assert_eq!(
            kind_of(400, azure, "azure"),
            (400, ErrorKind::ContentPolicyViolation)
        );
        let gemini_blocked = r#"{"error":{"message":"The response was blocked."}}"#;
        assert_eq!(
            kind_of(400, gemini_blocked, "gemini"),
            (400, ErrorKind::ContentPolicyViolation)
        );
        let not_found = r#"{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","code":"model_not_found"}}"#;
        assert_eq!(
            kind_of(404, not_found, "openai"),
            (404, ErrorKind::NotFound)
        );
        assert_eq!(kind_of(401, "{}", "groq"), (401, ErrorKind::Authentication));
        assert_eq!(
            kind_of(403, "{}", "groq"),
            (403, ErrorKind::PermissionDenied)
        );
        assert_eq!(kind_of(408, "{}", "groq"), (408, ErrorKind::Timeout));
        assert_eq!(kind_of(504, "{}", "groq"), (408, ErrorKind::Timeout));
        assert_eq!(kind_of(429, "{}", "groq"), (429, ErrorKind::RateLimit));
        let wrapped = r#"{"error":{"code":429,"message":"Resource has been exhausted"}}"#;
        assert_eq!(kind_of(503, wrapped, "gemini"), (429, ErrorKind::RateLimit));
        assert_eq!(kind_of(500, "{}", "groq"), (500, ErrorKind::InternalServer));
        assert_eq!(
            kind_of(503, "{}", "groq"),
            (503, ErrorKind::ServiceUnavailable)
        );
        assert_eq!(kind_of(418, "{}", "groq"), (418, ErrorKind::Api));
        let error = ProxyError::from_upstream(
            429,
            br#"{"error":{"message":"slow down"}}"#,
            Some(Duration::from_secs(7)),
            "together_ai",
        );
        assert_eq!(error.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(
            error.message,
            "litellm.RateLimitError: Together_aiException - slow down"
        );
    }

    #[test]
    fn a_litellm_proxy_upstream_keeps_its_exception_class() {
        let body = r#"{"error":{"message":"litellm.ContextWindowExceededError: OpenAIException - too long","type":null,"param":null,"code":"400"}}"#;
        assert_eq!(
            kind_of(400, body, "litellm_proxy"),
            (400, ErrorKind::ContextWindowExceeded)
        );
        let limited = r#"{"error":{"message":"litellm.RateLimitError: No deployments available"}}"#;
        assert_eq!(
            kind_of(500, limited, "litellm_proxy"),
            (429, ErrorKind::RateLimit)
        );
        assert_eq!(
            kind_of(500, limited, "openai"),
            (500, ErrorKind::InternalServer)
        );
    }

    #[test]
    fn providers_with_their_own_error_shape_use_the_hook() {
        let error = ProxyError::from_provider(
            "anthropic",
            UpstreamFailure {
                status: 400,
                message: "prompt is too long: 210000 tokens > 200000 maximum",
                error_type: Some("invalid_request_error"),
                ..UpstreamFailure::default()
            },
        );
        assert_eq!(error.kind, ErrorKind::ContextWindowExceeded);
        assert!(error
            .message
            .starts_with("litellm.ContextWindowExceededError: AnthropicException - prompt"));
        assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
    }
}
