//! Text renderings of an explanation: `human` (for a terminal) and `mermaid` (the fallback
//! graph as a `flowchart LR`, for a README or a pull request). `json` is the explanation's own
//! serialization.

use std::fmt::Write;

use crate::fast_hash::{FastMap, FastSet};

use serde_json::{Map, Value};

use super::{Choice, ConfigExplanation, DeploymentView, FallbackChain, ModelExplanation, ViaView};

/// The whole config for a terminal.
pub fn human_config(e: &ConfigExplanation) -> String {
    let mut out = String::new();
    let r = &e.router;
    let _ = writeln!(
        out,
        "Router: {}; num_retries {}; max_fallbacks {}{}{}{}",
        r.routing_strategy,
        value(&r.num_retries),
        value(&r.max_fallbacks),
        r.cooldown_time
            .as_ref()
            .map_or(String::new(), |v| format!("; cooldown_time {}", value(v))),
        r.allowed_fails
            .as_ref()
            .map_or(String::new(), |v| format!("; allowed_fails {}", value(v))),
        if r.disable_cooldowns {
            "; cooldowns disabled"
        } else {
            ""
        },
    );
    if !r.retry_policy.is_empty() {
        let _ = writeln!(out, "  retry_policy: {}", pairs(&r.retry_policy));
    }
    for (group, policy) in &r.model_group_retry_policy {
        if let Value::Object(policy) = policy {
            let _ = writeln!(
                out,
                "  model_group_retry_policy `{group}`: {}",
                pairs(policy)
            );
        }
    }

    let title = format!("Model groups ({})", e.groups.len());
    section(&mut out, &title, e.groups.is_empty(), "none");
    for g in &e.groups {
        let _ = writeln!(
            out,
            "  {}{}",
            g.name,
            if g.wildcard { "  (wildcard)" } else { "" }
        );
        for d in &g.deployments {
            let mut line = deployment_line(d);
            proxy_skip_note(&mut line, d);
            let _ = writeln!(out, "    {line}");
        }
    }

    let title = format!("Aliases ({})", e.aliases.len());
    section(&mut out, &title, e.aliases.is_empty(), "none");
    for a in &e.aliases {
        let hidden = if a.hidden { " (hidden)" } else { "" };
        match &a.group {
            Some(group) if *group == a.target => {
                let _ = writeln!(out, "  {} -> {}{hidden}", a.name, a.target);
            }
            Some(group) => {
                let _ = writeln!(
                    out,
                    "  {} -> {} (group `{group}`){hidden}",
                    a.name, a.target
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  {} -> {}{hidden}: not served (nothing answers to `{}`)",
                    a.name, a.target, a.target
                );
            }
        }
    }

    let title = "Wildcard routes, in the order tried";
    section(&mut out, title, e.wildcard_routes.is_empty(), "none");
    for w in &e.wildcard_routes {
        let models: Vec<String> = w
            .deployments
            .iter()
            .map(|d| {
                format!(
                    "model_list[{}] {}",
                    d.index,
                    d.model.as_deref().unwrap_or("(model missing)")
                )
            })
            .collect();
        let _ = writeln!(out, "  {}. {}  -> {}", w.rank, w.pattern, models.join(", "));
    }

    section(&mut out, "Fallbacks", e.fallbacks.is_empty(), "none");
    for f in &e.fallbacks {
        let from = match (f.kind, f.from.as_str()) {
            ("default", _) => "every group without its own rule".to_string(),
            (_, "*") => "every group".to_string(),
            (_, name) => name.to_string(),
        };
        let _ = writeln!(
            out,
            "  {} ({}): {from} -> {}",
            f.kind,
            f.section,
            f.to.join(", ")
        );
    }

    let everything = "nothing: it serves every deployment";
    section(
        &mut out,
        "litellm-proxy skips",
        e.proxy_skips.is_empty(),
        everything,
    );
    for s in &e.proxy_skips {
        let _ = writeln!(
            out,
            "  model_list[{}] (group `{}`): {}",
            s.index, s.model_name, s.reason
        );
    }
    out
}

/// A heading after a blank line, and `when_empty` under it for an empty section.
fn section(out: &mut String, title: &str, is_empty: bool, when_empty: &str) {
    let _ = writeln!(out, "\n{title}:");
    if is_empty {
        let _ = writeln!(out, "  {when_empty}");
    }
}

/// One requested name for a terminal.
pub fn human_model(e: &ModelExplanation) -> String {
    let mut out = String::new();
    let (Some(group), Some(via)) = (&e.group, &e.via) else {
        let _ = write!(
            out,
            "{}: not served by this config (no model_name, model_group_alias or wildcard matches it)",
            e.model
        );
        match &e.did_you_mean {
            Some(name) => {
                let _ = writeln!(out, "; did you mean `{name}`?");
            }
            None => out.push('\n'),
        }
        return out;
    };
    let _ = writeln!(out, "{} -> group `{group}` ({})", e.model, via_text(via));
    let _ = writeln!(
        out,
        "  Deployments, in order of preference ({}):",
        e.routing_strategy
    );
    choices(&mut out, &e.deployments, "    ");

    let retries = &e.retries;
    let tiers: Vec<String> = retries
        .tiers
        .iter()
        .map(|t| {
            let source = if t.from == "router" {
                if retries.default {
                    "router num_retries, LiteLLM's default".to_string()
                } else {
                    "router num_retries".to_string()
                }
            } else {
                format!("{} num_retries", t.from)
            };
            format!("tier {}: {} ({source})", t.tier, value(&t.num_retries))
        })
        .collect();
    let _ = writeln!(out, "  Retries: {}", tiers.join("; "));
    if !retries.policy.is_empty() {
        let _ = writeln!(out, "    by error class: {}", pairs(&retries.policy));
    }

    out.push_str("  Fallbacks:\n");
    for chain in &e.fallbacks {
        fallback_chain(&mut out, chain);
    }

    let proxy = &e.proxy;
    if proxy.same_as_litellm {
        out.push_str("  litellm-proxy: routes it the same way\n");
    } else {
        match (&proxy.group, &proxy.via) {
            (Some(group), Some(via)) => {
                let _ = writeln!(
                    out,
                    "  litellm-proxy: group `{group}` ({}), from the deployments it serves:",
                    via_text(via)
                );
                choices(&mut out, &proxy.deployments, "    ");
            }
            _ => out.push_str(
                "  litellm-proxy: cannot serve it (it skips every deployment that would; answers 400)\n",
            ),
        }
    }
    out
}

fn choices(out: &mut String, list: &[Choice], indent: &str) {
    let mut tier = 0;
    for c in list {
        if c.tier != tier {
            tier = c.tier;
            let order = c
                .deployment
                .order
                .as_ref()
                .map_or("no order".to_string(), |o| format!("order {}", value(o)));
            let _ = writeln!(out, "{indent}tier {tier} ({order})");
        }
        let mut line = deployment_line(&c.deployment);
        if let Some(model) = &c.upstream_model {
            let _ = write!(line, "  calls `{model}`");
        }
        if let Some(share) = c.share {
            let _ = write!(line, "  share {:.0}%", share * 100.0);
            if let Some(by) = c.drawn_by {
                let _ = write!(line, " by {by}");
            }
        }
        proxy_skip_note(&mut line, &c.deployment);
        let _ = writeln!(out, "{indent}  {line}");
    }
}

fn fallback_chain(out: &mut String, chain: &FallbackChain) {
    let kind = chain.kind.replace('_', "-");
    let retried = if chain.retried {
        "after retries"
    } else {
        "not retried"
    };
    if chain.uses != chain.kind {
        let _ = writeln!(
            out,
            "    {kind} errors ({retried}): no {}_fallbacks, the general list applies",
            chain.kind
        );
        return;
    }
    if chain.steps.is_empty() {
        let _ = writeln!(
            out,
            "    {kind} errors ({retried}): no fallback; the error is returned"
        );
        return;
    }
    let _ = writeln!(out, "    {kind} errors ({retried}):");
    for step in &chain.steps {
        let indent = "  ".repeat(step.depth);
        let target = match (step.outcome, &step.group, &step.via) {
            ("tried", Some(group), Some(via)) if *group == step.to => {
                format!("{} ({})", step.to, via.kind)
            }
            ("tried", Some(group), Some(via)) => {
                format!("{} (group `{group}`, {})", step.to, via.kind)
            }
            (outcome, _, _) => format!("{}: {outcome}", step.to),
        };
        let _ = writeln!(out, "    {indent}{} fails -> {target}", step.from);
    }
    if let Some(stopped) = &chain.stopped {
        let _ = writeln!(out, "      stop: {stopped}");
    }
}

fn deployment_line(d: &DeploymentView) -> String {
    let mut line = format!(
        "model_list[{}]  {}",
        d.index,
        d.model.as_deref().unwrap_or("(model missing)")
    );
    if let Some(provider) = &d.provider {
        let _ = write!(line, "  provider {provider}");
    }
    match (&d.api_base_host, &d.api_base_from) {
        (Some(host), Some(from)) if from == "litellm_params" => {
            let _ = write!(line, "  api_base {host}");
        }
        (Some(host), Some(from)) => {
            let _ = write!(line, "  api_base {host} ({from})");
        }
        (None, Some(from)) => {
            let _ = write!(line, "  api_base from {from}");
        }
        _ => {}
    }
    for (key, setting) in [
        ("order", &d.order),
        ("weight", &d.weight),
        ("rpm", &d.rpm),
        ("tpm", &d.tpm),
        ("num_retries", &d.num_retries),
    ] {
        if let Some(v) = setting {
            let _ = write!(line, "  {key} {}", value(v));
        }
    }
    if let Some(mode) = &d.mode {
        let _ = write!(line, "  mode {mode}");
    }
    line
}

fn proxy_skip_note(line: &mut String, d: &DeploymentView) {
    if let Some(skip) = &d.proxy_skip {
        let _ = write!(line, "  [litellm-proxy skips it: {skip}]");
    }
}

fn via_text(via: &ViaView) -> String {
    let captures = via
        .captures
        .as_ref()
        .map(|c| {
            let quoted: Vec<String> = c.iter().map(|s| format!("`{s}`")).collect();
            format!(", captures {}", quoted.join(", "))
        })
        .unwrap_or_default();
    match (via.kind, &via.target) {
        ("alias", Some(target)) => format!("alias of `{target}`{captures}"),
        (kind, _) => format!("{kind}{captures}"),
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn pairs(list: &Map<String, Value>) -> String {
    list.iter()
        .map(|(k, v)| format!("{k} {}", value(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A Mermaid flowchart of named nodes and labelled edges, each listed once (hashed: a config
/// may hold thousands of fallback rules).
#[derive(Default)]
struct Flowchart {
    nodes: Vec<String>,
    ids: FastMap<String, usize>,
    edges: Vec<(usize, usize, &'static str)>,
    seen: FastSet<(usize, usize, &'static str)>,
}

impl Flowchart {
    fn node(&mut self, label: &str) -> usize {
        if let Some(&id) = self.ids.get(label) {
            return id;
        }
        self.nodes.push(label.to_string());
        self.ids.insert(label.to_string(), self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: &str, to: &str, label: &'static str) {
        let edge = (self.node(from), self.node(to), label);
        if self.seen.insert(edge) {
            self.edges.push(edge);
        }
    }

    fn render(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for (i, label) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "  n{i}[\"{}\"]", mermaid_text(label));
        }
        for (from, to, label) in &self.edges {
            let _ = writeln!(out, "  n{from} -->|{}| n{to}", mermaid_text(label));
        }
        out
    }
}

/// Text safe inside a quoted Mermaid label: quotes and `#` as entity codes, no line breaks.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The config's fallback graph: an edge from each rule's group to each target, labelled by kind.
pub fn mermaid_config(e: &ConfigExplanation) -> String {
    let mut chart = Flowchart::default();
    for f in &e.fallbacks {
        let from = match (f.kind, f.from.as_str()) {
            ("default", _) => "any group without its own rule",
            (_, "*") => "every group",
            (_, name) => name,
        };
        for to in &f.to {
            chart.edge(from, to, f.kind);
        }
    }
    chart.render()
}

/// The fallbacks the requested names walk: the requested name to its group, then each step.
pub fn mermaid_models(list: &[ModelExplanation]) -> String {
    let mut chart = Flowchart::default();
    for e in list {
        chart.node(&e.model);
        if let (Some(group), Some(via)) = (&e.group, &e.via) {
            if *group != e.model {
                chart.edge(&e.model, group, via.kind);
            }
        }
        for chain in e.fallbacks.iter().filter(|c| c.uses == c.kind) {
            // A target already tried is not called again: it is no edge of the walk.
            for step in chain.steps.iter().filter(|s| s.outcome != "already tried") {
                let to = match step.outcome {
                    "not served" => format!("{} (not served)", step.to),
                    _ => step.to.clone(),
                };
                chart.edge(&step.from, &to, chain.kind);
            }
        }
    }
    chart.render()
}
