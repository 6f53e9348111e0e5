//! The official OpenAI Python SDK as a client (tests/python/openai_sdk_check.py): list models,
//! complete, stream, wrong key, fallback past a failing deployment, cooldown then recovery,
//! spend rows. Skipped with a message when `openai` is not installed, except under CI.
#![cfg(feature = "proxy")]

mod proxy_support;

use proxy_support::*;
use std::process::Command;

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
    let import = Command::new("python3")
        .args(["-c", "import openai"])
        .output();
    if !import.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install the SDK: python3 -m pip install openai"
        );
        eprintln!(
            "SKIPPED: the `openai` Python package is not installed (python3 -m pip install openai)"
        );
        return;
    }
    let h = start("openai-sdk", CONFIG).await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/openai_sdk_check.py"
    );
    let mock_url = format!("http://{}", h.mock.addr());
    let proxy_url = h.proxy.url();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .env("PROXY_URL", proxy_url)
            .env("PROXY_KEY", KEY)
            .env("MOCK_URL", mock_url)
            .env("NO_PROXY", "*")
            .output()
    })
    .await
    .unwrap_or_else(|e| panic!("join: {e}"))
    .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "SDK checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("passed, 0 failed"), "{stdout}");
}
