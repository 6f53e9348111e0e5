//! The one place credentials are taken out of text the proxy shows: an `api_base` with a password
//! or a key in its query (`x-litellm-model-api-base`, `/health`, logs, the spend store), and an
//! upstream's error message that echoes what the proxy sent it (its key, a bearer token, Azure's
//! `api-key` or AD token, a secret `extra_headers` value).
//!
//! LiteLLM masks the same things in its logs (`litellm_core_utils/sensitive_data_masker.py`
//! masks keys whose name contains `key`, `token`, `secret`, `password`, `auth`, `credential`);
//! this proxy also keeps them out of what it answers clients with.

use crate::config::DeploymentConfig;

/// What replaces a credential.
pub const MASK: &str = "****";

/// Query parameter and header names whose values are credentials (matched as lower-case
/// substrings, as LiteLLM's masker does), plus the short names signed URLs use.
const SECRET_NAME_PARTS: &[&str] = &[
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "auth",
    "credential",
    "signature",
];
const SECRET_NAMES: &[&str] = &["sig", "code", "cookie"];

/// Whether a query parameter or header named `name` carries a credential.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAMES.contains(&lower.as_str()) || SECRET_NAME_PARTS.iter().any(|p| lower.contains(p))
}

/// `url` as it may be shown: userinfo (`user:pass@`) becomes `****@` and the values of
/// secret-looking query parameters (`?key=...`, `api-key`, `sig`, ...) become `****`. Text that
/// is not a URL is returned as is; nothing else of the URL is normalized, so it reads as written.
pub fn url_for_display(url: &str) -> String {
    let (before_fragment, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let (base, query) = match before_fragment.find('?') {
        Some(at) => (&before_fragment[..at], Some(&before_fragment[at + 1..])),
        None => (before_fragment, None),
    };
    let mut shown = String::with_capacity(url.len());
    match base.find("://") {
        Some(scheme_end) => {
            let authority_start = scheme_end + 3;
            let authority_end = base[authority_start..]
                .find('/')
                .map_or(base.len(), |i| authority_start + i);
            let authority = &base[authority_start..authority_end];
            shown.push_str(&base[..authority_start]);
            match authority.rfind('@') {
                Some(at) => {
                    shown.push_str(MASK);
                    shown.push_str(&authority[at..]);
                }
                None => shown.push_str(authority),
            }
            shown.push_str(&base[authority_end..]);
        }
        None => shown.push_str(base),
    }
    if let Some(query) = query {
        shown.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                shown.push('&');
            }
            match pair.split_once('=') {
                Some((name, value)) if !value.is_empty() && is_secret_name(&decode(name)) => {
                    shown.push_str(name);
                    shown.push('=');
                    shown.push_str(MASK);
                }
                _ => shown.push_str(pair),
            }
        }
    }
    // A fragment is never sent, but it is still text a user wrote after the URL.
    if !fragment.is_empty() {
        shown.push('#');
        shown.push_str(MASK);
    }
    shown
}

/// `%2D` and `+` decoded, enough to recognise a parameter name written percent-encoded.
fn decode(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The credentials one deployment sends upstream, to take out of what the upstream answers.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// Longest first, so a key that contains another is masked whole.
    values: Vec<String>,
}

impl Credentials {
    /// The key, the AD token, secret-named `extra_headers` values, and the userinfo and secret
    /// query values of `api_base`.
    pub fn of(deployment: &DeploymentConfig) -> Self {
        let mut values: Vec<String> = Vec::new();
        let mut add = |value: &str| {
            let value = value.trim();
            if !value.is_empty() && !values.iter().any(|v| v == value) {
                values.push(value.to_string());
            }
        };
        if let Some(key) = &deployment.api_key {
            add(key.expose());
        }
        if let Some(token) = &deployment.azure_ad_token {
            add(token.expose());
        }
        for (name, value) in &deployment.headers {
            if is_secret_name(name) {
                add(value);
                // `Bearer <token>`: the token alone may come back too.
                if let Some((_, token)) = value.split_once(' ') {
                    add(token);
                }
            }
        }
        if let Some(base) = &deployment.api_base {
            for value in url_secrets(base) {
                add(&value);
            }
        }
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        Credentials { values }
    }

    /// `text` with every credential replaced by [`MASK`].
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for value in &self.values {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), MASK);
            }
        }
        text
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The userinfo parts and the secret query values of a URL.
fn url_secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let before_fragment = url.split('#').next().unwrap_or(url);
    let (base, query) = match before_fragment.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (before_fragment, None),
    };
    if let Some(rest) = base.split_once("://").map(|(_, rest)| rest) {
        let authority = rest.split('/').next().unwrap_or(rest);
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            found.push(userinfo.to_string());
            found.extend(userinfo.split(':').map(str::to_string));
        }
    }
    for pair in query.unwrap_or("").split('&') {
        if let Some((name, value)) = pair.split_once('=') {
            if is_secret_name(&decode(name)) {
                found.push(value.to_string());
                let decoded = decode(value);
                if decoded != value {
                    found.push(decoded);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_userinfo_and_secret_query_values() {
        assert_eq!(
            url_for_display("https://user:hunter2@host.example/v1"),
            "https://****@host.example/v1"
        );
        assert_eq!(
            url_for_display("https://host/v1?key=AIza123&alt=sse&api%2Dkey=x&sig=abc"),
            "https://host/v1?key=****&alt=sse&api%2Dkey=****&sig=****"
        );
        assert_eq!(
            url_for_display("http://127.0.0.1:4000/v1"),
            "http://127.0.0.1:4000/v1"
        );
        assert_eq!(url_for_display("not a url"), "not a url");
        assert_eq!(url_for_display("https://h/p#token"), "https://h/p#****");
        assert_eq!(url_for_display("https://a@b@h/"), "https://****@h/");
    }

    #[test]
    fn what_a_deployment_sends_is_masked_in_upstream_text() {
        let config = serde_json::json!({"model_list": [{"model_name": "a", "litellm_params": {
            "model": "azure/x", "api_key": "sk-live-123", "azure_ad_token": "eyJad",
            "api_base": "https://u:p4ss@h/v1?key=qk",
            "extra_headers": {"Authorization": "Bearer tok-9", "X-Title": "my app"},
        }}]});
        let env = litellm_check::env::Environment::empty();
        let proxy =
            crate::config::ProxyConfig::from_text(&config.to_string(), &env).unwrap_or_default();
        let credentials = Credentials::of(&proxy.deployments[0]);
        let echoed =
            "Incorrect API key provided: sk-live-123 (Bearer tok-9, eyJad, p4ss, qk) my app";
        assert_eq!(
            credentials.redact(echoed),
            "Incorrect API key provided: **** (****, ****, ****, ****) my app"
        );
    }
}
