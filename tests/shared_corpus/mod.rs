//! The shared corpus of real configs beside the clone (`../shared/corpus`). A clone elsewhere
//! has none: the tests that read it skip with a message, except under CI, where it must be there.
//! Shared by the workspace's crates (`#[path]`): the clone is the directory holding `Cargo.lock`.

use std::path::{Path, PathBuf};

pub fn corpus_root() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clone = manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(manifest);
    let root = clone.join("../shared/corpus");
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the shared corpus is missing at {}",
        root.display()
    );
    eprintln!("skipping: no shared corpus at {}", root.display());
    None
}
