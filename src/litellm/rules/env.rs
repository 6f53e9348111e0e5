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
        unset: Vec::new(),
    };
    walker.node(ctx.root, Position::Root, false);
    let unset = std::mem::take(&mut walker.unset);
    report_unset(ctx, unset, walker.out);
}

/// One use of a variable that is not set.
struct UnsetUse {
    name: String,
    span: crate::syntax::Span,
    pointer: String,
    /// What LiteLLM does with null there, when that is worse than running with it.
    fatal: Option<&'static str>,
    master_key: bool,
}

/// Related locations shown per variable: a key used in every deployment would otherwise print a
/// code frame per deployment.
const SHOWN_USES: usize = 4;

/// LL050 once per variable: at its most consequential use (a crash, then the master key, then the
/// first), the other uses as related locations.
fn report_unset(ctx: &Context, uses: Vec<UnsetUse>, out: &mut Vec<Diagnostic>) {
    let mut by_name: crate::fast_hash::FastMap<&str, Vec<&UnsetUse>> = Default::default();
    let mut order: Vec<&str> = Vec::new();
    for use_ in &uses {
        by_name
            .entry(use_.name.as_str())
            .or_insert_with(|| {
                order.push(use_.name.as_str());
                Vec::new()
            })
            .push(use_);
    }
    let severity = if ctx.require_env {
        Severity::Error
    } else {
        Severity::Warning
    };
    for name in order {
        let Some(group) = by_name.get(name) else {
            continue;
        };
        let Some(primary) = group
            .iter()
            .find(|u| u.fatal.is_some())
            .or_else(|| group.iter().find(|u| u.master_key))
            .or_else(|| group.first())
        else {
            continue;
        };
        let consequence = match primary.fatal {
            Some(fatal) => fatal,
            None if primary.master_key => "no master key (1.109 refuses to start)",
            None => "LiteLLM silently uses null",
        };
        let others = group.len() - 1;
        let uses_note = match others {
            0 => String::new(),
            1 => " (used once more)".to_string(),
            n if n > SHOWN_USES => format!(" (used {n} more times, the first {SHOWN_USES} shown)"),
            n => format!(" (used {n} more times)"),
        };
        let mut d = Diagnostic::new(
            Code::EnvUnset,
            primary.span,
            format!("environment variable `{name}` is not set: {consequence}{uses_note}"),
        )
        .with_severity(severity)
        .with_help(format!(
            "export {name}=… where the proxy runs, or pass --env-file"
        ))
        .with_pointer(primary.pointer.clone());
        for other in group
            .iter()
            .filter(|u| !std::ptr::eq(**u, *primary))
            .take(SHOWN_USES)
        {
            d = d.with_secondary(other.span, "also used here");
        }
        out.push(d);
    }
}

/// Where an unset variable stops LiteLLM instead of leaving a setting null (checked against
/// LiteLLM's proxy_server.py and _redis.py, 1.80 and 1.109).
fn fatal_when_unset(ctx: &Context, path: &[Seg]) -> Option<&'static str> {
    let keys: Vec<Option<&str>> = path.iter().map(Seg::key).collect();
    match keys.as_slice() {
        // load_config: `"ollama" in model["litellm_params"]["model"]` on None.
        [Some("model_list"), None, Some("litellm_params"), Some("model")] => Some(
            "LiteLLM crashes at start-up (TypeError: argument of type 'NoneType' is not iterable)",
        ),
        // Guardrails are built at start-up; integrations that need a key read it then.
        [Some("guardrails"), None, Some("litellm_params"), Some("api_key")] => Some(
            "the guardrail is built at start-up without a key, and integrations that require one crash LiteLLM there",
        ),
        // `_get_redis_client_logic`: a null host overrides REDIS_HOST, and without url,
        // startup_nodes or sentinel_nodes it raises.
        [Some("litellm_settings"), Some("cache_params"), Some("host")] if redis_cache_without_url(ctx) => {
            Some("LiteLLM crashes at start-up (ValueError: Either 'host' or 'url' must be specified for redis)")
        }
        _ => None,
    }
}

/// `cache: true` with a redis `cache_params` that names no url, cluster or sentinel nodes.
fn redis_cache_without_url(ctx: &Context) -> bool {
    let Some(settings) = ctx.section("litellm_settings") else {
        return false;
    };
    let cache_on = settings
        .get("cache")
        .is_some_and(|c| c.kind == NodeKind::Bool(true));
    let Some(params) = settings.get("cache_params") else {
        return false;
    };
    let redis = params
        .get("type")
        .and_then(Node::as_str)
        .is_some_and(|t| t == "redis");
    let other_address = ["url", "startup_nodes", "sentinel_nodes"]
        .iter()
        .any(|k| params.get(k).is_some_and(|v| !v.is_null()));
    cache_on && redis && !other_address
}

/// Whether LiteLLM ignores a key entirely: unknown at the top level or in a settings section
/// (closed in the schema). What is written under it is never used, and the key is reported.
fn ignored_key(path: &[Seg], key: &str) -> bool {
    let walker = crate::litellm::schema::walker();
    let section: Vec<&str> = match path {
        [] => vec![],
        [Seg::Key(k)] => match k.as_str() {
            Some(name @ ("general_settings" | "litellm_settings" | "router_settings")) => {
                vec![name]
            }
            _ => return false,
        },
        _ => return false,
    };
    walker
        .schema_at(&section)
        .and_then(|s| walker.object_properties(s))
        .is_some_and(|(props, closed)| closed && !props.contains_key(key))
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
    unset: Vec<UnsetUse>,
}

impl<'a> Walker<'a, '_> {
    /// `ignored`: the node is under a key LiteLLM ignores entirely (already reported as such):
    /// its variables are neither resolved for use nor worth a finding.
    fn node(&mut self, node: &'a Node, position: Position, ignored: bool) {
        match &node.kind {
            NodeKind::Map(entries) => {
                for entry in entries {
                    let ignored = ignored
                        || (self.path.len() < 2
                            && entry
                                .key
                                .as_str()
                                .is_some_and(|k| ignored_key(&self.path, k)));
                    if !ignored
                        && entry
                            .key
                            .as_str()
                            .is_some_and(|k| k.starts_with(ENV_PREFIX))
                    {
                        self.not_resolved(&entry.key, "a mapping key");
                    }
                    self.path.push(Seg::Key(&entry.key));
                    self.node(&entry.value, Position::MapValue, ignored);
                    self.path.pop();
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.node(item, Position::ListItem, ignored);
                    self.path.pop();
                }
            }
            NodeKind::Str(s) if !ignored => self.string(node, s, position),
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
        self.unset.push(UnsetUse {
            name: name.into_owned(),
            span: node.span,
            pointer: path_pointer(&self.path),
            fatal: fatal_when_unset(self.ctx, &self.path),
            master_key: key == "master_key",
        });
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
