//! Cost tracking: the cost header, SQLite spend rows in LiteLLM's shape, `/spend/logs` filters,
//! no lost rows on a clean shutdown, and no row lost without being counted: a store that cannot
//! be used is refused at start-up, and rows that cannot be written are counted in `/metrics`,
//! fail readiness and are logged once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use litellm_proxy::{auth, spend};
use proxy_support::*;
use serde_json::json;
use std::ffi::OsStr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CONFIG: &str = r#"
model_list:
  - model_name: priced
    litellm_params: {model: openai/custom, api_base: API_BASE, input_cost_per_token: 1.0, output_cost_per_token: 2.0}
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE}
  - model_name: unknown-price
    litellm_params: {model: openai/no-such-model-in-table, api_base: API_BASE}
general_settings: {master_key: sk-test-master-key}
"#;

#[tokio::test]
async fn every_call_is_priced_and_logged_in_litellm_row_shape() {
    let h = start("spend-rows", CONFIG).await;
    let reply = h.chat("priced").await;
    let usage = reply.json()["usage"].clone();
    let (prompt, completion) = (
        usage["prompt_tokens"].as_f64().unwrap_or(0.0),
        usage["completion_tokens"].as_f64().unwrap_or(0.0),
    );
    let cost: f64 = reply
        .header("x-litellm-response-cost")
        .and_then(|c| c.parse().ok())
        .unwrap_or(-1.0);
    assert_eq!(
        cost,
        prompt * 1.0 + completion * 2.0,
        "custom per-token prices win"
    );
    let call_id = reply.header("x-litellm-call-id").unwrap_or("").to_string();

    let unpriced = h.chat("unknown-price").await;
    // LiteLLM sends no cost header for a call it cannot price.
    assert_eq!(unpriced.header("x-litellm-response-cost"), None);

    let rows = h.spend_rows(&format!("?request_id={call_id}"), 1).await;
    let row = &rows[0];
    for field in [
        "request_id",
        "api_key",
        "model",
        "api_base",
        "call_type",
        "spend",
        "total_tokens",
        "prompt_tokens",
        "completion_tokens",
        "startTime",
        "endTime",
        "user",
        "metadata",
        "cache_hit",
        "cache_key",
        "request_tags",
        "requester_ip_address",
        "messages",
        "response",
    ] {
        assert!(row.get(field).is_some(), "row lacks `{field}`: {row}");
    }
    assert_eq!(row["spend"].as_f64(), Some(cost));
    assert_eq!(row["total_tokens"].as_f64(), Some(prompt + completion));
    assert_eq!(row["model"], "custom");
    assert_eq!(row["model_group"], "priced");
    assert_eq!(row["call_type"], "acompletion");
    assert_eq!(row["status"], "success");
    assert_eq!(row["custom_llm_provider"], "openai");
    assert_eq!(row["requester_ip_address"], "127.0.0.1");
    assert!(
        row["api_base"]
            .as_str()
            .is_some_and(|base| base.starts_with("http://127.0.0.1:")),
        "the deployment's api_base: {row}"
    );
    assert!(
        row["model_id"].as_str().is_some_and(|id| !id.is_empty()),
        "the deployment's id: {row}"
    );
    assert_eq!(
        row["metadata"]["usage_object"]["total_tokens"].as_f64(),
        Some(prompt + completion)
    );
    assert!(
        row["startTime"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 24),
        "ISO time with milliseconds: {row}"
    );
    assert_eq!(
        row["api_key"],
        auth::hash_key(KEY),
        "the key is stored hashed, as LiteLLM does"
    );
}

#[tokio::test]
async fn spend_logs_filters_by_user_key_and_summarizes_days() {
    let h = start("spend-filters", CONFIG).await;
    for user in ["alice", "bob", "alice"] {
        let body = json!({"model": "gpt-4o", "user": user, "messages": [{"role": "user", "content": "hello there"}]});
        assert_eq!(h.post("/v1/chat/completions", body).await.status, 200);
    }
    let stream = json!({"model": "gpt-4o", "user": "carol", "stream": true, "messages": [{"role": "user", "content": "hello there"}]});
    assert_eq!(h.post("/v1/chat/completions", stream).await.status, 200);

    let all = h.spend_rows("", 4).await;
    assert_eq!(all.len(), 4);
    let alice = h.spend_rows("?user_id=alice", 2).await;
    assert!(alice.iter().all(|r| r["user"] == "alice") && alice.len() == 2);
    let carol = h.spend_rows("?user_id=carol", 1).await;
    assert!(
        carol[0]["prompt_tokens"].as_u64().unwrap_or(0) > 0,
        "stream usage is recorded: {}",
        carol[0]
    );
    assert!(carol[0]["spend"].as_f64().unwrap_or(0.0) > 0.0);
    let by_key = h.spend_rows(&format!("?api_key={KEY}"), 4).await;
    assert_eq!(by_key.len(), 4, "a raw sk- key is hashed before lookup");
    let other_key = h.get("/spend/logs?api_key=sk-someone-else").await.json();
    assert_eq!(other_key, json!([]));

    let today = all[0]["startTime"]
        .as_str()
        .unwrap_or("")
        .get(..10)
        .unwrap_or("")
        .to_string();
    let days = h
        .get(&format!("/spend/logs?start_date={today}&end_date={today}"))
        .await
        .json();
    assert_eq!(days.as_array().map(Vec::len), Some(1));
    assert_eq!(days[0]["startTime"], today.as_str());
    let total: f64 = all.iter().filter_map(|r| r["spend"].as_f64()).sum();
    assert!((days[0]["spend"].as_f64().unwrap_or(0.0) - total).abs() < 1e-12);
    assert!(days[0]["users"]["alice"].as_f64().unwrap_or(0.0) > 0.0);
    let rows = h
        .get(&format!(
            "/spend/logs?start_date={today}&end_date={today}&summarize=false"
        ))
        .await
        .json();
    assert_eq!(rows.as_array().map(Vec::len), Some(4));
    assert_eq!(
        h.get("/spend/logs?start_date=2024-13-01&end_date=2024-13-02")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn a_clean_shutdown_loses_no_row() {
    let h = start("spend-shutdown", CONFIG).await;
    for _ in 0..40 {
        assert_eq!(h.chat("gpt-4o").await.status, 200);
    }
    let path = h.dir.join("spend.sqlite");
    let Harness { proxy, .. } = h;
    proxy.stop().await;
    let rows =
        spend::query(&path, &spend::SpendQuery::default()).unwrap_or_else(|e| panic!("query: {e}"));
    assert_eq!(rows.as_array().map(Vec::len), Some(40));
}

#[tokio::test]
async fn a_failed_request_leaves_a_failure_row_without_spend() {
    let config = r#"
model_list:
  - {model_name: down, litellm_params: {model: openai/down-fail-500, api_base: API_BASE}}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("spend-failure", config).await;
    let reply = h.chat("down").await;
    assert_eq!(reply.status, 500);
    let call_id = reply.header("x-litellm-call-id").unwrap_or("").to_string();
    let rows = h.spend_rows(&format!("?request_id={call_id}"), 1).await;
    assert_eq!(
        (rows[0]["status"].as_str(), rows[0]["spend"].as_f64()),
        (Some("failure"), Some(0.0))
    );
}

const NOWHERE: &str = "http://127.0.0.1:9/v1";

fn refused_start(config: &Path, spend_db: &Path) -> String {
    match ProxyProcess::spawn(config, &[OsStr::new("--spend-db"), spend_db.as_os_str()]) {
        Ok(_) => panic!("the proxy started on {}", spend_db.display()),
        Err(stderr) => {
            assert!(
                stderr.contains("exit status: 1"),
                "a refused start exits 1: {stderr}"
            );
            stderr
        }
    }
}

#[test]
fn a_spend_db_that_is_not_sqlite_is_refused_at_start_and_left_as_it_was() {
    let dir = scratch("spend-not-sqlite");
    let config = binary_config(&dir, NOWHERE);
    let db = dir.join("spend.sqlite");
    let notes = "these are someone's notes, not a database\n".repeat(200);
    std::fs::write(&db, &notes).unwrap_or_else(|e| panic!("write: {e}"));
    let stderr = refused_start(&config, &db);
    assert!(
        stderr.contains("is not an SQLite database") && stderr.contains(&db.display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&db).ok().as_deref(),
        Some(notes.as_str()),
        "the file is left as it was"
    );
}

#[test]
fn a_spend_db_that_is_not_a_regular_file_is_refused_at_start() {
    let dir = scratch("spend-fifo");
    let config = binary_config(&dir, NOWHERE);
    let fifo = dir.join("spend.sqlite");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // Held open for reading and writing, so an open of the FIFO does not block and a proxy that
    // took it would start (and fail this test) instead of hanging it.
    let _held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap_or_else(|e| panic!("open fifo: {e}"));
    let stderr = refused_start(&config, &fifo);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_spend_table_with_the_wrong_schema_is_refused_at_start_naming_the_columns() {
    let dir = scratch("spend-wrong-schema");
    let config = binary_config(&dir, NOWHERE);
    let db = dir.join("spend.sqlite");
    let other = rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("open: {e}"));
    other
        .execute_batch(
            r#"CREATE TABLE "LiteLLM_SpendLogs" (request_id TEXT PRIMARY KEY, call_type TEXT, api_key TEXT,
               spend TEXT, total_tokens INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER,
               "startTime" TEXT, "endTime" TEXT, "completionStartTime" TEXT, model TEXT, model_id TEXT,
               model_group TEXT, custom_llm_provider TEXT, api_base TEXT, "user" TEXT, metadata TEXT,
               cache_hit TEXT, cache_key TEXT, request_tags TEXT, requester_ip_address TEXT,
               team TEXT NOT NULL);
               INSERT INTO "LiteLLM_SpendLogs" (request_id, spend, team) VALUES ('kept', '1.5', 'a');"#,
        )
        .unwrap_or_else(|e| panic!("create: {e}"));
    drop(other);
    let stderr = refused_start(&config, &db);
    for expected in [
        "the table `LiteLLM_SpendLogs` is not the proxy's: missing columns `status`;",
        "column `spend` is TEXT",
        "column `team` is NOT NULL",
    ] {
        assert!(stderr.contains(expected), "`{expected}` in:\n{stderr}");
    }
    let kept: String = rusqlite::Connection::open(&db)
        .and_then(|c| {
            c.query_row(r#"SELECT request_id FROM "LiteLLM_SpendLogs""#, [], |r| {
                r.get(0)
            })
        })
        .unwrap_or_else(|e| panic!("the existing row: {e}"));
    assert_eq!(kept, "kept");
}

async fn chat_status(client: &reqwest::Client, url: &str) -> u16 {
    client
        .post(format!("{url}/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body(chat_body("gpt-4o").to_string())
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

async fn metrics_text(client: &reqwest::Client, url: &str) -> String {
    let reply = client
        .get(format!("{url}/metrics"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET /metrics: {e}"));
    reply.text().await.unwrap_or_default()
}

/// Polls `/metrics` until the writer has dealt with `rows` rows (written or dropped, none
/// pending); returns (written, dropped).
async fn settled(client: &reqwest::Client, url: &str, rows: u64) -> (u64, u64) {
    let mut last = String::new();
    for _ in 0..600 {
        last = metrics_text(client, url).await;
        let value = |name| metric(&last, name).unwrap_or(-1.0) as u64;
        let (written, dropped, pending) = (
            value("litellm_proxy_spend_rows_written_total"),
            value("litellm_proxy_spend_rows_dropped_total"),
            value("litellm_proxy_spend_rows_pending"),
        );
        if pending == 0 && written + dropped == rows {
            return (written, dropped);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the spend writer never settled on {rows} rows:\n{last}");
}

/// Disk full, made with the store's own size cap (twelve 16 KiB pages, seven of them the empty
/// tables and indexes): the rows that do not fit are counted, exactly;
/// readiness fails with the reason; the log says why once, not once per row.
#[tokio::test]
async fn a_full_store_counts_every_lost_row_fails_readiness_and_says_why_once() {
    let Binary {
        mut proxy,
        spend_db: db,
        mock: _serving,
    } = start_binary("spend-full", &["--spend-db-max-bytes", "196608"]).await;
    let client = plain_client();
    // Rounds of a few concurrent requests, each written before the next, fill the file; then a
    // burst that cannot fit.
    let mut requests = 0;
    let mut dropped = 0;
    while dropped == 0 && requests < 2000 {
        let calls = (0..5).map(|_| chat_status(&client, &proxy.url));
        for status in futures_util::future::join_all(calls).await {
            assert_eq!(status, 200, "a full spend store does not fail requests");
        }
        requests += 5;
        dropped = settled(&client, &proxy.url, requests).await.1;
    }
    let calls = (0..50).map(|_| chat_status(&client, &proxy.url));
    for status in futures_util::future::join_all(calls).await {
        assert_eq!(status, 200);
    }
    requests += 50;
    let (mut written, mut dropped) = settled(&client, &proxy.url, requests).await;
    assert!(
        written > 0 && dropped > 0,
        "written {written}, dropped {dropped}"
    );
    // A small last batch may still fit in the free space left (the store is then writing again);
    // one row at a time until none fits.
    let ready = loop {
        let ready = client
            .get(format!("{}/health/readiness", proxy.url))
            .send()
            .await
            .unwrap_or_else(|e| panic!("readiness: {e}"));
        if ready.status() != 200 || requests > 4000 {
            break ready;
        }
        assert_eq!(chat_status(&client, &proxy.url).await, 200);
        requests += 1;
        (written, dropped) = settled(&client, &proxy.url, requests).await;
    };
    assert_eq!(ready.status().as_u16(), 503);
    let ready: serde_json::Value =
        serde_json::from_str(&ready.text().await.unwrap_or_default()).unwrap_or_default();
    assert_ne!(ready["db"], "connected", "{ready}");
    assert!(
        ready["db_error"]
            .as_str()
            .is_some_and(|e| e.contains("full")),
        "{ready}"
    );
    assert_eq!(
        ready["spend_rows_dropped"].as_u64(),
        Some(dropped),
        "{ready}"
    );

    proxy.signal("TERM");
    let (exit, log) = proxy.wait();
    assert!(exit.success(), "a clean stop exits 0 even so: {exit:?}");
    let rows =
        spend::query(&db, &spend::SpendQuery::default()).unwrap_or_else(|e| panic!("query: {e}"));
    let rows = rows.as_array().map_or(0, Vec::len) as u64;
    assert_eq!(rows, written, "the written counter is what is on disk");
    assert_eq!(
        requests - rows,
        dropped,
        "the dropped counter is exactly the rows lost"
    );
    let why: Vec<&String> = log
        .iter()
        .filter(|line| line.contains("cannot write spend rows"))
        .collect();
    assert_eq!(why.len(), 1, "the reason once: {log:#?}");
    assert!(why[0].contains("full"), "{}", why[0]);
    assert!(log.len() < 6, "no line per row: {log:#?}");
}

/// A write error after start (another program replaced the table): the rows are counted, readiness
/// says why, and once the table is put right the store writes again.
#[tokio::test]
async fn a_table_broken_after_start_is_counted_reported_and_recovered_from() {
    let h = start("spend-broken", CONFIG).await;
    assert_eq!(h.chat("gpt-4o").await.status, 200);
    h.spend_rows("", 1).await;
    let other = rusqlite::Connection::open(h.dir.join("spend.sqlite"))
        .unwrap_or_else(|e| panic!("open: {e}"));
    other
        .execute_batch(
            r#"DROP TABLE "LiteLLM_SpendLogs"; CREATE TABLE "LiteLLM_SpendLogs" (request_id TEXT PRIMARY KEY, note TEXT);"#,
        )
        .unwrap_or_else(|e| panic!("replace the table: {e}"));
    for _ in 0..5 {
        assert_eq!(h.chat("gpt-4o").await.status, 200);
    }
    let url = h.proxy.url();
    let (written, dropped) = settled(&h.client, &url, 6).await;
    assert_eq!((written, dropped), (1, 5));
    let ready = h.get_with("/health/readiness", &[]).await;
    assert_eq!(ready.status, 503, "{}", ready.text);
    let ready = ready.json();
    assert_eq!(ready["db"], "disconnected", "{ready}");
    assert!(
        ready["db_error"]
            .as_str()
            .is_some_and(|e| e.contains("column")),
        "{ready}"
    );

    other
        .execute_batch(r#"DROP TABLE "LiteLLM_SpendLogs";"#)
        .unwrap_or_else(|e| panic!("drop the table: {e}"));
    assert_eq!(h.chat("gpt-4o").await.status, 200);
    assert_eq!(settled(&h.client, &url, 7).await, (2, 5));
    let ready = h.get_with("/health/readiness", &[]).await;
    assert_eq!(
        (ready.status, ready.json()["db"].clone()),
        (200, json!("connected")),
        "{}",
        ready.text
    );
    assert_eq!(h.spend_rows("", 1).await.len(), 1);
}

/// The durability contract's crash half: SIGKILL under load keeps every row the proxy had
/// reported written, the file stays intact, and no row appears for a request never made. The
/// loss (answered requests without a row) is printed: docs/performance.md quotes it.
#[tokio::test]
async fn a_crash_keeps_every_row_reported_written() {
    let Binary {
        mut proxy,
        spend_db: db,
        mock: _serving,
    } = start_binary("spend-crash", &[]).await;
    let client = plain_client();
    const CLIENTS: usize = 8;
    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let loops: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, url) = (client.clone(), proxy.url.clone());
            let (answered, stop) = (answered.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let reply = client
                        .post(format!("{url}/v1/chat/completions"))
                        .bearer_auth(KEY)
                        .header("content-type", "application/json")
                        .body(chat_body("gpt-4o").to_string())
                        .send()
                        .await;
                    let Ok(reply) = reply else { break };
                    let id = reply.headers().get("x-litellm-call-id").cloned();
                    if reply.status() == 200 && reply.bytes().await.is_ok() {
                        if let Some(id) = id.and_then(|v| v.to_str().ok().map(str::to_string)) {
                            answered.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                        }
                    }
                }
            })
        })
        .collect();
    // Load until the writer has committed a good number of rows while serving.
    let mut written_before_kill = 0.0;
    for _ in 0..3000 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let text = metrics_text(&client, &proxy.url).await;
        written_before_kill =
            metric(&text, "litellm_proxy_spend_rows_written_total").unwrap_or(0.0);
        if written_before_kill >= 500.0 {
            break;
        }
    }
    assert!(
        written_before_kill >= 500.0,
        "the writer committed no rows under load"
    );
    proxy.signal("KILL");
    let (exit, _) = proxy.wait();
    assert!(!exit.success(), "killed: {exit:?}");
    stop.store(true, Ordering::Relaxed);
    for task in loops {
        let _ = task.await;
    }
    let answered = answered.lock().unwrap_or_else(|e| e.into_inner()).clone();

    let file = rusqlite::Connection::open(&db).unwrap_or_else(|e| panic!("open: {e}"));
    let check: String = file
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("integrity_check: {e}"));
    assert_eq!(check, "ok");
    let mut select = file
        .prepare(r#"SELECT request_id FROM "LiteLLM_SpendLogs""#)
        .unwrap_or_else(|e| panic!("select: {e}"));
    let rows: std::collections::HashSet<String> = select
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .unwrap_or_else(|e| panic!("rows: {e}"));
    assert!(
        rows.len() as f64 >= written_before_kill,
        "{} rows on disk, {written_before_kill} reported written before the kill",
        rows.len()
    );
    let answered_set: std::collections::HashSet<&String> = answered.iter().collect();
    let unanswered = rows.iter().filter(|id| !answered_set.contains(id)).count();
    assert!(
        unanswered <= CLIENTS,
        "{unanswered} rows for requests not answered (at most the {CLIENTS} in flight at the kill)"
    );
    let lost = answered.iter().filter(|id| !rows.contains(*id)).count();
    eprintln!(
        "SIGKILL under load ({CLIENTS} clients): {} requests answered, {} rows on disk, {lost} answered requests without a row",
        answered.len(),
        rows.len()
    );
}

/// Each route's rows carry LiteLLM's `call_type` for it (the LiteLLM function that serves the
/// route), failures and streams included.
#[tokio::test]
async fn spend_rows_name_each_routes_litellm_call_type() {
    const ROUTES: &str = r#"
model_list:
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: API_BASE, api_key: sk-upstream}
  - model_name: embed
    litellm_params: {model: openai/text-embedding-3-small, api_base: API_BASE, api_key: sk-upstream}
  - model_name: instruct
    litellm_params: {model: text-completion-openai/gpt-3.5-turbo-instruct, api_base: API_BASE, api_key: sk-upstream}
  - model_name: claude
    litellm_params: {model: anthropic/claude-haiku-4-5, api_base: API_BASE, api_key: sk-ant-test}
  - model_name: broken
    litellm_params: {model: openai/gpt-fail-500, api_base: API_BASE}
router_settings: {num_retries: 0}
general_settings: {master_key: sk-test-master-key}
"#;
    let h = start("spend-call-types", ROUTES).await;
    let anthropic = [("x-api-key", KEY), ("anthropic-version", "2023-06-01")];
    let mut calls = Vec::new();
    for (path, body, expected) in [
        ("/v1/chat/completions", chat_body("gpt-4o"), "acompletion"),
        (
            "/v1/embeddings",
            json!({"model": "embed", "input": "hi"}),
            "aembedding",
        ),
        (
            "/v1/completions",
            json!({"model": "instruct", "prompt": "Say hi"}),
            "atext_completion",
        ),
        (
            "/v1/responses",
            json!({"model": "gpt-4o", "input": "hi"}),
            "aresponses",
        ),
        (
            "/v1/responses",
            json!({"model": "claude", "input": "hi", "stream": true}),
            "aresponses",
        ),
        (
            "/v1/messages",
            json!({"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}),
            "anthropic_messages",
        ),
        (
            "/v1/messages",
            json!({"model": "gpt-4o", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}),
            "anthropic_messages",
        ),
        (
            "/v1/embeddings",
            json!({"model": "broken", "input": "hi"}),
            "aembedding",
        ),
    ] {
        let reply = h.post_with(path, body, &anthropic).await;
        let call_id = reply
            .header("x-litellm-call-id")
            .unwrap_or_else(|| panic!("{path}: no call id ({}): {}", reply.status, reply.text))
            .to_string();
        calls.push((path, call_id, expected));
    }
    for (path, call_id, expected) in calls {
        let rows = h.spend_rows(&format!("?request_id={call_id}"), 1).await;
        assert_eq!(rows[0]["call_type"], expected, "{path}: {}", rows[0]);
    }
}
