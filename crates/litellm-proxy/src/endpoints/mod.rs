//! The model endpoints, one file each: a request type and an [`Endpoint`](crate::pipeline::Endpoint)
//! implementation naming the provider method that serves it. How to add one: the module doc of
//! [`crate::pipeline`].

pub mod chat;
pub mod completions;
pub mod embeddings;
pub mod messages;
pub mod responses;

pub use chat::{ChatCompletions, ChatRequest};
pub use completions::{CompletionRequest, TextCompletions};
pub use embeddings::{Embeddings, EmbeddingsRequest};
pub use messages::{Messages, MessagesRequest};
pub use responses::{Responses, ResponsesRequest};
