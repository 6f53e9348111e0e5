//! Reading a config file into a [`ProxyConfig`] for `litellm-proxy`.
//!
//! The YAML goes through the same reader as `litellm-check` (PyYAML semantics); a file that
//! cannot be read stops the start with its location.

use super::config::ProxyConfig;
use crate::env::Environment;
use crate::syntax::{yaml, FileId, Limits, SourceFile};
use std::path::Path;

/// Loads and resolves `path`. The error text is what the binary prints before exiting.
pub fn load(path: &Path, env: &Environment) -> Result<ProxyConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("Config file not found: {} ({e})", path.display()))?;
    let source = SourceFile::new(path, text);
    let document = yaml::read(&source.text, FileId(0), &Limits::default()).map_err(|e| {
        let (line, col) = source.line_col(e.span.start);
        format!("{}:{line}:{col}: {}", path.display(), e.message)
    })?;
    let Some(root) = document.root else {
        return Err(format!(
            "{}: Config cannot be None or Empty.",
            path.display()
        ));
    };
    ProxyConfig::from_json(&root.to_json(), env).map_err(|e| format!("{}: {e}", path.display()))
}
