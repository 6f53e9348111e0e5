//! What the mock does with one request, and the small text syntax that names it.

use std::time::Duration;

/// How the mock answers one request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Behaviour {
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer with this HTTP status and an OpenAI error body instead of a completion.
    pub status: Option<u16>,
    /// Close the connection (TCP reset) without answering.
    pub reset: bool,
    /// Answer 400 `context_length_exceeded` as OpenAI does.
    pub context_length: bool,
    /// Answer 400 `content_policy_violation` as OpenAI does.
    pub content_policy: bool,
    /// `Retry-After` header (seconds) on error answers.
    pub retry_after: Option<u64>,
    /// Number of content chunks in a stream (and words in a completion).
    pub chunks: Option<usize>,
    /// Pause between stream chunks.
    pub chunk_delay: Duration,
    /// Break the connection after this many stream chunks.
    pub break_after: Option<usize>,
    /// Prompt tokens served from the provider's cache (reported where the protocol has them).
    pub cached_tokens: Option<u64>,
    /// Thinking tokens (Gemini's `thoughtsTokenCount`).
    pub thoughts_tokens: Option<u64>,
    /// Keep-alive events sent after a stream's start, before its content (Anthropic's `ping`).
    pub pings: usize,
    /// Answer 200 with something that is not the protocol's answer (an untrusted upstream).
    pub broken: Option<Broken>,
    /// Answer 401 with an error message that quotes the credential headers it was sent, as
    /// some upstreams do (`Incorrect API key provided: sk-...`).
    pub echo_key: bool,
    /// Report negative token counts in `usage` (OpenAI protocol).
    pub negative_usage: bool,
    /// The credential headers of the request (`authorization`, `api-key`, `x-api-key`,
    /// `x-goog-api-key`), filled in by the mock for `echo_key`.
    pub echoed_credentials: String,
}

/// A successful status with an answer a client must not trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// An HTML error page (a gateway in front of the model).
    Html,
    /// JSON cut off in the middle.
    BadJson,
    /// No body at all.
    Empty,
    /// Valid JSON that is not a completion.
    WrongShape,
    /// A body (or, streaming, one unterminated event) of this many bytes.
    Huge(u64),
    /// A stream request answered with a JSON body instead of server-sent events.
    NotSse,
}

impl Behaviour {
    /// The behaviour an ordinary request gets.
    pub fn ok() -> Self {
        Behaviour::default()
    }

    /// A failure with this HTTP status.
    pub fn status(code: u16) -> Self {
        Behaviour {
            status: Some(code),
            ..Behaviour::default()
        }
    }

    /// Parses `status=500,delay=20,reset,...` (see the module docs). Unknown words are errors, so a
    /// test that mistypes a knob fails instead of silently getting a success.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut behaviour = Behaviour::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (item, None),
            };
            let number = |v: Option<&str>| -> Result<u64, String> {
                v.ok_or_else(|| format!("`{name}` needs a value"))?
                    .parse::<u64>()
                    .map_err(|_| format!("`{name}` needs a whole number"))
            };
            match name {
                "ok" => {}
                "status" => {
                    let code = number(value)?;
                    let code =
                        u16::try_from(code).map_err(|_| "status out of range".to_string())?;
                    behaviour.status = Some(code);
                }
                "delay" => behaviour.delay = Duration::from_millis(number(value)?),
                "reset" => behaviour.reset = true,
                "context" => behaviour.context_length = true,
                "policy" => behaviour.content_policy = true,
                "retry_after" => behaviour.retry_after = Some(number(value)?),
                "chunks" => behaviour.chunks = Some(number(value)? as usize),
                "chunk_delay" => behaviour.chunk_delay = Duration::from_millis(number(value)?),
                "break_after" => behaviour.break_after = Some(number(value)? as usize),
                "cached" => behaviour.cached_tokens = Some(number(value)?),
                "thoughts" => behaviour.thoughts_tokens = Some(number(value)?),
                "pings" => behaviour.pings = number(value)? as usize,
                "html" => behaviour.broken = Some(Broken::Html),
                "badjson" => behaviour.broken = Some(Broken::BadJson),
                "empty" => behaviour.broken = Some(Broken::Empty),
                "wrongshape" => behaviour.broken = Some(Broken::WrongShape),
                "huge" => behaviour.broken = Some(Broken::Huge(number(value)?)),
                "notsse" => behaviour.broken = Some(Broken::NotSse),
                "echo_key" => behaviour.echo_key = true,
                "negative_usage" => behaviour.negative_usage = true,
                other => return Err(format!("unknown mock behaviour `{other}`")),
            }
        }
        Ok(behaviour)
    }

    /// The behaviour named by tokens in a model id (`mock-fail-503`, `slow-delay-20`, `reset`,
    /// `context-length`, `content-policy`, `cached-40`), or `None` when the name carries none.
    pub fn from_model_name(model: &str) -> Option<Self> {
        let mut behaviour = Behaviour::default();
        let mut found = false;
        let tokens: Vec<&str> = model.split(['-', '/', '_']).collect();
        for (i, token) in tokens.iter().enumerate() {
            let next = tokens.get(i + 1).and_then(|t| t.parse::<u64>().ok());
            match (*token, next) {
                ("fail", Some(code)) => {
                    behaviour.status = u16::try_from(code).ok();
                    found = true;
                }
                ("delay", Some(ms)) => {
                    behaviour.delay = Duration::from_millis(ms);
                    found = true;
                }
                ("cached", Some(n)) => {
                    behaviour.cached_tokens = Some(n);
                    found = true;
                }
                ("reset", _) => {
                    behaviour.reset = true;
                    found = true;
                }
                ("context", _) if tokens.get(i + 1) == Some(&"length") => {
                    behaviour.context_length = true;
                    found = true;
                }
                ("content", _) if tokens.get(i + 1) == Some(&"policy") => {
                    behaviour.content_policy = true;
                    found = true;
                }
                _ => {}
            }
        }
        found.then_some(behaviour)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_knobs_and_rejects_unknown_words() {
        let b = Behaviour::parse("status=503, delay=20,retry_after=2").unwrap_or_default();
        assert_eq!(b.status, Some(503));
        assert_eq!(b.delay, Duration::from_millis(20));
        assert_eq!(b.retry_after, Some(2));
        assert!(Behaviour::parse("stauts=500").is_err());
    }

    #[test]
    fn reads_tokens_in_model_names() {
        assert_eq!(
            Behaviour::from_model_name("mock-fail-500").and_then(|b| b.status),
            Some(500)
        );
        assert!(Behaviour::from_model_name("gpt-context-length").is_some_and(|b| b.context_length));
        assert!(Behaviour::from_model_name("dep-a").is_none());
    }
}
