//! The JSON5 reader on arbitrary bytes: never a panic, every span inside the text, and limits
//! that hold (depth, node count); every span start has a line and column. Inputs up to 4 MiB
//! are read, so the large-object cases (many keys, one long line) are within reach; see README,
//! Development, for the seeds and the flags.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litellm_check::syntax::{json5, FileId, Limits, Node, NodeKind, SourceFile};

fn check_spans(node: &Node, file: &SourceFile, depth: usize, limits: &Limits) {
    let len = file.text.len();
    assert!(node.span.start <= node.span.end && node.span.end <= len, "span out of range");
    let (line, column) = file.line_col(node.span.start);
    assert!(line >= 1 && column >= 1, "no position");
    assert!(depth <= limits.max_depth + 1, "nested deeper than the limit");
    match &node.kind {
        NodeKind::Seq(items) => items.iter().for_each(|i| check_spans(i, file, depth + 1, limits)),
        NodeKind::Map(entries) => entries.iter().for_each(|e| {
            check_spans(&e.key, file, depth + 1, limits);
            check_spans(&e.value, file, depth + 1, limits);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits { max_bytes: 4 << 20, max_depth: 64, max_nodes: 400_000, ..Limits::default() };
    match json5::read(text, FileId(0), &limits) {
        Ok(doc) => {
            if let Some(root) = &doc.root {
                let file = SourceFile::new("fuzz.json5", text.to_string());
                check_spans(root, &file, 1, &limits);
                let _ = root.to_json();
            }
        }
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len(), "error span out of range"),
    }
});
