//! The last stage of the request pipeline: once dispatch is over, one place turns its outcome
//! into the client's answer and the call's record. Usage (the endpoint reads it from the answer
//! or the stream), cost, the `x-litellm-*` headers, the deployment's success statistics, the
//! metrics observation and the spend row are all written here, for every endpoint: answered,
//! failed, streamed to its end, failed mid-stream or abandoned by the client (a stream's body
//! calls back when it ends or is dropped; the upstream stream is dropped with it). Nothing else
//! records spend.

use super::dispatch::{Answer, Failure, Success};
use super::error::ProxyError;
use super::keys::KeyPermit;
use super::metrics::Observation;
use super::pipeline::{Endpoint, UpstreamStream};
use super::pricing;
use super::router::{random_u64, Deployment};
use super::server::AppState;
use super::sse::StreamEnd;
use super::store::SpendRow;
use super::usage::Usage;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The call failed with this HTTP status (before or after the first byte).
    Failure {
        status: u16,
    },
    /// The client went away before the end.
    Cancelled,
}

impl Outcome {
    /// The spend row's `status`, as LiteLLM writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure { .. } => "failure",
            Outcome::Cancelled => "cancelled",
        }
    }

    fn failed_status(self) -> Option<u16> {
        match self {
            Outcome::Failure { status } => Some(status),
            _ => None,
        }
    }
}

/// What accounting needs of a finished call.
pub struct Completed<'a> {
    /// The deployment that answered (`None` when none did).
    pub deployment: Option<&'a Arc<Deployment>>,
    /// The model group as LiteLLM names it: the name asked for.
    pub group: &'a str,
    /// The model recorded in the spend row: the upstream model, or the requested one on failure.
    pub model: &'a str,
    pub usage: Usage,
    pub cost: f64,
    /// Time spent waiting on upstreams.
    pub upstream_time: Option<Duration>,
    pub outcome: Outcome,
    pub retries: u32,
    pub fallbacks: u32,
    /// When the first byte of a stream went out (a stream's latency ends there).
    pub first_byte: Option<Instant>,
    /// The spend row's `call_type` ([`Endpoint::CALL_TYPE`]).
    pub call_type: &'static str,
}

/// Who asked and when: opened when the request is resolved, closed when it is over.
pub struct Accounting {
    pub state: Arc<AppState>,
    /// `x-litellm-call-id` and the spend row's key.
    pub call_id: String,
    pub key_hash: Arc<str>,
    /// A virtual key's place under its limits, given back (with the call's tokens and cost
    /// added to the key) when the call is over.
    pub permit: Option<KeyPermit>,
    pub user: String,
    /// The client's `metadata`.
    pub metadata: Value,
    pub peer: IpAddr,
    pub start_time: SystemTime,
    pub started: Instant,
}

impl Accounting {
    /// Opens the record of one request: a new call id, the hash of the key used (the spend
    /// rows' `api_key`), a virtual key's permit.
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        state: Arc<AppState>,
        key_hash: Arc<str>,
        permit: Option<KeyPermit>,
        user: Option<String>,
        metadata: Value,
        peer: IpAddr,
        start_time: SystemTime,
        started: Instant,
    ) -> Self {
        Accounting {
            call_id: call_id(),
            key_hash,
            permit,
            state,
            user: user.unwrap_or_default(),
            metadata,
            peer,
            start_time,
            started,
        }
    }

    /// The client's answer when every attempt failed (LiteLLM's error with the model group), and
    /// the call's failure record.
    pub fn failed<E: Endpoint>(self, requested: &str, failure: Failure) -> Response {
        let Failure {
            error,
            retries,
            fallbacks,
        } = failure;
        let status = error.status;
        let mut response = error.with_model_group(requested).into_response();
        let h = response.headers_mut();
        set_header(h, "x-litellm-call-id", &self.call_id);
        set_header(h, "x-litellm-model-group", requested);
        set_header(h, "x-litellm-attempted-retries", &retries.to_string());
        set_header(h, "x-litellm-attempted-fallbacks", &fallbacks.to_string());
        self.finish(Completed {
            deployment: None,
            group: requested,
            model: requested,
            usage: Usage::default(),
            cost: 0.0,
            upstream_time: None,
            outcome: Outcome::Failure { status },
            retries,
            fallbacks,
            first_byte: None,
            call_type: E::CALL_TYPE,
        });
        response
    }

    /// The client's answer for an upstream's success, with its headers; a complete answer is
    /// recorded now, a stream when it ends (or the client leaves it).
    pub fn answered<E: Endpoint>(self, request: &E::Request, success: Success) -> Response {
        let Some(deployment) = self
            .state
            .dispatcher
            .router
            .deployments
            .get(success.deployment)
            .cloned()
        else {
            return ProxyError::internal("deployment vanished").into_response();
        };
        let rates = pricing::rates_for(&deployment.config, &success.upstream_model);
        let mut headers = HeaderMap::new();
        set_header(&mut headers, "x-litellm-call-id", &self.call_id);
        set_header(&mut headers, "x-litellm-model-id", &deployment.config.id);
        set_header(&mut headers, "x-litellm-model-group", &success.group);
        set_header(
            &mut headers,
            "x-litellm-model-api-base",
            &deployment.shown_api_base,
        );
        set_header(
            &mut headers,
            "x-litellm-attempted-retries",
            &success.retries.to_string(),
        );
        set_header(
            &mut headers,
            "x-litellm-attempted-fallbacks",
            &success.fallbacks.to_string(),
        );
        set_header(&mut headers, "x-litellm-version", env!("CARGO_PKG_VERSION"));
        let Success {
            answer,
            upstream_time,
            waited,
            in_flight,
            stream_timeout,
            deployment: index,
            group,
            upstream_model,
            retries,
            fallbacks,
        } = success;
        match answer {
            Answer::Complete(bytes) => {
                let usage = E::usage(&bytes);
                let cost = pricing::cost(rates, &usage);
                drop(in_flight);
                self.state.dispatcher.router.record_success(
                    index,
                    upstream_time,
                    usage.prompt_tokens + usage.completion_tokens,
                );
                let overhead = self.started.elapsed().saturating_sub(waited);
                // LiteLLM leaves the header out when it cannot price the call.
                if let Some(cost) = cost {
                    set_header(
                        &mut headers,
                        "x-litellm-response-cost",
                        &pricing::python_float(cost),
                    );
                }
                set_header(
                    &mut headers,
                    "x-litellm-overhead-duration-ms",
                    &format!("{:.3}", overhead.as_secs_f64() * 1000.0),
                );
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                self.finish(Completed {
                    deployment: Some(&deployment),
                    group: &group,
                    model: &upstream_model,
                    usage,
                    cost: cost.unwrap_or(0.0),
                    upstream_time: Some(waited),
                    outcome: Outcome::Success,
                    retries,
                    fallbacks,
                    first_byte: None,
                    call_type: E::CALL_TYPE,
                });
                (StatusCode::OK, headers, Body::from(bytes)).into_response()
            }
            Answer::Stream { first, rest } => {
                let answered_by = deployment.clone();
                let first_byte = Instant::now();
                let accounting = self;
                let on_end = move |end: StreamEnd| {
                    drop(in_flight);
                    // A stream is priced from the usage chunk the upstream was asked for; an
                    // upstream that sends none leaves the call at zero tokens and zero cost.
                    let usage = end.usage.unwrap_or_default();
                    let cost = pricing::cost(rates, &usage).unwrap_or(0.0);
                    if end.error.is_none() && !end.cancelled {
                        let elapsed = end.ended.map_or(upstream_time, |e| {
                            e.duration_since(first_byte) + upstream_time
                        });
                        accounting.state.dispatcher.router.record_success(
                            index,
                            elapsed,
                            usage.prompt_tokens + usage.completion_tokens,
                        );
                    }
                    let outcome = match (&end.error, end.cancelled) {
                        (Some(error), _) => Outcome::Failure {
                            status: error.status,
                        },
                        (None, true) => Outcome::Cancelled,
                        (None, false) => Outcome::Success,
                    };
                    // Streams report the upstream's time to first byte; the rest is the
                    // upstream's pace.
                    accounting.finish(Completed {
                        deployment: Some(&answered_by),
                        group: &group,
                        model: &upstream_model,
                        usage,
                        cost,
                        upstream_time: Some(waited),
                        outcome,
                        retries,
                        fallbacks,
                        first_byte: Some(first_byte),
                        call_type: E::CALL_TYPE,
                    });
                };
                let upstream = UpstreamStream {
                    first,
                    rest,
                    provider: &deployment.config.provider,
                    idle: stream_timeout,
                };
                let body = E::stream_body(request, upstream, on_end);
                headers.insert(
                    "content-type",
                    HeaderValue::from_static("text/event-stream"),
                );
                headers.insert("cache-control", HeaderValue::from_static("no-cache"));
                (StatusCode::OK, headers, body).into_response()
            }
        }
    }

    /// Records the call in the metrics and, when a spend store runs, as one spend row.
    pub fn finish(self, call: Completed) {
        if let Some(permit) = self.permit {
            permit.finish(
                call.usage.prompt_tokens + call.usage.completion_tokens,
                call.cost,
            );
        }
        let total = match call.first_byte {
            Some(first) => first.duration_since(self.started),
            None => self.started.elapsed(),
        };
        self.state.metrics.observe(&Observation {
            model_group: call.group,
            failed_status: call.outcome.failed_status(),
            total,
            upstream: call.upstream_time,
            prompt_tokens: call.usage.prompt_tokens,
            completion_tokens: call.usage.completion_tokens,
            spend: call.cost,
            retries: call.retries,
            fallbacks: call.fallbacks,
        });
        let Some(spend) = &self.state.spend else {
            return;
        };
        let completion_start = call
            .first_byte
            .map(|first| self.start_time + first.duration_since(self.started));
        spend.record(SpendRow {
            request_id: self.call_id,
            call_type: call.call_type,
            api_key_hash: self.key_hash,
            spend: call.cost,
            usage: call.usage,
            start_time: self.start_time,
            end_time: SystemTime::now(),
            completion_start_time: completion_start,
            model: call.model.to_string(),
            deployment: call.deployment.cloned(),
            model_group: call.group.to_string(),
            user: self.user,
            metadata: self.metadata,
            requester_ip_address: self.peer,
            status: call.outcome.as_str(),
            logged: self.state.log_spend,
        });
    }
}

fn set_header(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}

/// A UUID for `x-litellm-call-id` and the spend row's primary key. Version 7 (milliseconds since
/// the epoch, then 74 random bits) rather than LiteLLM's version 4: still a UUID to every client,
/// but ids grow with time, so the spend table's key index takes each row at its end instead of
/// on a random page (a random key made the writer rewrite pages all over the file).
pub(crate) fn call_id() -> String {
    let millis = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
        (millis >> 16) & 0xffff_ffff,
        millis & 0xffff,
        a & 0x0fff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}
