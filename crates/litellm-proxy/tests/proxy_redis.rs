//! Replicas sharing state through a real Redis (a throw-away `redis-server` per test): two proxies
//! on one config and one key store, as behind a load balancer. Cooldowns, a key's `rpm_limit`
//! and `max_parallel_requests` hold across both; with Redis gone both keep serving and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;

use proxy_support::redis_server::RedisServer;
use proxy_support::*;
use serde_json::json;
use std::time::Duration;

fn config(port: u16, models: &str) -> String {
    format!(
        "model_list:\n{models}router_settings:\n  redis_host: 127.0.0.1\n  redis_port: {port}\n  cooldown_time: 60\ngeneral_settings: {{master_key: {KEY}}}\n"
    )
}

fn deployment(name: &str, model: &str, id: &str) -> String {
    format!(
        "  - model_name: {name}\n    litellm_params: {{model: openai/{model}, api_base: API_BASE, api_key: sk-upstream}}\n    model_info: {{id: {id}}}\n"
    )
}

/// A virtual key made with the master key on `replica`.
async fn new_key(replicas: &Replicas, replica: usize, body: serde_json::Value) -> String {
    let reply = replicas.post(replica, "/key/generate", body, KEY).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["key"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_cooled_down_on_one_replica_is_skipped_by_the_other() {
    let Some(redis) = RedisServer::start("cooldown") else {
        return;
    };
    let models = deployment("g", "bad", "bad") + &deployment("g", "good", "good");
    let replicas = Replicas::start("redis-cooldown", &config(redis.port, &models), 2).await;
    replicas.cool_down(0, "g", "bad").await;
    // `bad` answers again: had replica 1 not learned of the cooldown, it would now use it.
    let cooling = "litellm_proxy_deployment_cooling{model_group=\"g\",model_id=\"bad\"}";
    assert!(
        replicas.wait_for_metric(1, cooling, 1.0).await,
        "replica 1 never saw the cooldown set by replica 0"
    );
    for _ in 0..20 {
        let reply = replicas.chat(1, "g", KEY).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    assert_eq!(
        replicas.mock.hits("bad"),
        0,
        "replica 1 called the cooled deployment"
    );
    assert_eq!(replicas.mock.hits("good"), 20);
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keys_rpm_limit_holds_across_replicas() {
    let Some(redis) = RedisServer::start("rpm") else {
        return;
    };
    let replicas = Replicas::start(
        "redis-rpm",
        &config(redis.port, &deployment("g", "good", "good")),
        2,
    )
    .await;
    // Made on replica 0; replica 1 reads it from the shared store.
    let key = new_key(&replicas, 0, json!({"rpm_limit": 4})).await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let reply = replicas.chat(i % 2, "g", &key).await;
        if reply.status == 429 {
            let error = assert_openai_error(&reply, 429);
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .contains("Limit type: requests. Current limit: 4"),
                "{}",
                reply.text
            );
            assert!(reply.header("retry-after").is_some());
        }
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 429, 429, 429, 429],
        "4 requests a minute in all, whichever replica serves them"
    );
    assert_eq!(replicas.mock.hits("good"), 4);
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_parallel_requests_hold_across_replicas() {
    let Some(redis) = RedisServer::start("parallel") else {
        return;
    };
    // `slow-delay-1500`: the mock waits 1.5 s before answering (its model-name convention).
    let models =
        deployment("slow", "slow-delay-1500", "slow") + &deployment("fast", "fast", "fast");
    let replicas = Replicas::start("redis-parallel", &config(redis.port, &models), 2).await;
    let key = new_key(&replicas, 0, json!({"max_parallel_requests": 1})).await;
    let replicas = std::sync::Arc::new(replicas);
    let first = {
        let (replicas, key) = (replicas.clone(), key.clone());
        tokio::spawn(async move { replicas.chat(0, "slow", &key).await })
    };
    // Once the slow call is at the upstream, the key's one place is taken, on every replica.
    for _ in 0..500 {
        if replicas.mock.hits("slow-delay-1500") == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(replicas.mock.hits("slow-delay-1500"), 1);
    let refused = replicas.chat(1, "fast", &key).await;
    let error = assert_openai_error(&refused, 429);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Limit type: max_parallel_requests. Current limit: 1"),
        "{}",
        refused.text
    );
    let done = first.await.unwrap();
    assert_eq!(done.status, 200, "{}", done.text);
    // The place is given back once the first call is over (written after its answer).
    let mut status = 0;
    for _ in 0..250 {
        status = replicas.chat(1, "fast", &key).await.status;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200, "the parallel place was never given back");
    assert_eq!(replicas.mock.hits("fast"), 1);
    match std::sync::Arc::try_unwrap(replicas) {
        Ok(replicas) => replicas.stop().await,
        Err(_) => panic!("replicas still shared"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_every_replica_keeps_serving_and_says_so() {
    let Some(mut redis) = RedisServer::start("killed") else {
        return;
    };
    let up = "litellm_proxy_redis_up";
    let mut replicas = Replicas::start(
        "redis-killed",
        &config(redis.port, &deployment("g", "good", "good")),
        2,
    )
    .await;
    let key = new_key(&replicas, 0, json!({"rpm_limit": 100})).await;
    for replica in 0..2 {
        assert_eq!(replicas.chat(replica, "g", &key).await.status, 200);
        assert!(replicas.wait_for_metric(replica, up, 1.0).await);
        let ready = replicas.get(replica, "/health/readiness").await.json();
        assert_eq!(ready["redis"], "connected");
        assert_eq!(ready["cache"], "redis");
    }
    redis.kill();
    // A key with limits (counted in Redis until now) and the master key both still get answers.
    for replica in 0..2 {
        for caller in [key.as_str(), KEY] {
            let reply = replicas.chat(replica, "g", caller).await;
            assert_eq!(reply.status, 200, "replica {replica}: {}", reply.text);
        }
        assert!(
            replicas.wait_for_metric(replica, up, 0.0).await,
            "replica {replica} never reported Redis down"
        );
        let ready = replicas.get(replica, "/health/readiness").await;
        assert_eq!(ready.status, 200, "{}", ready.text);
        let body = ready.json();
        assert_eq!(body["redis"], "disconnected");
        assert!(body["redis_error"].as_str().is_some(), "{body}");
    }
    // A replica started while Redis is down starts and serves on its own counts.
    replicas.add().await;
    assert_eq!(replicas.chat(2, "g", &key).await.status, 200);
    assert!(replicas.wait_for_metric(2, up, 0.0).await);
    // Redis back: noticed by the sync, and limits are counted there again.
    redis.restart();
    for replica in 0..3 {
        assert!(
            replicas.wait_for_metric(replica, up, 1.0).await,
            "replica {replica} never noticed Redis back"
        );
    }
    let limited = new_key(&replicas, 0, json!({"rpm_limit": 1})).await;
    assert_eq!(replicas.chat(1, "g", &limited).await.status, 200);
    assert_eq!(replicas.chat(2, "g", &limited).await.status, 429);
    replicas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_based_routing_counts_every_replicas_requests() {
    let Some(redis) = RedisServer::start("usage") else {
        return;
    };
    // The counts are per UTC minute: start early in one, so the test does not straddle two.
    let second = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            % 60
    };
    if second() >= 50 {
        tokio::time::sleep(Duration::from_secs(61 - second())).await;
    }
    let models = "  - model_name: g\n    litellm_params: {model: openai/limited, api_base: API_BASE, api_key: sk-upstream, rpm: 3}\n    model_info: {id: limited}\n";
    let yaml = config(redis.port, models).replace(
        "router_settings:\n",
        "router_settings:\n  routing_strategy: usage-based-routing-v2\n",
    );
    let replicas = Replicas::start("redis-usage", &yaml, 2).await;
    for _ in 0..3 {
        let reply = replicas.chat(0, "g", KEY).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let requests =
        "litellm_proxy_deployment_requests_this_minute{model_group=\"g\",model_id=\"limited\"}";
    assert!(
        replicas.wait_for_metric(1, requests, 3.0).await,
        "replica 1 never counted replica 0's requests"
    );
    // The deployment's `rpm: 3` is used up, by replica 0 alone.
    let refused = replicas.chat(1, "g", KEY).await;
    assert_openai_error(&refused, 429);
    assert_eq!(replicas.mock.hits("limited"), 3);
    replicas.stop().await;
}

/// The same through two `litellm-proxy` processes (each its own runtimes, the Redis connection on
/// the main thread's) on one SQLite file: a key made on one is limited on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_a_keys_rpm_limit() {
    let Some(redis) = RedisServer::start("processes") else {
        return;
    };
    let mock = mock_upstream::MockUpstream::start().await.unwrap();
    let dir = scratch("redis-processes");
    let path = dir.join("config.yaml");
    let yaml =
        config(redis.port, &deployment("g", "good", "good")).replace("API_BASE", &mock.api_base());
    std::fs::write(&path, yaml).unwrap();
    let spend_db = dir.join("spend.sqlite");
    let args: Vec<&std::ffi::OsStr> = vec![
        "--threads".as_ref(),
        "2".as_ref(),
        "--spend-db".as_ref(),
        spend_db.as_os_str(),
    ];
    let first = ProxyProcess::spawn(&path, &args).unwrap();
    let second = ProxyProcess::spawn(&path, &args).unwrap();
    assert!(
        first.line.ends_with(&format!(
            "cooldowns, usage and key limits shared through Redis at 127.0.0.1:{}/0",
            redis.port
        )),
        "{}",
        first.line
    );
    let client = plain_client();
    let made = post_to(
        &client,
        &first.url,
        "/key/generate",
        KEY,
        json!({"rpm_limit": 2}),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let key = made.json()["key"].as_str().unwrap().to_string();
    let mut statuses = Vec::new();
    for url in [&second.url, &first.url, &second.url, &first.url] {
        statuses.push(chat_to(&client, url, &key, "g").await.status);
    }
    assert_eq!(statuses, [200, 200, 429, 429]);
    assert_eq!(mock.hits("good"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keys_tpm_limit_counts_tokens_used_on_either_replica() {
    let Some(redis) = RedisServer::start("tpm") else {
        return;
    };
    let replicas = Replicas::start(
        "redis-tpm",
        &config(redis.port, &deployment("g", "good", "good")),
        2,
    )
    .await;
    // The mock's answer uses 10 tokens: two answers pass 15.
    let key = new_key(&replicas, 0, json!({"tpm_limit": 15})).await;
    assert_eq!(replicas.chat(0, "g", &key).await.status, 200);
    assert_eq!(replicas.chat(1, "g", &key).await.status, 200);
    // Tokens are added after the answer, without the client waiting: the refusal comes once
    // they are in, on either replica.
    let mut refused = None;
    for attempt in 0..100 {
        let reply = replicas.chat(attempt % 2, "g", &key).await;
        if reply.status == 429 {
            refused = Some(reply);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = refused.expect("the key's tokens were never counted across replicas");
    let error = assert_openai_error(&refused, 429);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Limit type: tokens. Current limit: 15"),
        "{}",
        refused.text
    );
    replicas.stop().await;
}
