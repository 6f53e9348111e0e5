//! Hostile input at the library level: each case must come back as a located error (or an
//! empty document) without a panic, a hang, a stack overflow or unbounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use litellm_check::syntax::source::decode_utf8;
use litellm_check::syntax::yaml::read;
use litellm_check::syntax::{FileId, Limits, SyntaxError};

fn read_error(text: &str) -> SyntaxError {
    match read(text, FileId(0), &Limits::default()) {
        Err(e) => e,
        Ok(doc) => panic!("hostile input was accepted: {:?}", doc.root.map(|r| r.span)),
    }
}

#[test]
fn billion_laughs_stops_at_the_node_limit() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    let e = read_error(&text);
    assert!(
        e.message.contains("alias expansion exceeds"),
        "{}",
        e.message
    );
    // The error points at an alias.
    assert_eq!(&text[e.span.start..e.span.start + 1], "*");
}

#[test]
fn a_small_node_limit_is_honoured() {
    let limits = Limits {
        max_nodes: 50,
        ..Limits::default()
    };
    let text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a]\n";
    let e = read(text, FileId(0), &limits).err();
    assert!(e.is_some_and(|e| e.message.contains("50 nodes")));
}

#[test]
fn aliases_cannot_nest_past_the_depth_limit() {
    // Each anchor nests the previous one a level deeper: depth grows without deep brackets.
    let limits = Limits {
        max_depth: 8,
        ..Limits::default()
    };
    let mut text = String::from("a0: &a0 [[[1]]]\n");
    for i in 1..6 {
        text.push_str(&format!("a{i}: &a{i} [[[*a{}]]]\n", i - 1));
    }
    let e = read(&text, FileId(0), &limits).err();
    assert!(e.is_some_and(|e| e.message.contains("deeper than 8")));
}

#[test]
fn deep_nesting_fails_at_the_limit_without_overflowing_the_stack() {
    let text = "[".repeat(200_000);
    let e = read_error(&text);
    assert!(e.message.contains("nesting deeper than"), "{}", e.message);
    assert!(e.span.start <= 256 && e.span.end > e.span.start, "{e:?}");

    // Block nesting has no bracket limit in the parser: ours applies.
    let text: String = (0..300).map(|d| format!("{}k:\n", " ".repeat(d))).collect();
    let e = read_error(&text);
    assert!(
        e.message.contains("nesting deeper than 256"),
        "{}",
        e.message
    );

    let text = "{a: ".repeat(200_000);
    let e = read_error(&text);
    assert!(e.message.contains("nesting deeper"), "{}", e.message);

    // Compact nested block sequences on one line.
    let text = format!("{}x\n", "- ".repeat(100_000));
    let e = read_error(&text);
    assert!(e.message.contains("nesting deeper"), "{}", e.message);
}

#[test]
fn binary_garbage_is_a_located_encoding_error() {
    let mut bytes = b"model_list:\n  - model_name: x\n".to_vec();
    bytes.extend((0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let e = decode_utf8(&bytes, FileId(7)).err();
    let e = e.expect("random bytes are not UTF-8");
    assert_eq!(e.span.file, FileId(7));
    assert!(e.span.start >= 30, "{e:?}");
    assert!(e.message.contains("not valid UTF-8"), "{}", e.message);

    // Valid UTF-8 that is still binary: control characters are refused by the reader.
    let text = "a: 1\n\u{0}\u{1}\u{2}\u{3}binary";
    let e = read_error(text);
    assert_eq!(e.span.start, 5);
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    let line = "  - model_name: padding-entry-for-size-limit\n";
    let text = format!(
        "model_list:\n{}",
        line.repeat(40 * 1024 * 1024 / line.len())
    );
    assert!(text.len() >= 40 * 1024 * 1024 - line.len());
    let e = read_error(&text);
    assert!(e.message.contains("over the limit"), "{}", e.message);
    assert_eq!(e.span.start, 0);
}

#[test]
fn tab_indentation_is_a_located_error() {
    let text = "model_list:\n\t- model_name: gpt\n";
    let e = read_error(text);
    assert_eq!(e.span.start, 12);
    assert!(e.message.contains("tab"), "{}", e.message);

    let text = "model_list:\n  - model_name: gpt\n    litellm_params:\n\t  model: x\n";
    let e = read_error(text);
    assert_eq!(&text[e.span.start..e.span.end], "\t");
}

#[test]
fn empty_input_has_no_root() {
    for text in ["", "\n", "# nothing here\n# at all\n"] {
        let doc = read(text, FileId(0), &Limits::default());
        assert!(doc.is_ok_and(|d| d.root.is_none()), "{text:?}");
    }
}

#[test]
fn long_scalars_and_many_keys_are_fine() {
    let long = "x".repeat(1_000_000);
    let doc = read(&format!("k: {long}\n"), FileId(0), &Limits::default());
    assert!(
        doc.is_ok_and(|d| d.root.and_then(|r| r.get("k").map(|v| v.span.end)) == Some(1_000_003))
    );

    // A mapping with many distinct keys (hash-indexed duplicate check) and one duplicate.
    let mut text: String = (0..50_000).map(|i| format!("key{i}: {i}\n")).collect();
    text.push_str("key7: again\n");
    let doc = read(&text, FileId(0), &Limits::default());
    assert!(doc.is_ok_and(|d| d.issues.len() == 1));
}

/// Inputs the fuzzer (fuzz/fuzz_targets/yaml_read.rs) found; each once broke an invariant.
#[test]
fn fuzz_regressions_keep_spans_well_formed() {
    let cases: &[&str] = &[
        // A block mapping's tag followed by its first key's tag: the mapping's span started
        // after both tags, past its end (start 38 > end 29).
        "model_lhst:\n    !!inen_i\n    !!qnt    api_baspi_base++++++++)++++++++++s: stoTe_mide0755n_in_dbn_:bd true\n\n",
    ];
    for text in cases {
        let check = |start: usize, end: usize| {
            assert!(
                start <= end && end <= text.len(),
                "{text:?}: span {start}..{end}"
            );
        };
        match read(text, FileId(0), &Limits::default()) {
            Ok(doc) => {
                if let Some(root) = doc.root {
                    check(root.span.start, root.span.end);
                }
            }
            Err(e) => check(e.span.start, e.span.end),
        }
    }
}
