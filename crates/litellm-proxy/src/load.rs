//! Reading a config file for `litellm-proxy` through the same loader and checks as
//! `litellm-check check`: a config with errors does not start, and the findings are printed
//! exactly as the checker prints them.

use super::config::ProxyConfig;
use litellm_check::diagnostic::format::{render, Format};
use litellm_check::diagnostic::Severity;
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::syntax::SourceMap;
use std::path::Path;

/// A config the proxy can run, and the checker's warnings about it (rendered, possibly empty).
#[derive(Debug)]
pub struct Loaded {
    pub config: ProxyConfig,
    pub warnings: String,
}

/// Loads, checks and resolves `path`. The error is the text to print before exiting: the
/// checker's rendered findings, or why the file could not be read at all.
pub fn load(path: &Path, env: &Environment, color: bool) -> Result<Loaded, String> {
    let mut sources = SourceMap::new();
    let options = CheckOptions {
        env: env.clone(),
        for_proxy: true,
        ..CheckOptions::default()
    };
    let outcome = check_file(path, &options, &mut sources).map_err(|e| e.to_string())?;
    let rendered = render(Format::Human, &sources, &outcome.diagnostics, color);
    if outcome.has_errors() {
        return Err(rendered);
    }
    if outcome.root.is_none() {
        return Err(format!(
            "{}: Config cannot be None or Empty.",
            path.display()
        ));
    }
    let config = ProxyConfig::from_resolved(&outcome.resolved, env)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let warnings = if outcome
        .diagnostics
        .iter()
        .any(|d| d.severity >= Severity::Warning)
    {
        rendered
    } else {
        String::new()
    };
    Ok(Loaded { config, warnings })
}
