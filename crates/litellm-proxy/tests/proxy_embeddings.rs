//! `POST /v1/embeddings` through the proxy against the mock: OpenAI-compatible, Azure and Gemini
//! (`batchEmbedContents`/`embedContent`) deployments, `encoding_format` and `dimensions` passed through, the price table's input price
//! as the cost (header and spend row), retries and fallbacks on the pipeline, 400s for inputs
//! OpenAI refuses (no upstream call), and the official OpenAI Python SDK as a client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use mock_upstream::Behaviour;
use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - model_name: embed
    litellm_params: {model: openai/text-embedding-3-small, api_base: API_BASE, api_key: sk-upstream}
    model_info: {mode: embedding}
  - model_name: azure-embed
    litellm_params: {model: azure/text-embedding-3-small, api_base: API_BASE, api_key: azure-key, api_version: "2024-10-21"}
    model_info: {mode: embedding}
  - model_name: flaky
    litellm_params: {model: openai/flaky-fail-503, api_base: API_BASE}
    model_info: {mode: embedding}
  - model_name: claude
    litellm_params: {model: anthropic/claude-x, api_base: API_BASE, api_key: k}
  - model_name: gemini-embed
    litellm_params: {model: gemini/gemini-embedding-001, api_base: API_BASE, api_key: test-gemini-key}
    model_info: {mode: embedding}
router_settings:
  num_retries: 1
  fallbacks: [{flaky: [embed]}]
general_settings: {master_key: sk-test-master-key}
"#;

/// text-embedding-3-small's `input_cost_per_token` in the price table (checked below).
const SMALL_INPUT: f64 = 2e-08;
const AZURE_SMALL_INPUT: f64 = 2.2e-08;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 + b.abs() * 1e-9
}

#[test]
fn the_rates_are_the_price_tables() {
    let tables: Value =
        serde_json::from_str(include_str!("../../../data/litellm-price-tables.json")).unwrap();
    let table = &tables["models"];
    assert_eq!(
        table["text-embedding-3-small"]["input_cost_per_token"].as_f64(),
        Some(SMALL_INPUT)
    );
    assert_eq!(
        table["azure/text-embedding-3-small"]["input_cost_per_token"].as_f64(),
        Some(AZURE_SMALL_INPUT)
    );
}

#[tokio::test]
async fn an_embedding_request_goes_upstream_and_is_priced() {
    let h = start("embeddings-basic", CONFIG).await;
    for path in ["/v1/embeddings", "/embeddings"] {
        let reply = h
            .post(
                path,
                json!({"model": "embed", "input": ["hello there", "and again"], "dimensions": 4, "encoding_format": "float", "user": "u1"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let body = reply.json();
        assert_eq!(body["object"], "list");
        let data = body["data"].as_array().unwrap();
        assert_eq!(data.len(), 2);
        assert_eq!(data[1]["index"], 1);
        assert_eq!(data[0]["embedding"].as_array().unwrap().len(), 4);
        // 11 and 9 characters: 3 + 3 tokens by the mock's count.
        assert_eq!(body["usage"]["prompt_tokens"], 6);
        let cost: f64 = reply
            .header("x-litellm-response-cost")
            .unwrap_or_else(|| panic!("no cost header"))
            .parse()
            .unwrap();
        assert!(close(cost, 6.0 * SMALL_INPUT), "{cost}");
        assert_eq!(reply.header("x-litellm-model-group"), Some("embed"));
        let seen = h.mock.last_request("text-embedding-3-small").unwrap();
        assert!(seen.path.ends_with("/embeddings"), "{}", seen.path);
        assert_eq!(seen.body["model"], "text-embedding-3-small");
        assert_eq!(seen.body["dimensions"], 4);
        assert_eq!(seen.body["encoding_format"], "float");
        assert_eq!(seen.body["user"], "u1");
        assert_eq!(seen.header("authorization"), Some("Bearer sk-upstream"));
        let id = reply.header("x-litellm-call-id").unwrap().to_string();
        let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
        assert!(close(rows[0]["spend"].as_f64().unwrap(), 6.0 * SMALL_INPUT));
        assert_eq!(rows[0]["prompt_tokens"], 6);
        assert_eq!(rows[0]["model_group"], "embed");
    }
}

#[tokio::test]
async fn base64_and_token_inputs_pass_through() {
    let h = start("embeddings-base64", CONFIG).await;
    let reply = h
        .post(
            "/v1/embeddings",
            json!({"model": "embed", "input": [[1, 2, 3], [4, 5]], "encoding_format": "base64"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    // 8 dimensions of f32: 32 bytes, 44 base64 characters.
    assert_eq!(body["data"][0]["embedding"].as_str().unwrap().len(), 44);
    assert_eq!(body["usage"]["prompt_tokens"], 5);
}

#[tokio::test]
async fn azure_embeddings_use_the_deployment_url() {
    let h = start("embeddings-azure", CONFIG).await;
    let reply = h
        .post(
            "/v1/embeddings",
            json!({"model": "azure-embed", "input": "hello"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h.mock.last_request("text-embedding-3-small").unwrap();
    assert!(
        seen.path
            .ends_with("/openai/deployments/text-embedding-3-small/embeddings"),
        "{}",
        seen.path
    );
    assert_eq!(seen.query, "api-version=2024-10-21");
    assert_eq!(seen.header("api-key"), Some("azure-key"));
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .unwrap()
        .parse()
        .unwrap();
    assert!(close(cost, 2.0 * AZURE_SMALL_INPUT), "{cost}");
}

#[tokio::test]
async fn failures_retry_and_fall_back_on_the_pipeline() {
    let h = start("embeddings-fallback", CONFIG).await;
    let reply = h
        .post("/v1/embeddings", json!({"model": "flaky", "input": "hi"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("embed"));
    // One call and one retry on the failing deployment, then the fallback.
    assert_eq!(h.mock.hits("flaky-fail-503"), 2);
    assert_eq!(h.mock.hits("text-embedding-3-small"), 1);
}

#[tokio::test]
async fn bad_requests_never_reach_the_upstream() {
    let h = start("embeddings-bad", CONFIG).await;
    for (body, param) in [
        (json!({"model": "embed"}), "input"),
        (json!({"model": "embed", "input": []}), "input"),
        (json!({"model": "embed", "input": [1, "a"]}), "input"),
        (
            json!({"model": "embed", "input": "x", "encoding_format": "int8"}),
            "encoding_format",
        ),
        (
            json!({"model": "embed", "input": "x", "dimensions": -1}),
            "dimensions",
        ),
    ] {
        let reply = h.post("/v1/embeddings", body.clone()).await;
        let error = assert_openai_error(&reply, 400);
        assert_eq!(error["param"], param, "{body}");
    }
    assert_eq!(h.mock.total_hits(), 0);
    let unknown = h
        .post("/v1/embeddings", json!({"model": "nope", "input": "x"}))
        .await;
    let error = assert_openai_error(&unknown, 400);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("/embeddings: Invalid model name passed in model=nope"));
    // A provider without an embeddings implementation: LiteLLM's unmapped-provider 400.
    let claude = h
        .post("/v1/embeddings", json!({"model": "claude", "input": "x"}))
        .await;
    let error = assert_openai_error(&claude, 400);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Unmapped LLM provider for this endpoint"));
    let unauthorized = h
        .post_with(
            "/v1/embeddings",
            json!({"model": "embed", "input": "x"}),
            &[],
        )
        .await;
    assert_eq!(unauthorized.status, 401);
}

#[tokio::test]
async fn a_malformed_upstream_answer_is_an_error() {
    let h = start("embeddings-broken", CONFIG).await;
    for broken in ["wrongshape", "html", "badjson"] {
        h.mock
            .set_behaviour("text-embedding-3-small", Behaviour::parse(broken).unwrap());
        let reply = h
            .post(
                "/v1/embeddings",
                json!({"model": "embed", "input": "x", "num_retries": 0}),
            )
            .await;
        assert!(
            reply.status >= 500,
            "{broken}: {} {}",
            reply.status,
            reply.text
        );
    }
}

#[tokio::test]
async fn the_openai_sdk_embeds_through_the_proxy() {
    if !openai_sdk_installed() {
        return;
    }
    let h = start("embeddings-sdk", CONFIG).await;
    run_sdk_script(&h, "sdk_endpoints.py", &[("SDK_CASE", "embeddings".into())]).await;
}

const GEMINI: &str = r#"
model_list:
  - model_name: gemini-embed
    litellm_params: {model: gemini/gemini-embedding-001, api_base: API_BASE, api_key: test-gemini-key}
    model_info: {mode: embedding}
  - model_name: gemini-broken
    litellm_params: {model: gemini/embed-fail-503, api_base: API_BASE, api_key: test-gemini-key}
    model_info: {mode: embedding}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
"#;

/// gemini/gemini-embedding-001's `input_cost_per_token` in the price table.
const GEMINI_INPUT: f64 = 1.5e-07;

/// Gemini deployments embed through Google's `batchEmbedContents` (text) and `embedContent`
/// (media), with `dimensions` as `outputDimensionality`, and come back as OpenAI lists priced at
/// the price table's input rate; the mock refuses what Google refuses (an OpenAI body, unknown
/// fields, a request naming another model).
#[tokio::test]
async fn gemini_deployments_embed_through_batch_embed_contents() {
    let tables: Value =
        serde_json::from_str(include_str!("../../../data/litellm-price-tables.json")).unwrap();
    assert_eq!(
        tables["models"]["gemini/gemini-embedding-001"]["input_cost_per_token"].as_f64(),
        Some(GEMINI_INPUT)
    );
    let h = start("embeddings-gemini", GEMINI).await;
    let reply = h
        .post(
            "/v1/embeddings",
            json!({"model": "gemini-embed", "input": ["hello world", "x"], "dimensions": 5,
                   "encoding_format": "float", "user": "u1", "task_type": "RETRIEVAL_DOCUMENT"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["object"], "list");
    assert_eq!(body["model"], "gemini-embedding-001");
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[1]["index"], 1);
    assert_eq!(data[0]["object"], "embedding");
    assert_eq!(data[0]["embedding"].as_array().unwrap().len(), 5);
    // LiteLLM counts the joined texts ("hello worldx") with cl100k: 3 tokens.
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 3, "total_tokens": 3})
    );
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .unwrap()
        .parse()
        .unwrap();
    assert!(close(cost, 3.0 * GEMINI_INPUT), "{cost}");
    let seen = h.mock.last_request("gemini-embedding-001").unwrap();
    assert!(
        seen.path
            .ends_with("/v1beta/models/gemini-embedding-001:batchEmbedContents"),
        "{}",
        seen.path
    );
    assert_eq!(seen.header("x-goog-api-key"), Some("test-gemini-key"));
    assert_eq!(
        seen.body,
        json!({"requests": [
            {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "hello world"}]},
             "outputDimensionality": 5, "taskType": "RETRIEVAL_DOCUMENT"},
            {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "x"}]},
             "outputDimensionality": 5, "taskType": "RETRIEVAL_DOCUMENT"},
        ]})
    );
    let id = reply.header("x-litellm-call-id").unwrap().to_string();
    let rows = h.spend_rows(&format!("?request_id={id}"), 1).await;
    assert!(close(
        rows[0]["spend"].as_f64().unwrap(),
        3.0 * GEMINI_INPUT
    ));
    assert_eq!(rows[0]["custom_llm_provider"], "gemini");

    // The OpenAI SDKs' default: base64 of little-endian f32s, decoded back to the floats.
    let reply = h
        .post(
            "/embeddings",
            json!({"model": "gemini-embed", "input": "one", "encoding_format": "base64"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let encoded = reply.json()["data"][0]["embedding"]
        .as_str()
        .unwrap()
        .to_string();
    let floats = decode_f32s(&encoded);
    assert_eq!(floats.len(), 8, "the mock's default length");
    assert_eq!(floats[0], 0.125);

    // Media: one embedding of all the parts, through embedContent.
    let reply = h
        .post(
            "/v1/embeddings",
            json!({"model": "gemini-embed", "input": ["a cat", "data:image/png;base64,iVBORw0KGgo="]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["data"].as_array().unwrap().len(), 1);
    let seen = h.mock.last_request("gemini-embedding-001").unwrap();
    assert!(seen.path.ends_with(":embedContent"), "{}", seen.path);
    assert_eq!(
        seen.body["content"]["parts"][1],
        json!({"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}})
    );

    // Token ids cannot go to Gemini; Google's errors come back with LiteLLM's status.
    h.mock.reset_counts();
    let reply = h
        .post(
            "/v1/embeddings",
            json!({"model": "gemini-embed", "input": [1, 2, 3]}),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(h.mock.total_hits(), 0);
    let reply = h
        .post(
            "/v1/embeddings",
            json!({"model": "gemini-broken", "input": "x"}),
        )
        .await;
    assert_eq!(reply.status, 503, "{}", reply.text);
}

fn decode_f32s(text: &str) -> Vec<f32> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        acc = (acc << 6) | ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push(((acc >> bits) & 0xff) as u8);
        }
    }
    bytes
        .chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}
