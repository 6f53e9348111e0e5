//! Hostile OpenClaw input stays bounded: deep nesting, devices and non-files as includes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use std::path::PathBuf;

use litellm_check::diagnostic::Code;
use litellm_check::env::Environment;
use litellm_check::openclaw;
use litellm_check::syntax::SourceMap;

mod hostile_shapes;
#[cfg(unix)]
use hostile_shapes::make_fifo;
use hostile_shapes::openclaw_fan_out;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oc-hostile-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn codes_of(path: &std::path::Path) -> Vec<Code> {
    let mut sources = SourceMap::new();
    openclaw::check(
        path,
        &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
        &mut sources,
        None,
    )
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
    let found = openclaw::check(
        &path,
        &litellm_check::CheckOptions::with_env(&env, false),
        &mut sources,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
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

/// The findings of checking `path`, on another thread, failing the test if they take more than
/// 60 s (a hang guard: the fan-out cases below are 20^10 includes unless bounded).
fn findings_guarded(path: &std::path::Path) -> Vec<(Code, String)> {
    let (send, receive) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let mut sources = SourceMap::new();
        let found = openclaw::check(
            &owned,
            &litellm_check::CheckOptions::with_env(&Environment::empty(), false),
            &mut sources,
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let _ = send.send(
            found
                .into_iter()
                .map(|d| (d.code, d.message))
                .collect::<Vec<_>>(),
        );
    });
    receive
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("checking {} did not finish", path.display()))
}

#[test]
fn include_fan_out_reads_and_resolves_each_file_once() {
    let dir = temp_dir("fan-out");
    // Objects merge key by key: twenty copies of `{mode: 'merge'}` are one.
    let path = openclaw_fan_out(&dir, 9, "{ mode: 'merge' }");
    assert_eq!(findings_guarded(&path), Vec::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn include_fan_out_that_multiplies_nodes_stops_at_the_budget() {
    let dir = temp_dir("fan-out-lists");
    // Arrays concatenate: each level multiplies the list by twenty.
    let path = openclaw_fan_out(
        &dir,
        9,
        "{ providers: { a: { models: [{ id: 'm', name: 'm' }] } } }",
    );
    let found = findings_guarded(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::OcIncludeUnreadable);
    assert!(
        found[0]
            .1
            .contains("the config and its includes together hold more than 2000000 values"),
        "{found:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn includes_of_large_files_stop_at_the_total_byte_budget() {
    let dir = temp_dir("byte-budget");
    let body = format!("{{ a: '{}' }}", "x".repeat(2_000_000));
    let mut list = Vec::new();
    for i in 0..18 {
        std::fs::write(dir.join(format!("big-{i}.json5")), &body).unwrap_or_else(|e| panic!("{e}"));
        list.push(format!("'./big-{i}.json5'"));
    }
    let path = dir.join("openclaw.json5");
    std::fs::write(&path, format!("{{ $include: [{}] }}", list.join(", ")))
        .unwrap_or_else(|e| panic!("{e}"));
    let found = findings_guarded(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::OcIncludeUnreadable);
    assert!(found[0].1.contains("big-16.json5"), "{found:?}");
    assert!(
        found[0]
            .1
            .contains("together are larger than the limit of 33554432 bytes"),
        "{found:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file resolved once near the top is not reused unchecked deeper down: there its own include
/// passes the include depth limit.
#[test]
fn a_file_included_again_deeper_is_held_to_the_depth_limit() {
    let dir = temp_dir("reuse-deeper");
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    };
    write("shared.json5", "{ $include: './leaf.json5' }".into());
    write("leaf.json5", "{ mode: 'merge' }".into());
    // chain: main, b1 .. b9, shared (11 files), then leaf: past the include depth of 10.
    for i in 1..9 {
        write(
            &format!("b{i}.json5"),
            format!("{{ $include: './b{}.json5' }}", i + 1),
        );
    }
    write("b9.json5", "{ $include: './shared.json5' }".into());
    let path = dir.join("openclaw.json5");
    std::fs::write(
        &path,
        "{ models: { $include: ['./shared.json5', './b1.json5'] } }",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let found = findings_guarded(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::OcIncludeTooDeep, "{found:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn an_include_of_a_fifo_is_refused_without_opening_it() {
    let dir = temp_dir("fifo");
    make_fifo(&dir.join("pipe.json5"));
    let path = dir.join("openclaw.json5");
    std::fs::write(&path, "{ $include: './pipe.json5' }").unwrap_or_else(|e| panic!("{e}"));
    let found = findings_guarded(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Code::OcIncludeUnreadable);
    assert!(found[0].1.contains("a FIFO (named pipe)"), "{found:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
