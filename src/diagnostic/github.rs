//! `--format github`: GitHub Actions workflow commands, one line per finding, which the runner
//! turns into annotations on the changed files.
//!
//! Escaping follows the Actions toolkit (`@actions/core` `command.ts`): in the message `%`, `\r`
//! and `\n`; in property values additionally `:` and `,`, which would otherwise end the value.

use super::format::{slash_path, source_file, Region};
use super::{Diagnostic, Severity};
use crate::syntax::SourceMap;
use std::fmt::Write;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a message for a workflow command (`%`, CR and LF), as the Actions toolkit does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `path:line:col` of a label, for the related places listed in the message.
fn position(sources: &SourceMap, label: &super::Label) -> Option<String> {
    let file = source_file(sources, label.span.file)?;
    let (line, column) = file.line_col(label.span.start);
    Some(format!("{}:{line}:{column}", slash_path(file)))
}

fn line(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    let mut properties = Vec::new();
    if let Some(file) = source_file(sources, diagnostic.primary.span.file) {
        let region = Region::of(
            file,
            diagnostic.primary.span.start,
            diagnostic.primary.span.end,
        );
        properties.push(format!("file={}", escape_property(&slash_path(file))));
        properties.push(format!("line={}", region.line));
        properties.push(format!("col={}", region.column));
        properties.push(format!("endLine={}", region.end_line));
        properties.push(format!("endColumn={}", region.end_column));
    }
    properties.push(format!(
        "title={}",
        escape_property(diagnostic.code.as_str())
    ));

    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    for label in &diagnostic.secondary {
        let place = position(sources, label).unwrap_or_else(|| "(unknown file)".to_string());
        match &label.message {
            Some(text) => {
                let _ = write!(message, "\nsee {place}: {text}");
            }
            None => {
                let _ = write!(message, "\nsee {place}");
            }
        }
    }
    format!(
        "::{} {}::{}\n",
        command(diagnostic.severity),
        properties.join(","),
        escape_data(&message)
    )
}

pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| line(sources, d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
