//! Provider rules beyond the schema: custom provider ids need `baseUrl` and `models`; API keys
//! should not be literal secrets.

use std::collections::HashSet;

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::syntax::{Node, Span};

/// `BUILT_IN_MODEL_PROVIDER_OVERLAY_IDS` of OpenClaw 2026.9.6: ids that may appear under
/// `models.providers` without `baseUrl`/`models`.
pub const OVERLAY_IDS: &[&str] = &[
    "amazon-bedrock",
    "amazon-bedrock-mantle",
    "anthropic",
    "anthropic-vertex",
    "arcee",
    "azure-openai-responses",
    "byteplus",
    "byteplus-plan",
    "cerebras",
    "chutes",
    "claude-cli",
    "clawrouter",
    "cloudflare-ai-gateway",
    "codex",
    "comfy",
    "copilot-proxy",
    "dashscope",
    "deepinfra",
    "deepseek",
    "fal",
    "fireworks",
    "github-copilot",
    "gmi",
    "gmi-cloud",
    "gmicloud",
    "google",
    "google-antigravity",
    "google-gemini-cli",
    "google-vertex",
    "groq",
    "huggingface",
    "kilocode",
    "kimi",
    "kimi-coding",
    "litellm",
    "lmstudio",
    "meta",
    "microsoft-foundry",
    "minimax",
    "minimax-portal",
    "mistral",
    "modelstudio",
    "moonshot",
    "moonshot-ai",
    "moonshotai",
    "nvidia",
    "novita",
    "novita-ai",
    "novitaai",
    "ollama",
    "ollama-cloud",
    "openai",
    "opencode",
    "opencode-go",
    "openrouter",
    "qianfan",
    "qwen",
    "qwen-token-plan",
    "qwencloud",
    "sglang",
    "stepfun",
    "stepfun-plan",
    "synthetic",
    "tencent-tokenhub",
    "tencent-tokenplan",
    "together",
    "venice",
    "vercel-ai-gateway",
    "vllm",
    "volcengine",
    "volcengine-plan",
    "vydra",
    "x-ai",
    "xai",
    "xiaomi",
    "xiaomi-token-plan",
    "z.ai",
    "z-ai",
    "zai",
];

/// Providers known without configuration: the overlay ids plus the provider plugins and CLI
/// backends shipped in the 2026.9.6 package.
pub fn is_bundled(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    OVERLAY_IDS.contains(&id.as_str()) || ["apple-fm", "alibaba", "azure"].contains(&id.as_str())
}

/// Placeholders local servers accept as a key: not secrets.
const PLACEHOLDER_KEYS: &[&str] = &[
    "ollama",
    "ollama-local",
    "lm-studio",
    "lmstudio",
    "none",
    "dummy",
    "not-needed",
    "empty",
    "local",
    "sk-no-key-required",
];

pub fn check(root: &Node, substituted: &HashSet<Span>, out: &mut Vec<Diagnostic>) {
    let Some(providers) = root
        .get("models")
        .and_then(|m| m.get("providers"))
        .and_then(Node::as_map)
    else {
        return;
    };
    for entry in providers {
        let id = entry.key.scalar_text();
        let provider = &entry.value;
        if provider.as_map().is_none() {
            continue;
        }
        if !OVERLAY_IDS.contains(&id.to_ascii_lowercase().as_str()) {
            for (field, what) in [("baseUrl", "baseUrl"), ("models", "models")] {
                if provider.get(field).is_none() {
                    out.push(
                        Diagnostic::new(Code::OcCustomProviderIncomplete, entry.key.span, format!("custom model providers must declare {what}; `{id}` is not a bundled provider"))
                            .with_pointer(pointer(["models", "providers", id.as_str(), field]))
                            .with_help(match crate::suggest::closest(&id, OVERLAY_IDS.iter().copied()) {
                                Some(bundled) => format!("did you mean the bundled provider `{bundled}`? Otherwise add `{field}`"),
                                None => format!("add `{field}` (overlays without it are only supported for bundled providers)"),
                            }),
                    );
                }
            }
        }
        if let Some(key) = provider.get("apiKey") {
            if let Some(text) = key.as_str() {
                let from_env = substituted.contains(&key.span) || text.contains("${");
                if !from_env
                    && !text.trim().is_empty()
                    && !PLACEHOLDER_KEYS.contains(&text.to_ascii_lowercase().as_str())
                {
                    out.push(
                        Diagnostic::new(Code::OcLiteralApiKey, key.span, format!("`models.providers.{id}.apiKey` is a literal secret"))
                            .with_pointer(pointer(["models", "providers", id.as_str(), "apiKey"]))
                            .with_help(format!("use `\"${{{}_API_KEY}}\"` and set the variable in the environment or `env.vars`", id.to_ascii_uppercase().replace(['-', '.'], "_"))),
                    );
                }
            }
        }
    }
}
