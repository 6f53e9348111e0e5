//! Two replicas on one config with everything LiteLLM shares between replicas on real engines:
//! keys, budgets and spend rows in PostgreSQL, cooldowns and key limits in Redis (a throw-away
//! server of each per test). A key made on one replica works on the other, its `rpm_limit` and
//! its budget hold across both, a deployment cooled down on one is skipped by the other, and
//! every answered request is exactly one row in `LiteLLM_SpendLogs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use proxy_support::postgres::{count_reaches, key_spend_reaches, Postgres};
use proxy_support::redis_server::RedisServer;
use proxy_support::*;
use serde_json::json;
use std::time::Duration;

/// `user_api_key_cache_ttl` below: a key's spend is read from the database again after it.
const TTL: Duration = Duration::from_millis(300);

fn config(redis_port: u16) -> String {
    format!(
        r#"
model_list:
  - model_name: priced
    litellm_params: {{model: openai/custom, api_base: API_BASE, input_cost_per_token: 1.0, output_cost_per_token: 2.0}}
  - model_name: g
    litellm_params: {{model: openai/bad, api_base: API_BASE}}
    model_info: {{id: bad}}
  - model_name: g
    litellm_params: {{model: openai/good, api_base: API_BASE}}
    model_info: {{id: good}}
router_settings:
  redis_host: 127.0.0.1
  redis_port: {redis_port}
  cooldown_time: 60
general_settings:
  master_key: {KEY}
  database_url: os.environ/DATABASE_URL
  user_api_key_cache_ttl: 0.3
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_and_redis_behave_as_one_proxy() {
    let Some(pg) = Postgres::start("replicas-both") else {
        return;
    };
    let Some(redis) = RedisServer::start("replicas-both") else {
        return;
    };
    let mut env = Environment::empty();
    env.set("DATABASE_URL", pg.url());
    let replicas = Replicas::start_with_env("replicas-both", &config(redis.port), 2, env).await;
    let db = pg.client().await;
    let mut answered: Vec<String> = Vec::new();
    let mut keep = |reply: &Reply| {
        if reply.status == 200 {
            answered.push(reply.header("x-litellm-call-id").unwrap().to_string());
        }
    };

    // A key made on replica 0 works on replica 1, and its rpm_limit counts both replicas' requests.
    let made = replicas
        .post(0, "/key/generate", json!({"rpm_limit": 4}), KEY)
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let key = made.json()["key"].as_str().unwrap().to_string();
    let mut statuses = Vec::new();
    for i in 0..6 {
        let reply = replicas.chat(1 - i % 2, "priced", &key).await;
        keep(&reply);
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 429, 429],
        "4 requests a minute in all, whichever replica serves them"
    );

    // What one request to `priced` costs, from its row; a key whose budget holds one and a half.
    let probe = replicas.chat(0, "priced", KEY).await;
    assert_eq!(probe.status, 200, "{}", probe.text);
    keep(&probe);
    let cost: f64 = loop {
        let row = db
            .query_opt(
                r#"SELECT spend FROM "LiteLLM_SpendLogs" WHERE request_id = $1"#,
                &[&probe.header("x-litellm-call-id").unwrap()],
            )
            .await
            .unwrap();
        if let Some(row) = row {
            break row.get(0);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(cost > 0.0);
    let made = replicas
        .post(0, "/key/generate", json!({"max_budget": cost * 1.5}), KEY)
        .await;
    let budgeted = made.json()["key"].as_str().unwrap().to_string();
    for replica in [1, 0] {
        let reply = replicas.chat(replica, "priced", &budgeted).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        keep(&reply);
    }
    key_spend_reaches(&db, &litellm_proxy::auth::hash_key(&budgeted), 2.0 * cost).await;
    tokio::time::sleep(TTL + Duration::from_millis(50)).await;
    for replica in [0, 1] {
        let over = replicas.chat(replica, "priced", &budgeted).await;
        let error = assert_openai_error(&over, 400);
        assert_eq!(error["type"], "budget_exceeded", "{}", over.text);
    }

    // A deployment cooled down by failures seen on replica 0 is skipped by replica 1.
    for reply in replicas.cool_down(0, "g", "bad").await {
        keep(&reply);
    }
    let cooling = "litellm_proxy_deployment_cooling{model_group=\"g\",model_id=\"bad\"}";
    assert!(
        replicas.wait_for_metric(1, cooling, 1.0).await,
        "replica 1 never saw the cooldown set by replica 0"
    );
    for _ in 0..10 {
        let reply = replicas.chat(1, "g", KEY).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        keep(&reply);
    }
    assert_eq!(
        replicas.mock.hits("bad"),
        0,
        "replica 1 called the cooled deployment"
    );

    // Every answered request, on either replica, is exactly one spend row; nothing else is.
    replicas.stop().await;
    count_reaches(
        &db,
        r#"SELECT count(*) FROM "LiteLLM_SpendLogs" WHERE status = 'success'"#,
        answered.len() as i64,
    )
    .await;
    let mut ids: Vec<String> = db
        .query(
            r#"SELECT request_id FROM "LiteLLM_SpendLogs" WHERE status = 'success'"#,
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort();
    answered.sort();
    assert_eq!(ids, answered, "one row per answered request");
}
