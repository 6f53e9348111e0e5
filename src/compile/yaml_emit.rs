//! Writes a [`Node`] tree as block YAML that PyYAML reads back to the same values: strings that
//! YAML 1.1 would type differently are quoted, floats always carry a dot and a signed exponent.

use crate::syntax::{Node, NodeKind};

/// The YAML text of `root` (a mapping), ending with a newline.
pub fn emit(root: &Node) -> String {
    let mut out = String::new();
    match &root.kind {
        NodeKind::Map(entries) if !entries.is_empty() => emit_map(&mut out, entries, 0, None),
        _ => {
            out.push_str(&scalar_or_flow(root));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping at `indent`; `first_prefix` replaces the indentation of the first line (for `- `).
fn emit_map(
    out: &mut String,
    entries: &[crate::syntax::Entry],
    indent: usize,
    mut first_prefix: Option<&str>,
) {
    for entry in entries {
        match first_prefix.take() {
            Some(prefix) => out.push_str(prefix),
            None => pad(out, indent),
        }
        out.push_str(&scalar_or_flow(&entry.key));
        out.push(':');
        emit_value(out, &entry.value, indent);
    }
}

/// The value after `key:` (or after `- `).
fn emit_value(out: &mut String, value: &Node, indent: usize) {
    match &value.kind {
        NodeKind::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            emit_map(out, entries, indent + 2, None);
        }
        NodeKind::Seq(items) if !items.is_empty() => {
            out.push('\n');
            emit_seq(out, items, indent + 2);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar_or_flow(value));
            out.push('\n');
        }
    }
}

fn emit_seq(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        match &item.kind {
            NodeKind::Map(entries) if !entries.is_empty() => {
                let mut prefix = String::new();
                pad(&mut prefix, indent);
                prefix.push_str("- ");
                emit_map(out, entries, indent + 2, Some(&prefix));
            }
            NodeKind::Seq(inner) if !inner.is_empty() => {
                pad(out, indent);
                out.push_str("-\n");
                emit_seq(out, inner, indent + 2);
            }
            _ => {
                pad(out, indent);
                out.push_str("- ");
                out.push_str(&scalar_or_flow(item));
                out.push('\n');
            }
        }
    }
}

/// A scalar, or `{}` / `[]` for empty collections.
fn scalar_or_flow(node: &Node) -> String {
    match &node.kind {
        NodeKind::Null => "null".into(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => float(*f),
        NodeKind::Str(s) => string(s),
        NodeKind::Timestamp(t) => t.clone(),
        NodeKind::Seq(_) => "[]".into(),
        NodeKind::Map(_) => "{}".into(),
    }
}

/// A string, plain when PyYAML reads it back unchanged, else double-quoted (JSON escapes are
/// valid YAML double-quoted escapes).
pub fn string(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./@+".contains(c))
        && crate::syntax::yaml_resolve::plain_reads_as_string(s);
    if plain_safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
    }
}

/// A float PyYAML reads back as a float: it needs a dot, and an exponent needs a sign.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let abs = f.abs();
    if abs == 0.0 || (1e-4..1e15).contains(&abs) {
        let s = f.to_string();
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let s = format!("{f:e}");
    let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    let exponent = if exponent.starts_with('-') {
        exponent.to_string()
    } else {
        format!("+{exponent}")
    };
    format!("{mantissa}e{exponent}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{yaml, FileId, Limits};

    fn round_trip(text: &str) {
        let limits = Limits::default();
        let original = yaml::read(text, FileId(0), &limits)
            .expect("input parses")
            .root
            .expect("not empty");
        let emitted = emit(&original);
        let again = yaml::read(&emitted, FileId(0), &limits)
            .unwrap_or_else(|e| panic!("{e:?} in\n{emitted}"))
            .root
            .expect("not empty");
        assert_eq!(original.to_json(), again.to_json(), "emitted:\n{emitted}");
    }

    #[test]
    fn values_survive_a_round_trip_through_pyyaml_typing() {
        round_trip(
            r##"
a: "no"
b: "1.5"
c: "2024-01-01"
d: "0755"
e: "1:30"
f: 3.0e-06
g: "3e-06"
h: 1e400
i: ""
j: "os.environ/X"
k: "https://api.example.com:8443/v1"
l: [1, "two", null, true, [], {}]
m: {x: {y: [ {z: 1, w: [a, b]}, [c, d] ]}}
"*": star
"with: colon": "# not a comment"
n: "multi
  line"
o: 0.1
p: 12345678901234567.0
q: "ünïcode ✓"
"##,
        );
    }

    #[test]
    fn floats_keep_a_dot_and_a_signed_exponent() {
        assert_eq!(float(3e-6), "3.0e-6");
        assert_eq!(float(1e20), "1.0e+20");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(0.25), "0.25");
    }
}
