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
