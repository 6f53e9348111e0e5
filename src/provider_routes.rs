//! Which provider prefixes `litellm-proxy` can route, and how: the wire protocol, the default
//! `api_base`, and the environment variables LiteLLM reads a key and a base from when the
//! deployment gives none. One table for the proxy (which calls them) and the checker (which warns,
//! LL066, about deployments the proxy will skip); it builds without the `proxy` feature.
//!
//! Values follow LiteLLM's own resolution: `_get_openai_compatible_provider_info` in
//! `litellm/litellm_core_utils/get_llm_provider_logic.py`, the `_get_openai_compatible_provider_info`
//! method of each `litellm/llms/<provider>/chat/transformation.py`, the OpenAI branch of
//! `litellm/main.py`, and the JSON-configured providers of `litellm/llms/openai_like/providers.json`.
//! Env vars are listed in LiteLLM's order of precedence; an empty value counts as unset, as
//! Python's `get_secret_str(...) or ...` chains treat it.

use crate::env::Environment;

/// The wire protocol behind a provider prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// `POST {api_base}/chat/completions` with `Authorization: Bearer <key>`.
    OpenAiCompatible,
    /// Anthropic Messages.
    Anthropic,
    /// Google AI Studio `generateContent`.
    Gemini,
    /// Azure OpenAI deployment URLs.
    Azure,
}

/// How the proxy reaches one provider prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub provider: &'static str,
    pub wire: Wire,
    /// The base when neither the deployment nor an env var gives one; empty when LiteLLM has none
    /// (self-hosted servers: the deployment must say where they are).
    pub default_base: &'static str,
    /// Env vars holding the key, in LiteLLM's order.
    pub key_env: &'static [&'static str],
    /// Env vars overriding the default base, in LiteLLM's order.
    pub base_env: &'static [&'static str],
    /// The OpenAI-compatible API sits under `/v1` of the base, which LiteLLM adds when the base
    /// lacks it (Mistral always; Ollama's native base `http://host:11434` is given without it).
    pub ensure_v1: bool,
    /// The upstream accepts `stream_options: {include_usage: true}`. Those marked `false` report
    /// usage in their last stream chunk unasked and reject or ignore unknown fields.
    pub stream_usage: bool,
    /// A hosted API: a call without a key is refused (HTTP 401), so LiteLLM fails every request.
    pub key_required: bool,
}

const fn hosted(
    provider: &'static str,
    default_base: &'static str,
    key_env: &'static [&'static str],
    base_env: &'static [&'static str],
) -> Route {
    Route {
        provider,
        wire: Wire::OpenAiCompatible,
        default_base,
        key_env,
        base_env,
        ensure_v1: false,
        stream_usage: true,
        key_required: true,
    }
}

const fn self_hosted(
    provider: &'static str,
    default_base: &'static str,
    key_env: &'static [&'static str],
    base_env: &'static [&'static str],
) -> Route {
    Route {
        key_required: false,
        ..hosted(provider, default_base, key_env, base_env)
    }
}

const fn native(
    provider: &'static str,
    wire: Wire,
    default_base: &'static str,
    key_env: &'static [&'static str],
    base_env: &'static [&'static str],
) -> Route {
    Route {
        wire,
        ..hosted(provider, default_base, key_env, base_env)
    }
}

/// Every provider prefix the proxy routes.
pub const ROUTES: &[Route] = &[
    // ---- litellm/main.py, OpenAI branch (openai, custom_openai share it) -----------------------
    hosted(
        "openai",
        "https://api.openai.com/v1",
        &["OPENAI_API_KEY"],
        &["OPENAI_BASE_URL", "OPENAI_API_BASE"],
    ),
    hosted(
        "custom_openai",
        "https://api.openai.com/v1",
        &["OPENAI_API_KEY"],
        &["OPENAI_BASE_URL", "OPENAI_API_BASE"],
    ),
    self_hosted(
        "openai_like",
        "",
        &["OPENAI_LIKE_API_KEY"],
        &["OPENAI_LIKE_API_BASE"],
    ),
    // ---- get_llm_provider_logic.py `_get_openai_compatible_provider_info` and the configs it calls
    hosted(
        "groq",
        "https://api.groq.com/openai/v1",
        &["GROQ_API_KEY"],
        &["GROQ_API_BASE"],
    ),
    hosted(
        "deepseek",
        "https://api.deepseek.com/beta",
        &["DEEPSEEK_API_KEY"],
        &["DEEPSEEK_API_BASE"],
    ),
    Route {
        ensure_v1: true,
        stream_usage: false,
        ..hosted(
            "mistral",
            "https://api.mistral.ai/v1",
            &["MISTRAL_AZURE_API_KEY", "MISTRAL_API_KEY"],
            &["MISTRAL_AZURE_API_BASE", "MISTRAL_API_BASE"],
        )
    },
    Route {
        stream_usage: false,
        ..hosted(
            "codestral",
            "https://codestral.mistral.ai/v1",
            &["CODESTRAL_API_KEY"],
            &["CODESTRAL_API_BASE"],
        )
    },
    hosted(
        "together_ai",
        "https://api.together.xyz/v1",
        &[
            "TOGETHER_API_KEY",
            "TOGETHER_AI_API_KEY",
            "TOGETHERAI_API_KEY",
            "TOGETHER_AI_TOKEN",
        ],
        &["TOGETHER_AI_API_BASE"],
    ),
    hosted(
        "fireworks_ai",
        "https://api.fireworks.ai/inference/v1",
        &[
            "FIREWORKS_API_KEY",
            "FIREWORKS_AI_API_KEY",
            "FIREWORKSAI_API_KEY",
            "FIREWORKS_AI_TOKEN",
        ],
        &["FIREWORKS_API_BASE"],
    ),
    hosted(
        "deepinfra",
        "https://api.deepinfra.com/v1/openai",
        &["DEEPINFRA_API_KEY"],
        &["DEEPINFRA_API_BASE"],
    ),
    Route {
        stream_usage: false,
        ..hosted(
            "perplexity",
            "https://api.perplexity.ai",
            &["PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"],
            &["PERPLEXITY_API_BASE"],
        )
    },
    hosted(
        "xai",
        "https://api.x.ai/v1",
        &["XAI_API_KEY"],
        &["XAI_API_BASE"],
    ),
    hosted(
        "cerebras",
        "https://api.cerebras.ai/v1",
        &["CEREBRAS_API_KEY"],
        &["CEREBRAS_API_BASE"],
    ),
    hosted(
        "openrouter",
        "https://openrouter.ai/api/v1",
        &["OPENROUTER_API_KEY", "OR_API_KEY"],
        &["OPENROUTER_API_BASE"],
    ),
    hosted(
        "nvidia_nim",
        "https://integrate.api.nvidia.com/v1",
        &["NVIDIA_NIM_API_KEY"],
        &["NVIDIA_NIM_API_BASE"],
    ),
    hosted(
        "sambanova",
        "https://api.sambanova.ai/v1",
        &["SAMBANOVA_API_KEY"],
        &["SAMBANOVA_API_BASE"],
    ),
    hosted(
        "meta_llama",
        "https://api.llama.com/compat/v1",
        &["LLAMA_API_KEY"],
        &["LLAMA_API_BASE"],
    ),
    hosted(
        "nebius",
        "https://api.studio.nebius.ai/v1",
        &["NEBIUS_API_KEY"],
        &["NEBIUS_API_BASE"],
    ),
    hosted(
        "ai21_chat",
        "https://api.ai21.com/studio/v1",
        &["AI21_API_KEY"],
        &["AI21_API_BASE"],
    ),
    hosted(
        "volcengine",
        "https://ark.cn-beijing.volces.com/api/v3",
        &["VOLCENGINE_API_KEY"],
        &["VOLCENGINE_API_BASE"],
    ),
    hosted(
        "github",
        "https://models.inference.ai.azure.com",
        &["GITHUB_API_KEY"],
        &["GITHUB_API_BASE"],
    ),
    hosted(
        "friendliai",
        "https://api.friendli.ai/serverless/v1",
        &["FRIENDLIAI_API_KEY", "FRIENDLI_TOKEN"],
        &["FRIENDLI_API_BASE"],
    ),
    hosted(
        "galadriel",
        "https://api.galadriel.com/v1",
        &["GALADRIEL_API_KEY"],
        &["GALADRIEL_API_BASE"],
    ),
    hosted(
        "novita",
        "https://api.novita.ai/v3/openai",
        &["NOVITA_API_KEY"],
        &["NOVITA_API_BASE"],
    ),
    hosted(
        "featherless_ai",
        "https://api.featherless.ai/v1",
        &["FEATHERLESS_AI_API_KEY", "FEATHERLESS_API_KEY"],
        &["FEATHERLESS_AI_API_BASE", "FEATHERLESS_API_BASE"],
    ),
    hosted(
        "nscale",
        "https://inference.api.nscale.com/v1",
        &["NSCALE_API_KEY"],
        &["NSCALE_API_BASE"],
    ),
    hosted(
        "dashscope",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        &["DASHSCOPE_API_KEY"],
        &["DASHSCOPE_API_BASE"],
    ),
    hosted(
        "moonshot",
        "https://api.moonshot.ai/v1",
        &["MOONSHOT_API_KEY"],
        &["MOONSHOT_API_BASE"],
    ),
    hosted(
        "v0",
        "https://api.v0.dev/v1",
        &["V0_API_KEY"],
        &["V0_API_BASE"],
    ),
    hosted(
        "morph",
        "https://api.morphllm.com/v1",
        &["MORPH_API_KEY"],
        &["MORPH_API_BASE"],
    ),
    hosted(
        "lambda_ai",
        "https://api.lambda.ai/v1",
        &["LAMBDA_API_KEY"],
        &["LAMBDA_API_BASE"],
    ),
    hosted(
        "hyperbolic",
        "https://api.hyperbolic.xyz/v1",
        &["HYPERBOLIC_API_KEY"],
        &["HYPERBOLIC_API_BASE"],
    ),
    hosted(
        "empower",
        "https://app.empower.dev/api/v1",
        &["EMPOWER_API_KEY"],
        &["EMPOWER_API_BASE"],
    ),
    // ---- self-hosted OpenAI-compatible servers: no default base (LM Studio, vLLM and a LiteLLM
    // proxy must be located by the deployment) and no key needed.
    self_hosted(
        "hosted_vllm",
        "",
        &["HOSTED_VLLM_API_KEY"],
        &["HOSTED_VLLM_API_BASE"],
    ),
    self_hosted(
        "litellm_proxy",
        "",
        &["LITELLM_PROXY_API_KEY"],
        &["LITELLM_PROXY_API_BASE"],
    ),
    self_hosted(
        "lm_studio",
        "",
        &["LM_STUDIO_API_KEY"],
        &["LM_STUDIO_API_BASE"],
    ),
    self_hosted(
        "llamafile",
        "http://127.0.0.1:8080/v1",
        &["LLAMAFILE_API_KEY"],
        &["LLAMAFILE_API_BASE"],
    ),
    // LiteLLM speaks Ollama's native API (`/api/generate` for `ollama/`, `/api/chat` for
    // `ollama_chat/`); the proxy uses Ollama's OpenAI-compatible `/v1/chat/completions` for both,
    // which serves the same models with the same base and key.
    Route {
        ensure_v1: true,
        ..self_hosted(
            "ollama",
            "http://localhost:11434",
            &["OLLAMA_API_KEY"],
            &["OLLAMA_API_BASE"],
        )
    },
    Route {
        ensure_v1: true,
        ..self_hosted(
            "ollama_chat",
            "http://localhost:11434",
            &["OLLAMA_API_KEY"],
            &["OLLAMA_API_BASE"],
        )
    },
    // ---- litellm/llms/openai_like/providers.json (JSON-configured providers) -------------------
    hosted(
        "publicai",
        "https://api.publicai.co/v1",
        &["PUBLICAI_API_KEY"],
        &["PUBLICAI_API_BASE"],
    ),
    hosted(
        "helicone",
        "https://ai-gateway.helicone.ai/",
        &["HELICONE_API_KEY"],
        &[],
    ),
    hosted(
        "veniceai",
        "https://api.venice.ai/api/v1",
        &["VENICE_AI_API_KEY"],
        &[],
    ),
    hosted(
        "xiaomi_mimo",
        "https://api.xiaomimimo.com/v1",
        &["XIAOMI_MIMO_API_KEY"],
        &[],
    ),
    hosted(
        "scaleway",
        "https://api.scaleway.ai/v1",
        &["SCW_SECRET_KEY"],
        &[],
    ),
    hosted(
        "synthetic",
        "https://api.synthetic.new/openai/v1",
        &["SYNTHETIC_API_KEY"],
        &[],
    ),
    hosted(
        "apertis",
        "https://api.stima.tech/v1",
        &["STIMA_API_KEY"],
        &[],
    ),
    hosted(
        "nano-gpt",
        "https://nano-gpt.com/api/v1",
        &["NANOGPT_API_KEY"],
        &[],
    ),
    hosted("poe", "https://api.poe.com/v1", &["POE_API_KEY"], &[]),
    hosted(
        "chutes",
        "https://llm.chutes.ai/v1/",
        &["CHUTES_API_KEY"],
        &[],
    ),
    hosted(
        "abliteration",
        "https://api.abliteration.ai/v1",
        &["ABLITERATION_API_KEY"],
        &[],
    ),
    hosted(
        "llamagate",
        "https://api.llamagate.dev/v1",
        &["LLAMAGATE_API_KEY"],
        &[],
    ),
    hosted(
        "gmi",
        "https://api.gmi-serving.com/v1",
        &["GMI_API_KEY"],
        &[],
    ),
    hosted(
        "assemblyai",
        "https://llm-gateway.assemblyai.com/v1",
        &["ASSEMBLYAI_API_KEY"],
        &[],
    ),
    hosted(
        "charity_engine",
        "https://api.charityengine.services/remotejobs/v2/inference",
        &["CHARITY_ENGINE_API_KEY"],
        &[],
    ),
    hosted(
        "aihubmix",
        "https://aihubmix.com/v1",
        &["AIHUBMIX_API_KEY"],
        &["AIHUBMIX_API_BASE"],
    ),
    hosted(
        "crusoe",
        "https://managed-inference-api-proxy.crusoecloud.com/v1",
        &["CRUSOE_API_KEY"],
        &["CRUSOE_API_BASE"],
    ),
    // ---- native wire protocols ------------------------------------------------------------------
    native(
        "anthropic",
        Wire::Anthropic,
        "https://api.anthropic.com",
        &["ANTHROPIC_API_KEY"],
        &["ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"],
    ),
    native(
        "gemini",
        Wire::Gemini,
        "https://generativelanguage.googleapis.com/v1beta",
        &["GOOGLE_API_KEY", "GEMINI_API_KEY"],
        &["GEMINI_API_BASE"],
    ),
    // Azure also authenticates with Entra ID (an AD token, client credentials or a managed
    // identity LiteLLM fetches itself), so a missing key variable proves nothing.
    Route {
        key_required: false,
        ..native(
            "azure",
            Wire::Azure,
            "",
            &["AZURE_OPENAI_API_KEY", "AZURE_API_KEY"],
            &["AZURE_API_BASE"],
        )
    },
];

/// The route of a provider prefix, if the proxy has one.
pub fn route(provider: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.provider == provider)
}

/// The provider prefixes the proxy routes, in table order.
pub fn routable() -> impl Iterator<Item = &'static str> {
    ROUTES.iter().map(|r| r.provider)
}

/// The provider LiteLLM infers for a model id written without a prefix: what the newest
/// version's `get_llm_provider` resolves it to (else an older one's; see `crate::price_table`),
/// else OpenAI (which also serves `*`).
pub fn bare_model_provider(model: &str) -> &'static str {
    crate::litellm_version::LiteLlmVersion::ALL
        .into_iter()
        .rev()
        .find_map(|v| crate::price_table::bare_provider(model, v))
        .unwrap_or("openai")
}

/// The provider a deployment's calls go to, as LiteLLM resolves it: `custom_llm_provider`, else
/// the model's prefix, else the provider the price table gives a bare id.
pub fn deployment_provider<'m>(model: &'m str, custom_llm_provider: Option<&'m str>) -> &'m str {
    if let Some(provider) = custom_llm_provider {
        return provider;
    }
    match model.split_once('/') {
        Some((prefix, _)) => prefix,
        None => bare_model_provider(model),
    }
}

/// The model id a deployment's calls send upstream: `litellm_params.model` without its
/// provider (the `custom_llm_provider/` prefix when that is set, else everything up to the first
/// `/`); a bare id (`gpt-4o`) or `*` as written. May contain `*` (a wildcard deployment).
pub fn upstream_model<'m>(model: &'m str, custom_llm_provider: Option<&str>) -> &'m str {
    match custom_llm_provider {
        Some(provider) => model
            .strip_prefix(provider)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(model),
        None => model.split_once('/').map_or(model, |(_, rest)| rest),
    }
}

fn first_set<'e>(env: &'e Environment, names: &[&str]) -> Option<&'e str> {
    names.iter().find_map(|name| env.get_non_empty(name))
}

impl Route {
    /// `api_base` when the deployment gives none: the env override, then the public URL.
    pub fn default_api_base(&self, env: &Environment) -> Option<String> {
        first_set(env, self.base_env)
            .or((!self.default_base.is_empty()).then_some(self.default_base))
            .map(str::to_string)
    }

    /// The key when the deployment gives none (never printed or logged by callers).
    pub fn default_api_key<'e>(&self, env: &'e Environment) -> Option<&'e str> {
        first_set(env, self.key_env)
    }

    /// The chat completions URL under `api_base`, as LiteLLM builds it for this provider.
    pub fn chat_url(&self, api_base: &str) -> String {
        let base = api_base.trim_end_matches('/');
        if self.ensure_v1 && !base.ends_with("/v1") {
            format!("{base}/v1/chat/completions")
        } else {
            format!("{base}/chat/completions")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_routable_prefix_is_a_litellm_provider_and_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for route in ROUTES {
            assert!(
                crate::litellm::providers::is_provider(route.provider),
                "`{}` is not in LiteLLM's provider list",
                route.provider
            );
            assert!(seen.insert(route.provider), "`{}` twice", route.provider);
            assert!(
                !route.key_env.is_empty(),
                "`{}` has no key env",
                route.provider
            );
        }
    }

    #[test]
    fn env_overrides_come_first_and_empty_values_count_as_unset() {
        let Some(mistral) = route("mistral") else {
            panic!("mistral is routable")
        };
        let mut env = Environment::empty();
        assert_eq!(
            mistral.default_api_base(&env).as_deref(),
            Some("https://api.mistral.ai/v1")
        );
        env.set("MISTRAL_AZURE_API_BASE", "");
        env.set("MISTRAL_API_BASE", "http://127.0.0.1:9");
        assert_eq!(
            mistral.default_api_base(&env).as_deref(),
            Some("http://127.0.0.1:9")
        );
        env.set("MISTRAL_API_KEY", "k2");
        assert_eq!(mistral.default_api_key(&env), Some("k2"));
        env.set("MISTRAL_AZURE_API_KEY", "k1");
        assert_eq!(mistral.default_api_key(&env), Some("k1"));
        assert_eq!(
            route("lm_studio").and_then(|r| r.default_api_base(&Environment::empty())),
            None
        );
    }

    #[test]
    fn chat_urls_add_v1_where_litellm_does() {
        let url = |p: &str, base: &str| route(p).map(|r| r.chat_url(base));
        assert_eq!(
            url("mistral", "http://m/"),
            Some("http://m/v1/chat/completions".into())
        );
        assert_eq!(
            url("mistral", "http://m/v1"),
            Some("http://m/v1/chat/completions".into())
        );
        assert_eq!(
            url("ollama_chat", "http://localhost:11434"),
            Some("http://localhost:11434/v1/chat/completions".into())
        );
        assert_eq!(
            url("groq", "https://api.groq.com/openai/v1"),
            Some("https://api.groq.com/openai/v1/chat/completions".into())
        );
        assert_eq!(url("bedrock", "x"), None);
    }
}
