//! The model endpoints, one file each: a request type and an [`Endpoint`](crate::pipeline::Endpoint)
//! implementation naming the provider method that serves it. How to add one: the module doc of
//! [`crate::pipeline`].

pub mod chat;
pub mod messages;

pub use chat::{ChatCompletions, ChatRequest};
pub use messages::{Messages, MessagesRequest};
