//! Where the cursor is in a document: the keys above it, and the key or value under it.
//!
//! An editor asks for completion while the text is being typed, so it is rarely a valid document;
//! the readers (which refuse an invalid one, as the real tools do) cannot answer there. This is a
//! tolerant scan of the text around the cursor, for editor features only: no finding is ever
//! computed from it. YAML block structure is read from indentation (`- ` items, `key:` lines, and
//! flow collections on the cursor's line); JSON5 by scanning brackets, strings and comments from
//! the start of the text to the cursor.

/// One step of the path from the top of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Item,
}

/// What the token under the cursor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A key of the mapping at `path`.
    Key,
    /// The value at `path` (whose last key segment is the key it belongs to).
    Value,
    /// A YAML line with a bare word and no `:` yet: a key being typed (when `path` is a mapping)
    /// or a list item's value.
    Bare,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub path: Vec<Segment>,
    pub role: Role,
    /// The token's text, quotes removed.
    pub token: String,
    /// Byte range of the token's text in the document (inside the quotes).
    pub range: std::ops::Range<usize>,
}

impl Context {
    /// The keys of `path`, items left out (`["router_settings", "fallbacks", "gpt-4o"]`).
    pub fn keys(&self) -> Vec<&str> {
        self.path
            .iter()
            .filter_map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Item => None,
            })
            .collect()
    }

    /// The last key of `path`.
    pub fn last_key(&self) -> Option<&str> {
        self.path.iter().rev().find_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Item => None,
        })
    }
}

/// Longest line the YAML scan looks at; a longer line gives no context.
const MAX_LINE: usize = 64 * 1024;
/// Deepest nesting the JSON5 scan follows.
const MAX_DEPTH: usize = 1024;

// ------------------------------------------------------------------------------------------------
// YAML

/// The context of byte `offset` in a YAML document.
pub fn yaml(text: &str, offset: usize) -> Option<Context> {
    let offset = floor_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    if line.len() > MAX_LINE {
        return None;
    }
    let column = offset - line_start;
    let parsed = parse_line(line);
    let threshold = parsed
        .pairs
        .first()
        .map(|p| p.0)
        .or(parsed.rest_col)
        .unwrap_or(column.min(line.len()));
    let mut path = parents(&text[..line_start], threshold);
    // Items opened on this line before the cursor.
    let mut last_key: Option<(usize, usize, String)> = None;
    for (col, segment) in &parsed.pairs {
        match segment {
            Segment::Item if *col < column => path.push(Segment::Item),
            Segment::Key(k) => last_key = Some((*col, parsed.key_end, k.clone())),
            Segment::Item => {}
        }
    }
    match last_key {
        // The cursor is on the key (or before its colon).
        Some((key_col, key_end, key)) if column <= key_end => {
            let (start, end) = unquoted(line, key_col, key_end);
            Some(Context {
                path,
                role: Role::Key,
                token: key,
                range: line_start + start..line_start + end,
            })
        }
        Some((_, _, key)) => {
            path.push(Segment::Key(key));
            let value_start = parsed.value_col.unwrap_or(line.len());
            Some(flow(
                line,
                line_start,
                value_start.min(column),
                column,
                path,
            ))
        }
        None => {
            let start = parsed.rest_col.unwrap_or(column).min(column);
            let mut context = flow(line, line_start, start, column, path);
            if context.role == Role::Value && !line[start..].trim_start().starts_with(['[', '{']) {
                context.role = Role::Bare;
            }
            Some(context)
        }
    }
}

/// A line's block structure: `- ` items and a `key:` with their columns.
struct Line {
    pairs: Vec<(usize, Segment)>,
    /// Where the key's text ends (before the colon).
    key_end: usize,
    /// Where the value after `key: ` starts.
    value_col: Option<usize>,
    /// Where the text after the dashes starts, when it is not a key.
    rest_col: Option<usize>,
}

fn parse_line(line: &str) -> Line {
    let bytes = line.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i < bytes.len()
            && bytes[i] == b'-'
            && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t')
        {
            pairs.push((i, Segment::Item));
            i += 1;
            continue;
        }
        break;
    }
    if i >= bytes.len() || bytes[i] == b'#' {
        return Line {
            pairs,
            key_end: 0,
            value_col: None,
            rest_col: None,
        };
    }
    if let Some((key, key_end, value_col)) = key_at(line, i) {
        pairs.push((i, Segment::Key(key)));
        return Line {
            pairs,
            key_end,
            value_col: Some(value_col),
            rest_col: None,
        };
    }
    Line {
        pairs,
        key_end: 0,
        value_col: None,
        rest_col: Some(i),
    }
}

/// A `key:` starting at byte `i`: the key (unquoted), where its text ends and where its value
/// starts.
fn key_at(line: &str, i: usize) -> Option<(String, usize, usize)> {
    let rest = &line[i..];
    let first = rest.chars().next()?;
    if matches!(
        first,
        '[' | '{' | '|' | '>' | '&' | '*' | '!' | '%' | '@' | '`'
    ) {
        return None;
    }
    let (key, end) = if first == '"' || first == '\'' {
        let close = find_close_quote(rest, first)?;
        (unescape(&rest[1..close], first), i + close + 1)
    } else {
        // A plain key ends at `: ` or a final `:`.
        let bytes = rest.as_bytes();
        let mut end = None;
        for (j, &b) in bytes.iter().enumerate() {
            if b == b'#' && j > 0 && bytes[j - 1] == b' ' {
                break;
            }
            if b == b':' && (j + 1 == bytes.len() || bytes[j + 1] == b' ' || bytes[j + 1] == b'\t')
            {
                end = Some(j);
                break;
            }
        }
        let end = end?;
        (
            rest[..end].trim_end().to_string(),
            i + rest[..end].trim_end().len(),
        )
    };
    let after = &line[end..];
    let colon = after.find(':')?;
    if !after[..colon].trim().is_empty() {
        return None;
    }
    let value = end + colon + 1;
    let value_col = value + (line[value..].len() - line[value..].trim_start().len());
    Some((key, end, value_col))
}

fn find_close_quote(text: &str, quote: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut j = 1;
    while j < bytes.len() {
        let b = bytes[j];
        if quote == '"' && b == b'\\' {
            j += 2;
            continue;
        }
        if b == quote as u8 {
            if quote == '\'' && bytes.get(j + 1) == Some(&b'\'') {
                j += 2;
                continue;
            }
            return Some(j);
        }
        j += 1;
    }
    None
}

fn unescape(text: &str, quote: char) -> String {
    if quote == '\'' {
        text.replace("''", "'")
    } else {
        text.replace("\\\"", "\"").replace("\\\\", "\\")
    }
}

/// The text range of a key without its quotes.
fn unquoted(line: &str, start: usize, end: usize) -> (usize, usize) {
    let text = &line[start..end];
    if text.len() >= 2 && (text.starts_with('"') || text.starts_with('\'')) {
        (start + 1, end - 1)
    } else {
        (start, end)
    }
}

/// The block keys and items above a line whose structure starts at column `threshold`.
fn parents(above: &str, mut threshold: usize) -> Vec<Segment> {
    let mut path = Vec::new();
    if threshold == 0 {
        return path;
    }
    for line in above.lines().rev() {
        let line = line.trim_end_matches('\r');
        if line.len() > MAX_LINE {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") {
            break;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let parsed = parse_line(line);
        for (col, segment) in parsed.pairs.iter().rev() {
            if *col < threshold {
                path.push(segment.clone());
                threshold = *col;
            }
        }
        if threshold == 0 {
            break;
        }
    }
    path.reverse();
    path
}

/// The token at `cursor` in the flow text of `line` from `start` on (a scalar, or `[...]`/`{...}`
/// collections on one line); `path` is the value's path.
fn flow(
    line: &str,
    line_start: usize,
    start: usize,
    cursor: usize,
    mut path: Vec<Segment>,
) -> Context {
    let scan = scan_flow(&line[start..], cursor - start, FlowSyntax::Yaml);
    path.extend(scan.path);
    Context {
        path,
        role: scan.role,
        token: scan.token,
        range: line_start + start + scan.range.start..line_start + start + scan.range.end,
    }
}

// ------------------------------------------------------------------------------------------------
// JSON5

/// The context of byte `offset` in a JSON5 document.
pub fn json5(text: &str, offset: usize) -> Option<Context> {
    let offset = floor_boundary(text, offset.min(text.len()));
    let scan = scan_flow(text, offset, FlowSyntax::Json5);
    if scan.too_deep {
        return None;
    }
    Some(Context {
        path: scan.path,
        role: scan.role,
        token: scan.token,
        range: scan.range,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlowSyntax {
    Yaml,
    Json5,
}

enum Frame {
    Object {
        key: Option<String>,
        after_colon: bool,
    },
    Array,
}

struct Scan {
    path: Vec<Segment>,
    role: Role,
    token: String,
    range: std::ops::Range<usize>,
    too_deep: bool,
}

/// Scans `text` up to `cursor` tracking brackets, keys and strings; the token the cursor is in
/// (or right after) is read to its end.
fn scan_flow(text: &str, cursor: usize, syntax: FlowSyntax) -> Scan {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut too_deep = false;
    let is_word = |b: u8| {
        !matches!(
            b,
            b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"' | b'\'' | b' ' | b'\t' | b'\n' | b'\r'
        ) && (syntax != FlowSyntax::Yaml || b != b'#')
    };
    // The token the cursor is in: (start, end, text).
    let mut found: Option<(usize, usize, String)> = None;
    while i < bytes.len() && i <= cursor {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'/' if syntax == FlowSyntax::Json5 && bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if syntax == FlowSyntax::Json5 && bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'#' if syntax == FlowSyntax::Yaml && (i == 0 || bytes[i - 1] == b' ') => break,
            b'{' => {
                if stack.len() >= MAX_DEPTH {
                    too_deep = true;
                    break;
                }
                stack.push(Frame::Object {
                    key: None,
                    after_colon: false,
                });
                i += 1;
            }
            b'[' => {
                if stack.len() >= MAX_DEPTH {
                    too_deep = true;
                    break;
                }
                stack.push(Frame::Array);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { after_colon, .. }) = stack.last_mut() {
                    *after_colon = true;
                }
                i += 1;
            }
            b',' => {
                if let Some(Frame::Object { key, after_colon }) = stack.last_mut() {
                    *key = None;
                    *after_colon = false;
                }
                i += 1;
            }
            b'"' | b'\'' => {
                let quote = b as char;
                let (close, complete) = match find_close_quote(&text[i..], quote) {
                    Some(c) => (i + c, true),
                    None => (text[i..].find('\n').map_or(bytes.len(), |n| i + n), false),
                };
                let content = unescape(&text[i + 1..close], quote);
                if cursor > i && cursor <= close {
                    found = Some((i + 1, close, content));
                    break;
                }
                set_token(&mut stack, content);
                i = if complete { close + 1 } else { close };
            }
            _ => {
                let start = i;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                // YAML plain scalars in flow context may hold spaces: `a b` is one scalar.
                if syntax == FlowSyntax::Yaml {
                    while i < bytes.len() {
                        let rest = &bytes[i..];
                        let spaces = rest.iter().take_while(|&&c| c == b' ').count();
                        if spaces > 0
                            && rest.get(spaces).is_some_and(|&c| is_word(c))
                            && i + spaces <= cursor.max(i)
                        {
                            i += spaces;
                            while i < bytes.len() && is_word(bytes[i]) {
                                i += 1;
                            }
                        } else {
                            break;
                        }
                    }
                }
                if cursor >= start && cursor <= i {
                    found = Some((start, i, text[start..i].to_string()));
                    break;
                }
                set_token(&mut stack, text[start..i].to_string());
            }
        }
    }
    let (range, token) = match found {
        Some((start, end, token)) => (start..end, token),
        None => (cursor..cursor, String::new()),
    };
    let mut path = Vec::new();
    let depth = stack.len();
    let mut role = Role::Value;
    for (index, frame) in stack.iter().enumerate() {
        let innermost = index + 1 == depth;
        match frame {
            Frame::Array => path.push(Segment::Item),
            Frame::Object { key, after_colon } => {
                if innermost && !after_colon {
                    role = Role::Key;
                } else if let Some(key) = key {
                    path.push(Segment::Key(key.clone()));
                }
            }
        }
    }
    Scan {
        path,
        role,
        token,
        range,
        too_deep,
    }
}

fn set_token(stack: &mut [Frame], token: String) {
    if let Some(Frame::Object {
        key,
        after_colon: false,
    }) = stack.last_mut()
    {
        *key = Some(token);
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(text: &str) -> (String, usize) {
        let offset = text.find('|').unwrap();
        (text.replacen('|', "", 1), offset)
    }

    fn keys(c: &Context) -> Vec<String> {
        c.path
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.clone(),
                Segment::Item => "-".into(),
            })
            .collect()
    }

    #[test]
    fn yaml_keys_values_and_items() {
        let (text, offset) =
            at("model_list:\n  - model_name: gpt\n    litellm_params:\n      mod|el: x\n");
        let c = yaml(&text, offset).unwrap();
        assert_eq!(keys(&c), ["model_list", "-", "litellm_params"]);
        assert_eq!((c.role, c.token.as_str()), (Role::Key, "model"));
        assert_eq!(&text[c.range.clone()], "model");

        let (text, offset) = at("router_settings:\n  fallbacks:\n    - gpt-4o: [claude, gp|]\n");
        let c = yaml(&text, offset).unwrap();
        assert_eq!(
            keys(&c),
            ["router_settings", "fallbacks", "-", "gpt-4o", "-"]
        );
        assert_eq!((c.role, c.token.as_str()), (Role::Value, "gp"));

        let (text, offset) = at("router_settings:\n  routing_strategy: |\n");
        let c = yaml(&text, offset).unwrap();
        assert_eq!(keys(&c), ["router_settings", "routing_strategy"]);
        assert_eq!((c.role, c.token.as_str()), (Role::Value, ""));

        let (text, offset) = at("router_settings:\n  num_retries: 2\n  rou|\n");
        let c = yaml(&text, offset).unwrap();
        assert_eq!(keys(&c), ["router_settings"]);
        assert_eq!((c.role, c.token.as_str()), (Role::Bare, "rou"));

        let (text, offset) = at("litellm_settings:\n  default_fallbacks:\n    - \"cla|ude\"\n");
        let c = yaml(&text, offset).unwrap();
        assert_eq!(keys(&c), ["litellm_settings", "default_fallbacks", "-"]);
        assert_eq!((c.role, c.token.as_str()), (Role::Bare, "claude"));
    }

    #[test]
    fn json5_keys_values_and_comments() {
        let (text, offset) =
            at("{\n  // a: {\n  agents: { defaults: { model: { primary: 'litellm/gp|' } } },\n}");
        let c = json5(&text, offset).unwrap();
        assert_eq!(keys(&c), ["agents", "defaults", "model", "primary"]);
        assert_eq!((c.role, c.token.as_str()), (Role::Value, "litellm/gp"));
        let (text, offset) = at("{ models: { mo|de: 'merge' } }");
        let c = json5(&text, offset).unwrap();
        assert_eq!(keys(&c), ["models"]);
        assert_eq!((c.role, c.token.as_str()), (Role::Key, "mode"));
        let (text, offset) = at("{ a: [1, {b: \"x\"}], fallbacks: [\"x\", |");
        let c = json5(&text, offset).unwrap();
        assert_eq!(keys(&c), ["fallbacks", "-"]);
        assert_eq!(c.role, Role::Value);
    }

    #[test]
    fn hostile_text_gives_no_panic() {
        let deep = "[".repeat(100_000);
        assert!(json5(&deep, deep.len()).is_none());
        let _ = yaml(&deep, deep.len());
        for text in [
            "", "-", "- - -", ":", "\"", "'a", "a: 'b", "é: é", "{", "}}}]]]",
        ] {
            for offset in 0..=text.len() + 2 {
                let _ = yaml(text, offset);
                let _ = json5(text, offset);
            }
        }
    }
}
