//! Provider rules beyond the schema: custom provider ids need `baseUrl` and `models`; API keys
//! should not be literal secrets.

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::syntax::Node;

use super::env::Substitutions;

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

/// Providers a model ref may name without configuring them: what OpenClaw 2026.9.6's doctor
/// and resolver know from the bundled plugin manifests (providers, model-catalog providers, CLI
/// backends), checked by asking `openclaw doctor --lint` about every overlay id. Most overlay
/// ids (`groq`, `deepseek`, `zai`, ...) are *not* known until configured or a plugin is installed.
pub const KNOWN_PROVIDERS: &[&str] = &[
    "anthropic",
    "apple-fm",
    "azure-openai-responses",
    "claude-cli",
    "clawrouter",
    "copilot-proxy",
    "fal",
    "github-copilot",
    "google",
    "google-gemini-cli",
    "google-vertex",
    "huggingface",
    "litellm",
    "lmstudio",
    "microsoft-foundry",
    "minimax",
    "minimax-portal",
    "nvidia",
    "ollama",
    "ollama-cloud",
    "openai",
    "opencode-go",
    "openrouter",
    "sglang",
    "together",
    "vllm",
    "x-ai",
    "xai",
];

/// Whether a ref's provider is known without `models.providers` configuration.
pub fn is_bundled(id: &str) -> bool {
    KNOWN_PROVIDERS.contains(&id.to_ascii_lowercase().as_str())
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

pub fn check(root: &Node, substituted: &Substitutions, out: &mut Vec<Diagnostic>) {
    if let Some(url) = root
        .get("models")
        .and_then(|m| m.get("catalogRefresh"))
        .and_then(|c| c.get("url"))
    {
        check_catalog_url(url, out);
    }
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
                let declared = match provider.get(field) {
                    // An empty `baseUrl` counts as missing.
                    Some(value) => value.as_str().is_none_or(|s| !s.trim().is_empty()),
                    None => false,
                };
                if !declared {
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
        let base = ["models", "providers", id.as_str()];
        if let Some(key) = provider.get("apiKey") {
            check_secret_ref(key, &[&base[..], &["apiKey"]].concat(), substituted, out);
        }
        let header_maps = [
            (provider.get("headers"), vec!["headers"]),
            (
                provider.get("request").and_then(|r| r.get("headers")),
                vec!["request", "headers"],
            ),
        ];
        for (headers, at) in header_maps {
            for header in headers.and_then(Node::as_map).unwrap_or_default() {
                let name = header.key.scalar_text();
                let path: Vec<&str> = base
                    .iter()
                    .chain(at.iter())
                    .copied()
                    .chain([name.as_str()])
                    .collect();
                check_secret_ref(&header.value, &path, substituted, out);
            }
        }
        if let Some(key) = provider.get("apiKey") {
            if let Some(text) = key.as_str() {
                let from_env = substituted.contains(key.span) || text.contains("${");
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

fn matches_pattern(
    text: &str,
    first: fn(char) -> bool,
    rest: fn(char) -> bool,
    max: usize,
) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(first) && text.chars().count() <= max && chars.all(rest)
}

/// SecretRef shape rules beyond the schema: the provider alias and, for `env`/`store`, the id.
fn check_secret_ref(
    node: &Node,
    path: &[&str],
    substituted: &Substitutions,
    out: &mut Vec<Diagnostic>,
) {
    if node.as_map().is_none() {
        return;
    }
    if let Some(provider) = node.get("provider") {
        if let Some(alias) = provider.as_str() {
            let ok = matches_pattern(
                alias,
                |c| c.is_ascii_lowercase(),
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-',
                64,
            );
            if !ok {
                out.push(
                    Diagnostic::new(
                        Code::OcInvalidValue,
                        provider.span,
                        format!(
                            "secret provider alias `{}` must match /^[a-z][a-z0-9_-]{{0,63}}$/",
                            substituted.shown(provider).unwrap_or(alias)
                        ),
                    )
                    .with_pointer(pointer(path.iter().copied().chain(["provider"]))),
                );
            }
        }
    }
    let source = node.get("source").and_then(Node::as_str);
    if !matches!(source, Some("env" | "store")) {
        return;
    }
    if let Some(id) = node.get("id") {
        if let Some(text) = id.as_str() {
            let ok = matches_pattern(
                text,
                |c| c.is_ascii_uppercase(),
                |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_',
                128,
            );
            if !ok {
                out.push(
                    Diagnostic::new(Code::OcInvalidValue, id.span, format!("secret reference id `{}` must match /^[A-Z][A-Z0-9_]{{0,127}}$/ (example: \"OPENAI_API_KEY\")", substituted.shown(id).unwrap_or(text)))
                        .with_pointer(pointer(path.iter().copied().chain(["id"]))),
                );
            }
        }
    }
}

/// `models.catalogRefresh.url` must be https, or http on a loopback host.
fn check_catalog_url(url: &Node, out: &mut Vec<Diagnostic>) {
    let Some(text) = url.as_str() else { return };
    let lower = text.trim().to_ascii_lowercase();
    let loopback = ["localhost", "127.0.0.1", "[::1]"].iter().any(|host| {
        lower
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_prefix(host))
            .is_some_and(|after| after.is_empty() || after.starts_with([':', '/', '?', '#']))
    });
    if !lower.starts_with("https://") && !loopback {
        out.push(
            Diagnostic::new(
                Code::OcInvalidValue,
                url.span,
                "models.catalogRefresh.url must use https, or http on localhost",
            )
            .with_pointer("/models/catalogRefresh/url"),
        );
    }
}
