//! `litellm-check explain` says what litellm-proxy does: for sampled names of hand-written configs
//! and of every corpus config the proxy can load, the deployment and the upstream model explain
//! predicts are the ones the mock upstream sees, and a name explain says nothing serves reaches no
//! upstream.
//!
//! Every deployment's `api_base` is rewritten to the mock under `/d<model_list index>`, so the
//! path of the one request the mock records names the deployment the proxy picked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

mod proxy_support;
#[path = "../../../tests/shared_corpus/mod.rs"]
mod shared_corpus;

use litellm_check::env::Environment;
use litellm_check::litellm::explain::{Explainer, ProxyView};
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::syntax::SourceMap;
use litellm_proxy::config::Secret;
use litellm_proxy::{self as proxy, ProxyOptions};
use mock_upstream::MockUpstream;
use proxy_support::{chat_body, scratch, KEY};
use std::path::{Path, PathBuf};

/// A name explain says nothing serves, unless a catch-all wildcard does.
const MISS: &str = "explain-probe-no-such-model";

/// The names of a config worth asking for: the first exact group, the first alias and a name
/// the first wildcard pattern matches (each `*` filled in), at most `limit`, then a miss.
fn sample_names(
    text_config: &litellm_check::litellm::resolved::ResolvedConfig,
    limit: usize,
) -> Vec<String> {
    let groups = &text_config.groups;
    // This test compares chat answers; a group of `text-completion-openai` deployments answers
    // chat through a text completion (a choice per message), which proxy_completions.rs covers.
    let chat_group = |name: &str| {
        !text_config.deployments.iter().any(|d| {
            d.model_name == name && d.provider.as_deref() == Some("text-completion-openai")
        })
    };
    let mut names: Vec<String> = Vec::new();
    names.extend(
        groups
            .exact_names()
            .find(|name| chat_group(name))
            .map(str::to_string),
    );
    names.extend(
        groups
            .aliases
            .iter()
            .find(|a| chat_group(&a.target))
            .map(|a| a.name.clone()),
    );
    names.extend(
        groups
            .patterns()
            .next()
            .map(|p| p.name.replace('*', "probe")),
    );
    names.truncate(limit);
    names.push(MISS.to_string());
    names
}

/// What went wrong for one config, or how many names agreed.
enum Outcome {
    /// The proxy does not load it (the checker finds errors, or an unsupported strategy).
    NotLoadable,
    Agreed(usize),
    Disagreed(Vec<String>),
}

struct Bench {
    mock: MockUpstream,
    client: reqwest::Client,
}

impl Bench {
    async fn new() -> Self {
        Bench {
            mock: MockUpstream::start().await.expect("mock"),
            client: reqwest::Client::builder()
                .tls_backend_preconfigured(proxy::tls::client_config().expect("tls"))
                .no_proxy()
                .build()
                .expect("client"),
        }
    }

    /// `(model_list index, upstream model)` of every request the mock saw since the last reset.
    async fn seen(&self) -> Vec<(usize, String, u64)> {
        let text = self
            .client
            .get(format!("http://{}/mock/hits", self.mock.addr()))
            .send()
            .await
            .expect("hits")
            .text()
            .await
            .expect("hits body");
        let hits: serde_json::Value = serde_json::from_str(&text).expect("hits json");
        let mut seen = Vec::new();
        for (route, count) in hits["by_route"].as_object().expect("by_route") {
            // `POST /d<index>/... <model>`
            let mut parts = route.splitn(3, ' ');
            let (_, path, model) = (
                parts.next(),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            let index = path
                .strip_prefix("/d")
                .and_then(|rest| rest.split('/').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            // Azure and Gemini carry the model in the URL path, percent-encoded.
            seen.push((index, percent_decode(model), count.as_u64().unwrap_or(0)));
        }
        seen
    }

    /// Loads `path` as litellm-proxy does, points every deployment at the mock, and checks each
    /// name against explain's prediction.
    async fn check(&self, path: &Path, names: Option<&[&str]>, limit: usize) -> Outcome {
        let env = Environment::empty();
        let mut sources = SourceMap::new();
        let options = CheckOptions {
            env: env.clone(),
            ..CheckOptions::default()
        };
        let Ok(outcome) = check_file(path, &options, &mut sources) else {
            return Outcome::NotLoadable;
        };
        let Ok(loaded) = proxy::load::load(path, &env, false) else {
            return Outcome::NotLoadable;
        };
        let resolved = &outcome.resolved;
        let mut config = loaded.config;
        for d in &mut config.deployments {
            let index = resolved
                .deployments
                .iter()
                .find(|r| r.model_name_span == d.name_span)
                .map(|r| r.index)
                .expect("every served deployment is a model_list entry");
            d.api_base = Some(format!("http://{}/d{index}/v1", self.mock.addr()));
            d.api_key = Some(Secret::new("sk-mock-upstream"));
            d.api_version.get_or_insert_with(|| "2024-10-21".into());
        }
        config.master_key = Some(Secret::new(KEY));
        config.spend_db = None;
        // The corpus's `database_url`s name databases that are not here.
        config.database_url = None;
        config.disable_spend_logs = true;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let running = proxy::start(config, listener, ProxyOptions::default())
            .await
            .expect("start");
        let explainer = Explainer::new(resolved, env.presence());
        let names: Vec<String> = match names {
            Some(list) => list.iter().map(|n| n.to_string()).collect(),
            None => sample_names(resolved, limit),
        };
        let mut problems = Vec::new();
        for name in &names {
            let predicted = explainer.model(name).proxy;
            self.mock.reset_counts();
            let reply = self
                .client
                .post(format!("{}/v1/chat/completions", running.url()))
                .header("authorization", format!("Bearer {KEY}"))
                .header("content-type", "application/json")
                .body(chat_body(name).to_string())
                .send()
                .await
                .expect("proxy answers");
            let status = reply.status().as_u16();
            let body = reply.text().await.unwrap_or_default();
            let seen = self.seen().await;
            if let Err(problem) = agrees(&predicted, status, &seen) {
                problems.push(format!(
                    "`{name}`: {problem}; proxy answered {status}: {body:.300}"
                ));
            }
        }
        running.stop().await;
        if problems.is_empty() {
            Outcome::Agreed(names.len())
        } else {
            Outcome::Disagreed(problems)
        }
    }
}

/// Whether what the mock saw is what explain predicted for litellm-proxy.
fn agrees(predicted: &ProxyView, status: u16, seen: &[(usize, String, u64)]) -> Result<(), String> {
    if predicted.group.is_none() {
        return match (status, seen) {
            (200, _) | (_, [_, ..]) => Err(format!(
                "explain says nothing serves it; the mock saw {seen:?}"
            )),
            _ => Ok(()),
        };
    }
    let [(index, model, 1)] = seen else {
        return Err(format!("expected one upstream call, the mock saw {seen:?}"));
    };
    // The first tier's deployments simple-shuffle can draw (any of them for the other strategies).
    let candidates: Vec<_> = predicted
        .deployments
        .iter()
        .filter(|c| c.tier == 1 && c.share.is_none_or(|s| s > 0.0))
        .collect();
    let Some(choice) = candidates.iter().find(|c| c.deployment.index == *index) else {
        let expected: Vec<usize> = candidates.iter().map(|c| c.deployment.index).collect();
        return Err(format!(
            "the proxy called model_list[{index}], explain predicts one of {expected:?}"
        ));
    };
    if choice.upstream_model.as_deref() != Some(model.as_str()) {
        return Err(format!(
            "model_list[{index}] was called with `{model}`, explain predicts {:?}",
            choice.upstream_model
        ));
    }
    if status != 200 {
        return Err("the call did not succeed".into());
    }
    Ok(())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write config");
    path
}

#[tokio::test]
async fn explain_predicts_the_deployment_and_upstream_model_of_hand_written_configs() {
    let bench = Bench::new().await;
    let dir = scratch("explain-hand-written");
    let routing =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/explain/routing.yaml");
    let shadowed = write(
        &dir,
        "shadowed.yaml",
        r#"
model_list:
  - {model_name: only-bedrock, litellm_params: {model: bedrock/anthropic.claude-v2}}
  - {model_name: only-*, litellm_params: {model: openai/*}}
  - {model_name: gemini-pro, litellm_params: {model: gemini/gemini-1.5-pro}}
  - {model_name: azure-gpt, litellm_params: {model: azure/my-deployment, api_version: "2024-10-21"}}
  - {model_name: claude, litellm_params: {model: anthropic/claude-3-5-haiku-20241022}}
  - {model_name: multi/*/x-*, litellm_params: {model: openai/*-*}}
"#,
    );
    let aliases = write(
        &dir,
        "aliases.yaml",
        r#"
model_list:
  - {model_name: openai-*, litellm_params: {model: openai/*}}
  - {model_name: custom, litellm_params: {model: my-org/model-7, custom_llm_provider: openai}}
  - {model_name: bare, litellm_params: {model: gpt-4o-mini}}
  - {model_name: tiers, litellm_params: {model: openai/second, order: 2}}
  - {model_name: tiers, litellm_params: {model: openai/first, order: 1, weight: 1}}
  - {model_name: tiers, litellm_params: {model: openai/never, order: 1, weight: 0}}
router_settings:
  routing_strategy: least-busy
  model_group_alias:
    fast: openai-o3
    quiet: {model: custom, hidden: true}
    openai-x: bare
"#,
    );
    let cases: [(&Path, &[&str]); 3] = [
        (
            &routing,
            &[
                "gpt-4o",
                "gpt-quiet",
                "gpt-fast",
                "gpt-4o-mini",
                "claude",
                "small",
                "gpt-probe",
                "claud",
            ],
        ),
        (
            &shadowed,
            &[
                "only-bedrock",
                "only-thing",
                "gemini-pro",
                "azure-gpt",
                "claude",
                "multi/a/x-b",
                "nothing",
            ],
        ),
        (
            &aliases,
            &[
                "fast",
                "quiet",
                "openai-x",
                "openai-o1",
                "custom",
                "bare",
                "tiers",
                "tier",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (path, names) in cases {
        // Several draws, so a weighted choice explain does not predict would show.
        for _ in 0..3 {
            match bench.check(path, Some(names), names.len()).await {
                Outcome::Agreed(n) => assert_eq!(n, names.len()),
                Outcome::NotLoadable => {
                    failures.push(format!("{}: the proxy does not load it", path.display()))
                }
                Outcome::Disagreed(problems) => failures.extend(
                    problems
                        .into_iter()
                        .map(|p| format!("{}: {p}", path.display())),
                ),
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    assert!(
        failures.is_empty(),
        "explain and the proxy disagree:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn explain_predicts_what_the_proxy_does_with_every_loadable_corpus_config() {
    let Some(root) = shared_corpus::corpus_root() else {
        return;
    };
    let bench = Bench::new().await;
    let (mut loaded, mut names, mut not_loadable) = (0, 0, 0);
    let mut failures = Vec::new();
    for dir in ["litellm", "litellm-docs"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("corpus dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        for file in files {
            match bench.check(&file, None, 3).await {
                Outcome::NotLoadable => not_loadable += 1,
                Outcome::Agreed(n) => {
                    loaded += 1;
                    names += n;
                }
                Outcome::Disagreed(problems) => {
                    loaded += 1;
                    let name = file
                        .strip_prefix(&root)
                        .unwrap_or(&file)
                        .display()
                        .to_string();
                    failures.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
                }
            }
        }
    }
    eprintln!("{loaded} corpus configs loaded ({names} names agreed), {not_loadable} not loadable by the proxy");
    assert!(loaded > 100, "only {loaded} corpus configs loaded");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// When deployments fail, the proxy walks the fallbacks explain lists: the mock sees the
/// requested group's deployment, then the deployment of each fallback explain marks `tried`, up
/// to the first that answers, and nothing else.
#[tokio::test]
async fn explain_predicts_the_fallback_walk() {
    let config = r#"
model_list:
  - {model_name: broken, litellm_params: {api_base: API_BASE, api_key: sk-mock, model: openai/fail-503}}
  - {model_name: backup, litellm_params: {api_base: API_BASE, api_key: sk-mock, model: openai/backup-model}}
  - {model_name: also-broken, litellm_params: {api_base: API_BASE, api_key: sk-mock, model: openai/fail-500}}
  - {model_name: unused, litellm_params: {api_base: API_BASE, api_key: sk-mock, model: openai/unused-model}}
router_settings:
  num_retries: 0
  fallbacks: [{broken: [also-broken, backup, unused]}, {also-broken: [broken]}]
general_settings: {master_key: sk-test-master-key}
"#;
    let h = proxy_support::start("explain-fallback-walk", config).await;
    let env = Environment::empty();
    let mut sources = SourceMap::new();
    let outcome = check_file(
        &h.dir.join("config.yaml"),
        &CheckOptions::default(),
        &mut sources,
    )
    .expect("check");
    let explainer = Explainer::new(&outcome.resolved, env.presence());
    let explained = explainer.model("broken");
    let walked: Vec<(&str, &str)> = explained.fallbacks[0]
        .steps
        .iter()
        .map(|s| (s.to.as_str(), s.outcome))
        .collect();
    assert_eq!(
        walked,
        vec![
            ("also-broken", "tried"),
            ("broken", "already tried"),
            ("backup", "tried"),
            ("unused", "tried"),
        ],
        "the walk when every attempt fails"
    );
    // The upstream models explain says are called, up to the first that answers.
    let mut expected: Vec<String> = explained
        .deployments
        .iter()
        .filter_map(|c| c.upstream_model.clone())
        .collect();
    for step in explained.fallbacks[0]
        .steps
        .iter()
        .filter(|s| s.outcome == "tried")
    {
        let called: Vec<String> = explainer
            .model(&step.to)
            .deployments
            .iter()
            .filter_map(|c| c.upstream_model.clone())
            .collect();
        let answers = called.iter().any(|m| !m.starts_with("fail-"));
        expected.extend(called);
        if answers {
            break;
        }
    }
    let reply = h.chat("broken").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen: Vec<String> = ["fail-503", "fail-500", "backup-model", "unused-model"]
        .iter()
        .filter(|m| h.mock.hits(m) == 1)
        .map(|m| m.to_string())
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(h.mock.total_hits(), expected.len() as u64);
}
