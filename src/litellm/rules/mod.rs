//! The LiteLLM rules, one file per family. Each reads the merged tree through [`Context`] and
//! pushes findings.

pub mod env;
pub mod fallbacks;
pub mod models;
pub mod routing;
pub mod schema;
pub mod settings;
pub mod yaml11;

use crate::diagnostic::Diagnostic;
use crate::env::Presence;
use crate::syntax::{Node, SourceMap};

use super::resolved::ResolvedConfig;

/// What every rule may look at.
pub struct Context<'a> {
    pub root: &'a Node,
    pub sources: &'a SourceMap,
    /// The resolved model of the config (groups, fallbacks, router settings), built once.
    pub resolved: &'a ResolvedConfig,
    /// Whether variables are set: rules never see a value, so no finding can print one.
    pub env: Presence<'a>,
    /// `--require-env`: unset variables are errors.
    pub require_env: bool,
    /// `--for litellm-proxy`: what only the reference proxy cannot do is reported too.
    pub for_proxy: bool,
    /// The LiteLLM versions judged against: a finding that holds for only some says which.
    pub versions: crate::litellm_version::Versions,
}

impl Context<'_> {
    /// A top-level section, if it is a mapping.
    pub fn section(&self, name: &str) -> Option<&Node> {
        self.root.get(name).filter(|n| n.as_map().is_some())
    }

    /// The deployments of `model_list` that are mappings, with their index.
    pub fn deployments(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.root
            .get("model_list")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_map().is_some())
    }
}

/// Runs every rule family. On a large file the families run on two threads (the tree is
/// read-only); findings come out in the same order either way.
pub fn run_all(ctx: &Context, out: &mut Vec<Diagnostic>) {
    type Family = fn(&Context, &mut Vec<Diagnostic>);
    // Split so that both halves cost about the same on big model lists.
    const FIRST: [Family; 3] = [schema::check, models::check, routing::check];
    const SECOND: [Family; 4] = [fallbacks::check, env::check, settings::check, yaml11::check];
    let run = |families: &[Family]| {
        let mut found = Vec::new();
        for family in families {
            family(ctx, &mut found);
        }
        found
    };
    let large = ctx
        .root
        .get("model_list")
        .and_then(Node::as_seq)
        .is_some_and(|list| list.len() >= PARALLEL_FROM_DEPLOYMENTS)
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let (first, second) = if large {
        std::thread::scope(|scope| {
            let second = scope.spawn(|| run(&SECOND));
            let first = run(&FIRST);
            // A panic in a rule is a bug; rerunning on this thread reports it as it would
            // have been reported without threads.
            let second = second.join().unwrap_or_else(|_| run(&SECOND));
            (first, second)
        })
    } else {
        (run(&FIRST), run(&SECOND))
    };
    out.extend(first);
    out.extend(second);
}

/// Below this many deployments a second thread costs more than it saves.
const PARALLEL_FROM_DEPLOYMENTS: usize = 500;

/// One step of a walker's path, kept as a reference: the JSON pointer text is only built for a
/// finding, not for every node of a large file.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    Key(&'a Node),
    Index(usize),
}

impl Seg<'_> {
    /// The key as a string, when this step is a string key.
    pub fn key(&self) -> Option<&str> {
        match self {
            Seg::Key(node) => node.as_str(),
            Seg::Index(_) => None,
        }
    }
}

/// The JSON pointer of a walker path.
pub fn path_pointer(path: &[Seg]) -> String {
    crate::diagnostic::pointer(path.iter().map(|s| match s {
        Seg::Key(node) => node.scalar_text(),
        Seg::Index(i) => i.to_string(),
    }))
}
