//! The LiteLLM proxy config: typed model, loading (includes, env) and rules.
pub mod groups;

pub use groups::{ModelGroup, ModelGroups, Resolution};
