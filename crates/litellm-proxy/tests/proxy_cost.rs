//! Costs compared with values computed by hand from LiteLLM's price tables, one model per provider
//! family. The rates are copied from `data/litellm-price-tables.json` (the union of the 1.80 and
//! 1.109 tables) into this file (and checked against it, so a table update shows here first);
//! the expected totals are worked out from them below, never by calling the proxy's own pricing.
//!
//! OpenAI-compatible families go end to end (proxy, an upstream answering fixed usage, the cost
//! header, the spend row); Anthropic, Gemini and Azure are priced from usage in the shape their
//! translations hand over (LiteLLM's convention, see HELPERS.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use litellm_check::env::Environment;
use litellm_proxy::pricing::{self, rates_for_model};
use litellm_proxy::usage::Usage;
use proxy_support::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// (table key, field, value) as written in the price table on the day these tests were written.
const RATES: &[(&str, &str, f64)] = &[
    ("gpt-4o", "input_cost_per_token", 2.5e-06),
    ("gpt-4o", "output_cost_per_token", 1e-05),
    ("gpt-4o", "cache_read_input_token_cost", 1.25e-06),
    ("groq/openai/gpt-oss-120b", "input_cost_per_token", 1.5e-07),
    ("groq/openai/gpt-oss-120b", "output_cost_per_token", 6e-07),
    ("deepseek/deepseek-chat", "input_cost_per_token", 2.8e-07),
    ("deepseek/deepseek-chat", "output_cost_per_token", 4.2e-07),
    (
        "deepseek/deepseek-chat",
        "cache_read_input_token_cost",
        2.8e-08,
    ),
    (
        "mistral/mistral-large-latest",
        "input_cost_per_token",
        5e-07,
    ),
    (
        "mistral/mistral-large-latest",
        "output_cost_per_token",
        1.5e-06,
    ),
    ("claude-sonnet-4-5", "input_cost_per_token", 3e-06),
    ("claude-sonnet-4-5", "output_cost_per_token", 1.5e-05),
    ("claude-sonnet-4-5", "cache_read_input_token_cost", 3e-07),
    (
        "claude-sonnet-4-5",
        "cache_creation_input_token_cost",
        3.75e-06,
    ),
    ("gemini/gemini-2.5-flash", "input_cost_per_token", 3e-07),
    ("gemini/gemini-2.5-flash", "output_cost_per_token", 2.5e-06),
    (
        "gemini/gemini-2.5-flash",
        "cache_read_input_token_cost",
        3e-08,
    ),
    (
        "gemini/gemini-2.5-flash",
        "output_cost_per_reasoning_token",
        2.5e-06,
    ),
    ("azure/gpt-4o", "input_cost_per_token", 2.5e-06),
    ("azure/gpt-4o", "output_cost_per_token", 1e-05),
    ("azure/gpt-4o", "cache_read_input_token_cost", 1.25e-06),
    // Only LiteLLM 1.80's table has these two (1.109 dropped them); the proxy prices them still.
    ("claude-sonnet-4-20250514", "input_cost_per_token", 3e-06),
    ("claude-sonnet-4-20250514", "output_cost_per_token", 1.5e-05),
    (
        "claude-sonnet-4-20250514",
        "cache_read_input_token_cost",
        3e-07,
    ),
    (
        "claude-sonnet-4-20250514",
        "cache_creation_input_token_cost",
        3.75e-06,
    ),
    ("gemini/gemini-1.5-pro", "input_cost_per_token", 3.5e-06),
    ("gemini/gemini-1.5-pro", "output_cost_per_token", 1.05e-05),
];

/// Hand-computed totals (USD), each with its working.
// gpt-4o: 1000 prompt of which 400 cached, 200 completion:
// 600 * 2.5e-6 + 400 * 1.25e-6 + 200 * 1e-5 = 0.0015 + 0.0005 + 0.002
const OPENAI_CACHED: f64 = 0.004;
// groq/openai/gpt-oss-120b: 2000 prompt, 500 completion (100 of them reasoning, no separate rate):
// 2000 * 1.5e-7 + 500 * 6e-7 = 0.0003 + 0.0003
const GROQ: f64 = 0.0006;
// deepseek-chat: 1000 prompt of which 600 cache hits, 100 completion:
// 400 * 2.8e-7 + 600 * 2.8e-8 + 100 * 4.2e-7 = 0.000112 + 0.0000168 + 0.000042
const DEEPSEEK: f64 = 0.0001708;
// mistral-large-latest: 300 prompt, 50 completion: 300 * 5e-7 + 50 * 1.5e-6 = 0.00015 + 0.000075
const MISTRAL: f64 = 0.000225;
// custom prices on the deployment (input 1e-6, output 2e-6, cache read 1e-7): 1000 prompt of
// which 500 cached, 10 completion: 500 * 1e-6 + 500 * 1e-7 + 10 * 2e-6 = 0.0005 + 0.00005 + 0.00002
const CUSTOM: f64 = 0.00057;
// claude-sonnet-4-5: 100 uncached + 2000 cache reads + 500 cache writes (prompt_tokens 2600),
// 300 completion: 100 * 3e-6 + 2000 * 3e-7 + 500 * 3.75e-6 + 300 * 1.5e-5
//   = 0.0003 + 0.0006 + 0.001875 + 0.0045
const ANTHROPIC: f64 = 0.007275;
// gemini-2.5-flash: 1000 prompt of which 800 cached, 200 completion of which 150 thoughts:
// 200 * 3e-7 + 800 * 3e-8 + 50 * 2.5e-6 + 150 * 2.5e-6 = 0.00006 + 0.000024 + 0.000125 + 0.000375
const GEMINI: f64 = 0.000584;
// azure deployment priced as base_model azure/gpt-4o: 1000 prompt of which 200 cached, 100
// completion: 800 * 2.5e-6 + 200 * 1.25e-6 + 100 * 1e-5 = 0.002 + 0.00025 + 0.001
const AZURE: f64 = 0.00325;

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= expected.abs() * 1e-9
}

#[test]
fn the_rates_used_here_are_the_price_tables() {
    let tables: Value =
        serde_json::from_str(include_str!("../../../data/litellm-price-tables.json"))
            .unwrap_or_else(|e| panic!("price tables: {e}"));
    let table = &tables["models"];
    for (key, field, value) in RATES {
        assert_eq!(
            table[key][field].as_f64(),
            Some(*value),
            "{key}.{field} changed in the price table: update this test's hand computations"
        );
    }
    for key in ["claude-sonnet-4-20250514", "gemini/gemini-1.5-pro"] {
        assert_eq!(
            table[key]["in"],
            json!(["1.80"]),
            "{key}: only LiteLLM 1.80's table has it"
        );
    }
}

/// The usage each fake upstream model answers with.
fn usage_for(model: &str) -> Value {
    match model {
        "gpt-4o" => {
            json!({"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200, "prompt_tokens_details": {"cached_tokens": 400}})
        }
        "openai/gpt-oss-120b" => {
            json!({"prompt_tokens": 2000, "completion_tokens": 500, "total_tokens": 2500, "completion_tokens_details": {"reasoning_tokens": 100}})
        }
        // DeepSeek reports cache hits both ways.
        "deepseek-chat" => {
            json!({"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100, "prompt_cache_hit_tokens": 600, "prompt_cache_miss_tokens": 400, "prompt_tokens_details": {"cached_tokens": 600}})
        }
        "mistral-large-latest" => {
            json!({"prompt_tokens": 300, "completion_tokens": 50, "total_tokens": 350})
        }
        "custom-model" => {
            json!({"prompt_tokens": 1000, "completion_tokens": 10, "total_tokens": 1010, "prompt_tokens_details": {"cached_tokens": 500}})
        }
        _ => json!({"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}),
    }
}

#[derive(Default)]
struct Seen {
    /// model -> (path, whether the body asked for stream usage)
    calls: Mutex<HashMap<String, (String, bool)>>,
}

/// An OpenAI-compatible upstream answering fixed usage; Mistral-style models send the usage chunk
/// unasked, the others only when `stream_options.include_usage` asks for it.
async fn upstream(State(seen): State<Arc<Seen>>, uri: Uri, _: HeaderMap, body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = request["model"].as_str().unwrap_or("").to_string();
    let asked = request
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Ok(mut calls) = seen.calls.lock() {
        calls.insert(model.clone(), (uri.path().to_string(), asked));
    }
    let usage = usage_for(&model);
    if request["stream"].as_bool() != Some(true) {
        let body = json!({"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
            "usage": usage});
        return ([("content-type", "application/json")], body.to_string()).into_response();
    }
    let chunk = |choices: Value, usage: Option<&Value>| {
        let mut c = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": choices});
        if let Some(u) = usage {
            c["usage"] = u.clone();
        }
        format!("data: {c}\n\n")
    };
    let mut text = chunk(
        json!([{"index": 0, "delta": {"role": "assistant", "content": "hi"}, "finish_reason": null}]),
        None,
    );
    let unasked_usage = model.starts_with("mistral");
    if unasked_usage {
        text.push_str(&chunk(
            json!([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
            Some(&usage),
        ));
    } else {
        text.push_str(&chunk(
            json!([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
            None,
        ));
        if asked {
            text.push_str(&chunk(json!([]), Some(&usage)));
        }
    }
    text.push_str("data: [DONE]\n\n");
    ([("content-type", "text/event-stream")], text).into_response()
}

async fn start_upstream() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::post(upstream))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen)
}

const CONFIG: &str = r#"
model_list:
  - model_name: openai
    litellm_params: {model: openai/gpt-4o, api_base: UPSTREAM/v1, api_key: sk-openai}
  - model_name: groq
    litellm_params: {model: groq/openai/gpt-oss-120b}
  - model_name: deepseek
    litellm_params: {model: deepseek/deepseek-chat}
  - model_name: mistral
    litellm_params: {model: mistral/mistral-large-latest}
  - model_name: custom
    litellm_params: {model: openai/custom-model, api_base: UPSTREAM/v1, input_cost_per_token: 1.0e-6, output_cost_per_token: 2.0e-6}
    model_info: {cache_read_input_token_cost: 1.0e-7}
general_settings: {master_key: sk-test-master-key}
"#;

async fn start_proxy(name: &str) -> (Harness, Arc<Seen>) {
    let (base, seen) = start_upstream().await;
    let mut env = Environment::empty();
    for (key, value) in [
        ("GROQ_API_KEY", "gsk-test"),
        ("GROQ_API_BASE", &format!("{base}/openai/v1")),
        ("DEEPSEEK_API_KEY", "ds-test"),
        ("DEEPSEEK_API_BASE", &format!("{base}/beta")),
        ("MISTRAL_API_KEY", "ms-test"),
        // Without `/v1`: LiteLLM adds it for Mistral.
        ("MISTRAL_API_BASE", &base),
    ] {
        env.set(key, value);
    }
    let yaml = CONFIG.replace("UPSTREAM", &base);
    let harness = start_with_env(name, &yaml, env).await;
    (harness, seen)
}

fn cost_header(reply: &Reply) -> f64 {
    reply
        .header("x-litellm-response-cost")
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no cost header: {:?}", reply.headers))
}

#[tokio::test]
async fn openai_compatible_calls_cost_what_the_table_says() {
    let (h, seen) = start_proxy("cost-families").await;
    for (group, expected) in [
        ("openai", OPENAI_CACHED),
        ("groq", GROQ),
        ("deepseek", DEEPSEEK),
        ("mistral", MISTRAL),
        ("custom", CUSTOM),
    ] {
        let reply = h.chat(group).await;
        assert_eq!(reply.status, 200, "{group}: {}", reply.text);
        let cost = cost_header(&reply);
        assert!(close(cost, expected), "{group}: {cost} != {expected}");
        let id = reply.header("x-litellm-call-id").unwrap_or("").to_string();
        let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
        let spend = rows[0]["spend"].as_f64().unwrap_or(-1.0);
        assert!(close(spend, expected), "{group} spend row: {spend}");
    }
    let calls = seen.calls.lock().map(|c| c.clone()).unwrap_or_default();
    assert_eq!(
        calls.get("mistral-large-latest").map(|c| c.0.as_str()),
        Some("/v1/chat/completions"),
        "LiteLLM appends /v1 to a Mistral base without it"
    );
    assert_eq!(
        calls.get("openai/gpt-oss-120b").map(|c| c.0.as_str()),
        Some("/openai/v1/chat/completions")
    );
}

#[tokio::test]
async fn cache_tokens_reach_the_spend_row() {
    let (h, _) = start_proxy("cost-cache-row").await;
    let reply = h.chat("openai").await;
    let id = reply.header("x-litellm-call-id").unwrap_or("").to_string();
    let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
    let row = &rows[0];
    assert_eq!(row["prompt_tokens"], 1000);
    assert_eq!(row["completion_tokens"], 200);
    assert_eq!(row["total_tokens"], 1200);
    let usage = &row["metadata"]["usage_object"];
    assert_eq!(
        usage["prompt_tokens_details"]["cached_tokens"], 400,
        "{row}"
    );
    assert_eq!(usage["cache_read_input_tokens"], 400, "{row}");
}

#[tokio::test]
async fn streams_are_priced_from_the_final_usage() {
    let (h, seen) = start_proxy("cost-streams").await;
    for (group, expected) in [("groq", GROQ), ("mistral", MISTRAL)] {
        let mut body = chat_body(group);
        body["stream"] = json!(true);
        let reply = h.post("/v1/chat/completions", body).await;
        assert_eq!(reply.status, 200, "{group}: {}", reply.text);
        // LiteLLM cannot know a stream's cost when it sends the headers, and leaves it out.
        assert_eq!(reply.header("x-litellm-response-cost"), None);
        // Usage the client did not ask for is not forwarded (a chunk asked for by the proxy is
        // dropped; usage on Mistral's last content chunk is removed), as LiteLLM does.
        assert!(!reply.text.contains("\"usage\""), "{group}: {}", reply.text);
        let id = reply.header("x-litellm-call-id").unwrap_or("").to_string();
        let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
        let spend = rows[0]["spend"].as_f64().unwrap_or(-1.0);
        assert!(close(spend, expected), "{group} stream spend: {spend}");
    }
    let calls = seen.calls.lock().map(|c| c.clone()).unwrap_or_default();
    assert_eq!(
        calls.get("openai/gpt-oss-120b").map(|c| c.1),
        Some(true),
        "Groq streams ask for usage"
    );
    assert_eq!(
        calls.get("mistral-large-latest").map(|c| c.1),
        Some(false),
        "Mistral reports usage unasked and rejects unknown fields: no stream_options"
    );
}

fn usage(value: Value) -> Usage {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("usage: {e}"))
}

#[test]
fn anthropic_gemini_and_azure_usage_is_priced_by_the_table() {
    // Anthropic's translation: prompt_tokens = input + cache reads + cache writes.
    let anthropic = usage(json!({
        "prompt_tokens": 2600, "completion_tokens": 300, "total_tokens": 2900,
        "prompt_tokens_details": {"cached_tokens": 2000},
        "cache_read_input_tokens": 2000, "cache_creation_input_tokens": 500
    }));
    let cost = pricing::cost(
        rates_for_model("anthropic", "claude-sonnet-4-5", None),
        &anthropic,
    );
    assert!(cost.is_some_and(|c| close(c, ANTHROPIC)), "{cost:?}");

    // Gemini's translation: cachedContentTokenCount as cached tokens, thoughts as reasoning.
    let gemini = usage(json!({
        "prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200,
        "prompt_tokens_details": {"cached_tokens": 800},
        "completion_tokens_details": {"reasoning_tokens": 150}
    }));
    let cost = pricing::cost(rates_for_model("gemini", "gemini-2.5-flash", None), &gemini);
    assert!(cost.is_some_and(|c| close(c, GEMINI)), "{cost:?}");

    // An Azure deployment name says nothing about the model: `base_model` prices it.
    let azure = usage(json!({
        "prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100,
        "prompt_tokens_details": {"cached_tokens": 200}
    }));
    let cost = pricing::cost(
        rates_for_model("azure", "my-gpt4o-deployment", Some("azure/gpt-4o")),
        &azure,
    );
    assert!(cost.is_some_and(|c| close(c, AZURE)), "{cost:?}");
    assert_eq!(
        rates_for_model("azure", "my-gpt4o-deployment", None),
        None,
        "no base_model, no price"
    );
}

#[tokio::test]
async fn anthropic_calls_through_the_proxy_charge_cache_writes_then_reads() {
    let config = "model_list:\n  - model_name: claude\n    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: API_BASE, api_key: sk-ant-test}\ngeneral_settings: {master_key: sk-test-master-key}\n";
    let h = start("cost-anthropic", config).await;
    let body = json!({"model": "claude", "messages": [
        {"role": "system", "content": [{"type": "text", "text": "A long shared preamble. ".repeat(40), "cache_control": {"type": "ephemeral"}}]},
        {"role": "user", "content": "hello"}
    ]});
    let mut saw = (false, false);
    for _ in 0..2 {
        let reply = h.post("/v1/chat/completions", body.clone()).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let usage = &reply.json()["usage"];
        let count = |key: &str| usage[key].as_u64().unwrap_or(0) as f64;
        let (read, written) = (
            count("cache_read_input_tokens"),
            count("cache_creation_input_tokens"),
        );
        saw = (saw.0 || written > 0.0, saw.1 || read > 0.0);
        // claude-sonnet-4-5's rates from RATES, applied by hand to what the upstream reported.
        let expected = (count("prompt_tokens") - read - written) * 3e-06
            + read * 3e-07
            + written * 3.75e-06
            + count("completion_tokens") * 1.5e-05;
        let cost = cost_header(&reply);
        assert!(close(cost, expected), "{cost} != {expected}: {usage}");
    }
    assert_eq!(
        saw,
        (true, true),
        "the first call writes the cache, the second reads it"
    );
}

#[tokio::test]
async fn gemini_and_azure_calls_through_the_proxy_are_priced_by_the_table() {
    let config = "model_list:
  - model_name: flash
    litellm_params: {model: gemini/gemini-2.5-flash, api_base: API_BASE, api_key: test-gemini-key}
  - model_name: azure
    litellm_params: {model: azure/gpt4o-prod, api_base: API_BASE, api_key: azure-key, api_version: '2024-10-21'}
    model_info: {base_model: azure/gpt-4o}
general_settings: {master_key: sk-test-master-key}
";
    let h = start("cost-gemini-azure", config).await;
    let behaviour =
        mock_upstream::Behaviour::parse("cached=12,thoughts=5").unwrap_or_else(|e| panic!("{e}"));
    h.mock.set_behaviour("gemini-2.5-flash", behaviour);
    // (group, input, cache read, output, reasoning) from RATES.
    for (group, input, read_rate, output, reasoning_rate) in [
        ("flash", 3e-07, 3e-08, 2.5e-06, 2.5e-06),
        ("azure", 2.5e-06, 1.25e-06, 1e-05, 1e-05),
    ] {
        let reply = h.chat(group).await;
        assert_eq!(reply.status, 200, "{group}: {}", reply.text);
        let usage = &reply.json()["usage"];
        let count = |v: &Value| v.as_u64().unwrap_or(0) as f64;
        let cached = count(&usage["prompt_tokens_details"]["cached_tokens"]);
        // The Azure mock reports no cache reads; its deployment is priced through base_model.
        if group == "flash" {
            assert!(cached > 0.0, "the cache path is exercised: {usage}");
        }
        let reasoning = count(&usage["completion_tokens_details"]["reasoning_tokens"]);
        let expected = (count(&usage["prompt_tokens"]) - cached) * input
            + cached * read_rate
            + (count(&usage["completion_tokens"]) - reasoning) * output
            + reasoning * reasoning_rate;
        let cost = cost_header(&reply);
        assert!(
            close(cost, expected),
            "{group}: {cost} != {expected}: {usage}"
        );
    }
}

/// The seed's own models are priced by LiteLLM 1.80's table only (1.109's dropped them): the
/// proxy prices every model either table prices, so they get a cost header and a spend row with
/// their cost.
#[tokio::test]
async fn models_only_the_older_table_prices_are_priced() {
    let config = "model_list:
  - model_name: sonnet-4
    litellm_params: {model: anthropic/claude-sonnet-4-20250514, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: gemini-pro
    litellm_params: {model: gemini/gemini-1.5-pro, api_base: API_BASE, api_key: test-gemini-key}
general_settings: {master_key: sk-test-master-key}
";
    let h = start("cost-older-table", config).await;
    // (group, input, cache read, cache write, output) per token, from RATES (1.80's table;
    // gemini-1.5-pro has no cache or reasoning rate, so those tokens cost the base rates).
    for (group, input, read_rate, write_rate, output) in [
        ("sonnet-4", 3e-06, 3e-07, 3.75e-06, 1.5e-05),
        ("gemini-pro", 3.5e-06, 3.5e-06, 3.5e-06, 1.05e-05),
    ] {
        let reply = h.chat(group).await;
        assert_eq!(reply.status, 200, "{group}: {}", reply.text);
        let usage = &reply.json()["usage"];
        let count = |v: &Value| v.as_u64().unwrap_or(0) as f64;
        let prompt = count(&usage["prompt_tokens"]);
        let completion = count(&usage["completion_tokens"]);
        assert!(prompt > 0.0 && completion > 0.0, "{group}: {usage}");
        let read = count(&usage["prompt_tokens_details"]["cached_tokens"]);
        let written = count(&usage["cache_creation_input_tokens"]);
        let expected = (prompt - read - written) * input
            + read * read_rate
            + written * write_rate
            + completion * output;
        let cost = cost_header(&reply);
        assert!(
            close(cost, expected),
            "{group}: {cost} != {expected}: {usage}"
        );
        let id = reply.header("x-litellm-call-id").unwrap_or("").to_string();
        let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
        let spend = rows[0]["spend"].as_f64().unwrap_or(-1.0);
        assert!(close(spend, expected), "{group} spend row: {spend}");
    }
}
