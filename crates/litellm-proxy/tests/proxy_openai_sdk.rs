//! The official OpenAI Python SDK as a client (tests/python/openai_sdk_check.py): list models,
//! complete, stream, wrong key, fallback past a failing deployment, cooldown then recovery,
//! spend rows. Skipped with a message when `openai` is not installed, except under CI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::*;

const CONFIG: &str = r#"
model_list:
  - {model_name: gpt-4o, litellm_params: {model: openai/gpt-4o, api_base: API_BASE}}
  - {model_name: primary, litellm_params: {model: openai/primary-fail-500, api_base: API_BASE}}
  - model_name: tiered
    litellm_params: {model: openai/preferred, api_base: API_BASE, order: 1}
    model_info: {id: preferred-id}
  - model_name: tiered
    litellm_params: {model: openai/spare, api_base: API_BASE, order: 2}
    model_info: {id: spare-id}
router_settings:
  num_retries: 0
  allowed_fails: 0
  cooldown_time: 1
  fallbacks: [{primary: [gpt-4o]}]
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn the_official_openai_sdk_works_against_the_proxy() {
    if !openai_sdk_installed() {
        return;
    }
    let h = start("openai-sdk", CONFIG).await;
    run_sdk_script(
        &h,
        "openai_sdk_check.py",
        &[("MOCK_URL", format!("http://{}", h.mock.addr()))],
    )
    .await;
}
