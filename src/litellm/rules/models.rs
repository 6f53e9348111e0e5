//! `model_list` entries: required shape, provider resolution, group weights and environments.

use crate::diagnostic::{pointer, Applicability, Code, Diagnostic, Fix, Severity};
use crate::litellm::env_value::ENV_PREFIX;
use crate::litellm::providers::{self, ProviderResolution};
use crate::litellm_version::{LiteLlmVersion, Versions};
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
            ctx.versions,
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

/// The provider `written` misspells: the only one a single edit away (`antropic`). Two edits
/// are no longer certain: `mistralai/` is OpenRouter's vendor name, not a typo of `mistral/`.
fn near_miss_provider(known: &Suggester, written: &str) -> Option<&'static str> {
    known.closest(written)?;
    crate::suggest::unique_near_miss(written, providers::providers().iter().copied()).filter(
        |provider| strsim::damerau_levenshtein(&written.to_ascii_lowercase(), provider) <= 1,
    )
}

fn check_provider(
    ctx_sources: &crate::syntax::SourceMap,
    targets: Versions,
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
        // 1.109 (router_python_core.py) also builds complexity, adaptive and quality routers
        // from their own configs; 1.80 (router.py `init_auto_router_deployment`) only knows the
        // semantic router and its two settings.
        const CONFIGS: [&str; 5] = [
            "auto_router_config_path",
            "auto_router_config",
            "complexity_router_config",
            "adaptive_router_config",
            "quality_router_config",
        ];
        let set = |keys: &[&str]| {
            keys.iter()
                .any(|k| params.get(k).is_some_and(|v| !v.is_null()))
        };
        let accepted = Versions::from_iter(targets.iter().filter(|v| match v {
            LiteLlmVersion::V1_80 => set(&CONFIGS[..2]),
            LiteLlmVersion::V1_109 => set(&CONFIGS),
        }));
        if accepted == targets {
            return;
        }
        let diagnostic = if accepted.is_empty() {
            let (what, configs) = if targets == Versions::only(LiteLlmVersion::V1_80) {
                ("LiteLLM 1.80", &CONFIGS[..2])
            } else {
                ("LiteLLM", &CONFIGS[..])
            };
            Diagnostic::new(Code::ModelEntryInvalid, model_node.span, format!("auto-router deployment `{strategy}` has no router config: {what} drops it (`auto_router_config_path or auto_router_config is required`)"))
                .with_help(format!("add one of {} to litellm_params", configs.join(", ")))
        } else {
            let missing = targets.without(accepted);
            Diagnostic::new(Code::ModelEntryInvalid, model_node.span, format!("auto-router deployment `{strategy}` has only a router config LiteLLM {} reads: {} drops it (`auto_router_config_path or auto_router_config is required`)", accepted.describe(), missing.describe()))
                .with_severity(Severity::Warning)
                .with_help("where 1.80 runs, give it `auto_router_config_path` or `auto_router_config` (1.80 has only the semantic auto-router)")
        };
        out.push(diagnostic.with_pointer(pointer(["model_list", index, "litellm_params"])));
        return;
    }
    let custom_provider = params.get("custom_llm_provider").and_then(Node::as_str);
    if let Some(provider) = custom_provider {
        if custom.iter().any(|c| c == provider) {
            return;
        }
        let knows = providers::provider_versions(provider, targets);
        if knows == targets {
            return;
        }
        let node = params.get("custom_llm_provider").unwrap_or(model_node);
        let ptr = pointer(["model_list", index, "litellm_params", "custom_llm_provider"]);
        let diagnostic = if knows.is_empty() {
            let help = known_providers.did_you_mean(provider)
                .unwrap_or_else(|| "use a provider from LiteLLM's list (see README) or register it in `litellm_settings.custom_provider_map`".into());
            let fix = near_miss_provider(known_providers, provider).and_then(|to| {
                let edit = crate::fixes::replace_string(ctx_sources, node, provider, to)?;
                Some(Fix::safe(format!("Replace `{provider}` with `{to}`"), edit))
            });
            Diagnostic::new(Code::UnknownProvider, node.span, format!("unknown provider `{provider}`{}: LiteLLM drops this deployment (`Unsupported provider`)", only_other_versions(provider, targets)))
                .with_help(help)
                .with_fix_opt(fix)
        } else {
            let missing = targets.without(knows);
            Diagnostic::new(Code::UnknownProvider, node.span, format!("provider `{provider}` is new in LiteLLM {}: {} drops this deployment (`Unsupported provider`)", knows.describe(), missing.describe()))
                .with_severity(Severity::Warning)
                .with_help(format!("run LiteLLM {} or later, or say that is what you deploy: `--litellm-version {}`", knows.describe(), knows.describe()))
        };
        out.push(diagnostic.with_pointer(ptr));
        return;
    }
    let api_base = params.get("api_base").and_then(Node::as_str);
    let resolved = providers::resolved_versions(model, None, api_base, custom, targets);
    if resolved == targets {
        return;
    }
    let missing = targets.without(resolved);
    let ptr = || pointer(["model_list", index, "litellm_params", "model"]);
    let Some(failing) = missing.iter().next() else {
        return;
    };
    let diagnostic = match providers::resolve_in(model, None, api_base, custom, failing) {
        ProviderResolution::Known => return,
        ProviderResolution::UnknownPrefix(prefix) if resolved.is_empty() => {
            let help = match known_providers.closest(&prefix) {
                Some(s) => format!("did you mean `{s}/`?"),
                None => "prefix the model with a LiteLLM provider (`openai/`, `anthropic/`, `ollama/`, ...) or set `custom_llm_provider`".into(),
            };
            let fix = near_miss_provider(known_providers, &prefix).and_then(|to| {
                let fixed = format!("{to}{}", &model[prefix.len()..]);
                let edit = crate::fixes::replace_string(ctx_sources, model_node, model, &fixed)?;
                Some(Fix::safe(format!("Replace `{prefix}/` with `{to}/`"), edit))
            });
            Diagnostic::new(Code::UnknownProvider, model_node.span, format!("`{prefix}/` is not a LiteLLM provider{}: the deployment is dropped and requests for it get HTTP 400", only_other_versions(&prefix, targets)))
                .with_label("unknown provider prefix")
                .with_help(help)
                .with_fix_opt(fix)
        }
        ProviderResolution::UnknownPrefix(prefix) => {
            Diagnostic::new(Code::UnknownProvider, model_node.span, format!("`{prefix}/` is a provider of LiteLLM {} only: {} drops this deployment (`LLM Provider NOT provided`)", resolved.describe(), missing.describe()))
                .with_severity(Severity::Warning)
                .with_label(format!("unknown to LiteLLM {}", missing.describe()))
                .with_help(format!("run LiteLLM {} or later, or say that is what you deploy: `--litellm-version {}`", resolved.describe(), resolved.describe()))
        }
        ProviderResolution::UnknownBareModel => {
            let fix = providers::prefix_for_bare_id(model).and_then(|provider| {
                let fixed = format!("{provider}/{model}");
                let edit = crate::fixes::replace_string(ctx_sources, model_node, model, &fixed)?;
                Some(Fix::new(
                    format!("Write `{fixed}`, which every LiteLLM version routes"),
                    vec![edit],
                    Applicability::Unsafe,
                ))
            });
            bare_model_finding(model, model_node, targets, resolved).with_fix_opt(fix)
        }
    };
    out.push(diagnostic.with_pointer(ptr()));
}

/// LL031 for an id without a provider prefix that some targeted version cannot resolve: an
/// error when none can, a warning naming the versions that drop it when some can. The fix is
/// the prefix that works in every version (the provider a version resolves it to, else its
/// family's), never a guess such as `openai/` for a Claude id.
fn bare_model_finding(
    model: &str,
    node: &Node,
    targets: Versions,
    resolved: Versions,
) -> Diagnostic {
    let missing = targets.without(resolved);
    let prefix = providers::prefix_for_bare_id(model);
    let help = match prefix {
        Some(p) => format!("write `{p}/{model}`, which every LiteLLM version routes"),
        None => format!("write it as `<provider>/{model}` with the provider that serves it (`ollama/` for Ollama, `openai/` with an `api_base` for an OpenAI-compatible server, ...), or set `custom_llm_provider`"),
    };
    if resolved.is_empty() {
        let known_elsewhere = Versions::ALL.without(targets);
        let elsewhere = Versions::from_iter(
            known_elsewhere
                .iter()
                .filter(|v| crate::price_table::bare_provider(model, *v).is_some()),
        );
        let note = if elsewhere.is_empty() {
            String::new()
        } else {
            format!(" (LiteLLM {} knows it)", elsewhere.describe())
        };
        let tables = if targets.iter().count() > 1 {
            "any of their price tables"
        } else {
            "its price table"
        };
        return Diagnostic::new(Code::UnknownProvider, node.span, format!("`{model}` has no provider prefix and LiteLLM {} cannot infer one from {tables}{note}: the deployment is dropped (`LLM Provider NOT provided`)", targets.describe()))
            .with_label("provider cannot be inferred")
            .with_help(help);
    }
    let inferred = resolved
        .iter()
        .find_map(|v| crate::price_table::bare_provider(model, v))
        .unwrap_or("a provider");
    Diagnostic::new(Code::UnknownProvider, node.span, format!("`{model}` has no provider prefix: LiteLLM {} infers `{inferred}` for it, but {} cannot and drops the deployment (`LLM Provider NOT provided`)", resolved.describe(), missing.describe()))
        .with_severity(Severity::Warning)
        .with_label(format!("unknown to LiteLLM {}", missing.describe()))
        .with_help(help)
}

/// ` (LiteLLM 1.109 knows it)` when a version outside the targeted ones knows the provider.
fn only_other_versions(provider: &str, targets: Versions) -> String {
    let elsewhere = providers::provider_versions(provider, Versions::ALL.without(targets));
    if elsewhere.is_empty() {
        String::new()
    } else {
        format!(
            " in LiteLLM {} (only {} knows it)",
            targets.describe(),
            elsewhere.describe()
        )
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
