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

/// Whether to colour output written to a stream: only on a terminal, and never when `NO_COLOR`
/// is set to a non-empty value (<https://no-color.org>).
pub fn color_for_env(stream_is_terminal: bool) -> bool {
    color_for(stream_is_terminal, std::env::var_os("NO_COLOR").as_deref())
}

/// [`color_for_env`] with the value of `NO_COLOR` given.
pub fn color_for(stream_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stream_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Renders every finding in `format`. `color` only affects [`Format::Human`]; the machine formats
/// never contain escape codes.
pub fn render(
    format: Format,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    color: bool,
) -> String {
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
    sources.iter().nth(id.0 as usize).map(|(_, file)| file)
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
