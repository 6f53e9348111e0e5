//! The OpenAI-compatible provider family: a deployment written `model: <provider>/<id>` with only
//! the provider's own key variable set (and its base-URL variable pointing at the mock, since tests
//! cannot reach the providers) reaches the upstream with that key and at the path LiteLLM uses.
//! The default bases themselves are spot-checked against values copied from LiteLLM's source.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use litellm_check::provider_routes::{self, Wire};
use proxy_support::*;

/// (provider, model id, key variable, key, base variable, base given without `/v1`, path expected)
const SAMPLE: &[(&str, &str, &str, &str, &str, bool, &str)] = &[
    (
        "groq",
        "llama-3.3-70b-versatile",
        "GROQ_API_KEY",
        "gsk-groq",
        "GROQ_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "deepseek",
        "deepseek-chat",
        "DEEPSEEK_API_KEY",
        "sk-deepseek",
        "DEEPSEEK_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    // LiteLLM appends `/v1` to a Mistral base that lacks it.
    (
        "mistral",
        "mistral-small-latest",
        "MISTRAL_API_KEY",
        "ms-mistral",
        "MISTRAL_API_BASE",
        true,
        "/v1/chat/completions",
    ),
    // The second of Together's four key variables, and its base variable `TOGETHER_AI_API_BASE`.
    (
        "together_ai",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "TOGETHER_AI_API_KEY",
        "tg-together",
        "TOGETHER_AI_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "fireworks_ai",
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
        "FIREWORKS_AI_API_KEY",
        "fw-fireworks",
        "FIREWORKS_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "openrouter",
        "anthropic/claude-3.5-sonnet",
        "OPENROUTER_API_KEY",
        "sk-or-openrouter",
        "OPENROUTER_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "xai",
        "grok-3-mini",
        "XAI_API_KEY",
        "xai-key",
        "XAI_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "perplexity",
        "sonar",
        "PERPLEXITY_API_KEY",
        "pplx-key",
        "PERPLEXITY_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "deepinfra",
        "meta-llama/Meta-Llama-3.1-8B-Instruct",
        "DEEPINFRA_API_KEY",
        "di-key",
        "DEEPINFRA_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "cerebras",
        "llama3.1-8b",
        "CEREBRAS_API_KEY",
        "csk-key",
        "CEREBRAS_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "nvidia_nim",
        "meta/llama3-8b-instruct",
        "NVIDIA_NIM_API_KEY",
        "nvapi-key",
        "NVIDIA_NIM_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    (
        "hosted_vllm",
        "Qwen/Qwen2.5-7B-Instruct",
        "HOSTED_VLLM_API_KEY",
        "vllm-key",
        "HOSTED_VLLM_API_BASE",
        false,
        "/v1/chat/completions",
    ),
    // Ollama's base is written without `/v1`; the proxy calls its OpenAI-compatible API under it.
    (
        "ollama_chat",
        "llama3.2",
        "OLLAMA_API_KEY",
        "ollama-key",
        "OLLAMA_API_BASE",
        true,
        "/v1/chat/completions",
    ),
    (
        "moonshot",
        "kimi-k2-0711-preview",
        "MOONSHOT_API_KEY",
        "sk-moonshot",
        "MOONSHOT_API_BASE",
        false,
        "/v1/chat/completions",
    ),
];

#[tokio::test]
async fn each_provider_gets_its_own_key_at_litellms_path() {
    let mut yaml = String::from("model_list:\n");
    for (provider, model, ..) in SAMPLE {
        yaml.push_str(&format!(
            "  - model_name: {provider}\n    litellm_params: {{model: {provider}/{model}}}\n"
        ));
    }
    yaml.push_str("general_settings: {master_key: sk-test-master-key}\n");
    // This test's own upstream (the harness's mock is unused: no `API_BASE` in the config), so
    // the environment can point at it before the proxy starts.
    let mock = mock_upstream::MockUpstream::start()
        .await
        .unwrap_or_else(|e| panic!("mock: {e}"));
    let with_v1 = mock.api_base();
    let without_v1 = with_v1.trim_end_matches("/v1").to_string();
    let mut env = Environment::empty();
    // A key for another provider must never be sent to these.
    env.set("OPENAI_API_KEY", "sk-openai-must-not-leak");
    for (_, _, key_var, key, base_var, bare, _) in SAMPLE {
        env.set(*key_var, *key);
        env.set(*base_var, if *bare { &without_v1 } else { &with_v1 });
    }
    let h = start_with_env("providers-keys", &yaml, env).await;
    for (provider, model, _, key, _, _, path) in SAMPLE {
        let reply = h.chat(provider).await;
        assert_eq!(reply.status, 200, "{provider}: {}", reply.text);
        let seen = mock
            .last_request(model)
            .unwrap_or_else(|| panic!("{provider}: the upstream never saw `{model}`"));
        assert_eq!(seen.path, *path, "{provider}");
        assert_eq!(
            seen.header("authorization"),
            Some(format!("Bearer {key}").as_str()),
            "{provider} sends its own key"
        );
        assert_eq!(seen.body["model"], *model, "{provider}: prefix stripped");
    }
}

#[test]
fn default_bases_and_key_variables_are_litellms() {
    // Copied from LiteLLM's source; the file each value comes from is named.
    let expected: &[(&str, &str, &str, &str)] = &[
        // litellm/llms/groq/chat/transformation.py (GroqChatConfig._get_openai_compatible_provider_info)
        (
            "groq",
            "https://api.groq.com/openai/v1",
            "GROQ_API_KEY",
            "GROQ_API_BASE",
        ),
        // litellm/litellm_core_utils/get_llm_provider_logic.py (deepseek branch: /beta, not /v1)
        (
            "deepseek",
            "https://api.deepseek.com/beta",
            "DEEPSEEK_API_KEY",
            "DEEPSEEK_API_BASE",
        ),
        // litellm/llms/mistral/chat/transformation.py (MistralConfig)
        (
            "mistral",
            "https://api.mistral.ai/v1",
            "MISTRAL_AZURE_API_KEY",
            "MISTRAL_AZURE_API_BASE",
        ),
        // get_llm_provider_logic.py (together_ai branch: TOGETHER_API_KEY first, TOGETHER_AI_API_BASE)
        (
            "together_ai",
            "https://api.together.xyz/v1",
            "TOGETHER_API_KEY",
            "TOGETHER_AI_API_BASE",
        ),
        // litellm/llms/fireworks_ai/chat/transformation.py (FireworksAIConfig)
        (
            "fireworks_ai",
            "https://api.fireworks.ai/inference/v1",
            "FIREWORKS_API_KEY",
            "FIREWORKS_API_BASE",
        ),
        // litellm/llms/deepinfra/chat/transformation.py (DeepInfraConfig)
        (
            "deepinfra",
            "https://api.deepinfra.com/v1/openai",
            "DEEPINFRA_API_KEY",
            "DEEPINFRA_API_BASE",
        ),
        // litellm/llms/perplexity/chat/transformation.py (PerplexityChatConfig)
        (
            "perplexity",
            "https://api.perplexity.ai",
            "PERPLEXITYAI_API_KEY",
            "PERPLEXITY_API_BASE",
        ),
        // get_llm_provider_logic.py (nvidia_nim, cerebras, sambanova, github, friendliai, galadriel, novita, nebius, volcengine, codestral branches)
        (
            "nvidia_nim",
            "https://integrate.api.nvidia.com/v1",
            "NVIDIA_NIM_API_KEY",
            "NVIDIA_NIM_API_BASE",
        ),
        (
            "cerebras",
            "https://api.cerebras.ai/v1",
            "CEREBRAS_API_KEY",
            "CEREBRAS_API_BASE",
        ),
        (
            "sambanova",
            "https://api.sambanova.ai/v1",
            "SAMBANOVA_API_KEY",
            "SAMBANOVA_API_BASE",
        ),
        (
            "github",
            "https://models.inference.ai.azure.com",
            "GITHUB_API_KEY",
            "GITHUB_API_BASE",
        ),
        (
            "friendliai",
            "https://api.friendli.ai/serverless/v1",
            "FRIENDLIAI_API_KEY",
            "FRIENDLI_API_BASE",
        ),
        (
            "galadriel",
            "https://api.galadriel.com/v1",
            "GALADRIEL_API_KEY",
            "GALADRIEL_API_BASE",
        ),
        (
            "novita",
            "https://api.novita.ai/v3/openai",
            "NOVITA_API_KEY",
            "NOVITA_API_BASE",
        ),
        (
            "nebius",
            "https://api.studio.nebius.ai/v1",
            "NEBIUS_API_KEY",
            "NEBIUS_API_BASE",
        ),
        (
            "volcengine",
            "https://ark.cn-beijing.volces.com/api/v3",
            "VOLCENGINE_API_KEY",
            "VOLCENGINE_API_BASE",
        ),
        (
            "codestral",
            "https://codestral.mistral.ai/v1",
            "CODESTRAL_API_KEY",
            "CODESTRAL_API_BASE",
        ),
        // litellm/llms/moonshot/chat/transformation.py, dashscope/, lambda_ai/, hyperbolic/, nscale/
        (
            "moonshot",
            "https://api.moonshot.ai/v1",
            "MOONSHOT_API_KEY",
            "MOONSHOT_API_BASE",
        ),
        (
            "dashscope",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            "DASHSCOPE_API_KEY",
            "DASHSCOPE_API_BASE",
        ),
        (
            "lambda_ai",
            "https://api.lambda.ai/v1",
            "LAMBDA_API_KEY",
            "LAMBDA_API_BASE",
        ),
        (
            "hyperbolic",
            "https://api.hyperbolic.xyz/v1",
            "HYPERBOLIC_API_KEY",
            "HYPERBOLIC_API_BASE",
        ),
        (
            "nscale",
            "https://inference.api.nscale.com/v1",
            "NSCALE_API_KEY",
            "NSCALE_API_BASE",
        ),
        // litellm/llms/llamafile/chat/transformation.py
        (
            "llamafile",
            "http://127.0.0.1:8080/v1",
            "LLAMAFILE_API_KEY",
            "LLAMAFILE_API_BASE",
        ),
        // litellm/main.py (openrouter branch)
        (
            "openrouter",
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY",
            "OPENROUTER_API_BASE",
        ),
        // litellm/llms/openai_like/providers.json
        (
            "veniceai",
            "https://api.venice.ai/api/v1",
            "VENICE_AI_API_KEY",
            "",
        ),
        // litellm/llms/hosted_vllm/chat/transformation.py: no default base
        (
            "hosted_vllm",
            "",
            "HOSTED_VLLM_API_KEY",
            "HOSTED_VLLM_API_BASE",
        ),
    ];
    for (provider, base, key, base_env) in expected {
        let route = provider_routes::route(provider)
            .unwrap_or_else(|| panic!("`{provider}` is not in the route table"));
        assert_eq!(route.wire, Wire::OpenAiCompatible, "{provider}");
        assert_eq!(route.default_base, *base, "{provider} default base");
        assert_eq!(route.key_env.first(), Some(key), "{provider} key variable");
        assert_eq!(
            route.base_env.first().copied().unwrap_or(""),
            *base_env,
            "{provider} base variable"
        );
        let resolved = route.default_api_base(&Environment::empty());
        assert_eq!(resolved.as_deref().unwrap_or(""), *base, "{provider}");
    }
}

#[test]
fn providers_the_proxy_cannot_route_have_no_route() {
    for provider in [
        "bedrock",
        "vertex_ai",
        "cohere",
        "sagemaker",
        "cloudflare",
        "text-completion-codestral",
    ] {
        assert!(provider_routes::route(provider).is_none(), "{provider}");
    }
}

#[tokio::test]
async fn the_openai_sdk_reaches_provider_deployments_through_the_proxy() {
    if !openai_sdk_installed() {
        return;
    }
    let mock = mock_upstream::MockUpstream::start()
        .await
        .unwrap_or_else(|e| panic!("mock: {e}"));
    let base = mock.api_base();
    let mut env = Environment::empty();
    for (name, value) in [
        ("GROQ_API_KEY", "gsk-sdk"),
        ("GROQ_API_BASE", base.as_str()),
        ("MISTRAL_API_KEY", "ms-sdk"),
        ("MISTRAL_API_BASE", base.as_str()),
        ("DEEPSEEK_API_KEY", "sk-sdk"),
        ("DEEPSEEK_API_BASE", base.as_str()),
        ("OLLAMA_API_BASE", base.trim_end_matches("/v1")),
    ] {
        env.set(name, value);
    }
    let yaml = "model_list:
  - {model_name: groq, litellm_params: {model: groq/openai/gpt-oss-120b}}
  - {model_name: groq-small, litellm_params: {model: groq/small-context-length}}
  - {model_name: mistral, litellm_params: {model: mistral/mistral-small-latest}}
  - {model_name: deepseek, litellm_params: {model: deepseek/deepseek-chat}}
  - {model_name: ollama, litellm_params: {model: ollama/llama3.2}}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
";
    let h = start_with_env("providers-sdk", yaml, env).await;
    run_sdk_script(
        &h,
        "sdk_providers.py",
        &[("MOCK_URL", format!("http://{}", mock.addr()))],
    )
    .await;
}
