//! Plain scalars YAML 1.1 (PyYAML, which LiteLLM uses) reads differently from how they look.

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::{Node, NodeKind, ScalarStyle};

use super::{path_pointer, Context, Seg};

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let mut path = Vec::new();
    walk(ctx, ctx.root, &mut path, out);
}

fn walk<'a>(ctx: &Context, node: &'a Node, path: &mut Vec<Seg<'a>>, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for entry in entries {
                path.push(Seg::Key(&entry.key));
                walk(ctx, &entry.value, path, out);
                path.pop();
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(ctx, item, path, out);
                path.pop();
            }
        }
        _ if node.style == ScalarStyle::Plain => {
            let text = ctx
                .sources
                .get(node.span.file)
                .text
                .get(node.span.start..node.span.end)
                .unwrap_or_default();
            if let Some(message) = surprise(&node.kind, text) {
                out.push(
                    Diagnostic::new(Code::Yaml11Surprise, node.span, message)
                        .with_help(format!("quote it (`\"{text}\"`) if you meant the text"))
                        .with_pointer(path_pointer(path)),
                );
            }
        }
        _ => {}
    }
}

/// What YAML 1.1 made of `text`, when that is probably not what was meant.
fn surprise(kind: &NodeKind, text: &str) -> Option<String> {
    match kind {
        NodeKind::Bool(b) => {
            let lower = text.to_ascii_lowercase();
            (lower != "true" && lower != "false").then(|| {
                format!(
                    "`{text}` is the boolean {} in YAML 1.1",
                    if *b { "true" } else { "false" }
                )
            })
        }
        NodeKind::Int(i) => {
            let digits = text.trim_start_matches(['-', '+']);
            if digits.contains(':') {
                Some(format!(
                    "`{text}` is the sexagesimal (base 60) number {i} in YAML 1.1"
                ))
            } else if digits.len() > 1
                && digits.starts_with('0')
                && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
            {
                Some(format!("`{text}` is the octal number {i} in YAML 1.1"))
            } else {
                None
            }
        }
        NodeKind::Float(f) if text.contains(':') => Some(format!(
            "`{text}` is the sexagesimal number {f} in YAML 1.1"
        )),
        NodeKind::Str(s) if looks_like_exponent_number(s) => Some(format!(
            "`{text}` is a string in YAML 1.1 (a float needs a dot, e.g. `{}`)",
            with_dot(s)
        )),
        NodeKind::Timestamp(_) => Some(format!("`{text}` is a date in YAML 1.1, not a string")),
        _ => None,
    }
}

/// `3e-06`, `1E5`: numbers YAML 1.2 reads as floats but PyYAML keeps as strings.
fn looks_like_exponent_number(s: &str) -> bool {
    let s = s.trim_start_matches(['-', '+']);
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit())
        && !exponent.trim_start_matches(['-', '+']).is_empty()
        && exponent
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit())
}

fn with_dot(s: &str) -> String {
    match s.find(['e', 'E']) {
        Some(pos) => format!("{}.0{}", &s[..pos], &s[pos..]),
        None => s.to_string(),
    }
}
