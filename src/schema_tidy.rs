//! Post-processing shared by every generated schema.

use serde_json::Value;

/// Removes what strict validators (Ajv strict mode, SchemaStore CI) reject: schemars' non-standard
/// integer `format`s such as `uint32`.
pub fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(format)) = map.get("format") {
                let standard = matches!(
                    format.as_str(),
                    "date-time"
                        | "date"
                        | "time"
                        | "email"
                        | "hostname"
                        | "ipv4"
                        | "ipv6"
                        | "uri"
                        | "uri-reference"
                        | "regex"
                );
                if !standard {
                    map.remove("format");
                }
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}
