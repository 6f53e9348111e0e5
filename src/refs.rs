//! Cross-file checks: the OpenClaw config's `litellm` provider and `litellm/<model_name>` refs
//! against the model groups a LiteLLM config serves.

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::litellm::ModelGroups;
use crate::openclaw::env::Substitutions;
use crate::openclaw::refs::{suggest_unless_substituted, Catalog, ModelRef, RefPlace};
use crate::syntax::Node;

/// The OpenClaw adapters whose protocol LiteLLM's proxy (and litellm-proxy) serves for the
/// `litellm` provider: `openai-completions` posts to `{baseUrl}/chat/completions`,
/// `openai-responses` to `{baseUrl}/responses` (both served with and without `/v1`; Responses
/// natively for OpenAI/Azure deployments, through LiteLLM's chat bridge for the others), and
/// `anthropic-messages` to `{baseUrl}/v1/messages` with `x-api-key` (recorded from OpenClaw
/// 2026.9.6; LiteLLM serves its `/v1/messages` natively for Anthropic deployments and through
/// its chat adapter for the others).
const LITELLM_APIS: [&str; 3] = [
    "openai-completions",
    "openai-responses",
    "anthropic-messages",
];

pub fn check(
    root: &Node,
    refs: &[ModelRef],
    catalog: &Catalog,
    groups: &ModelGroups,
    substituted: &Substitutions,
    out: &mut Vec<Diagnostic>,
) {
    for r in refs {
        let text = r.text.trim();
        if text.is_empty()
            || text.contains("${")
            || r.place == RefPlace::Decision && !text.contains('/')
        {
            continue;
        }
        let Some((parsed, defaulted)) = catalog.resolve(text) else {
            continue;
        };
        if defaulted || parsed.provider != "litellm" || parsed.model.ends_with('*') {
            continue;
        }
        if groups.contains(&parsed.model) {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::XrUnknownModelGroup,
            r.span,
            format!(
                "`{}` names model group `{}`, which the LiteLLM config does not serve",
                r.shown(),
                r.shown_parts(&parsed).model
            ),
        )
        .with_pointer(r.pointer.clone());
        let near = suggest_unless_substituted(r, || groups.suggest(&parsed.model));
        d.help = match near {
            Some(near) => Some(format!("did you mean `litellm/{near}`?")),
            None => Some(served_list(groups)),
        };
        if let Some(group) = near.and_then(|n| groups.group(n)) {
            d = d.with_secondary(group.span, format!("`{}` is served here", group.name));
        }
        out.push(d);
    }

    let Some(providers) = root
        .get("models")
        .and_then(|m| m.get("providers"))
        .and_then(Node::as_map)
    else {
        return;
    };
    for entry in providers
        .iter()
        .filter(|e| e.key.scalar_text().eq_ignore_ascii_case("litellm"))
    {
        let id = entry.key.scalar_text();
        let provider = &entry.value;
        if let Some(api) = provider.get("api") {
            check_api(api, &["models", "providers", id.as_str(), "api"], out);
        }
        for (i, model) in provider
            .get("models")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let index = i.to_string();
            if let Some(api) = model.get("api") {
                check_api(
                    api,
                    &[
                        "models",
                        "providers",
                        id.as_str(),
                        "models",
                        index.as_str(),
                        "api",
                    ],
                    out,
                );
            }
            let Some(model_id) = model.get("id") else {
                continue;
            };
            let Some(name) = model_id.as_str() else {
                continue;
            };
            if name.contains("${") || groups.contains(name) {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::XrModelNotServed,
                model_id.span,
                format!(
                    "model `{}` is not served by the LiteLLM config",
                    substituted.shown(model_id).unwrap_or(name)
                ),
            )
            .with_pointer(pointer([
                "models",
                "providers",
                id.as_str(),
                "models",
                index.as_str(),
                "id",
            ]));
            // A suggestion computed from a substituted value would hint at it.
            let near = (!substituted.contains(model_id.span))
                .then(|| groups.suggest(name))
                .flatten();
            d.help = match near {
                Some(near) => Some(format!("did you mean `{near}`?")),
                None => Some(served_list(groups)),
            };
            out.push(d);
        }
    }
}

fn check_api(api: &Node, path: &[&str], out: &mut Vec<Diagnostic>) {
    let Some(value) = api.as_str() else { return };
    if LITELLM_APIS.contains(&value) || !crate::openclaw::model::ModelApi::ALL.contains(&value) {
        // Values outside the enum are already schema errors.
        return;
    }
    out.push(
        Diagnostic::new(Code::XrApiMismatch, api.span, format!("`api: \"{value}\"` for the LiteLLM provider: the proxy serves `/chat/completions` (`openai-completions`), `/responses` (`openai-responses`) and `/v1/messages` (`anthropic-messages`)"))
            .with_pointer(pointer(path.iter()))
            .with_help("use `api: \"openai-completions\"` (or \"openai-responses\", \"anthropic-messages\")"),
    );
}

fn served_list(groups: &ModelGroups) -> String {
    let names: Vec<&str> = groups.exact_names().take(8).collect();
    if names.is_empty() {
        "the LiteLLM config serves no exact model group".into()
    } else {
        format!("served groups: {}", names.join(", "))
    }
}
