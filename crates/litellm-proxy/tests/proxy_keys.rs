//! Virtual keys on the SQLite store: `/key/generate`, `/key/info`, `/key/update`, `/key/delete`,
//! `/key/list` in LiteLLM's shapes, keys stored hashed, and every route authenticating them as
//! LiteLLM does (model access, budget, expiry, rpm/tpm/parallel limits with `Retry-After`), with
//! spend accrued per key; the master key alone manages keys.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_proxy::auth;
use proxy_support::*;
use serde_json::{json, Value};
use std::time::Duration;

const CONFIG: &str = r#"
model_list:
  - model_name: priced
    litellm_params: {model: openai/custom, api_base: API_BASE, input_cost_per_token: 1.0, output_cost_per_token: 2.0}
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE}
  - model_name: slow
    litellm_params: {model: openai/mock-delay-1500, api_base: API_BASE}
  - model_name: "team-*"
    litellm_params: {model: "openai/*", api_base: API_BASE}
router_settings:
  model_group_alias: {fast: gpt-4o}
general_settings: {master_key: sk-test-master-key}
"#;

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

async fn generate(h: &Harness, body: Value) -> Value {
    let reply = h.post("/key/generate", body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

async fn chat_as(h: &Harness, key: &str, model: &str) -> Reply {
    h.post_with(
        "/v1/chat/completions",
        chat_body(model),
        &[("authorization", &bearer(key))],
    )
    .await
}

#[tokio::test]
async fn a_generated_key_is_stored_hashed_and_answers_in_litellm_shapes() {
    let h = start("keys-generate", CONFIG).await;
    let made = generate(
        &h,
        json!({"models": ["gpt-4o"], "key_alias": "ci", "max_budget": 10, "rpm_limit": 100,
               "tpm_limit": 100000, "max_parallel_requests": 5, "budget_duration": "30d",
               "duration": "1h", "metadata": {"team": "qa"}}),
    )
    .await;
    let key = made["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("sk-") && key.len() == 25, "{key}");
    assert_eq!(made["token"], auth::hash_key(&key));
    assert_eq!(made["key_name"], format!("sk-...{}", &key[key.len() - 4..]));
    assert_eq!(made["models"], json!(["gpt-4o"]));
    assert_eq!(made["key_alias"], "ci");
    assert_eq!(made["max_budget"], 10.0);
    assert_eq!(made["rpm_limit"], 100);
    assert_eq!(made["metadata"], json!({"team": "qa"}));
    assert!(made["expires"]
        .as_str()
        .is_some_and(|e| e.ends_with("+00:00")));
    assert!(made["budget_reset_at"].is_string());

    // Only the hash is on disk.
    let file = std::fs::read(h.dir.join("spend.sqlite")).unwrap();
    let wal = std::fs::read(h.dir.join("spend.sqlite-wal")).unwrap_or_default();
    let holds =
        |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        !holds(&file, &key) && !holds(&wal, &key),
        "the key itself is stored"
    );
    assert!(holds(&file, &auth::hash_key(&key)) || holds(&wal, &auth::hash_key(&key)));

    let info = h.get(&format!("/key/info?key={key}")).await;
    assert_eq!(info.status, 200, "{}", info.text);
    let info = info.json();
    assert_eq!(info["key"], key.as_str());
    assert_eq!(info["info"]["token"], auth::hash_key(&key));
    assert_eq!(info["info"]["spend"], 0.0);
    let by_hash = h
        .get(&format!("/key/info?key={}", auth::hash_key(&key)))
        .await;
    assert_eq!(by_hash.json()["info"]["key_alias"], "ci");

    let list = h.get("/key/list").await.json();
    assert_eq!(list["keys"], json!([auth::hash_key(&key)]));
    assert_eq!(
        (
            list["total_count"].clone(),
            list["current_page"].clone(),
            list["total_pages"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    let full = h
        .get("/key/list?return_full_object=true&key_alias=ci")
        .await
        .json();
    assert_eq!(full["keys"][0]["key_alias"], "ci");
    let none = h.get("/key/list?key_alias=other").await.json();
    assert_eq!(none["keys"], json!([]));

    let same_alias = h.post("/key/generate", json!({"key_alias": "ci"})).await;
    assert_openai_error(&same_alias, 400);
    let bad = h.post("/key/generate", json!({"rpm_limit": "many"})).await;
    assert_openai_error(&bad, 422);
}

#[tokio::test]
async fn a_virtual_key_serves_its_models_and_accrues_spend() {
    let h = start("keys-use", CONFIG).await;
    let key = generate(&h, json!({"models": ["priced", "gpt-4o", "team-*"]})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let ok = chat_as(&h, &key, "priced").await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let cost: f64 = ok
        .header("x-litellm-response-cost")
        .unwrap()
        .parse()
        .unwrap();
    assert!(cost > 0.0);
    assert_eq!(
        chat_as(&h, &key, "fast").await.status,
        200,
        "an alias of an allowed group"
    );
    assert_eq!(
        chat_as(&h, &key, "team-x").await.status,
        200,
        "a name a key pattern matches"
    );
    let denied = chat_as(&h, &key, "slow").await;
    let error = assert_openai_error(&denied, 401);
    assert_eq!(error["type"], "key_model_access_denied");
    assert_eq!(
        error["message"],
        "key not allowed to access model. This key can only access models=['priced', 'gpt-4o', 'team-*']. Tried to access slow"
    );
    // `/v1/models` lists what the key may call.
    let models = h
        .get_with("/v1/models", &[("authorization", &bearer(&key))])
        .await
        .json();
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&"priced") && !ids.contains(&"slow"), "{ids:?}");

    // The spend rows carry the key's hash, and the key's spend is their sum.
    let rows = h
        .spend_rows(&format!("?api_key={}", auth::hash_key(&key)), 3)
        .await;
    let total: f64 = rows.iter().filter_map(|r| r["spend"].as_f64()).sum();
    assert!(total >= cost);
    let mut spend = 0.0;
    for _ in 0..200 {
        let info = h.get(&format!("/key/info?key={key}")).await.json();
        spend = info["info"]["spend"].as_f64().unwrap_or(0.0);
        if (spend - total).abs() < 1e-9 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        (spend - total).abs() < 1e-9,
        "key spend {spend}, rows {total}"
    );
}

#[tokio::test]
async fn budgets_expiry_and_unknown_keys_are_refused_as_litellm_refuses_them() {
    let h = start("keys-refused", CONFIG).await;
    let broke = generate(&h, json!({"max_budget": 0.0})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let over = chat_as(&h, &broke, "gpt-4o").await;
    let error = assert_openai_error(&over, 400);
    assert_eq!(error["type"], "budget_exceeded");
    assert_eq!(
        error["message"],
        "Budget has been exceeded! Current cost: 0.0, Max budget: 0.0"
    );

    // One priced call (well over a cent) exhausts a one-cent budget.
    let cent = generate(&h, json!({"max_budget": 0.01})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(chat_as(&h, &cent, "priced").await.status, 200);
    let error = assert_openai_error(&chat_as(&h, &cent, "priced").await, 400);
    assert_eq!(error["type"], "budget_exceeded");

    // Raising the budget lets it through again.
    let raised = h
        .post("/key/update", json!({"key": cent, "max_budget": 1000000}))
        .await;
    assert_eq!(raised.status, 200, "{}", raised.text);
    assert_eq!(chat_as(&h, &cent, "priced").await.status, 200);

    let short = generate(&h, json!({"duration": "1s"})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(chat_as(&h, &short, "gpt-4o").await.status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let error = assert_openai_error(&chat_as(&h, &short, "gpt-4o").await, 401);
    assert_eq!(error["type"], "expired_key");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Authentication Error - Expired Key. Key Expiry time "));

    let unknown = chat_as(&h, "sk-not-a-key-of-this-proxy", "gpt-4o").await;
    let error = assert_openai_error(&unknown, 401);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Unable to find token in cache or `LiteLLM_VerificationTokenTable`"));

    let blocked = generate(&h, json!({"blocked": true})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_openai_error(&chat_as(&h, &blocked, "gpt-4o").await, 401);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let h = start("keys-limits", CONFIG).await;
    let key = generate(&h, json!({"rpm_limit": 2})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(chat_as(&h, &key, "gpt-4o").await.status, 200);
    assert_eq!(chat_as(&h, &key, "gpt-4o").await.status, 200);
    let limited = chat_as(&h, &key, "gpt-4o").await;
    let error = assert_openai_error(&limited, 429);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "Rate limit exceeded for api_key: {}. Limit type: requests. Current limit: 2, Remaining: 0. Limit resets at: ",
            auth::hash_key(&key)
        )),
        "{message}"
    );
    let after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&after), "{after}");

    // tpm: the first call's tokens use the minute up.
    let tokens = generate(&h, json!({"tpm_limit": 1})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(chat_as(&h, &tokens, "gpt-4o").await.status, 200);
    let error = assert_openai_error(&chat_as(&h, &tokens, "gpt-4o").await, 429);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Limit type: tokens."));

    // One request at a time: a second one while the first waits on a slow upstream is refused.
    let single = generate(&h, json!({"max_parallel_requests": 1})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let first = chat_as(&h, &single, "slow");
    let second = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        chat_as(&h, &single, "gpt-4o").await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.status, 200, "{}", first.text);
    let error = assert_openai_error(&second, 429);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Limit type: max_parallel_requests."));
    assert_eq!(
        chat_as(&h, &single, "gpt-4o").await.status,
        200,
        "the place is given back"
    );
}

#[tokio::test]
async fn only_the_master_key_manages_keys_and_deleted_keys_stop_working() {
    let h = start("keys-admin", CONFIG).await;
    let key = generate(&h, json!({"key_alias": "mine"})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    for path in ["/key/generate", "/key/update", "/key/delete"] {
        let reply = h
            .post_with(
                path,
                json!({"key": key}),
                &[("authorization", &bearer(&key))],
            )
            .await;
        assert_openai_error(&reply, 401);
    }
    let reply = h
        .get_with("/key/list", &[("authorization", &bearer(&key))])
        .await;
    assert_openai_error(&reply, 401);
    let reply = h
        .get_with("/spend/logs", &[("authorization", &bearer(&key))])
        .await;
    assert_openai_error(&reply, 401);

    let updated = h
        .post(
            "/key/update",
            json!({"key": key, "models": ["gpt-4o"], "rpm_limit": 7}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json()["rpm_limit"], 7);
    assert_eq!(
        chat_as(&h, &key, "priced").await.status,
        401,
        "the update applies at once"
    );

    let deleted = h.post("/key/delete", json!({"keys": [key]})).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.json()["deleted_keys"], json!([key]));
    assert_openai_error(&chat_as(&h, &key, "gpt-4o").await, 401);
    assert_eq!(h.get(&format!("/key/info?key={key}")).await.status, 404);
    let again = h.post("/key/delete", json!({"keys": [key]})).await;
    assert_openai_error(&again, 404);
    let by_alias = generate(&h, json!({"key_alias": "gone"})).await;
    let deleted = h
        .post("/key/delete", json!({"key_aliases": ["gone"]}))
        .await;
    assert_eq!(deleted.json()["deleted_keys"], json!([by_alias["token"]]));
}

#[tokio::test]
async fn keys_outlive_a_restart_of_the_proxy_on_the_same_file() {
    let h = start("keys-restart", CONFIG).await;
    let key = generate(&h, json!({"models": ["gpt-4o"]})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let Harness {
        mock, proxy, dir, ..
    } = h;
    proxy.stop().await;
    drop(mock);
    let again = start_on(&dir, CONFIG).await;
    assert_eq!(chat_as(&again, &key, "gpt-4o").await.status, 200);
    assert_eq!(chat_as(&again, &key, "priced").await.status, 401);
}

#[tokio::test]
async fn the_default_store_is_a_file_in_the_state_directory_that_the_start_line_names() {
    let mock = mock_upstream::MockUpstream::start().await.unwrap();
    let dir = scratch("keys-default-store");
    let config = binary_config(&dir, &mock.api_base());
    let state = dir.join("state");
    let file = state.join("litellm-proxy.sqlite");
    let proxy = ProxyProcess::spawn_with_env(
        &config,
        &[],
        &[("LITELLM_PROXY_STATE_DIR", state.as_os_str())],
    )
    .unwrap();
    assert!(
        proxy.line.contains(&file.display().to_string()),
        "{}",
        proxy.line
    );
    assert!(file.is_file(), "created on start");
    let client = plain_client();
    let auth = bearer(KEY);
    let made = client
        .post(format!("{}/key/generate", proxy.url))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 200);
    let made: Value = serde_json::from_str(&made.text().await.unwrap()).unwrap();
    let key = made["key"].as_str().unwrap().to_string();
    let chat = client
        .post(format!("{}/v1/chat/completions", proxy.url))
        .header("authorization", bearer(&key))
        .header("content-type", "application/json")
        .body(chat_body("gpt-4o").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(chat.status(), 200);
    let mut rows: Vec<Value> = Vec::new();
    for _ in 0..200 {
        let text = client
            .get(format!("{}/spend/logs", proxy.url))
            .header("authorization", &auth)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        rows = serde_json::from_str(&text).unwrap();
        if !rows.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(rows.len(), 1, "/spend/logs works without any flag");
    assert_eq!(rows[0]["api_key"], auth::hash_key(&key));
    drop(proxy);

    let off = ProxyProcess::spawn_with_env(
        &config,
        &[std::ffi::OsStr::new("--no-spend-db")],
        &[("LITELLM_PROXY_STATE_DIR", dir.join("unused").as_os_str())],
    )
    .unwrap();
    assert!(off.line.contains("--no-spend-db"), "{}", off.line);
    assert!(!dir.join("unused").exists(), "no file with --no-spend-db");
    let logs = client
        .get(format!("{}/spend/logs", off.url))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(logs.status(), 400);
    let generate = client
        .post(format!("{}/key/generate", off.url))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(generate.status(), 400);
}

/// `/v1/messages/count_tokens` and `GET`/`DELETE /v1/responses/{id}` make no model call through
/// the pipeline, yet a key reaches no model through them that it may not call: count_tokens by
/// the body's `model`, a stored response by the group of the deployment its id names. Refused
/// before any upstream call.
#[tokio::test]
async fn count_tokens_and_stored_responses_check_the_keys_models() {
    const MODELS: &str = r#"
model_list:
  - model_name: claude
    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: gpt-native
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE, api_key: sk-upstream}
router_settings:
  model_group_alias: {sonnet: claude}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("keys-count-responses", MODELS).await;
    let claude_only = generate(&h, json!({"models": ["claude"]})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let gpt_only = generate(&h, json!({"models": ["gpt-native"]})).await["key"]
        .as_str()
        .unwrap()
        .to_string();
    let count = |key: &str, model: &str| {
        let key = key.to_string();
        let model = model.to_string();
        let h = &h;
        async move {
            h.post_with(
                "/v1/messages/count_tokens",
                json!({"model": model, "messages": [{"role": "user", "content": "Hello"}]}),
                &[
                    ("x-api-key", key.as_str()),
                    ("anthropic-version", "2023-06-01"),
                ],
            )
            .await
        }
    };
    let allowed = count(&claude_only, "claude").await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
    assert_eq!(h.mock.hits("claude-haiku-4-5"), 1, "counted by Anthropic");
    let alias = count(&claude_only, "sonnet").await;
    assert_eq!(
        alias.status, 200,
        "an alias of an allowed group: {}",
        alias.text
    );
    h.mock.reset_counts();
    let refused = count(&gpt_only, "claude").await;
    assert_eq!(refused.status, 401, "{}", refused.text);
    let error = refused.json();
    assert_eq!(error["type"], "error", "Anthropic's error shape: {error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("key not allowed to access model"),
        "{error}"
    );
    let refused = count(&claude_only, "gpt-native").await;
    assert_eq!(refused.status, 401, "{}", refused.text);
    assert_eq!(
        h.mock.total_hits(),
        0,
        "no upstream call for a refused count"
    );

    // A response made on gpt-native (by the master key), then looked up by each key.
    let made = h
        .post(
            "/v1/responses",
            json!({"model": "gpt-native", "input": "hi"}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let id = made.json()["id"].as_str().unwrap().to_string();
    let path = format!("/v1/responses/{id}");
    h.mock.reset_counts();
    let got = h
        .get_with(&path, &[("authorization", &bearer(&claude_only))])
        .await;
    assert_eq!(got.status, 401, "{}", got.text);
    let error = got.json()["error"].clone();
    assert_eq!(error["type"], "key_model_access_denied", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .ends_with("Tried to access gpt-native"),
        "{error}"
    );
    let deleted = h
        .client
        .delete(h.url(&path))
        .header("authorization", bearer(&claude_only))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 401);
    assert_eq!(
        h.mock.total_hits(),
        0,
        "no upstream call for a refused lookup"
    );

    let got = h
        .get_with(&path, &[("authorization", &bearer(&gpt_only))])
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.json()["id"], id.as_str());
    let deleted = h
        .client
        .delete(h.url(&path))
        .header("authorization", bearer(&gpt_only))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
}

#[tokio::test]
async fn key_list_pages_partition_the_keys_newest_first() {
    let h = start("keys-pages", CONFIG).await;
    let mut made = Vec::new();
    for i in 0..5 {
        let key = generate(&h, json!({"key_alias": format!("page-{i}")})).await;
        made.push(auth::hash_key(key["key"].as_str().unwrap()));
        // `created_at` has millisecond precision: keys made apart sort by it, not by hash.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let list = h.get(&format!("/key/list?size=2&page={page}")).await.json();
        assert_eq!(list["total_count"], 5);
        assert_eq!(list["total_pages"], 3);
        assert_eq!(list["current_page"], page);
        let keys = list["keys"].as_array().unwrap();
        assert_eq!(keys.len(), if page < 3 { 2 } else { 1 }, "{list}");
        seen.extend(keys.iter().map(|k| k.as_str().unwrap().to_string()));
    }
    let past = h.get("/key/list?size=2&page=4").await.json();
    assert_eq!(past["keys"], json!([]));
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5, "no key on two pages: {seen:?}");
    // Newest first: the last key made is on the first page.
    assert!(seen[..2].contains(made.last().unwrap()), "{seen:?}");
    h.proxy.stop().await;
}
