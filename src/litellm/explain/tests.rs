use super::*;
use crate::env::Environment;
use crate::syntax::{yaml, FileId, Limits};

fn config(text: &str) -> ResolvedConfig {
    let doc = yaml::read(text, FileId(0), &Limits::default()).unwrap();
    ResolvedConfig::from_root(doc.root.as_ref().unwrap())
}

fn explain(text: &str, model: &str) -> ModelExplanation {
    let config = config(text);
    let env = Environment::empty();
    Explainer::new(&config, env.presence()).model(model)
}

#[test]
fn an_alias_wins_over_a_wildcard_that_also_matches() {
    let e = explain(
        "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o}\n\
         \x20 - model_name: gpt-*\n    litellm_params: {model: openai/*}\n\
         router_settings:\n  model_group_alias: {gpt-x: a}\n",
        "gpt-x",
    );
    assert_eq!(e.group.as_deref(), Some("a"));
    assert_eq!(e.via.as_ref().map(|v| v.kind), Some("alias"));
    assert_eq!(e.deployments[0].upstream_model.as_deref(), Some("gpt-4o"));
    let wild = explain(
        "model_list:\n  - model_name: gpt-*\n    litellm_params: {model: openai/*}\n",
        "gpt-y",
    );
    assert_eq!(wild.deployments[0].upstream_model.as_deref(), Some("y"));
    assert_eq!(
        wild.via.and_then(|v| v.captures),
        Some(vec!["y".to_string()])
    );
}

#[test]
fn tiers_and_weights_give_the_order_of_preference() {
    let e = explain(
        "model_list:\n  - model_name: g\n    litellm_params: {model: openai/a, weight: 3}\n\
         \x20 - model_name: g\n    litellm_params: {model: openai/b, weight: 1}\n\
         \x20 - model_name: g\n    litellm_params: {model: openai/c, order: 1, num_retries: 7}\n",
        "g",
    );
    let order: Vec<(usize, usize, Option<f64>)> = e
        .deployments
        .iter()
        .map(|c| (c.tier, c.deployment.index, c.share))
        .collect();
    assert_eq!(
        order,
        vec![(1, 2, Some(1.0)), (2, 0, Some(0.75)), (2, 1, Some(0.25))]
    );
    assert_eq!(e.retries.tiers[0].from, "model_list[2]");
    assert_eq!(e.retries.tiers[1].num_retries, Value::from(2));
}

#[test]
fn the_fallback_walk_skips_what_was_tried_and_stops_at_max_fallbacks() {
    let text = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a}\n\
         \x20 - model_name: b\n    litellm_params: {model: openai/b}\n\
         \x20 - model_name: c\n    litellm_params: {model: openai/c}\n\
         router_settings:\n  max_fallbacks: 2\n  fallbacks: [{a: [b, gone]}, {b: [a, c]}]\n\
         \x20 context_window_fallbacks: [{a: [c]}]\n";
    let e = explain(text, "a");
    let general = &e.fallbacks[0];
    let steps: Vec<(&str, &str, &str)> = general
        .steps
        .iter()
        .map(|s| (s.from.as_str(), s.to.as_str(), s.outcome))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("a", "b", "tried"),
            ("b", "a", "already tried"),
            ("b", "c", "tried")
        ]
    );
    assert_eq!(
        general.stopped.as_deref(),
        Some("max_fallbacks (2) reached")
    );
    let context = &e.fallbacks[1];
    assert_eq!((context.uses, context.retried), ("context_window", false));
    let policy = &e.fallbacks[2];
    assert_eq!((policy.uses, policy.retried), ("general", true));
}

#[test]
fn a_miss_suggests_the_closest_name() {
    let e = explain(
        "model_list:\n  - model_name: gpt-4o\n    litellm_params: {model: openai/gpt-4o}\n",
        "gpt4o",
    );
    assert_eq!(e.group, None);
    assert_eq!(e.did_you_mean.as_deref(), Some("gpt-4o"));
}

#[test]
fn the_proxy_view_leaves_out_unrouted_providers() {
    let text = "model_list:\n  - model_name: c\n    litellm_params: {model: bedrock/claude}\n\
         \x20 - model_name: c\n    litellm_params: {model: openai/gpt-4o}\n\
         \x20 - model_name: only-bedrock\n    litellm_params: {model: bedrock/x}\n\
         \x20 - model_name: only-*\n    litellm_params: {model: openai/*}\n";
    let e = explain(text, "c");
    assert!(!e.proxy.same_as_litellm);
    let proxied: Vec<usize> = e
        .proxy
        .deployments
        .iter()
        .map(|c| c.deployment.index)
        .collect();
    assert_eq!(proxied, vec![1]);
    let only = explain(text, "only-bedrock");
    assert_eq!(only.group.as_deref(), Some("only-bedrock"));
    assert_eq!(
        only.proxy.group.as_deref(),
        Some("only-*"),
        "the proxy does not know the group, so the wildcard answers"
    );
    assert_eq!(
        only.proxy.deployments[0].upstream_model.as_deref(),
        Some("bedrock")
    );
}

#[test]
fn nothing_secret_is_shown() {
    let config = config(
        "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a, api_key: sk-very-secret, api_base: \"https://user:pw@host.example:8443/v1?key=q\"}\n\
         \x20 - model_name: b\n    litellm_params: {model: os.environ/SECRET_MODEL, api_base: os.environ/BASE}\n",
    );
    let mut env = Environment::empty();
    env.set("SECRET_MODEL", "openai/hidden-value");
    env.set("BASE", "https://hidden.example");
    let explainer = Explainer::new(&config, env.presence());
    let whole = serde_json::to_string(&explainer.config()).unwrap();
    let b = serde_json::to_string(&explainer.model("b")).unwrap();
    let a = serde_json::to_string(&explainer.model("a")).unwrap();
    for text in [&whole, &a, &b, &render::human_config(&explainer.config())] {
        for secret in ["sk-very-secret", "pw", "key=q", "hidden"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert!(a.contains("host.example:8443"));
    assert!(b.contains("os.environ/SECRET_MODEL"));
}

#[test]
fn url_host_keeps_only_host_and_port() {
    assert_eq!(
        url_host("https://u:p@h.example:1/v1?x#y").as_deref(),
        Some("h.example:1")
    );
    assert_eq!(
        url_host("http://localhost:4000").as_deref(),
        Some("localhost:4000")
    );
    assert_eq!(url_host("https://").as_deref(), None);
}

#[test]
fn a_long_fallback_walk_is_bounded() {
    let mut text = String::from("model_list:\n");
    for i in 0..300 {
        text.push_str(&format!(
            "  - model_name: g{i}\n    litellm_params: {{model: openai/x}}\n"
        ));
    }
    text.push_str("router_settings:\n  max_fallbacks: 100000\n  default_fallbacks: [");
    text.push_str(
        &(0..300)
            .map(|i| format!("g{i}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    text.push_str("]\n");
    let e = explain(&text, "g0");
    let general = &e.fallbacks[0];
    assert!(general.steps.len() <= MAX_WALK_STEPS);
    assert!(general.stopped.is_some());
}
