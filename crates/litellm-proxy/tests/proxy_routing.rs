//! Name resolution (exact, `model_group_alias`, wildcard, in LiteLLM's order) and load balancing
//! inside a model group: simple-shuffle weights, `order` tiers, least-busy and latency-based
//! routing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;

/// LiteLLM 1.80 with groups `a`, `gpt-*` (`openai/*`) and alias `gpt-x: a` sends `gpt-x` to
/// `a`'s deployment (upstream `gpt-4o`), and names the group `gpt-x` in its headers: an alias is
/// tried before wildcard patterns.
#[tokio::test]
async fn an_alias_wins_over_a_wildcard_that_also_matches() {
    let config = r#"
model_list:
  - {model_name: a, litellm_params: {model: openai/gpt-4o, api_base: API_BASE}}
  - {model_name: gpt-*, litellm_params: {model: openai/*, api_base: API_BASE}}
router_settings:
  model_group_alias: {gpt-x: a}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("route-alias-first", config).await;
    let reply = h.chat("gpt-x").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(h.mock.hits("gpt-4o"), 1, "the alias's group served it");
    assert_eq!(h.mock.hits("x"), 0, "not the wildcard's capture");
    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt-x"));

    let reply = h.chat("gpt-y").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(h.mock.hits("y"), 1, "other names still reach the wildcard");
}

#[tokio::test]
async fn simple_shuffle_weights_follow_litellm_1_109() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/heavy, api_base: API_BASE, weight: 3}}
  - {model_name: g, litellm_params: {model: openai/light, api_base: API_BASE, weight: 1}}
  - {model_name: g, litellm_params: {model: openai/unweighted, api_base: API_BASE, rpm: 1000}}
  - {model_name: r, litellm_params: {model: openai/r-big, api_base: API_BASE, rpm: 900}}
  - {model_name: r, litellm_params: {model: openai/r-small, api_base: API_BASE, rpm: 100}}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("route-weights", config).await;
    for _ in 0..400 {
        assert_eq!(h.chat("g").await.status, 200);
    }
    let (heavy, light) = (h.mock.hits("heavy"), h.mock.hits("light"));
    assert_eq!(
        h.mock.hits("unweighted"),
        0,
        "a deployment without `weight` gets none while others have one"
    );
    assert_eq!(heavy + light, 400);
    assert!(
        heavy > light * 2 && light > 0,
        "3:1 weights, got {heavy}:{light}"
    );

    for _ in 0..200 {
        assert_eq!(h.chat("r").await.status, 200);
    }
    assert!(
        h.mock.hits("r-big") > h.mock.hits("r-small"),
        "rpm is the weight when no `weight` is set"
    );
}

#[tokio::test]
async fn order_tiers_serve_lowest_first() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/no-order, api_base: API_BASE}}
  - {model_name: g, litellm_params: {model: openai/second, api_base: API_BASE, order: 2}}
  - {model_name: g, litellm_params: {model: openai/first, api_base: API_BASE}, model_info: {order: 1}}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("route-order", config).await;
    for _ in 0..20 {
        assert_eq!(h.chat("g").await.status, 200);
    }
    assert_eq!(
        (
            h.mock.hits("first"),
            h.mock.hits("second"),
            h.mock.hits("no-order")
        ),
        (20, 0, 0)
    );
}

#[tokio::test]
async fn least_busy_avoids_the_deployment_with_a_call_in_flight() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/a-delay-300, api_base: API_BASE}}
  - {model_name: g, litellm_params: {model: openai/b-delay-300, api_base: API_BASE}}
router_settings: {routing_strategy: least-busy}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("route-least-busy", config).await;
    let first = h.chat("g");
    let second = async {
        // Let the first call be routed before the second one asks.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        h.chat("g").await
    };
    let (a, b) = tokio::join!(first, second);
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(
        (h.mock.hits("a-delay-300"), h.mock.hits("b-delay-300")),
        (1, 1)
    );
}

#[tokio::test]
async fn latency_based_routing_prefers_the_fast_deployment() {
    let config = r#"
model_list:
  - {model_name: g, litellm_params: {model: openai/slow-delay-60, api_base: API_BASE}}
  - {model_name: g, litellm_params: {model: openai/fast, api_base: API_BASE}}
router_settings: {routing_strategy: latency-based-routing}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("route-latency", config).await;
    // Deployments without a measurement count as fastest, so both get tried first.
    for _ in 0..50 {
        if h.mock.hits("slow-delay-60") > 0 && h.mock.hits("fast") > 0 {
            break;
        }
        assert_eq!(h.chat("g").await.status, 200);
    }
    assert!(h.mock.hits("slow-delay-60") > 0 && h.mock.hits("fast") > 0);
    h.mock.reset_counts();
    for _ in 0..10 {
        assert_eq!(h.chat("g").await.status, 200);
    }
    assert_eq!(h.mock.hits("fast"), 10);
}
