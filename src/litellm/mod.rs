//! The LiteLLM proxy config: typed model, loading (includes, env) and rules.
pub mod groups;

pub use groups::{Alias, ModelGroup, ModelGroups, Resolution, Via};
pub mod check;
pub mod env_value;
pub mod explain;
pub mod load;
pub mod model;
pub mod model_settings;
pub mod providers;
pub mod resolved;
pub mod routing;
pub mod rules;
pub mod schema;

pub use check::{check_file, CheckOptions, CheckOutcome};
pub use load::LoadError;
