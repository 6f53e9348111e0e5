//! `check_file`: load, merge includes, run every rule — the one path shared by `litellm-check
//! check`, `compile` and `litellm-proxy`.

use std::path::Path;

use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::env::Environment;
use crate::syntax::{FileId, Limits, Node, SourceMap};

use super::groups::{ModelGroup, ModelGroups};
use super::load::{load, LoadError};
use super::rules::{run_all, Context};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub env: Environment,
    /// Unset environment variables are errors, not warnings.
    pub require_env: bool,
    pub limits: Limits,
}

#[derive(Debug)]
pub struct CheckOutcome {
    pub main_file: FileId,
    /// The merged config tree (includes applied), when it could be read.
    pub root: Option<Node>,
    /// What the config serves, for cross-file checks.
    pub groups: ModelGroups,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckOutcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Checks one LiteLLM config file and everything it includes.
pub fn check_file(
    path: &Path,
    options: &CheckOptions,
    sources: &mut SourceMap,
) -> Result<CheckOutcome, LoadError> {
    let loaded = load(path, sources, &options.limits)?;
    let mut diagnostics = loaded.diagnostics;
    let groups = loaded.root.as_ref().map(model_groups).unwrap_or_default();
    if let Some(root) = &loaded.root {
        let ctx = Context {
            root,
            sources,
            groups: &groups,
            env: &options.env,
            require_env: options.require_env,
        };
        run_all(&ctx, &mut diagnostics);
    }
    drop_shadowed(&mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    Ok(CheckOutcome {
        main_file: loaded.main_file,
        root: loaded.root,
        groups,
        diagnostics,
    })
}

/// A YAML 1.1 surprise on a value that already has a type error says the same thing twice.
fn drop_shadowed(diagnostics: &mut Vec<Diagnostic>) {
    let typed: Vec<_> = diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                Code::InvalidType
                    | Code::ModelEntryInvalid
                    | Code::InvalidValue
                    | Code::FallbackShape
            )
        })
        .map(|d| d.primary.span)
        .collect();
    diagnostics.retain(|d| d.code != Code::Yaml11Surprise || !typed.contains(&d.primary.span));
}

/// The model groups and aliases a merged config serves.
pub fn model_groups(root: &Node) -> ModelGroups {
    let mut groups: Vec<ModelGroup> = Vec::new();
    let mut index: crate::fast_hash::FastMap<&str, usize> = Default::default();
    for deployment in root.get("model_list").and_then(Node::as_seq).unwrap_or(&[]) {
        let Some(name_node) = deployment.get("model_name") else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        match index.get(name) {
            Some(&i) => groups[i].deployments += 1,
            None => {
                index.insert(name, groups.len());
                groups.push(ModelGroup {
                    name: name.to_string(),
                    span: name_node.span,
                    deployments: 1,
                    model: deployment
                        .get("litellm_params")
                        .and_then(|p| p.get("model"))
                        .and_then(Node::as_str)
                        .map(str::to_string),
                });
            }
        }
    }
    let aliases = root
        .get("router_settings")
        .and_then(|r| r.get("model_group_alias"))
        .and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| {
            let target = match e.value.as_str() {
                Some(t) => t,
                None => e.value.get("model")?.as_str()?,
            };
            Some((e.key.scalar_text(), target.to_string(), e.key.span))
        })
        .collect();
    ModelGroups::new(groups, aliases)
}
