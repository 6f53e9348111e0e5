//! What a call cost, priced as LiteLLM's `generic_cost_per_token` does, from the entries of
//! `litellm_check::price_table` (the one reader of LiteLLM's price table) or the deployment's own prices.
//!
//! Prompt: uncached tokens at `input_cost_per_token`, cache reads at
//! `cache_read_input_token_cost` and cache writes at `cache_creation_input_token_cost` (either
//! falling back to the input price when the entry has none, so tokens moved out of the uncached
//! count are never free). Completion: text tokens at `output_cost_per_token`, reasoning tokens at
//! `output_cost_per_reasoning_token` when the entry has one, else at the output price.

use super::config::DeploymentConfig;
use super::usage::Usage;
use litellm_check::price_table;

/// USD per token for one deployment and upstream model.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rates {
    pub input: f64,
    pub output: f64,
    pub cache_read: Option<f64>,
    pub cache_creation: Option<f64>,
    pub reasoning: Option<f64>,
}

/// Parses the price table on a background thread so the first request does not pay for it.
pub fn warm_up() {
    price_table::warm_up();
}

/// The rates for a call to `upstream_model` through `deployment`: the price-table entry, with
/// each price the deployment sets itself (`litellm_params` first, then `model_info`) overriding
/// the entry's. `None` when neither knows a price: LiteLLM then has no cost and sends no cost
/// header.
pub fn rates_for(deployment: &DeploymentConfig, upstream_model: &str) -> Option<Rates> {
    let table = rates_for_model(
        &deployment.provider,
        upstream_model,
        deployment.base_model.as_deref(),
    );
    let input = deployment.input_cost_per_token.or(table.map(|t| t.input));
    let output = deployment.output_cost_per_token.or(table.map(|t| t.output));
    if input.is_none() && output.is_none() {
        return None;
    }
    let base = table.unwrap_or_default();
    Some(Rates {
        input: input.unwrap_or(0.0),
        output: output.unwrap_or(0.0),
        cache_read: deployment.cache_read_input_token_cost.or(base.cache_read),
        cache_creation: deployment
            .cache_creation_input_token_cost
            .or(base.cache_creation),
        reasoning: base.reasoning,
    })
}

/// The price-table rates for `model` called through `provider`, looked up as LiteLLM does
/// (`base_model`, `provider/model`, the bare id); `None` when the entry has no token price.
pub fn rates_for_model(provider: &str, model: &str, base_model: Option<&str>) -> Option<Rates> {
    let entry = price_table::lookup_for(provider, model, base_model)?;
    if entry.input_cost_per_token.is_none() && entry.output_cost_per_token.is_none() {
        return None;
    }
    Some(Rates {
        input: entry.input_cost_per_token.unwrap_or(0.0),
        output: entry.output_cost_per_token.unwrap_or(0.0),
        cache_read: entry.cache_read_input_token_cost,
        cache_creation: entry.cache_creation_input_token_cost,
        reasoning: entry.output_cost_per_reasoning_token,
    })
}

/// USD for `usage` at `rates`; `None` when the call has no price.
pub fn cost(rates: Option<Rates>, usage: &Usage) -> Option<f64> {
    let rates = rates?;
    // Cache reads and writes are part of `prompt_tokens` (LiteLLM's usage convention); counts
    // that claim more than the prompt are clamped rather than billed twice.
    let cached = usage.cached_tokens.min(usage.prompt_tokens);
    let creation = usage
        .cache_creation_tokens
        .min(usage.prompt_tokens - cached);
    let uncached = usage.prompt_tokens - cached - creation;
    let prompt = uncached as f64 * rates.input
        + cached as f64 * rates.cache_read.unwrap_or(rates.input)
        + creation as f64 * rates.cache_creation.unwrap_or(rates.input);
    let reasoning = usage.reasoning_tokens.min(usage.completion_tokens);
    let completion = (usage.completion_tokens - reasoning) as f64 * rates.output
        + reasoning as f64 * rates.reasoning.unwrap_or(rates.output);
    Some(prompt + completion)
}

/// A cost as Python's `str(float)` writes it (`0.0`, `0.000125`, `6.5e-05`), which is how
/// LiteLLM fills `x-litellm-response-cost`.
pub fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .into();
    }
    // Both Rust and Python print the shortest digits that read back to the same float; they
    // differ only in when and how an exponent is written.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let plain = format!("{value}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(prompt: u64, completion: u64) -> Usage {
        Usage {
            prompt_tokens: prompt,
            completion_tokens: completion,
            ..Usage::default()
        }
    }

    #[test]
    fn cached_and_written_tokens_leave_the_uncached_count() {
        let rates = Rates {
            input: 3.0,
            output: 15.0,
            cache_read: Some(0.3),
            cache_creation: Some(3.75),
            reasoning: None,
        };
        let used = Usage {
            cached_tokens: 100,
            cache_creation_tokens: 200,
            ..usage(1000, 10)
        };
        // 700 uncached * 3 + 100 * 0.3 + 200 * 3.75 + 10 * 15
        assert_eq!(
            cost(Some(rates), &used),
            Some(2100.0 + 30.0 + 750.0 + 150.0)
        );
        let no_cache_price = Rates {
            cache_read: None,
            cache_creation: None,
            ..rates
        };
        assert_eq!(cost(Some(no_cache_price), &used), Some(3000.0 + 150.0));
        assert_eq!(cost(None, &used), None);
    }

    #[test]
    fn reasoning_tokens_use_their_own_rate_when_the_entry_has_one() {
        let rates = Rates {
            input: 1.0,
            output: 2.0,
            reasoning: Some(5.0),
            ..Rates::default()
        };
        let used = Usage {
            reasoning_tokens: 4,
            ..usage(0, 10)
        };
        assert_eq!(cost(Some(rates), &used), Some(6.0 * 2.0 + 4.0 * 5.0));
    }

    #[test]
    fn costs_print_like_python_floats() {
        for (value, text) in [
            (0.0, "0.0"),
            (1.0, "1.0"),
            (0.000125, "0.000125"),
            (6.5e-05, "6.5e-05"),
            (1e-07, "1e-07"),
            (0.0001, "0.0001"),
            (1.5e16, "1.5e+16"),
        ] {
            assert_eq!(python_float(value), text, "{value:e}");
        }
    }
}
