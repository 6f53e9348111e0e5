//! `--format json`: one object holding every finding and a summary.
//!
//! Field names and their order are an interface other tools parse: only ever add fields.

use super::format::{slash_path, source_file, Region};
use super::{Diagnostic, Fix, Label, Summary};
use crate::syntax::SourceMap;
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    pointer: &'a str,
    related: Vec<JsonRelated<'a>>,
    /// Only on findings that carry one.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit>,
}

/// Replace from (line, column) to (end_line, end_column) (1-based, end exclusive) with `content`;
/// `start`/`end` are the same place as byte offsets.
#[derive(Serialize)]
struct JsonEdit {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: usize,
    end: usize,
    content: String,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
}

/// Where a label points: its file's path as given and its region (an unknown file gives an
/// empty path and line 1, column 1).
fn locate(sources: &SourceMap, label: &Label) -> (String, Region) {
    match source_file(sources, label.span.file) {
        Some(file) => (
            slash_path(file),
            Region::of(file, label.span.start, label.span.end),
        ),
        None => (String::new(), Region::UNKNOWN),
    }
}

fn fix<'a>(sources: &SourceMap, fix: &'a Fix) -> JsonFix<'a> {
    JsonFix {
        title: &fix.title,
        applicability: fix.applicability.as_str(),
        edits: fix
            .edits()
            .iter()
            .map(|edit| {
                let (file, region) = locate(sources, &Label::new(edit.span));
                JsonEdit {
                    file,
                    line: region.line,
                    column: region.column,
                    end_line: region.end_line,
                    end_column: region.end_column,
                    start: edit.span.start,
                    end: edit.span.end,
                    content: sources.redact(&edit.content).into_owned(),
                }
            })
            .collect(),
    }
}

pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let summary = Summary::of(diagnostics);
    let report = Report {
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let (file, region) = locate(sources, &d.primary);
                JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: &d.message,
                    help: d.help.as_deref(),
                    file,
                    line: region.line,
                    column: region.column,
                    end_line: region.end_line,
                    end_column: region.end_column,
                    pointer: &d.pointer,
                    related: d
                        .secondary
                        .iter()
                        .map(|label| {
                            let (file, region) = locate(sources, label);
                            JsonRelated {
                                file,
                                line: region.line,
                                column: region.column,
                                end_line: region.end_line,
                                end_column: region.end_column,
                                message: label.message.as_deref(),
                            }
                        })
                        .collect(),
                    fix: d.fix.as_ref().map(|f| fix(sources, f)),
                }
            })
            .collect(),
        summary: JsonSummary {
            errors: summary.errors,
            warnings: summary.warnings,
        },
    };
    // Serializing structs of strings and integers cannot fail; should it ever, the output is still
    // a valid document with the true counts rather than a panic.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|_| {
        format!(
            r#"{{"diagnostics": [], "summary": {{"errors": {}, "warnings": {}}}}}"#,
            summary.errors, summary.warnings
        )
    });
    out.push('\n');
    out
}
