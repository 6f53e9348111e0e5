//! The OpenAI Responses API (`POST /v1/responses`, `GET`/`DELETE /v1/responses/{id}`), as
//! LiteLLM 1.80 serves it: passed natively to OpenAI and Azure deployments, translated to and
//! from chat completions for every other provider (LiteLLM's "Responses bridge",
//! BerriAI/litellm `litellm/responses/litellm_completion_transformation/`).
//!
//! - [`request`]: a Responses body as a chat completions body;
//! - [`response`]: a chat completion as a `response` object;
//! - [`stream`]: a chat stream as Responses events, and a native stream with the proxy's ids;
//! - [`ids`]: response ids that name their deployment, as LiteLLM encodes them;
//! - [`types`]: the objects written for a translated call.

pub mod ids;
pub mod lookup;
pub mod request;
pub mod response;
pub mod stream;
pub mod types;
