//! OpenClaw's own JSON Schema of `openclaw.json`, as `openclaw config schema` prints it (zod's
//! `toJSONSchema` of `OpenClawSchema`, with the bundled plugins' and channels' config schemas
//! merged in), shipped unchanged as `data/openclaw-config.schema.json` with its version beside
//! it; `scripts/openclaw_schema.sh` regenerates both from the peer install the oracle uses.
//!
//! It is the judge of every key name and of every section this tool does not model (gateway,
//! tools, channels, plugins, ...): [`super::schema::Validator`] walks the config against it as
//! well as against the typed model, and keeps its findings outside the model-related parts.
//!
//! Cost: the schema is 2.4 MB, most of it plugin and channel schemas a given config never
//! touches. The first OpenClaw config checked splits it into its top-level sections without
//! parsing them (one scan); each section is parsed and compiled the first time a config has it,
//! once per process. A LiteLLM-only run never touches any of it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::schema_walk::{SchemaWalker, Violation};
use crate::syntax::{Node, NodeKind};

static TEXT: &str = include_str!("../../data/openclaw-config.schema.json");
static VERSION: &str = include_str!("../../data/openclaw-config.schema.version");

/// The OpenClaw version the shipped schema was printed by (`2026.9.6`).
pub fn version() -> &'static str {
    VERSION.trim()
}

/// The whole shipped schema, parsed once (for tests and tools; the check itself uses
/// [`validate`], which parses only the sections a config has). A schema that does not parse (it
/// is built in, so only a broken regeneration could cause it) constrains nothing.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(TEXT).unwrap_or(Value::Bool(true)))
}

/// The top level of the schema: the sections, unparsed.
#[derive(Deserialize)]
struct Top<'a> {
    #[serde(borrow)]
    properties: BTreeMap<String, &'a RawValue>,
}

/// One top-level section: its text, and its schema and walker once a config has it.
struct Section {
    raw: &'static RawValue,
    schema: OnceLock<Value>,
    walker: OnceLock<SchemaWalker<'static>>,
}

struct Sections {
    by_name: BTreeMap<String, Section>,
    /// Section names in schema order, for "did you mean".
    names: Vec<String>,
}

fn sections() -> &'static Sections {
    static SECTIONS: OnceLock<Sections> = OnceLock::new();
    SECTIONS.get_or_init(|| {
        let top: Option<Top<'static>> = serde_json::from_str(TEXT).ok();
        let by_name: BTreeMap<String, Section> = top
            .map(|t| t.properties)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, raw)| {
                let section = Section {
                    raw,
                    schema: OnceLock::new(),
                    walker: OnceLock::new(),
                };
                (name, section)
            })
            .collect();
        let mut names: Vec<(usize, String)> = by_name
            .iter()
            .map(|(name, section)| {
                let offset =
                    (section.raw.get().as_ptr() as usize).saturating_sub(TEXT.as_ptr() as usize);
                (offset, name.clone())
            })
            .collect();
        names.sort();
        Sections {
            by_name,
            names: names.into_iter().map(|(_, name)| name).collect(),
        }
    })
}

/// The walker of one section, compiled on first use: finite numbers, ECMAScript patterns and
/// URLs, as zod checks them.
fn section_walker(section: &'static Section) -> &'static SchemaWalker<'static> {
    section.walker.get_or_init(|| {
        let schema = section
            .schema
            .get_or_init(|| serde_json::from_str(section.raw.get()).unwrap_or(Value::Bool(true)));
        SchemaWalker::new(schema)
            .finite_numbers(true)
            .js_patterns(true)
            .formats(true)
    })
}

/// Every violation of the config `root` (an object) against OpenClaw's schema: the root is
/// closed (an unknown top-level key is reported), each section is walked against its own schema.
pub fn validate(root: &Node) -> Vec<Violation<'_>> {
    let mut out = Vec::new();
    let NodeKind::Map(entries) = &root.kind else {
        return out;
    };
    let sections = sections();
    if sections.by_name.is_empty() {
        return out;
    }
    for entry in entries {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        let Some(section) = sections.by_name.get(key) else {
            out.push(Violation::UnknownKey {
                entry,
                known: sections.names.clone(),
                closed: true,
                pointer: vec![key.to_string()],
            });
            continue;
        };
        for mut violation in section_walker(section).validate(&entry.value) {
            violation.pointer_mut().insert(0, key.to_string());
            out.push(violation);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

    use super::*;

    fn patterns<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(p)) = map.get("pattern") {
                    out.push(p);
                }
                map.values().for_each(|v| patterns(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| patterns(v, out)),
            _ => {}
        }
    }

    /// A pattern that did not compile would silently constrain nothing: every one of the
    /// shipped schema's (about 1,000, 40 distinct) must.
    #[test]
    fn every_pattern_of_the_shipped_schema_compiles() {
        let mut found = Vec::new();
        patterns(schema(), &mut found);
        found.sort_unstable();
        found.dedup();
        assert!(found.len() > 30, "only {} patterns", found.len());
        let broken: Vec<&&str> = found
            .iter()
            .filter(|p| crate::schema_walk::js_regex(p).is_none())
            .collect();
        assert!(broken.is_empty(), "{broken:?}");
    }

    /// The sections split from the raw text are the schema's, and each compiles.
    #[test]
    fn sections_are_the_schemas_top_level_properties() {
        let whole = schema()["properties"].as_object().unwrap();
        let sections = sections();
        assert_eq!(sections.names.len(), whole.len());
        assert_eq!(
            sections.names.iter().collect::<Vec<_>>(),
            whole.keys().collect::<Vec<_>>()
        );
        for name in ["gateway", "meta", "channels"] {
            let section = &sections.by_name[name];
            section_walker(section);
            assert_eq!(section.schema.get(), Some(&whole[name]));
        }
    }
}
