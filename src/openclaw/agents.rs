//! Agent roster rules: the legacy `agents.list` migration, roster ownership, agent ids.

use crate::diagnostic::{pointer, Code, Diagnostic};
use crate::syntax::{Entry, Node, NodeKind};

use super::env::Substitutions;

/// Converts a legacy `agents.list: [{id, ...}]` into `agents.entries.<id>` as OpenClaw does
/// before validation, and reports the migration.
pub fn migrate_legacy_list(root: &mut Node, out: &mut Vec<Diagnostic>) {
    let Some(agents) = map_entry_mut(root, "agents") else {
        return;
    };
    let NodeKind::Map(entries) = &mut agents.kind else {
        return;
    };
    let Some(pos) = entries.iter().position(|e| e.key.as_str() == Some("list")) else {
        return;
    };
    // OpenClaw migrates only a well-formed list and only when there is no keyed roster yet;
    // otherwise `list` stays and is an unknown key.
    let migratable = entries.iter().all(|e| e.key.as_str() != Some("entries"))
        && entries[pos].value.as_seq().is_some_and(|items| {
            items.iter().all(|item| {
                item.get("id")
                    .and_then(Node::as_str)
                    .is_some_and(valid_agent_id)
            })
        });
    if !migratable {
        return;
    }
    let list = entries.remove(pos);
    out.push(
        Diagnostic::new(Code::OcLegacyAgentsList, list.key.span, "`agents.list` is the legacy roster: OpenClaw moves it to keyed `agents.entries` on read")
            .with_pointer("/agents/list")
            .with_help("write `agents: { entries: { <id>: { ... } } }`"),
    );
    let mut converted = Vec::new();
    if let NodeKind::Seq(items) = list.value.kind {
        for item in items {
            let span = item.span;
            let NodeKind::Map(fields) = item.kind else {
                continue;
            };
            let (ids, rest): (Vec<Entry>, Vec<Entry>) = fields
                .into_iter()
                .partition(|f| f.key.as_str() == Some("id"));
            let Some(id) = ids.into_iter().last() else {
                continue;
            };
            converted.push(Entry {
                key: id.value,
                value: Node::new(NodeKind::Map(rest), span),
            });
        }
    }
    match entries
        .iter_mut()
        .find(|e| e.key.as_str() == Some("entries"))
    {
        Some(existing) => {
            if let NodeKind::Map(current) = &mut existing.value.kind {
                current.extend(converted);
            }
        }
        None => entries.push(Entry {
            key: Node::new(NodeKind::Str("entries".into()), list.key.span),
            value: Node::new(NodeKind::Map(converted), list.value.span),
        }),
    }
}

fn map_entry_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut node.kind {
        NodeKind::Map(entries) => entries
            .iter_mut()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| &mut e.value),
        _ => None,
    }
}

fn valid_agent_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    let ok = |b: &u8, dash: bool| b.is_ascii_alphanumeric() || *b == b'_' || (dash && *b == b'-');
    !bytes.is_empty()
        && bytes.len() <= 64
        && ok(&bytes[0], false)
        && bytes[1..].iter().all(|b| ok(b, true))
}

/// Roster ownership and agent-id rules on `agents`.
pub fn check(root: &Node, substituted: &Substitutions, out: &mut Vec<Diagnostic>) {
    let Some(agents) = root.get("agents") else {
        return;
    };
    check_heartbeat_owner(agents, substituted, out);
    check_exact_only_settings(agents, out);
    let Some(entries) = agents.get("entries").and_then(Node::as_map) else {
        return;
    };
    for entry in entries {
        let id = entry.key.scalar_text();
        if !valid_agent_id(&id) {
            out.push(
                Diagnostic::new(
                    Code::OcAgentIdInvalid,
                    entry.key.span,
                    format!("Invalid key in record: `{id}` is not a valid agent id"),
                )
                .with_pointer(pointer(["agents", "entries", id.as_str()]))
                .with_help(
                    "agent ids match `^[a-z0-9_][a-z0-9_-]{0,63}$` (letters, digits, `_`, `-`)",
                ),
            );
        }
    }
    if entries.len() < 2 {
        return;
    }
    let explicit = agents.get("ownership").and_then(Node::as_str) == Some("explicit");
    let defaults = entries
        .iter()
        .filter(|e| {
            matches!(
                e.value.get("default").map(|d| &d.kind),
                Some(NodeKind::Bool(true))
            )
        })
        .count();
    if explicit && defaults > 0 {
        let span = agents
            .entry("ownership")
            .map_or(agents.span, |e| e.value.span);
        out.push(
            Diagnostic::new(
                Code::OcAgentRoster,
                span,
                "agents.ownership=explicit cannot be combined with a legacy default=true marker",
            )
            .with_pointer("/agents/ownership")
            .with_help("remove the `default: true` markers"),
        );
    } else if !explicit && defaults != 1 {
        let span = agents.entry("entries").map_or(agents.span, |e| e.key.span);
        let message = if defaults == 0 {
            "multi-agent rosters require agents.ownership=\"explicit\" or one legacy default=true marker".to_string()
        } else {
            format!("{defaults} agents are marked default=true: a multi-agent roster needs exactly one, or agents.ownership=\"explicit\"")
        };
        out.push(
            Diagnostic::new(Code::OcAgentRoster, span, message)
                .with_pointer("/agents/ownership")
                .with_help("add `ownership: \"explicit\"` under `agents`"),
        );
    }
}

/// `agents.defaults.heartbeat.agentId` must name a configured agent (the implicit `main` when
/// there is no roster).
fn check_heartbeat_owner(agents: &Node, substituted: &Substitutions, out: &mut Vec<Diagnostic>) {
    let Some(owner) = agents
        .get("defaults")
        .and_then(|d| d.get("heartbeat"))
        .and_then(|h| h.get("agentId"))
    else {
        return;
    };
    let Some(id) = owner.as_str() else { return };
    let ids: Vec<String> = match agents.get("entries").and_then(Node::as_map) {
        Some(entries) => entries.iter().map(|e| e.key.scalar_text()).collect(),
        None => vec!["main".to_string()],
    };
    if id.is_empty() || ids.iter().any(|known| known.eq_ignore_ascii_case(id)) {
        return;
    }
    let mut d = Diagnostic::new(
        Code::OcUnknownAgentId,
        owner.span,
        format!(
            "Unknown agent id \"{}\" (not in agents.entries)",
            substituted.shown(owner).unwrap_or(id)
        ),
    )
    .with_pointer("/agents/defaults/heartbeat/agentId");
    // A suggestion computed from a substituted value would hint at it.
    let near = (!substituted.contains(owner.span))
        .then(|| crate::suggest::did_you_mean(id, ids.iter().map(String::as_str)))
        .flatten();
    d.help = near.or_else(|| Some(format!("configured agents: {}", ids.join(", "))));
    out.push(d);
}

/// `codeMode` and `pickerRuntimes` in a model settings map need an exact `provider/model` key.
fn check_exact_only_settings(agents: &Node, out: &mut Vec<Diagnostic>) {
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
    for (base, scope) in scopes {
        for model in scope
            .get("models")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            let key = model.key.scalar_text();
            let exact = !key.contains('*')
                && super::refs::parse(&key)
                    .is_some_and(|p| !p.provider.is_empty() && !p.model.is_empty());
            if exact {
                continue;
            }
            for (field, what) in [
                ("codeMode", "Code Mode"),
                ("pickerRuntimes", "Picker runtimes"),
            ] {
                if let Some(setting) = model.value.entry(field) {
                    let path =
                        base.iter()
                            .map(String::as_str)
                            .chain(["models", key.as_str(), field]);
                    out.push(
                        Diagnostic::new(Code::OcInvalidValue, setting.key.span, format!("{what} requires an exact provider/model entry; `{key}` is a wildcard or bare key"))
                            .with_pointer(pointer(path)),
                    );
                }
            }
        }
    }
}
