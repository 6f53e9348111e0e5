//! JSON5 reader: the `Node` tree OpenClaw's `JSON.parse`-then-`json5@2.2.3` reading produces.
//!
//! jsonc-parser does the scanning (byte ranges on every node). It is looser than json5 in a few
//! places, so the spots where it would accept what json5 rejects are checked here: object keys
//! must be ECMAScript identifier names or strings (no `1: x`, no `a-b: x`), strings may not hold a
//! raw line break, and commas may not be left out. It is recursive, so nesting is measured by a
//! flat pre-scan first and deep input fails before the parser sees it.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::fast_hash::{map_with_capacity, FastMap};

use super::{
    Document, Entry, FileId, Limits, Node, NodeKind, ReadIssue, ScalarStyle, Span, SyntaxError,
};

/// Reads one JSON5 document. An empty document (only whitespace or comments) is an error, as it
/// is for json5 ("invalid end of input").
pub fn read(text: &str, file: FileId, limits: &Limits) -> Result<Document, SyntaxError> {
    if text.len() > limits.max_bytes {
        return Err(SyntaxError {
            message: format!(
                "the file is {} bytes, over the {}-byte limit",
                text.len(),
                limits.max_bytes
            ),
            span: Span::new(file, 0, 0),
        });
    }
    // Offsets are unchanged by the pre-scan (it only swaps same-length white space), so spans
    // into `body` are spans into `text`.
    let (scanned, _) = prescan(text, file, limits.max_depth)?;
    let body: &str = &scanned;
    let options = ParseOptions {
        allow_missing_commas: false,
        ..ParseOptions::default()
    };
    let parsed =
        jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &options).map_err(|e| {
            let range = e.range();
            SyntaxError {
                message: format!("invalid JSON5: {}", e.kind()),
                span: Span::new(file, range.start, range.end),
            }
        })?;
    let Some(value) = parsed.value else {
        return Err(SyntaxError {
            message: "invalid JSON5: the document is empty (json5: invalid end of input)".into(),
            span: Span::new(file, text.len(), text.len()),
        });
    };
    let mut builder = Builder {
        text: body,
        file,
        limits,
        nodes: 0,
        issues: Vec::new(),
    };
    let root = builder.node(value)?;
    Ok(Document {
        root: Some(root),
        issues: builder.issues,
    })
}

struct Builder<'t, 'l> {
    text: &'t str,
    file: FileId,
    limits: &'l Limits,
    nodes: usize,
    issues: Vec<ReadIssue>,
}

impl Builder<'_, '_> {
    fn span(&self, range: jsonc_parser::common::Range) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn error(&self, span: Span, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
        }
    }

    fn count(&mut self, span: Span) -> Result<(), SyntaxError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.error(
                span,
                format!(
                    "the document has more than {} values",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn node(&mut self, value: Value<'_>) -> Result<Node, SyntaxError> {
        match value {
            Value::StringLit(lit) => {
                let span = self.span(lit.range);
                self.count(span)?;
                self.check_string_source(span)?;
                Ok(quoted(NodeKind::Str(lit.value.into_owned()), span))
            }
            Value::NumberLit(lit) => {
                let span = self.span(lit.range);
                self.count(span)?;
                Ok(Node::new(number(lit.value), span))
            }
            Value::BooleanLit(lit) => {
                let span = self.span(lit.range);
                self.count(span)?;
                Ok(Node::new(NodeKind::Bool(lit.value), span))
            }
            Value::NullKeyword(lit) => {
                let span = self.span(lit.range);
                self.count(span)?;
                Ok(Node::new(NodeKind::Null, span))
            }
            Value::Array(array) => {
                let span = self.span(array.range);
                self.count(span)?;
                let items = array
                    .elements
                    .into_iter()
                    .map(|v| self.node(v))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Node::new(NodeKind::Seq(items), span))
            }
            Value::Object(object) => {
                let span = self.span(object.range);
                self.count(span)?;
                // A repeated key drops the earlier entry (json5 and JSON.parse keep the last
                // value); dropped slots are emptied and removed at the end, and keys are found
                // through an index, so an object with many keys reads in linear time.
                let mut slots: Vec<Option<Entry>> = Vec::with_capacity(object.properties.len());
                let mut positions: FastMap<String, usize> =
                    map_with_capacity(object.properties.len());
                for prop in object.properties {
                    let key = self.key(prop.name)?;
                    let value = self.node(prop.value)?;
                    let name = key.as_str().unwrap_or_default().to_string();
                    let earlier = positions.insert(name.clone(), slots.len());
                    if let Some(first) = earlier.and_then(|pos| slots[pos].take()) {
                        self.issues.push(ReadIssue::DuplicateKey {
                            key: name,
                            first: first.key.span,
                            duplicate: key.span,
                            identical: first.value.to_json() == value.to_json(),
                        });
                    }
                    slots.push(Some(Entry { key, value }));
                }
                let entries: Vec<Entry> = slots.into_iter().flatten().collect();
                Ok(Node::new(NodeKind::Map(entries), span))
            }
        }
    }

    fn key(&mut self, name: ObjectPropName<'_>) -> Result<Node, SyntaxError> {
        match name {
            ObjectPropName::String(lit) => {
                let span = self.span(lit.range);
                self.count(span)?;
                self.check_string_source(span)?;
                Ok(quoted(NodeKind::Str(lit.value.into_owned()), span))
            }
            ObjectPropName::Word(word) => {
                let span = self.span(word.range);
                self.count(span)?;
                if !is_identifier_name(word.value) {
                    return Err(self.error(
                        span,
                        format!(
                            "invalid JSON5: `{}` is not a valid unquoted key (quote it)",
                            word.value
                        ),
                    ));
                }
                Ok(Node::new(NodeKind::Str(word.value.to_string()), span))
            }
        }
    }

    /// json5 rejects a raw line break inside a string unless it is escaped (a line continuation).
    fn check_string_source(&self, span: Span) -> Result<(), SyntaxError> {
        let Some(raw) = self.text.get(span.start..span.end) else {
            return Ok(());
        };
        let bytes = raw.as_bytes();
        let mut backslashes = 0usize;
        for (i, &b) in bytes.iter().enumerate() {
            if (b == b'\n' || b == b'\r') && backslashes % 2 == 0 {
                // `\` CR LF is one continuation: the LF follows an escaped CR.
                let after_escaped_cr = b == b'\n'
                    && i > 0
                    && bytes[i - 1] == b'\r'
                    && preceded_by_odd_backslashes(&bytes[..i - 1]);
                if !after_escaped_cr {
                    let at = span.start + i;
                    return Err(self.error(
                        Span::new(self.file, at, at + 1),
                        "invalid JSON5: a string may not contain a raw line break (use \\n)",
                    ));
                }
            }
            backslashes = if b == b'\\' { backslashes + 1 } else { 0 };
        }
        Ok(())
    }
}

fn preceded_by_odd_backslashes(bytes: &[u8]) -> bool {
    bytes.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

fn quoted(kind: NodeKind, span: Span) -> Node {
    let mut node = Node::new(kind, span);
    node.style = ScalarStyle::Quoted;
    node
}

/// ECMAScript IdentifierName as json5 accepts it (without `\u` escapes, which jsonc-parser's
/// scanner never lets through).
fn is_identifier_name(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c == '$' || c == '_' || c.is_alphabetic();
    start(first)
        && chars.all(|c| start(c) || c.is_alphanumeric() || c == '\u{200c}' || c == '\u{200d}')
}

/// A JSON5 number as JavaScript reads it. Integers that fit stay integers.
fn number(text: &str) -> NodeKind {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    let magnitude: Option<NodeKind> = if digits == "Infinity" {
        Some(NodeKind::Float(f64::INFINITY))
    } else if digits == "NaN" {
        Some(NodeKind::Float(f64::NAN))
    } else if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(match i64::from_str_radix(hex, 16) {
            Ok(i) => NodeKind::Int(i),
            Err(_) => NodeKind::Float(
                hex.chars()
                    .filter_map(|c| c.to_digit(16))
                    .fold(0.0, |acc, d| acc * 16.0 + f64::from(d)),
            ),
        })
    } else if !digits.contains(['.', 'e', 'E']) {
        digits
            .parse::<i64>()
            .ok()
            .map(NodeKind::Int)
            .or_else(|| digits.parse::<f64>().ok().map(NodeKind::Float))
    } else {
        digits.parse::<f64>().ok().map(NodeKind::Float)
    };
    match magnitude {
        Some(NodeKind::Int(i)) if negative => i
            .checked_neg()
            .map_or(NodeKind::Float(-(i as f64)), NodeKind::Int),
        Some(NodeKind::Float(f)) => NodeKind::Float(sign * f),
        Some(other) => other,
        None => NodeKind::Float(f64::NAN),
    }
}

/// How deep brackets nest in `text` (0 for a scalar), found without parsing or recursion.
pub fn nesting_depth(text: &str) -> usize {
    prescan(text, FileId::default(), usize::MAX).map_or(0, |(_, deepest)| deepest)
}

/// One flat pass before the (recursive) parser: fails when brackets nest deeper than
/// `max_depth`, and makes white space mean what it means to json5 where jsonc-parser differs:
/// U+FEFF is white space (blanked), U+0085 is not (an error), and U+2028/U+2029 end a line
/// comment. Replacements keep byte lengths, so offsets stay valid. Strings are skipped as the
/// scanner would; anything malformed is left to the parser.
fn prescan(
    text: &str,
    file: FileId,
    max_depth: usize,
) -> Result<(std::borrow::Cow<'_, str>, usize), SyntaxError> {
    let bytes = text.as_bytes();
    let mut fixed: Option<Vec<u8>> = None;
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    let error = |at: usize, len: usize, message: String| SyntaxError {
        message,
        span: Span::new(file, at, at + len),
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > max_depth {
                    return Err(error(
                        i,
                        1,
                        format!("the document nests deeper than {max_depth} levels"),
                    ));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    // U+2028 / U+2029 (E2 80 A8/A9) end a json5 line comment.
                    if bytes[i] == 0xE2
                        && bytes.get(i + 1) == Some(&0x80)
                        && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9))
                    {
                        fixed.get_or_insert_with(|| bytes.to_vec())[i..i + 3]
                            .copy_from_slice(b"\n  ");
                        i += 2;
                        break;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            0xEF if bytes.get(i + 1) == Some(&0xBB) && bytes.get(i + 2) == Some(&0xBF) => {
                fixed.get_or_insert_with(|| bytes.to_vec())[i..i + 3].copy_from_slice(b"   ");
                i += 2;
            }
            0xC2 if bytes.get(i + 1) == Some(&0x85) => {
                return Err(error(
                    i,
                    2,
                    "invalid JSON5: invalid character U+0085".into(),
                ));
            }
            _ => {}
        }
        i += 1;
    }
    match fixed {
        // Only ASCII replaced whole UTF-8 sequences, so the bytes are still UTF-8.
        Some(bytes) => String::from_utf8(bytes)
            .map(|s| (std::borrow::Cow::Owned(s), deepest))
            .map_err(|_| error(0, 0, "invalid JSON5: not UTF-8".into())),
        None => Ok((std::borrow::Cow::Borrowed(text), deepest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, SyntaxError> {
        read(text, FileId(0), &Limits::default()).map(|d| {
            d.root
                .unwrap_or_else(|| Node::new(NodeKind::Null, Span::default()))
        })
    }

    fn json(text: &str) -> serde_json::Value {
        match parse(text) {
            Ok(node) => node.to_json(),
            Err(e) => panic!("{text:?} failed: {}", e.message),
        }
    }

    #[test]
    fn reads_json5_2_2_3_extensions() {
        let v = json(
            "// comment\n{ unquoted: 'single', \"double\": \"a\\x41\\u0042\\\n c\", $id_1: [0x1F, -0x10, .5, 5., +1, 1e3,], /* block */ n: null, t: true, }",
        );
        assert_eq!(v["unquoted"], "single");
        assert_eq!(v["double"], "aAB c");
        assert_eq!(
            v["$id_1"],
            serde_json::json!([31, -16, 0.5, 5.0, 1, 1000.0])
        );
        assert_eq!(v["n"], serde_json::Value::Null);
        assert_eq!(v["t"], true);
        assert!(
            matches!(parse("[Infinity]").map(|n| n.kind), Ok(NodeKind::Seq(ref s)) if matches!(s[0].kind, NodeKind::Float(f) if f.is_infinite()))
        );
        assert!(matches!(parse("-NaN").map(|n| n.kind), Ok(NodeKind::Float(f)) if f.is_nan()));
        assert_eq!(
            json("{null: 1, true: 2, 'it\\'s': \"\\'\"}"),
            serde_json::json!({"null": 1, "true": 2, "it's": "'"})
        );
        assert_eq!(
            json("[12345678901234567890]")[0].as_f64(),
            Some(12345678901234567890.0)
        );
    }

    #[test]
    fn rejects_what_json5_rejects() {
        for bad in [
            "",
            "  // only a comment\n",
            "{a: 1 b: 2}",
            "[1 2]",
            "{1: 2}",
            "{a-b: 2}",
            "{a: 01}",
            "[,]",
            "{a: undefined}",
            "{a: 'x\ny'}",
            "{a: \"\\1\"}",
            "{\"a\" 1}",
            "{a: 1",
            "[1,,]",
            "/* open",
            "{a: 1} {b: 2}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn duplicate_keys_keep_the_last_and_are_reported() {
        let doc = read(
            "{mode: 'nope', mode: 'merge'}",
            FileId(0),
            &Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{}", e.message));
        let root = doc.root.unwrap_or_else(|| panic!("no root"));
        assert_eq!(root.to_json(), serde_json::json!({"mode": "merge"}));
        assert!(
            matches!(&doc.issues[..], [ReadIssue::DuplicateKey { key, first, duplicate, .. }] if key == "mode" && first.start == 1 && duplicate.start == 15)
        );
    }

    #[test]
    fn spans_cover_the_source_text() {
        let text = "\u{feff}{ key: 'value' }";
        let root = parse(text).unwrap_or_else(|e| panic!("{}", e.message));
        let entry = &root.as_map().unwrap_or_default()[0];
        assert_eq!(&text[entry.key.span.start..entry.key.span.end], "key");
        assert_eq!(
            &text[entry.value.span.start..entry.value.span.end],
            "'value'"
        );
    }

    #[test]
    fn deep_nesting_and_size_fail_cleanly() {
        let deep = "[".repeat(200_000);
        let err = parse(&deep)
            .err()
            .unwrap_or_else(|| panic!("deep input accepted"));
        assert!(err.message.contains("nests deeper"), "{}", err.message);
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        assert!(read("{a: 'long string'}", FileId(0), &limits).is_err());
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        assert!(read("[1, 2, 3, 4]", FileId(0), &limits).is_err());
        // Brackets inside strings and comments do not count.
        let nested_in_text = format!("{{a: '{}', /* {} */}}", "[".repeat(1000), "{".repeat(1000));
        assert!(parse(&nested_in_text).is_ok());
    }

    #[test]
    fn the_deepest_allowed_document_parses_on_a_small_stack() {
        let depth = Limits::default().max_depth;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || parse(&text).is_ok());
        let ok = handle.ok().and_then(|h| h.join().ok());
        assert_eq!(ok, Some(true));
    }
}
