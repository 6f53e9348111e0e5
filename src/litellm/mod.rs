//! The LiteLLM proxy config: typed model, loading (includes, env) and rules.
