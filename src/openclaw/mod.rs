//! OpenClaw config checks: read `openclaw.json` exactly as OpenClaw 2026.9.6 does (JSON5,
//! `$include`, `env.vars`, `${VAR}`, legacy roster migration), then check the model-related
//! schema strictly and every model ref, optionally against a LiteLLM config's model groups.

pub mod agents;
pub mod env;
pub mod legacy;
pub mod load;
pub mod model;
pub mod providers;
pub mod refs;
pub mod schema;
pub mod upstream;

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::env::Environment;
use crate::litellm::{CheckOptions, ModelGroups};
use crate::syntax::{Budget, Limits, Node, ReadError, SourceFile, SourceMap, Span};

/// The main file could not be read at all (missing, a directory, not UTF-8): exit 2. One type
/// for both formats.
pub use crate::litellm::load::LoadError;

/// The JSON Schema generated from the model types.
pub fn schema() -> serde_json::Value {
    schema::generate()
}

/// Checks one OpenClaw config. `litellm` adds the cross-file checks; `options.require_env`
/// makes an unset `${VAR}` an error.
pub fn check(
    path: &Path,
    options: &CheckOptions,
    sources: &mut SourceMap,
    litellm: Option<&ModelGroups>,
) -> Result<Vec<Diagnostic>, LoadError> {
    let (env, require_env) = (&options.env, options.require_env);
    let limits = options.limits;
    let mut budget = Budget::new(&limits);
    let mut out = Vec::new();
    let text = match read_main(path, &limits, &mut budget, sources)? {
        Ok(text) => text,
        Err(too_large) => return Ok(vec![too_large]),
    };
    let root = match load::parse_file(path, text, sources, &mut out) {
        Ok(root) => root,
        Err(d) => {
            out.push(d);
            return Ok(out);
        }
    };
    if let Err(message) = budget.spend_nodes(root.count()) {
        out.push(Diagnostic::new(Code::OcJson5Syntax, root.span, message));
        return Ok(out);
    }
    let main_real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut includes = load::Includes::new(path, env, sources, budget);
    let resolved = includes.resolve(root, path, &mut vec![main_real], 1);
    out.append(&mut includes.diagnostics);
    let mut root = match resolved {
        Ok(root) => root,
        Err(d) => {
            out.push(d);
            return Ok(out);
        }
    };
    if root.as_map().is_none() {
        out.push(
            Diagnostic::new(
                Code::OcNotAnObject,
                root.span,
                format!(
                    "Invalid input: expected object, received {}",
                    root.type_name()
                ),
            )
            .with_pointer(""),
        );
        return Ok(out);
    }
    check_tree(&mut root, env, litellm, require_env, sources, &mut out);
    env::mask_vars(&root, sources);
    crate::diagnostic::mask_secrets(&out, sources);
    crate::diagnostic::sort(&mut out);
    Ok(out)
}

/// Reads the main file through the one bounded reader. `Ok(Err(finding))` when it is over the
/// size limit (OC001: the config is unusable, as for a syntax error); `Err` when it cannot be
/// read at all (missing, not a regular file, not UTF-8: exit 2).
fn read_main(
    path: &Path,
    limits: &Limits,
    budget: &mut Budget,
    sources: &mut SourceMap,
) -> Result<Result<String, Diagnostic>, LoadError> {
    let fail = |message: String| LoadError {
        path: path.to_path_buf(),
        message,
    };
    match budget.read_file(path, limits.max_bytes) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Ok)
            .map_err(|_| fail(ReadError::NotUtf8.to_string())),
        Err(ReadError::TooLarge { limit }) => {
            let file = sources.add(SourceFile::new(path, String::new()));
            Ok(Err(Diagnostic::new(
                Code::OcJson5Syntax,
                Span::new(file, 0, 0),
                format!("the file is larger than the limit of {limit} bytes"),
            )))
        }
        Err(e) => Err(fail(e.to_string())),
    }
}

/// The checks after reading: env, migration, schema, rules, refs.
fn check_tree(
    root: &mut Node,
    env: &Environment,
    litellm: Option<&ModelGroups>,
    require_env: bool,
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    let config_env = env::export_vars(root, env, out);
    let substituted = env::substitute(root, &config_env, require_env, &mut Vec::new(), out);
    agents::migrate_legacy_list(root, out);
    legacy::migrate_context_budget(root, out);

    let mut validator = schema::Validator::new(&substituted, sources);
    validator.check_root(root);
    out.append(&mut validator.diagnostics);

    providers::check(root, &substituted, out);
    agents::check(root, &substituted, out);

    let refs = refs::collect(root, &substituted);
    let catalog = refs::Catalog::of(root);
    let served = |name: &str| litellm.is_some_and(|g| g.contains(name));
    refs::check(&refs, &catalog, &served, sources, out);
    if let Some(groups) = litellm {
        crate::refs::check(root, &refs, &catalog, groups, &substituted, out);
    }
    substituted.redactions.apply(out);
}
