//! Hostile OpenClaw input stays bounded: deep nesting, devices and non-files as includes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::PathBuf;

use litellm_check::diagnostic::Code;
use litellm_check::env::Environment;
use litellm_check::openclaw;
use litellm_check::syntax::SourceMap;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oc-hostile-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn codes_of(path: &std::path::Path) -> Vec<Code> {
    let mut sources = SourceMap::new();
    openclaw::check(path, &Environment::empty(), &mut sources, None, false)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn two_hundred_thousand_brackets_fail_cleanly() {
    let dir = temp_dir("deep");
    let path = dir.join("openclaw.json5");
    std::fs::write(&path, format!("{{a: {}", "[".repeat(200_000)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcJson5Syntax]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_include_of_a_device_or_directory_is_refused() {
    let dir = temp_dir("device");
    std::fs::create_dir_all(dir.join("sub")).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(&path, "{ $include: './sub' }").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeUnreadable]);
    // An absolute path outside the config directory is refused before it is opened.
    std::fs::write(&path, "{ $include: '/dev/zero' }").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeEscapes]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_include_over_two_mebibytes_is_refused() {
    let dir = temp_dir("big");
    let path = dir.join("openclaw.json5");
    std::fs::write(
        dir.join("big.json5"),
        format!("{{ a: '{}' }}", "x".repeat(2 * 1024 * 1024)),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, "{ $include: './big.json5' }").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeUnreadable]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_config_directory_is_refused() {
    let dir = temp_dir("symlink");
    let outside = temp_dir("symlink-target");
    std::fs::write(
        outside.join("secret.json5"),
        "{ models: { mode: 'merge' } }",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_file(dir.join("link.json5"));
    std::os::unix::fs::symlink(outside.join("secret.json5"), dir.join("link.json5"))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(&path, "{ $include: './link.json5' }").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeEscapes]);
    // A missing file in a missing directory is unreadable, not an escape.
    std::fs::write(&path, "{ $include: './no-such-dir/x.json5' }")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeUnreadable]);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn openclaw_include_roots_widens_the_confinement() {
    let dir = temp_dir("roots");
    let shared = temp_dir("roots-shared");
    std::fs::write(shared.join("models.json5"), "{ models: { mode: 'merge' } }")
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(
        &path,
        format!(
            "{{ $include: '{}' }}",
            shared.join("models.json5").display()
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeEscapes]);
    let mut env = Environment::empty();
    env.set(
        "OPENCLAW_INCLUDE_ROOTS",
        format!("relative/ignored:{}", shared.display()),
    );
    let mut sources = SourceMap::new();
    let found =
        openclaw::check(&path, &env, &mut sources, None, false).unwrap_or_else(|e| panic!("{e}"));
    assert!(found.is_empty(), "{found:#?}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&shared);
}

#[test]
fn includes_cannot_stack_nesting_past_the_limit() {
    let dir = temp_dir("stacked");
    let deep = |inner: &str| format!("{}{inner}{}", "{a: ".repeat(200), "}".repeat(200));
    std::fs::write(dir.join("leaf.json5"), deep("1")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("mid.json5"), deep("{ $include: './leaf.json5' }"))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(
        &path,
        format!("{{ models: {} }}", deep("{ $include: './mid.json5' }")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), vec![Code::OcIncludeTooDeep]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_deepest_allowed_merged_tree_is_checked_on_a_test_thread_stack() {
    let dir = temp_dir("deepest");
    let deep = |n: usize, inner: &str| format!("{}{inner}{}", "{a: ".repeat(n), "}".repeat(n));
    std::fs::write(dir.join("leaf.json5"), deep(127, "1")).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("openclaw.json5");
    std::fs::write(
        &path,
        format!(
            "{{ channels: {} }}",
            deep(127, "{ $include: './leaf.json5' }")
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(codes_of(&path), Vec::<Code>::new());
    let _ = std::fs::remove_dir_all(&dir);
}
