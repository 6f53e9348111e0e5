//! `Env<T>`: a typed setting that may instead be an `os.environ/NAME` reference, and the one
//! resolver of such references (LiteLLM's `ProxyConfig._check_for_os_environ_vars` and
//! `get_secret`): used by the checker's rules, the resolved model and litellm-proxy's start-up.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::str::FromStr;

use crate::env::Environment;

/// The prefix LiteLLM resolves from the environment (a plain, case-sensitive prefix).
pub const ENV_PREFIX: &str = "os.environ/";

/// A value of type `T`, or an `os.environ/NAME` reference resolved at start-up.
#[derive(Debug, Clone, PartialEq)]
pub enum Env<T> {
    Value(T),
    Reference(String),
}

impl<T: Copy> Env<T> {
    /// The value, if it is not an unresolved reference.
    pub fn value(&self) -> Option<T> {
        match self {
            Env::Value(v) => Some(*v),
            Env::Reference(_) => None,
        }
    }
}

impl<T> Env<T> {
    /// The value written in the file, if it is not a reference.
    pub fn value_ref(&self) -> Option<&T> {
        match self {
            Env::Value(v) => Some(v),
            Env::Reference(_) => None,
        }
    }

    /// The variable a reference names.
    pub fn variable(&self) -> Option<&str> {
        match self {
            Env::Value(_) => None,
            Env::Reference(text) => Some(variable_name(text)),
        }
    }
}

impl<T: FromStr + Clone> Env<T> {
    /// The value LiteLLM runs with: the written value, or the variable's value read as `T`
    /// (pydantic coerces numeric text). `None` when the variable is unset or does not parse.
    pub fn resolve(&self, env: &Environment) -> Option<T> {
        match self {
            Env::Value(v) => Some(v.clone()),
            Env::Reference(text) => {
                let value = lookup(text, env)?;
                value.parse().ok().or_else(|| value.trim().parse().ok())
            }
        }
    }
}

/// Whether a string is an `os.environ/` reference.
pub fn is_reference(text: &str) -> bool {
    text.starts_with(ENV_PREFIX)
}

/// Whether LiteLLM resolves a mapping value under `key`: every `os.environ/` string except the
/// `*_ref` federation pointers 1.109 leaves for their integration to read.
pub fn resolves_under_key(key: &str, text: &str) -> bool {
    is_reference(text) && !key.ends_with("_ref")
}

/// The variable of a reference: `get_secret` removes the prefix wherever it occurs
/// (`value.replace("os.environ/", "")`).
pub fn variable_name(text: &str) -> &str {
    // Only the leading prefix occurs in practice; a second one is removed by `lookup`.
    text.strip_prefix(ENV_PREFIX).unwrap_or(text)
}

/// The value of a reference in `env` (`None` when unset), as `get_secret` reads it.
pub fn lookup<'e>(text: &str, env: &'e Environment) -> Option<&'e str> {
    if text.matches(ENV_PREFIX).count() > 1 {
        return env.get(&text.replace(ENV_PREFIX, ""));
    }
    env.get(variable_name(text))
}

/// Resolves every reference LiteLLM resolves in a JSON tree: mapping values at any depth
/// (mappings inside lists included) become the variable's value, `null` when unset, a boolean
/// for `true`/`false`. List items that are strings and keys stay as written, as do `*_ref`
/// values; the walk stops at depth 100 like LiteLLM's.
pub fn resolve_json(value: &mut serde_json::Value, env: &Environment) {
    resolve_json_at(value, env, 0);
}

fn resolve_json_at(value: &mut serde_json::Value, env: &Environment, depth: usize) {
    use serde_json::Value;
    if depth > 100 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if resolves_under_key(key, text) => {
                        *item = match lookup(text, env) {
                            None => Value::Null,
                            Some(v) if v.trim().eq_ignore_ascii_case("true") => Value::Bool(true),
                            Some(v) if v.trim().eq_ignore_ascii_case("false") => Value::Bool(false),
                            Some(v) => Value::String(v.to_string()),
                        };
                    }
                    _ => resolve_json_at(item, env, depth + 1),
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut().filter(|i| i.is_object()) {
                resolve_json_at(item, env, depth + 1);
            }
        }
        _ => {}
    }
}

impl<'de, T> Deserialize<'de> for Env<T>
where
    T: serde::de::DeserializeOwned + FromStr,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        if let serde_json::Value::String(s) = &raw {
            if is_reference(s) {
                return Ok(Env::Reference(s.clone()));
            }
            // Numeric text in a typed field: pydantic coerces it, so the proxy does too.
            if let Ok(v) = s.parse::<T>().or_else(|_| s.trim().parse::<T>()) {
                return Ok(Env::Value(v));
            }
        }
        T::deserialize(raw)
            .map(Env::Value)
            .map_err(serde::de::Error::custom)
    }
}

impl<T: Serialize> Serialize for Env<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Env::Value(v) => v.serialize(serializer),
            Env::Reference(r) => serializer.serialize_str(r),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Env<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Env_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                generator.subschema_for::<T>(),
                {
                    "type": "string",
                    "pattern": "^os\\.environ/",
                    "description": "An environment variable, resolved at start-up: os.environ/NAME"
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_mapping_values_only() {
        let mut env = Environment::empty();
        env.set("KEY", "secret");
        env.set("FLAG", " True ");
        let mut config = json!({
            "a": "os.environ/KEY",
            "b": ["os.environ/KEY"],
            "c": [{"d": "os.environ/FLAG"}],
            "e": "os.environ/UNSET",
            "x_ref": "os.environ/KEY",
        });
        resolve_json(&mut config, &env);
        assert_eq!(config["a"], "secret");
        assert_eq!(config["b"][0], "os.environ/KEY");
        assert_eq!(config["c"][0]["d"], true);
        assert_eq!(config["e"], serde_json::Value::Null);
        assert_eq!(config["x_ref"], "os.environ/KEY");
    }

    #[test]
    fn typed_values_read_references_and_numeric_text() {
        let mut env = Environment::empty();
        env.set("RPM", "100");
        let rpm: Env<f64> = serde_json::from_value(json!("os.environ/RPM")).unwrap();
        assert_eq!(rpm.resolve(&env), Some(100.0));
        let text: Env<String> = serde_json::from_value(json!(" spaced ")).unwrap();
        assert_eq!(
            text,
            Env::Value(" spaced ".into()),
            "strings are kept as written"
        );
        let quoted: Env<f64> = serde_json::from_value(json!(" 7 ")).unwrap();
        assert_eq!(quoted.value(), Some(7.0));
    }
}
