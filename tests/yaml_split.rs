//! A split read (several threads, `syntax::yaml_split`) must give exactly what one sequential
//! read gives, or decline so that the sequential read runs: on generated configs, on every
//! corpus file, on hand-written cases that straddle a cut, and on thousands of mutated files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod shared_corpus;

use litellm_check::syntax::yaml::{read, read_sequential};
use litellm_check::syntax::yaml_split::read_split;
use litellm_check::syntax::{Document, FileId, Limits};

fn file() -> FileId {
    FileId::default()
}

/// Debug text compares NaN floats too.
fn show(document: &Document) -> String {
    format!("{:?} {:?}", document.root, document.issues)
}

/// Checks one text with `threads` threads; returns whether the split read was used.
fn agrees(name: &str, text: &str, threads: usize) -> bool {
    let limits = Limits::default();
    let whole = read_sequential(text, file(), &limits);
    let split = read_split(text, file(), &limits, threads);
    match (&whole, &split) {
        (_, None) => false,
        (Ok(whole), Some(split)) => {
            assert_eq!(
                show(whole),
                show(split),
                "{name}: split read ({threads} threads) differs from the sequential read"
            );
            true
        }
        (Err(e), Some(_)) => {
            panic!("{name}: the sequential read fails ({e:?}) but the split read succeeded")
        }
    }
}

fn config(deployments: usize, compact: bool) -> String {
    let (dash, pad) = if compact {
        ("- ", "  ")
    } else {
        ("  - ", "    ")
    };
    let mut s = String::from("# generated\nmodel_list:\n");
    for i in 0..deployments {
        s.push_str(&format!(
            "{dash}model_name: group-{g}\n{pad}litellm_params:\n{pad}  model: openai/gpt-4o\n{pad}  api_key: os.environ/KEY_{k}\n{pad}  rpm: {rpm}\n{pad}model_info:\n{pad}  id: \"deployment-{i}\"\n",
            g = i / 4,
            k = i % 7,
            rpm = 100 + i % 50
        ));
        if i % 97 == 0 {
            s.push_str("# a comment at column 0 inside the list\n\n");
        }
        if i % 89 == 0 {
            s.push_str(&format!(
                "{pad}description: |\n{pad}  line one\n{pad}    - not an item\n\n"
            ));
        }
    }
    s.push_str("router_settings:\n  routing_strategy: simple-shuffle\n  fallbacks:\n    - group-0: [group-1]\ngeneral_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n");
    s
}

#[test]
fn generated_configs_split_and_agree() {
    for compact in [false, true] {
        let text = config(3000, compact);
        for threads in 2..=4 {
            assert!(
                agrees(&format!("generated compact={compact}"), &text, threads),
                "a plain generated config (compact={compact}) should be split"
            );
        }
        let crlf = text.replace('\n', "\r\n");
        assert!(agrees("generated CRLF", &crlf, 2));
    }
}

#[test]
fn read_uses_the_split_on_large_files_with_the_same_result() {
    let text = config(4000, false);
    assert!(text.len() > litellm_check::syntax::yaml_split::SPLIT_FROM_BYTES);
    let limits = Limits::default();
    let via_read = read(&text, file(), &limits).unwrap_or_else(|e| panic!("{e:?}"));
    let whole = read_sequential(&text, file(), &limits).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(show(&via_read), show(&whole));
}

#[test]
fn list_as_the_last_section() {
    let text = "general_settings:\n  master_key: sk-1\nmodel_list:\n  - a: 1\n  - b: 2\n  - c: 3\n# trailing comment\n";
    assert!(agrees("list last", text, 2));
}

#[test]
fn constructs_straddling_a_cut_fall_back() {
    // Each of these has a construct that a cut through the list would break; the split read
    // must decline (or agree), never differ.
    let cases = [
        (
            "open double quote",
            "model_list:\n  - a: \"x\n  - y\"\n  - b: 1\n  - c: 2\nother: 1\n",
        ),
        (
            "open single quote",
            "model_list:\n  - a: 'x\n  - y'\n  - b: 1\n  - c: 2\nother: 1\n",
        ),
        (
            "open flow sequence",
            "model_list:\n  - a: [x,\n  - y]\n  - b: 1\n  - c: 2\nother: 1\n",
        ),
        (
            "alias to head anchor",
            "model_list:\n  - &d {a: 1}\n  - b: 1\n  - *d\n  - c: 2\nother: 1\n",
        ),
        (
            "alias in tail",
            "model_list:\n  - a: 1\n  - &d {b: 1}\n  - c: 2\nother: *d\n",
        ),
        (
            "merge key in item",
            "base: &b {x: 1}\nmodel_list:\n  - a: 1\n  - <<: *b\n  - c: 2\n",
        ),
        (
            "duplicate anchor across parts",
            "model_list:\n  - &d a\n  - b\n  - &d c\n  - e\nother: 1\n",
        ),
        (
            "duplicate top-level key",
            "model_list:\n  - a\n  - b\n  - c\nmodel_list: 1\n",
        ),
        (
            "python-equal top-level keys",
            "1:\n  - a\n  - b\n  - c\ntrue: 1\n",
        ),
        (
            "duplicate key in an item",
            "model_list:\n  - {a: 1, a: 2}\n  - b\n  - c\nother: 1\n",
        ),
        (
            "second document",
            "model_list:\n  - a\n  - b\n---\nother: 1\n",
        ),
        ("document end", "model_list:\n  - a\n  - b\n...\n"),
        (
            "plain scalar continued at column 0",
            "model_list:\n  - a\n  - b\nc\n",
        ),
        ("tab indentation", "model_list:\n  - a\n  - b\n\t- c\n"),
        ("undefined alias", "model_list:\n  - a\n  - *nope\n  - c\n"),
        (
            "syntax error in tail",
            "model_list:\n  - a\n  - b\nother: [\n",
        ),
        (
            "nested list at the same column",
            "model_list:\n  - a\n  -\n  - - x\n    - y\n  - c\n",
        ),
        (
            "block scalar item",
            "model_list:\n  - |\n   text\n  - b\n  - >-\n   folded\n   more\n  - c\nx: 1\n",
        ),
        (
            "tag alone before the tail (fuzz)",
            "model_list:\n  - a: 1\n  - b: 2\n!\n\u{1}N:\"\u{2}:\n  - c: 3\nother: 5\n",
        ),
        (
            "tag alone before a tail mapping",
            "model_list:\n  - a: 1\n  - b: 2\n!t\nother: 5\n",
        ),
        (
            "anchor alone before a tail mapping",
            "model_list:\n  - a: 1\n  - b: 2\n&x\nother: 5\n",
        ),
        (
            "carriage return before an anchor in the tail (fuzz)",
            "model_list:\n  - a: 1\n  - b: 2\n\r&5`&5&5&5&5`\u{18}----\n.:\n  - c: 3\nother: 5\n",
        ),
        (
            "carriage return ending the list inside a line",
            "model_list:\n  - a: 1\rother: 5\n  - b: 2\n  - c: 3\nx: 1\n",
        ),
        (
            "byte-order mark starting the tail",
            "model_list:\n  - a: 1\n  - b: 2\n\u{feff}other: 5\n",
        ),
        (
            "complex key in a nested item (fuzz)",
            "model_list:\n  - a: 1\n  - b: 2\n  -   -      ?        ~ :.  [[=\n  - c: 3\n  - d: 4\nother: 5\n",
        ),
        (
            "empty folded scalar ending a part (fuzz)",
            "model_list:\n  - a: 1\n  - b: 2\n  -   -     -   > \n   \n  - c: 3\n  - d: 4\nother: 5\n",
        ),
        (
            "keep chomping",
            "model_list:\n  - |+\n   text\n\n\n  - b\n  - c\n",
        ),
    ];
    for (name, text) in cases {
        for threads in 2..=4 {
            agrees(name, text, threads);
        }
    }
}

/// A tiny deterministic generator: the mutations are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

#[test]
fn mutated_configs_never_differ() {
    const SNIPPETS: [&str; 18] = [
        "\"", "'", "[", "]", "{", "}", "&a ", "*a", "|\n", "#", "\t", ": ", "- ", "\n", "\n- x\n",
        "<<: *a\n", "---\n", "\n  - \"",
    ];
    let base = config(40, false);
    let compact = config(40, true);
    let mut rng = Lcg(7);
    let mut split = 0;
    for round in 0..3000 {
        let mut text = if round % 2 == 0 {
            base.clone()
        } else {
            compact.clone()
        };
        for _ in 0..1 + rng.next(3) {
            let at = rng.next(text.len());
            if text.is_char_boundary(at) {
                text.insert_str(at, SNIPPETS[rng.next(SNIPPETS.len())]);
            }
        }
        if agrees(&format!("mutation round {round}"), &text, 2 + rng.next(3)) {
            split += 1;
        }
    }
    // Most mutations leave the text cuttable: the comparison must have been exercised.
    assert!(split > 500, "only {split} of 3000 mutated files were split");
}

#[test]
fn corpus_files_agree() {
    let Some(root) = shared_corpus::corpus_root() else {
        return;
    };
    let mut split = 0;
    let mut files = 0;
    for dir in ["litellm", "litellm-docs"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            for threads in 2..=3 {
                if agrees(&path.display().to_string(), &text, threads) {
                    split += 1;
                }
            }
        }
    }
    assert!(files > 500, "only {files} corpus files read");
    assert!(split > 100, "only {split} corpus reads were split");
}
