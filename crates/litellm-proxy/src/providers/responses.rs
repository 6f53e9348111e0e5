//! The Responses API at the provider stage: native for OpenAI (`{api_base}/responses`) and Azure
//! (`{api_base}/openai/responses?api-version=...`, or `/openai/v1/responses` for the v1 API), as
//! LiteLLM's `OpenAIResponsesAPIConfig` and `AzureOpenAIResponsesAPIConfig` call them; bridged
//! through the provider's chat method for every other provider (see [`crate::responses`]).
//!
//! Either way the answer carries the proxy's response id (the upstream's id, or a fresh one for a
//! bridged call, encoded with the deployment: [`crate::responses::ids`]), in the body and in every
//! event of a stream.

use super::{http, BoxFuture, Call, Provider, Reply};
use crate::config::DeploymentConfig;
use crate::endpoints::{ChatRequest, ResponsesRequest};
use crate::error::ProxyError;
use crate::responses::{ids, request, response, stream, types::ResponseObject};
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime};

/// One upstream Responses call.
pub type ResponsesCall<'a> = Call<'a, ResponsesRequest>;

/// How long a `GET`/`DELETE` of a stored response may take.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(60);

/// The body sent to a native upstream: the client's, with the upstream model and the
/// upstream's own id in `previous_response_id`.
struct NativeBody<'a> {
    request: &'a Map<String, Value>,
    model: &'a str,
}

impl serde::Serialize for NativeBody<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("model", self.model)?;
        for (key, value) in self.request {
            match (key.as_str(), value) {
                ("model", _) => {}
                ("previous_response_id", Value::String(id)) => {
                    map.serialize_entry(key, &ids::upstream_id(id))?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// A native call: POST the body to `url` with `auth` and the deployment's headers, and give the
/// answer the proxy's id.
pub async fn native(
    client: &reqwest::Client,
    call: ResponsesCall<'_>,
    url: reqwest::Url,
    auth: Option<(&'static str, String)>,
    provider: &'static str,
    map_error: impl FnOnce(u16, &[u8], Option<Duration>) -> ProxyError,
) -> Result<Reply, ProxyError> {
    let body = serde_json::to_vec(&NativeBody {
        request: &call.request.body,
        model: call.model,
    })
    .map_err(|e| ProxyError::internal(e.to_string()))?;
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    for (name, value) in &call.deployment.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = http::send(request, &call, provider, map_error).await?;
    let model_id = &call.deployment.id;
    if call.stream {
        let upstream = Box::pin(http::event_stream(response, provider));
        return Ok(Reply::Stream(stream::native(upstream, provider, model_id)));
    }
    let mut answer = http::json_object(response, &call, provider).await?;
    if !answer.get("output").is_some_and(Value::is_array) {
        return Err(ProxyError::bad_answer(
            provider,
            "a JSON answer that is not a response (no `output` list)",
        ));
    }
    rewrite_id(&mut answer, provider, model_id);
    serde_json::to_vec(&answer)
        .map(|bytes| Reply::Complete(bytes.into()))
        .map_err(|e| ProxyError::internal(e.to_string()))
}

/// Replaces an upstream response's `id` with the proxy's.
pub fn rewrite_id(answer: &mut Value, provider: &str, model_id: &str) {
    if let Some(id) = answer.get("id").and_then(Value::as_str) {
        let id = ids::encode(provider, model_id, id);
        answer["id"] = Value::String(id);
    }
}

/// `GET`/`DELETE {url}` of a stored response, answered with the proxy's id.
pub async fn lookup(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: reqwest::Url,
    deployment: &DeploymentConfig,
    auth: Option<(&'static str, String)>,
    provider: &'static str,
    id: &str,
) -> Result<Value, ProxyError> {
    let mut request = client.request(method, url);
    if let Some((name, value)) = auth {
        request = request.header(name, value);
    }
    for (name, value) in &deployment.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let call = Call {
        deployment,
        request: &(),
        model: "",
        stream: false,
        timeout: LOOKUP_TIMEOUT,
    };
    let response = http::send(request, &call, provider, |status, body, retry| {
        ProxyError::from_upstream(status, body, retry, provider)
    })
    .await?;
    let mut answer = http::json_object(response, &call, provider).await?;
    answer["id"] = Value::String(id.to_string());
    Ok(answer)
}

/// LiteLLM's bridge: the Responses request as a chat request to the provider's chat method, its
/// answer (or stream) as a Responses answer.
pub fn bridged<'a, P: Provider + ?Sized>(
    provider: &'a P,
    client: &'a reqwest::Client,
    call: ResponsesCall<'a>,
) -> BoxFuture<'a, Result<Reply, ProxyError>> {
    Box::pin(async move {
        let chat = ChatRequest::new(request::to_chat(&call.request.body)?);
        let deployment = call.deployment;
        let id = ids::encode(
            &deployment.provider,
            &deployment.id,
            &format!(
                "resp_{:016x}{:016x}",
                crate::router::random_u64(),
                crate::router::random_u64()
            ),
        );
        let created_at = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let chat_call = Call {
            deployment,
            request: &chat,
            model: call.model,
            stream: call.stream,
            timeout: call.timeout,
        };
        let requested = call
            .request
            .body
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or(call.model);
        match provider.chat(client, chat_call).await? {
            Reply::Complete(bytes) => {
                let mut ids = response::ItemIds::random();
                let answer =
                    response::from_chat(&bytes, &call.request.body, &id, created_at, &mut ids)
                        .ok_or_else(|| {
                            ProxyError::bad_answer(
                                &deployment.provider,
                                "a chat answer that cannot be read as a completion",
                            )
                        })?;
                serde_json::to_vec(&answer)
                    .map(|b| Reply::Complete(b.into()))
                    .map_err(|e| ProxyError::internal(e.to_string()))
            }
            Reply::Stream(upstream) => {
                let skeleton =
                    ResponseObject::for_request(&id, created_at, requested, &call.request.body);
                let translator = stream::Translator::new(skeleton, response::ItemIds::random());
                Ok(Reply::Stream(stream::bridge(
                    upstream,
                    translator,
                    &deployment.provider,
                )))
            }
        }
    })
}
