//! `GET /v1/model/info` and `/model/info`: every deployment in LiteLLM's shape, `{"data":
//! [{"model_name", "litellm_params", "model_info"}]}`, as LiteLLM 1.80's
//! `litellm/proxy/proxy_server.py::model_info_v1` answers it (`litellm_model_id` selects one
//! deployment). `litellm_params` never carries a secret (`remove_sensitive_info_from_deployment`
//! drops `api_key` and the other credentials; here the AD token and `headers` too, which may hold
//! a bearer token), and `api_base` is shown with its credentials masked, as `/health` shows it.
//! `model_info` is the deployment's own (`id`, `mode`, `base_model`, prices it sets) completed
//! with the price-table entry of its model (`_get_proxy_model_info`: the table's keys only where
//! the deployment has none).

use crate::router::Deployment;
use serde_json::{json, Map, Value};

/// The `/model/info` entry of one deployment.
pub fn entry(deployment: &Deployment) -> Value {
    let d = &deployment.config;
    let mut params = Map::new();
    params.insert("model".into(), json!(d.model));
    if d.api_base.is_some() {
        params.insert("api_base".into(), json!(deployment.shown_api_base));
    }
    let put = |map: &mut Map<String, Value>, key: &str, value: Option<Value>| {
        if let Some(value) = value {
            map.insert(key.to_string(), value);
        }
    };
    put(
        &mut params,
        "api_version",
        d.api_version.clone().map(Value::from),
    );
    put(
        &mut params,
        "timeout",
        d.timeout.map(|t| json!(t.as_secs_f64())),
    );
    put(
        &mut params,
        "stream_timeout",
        d.stream_timeout.map(|t| json!(t.as_secs_f64())),
    );
    put(&mut params, "rpm", d.rpm.map(Value::from));
    put(&mut params, "tpm", d.tpm.map(Value::from));
    put(&mut params, "weight", d.weight.map(Value::from));
    put(&mut params, "order", d.order.map(Value::from));
    put(&mut params, "num_retries", d.num_retries.map(Value::from));
    put(
        &mut params,
        "input_cost_per_token",
        d.input_cost_per_token.map(Value::from),
    );
    put(
        &mut params,
        "output_cost_per_token",
        d.output_cost_per_token.map(Value::from),
    );
    for (key, value) in &d.default_params {
        params.entry(key.clone()).or_insert_with(|| value.clone());
    }

    let mut info = Map::new();
    info.insert("id".into(), json!(d.id));
    info.insert("db_model".into(), json!(false));
    put(&mut info, "mode", d.mode.clone().map(Value::from));
    put(
        &mut info,
        "base_model",
        d.base_model.clone().map(Value::from),
    );
    put(
        &mut info,
        "input_cost_per_token",
        d.input_cost_per_token.map(Value::from),
    );
    put(
        &mut info,
        "output_cost_per_token",
        d.output_cost_per_token.map(Value::from),
    );
    if let Some(price) = litellm_check::price_table::lookup_for(
        &d.provider,
        &d.upstream_model,
        d.base_model.as_deref(),
    ) {
        let table = [
            ("litellm_provider", price.provider.clone().map(Value::from)),
            ("mode", price.mode.clone().map(Value::from)),
            (
                "input_cost_per_token",
                price.input_cost_per_token.map(Value::from),
            ),
            (
                "output_cost_per_token",
                price.output_cost_per_token.map(Value::from),
            ),
            (
                "cache_read_input_token_cost",
                price.cache_read_input_token_cost.map(Value::from),
            ),
            (
                "cache_creation_input_token_cost",
                price.cache_creation_input_token_cost.map(Value::from),
            ),
            (
                "output_cost_per_reasoning_token",
                price.output_cost_per_reasoning_token.map(Value::from),
            ),
            ("max_input_tokens", price.max_input_tokens.map(Value::from)),
            (
                "max_output_tokens",
                price.max_output_tokens.map(Value::from),
            ),
            ("max_tokens", price.max_output_tokens.map(Value::from)),
            ("supports_vision", Some(Value::from(price.supports_vision))),
            (
                "supports_reasoning",
                Some(Value::from(price.supports_reasoning)),
            ),
        ];
        for (key, value) in table {
            if let Some(value) = value {
                info.entry(key.to_string()).or_insert(value);
            }
        }
        info.entry("key".to_string())
            .or_insert_with(|| json!(d.upstream_model));
    }
    json!({"model_name": d.model_name, "litellm_params": params, "model_info": info})
}
