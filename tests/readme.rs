//! The README stays true: its rule table is the generated one, and its test command is the one
//! `.ci/run` runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

#[test]
fn readme_rule_table_is_generated_from_the_codes() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("rules:start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    let expected = litellm_check::cli::rules::markdown_table();
    assert_eq!(
        &readme[start..end],
        expected,
        "README rule table is stale: replace it with `cargo run --bin litellm-check -- rules --markdown`"
    );
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let ci =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).expect(".ci/run");
    let command = ci
        .lines()
        .rfind(|l| !l.starts_with('#') && !l.trim().is_empty())
        .expect("a command in .ci/run");
    assert!(
        readme.contains(command),
        "README does not show the command .ci/run runs: {command}"
    );
}
