//! Building the edits of a fix ([`crate::diagnostic::fix`]) from the nodes a rule looked at.
//!
//! Every builder reads the file as read ([`crate::syntax::SourceFile::original_text`]) and
//! returns `None` when the text is not the simple shape it knows how to edit without touching
//! anything else (a key written with escapes, a flow mapping where a block one was expected, a
//! comment where a value should start): then the finding has no fix, never a wrong one.

use std::borrow::Cow;

use crate::diagnostic::Edit;
use crate::syntax::{Entry, Node, NodeKind, ScalarStyle, SourceMap, Span};

/// The text of a file as read, for building edits.
fn text_of(sources: &SourceMap, span: Span) -> Option<Cow<'_, str>> {
    sources.file(span.file).map(|f| f.original_text())
}

/// Whether `text` can be written unquoted as a key in YAML and JSON5 and read back as itself.
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        )
}

/// Whether `text` can be a plain YAML scalar read back as this string: a model id, a provider
/// prefix, an enum value.
fn is_plain_yaml_string(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_./@+-".contains(c))
        && is_identifier_or_word(text)
}

fn is_identifier_or_word(text: &str) -> bool {
    !matches!(
        text.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    )
}

/// Replaces the string `old`, written at `node` as it is (`old`, `"old"` or `'old'`), by `new`
/// in the same style: a renamed key or a corrected value. `None` when `node`'s text is anything
/// else (escapes, a `${VAR}` that substitution changed, a block scalar).
pub fn replace_string(sources: &SourceMap, node: &Node, old: &str, new: &str) -> Option<Edit> {
    let text = text_of(sources, node.span)?;
    let written = text.get(node.span.start..node.span.end)?;
    let content = if written == old {
        if !(is_identifier(new) || is_plain_yaml_string(new) && sources_is_yaml(sources, node)) {
            return None;
        }
        new.to_string()
    } else if written.len() == old.len() + 2 && &written[1..written.len() - 1] == old {
        let quote = &written[..1];
        let closing = &written[written.len() - 1..];
        if quote != closing || !(quote == "\"" || quote == "'") || new.contains(['\\', '"', '\'']) {
            return None;
        }
        format!("{quote}{new}{quote}")
    } else {
        return None;
    };
    Some(Edit::replacement(node.span, content))
}

/// Whether `node` lies in a YAML file (a LiteLLM config), by its file's extension.
fn sources_is_yaml(sources: &SourceMap, node: &Node) -> bool {
    sources.file(node.span.file).is_some_and(|f| {
        f.path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
    })
}

/// Quotes a plain YAML scalar that YAML 1.1 typed as a boolean, number or date (`no`, `1:30`,
/// `2024-01-01`) where a string is meant: PyYAML then reads exactly the text it shows.
pub fn quote_yaml_scalar(sources: &SourceMap, node: &Node) -> Option<Edit> {
    if node.style != ScalarStyle::Plain
        || !matches!(
            node.kind,
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Timestamp(_)
        )
    {
        return None;
    }
    let text = text_of(sources, node.span)?;
    let written = text.get(node.span.start..node.span.end)?;
    if written.is_empty() || written.contains(['\n', '\r', '#']) {
        return None;
    }
    let quoted = if !written.contains(['"', '\\']) {
        format!("\"{written}\"")
    } else if !written.contains('\'') {
        format!("'{written}'")
    } else {
        return None;
    };
    Some(Edit::replacement(node.span, quoted))
}

/// Lines of a file: `(start, end including its line break)`.
fn line_at(text: &str, offset: usize) -> (usize, usize) {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1);
    (start, end)
}

/// Leading spaces of a line, and whether the line holds nothing but spaces or a comment.
fn indentation(line: &str) -> (usize, bool) {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    let rest = line[spaces..].trim_end_matches(['\n', '\r']);
    (
        spaces,
        rest.trim().is_empty() || rest.trim_start().starts_with('#'),
    )
}

/// The whole lines of a block mapping entry: from the start of its key's line (nothing but
/// spaces before the key) through the last line indented deeper than the key (trailing blank
/// and comment lines left where they are). `None` unless its value lies inside those lines.
fn entry_lines(text: &str, entry: &Entry) -> Option<(usize, usize, usize)> {
    let key = entry.key.span.start;
    let (start, mut end) = line_at(text, key);
    let indent = key - start;
    if !text[start..key].bytes().all(|b| b == b' ') {
        return None;
    }
    let mut content_end = end;
    while end < text.len() {
        let (_, next_end) = line_at(text, end);
        let line = &text[end..next_end];
        let (spaces, blank) = indentation(line);
        if !blank && spaces <= indent {
            break;
        }
        end = next_end;
        if !blank {
            content_end = end;
        }
    }
    let value_end = entry.value.span.end.max(entry.key.span.end);
    // A block collection's end may be reported at the next token: only blank and comment
    // text may lie between the lines kept and it.
    if value_end > content_end
        && !text
            .get(content_end..value_end)?
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return None;
    }
    Some((start, content_end, indent))
}

/// The line break a file uses (`\r\n` when its first line ends so).
fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// `lines` with every non-blank line's indentation changed from `from` to `to` spaces.
fn reindent(lines: &str, from: usize, to: usize) -> String {
    let mut out = String::with_capacity(lines.len());
    for line in lines.split_inclusive('\n') {
        let (spaces, _) = indentation(line);
        if line.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        let keep = spaces.min(from);
        out.push_str(&" ".repeat(to));
        out.push_str(&line[keep..]);
    }
    out
}

/// Moves the block mapping entry `entry` (of the section `from`, a top-level entry) to the
/// section named `to` (`""`: the top level), as written: its lines are cut and inserted after
/// the last entry of `to` (or of a new `to:` section appended to the file), re-indented, with
/// their comments and line breaks. A section left empty becomes `{}` (LiteLLM reads a null
/// section as no mapping). `None` when the key is already there or the text is not plain block
/// YAML.
pub fn move_yaml_entry(
    sources: &SourceMap,
    root: &Node,
    from: &Entry,
    entry: &Entry,
    to: &str,
) -> Option<Vec<Edit>> {
    let key = entry.key.as_str()?;
    let file = entry.key.span.file;
    let text = text_of(sources, entry.key.span)?;
    let (start, end, indent) = entry_lines(&text, entry)?;
    let from_indent = {
        let (line_start, _) = line_at(&text, from.key.span.start);
        from.key.span.start.checked_sub(line_start)?
    };
    let step = indent.checked_sub(from_indent).filter(|s| *s > 0)?;
    let mut lines = text[start..end].to_string();
    let mut edits = vec![Edit::deletion(Span::new(file, start, end))];
    if from.value.as_map().is_some_and(|m| m.len() == 1) {
        // `section:` alone would be null: leave `section: {}`.
        let colon = text[from.key.span.end..start].find(':')? + from.key.span.end;
        edits.push(Edit::insertion(file, colon + 1, " {}"));
    }
    let target = if to.is_empty() {
        None
    } else {
        root.as_map()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(to))
    };
    match target {
        Some(section) => {
            let target_file = section.key.span.file;
            let target_text = text_of(sources, section.key.span)?;
            let (line_start, line_end) = line_at(&target_text, section.key.span.start);
            let section_indent = section.key.span.start - line_start;
            let (at, dst) = match &section.value.kind {
                NodeKind::Map(entries) if !entries.is_empty() => {
                    if entries.iter().any(|e| e.key.as_str() == Some(key)) {
                        return None;
                    }
                    let last = entries.last()?;
                    let (_, last_end, last_indent) = entry_lines(&target_text, last)?;
                    let first = &entries[0];
                    let (first_start, _) = line_at(&target_text, first.key.span.start);
                    if first.key.span.start - first_start != last_indent
                        || first_start <= section.key.span.start
                    {
                        return None; // a flow mapping, or keys not in one column
                    }
                    (last_end, last_indent)
                }
                NodeKind::Null
                    if target_text[section.key.span.end..line_end]
                        .trim_start_matches(':')
                        .trim()
                        .is_empty() =>
                {
                    (line_end, section_indent + step)
                }
                _ => return None,
            };
            let mut content = String::new();
            if at == target_text.len() && !target_text.ends_with('\n') {
                content.push_str(line_break(&target_text));
            }
            lines = reindent(&lines, indent, dst);
            if !lines.ends_with('\n') {
                lines.push_str(line_break(&target_text));
            }
            content.push_str(&lines);
            edits.push(Edit::insertion(target_file, at, content));
        }
        None => {
            if !to.is_empty() && root.get(to).is_some() {
                return None;
            }
            if to.is_empty() && root.get(key).is_some() {
                return None;
            }
            let le = line_break(&text);
            let mut content = String::new();
            let before_end = if end == text.len() {
                &text[..start]
            } else {
                &text[..]
            };
            if !before_end.is_empty() && !before_end.ends_with('\n') {
                content.push_str(le);
            }
            let dst = if to.is_empty() {
                0
            } else {
                content.push_str(to);
                content.push(':');
                content.push_str(le);
                step
            };
            lines = reindent(&lines, indent, dst);
            if !lines.ends_with('\n') {
                lines.push_str(le);
            }
            content.push_str(&lines);
            edits.push(Edit::insertion(file, text.len(), content));
        }
    }
    Some(edits)
}

/// Wraps the run of entries `flat` of a JSON5 object (consecutive entries of it) in
/// `vars: { ... }`, without copying a byte of them (their values may be secrets): an insertion
/// before the first and one after the last. Entries one per line are re-indented one level.
pub fn wrap_json5_entries(sources: &SourceMap, flat: &[&Entry], name: &str) -> Option<Vec<Edit>> {
    let first = flat.first()?;
    let last = flat.last()?;
    let file = first.key.span.file;
    let text = text_of(sources, first.key.span)?;
    let start = first.key.span.start;
    let end = last.value.span.end;
    let quoted_key = text.get(start..start + 1) == Some("\"");
    let key = if quoted_key {
        format!("\"{name}\"")
    } else {
        name.to_string()
    };
    let (line_start, _) = line_at(&text, start);
    let one_per_line = text[line_start..start]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
        && flat.windows(2).all(|w| {
            let (line, _) = line_at(&text, w[1].key.span.start);
            text[line..w[1].key.span.start]
                .bytes()
                .all(|b| b == b' ' || b == b'\t')
        });
    let mut edits = Vec::new();
    if one_per_line && (text[start..end].contains('\n') || flat.len() > 1) {
        let indent = &text[line_start..start];
        let unit = if indent.starts_with('\t') { "\t" } else { "  " };
        let le = line_break(&text);
        edits.push(Edit::insertion(
            file,
            start,
            format!("{key}: {{{le}{indent}{unit}"),
        ));
        // Every later line of the run one level deeper.
        let mut at = start;
        while let Some(i) = text[at..end].find('\n') {
            let next = at + i + 1;
            if next >= end {
                break;
            }
            if !text[next..].starts_with(['\r', '\n']) {
                edits.push(Edit::insertion(file, next, unit));
            }
            at = next;
        }
        edits.push(Edit::insertion(file, end, format!("{le}{indent}}}")));
    } else {
        edits.push(Edit::insertion(file, start, format!("{key}: {{ ")));
        edits.push(Edit::insertion(file, end, " }"));
    }
    Some(edits)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::diagnostic::fix::apply_edits;
    use crate::syntax::{yaml, Limits, SourceFile};

    fn yaml_map(text: &str) -> (SourceMap, Node) {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("c.yaml", text.to_string()));
        let root = yaml::read(text, id, &Limits::default())
            .unwrap()
            .root
            .unwrap();
        (sources, root)
    }

    fn moved(text: &str, from: &str, key: &str, to: &str) -> Option<String> {
        let (sources, root) = yaml_map(text);
        let section = root.entry(from).unwrap();
        let entry = section.value.entry(key).unwrap();
        let mut edits = move_yaml_entry(&sources, &root, section, entry, to)?;
        edits.sort_by_key(|e| e.span.start);
        apply_edits(text, edits.iter())
    }

    #[test]
    fn moves_a_key_to_an_existing_section_keeping_comments_and_crlf() {
        let text = "general_settings:\r\n  master_key: x # keep\r\n  fallbacks:\r\n    - a: [b]\r\nrouter_settings:\r\n  num_retries: 2\r\n";
        assert_eq!(
            moved(text, "general_settings", "fallbacks", "router_settings").unwrap(),
            "general_settings:\r\n  master_key: x # keep\r\nrouter_settings:\r\n  num_retries: 2\r\n  fallbacks:\r\n    - a: [b]\r\n"
        );
    }

    #[test]
    fn moves_to_a_new_section_and_leaves_an_empty_one_a_mapping() {
        let text = "model_list: []\ngeneral_settings:  # why\n    fallbacks:\n        - a: [b]\n";
        assert_eq!(
            moved(text, "general_settings", "fallbacks", "router_settings").unwrap(),
            "model_list: []\ngeneral_settings: {}  # why\nrouter_settings:\n    fallbacks:\n        - a: [b]\n"
        );
        // No line break at the end of the file.
        let text = "general_settings:\n  a: 1\n  fallbacks: [x]";
        assert_eq!(
            moved(text, "general_settings", "fallbacks", "router_settings").unwrap(),
            "general_settings:\n  a: 1\nrouter_settings:\n  fallbacks: [x]\n"
        );
    }

    #[test]
    fn does_not_move_onto_an_existing_key_or_into_a_flow_mapping() {
        let text = "general_settings:\n  fallbacks: []\nrouter_settings:\n  fallbacks: []\n";
        assert_eq!(
            moved(text, "general_settings", "fallbacks", "router_settings"),
            None
        );
        let text = "general_settings:\n  fallbacks: []\nrouter_settings: {a: 1}\n";
        assert_eq!(
            moved(text, "general_settings", "fallbacks", "router_settings"),
            None
        );
    }

    #[test]
    fn quotes_yaml_11_scalars() {
        let text = "a: no\nb: 1:30\nc: \"no\"\n";
        let (sources, root) = yaml_map(text);
        let edit = quote_yaml_scalar(&sources, root.get("a").unwrap()).unwrap();
        assert_eq!(
            apply_edits(text, [&edit]).unwrap(),
            "a: \"no\"\nb: 1:30\nc: \"no\"\n"
        );
        let edit = quote_yaml_scalar(&sources, root.get("b").unwrap()).unwrap();
        assert_eq!(
            apply_edits(text, [&edit]).unwrap(),
            "a: no\nb: \"1:30\"\nc: \"no\"\n"
        );
        assert!(quote_yaml_scalar(&sources, root.get("c").unwrap()).is_none());
    }

    #[test]
    fn replaces_strings_in_their_own_quoting() {
        let text = "modle: 1\n'litelm_params': 2\n";
        let (sources, root) = yaml_map(text);
        let entries = root.as_map().unwrap();
        let a = replace_string(&sources, &entries[0].key, "modle", "model").unwrap();
        let b =
            replace_string(&sources, &entries[1].key, "litelm_params", "litellm_params").unwrap();
        assert_eq!(
            apply_edits(text, [&a, &b]).unwrap(),
            "model: 1\n'litellm_params': 2\n"
        );
        assert!(replace_string(&sources, &entries[0].key, "other", "model").is_none());
    }

    #[test]
    fn wraps_json5_entries_in_vars() {
        let wrap = |text: &str| {
            let mut sources = SourceMap::new();
            let id = sources.add(SourceFile::new("o.json5", text.to_string()));
            let root = crate::syntax::json5::read(text, id, &Limits::default())
                .unwrap()
                .root
                .unwrap();
            let env = root.get("env").unwrap().as_map().unwrap();
            let flat: Vec<&Entry> = env.iter().collect();
            let edits = wrap_json5_entries(&sources, &flat, "vars").unwrap();
            apply_edits(text, edits.iter()).unwrap()
        };
        assert_eq!(
            wrap("{ env: { A: \"x\", B: 'y' } }"),
            "{ env: { vars: { A: \"x\", B: 'y' } } }"
        );
        assert_eq!(
            wrap("{\r\n  \"env\": {\r\n    \"A\": \"x\", // a\r\n    \"B\": \"y\"\r\n  }\r\n}\r\n"),
            "{\r\n  \"env\": {\r\n    \"vars\": {\r\n      \"A\": \"x\", // a\r\n      \"B\": \"y\"\r\n    }\r\n  }\r\n}\r\n"
        );
    }
}
