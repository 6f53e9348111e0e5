//! Inline suppressions: `# litellm-check: ignore[LL050]` in YAML, `// litellm-check:
//! ignore[OC050]` in JSON5, at the end of the line a finding starts on or alone on the line above
//! it; several codes (or rule names) separated by commas.
//!
//! Comments are found by a line scan, not by the readers (they drop comments): a marker counts
//! where a comment can start, after whitespace or at the line start and outside a quoted string
//! that starts on the same line. A suppression that suppresses nothing is itself reported (LC001).

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::{FileId, SourceFile, Span};

const MARKER: &str = "litellm-check: ignore[";

/// One code named in a suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub file: FileId,
    /// The 0-based line whose findings it suppresses.
    pub target_line: usize,
    /// `None` when the text names no rule (reported as such).
    pub code: Option<Code>,
    pub text: String,
    /// The code's text in the comment.
    pub span: Span,
    pub used: bool,
}

/// Every suppression in a file.
pub fn scan(id: FileId, file: &SourceFile) -> Vec<Suppression> {
    let json5 = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("json5"));
    let comment = if json5 { "//" } else { "#" };
    let mut found = Vec::new();
    let mut offset = 0;
    for (index, line) in file.text.split_inclusive('\n').enumerate() {
        if let Some(at) = comment_start(line, comment) {
            let body = &line[at + comment.len()..];
            if let Some(rest) = body.trim_start().strip_prefix(MARKER) {
                let list_start = offset + line.len() - body.len()
                    + (body.len() - body.trim_start().len())
                    + MARKER.len();
                let own_line = line[..at].trim().is_empty();
                let target_line = if own_line { index + 1 } else { index };
                let list = rest.split(']').next().unwrap_or("");
                let mut position = list_start;
                for item in list.split(',') {
                    let trimmed = item.trim();
                    let lead = item.len() - item.trim_start().len();
                    if !trimmed.is_empty() {
                        found.push(Suppression {
                            file: id,
                            target_line,
                            code: Code::from_code(&trimmed.to_ascii_uppercase())
                                .or_else(|| Code::from_code(trimmed)),
                            text: trimmed.to_string(),
                            span: Span::new(id, position + lead, position + lead + trimmed.len()),
                            used: false,
                        });
                    }
                    position += item.len() + 1;
                }
            }
        }
        offset += line.len();
    }
    found
}

/// Where a comment starts on `line`, outside quotes.
fn comment_start(line: &str, comment: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == b'\\' && q == b'"' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if bytes[i..].starts_with(comment.as_bytes())
                && (i == 0 || bytes[i - 1].is_ascii_whitespace() || comment == "//") =>
            {
                return Some(i)
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// Drops the findings a suppression names and returns LC001 findings for suppressions that
/// matched nothing. `enabled` says whether a code is on in a file (a suppression of a rule that is
/// off there is not reported as unused).
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &mut [Suppression],
    line_of: impl Fn(Span) -> Option<usize>,
    enabled: impl Fn(Code, FileId) -> bool,
) -> Vec<Diagnostic> {
    diagnostics.retain(|d| {
        let Some(line) = line_of(d.primary.span) else {
            return true;
        };
        let mut suppressed = false;
        for s in suppressions.iter_mut() {
            if s.file == d.primary.span.file && s.target_line == line && s.code == Some(d.code) {
                s.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    suppressions
        .iter()
        .filter(|s| !s.used && s.code.is_none_or(|c| enabled(c, s.file)))
        .map(|s| {
            let message = match s.code {
                Some(code) => format!("this suppression of {code} suppresses nothing on its line"),
                None => format!(
                    "`{}` is not a rule code or name: this suppression suppresses nothing",
                    s.text
                ),
            };
            Diagnostic::new(Code::UnusedSuppression, s.span, message)
                .with_help("remove it, or fix the code it names")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile::new(name, text.to_string())
    }

    #[test]
    fn finds_end_of_line_and_own_line_comments() {
        let f = file(
            "c.yaml",
            "a: 1 # litellm-check: ignore[LL050, unknown-key]\n# litellm-check: ignore[LL020]\nb: \"# litellm-check: ignore[LL001]\"\n",
        );
        let found = scan(FileId(0), &f);
        let summary: Vec<(usize, Option<&str>)> = found
            .iter()
            .map(|s| (s.target_line, s.code.map(|c| c.as_str())))
            .collect();
        assert_eq!(
            summary,
            vec![(0, Some("LL050")), (0, Some("LL020")), (2, Some("LL020"))]
        );
        assert_eq!(
            &f.text[found[1].span.start..found[1].span.end],
            "unknown-key"
        );
    }

    #[test]
    fn json5_uses_slashes() {
        let f = file(
            "o.json5",
            "{\n  // litellm-check: ignore[OC050]\n  a: 1, # not a comment\n}\n",
        );
        let found = scan(FileId(0), &f);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].target_line, 2);
    }
}
