//! The Postgres store on a real PostgreSQL (a throw-away server per test, see
//! `proxy_support/postgres.rs`): spend rows in LiteLLM's `LiteLLM_SpendLogs` and keys hashed in
//! `LiteLLM_VerificationToken`, read back with plain SQL as LiteLLM's own queries read them; the
//! schema migrated once under a lock however many replicas start; a database that goes away
//! counted and shown, then recovered; and two replicas on one config and one database sharing
//! keys and budgets, with exactly one spend row per answered request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_check::env::Environment;
use litellm_proxy::{auth, RunningProxy};
use proxy_support::postgres::{count_reaches, key_spend_reaches, Postgres, PASSWORD};
use proxy_support::*;
use serde_json::{json, Value};
use std::time::Duration;

/// `user_api_key_cache_ttl` of the replicas: a key is read from the database again after it.
const TTL: Duration = Duration::from_millis(300);

const CONFIG: &str = r#"
model_list:
  - model_name: priced
    litellm_params: {model: openai/custom, api_base: API_BASE, input_cost_per_token: 1.0, output_cost_per_token: 2.0}
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE}
general_settings:
  master_key: sk-test-master-key
  database_url: os.environ/DATABASE_URL
  user_api_key_cache_ttl: 0.3
"#;

fn env(pg: &Postgres) -> Environment {
    let mut env = Environment::empty();
    env.set("DATABASE_URL", pg.url());
    env
}

async fn start_pg(name: &str) -> Option<(Postgres, Harness)> {
    let pg = Postgres::start(name)?;
    let h = start_with_store(name, CONFIG, env(&pg)).await;
    Some((pg, h))
}

async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).bearer_auth(KEY).send().await.unwrap();
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn spend_rows_and_keys_are_in_litellms_tables_as_litellm_reads_them() {
    let Some((pg, h)) = start_pg("rows").await else {
        return;
    };
    let shown = h.proxy.store_description().unwrap();
    assert_eq!(
        shown,
        format!("Postgres database `postgres` at 127.0.0.1:{}", pg.port)
    );
    let db = pg.client().await;
    let versions: Vec<i32> = db
        .query(
            "SELECT version FROM litellm_proxy_schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [1, 2]);

    let made = h
        .post(
            "/key/generate",
            json!({"models": ["priced"], "key_alias": "pg-ci", "max_budget": 1000, "rpm_limit": 50,
                   "tpm_limit": 100000, "max_parallel_requests": 4, "budget_duration": "30d",
                   "duration": "1h", "metadata": {"team": "qa"}}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let key = made.json()["key"].as_str().unwrap().to_string();
    let hash = auth::hash_key(&key);

    // The key as LiteLLM's Prisma model reads it: hashed, typed columns.
    let row = db
        .query_one(
            r#"SELECT token, key_name, key_alias, models, max_budget, rpm_limit, tpm_limit,
                      max_parallel_requests, metadata, spend, expires > now() AT TIME ZONE 'UTC',
                      budget_reset_at IS NOT NULL, budget_duration
               FROM "LiteLLM_VerificationToken""#,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), hash);
    assert_eq!(
        row.get::<_, String>(1),
        format!("sk-...{}", &key[key.len() - 4..])
    );
    assert_eq!(row.get::<_, String>(2), "pg-ci");
    assert_eq!(row.get::<_, Vec<String>>(3), ["priced"]);
    assert_eq!(row.get::<_, f64>(4), 1000.0);
    assert_eq!(row.get::<_, i64>(5), 50);
    assert_eq!(row.get::<_, i64>(6), 100_000);
    assert_eq!(row.get::<_, i32>(7), 4);
    assert_eq!(row.get::<_, Value>(8), json!({"team": "qa"}));
    assert_eq!(row.get::<_, f64>(9), 0.0);
    assert!(row.get::<_, bool>(10), "expires in an hour (UTC)");
    assert!(row.get::<_, bool>(11));
    assert_eq!(row.get::<_, String>(12), "30d");
    let stored_anywhere: i64 = db
        .query_one(
            r#"SELECT count(*) FROM "LiteLLM_VerificationToken" t WHERE row_to_json(t)::text LIKE '%' || $1 || '%'"#,
            &[&key],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored_anywhere, 0, "the key itself is not stored");

    // A request with the key: its row in LiteLLM_SpendLogs, its cost on the key.
    let answered = h
        .post_with(
            "/v1/chat/completions",
            json!({"model": "priced", "user": "alice", "metadata": {"tags": ["a"]},
                   "messages": [{"role": "user", "content": "hi"}]}),
            &[("authorization", &format!("Bearer {key}"))],
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.text);
    let call_id = answered.header("x-litellm-call-id").unwrap().to_string();
    count_reaches(&db, r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, 1).await;
    let row = db
        .query_one(
            r#"SELECT request_id, call_type, api_key, spend, prompt_tokens, completion_tokens,
                      total_tokens, model, model_group, custom_llm_provider, "user", status,
                      metadata->'usage_object'->>'total_tokens', metadata->'tags',
                      "endTime" >= "startTime", requester_ip_address, model_id
               FROM "LiteLLM_SpendLogs""#,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), call_id);
    assert_eq!(row.get::<_, String>(1), "acompletion");
    assert_eq!(
        row.get::<_, String>(2),
        hash,
        "api_key holds the key's hash"
    );
    let spend: f64 = row.get(3);
    let (prompt, completion, total): (i32, i32, i32) = (row.get(4), row.get(5), row.get(6));
    assert!(prompt > 0 && completion > 0 && total == prompt + completion);
    assert_eq!(spend, f64::from(prompt) + 2.0 * f64::from(completion));
    assert_eq!(row.get::<_, String>(7), "custom");
    assert_eq!(row.get::<_, String>(8), "priced");
    assert_eq!(row.get::<_, String>(9), "openai");
    assert_eq!(row.get::<_, String>(10), "alice");
    assert_eq!(row.get::<_, String>(11), "success");
    assert_eq!(row.get::<_, String>(12), total.to_string());
    assert_eq!(row.get::<_, Value>(13), json!(["a"]));
    assert!(row.get::<_, bool>(14));
    assert_eq!(row.get::<_, String>(15), "127.0.0.1");
    assert!(!row.get::<_, String>(16).is_empty());
    let key_spend: f64 = db
        .query_one(
            r#"SELECT spend FROM "LiteLLM_VerificationToken" WHERE token = $1"#,
            &[&hash],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        key_spend, spend,
        "the key's spend is accrued in the database"
    );

    // NUL characters, valid in JSON but refused by Postgres' TEXT and JSONB, do not cost rows.
    let nul = h
        .post(
            "/v1/chat/completions",
            json!({"model": "gpt-4o", "user": "bob\0", "metadata": {"n\0": ["a\0b"]},
                   "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(nul.status, 200, "{}", nul.text);
    count_reaches(&db, r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, 2).await;
    let row = db
        .query_one(
            r#"SELECT "user", metadata->'n' FROM "LiteLLM_SpendLogs" WHERE request_id = $1"#,
            &[&nul.header("x-litellm-call-id").unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "bob");
    assert_eq!(row.get::<_, Value>(1), json!(["ab"]));

    // Each route's row names LiteLLM's call_type for it.
    let embedded = h
        .post(
            "/v1/embeddings",
            json!({"model": "gpt-4o", "input": "hi", "encoding_format": "float"}),
        )
        .await;
    assert_eq!(embedded.status, 200, "{}", embedded.text);
    count_reaches(&db, r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, 3).await;
    let call_type: String = db
        .query_one(
            r#"SELECT call_type FROM "LiteLLM_SpendLogs" WHERE request_id = $1"#,
            &[&embedded.header("x-litellm-call-id").unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(call_type, "aembedding");

    // The proxy's own routes read the same rows and keys.
    let logs = h.spend_rows(&format!("?api_key={key}"), 1).await;
    assert_eq!(logs[0]["request_id"], call_id.as_str());
    assert_eq!(logs[0]["spend"], spend);
    assert!(logs[0]["startTime"].as_str().unwrap().ends_with('Z'));
    let today = logs[0]["startTime"].as_str().unwrap()[..10].to_string();
    let summary = h
        .get(&format!(
            "/spend/logs?start_date={today}&end_date={today}&summarize=true"
        ))
        .await
        .json();
    assert_eq!(summary[0]["users"]["alice"], spend);
    assert!(
        summary[0]["spend"].as_f64().unwrap() > spend,
        "both rows of the day"
    );
    let info = h.get(&format!("/key/info?key={key}")).await;
    assert_eq!(info.status, 200, "{}", info.text);
    assert_eq!(info.json()["info"]["spend"], spend);
    let updated = h
        .post(
            "/key/update",
            json!({"key": key, "models": ["priced", "gpt-4o"], "key_alias": "pg-ci-2"}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let models: Vec<String> = db
        .query_one(
            r#"SELECT models FROM "LiteLLM_VerificationToken" WHERE token = $1"#,
            &[&hash],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(models, ["priced", "gpt-4o"]);
    let other = h
        .post("/key/generate", json!({"key_alias": "pg-ci-2"}))
        .await;
    assert_eq!(other.status, 400, "an alias is one key's: {}", other.text);
    assert!(other.text.contains("already exists"), "{}", other.text);
    let listed = h.get("/key/list?key_alias=pg-ci-2").await.json();
    assert_eq!(listed["keys"], json!([hash]));
    let deleted = h.post("/key/delete", json!({"keys": [key]})).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let left: i64 = db
        .query_one(r#"SELECT count(*) FROM "LiteLLM_VerificationToken""#, &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    h.proxy.stop().await;
}

#[tokio::test]
async fn replicas_starting_together_migrate_once_and_a_restart_keeps_everything() {
    let Some(pg) = Postgres::start("migrate") else {
        return;
    };
    let h = start_with_store("migrate", CONFIG, env(&pg)).await;
    let made = h.post("/key/generate", json!({"key_alias": "kept"})).await;
    let key = made.json()["key"].as_str().unwrap().to_string();
    h.proxy.stop().await;

    // A fresh database, then four replicas starting at the same moment on it: each migration is
    // applied once, under the lock, and every replica starts.
    let db = pg.client().await;
    db.batch_execute(
        r#"DROP TABLE "LiteLLM_SpendLogs", "LiteLLM_VerificationToken", litellm_proxy_schema_migrations"#,
    )
    .await
    .unwrap();
    let started = futures_util::future::join_all((0..4).map(|_| replica(&h.dir, env(&pg)))).await;
    let mut replicas: Vec<RunningProxy> = started
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("a replica did not start: {e}")))
        .collect();
    let applied: i64 = db
        .query_one("SELECT count(*) FROM litellm_proxy_schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(applied, 2, "each migration once");
    let first = replicas.remove(0);
    for replica in replicas {
        replica.stop().await;
    }

    // A key made, the proxy stopped and started again on the same database: the migration is
    // not applied twice, and the key and its rows are still there.
    let made = post_to(
        &h.client,
        &first.url(),
        "/key/generate",
        KEY,
        json!({"key_alias": "kept"}),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let key2 = made.json()["key"].as_str().unwrap().to_string();
    assert_ne!(key, key2);
    let reply = chat_to(&h.client, &first.url(), &key2, "gpt-4o").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let dir = h.dir.clone();
    first.stop().await;
    let again = start_with_store("migrate-3", CONFIG, env(&pg)).await;
    assert_eq!(
        chat_to(&again.client, &again.proxy.url(), &key2, "gpt-4o")
            .await
            .status,
        200,
        "the key made before the restart"
    );
    count_reaches(&db, r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, 2).await;
    let applied: i64 = db
        .query_one("SELECT count(*) FROM litellm_proxy_schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(applied, 2);
    again.proxy.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Polls the replica's `/metrics` until its writer has dealt with every row (`pending` 0) and
/// `written + dropped` reaches `rows`; returns (written, dropped).
async fn settled(client: &reqwest::Client, url: &str, rows: u64) -> (u64, u64) {
    for _ in 0..1000 {
        let (_, text) = get_text(client, &format!("{url}/metrics")).await;
        let value = |name: &str| metric(&text, name).unwrap_or(0.0) as u64;
        let written = value("litellm_proxy_spend_rows_written_total");
        let dropped = value("litellm_proxy_spend_rows_dropped_total");
        if value("litellm_proxy_spend_rows_pending") == 0 && written + dropped >= rows {
            return (written, dropped);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the spend writer never settled on {rows} rows");
}

#[tokio::test]
async fn a_database_that_goes_away_is_counted_and_shown_then_writes_resume() {
    let Some((pg, h)) = start_pg("away").await else {
        return;
    };
    let url = h.proxy.url();
    assert_eq!(h.chat("gpt-4o").await.status, 200);
    assert_eq!(settled(&h.client, &url, 1).await, (1, 0));

    pg.stop();
    for _ in 0..3 {
        // Requests never wait on the database: they are answered while it is down.
        assert_eq!(h.chat("gpt-4o").await.status, 200);
    }
    assert_eq!(
        settled(&h.client, &url, 4).await,
        (1, 3),
        "every lost row counted"
    );
    let (status, body) = get_text(&h.client, &format!("{url}/health/readiness")).await;
    assert_eq!(status, 503, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["db"], "disconnected");
    assert_eq!(body["spend_rows_dropped"], 3);
    assert!(
        body["db_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("spend rows cannot be written: ")),
        "{body}"
    );
    assert!(!body.to_string().contains(PASSWORD));
    let (_, metrics) = get_text(&h.client, &format!("{url}/metrics")).await;
    assert_eq!(metric(&metrics, "litellm_proxy_spend_store_up"), Some(0.0));

    pg.start_again();
    assert_eq!(h.chat("gpt-4o").await.status, 200);
    assert_eq!(settled(&h.client, &url, 5).await, (2, 3));
    let (status, body) = get_text(&h.client, &format!("{url}/health/readiness")).await;
    assert_eq!(status, 200, "{body}");
    let db = pg.client().await;
    let rows: i64 = db
        .query_one(r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 2);
    h.proxy.stop().await;
}

#[tokio::test]
async fn two_replicas_share_keys_and_budgets_and_every_answer_is_one_spend_row() {
    let Some((pg, a)) = start_pg("replicas").await else {
        return;
    };
    let b = replica(&a.dir, env(&pg)).await.unwrap();
    let (a_url, b_url) = (a.proxy.url(), b.url());
    let client = &a.client;
    let db = pg.client().await;
    let mut answered: Vec<String> = Vec::new();
    let mut keep = |reply: &Reply| {
        if reply.status == 200 {
            answered.push(reply.header("x-litellm-call-id").unwrap().to_string());
        }
    };

    // What one request to `priced` costs, from its row.
    let probe = chat_to(client, &a_url, KEY, "priced").await;
    assert_eq!(probe.status, 200, "{}", probe.text);
    keep(&probe);
    count_reaches(&db, r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, 1).await;
    let cost: f64 = db
        .query_one(r#"SELECT spend FROM "LiteLLM_SpendLogs""#, &[])
        .await
        .unwrap()
        .get(0);
    assert!(cost > 0.0);

    // A key made on A works on B; its budget holds one and a half requests.
    let made = post_to(
        client,
        &a_url,
        "/key/generate",
        KEY,
        json!({"max_budget": cost * 1.5, "models": ["priced", "gpt-4o"]}),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let key = made.json()["key"].as_str().unwrap().to_string();
    let on_b = chat_to(client, &b_url, &key, "priced").await;
    assert_eq!(
        on_b.status, 200,
        "a key made on A works on B: {}",
        on_b.text
    );
    keep(&on_b);
    let on_a = chat_to(client, &a_url, &key, "priced").await;
    assert_eq!(on_a.status, 200, "{}", on_a.text);
    keep(&on_a);

    // Each replica spent one request's cost (under the budget alone); the database holds both.
    key_spend_reaches(&db, &auth::hash_key(&key), 2.0 * cost).await;
    // Once the cached key is older than the ttl, each replica reads the shared spend again.
    tokio::time::sleep(TTL + Duration::from_millis(50)).await;
    for url in [&a_url, &b_url] {
        let over = chat_to(client, url, &key, "priced").await;
        let error = assert_openai_error(&over, 400);
        assert_eq!(error["type"], "budget_exceeded", "{}", over.text);
    }

    // Many requests on both replicas at once: every answer is exactly one row.
    let burst = futures_util::future::join_all((0..40).map(|i| {
        let url = if i % 2 == 0 {
            a_url.clone()
        } else {
            b_url.clone()
        };
        async move { chat_to(client, &url, KEY, "gpt-4o").await }
    }))
    .await;
    for reply in &burst {
        assert_eq!(reply.status, 200, "{}", reply.text);
        keep(reply);
    }
    a.proxy.stop().await;
    b.stop().await;
    let ids: Vec<String> = db
        .query(
            r#"SELECT request_id FROM "LiteLLM_SpendLogs" ORDER BY request_id"#,
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    answered.sort();
    assert_eq!(ids, answered, "one row per answered request, no other");
}

#[tokio::test]
async fn the_binary_says_where_the_database_is_never_the_password() {
    let Some(pg) = Postgres::start("binary") else {
        return;
    };
    let mock = mock_upstream::MockUpstream::start().await.unwrap();
    let dir = scratch("pg-binary");
    let config = binary_config(&dir, &mock.api_base());
    let url = pg.url();
    let mut proxy = ProxyProcess::spawn_with_env(
        &config,
        &["--threads".as_ref(), "1".as_ref()],
        &[("DATABASE_URL", url.as_ref())],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        proxy.line.ends_with(&format!(
            "spend logs and keys in the Postgres database `postgres` at 127.0.0.1:{}",
            pg.port
        )),
        "{}",
        proxy.line
    );
    let client = plain_client();
    let reply = chat_to(&client, &proxy.url, KEY, "gpt-4o").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    proxy.signal("TERM");
    let (status, rest) = proxy.wait();
    assert!(status.success());
    let db = pg.client().await;
    let rows: i64 = db
        .query_one(r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1, "a clean stop writes the queued row");
    assert!(!rest.join("\n").contains(PASSWORD));

    // --no-spend-db still wins over DATABASE_URL.
    let off = ProxyProcess::spawn_with_env(
        &config,
        &["--no-spend-db".as_ref()],
        &[("DATABASE_URL", url.as_ref())],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        off.line.contains("no spend logs or virtual keys"),
        "{}",
        off.line
    );
    drop(off);

    // A database that cannot be reached refuses the start, naming where, not the password.
    pg.stop();
    let refused = ProxyProcess::spawn_with_env(&config, &[], &[("DATABASE_URL", url.as_ref())])
        .err()
        .unwrap_or_default();
    assert!(
        refused.contains(&format!(
            "Postgres database `postgres` at 127.0.0.1:{}",
            pg.port
        )),
        "{refused}"
    );
    assert!(!refused.contains(PASSWORD), "{refused}");
}

#[tokio::test]
async fn tables_an_older_litellm_made_are_kept_and_given_the_columns_the_proxy_writes() {
    let Some(pg) = Postgres::start("legacy") else {
        return;
    };
    let db = pg.client().await;
    // The shape of LiteLLM's tables before `model_id`, `model_group`, `custom_llm_provider`,
    // `completionStartTime`, `requester_ip_address` and `status` were added, with a row each.
    db.batch_execute(
        r#"CREATE TABLE "LiteLLM_SpendLogs" (
               "request_id" TEXT NOT NULL PRIMARY KEY, "call_type" TEXT NOT NULL,
               "api_key" TEXT NOT NULL DEFAULT '', "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
               "total_tokens" INTEGER NOT NULL DEFAULT 0, "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
               "completion_tokens" INTEGER NOT NULL DEFAULT 0, "startTime" TIMESTAMP(3) NOT NULL,
               "endTime" TIMESTAMP(3) NOT NULL, "model" TEXT NOT NULL DEFAULT '',
               "api_base" TEXT DEFAULT '', "user" TEXT DEFAULT '', "metadata" JSONB DEFAULT '{}',
               "cache_hit" TEXT DEFAULT '', "cache_key" TEXT DEFAULT '',
               "request_tags" JSONB DEFAULT '[]', "team_id" TEXT, "end_user" TEXT);
           INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, "startTime", "endTime")
               VALUES ('from-litellm', 'acompletion', now(), now());
           CREATE TABLE "LiteLLM_VerificationToken" (
               "token" TEXT NOT NULL PRIMARY KEY, "key_name" TEXT, "key_alias" TEXT,
               "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0, "expires" TIMESTAMP(3),
               "models" TEXT[], "aliases" JSONB NOT NULL DEFAULT '{}',
               "config" JSONB NOT NULL DEFAULT '{}', "user_id" TEXT, "team_id" TEXT,
               "permissions" JSONB NOT NULL DEFAULT '{}', "max_parallel_requests" INTEGER,
               "metadata" JSONB NOT NULL DEFAULT '{}', "blocked" BOOLEAN, "tpm_limit" BIGINT,
               "rpm_limit" BIGINT, "max_budget" DOUBLE PRECISION, "budget_duration" TEXT,
               "budget_reset_at" TIMESTAMP(3), "allowed_cache_controls" TEXT[] DEFAULT ARRAY[]::TEXT[],
               "model_spend" JSONB NOT NULL DEFAULT '{}', "model_max_budget" JSONB NOT NULL DEFAULT '{}',
               "created_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, "created_by" TEXT,
               "updated_at" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, "updated_by" TEXT);"#,
    )
    .await
    .unwrap();
    // A key LiteLLM made (its hash, no limits, NULL models).
    let litellm_key = "sk-made-by-litellm-0001";
    db.execute(
        r#"INSERT INTO "LiteLLM_VerificationToken" (token, key_name) VALUES ($1, 'sk-...0001')"#,
        &[&auth::hash_key(litellm_key)],
    )
    .await
    .unwrap();

    let h = start_with_store("legacy", CONFIG, env(&pg)).await;
    let reply = chat_to(&h.client, &h.proxy.url(), litellm_key, "gpt-4o").await;
    assert_eq!(reply.status, 200, "LiteLLM's key works: {}", reply.text);
    count_reaches(&db, r#"SELECT count(*) FROM "LiteLLM_SpendLogs""#, 2).await;
    let status: String = db
        .query_one(
            r#"SELECT status FROM "LiteLLM_SpendLogs" WHERE request_id <> 'from-litellm'"#,
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "success");
    let kept: i64 = db
        .query_one(
            r#"SELECT count(*) FROM "LiteLLM_SpendLogs" WHERE request_id = 'from-litellm'"#,
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 1, "LiteLLM's rows are kept");
    let listed = h.get("/key/list").await;
    assert_eq!(listed.json()["total_count"], 1, "{}", listed.text);
    h.proxy.stop().await;
}
