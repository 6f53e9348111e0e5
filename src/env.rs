//! The environment a config is checked against: the process environment plus `--env-file`.
//!
//! Values are kept only to answer "is it set" and to run the proxy; no renderer ever receives one.

use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// The current process environment.
    pub fn from_process() -> Self {
        Environment {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An empty environment (tests).
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }

    /// Adds the variables of a dotenv file (`NAME=value`, `export NAME=value`, `#` comments,
    /// single or double quotes). Variables already set keep their value, as dotenv loaders do.
    pub fn load_env_file(&mut self, path: &Path) -> std::io::Result<()> {
        let text = std::fs::read_to_string(path)?;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let name = name.trim();
            let value = value.trim();
            let value = strip_quotes(value);
            self.vars
                .entry(name.to_string())
                .or_insert_with(|| value.to_string());
        }
        Ok(())
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// The value, for the proxy's start-up resolution only.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

fn strip_quotes(value: &str) -> &str {
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            return &value[1..value.len() - 1];
        }
    }
    // An unquoted value ends at an inline comment.
    value.split(" #").next().unwrap_or(value).trim_end()
}
