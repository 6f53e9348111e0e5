//! Hostile input at the library level: each case must come back as a located error (or an
//! empty document) without a panic, a hang, a stack overflow or unbounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use litellm_check::syntax::source::decode_utf8;
use litellm_check::syntax::yaml::read;
use litellm_check::syntax::{FileId, Limits, SyntaxError};

mod hostile_shapes;

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

mod bounded_reading {
    use std::path::{Path, PathBuf};
    use std::sync::mpsc;
    use std::time::Duration;

    use litellm_check::diagnostic::{fold_repeats, Code, Diagnostic, Severity};
    use litellm_check::litellm::{check_file, CheckOptions};
    use litellm_check::syntax::source::read_file;
    use litellm_check::syntax::{json5, FileId, Limits, ReadError, SourceFile, SourceMap, Span};

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bounded-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    /// `read_file` on another thread, failing the test if it has not answered in 30 s (a hang
    /// guard: the answer is expected at once).
    fn read_guarded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
        let (send, receive) = mpsc::channel();
        let owned = path.to_path_buf();
        std::thread::spawn(move || {
            let _ = send.send(read_file(&owned, limit));
        });
        receive
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("reading {} hangs", path.display()))
    }

    fn assert_not_regular(path: &Path, kind: &str) {
        match read_guarded(path, 1024) {
            Err(ReadError::NotRegular(found)) => assert_eq!(found, kind, "{}", path.display()),
            other => panic!("{}: {other:?}", path.display()),
        }
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_sockets_and_directories_are_refused_without_reading() {
        let dir = temp_dir("kinds");
        let fifo = dir.join("pipe");
        super::hostile_shapes::make_fifo(&fifo);
        assert_not_regular(&fifo, "a FIFO (named pipe)");
        assert_not_regular(Path::new("/dev/zero"), "a character device");
        assert_not_regular(Path::new("/dev/urandom"), "a character device");
        let socket = dir.join("sock");
        let _ = std::fs::remove_file(&socket);
        let _listener =
            std::os::unix::net::UnixListener::bind(&socket).unwrap_or_else(|e| panic!("{e}"));
        assert_not_regular(&socket, "a socket");
        assert_not_regular(&dir, "a directory");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_limit_holds_for_what_is_read_not_what_stat_says() {
        let dir = temp_dir("limit");
        let path = dir.join("ten.yaml");
        std::fs::write(&path, "0123456789").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_guarded(&path, 10).ok().map(|b| b.len()), Some(10));
        assert!(matches!(
            read_guarded(&path, 9),
            Err(ReadError::TooLarge { limit: 9 })
        ));
        // /proc files report a size of 0 whatever they hold.
        let environ = Path::new("/proc/self/environ");
        if environ.exists() {
            assert!(matches!(
                read_guarded(environ, 1),
                Err(ReadError::TooLarge { limit: 1 })
            ));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The main file and its includes spend one budget of bytes and of nodes.
    #[test]
    fn litellm_includes_spend_one_budget() {
        let dir = temp_dir("budget");
        let list: String = (0..100).map(|i| format!("  - item-{i}\n")).collect();
        for i in 0..3 {
            std::fs::write(
                dir.join(format!("part-{i}.yaml")),
                format!("fallbacks_{i}:\n{list}"),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let main = dir.join("config.yaml");
        std::fs::write(
            &main,
            "include:\n  - part-0.yaml\n  - part-1.yaml\n  - part-2.yaml\nmodel_list: []\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let refused = |limits: Limits| -> Vec<String> {
            let options = CheckOptions {
                limits,
                ..CheckOptions::default()
            };
            let mut sources = SourceMap::new();
            let outcome =
                check_file(&main, &options, &mut sources).unwrap_or_else(|e| panic!("{e}"));
            outcome
                .diagnostics
                .iter()
                .filter(|d| d.code == Code::IncludeMissing)
                .map(|d| d.message.clone())
                .collect()
        };
        assert_eq!(refused(Limits::default()), Vec::<String>::new());
        // Each part is 1,203 bytes and 103 nodes: the budgets let two in, not three.
        let bytes = refused(Limits {
            max_total_bytes: 3_000,
            ..Limits::default()
        });
        assert_eq!(bytes.len(), 1, "{bytes:?}");
        assert!(bytes[0].contains("part-2.yaml"), "{bytes:?}");
        assert!(
            bytes[0].contains("together are larger than the limit of 3000 bytes"),
            "{bytes:?}"
        );
        let nodes = refused(Limits {
            max_total_nodes: 250,
            ..Limits::default()
        });
        assert_eq!(nodes.len(), 1, "{nodes:?}");
        assert!(nodes[0].contains("part-2.yaml"), "{nodes:?}");
        assert!(nodes[0].contains("hold more than 250 values"), "{nodes:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn columns_on_a_long_non_ascii_line_count_chars() {
        let line: String = (0..20_000)
            .map(|i| if i % 7 == 0 { "é" } else { "a" })
            .collect();
        let text = format!("first\n{line}\nlast ü\n");
        let file = SourceFile::new("x.yaml", text.clone());
        let second = 6;
        for offset in (second..second + line.len()).step_by(997) {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let expected = text[second..offset].chars().count() + 1;
            assert_eq!(file.line_col(offset), (2, expected), "offset {offset}");
        }
        let last = text.len() - 3;
        assert_eq!(file.line_col(last), (3, 6));
        // Inside a multi-byte char: the column of that char.
        assert_eq!(file.line_col(second + 1), (2, 1));
    }

    /// Keys found through an index: a repeated key still drops the earlier entry (json5 keeps
    /// the last value) and reports both places, with many keys around.
    #[test]
    fn json5_objects_with_many_keys_keep_the_last_of_each() {
        let mut text = String::from("{\n");
        for i in 0..20_000 {
            text.push_str(&format!("k{i}: {i},\n"));
        }
        text.push_str("k7: 'again', k19999: 'last'\n}");
        let doc = json5::read(&text, FileId(0), &Limits::default())
            .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(doc.issues.len(), 2);
        let root = doc.root.unwrap_or_else(|| panic!("no root"));
        let entries = root.as_map().unwrap_or_else(|| panic!("not a map"));
        assert_eq!(entries.len(), 20_000);
        assert_eq!(entries[0].key.as_str(), Some("k0"));
        // The repeated keys moved to the end, in the order they were repeated.
        assert_eq!(entries[19_998].key.as_str(), Some("k7"));
        assert_eq!(entries[19_998].value.as_str(), Some("again"));
        assert_eq!(entries[19_999].value.as_str(), Some("last"));
    }

    fn finding(code: Code, file: u32, at: usize, severity: Severity) -> Diagnostic {
        Diagnostic::new(
            code,
            Span::new(FileId(file), at, at + 1),
            format!("at {at}"),
        )
        .with_severity(severity)
    }

    #[test]
    fn past_fifty_findings_of_one_code_in_one_file_one_summary_stands_for_the_rest() {
        let mut all = Vec::new();
        for at in 0..120 {
            let severity = if at == 100 {
                Severity::Error
            } else {
                Severity::Warning
            };
            all.push(finding(Code::UnknownKey, 0, at, severity));
        }
        for at in 0..10 {
            all.push(finding(
                Code::UnknownProvider,
                0,
                1000 + at,
                Severity::Error,
            ));
        }
        for at in 0..60 {
            all.push(finding(Code::UnknownKey, 1, at, Severity::Warning));
        }
        litellm_check::diagnostic::sort(&mut all);
        let shown = fold_repeats(&all);
        let of = |code: Code, file: u32| {
            shown
                .iter()
                .filter(|d| d.code == code && d.primary.span.file == FileId(file))
                .collect::<Vec<_>>()
        };
        let first_file = of(Code::UnknownKey, 0);
        assert_eq!(first_file.len(), 51);
        let summary = first_file[50];
        assert_eq!(summary.primary.span.start, 50);
        assert!(
            summary
                .message
                .contains("and 70 more LL020 findings in this file"),
            "{}",
            summary.message
        );
        // One of the folded findings is an error: so is the summary.
        assert_eq!(summary.severity, Severity::Error);
        assert_eq!(of(Code::UnknownProvider, 0).len(), 10);
        let second_file = of(Code::UnknownKey, 1);
        assert_eq!(second_file.len(), 51);
        assert!(second_file[50].message.contains("and 10 more"));
        assert_eq!(second_file[50].severity, Severity::Warning);
        // Nothing to fold: the same list.
        assert_eq!(fold_repeats(&all[..40]).len(), 40);
    }
}
