//! The dispatch stage of the pipeline: one request of any endpoint through the router. Retries
//! within a group (section 9.1), `order` tiers, then fallbacks (section 8), with cooldown
//! bookkeeping (section 9.2), time limits, credential redaction and, for a stream, its first
//! piece read before answering (so a stream that fails at once can still be retried or fall
//! back). Each attempt calls the provider through [`Endpoint::call`].

use super::error::{ErrorKind, ProxyError};
use super::metrics::Metrics;
use super::pipeline::{Endpoint, RouteOptions};
use super::providers::{Call, EventStream, Reply};
use super::router::{retryable_status, InFlight, Resolved, Router};
use bytes::Bytes;
use futures_util::StreamExt;
use litellm_check::litellm::resolved::FallbackKind;
use litellm_check::litellm::routing::substitute_captures;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// LiteLLM's module default `request_timeout` mapped down for chat completions.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// The OpenAI SDK's back-off: 0.5 s doubling, capped at 8 s.
const INITIAL_RETRY_DELAY: f64 = 0.5;
const MAX_RETRY_DELAY: f64 = 8.0;

/// A successful upstream answer and how it was reached.
pub struct Success {
    pub deployment: usize,
    /// The model group as LiteLLM names it in `x-litellm-model-group`, spend rows and metrics:
    /// the name that was asked for (the client's, or the fallback target's), not the pattern or
    /// the alias's target that served it.
    pub group: String,
    /// The model id sent upstream.
    pub upstream_model: String,
    pub answer: Answer,
    pub retries: u32,
    pub fallbacks: u32,
    /// Time waiting on the upstream for this (last) attempt until the reply was ready.
    pub upstream_time: Duration,
    /// Time spent waiting on upstreams and back-off over all attempts: what is not overhead.
    pub waited: Duration,
    pub in_flight: Option<InFlight>,
    /// Idle limit between stream chunks.
    pub stream_timeout: Duration,
}

pub enum Answer {
    Complete(Bytes),
    /// The first chunk was already read (so a stream that fails at once can still fall back).
    Stream {
        first: Bytes,
        rest: EventStream,
    },
}

/// The failure, and the group that produced it.
pub struct Failure {
    pub error: ProxyError,
    pub retries: u32,
    pub fallbacks: u32,
}

/// What one attempt needs of the request: the endpoint's request and the router options.
struct Job<'r, E: Endpoint> {
    request: &'r E::Request,
    options: &'r RouteOptions,
}

// Not derived: a derive would ask `E: Clone`, and `E` is only a marker.
impl<E: Endpoint> Clone for Job<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E: Endpoint> Copy for Job<'_, E> {}

struct Attempts {
    /// Groups (and requested names) already tried; a handful at most, so a list.
    tried_groups: Vec<String>,
    retries: u32,
    fallbacks: u32,
    waited: Duration,
}

pub struct Dispatcher {
    pub router: Router,
    /// The HTTP client of threads that are not serving threads (or of every thread, when the
    /// proxy serves on the caller's runtime).
    pub default_client: reqwest::Client,
    /// One client per serving thread, by the thread's index: a pooled upstream connection is
    /// then always used by the runtime that polls it, never woken across threads.
    pub thread_clients: Vec<reqwest::Client>,
    pub metrics: Arc<Metrics>,
}

thread_local! {
    /// This thread's index among the proxy's serving threads; `usize::MAX` elsewhere.
    static SERVING_THREAD: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// Marks the current thread as serving thread `index` (its requests use client `index`).
pub fn enter_serving_thread(index: usize) {
    SERVING_THREAD.with(|cell| cell.set(index));
}

impl Dispatcher {
    /// The HTTP client for upstream calls made on this thread.
    pub fn client(&self) -> &reqwest::Client {
        let index = SERVING_THREAD.with(std::cell::Cell::get);
        self.thread_clients
            .get(index)
            .unwrap_or(&self.default_client)
    }

    /// Serves `request` from `target`'s deployments, falling back to other groups as configured.
    pub async fn run<E: Endpoint>(
        &self,
        target: Resolved,
        request: &E::Request,
        options: &RouteOptions,
    ) -> Result<Success, Failure> {
        let job = Job::<E> { request, options };
        let mut attempts = Attempts {
            tried_groups: Vec::new(),
            retries: 0,
            fallbacks: 0,
            waited: Duration::ZERO,
        };
        match self.run_group(target, job, &mut attempts).await {
            Ok(mut success) => {
                success.retries = attempts.retries;
                success.fallbacks = attempts.fallbacks;
                success.waited = attempts.waited + success.upstream_time;
                Ok(success)
            }
            Err(error) => Err(Failure {
                error,
                retries: attempts.retries,
                fallbacks: attempts.fallbacks,
            }),
        }
    }

    fn run_group<'a, E: Endpoint>(
        &'a self,
        target: Resolved,
        job: Job<'a, E>,
        attempts: &'a mut Attempts,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Success, ProxyError>> + Send + 'a>>
    {
        Box::pin(async move {
            for name in [&target.group, &target.requested] {
                if !attempts.tried_groups.contains(name) {
                    attempts.tried_groups.push(name.clone());
                }
            }
            let error = match self.run_tiers(&target, job, attempts).await {
                Ok(success) => return Ok(success),
                Err(error) => error,
            };
            if job.options.disable_fallbacks {
                return Err(error);
            }
            let config = &self.router.config;
            let targets = match &job.options.fallbacks {
                Some(list) => list.clone(),
                None => {
                    // A context-window or content-policy error uses its own list when the config
                    // has one, else the general list.
                    let kind = match error.kind {
                        ErrorKind::ContextWindowExceeded
                            if config.fallbacks.any(FallbackKind::ContextWindow) =>
                        {
                            FallbackKind::ContextWindow
                        }
                        ErrorKind::ContentPolicyViolation
                            if config.fallbacks.any(FallbackKind::ContentPolicy) =>
                        {
                            FallbackKind::ContentPolicy
                        }
                        _ => FallbackKind::General,
                    };
                    match config
                        .fallbacks
                        .targets_for(kind, &target.requested, &target.group)
                    {
                        Some(t) => t,
                        None => return Err(error),
                    }
                }
            };
            let mut last = error;
            for name in targets {
                if attempts.tried_groups.contains(&name) {
                    continue;
                }
                if attempts.fallbacks as usize >= config.max_fallbacks {
                    break;
                }
                attempts.fallbacks += 1;
                let Some(next) = self.router.resolve(&name) else {
                    attempts.tried_groups.push(name.clone());
                    last = ProxyError::bad_request(format!(
                        "litellm.BadRequestError: Invalid model name passed in model={name}. No deployments for this fallback."
                    ));
                    continue;
                };
                match self.run_group(next, job, attempts).await {
                    Ok(success) => return Ok(success),
                    Err(e) => last = e,
                }
            }
            Err(last)
        })
    }

    /// The group's `order` tiers in turn; an empty (all cooling) tier is skipped silently.
    async fn run_tiers<E: Endpoint>(
        &self,
        target: &Resolved,
        job: Job<'_, E>,
        attempts: &mut Attempts,
    ) -> Result<Success, ProxyError> {
        let tiers = self.router.tiers(&target.deployments);
        let mut last: Option<ProxyError> = None;
        for tier in &tiers {
            if self.router.healthy(tier).is_empty() {
                continue;
            }
            if last.is_some() {
                attempts.fallbacks += 1;
            }
            match self.run_retries(target, tier, job, attempts).await {
                Ok(success) => return Ok(success),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| self.no_deployments(target)))
    }

    fn no_deployments(&self, target: &Resolved) -> ProxyError {
        let cooling = self.router.cooling_ids(&target.deployments);
        let mut error = ProxyError::new(
            429,
            ErrorKind::NoDeployments,
            format!(
                "litellm.RateLimitError: No deployments available for selected model, Try again in {} seconds. Passed model={}. pre-call-checks=False, cooldown_list={:?}",
                self.router.config.cooldown_time, target.requested, cooling
            ),
        );
        error.error_type = Some("throttling_error".into());
        error
    }

    async fn run_retries<E: Endpoint>(
        &self,
        target: &Resolved,
        tier: &[usize],
        job: Job<'_, E>,
        attempts: &mut Attempts,
    ) -> Result<Success, ProxyError> {
        let router = &self.router;
        let group_size = target.deployments.len();
        let has_fallbacks =
            router.config.fallbacks.any(FallbackKind::General) || job.options.fallbacks.is_some();
        let deployment_retries = tier.iter().find_map(|i| {
            router
                .deployments
                .get(*i)
                .and_then(|d| d.config.num_retries)
        });
        let num_retries = job
            .options
            .num_retries
            .or(deployment_retries)
            .unwrap_or(router.config.num_retries);
        let mut attempt: u32 = 0;
        loop {
            let healthy = router.healthy(tier);
            let Some(index) = router.pick(&healthy) else {
                return Err(self.no_deployments(target));
            };
            let call_started = Instant::now();
            let error = match self.call(index, target, job).await {
                Ok(success) => return Ok(success),
                Err(error) => error,
            };
            attempts.waited += call_started.elapsed();
            if router.record_failure(index, group_size, &error, has_fallbacks) {
                self.metrics.cooled_down(&target.group);
            }
            let healthy_now = router.healthy(tier).len();
            if !should_retry(&error, group_size, healthy_now, router) {
                return Err(error);
            }
            let allowed = match job.options.num_retries {
                Some(0) => 0,
                _ => policy_retries(router, &target.group, &error).unwrap_or(num_retries),
            };
            if attempt >= allowed {
                return Err(error);
            }
            let delay = backoff(
                &error,
                group_size,
                healthy_now,
                attempt,
                router.config.retry_after,
            );
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
                attempts.waited += delay;
            }
            attempt += 1;
            attempts.retries += 1;
        }
    }

    /// One attempt: one call of the endpoint's provider method on deployment `index`.
    async fn call<E: Endpoint>(
        &self,
        index: usize,
        target: &Resolved,
        job: Job<'_, E>,
    ) -> Result<Success, ProxyError> {
        let router = &self.router;
        let Some(deployment) = router.deployments.get(index) else {
            return Err(ProxyError::internal("deployment index out of range"));
        };
        let config = &deployment.config;
        let upstream_model = match &target.captures {
            Some(captures) => {
                substitute_captures(&config.upstream_model, captures, &target.requested)
            }
            None => config.upstream_model.clone(),
        };
        let options = job.options;
        let timeout = options
            .timeout
            .or(config.timeout)
            .or(router.config.timeout)
            .unwrap_or(DEFAULT_TIMEOUT);
        let stream_timeout = options
            .stream_timeout
            .or(config.stream_timeout)
            .or(router.config.stream_timeout)
            .unwrap_or(timeout);
        let call_timeout = if options.stream {
            stream_timeout
        } else {
            timeout
        };
        let in_flight = router.start_call(index);
        let started = Instant::now();
        let call = Call {
            deployment: config,
            request: job.request,
            model: &upstream_model,
            stream: options.stream,
            timeout: call_timeout,
        };
        let reply = E::call(&*deployment.provider, self.client(), call)
            .await
            .map_err(|e| e.redacted(&deployment.credentials))?;
        let answer = match Into::<Reply>::into(reply) {
            Reply::Complete(bytes) => Answer::Complete(bytes),
            Reply::Stream(rest) if !deployment.credentials.is_empty() => {
                let answering = deployment.clone();
                let rest: EventStream = Box::pin(
                    rest.map(move |piece| piece.map_err(|e| e.redacted(&answering.credentials))),
                );
                first_piece(rest, stream_timeout, &config.provider).await?
            }
            Reply::Stream(rest) => first_piece(rest, stream_timeout, &config.provider).await?,
        };
        Ok(Success {
            deployment: index,
            group: target.requested.clone(),
            upstream_model,
            answer,
            retries: 0,
            fallbacks: 0,
            upstream_time: started.elapsed(),
            waited: Duration::ZERO,
            in_flight,
            stream_timeout,
        })
    }
}

/// The first piece with bytes for the client; empty ones (keep-alives) only show the upstream is
/// alive and restart the idle limit.
async fn first_piece(
    mut rest: EventStream,
    stream_timeout: Duration,
    provider: &str,
) -> Result<Answer, ProxyError> {
    loop {
        match tokio::time::timeout(stream_timeout, rest.next()).await {
            Err(_) => return Err(ProxyError::timeout(provider, stream_timeout)),
            Ok(None) => {
                return Err(ProxyError::connection(
                    provider,
                    "the stream ended before its first chunk",
                ))
            }
            Ok(Some(Err(e))) => return Err(e),
            Ok(Some(Ok(first))) if first.is_empty() => {}
            Ok(Some(Ok(first))) => return Ok(Answer::Stream { first, rest }),
        }
    }
}

/// The retries `model_group_retry_policy` (for this group) or `retry_policy` gives this error.
fn policy_retries(router: &Router, group: &str, error: &ProxyError) -> Option<u32> {
    let config = &router.config;
    let policy = config
        .model_group_retry_policy
        .get(group)
        .unwrap_or(&config.retry_policy);
    if policy.is_empty() {
        return None;
    }
    error
        .kind
        .policy_names()
        .iter()
        .find_map(|name| policy.get(&format!("{name}Retries")).copied())
        .or_else(|| policy.get("DefaultRetries").copied())
}

/// `should_retry_this_error` (section 9.1).
fn should_retry(error: &ProxyError, group_size: usize, healthy: usize, router: &Router) -> bool {
    if healthy == 0 {
        return false;
    }
    match error.kind {
        ErrorKind::ContextWindowExceeded
            if router.config.fallbacks.any(FallbackKind::ContextWindow) =>
        {
            return false
        }
        ErrorKind::ContentPolicyViolation
            if router.config.fallbacks.any(FallbackKind::ContentPolicy) =>
        {
            return false
        }
        ErrorKind::NotFound | ErrorKind::NoDeployments => return false,
        _ => {}
    }
    match error.status {
        401 | 403 => group_size > 1,
        status => error.connection || error.kind == ErrorKind::Timeout || retryable_status(status),
    }
}

/// No wait while other healthy deployments exist in a multi-deployment group; otherwise the
/// provider's `Retry-After` (up to 60 s) or exponential back-off, never below `retry_after`.
fn backoff(
    error: &ProxyError,
    group_size: usize,
    healthy: usize,
    attempt: u32,
    floor: f64,
) -> Duration {
    if group_size > 1 && healthy > 0 {
        return Duration::ZERO;
    }
    let from_header = error
        .retry_after
        .map(|d| d.as_secs_f64())
        .filter(|s| *s > 0.0 && *s <= 60.0);
    let seconds = from_header.unwrap_or_else(|| {
        let base = (INITIAL_RETRY_DELAY * 2f64.powi(attempt as i32)).min(MAX_RETRY_DELAY);
        base * (1.0 - 0.25 * super::router::random_unit())
    });
    Duration::from_secs_f64(seconds.max(floor))
}
