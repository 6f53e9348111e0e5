//! The YAML reader on arbitrary bytes: never a panic, every span inside the text on character
//! boundaries, and limits that hold (depth, node count).
#![no_main]

use libfuzzer_sys::fuzz_target;
use litellm_check::syntax::source::decode_utf8;
use litellm_check::syntax::yaml::read;
use litellm_check::syntax::{FileId, Limits, Node, NodeKind, ReadIssue, Span};

fn check_span(span: Span, text: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "span {span:?} out of range");
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "span {span:?} splits a character");
}

fn check_tree(root: &Node, text: &str, limits: &Limits) {
    let mut pending = vec![(root, 0usize)];
    let mut count = 0;
    while let Some((node, depth)) = pending.pop() {
        count += 1;
        check_span(node.span, text);
        match &node.kind {
            NodeKind::Seq(items) => {
                assert!(depth < limits.max_depth, "nested deeper than the limit");
                pending.extend(items.iter().map(|i| (i, depth + 1)));
            }
            NodeKind::Map(entries) => {
                assert!(depth < limits.max_depth, "nested deeper than the limit");
                for e in entries {
                    pending.push((&e.key, depth + 1));
                    pending.push((&e.value, depth + 1));
                }
            }
            _ => {}
        }
    }
    assert!(count <= limits.max_nodes, "more nodes than the limit");
}

fuzz_target!(|data: &[u8]| {
    let text = match decode_utf8(data, FileId(0)) {
        Ok(text) => text,
        Err(e) => {
            assert!(e.span.start < e.span.end && e.span.end <= data.len(), "decode error span");
            return;
        }
    };
    let limits = Limits { max_bytes: 4 << 20, max_depth: 64, max_nodes: 400_000, ..Limits::default() };
    match read(&text, FileId(0), &limits) {
        Ok(doc) => {
            if let Some(root) = &doc.root {
                check_tree(root, &text, &limits);
                let _ = root.to_json();
            }
            for ReadIssue::DuplicateKey { first, duplicate, .. } in &doc.issues {
                check_span(*first, &text);
                check_span(*duplicate, &text);
            }
        }
        Err(e) => check_span(e.span, &text),
    }
});
