//! The YAML reader against PyYAML 6.0.3 `yaml.safe_load`. Every expectation below was produced
//! by PyYAML on this text (python3 -c 'yaml.safe_load(...)') and hard-coded here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use litellm_check::syntax::yaml::read;
use litellm_check::syntax::{
    Document, FileId, Limits, Node, NodeKind, ReadIssue, ScalarStyle, SyntaxError,
};

fn load(text: &str) -> Result<Document, SyntaxError> {
    read(text, FileId(0), &Limits::default())
}

fn root(text: &str) -> Node {
    match load(text) {
        Ok(Document {
            root: Some(node), ..
        }) => node,
        other => panic!("{text:?} did not load to a node: {other:?}"),
    }
}

fn error(text: &str) -> SyntaxError {
    match load(text) {
        Err(e) => e,
        Ok(doc) => panic!("{text:?} loaded but PyYAML rejects it: {:?}", doc.root),
    }
}

fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
    &text[node.span.start..node.span.end]
}

/// PyYAML's typing of `v: <scalar>`, encoded as in the table below.
const TYPING: &[(&str, &str)] = &[
    ("yes", "bool:true"),
    ("Yes", "bool:true"),
    ("YES", "bool:true"),
    ("no", "bool:false"),
    ("No", "bool:false"),
    ("NO", "bool:false"),
    ("true", "bool:true"),
    ("True", "bool:true"),
    ("TRUE", "bool:true"),
    ("false", "bool:false"),
    ("False", "bool:false"),
    ("FALSE", "bool:false"),
    ("on", "bool:true"),
    ("On", "bool:true"),
    ("ON", "bool:true"),
    ("off", "bool:false"),
    ("Off", "bool:false"),
    ("OFF", "bool:false"),
    ("y", "str:y"),
    ("Y", "str:Y"),
    ("n", "str:n"),
    ("N", "str:N"),
    ("yES", "str:yES"),
    ("tRUE", "str:tRUE"),
    ("~", "null"),
    ("null", "null"),
    ("Null", "null"),
    ("NULL", "null"),
    ("nULL", "str:nULL"),
    ("", "null"),
    ("0", "int:0"),
    ("-0", "int:0"),
    ("+0", "int:0"),
    ("12", "int:12"),
    ("-12", "int:-12"),
    ("+12", "int:12"),
    ("1_000", "int:1000"),
    ("0755", "int:493"),
    ("010", "int:8"),
    ("09", "str:09"),
    ("08", "str:08"),
    ("0o17", "str:0o17"),
    ("0x1F", "int:31"),
    ("0X1F", "str:0X1F"),
    ("-0x1F", "int:-31"),
    ("0b101", "int:5"),
    ("-0b101", "int:-5"),
    ("0b", "str:0b"),
    ("0x", "str:0x"),
    ("0b_", "err"),
    ("0_", "int:0"),
    ("00", "int:0"),
    ("0_7", "int:7"),
    ("1:30", "int:90"),
    ("190:20:30", "int:685230"),
    ("-1:30", "int:-90"),
    ("1:60", "str:1:60"),
    ("1:5:59", "int:3959"),
    ("0:30", "str:0:30"),
    ("1_0:30", "int:630"),
    ("3e-06", "str:3e-06"),
    ("1e3", "str:1e3"),
    ("1.0e3", "str:1.0e3"),
    ("1.5e-6", "float:1.5e-06"),
    ("1.0e+3", "float:1000.0"),
    ("3.0e-06", "float:3e-06"),
    ("1.", "float:1.0"),
    ("1.__", "float:1.0"),
    ("-.5", "str:-.5"),
    (".5", "float:0.5"),
    ("._5", "str:._5"),
    (".inf", "float:inf"),
    ("-.inf", "float:-inf"),
    ("+.inf", "float:inf"),
    (".Inf", "float:inf"),
    (".INF", "float:inf"),
    (".nan", "float:nan"),
    (".NaN", "float:nan"),
    (".NAN", "float:nan"),
    ("-.nan", "str:-.nan"),
    ("inf", "str:inf"),
    ("nan", "str:nan"),
    ("1:30.5", "float:90.5"),
    ("1_000.5", "float:1000.5"),
    ("09.5", "float:9.5"),
    ("0.1", "float:0.1"),
    ("+1.5", "float:1.5"),
    ("1.5E+3", "float:1500.0"),
    ("1.5e3", "str:1.5e3"),
    ("2024-01-01", "ts"),
    ("2024-1-1", "str:2024-1-1"),
    ("2024-01-01T10:00:00", "ts"),
    ("2024-01-01 10:00:00", "ts"),
    ("2024-01-01t10:00:00.1234567Z", "ts"),
    ("2024-01-01 10:00:00 +05:30", "ts"),
    ("2024-01-01T10:00:00-5", "ts"),
    ("2024-01-01T1:00:00Z", "ts"),
    ("2024-02-30", "err"),
    ("2023-02-29", "err"),
    ("2024-02-29", "ts"),
    ("2024-13-01", "err"),
    ("2024-01-01 10:00:00 +25", "err"),
    ("20240101", "int:20240101"),
    ("9223372036854775807", "int:9223372036854775807"),
    // PyYAML gives a Python big int; we keep the nearest float (documented in yaml.rs).
    ("9223372036854775808", "float:9.223372036854775808e18"),
    ("-9223372036854775808", "int:-9223372036854775808"),
    ("12345678901234567890", "float:1.2345678901234567890e19"),
    ("<<X", "str:<<X"),
    ("<", "str:<"),
    ("<<", "err"),
    ("=", "err"),
    ("==", "str:=="),
    ("=x", "str:=x"),
    ("os.environ/KEY", "str:os.environ/KEY"),
    ("gpt-4o", "str:gpt-4o"),
    ("1.2.3", "str:1.2.3"),
    ("v1", "str:v1"),
    ("1_", "int:1"),
    ("_1", "str:_1"),
    ("+", "str:+"),
    ("-", "err"),
    ("1__000", "int:1000"),
    ("0x_1F", "int:31"),
    ("0b1_0", "int:2"),
    ("1:00:00", "int:3600"),
    ("12:30:45.5", "float:45045.5"),
    (
        "123456789012345678901234567890.5",
        "float:1.2345678901234568e+29",
    ),
    // Quoted and block scalars are never typed.
    ("'12'", "str:12"),
    ("\"true\"", "str:true"),
    ("'~'", "str:~"),
    ("|\n  12", "str:12\n"),
    (">-\n  yes", "str:yes"),
    // Explicit tags.
    ("!!str 12", "str:12"),
    ("!!str", "str:"),
    ("!!int '0x1F'", "int:31"),
    ("!!int 09", "err"),
    ("!!float 1e3", "float:1000.0"),
    ("!!float '1.5'", "float:1.5"),
    ("!!bool yes", "bool:true"),
    ("!!bool y", "err"),
    ("!!null foo", "null"),
    ("!!timestamp 2024-1-1", "ts"),
    ("!!timestamp nope", "err"),
    ("! 12", "int:12"),
    ("! '12'", "int:12"),
    ("!<tag:yaml.org,2002:str> 12", "str:12"),
    ("!!python/name:os.system", "err"),
    ("!!python/object:os.system x", "err"),
    ("!custom x", "err"),
    ("!!str [1]", "err"),
    ("!!map [1]", "err"),
    ("!!seq x", "err"),
];

fn describe(kind: &NodeKind) -> String {
    match kind {
        NodeKind::Null => "null".into(),
        NodeKind::Bool(b) => format!("bool:{b}"),
        NodeKind::Int(i) => format!("int:{i}"),
        NodeKind::Float(f) => format!("float:{f:?}"),
        NodeKind::Str(s) => format!("str:{s}"),
        NodeKind::Timestamp(_) => "ts".into(),
        NodeKind::Seq(_) => "seq".into(),
        NodeKind::Map(_) => "map".into(),
    }
}

fn matches_expectation(kind: &NodeKind, expected: &str) -> bool {
    match (kind, expected.strip_prefix("float:")) {
        (NodeKind::Float(f), Some("nan")) => f.is_nan(),
        (NodeKind::Float(f), Some(number)) => number.parse::<f64>().is_ok_and(|e| e == *f),
        _ => describe(kind) == expected,
    }
}

#[test]
fn plain_scalars_are_typed_as_pyyaml_types_them() {
    let mut failures = Vec::new();
    for (scalar, expected) in TYPING {
        let text = format!("v: {scalar}\n");
        let got = match load(&text) {
            Ok(doc) => match doc.root.as_ref().and_then(|r| r.get("v")) {
                Some(value) if matches_expectation(&value.kind, expected) => continue,
                Some(value) => describe(&value.kind),
                None => "no value".into(),
            },
            Err(_) if *expected == "err" => continue,
            Err(e) => format!("err: {}", e.message),
        };
        failures.push(format!("{scalar:?}: expected {expected}, got {got}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn timestamps_keep_their_source_text() {
    let doc = root("d: 2024-01-01\nt: 2024-01-01 10:00:00\n");
    assert_eq!(
        doc.get("d").map(|n| &n.kind),
        Some(&NodeKind::Timestamp("2024-01-01".into()))
    );
    assert_eq!(
        doc.get("t").map(|n| &n.kind),
        Some(&NodeKind::Timestamp("2024-01-01 10:00:00".into()))
    );
}

#[test]
fn spans_are_byte_offsets_even_after_non_ascii_text() {
    let text = "name: \"héllo wörld\"\n# ünïcödé comment\nkey: 日本語\nlast: [1, 2]\n";
    let doc = root(text);
    let map = doc.as_map().unwrap();
    assert_eq!(slice(text, &map[0].value), "\"héllo wörld\"");
    assert_eq!(slice(text, &map[1].key), "key");
    assert_eq!(slice(text, &map[1].value), "日本語");
    assert_eq!(slice(text, &map[2].key), "last");
    assert_eq!(slice(text, &map[2].value), "[1, 2]");
    assert_eq!(map[0].value.style, ScalarStyle::Quoted);
    // The mapping covers its first key to its last value.
    assert_eq!(slice(text, &doc), text.trim_end());
}

#[test]
fn spans_survive_long_non_ascii_prefixes() {
    // More than one checkpoint (64 characters) of multi-byte text before the node.
    let prefix = "é".repeat(300);
    let text = format!("a: {prefix}\nb: target\n");
    let doc = root(&text);
    assert_eq!(slice(&text, doc.get("b").unwrap()), "target");
    assert_eq!(slice(&text, doc.get("a").unwrap()), prefix);
}

#[test]
fn a_utf8_bom_is_skipped() {
    let text = "\u{feff}a: 1\nb: x\n";
    let doc = root(text);
    assert_eq!(doc.get("a").map(|n| &n.kind), Some(&NodeKind::Int(1)));
    assert_eq!(slice(text, &doc.entry("b").unwrap().key), "b");
}

#[test]
fn nested_spans_cover_block_and_flow_collections() {
    let text =
        "model_list:\n  - model_name: gpt\n    litellm_params: {model: openai/gpt-4o, rpm: 10}\n";
    let doc = root(text);
    let list = doc.get("model_list").unwrap();
    assert!(slice(text, list).starts_with("- model_name: gpt"));
    assert!(slice(text, list).ends_with("rpm: 10}"));
    let params = list.as_seq().unwrap()[0].get("litellm_params").unwrap();
    assert_eq!(slice(text, params), "{model: openai/gpt-4o, rpm: 10}");
    assert_eq!(slice(text, params.get("rpm").unwrap()), "10");
}

#[test]
fn duplicate_keys_keep_the_last_value_at_the_first_position() {
    let text = "a: 1\nb: 2\na: 3\n";
    let doc = load(text).unwrap();
    let root = doc.root.unwrap();
    let map = root.as_map().unwrap();
    assert_eq!(map.len(), 2);
    assert_eq!(slice(text, &map[0].key), "a");
    assert_eq!(map[0].value.kind, NodeKind::Int(3));
    assert_eq!(map[1].value.kind, NodeKind::Int(2));
    assert_eq!(doc.issues.len(), 1);
    let ReadIssue::DuplicateKey {
        key,
        first,
        duplicate,
        identical,
    } = &doc.issues[0];
    assert!(!identical, "3 and 2 differ");
    assert_eq!(key, "a");
    assert_eq!((first.start, duplicate.start), (0, 10));
}

#[test]
fn duplicate_keys_are_found_at_any_depth() {
    let text = "outer:\n  - inner:\n      x: 1\n      x: 2\n";
    let doc = load(text).unwrap();
    assert_eq!(doc.issues.len(), 1);
    let inner = doc.root.unwrap();
    let x = inner.get("outer").unwrap().as_seq().unwrap()[0]
        .get("inner")
        .unwrap()
        .get("x")
        .unwrap();
    assert_eq!(x.kind, NodeKind::Int(2));
}

#[test]
fn keys_compare_as_python_dict_keys() {
    // PyYAML: {1: 'c'}
    let doc = load("1: a\n1.0: b\ntrue: c\n").unwrap();
    let root = doc.root.unwrap();
    let map = root.as_map().unwrap();
    assert_eq!(map.len(), 1);
    assert_eq!(map[0].key.kind, NodeKind::Int(1));
    assert_eq!(map[0].value.kind, NodeKind::Str("c".into()));
    assert_eq!(doc.issues.len(), 2);
    // "1" and 1 differ; ~ and null are the same key.
    let doc = load("'1': a\n1: b\n~: c\nnull: d\n").unwrap();
    assert_eq!(doc.root.unwrap().as_map().unwrap().len(), 3);
    assert_eq!(doc.issues.len(), 1);
    // Timestamps compare as instants.
    let doc =
        load("2024-01-01 10:00:00+01:00: a\n2024-01-01T09:00:00Z: b\n2024-01-01: c\n").unwrap();
    assert_eq!(doc.root.unwrap().as_map().unwrap().len(), 2);
}

#[test]
fn unhashable_keys_are_rejected() {
    let e = error("? [1, 2]\n: x\n");
    assert!(e.message.contains("unhashable"), "{}", e.message);
    error("{[1]: 2}");
}

#[test]
fn aliases_expand_to_copies_with_the_anchor_spans() {
    let text = "base: &b {model: m, rpm: 5}\nother: *b\n";
    let doc = root(text);
    let other = doc.get("other").unwrap();
    assert_eq!(other.get("rpm").unwrap().kind, NodeKind::Int(5));
    assert_eq!(slice(text, other), "{model: m, rpm: 5}");
    let e = error("a: *nope\n");
    assert_eq!(e.span.start, 3);
}

#[test]
fn anchors_cannot_be_redefined_or_recursive() {
    // PyYAML: found duplicate anchor 'x'
    let e = error("a: &x 1\nb: &x 2\nc: *x\n");
    assert!(e.message.contains("duplicate anchor 'x'"), "{}", e.message);
    assert_eq!(e.span.start, 11);
    error("&a [*a]\n");
}

#[test]
fn merge_keys_follow_flatten_mapping() {
    // PyYAML: {'a': 1, 'b': 3, 'c': 4}
    let text = "base: &base {a: 1, b: 2}\nx:\n  <<: *base\n  b: 3\n  c: 4\n";
    let doc = load(text).unwrap();
    assert!(doc.issues.is_empty());
    let x = doc.root.unwrap().get("x").unwrap().to_json();
    assert_eq!(x.to_string(), r#"{"a":1,"b":3,"c":4}"#);

    // Earlier sources win: PyYAML {'k': 'one', 'only2': 2, 'only1': 1, 'own': 0}
    let text = "one: &one {k: one, only1: 1}\ntwo: &two {k: two, only2: 2}\nx:\n  <<: [*one, *two]\n  own: 0\n";
    let x = root(text).get("x").unwrap().to_json();
    assert_eq!(x.to_string(), r#"{"k":"one","only2":2,"only1":1,"own":0}"#);

    // A merge key after explicit keys still loses to them; order puts merged keys first.
    let x = root("b: &b {a: 1, c: 9}\nx: {c: 3, <<: *b}\n")
        .get("x")
        .unwrap()
        .to_json();
    assert_eq!(x.to_string(), r#"{"a":1,"c":3}"#);

    // Nested merges are flattened first.
    let text = "a: &a {p: 1}\nb: &b {<<: *a, q: 2}\nc: {<<: *b, r: 3}\n";
    assert_eq!(
        root(text).get("c").unwrap().to_json().to_string(),
        r#"{"p":1,"q":2,"r":3}"#
    );

    // A quoted "<<" is an ordinary key.
    let x = root("x: {'<<': {a: 1}}\n").get("x").unwrap().to_json();
    assert_eq!(x.to_string(), r#"{"<<":{"a":1}}"#);

    // Merging a scalar or a list of scalars is an error.
    error("x:\n  <<: 1\n");
    error("x:\n  <<: [1]\n");
}

#[test]
fn merged_keys_are_not_duplicates_but_explicit_repeats_are() {
    let doc = load("b: &b {a: 1}\nx:\n  <<: *b\n  a: 2\n  a: 3\n").unwrap();
    assert_eq!(doc.issues.len(), 1);
    assert_eq!(
        doc.root.unwrap().get("x").unwrap().to_json().to_string(),
        r#"{"a":3}"#
    );
}

#[test]
fn one_document_only() {
    let e = error("a: 1\n---\nb: 2\n");
    assert!(
        e.message.contains("expected a single document"),
        "{}",
        e.message
    );
    assert_eq!(e.span.start, 5);
    error("a: 1\n---\n");
    assert!(load("a: 1\n...\n").is_ok());
    assert!(load("---\na: 1\n").is_ok());
}

#[test]
fn empty_streams_have_no_root() {
    for text in [
        "",
        "# only a comment\n",
        "\n\n   \n",
        "---\n",
        "---\n...\n",
        "\u{feff}",
    ] {
        let doc = load(text).unwrap();
        assert!(doc.root.is_none(), "{text:?} gave {:?}", doc.root);
    }
    // An explicit null is a value, not an empty document.
    assert!(root("~\n").is_null());
}

#[test]
fn non_printable_characters_are_rejected_where_they_are() {
    let e = error("a: b\u{7}c\n");
    assert_eq!((e.span.start, e.span.end), (4, 5));
    assert!(e.message.contains("#x0007"), "{}", e.message);
    let e = error("a: 'é\u{ffff}'\n");
    assert_eq!(e.span.start, 6);
    error("a: \u{0}\n");
    error("a: \u{9f}\n");
    // Printable non-ASCII is fine.
    assert_eq!(
        root("a: \u{a0}x\u{2603}\n")
            .get("a")
            .map(|n| n.kind.clone()),
        Some(NodeKind::Str("\u{a0}x\u{2603}".into()))
    );
}

#[test]
fn tabs_are_rejected_where_pyyaml_rejects_them() {
    // Each offset is PyYAML's problem_mark.index.
    for (text, at) in [
        ("a: b\tc", 4),
        ("a: 'x'\t", 6),
        ("a: 1\n\t# c", 5),
        ("a: b\n  \tc", 7),
        ("a:\n  - x\n  -\tb", 12),
        ("a: [b,\tc]", 6),
        ("a: 1\n\t", 5),
        ("a:\n\t- b", 3),
        ("a:\n  b: 1\n\t\n", 10),
        ("a: |\n  x\n\t\n", 9),
    ] {
        let e = error(text);
        assert_eq!(e.span.start, at, "{text:?}: {}", e.message);
    }
    // Tabs inside quoted scalars, comments and block scalar content are fine.
    for text in [
        "a:\n  \"b\n \tc\"",
        "a:\n  'b\n \t c'",
        "a: 1 # x\ty",
        "a: |\n  \tx\n",
        "a: \"x\ty\"",
    ] {
        assert!(load(text).is_ok(), "{text:?}: {:?}", load(text).err());
    }
}

#[test]
fn syntax_errors_are_located() {
    let e = error("a: [1, 2\n");
    assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
    assert_eq!(e.span.start, 9);
    let e = error("a: 'é\nb: [\n");
    assert!(e.span.start <= "a: 'é\nb: [\n".len());
}

#[test]
fn omap_and_set_tags_load() {
    let doc = root("a: !!set {x, y}\nb: !!omap [x: 1, y: 2]\n");
    assert_eq!(doc.get("a").unwrap().as_map().unwrap().len(), 2);
    assert_eq!(
        doc.get("b").unwrap().to_json().to_string(),
        r#"[["x",1],["y",2]]"#
    );
}

#[test]
fn indentation_inside_flow_collections_and_quoted_scalars_is_free_as_in_pyyaml() {
    // Each text loads in PyYAML to the JSON on its right (a strict YAML 1.2 parser rejects them).
    for (text, json) in [
        ("a:\n  b: {\n  \"x\": 1 }\n", r#"{"a":{"b":{"x":1}}}"#),
        ("a: {\nx: 1}\n", r#"{"a":{"x":1}}"#),
        ("a:\n  b: [\n  1, 2\n  ]\n", r#"{"a":{"b":[1,2]}}"#),
        ("a:\n  b: [x,\ny]\nc: 1", r#"{"a":{"b":["x","y"]},"c":1}"#),
        ("a: [x,\n  y\nz]", r#"{"a":["x","y z"]}"#),
        ("a:\n  b: \"x\n y\"\n", r#"{"a":{"b":"x y"}}"#),
        ("a:\n  b: 'x\ny'\n", r#"{"a":{"b":"x y"}}"#),
        ("a: \"b\n\tc\"", r#"{"a":"b c"}"#),
        (
            "general_settings:\n  alert_to_webhook_url: {\n    \"llm_exceptions\": \"u\",\n  }\n",
            r#"{"general_settings":{"alert_to_webhook_url":{"llm_exceptions":"u"}}}"#,
        ),
    ] {
        assert_eq!(root(text).to_json().to_string(), json, "{text:?}");
    }
}

#[test]
fn empty_implicit_keys_are_errors_as_in_pyyaml() {
    // PyYAML: "while parsing a block mapping" / "while parsing a flow node".
    for (text, at) in [
        (": x\n", 0),
        ("a:\n  : x\n", 5),
        ("{a: 1, : 2}", 7),
        ("[: 2]", 1),
    ] {
        let e = error(text);
        assert_eq!(e.span.start, at, "{text:?}: {}", e.message);
    }
    // An explicit empty key is fine: PyYAML {None: 'b'}.
    let doc = root("?\n: b\n");
    assert!(doc.as_map().unwrap()[0].key.is_null());
}

#[test]
fn a_lone_dash_in_flow_is_a_string() {
    // PyYAML: [-1, '-x', '-'] and {'-': 1}
    assert_eq!(
        root("[-1, -x, -]").to_json().to_string(),
        r#"[-1,"-x","-"]"#
    );
    assert_eq!(root("{-: 1}").to_json().to_string(), r#"{"-":1}"#);
}
