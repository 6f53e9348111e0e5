//! `check DIR`: the configs a directory holds, found by name as people name them, with
//! `.gitignore`, `.ignore` and hidden files honoured as git and ripgrep do (the `ignore` crate).
//!
//! - LiteLLM: `litellm*config*.yaml`/`.yml` (any case), and `config.yaml`/`.yml` when a line of it
//!   starts the top-level `model_list:` key (the name LiteLLM's docs use for a proxy config,
//!   shared with many other tools' files);
//! - OpenClaw: `openclaw*.json`/`.json5`.

use std::path::{Path, PathBuf};

/// What a directory holds, each list sorted by path.
#[derive(Debug, Default)]
pub struct Found {
    pub litellm: Vec<PathBuf>,
    pub openclaw: Vec<PathBuf>,
}

/// The most of a `config.yaml` read to look for `model_list:` (the checker's own size limit).
const SNIFF_BYTES: usize = 16 * 1024 * 1024;

pub fn configs_in(directory: &Path) -> Result<Found, String> {
    let mut found = Found::default();
    for entry in ignore::WalkBuilder::new(directory).build() {
        let entry = entry.map_err(|e| format!("cannot search {}: {e}", directory.display()))?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        // `check` with no path searches `.`: report `sub/config.yaml`, not `./sub/config.yaml`.
        let path = entry.path().strip_prefix("./").unwrap_or(entry.path());
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        match kind_by_name(name) {
            Some(Kind::LiteLlm) => found.litellm.push(path.to_path_buf()),
            Some(Kind::OpenClaw) => found.openclaw.push(path.to_path_buf()),
            Some(Kind::MaybeLiteLlm) if has_model_list(path) => {
                found.litellm.push(path.to_path_buf())
            }
            _ => {}
        }
    }
    found.litellm.sort();
    found.openclaw.sort();
    Ok(found)
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    LiteLlm,
    /// `config.yaml`: only with a `model_list`.
    MaybeLiteLlm,
    OpenClaw,
}

pub(crate) fn kind_by_name(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if yaml && lower.starts_with("litellm") && lower.contains("config") {
        return Some(Kind::LiteLlm);
    }
    if lower == "config.yaml" || lower == "config.yml" {
        return Some(Kind::MaybeLiteLlm);
    }
    if lower.starts_with("openclaw") && (lower.ends_with(".json") || lower.ends_with(".json5")) {
        return Some(Kind::OpenClaw);
    }
    None
}

/// Whether a line of the file's head starts the top-level `model_list` key.
fn has_model_list(path: &Path) -> bool {
    // The one file reader: non-regular files are refused, and a file over the checker's size
    // limit is no candidate (the check would refuse it anyway).
    let Ok(head) = crate::syntax::source::read_file(path, SNIFF_BYTES) else {
        return false;
    };
    String::from_utf8_lossy(&head).lines().any(|line| {
        let line = line.trim_end();
        line.strip_prefix("model_list")
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
            || line.starts_with("\"model_list\":")
            || line.starts_with("'model_list':")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_people_give_their_configs() {
        for name in [
            "litellm_config.yaml",
            "LiteLLM-Config.yml",
            "litellm.prod.config.yaml",
        ] {
            assert_eq!(kind_by_name(name), Some(Kind::LiteLlm), "{name}");
        }
        assert_eq!(kind_by_name("config.yaml"), Some(Kind::MaybeLiteLlm));
        for name in ["openclaw.json", "openclaw.json5", "openclaw.prod.json"] {
            assert_eq!(kind_by_name(name), Some(Kind::OpenClaw), "{name}");
        }
        for name in [
            "litellm.yaml",
            "values.yaml",
            "config.json",
            "openclaw.yaml",
            "package.json",
        ] {
            assert_eq!(kind_by_name(name), None, "{name}");
        }
    }
}
