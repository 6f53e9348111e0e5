//! The LiteLLM proxy config: typed model, loading (includes, env) and rules.
pub mod groups;

pub use groups::{ModelGroup, ModelGroups, Resolution};
pub mod env_value;
pub mod model;
pub mod model_settings;
pub mod schema;
pub mod schema_walk;
pub mod load;
pub mod providers;
pub mod rules;
pub mod check;
pub mod resolve;

pub use check::{check_file, CheckOptions, CheckOutcome};
pub use load::LoadError;
