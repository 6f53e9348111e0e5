//! `/v1/embeddings` (also `/embeddings`, `/engines/{model}/embeddings` and
//! `/openai/deployments/{model}/embeddings`, as LiteLLM's proxy routes them): OpenAI's embeddings
//! request, served by [`Provider::embeddings`]; never streams.
//!
//! As LiteLLM 1.80's `litellm/proxy/proxy_server.py::embeddings` and `litellm.aembedding`: the body
//! goes to the deployment with its model id, `encoding_format`, `dimensions` and `user` passed
//! through as the client sent them (no chat defaults of the deployment are added: LiteLLM's
//! `get_optional_params_embeddings` keeps only embedding parameters). `input` must be a string,
//! a list of strings, a list of token ids or a list of token-id lists (OpenAI's
//! `EmbeddingCreateParams`); anything else is a 400 naming `input`, before any upstream call.
//! Usage (`prompt_tokens`) is priced at the deployment's input price by accounting, as LiteLLM's
//! `completion_cost` prices an `EmbeddingResponse`.

use crate::error::ProxyError;
use crate::pipeline::Endpoint;
use crate::providers::{BoxFuture, Call, Provider};
use bytes::Bytes;
use serde_json::{Map, Value};

/// The embeddings endpoint.
pub struct Embeddings;

/// An embeddings request as the providers receive it.
pub struct EmbeddingsRequest {
    /// The client's body without LiteLLM's own keys, `model` being the requested name.
    pub body: Map<String, Value>,
}

impl EmbeddingsRequest {
    /// The texts (or token lists) to embed, one per output vector.
    pub fn inputs(&self) -> Vec<&Value> {
        match self.body.get("input") {
            Some(Value::Array(items)) if items.iter().all(Value::is_number) => {
                self.body.get("input").into_iter().collect()
            }
            Some(Value::Array(items)) => items.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        }
    }
}

/// The most inputs one request may carry (OpenAI's limit).
const MAX_INPUTS: usize = 2048;

impl<'a> Call<'a, EmbeddingsRequest> {
    /// The OpenAI body of this upstream call: the client's, with the deployment's model.
    pub fn embeddings_body(&self) -> Result<Vec<u8>, ProxyError> {
        let mut body = Map::with_capacity(self.request.body.len());
        body.insert("model".into(), Value::String(self.model.to_string()));
        for (key, value) in &self.request.body {
            if key != "model" {
                body.insert(key.clone(), value.clone());
            }
        }
        serde_json::to_vec(&body).map_err(|e| ProxyError::internal(e.to_string()))
    }
}

fn invalid(message: &str) -> ProxyError {
    ProxyError::bad_request(format!("litellm.BadRequestError: {message}")).with_param("input")
}

/// OpenAI's accepted `input` shapes.
fn check_input(input: Option<&Value>) -> Result<(), ProxyError> {
    let is_token = |v: &Value| v.as_u64().is_some();
    match input {
        None | Some(Value::Null) => Err(invalid("`input` is required for embeddings")),
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(items)) if items.is_empty() => {
            Err(invalid("`input` must not be an empty list"))
        }
        Some(Value::Array(items)) if items.len() > MAX_INPUTS => Err(invalid(&format!(
            "`input` has {} items; at most {MAX_INPUTS} are allowed",
            items.len()
        ))),
        Some(Value::Array(items))
            if items.iter().all(Value::is_string)
                || items.iter().all(is_token)
                || items.iter().all(|i| {
                    i.as_array()
                        .is_some_and(|t| !t.is_empty() && t.iter().all(is_token))
                }) =>
        {
            Ok(())
        }
        Some(_) => Err(invalid(
            "`input` must be a string, a list of strings, a list of token ids or a list of token-id lists",
        )),
    }
}

impl Endpoint for Embeddings {
    const ROUTE: &'static str = "/embeddings";
    const CALL_TYPE: &'static str = "aembedding";
    type Request = EmbeddingsRequest;
    type Response = Bytes;

    fn parse(body: Map<String, Value>) -> Result<EmbeddingsRequest, ProxyError> {
        check_input(body.get("input"))?;
        if let Some(format) = body.get("encoding_format") {
            if !matches!(format.as_str(), Some("float" | "base64")) {
                return Err(ProxyError::bad_request(
                    "litellm.BadRequestError: `encoding_format` must be \"float\" or \"base64\"",
                )
                .with_param("encoding_format"));
            }
        }
        if let Some(dimensions) = body.get("dimensions") {
            if dimensions.as_u64().is_none_or(|d| d == 0) {
                return Err(ProxyError::bad_request(
                    "litellm.BadRequestError: `dimensions` must be a positive integer",
                )
                .with_param("dimensions"));
            }
        }
        Ok(EmbeddingsRequest { body })
    }

    fn call<'a>(
        provider: &'a dyn Provider,
        client: &'a reqwest::Client,
        call: Call<'a, EmbeddingsRequest>,
    ) -> BoxFuture<'a, Result<Bytes, ProxyError>> {
        provider.embeddings(client, call)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<EmbeddingsRequest, ProxyError> {
        Embeddings::parse(body.as_object().unwrap().clone())
    }

    #[test]
    fn input_shapes_are_openais() {
        for good in [
            json!("hi"),
            json!(["a", "b"]),
            json!([1, 2, 3]),
            json!([[1, 2], [3]]),
        ] {
            assert!(
                parse(json!({"model": "m", "input": good})).is_ok(),
                "{good}"
            );
        }
        for bad in [
            json!(null),
            json!([]),
            json!(3),
            json!(["a", 1]),
            json!([[]]),
            json!({"a": 1}),
        ] {
            let error = match parse(json!({"model": "m", "input": bad})) {
                Err(e) => e,
                Ok(_) => panic!("accepted {bad}"),
            };
            assert_eq!(error.status, 400);
        }
        assert!(parse(json!({"model": "m"})).is_err());
        assert!(parse(json!({"model": "m", "input": "x", "encoding_format": "int8"})).is_err());
        assert!(parse(json!({"model": "m", "input": "x", "dimensions": 0})).is_err());
        let ok = parse(json!({"model": "m", "input": [1, 2], "dimensions": 8})).unwrap();
        assert_eq!(ok.inputs().len(), 1);
    }
}
