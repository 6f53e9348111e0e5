//! LiteLLM's price and context-window table (`data/model_prices_and_context_window.json`, MIT),
//! embedded and parsed on first use into the fields this project reads.

use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

static TABLE_JSON: &str = include_str!("../data/model_prices_and_context_window.json");

/// What we know of one model id. Costs are USD per token.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelPrice {
    pub provider: Option<String>,
    pub mode: Option<String>,
    pub input_cost_per_token: Option<f64>,
    pub output_cost_per_token: Option<f64>,
    pub cache_read_input_token_cost: Option<f64>,
    pub cache_creation_input_token_cost: Option<f64>,
    pub output_cost_per_reasoning_token: Option<f64>,
    pub max_input_tokens: Option<u64>,
    pub max_output_tokens: Option<u64>,
    pub supports_vision: bool,
    pub supports_reasoning: bool,
}

/// A field that may hold text (as in `sample_spec`), which then counts as absent.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient<T> {
    Value(T),
    Other(IgnoredAny),
}

impl<T> Lenient<T> {
    fn get(self) -> Option<T> {
        match self {
            Lenient::Value(v) => Some(v),
            Lenient::Other(_) => None,
        }
    }
}

#[derive(Deserialize)]
struct RawEntry {
    litellm_provider: Option<Lenient<String>>,
    mode: Option<Lenient<String>>,
    input_cost_per_token: Option<Lenient<f64>>,
    output_cost_per_token: Option<Lenient<f64>>,
    cache_read_input_token_cost: Option<Lenient<f64>>,
    cache_creation_input_token_cost: Option<Lenient<f64>>,
    output_cost_per_reasoning_token: Option<Lenient<f64>>,
    max_input_tokens: Option<Lenient<u64>>,
    max_output_tokens: Option<Lenient<u64>>,
    supports_vision: Option<Lenient<bool>>,
    supports_reasoning: Option<Lenient<bool>>,
}

fn table() -> &'static HashMap<String, ModelPrice> {
    static TABLE: OnceLock<HashMap<String, ModelPrice>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: HashMap<String, RawEntry> = serde_json::from_str(TABLE_JSON).unwrap_or_default();
        let rate = |v: Option<Lenient<f64>>| {
            v.and_then(Lenient::get)
                .filter(|n| n.is_finite() && *n >= 0.0)
        };
        raw.into_iter()
            .filter(|(key, _)| key != "sample_spec")
            .map(|(key, e)| {
                let price = ModelPrice {
                    provider: e.litellm_provider.and_then(Lenient::get),
                    mode: e.mode.and_then(Lenient::get),
                    input_cost_per_token: rate(e.input_cost_per_token),
                    output_cost_per_token: rate(e.output_cost_per_token),
                    cache_read_input_token_cost: rate(e.cache_read_input_token_cost),
                    cache_creation_input_token_cost: rate(e.cache_creation_input_token_cost),
                    output_cost_per_reasoning_token: rate(e.output_cost_per_reasoning_token),
                    max_input_tokens: e.max_input_tokens.and_then(Lenient::get),
                    max_output_tokens: e.max_output_tokens.and_then(Lenient::get),
                    supports_vision: e.supports_vision.and_then(Lenient::get).unwrap_or(false),
                    supports_reasoning: e
                        .supports_reasoning
                        .and_then(Lenient::get)
                        .unwrap_or(false),
                };
                (key, price)
            })
            .collect()
    })
}

/// The entry for a deployment's model, tried as LiteLLM does: `base_model` first, then the model
/// string as written, then without its provider prefix.
pub fn lookup(model: &str, base_model: Option<&str>) -> Option<&'static ModelPrice> {
    let table = table();
    let mut candidates: Vec<&str> = Vec::new();
    if let Some(base) = base_model {
        candidates.push(base);
        if let Some((_, rest)) = base.split_once('/') {
            candidates.push(rest);
        }
    }
    candidates.push(model);
    if let Some((_, rest)) = model.split_once('/') {
        candidates.push(rest);
    }
    candidates.into_iter().find_map(|c| table.get(c))
}

/// Every model id of the table (`sample_spec` excluded).
pub fn keys() -> impl Iterator<Item = &'static str> {
    table().keys().map(String::as_str)
}

/// Parses the table on a background thread so the first caller does not pay for it.
pub fn warm_up() {
    std::thread::spawn(|| {
        table();
    });
}

/// The entry for a call to `model` through `provider`, as LiteLLM's cost lookup does:
/// `model_info.base_model` first (as written, then under the provider's prefix), then
/// `provider/model`, then the bare `model`. An entry found under a bare id whose
/// `litellm_provider` names another provider is skipped (LiteLLM's provider-match check), so a
/// Groq deployment of `llama3-8b-8192` is not charged at another host's rate.
pub fn lookup_for(
    provider: &str,
    model: &str,
    base_model: Option<&str>,
) -> Option<&'static ModelPrice> {
    let table = table();
    let qualified = |id: &str| format!("{provider}/{id}");
    let matches = |price: &&ModelPrice| {
        price
            .provider
            .as_deref()
            .is_none_or(|p| provider_matches(p, provider))
    };
    if let Some(base) = base_model {
        if let Some(found) = table.get(base) {
            return Some(found);
        }
        if let Some(found) = table.get(&qualified(base)) {
            return Some(found);
        }
    }
    if let Some(found) = table.get(&qualified(model)) {
        return Some(found);
    }
    table.get(model).filter(matches)
}

/// Whether an entry priced for `entry_provider` applies to a call through `provider`. OpenAI's
/// own ids serve the OpenAI-compatible family that borrows them (`custom_openai`, `openai_like`,
/// `litellm_proxy`), and the text-completion variants share their chat provider's prices.
fn provider_matches(entry_provider: &str, provider: &str) -> bool {
    entry_provider == provider
        || entry_provider
            .strip_prefix("text-completion-")
            .is_some_and(|p| p == provider)
        || (entry_provider == "openai"
            && matches!(provider, "custom_openai" | "openai_like" | "litellm_proxy"))
        || (entry_provider.starts_with("vertex_ai") && provider.starts_with("vertex_ai"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_prefixed_and_bare_ids() {
        let gpt = lookup("openai/gpt-4o", None).expect("gpt-4o is in the table");
        assert!(gpt.input_cost_per_token.is_some_and(|c| c > 0.0));
        assert!(gpt.max_input_tokens.is_some_and(|t| t >= 100_000));
        assert!(gpt.supports_vision);
        assert!(lookup("azure/my-deployment", Some("gpt-4o")).is_some());
        assert!(lookup("nope/nothing-like-this", None).is_none());
    }

    #[test]
    fn provider_lookup_prefers_the_qualified_key_and_checks_the_provider() {
        let groq = lookup_for("groq", "openai/gpt-oss-120b", None);
        assert_eq!(
            groq.and_then(|p| p.provider.as_deref()),
            Some("groq"),
            "groq/openai/gpt-oss-120b is priced as Groq's"
        );
        // `gpt-4o` is OpenAI's entry: a call through Groq is not charged at OpenAI's rate.
        assert!(lookup_for("groq", "gpt-4o", None).is_none());
        assert!(lookup_for("openai", "gpt-4o", None).is_some());
        assert!(lookup_for("azure", "my-deployment", Some("gpt-4o")).is_some());
    }
}
