//! Costs from LiteLLM's price table (`data/model_prices_and_context_window.json`, embedded) or a
//! deployment's own `input_cost_per_token`/`output_cost_per_token`.
//!
//! The 3 MB table is parsed once, off the start-up path, into a compact map of the two rates.

use super::config::DeploymentConfig;
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

static TABLE_JSON: &str = include_str!("../../data/model_prices_and_context_window.json");

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Price {
    pub input_cost_per_token: f64,
    pub output_cost_per_token: f64,
}

/// A numeric field that may hold text (as in `sample_spec`), which then counts as absent.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient {
    Number(f64),
    Other(IgnoredAny),
}

#[derive(Deserialize)]
struct Entry {
    input_cost_per_token: Option<Lenient>,
    output_cost_per_token: Option<Lenient>,
}

fn rate(value: Option<Lenient>) -> Option<f64> {
    match value {
        Some(Lenient::Number(n)) if n.is_finite() && n >= 0.0 => Some(n),
        _ => None,
    }
}

fn table() -> &'static HashMap<String, Price> {
    static TABLE: OnceLock<HashMap<String, Price>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let entries: HashMap<String, Entry> = serde_json::from_str(TABLE_JSON).unwrap_or_default();
        entries
            .into_iter()
            .filter(|(key, _)| key != "sample_spec")
            .filter_map(|(key, entry)| {
                let input = rate(entry.input_cost_per_token);
                let output = rate(entry.output_cost_per_token);
                (input.is_some() || output.is_some()).then(|| {
                    (
                        key,
                        Price {
                            input_cost_per_token: input.unwrap_or(0.0),
                            output_cost_per_token: output.unwrap_or(0.0),
                        },
                    )
                })
            })
            .collect()
    })
}

/// Parses the table on a background thread so the first request does not pay for it.
pub fn warm_up() {
    std::thread::spawn(|| {
        table();
    });
}

/// The rates for a call to `upstream_model` through `deployment`: its custom pricing first, then
/// the table under `model_info.base_model`, the full model string, `provider/model` and the bare id.
pub fn price_for(deployment: &DeploymentConfig, upstream_model: &str) -> Option<Price> {
    let custom_in = deployment.input_cost_per_token;
    let custom_out = deployment.output_cost_per_token;
    if custom_in.is_some() || custom_out.is_some() {
        return Some(Price {
            input_cost_per_token: custom_in.unwrap_or(0.0),
            output_cost_per_token: custom_out.unwrap_or(0.0),
        });
    }
    let table = table();
    let qualified = format!("{}/{upstream_model}", deployment.provider);
    let candidates = [
        deployment.base_model.as_deref(),
        Some(qualified.as_str()),
        Some(upstream_model),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find_map(|key| table.get(key).copied());
    found
}

/// USD for this many tokens.
pub fn cost(price: Option<Price>, prompt_tokens: u64, completion_tokens: u64) -> f64 {
    price.map_or(0.0, |p| {
        p.input_cost_per_token * prompt_tokens as f64
            + p.output_cost_per_token * completion_tokens as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_gpt_4o_and_skips_sample_spec() {
        let price = table().get("gpt-4o").copied().unwrap_or_default();
        assert!(
            price.input_cost_per_token > 0.0
                && price.output_cost_per_token > price.input_cost_per_token
        );
        assert!(!table().contains_key("sample_spec"));
    }
}
