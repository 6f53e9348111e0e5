//! The environment a config is checked against, and the one resolver every rule, `compile` and
//! `litellm-proxy` go through.
//!
//! Precedence, the same everywhere: the process environment wins, and each `--env-file` only adds
//! the variables not set yet (so of two files naming a variable, the first wins; within one file
//! the last assignment wins). This is what LiteLLM does with its `.env`: `proxy_cli.py` calls
//! python-dotenv's `load_dotenv()` at import (in the default `LITELLM_MODE=DEV`), whose default
//! `override=False` makes `DotEnv.set_as_environment_variables` skip every key already in
//! `os.environ`; the file's own values are collected into a dict first, so a repeated key keeps
//! its last value. OpenClaw's `env.vars` come after both (`openclaw::env`): they are exported only
//! where this environment leaves the variable unset or empty.
//!
//! What "set" means is the reading tool's: an `os.environ/` reference to an empty variable
//! resolves to `""` (`os.getenv`), while OpenClaw treats an empty variable as missing, and so do
//! LiteLLM's provider clients looking for their default key (`api_key or os.getenv(...)`).
//!
//! Values are kept to answer "is it set" and to run the proxy. Rules of the LiteLLM checker see
//! only [`Presence`], which cannot hand out a value; OpenClaw's `${VAR}` substitution, which must
//! put values into the tree, records each one ([`Redactions`]) so no finding can show it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::syntax::source::read_text_file;
use crate::syntax::{Limits, ReadError};

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

    /// The process environment plus `env_files`, in the precedence the module documents: the
    /// one constructor `check`, `compile` and `litellm-proxy` use.
    pub fn with_env_files(env_files: &[PathBuf]) -> Result<Self, String> {
        let mut env = Self::from_process();
        for file in env_files {
            env.load_env_file(file)
                .map_err(|e| format!("cannot read env file {}: {e}", file.display()))?;
        }
        Ok(env)
    }

    /// An empty environment (tests).
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }

    /// Adds the variables of a dotenv file (`NAME=value`, `export NAME=value`, `#` comments,
    /// single or double quotes) that are not set yet; a name repeated in the file keeps its last
    /// value, as python-dotenv's dict does. `${NAME}` and `${NAME:-default}` in values expand as
    /// python-dotenv's `resolve_variables` does without `override`: the environment first, then
    /// the file's earlier lines, then the default, else nothing.
    /// Read through the one bounded reader: a FIFO or device is refused, the size is limited.
    pub fn load_env_file(&mut self, path: &Path) -> Result<(), ReadError> {
        let text = read_text_file(path, Limits::default().max_bytes)?;
        let mut from_file: BTreeMap<String, String> = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let value = interpolate(strip_quotes(value.trim()), |name| {
                self.vars.get(name).or_else(|| from_file.get(name)).cloned()
            });
            from_file.insert(name.trim().to_string(), value);
        }
        for (name, value) in from_file {
            self.vars.entry(name).or_insert(value);
        }
        Ok(())
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// The value, for resolution only (the proxy's start-up, OpenClaw's substitution).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Set and not empty: OpenClaw's test (an empty variable counts as missing), and the
    /// provider-key test of LiteLLM's clients.
    pub fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// A switch variable set to `true` (any case, surrounding white space ignored).
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The view the checker's rules get.
    pub fn presence(&self) -> Presence<'_> {
        Presence(self)
    }
}

/// Whether variables are set, without their values: all a checker rule may know.
#[derive(Debug, Clone, Copy)]
pub struct Presence<'a>(&'a Environment);

impl Presence<'_> {
    pub fn is_set(&self, name: &str) -> bool {
        self.0.is_set(name)
    }

    pub fn is_set_non_empty(&self, name: &str) -> bool {
        self.0.get_non_empty(name).is_some()
    }

    pub fn is_true(&self, name: &str) -> bool {
        self.0.is_true(name)
    }

    /// An `os.environ/` reference names a set variable (LiteLLM's `get_secret` lookup).
    pub fn resolves(&self, reference: &str) -> bool {
        crate::litellm::env_value::lookup(reference, self.0).is_some()
    }
}

/// Values a substitution put into the tree, each with the reference text that stands for it
/// (`${OPENAI_API_KEY}`). Findings are passed through [`Redactions::apply`] before anyone sees
/// them, so a rule that quotes a substituted value shows the reference instead: the safety net
/// under the rules' own display of substituted strings as written.
#[derive(Debug, Clone, Default)]
pub struct Redactions {
    /// Longest value first, so a value containing another is replaced whole.
    values: Vec<(String, String)>,
}

impl Redactions {
    /// Values shorter than this are too common to find by their text (`1`, `true`, `gpt-4`):
    /// replacing them everywhere would garble unrelated findings. Rules show substituted strings
    /// as written whatever their length; this net catches the rest.
    pub const MIN_LEN: usize = 6;

    pub fn record(&mut self, value: &str, reference: String) {
        if value.chars().count() < Self::MIN_LEN || self.values.iter().any(|(v, _)| v == value) {
            return;
        }
        let at = self.values.partition_point(|(v, _)| v.len() >= value.len());
        self.values.insert(at, (value.to_string(), reference));
    }

    /// Replaces every recorded value in the text of `diagnostics` (message, help, labels).
    pub fn apply(&self, diagnostics: &mut [Diagnostic]) {
        if self.values.is_empty() {
            return;
        }
        for d in diagnostics {
            self.scrub(&mut d.message);
            if let Some(help) = &mut d.help {
                self.scrub(help);
            }
            for label in std::iter::once(&mut d.primary).chain(d.secondary.iter_mut()) {
                if let Some(message) = &mut label.message {
                    self.scrub(message);
                }
            }
        }
    }

    fn scrub(&self, text: &mut String) {
        for (value, reference) in &self.values {
            if text.contains(value.as_str()) {
                *text = text.replace(value.as_str(), reference);
            }
        }
    }
}

/// python-dotenv's expansion (`variables.py`): `${NAME}` or `${NAME:-default}`, the name up to
/// the first `:` or `}`; a `${` that does not match stays as written.
fn interpolate(value: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(':') {
            None => (inner, None),
            Some((name, tail)) => match tail.strip_prefix('-') {
                Some(default) => (name, Some(default)),
                None => {
                    out.push_str(&rest[..start + 2]);
                    rest = after;
                    continue;
                }
            },
        };
        out.push_str(&rest[..start]);
        out.push_str(&lookup(name).unwrap_or_else(|| default.unwrap_or_default().to_string()));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("litellm-check-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_environment_wins_then_the_first_file_then_the_last_line() {
        let mut env = Environment::empty();
        env.set("KEY", "from-process");
        env.set("EMPTY", "");
        env.load_env_file(&env_file("a.env", "KEY=from-a\nEMPTY=from-a\nA=1\nA=2\n"))
            .unwrap();
        env.load_env_file(&env_file("b.env", "A=from-b\nB='b'\n"))
            .unwrap();
        assert_eq!(env.get("KEY"), Some("from-process"));
        // An empty variable is set: dotenv does not replace it.
        assert_eq!(env.get("EMPTY"), Some(""));
        assert_eq!(env.get("A"), Some("2"));
        assert_eq!(env.get("B"), Some("b"));
    }

    #[test]
    fn values_expand_with_the_environment_first() {
        let mut env = Environment::empty();
        env.set("KEY", "from-process");
        env.load_env_file(&env_file(
            "i.env",
            "KEY=from-file\nBASE=http://h\nURL=${BASE}/v1\nK=${KEY}\nD=${NOPE:-dflt}\nE=${NOPE}x\nL=${A:b}\n",
        ))
        .unwrap();
        assert_eq!(env.get("URL"), Some("http://h/v1"));
        assert_eq!(env.get("K"), Some("from-process"));
        assert_eq!(env.get("D"), Some("dflt"));
        assert_eq!(env.get("E"), Some("x"));
        assert_eq!(env.get("L"), Some("${A:b}"));
    }

    #[test]
    fn redactions_replace_values_by_their_reference() {
        let mut r = Redactions::default();
        r.record("sk-secret-1", "${A}".into());
        r.record("sk-secret-1-longer", "${B}".into());
        r.record("gpt", "${SHORT}".into());
        let mut d = vec![Diagnostic::new(
            crate::diagnostic::Code::OcBareModelRef,
            crate::syntax::Span::new(crate::syntax::FileId(0), 0, 0),
            "`sk-secret-1-longer` and `sk-secret-1` via gpt",
        )
        .with_help("e.g. `openai/sk-secret-1`")];
        r.apply(&mut d);
        assert_eq!(d[0].message, "`${B}` and `${A}` via gpt");
        assert_eq!(d[0].help.as_deref(), Some("e.g. `openai/${A}`"));
    }
}
