//! `GET /v1/model/info` and `/model/info`: LiteLLM's shape (model_name, litellm_params without
//! secrets, model_info with the price table's data), `litellm_model_id`, and the master key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;

const CONFIG: &str = r#"
model_list:
  - model_name: gpt4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE, api_key: sk-secret-upstream, temperature: 0.2, extra_headers: {Authorization: Bearer sk-header-secret}}
    model_info: {id: gpt4o-1}
  - model_name: embed
    litellm_params: {model: openai/text-embedding-3-small, api_base: "http://user:pw-secret@MOCK_ADDR/v1", rpm: 10}
    model_info: {id: embed-1, mode: embedding, input_cost_per_token: 1.0e-07}
  - model_name: azure
    litellm_params: {model: azure/dep, api_base: API_BASE, azure_ad_token: ad-secret-token, api_version: "2024-10-21"}
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn model_info_lists_every_deployment_without_secrets() {
    let h = start("model-info", CONFIG).await;
    for path in ["/v1/model/info", "/model/info"] {
        let reply = h.get(path).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        for secret in [
            "sk-secret-upstream",
            "sk-header-secret",
            "pw-secret",
            "ad-secret-token",
        ] {
            assert!(!reply.text.contains(secret), "{path} shows {secret}");
        }
        let body = reply.json();
        let data = body["data"].as_array().unwrap();
        assert_eq!(data.len(), 3);
        let gpt = &data[0];
        assert_eq!(gpt["model_name"], "gpt4o");
        assert_eq!(gpt["litellm_params"]["model"], "openai/gpt-4o");
        assert_eq!(gpt["litellm_params"]["temperature"], 0.2);
        assert!(gpt["litellm_params"].get("api_key").is_none());
        assert_eq!(gpt["model_info"]["id"], "gpt4o-1");
        // From the price table.
        assert_eq!(gpt["model_info"]["input_cost_per_token"], 2.5e-06);
        assert_eq!(gpt["model_info"]["litellm_provider"], "openai");
        assert_eq!(gpt["model_info"]["mode"], "chat");
        assert!(gpt["model_info"]["max_input_tokens"].as_u64().unwrap() > 0);
        let embed = &data[1];
        // The deployment's own price wins over the table's.
        assert_eq!(embed["model_info"]["input_cost_per_token"], 1.0e-07);
        assert_eq!(embed["model_info"]["mode"], "embedding");
        assert_eq!(embed["litellm_params"]["rpm"], 10.0);
        let base = embed["litellm_params"]["api_base"].as_str().unwrap();
        assert!(base.contains("****"), "{base}");
        assert_eq!(data[2]["litellm_params"]["api_version"], "2024-10-21");
    }
    let one = h.get("/model/info?litellm_model_id=embed-1").await.json();
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    assert_eq!(one["data"][0]["model_name"], "embed");
    assert_eq!(h.get_with("/model/info", &[]).await.status, 401);
}

#[tokio::test]
async fn models_does_not_list_groups_no_route_serves() {
    let config = r#"
model_list:
  - model_name: chat
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE}
  - model_name: embed
    litellm_params: {model: openai/text-embedding-3-small, api_base: API_BASE}
    model_info: {mode: embedding}
  - model_name: images
    litellm_params: {model: openai/dall-e-3, api_base: API_BASE}
    model_info: {mode: image_generation}
  - model_name: mixed
    litellm_params: {model: openai/dall-e-2, api_base: API_BASE}
    model_info: {mode: image_generation}
  - model_name: mixed
    litellm_params: {model: openai/gpt-4o-mini, api_base: API_BASE}
router_settings:
  model_group_alias: {pictures: images, talk: chat}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("models-servable", config).await;
    let body = h.get("/v1/models").await.json();
    let mut ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["chat", "embed", "mixed", "talk"]);
    // Still described by /model/info.
    let info = h.get("/model/info").await.json();
    assert_eq!(info["data"].as_array().unwrap().len(), 5);
}
