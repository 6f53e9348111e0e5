//! `env.vars` export and `${VAR}` substitution, in OpenClaw's order: vars are exported first
//! (unless already set, non-empty, in the real environment), then every string value is
//! substituted. Resolved values live only inside the tree: every string substitution changed is
//! recorded with its text as written ([`Substitutions`]), which is what a message shows, and every
//! value put in is recorded for the redaction net applied to all findings.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{pointer, Code, Diagnostic, Severity};
use crate::env::{Environment, Redactions};
use crate::syntax::{Node, NodeKind, SourceMap, Span};

/// Variables `env.vars` may not set (OpenClaw's own switches and loader-injection variables
/// from its host-env security blocklist).
const BLOCKED: &[&str] = &[
    "OPENCLAW_INCLUDE_ROOTS",
    "OPENCLAW_CONFIG_READONLY",
    "OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS",
    "PATH",
    "NODE_OPTIONS",
    "NODE_PATH",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "PS4",
    "IFS",
];

fn blocked(name: &str) -> bool {
    BLOCKED.contains(&name) || name.starts_with("DYLD_") || name.starts_with("LD_")
}

/// The environment a config sees: the real one plus the `env.vars` OpenClaw would export.
pub struct ConfigEnv<'a> {
    process: &'a Environment,
    exported: BTreeMap<String, String>,
}

impl ConfigEnv<'_> {
    /// Set and non-empty (OpenClaw treats an empty variable as missing): the real environment
    /// (process and `--env-file`, in `crate::env`'s precedence) first, then `env.vars`.
    fn lookup(&self, name: &str) -> Option<&str> {
        self.process.get_non_empty(name).or_else(|| {
            self.exported
                .get(name)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        })
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }
}

fn valid_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Applies `env.vars` of the (include-resolved) root, reporting entries OpenClaw skips.
pub fn export_vars<'a>(
    root: &Node,
    process: &'a Environment,
    out: &mut Vec<Diagnostic>,
) -> ConfigEnv<'a> {
    let mut exported = BTreeMap::new();
    let vars = root
        .get("env")
        .and_then(|e| e.get("vars"))
        .and_then(Node::as_map)
        .unwrap_or_default();
    for entry in vars {
        let name = entry.key.scalar_text();
        let Some(value) = entry.value.as_str() else {
            continue;
        };
        let skip = if !valid_env_name(&name) {
            Some("its name is not a valid variable name")
        } else if blocked(&name) {
            Some("the name is blocked for config-set variables")
        } else if value.trim().is_empty() {
            Some("the value is empty")
        } else if value.contains("${") {
            Some("values containing `${...}` are not exported")
        } else {
            None
        };
        if let Some(reason) = skip {
            out.push(
                Diagnostic::new(
                    Code::OcEnvVarSkipped,
                    entry.key.span,
                    format!("`env.vars.{name}` is not exported: {reason}"),
                )
                .with_pointer(pointer(["env", "vars", name.as_str()])),
            );
            continue;
        }
        if process.get_non_empty(&name).is_some() {
            // The real environment wins over the file.
            continue;
        }
        exported.insert(name, value.to_string());
    }
    ConfigEnv { process, exported }
}

/// Masks the values of `env.vars` in the source text, so no code frame shows them: they are the
/// config's own environment, as secret as the real one. So are flat `env.NAME` strings (which
/// OpenClaw rejects, but which were meant as variables). Values that are references themselves
/// (`${OTHER}`, never exported) or empty stay visible: they hide nothing, and their findings are
/// about what is written. Call it after every rule has run.
pub fn mask_vars(root: &Node, sources: &mut SourceMap) {
    let env = root.get("env");
    let flat = env.and_then(Node::as_map).unwrap_or_default();
    let vars = env
        .and_then(|e| e.get("vars"))
        .and_then(Node::as_map)
        .unwrap_or_default();
    for entry in vars.iter().chain(flat) {
        if entry
            .value
            .as_str()
            .is_some_and(|v| !v.trim().is_empty() && !v.contains("${"))
        {
            sources.mask(entry.value.span);
        }
    }
}

/// The strings `${VAR}` substitution changed, with their text as written, and the values it put
/// in. A rule that quotes a string value asks [`Substitutions::shown`] for it.
#[derive(Debug, Default)]
pub struct Substitutions {
    written: HashMap<Span, String>,
    /// Every value substituted, with the reference standing for it: applied to all findings.
    pub redactions: Redactions,
}

impl Substitutions {
    /// The string at `span` came from the environment.
    pub fn contains(&self, span: Span) -> bool {
        self.written.contains_key(&span)
    }

    /// The text as written (`"${OPENAI_MODEL}"`) of a substituted string.
    pub fn written(&self, span: Span) -> Option<&str> {
        self.written.get(&span).map(String::as_str)
    }

    /// A string value as a message may show it: as written when substitution changed it.
    pub fn shown<'n>(&'n self, node: &'n Node) -> Option<&'n str> {
        self.written(node.span).or_else(|| node.as_str())
    }
}

/// Substitutes `${NAME}` in every string value (never keys), recording what changed.
pub fn substitute(
    node: &mut Node,
    env: &ConfigEnv<'_>,
    require_env: bool,
    path: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) -> Substitutions {
    let mut changed = Substitutions::default();
    walk(node, env, require_env, path, out, &mut changed);
    changed
}

fn walk(
    node: &mut Node,
    env: &ConfigEnv<'_>,
    require_env: bool,
    path: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
    changed: &mut Substitutions,
) {
    match &mut node.kind {
        NodeKind::Str(text) => {
            if !text.contains('$') {
                return;
            }
            let (result, findings) = expand(text, env, &mut changed.redactions);
            for finding in findings {
                let d = match finding {
                    Finding::Missing(name) => {
                        let severity = if require_env { Severity::Error } else { Severity::Warning };
                        Diagnostic::new(Code::OcEnvUnset, node.span, format!("Missing env var \"{name}\": OpenClaw keeps the literal `${{{name}}}` and the feature using this value will be unavailable"))
                            .with_severity(severity)
                            .with_help(format!("set {name} in the environment or under `env.vars`"))
                    }
                    Finding::NotAToken(inner) => Diagnostic::new(
                        Code::OcEnvNotSubstituted,
                        node.span,
                        format!("`${{{inner}}}` is not substituted: only upper-case names (`${{NAME}}`) are, with no default syntax"),
                    ),
                };
                out.push(d.with_pointer(pointer(path.iter())));
            }
            if result != *text {
                let written = std::mem::replace(text, result);
                changed.written.insert(node.span, written);
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                walk(item, env, require_env, path, out, changed);
                path.pop();
            }
        }
        NodeKind::Map(entries) => {
            for entry in entries.iter_mut() {
                path.push(entry.key.scalar_text());
                walk(&mut entry.value, env, require_env, path, out, changed);
                path.pop();
            }
        }
        _ => {}
    }
}

enum Finding {
    Missing(String),
    NotAToken(String),
}

fn is_token_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A string as OpenClaw's substitution reads it, in one pass: `$${NAME}` is the literal
/// `${NAME}`, `${NAME}` (upper-case) a variable, any other `${...}` kept as written.
enum Piece<'a> {
    Text(&'a str),
    Escaped(&'a str),
    Variable { name: &'a str, token: &'a str },
    NotAToken { inner: &'a str, token: &'a str },
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        if pos > 0 {
            out.push(Piece::Text(&rest[..pos]));
        }
        let after = &rest[pos..];
        if let Some(escaped) = after.strip_prefix("$${") {
            if let Some(end) = escaped.find('}') {
                let name = &escaped[..end];
                if is_token_name(name) {
                    out.push(Piece::Escaped(name));
                    rest = &escaped[end + 1..];
                    continue;
                }
            }
        }
        if let Some(inner) = after.strip_prefix("${") {
            if let Some(end) = inner.find('}') {
                let name = &inner[..end];
                let token = &after[..end + 3];
                out.push(if is_token_name(name) {
                    Piece::Variable { name, token }
                } else {
                    Piece::NotAToken { inner: name, token }
                });
                rest = &inner[end + 1..];
                continue;
            }
        }
        out.push(Piece::Text("$"));
        rest = &after[1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The variables OpenClaw substitutes in `text` (what `compile` lists in `.env.example`).
pub fn variables(text: &str) -> impl Iterator<Item = &str> {
    pieces(text).into_iter().filter_map(|piece| match piece {
        Piece::Variable { name, .. } => Some(name),
        _ => None,
    })
}

/// Substitutes one string: a set variable is replaced (and its value recorded for redaction),
/// an unset one kept as written and reported.
fn expand(text: &str, env: &ConfigEnv<'_>, redactions: &mut Redactions) -> (String, Vec<Finding>) {
    let mut out = String::with_capacity(text.len());
    let mut findings = Vec::new();
    for piece in pieces(text) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Escaped(name) => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
            Piece::Variable { name, token } => match env.lookup(name) {
                Some(value) => {
                    redactions.record(value, token.to_string());
                    out.push_str(value);
                }
                None => {
                    findings.push(Finding::Missing(name.to_string()));
                    out.push_str(token);
                }
            },
            Piece::NotAToken { inner, token } => {
                findings.push(Finding::NotAToken(inner.to_string()));
                out.push_str(token);
            }
        }
    }
    (out, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(vars: &[(&str, &str)]) -> Environment {
        let mut env = Environment::empty();
        for (k, v) in vars {
            env.set(*k, *v);
        }
        env
    }

    #[test]
    fn expands_upper_case_tokens_and_escapes() {
        let process = env_with(&[("A", "1"), ("EMPTY", "")]);
        let env = ConfigEnv {
            process: &process,
            exported: BTreeMap::new(),
        };
        let mut redactions = Redactions::default();
        let (s, f) = expand(
            "pre-${A}-$${A}-${lower}-${X:-d}-${EMPTY}-$5",
            &env,
            &mut redactions,
        );
        assert_eq!(s, "pre-1-${A}-${lower}-${X:-d}-${EMPTY}-$5");
        assert_eq!(f.len(), 3);
        assert!(matches!(&f[2], Finding::Missing(n) if n == "EMPTY"));
    }

    #[test]
    fn variables_are_the_tokens_substitution_replaces() {
        let names: Vec<&str> = variables("a ${A} $${B} ${lower} ${C}-$${d} ${UNCLOSED").collect();
        assert_eq!(names, ["A", "C"]);
    }

    #[test]
    fn real_environment_wins_over_env_vars() {
        let process = env_with(&[("KEY", "real")]);
        let mut out = Vec::new();
        let root = crate::syntax::json5::read(
            "{env: {vars: {KEY: 'file', OTHER: 'x', BAD: '${KEY}-x', PATH: '/x'}}}",
            crate::syntax::FileId(0),
            &Default::default(),
        )
        .ok()
        .and_then(|d| d.root)
        .unwrap_or_else(|| panic!("parse"));
        let env = export_vars(&root, &process, &mut out);
        assert_eq!(env.lookup("KEY"), Some("real"));
        assert_eq!(env.lookup("OTHER"), Some("x"));
        assert!(!env.is_set("BAD"));
        assert!(!env.is_set("PATH"));
        assert_eq!(out.len(), 2);
    }
}
