//! The auth stage of the pipeline (and of every other authenticated route): the key a request
//! carries in LiteLLM's header forms (section 15.1), the master key compared in constant time,
//! and virtual keys looked up through [`crate::keys`] ([`authenticate`]); the management routes
//! take the master key only ([`require_master`]). Mirrors LiteLLM's
//! `proxy/auth/user_api_key_auth.py`.

use crate::error::ProxyError;
use crate::keys::Caller;
use crate::server::AppState;
use axum::http::HeaderMap;
use ring::digest::{digest, SHA256};
use std::sync::Arc;

/// Who sent the request: the master key, a virtual key (checked: known, not blocked, not
/// expired), or anyone when no master key is set. Per-request checks that need the model
/// (model access, budget, limits) follow in [`crate::keys::Keys::admit`].
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, ProxyError> {
    let presented = presented_key(headers, state.key_header.as_deref());
    let Some(master_hash) = state.master_key_hash.as_deref() else {
        let hash = match presented.as_deref() {
            None => Arc::from(""),
            Some(key) => Arc::from(hash_key(key)),
        };
        return Ok(Caller::Open(hash));
    };
    let key = match presented {
        Some(key) if !key.is_empty() => key,
        _ => {
            return Err(ProxyError::auth(
                "Authentication Error, No api key passed in.",
            ))
        }
    };
    // One digest a request: compared with the master key's (computed at start-up), then the
    // virtual key's lookup by the same hash.
    let hash = hash_key(&key);
    if hashes_match(&hash, master_hash) {
        return Ok(Caller::Master);
    }
    if !key.starts_with("sk-") {
        return Err(ProxyError::auth(format!(
            "Authentication Error, LiteLLM Virtual Key expected. Received={}, expected to start with 'sk-'.",
            abbreviate(&key)
        )));
    }
    state.keys.verify(&key, hash).await.map(Caller::Virtual)
}

/// The management routes (`/key/*`, `/spend/logs`, `/metrics`): the master key only, as
/// LiteLLM keeps them for the proxy admin.
pub fn require_master(caller: &Caller, route: &str) -> Result<(), ProxyError> {
    match caller {
        Caller::Master | Caller::Open(_) => Ok(()),
        Caller::Virtual(_) => Err(ProxyError::auth(format!(
            "Only proxy admin can be used to generate, delete, update info for new keys/users/teams. Route={route}. Your role=internal_user. Your user_id=None"
        ))),
    }
}

/// `sk-...abcd`: enough to tell keys apart, not enough to use one.
pub fn abbreviate(key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let head: String = key.chars().take(3).collect();
    format!("{head}...{tail}")
}

/// The key a request carries, from the first header LiteLLM looks at that is present.
pub fn presented_key(headers: &HeaderMap, custom_header: Option<&str>) -> Option<String> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(value) = custom_header.and_then(text) {
        return Some(strip_bearer(value).to_string());
    }
    if let Some(value) = text("x-litellm-api-key") {
        return Some(strip_bearer(value).to_string());
    }
    if let Some(value) = text("authorization") {
        // Only `Bearer`/`bearer`/`Basic` forms carry a key; anything else is an empty key.
        for prefix in ["Bearer ", "bearer ", "Basic "] {
            if let Some(key) = value.strip_prefix(prefix) {
                return Some(key.trim().to_string());
            }
        }
        return Some(String::new());
    }
    [
        "api-key",
        "x-api-key",
        "x-goog-api-key",
        "ocp-apim-subscription-key",
    ]
    .into_iter()
    .find_map(text)
    .map(str::to_string)
}

fn strip_bearer(value: &str) -> &str {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value)
        .trim()
}

/// Compares two keys' [`hash_key`] digests without an early exit, so neither the content nor
/// the length of the master key leaks through timing (digests are always 64 hex digits).
pub fn hashes_match(presented: &str, expected: &str) -> bool {
    presented.len() == expected.len()
        && presented
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// How LiteLLM stores a key in spend logs: the hex SHA-256 of the raw key.
pub fn hash_key(key: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = digest(&SHA256, key.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.as_ref() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn header_order_and_bearer_forms() {
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", HeaderValue::from_static("sk-anthropic-style"));
        assert_eq!(
            presented_key(&headers, None).as_deref(),
            Some("sk-anthropic-style")
        );
        headers.insert("authorization", HeaderValue::from_static("Token sk-x"));
        assert_eq!(
            presented_key(&headers, None).as_deref(),
            Some(""),
            "a non-Bearer Authorization is an empty key"
        );
        headers.insert(
            "x-litellm-api-key",
            HeaderValue::from_static("Bearer sk-first"),
        );
        assert_eq!(presented_key(&headers, None).as_deref(), Some("sk-first"));
        assert!(hashes_match(&hash_key("sk-a"), &hash_key("sk-a")));
        assert!(!hashes_match(&hash_key("sk-a"), &hash_key("sk-ab")));
        assert_eq!(
            hash_key(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
