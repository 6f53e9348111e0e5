//! `azure/...` deployments through the proxy against the mock's Azure OpenAI protocol: the
//! deployment URL with `api-version`, `api-key` versus Azure AD token, the content filter and
//! token limits as fallback triggers, retries, and what the mock refuses as Azure does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use mock_upstream::MockUpstream;
use proxy_support::*;
use serde_json::{json, Value};

const CONFIG: &str = r#"
model_list:
  - {model_name: gpt4o, litellm_params: {model: azure/gpt4o-prod, api_base: API_BASE, api_key: azure-key, api_version: "2024-10-21"}}
  - {model_name: ad, litellm_params: {model: azure/ad-deploy, api_base: API_BASE, azure_ad_token: ad-token-1}}
  - {model_name: both, litellm_params: {model: azure/both-deploy, api_base: API_BASE, api_key: azure-key, azure_ad_token: ad-token-1}}
  - {model_name: defaults, litellm_params: {model: azure/defaults-deploy, api_base: API_BASE, api_key: azure-key}}
  - {model_name: filtered, litellm_params: {model: azure/filtered-content-policy, api_base: API_BASE, api_key: azure-key}}
  - {model_name: small, litellm_params: {model: azure/small-context-length, api_base: API_BASE, api_key: azure-key}}
  - {model_name: busy, litellm_params: {model: azure/busy-fail-429, api_base: API_BASE, api_key: azure-key}}
  - {model_name: missing, litellm_params: {model: azure/unknown-deploy, api_base: API_BASE, api_key: azure-key}}
  - {model_name: anonymous, litellm_params: {model: azure/anonymous-deploy, api_base: API_BASE}}
  - {model_name: v1, litellm_params: {model: azure/v1-deploy, api_base: API_BASE, api_key: azure-key, api_version: preview}}
  - {model_name: backup, litellm_params: {model: openai/backup, api_base: API_BASE}}
router_settings:
  num_retries: 1
  content_policy_fallbacks: [{filtered: [backup]}]
  context_window_fallbacks: [{small: [gpt4o]}]
  fallbacks: [{busy: [gpt4o]}]
general_settings: {master_key: sk-test-master-key}
"#;

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

#[tokio::test]
async fn a_completion_goes_to_the_deployment_url_with_api_key_and_version() {
    let h = start("azure-complete", CONFIG).await;
    let reply = h.chat("gpt4o").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["choices"][0]["message"]["content"], "Hello w1 w2");
    assert!(body["usage"]["total_tokens"].as_u64().unwrap_or(0) > 0);
    let seen = h
        .mock
        .last_request("gpt4o-prod")
        .unwrap_or_else(|| panic!("the mock saw no Azure request"));
    assert!(
        seen.path
            .ends_with("/openai/deployments/gpt4o-prod/chat/completions"),
        "{}",
        seen.path
    );
    assert_eq!(seen.query, "api-version=2024-10-21");
    assert_eq!(seen.header("api-key"), Some("azure-key"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.body["model"], "gpt4o-prod");
    assert_eq!(
        seen.body["messages"][0]["content"],
        "Say hello to the test suite"
    );
}

#[tokio::test]
async fn a_stream_passes_through_with_usage() {
    let h = start("azure-stream", CONFIG).await;
    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "gpt4o", "messages": [{"role": "user", "content": "hi"}],
                   "stream": true, "stream_options": {"include_usage": true}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let events = sse_data(&reply.text);
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let content: String = events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(e).ok())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(content, "Hello w1 w2");
    assert!(reply.text.contains("\"usage\""));
}

#[tokio::test]
async fn an_ad_token_is_a_bearer_token_and_the_key_wins_over_it() {
    let h = start("azure-ad", CONFIG).await;
    assert_eq!(h.chat("ad").await.status, 200);
    let seen = h.mock.last_request("ad-deploy").unwrap_or_default();
    assert_eq!(seen.header("authorization"), Some("Bearer ad-token-1"));
    assert_eq!(seen.header("api-key"), None);

    assert_eq!(h.chat("both").await.status, 200);
    let seen = h.mock.last_request("both-deploy").unwrap_or_default();
    assert_eq!(seen.header("api-key"), Some("azure-key"));
    assert_eq!(seen.header("authorization"), None);

    // Neither: Azure's 401, LiteLLM's AuthenticationError.
    let reply = h.chat("anonymous").await;
    let error = assert_openai_error(&reply, 401);
    assert!(
        text(&error["message"])
            .starts_with("litellm.AuthenticationError: AzureException - Access denied"),
        "{error}"
    );
}

#[tokio::test]
async fn the_v1_api_versions_use_the_openai_v1_route_with_a_bearer_key() {
    let h = start("azure-v1", CONFIG).await;
    let reply = h.chat("v1").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = h.mock.last_request("v1-deploy").unwrap_or_default();
    assert!(
        seen.path.ends_with("/openai/v1/chat/completions"),
        "{}",
        seen.path
    );
    assert_eq!(seen.query, "");
    assert_eq!(seen.header("authorization"), Some("Bearer azure-key"));
    assert_eq!(seen.header("api-key"), None);
    assert_eq!(seen.body["model"], "v1-deploy");
}

#[tokio::test]
async fn version_key_token_and_base_come_from_the_environment() {
    let h = start("azure-default-version", CONFIG).await;
    assert_eq!(h.chat("defaults").await.status, 200);
    let seen = h.mock.last_request("defaults-deploy").unwrap_or_default();
    assert_eq!(seen.query, "api-version=2025-02-01-preview");

    // No api_base in the config: AZURE_API_BASE names a mock of this test's own.
    let config = r#"
model_list:
  - {model_name: env, litellm_params: {model: azure/env-deploy}}
general_settings: {master_key: sk-test-master-key}
"#;
    let own = MockUpstream::start()
        .await
        .unwrap_or_else(|e| panic!("mock: {e}"));
    let mut env = Environment::empty();
    env.set("AZURE_API_BASE", own.api_base());
    env.set("AZURE_API_VERSION", "2024-06-01");
    env.set("AZURE_AD_TOKEN", "env-token");
    let h = start_with_env("azure-env", config, env).await;
    let reply = h.chat("env").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = own.last_request("env-deploy").unwrap_or_default();
    assert_eq!(seen.query, "api-version=2024-06-01");
    assert_eq!(seen.header("authorization"), Some("Bearer env-token"));
    assert_eq!(h.mock.total_hits(), 0);

    let mut env = Environment::empty();
    env.set("AZURE_API_BASE", own.api_base());
    env.set("AZURE_API_KEY", "env-key");
    let h = start_with_env("azure-env-key", config, env).await;
    assert_eq!(h.chat("env").await.status, 200);
    let seen = own.last_request("env-deploy").unwrap_or_default();
    assert_eq!(seen.header("api-key"), Some("env-key"));
}

#[tokio::test]
async fn the_content_filter_falls_back_by_content_policy_fallbacks() {
    let h = start("azure-filter", CONFIG).await;
    let reply = h.chat("filtered").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("backup"));
    assert_eq!(h.mock.hits("filtered-content-policy"), 1);

    let reply = h
        .post(
            "/v1/chat/completions",
            json!({"model": "filtered", "messages": [{"role": "user", "content": "hi"}], "disable_fallbacks": true}),
        )
        .await;
    let error = assert_openai_error(&reply, 400);
    assert!(
        text(&error["message"]).starts_with(
            "litellm.ContentPolicyViolationError: AzureException - The response was filtered"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_token_limit_falls_back_by_context_window_fallbacks() {
    let h = start("azure-context", CONFIG).await;
    let reply = h.chat("small").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt4o"));
    assert_eq!(h.mock.hits("small-context-length"), 1);
}

#[tokio::test]
async fn rate_limits_are_retried_then_fall_back_and_unknown_deployments_are_404() {
    let h = start("azure-retry", CONFIG).await;
    let reply = h.chat("busy").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("x-litellm-model-group"), Some("gpt4o"));
    assert_eq!(h.mock.hits("busy-fail-429"), 2, "one call and one retry");

    let reply = h.chat("missing").await;
    let error = assert_openai_error(&reply, 404);
    assert!(
        text(&error["message"])
            .starts_with("litellm.NotFoundError: AzureException - The API deployment"),
        "{error}"
    );
    assert_eq!(h.mock.hits("unknown-deploy"), 0, "refused before it counts");
}

#[tokio::test]
async fn the_mock_refuses_what_azure_refuses() {
    let h = start("azure-mock", CONFIG).await;
    let base = format!("http://{}/openai/deployments", h.mock.addr());
    let body = json!({"messages": [{"role": "user", "content": "hi"}]}).to_string();
    let send = |url: String, key: Option<&'static str>| {
        let mut request = h.client.post(url).body(body.clone());
        if let Some(key) = key {
            request = request.header("api-key", key);
        }
        async move {
            let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or_default(),
            )
        }
    };
    let ok = format!("{base}/d1/chat/completions?api-version=2024-10-21");
    let (status, answer) = send(ok.clone(), Some("k")).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer["model"], "d1",
        "a body without `model` is the deployment's"
    );
    assert_eq!(send(ok, None).await.0, 401);
    let (status, answer) = send(format!("{base}/d1/chat/completions"), Some("k")).await;
    assert_eq!((status, text(&answer["error"]["code"])), (404, "404"));
    let (status, answer) = send(
        format!("{base}/unknown/chat/completions?api-version=2024-10-21"),
        Some("k"),
    )
    .await;
    assert_eq!(
        (status, text(&answer["error"]["code"])),
        (404, "DeploymentNotFound")
    );
}

/// tests/data/providers/azure: each recorded OpenAI request becomes the recorded Azure call (URL,
/// credential header, body), and each recorded Azure answer, error or stream reaches the client
/// as recorded.
mod recorded_pairs {
    use crate::proxy_support::RecordedPairs;

    const PAIRS: RecordedPairs = RecordedPairs("azure");
    use bytes::Bytes;
    use futures_util::StreamExt;
    use litellm_check::env::Environment;
    use litellm_proxy::config::{DeploymentConfig, ProxyConfig};
    use litellm_proxy::error::ProxyError;
    use litellm_proxy::providers::azure::{auth_header, filtered_completion, map_error, Azure};
    use litellm_proxy::providers::UpstreamBody;
    use serde_json::{json, Map, Value};
    use std::time::Duration;

    fn deployment(params: &Value) -> DeploymentConfig {
        let config = json!({"model_list": [{"model_name": "m", "litellm_params": params}]});
        let mut proxy = ProxyConfig::from_text(&config.to_string(), &Environment::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(proxy.deployments.len(), 1, "{:?}", proxy.notes);
        proxy.deployments.remove(0)
    }

    fn expected_error(name: &str) -> (u16, String) {
        let error = PAIRS.json(&format!("{name}.openai-error.json"));
        let status = error["status"].as_u64().unwrap_or(0) as u16;
        (status, error["message"].as_str().unwrap_or("").to_string())
    }

    #[test]
    fn each_recorded_openai_request_becomes_the_recorded_azure_call() {
        let names = PAIRS.cases(".openai-request.json");
        assert!(names.len() >= 2, "{names:?}");
        for name in names {
            let request = PAIRS.json(&format!("{name}.openai-request.json"));
            let recorded = PAIRS.json(&format!("{name}.azure-request.json"));
            let config = deployment(&recorded["deployment"]);
            let url = Azure::new(&config)
                .url(&config.upstream_model)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(url.as_str(), recorded["url"], "{name}");
            let headers: Map<String, Value> = auth_header(&config)
                .map(|(n, v)| (n.to_string(), Value::String(v)))
                .into_iter()
                .collect();
            assert_eq!(Value::Object(headers), recorded["headers"], "{name}");
            let stream = request["stream"].as_bool().unwrap_or(false);
            let empty = Map::new();
            let body = UpstreamBody {
                request: request.as_object().unwrap_or(&empty),
                model: &config.upstream_model,
                defaults: &config.default_params,
                stream,
            };
            assert_eq!(Value::Object(body.to_map()), recorded["body"], "{name}");
        }
    }

    #[test]
    fn each_recorded_azure_answer_and_error_reaches_the_client_as_recorded() {
        let answers = PAIRS.cases(".azure-response.json");
        assert!(answers.len() >= 2, "{answers:?}");
        for name in answers {
            let body = PAIRS.read(&format!("{name}.azure-response.json"));
            match filtered_completion(body.as_bytes()) {
                None => assert_eq!(
                    serde_json::from_str::<Value>(&body).ok(),
                    Some(PAIRS.json(&format!("{name}.openai-response.json"))),
                    "{name}"
                ),
                Some(error) => {
                    assert_eq!(
                        (error.status, error.message),
                        expected_error(&name),
                        "{name}"
                    )
                }
            }
        }
        let errors = PAIRS.cases(".azure-error.json");
        assert!(errors.len() >= 3, "{errors:?}");
        for name in errors {
            let recorded = PAIRS.json(&format!("{name}.azure-error.json"));
            let status = recorded["status"].as_u64().unwrap_or(0) as u16;
            let error = map_error(status, recorded["body"].to_string().as_bytes(), None);
            assert_eq!(
                (error.status, error.message),
                expected_error(&name),
                "{name}"
            );
        }
    }

    #[tokio::test]
    async fn each_recorded_azure_stream_reaches_the_client_as_recorded() {
        let names = PAIRS.cases(".azure-stream.txt");
        assert!(!names.is_empty());
        for name in names {
            let upstream = PAIRS.read(&format!("{name}.azure-stream.txt"));
            let mut pieces: Vec<Result<Bytes, ProxyError>> = upstream
                .as_bytes()
                .chunks(50)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            let first = match pieces.remove(0) {
                Ok(first) => first,
                Err(e) => panic!("{}", e.message),
            };
            let body = litellm_proxy::sse::passthrough(
                first,
                Box::pin(futures_util::stream::iter(pieces)),
                "azure",
                Duration::from_secs(5),
                false,
                |_| {},
            );
            let text: String = body
                .map(|piece| {
                    piece
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .await
                .concat();
            assert_eq!(
                text,
                PAIRS.read(&format!("{name}.openai-stream.txt")),
                "{name}"
            );
        }
    }
}

/// The official OpenAI Python SDK (tests/python/sdk_azure.py) against azure deployments, streaming
/// and not. Skipped with a message when `openai` is not installed, except under CI.
#[tokio::test]
async fn the_official_openai_sdk_drives_azure_deployments() {
    if !openai_sdk_installed() {
        return;
    }
    let h = start("azure-sdk", CONFIG).await;
    run_sdk_script(&h, "sdk_azure.py", &[]).await;
}
