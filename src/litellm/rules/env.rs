//! `os.environ/NAME` references (resolved only as mapping values, before `environment_variables`
//! are exported), `${VAR}` text LiteLLM never expands, and secrets written into the file.
//!
//! Messages name variables, never their values.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::litellm::env_value::{self, ENV_PREFIX};
use crate::syntax::{Node, NodeKind};

use super::{path_pointer, Context, Seg};

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let defined_in_file: Vec<String> = ctx
        .section("environment_variables")
        .and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| e.key.as_str().map(str::to_string))
        .collect();
    let mut walker = Walker {
        ctx,
        defined_in_file: &defined_in_file,
        out,
        path: Vec::new(),
    };
    walker.node(ctx.root, Position::Root);
}

#[derive(Clone, Copy, PartialEq)]
enum Position {
    Root,
    MapValue,
    ListItem,
}

struct Walker<'a, 'o> {
    ctx: &'a Context<'a>,
    defined_in_file: &'a [String],
    out: &'o mut Vec<Diagnostic>,
    path: Vec<Seg<'a>>,
}

impl<'a> Walker<'a, '_> {
    fn node(&mut self, node: &'a Node, position: Position) {
        match &node.kind {
            NodeKind::Map(entries) => {
                for entry in entries {
                    if entry
                        .key
                        .as_str()
                        .is_some_and(|k| k.starts_with(ENV_PREFIX))
                    {
                        self.not_resolved(&entry.key, "a mapping key");
                    }
                    self.path.push(Seg::Key(&entry.key));
                    self.node(&entry.value, Position::MapValue);
                    self.path.pop();
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.node(item, Position::ListItem);
                    self.path.pop();
                }
            }
            NodeKind::Str(s) => self.string(node, s, position),
            _ => {}
        }
    }

    fn string(&mut self, node: &Node, value: &str, position: Position) {
        if value.starts_with(ENV_PREFIX) {
            match position {
                Position::MapValue => self.reference(node, value),
                _ => self.not_resolved(node, "a list item"),
            }
            return;
        }
        if let Some(var) = shell_variable(value) {
            let help = if value.trim() == format!("${{{var}}}") {
                format!("write `os.environ/{var}`")
            } else {
                format!("LiteLLM only resolves whole values of the form `os.environ/{var}`: move the full value into the variable")
            };
            self.out.push(
                Diagnostic::new(
                    Code::ShellStyleVariable,
                    node.span,
                    format!("`${{{var}}}` is not expanded by LiteLLM: the literal text is used"),
                )
                .with_help(help)
                .with_pointer(path_pointer(&self.path)),
            );
            return;
        }
        let key = self.path.last().and_then(Seg::key).unwrap_or_default();
        if let Some(kind) = literal_secret(key, value) {
            if key == "master_key" && value == "sk-1234" {
                return; // the demo key has its own rule
            }
            self.out.push(
                Diagnostic::new(
                    Code::LiteralSecret,
                    node.span,
                    format!("`{key}` holds a literal {kind} in the file"),
                )
                .with_label("secret written into the config")
                .with_help(format!(
                    "store it in an environment variable and write `{key}: os.environ/<VARIABLE>`"
                ))
                .with_pointer(path_pointer(&self.path)),
            );
        }
    }

    fn reference(&mut self, node: &Node, value: &str) {
        let key = self.path.last().and_then(Seg::key).unwrap_or_default();
        // 1.109 leaves `*_ref` federation pointers unresolved on purpose.
        if !env_value::resolves_under_key(key, value) {
            return;
        }
        // The one resolver decides what LiteLLM reads; only the name is used here.
        if self.ctx.env.resolves(value) {
            return;
        }
        // LiteLLM removes every occurrence of the prefix; the rest is the name.
        let name: std::borrow::Cow<str> = match value.strip_prefix(ENV_PREFIX) {
            Some(rest) if !rest.contains(ENV_PREFIX) => rest.into(),
            _ => value.replace(ENV_PREFIX, "").into(),
        };
        if self.defined_in_file.iter().any(|d| d == &name)
            && self.path.first().and_then(Seg::key) != Some("environment_variables")
        {
            self.out.push(
                Diagnostic::new(Code::EnvDefinedTooLate, node.span, format!("`{name}` is only defined in this file's `environment_variables`, which LiteLLM exports after resolving references: this resolves to null"))
                    .with_help(format!("set {name} in the proxy's environment, or write the value here"))
                    .with_pointer(path_pointer(&self.path)),
            );
            return;
        }
        let severity = if self.ctx.require_env {
            Severity::Error
        } else {
            Severity::Warning
        };
        let consequence = if key == "master_key" {
            "no master key (1.109 refuses to start)"
        } else {
            "LiteLLM silently uses null"
        };
        self.out.push(
            Diagnostic::new(
                Code::EnvUnset,
                node.span,
                format!("environment variable `{name}` is not set: {consequence}"),
            )
            .with_severity(severity)
            .with_help(format!(
                "export {name}=… where the proxy runs, or pass --env-file"
            ))
            .with_pointer(path_pointer(&self.path)),
        );
    }

    fn not_resolved(&mut self, node: &Node, place: &str) {
        self.out.push(
            Diagnostic::new(Code::EnvNotResolved, node.span, format!("`{}` is {place}: LiteLLM only resolves `os.environ/` in mapping values, so the literal text is used", node.scalar_text()))
                .with_help("put the reference in a mapping value (`key: os.environ/NAME`)")
                .with_pointer(path_pointer(&self.path)),
        );
    }
}

/// The name in a `${NAME}` or `${NAME:-default}` inside a value.
fn shell_variable(value: &str) -> Option<&str> {
    // Most values have no `$` at all: one vectorised byte scan decides.
    let dollar = memchr::memchr(b'$', value.as_bytes())?;
    let start = dollar + value[dollar..].find("${")? + 2;
    let rest = &value[start..];
    let end = rest.find('}')?;
    let inner = &rest[..end];
    let name = inner.split([':', '-']).next().unwrap_or(inner);
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(name)
}

/// Recognisable key formats, and keys whose literal value is a secret.
fn literal_secret(key: &str, value: &str) -> Option<&'static str> {
    const PREFIXES: [(&str, &str); 12] = [
        ("sk-ant-", "Anthropic API key"),
        ("sk-proj-", "OpenAI API key"),
        ("sk-or-", "OpenRouter API key"),
        ("sk-", "API key"),
        ("AIza", "Google API key"),
        ("gsk_", "Groq API key"),
        ("xai-", "xAI API key"),
        ("AKIA", "AWS access key"),
        ("ghp_", "GitHub token"),
        ("hf_", "Hugging Face token"),
        ("nvapi-", "NVIDIA API key"),
        ("pplx-", "Perplexity API key"),
    ];
    // Cheap shape tests first: the placeholder scan only runs on values that look like a secret.
    let by_prefix = PREFIXES.iter().find_map(|(prefix, kind)| {
        let rest = value.strip_prefix(prefix)?;
        (rest.len() >= 16
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .then_some(*kind)
    });
    let by_key = || {
        let secret_key = matches!(
            key,
            "api_key"
                | "master_key"
                | "aws_secret_access_key"
                | "client_secret"
                | "azure_ad_token"
                | "redis_password"
                | "password"
        ) || key.ends_with("_api_key")
            || key.ends_with("_secret");
        (secret_key && value.len() >= 20 && !value.contains(' ')).then_some("secret")
    };
    let kind = by_prefix.or_else(by_key)?;
    (!looks_like_placeholder(value)).then_some(kind)
}

fn looks_like_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    [
        "redacted",
        "xxx",
        "your",
        "<",
        "...",
        "…",
        "changeme",
        "placeholder",
        "example",
        "dummy",
        "fake",
        "replace",
        "here",
        "1234",
    ]
    .iter()
    .any(|p| lower.contains(p))
}
