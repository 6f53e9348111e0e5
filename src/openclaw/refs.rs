//! Model refs inside the OpenClaw config: where they are, how OpenClaw parses and resolves them
//! (§5 of the reference), and the problems that make a ref fail when an agent runs.

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::syntax::{Node, NodeKind, Span};

use super::env::Substitutions;
use super::providers::is_bundled;

/// What kind of place a ref sits in, which decides what forms it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefPlace {
    /// `model`, fallbacks, tool models, `utilityModel`, `subagents.model`, ...: alias or ref.
    Model,
    /// `decisionModel`: must be `provider/model` (or `""`).
    Decision,
    /// A key of `agents.*.models`: exact ref or `provider/*`.
    SettingsKey,
    /// A `modelPolicy.allow` entry: alias, exact ref or trailing wildcard.
    PolicyAllow,
    /// `mediaModels.image|video|music`: served by generation providers, not text providers.
    Media(MediaKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
    Music,
}

impl MediaKind {
    /// The generation providers bundled in 2026.9.6 (plugin manifest contracts).
    fn providers(self) -> &'static [&'static str] {
        match self {
            MediaKind::Image => &[
                "fal",
                "google",
                "litellm",
                "microsoft-foundry",
                "minimax",
                "minimax-portal",
                "openai",
                "openrouter",
                "xai",
            ],
            MediaKind::Video => &[
                "alibaba",
                "fal",
                "google",
                "minimax",
                "minimax-portal",
                "openai",
                "openrouter",
                "runway",
                "together",
                "xai",
            ],
            MediaKind::Music => &["fal", "google", "minimax", "minimax-portal", "openrouter"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Music => "music",
        }
    }
}

/// One model ref found in the config.
#[derive(Debug, Clone)]
pub struct ModelRef {
    pub text: String,
    pub span: Span,
    pub pointer: String,
    pub place: RefPlace,
    /// The ref as written, when it came from `${VAR}` substitution: messages show this, never
    /// the value or a part of it.
    pub written: Option<String>,
}

impl ModelRef {
    pub fn substituted(&self) -> bool {
        self.written.is_some()
    }

    /// The ref as a message may show it.
    pub fn shown(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.text)
    }

    /// The provider and model of `parsed` (this ref's value) as a message may show them: for a
    /// substituted ref, the parts of the text as written (the whole of it when it has no `/`).
    pub fn shown_parts(&self, parsed: &ParsedRef) -> ParsedRef {
        match &self.written {
            None => parsed.clone(),
            Some(written) => {
                let (provider, model) = written.split_once('/').unwrap_or((written, written));
                ParsedRef {
                    provider: provider.to_string(),
                    model: model.to_string(),
                }
            }
        }
    }
}

/// A ref split as `parseModelRef` does: provider lower-cased, model without an `@profile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRef {
    pub provider: String,
    pub model: String,
}

/// Splits on the first `/`; `None` for a bare id. A trailing `@profile` is dropped, but date
/// (`@20250101`) and quantisation (`@q4_k_m`, `@8bit`) suffixes belong to the model id.
pub fn parse(text: &str) -> Option<ParsedRef> {
    let text = text.trim();
    if text == "openrouter:auto" {
        return Some(ParsedRef {
            provider: "openrouter".into(),
            model: "auto".into(),
        });
    }
    let (provider, model) = text.split_once('/')?;
    let model = match model.rsplit_once('@') {
        Some((base, suffix)) if !is_model_suffix(suffix) => base,
        _ => model,
    };
    Some(ParsedRef {
        provider: provider.trim().to_ascii_lowercase(),
        model: model.to_string(),
    })
}

fn is_model_suffix(suffix: &str) -> bool {
    let lower = suffix.to_ascii_lowercase();
    (lower.len() == 8 && lower.bytes().all(|b| b.is_ascii_digit()))
        || (lower.starts_with('q') && lower[1..].starts_with(|c: char| c.is_ascii_digit()))
        || (lower.ends_with("bit")
            && lower[..lower.len() - 3].bytes().all(|b| b.is_ascii_digit())
            && lower.len() > 3)
}

/// Every ref in `agents.defaults` and `agents.entries.*`, after includes, substitution and the
/// legacy roster migration.
pub fn collect(root: &Node, substituted: &Substitutions) -> Vec<ModelRef> {
    let mut refs = Vec::new();
    let Some(agents) = root.get("agents") else {
        return refs;
    };
    let mut scopes: Vec<(Vec<String>, &Node)> = Vec::new();
    if let Some(defaults) = agents.get("defaults") {
        scopes.push((vec!["agents".into(), "defaults".into()], defaults));
    }
    for entry in agents
        .get("entries")
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        scopes.push((
            vec!["agents".into(), "entries".into(), entry.key.scalar_text()],
            &entry.value,
        ));
    }
    let mut push = |node: &Node, path: &[String], place: RefPlace| {
        if let Some(text) = node.as_str() {
            refs.push(ModelRef {
                text: text.to_string(),
                span: node.span,
                pointer: pointer(path),
                place,
                written: substituted.written(node.span).map(str::to_string),
            });
        }
    };
    for (base, scope) in scopes {
        let at = |extra: &[&str]| -> Vec<String> {
            base.iter()
                .cloned()
                .chain(extra.iter().map(|s| s.to_string()))
                .collect()
        };
        for key in ["model", "imageModel", "pdfModel", "voiceModel"] {
            if let Some(model) = scope.get(key) {
                chain_refs(model, &at(&[key]), RefPlace::Model, &mut push);
            }
        }
        for (key, kind) in [
            ("image", MediaKind::Image),
            ("video", MediaKind::Video),
            ("music", MediaKind::Music),
        ] {
            if let Some(model) = scope.get("mediaModels").and_then(|m| m.get(key)) {
                chain_refs(
                    model,
                    &at(&["mediaModels", key]),
                    RefPlace::Media(kind),
                    &mut push,
                );
            }
        }
        if let Some(model) = scope.get("subagents").and_then(|s| s.get("model")) {
            chain_refs(
                model,
                &at(&["subagents", "model"]),
                RefPlace::Model,
                &mut push,
            );
        }
        for (parent, key) in [("heartbeat", "model"), ("compaction", "model")] {
            if let Some(model) = scope.get(parent).and_then(|p| p.get(key)) {
                push(model, &at(&[parent, key]), RefPlace::Model);
            }
        }
        if let Some(model) = scope
            .get("compaction")
            .and_then(|c| c.get("memoryFlush"))
            .and_then(|m| m.get("model"))
        {
            push(
                model,
                &at(&["compaction", "memoryFlush", "model"]),
                RefPlace::Model,
            );
        }
        if let Some(model) = scope.get("utilityModel") {
            push(model, &at(&["utilityModel"]), RefPlace::Model);
        }
        if let Some(model) = scope.get("decisionModel") {
            push(model, &at(&["decisionModel"]), RefPlace::Decision);
        }
        for entry in scope
            .get("models")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            let key = entry.key.scalar_text();
            push(
                &entry.key,
                &at(&["models", key.as_str()]),
                RefPlace::SettingsKey,
            );
        }
        if let Some(allow) = scope
            .get("modelPolicy")
            .and_then(|p| p.get("allow"))
            .and_then(Node::as_seq)
        {
            for (i, item) in allow.iter().enumerate() {
                push(
                    item,
                    &at(&["modelPolicy", "allow", &i.to_string()]),
                    RefPlace::PolicyAllow,
                );
            }
        }
    }
    refs
}

fn chain_refs(
    model: &Node,
    path: &[String],
    place: RefPlace,
    push: &mut impl FnMut(&Node, &[String], RefPlace),
) {
    match &model.kind {
        NodeKind::Str(_) => push(model, path, place),
        NodeKind::Map(_) => {
            if let Some(primary) = model.get("primary") {
                let mut p = path.to_vec();
                p.push("primary".into());
                push(primary, &p, place);
            }
            for (i, fallback) in model
                .get("fallbacks")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let mut p = path.to_vec();
                p.extend(["fallbacks".to_string(), i.to_string()]);
                push(fallback, &p, place);
            }
        }
        _ => {}
    }
}

/// What the config defines that refs can name.
pub struct Catalog {
    /// Configured provider ids, lower-cased, with whether they have a non-empty `baseUrl`.
    pub providers: Vec<(String, bool)>,
    /// `models.providers.<id>.models[].id`, with the provider.
    pub model_ids: Vec<(String, String)>,
    /// Aliases from `agents.*.models.<ref>.alias`, with the ref they stand for.
    pub aliases: Vec<(String, String)>,
}

impl Catalog {
    pub fn of(root: &Node) -> Self {
        let mut providers = Vec::new();
        let mut model_ids = Vec::new();
        for entry in root
            .get("models")
            .and_then(|m| m.get("providers"))
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            let id = entry.key.scalar_text().to_ascii_lowercase();
            let has_base = entry
                .value
                .get("baseUrl")
                .and_then(Node::as_str)
                .is_some_and(|b| !b.trim().is_empty());
            for model in entry
                .value
                .get("models")
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                if let Some(model_id) = model.get("id").and_then(Node::as_str) {
                    model_ids.push((id.clone(), model_id.to_string()));
                }
            }
            providers.push((id, has_base));
        }
        let mut aliases = Vec::new();
        let agents = root.get("agents");
        let scopes = agents.and_then(|a| a.get("defaults")).into_iter().chain(
            agents
                .and_then(|a| a.get("entries"))
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .map(|e| &e.value),
        );
        for scope in scopes {
            for entry in scope
                .get("models")
                .and_then(Node::as_map)
                .unwrap_or_default()
            {
                if let Some(alias) = entry.value.get("alias").and_then(Node::as_str) {
                    aliases.push((alias.to_string(), entry.key.scalar_text()));
                }
            }
        }
        Catalog {
            providers,
            model_ids,
            aliases,
        }
    }

    pub fn configured(&self, provider: &str) -> Option<bool> {
        self.providers
            .iter()
            .find(|(p, _)| p == provider)
            .map(|(_, base)| *base)
    }

    /// Resolves a ref as OpenClaw does: `provider/model`; a bare id is an alias, then a unique
    /// configured model id, then `openai/<id>`. The bool says whether the default was used.
    pub fn resolve(&self, text: &str) -> Option<(ParsedRef, bool)> {
        let trimmed = text.trim();
        if let Some(parsed) = parse(trimmed) {
            return Some((parsed, false));
        }
        if trimmed.is_empty() {
            return None;
        }
        if let Some((_, target)) = self
            .aliases
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(trimmed))
        {
            return parse(target).map(|p| (p, false));
        }
        let owners: Vec<&String> = self
            .model_ids
            .iter()
            .filter(|(_, m)| m == trimmed)
            .map(|(p, _)| p)
            .collect();
        if let [only] = owners[..] {
            return Some((
                ParsedRef {
                    provider: only.clone(),
                    model: trimmed.to_string(),
                },
                false,
            ));
        }
        Some((
            ParsedRef {
                provider: "openai".into(),
                model: trimmed.to_string(),
            },
            true,
        ))
    }

    fn known_providers(&self) -> Vec<&str> {
        self.providers
            .iter()
            .map(|(p, _)| p.as_str())
            .chain(super::providers::KNOWN_PROVIDERS.iter().copied())
            .collect()
    }
}

/// Provider ids the 2026.9.6 resolver rejects as legacy (doctor migrates them to `openai`).
const LEGACY_PROVIDERS: &[&str] = &["openai-codex", "codex"];

/// Selectors `modelPolicy.allow` accepts besides refs and aliases.
const POLICY_SELECTORS: &[&str] = &["openrouter:auto", "openrouter:free"];

/// A `modelPolicy.allow` entry OpenClaw accepts without an alias: an exact `provider/model`
/// (every `/` segment non-empty, without `*`, white space or control characters), a
/// segment-boundary prefix wildcard (`provider/*`, `provider/namespace/*`) or a selector.
fn valid_policy_ref(text: &str) -> bool {
    let trimmed = text.trim();
    if POLICY_SELECTORS.contains(&trimmed.to_ascii_lowercase().as_str()) {
        return true;
    }
    let segment_ok = |s: &str| {
        !s.is_empty() && !s.contains('*') && !s.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    let segments: Vec<&str> = trimmed.split('/').map(str::trim).collect();
    match segments.split_last() {
        Some((&"*", head)) => !head.is_empty() && head.iter().all(|s| segment_ok(s)),
        _ => segments.len() >= 2 && segments.iter().all(|s| segment_ok(s)),
    }
}

/// The LiteLLM provider's static catalog in 2026.9.6 (what resolves without a `baseUrl`).
const LITELLM_STATIC_MODELS: &[&str] = &["claude-opus-4-6"];

fn shown(r: &ModelRef) -> String {
    format!("`{}`", r.shown())
}

/// OpenClaw-internal ref checks (no LiteLLM config needed).
pub fn check(
    refs: &[ModelRef],
    catalog: &Catalog,
    served_by_litellm: &dyn Fn(&str) -> bool,
    sources: &crate::syntax::SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    for r in refs {
        let text = r.text.trim();
        if text.is_empty()
            && matches!(
                r.place,
                RefPlace::Model | RefPlace::Decision | RefPlace::Media(_)
            )
        {
            // `""` disables utility/decision models.
            continue;
        }
        if text.contains("${") {
            // Unresolved variable: already reported by the env rules.
            continue;
        }
        let bare = !text.contains('/') && text != "openrouter:auto";
        let diag = |code: Code, message: String| {
            Diagnostic::new(code, r.span, message).with_pointer(r.pointer.clone())
        };
        if r.place == RefPlace::PolicyAllow {
            let is_alias = catalog
                .aliases
                .iter()
                .any(|(a, _)| a.eq_ignore_ascii_case(text));
            if !is_alias && !valid_policy_ref(text) {
                out.push(
                    diag(
                        Code::OcModelRefInvalid,
                        format!("invalid model policy ref: {}. Use a configured alias, an exact \"provider/model\" ref, or a trailing prefix wildcard such as \"provider/*\"", shown(r)),
                    )
                    .with_help(bare_help(r, catalog, served_by_litellm)),
                );
                continue;
            }
            if is_alias || POLICY_SELECTORS.contains(&text.to_ascii_lowercase().as_str()) {
                continue;
            }
        }
        if let Some((provider, model)) = text.split_once('/') {
            if provider.trim().is_empty() || model.is_empty() {
                out.push(diag(
                    Code::OcModelRefInvalid,
                    format!(
                        "{} is not a valid model ref: expected `provider/model`",
                        shown(r)
                    ),
                ));
                continue;
            }
        }
        if bare {
            match r.place {
                RefPlace::Decision => {
                    out.push(diag(Code::OcModelRefInvalid, format!("{} is not `provider/model`: Expected provider/model, or an empty string to disable decision models.", shown(r))));
                    continue;
                }
                RefPlace::SettingsKey => {
                    out.push(
                        diag(Code::OcBareModelRef, format!("model settings key {} has no provider: it matches no `provider/model` ref", shown(r)))
                            .with_help(bare_help(r, catalog, served_by_litellm)),
                    );
                    continue;
                }
                _ => {}
            }
        }
        let Some((parsed, defaulted)) = catalog.resolve(text) else {
            continue;
        };
        if defaulted {
            out.push(
                diag(Code::OcBareModelRef, format!("{} has no provider and is no alias or configured model id: OpenClaw falls back to `openai/{}`", shown(r), r.shown()))
                    .with_help(bare_help(r, catalog, served_by_litellm))
                    .with_fix_opt(bare_fix(r, sources, served_by_litellm)),
            );
            continue;
        }
        let configured = catalog.configured(&parsed.provider);
        let parts = r.shown_parts(&parsed);
        if configured.is_none() && LEGACY_PROVIDERS.contains(&parsed.provider.as_str()) {
            out.push(
                diag(
                    Code::OcLegacyProviderRef,
                    format!(
                        "{} uses the legacy provider id \"{}\": Unknown model",
                        shown(r),
                        parts.provider
                    ),
                )
                .with_help(format!(
                    "write `openai/{}` (what `openclaw doctor --fix` migrates it to)",
                    parts.model
                )),
            );
            continue;
        }
        if let RefPlace::Media(kind) = r.place {
            // Generation providers are their own set; a configured provider id may serve too.
            let known = kind.providers();
            if configured.is_none() && !known.contains(&parsed.provider.as_str()) {
                let mut d = diag(
                    Code::OcUnknownProvider,
                    format!(
                        "{} uses \"{}\", which is no bundled {}-generation provider",
                        shown(r),
                        parts.provider,
                        kind.name()
                    ),
                );
                d.help = suggest_unless_substituted(r, || {
                    crate::suggest::did_you_mean(&parsed.provider, known.iter().copied())
                })
                .or_else(|| {
                    Some(format!(
                        "{}-generation providers: {}",
                        kind.name(),
                        known.join(", ")
                    ))
                });
                out.push(d);
            }
            continue;
        }
        if configured.is_none() && !is_bundled(&parsed.provider) {
            let known = catalog.known_providers();
            let near = suggest_unless_substituted(r, || {
                crate::suggest::closest(&parsed.provider, known.iter().copied())
            });
            let help = match near {
                Some(p) => format!("did you mean `{p}`? Otherwise add `models.providers.{}` with `baseUrl` and `models`", parts.provider),
                None => format!("add `models.providers.{}` with `baseUrl` and `models`", parts.provider),
            };
            out.push(diag(
                Code::OcUnknownProvider,
                format!("{} uses unknown provider \"{}\": no bundled plugin or `models.providers` entry declares it", shown(r), parts.provider),
            ).with_help(help));
            continue;
        }
        let wildcard = parsed.model.ends_with('*');
        if parsed.provider == "litellm"
            && configured != Some(true)
            && !wildcard
            && !LITELLM_STATIC_MODELS.contains(&parsed.model.as_str())
        {
            out.push(
                diag(Code::OcModelUnresolvable, format!("{}: the `litellm` provider has no `baseUrl`, so only its static catalog resolves (Unknown model)", shown(r)))
                    .with_help("add `models.providers.litellm.baseUrl` (e.g. \"http://localhost:4000\")"),
            );
        }
    }
}

/// A "did you mean" computed from the ref's value, unless the value came from the environment:
/// the nearest name would hint at it.
pub fn suggest_unless_substituted<T>(
    r: &ModelRef,
    suggest: impl FnOnce() -> Option<T>,
) -> Option<T> {
    if r.substituted() {
        None
    } else {
        suggest()
    }
}

/// What to write instead of a bare ref; the lookups use the value, the text shows the ref as
/// written.
/// The provider prefix for a bare ref: `litellm/` when the LiteLLM config serves it (unsafe:
/// it changes where requests go); else, for an id LiteLLM's price table lists under OpenAI,
/// `openai/`, what OpenClaw reads it as (safe: the same behaviour, written out), and for one it
/// lists under Anthropic `anthropic/` (unsafe: OpenClaw sent it to OpenAI). No fix for other ids
/// (writing `openai/claude-...` would only make the mistake explicit), nor for a ref written
/// through `${VAR}`.
fn bare_fix(
    r: &ModelRef,
    sources: &crate::syntax::SourceMap,
    served_by_litellm: &dyn Fn(&str) -> bool,
) -> Option<crate::diagnostic::Fix> {
    use crate::diagnostic::{Applicability, Fix};
    if r.substituted() || r.text.trim() != r.text {
        return None;
    }
    let (provider, applicability) = if served_by_litellm(&r.text) {
        ("litellm", Applicability::Unsafe)
    } else {
        match crate::price_table::lookup(&r.text, None)?
            .provider
            .as_deref()?
        {
            "openai" => ("openai", Applicability::Safe),
            "anthropic" => ("anthropic", Applicability::Unsafe),
            _ => return None,
        }
    };
    let fixed = format!("{provider}/{}", r.text);
    let node = crate::syntax::Node::new(crate::syntax::NodeKind::Str(r.text.clone()), r.span);
    let edit = crate::fixes::replace_string(sources, &node, &r.text, &fixed)?;
    Some(Fix::new(
        format!("Write `{fixed}`"),
        vec![edit],
        applicability,
    ))
}

fn bare_help(r: &ModelRef, catalog: &Catalog, served_by_litellm: &dyn Fn(&str) -> bool) -> String {
    let text = r.text.trim();
    let shown = r.shown();
    if served_by_litellm(text) {
        return format!("write `litellm/{shown}` (the LiteLLM proxy serves `{shown}`)");
    }
    if let Some((provider, _)) = catalog.model_ids.iter().find(|(_, m)| m == text) {
        return format!("write `{provider}/{shown}`");
    }
    format!("write the provider explicitly, e.g. `openai/{shown}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_openclaw() {
        assert_eq!(
            parse("LiteLLM/gpt-4@work"),
            Some(ParsedRef {
                provider: "litellm".into(),
                model: "gpt-4".into()
            })
        );
        assert_eq!(
            parse("openrouter/qwen/qwen-2.5:free").map(|p| p.model),
            Some("qwen/qwen-2.5:free".into())
        );
        assert_eq!(
            parse("ollama/llama3@q4_k_m").map(|p| p.model),
            Some("llama3@q4_k_m".into())
        );
        assert_eq!(
            parse("anthropic/claude@20250101").map(|p| p.model),
            Some("claude@20250101".into())
        );
        assert_eq!(parse("gpt-4"), None);
    }
}
