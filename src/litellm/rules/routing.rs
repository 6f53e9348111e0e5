//! Deployments as the providers will see them: whether `litellm-proxy` can route the provider
//! (LL066) and whether a hosted provider will get a key (LL067). Both read the route table in
//! `crate::provider_routes`, the one the proxy uses.

use crate::diagnostic::{pointer, Code, Diagnostic, Severity};
use crate::litellm::env_value::ENV_PREFIX;
use crate::litellm::providers;
use crate::provider_routes::{self, Route, Wire};
use crate::syntax::Node;

use super::Context;

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, deployment) in ctx.deployments() {
        let Some(params) = deployment
            .get("litellm_params")
            .filter(|p| p.as_map().is_some())
        else {
            continue;
        };
        let Some(model_node) = params.get("model") else {
            continue;
        };
        let Some(model) = model_node.as_str() else {
            continue;
        };
        if model.starts_with(ENV_PREFIX) || model.starts_with("auto_router/") {
            continue;
        }
        let custom_node = params.get("custom_llm_provider");
        let custom = custom_node.and_then(Node::as_str);
        let provider = provider_routes::deployment_provider(model, custom);
        let index = i.to_string();
        let handlers: Vec<String> = custom_handlers(ctx).map(str::to_string).collect();
        let api_base = params.get("api_base").and_then(Node::as_str);
        // A provider LiteLLM cannot resolve is LL031's finding, not a routing one.
        if providers::resolved_versions(model, custom, api_base, &handlers, ctx.versions).is_empty()
            || !(providers::is_provider(provider) || handlers.iter().any(|h| h == provider))
        {
            continue;
        }
        match provider_routes::route(provider) {
            // Only litellm-proxy skips it; LiteLLM serves it.
            None if !ctx.for_proxy => {}
            None => {
                let node = custom_node
                    .filter(|_| custom.is_some())
                    .unwrap_or(model_node);
                let field = if custom.is_some() {
                    "custom_llm_provider"
                } else {
                    "model"
                };
                out.push(
                    Diagnostic::new(
                        Code::ProxyCannotRoute,
                        node.span,
                        format!("litellm-proxy cannot route provider `{provider}`: it skips this deployment at start-up (LiteLLM itself serves it)"),
                    )
                    .with_label("not routable by litellm-proxy")
                    .with_help(routable_help())
                    .with_pointer(pointer(["model_list", &index, "litellm_params", field])),
                );
            }
            Some(route) => key_unset(ctx, params, route, &index, out),
        }
    }
}

/// Providers registered through `litellm_settings.custom_provider_map` (Python handlers).
fn custom_handlers<'a>(ctx: &'a Context) -> impl Iterator<Item = &'a str> {
    ctx.section("litellm_settings")
        .and_then(|s| s.get("custom_provider_map"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| e.get("provider").and_then(Node::as_str))
}

fn routable_help() -> &'static str {
    "litellm-proxy routes the OpenAI-compatible providers (openai, groq, mistral, deepseek, together_ai, openrouter, ollama, hosted_vllm, ...), anthropic, gemini and azure; serve this deployment with LiteLLM, or reach the model through one of those (e.g. `openai/<model>` or `hosted_vllm/<model>` with an `api_base` that speaks the OpenAI API)"
}

/// LL067: no `api_key`, no credential, and none of the provider's key variables set.
fn key_unset(ctx: &Context, params: &Node, route: &Route, index: &str, out: &mut Vec<Diagnostic>) {
    if !route.key_required {
        return;
    }
    let given = |key: &str| params.get(key).is_some_and(|v| !v.is_null());
    // A key in the file (literal or `os.environ/`, which LL050 checks), a credential, or an Azure
    // AD token all stand in for the provider's key variable.
    if ["api_key", "litellm_credential_name", "azure_ad_token"]
        .iter()
        .any(|k| given(k))
    {
        return;
    }
    let set = |name: &&str| ctx.env.is_set_non_empty(name);
    if route.key_env.iter().any(set) {
        return;
    }
    let Some(model) = params.get("model") else {
        return;
    };
    let names = route
        .key_env
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let severity = if ctx.require_env {
        Severity::Error
    } else {
        Severity::Warning
    };
    out.push(
        Diagnostic::new(
            Code::ProviderKeyUnset,
            model.span,
            format!(
                "no `api_key` and {names} is not set: every request to this `{}` deployment fails, LiteLLM has no key to send",
                route.provider
            ),
        )
        .with_severity(severity)
        .with_label("no key for this provider")
        .with_help(key_help(route, given("api_base")))
        .with_pointer(pointer(["model_list", index, "litellm_params", "model"])),
    );
}

fn key_help(route: &Route, own_base: bool) -> String {
    let first = route.key_env.first().copied().unwrap_or("NAME");
    let mut help = format!(
        "set {first} where the proxy runs, or add `api_key: os.environ/{first}` to litellm_params"
    );
    if own_base && route.wire == Wire::OpenAiCompatible {
        help.push_str("; a server behind `api_base` that needs no key still needs a placeholder (`api_key: none`), since LiteLLM's OpenAI client refuses to send without one");
    }
    help
}
