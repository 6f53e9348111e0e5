//! Response ids as LiteLLM hands them out: `resp_` + base64 of
//! `litellm:custom_llm_provider:{provider};model_id:{model_id};response_id:{upstream id}`
//! (`ResponsesAPIRequestUtils._build_responses_api_response_id` and
//! `_decode_responses_api_response_id` in BerriAI/litellm `litellm/responses/utils.py`, the
//! template `SpecialEnums.LITELLM_MANAGED_RESPONSE_COMPLETE_STR`). The id names the deployment
//! that made the response, so `GET`/`DELETE /v1/responses/{id}` and `previous_response_id` reach
//! that deployment with the upstream's own id.
//!
//! Unlike LiteLLM 1.80, an id is encoded once, before the first event of a stream, and every
//! event carries that same id (LiteLLM's bridge sends `resp_<uuid>` in `response.created` and the
//! encoded id in `response.completed`, which the SDKs' stream helpers reject).

use base64::Engine;

const PREFIX: &str = "resp_";
/// Standard base64; padding optional when reading (LiteLLM restores stripped padding too).
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// What an encoded id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub provider: String,
    /// The deployment's `model_info.id`.
    pub model_id: String,
    /// The id the upstream gave (or, for a translated call, the proxy's own).
    pub response_id: String,
}

/// The id a client sees for `response_id` made by deployment `model_id` of `provider`.
pub fn encode(provider: &str, model_id: &str, response_id: &str) -> String {
    let assembled = format!(
        "litellm:custom_llm_provider:{provider};model_id:{model_id};response_id:{response_id}"
    );
    format!("{PREFIX}{}", BASE64.encode(assembled.as_bytes()))
}

/// The parts of an id [`encode`] made; `None` for any other id (an upstream's own, or garbage).
pub fn decode(id: &str) -> Option<Decoded> {
    let encoded = id.strip_prefix(PREFIX)?;
    // An id is short; a huge one is not ours (and is not decoded at any cost).
    if encoded.len() > 4096 {
        return None;
    }
    let bytes = BASE64.decode(encoded).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix("litellm:custom_llm_provider:")?;
    let (provider, rest) = rest.split_once(";model_id:")?;
    let (model_id, response_id) = rest.split_once(";response_id:")?;
    Some(Decoded {
        provider: provider.to_string(),
        model_id: model_id.to_string(),
        response_id: response_id.to_string(),
    })
}

/// The upstream's id inside one of ours; any other id as it is.
pub fn upstream_id(id: &str) -> String {
    decode(id).map_or_else(|| id.to_string(), |d| d.response_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_litellms_encoding() {
        // base64.b64encode(b"litellm:custom_llm_provider:openai;model_id:abc;response_id:resp_1")
        let id = encode("openai", "abc", "resp_1");
        assert_eq!(
            id,
            "resp_bGl0ZWxsbTpjdXN0b21fbGxtX3Byb3ZpZGVyOm9wZW5haTttb2RlbF9pZDphYmM7cmVzcG9uc2VfaWQ6cmVzcF8x"
        );
        let decoded = decode(&id).expect("ours");
        assert_eq!(decoded.provider, "openai");
        assert_eq!(decoded.model_id, "abc");
        assert_eq!(decoded.response_id, "resp_1");
        assert_eq!(upstream_id(&id), "resp_1");
        // Lengths that need one and two padding characters.
        for tail in ["a", "ab", "abc", "résumé;model_id:x"] {
            let id = encode("azure", "m;1", tail);
            assert_eq!(decode(&id).map(|d| d.response_id), Some(tail.to_string()));
        }
        assert_eq!(decode("resp_67c9fdcecf488190"), None);
        assert_eq!(decode("resp_!!!"), None);
        assert_eq!(upstream_id("resp_plain"), "resp_plain");
    }
}
