//! Which `litellm_params.model` strings LiteLLM can route (section 6.3 of the reference).

use std::collections::HashSet;
use std::sync::OnceLock;

/// The 194 provider prefixes of LiteLLM 1.109.1 (enum values plus JSON-configured providers).
pub fn providers() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../../data/litellm-providers.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// What editors complete for `litellm_params.model`: a few whole model strings, then every
/// provider prefix (`openai/`, `bedrock/`, ...), sorted, to be completed with a model id. JSON
/// Schema cannot say "one of these prefixes" without a huge regex that editors would not
/// complete from, and a bare price-table id is valid too, so the list is examples, not a rule.
pub fn model_examples() -> Vec<String> {
    let mut prefixes: Vec<&str> = providers().iter().copied().collect();
    prefixes.sort_unstable();
    [
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4-5",
        "azure/my-deployment",
        "gemini/gemini-2.5-pro",
        "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
        "ollama/llama3",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(prefixes.into_iter().map(|p| format!("{p}/")))
    .collect()
}

pub fn is_provider(name: &str) -> bool {
    providers().contains(name)
}

/// The keys of LiteLLM's price table (model ids it can infer a provider for), from the one
/// parse of the table in `crate::price_table`.
pub fn price_table_keys() -> &'static HashSet<String> {
    static KEYS: OnceLock<HashSet<String>> = OnceLock::new();
    KEYS.get_or_init(|| crate::price_table::keys().map(str::to_string).collect())
}

/// Bare ids `get_llm_provider` knows from lists in LiteLLM's code rather than the price table.
const HARD_CODED_MODELS: &[&str] = &["dall-e-2", "dall-e-3"];

/// Hosts of OpenAI-compatible providers LiteLLM recognises from `api_base` alone (step 6).
const KNOWN_API_HOSTS: &[&str] = &[
    "api.perplexity.ai",
    "api.endpoints.anyscale.com",
    "api.deepinfra.com",
    "api.mistral.ai",
    "codestral.mistral.ai",
    "api.groq.com",
    "api.cerebras.ai",
    "api.together.xyz",
    "api.deepseek.com",
    "api.fireworks.ai",
    "api.friendli.ai",
    "api.sambanova.ai",
    "api.x.ai",
    "integrate.api.nvidia.com",
    "api.studio.nebius.ai",
    "openrouter.ai",
];

/// How a model string resolves to a provider, or why it does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderResolution {
    Known,
    /// The prefix before the first `/` is no provider.
    UnknownPrefix(String),
    /// No prefix, and the id is not in the price table.
    UnknownBareModel,
}

/// Resolves a deployment's provider as `get_llm_provider` would.
pub fn resolve(
    model: &str,
    custom_llm_provider: Option<&str>,
    api_base: Option<&str>,
    custom_providers: &[String],
) -> ProviderResolution {
    if custom_llm_provider.is_some() {
        return ProviderResolution::Known;
    }
    // Parsing the 3 MB price table costs more than checking a whole config, so it is only
    // consulted for ids that no prefix explains.
    if let Some((prefix, _)) = model.split_once('/') {
        if is_provider(prefix) || custom_providers.iter().any(|p| p == prefix) {
            return ProviderResolution::Known;
        }
    }
    if model == "*" || HARD_CODED_MODELS.contains(&model) || price_table_keys().contains(model) {
        return ProviderResolution::Known;
    }
    if let Some((prefix, _)) = model.split_once('/') {
        if api_base.is_some_and(is_known_api_base) {
            return ProviderResolution::Known;
        }
        return ProviderResolution::UnknownPrefix(prefix.to_string());
    }
    if api_base.is_some_and(is_known_api_base) {
        return ProviderResolution::Known;
    }
    ProviderResolution::UnknownBareModel
}

fn is_known_api_base(api_base: &str) -> bool {
    let host = api_base
        .split("://")
        .nth(1)
        .unwrap_or(api_base)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    KNOWN_API_HOSTS.contains(&host)
}

/// Strips a known provider prefix (`openai/gpt-4o` -> `gpt-4o`), as fallback matching does.
pub fn strip_provider(name: &str) -> Option<&str> {
    let (prefix, rest) = name.split_once('/')?;
    is_provider(prefix).then_some(rest)
}
