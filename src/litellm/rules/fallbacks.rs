//! Fallback lists and `model_group_alias`: shapes LiteLLM rejects at start-up, and names it never
//! checks (so a typo only shows when the fallback is needed).

use crate::diagnostic::{pointer, Code, Diagnostic, Severity};
use crate::fast_hash::FastSet as HashSet;
use crate::litellm::resolved::{fallback_key_matches, FallbackKind};

use crate::syntax::{Node, NodeKind};

use super::Context;

const LISTS: [&str; 3] = [
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
];
const SECTIONS: [&str; 2] = ["router_settings", "litellm_settings"];

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let ids = deployment_ids(ctx);
    for section in SECTIONS {
        let Some(settings) = ctx.section(section) else {
            continue;
        };
        for list in LISTS {
            if let Some(value) = settings.get(list) {
                check_list(ctx, &ids, section, list, value, out);
            }
        }
        if let Some(value) = settings.get("default_fallbacks") {
            check_default_fallbacks(ctx, &ids, section, value, out);
        }
    }
    check_shadowing(ctx, out);
    check_generic_rules(ctx, out);
    check_aliases(ctx, out);
}

/// `model_info.id`s: a fallback target may name one deployment by id.
fn deployment_ids(ctx: &Context) -> HashSet<String> {
    ctx.deployments()
        .filter_map(|(_, d)| d.get("model_info")?.get("id").map(Node::scalar_text))
        .collect()
}

fn serves(ctx: &Context, ids: &HashSet<String>, name: &str) -> bool {
    ctx.resolved.groups.contains(name) || ids.contains(name)
}

/// A fallback key fires when some model group fails that the router's matcher pairs it with
/// (the one matcher the proxy, `compile` and `explain` use too).
fn key_can_fire(ctx: &Context, key: &str) -> bool {
    key == "*"
        || ctx.resolved.groups.contains(key)
        || ctx
            .resolved
            .groups
            .groups
            .iter()
            .any(|g| fallback_key_matches(key, &g.name).is_some())
}

fn check_list(
    ctx: &Context,
    ids: &HashSet<String>,
    section: &str,
    list: &str,
    value: &Node,
    out: &mut Vec<Diagnostic>,
) {
    let base = [section, list];
    let items = match &value.kind {
        NodeKind::Null => return,
        NodeKind::Seq(items) => items,
        _ => {
            out.push(
                Diagnostic::new(Code::FallbackShape, value.span, format!("`{list}` is {}, but LiteLLM needs a list of `{{group: [fallbacks]}}` mappings", value.type_name()))
                    .with_help(format!("write `{list}: [{{\"my-group\": [\"backup-group\"]}}]`"))
                    .with_pointer(pointer(base)),
            );
            return;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let index = i.to_string();
        let item_ptr = pointer([section, list, &index]);
        match &item.kind {
            NodeKind::Str(target) => {
                // The client-side form: accepted, but applied to every failing group.
                out.push(
                    Diagnostic::new(Code::FallbackShape, item.span, format!("`{target}` is a bare name: LiteLLM applies this client-side form to every failing model group"))
                        .with_severity(Severity::Warning)
                        .with_help(format!("write `- \"*\": [\"{target}\"]` to mean it, or `- <group>: [\"{target}\"]` for one group"))
                        .with_pointer(item_ptr.clone()),
                );
                check_target(ctx, ids, None, item, &item_ptr, out);
            }
            NodeKind::Map(entries) if entries.len() == 1 => {
                let entry = &entries[0];
                let key = entry.key.scalar_text();
                let value_ptr = pointer([section, list, &index, &key]);
                if !key_can_fire(ctx, &key) && !ids.contains(&key) {
                    let help = ctx.resolved.groups.suggest(&key).map(|s| format!("did you mean `{s}`?")).unwrap_or_else(|| "name a `model_name` from `model_list`, or `*`".into());
                    out.push(
                        Diagnostic::new(Code::FallbackSourceUnknown, entry.key.span, format!("no model group `{key}`: this fallback rule can never fire"))
                            .with_help(help)
                            .with_pointer(value_ptr.clone()),
                    );
                }
                let Some(targets) = entry.value.as_seq() else {
                    out.push(
                        Diagnostic::new(Code::FallbackShape, entry.value.span, format!("the fallbacks of `{key}` are {}, not a list: LiteLLM 1.109 raises TypeError at start-up", entry.value.type_name()))
                            .with_help(format!("write `{key}: [{}]`", entry.value.as_str().map_or("backup-group".to_string(), |s| format!("\"{s}\""))))
                            .with_pointer(value_ptr),
                    );
                    continue;
                };
                for (t, target) in targets.iter().enumerate() {
                    check_target(ctx, ids, Some(&key), target, &pointer([section, list, &index, &key, &t.to_string()]), out);
                }
            }
            NodeKind::Map(entries) => {
                // A mapping of LiteLLM params (the client-side form) is also accepted.
                if entries.iter().any(|e| e.key.as_str() == Some("model")) {
                    continue;
                }
                out.push(
                    Diagnostic::new(Code::FallbackShape, item.span, format!("this fallback rule has {} keys, but LiteLLM needs exactly one: it raises ValueError at start-up", entries.len()))
                        .with_help("write one `- group: [fallbacks]` item per model group")
                        .with_pointer(item_ptr),
                );
            }
            _ => out.push(
                Diagnostic::new(Code::FallbackShape, item.span, format!("this fallback rule is {}, not a mapping: LiteLLM raises ValueError at start-up", item.type_name()))
                    .with_help("write `- my-group: [backup-group]`")
                    .with_pointer(item_ptr),
            ),
        }
    }
}

fn check_target(
    ctx: &Context,
    ids: &HashSet<String>,
    key: Option<&str>,
    target: &Node,
    ptr: &str,
    out: &mut Vec<Diagnostic>,
) {
    let name = match &target.kind {
        NodeKind::Str(s) => s.as_str(),
        NodeKind::Map(_) => match target.get("model").and_then(Node::as_str) {
            Some(model) => model,
            None => return,
        },
        _ => {
            out.push(
                Diagnostic::new(
                    Code::FallbackShape,
                    target.span,
                    format!(
                        "a fallback target is {}, not a model group name",
                        target.type_name()
                    ),
                )
                .with_help("quote it if it is a name YAML reads as a number or boolean")
                .with_pointer(ptr),
            );
            return;
        }
    };
    if key == Some(name) {
        out.push(
            Diagnostic::new(
                Code::FallbackSelf,
                target.span,
                format!("`{name}` falls back to itself: LiteLLM skips the already-attempted group"),
            )
            .with_help("fall back to a different model group")
            .with_pointer(ptr),
        );
        return;
    }
    if !serves(ctx, ids, name) {
        out.push(unknown_group(ctx, target, name, "fallback target", ptr));
    }
}

fn unknown_group(ctx: &Context, node: &Node, name: &str, what: &str, ptr: &str) -> Diagnostic {
    let help = ctx
        .resolved
        .groups
        .suggest(name)
        .map(|s| format!("did you mean `{s}`?"))
        .unwrap_or_else(|| {
            format!(
                "served model groups: {}",
                ctx.resolved
                    .groups
                    .exact_names()
                    .take(10)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    Diagnostic::new(Code::UnknownModelGroup, node.span, format!("{what} `{name}` is not a model group in `model_list`: the request fails when it is used"))
        .with_label("no such model group")
        .with_help(help)
        .with_pointer(ptr)
}

fn check_default_fallbacks(
    ctx: &Context,
    ids: &HashSet<String>,
    section: &str,
    value: &Node,
    out: &mut Vec<Diagnostic>,
) {
    match &value.kind {
        NodeKind::Null => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                check_target(ctx, ids, None, item, &pointer([section, "default_fallbacks", &i.to_string()]), out);
            }
        }
        _ => out.push(
            Diagnostic::new(Code::FallbackShape, value.span, format!("`default_fallbacks` is {}, not a list: LiteLLM 1.109 raises TypeError at start-up", value.type_name()))
                .with_help(format!("write `default_fallbacks: [{}]`", value.as_str().map_or("backup-group".to_string(), |s| format!("\"{s}\""))))
                .with_pointer(pointer([section, "default_fallbacks"])),
        ),
    }
}

/// A non-empty router list replaces the `litellm_settings` one wholesale (section 7).
fn check_shadowing(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(router), Some(module)) = (
        ctx.section("router_settings"),
        ctx.section("litellm_settings"),
    ) else {
        return;
    };
    for list in LISTS.iter().chain(&["default_fallbacks"]) {
        let non_empty = |n: Option<&Node>| n.and_then(Node::as_seq).is_some_and(|s| !s.is_empty());
        let (Some(r), Some(m)) = (router.entry(list), module.entry(list)) else {
            continue;
        };
        if non_empty(Some(&r.value)) && non_empty(Some(&m.value)) {
            out.push(
                Diagnostic::new(Code::FallbacksShadowed, m.key.span, format!("`litellm_settings.{list}` is ignored: `router_settings.{list}` replaces it"))
                    .with_secondary(r.key.span, "this list wins")
                    .with_help("keep one list, in `router_settings`")
                    .with_pointer(pointer(["litellm_settings", list])),
            );
        }
    }
}

/// LiteLLM keeps one `*` rule per list: the last one, and `default_fallbacks` is appended as
/// the last of `fallbacks` (`Router.__init__`); a bare string item is preferred to any `*` rule
/// (`get_fallback_model_group`). An earlier `*` rule then never fires, silently.
fn check_generic_rules(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let fallbacks = &ctx.resolved.fallbacks;
    let section_of = |key: &str| {
        fallbacks
            .sections
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("router_settings", |(_, s)| *s)
    };
    for kind in FallbackKind::ALL {
        let rules = fallbacks.rules(kind);
        let default = (kind == FallbackKind::General)
            .then(|| fallbacks.default.first())
            .flatten();
        let last_generic = rules.iter().rposition(|r| !r.bare && r.source.name == "*");
        let bare = rules.iter().rfind(|r| r.bare);
        for (i, rule) in rules.iter().enumerate() {
            if rule.bare || rule.source.name != "*" {
                continue;
            }
            let (winner, why) = if let Some(b) = bare {
                (
                    b.source.span,
                    "a bare string item is used instead of any `*` rule",
                )
            } else if let Some(d) = default {
                (
                    d.span,
                    "`default_fallbacks` is appended as the last `*` rule and wins",
                )
            } else if last_generic.is_some_and(|last| last != i) {
                let last = last_generic.map_or(rule.source.span, |l| rules[l].source.span);
                (last, "the last `*` rule wins")
            } else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    Code::FallbacksShadowed,
                    rule.source.span,
                    format!("this `*` rule in `{}` never fires: {why}", kind.key()),
                )
                .with_secondary(winner, "LiteLLM uses this one")
                .with_help("keep one catch-all: merge the targets into the rule that wins")
                .with_pointer(pointer([section_of(kind.key()), kind.key()])),
            );
        }
    }
}

fn check_aliases(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(aliases) = ctx
        .section("router_settings")
        .and_then(|r| r.get("model_group_alias"))
        .and_then(Node::as_map)
    else {
        return;
    };
    for entry in aliases {
        let alias = entry.key.scalar_text();
        let target_node = match &entry.value.kind {
            NodeKind::Map(_) => entry.value.get("model"),
            _ => Some(&entry.value),
        };
        let Some(target_node) = target_node else {
            continue;
        };
        let Some(target) = target_node.as_str() else {
            continue;
        };
        let ptr = pointer(["router_settings", "model_group_alias", &alias]);
        if target == alias {
            continue;
        }
        let served = ctx.resolved.groups.group(target).is_some()
            || ctx.resolved.groups.groups.iter().any(|g| {
                g.name.contains('*') && crate::litellm::groups::wildcard_matches(&g.name, target)
            });
        if !served {
            out.push(
                unknown_group(ctx, target_node, target, "alias target", &ptr)
                    .with_secondary(entry.key.span, "alias defined here"),
            );
        }
    }
}
