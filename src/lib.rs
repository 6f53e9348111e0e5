//! litellm-check: checks LiteLLM proxy configs and OpenClaw model configs before they ship.
//!
//! The library holds everything; the binaries under `src/bin/` are thin.

pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod env;
pub mod fast_hash;
pub mod fixes;
pub mod litellm;
pub mod litellm_version;
pub mod openclaw;
pub mod price_table;
pub mod provider_routes;
pub mod published_schema;
pub mod refs;
pub mod rule_control;
pub mod schema_tidy;
pub mod schema_walk;
pub mod server;
pub mod suggest;
pub mod syntax;

pub use litellm::CheckOptions;
