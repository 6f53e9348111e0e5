//! OpenClaw's own JSON Schema of `openclaw.json`, as `openclaw config schema` prints it (zod's
//! `toJSONSchema` of `OpenClawSchema`, with the bundled plugins' and channels' config schemas
//! merged in), shipped unchanged as `data/openclaw-config.schema.json` with its version beside
//! it; `scripts/openclaw_schema.sh` regenerates both from the peer install the oracle uses.
//!
//! It is the judge of every key name and of every section this tool does not model (gateway,
//! tools, channels, plugins, ...): [`super::schema::Validator`] walks the config against it as
//! well as against the typed model, and keeps its findings outside the model-related parts.
//! The schema is parsed and compiled once per process, on the first OpenClaw config checked:
//! a LiteLLM-only run never touches it.

use std::sync::OnceLock;

use serde_json::Value;

use crate::schema_walk::SchemaWalker;

static TEXT: &str = include_str!("../../data/openclaw-config.schema.json");
static VERSION: &str = include_str!("../../data/openclaw-config.schema.version");

/// The OpenClaw version the shipped schema was printed by (`2026.9.6`).
pub fn version() -> &'static str {
    VERSION.trim()
}

/// The shipped schema, parsed once. A schema that does not parse (it is built in, so only a
/// broken regeneration could cause it) constrains nothing rather than aborting the check.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(TEXT).unwrap_or(Value::Bool(true)))
}

/// The walker over [`schema`], compiled once: finite numbers, ECMAScript patterns and URLs, as
/// zod checks them.
pub fn walker() -> &'static SchemaWalker<'static> {
    static WALKER: OnceLock<SchemaWalker<'static>> = OnceLock::new();
    WALKER.get_or_init(|| {
        SchemaWalker::new(schema())
            .finite_numbers(true)
            .js_patterns(true)
            .formats(true)
    })
}

/// Whether `pointer` lies in a plugin's own config (`plugins.entries.<id>.config`) or a
/// channel's (`channels.<id>`): OpenClaw checks those with the plugin's JSON Schema after zod
/// and words their findings as `invalid config: ...`.
pub fn in_plugin_config(pointer: &[String]) -> bool {
    match pointer {
        [channels, id, ..] if channels == "channels" => id != "defaults" && id != "modelByChannel",
        [plugins, entries, _, config, ..] => {
            plugins == "plugins" && entries == "entries" && config == "config"
        }
        _ => false,
    }
}
