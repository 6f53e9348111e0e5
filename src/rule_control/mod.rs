//! Which findings a user wants: rule selection (`--select`, `--ignore`, `--extend-select`, as
//! ruff's), settings files found upward from each checked file, and inline suppressions.
//!
//! Applied by the CLI after every rule ran, so that the checker's reading of a file never depends
//! on what is shown; `litellm-proxy` does not apply them (an error it cannot start with stays one).

pub mod selection;
pub mod settings;
pub mod suppression;

pub use selection::{RuleSelection, Selector};
pub use settings::{Settings, SettingsError};

use crate::diagnostic::Diagnostic;
use crate::syntax::SourceMap;

/// Keeps the findings of one check that the selection (`settings`' with `cli`'s on top),
/// `per-file-ignores` and inline suppressions (in the files the check read, `first_file` on) let
/// through, and adds LC001 for suppressions that suppress nothing. The one filter of `check` and
/// `server`.
pub fn filter(
    cli: &RuleSelection,
    settings: &Settings,
    sources: &SourceMap,
    first_file: usize,
    found: &mut Vec<Diagnostic>,
) {
    let selection = settings.selection.overridden_by(cli);
    found.retain(|d| {
        selection.enabled(d.code)
            && !sources
                .file(d.primary.span.file)
                .is_some_and(|f| settings.ignored_for_file(d.code, &f.path))
    });
    let mut suppressions: Vec<_> = sources
        .iter()
        .skip(first_file)
        .flat_map(|(id, file)| suppression::scan(id, file))
        .collect();
    if suppressions.is_empty() {
        return;
    }
    let line_of = |span: crate::syntax::Span| {
        sources
            .file(span.file)
            .map(|f| f.line_col(span.start).0.saturating_sub(1))
    };
    let on_in = |code, id| {
        selection.enabled(code)
            && !sources
                .file(id)
                .is_some_and(|f| settings.ignored_for_file(code, &f.path))
    };
    let unused = suppression::apply(found, &mut suppressions, line_of, on_in);
    found.extend(unused.into_iter().filter(|d| selection.enabled(d.code)));
}
