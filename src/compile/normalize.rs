//! The normalized proxy config: includes already inlined by the loader, keys that have no effect
//! dropped (or moved to the section LiteLLM reads them from), sections and deployment keys in a
//! canonical order. `os.environ/` references stay references.

use crate::diagnostic::Severity;
use crate::litellm::rules::schema::misplaced_home;
use crate::schema_walk::Violation;
use crate::syntax::{Entry, Node, NodeKind, SourceMap, Span};

/// Top-level sections first in this order; others keep their file order after them.
const SECTION_ORDER: [&str; 6] = [
    "model_list",
    "router_settings",
    "litellm_settings",
    "general_settings",
    "environment_variables",
    "credential_list",
];
const DEPLOYMENT_ORDER: [&str; 3] = ["model_name", "litellm_params", "model_info"];
const FALLBACK_LISTS: [&str; 4] = [
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "default_fallbacks",
];

/// Returns the normalized tree and a note for every change made. `sources` holds the files the
/// tree was read from (a moved key is checked where it lands).
pub fn normalize(root: &Node, sources: &SourceMap) -> (Node, Vec<String>) {
    let mut notes = Vec::new();
    let mut tree = root.clone();
    // Where moved keys landed, with the note that says so.
    let mut moved: Vec<(Vec<String>, String, usize)> = Vec::new();

    // Keys LiteLLM ignores: collected first (the walker borrows the original tree).
    let walker = crate::litellm::schema::walker();
    let mut moves: Vec<(Vec<String>, Option<String>)> = Vec::new();
    for violation in walker.validate(root) {
        if let Violation::UnknownKey {
            closed: true,
            pointer,
            ..
        } = violation
        {
            let parent = crate::diagnostic::pointer(&pointer[..pointer.len().saturating_sub(1)]);
            let key = pointer.last().cloned().unwrap_or_default();
            let home =
                misplaced_home(walker, &parent, &key).map(|h| h.trim_matches('`').to_string());
            moves.push((pointer, home));
        }
    }
    // Remove deepest paths first so list indexes stay valid.
    moves.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| b.0.cmp(&a.0)));
    for (path, home) in moves {
        let Some(entry) = remove_entry(&mut tree, &path) else {
            continue;
        };
        let from = display(&path);
        match home {
            Some(section) if section != "the top level" => {
                let key = path.last().cloned().unwrap_or_default();
                if insert_into_section(&mut tree, &section, entry) {
                    moved.push((vec![section.clone(), key], from.clone(), notes.len()));
                    notes.push(format!(
                        "moved `{from}` to `{section}`, where LiteLLM reads it"
                    ));
                } else {
                    notes.push(format!("dropped `{from}`: `{section}` already sets it, and LiteLLM never reads it here"));
                }
            }
            Some(_) => {
                if tree
                    .get(path.last().map(String::as_str).unwrap_or_default())
                    .is_none()
                {
                    if let NodeKind::Map(entries) = &mut tree.kind {
                        entries.push(entry);
                        moved.push((
                            vec![path.last().cloned().unwrap_or_default()],
                            from.clone(),
                            notes.len(),
                        ));
                        notes.push(format!(
                            "moved `{from}` to the top level, where LiteLLM reads it"
                        ));
                    }
                } else {
                    notes.push(format!("dropped `{from}`: the top level already sets it"));
                }
            }
            None => notes.push(format!("dropped `{from}`: LiteLLM ignores this key")),
        }
    }

    drop_invalid_moves(&mut tree, &moved, sources, &mut notes);
    drop_shadowed_fallbacks(&mut tree, &mut notes);
    reorder(&mut tree);
    (tree, notes)
}

/// A key LiteLLM ignored where it was written, moved to where LiteLLM reads it, must not bring
/// errors along (a top-level `cache:` holding `${REDIS_HOST}`): such a move is undone and the key
/// dropped, so the output runs as the source ran.
fn drop_invalid_moves(
    tree: &mut Node,
    moved: &[(Vec<String>, String, usize)],
    sources: &SourceMap,
    notes: &mut [String],
) {
    if moved.is_empty() {
        return;
    }
    let env = crate::env::Environment::empty();
    let resolved = crate::litellm::resolved::ResolvedConfig::from_root(tree);
    let ctx = crate::litellm::rules::Context {
        root: tree,
        sources,
        resolved: &resolved,
        env: env.presence(),
        require_env: false,
        for_proxy: false,
        versions: crate::litellm_version::Versions::ALL,
    };
    let mut found = Vec::new();
    crate::litellm::rules::run_all(&ctx, &mut found);
    // The first error under each destination; a destination is one or two keys deep, so each
    // finding is looked up by its first one and two pointer segments.
    let destinations: crate::fast_hash::FastMap<String, usize> = moved
        .iter()
        .enumerate()
        .map(|(i, (destination, _, _))| (crate::diagnostic::pointer(destination), i))
        .collect();
    let mut first_error: Vec<Option<&crate::diagnostic::Diagnostic>> = vec![None; moved.len()];
    for d in found.iter().filter(|d| d.severity == Severity::Error) {
        for depth in [1, 2] {
            let prefix: String = d
                .pointer
                .split('/')
                .skip(1)
                .take(depth)
                .flat_map(|segment| ["/", segment])
                .collect();
            if let Some(&i) = destinations.get(&prefix) {
                first_error[i].get_or_insert(d);
            }
        }
    }
    let mut invalid: Vec<&Vec<String>> = Vec::new();
    for ((destination, from, note), error) in moved.iter().zip(first_error) {
        if let (Some(error), Some(text)) = (error, notes.get_mut(*note)) {
            *text = format!(
                "dropped `{from}`: LiteLLM ignores it there, and moved to `{}` it would be invalid ({}: {})",
                destination.join("."),
                error.code,
                error.message
            );
            invalid.push(destination);
        }
    }
    for destination in invalid {
        remove_entry(tree, destination);
        // A section created only for this move goes too.
        if let (Some(section), NodeKind::Map(top)) = (destination.first(), &mut tree.kind) {
            top.retain(|e| {
                !(e.key.as_str() == Some(section.as_str())
                    && e.key.span == Span::default()
                    && e.value.as_map().is_some_and(<[Entry]>::is_empty))
            });
        }
    }
}

fn display(path: &[String]) -> String {
    path.iter()
        .map(|s| {
            if s.parse::<usize>().is_ok() {
                format!("[{s}]")
            } else {
                format!(".{s}")
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

fn remove_entry(node: &mut Node, path: &[String]) -> Option<Entry> {
    let (last, parents) = path.split_last()?;
    let mut current = node;
    for segment in parents {
        current = match &mut current.kind {
            NodeKind::Map(entries) => {
                &mut entries
                    .iter_mut()
                    .rev()
                    .find(|e| e.key.scalar_text() == *segment)?
                    .value
            }
            NodeKind::Seq(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    let NodeKind::Map(entries) = &mut current.kind else {
        return None;
    };
    let index = entries.iter().rposition(|e| e.key.scalar_text() == *last)?;
    Some(entries.remove(index))
}

/// Adds `entry` to a top-level section (created if absent). False when the key is already set.
fn insert_into_section(root: &mut Node, section: &str, entry: Entry) -> bool {
    let NodeKind::Map(top) = &mut root.kind else {
        return false;
    };
    let index = match top.iter().position(|e| e.key.as_str() == Some(section)) {
        Some(i) => i,
        None => {
            let span = Span::default();
            top.push(Entry {
                key: Node::new(NodeKind::Str(section.to_string()), span),
                value: Node::new(NodeKind::Map(Vec::new()), span),
            });
            top.len() - 1
        }
    };
    let value = &mut top[index].value;
    if value.is_null() {
        value.kind = NodeKind::Map(Vec::new());
    }
    let NodeKind::Map(entries) = &mut value.kind else {
        return false;
    };
    let key = entry.key.scalar_text();
    if entries.iter().any(|e| e.key.scalar_text() == key) {
        return false;
    }
    entries.push(entry);
    true
}

/// `litellm_settings` fallback lists that a non-empty `router_settings` list replaces.
fn drop_shadowed_fallbacks(root: &mut Node, notes: &mut Vec<String>) {
    let shadowed: Vec<&str> = FALLBACK_LISTS
        .into_iter()
        .filter(|list| {
            let non_empty = |section: &str| {
                root.get(section)
                    .and_then(|s| s.get(list))
                    .and_then(Node::as_seq)
                    .is_some_and(|s| !s.is_empty())
            };
            non_empty("router_settings") && non_empty("litellm_settings")
        })
        .collect();
    for list in shadowed {
        if remove_entry(root, &["litellm_settings".to_string(), list.to_string()]).is_some() {
            notes.push(format!(
                "dropped `litellm_settings.{list}`: `router_settings.{list}` replaces it"
            ));
        }
    }
}

fn reorder(root: &mut Node) {
    let NodeKind::Map(top) = &mut root.kind else {
        return;
    };
    sort_by_order(top, &SECTION_ORDER);
    let Some(list) = top
        .iter_mut()
        .find(|e| e.key.as_str() == Some("model_list"))
    else {
        return;
    };
    let NodeKind::Seq(deployments) = &mut list.value.kind else {
        return;
    };
    for deployment in deployments {
        let NodeKind::Map(entries) = &mut deployment.kind else {
            continue;
        };
        sort_by_order(entries, &DEPLOYMENT_ORDER);
        if let Some(params) = entries
            .iter_mut()
            .find(|e| e.key.as_str() == Some("litellm_params"))
        {
            if let NodeKind::Map(p) = &mut params.value.kind {
                sort_by_order(p, &["model"]);
            }
        }
    }
}

/// Moves the keys named in `order` to the front, in that order; the rest keep their order.
fn sort_by_order(entries: &mut [Entry], order: &[&str]) {
    entries.sort_by_key(|e| {
        e.key
            .as_str()
            .and_then(|k| order.iter().position(|o| *o == k))
            .unwrap_or(order.len())
    });
}
