//! Validates a spanned [`Node`] tree against a JSON Schema generated from our types: the one
//! schema walker of both formats (LiteLLM YAML and OpenClaw JSON5).
//!
//! The checker and the editor schema therefore cannot disagree on keys, types and enums: there is
//! one definition, the Rust types. This walker implements the subset of draft-07/2020-12 that
//! schemars emits (`$ref`, `type`, `enum`, `const`, `properties`, `required`,
//! `additionalProperties`, `items`, `anyOf`/`oneOf`/`allOf`, `minimum`/`exclusiveMinimum`/
//! `maximum`, `minLength`/`maxLength`, `maxItems`, prefix `pattern`s), compiled once per schema,
//! and reports violations with the node they concern; each format's rules decide codes, severities
//! and wording (Python's for LiteLLM, zod's for OpenClaw).
//!
//! OpenClaw's own schema (`openclaw config schema`, zod's `toJSONSchema` with the bundled plugins'
//! schemas merged in) also uses `propertyNames`, tuple `items` with `additionalItems`,
//! `minItems`, `minProperties`/`maxProperties`, `not`, `if`/`then`/`else`, `$ref`s into the
//! `$defs` of an embedded plugin schema, ECMAScript `pattern`s (see [`SchemaWalker::js_patterns`])
//! and the `uri` format (see [`SchemaWalker::formats`]); those are walked here too.

use serde_json::{Map, Value};

use crate::syntax::{Entry, Node, NodeKind};

/// One way a node breaks the schema.
#[derive(Debug, Clone)]
pub enum Violation<'n> {
    /// A key not among `properties`. `closed` is false when extra keys are allowed (the rule then
    /// only reports near-misses of known keys).
    UnknownKey {
        entry: &'n Entry,
        known: Vec<String>,
        closed: bool,
        pointer: Vec<String>,
    },
    /// A key that is not a string (e.g. an unquoted `on:` read as `true`).
    NonStringKey {
        entry: &'n Entry,
        pointer: Vec<String>,
    },
    /// A required key is absent. `expected` is the first type the key's schema names.
    Missing {
        map: &'n Node,
        key: String,
        expected: Option<String>,
        pointer: Vec<String>,
    },
    /// The node's type is not among the accepted ones.
    WrongType {
        node: &'n Node,
        expected: Vec<String>,
        pointer: Vec<String>,
    },
    /// A value outside an enum.
    NotInEnum {
        node: &'n Node,
        allowed: Vec<String>,
        pointer: Vec<String>,
    },
    /// A number, string length or list length outside its bound.
    OutOfRange {
        node: &'n Node,
        bound: Bound,
        pointer: Vec<String>,
    },
    /// NaN or an infinity where the format's numbers must be finite (see
    /// [`SchemaWalker::finite_numbers`]).
    NotFinite {
        node: &'n Node,
        pointer: Vec<String>,
    },
    /// A string that does not match an ECMAScript `pattern` (only with
    /// [`SchemaWalker::js_patterns`]; otherwise a pattern is a literal prefix and a mismatch is a
    /// [`Violation::WrongType`]).
    Pattern {
        node: &'n Node,
        pattern: String,
        pointer: Vec<String>,
    },
    /// A map key its `propertyNames` schema rejects (zod: `Invalid key in record`). The pointer
    /// ends with the key.
    InvalidKey {
        entry: &'n Entry,
        pointer: Vec<String>,
    },
    /// A value matching a `not` schema.
    Forbidden {
        node: &'n Node,
        pointer: Vec<String>,
    },
    /// A string that is not a URL where the `uri` format asks for one (only with
    /// [`SchemaWalker::formats`]).
    NotAUrl {
        node: &'n Node,
        pointer: Vec<String>,
    },
}

/// Which bound a value broke.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Minimum(f64),
    ExclusiveMinimum(f64),
    Maximum(f64),
    /// In UTF-16 code units, as JavaScript counts a string's length.
    MinLength(u64),
    MaxLength(u64),
    MaxItems(u64),
    MinItems(u64),
    MinProperties(u64),
    MaxProperties(u64),
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Minimum(n) => write!(f, ">= {n}"),
            Bound::ExclusiveMinimum(n) => write!(f, "> {n}"),
            Bound::Maximum(n) => write!(f, "<= {n}"),
            Bound::MinLength(n) => write!(f, "at least {n} characters"),
            Bound::MaxLength(n) => write!(f, "at most {n} characters"),
            Bound::MaxItems(n) => write!(f, "at most {n} items"),
            Bound::MinItems(n) => write!(f, "at least {n} items"),
            Bound::MinProperties(n) => write!(f, "at least {n} keys"),
            Bound::MaxProperties(n) => write!(f, "at most {n} keys"),
        }
    }
}

/// The `pointer` field every variant has (one list of variants for both borrows below).
macro_rules! violation_pointer {
    ($violation:expr) => {
        match $violation {
            Violation::UnknownKey { pointer, .. }
            | Violation::NonStringKey { pointer, .. }
            | Violation::Missing { pointer, .. }
            | Violation::WrongType { pointer, .. }
            | Violation::NotInEnum { pointer, .. }
            | Violation::OutOfRange { pointer, .. }
            | Violation::NotFinite { pointer, .. }
            | Violation::Pattern { pointer, .. }
            | Violation::InvalidKey { pointer, .. }
            | Violation::Forbidden { pointer, .. }
            | Violation::NotAUrl { pointer, .. } => pointer,
        }
    };
}

impl Violation<'_> {
    /// The pointer, to re-root a violation found in a sub-schema.
    pub fn pointer_mut(&mut self) -> &mut Vec<String> {
        violation_pointer!(self)
    }

    pub fn pointer(&self) -> &[String] {
        violation_pointer!(self)
    }
}

/// A generated root schema, compiled once into an indexed form so that validating a large file
/// costs one hash lookup per key rather than a dozen keyword lookups per node.
pub struct SchemaWalker<'s> {
    root: &'s Value,
    nodes: Vec<Compiled>,
    root_index: usize,
    /// NaN and infinities are not numbers (zod, JSON); Python's floats accept them.
    finite_numbers: bool,
    /// `pattern` is an ECMAScript regular expression (zod's, with the `u` flag), not a literal
    /// prefix.
    js_patterns: bool,
    /// `format: uri` is checked (zod's `.url()`).
    formats: bool,
    /// The `$defs` of the embedded schemas being compiled, innermost last: a plugin's config
    /// schema merged into OpenClaw's refers to its own `#/$defs/...`.
    scopes: Vec<&'s Value>,
}

/// One schema, its keywords read once.
#[derive(Debug, Default)]
struct Compiled {
    /// `true` (or `{}`): anything goes.
    anything: bool,
    all_of: Vec<usize>,
    any_of: Option<Vec<usize>>,
    types: Option<Vec<String>>,
    pattern: Option<String>,
    /// The compiled ECMAScript pattern, built on first use (`None`: it does not compile here, and
    /// then constrains nothing).
    regex: std::sync::OnceLock<Option<fancy_regex::Regex>>,
    enumeration: Option<Vec<Value>>,
    constant: Option<Value>,
    minimum: Option<f64>,
    exclusive_minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    max_items: Option<u64>,
    min_items: Option<u64>,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    properties: Option<crate::fast_hash::FastMap<String, usize>>,
    /// Property names in schema order, for "did you mean" and "known keys".
    known: Vec<String>,
    additional: Additional,
    required: Vec<String>,
    /// The first type each required key's schema names (for "expected string, received
    /// undefined").
    required_types: Vec<Option<String>>,
    items: Option<usize>,
    /// Tuple `items` (draft-07's array form) and what follows them.
    prefix_items: Option<Vec<usize>>,
    additional_items: Additional,
    property_names: Option<usize>,
    not: Option<usize>,
    /// `if`, `then`, `else`.
    conditional: Option<(usize, Option<usize>, Option<usize>)>,
    uri: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Additional {
    #[default]
    Absent,
    Forbidden,
    Allowed,
    Schema(usize),
}

impl<'s> SchemaWalker<'s> {
    pub fn new(root: &'s Value) -> Self {
        let mut walker = SchemaWalker {
            root,
            nodes: Vec::new(),
            root_index: 0,
            finite_numbers: false,
            js_patterns: false,
            formats: false,
            scopes: Vec::new(),
        };
        let mut refs = std::collections::HashMap::new();
        walker.root_index = walker.compile(root, &mut refs, 0);
        walker
    }

    /// Reports NaN and infinities as [`Violation::NotFinite`] where a number is expected.
    pub fn finite_numbers(mut self, finite: bool) -> Self {
        self.finite_numbers = finite;
        self
    }

    /// Reads `pattern` as an ECMAScript regular expression with the `u` flag, as zod and Ajv do,
    /// and reports a mismatch as [`Violation::Pattern`]. Each pattern is compiled the first time a
    /// value meets it.
    pub fn js_patterns(mut self, on: bool) -> Self {
        self.js_patterns = on;
        self
    }

    /// Checks `format: uri` (a scheme, and a host for the special schemes), as zod's `.url()`
    /// does with `new URL()`.
    pub fn formats(mut self, on: bool) -> Self {
        self.formats = on;
        self
    }

    /// Compiles `schema` (following `$ref`s, each definition once) and returns its index.
    fn compile(
        &mut self,
        schema: &'s Value,
        refs: &mut std::collections::HashMap<String, usize>,
        depth: usize,
    ) -> usize {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            // The same `#/$defs/x` names different definitions in two embedded schemas.
            let scope = self
                .scopes
                .last()
                .map_or(0, |s| std::ptr::from_ref(*s) as usize);
            let key = format!("{scope:x}{reference}");
            if let Some(&index) = refs.get(&key) {
                return index;
            }
            let target = self.resolve_in_scope(schema);
            if !std::ptr::eq(target, schema) && depth < 64 {
                // Reserve the slot first: a recursive definition then points at itself.
                let index = self.nodes.len();
                self.nodes.push(Compiled::default());
                refs.insert(key, index);
                let compiled = self.compile_inline(target, refs, depth + 1);
                self.nodes[index] = compiled;
                return index;
            }
        }
        let compiled = self.compile_inline(schema, refs, depth + 1);
        self.nodes.push(compiled);
        self.nodes.len() - 1
    }

    fn compile_inline(
        &mut self,
        schema: &'s Value,
        refs: &mut std::collections::HashMap<String, usize>,
        depth: usize,
    ) -> Compiled {
        let mut c = Compiled::default();
        let Some(object) = schema.as_object() else {
            c.anything = schema != &Value::Bool(false);
            return c;
        };
        if depth > 64 {
            c.anything = true;
            return c;
        }
        let scoped = object.contains_key("$defs") || object.contains_key("definitions");
        if scoped {
            self.scopes.push(schema);
        }
        self.compile_keywords(object, &mut c, refs, depth);
        if scoped {
            self.scopes.pop();
        }
        c
    }

    fn compile_keywords(
        &mut self,
        object: &'s Map<String, Value>,
        c: &mut Compiled,
        refs: &mut std::collections::HashMap<String, usize>,
        depth: usize,
    ) {
        let schema_types = |object: &Map<String, Value>| match object.get("type")? {
            Value::String(t) => Some(vec![t.clone()]),
            Value::Array(ts) => Some(
                ts.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
            _ => None,
        };
        let list = |walker: &mut Self,
                    key: &str,
                    refs: &mut std::collections::HashMap<String, usize>|
         -> Option<Vec<usize>> {
            let items = object.get(key)?.as_array()?;
            Some(
                items
                    .iter()
                    .map(|item| walker.compile(item, refs, depth))
                    .collect(),
            )
        };
        c.all_of = list(self, "allOf", refs).unwrap_or_default();
        c.any_of = list(self, "anyOf", refs).or_else(|| list(self, "oneOf", refs));
        c.types = schema_types(object);
        c.pattern = object
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_string);
        c.enumeration = object.get("enum").and_then(Value::as_array).cloned();
        c.constant = object.get("const").cloned();
        c.minimum = object.get("minimum").and_then(Value::as_f64);
        c.exclusive_minimum = object.get("exclusiveMinimum").and_then(Value::as_f64);
        c.maximum = object.get("maximum").and_then(Value::as_f64);
        c.min_length = object.get("minLength").and_then(Value::as_u64);
        c.max_length = object.get("maxLength").and_then(Value::as_u64);
        c.max_items = object.get("maxItems").and_then(Value::as_u64);
        if let Some(props) = object.get("properties").and_then(Value::as_object) {
            let mut map = crate::fast_hash::map_with_capacity(props.len());
            for (name, prop) in props {
                let index = self.compile(prop, refs, depth);
                map.insert(name.clone(), index);
                c.known.push(name.clone());
            }
            c.properties = Some(map);
        }
        c.additional = match object.get("additionalProperties") {
            None => Additional::Absent,
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(Value::Bool(true)) => Additional::Allowed,
            Some(extra) => Additional::Schema(self.compile(extra, refs, depth)),
        };
        // A required key with a `default` is filled in before validation (zod's `.default()`,
        // which `toJSONSchema` lists as required; the defaults OpenClaw applies to a plugin's
        // config before checking it): leaving it out is fine.
        let has_default = |key: &str| {
            object
                .get("properties")
                .and_then(|p| p.get(key))
                .is_some_and(|p| p.get("default").is_some())
        };
        c.required = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .filter(|key| !has_default(key))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        c.required_types = c
            .required
            .iter()
            .map(|key| {
                let schema = object.get("properties")?.get(key)?;
                crate::schema_walk::schema_types(self.resolve_in_scope(schema))?
                    .into_iter()
                    .next()
            })
            .collect();
        match object.get("items") {
            Some(Value::Array(tuple)) => {
                c.prefix_items = Some(
                    tuple
                        .iter()
                        .map(|item| self.compile(item, refs, depth))
                        .collect(),
                );
                c.additional_items = match object.get("additionalItems") {
                    None | Some(Value::Bool(true)) => Additional::Allowed,
                    Some(Value::Bool(false)) => Additional::Forbidden,
                    Some(extra) => Additional::Schema(self.compile(extra, refs, depth)),
                };
            }
            Some(items) => c.items = Some(self.compile(items, refs, depth)),
            None => {}
        }
        c.min_items = object.get("minItems").and_then(Value::as_u64);
        c.min_properties = object.get("minProperties").and_then(Value::as_u64);
        c.max_properties = object.get("maxProperties").and_then(Value::as_u64);
        c.property_names = object
            .get("propertyNames")
            .map(|names| self.compile(names, refs, depth));
        c.not = object.get("not").map(|not| self.compile(not, refs, depth));
        if let Some(condition) = object.get("if") {
            let condition = self.compile(condition, refs, depth);
            let then = object.get("then").map(|t| self.compile(t, refs, depth));
            let otherwise = object.get("else").map(|e| self.compile(e, refs, depth));
            c.conditional = Some((condition, then, otherwise));
        }
        c.uri = object.get("format").and_then(Value::as_str) == Some("uri");
        c.anything = c.all_of.is_empty()
            && c.any_of.is_none()
            && c.types.is_none()
            && c.pattern.is_none()
            && c.enumeration.is_none()
            && c.constant.is_none()
            && c.properties.is_none()
            && c.items.is_none()
            && c.additional == Additional::Absent
            && c.required.is_empty()
            && c.minimum.is_none()
            && c.exclusive_minimum.is_none()
            && c.maximum.is_none()
            && c.min_length.is_none()
            && c.max_length.is_none()
            && c.max_items.is_none()
            && c.prefix_items.is_none()
            && c.min_items.is_none()
            && c.min_properties.is_none()
            && c.max_properties.is_none()
            && c.property_names.is_none()
            && c.not.is_none()
            && c.conditional.is_none()
            && !c.uri;
    }

    /// Every violation of `node` against the root schema.
    pub fn validate<'n>(&self, node: &'n Node) -> Vec<Violation<'n>> {
        let mut out = Vec::new();
        let mut path = WalkPath::default();
        self.walk(self.root_index, node, &mut path, &mut out);
        out
    }

    /// The schema a `$ref` names while compiling: `#/$defs/x` of the innermost embedded schema
    /// that has it, else of the root.
    fn resolve_in_scope(&self, mut schema: &'s Value) -> &'s Value {
        // Bounded like `resolve`: a definition naming itself must not loop.
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let name = reference
                .strip_prefix("#/$defs/")
                .or_else(|| reference.strip_prefix("#/definitions/"));
            let scoped = name.and_then(|name| {
                self.scopes.iter().rev().find_map(|scope| {
                    scope
                        .get("$defs")
                        .or_else(|| scope.get("definitions"))
                        .and_then(|d| d.get(name))
                })
            });
            match scoped {
                Some(target) => schema = target,
                None => return self.resolve(schema),
            }
        }
        schema
    }

    /// The schema reached by following `$ref`s.
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        // Refs only point at definitions, which never chain more than a few levels; the bound
        // keeps a malformed schema from looping.
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = reference
                .strip_prefix("#/definitions/")
                .or_else(|| reference.strip_prefix("#/$defs/"))
                .and_then(|name| {
                    self.root
                        .get("definitions")
                        .or_else(|| self.root.get("$defs"))
                        .and_then(|d| d.get(name))
                });
            match target {
                Some(t) => schema = t,
                None => break,
            }
        }
        schema
    }

    /// Properties (and whether extra keys are allowed) of an object schema, following refs.
    pub fn object_properties(&self, schema: &'s Value) -> Option<(&'s Map<String, Value>, bool)> {
        let mut schema = self.resolve(schema);
        // Step through `Option<T>` (anyOf [T, null]) and `allOf [$ref]` wrappers.
        for key in ["anyOf", "allOf"] {
            if let Some(inner) = schema.get(key).and_then(Value::as_array).and_then(|alts| {
                alts.iter()
                    .map(|a| self.resolve(a))
                    .find(|a| a.get("properties").is_some())
            }) {
                schema = inner;
            }
        }
        let props = schema.get("properties")?.as_object()?;
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        Some((props, closed))
    }

    /// The schema of the value found at `path` (property names only), if the schema knows it.
    pub fn schema_at(&self, path: &[&str]) -> Option<&'s Value> {
        let mut schema = self.root;
        for segment in path {
            let resolved = self.resolve(schema);
            let next = resolved
                .get("properties")
                .and_then(|p| p.get(*segment))
                .or_else(|| {
                    // Step through `Option<T>`-style anyOf wrappers.
                    resolved
                        .get("anyOf")
                        .and_then(Value::as_array)
                        .and_then(|alts| {
                            alts.iter().find_map(|a| {
                                self.resolve(a)
                                    .get("properties")
                                    .and_then(|p| p.get(*segment))
                            })
                        })
                })?;
            schema = next;
        }
        Some(self.resolve(schema))
    }

    fn walk<'n>(
        &self,
        index: usize,
        node: &'n Node,
        path: &mut WalkPath,
        out: &mut Vec<Violation<'n>>,
    ) {
        let Some(schema) = self.nodes.get(index) else {
            return;
        };
        if schema.anything {
            return;
        }
        for &sub in &schema.all_of {
            self.walk(sub, node, path, out);
        }
        if let Some((condition, then, otherwise)) = schema.conditional {
            let branch = if self.accepts(condition, node, path) {
                then
            } else {
                otherwise
            };
            if let Some(branch) = branch {
                self.walk(branch, node, path, out);
            }
        }
        if let Some(not) = schema.not {
            if self.accepts(not, node, path) {
                out.push(Violation::Forbidden {
                    node,
                    pointer: path.to_vec(),
                });
            }
        }
        if let Some(alts) = &schema.any_of {
            self.walk_alternatives(alts, node, path, out);
            return;
        }
        if let Some(allowed) = &schema.enumeration {
            if !enum_contains(allowed, node) {
                let allowed = allowed
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect();
                out.push(Violation::NotInEnum {
                    node,
                    allowed,
                    pointer: path.to_vec(),
                });
            }
            return;
        }
        if let Some(c) = &schema.constant {
            if !enum_contains(std::slice::from_ref(c), node) {
                out.push(Violation::NotInEnum {
                    node,
                    allowed: vec![c.as_str().map_or_else(|| c.to_string(), str::to_string)],
                    pointer: path.to_vec(),
                });
            }
            return;
        }
        if let Some(types) = &schema.types {
            if !types.iter().any(|t| node_has_type(node, t)) {
                out.push(Violation::WrongType {
                    node,
                    expected: types.clone(),
                    pointer: path.to_vec(),
                });
                return;
            }
        }
        if let (Some(pattern), NodeKind::Str(s)) = (&schema.pattern, &node.kind) {
            if self.js_patterns {
                let regex = schema.regex.get_or_init(|| js_regex(pattern));
                // A pattern that does not compile here, or runs out of backtracking budget on
                // this value, constrains nothing rather than inventing a finding.
                if regex
                    .as_ref()
                    .is_some_and(|r| r.is_match(s).is_ok_and(|m| !m))
                {
                    out.push(Violation::Pattern {
                        node,
                        pattern: pattern.clone(),
                        pointer: path.to_vec(),
                    });
                }
            } else if !prefix_pattern_matches(pattern, s) {
                out.push(Violation::WrongType {
                    node,
                    expected: vec![describe_pattern(pattern)],
                    pointer: path.to_vec(),
                });
                return;
            }
        }
        if let (true, true, NodeKind::Str(s)) = (self.formats, schema.uri, &node.kind) {
            if !is_url(s) {
                out.push(Violation::NotAUrl {
                    node,
                    pointer: path.to_vec(),
                });
            }
        }
        self.check_range(schema, node, path.as_slice(), out);
        match &node.kind {
            NodeKind::Map(entries) => self.walk_object(schema, node, entries, path, out),
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_schema = match &schema.prefix_items {
                        Some(tuple) => match (tuple.get(i), schema.additional_items) {
                            (Some(&s), _) => Some(s),
                            (None, Additional::Schema(s)) => Some(s),
                            (None, Additional::Forbidden) => {
                                out.push(Violation::OutOfRange {
                                    node,
                                    bound: Bound::MaxItems(tuple.len() as u64),
                                    pointer: path.to_vec(),
                                });
                                break;
                            }
                            (None, _) => None,
                        },
                        None => schema.items,
                    };
                    if let Some(item_schema) = item_schema {
                        path.push_index(i);
                        self.walk(item_schema, item, path, out);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether `node` satisfies the schema at `index` (for `not`, `if` and `propertyNames`): an
    /// extra key of an open object is no failure.
    fn accepts(&self, index: usize, node: &Node, path: &mut WalkPath) -> bool {
        let mut trial = Vec::new();
        self.walk(index, node, path, &mut trial);
        trial
            .iter()
            .all(|v| matches!(v, Violation::UnknownKey { closed: false, .. }))
    }

    fn walk_alternatives<'n>(
        &self,
        alts: &[usize],
        node: &'n Node,
        path: &mut WalkPath,
        out: &mut Vec<Violation<'n>>,
    ) {
        // The first alternative the node satisfies wins; otherwise report against the alternative
        // whose type the node has (the most specific explanation), or a type error naming all.
        let mut best: Option<Vec<Violation<'n>>> = None;
        // Alternatives that are each one enum value (`oneOf` of `const`s) add up to one enum.
        let mut enum_values: Vec<String> = Vec::new();
        let mut only_enum_failures = true;
        for &alt in alts {
            let mut trial = Vec::new();
            self.walk(alt, node, path, &mut trial);
            if trial.is_empty() {
                return;
            }
            match trial.as_slice() {
                [Violation::NotInEnum {
                    allowed, pointer, ..
                }] if pointer.as_slice() == path.as_slice() => {
                    enum_values.extend(allowed.iter().cloned())
                }
                _ => only_enum_failures = false,
            }
            let type_matches = !trial
                .iter()
                .any(|v| matches!(v, Violation::WrongType { pointer, .. } if pointer.as_slice() == path.as_slice()));
            if type_matches && best.is_none() {
                best = Some(trial);
            }
        }
        if only_enum_failures && !enum_values.is_empty() {
            out.push(Violation::NotInEnum {
                node,
                allowed: enum_values,
                pointer: path.to_vec(),
            });
            return;
        }
        match best {
            Some(violations) => out.extend(violations),
            None => {
                let mut expected = Vec::new();
                for &alt in alts {
                    self.expected_types(alt, &mut expected, 0);
                }
                out.push(Violation::WrongType {
                    node,
                    expected,
                    pointer: path.to_vec(),
                });
            }
        }
    }

    /// What an alternative accepts, for "expected X or Y" messages (nested anyOf flattened).
    fn expected_types(&self, index: usize, out: &mut Vec<String>, depth: usize) {
        let Some(schema) = self.nodes.get(index) else {
            return;
        };
        let mut push = |t: String| {
            if !out.contains(&t) {
                out.push(t);
            }
        };
        if let Some(p) = &schema.pattern {
            push(describe_pattern(p));
            return;
        }
        if let Some(types) = &schema.types {
            types.iter().cloned().for_each(push);
            return;
        }
        if let Some(alts) = schema.any_of.as_ref().filter(|_| depth < 8) {
            for &alt in alts {
                self.expected_types(alt, out, depth + 1);
            }
        }
    }

    fn walk_object<'n>(
        &self,
        schema: &Compiled,
        map: &'n Node,
        entries: &'n [Entry],
        path: &mut WalkPath,
        out: &mut Vec<Violation<'n>>,
    ) {
        for entry in entries {
            let Some(key) = entry.key.as_str() else {
                out.push(Violation::NonStringKey {
                    entry,
                    pointer: path.to_vec(),
                });
                continue;
            };
            path.push_key(key);
            if let Some(names) = schema.property_names {
                if !self.accepts(names, &entry.key, path) {
                    out.push(Violation::InvalidKey {
                        entry,
                        pointer: path.to_vec(),
                    });
                    path.pop();
                    continue;
                }
            }
            match schema.properties.as_ref().and_then(|p| p.get(key)) {
                Some(&prop) => self.walk(prop, &entry.value, path, out),
                None => {
                    let known = || schema.known.clone();
                    match schema.additional {
                        Additional::Forbidden => out.push(Violation::UnknownKey {
                            entry,
                            known: known(),
                            closed: true,
                            pointer: path.to_vec(),
                        }),
                        Additional::Schema(extra) => {
                            self.walk(extra, &entry.value, path, out);
                            if !schema.known.is_empty() {
                                out.push(Violation::UnknownKey {
                                    entry,
                                    known: known(),
                                    closed: false,
                                    pointer: path.to_vec(),
                                });
                            }
                        }
                        Additional::Absent | Additional::Allowed => {
                            if !schema.known.is_empty() {
                                out.push(Violation::UnknownKey {
                                    entry,
                                    known: known(),
                                    closed: false,
                                    pointer: path.to_vec(),
                                })
                            }
                        }
                    }
                }
            }
            path.pop();
        }
        for (i, key) in schema.required.iter().enumerate() {
            if !entries.iter().any(|e| e.key.as_str() == Some(key.as_str())) {
                out.push(Violation::Missing {
                    map,
                    key: key.clone(),
                    expected: schema.required_types.get(i).cloned().flatten(),
                    pointer: path.to_vec(),
                });
            }
        }
    }

    fn check_range<'n>(
        &self,
        schema: &Compiled,
        node: &'n Node,
        path: &[String],
        out: &mut Vec<Violation<'n>>,
    ) {
        let mut report = |bound| {
            out.push(Violation::OutOfRange {
                node,
                bound,
                pointer: path.to_vec(),
            })
        };
        match &node.kind {
            NodeKind::Int(_) | NodeKind::Float(_) => {
                let value = match node.kind {
                    NodeKind::Int(i) => i as f64,
                    NodeKind::Float(f) => f,
                    _ => return,
                };
                if self.finite_numbers && !value.is_finite() {
                    out.push(Violation::NotFinite {
                        node,
                        pointer: path.to_vec(),
                    });
                    return;
                }
                if let Some(min) = schema.minimum.filter(|min| value < *min) {
                    report(Bound::Minimum(min));
                } else if let Some(min) = schema.exclusive_minimum.filter(|min| value <= *min) {
                    report(Bound::ExclusiveMinimum(min));
                } else if let Some(max) = schema.maximum.filter(|max| value > *max) {
                    report(Bound::Maximum(max));
                }
            }
            NodeKind::Str(text) if schema.min_length.is_some() || schema.max_length.is_some() => {
                let len = text.encode_utf16().count() as u64;
                if let Some(min) = schema.min_length.filter(|min| len < *min) {
                    report(Bound::MinLength(min));
                }
                if let Some(max) = schema.max_length.filter(|max| len > *max) {
                    report(Bound::MaxLength(max));
                }
            }
            NodeKind::Seq(items) => {
                if let Some(max) = schema.max_items.filter(|max| items.len() as u64 > *max) {
                    report(Bound::MaxItems(max));
                }
                if let Some(min) = schema.min_items.filter(|min| (items.len() as u64) < *min) {
                    report(Bound::MinItems(min));
                }
            }
            NodeKind::Map(entries) => {
                let len = entries.len() as u64;
                if let Some(max) = schema.max_properties.filter(|max| len > *max) {
                    report(Bound::MaxProperties(max));
                }
                if let Some(min) = schema.min_properties.filter(|min| len < *min) {
                    report(Bound::MinProperties(min));
                }
            }
            _ => {}
        }
    }
}

/// Whether an enum lists the node's value (compared as JSON, without converting collections).
fn enum_contains(allowed: &[Value], node: &Node) -> bool {
    match &node.kind {
        NodeKind::Str(s) => allowed.iter().any(|v| v.as_str() == Some(s.as_str())),
        NodeKind::Map(_) | NodeKind::Seq(_) => allowed.contains(&node.to_json()),
        _ => allowed.contains(&node.to_json()),
    }
}

pub(crate) fn schema_types(schema: &Value) -> Option<Vec<String>> {
    match schema.get("type")? {
        Value::String(t) => Some(vec![t.clone()]),
        Value::Array(ts) => Some(
            ts.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a node has a JSON-schema type, as the loaded Python value would be seen.
fn node_has_type(node: &Node, ty: &str) -> bool {
    match (&node.kind, ty) {
        (NodeKind::Null, "null") => true,
        (NodeKind::Bool(_), "boolean") => true,
        (NodeKind::Int(_), "integer" | "number") => true,
        (NodeKind::Float(f), "integer") => f.fract() == 0.0 && f.is_finite(),
        (NodeKind::Float(_), "number") => true,
        (NodeKind::Str(_), "string") => true,
        (NodeKind::Seq(_), "array") => true,
        (NodeKind::Map(_), "object") => true,
        _ => false,
    }
}

/// An ECMAScript pattern (zod's and Ajv's, `u` flag) as a Rust one: the character classes whose
/// meaning differs (`\d`, `\w` are ASCII in JavaScript) are spelt out, `\0` and `\/` become what
/// they mean. Lookarounds are kept (fancy-regex runs them). `None` when it does not compile.
pub(crate) fn js_regex(pattern: &str) -> Option<fancy_regex::Regex> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push_str("\\\\");
                    break;
                };
                let (bare, negated) = match next {
                    'd' => ("0-9", false),
                    'D' => ("0-9", true),
                    'w' => ("A-Za-z0-9_", false),
                    'W' => ("A-Za-z0-9_", true),
                    _ => ("", false),
                };
                if !bare.is_empty() {
                    if in_class && !negated {
                        out.push_str(bare);
                    } else {
                        out.push_str(if negated { "[^" } else { "[" });
                        out.push_str(bare);
                        out.push(']');
                    }
                    continue;
                }
                match next {
                    '0' => out.push_str("\\x00"),
                    '/' => out.push('/'),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // `[]` and `[^]` are JavaScript's empty and any-character classes.
                if chars.as_str().starts_with(']') {
                    chars.next();
                    out.push_str("^\\s\\S]");
                    in_class = false;
                } else if chars.as_str().starts_with("^]") {
                    chars.next();
                    chars.next();
                    out.push_str("\\s\\S]");
                    in_class = false;
                }
            }
            '[' => out.push_str("\\["),
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    fancy_regex::RegexBuilder::new(&out)
        .backtrack_limit(100_000)
        .build()
        .ok()
}

/// Whether `text` is a URL as JavaScript's `new URL()` (zod's `.url()`) accepts it: a scheme,
/// and for the special schemes a host without spaces.
fn is_url(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c <= ' ');
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp"];
    if !special.iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
        return true;
    }
    let after = rest.trim_start_matches(['/', '\\']);
    let authority = after
        .split(['/', '\\', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    !host.is_empty()
        && !host.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '^' | '|'))
}

/// Our schemas only use anchored literal-prefix patterns (`^os\.environ/`).
fn prefix_pattern_matches(pattern: &str, value: &str) -> bool {
    match pattern.strip_prefix('^') {
        Some(prefix) => value.starts_with(&prefix.replace('\\', "")),
        None => value.contains(&pattern.replace('\\', "")),
    }
}

fn describe_pattern(pattern: &str) -> String {
    if pattern.contains("os\\.environ/") {
        "an os.environ/NAME reference".to_string()
    } else {
        format!("a string matching {pattern}")
    }
}

/// "an integer", "a mapping", ... for messages.
pub fn describe_type(ty: &str) -> String {
    match ty {
        "integer" => "an integer".into(),
        "number" => "a number".into(),
        "string" => "a string".into(),
        "boolean" => "a boolean".into(),
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "null" => "null".into(),
        other => other.to_string(),
    }
}

/// "an integer or an os.environ/NAME reference" (null omitted: it only means "may be empty").
pub fn describe_expected(expected: &[String]) -> String {
    let parts: Vec<String> = expected
        .iter()
        .filter(|t| t.as_str() != "null")
        .map(|t| describe_type(t))
        .collect();
    match parts.len() {
        0 => "null".to_string(),
        1 => parts[0].clone(),
        _ => {
            let (last, rest) = parts
                .split_last()
                .map_or((String::new(), &parts[..0]), |(l, r)| (l.clone(), r));
            format!("{} or {}", rest.join(", "), last)
        }
    }
}

/// The walker's position as pointer segments. Popped segments keep their buffers for the next
/// push: walking a large file allocates no path strings.
#[derive(Default)]
struct WalkPath {
    segments: Vec<String>,
    len: usize,
}

impl WalkPath {
    fn next_buffer(&mut self) -> &mut String {
        if self.len == self.segments.len() {
            self.segments.push(String::new());
        }
        self.len += 1;
        let buffer = &mut self.segments[self.len - 1];
        buffer.clear();
        buffer
    }

    fn push_key(&mut self, key: &str) {
        self.next_buffer().push_str(key);
    }

    fn push_index(&mut self, index: usize) {
        use std::fmt::Write;
        let _ = write!(self.next_buffer(), "{index}");
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn as_slice(&self) -> &[String] {
        &self.segments[..self.len]
    }

    fn to_vec(&self) -> Vec<String> {
        self.as_slice().to_vec()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

    use super::*;
    use crate::syntax::{json5, FileId, Limits};
    use serde_json::json;

    fn node(text: &str) -> Node {
        json5::read(text, FileId::default(), &Limits::default())
            .unwrap()
            .root
            .unwrap()
    }

    /// The violations of `text` against `schema`, as `kind@pointer`.
    fn check(schema: &Value, text: &str) -> Vec<String> {
        let walker = SchemaWalker::new(schema)
            .finite_numbers(true)
            .js_patterns(true)
            .formats(true);
        let tree = node(text);
        walker
            .validate(&tree)
            .iter()
            .map(|v| {
                let kind = match v {
                    Violation::UnknownKey { .. } => "unknown",
                    Violation::Missing { .. } => "missing",
                    Violation::WrongType { .. } => "type",
                    Violation::NotInEnum { .. } => "enum",
                    Violation::OutOfRange { .. } => "range",
                    Violation::Pattern { .. } => "pattern",
                    Violation::InvalidKey { .. } => "key",
                    Violation::Forbidden { .. } => "not",
                    Violation::NotAUrl { .. } => "url",
                    _ => "other",
                };
                format!("{kind}@/{}", v.pointer().join("/"))
            })
            .collect()
    }

    #[test]
    fn ecmascript_patterns_run_with_their_javascript_meaning() {
        let matches = |p: &str, s: &str| js_regex(p).unwrap().is_match(s).unwrap();
        // Lookaheads (fancy-regex), `\/`, `\0`, ASCII `\d`.
        assert!(matches(
            r"^[Hh][Tt][Tt][Pp][Ss]?:\/\/(?![^/?#]*@)",
            "https://a.b/c"
        ));
        assert!(!matches(
            r"^[Hh][Tt][Tt][Pp][Ss]?:\/\/(?![^/?#]*@)",
            "https://u:p@a.b"
        ));
        assert!(matches(r"^\/(?!\/)[^\0]*[^/\0]$", "/usr/bin/x"));
        assert!(!matches(r"^\/(?!\/)[^\0]*[^/\0]$", "//x"));
        assert!(!matches(r"^\d+$", "١٢"), "\\d is ASCII in JavaScript");
        assert!(matches(r"^[\d,]+$", "1,2"));
        assert!(!matches(
            r"^(?!(?:constructor|prototype)$)[a-z0-9][a-z0-9_-]{0,63}$",
            "constructor"
        ));
        assert!(matches(
            r"^(?!\s)(?![\s\S]*\s$)[^\p{Cs}]{1,128}$",
            "ok name"
        ));
        assert!(!matches(
            r"^(?!\s)(?![\s\S]*\s$)[^\p{Cs}]{1,128}$",
            " padded"
        ));
    }

    #[test]
    fn urls_as_new_url_reads_them() {
        for ok in [
            "https://claw.example.com",
            "http://localhost:3000/x",
            "mailto:a@b",
            "HTTP:///host",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in ["not a url", "https://", "http://a b", "://x", "1http://x"] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn openclaw_schema_keywords() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "color": {"type": "string", "pattern": "^#?[0-9a-fA-F]{6}$"},
                "profiles": {
                    "type": "object",
                    "propertyNames": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                    "additionalProperties": {"type": "object"}
                },
                "range": {"type": "array", "items": [{"type": "number"}, {"type": "number"}], "additionalItems": false},
                "tags": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "url": {"type": "string", "format": "uri"},
                "vault": {
                    "type": "object",
                    "properties": {"vault": {"type": "string"}, "items": {"type": "object", "minProperties": 1}, "mode": {"type": "string", "default": "x"}},
                    "required": ["mode"],
                    "allOf": [{"if": {"required": ["vault"]}, "then": {"required": ["items"]}}],
                    "not": {"required": ["vault"], "properties": {"vault": {"const": "forbidden"}}}
                },
                "plugin": {
                    "$defs": {"ref": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}},
                    "type": "object",
                    "properties": {"secret": {"$ref": "#/$defs/ref"}}
                }
            }
        });
        assert_eq!(check(&schema, "{ color: '#12abEF', profiles: { ok: {} }, range: [1, 2], tags: ['a'], url: 'https://x.y', vault: {}, plugin: { secret: { id: 'a' } } }"), Vec::<String>::new());
        assert_eq!(
            check(&schema, "{ color: 'red', profiles: { Bad_Name: {} }, range: [1, 2, 3], tags: [], url: 'no url', plugin: { secret: {} } }"),
            [
                "pattern@/color",
                "key@/profiles/Bad_Name",
                "range@/range",
                "range@/tags",
                "url@/url",
                "missing@/plugin/secret",
            ]
        );
        // `mode` has a default (not missing); `if vault then items`; `items` has >= 1 key; `not`.
        assert_eq!(
            check(&schema, "{ vault: { vault: 'v' } }"),
            ["missing@/vault"]
        );
        assert_eq!(
            check(&schema, "{ vault: { vault: 'v', items: {} } }"),
            ["range@/vault/items"]
        );
        assert_eq!(
            check(
                &schema,
                "{ vault: { vault: 'forbidden', items: { a: 1 } } }"
            ),
            ["not@/vault"]
        );
    }
}
