//! `check_file`: load, merge includes, run every rule — the one path shared by `litellm-check
//! check`, `compile` and `litellm-proxy`.

use std::path::Path;

use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::env::Environment;
use crate::syntax::{FileId, Limits, Node, SourceMap};

use super::load::{load, LoadError};
use super::resolved::ResolvedConfig;
use super::rules::{run_all, Context};

/// How a file is checked: one shape for both formats (`litellm::check_file`, `openclaw::check`).
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub env: Environment,
    /// Unset environment variables are errors, not warnings.
    pub require_env: bool,
    /// The LiteLLM config is for `litellm-proxy`: also report deployments it cannot route (LL066).
    /// OpenClaw checks ignore it.
    pub for_proxy: bool,
    /// The LiteLLM versions the config is judged against (`--litellm-version`; default: every
    /// supported one).
    pub versions: crate::litellm_version::Versions,
    pub limits: Limits,
}

impl CheckOptions {
    /// Options with the default limits.
    pub fn with_env(env: &Environment, require_env: bool) -> Self {
        CheckOptions {
            env: env.clone(),
            require_env,
            for_proxy: false,
            versions: crate::litellm_version::Versions::ALL,
            limits: Limits::default(),
        }
    }
}

#[derive(Debug)]
pub struct CheckOutcome {
    pub main_file: FileId,
    /// The merged config tree (includes applied), when it could be read.
    pub root: Option<Node>,
    /// The config as LiteLLM will run it (empty when the file could not be read).
    pub resolved: ResolvedConfig,
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
    let resolved = loaded
        .root
        .as_ref()
        .map(ResolvedConfig::from_root)
        .unwrap_or_default();
    if let Some(root) = &loaded.root {
        let ctx = Context {
            root,
            sources,
            resolved: &resolved,
            env: options.env.presence(),
            require_env: options.require_env,
            for_proxy: options.for_proxy,
            versions: options.versions,
        };
        run_all(&ctx, &mut diagnostics);
    }
    drop_shadowed(&mut diagnostics);
    diagnostic::mask_secrets(&diagnostics, sources);
    diagnostic::sort(&mut diagnostics);
    Ok(CheckOutcome {
        main_file: loaded.main_file,
        root: loaded.root,
        resolved,
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
