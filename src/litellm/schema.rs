//! The JSON Schema of the LiteLLM config, generated from [`super::model`].

use schemars::generate::SchemaSettings;
use serde_json::Value;
use std::sync::OnceLock;

use super::model::{LiteLlmConfig, ValidatedModelInfo};

/// The draft-07 schema (what yaml-language-server and SchemaStore expect), built once.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generator = SchemaSettings::draft07().into_generator();
        let schema = generator.into_root_schema_for::<LiteLlmConfig>();
        let mut value = schema.to_value();
        crate::schema_tidy::tidy(&mut value);
        value
    })
}

/// The walker over [`schema`], compiled once.
pub fn walker() -> &'static crate::schema_walk::SchemaWalker<'static> {
    static WALKER: OnceLock<crate::schema_walk::SchemaWalker<'static>> = OnceLock::new();
    WALKER.get_or_init(|| crate::schema_walk::SchemaWalker::new(schema()))
}

/// The `model_info` keys pydantic validates (the fields of [`ValidatedModelInfo`]): a bad value
/// there drops the deployment, a bad value in any other `model_info` key is only kept.
pub fn validated_model_info_fields() -> &'static [String] {
    static FIELDS: OnceLock<Vec<String>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let schema = schemars::schema_for!(ValidatedModelInfo).to_value();
        schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| props.keys().cloned().collect())
            .unwrap_or_default()
    })
}
