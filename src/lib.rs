//! litellm-check: checks LiteLLM proxy configs and OpenClaw model configs before they ship.
//!
//! The library holds everything; the binaries under `src/bin/` are thin.

pub mod cli;
pub mod diagnostic;
pub mod env;
pub mod litellm;
pub mod openclaw;
pub mod refs;
pub mod suggest;
pub mod syntax;
