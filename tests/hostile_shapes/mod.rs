//! Hostile inputs shared by the tests and `benches/hostile.rs` (which includes this file by path):
//! OpenClaw `$include` fan-out and FIFOs.
#![allow(dead_code)] // each user takes what it needs

use std::path::{Path, PathBuf};

/// `openclaw.json5` puts `level-0.json5` under `models`; each `level-N.json5` includes
/// `level-N+1.json5` twenty times, the last level `leaf.json5` (holding `leaf`): 20^levels
/// includes unless each file is resolved once.
pub fn openclaw_fan_out(dir: &Path, levels: usize, leaf: &str) -> PathBuf {
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
    };
    write("leaf.json5", leaf);
    for level in (0..levels).rev() {
        let next = if level + 1 == levels {
            "./leaf.json5".to_string()
        } else {
            format!("./level-{}.json5", level + 1)
        };
        let list = vec![format!("'{next}'"); 20].join(", ");
        write(
            &format!("level-{level}.json5"),
            &format!("{{ $include: [{list}] }}"),
        );
    }
    write(
        "openclaw.json5",
        "{ models: { $include: './level-0.json5' } }",
    );
    dir.join("openclaw.json5")
}

/// A FIFO at `path` (replacing what is there), with no writer: opening it for reading would
/// block for ever unless the reader opens it non-blocking.
#[cfg(unix)]
pub fn make_fifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}
