//! Keys, types, enums and required fields, checked against the schema generated from the types.

use crate::diagnostic::{pointer, Code, Diagnostic, Fix};
use crate::schema_walk::{describe_expected, SchemaWalker, Violation};
use crate::suggest::did_you_mean;
use crate::syntax::Entry;
use crate::syntax::Node;

use super::Context;

/// Sections whose keys LiteLLM reads by name: a key known in one of them but written in another
/// is "misplaced" rather than unknown.
const SECTIONS: [&str; 4] = [
    "",
    "general_settings",
    "litellm_settings",
    "router_settings",
];

/// Keys handled by dedicated rules, which explain them better.
const OWN_RULES: [(&str, &str); 2] = [
    ("/router_settings", "health_check_interval"),
    ("/router_settings", "health_check_concurrency"),
];

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let walker = crate::litellm::schema::walker();
    let violations = walker.validate(ctx.root);
    let misspelled = misspelled_required_keys(&violations);
    let typo_of: crate::fast_hash::FastMap<usize, usize> = misspelled.iter().copied().collect();
    let merged: crate::fast_hash::FastSet<usize> = misspelled.iter().map(|&(_, m)| m).collect();
    for (index, violation) in violations.iter().enumerate() {
        if let Some(&missing) = typo_of.get(&index) {
            out.extend(misspelled_required(ctx, violation, &violations[missing]));
            continue;
        }
        if merged.contains(&index) {
            continue;
        }
        if let Some(d) = diagnose(ctx, walker, violation) {
            out.push(d);
        }
    }
}

/// One finding at a misspelled required key, instead of "missing" at the mapping plus "unknown
/// key" at the typo.
fn misspelled_required(ctx: &Context, typo: &Violation, missing: &Violation) -> Option<Diagnostic> {
    let (Violation::UnknownKey { entry, .. }, Violation::Missing { key, .. }) = (typo, missing)
    else {
        return None;
    };
    let written = entry.key.as_str()?;
    let (code, consequence) = missing_consequence(missing.pointer());
    Some(
        Diagnostic::new(
            code,
            entry.key.span,
            format!("`{written}` should be `{key}`: the entry has no {key}, {consequence}"),
        )
        .with_label(format!("misspelled `{key}`"))
        .with_help(format!("rename `{written}` to `{key}`"))
        .with_pointer(pointer(typo.pointer()))
        .with_fix_opt(rename_key(ctx, entry, key, typo.pointer())),
    )
}

/// The fix renaming a misspelled key (at `path`, the key last) to `to`, unless `to` is already
/// a key of the same mapping.
fn rename_key(
    ctx: &Context,
    entry: &crate::syntax::Entry,
    to: &str,
    path: &[String],
) -> Option<Fix> {
    let written = entry.key.as_str()?;
    let parent = node_at(ctx.root, path.split_last()?.1)?;
    if parent.get(to).is_some() {
        return None;
    }
    let edit = crate::fixes::replace_string(ctx.sources, &entry.key, written, to)?;
    Some(Fix::safe(format!("Rename `{written}` to `{to}`"), edit))
}

/// The node a schema path names (keys, and indexes of sequences).
fn node_at<'a>(root: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut node = root;
    for segment in path {
        node = match &node.kind {
            crate::syntax::NodeKind::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => node.get(segment)?,
        };
    }
    Some(node)
}

/// The rule and the consequence of a required key missing at `path`.
fn missing_consequence(path: &[String]) -> (Code, &'static str) {
    match path.first().map(String::as_str) {
        Some("credential_list") => (
            Code::CredentialInvalid,
            "pydantic rejects the entry at start-up",
        ),
        Some("prompts") => (
            Code::PromptInvalid,
            "pydantic rejects the prompt and the proxy does not start",
        ),
        Some("model_list") => (
            Code::ModelEntryInvalid,
            "LiteLLM fails to start with a KeyError",
        ),
        _ => (Code::InvalidType, "LiteLLM rejects it"),
    }
}

/// Pairs (unknown key, missing required key) of one mapping where the unknown key is a near-miss
/// of the missing one (`litelm_params` for `litellm_params`): one mistake, reported once.
fn misspelled_required_keys(violations: &[Violation]) -> Vec<(usize, usize)> {
    // Unknown keys by the mapping they are in, so each missing key looks at its own mapping only.
    let mut unknown_in: crate::fast_hash::FastMap<&[String], Vec<usize>> = Default::default();
    for (index, violation) in violations.iter().enumerate() {
        if let Violation::UnknownKey { pointer, .. } = violation {
            if let Some((_, parent)) = pointer.split_last() {
                unknown_in.entry(parent).or_default().push(index);
            }
        }
    }
    let mut pairs = Vec::new();
    for (missing_index, violation) in violations.iter().enumerate() {
        let Violation::Missing { key, pointer, .. } = violation else {
            continue;
        };
        let typo = unknown_in
            .get(pointer.as_slice())
            .into_iter()
            .flatten()
            .copied()
            .find(|&i| match &violations[i] {
                Violation::UnknownKey { entry, .. } => entry
                    .key
                    .as_str()
                    .and_then(|k| crate::suggest::closest(k, [key.as_str()]))
                    .is_some(),
                _ => false,
            });
        if let Some(typo_index) = typo {
            pairs.push((typo_index, missing_index));
        }
    }
    pairs
}

fn diagnose(ctx: &Context, walker: &SchemaWalker, violation: &Violation) -> Option<Diagnostic> {
    let path = violation.pointer();
    let ptr = pointer(path);
    let parent = pointer(&path[..path.len().saturating_sub(1)]);
    Some(match violation {
        Violation::UnknownKey {
            entry,
            known,
            closed,
            ..
        } => {
            let key = entry.key.as_str().unwrap_or_default();
            if OWN_RULES.contains(&(parent.as_str(), key)) {
                return None;
            }
            if parent == "/general_settings/litellm_jwtauth" {
                return Some(jwt_auth_unknown_field(entry, key, known, ptr));
            }
            let suggestion = did_you_mean(key, known.iter().map(String::as_str));
            let section = section_name(&parent);
            if !closed {
                // Open mappings (litellm_params, model_info) forward unknown keys: only a near-miss
                // of a known key is worth a word.
                let help = suggestion?;
                return Some(
                    Diagnostic::new(
                        Code::UnknownKey,
                        entry.key.span,
                        format!("`{key}` is not a known {section} key; it is passed on as is"),
                    )
                    .with_help(help)
                    .with_pointer(ptr)
                    .with_fix_opt(
                        crate::suggest::unique_near_miss(key, known.iter().map(String::as_str))
                            .and_then(|to| rename_key(ctx, entry, to, path)),
                    ),
                );
            }
            if let Some(home) = misplaced_home(walker, &parent, key) {
                let to = home_section(&home);
                return Some(
                    Diagnostic::new(
                        Code::MisplacedKey,
                        entry.key.span,
                        format!(
                            "`{key}` belongs in {home}, not {section}: LiteLLM never reads it here"
                        ),
                    )
                    .with_label("ignored here")
                    .with_help(format!("move it under `{}`", home.trim_matches('`')))
                    .with_pointer(ptr)
                    .with_fix_opt(move_key(ctx, &parent, entry, to)),
                );
            }
            let near_miss = suggestion.is_some();
            let help = suggestion.unwrap_or_else(|| format!("known keys: {}", abbreviate(known)));
            Diagnostic::new(
                Code::UnknownKey,
                entry.key.span,
                format!("unknown key `{key}` in {section}: LiteLLM ignores it"),
            )
            .with_label("unknown key")
            .with_help(help)
            .with_pointer(ptr)
            .with_fix_opt(
                near_miss
                    .then(|| {
                        crate::suggest::unique_near_miss(key, known.iter().map(String::as_str))
                    })
                    .flatten()
                    .and_then(|to| rename_key(ctx, entry, to, path)),
            )
        }
        Violation::NonStringKey { entry, .. } => {
            let raw = entry.key.scalar_text();
            Diagnostic::new(
                Code::InvalidType,
                entry.key.span,
                format!(
                    "this key is {} ({raw}), not a string",
                    entry.key.type_name()
                ),
            )
            .with_help(
                "quote it: YAML 1.1 reads unquoted on/off/yes/no as booleans and digits as numbers",
            )
            .with_fix_opt(
                crate::fixes::quote_yaml_scalar(ctx.sources, &entry.key)
                    .map(|edit| Fix::safe(format!("Quote the key `{raw}`"), edit)),
            )
            .with_pointer(pointer(
                path.iter().map(String::as_str).chain([raw.as_str()]),
            ))
        }
        Violation::Missing { map, key, .. } => {
            let (code, consequence) = missing_consequence(path);
            let what = section_name(&ptr);
            Diagnostic::new(
                code,
                map.span,
                format!("{what} is missing `{key}`: {consequence}"),
            )
            .with_label(format!("needs `{key}`"))
            .with_help(if code == Code::PromptInvalid {
                prompt_missing_help(key)
            } else {
                missing_help(key)
            })
            .with_pointer(ptr)
        }
        Violation::WrongType { node, expected, .. } => {
            let expected_text = describe_expected(expected);
            if ptr == "/litellm_settings/cache" {
                return Some(
                    Diagnostic::new(
                        Code::CacheNotBoolean,
                        node.span,
                        format!(
                            "`cache` is {}, not a boolean: only `true` enables caching",
                            node.type_name()
                        ),
                    )
                    .with_help("write `cache: true` (unquoted)")
                    .with_pointer(ptr),
                );
            }
            if ptr == "/mcp_servers" && node.as_map().is_none() {
                return Some(
                    Diagnostic::new(
                        Code::InvalidType,
                        node.span,
                        format!(
                            "`mcp_servers` is {}, expected a mapping: LiteLLM stops at start-up (AttributeError: no attribute 'items')",
                            node.type_name()
                        ),
                    )
                    .with_help("key each server by its name: `mcp_servers: {internal-db: {url: ..., transport: http}}`")
                    .with_pointer(ptr),
                );
            }
            let mut d = Diagnostic::new(
                Code::InvalidType,
                node.span,
                format!(
                    "{} is {}, expected {expected_text}{}",
                    field_name(path),
                    node.type_name(),
                    model_info_consequence(path).unwrap_or_default()
                ),
            )
            .with_pointer(ptr);
            if let Some(hint) = yaml11_hint(node) {
                d = d.with_help(hint);
            } else if expected_text.contains("string") && node.as_str().is_none() {
                d = d.with_help("quote the value");
            }
            if expected.iter().any(|t| t == "string") {
                if let Some(edit) = crate::fixes::quote_yaml_scalar(ctx.sources, node) {
                    let shown = edit.content.clone();
                    d = d.with_fix(Fix::safe(format!("Quote the value: {shown}"), edit));
                }
            }
            model_info_severity(path, d)
        }
        Violation::NotInEnum { node, allowed, .. } => {
            let value = node.scalar_text();
            let help = did_you_mean(&value, allowed.iter().map(String::as_str))
                .map(|s| format!("{s} (expected one of {})", allowed.join(", ")))
                .unwrap_or_else(|| format!("expected one of {}", allowed.join(", ")));
            let d = Diagnostic::new(
                Code::InvalidValue,
                node.span,
                format!(
                    "`{value}` is not a valid {}{}",
                    field_name(path),
                    model_info_consequence(path).unwrap_or_default()
                ),
            )
            .with_help(help)
            .with_pointer(ptr)
            .with_fix_opt(node.as_str().and_then(|written| {
                let to =
                    crate::suggest::unique_near_miss(written, allowed.iter().map(String::as_str))?;
                let edit = crate::fixes::replace_string(ctx.sources, node, written, to)?;
                Some(Fix::safe(format!("Replace `{written}` with `{to}`"), edit))
            }));
            model_info_severity(path, d)
        }
        Violation::OutOfRange { node, bound, .. } => Diagnostic::new(
            Code::InvalidValue,
            node.span,
            format!("{} must be {bound}", field_name(path)),
        )
        .with_pointer(ptr),
        // Python's floats take NaN and infinities: LiteLLM's walker is built without the check.
        Violation::NotFinite { .. } => return None,
        // Only OpenClaw's schema has these (ECMAScript patterns, record keys, `not`, URLs).
        Violation::Pattern { .. }
        | Violation::InvalidKey { .. }
        | Violation::Forbidden { .. }
        | Violation::NotAUrl { .. } => return None,
    })
}

/// The `model_info` field a deployment path names (`model_list/N/model_info/FIELD/...`).
fn model_info_field(path: &[String]) -> Option<&str> {
    match path {
        [list, _, info, field, ..] if list == "model_list" && info == "model_info" => {
            Some(field.as_str())
        }
        _ => None,
    }
}

fn pydantic_validates(path: &[String]) -> bool {
    model_info_field(path).is_some_and(|field| {
        crate::litellm::schema::validated_model_info_fields()
            .iter()
            .any(|f| f == field)
    })
}

/// What a bad `model_info` value does: a field of LiteLLM's `ModelInfo` fails pydantic and the
/// Router drops the deployment (1.80 and 1.109, `Router._create_deployment` inside
/// `set_model_list`'s "Error creating deployment ... ignoring" handler).
fn model_info_consequence(path: &[String]) -> Option<&'static str> {
    pydantic_validates(path).then_some(
        ": pydantic rejects the deployment's ModelInfo and LiteLLM drops the deployment (Error creating deployment)",
    )
}

/// Any other `model_info` key is metadata LiteLLM keeps without validating: a bad value there
/// only misleads health checks, listings and cost tracking.
fn model_info_severity(path: &[String], d: Diagnostic) -> Diagnostic {
    if model_info_field(path).is_some() && !pydantic_validates(path) {
        d.with_severity(crate::diagnostic::Severity::Warning)
    } else {
        d
    }
}

/// The section name in what [`misplaced_home`] says (`"the top level"` is `""`).
fn home_section(home: &str) -> &str {
    if home == "the top level" {
        ""
    } else {
        home.trim_matches('`')
    }
}

/// The unsafe fix moving `entry` out of the top-level section at `parent` (a pointer such as
/// `/general_settings`) into the section `to`.
pub(crate) fn move_key(
    ctx: &Context,
    parent: &str,
    entry: &crate::syntax::Entry,
    to: &str,
) -> Option<Fix> {
    let section = ctx
        .root
        .as_map()?
        .iter()
        .rev()
        .find(|e| e.key.as_str() == Some(parent.trim_start_matches('/')))?;
    let key = entry.key.as_str()?;
    let edits = crate::fixes::move_yaml_entry(ctx.sources, ctx.root, section, entry, to)?;
    let place = if to.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{to}`")
    };
    Some(Fix::new(
        format!("Move `{key}` to {place}"),
        edits,
        crate::diagnostic::Applicability::Unsafe,
    ))
}

/// Where a key that is unknown in `section` would be read, if anywhere.
pub(crate) fn misplaced_home(
    walker: &SchemaWalker,
    section_pointer: &str,
    key: &str,
) -> Option<String> {
    let here = section_pointer.trim_start_matches('/');
    if !SECTIONS.contains(&here) {
        return None;
    }
    for other in SECTIONS {
        if other == here {
            continue;
        }
        let path: Vec<&str> = if other.is_empty() {
            vec![]
        } else {
            vec![other]
        };
        let known = walker
            .schema_at(&path)
            .and_then(|s| walker.object_properties(s))
            .is_some_and(|(props, _)| props.contains_key(key));
        if known {
            return Some(if other.is_empty() {
                "the top level".to_string()
            } else {
                format!("`{other}`")
            });
        }
    }
    None
}

fn section_name(ptr: &str) -> String {
    if ptr.is_empty() {
        return "the top level".to_string();
    }
    let segments: Vec<String> = ptr
        .trim_start_matches('/')
        .split('/')
        .map(str::to_string)
        .collect();
    format!("`{}`", display_path(&segments))
}

fn field_name(path: &[String]) -> String {
    if path.is_empty() {
        return "the config".to_string();
    }
    format!("`{}`", display_path(path))
}

fn display_path(path: &[String]) -> String {
    let mut s = String::new();
    for seg in path {
        if seg.parse::<usize>().is_ok() {
            s.push_str(&format!("[{seg}]"));
        } else {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(seg);
        }
    }
    s
}

fn missing_help(key: &str) -> String {
    match key {
        "model_name" => "add `model_name: <name clients send>`".into(),
        "litellm_params" => {
            "add `litellm_params:` with at least `model: <provider>/<model-id>`".into()
        }
        "model" => "add `model: <provider>/<model-id>`, e.g. `openai/gpt-4o`".into(),
        "credential_info" => "add `credential_info: {}` (required even when empty)".into(),
        other => format!("add `{other}`"),
    }
}

fn prompt_missing_help(key: &str) -> String {
    match key {
        "prompt_id" => "add `prompt_id: <id requests name>`".into(),
        "litellm_params" => "add `litellm_params: {prompt_integration: dotprompt, ...}`".into(),
        "prompt_integration" => {
            "add `prompt_integration:` naming the prompt manager (dotprompt, langfuse, humanloop, ...)"
                .into()
        }
        other => format!("add `{other}`"),
    }
}

/// Explains a value YAML 1.1 typed differently from how it reads.
pub fn yaml11_hint(node: &crate::syntax::Node) -> Option<String> {
    use crate::syntax::{NodeKind, ScalarStyle};
    if node.style != ScalarStyle::Plain {
        return None;
    }
    match &node.kind {
        NodeKind::Bool(_) => {
            Some("YAML 1.1 reads unquoted yes/no/on/off/true/false as a boolean: quote it".into())
        }
        NodeKind::Int(_) | NodeKind::Float(_) => {
            Some("YAML reads this as a number: quote it to keep it text".into())
        }
        NodeKind::Timestamp(_) => {
            Some("YAML 1.1 reads an unquoted date as a date object: quote it".into())
        }
        NodeKind::Null => Some("the value is empty (null)".into()),
        _ => None,
    }
}

fn abbreviate(known: &[String]) -> String {
    const SHOWN: usize = 12;
    if known.len() <= SHOWN {
        known.join(", ")
    } else {
        format!(
            "{}, … ({} in all; see `litellm-check schema litellm`)",
            known[..SHOWN].join(", "),
            known.len()
        )
    }
}

/// LL068: `LiteLLM_JWTAuth` raises on any key it lacks, so the proxy does not start.
fn jwt_auth_unknown_field(entry: &Entry, key: &str, known: &[String], ptr: String) -> Diagnostic {
    // LiteLLM reads these three from the environment, never from the config.
    let from_env = match key {
        "public_key_url" => Some("JWT_PUBLIC_KEY_URL"),
        "audience" => Some("JWT_AUDIENCE"),
        "issuer" => Some("JWT_ISSUER (1.109)"),
        _ => None,
    };
    let help = match from_env {
        Some(variable) => format!("remove it and set the {variable} environment variable"),
        None => did_you_mean(key, known.iter().map(String::as_str)).unwrap_or_else(|| {
            "remove it; the fields are those of LiteLLM_JWTAuth in litellm/proxy/_types.py".into()
        }),
    };
    Diagnostic::new(
        Code::JwtAuthUnknownField,
        entry.key.span,
        format!("`{key}` is not a `litellm_jwtauth` field: LiteLLM stops at start-up (ValueError: Invalid arguments provided)"),
    )
    .with_label("not a LiteLLM_JWTAuth field")
    .with_help(help)
    .with_pointer(ptr)
}
