//! Choosing an output format and dispatching to its renderer.

use super::{github, human, json, sarif, Diagnostic};
use crate::syntax::{FileId, SourceFile, SourceMap};

/// How `litellm-check check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames with underlines, for people at a terminal.
    Human,
    /// One JSON object with every finding and a summary.
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

impl Format {
    /// `github` when running under GitHub Actions, `human` otherwise.
    pub fn default_for_env() -> Format {
        Format::default_for(std::env::var("GITHUB_ACTIONS").ok().as_deref())
    }

    /// The default given the value of `GITHUB_ACTIONS` (the runner sets it to `true`).
    pub fn default_for(github_actions: Option<&str>) -> Format {
        match github_actions {
            Some("true") => Format::Github,
            _ => Format::Human,
        }
    }
}

/// `--color`: whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    Always,
    Never,
}

/// The `--color` given on the command line, for every later [`color_for_env`] of the process.
static COLOR_CHOICE: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

/// Records `--color` (once, at start-up).
pub fn set_color_choice(choice: ColorChoice) {
    let _ = COLOR_CHOICE.set(choice);
}

/// Whether to colour output written to a stream, from `--color` and the environment.
pub fn color_for_env(stream_is_terminal: bool) -> bool {
    let var = |name: &str| std::env::var_os(name);
    color_for(
        COLOR_CHOICE.get().copied().unwrap_or_default(),
        stream_is_terminal,
        &ColorEnv {
            no_color: var("NO_COLOR").as_deref(),
            force_color: var("FORCE_COLOR").as_deref(),
            clicolor_force: var("CLICOLOR_FORCE").as_deref(),
            term: var("TERM").as_deref(),
        },
    )
}

/// The environment variables that decide colour under `--color auto`.
#[derive(Debug, Default, Clone, Copy)]
pub struct ColorEnv<'a> {
    pub no_color: Option<&'a std::ffi::OsStr>,
    pub force_color: Option<&'a std::ffi::OsStr>,
    pub clicolor_force: Option<&'a std::ffi::OsStr>,
    pub term: Option<&'a std::ffi::OsStr>,
}

/// [`color_for_env`] with its inputs given. `--color always|never` wins; under `auto`, a
/// non-empty `NO_COLOR` turns colour off (<https://no-color.org>), then `FORCE_COLOR` or
/// `CLICOLOR_FORCE` set to anything but empty or `0` turn it on (also off a terminal), then
/// `TERM=dumb` turns it off, and otherwise a terminal gets colour.
pub fn color_for(choice: ColorChoice, stream_is_terminal: bool, env: &ColorEnv) -> bool {
    let set = |v: Option<&std::ffi::OsStr>| v.is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env.no_color.is_some_and(|v| !v.is_empty()) {
                false
            } else if set(env.force_color) || set(env.clicolor_force) {
                true
            } else if env.term.is_some_and(|t| t == "dumb") {
                false
            } else {
                stream_is_terminal
            }
        }
    }
}

/// Renders the findings in `format`, past [`super::MAX_PER_CODE_AND_FILE`] of one code in one file
/// folded into one ([`super::fold_repeats`]) the same way in every format. `color` only affects
/// [`Format::Human`]; the machine formats never contain escape codes.
pub fn render(
    format: Format,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    color: bool,
) -> String {
    let diagnostics: &[Diagnostic] = &super::fold_repeats(diagnostics);
    match format {
        Format::Human => human::render(sources, diagnostics, color),
        Format::Json => json::render(sources, diagnostics),
        Format::Sarif => sarif::render(sources, diagnostics),
        Format::Github => github::render(sources, diagnostics),
    }
}

/// The file behind `id`, or `None` for an id this map never handed out (renderers then print the
/// finding without a location instead of failing).
pub(crate) fn source_file(sources: &SourceMap, id: FileId) -> Option<&SourceFile> {
    sources.file(id)
}

/// A resolved position range: 1-based lines, 1-based character columns, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Region {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    /// The region of the byte range `start..end` in `file` (offsets past the end are clamped).
    pub fn of(file: &SourceFile, start: usize, end: usize) -> Region {
        let (line, column) = file.line_col(start);
        let (end_line, end_column) = file.line_col(end.max(start));
        Region {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// Used when a finding names a file the map does not hold.
    pub const UNKNOWN: Region = Region {
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
    };
}

/// `path` with forward slashes, as every machine format prints it.
pub(crate) fn slash_path(file: &SourceFile) -> String {
    file.display_path().replace('\\', "/")
}
