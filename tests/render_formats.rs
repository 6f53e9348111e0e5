//! Every output format rendered from the same hand-made findings, snapshotted, plus structural
//! checks that hold whatever the snapshots say.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use litellm_check::diagnostic::{
    render, Applicability, Code, Diagnostic, Edit, Fix, Format, Severity,
};
use litellm_check::syntax::{FileId, SourceFile, SourceMap, Span};
use serde_json::Value;

const CONFIG: &str = "\
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai-gpt-4o
      api_key: os.environ/OPENAI_API_KEY
  - model_name: café-model
    litellm_params: { model: openai/gpt-4o-mini, rpm: 10 }
router_settings:
  fallbacks: [{gpt-4o: [claude]}]
litellm_settings:
  drop_params: on";

const INCLUDED: &str = "\
model_list:
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4
";

struct Fixture {
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
}

fn span_of(sources: &SourceMap, file: FileId, needle: &str) -> Span {
    let text = &sources.get(file).text;
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in file"));
    Span::new(file, start, start + needle.len())
}

fn fixture() -> Fixture {
    let mut sources = SourceMap::new();
    let config = sources.add(SourceFile::new("configs/config.yaml", CONFIG.to_string()));
    let included = sources.add(SourceFile::new(
        "configs/models/claude.yaml",
        INCLUDED.to_string(),
    ));
    let empty = sources.add(SourceFile::new("empty.yaml", String::new()));

    let diagnostics = vec![
        // An error with help, a primary label and a secondary label in another file.
        Diagnostic::new(
            Code::UnknownProvider,
            span_of(&sources, config, "openai-gpt-4o"),
            "`openai-gpt-4o` names no provider LiteLLM knows",
        )
        .with_label("no `provider/` prefix")
        .with_help("write `provider/model`, e.g. `openai/gpt-4o`")
        .with_secondary(
            span_of(&sources, included, "anthropic/claude-sonnet-4"),
            "a deployment written correctly",
        )
        .with_pointer("/model_list/0/litellm_params/model")
        // A fix with edits in two files: a replacement and an insertion.
        .with_fix(Fix::new(
            "Write `openai/gpt-4o`",
            vec![
                Edit::replacement(span_of(&sources, config, "openai-gpt-4o"), "openai/gpt-4o"),
                Edit::insertion(included, 0, "# checked\n"),
            ],
            Applicability::Unsafe,
        )),
        // A warning on a non-ASCII line, with a secondary label in the same file.
        Diagnostic::new(
            Code::InconsistentGroupWeights,
            span_of(&sources, config, "rpm: 10"),
            "`rpm` is set on only one deployment of `café-model`",
        )
        .with_label("set here")
        .with_secondary(span_of(&sources, config, "café-model"), "model group")
        .with_pointer("/model_list/1/litellm_params/rpm"),
        // An info finding whose message needs escaping in every machine format.
        Diagnostic::new(
            Code::Yaml11Surprise,
            Span::new(config, CONFIG.len() - "on".len(), CONFIG.len()),
            "100% sure: `on` is true, not \"on\",\nquote it",
        )
        .with_severity(Severity::Info)
        .with_pointer("/litellm_settings/drop_params"),
        // A zero-length span at the very end of the file (no trailing newline).
        Diagnostic::new(
            Code::MasterKeyUnsafe,
            Span::new(config, CONFIG.len(), CONFIG.len()),
            "no `general_settings.master_key`",
        )
        .with_help("set `master_key: os.environ/LITELLM_MASTER_KEY` under `general_settings`"),
        // The empty file: span 0..0.
        Diagnostic::new(
            Code::EmptyConfig,
            Span::new(empty, 0, 0),
            "the file is empty",
        )
        .with_pointer(""),
        // A finding spanning several lines, secondary label in the other file without message.
        Diagnostic::new(
            Code::UnknownModelGroup,
            span_of(&sources, config, "fallbacks: [{gpt-4o: [claude]}]"),
            "fallback target `claude` is only defined in an included file",
        )
        .with_severity(Severity::Warning)
        .with_secondary(span_of(&sources, included, "claude"), "defined here")
        .with_pointer("/router_settings/fallbacks/0"),
    ];
    Fixture {
        sources,
        diagnostics,
    }
}

fn rendered(format: Format) -> String {
    let f = fixture();
    render(format, &f.sources, &f.diagnostics, false)
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!(rendered(Format::Human));
}

#[test]
fn human_colour_only_adds_escape_codes() {
    let f = fixture();
    let plain = render(Format::Human, &f.sources, &f.diagnostics, false);
    let coloured = render(Format::Human, &f.sources, &f.diagnostics, true);
    assert!(coloured.contains("\x1b["), "colour was asked for");
    assert!(!plain.contains('\x1b'), "no colour was asked for");
    assert_eq!(strip_ansi(&coloured), plain);
}

#[test]
fn human_fits_80_columns_apart_from_source_lines() {
    let text = rendered(Format::Human);
    for line in text.lines() {
        let is_source_line = line.trim_start().starts_with(|c: char| c.is_ascii_digit());
        assert!(
            is_source_line || line.chars().count() <= 80,
            "line wider than 80 columns: {line:?}"
        );
    }
}

#[test]
fn human_no_findings() {
    let sources = SourceMap::new();
    assert_eq!(
        render(Format::Human, &sources, &[], false),
        "No problems found.\n"
    );
}

#[test]
fn human_escapes_control_characters() {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new("x.yaml", "key\x1b[2J: 1\n".to_string()));
    let diagnostic = Diagnostic::new(
        Code::UnknownKey,
        Span::new(file, 0, 7),
        "unknown key `key\x1b[2J`",
    );
    let text = render(Format::Human, &sources, &[diagnostic], false);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains("unknown key `key\\u{1b}[2J`"), "{text}");
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(rendered(Format::Json));
}

#[test]
fn json_has_exact_keys() {
    let value: Value = serde_json::from_str(&rendered(Format::Json)).expect("valid JSON");
    let keys =
        |v: &Value| -> Vec<String> { v.as_object().expect("an object").keys().cloned().collect() };
    assert_eq!(keys(&value), ["diagnostics", "summary"]);
    assert_eq!(keys(&value["summary"]), ["errors", "warnings"]);
    assert_eq!(value["summary"]["errors"], 2);
    assert_eq!(value["summary"]["warnings"], 3);
    let diagnostics = value["diagnostics"].as_array().expect("a list");
    assert_eq!(diagnostics.len(), fixture().diagnostics.len());
    for d in diagnostics {
        // `fix` only on findings that carry one, last.
        let mut keys_without_fix = keys(d);
        if keys_without_fix.last().map(String::as_str) == Some("fix") {
            keys_without_fix.pop();
            assert_eq!(keys(&d["fix"]), ["title", "applicability", "edits"]);
            for edit in d["fix"]["edits"].as_array().expect("edits") {
                assert_eq!(
                    keys(edit),
                    [
                        "file",
                        "line",
                        "column",
                        "end_line",
                        "end_column",
                        "start",
                        "end",
                        "content"
                    ]
                );
            }
        }
        assert_eq!(
            keys_without_fix,
            [
                "code",
                "severity",
                "message",
                "help",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "pointer",
                "related"
            ]
        );
        assert!(["error", "warning", "info"].contains(&d["severity"].as_str().expect("a string")));
        assert!(d["help"].is_null() || d["help"].is_string());
        for n in ["line", "column", "end_line", "end_column"] {
            assert!(d[n].as_u64().expect("a number") >= 1, "{n} is 1-based");
        }
        for r in d["related"].as_array().expect("a list") {
            assert_eq!(
                keys(r),
                [
                    "file",
                    "line",
                    "column",
                    "end_line",
                    "end_column",
                    "message"
                ]
            );
        }
    }
    // Spot-check positions against the source: `openai-gpt-4o` is on line 4 from column 14.
    let first = &diagnostics[0];
    assert_eq!(
        (&first["file"], &first["line"], &first["column"]),
        (
            &Value::from("configs/config.yaml"),
            &Value::from(4),
            &Value::from(14)
        )
    );
    assert_eq!(
        (&first["end_line"], &first["end_column"]),
        (&Value::from(4), &Value::from(27))
    );
    assert_eq!(
        first["help"],
        "write `provider/model`, e.g. `openai/gpt-4o`"
    );
    assert_eq!(diagnostics[1]["help"], Value::Null);
}

/// The SARIF log with the parts that change whenever a rule code is added or the version is
/// bumped (the rules list, rule indexes, the version) replaced by placeholders, so adding a code
/// does not rewrite this snapshot; `sarif_structure` checks those parts instead.
#[test]
fn sarif_snapshot() {
    let mut log: Value = serde_json::from_str(&rendered(Format::Sarif)).expect("valid JSON");
    let run = &mut log["runs"][0];
    run["tool"]["driver"]["rules"] = Value::from("[every Code, see sarif_structure]");
    run["tool"]["driver"]["version"] = Value::from("[CARGO_PKG_VERSION]");
    // The working directory differs between machines.
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] =
        Value::from("[file:// URI of the working directory]");
    for result in run["results"].as_array_mut().expect("results") {
        result["ruleIndex"] = Value::from("[index of ruleId]");
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&log).expect("serializable"));
}

/// The official SARIF 2.1.0 schema (rtm.5, the OASIS standard's final draft), as shipped in
/// Microsoft's `@microsoft/jest-sarif` npm package (MIT).
#[test]
fn sarif_validates_against_the_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let log: Value = serde_json::from_str(&rendered(Format::Sarif)).expect("valid JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The check can fail: a result without a message is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .expect("an object")
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_structure() {
    let log: Value = serde_json::from_str(&rendered(Format::Sarif)).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "litellm-check");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), Code::ALL.len());
    let rule_ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), fixture().diagnostics.len());
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rule_ids.get(index),
            Some(&rule_id),
            "ruleIndex points at the rule"
        );
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        for n in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[n].as_u64().expect("a region number") >= 1);
        }
        for related in result["relatedLocations"].as_array().into_iter().flatten() {
            assert!(related["physicalLocation"]["region"]["startLine"].is_u64());
        }
    }
}

#[test]
fn sarif_rules_describe_every_code() {
    let log: Value = serde_json::from_str(&rendered(Format::Sarif)).expect("valid JSON");
    let rules = &log["runs"][0]["tool"]["driver"]["rules"];
    for (index, code) in Code::ALL.iter().enumerate() {
        let rule = &rules[index];
        assert_eq!(rule["id"], code.as_str());
        assert_eq!(rule["name"], code.name());
        assert_eq!(rule["fullDescription"]["text"], code.summary());
        let short = rule["shortDescription"]["text"].as_str().expect("text");
        assert!(!short.is_empty() && code.summary().starts_with(short));
        let level = match code.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        // GitHub code scanning shows `help` on the alert and links `helpUri` (SARIF multitool
        // rule GH2012 asks for both).
        assert_eq!(rule["helpUri"], code.help_uri());
        let help = rule["help"]["text"].as_str().expect("help text");
        assert!(help.starts_with(code.summary()) && help.contains(&code.help_uri()));
        let markdown = rule["help"]["markdown"].as_str().expect("help markdown");
        assert!(markdown.contains(code.summary()) && markdown.contains(&code.help_uri()));
    }
}

/// Every rule's `helpUri` lands on a section of docs/rules.md, and that page is the one generated
/// from the codes and their fixture pairs (set LITELLM_CHECK_UPDATE_DOCS=1 to rewrite it).
#[test]
fn rules_page_is_generated_and_every_help_uri_has_a_section() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected = rules_page(&root.join("fixtures"));
    let path = root.join("docs/rules.md");
    if std::env::var_os("LITELLM_CHECK_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `LITELLM_CHECK_UPDATE_DOCS=1 cargo test --test render_formats`"
    );
    for code in Code::ALL {
        let heading = format!("\n## {} {}\n", code.as_str(), code.name());
        assert!(actual.contains(&heading), "{code:?} has no section");
        // GitHub's anchor of that heading is the one helpUri names.
        assert!(code
            .help_uri()
            .ends_with(&format!("#{}", code.doc_anchor())));
    }
}

/// The rules page: per rule, what it guards against and its failing and passing fixtures.
fn rules_page(fixtures: &std::path::Path) -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from src/diagnostic/codes.rs and fixtures/ by tests/render_formats.rs; do not edit. -->\n\n\
         Every finding of `litellm-check check` has one of these codes. `LL` codes check the LiteLLM config, \
         `OC` codes the OpenClaw config, `XR` codes the references between the two. Each rule shows a file \
         that raises it and the same file fixed (from `fixtures/`).\n",
    );
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(fixtures)
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {} {}\n\n**{}**. {}\n",
            code.as_str(),
            code.name(),
            code.default_severity().as_str(),
            code.summary()
        ));
        if let Some(fix) = code.fix_availability() {
            out.push_str(&format!(
                "\n**Fix** ({}, `check --fix`{}): {}.\n",
                fix.applicability,
                if fix.applicability == "safe" {
                    ""
                } else {
                    "; unsafe ones with `--unsafe-fixes`"
                },
                fix.what
            ));
        }
        let prefix = format!("{}-", code.as_str());
        let Some(dir) = dirs.iter().find(|d| {
            d.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        }) else {
            continue;
        };
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .expect("fixture dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for (stem, title) in [("fail", "Raises it"), ("pass", "Fixed")] {
            for file in files
                .iter()
                .filter(|f| f.file_stem().and_then(|s| s.to_str()) == Some(stem))
            {
                let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
                let language = if extension == "yaml" || extension == "yml" {
                    "yaml"
                } else {
                    "json5"
                };
                let text = std::fs::read_to_string(file).expect("fixture text");
                let relative = file
                    .strip_prefix(fixtures.parent().expect("repo"))
                    .expect("under the repo");
                out.push_str(&format!(
                    "\n{title} (`{}`):\n\n```{language}\n{}{}```\n",
                    relative.display(),
                    text,
                    if text.ends_with('\n') { "" } else { "\n" }
                ));
            }
        }
    }
    out
}

/// A finding that names a file the map does not hold (a bug elsewhere) still renders everywhere.
#[test]
fn unknown_file_renders_without_location() {
    let sources = SourceMap::new();
    let diagnostic = Diagnostic::new(
        Code::UnknownKey,
        Span::new(FileId(7), 3, 9),
        "unknown key `x`",
    )
    .with_secondary(Span::new(FileId(8), 0, 1), "elsewhere");
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let text = render(format, &sources, std::slice::from_ref(&diagnostic), false);
        assert!(text.contains("unknown key `x`"), "{format:?}: {text}");
    }
    let sarif: Value = serde_json::from_str(&render(
        Format::Sarif,
        &sources,
        std::slice::from_ref(&diagnostic),
        false,
    ))
    .expect("valid JSON");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(rendered(Format::Github));
}

#[test]
fn github_one_line_per_finding() {
    let text = rendered(Format::Github);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), fixture().diagnostics.len());
    for line in &lines {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    // The info finding: `%`, `,`, `:` and the newline of its message.
    assert!(
        lines.iter().any(
            |l| l.ends_with("::100%25 sure: `on` is true, not \"on\",%0Aquote it")
                && l.starts_with("::notice file=configs/config.yaml,line=11,col=16,")
        ),
        "{text}"
    );
}

#[test]
fn default_format_follows_github_actions() {
    assert_eq!(Format::default_for(Some("true")), Format::Github);
    assert_eq!(Format::default_for(Some("false")), Format::Human);
    assert_eq!(Format::default_for(None), Format::Human);
}

#[test]
fn colour_only_on_a_terminal_without_no_color() {
    use litellm_check::diagnostic::format::color_for;
    use litellm_check::diagnostic::format::{ColorChoice, ColorEnv};
    use std::ffi::OsStr;
    let env = |no: Option<&'static str>,
               force: Option<&'static str>,
               term: Option<&'static str>| ColorEnv {
        no_color: no.map(OsStr::new),
        force_color: force.map(OsStr::new),
        clicolor_force: None,
        term: term.map(OsStr::new),
    };
    let auto = ColorChoice::Auto;
    assert!(color_for(auto, true, &env(None, None, None)));
    assert!(
        color_for(auto, true, &env(Some(""), None, None)),
        "an empty NO_COLOR is unset"
    );
    assert!(!color_for(auto, true, &env(Some("1"), None, None)));
    assert!(!color_for(auto, false, &env(None, None, None)));
    assert!(
        color_for(auto, false, &env(None, Some("1"), None)),
        "FORCE_COLOR off a terminal"
    );
    assert!(
        !color_for(auto, false, &env(None, Some("0"), None)),
        "FORCE_COLOR=0 forces nothing"
    );
    assert!(
        !color_for(auto, true, &env(Some("1"), Some("1"), None)),
        "NO_COLOR wins"
    );
    assert!(
        !color_for(auto, true, &env(None, None, Some("dumb"))),
        "a dumb terminal"
    );
    assert!(color_for(
        ColorChoice::Always,
        false,
        &env(Some("1"), None, Some("dumb"))
    ));
    assert!(!color_for(
        ColorChoice::Never,
        true,
        &env(None, Some("1"), None)
    ));
    let clicolor = ColorEnv {
        clicolor_force: Some(OsStr::new("1")),
        ..ColorEnv::default()
    };
    assert!(color_for(auto, false, &clicolor));
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Frames stay a few lines long whatever the input: a minified one-line file, a finding on a whole
/// document, CRLF line ends.
#[test]
fn human_frames_stay_small() {
    let mut sources = SourceMap::new();
    let one_line = format!(
        "{{{}\"modle\": 1, {}}}",
        "\"k\": 0, ".repeat(20_000),
        "\"v\": 2, ".repeat(20_000)
    );
    let minified = sources.add(SourceFile::new("minified.json", one_line.clone()));
    let long_doc: String = (0..2000).map(|i| format!("key{i}: {i}\n")).collect();
    let long = sources.add(SourceFile::new("long.yaml", long_doc.clone()));
    let crlf = sources.add(SourceFile::new(
        "crlf.yaml",
        "a: 1\r\nb:\tx\r\nc: 3\r\n".to_string(),
    ));
    let diagnostics = vec![
        Diagnostic::new(
            Code::UnknownKey,
            span_of(&sources, minified, "\"modle\""),
            "unknown key `modle`",
        )
        .with_label("did you mean `model`?"),
        Diagnostic::new(
            Code::NotAMapping,
            Span::new(long, 0, long_doc.len()),
            "the whole document",
        )
        .with_label("this"),
        Diagnostic::new(
            Code::UnknownKey,
            span_of(&sources, crlf, "b"),
            "unknown key `b`",
        )
        .with_label("here"),
    ];
    let text = render(Format::Human, &sources, &diagnostics, false);
    assert!(text.len() < 3000, "{} bytes:\n{text}", text.len());
    insta::assert_snapshot!(text);
}
