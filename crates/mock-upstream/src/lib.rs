//! An OpenAI-compatible mock upstream, shared by the proxy's tests and its load benchmark.
//!
//! `POST /v1/chat/completions` (and `/chat/completions`) answers like OpenAI, streaming or not,
//! with a `usage` block. What it does for a request is chosen, first match wins, by:
//! 1. the `x-mock` request header (`status=500,delay=20,reset,context,policy,chunks=5,chunk_delay=10,
//!    retry_after=1,break_after=1,cached=40,thoughts=5,pings=3`, and for an untrusted upstream
//!    `html`, `badjson`, `empty`, `wrongshape`, `huge=BYTES`, `notsse` (200 answers that are not
//!    the protocol's), `echo_key` (a 401 quoting the credential headers sent),
//!    `negative_usage`);
//! 2. a behaviour set at run time for the requested model ([`MockUpstream::set_behaviour`] or
//!    `POST /mock/behaviour {"model": ..., "behaviour": "status=500"}`);
//! 3. tokens in the model name itself (`fail-503`, `delay-20`, `reset`, `context-length`,
//!    `content-policy`), so a config can name a failing deployment without any set-up.
//!
//! `POST /v1/responses` (and `GET`/`DELETE /v1/responses/{id}`) speaks OpenAI's Responses API,
//! streaming or not, also under Azure's `/openai/responses` (see `responses.rs`).
//!
//! `POST /v1/messages` speaks Anthropic's Messages API instead (see `anthropic.rs`), with the same
//! behaviours, and `POST /v1/messages/count_tokens` its token counting (both 404 under a doubled
//! `/v1/v1/`, as at Anthropic). A chat request that offers
//! tools is answered with a call of the forced (or first) tool, and one whose last message is a
//! tool result with text quoting it, as the Anthropic side does.
//!
//! It also speaks Google AI Studio's `models/{model}:generateContent` / `:streamGenerateContent`
//! (`gemini.rs`) and Azure OpenAI's `openai/deployments/{deployment}/chat/completions`
//! (`azure.rs`), under any base path, and refuses what those services refuse.
//!
//! `POST /v1/embeddings` (and Azure's `openai/deployments/{deployment}/embeddings`) answers
//! OpenAI's embeddings list, floats or base64 (`embeddings.rs`); `POST /v1/completions` (and
//! Azure's `.../completions`) a legacy `text_completion`, streaming or not (`completions.rs`).
//!
//! It counts requests per route and model (`GET /mock/hits`) so a test can tell which deployment
//! a proxy called, keeps the last request seen per model, and counts streams the client dropped
//! before their end (`cancelled`).

mod anthropic;
mod azure;
mod behaviour;
mod completions;
mod embeddings;
mod gemini;
mod responses;
mod server;

pub use behaviour::{Behaviour, Broken};
pub use server::{MockUpstream, RecordedRequest};
