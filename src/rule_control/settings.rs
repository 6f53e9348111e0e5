//! Settings files: `litellm-check.toml`, `.litellm-check.toml`, or `[tool.litellm-check]` in
//! `pyproject.toml`, found upward from each checked file (the nearest wins, as ruff's), or given
//! with `--config-file`; `--isolated` uses none.
//!
//! ```toml
//! strict = true                 # exit 1 on warnings too
//! require-env = false           # unset variables are errors
//! env-files = [".env.ci"]       # like --env-file, relative to this file
//! litellm-version = "1.109"     # like --litellm-version: "1.80", "1.109" or a list (default both)
//!
//! [lint]
//! select = ["ALL"]              # codes or prefixes (LL05, OC, XR) or ALL
//! ignore = ["LL065"]
//! extend-select = []
//!
//! [lint.per-file-ignores]
//! "staging/*.yaml" = ["LL050"]  # globs relative to this file
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::selection::{parse_list, RuleSelection, Selector};
use crate::diagnostic::Code;
use crate::litellm_version::Versions;

/// A settings file that could not be used: a usage error naming the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one settings file says, paths made absolute.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The file it came from (`None`: the defaults).
    pub source: Option<PathBuf>,
    pub strict: bool,
    pub require_env: bool,
    pub env_files: Vec<PathBuf>,
    /// `litellm-version`: the LiteLLM versions to judge against (`None`: not said).
    pub versions: Option<Versions>,
    pub selection: RuleSelection,
    per_file_ignores: Vec<(globset::GlobMatcher, Vec<Selector>)>,
    /// The directory `per-file-ignores` globs are relative to.
    base: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    require_env: bool,
    #[serde(default)]
    env_files: Vec<PathBuf>,
    litellm_version: Option<OneOrMany>,
    #[serde(default)]
    lint: Lint,
}

/// `"1.109"` or `["1.80", "1.109"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Lint {
    select: Option<Vec<String>>,
    #[serde(default)]
    extend_select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    per_file_ignores: std::collections::BTreeMap<String, Vec<String>>,
}

const NAMES: [&str; 3] = [
    "litellm-check.toml",
    ".litellm-check.toml",
    "pyproject.toml",
];

/// Settings files are small; a bigger one is not read.
const MAX_BYTES: usize = 1024 * 1024;

impl Settings {
    /// Reads one settings file (a `pyproject.toml` only for its `[tool.litellm-check]` table:
    /// `Ok(None)` when it has none).
    pub fn read(path: &Path) -> Result<Option<Settings>, SettingsError> {
        let fail = |why: String| SettingsError(format!("{}: {why}", path.display()));
        let text = read_small(path).map_err(fail)?;
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| fail(e.message().to_string()))?;
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let table = if is_pyproject {
            match table.get("tool").and_then(|t| t.get("litellm-check")) {
                Some(toml::Value::Table(t)) => t.clone(),
                Some(_) => return Err(fail("[tool.litellm-check] must be a table".into())),
                None => return Ok(None),
            }
        } else {
            table
        };
        let file: File = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| fail(e.message().to_string()))?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let selection = RuleSelection {
            select: file
                .lint
                .select
                .as_deref()
                .map(parse_list)
                .transpose()
                .map_err(fail)?,
            extend_select: parse_list(&file.lint.extend_select).map_err(fail)?,
            ignore: parse_list(&file.lint.ignore).map_err(fail)?,
        };
        let versions = match &file.litellm_version {
            None => None,
            Some(OneOrMany::One(v)) => Some(Versions::parse_list(std::slice::from_ref(v))),
            Some(OneOrMany::Many(list)) => Some(Versions::parse_list(list)),
        }
        .transpose()
        .map_err(|e| fail(format!("litellm-version: {e}")))?;
        let mut per_file_ignores = Vec::new();
        for (pattern, codes) in &file.lint.per_file_ignores {
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(false)
                .build()
                .map_err(|e| fail(format!("per-file-ignores: `{pattern}`: {e}")))?;
            per_file_ignores.push((glob.compile_matcher(), parse_list(codes).map_err(fail)?));
        }
        Ok(Some(Settings {
            source: Some(path.to_path_buf()),
            strict: file.strict,
            require_env: file.require_env,
            env_files: file.env_files.iter().map(|f| base.join(f)).collect(),
            versions,
            selection,
            per_file_ignores,
            base,
        }))
    }

    /// The nearest settings file above `checked` (a file being checked), if any.
    pub fn discover(checked: &Path) -> Result<Option<Settings>, SettingsError> {
        let start = checked
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let mut dir = start.as_deref();
        while let Some(current) = dir {
            for name in NAMES {
                let candidate = current.join(name);
                if candidate.is_file() {
                    if let Some(settings) = Settings::read(&candidate)? {
                        return Ok(Some(settings));
                    }
                }
            }
            dir = current.parent();
        }
        Ok(None)
    }

    /// Whether `per-file-ignores` turns `code` off for findings in `file`.
    pub fn ignored_for_file(&self, code: Code, file: &Path) -> bool {
        if self.per_file_ignores.is_empty() {
            return false;
        }
        let absolute = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        let base = self
            .base
            .canonicalize()
            .unwrap_or_else(|_| self.base.clone());
        let relative = absolute.strip_prefix(&base).unwrap_or(&absolute);
        self.per_file_ignores.iter().any(|(glob, selectors)| {
            (glob.is_match(relative) || glob.is_match(file))
                && RuleSelection {
                    select: Some(selectors.clone()),
                    ..RuleSelection::default()
                }
                .enabled(code)
        })
    }

    /// Whether a finding of `code` in `file` is reported under this file's settings alone.
    pub fn reports(&self, code: Code, file: &Path) -> bool {
        self.selection.enabled(code) && !self.ignored_for_file(code, file)
    }
}

fn read_small(path: &Path) -> Result<String, String> {
    // The one file reader: a FIFO or device named as a settings file is refused, not read.
    crate::syntax::source::read_text_file(path, MAX_BYTES).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_nearest_file_wins_and_pyproject_needs_its_table() {
        let root = std::env::temp_dir().join(format!("lc-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        write(
            &root,
            "litellm-check.toml",
            "strict = true\n[lint]\nignore = [\"LL050\"]\n",
        );
        write(
            &root.join("sub"),
            "pyproject.toml",
            "[project]\nname = \"x\"\n",
        );
        let checked = write(&root.join("sub"), "litellm_config.yaml", "model_list: []\n");
        let found = Settings::discover(&checked).unwrap().unwrap();
        assert!(found.strict, "pyproject without the table is passed over");
        write(
            &root.join("sub"),
            "pyproject.toml",
            "[tool.litellm-check.lint]\nselect = [\"OC\"]\n",
        );
        let found = Settings::discover(&checked).unwrap().unwrap();
        assert!(!found.strict);
        assert!(!found.reports(Code::UnknownKey, &checked));
        assert!(found.reports(Code::OcUnknownKey, &checked));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn mistakes_in_a_settings_file_are_named() {
        let root = std::env::temp_dir().join(format!("lc-settings-bad-{}", std::process::id()));
        let bad_key = write(&root, "a.toml", "strcit = true\n");
        assert!(Settings::read(&bad_key).unwrap_err().0.contains("strcit"));
        let bad_code = write(&root, "b.toml", "[lint]\nignore = [\"LL999\"]\n");
        assert!(Settings::read(&bad_code).unwrap_err().0.contains("LL999"));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_litellm_version_to_target() {
        let root = std::env::temp_dir().join(format!("lc-settings-ver-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let one = write(&root, "a.toml", "litellm-version = \"1.80\"\n");
        assert_eq!(
            Settings::read(&one).unwrap().unwrap().versions,
            Some(Versions::only(
                crate::litellm_version::LiteLlmVersion::V1_80
            ))
        );
        let both = write(
            &root,
            "b.toml",
            "litellm-version = [\"1.80\", \"1.109.3\"]\n",
        );
        assert_eq!(
            Settings::read(&both).unwrap().unwrap().versions,
            Some(Versions::ALL)
        );
        let none = write(&root, "c.toml", "strict = true\n");
        assert_eq!(Settings::read(&none).unwrap().unwrap().versions, None);
        let bad = write(&root, "d.toml", "litellm-version = \"1.81\"\n");
        assert!(Settings::read(&bad).unwrap_err().0.contains("1.81"));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn per_file_ignores_match_relative_to_the_settings_file() {
        let root = std::env::temp_dir().join(format!("lc-settings-pfi-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let settings_path = write(
            &root,
            "litellm-check.toml",
            "[lint.per-file-ignores]\n\"staging/*.yaml\" = [\"LL05\"]\n",
        );
        let staging = write(&root.join("staging"), "c.yaml", "");
        let prod = write(&root.join("prod"), "c.yaml", "");
        let settings = Settings::read(&settings_path).unwrap().unwrap();
        let ll050 = Code::from_code("LL050").unwrap();
        assert!(!settings.reports(ll050, &staging));
        assert!(settings.reports(ll050, &prod));
        assert!(settings.reports(Code::UnknownKey, &staging));
        let _ = std::fs::remove_dir_all(&root);
    }
}
