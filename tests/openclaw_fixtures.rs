//! One folder per OpenClaw (`OC…`) and cross-file (`XR…`) rule under `fixtures/`:
//! `fail.json5` must produce the folder's code, `pass.json5` must not. A `litellm_config.yaml`
//! beside them turns on the cross-file checks. The human output of every `fail.json5` is
//! snapshotted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::{Path, PathBuf};

use litellm_check::diagnostic::{human, Code, Diagnostic, Severity};
use litellm_check::env::Environment;
use litellm_check::litellm::ModelGroups;
use litellm_check::openclaw;
use litellm_check::syntax::{yaml, Limits, SourceFile, SourceMap};

/// The model groups of a small LiteLLM config: `model_list[].model_name` and
/// `router_settings.model_group_alias` (built here until the LiteLLM side exposes its own).
fn groups_of(path: &Path, sources: &mut SourceMap) -> ModelGroups {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = sources.add(SourceFile::new(path, text.clone()));
    let doc = yaml::read(&text, file, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    let root = doc
        .root
        .unwrap_or_else(|| panic!("empty {}", path.display()));
    // The checker's own reading of the LiteLLM config: the one resolved model.
    litellm_check::litellm::resolved::ResolvedConfig::from_root(&root).groups
}

/// Checks `path`, with the cross-file checks when a LiteLLM config is given.
fn run(path: &Path, litellm: Option<&Path>) -> (Vec<Diagnostic>, SourceMap) {
    let mut sources = SourceMap::new();
    let groups = litellm.map(|l| groups_of(l, &mut sources));
    let diagnostics = openclaw::check(
        path,
        &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
        &mut sources,
        groups.as_ref(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    (diagnostics, sources)
}

fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .unwrap_or_else(|e| panic!("fixtures/: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("OC") || n.starts_with("XR"))
        })
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_rule_fails_its_fail_fixture_and_passes_its_pass_fixture() {
    let dirs = fixture_dirs();
    assert!(
        dirs.len() >= 25,
        "expected a folder per OC/XR rule, found {}",
        dirs.len()
    );
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let code_text = name.split('-').next().unwrap_or_default();
        let code =
            Code::from_code(code_text).unwrap_or_else(|| panic!("{name}: no rule {code_text}"));
        assert!(
            name.ends_with(code.name()) || name.contains(code.name()),
            "{name}: folder should be named {code_text}-{}",
            code.name()
        );
        let litellm = dir.join("litellm_config.yaml");
        let litellm = litellm.exists().then_some(litellm.as_path());

        let (fail, sources) = run(&dir.join("fail.json5"), litellm);
        assert!(
            fail.iter().any(|d| d.code == code),
            "{name}/fail.json5 does not produce {code_text}: {fail:#?}"
        );
        insta::assert_snapshot!(name.clone(), human::render(&sources, &fail, false));

        let (pass, _) = run(&dir.join("pass.json5"), litellm);
        assert!(
            !pass.iter().any(|d| d.code == code),
            "{name}/pass.json5 produces {code_text}: {pass:#?}"
        );
    }
}

#[test]
fn every_openclaw_code_has_a_fixture() {
    let dirs: Vec<String> = fixture_dirs()
        .iter()
        .filter_map(|d| d.file_name()?.to_str().map(str::to_string))
        .collect();
    for code in Code::ALL
        .iter()
        .filter(|c| c.as_str().starts_with("OC") || c.as_str().starts_with("XR"))
    {
        assert!(
            dirs.iter().any(|d| d.starts_with(code.as_str())),
            "no fixture folder for {code}"
        );
    }
}

/// OpenClaw's own LiteLLM doc page example: `config validate` reports exactly two issues (the
/// flat `env` key and `api: "openai-chat"`); with a LiteLLM config that serves `gpt-4o` the ref
/// `litellm/gpt-4` is a third, cross-file problem.
#[test]
fn the_litellm_doc_page_example_fails_with_openclaws_two_issues() {
    let path = Path::new("tests/openclaw_cases/litellm-doc-example.json5");
    let (alone, sources) = run(path, None);
    let errors: Vec<&Diagnostic> = alone
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let codes: Vec<Code> = errors.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![Code::OcEnvFlatKey, Code::OcInvalidValue],
        "{alone:#?}"
    );
    assert_eq!(errors[0].pointer, "/env/LITELLM_API_KEY");
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("env.vars"));
    assert_eq!(errors[1].pointer, "/models/providers/litellm/api");
    assert_eq!(
        errors[1].help.as_deref(),
        Some("did you mean `openai-completions`?")
    );
    let text = &sources.get(errors[1].primary.span.file).text;
    assert_eq!(
        &text[errors[1].primary.span.start..errors[1].primary.span.end],
        "\"openai-chat\""
    );

    let (with_litellm, _) = run(
        path,
        Some(Path::new(
            "fixtures/XR001-litellm-group-unknown/litellm_config.yaml",
        )),
    );
    let extra: Vec<Code> = with_litellm
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code)
        .filter(|c| !codes.contains(c))
        .collect();
    assert_eq!(extra, vec![Code::XrUnknownModelGroup]);
}

/// `${VAR}` values never reach a message, even when they end up in a rejected field.
#[test]
fn resolved_secrets_never_appear_in_messages() {
    let dir = std::env::temp_dir().join(format!("oc-secret-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(&path, r#"{ models: { providers: { litellm: { baseUrl: "http://localhost:4000", api: "${OC_SECRET_API}" } } }, agents: { defaults: { model: "litellm/${OC_SECRET_MODEL}" } } }"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut env = Environment::empty();
    env.set("OC_SECRET_API", "sk-very-secret-value-1");
    env.set("OC_SECRET_MODEL", "sk-very-secret-value-2");
    let mut sources = SourceMap::new();
    let groups = groups_of(
        Path::new("fixtures/XR001-litellm-group-unknown/litellm_config.yaml"),
        &mut sources,
    );
    let diagnostics = openclaw::check(
        &path,
        &litellm_check::CheckOptions::with_env(&env, false),
        &mut sources,
        Some(&groups),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        diagnostics.iter().any(|d| d.code == Code::OcInvalidValue),
        "{diagnostics:#?}"
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == Code::XrUnknownModelGroup),
        "{diagnostics:#?}"
    );
    let rendered = format!(
        "{diagnostics:?}{}",
        human::render(&sources, &diagnostics, false)
    );
    assert!(!rendered.contains("sk-very-secret"), "{rendered}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn require_env_turns_unset_variables_into_errors() {
    let path = Path::new("fixtures/OC050-oc-env-unset/fail.json5");
    let mut sources = SourceMap::new();
    let lenient = openclaw::check(
        path,
        &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
        &mut sources,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let strict = openclaw::check(
        path,
        &litellm_check::CheckOptions::with_env(&Environment::empty(), true),
        &mut sources,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let severity = |ds: &[Diagnostic]| {
        ds.iter()
            .find(|d| d.code == Code::OcEnvUnset)
            .map(|d| d.severity)
    };
    assert_eq!(severity(&lenient), Some(Severity::Warning));
    assert_eq!(severity(&strict), Some(Severity::Error));
}

#[test]
fn an_unreadable_main_file_is_a_load_error() {
    let mut sources = SourceMap::new();
    assert!(openclaw::check(
        Path::new("fixtures/does-not-exist.json5"),
        &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
        &mut sources,
        None
    )
    .is_err());
    assert!(openclaw::check(
        Path::new("fixtures"),
        &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
        &mut sources,
        None
    )
    .is_err());
}

/// Media models are served by generation providers, which are not the text providers.
#[test]
fn media_model_refs_use_the_generation_providers() {
    let dir = std::env::temp_dir().join(format!("oc-media-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(
        &path,
        r#"{ agents: { defaults: { mediaModels: { video: { primary: "runway/gen4", fallbacks: ["qwen/wan2.6-t2v"] }, image: "litellm/gpt-image-2" } } } }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (found, _) = run(&path, None);
    let flagged: Vec<&str> = found
        .iter()
        .filter(|d| d.code == Code::OcUnknownProvider)
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(
        flagged,
        vec!["/agents/defaults/mediaModels/video/fallbacks/0"],
        "{found:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
