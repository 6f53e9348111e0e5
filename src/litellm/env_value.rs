//! `Env<T>`: a typed setting that may instead be an `os.environ/NAME` reference.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::str::FromStr;

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

impl<'de, T> Deserialize<'de> for Env<T>
where
    T: serde::de::DeserializeOwned + FromStr,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        if let serde_json::Value::String(s) = &raw {
            // A resolved reference arrives as text (LiteLLM's resolver returns strings); pydantic-typed
            // fields coerce it, so the proxy does too.
            if let Ok(v) = s.trim().parse::<T>() {
                return Ok(Env::Value(v));
            }
            if s.starts_with(ENV_PREFIX) {
                return Ok(Env::Reference(s.clone()));
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
