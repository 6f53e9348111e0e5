//! The checker package stays small: what `cargo install --path .` and the pre-commit hook build
//! must not pull in the proxy's runtime (async, HTTP, TLS, SQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

/// Crates that belong to `crates/litellm-proxy` only.
const PROXY_ONLY: &[&str] = &[
    "tokio",
    "axum",
    "hyper",
    "hyper-util",
    "http-body-util",
    "reqwest",
    "rustls",
    "ring",
    "rustls-platform-verifier",
    "rusqlite",
    "futures-util",
    "bytes",
    "tokio-postgres",
    "redis",
];

#[test]
fn the_checker_package_has_no_proxy_runtime_dependencies() {
    let manifest: toml::Table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .expect("Cargo.toml")
            .parse()
            .expect("Cargo.toml parses");
    let dependencies = manifest["dependencies"].as_table().expect("[dependencies]");
    let offending: Vec<&String> = dependencies
        .keys()
        .filter(|name| PROXY_ONLY.contains(&name.as_str()))
        .collect();
    assert!(offending.is_empty(), "the checker depends on {offending:?}");
    // The lock file records what each package really pulls in, transitive crates included.
    let lock: toml::Table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
            .expect("Cargo.lock")
            .parse()
            .expect("Cargo.lock parses");
    let packages = lock["package"].as_array().expect("[[package]]");
    let by_name = |name: &str| {
        packages
            .iter()
            .find(|p| p["name"].as_str() == Some(name))
            .and_then(|p| p.get("dependencies"))
            .and_then(toml::Value::as_array)
            .map(|deps| {
                deps.iter()
                    .filter_map(toml::Value::as_str)
                    .map(|d| d.split(' ').next().unwrap_or(d).to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = vec!["litellm-check".to_string()];
    while let Some(name) = queue.pop() {
        if seen.insert(name.clone()) {
            queue.extend(by_name(&name));
        }
    }
    // Dev-dependencies (insta, jsonschema) are in the lock's list too; none of them may bring
    // the proxy's runtime either, since `cargo install` resolves the same lock.
    let reached: Vec<&String> = seen
        .iter()
        .filter(|n| PROXY_ONLY.contains(&n.as_str()))
        .collect();
    assert!(
        reached.is_empty(),
        "litellm-check reaches {reached:?} through Cargo.lock"
    );
    assert!(
        seen.contains("saphyr-parser"),
        "the walk follows the lock file: {seen:?}"
    );
}

#[test]
fn the_proxy_and_the_mock_are_workspace_members_tested_by_default() {
    let manifest: toml::Table =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .expect("Cargo.toml")
            .parse()
            .expect("Cargo.toml parses");
    let workspace = manifest["workspace"].as_table().expect("[workspace]");
    let default_members: Vec<&str> = workspace["default-members"]
        .as_array()
        .expect("default-members")
        .iter()
        .filter_map(toml::Value::as_str)
        .collect();
    for member in [".", "crates/litellm-proxy", "crates/mock-upstream"] {
        assert!(
            default_members.contains(&member),
            "`cargo test` at the root must test {member}"
        );
    }
}
