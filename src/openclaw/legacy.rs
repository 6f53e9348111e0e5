//! OpenClaw's context-budget migration, run on the raw config before its schema sees it
//! (`migrateLegacyContextBudgetConfig`, `src/config/legacy.context-budget.ts` of 2026.9.6):
//!
//! - `models.providers.<id>.contextTokens` / `.contextWindow` are copied into every model of the
//!   provider that does not set its own, then deleted; with no models to receive them they are
//!   deleted with a warning;
//! - `agents.defaults.contextTokens` and each agent's `contextTokens` are deleted with a warning
//!   (`... cannot be represented per model; use models.providers.<provider>.models[].contextTokens
//!   instead`).
//!
//! The schema then never sees these keys, so they are not unknown keys (OC020): where the value
//! is lost, OC044 says so.

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::syntax::{Entry, Node, NodeKind};

const REPLACEMENT: &str = "models.providers.<provider>.models[].contextTokens";

/// Applies the migration to `root` and reports every value it drops.
pub fn migrate_context_budget(root: &mut Node, out: &mut Vec<Diagnostic>) {
    if let Some(providers) = child_mut(root, "models").and_then(|m| child_mut(m, "providers")) {
        if let NodeKind::Map(providers) = &mut providers.kind {
            for provider in providers.iter_mut() {
                let id = provider.key.scalar_text();
                migrate_provider(&id, &mut provider.value, out);
            }
        }
    }
    let Some(agents) = child_mut(root, "agents") else {
        return;
    };
    if let Some(defaults) = child_mut(agents, "defaults") {
        remove_context_tokens(defaults, &["agents", "defaults"], out);
    }
    if let Some(NodeKind::Map(entries)) = child_mut(agents, "entries").map(|e| &mut e.kind) {
        for entry in entries.iter_mut() {
            let id = entry.key.scalar_text();
            remove_context_tokens(&mut entry.value, &["agents", "entries", id.as_str()], out);
        }
    }
}

fn migrate_provider(id: &str, provider: &mut Node, out: &mut Vec<Diagnostic>) {
    let NodeKind::Map(fields) = &mut provider.kind else {
        return;
    };
    for key in ["contextTokens", "contextWindow"] {
        let Some(budget) = take(fields, key) else {
            continue;
        };
        let models = fields
            .iter_mut()
            .rev()
            .find(|f| f.key.as_str() == Some("models"))
            .and_then(|f| match &mut f.value.kind {
                NodeKind::Seq(models) if !models.is_empty() => Some(models),
                _ => None,
            });
        match models {
            Some(models) => {
                for model in models.iter_mut() {
                    if let NodeKind::Map(model_fields) = &mut model.kind {
                        if !model_fields.iter().any(|f| f.key.as_str() == Some(key)) {
                            model_fields.push(budget.clone());
                        }
                    }
                }
            }
            None => out.push(
                Diagnostic::new(
                    Code::OcContextTokensRemoved,
                    budget.key.span,
                    format!(
                        "models.providers.{id}.{key} had no explicit model entries to receive its value: OpenClaw removes it on read"
                    ),
                )
                .with_pointer(pointer(["models", "providers", id, key]))
                .with_help(format!("use {REPLACEMENT} instead")),
            ),
        }
    }
}

fn remove_context_tokens(block: &mut Node, at: &[&str], out: &mut Vec<Diagnostic>) {
    let NodeKind::Map(fields) = &mut block.kind else {
        return;
    };
    let Some(removed) = take(fields, "contextTokens") else {
        return;
    };
    let path = at.join(".");
    out.push(
        Diagnostic::new(
            Code::OcContextTokensRemoved,
            removed.key.span,
            format!(
                "{path}.contextTokens cannot be represented per model: OpenClaw removes it on read"
            ),
        )
        .with_pointer(pointer(at.iter().copied().chain(["contextTokens"])))
        .with_help(format!("use {REPLACEMENT} instead")),
    );
}

/// Removes every entry named `key` (a repeated key keeps the last value, as json5 does) and
/// returns the last one.
fn take(fields: &mut Vec<Entry>, key: &str) -> Option<Entry> {
    let mut last = None;
    let mut i = 0;
    while i < fields.len() {
        if fields[i].key.as_str() == Some(key) {
            last = Some(fields.remove(i));
        } else {
            i += 1;
        }
    }
    last
}

fn child_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut node.kind {
        NodeKind::Map(entries) => entries
            .iter_mut()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| &mut e.value),
        _ => None,
    }
}
