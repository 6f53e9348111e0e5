//! Streams whose upstream events a provider translates one at a time (Gemini's chunks, a text
//! completion's chunks as chat chunks): the bytes are cut into complete server-sent events, each
//! goes to the translator as it completes, what is left at the upstream's end goes as one last
//! event, then the translator's closing events.

use super::EventStream;
use crate::error::ProxyError;
use crate::sse::event_end;
use bytes::Bytes;
use futures_util::StreamExt;

/// One provider's translation of its stream events.
pub trait EventTranslator: Send + 'static {
    /// The client's events for one complete upstream event (without its closing blank line).
    fn event(&mut self, event: &[u8], out: &mut Vec<u8>) -> Result<(), ProxyError>;
    /// What follows the last event (a usage chunk, `[DONE]`).
    fn end(&mut self, _out: &mut Vec<u8>) -> Result<(), ProxyError> {
        Ok(())
    }
}

/// A translator and the partial event it waits to complete.
pub struct Translation<T> {
    pending: Vec<u8>,
    translator: T,
}

impl<T: EventTranslator> Translation<T> {
    pub fn new(translator: T) -> Self {
        Translation {
            pending: Vec::new(),
            translator,
        }
    }

    /// The client's events for the upstream events `bytes` completes.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<u8>, ProxyError> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some((end, next)) = event_end(&self.pending) {
            let event: Vec<u8> = self.pending.drain(..next).take(end).collect();
            self.translator.event(&event, &mut out)?;
        }
        Ok(out)
    }

    /// At the upstream's end: what remains as one last event, then the closing events.
    pub fn finish(&mut self) -> Result<Vec<u8>, ProxyError> {
        let mut out = Vec::new();
        let rest = std::mem::take(&mut self.pending);
        if !rest.iter().all(u8::is_ascii_whitespace) {
            self.translator.event(&rest, &mut out)?;
        }
        self.translator.end(&mut out)?;
        Ok(out)
    }

    /// The translated stream of `upstream`; it ends after the first error.
    pub fn stream(self, upstream: EventStream) -> EventStream {
        Box::pin(futures_util::stream::unfold(
            (upstream, self, false),
            |(mut upstream, mut translation, done)| async move {
                if done {
                    return None;
                }
                loop {
                    let (item, done) = match upstream.next().await {
                        Some(Ok(bytes)) => match translation.feed(&bytes) {
                            Ok(out) if out.is_empty() => continue,
                            Ok(out) => (Ok(Bytes::from(out)), false),
                            Err(e) => (Err(e), true),
                        },
                        Some(Err(e)) => (Err(e), true),
                        None => match translation.finish() {
                            Ok(out) if out.is_empty() => return None,
                            other => (other.map(Bytes::from), true),
                        },
                    };
                    return Some((item, (upstream, translation, done)));
                }
            },
        ))
    }
}
