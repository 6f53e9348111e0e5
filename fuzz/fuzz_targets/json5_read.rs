//! The JSON5 reader on arbitrary bytes: never a panic, every span inside the text, and limits
//! that hold (depth, node count).
#![no_main]

use libfuzzer_sys::fuzz_target;
use litellm_check::syntax::{json5, FileId, Limits, Node, NodeKind};

fn check_spans(node: &Node, len: usize, depth: usize, limits: &Limits) {
    assert!(node.span.start <= node.span.end && node.span.end <= len, "span out of range");
    assert!(depth <= limits.max_depth + 1, "nested deeper than the limit");
    match &node.kind {
        NodeKind::Seq(items) => items.iter().for_each(|i| check_spans(i, len, depth + 1, limits)),
        NodeKind::Map(entries) => entries.iter().for_each(|e| {
            check_spans(&e.key, len, depth + 1, limits);
            check_spans(&e.value, len, depth + 1, limits);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits { max_bytes: 1 << 20, max_depth: 64, max_nodes: 100_000, ..Limits::default() };
    match json5::read(text, FileId(0), &limits) {
        Ok(doc) => {
            if let Some(root) = &doc.root {
                check_spans(root, text.len(), 1, &limits);
                let _ = root.to_json();
            }
        }
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len(), "error span out of range"),
    }
});
