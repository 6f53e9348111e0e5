//! `model_list` entries: required shape, provider resolution, group weights and environments.

use crate::diagnostic::{pointer, Applicability, Code, Diagnostic, Fix, Severity};
use crate::litellm::env_value::ENV_PREFIX;
use crate::litellm::providers::{self, ProviderResolution};
use crate::suggest::Suggester;
use crate::syntax::Node;

use super::Context;

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let custom_providers = custom_providers(ctx);
    // One search per distinct unknown provider, however many deployments repeat it.
    let known_providers = Suggester::new(providers::providers().iter().copied());
    for (i, deployment) in ctx.deployments() {
        let index = i.to_string();
        if let Some(entry) = deployment.entry("model_info") {
            if entry.value.is_null() {
                out.push(
                    Diagnostic::new(
                        Code::ModelEntryInvalid,
                        entry.key.span,
                        "`model_info` is empty (null): LiteLLM crashes at start-up reading it",
                    )
                    .with_help("remove `model_info:` or give it fields")
                    .with_pointer(pointer([
                        "model_list",
                        &index,
                        "model_info",
                    ])),
                );
            }
        }
        check_provider(
            ctx.sources,
            deployment,
            &index,
            &custom_providers,
            &known_providers,
            out,
        );
        check_environments(ctx, deployment, &index, out);
    }
    check_group_weights(ctx, out);
}

/// Providers registered through `litellm_settings.custom_provider_map`.
fn custom_providers(ctx: &Context) -> Vec<String> {
    ctx.section("litellm_settings")
        .and_then(|s| s.get("custom_provider_map"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| e.get("provider").and_then(Node::as_str).map(str::to_string))
        .collect()
}

/// The provider `written` near-misses, when it is the only one that near ([`crate::suggest::unique_near_miss`]).
fn near_miss_provider(known: &Suggester, written: &str) -> Option<&'static str> {
    known.closest(written)?;
    crate::suggest::unique_near_miss(written, providers::providers().iter().copied())
}

/// The provider a bare id is listed under in LiteLLM's price table (`groq/llama3-70b-8192` for
/// `llama3-70b-8192`), when exactly one provider lists it.
fn only_provider_of(model: &str) -> Option<&'static str> {
    let mut found: Option<&'static str> = None;
    for key in crate::price_table::keys() {
        let Some((provider, rest)) = key.split_once('/') else {
            continue;
        };
        if rest != model || !providers::is_provider(provider) {
            continue;
        }
        match found {
            Some(other) if other != provider => return None,
            _ => found = Some(provider),
        }
    }
    found
}

fn check_provider(
    ctx_sources: &crate::syntax::SourceMap,
    deployment: &Node,
    index: &str,
    custom: &[String],
    known_providers: &Suggester,
    out: &mut Vec<Diagnostic>,
) {
    let Some(params) = deployment
        .get("litellm_params")
        .filter(|p| p.as_map().is_some())
    else {
        return;
    };
    let Some(model_node) = params.get("model") else {
        return;
    };
    let Some(model) = model_node.as_str() else {
        return;
    };
    if model.starts_with(ENV_PREFIX) {
        return;
    }
    if let Some(strategy) = model.strip_prefix("auto_router/") {
        const CONFIGS: [&str; 5] = [
            "auto_router_config_path",
            "auto_router_config",
            "complexity_router_config",
            "adaptive_router_config",
            "quality_router_config",
        ];
        if !CONFIGS
            .iter()
            .any(|k| params.get(k).is_some_and(|v| !v.is_null()))
        {
            out.push(
                Diagnostic::new(Code::ModelEntryInvalid, model_node.span, format!("auto-router deployment `{strategy}` has no router config: LiteLLM drops it (`auto_router_config_path or auto_router_config is required`)"))
                    .with_help(format!("add one of {} to litellm_params", CONFIGS.join(", ")))
                    .with_pointer(pointer(["model_list", index, "litellm_params"])),
            );
        }
        return;
    }
    let custom_provider = params.get("custom_llm_provider").and_then(Node::as_str);
    if let Some(provider) = custom_provider {
        if !providers::is_provider(provider) && !custom.iter().any(|c| c == provider) {
            let node = params.get("custom_llm_provider").unwrap_or(model_node);
            let help = known_providers.did_you_mean(provider)
                .unwrap_or_else(|| "use a provider from LiteLLM's list (see README) or register it in `litellm_settings.custom_provider_map`".into());
            let fix = near_miss_provider(known_providers, provider).and_then(|to| {
                let edit = crate::fixes::replace_string(ctx_sources, node, provider, to)?;
                Some(Fix::safe(format!("Replace `{provider}` with `{to}`"), edit))
            });
            out.push(
                Diagnostic::new(Code::UnknownProvider, node.span, format!("unknown provider `{provider}`: LiteLLM drops this deployment (`Unsupported provider`)"))
                    .with_help(help)
                    .with_pointer(pointer(["model_list", index, "litellm_params", "custom_llm_provider"]))
                    .with_fix_opt(fix),
            );
        }
        return;
    }
    let api_base = params.get("api_base").and_then(Node::as_str);
    let ptr = || pointer(["model_list", index, "litellm_params", "model"]);
    match providers::resolve(model, None, api_base, custom) {
        ProviderResolution::Known => {}
        ProviderResolution::UnknownPrefix(prefix) => {
            let help = match known_providers.closest(&prefix) {
                Some(s) => format!("did you mean `{s}/`?"),
                None => "prefix the model with a LiteLLM provider (`openai/`, `anthropic/`, `ollama/`, ...) or set `custom_llm_provider`".into(),
            };
            let fix = near_miss_provider(known_providers, &prefix).and_then(|to| {
                let fixed = format!("{to}{}", &model[prefix.len()..]);
                let edit = crate::fixes::replace_string(ctx_sources, model_node, model, &fixed)?;
                Some(Fix::safe(format!("Replace `{prefix}/` with `{to}/`"), edit))
            });
            out.push(
                Diagnostic::new(Code::UnknownProvider, model_node.span, format!("`{prefix}/` is not a LiteLLM provider: the deployment is dropped and requests for it get HTTP 400"))
                    .with_label("unknown provider prefix")
                    .with_help(help)
                    .with_pointer(ptr())
                    .with_fix_opt(fix),
            );
        }
        ProviderResolution::UnknownBareModel => {
            let fix = only_provider_of(model).and_then(|provider| {
                let fixed = format!("{provider}/{model}");
                let edit = crate::fixes::replace_string(ctx_sources, model_node, model, &fixed)?;
                Some(Fix::new(
                    format!(
                        "Write `{fixed}` (the only provider LiteLLM's price table lists it under)"
                    ),
                    vec![edit],
                    Applicability::Unsafe,
                ))
            });
            out.push(
                Diagnostic::new(Code::UnknownProvider, model_node.span, format!("`{model}` has no provider prefix and is not in LiteLLM's price table: the deployment is dropped (`LLM Provider NOT provided`)"))
                    .with_label("provider cannot be inferred")
                    .with_help(format!("write it as `<provider>/{model}` (e.g. `openai/{model}`, `ollama/{model}`), or set `custom_llm_provider`"))
                    .with_pointer(ptr())
                    .with_fix_opt(fix),
            );
        }
    }
}

fn check_environments(ctx: &Context, deployment: &Node, index: &str, out: &mut Vec<Diagnostic>) {
    let Some(envs) = deployment
        .get("model_info")
        .and_then(|m| m.get("supported_environments"))
    else {
        return;
    };
    if envs.as_seq().is_none_or(|s| s.is_empty()) || ctx.env.is_set("LITELLM_ENVIRONMENT") {
        return;
    }
    let severity = if ctx.require_env {
        Severity::Error
    } else {
        Severity::Warning
    };
    out.push(
        Diagnostic::new(Code::UnsupportedEnvironment, envs.span, "`supported_environments` is set but `LITELLM_ENVIRONMENT` is not: LiteLLM drops this deployment")
            .with_severity(severity)
            .with_help("set LITELLM_ENVIRONMENT to development, staging or production where the proxy runs")
            .with_pointer(pointer(["model_list", index, "model_info", "supported_environments"])),
    );
}

/// `weight`/`order` (and, under simple-shuffle, `rpm`/`tpm` used as weights) must be set on all
/// deployments of a group or on none.
fn check_group_weights(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let strategy = ctx
        .section("router_settings")
        .and_then(|r| r.get("routing_strategy"))
        .and_then(Node::as_str);
    let shuffle = strategy.is_none_or(|s| s == "simple-shuffle");
    let mut groups: Vec<(&str, Vec<(usize, &Node)>)> = Vec::new();
    let mut index: crate::fast_hash::FastMap<&str, usize> = Default::default();
    for (i, d) in ctx.deployments() {
        let Some(name) = d.get("model_name").and_then(Node::as_str) else {
            continue;
        };
        match index.get(name) {
            Some(&g) => groups[g].1.push((i, d)),
            None => {
                index.insert(name, groups.len());
                groups.push((name, vec![(i, d)]));
            }
        }
    }
    for (name, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let mut fields = vec![("weight", "they get no traffic under simple-shuffle (1.109) or all weights are ignored (1.80)"), ("order", "they only serve as a later tier, after every ordered deployment")];
        if shuffle && !members.iter().any(|(_, d)| param(d, "weight").is_some()) {
            fields.push((
                "rpm",
                "simple-shuffle weighs by rpm, so they get weight 0 and no traffic",
            ));
            if !members.iter().any(|(_, d)| param(d, "rpm").is_some()) {
                fields.push((
                    "tpm",
                    "simple-shuffle weighs by tpm, so they get weight 0 and no traffic",
                ));
            }
        }
        for (field, consequence) in fields {
            let with: Vec<_> = members
                .iter()
                .filter(|(_, d)| param(d, field).is_some())
                .collect();
            if with.is_empty() || with.len() == members.len() {
                continue;
            }
            let Some(&(first_with_index, first_with)) = with.first().copied() else {
                continue;
            };
            for (i, d) in members.iter().filter(|(_, d)| param(d, field).is_none()) {
                let span = d.entry("litellm_params").map_or(d.span, |e| e.key.span);
                let mut diag = Diagnostic::new(Code::InconsistentGroupWeights, span, format!("`{field}` is set on some deployments of `{name}` but not on this one: {consequence}"))
                    .with_help(format!("set `{field}` on every deployment of `{name}`, or on none"))
                    .with_pointer(pointer(["model_list", &i.to_string(), "litellm_params"]));
                if let Some(v) = param(first_with, field) {
                    diag = diag.with_secondary(
                        v.span,
                        format!("set here on model_list[{first_with_index}]"),
                    );
                }
                out.push(diag);
            }
        }
    }
}

fn param<'a>(deployment: &'a Node, field: &str) -> Option<&'a Node> {
    let from_params = deployment
        .get("litellm_params")
        .and_then(|p| p.get(field))
        .filter(|v| !v.is_null());
    from_params.or_else(|| match field {
        "order" => deployment
            .get("model_info")
            .and_then(|m| m.get("order"))
            .filter(|v| !v.is_null()),
        "rpm" | "tpm" => deployment.get(field).filter(|v| !v.is_null()),
        _ => None,
    })
}
