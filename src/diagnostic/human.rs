//! `--format human`: rustc-style findings for people at a terminal.
//!
//! ```text
//! error[LL031]: `openai-gpt-4o` names no provider LiteLLM knows
//!   --> configs/config.yaml:4:14
//!    ,----
//!  3 |     litellm_params:
//!  4 |       model: openai-gpt-4o
//!    :              ^^^^^^|^^^^^^
//!    :                    `-- no `provider/` prefix
//!  5 |       api_key: os.environ/OPENAI_API_KEY
//!    `----
//!   ::: configs/models/claude.yaml:4:14
//!    ,----
//!  3 |     litellm_params:
//!  4 |       model: anthropic/claude-sonnet-4
//!    :              ^^^^^^^^^^^^|^^^^^^^^^^^^
//!    :                          `-- a deployment written correctly
//!    `----
//!   = help: write `provider/model`, e.g. `openai/gpt-4o`
//!
//! Found 1 error.
//! ```
//!
//! Our code writes the header, the `-->` location, `help` and the summary; miette's
//! [`GraphicalReportHandler`] draws the code frames (one per file a finding points into).
//!
//! The frames always use miette's ASCII characters, in colour or not: box-drawing characters and
//! miette's `×`/`⚠` icons are East Asian "ambiguous width" and take two columns in CJK locales,
//! which breaks the underlines, and some CI log viewers and Windows consoles mangle them. ASCII
//! also makes the coloured and plain outputs identical apart from escape codes.
//!
//! Text from the checked files (messages quote keys and values) may hold control characters; they
//! are shown escaped so a config cannot drive the terminal.

use super::format::{source_file, Region};
use super::{Diagnostic, Label, Severity, Summary};
use crate::syntax::{FileId, SourceFile, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use std::borrow::Cow;
use std::fmt::{self, Write};
use std::ops::Range;

mod excerpt;

/// Findings are laid out for this width (frames show source lines whole and can be wider).
const WIDTH: usize = 80;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BLUE_BOLD: &str = "\x1b[1;34m";
const CYAN_BOLD: &str = "\x1b[1;36m";

/// Escape codes for one output, all empty when colour is off.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn severity_style(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "\x1b[1;31m",
            Severity::Warning => "\x1b[1;33m",
            Severity::Info => CYAN_BOLD,
        }
    }
}

pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic], color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    for diagnostic in diagnostics {
        render_one(&mut out, sources, diagnostic, paint);
        out.push('\n');
    }
    out.push_str(&paint.wrap(BOLD, &summary_line(Summary::of(diagnostics))));
    out.push('\n');
    out
}

/// `Found 2 errors and 1 warning.`, `No problems found.`
pub fn summary_line(summary: Summary) -> String {
    fn count(n: usize, singular: &str, plural: &str) -> String {
        format!("{n} {}", if n == 1 { singular } else { plural })
    }
    let mut parts = Vec::new();
    if summary.errors > 0 {
        parts.push(count(summary.errors, "error", "errors"));
    }
    if summary.warnings > 0 {
        parts.push(count(summary.warnings, "warning", "warnings"));
    }
    if summary.infos > 0 {
        parts.push(count(summary.infos, "info", "infos"));
    }
    match parts.split_last() {
        None => "No problems found.".to_string(),
        Some((last, [])) => format!("Found {last}."),
        Some((last, rest)) => format!("Found {} and {last}.", rest.join(", ")),
    }
}

fn render_one(out: &mut String, sources: &SourceMap, diagnostic: &Diagnostic, paint: Paint) {
    let severity_style = Paint::severity_style(diagnostic.severity);
    let head = format!(
        "{}[{}]",
        diagnostic.severity.as_str(),
        diagnostic.code.as_str()
    );
    let message = printable(&diagnostic.message);
    // Continuation lines of a multi-line message line up under its first line.
    let indent = " ".repeat(head.chars().count() + 2);
    let message = message.replace('\n', &format!("\n{indent}"));
    let _ = writeln!(
        out,
        "{}{}",
        paint.wrap(severity_style, &head),
        paint.wrap(BOLD, &format!(": {message}"))
    );

    let primary_file = diagnostic.primary.span.file;
    match source_file(sources, primary_file) {
        Some(file) => {
            let region = Region::of(
                file,
                diagnostic.primary.span.start,
                diagnostic.primary.span.end,
            );
            let _ = writeln!(
                out,
                "  {} {}:{}:{}",
                paint.wrap(BLUE_BOLD, "-->"),
                printable(&file.display_path()),
                region.line,
                region.column
            );
            let same_file = diagnostic
                .secondary
                .iter()
                .filter(|l| l.span.file == primary_file);
            let labels: Vec<(&Label, bool)> = std::iter::once((&diagnostic.primary, true))
                .chain(same_file.map(|l| (l, false)))
                .collect();
            out.push_str(&frame(file, &labels, paint));
        }
        None => {
            let _ = writeln!(
                out,
                "  {} (file not available)",
                paint.wrap(BLUE_BOLD, "-->")
            );
        }
    }

    // Related places in other files get their own frame each, in the order first mentioned.
    let mut other_files: Vec<FileId> = Vec::new();
    for label in &diagnostic.secondary {
        if label.span.file != primary_file && !other_files.contains(&label.span.file) {
            other_files.push(label.span.file);
        }
    }
    for id in other_files {
        let labels: Vec<(&Label, bool)> = diagnostic
            .secondary
            .iter()
            .filter(|l| l.span.file == id)
            .map(|l| (l, false))
            .collect();
        let Some(file) = source_file(sources, id) else {
            for (label, _) in &labels {
                if let Some(text) = &label.message {
                    let _ = writeln!(
                        out,
                        "  {} {}",
                        paint.wrap(BLUE_BOLD, "= note:"),
                        printable(text)
                    );
                }
            }
            continue;
        };
        let first = labels.first().map_or(0, |(l, _)| l.span.start);
        let (line, column) = file.line_col(first);
        let _ = writeln!(
            out,
            "  {} {}:{line}:{column}",
            paint.wrap(BLUE_BOLD, ":::"),
            printable(&file.display_path())
        );
        out.push_str(&frame(file, &labels, paint));
    }

    if let Some(help) = &diagnostic.help {
        let prefix = "  = help: ";
        let wrapped = wrap_words(
            &printable(help),
            WIDTH - prefix.len(),
            &" ".repeat(prefix.len()),
        );
        let _ = writeln!(
            out,
            "{}{}",
            paint.wrap(CYAN_BOLD, prefix.trim_end()),
            format_args!(" {wrapped}")
        );
    }
    if let Some(fix) = &diagnostic.fix {
        let prefix = "  = fix: ";
        let how = match fix.applicability {
            super::Applicability::Safe => "safe, applied by `--fix`",
            super::Applicability::Unsafe => "unsafe, applied by `--fix --unsafe-fixes`",
        };
        let wrapped = wrap_words(
            &format!("{} ({how})", printable(&sources.redact(&fix.title))),
            WIDTH - prefix.len(),
            &" ".repeat(prefix.len()),
        );
        let _ = writeln!(
            out,
            "{}{}",
            paint.wrap(CYAN_BOLD, prefix.trim_end()),
            format_args!(" {wrapped}")
        );
    }
}

/// Greedy word wrap to `width` columns; continuation lines start with `indent`. Existing line
/// breaks are kept.
fn wrap_words(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for (index, paragraph) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
            out.push_str(indent);
        }
        let mut line_len = 0;
        for word in paragraph.split(' ') {
            let len = word.chars().count();
            if line_len > 0 && line_len + 1 + len > width {
                out.push('\n');
                out.push_str(indent);
                line_len = 0;
            } else if line_len > 0 {
                out.push(' ');
                line_len += 1;
            }
            out.push_str(word);
            line_len += len;
        }
    }
    out
}

/// `text` with control characters (other than newline and tab) written as `\u{..}` escapes.
fn printable(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Source text safe to print, with every byte offset unchanged: each C0 control character (other
/// than tab, newline and the `\r` of a `\r\n`) becomes `?`, and each C1 control (two bytes in
/// UTF-8, U+0080..U+009F) becomes `¿` (also two bytes).
fn printable_source(text: &str) -> Cow<'_, str> {
    let is_unsafe = |(index, c): (usize, char)| match c {
        '\t' | '\n' => false,
        '\r' => !text[index + 1..].starts_with('\n'),
        c => c.is_control(),
    };
    if !text.char_indices().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.char_indices()
            .map(|(index, c)| match c {
                _ if !is_unsafe((index, c)) => c,
                c if c.len_utf8() == 1 => '?',
                _ => '\u{bf}',
            })
            .collect(),
    )
}

/// The byte range of `label` inside `text`, clamped to the text and to character boundaries, as
/// miette reads spans by byte and must not be handed one that splits a character.
fn clamp(text: &str, label: &Label) -> Range<usize> {
    let floor = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = floor(label.span.start);
    let end = floor(label.span.end.max(start));
    start..end
}

/// miette's view of one excerpt: its text, numbered from the excerpt's first line in the file.
/// It has no name: our `-->` line names the file.
#[derive(Debug)]
struct FrameSource {
    text: String,
    first_line: usize,
}

impl SourceCode for FrameSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A message-less miette diagnostic holding only labels over one excerpt: rendering it draws just
/// the code frame.
#[derive(Debug)]
struct FrameDiagnostic {
    source: FrameSource,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for FrameDiagnostic {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for FrameDiagnostic {}

impl miette::Diagnostic for FrameDiagnostic {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

impl excerpt::LineIndex for SourceFile {
    fn line_of(&self, offset: usize) -> usize {
        self.line_index(offset)
    }
    fn line_start(&self, offset: usize) -> usize {
        self.line_bounds(offset).start
    }
    fn line_end(&self, offset: usize) -> usize {
        self.line_bounds(offset).end
    }
}

/// The code frames for `labels` (all in `file`; `true` marks the primary one): one box per group
/// of nearby labels. A box miette cannot draw is left out.
fn frame(file: &SourceFile, labels: &[(&Label, bool)], paint: Paint) -> String {
    let ranges: Vec<Range<usize>> = labels
        .iter()
        .map(|(label, _)| clamp(&file.text, label))
        .collect();
    let theme = if paint.color {
        GraphicalTheme::ascii()
    } else {
        GraphicalTheme::none()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_wrap_lines(false)
        .without_primary_span_start()
        .without_syntax_highlighting()
        .with_context_lines(1)
        .tab_width(4);

    let mut out = String::new();
    for excerpt in excerpt::excerpts(&file.text, &ranges, file) {
        let mut text = printable_source(&excerpt.text).into_owned();
        // miette draws a `^` for an empty span only inside a line, so a finding at the very end
        // of the file (an empty file, a missing key) gets a blank column to point at.
        if excerpt
            .labels
            .iter()
            .any(|(_, range)| range.start >= text.len())
        {
            text.push(' ');
        }
        let spans = excerpt.labels.iter().filter_map(|(index, range)| {
            let (label, primary) = labels.get(*index)?;
            let message = label
                .message
                .as_deref()
                .map(|m| printable(m).replace('\n', " "));
            let span = SourceSpan::new(range.start.into(), range.len());
            Some(if *primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            })
        });
        let diagnostic = FrameDiagnostic {
            labels: spans.collect(),
            source: FrameSource {
                text,
                first_line: excerpt.first_line,
            },
        };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_ok() {
            // The empty message still leaves its (empty) line first.
            out.push_str(rendered.strip_prefix('\n').unwrap_or(&rendered));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_wording() {
        let s = |errors, warnings, infos| {
            summary_line(Summary {
                errors,
                warnings,
                infos,
            })
        };
        assert_eq!(s(0, 0, 0), "No problems found.");
        assert_eq!(s(1, 0, 0), "Found 1 error.");
        assert_eq!(s(2, 1, 0), "Found 2 errors and 1 warning.");
        assert_eq!(s(0, 2, 0), "Found 2 warnings.");
        assert_eq!(s(1, 1, 3), "Found 1 error, 1 warning and 3 infos.");
    }

    #[test]
    fn source_sanitizing_keeps_offsets() {
        let text = "a\x1bb\r\nc\rd\u{9b}e";
        let clean = printable_source(text);
        assert_eq!(clean.len(), text.len());
        assert_eq!(clean, "a?b\r\nc?d\u{bf}e");
        assert_eq!(printable("key\x1b[31m"), "key\\u{1b}[31m");
    }

    #[test]
    fn clamp_stays_on_char_boundaries() {
        let text = "é";
        let label = Label::new(crate::syntax::Span::new(FileId(0), 1, 9));
        assert_eq!(clamp(text, &label), 0..2);
    }

    #[test]
    fn wraps_long_help() {
        let wrapped = wrap_words("aaa bbb ccc", 7, "  ");
        assert_eq!(wrapped, "aaa bbb\n  ccc");
    }
}
