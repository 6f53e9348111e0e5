//! The master key: header forms of LiteLLM's auth, public health probes, error shape.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use proxy_support::*;

const CONFIG: &str = r#"
model_list:
  - model_name: m
    litellm_params: {model: openai/m, api_base: API_BASE}
general_settings:
  master_key: os.environ/PROXY_KEY
"#;

async fn harness(name: &str) -> Harness {
    let mut env = Environment::empty();
    env.set("PROXY_KEY", KEY);
    start_with_env(name, CONFIG, env).await
}

#[tokio::test]
async fn every_header_form_of_litellm_is_accepted() {
    let h = harness("auth-forms").await;
    let bearer = format!("Bearer {KEY}");
    let forms: [(&str, &str); 6] = [
        ("authorization", &bearer),
        ("x-litellm-api-key", KEY),
        ("x-litellm-api-key", &bearer),
        ("api-key", KEY),
        ("x-api-key", KEY),
        ("x-goog-api-key", KEY),
    ];
    for (name, value) in forms {
        let reply = h
            .post_with("/v1/chat/completions", chat_body("m"), &[(name, value)])
            .await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text);
    }
    assert_eq!(h.mock.hits("m"), 6);
}

#[tokio::test]
async fn missing_wrong_and_malformed_keys_are_401_without_an_upstream_call() {
    let h = harness("auth-wrong").await;
    let none = h
        .post_with("/v1/chat/completions", chat_body("m"), &[])
        .await;
    let error = assert_openai_error(&none, 401);
    assert_eq!(error["type"], "auth_error");
    assert!(error["message"]
        .as_str()
        .unwrap_or("")
        .contains("No api key passed in"));

    let wrong = h
        .post_with(
            "/v1/chat/completions",
            chat_body("m"),
            &[("authorization", "Bearer sk-wrong-key")],
        )
        .await;
    let error = assert_openai_error(&wrong, 401);
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains("Invalid proxy server token passed"),
        "{message}"
    );
    assert!(
        !message.contains(KEY),
        "the master key never appears in an answer"
    );

    // `Authorization` must use Bearer: any other scheme is an empty key.
    let scheme = h
        .post_with(
            "/v1/chat/completions",
            chat_body("m"),
            &[("authorization", KEY)],
        )
        .await;
    assert_openai_error(&scheme, 401);
    let not_sk = h
        .post_with(
            "/v1/chat/completions",
            chat_body("m"),
            &[("x-api-key", "abc")],
        )
        .await;
    assert!(assert_openai_error(&not_sk, 401)["message"]
        .as_str()
        .unwrap_or("")
        .contains("expected to start with 'sk-'"));
    assert_eq!(h.mock.total_hits(), 0);
}

#[tokio::test]
async fn only_liveness_and_readiness_are_public() {
    let h = harness("auth-public").await;
    let live = h.get_with("/health/liveliness", &[]).await;
    assert_eq!(
        (live.status, live.json()),
        (200, serde_json::json!("I'm alive!"))
    );
    let ready = h.get_with("/health/readiness", &[]).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["status"], "healthy");
    for path in [
        "/v1/models",
        "/models",
        "/health",
        "/spend/logs",
        "/metrics",
    ] {
        let reply = h.get_with(path, &[]).await;
        assert_openai_error(&reply, 401);
        assert_eq!(h.get(path).await.status, 200, "{path} with the key");
    }
}

#[tokio::test]
async fn health_calls_each_deployment() {
    let config = r#"
model_list:
  - model_name: good
    litellm_params: {model: openai/good, api_base: API_BASE}
  - model_name: bad
    litellm_params: {model: openai/bad-fail-500, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("auth-health", config).await;
    let body = h.get("/health").await.json();
    assert_eq!(
        (
            body["healthy_count"].as_u64(),
            body["unhealthy_count"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(body["healthy_endpoints"][0]["model"], "openai/good");
    let targeted = h.get("/health?model=bad").await;
    assert_eq!(
        targeted.status, 503,
        "a targeted check with no healthy endpoint"
    );
    assert!(h.mock.hits("good") >= 1 && h.mock.hits("bad-fail-500") >= 1);
}

#[tokio::test]
async fn health_probes_each_deployment_by_its_mode() {
    let config = r#"
model_list:
  - model_name: embed
    litellm_params: {model: openai/embed-model, api_base: API_BASE}
    model_info: {mode: embedding}
  - model_name: instruct
    litellm_params: {model: text-completion-openai/instruct-model, api_base: API_BASE, api_key: k}
    model_info: {mode: completion}
  - model_name: images
    litellm_params: {model: openai/image-model, api_base: API_BASE}
    model_info: {mode: image_generation}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("auth-health-modes", config).await;
    let body = h.get("/health").await.json();
    assert_eq!(body["healthy_count"], 2, "{body}");
    assert_eq!(body["unhealthy_count"], 1, "{body}");
    let embed = h.mock.last_request("embed-model").unwrap();
    assert!(embed.path.ends_with("/embeddings"), "{}", embed.path);
    let instruct = h.mock.last_request("instruct-model").unwrap();
    assert!(
        instruct.path.ends_with("/completions") && !instruct.path.ends_with("/chat/completions"),
        "{}",
        instruct.path
    );
    assert_eq!(instruct.body["prompt"], "ping");
    // A mode with no endpoint here is reported, never pinged with chat.
    assert_eq!(h.mock.hits("image-model"), 0);
    let unhealthy = &body["unhealthy_endpoints"][0];
    assert_eq!(unhealthy["model_name"], "images");
    assert!(unhealthy["error"]
        .as_str()
        .unwrap()
        .contains("mode `image_generation`"));
}
