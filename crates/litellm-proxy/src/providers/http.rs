//! The HTTP exchange every provider shares: send with the call's time limits, turn transport
//! failures into LiteLLM's timeout / connection errors, and hand a non-2xx answer to the
//! provider's own error mapping.

use super::ChatCall;
use crate::error::ProxyError;
use std::time::Duration;

/// Sends `request` for `call`. Non-streaming: reqwest's timeout covers the whole call, body
/// included. Streaming: only the wait for the response head is bounded here; `sse` bounds each
/// gap between chunks.
pub async fn send(
    request: reqwest::RequestBuilder,
    call: &ChatCall<'_>,
    provider: &str,
    // The provider's reading of an error answer: (status, body, `Retry-After`).
    map_error: impl FnOnce(u16, &[u8], Option<Duration>) -> ProxyError,
) -> Result<reqwest::Response, ProxyError> {
    let sent = if call.stream {
        tokio::time::timeout(call.timeout, request.send()).await
    } else {
        Ok(request.timeout(call.timeout).send().await)
    };
    let response = match sent {
        Err(_) => return Err(ProxyError::timeout(provider, call.timeout)),
        Ok(Err(e)) if e.is_timeout() => return Err(ProxyError::timeout(provider, call.timeout)),
        Ok(Err(e)) => return Err(ProxyError::connection(provider, &describe(e))),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64);
    let body = response.bytes().await.unwrap_or_default();
    Err(map_error(status, &body, retry_after))
}

/// The whole body of a successful non-streaming answer.
pub async fn body(
    response: reqwest::Response,
    call: &ChatCall<'_>,
    provider: &str,
) -> Result<bytes::Bytes, ProxyError> {
    match response.bytes().await {
        Ok(body) => Ok(body),
        Err(e) if e.is_timeout() => Err(ProxyError::timeout(provider, call.timeout)),
        Err(e) => Err(ProxyError::connection(provider, &describe(e))),
    }
}

/// The error and its causes, without the URL (which may carry credentials in its userinfo or
/// query).
pub fn describe(error: reqwest::Error) -> String {
    let mut causes = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        causes.push_str(": ");
        causes.push_str(&cause.to_string());
        source = cause.source();
    }
    format!("{}{causes}", error.without_url())
}
