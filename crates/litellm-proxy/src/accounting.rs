//! The last stage of the request pipeline: once a call is over (answered, failed, streamed to its
//! end or abandoned by the client), one place writes its metrics observation and its spend row.
//! Every endpoint ends here with a [`Completed`]; nothing else records spend.

use super::keys::KeyPermit;
use super::metrics::Observation;
use super::router::Deployment;
use super::server::AppState;
use super::store::SpendRow;
use super::usage::Usage;
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
}

/// Who asked and when: set when the request arrives, consumed when it is over.
pub struct Accounting {
    pub state: Arc<AppState>,
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
    /// Records the call in the metrics, on its virtual key and, when a store runs, as one spend
    /// row.
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
