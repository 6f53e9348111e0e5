//! The config as LiteLLM sees it after start-up: `os.environ/` references resolved (section 5.1)
//! and deserialized into the typed model. Used by the proxy; the values stay in memory.

use serde_json::Value;

use crate::env::Environment;
use crate::syntax::{Node, NodeKind};

use super::env_value::ENV_PREFIX;
use super::model::LiteLlmConfig;

/// Converts the merged tree to JSON with references resolved as LiteLLM does: only mapping values,
/// the prefix removed wherever it occurs, `true`/`false` becoming booleans, unset becoming null.
pub fn resolved_json(root: &Node, env: &Environment) -> Value {
    resolve_node(root, env, false)
}

fn resolve_node(node: &Node, env: &Environment, is_map_value: bool) -> Value {
    match &node.kind {
        NodeKind::Str(s) if is_map_value && s.starts_with(ENV_PREFIX) => {
            let name = s.replace(ENV_PREFIX, "");
            match env.get(&name) {
                None => Value::Null,
                Some(v) if v.trim().eq_ignore_ascii_case("true") => Value::Bool(true),
                Some(v) if v.trim().eq_ignore_ascii_case("false") => Value::Bool(false),
                Some(v) => Value::String(v.to_string()),
            }
        }
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.scalar_text(), resolve_node(&e.value, env, true)))
                .collect(),
        ),
        NodeKind::Seq(items) => {
            Value::Array(items.iter().map(|i| resolve_node(i, env, false)).collect())
        }
        _ => node.to_json(),
    }
}

/// The typed config, for the proxy. Errors name the field, never a value.
pub fn typed_config(root: &Node, env: &Environment) -> Result<LiteLlmConfig, String> {
    serde_json::from_value(resolved_json(root, env)).map_err(|e| {
        // serde's message may quote the offending value; keep only its position-free kind.
        let text = e.to_string();
        text.split(": ")
            .next()
            .unwrap_or("invalid config")
            .to_string()
    })
}
