//! Which `litellm_params.model` strings LiteLLM can route (section 6.3 of the reference), in
//! each supported version: `get_llm_provider` (litellm_core_utils/get_llm_provider_logic.py,
//! 1.80.0 and 1.109.1) takes the prefix before the first `/` when it is in `provider_list`
//! (1.109 first asks its JSON-configured providers and `custom_provider_map`), then a known
//! OpenAI-compatible `api_base` host, then looks the whole id up in the per-provider lists its
//! price table fills (only some of them: a bare `deepseek-chat` or `llama3-8b-8192` resolves
//! nowhere), then (1.109) the table's routing rules; else `LLM Provider NOT provided`.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::litellm_version::{LiteLlmVersion, Versions};

fn read_list(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The 194 provider prefixes of LiteLLM 1.109.1 (enum values plus JSON-configured providers), a
/// superset of 1.80's.
pub fn providers() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| read_list(include_str!("../../data/litellm-providers.txt")))
}

/// The provider prefixes `version` knows (1.80.0's `litellm.provider_list`: 103).
pub fn providers_of(version: LiteLlmVersion) -> &'static HashSet<&'static str> {
    static V1_80: OnceLock<HashSet<&'static str>> = OnceLock::new();
    match version {
        LiteLlmVersion::V1_80 => {
            V1_80.get_or_init(|| read_list(include_str!("../../data/litellm-providers-1.80.txt")))
        }
        LiteLlmVersion::V1_109 => providers(),
    }
}

/// Whether `version` knows the provider `name`.
pub fn is_provider_in(name: &str, version: LiteLlmVersion) -> bool {
    providers_of(version).contains(name)
}

/// The versions among `targets` that know the provider `name`.
pub fn provider_versions(name: &str, targets: Versions) -> Versions {
    Versions::from_iter(targets.iter().filter(|v| is_provider_in(name, *v)))
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

/// Whether some supported version knows the provider `name`.
pub fn is_provider(name: &str) -> bool {
    providers().contains(name)
}

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

/// Resolves a deployment's provider as `version`'s `get_llm_provider` would
/// (`custom_llm_provider` is checked on its own).
pub fn resolve_in(
    model: &str,
    custom_llm_provider: Option<&str>,
    api_base: Option<&str>,
    custom_providers: &[String],
    version: LiteLlmVersion,
) -> ProviderResolution {
    if custom_llm_provider.is_some() {
        return ProviderResolution::Known;
    }
    // Parsing the price tables costs more than checking a whole config, so they are only
    // consulted for ids that no prefix explains.
    if let Some((prefix, _)) = model.split_once('/') {
        if is_provider_in(prefix, version) || custom_providers.iter().any(|p| p == prefix) {
            return ProviderResolution::Known;
        }
    }
    // `*` is OpenAI's in both versions (the last branch of the bare-id lists).
    if model == "*" || crate::price_table::bare_provider(model, version).is_some() {
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

/// The versions among `targets` whose `get_llm_provider` resolves the deployment.
pub fn resolved_versions(
    model: &str,
    custom_llm_provider: Option<&str>,
    api_base: Option<&str>,
    custom_providers: &[String],
    targets: Versions,
) -> Versions {
    Versions::from_iter(targets.iter().filter(|v| {
        resolve_in(model, custom_llm_provider, api_base, custom_providers, *v)
            == ProviderResolution::Known
    }))
}

/// The provider prefix that makes a bare id work in every version: the provider a version that
/// resolves it resolves it to (the newest first), else the one provider the price tables list it
/// under (`groq/llama3-70b-8192` for `llama3-70b-8192`), else the provider its family belongs to.
pub fn prefix_for_bare_id(model: &str) -> Option<&'static str> {
    LiteLlmVersion::ALL
        .into_iter()
        .rev()
        .find_map(|v| crate::price_table::bare_provider(model, v))
        .or_else(|| only_provider_of(model))
        .or_else(|| family_provider(model))
}

/// The provider a bare id is listed under in the price tables, when exactly one provider lists it.
fn only_provider_of(model: &str) -> Option<&'static str> {
    let mut found: Option<&'static str> = None;
    for key in crate::price_table::keys() {
        let Some((provider, rest)) = key.split_once('/') else {
            continue;
        };
        if rest != model || !is_provider(provider) {
            continue;
        }
        match found {
            Some(other) if other != provider => return None,
            _ => found = Some(provider),
        }
    }
    found
}

/// The provider of a model family, told from the id's start; `None` for families several
/// providers serve (Llama, Qwen, Gemma, ...), which need the user's own choice.
fn family_provider(model: &str) -> Option<&'static str> {
    let id = model.to_ascii_lowercase();
    const FAMILIES: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("gemini", "gemini"),
        ("gpt-", "openai"),
        ("chatgpt", "openai"),
        ("o1", "openai"),
        ("o3", "openai"),
        ("o4", "openai"),
        ("text-embedding", "openai"),
        ("dall-e", "openai"),
        ("whisper", "openai"),
        ("mistral", "mistral"),
        ("mixtral", "mistral"),
        ("codestral", "mistral"),
        ("ministral", "mistral"),
        ("pixtral", "mistral"),
        ("magistral", "mistral"),
        ("command", "cohere"),
        ("deepseek", "deepseek"),
        ("grok", "xai"),
    ];
    FAMILIES
        .iter()
        .find(|(start, _)| id.starts_with(start))
        .map(|(_, provider)| *provider)
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
