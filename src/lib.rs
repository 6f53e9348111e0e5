//! litellm-check: checks LiteLLM proxy configs and OpenClaw model configs before they ship.
//!
//! The library holds everything; the binaries under `src/bin/` are thin.

pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod env;
pub mod fast_hash;
pub mod litellm;
#[cfg(feature = "proxy")]
pub mod mock;
pub mod openclaw;
pub mod price_table;
pub mod provider_routes;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod published_schema;
pub mod refs;
pub mod schema_tidy;
pub mod suggest;
pub mod syntax;
