//! Fixes a finding carries: byte-range edits of the files as written, and how safe they are to
//! apply without a look, as ruff's `Fix`/`Edit`/`Applicability` (`ruff_diagnostics`).
//!
//! An [`Edit`] replaces the bytes of one [`Span`] (a file and a byte range of its text as read,
//! before any masking) with new text; an empty span inserts, an empty content deletes. A [`Fix`]
//! is a set of edits applied together or not at all, a title saying what it does (the text of an
//! editor's code action) and an [`Applicability`]. Every byte outside the edits stays as written:
//! a fix never re-renders a document, so comments, quoting, key order and line endings survive.
//!
//! `check --fix` applies the [`Applicability::Safe`] fixes, `--unsafe-fixes` the
//! [`Applicability::Unsafe`] ones too; the language server offers both as code actions.

use crate::syntax::{FileId, Span};

/// How certain a fix is to keep what the user meant. Ordered: `Unsafe < Safe`, so
/// `fix.applicability >= required` says whether a fix may be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Changes what the config does, or picks one of several readings (a key moved to another
    /// section, a provider prefix chosen from the price table): applied only with
    /// `--unsafe-fixes`; a code action a person chooses.
    Unsafe,
    /// Makes the config say what it plainly means without changing anything else (a misspelled
    /// key to the one known key it near-misses, a YAML 1.1 boolean quoted where only a string is
    /// valid): applied by `--fix`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    /// The file and byte range replaced (`start == end`: an insertion at `start`).
    pub span: Span,
    /// The new text (empty: a deletion).
    pub content: String,
}

impl Edit {
    /// Replace `span` with `content`.
    pub fn replacement(span: Span, content: impl Into<String>) -> Self {
        Edit {
            span,
            content: content.into(),
        }
    }

    /// Insert `content` at byte `at` of `file`.
    pub fn insertion(file: FileId, at: usize, content: impl Into<String>) -> Self {
        Edit::replacement(Span::new(file, at, at), content)
    }

    /// Delete the bytes of `span`.
    pub fn deletion(span: Span) -> Self {
        Edit::replacement(span, String::new())
    }

    /// Whether this edit and `other` touch the same bytes of the same file: ranges that share a
    /// byte, an insertion inside a replaced range, or an insertion where a replacement starts.
    /// Two insertions at one offset do not overlap: both are made, in the order given.
    pub fn overlaps(&self, other: &Edit) -> bool {
        let (a, b) = (self.span, other.span);
        let a_inserts = a.start == a.end;
        let b_inserts = b.start == b.end;
        a.file == b.file
            && (a.start < b.end && b.start < a.end
                || (a.start == b.start && !(a_inserts && b_inserts))
                || (a_inserts && b.start < a.start && a.start < b.end)
                || (b_inserts && a.start < b.start && b.start < a.end))
    }
}

/// Edits applied together, with a title and an applicability.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What applying it does, in the imperative ("Rename `modle` to `model`").
    pub title: String,
    /// Sorted by file and start; no two overlap (the constructors ensure it).
    edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    /// A safe fix of one edit.
    pub fn safe(title: impl Into<String>, edit: Edit) -> Self {
        Fix::new(title, vec![edit], Applicability::Safe)
    }

    /// An unsafe fix of one edit.
    pub fn unsafe_edit(title: impl Into<String>, edit: Edit) -> Self {
        Fix::new(title, vec![edit], Applicability::Unsafe)
    }

    /// A fix of several edits applied together. Edits are sorted by file and start (insertions at
    /// one offset keep their order); of edits that overlap only the first is kept, so the fix can
    /// always be applied as a whole.
    pub fn new(
        title: impl Into<String>,
        mut edits: Vec<Edit>,
        applicability: Applicability,
    ) -> Self {
        edits.sort_by_key(|e| (e.span.file, e.span.start, e.span.end));
        let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
        for edit in edits {
            if !kept.last().is_some_and(|last| last.overlaps(&edit)) {
                kept.push(edit);
            }
        }
        Fix {
            title: title.into(),
            edits: kept,
            applicability,
        }
    }

    /// The edits, sorted by file and start, none overlapping another.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// Whether the fix may be applied when `required` is the least applicability asked for
    /// (`Safe` for `--fix`, `Unsafe` for `--fix --unsafe-fixes`).
    pub fn applies(&self, required: Applicability) -> bool {
        self.applicability >= required
    }

    /// Whether any edit of this fix overlaps an edit of `other` (then only one of them can be
    /// applied in one pass).
    pub fn conflicts_with(&self, other: &Fix) -> bool {
        self.edits
            .iter()
            .any(|a| other.edits.iter().any(|b| a.overlaps(b)))
    }
}

/// Applies `edits` (of one file, sorted by start, none overlapping, every offset a char boundary
/// of `text`) to `text`. `None` when they are not: then nothing is applied.
pub fn apply_edits<'a>(text: &str, edits: impl IntoIterator<Item = &'a Edit>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        let (start, end) = (edit.span.start, edit.span.end);
        if start < at || end < start {
            return None;
        }
        out.push_str(text.get(at..start)?);
        text.get(start..end)?;
        out.push_str(&edit.content);
        at = end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn applies_edits_and_keeps_every_other_byte() {
        let text = "a: no\r\n# keep\r\nmodle: x\r\n";
        let fix = Fix::new(
            "t",
            vec![
                Edit::replacement(span(15, 20), "model"),
                Edit::replacement(span(3, 5), "\"no\""),
            ],
            Applicability::Safe,
        );
        assert_eq!(
            apply_edits(text, fix.edits()).unwrap(),
            "a: \"no\"\r\n# keep\r\nmodel: x\r\n"
        );
    }

    #[test]
    fn overlapping_edits_are_not_both_kept() {
        let fix = Fix::new(
            "t",
            vec![
                Edit::replacement(span(0, 4), "x"),
                Edit::replacement(span(2, 6), "y"),
                Edit::insertion(FileId(0), 6, "z"),
                Edit::insertion(FileId(1), 0, "w"),
            ],
            Applicability::Unsafe,
        );
        assert_eq!(fix.edits().len(), 3);
        assert!(!Edit::insertion(FileId(0), 3, "a").overlaps(&Edit::insertion(FileId(0), 3, "b")));
        assert!(Edit::insertion(FileId(0), 2, "a").overlaps(&Edit::deletion(span(2, 5))));
        assert!(Edit::insertion(FileId(0), 3, "a").overlaps(&Edit::deletion(span(2, 5))));
        assert!(!Edit::insertion(FileId(0), 5, "a").overlaps(&Edit::deletion(span(2, 5))));
        assert!(!Edit::deletion(span(0, 2)).overlaps(&Edit::deletion(span(2, 5))));
    }

    #[test]
    fn applicability_orders_unsafe_below_safe() {
        let safe = Fix::safe("t", Edit::deletion(span(0, 1)));
        let risky = Fix::unsafe_edit("t", Edit::deletion(span(0, 1)));
        assert!(safe.applies(Applicability::Safe) && safe.applies(Applicability::Unsafe));
        assert!(!risky.applies(Applicability::Safe) && risky.applies(Applicability::Unsafe));
    }

    #[test]
    fn edits_off_char_boundaries_or_out_of_range_apply_nothing() {
        assert_eq!(apply_edits("é", &[Edit::deletion(span(0, 1))]), None);
        assert_eq!(apply_edits("ab", &[Edit::deletion(span(1, 3))]), None);
    }
}
