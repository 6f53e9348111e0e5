//! One `Diagnostic` type for every finding, and one renderer per output format.

pub mod codes;
pub mod fix;
pub mod format;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

pub use codes::Code;
pub use fix::{Applicability, Edit, Fix};
pub use format::{render, Format};

use crate::syntax::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file, with an optional short text shown under the underline.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

impl Label {
    pub fn new(span: Span) -> Self {
        Label {
            span,
            message: None,
        }
    }
    pub fn with_message(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            message: Some(message.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Where it is wrong (the underlined value or key).
    pub primary: Label,
    /// Related places (the first of two duplicate keys, the group a fallback should name, ...).
    pub secondary: Vec<Label>,
    /// What would be valid ("did you mean `litellm_params`?").
    pub help: Option<String>,
    /// JSON pointer of the offending value inside its document ("/model_list/0/model_name").
    pub pointer: String,
    /// The edits that repair it, where the repair is certain (see [`fix`]).
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding with the code's default severity.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            primary: Label::new(span),
            secondary: Vec::new(),
            help: None,
            pointer: String::new(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// [`Diagnostic::with_fix`] when there is one.
    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Self {
        if fix.is_some() {
            self.fix = fix;
        }
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = Some(message.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label::with_message(span, message));
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Masks the underlined text of every finding that points at a secret written into a file
/// (LL054, OC054), so its code frame shows where the secret is, not the secret. Call it after
/// every rule has run.
pub fn mask_secrets(diagnostics: &[Diagnostic], sources: &mut crate::syntax::SourceMap) {
    for d in diagnostics {
        if matches!(d.code, Code::LiteralSecret | Code::OcLiteralApiKey) {
            sources.mask(d.primary.span);
        }
    }
}

/// Sorts findings by file, position and code so every output is deterministic.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            a.primary.span.file,
            a.primary.span.start,
            a.code.as_str(),
            &a.message,
        )
            .cmp(&(
                b.primary.span.file,
                b.primary.span.start,
                b.code.as_str(),
                &b.message,
            ))
    });
}

/// How many findings of one code in one file are reported; the rest are folded into one summary
/// finding. Thousands of the same finding say nothing more than fifty, and printing them all
/// would cost more than the check (README, "Limits").
pub const MAX_PER_CODE_AND_FILE: usize = 50;

/// The findings to print: `diagnostics` (sorted) with, for each code and file, the findings past
/// the first [`MAX_PER_CODE_AND_FILE`] replaced by one finding of that code saying how many more
/// there are. It sits where the first folded finding was and has the highest severity of those it
/// stands for, so the exit code (computed from every finding) and the output agree.
pub fn fold_repeats(diagnostics: &[Diagnostic]) -> std::borrow::Cow<'_, [Diagnostic]> {
    use crate::fast_hash::FastMap;
    use crate::syntax::FileId;
    let mut seen: FastMap<(FileId, Code), usize> = FastMap::default();
    if !diagnostics.iter().any(|d| {
        let count = seen.entry((d.primary.span.file, d.code)).or_insert(0);
        *count += 1;
        *count > MAX_PER_CODE_AND_FILE
    }) {
        return std::borrow::Cow::Borrowed(diagnostics);
    }
    seen.clear();
    // (file, code) -> index in `shown` of its summary, and how many it stands for.
    let mut folded: FastMap<(FileId, Code), (usize, usize)> = FastMap::default();
    let mut shown: Vec<Diagnostic> = Vec::new();
    for d in diagnostics {
        let key = (d.primary.span.file, d.code);
        let count = seen.entry(key).or_insert(0);
        *count += 1;
        if *count <= MAX_PER_CODE_AND_FILE {
            shown.push(d.clone());
            continue;
        }
        match folded.get_mut(&key) {
            Some((index, more)) => {
                *more += 1;
                let summary = &mut shown[*index];
                summary.severity = summary.severity.max(d.severity);
            }
            None => {
                folded.insert(key, (shown.len(), 1));
                shown.push(Diagnostic {
                    severity: d.severity,
                    ..Diagnostic::new(
                        d.code,
                        Span::new(
                            d.primary.span.file,
                            d.primary.span.start,
                            d.primary.span.start,
                        ),
                        "",
                    )
                });
            }
        }
    }
    for (&(_, code), &(index, more)) in &folded {
        let summary = &mut shown[index];
        summary.message = format!(
            "... and {more} more {code} findings in this file (only the first {MAX_PER_CODE_AND_FILE} of each code per file are shown)"
        );
        summary.help = Some(format!(
            "fix the {code} findings above and run again; the exit code counts all of them"
        ));
    }
    std::borrow::Cow::Owned(shown)
}

/// Counts of errors and warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// Builds a JSON pointer from path segments, escaping `~` and `/` (RFC 6901).
pub fn pointer<I, S>(segments: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for seg in segments {
        out.push('/');
        for c in seg.as_ref().chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    }
    out
}
