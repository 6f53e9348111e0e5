//! Token counts of one call, as every endpoint and provider reports them to accounting (cost,
//! metrics, spend rows): read from an OpenAI `usage` object by LiteLLM's convention, with counts
//! an untrusted upstream writes clamped.

use serde::Deserialize;

/// Token counts of one call, read from an OpenAI `usage` object by LiteLLM's convention:
/// `prompt_tokens` includes cache reads and writes, reads are `prompt_tokens_details.cached_tokens`
/// (or `cache_read_input_tokens`, or DeepSeek's `prompt_cache_hit_tokens`), writes are
/// `cache_creation_input_tokens` (or `prompt_tokens_details.cache_creation_tokens`), and
/// reasoning tokens are part of `completion_tokens`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cached_tokens: u64,
    pub cache_creation_tokens: u64,
    pub reasoning_tokens: u64,
}

impl Usage {
    /// The `usage` object of an OpenAI-shaped answer (zeros when it has none).
    pub fn of_answer(body: &[u8]) -> Usage {
        #[derive(Deserialize)]
        struct WithUsage {
            usage: Option<Usage>,
        }
        serde_json::from_slice::<WithUsage>(body)
            .ok()
            .and_then(|w| w.usage)
            .unwrap_or_default()
    }
}

/// A count as an upstream may write it: an integer, a float, or something else (absent).
#[derive(Deserialize)]
#[serde(untagged)]
enum Count {
    Integer(u64),
    Float(f64),
    Other(serde::de::IgnoredAny),
}

/// The most tokens one count may claim: far above any real call, low enough that sums and the
/// spend store's signed columns cannot overflow whatever an upstream writes.
pub const MAX_COUNT: u64 = u32::MAX as u64;

/// A count, or `None` for a negative or non-numeric one (a negative count is never recorded).
fn count(value: Option<Count>) -> Option<u64> {
    match value? {
        Count::Integer(n) => Some(n.min(MAX_COUNT)),
        Count::Float(f) if f.is_finite() && f >= 0.0 => Some((f as u64).min(MAX_COUNT)),
        _ => None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDetails {
    cached_tokens: Option<Count>,
    cache_creation_tokens: Option<Count>,
    cache_write_tokens: Option<Count>,
    reasoning_tokens: Option<Count>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawUsage {
    prompt_tokens: Option<Count>,
    completion_tokens: Option<Count>,
    prompt_tokens_details: Option<Option<RawDetails>>,
    completion_tokens_details: Option<Option<RawDetails>>,
    cache_read_input_tokens: Option<Count>,
    cache_creation_input_tokens: Option<Count>,
    prompt_cache_hit_tokens: Option<Count>,
}

impl<'de> Deserialize<'de> for Usage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawUsage::deserialize(deserializer)?;
        let prompt = raw.prompt_tokens_details.flatten().unwrap_or_default();
        let completion = raw.completion_tokens_details.flatten().unwrap_or_default();
        Ok(Usage {
            prompt_tokens: count(raw.prompt_tokens).unwrap_or(0),
            completion_tokens: count(raw.completion_tokens).unwrap_or(0),
            cached_tokens: count(prompt.cached_tokens)
                .filter(|n| *n > 0)
                .or_else(|| count(raw.cache_read_input_tokens))
                .or_else(|| count(raw.prompt_cache_hit_tokens))
                .unwrap_or(0),
            cache_creation_tokens: count(raw.cache_creation_input_tokens)
                .filter(|n| *n > 0)
                .or_else(|| count(prompt.cache_creation_tokens).filter(|n| *n > 0))
                .or_else(|| count(prompt.cache_write_tokens))
                .unwrap_or(0),
            reasoning_tokens: count(completion.reasoning_tokens).unwrap_or(0),
        })
    }
}
