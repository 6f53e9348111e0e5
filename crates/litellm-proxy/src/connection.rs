//! Client connections: accepted under a cap, timed by what they are doing, closed when they
//! stall, and refused in JSON when they cannot be served.
//!
//! Each connection is in one of three phases, and a watchdog closes it when its phase lasts
//! too long:
//! - idle (after connecting, or after a response, until a request's first byte): the
//!   keep-alive timeout, uvicorn's `timeout_keep_alive` (LiteLLM's server; 5 s by default);
//! - reading a request (from its first byte until its head and body have arrived): the header
//!   timeout, so a client sending a byte a second cannot hold a connection;
//! - handling (from the complete request to the end of the response): no limit here, the
//!   upstream call has its own timeouts.
//!
//! At `max_connections` open connections, a new one takes the place of the connection that has
//! been idle or reading a request the longest (that one is closed), so clients that only hold
//! connections (a thousand sending a header byte a second) cannot keep new ones out; when every
//! connection is handling a request, the new one waits up to a second for a slot, then is
//! answered `503` with a JSON error body and closed, so a full proxy says so instead of leaving
//! clients in the backlog. Running out of file descriptors is logged (at most every 10 s)
//! instead of spinning.
//!
//! hyper answers some malformed requests on its own (400 for a bad request line, header or
//! `Content-Length`, 414 for a long URI, 431 for large headers) with an empty body; the
//! connection's I/O replaces those answers with the same status and OpenAI's JSON error body.

use crate::error::{ErrorKind, ProxyError};
use axum::http::{Request, Response};
use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

/// How long slow or idle clients may hold a connection, and how many may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From a request's first byte until its head and body have arrived.
    pub header_timeout: Duration,
    /// An open connection with no request on it.
    pub keepalive_timeout: Duration,
    /// Open client connections, over every serving thread.
    pub max_connections: usize,
}

/// hyper's own default for `header_read_timeout`.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// uvicorn's `timeout_keep_alive` default, which LiteLLM's proxy runs with.
pub const DEFAULT_KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(5);
/// Well below the usual 1024 open-file limit: each client connection may also hold an upstream
/// connection, and the spend store and listener need a few.
pub const DEFAULT_MAX_CONNECTIONS: usize = 400;
/// The most a request line and its headers may take (431 beyond): hyper's read buffer.
pub const MAX_REQUEST_HEAD: usize = 128 * 1024;
/// The longest request URI (414 beyond): hyper's fixed limit.
pub const MAX_REQUEST_URI: usize = 65_534;
/// Connections waiting at the cap for a slot (or being refused) at once; beyond it a new
/// connection is just closed.
const MAX_WAITING_AT_CAP: usize = 64;
/// How long a connection waits at the cap for a slot before its 503.
const WAIT_AT_CAP: Duration = Duration::from_secs(1);
/// How long a refused or failed connection is read from (and discarded) before it is closed, so
/// the client sees the answer rather than a reset.
const LINGER: Duration = Duration::from_millis(500);

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            keepalive_timeout: DEFAULT_KEEPALIVE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// What every serving loop shares: the connection cap, counted across threads, and the open
/// connections' clocks, to pick one to close at the cap.
pub struct Admission {
    limits: ConnectionLimits,
    open: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    clocks: std::sync::Mutex<std::collections::HashMap<u64, Arc<Clock>>>,
    next_id: AtomicU64,
    /// Connections told to close whose slot is not free yet: a waiter does not close another
    /// connection for a slot that one of these is about to free (under load a new connection
    /// that has not sent its request yet would otherwise be closed for nothing).
    evicting: AtomicUsize,
}

impl Admission {
    pub fn new(limits: ConnectionLimits) -> Arc<Self> {
        Arc::new(Admission {
            limits,
            open: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            waiting: Arc::new(Semaphore::new(MAX_WAITING_AT_CAP)),
            clocks: std::sync::Mutex::new(std::collections::HashMap::new()),
            next_id: AtomicU64::new(0),
            evicting: AtomicUsize::new(0),
        })
    }

    fn clocks(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<u64, Arc<Clock>>> {
        // A panic while holding it only left the map mid-update of one entry: keep using it.
        self.clocks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An evicted connection closed (its slot is about to be free) or kept its slot after all.
    fn eviction_over(&self) {
        let _ = self
            .evicting
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    /// Registers a connection's clock until the returned guard is dropped.
    fn register(self: &Arc<Self>, clock: Arc<Clock>) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.clocks().insert(id, clock);
        Registered {
            admission: self.clone(),
            id,
        }
    }

    /// Closes the connection that has been idle or reading a request the longest (a new one
    /// that has not sent its request yet is the last choice); none when every connection is
    /// handling a request.
    fn evict_one(&self) -> bool {
        let clocks = self.clocks();
        // Every waiter (the caller among them) has a slot coming already.
        let waiters = MAX_WAITING_AT_CAP - self.waiting.available_permits();
        if self.open.available_permits() + self.evicting.load(Ordering::Relaxed) >= waiters {
            return false;
        }
        let victim = clocks
            .values()
            .filter(|clock| !clock.evicted.load(Ordering::Relaxed))
            .filter(|clock| clock.phase.load(Ordering::Relaxed) != HANDLING)
            .min_by_key(|clock| {
                clock.opened + Duration::from_millis(clock.since_ms.load(Ordering::Relaxed))
            });
        match victim {
            Some(clock) => {
                // Marked under the lock, so two new connections never pick the same one.
                clock.evict();
                self.evicting.fetch_add(1, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

/// Keeps a connection's clock in [`Admission`] while it is open.
struct Registered {
    admission: Arc<Admission>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        let clock = self.admission.clocks().remove(&self.id);
        if clock.is_some_and(|c| c.evicted.load(Ordering::Relaxed)) {
            self.admission.eviction_over();
        }
    }
}

/// Serves `app` on `listener` until `stopped` turns true (or its sender is gone), then lets
/// open requests finish for up to `drain_limit` and closes what is left.
pub async fn serve(
    app: axum::Router,
    listener: TcpListener,
    admission: Arc<Admission>,
    mut stopped: watch::Receiver<bool>,
    drain_limit: Duration,
) {
    let mut connections = JoinSet::new();
    let (stop_all, stopping) = watch::channel(false);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    // Without it, small writes wait on delayed ACKs: the 40 ms stall other
                    // gateways show.
                    let _ = tcp.set_nodelay(true);
                    let (app, stopping) = (app.clone(), stopping.clone());
                    let admission = admission.clone();
                    // While others wait at the cap, a new connection queues behind them (the
                    // semaphore serves waiters in order): taking a slot an eviction freed for an
                    // earlier arrival would leave that one to time out.
                    let nobody_waiting =
                        admission.waiting.available_permits() == MAX_WAITING_AT_CAP;
                    let free = if nobody_waiting {
                        admission.open.clone().try_acquire_owned().ok()
                    } else {
                        None
                    };
                    match free.ok_or(()) {
                        Ok(permit) => {
                            connections.spawn(async move {
                                serve_connection(tcp, peer, app, &admission, stopping).await;
                                drop(permit);
                            });
                        }
                        Err(_) => match admission.waiting.clone().try_acquire_owned() {
                            Ok(waiting) => {
                                connections.spawn(async move {
                                    // Make room if a connection is idle or slow, then wait
                                    // (in arrival order) for a slot, up to WAIT_AT_CAP.
                                    admission.evict_one();
                                    let open = admission.open.clone();
                                    let slot =
                                        tokio::time::timeout(WAIT_AT_CAP, open.acquire_owned())
                                            .await
                                            .ok()
                                            .and_then(Result::ok);
                                    drop(waiting);
                                    match slot {
                                        Some(permit) => {
                                            serve_connection(tcp, peer, app, &admission, stopping)
                                                .await;
                                            drop(permit);
                                        }
                                        None => refuse(tcp).await,
                                    }
                                });
                            }
                            Err(_) => drop(tcp),
                        },
                    }
                }
                Err(e) => accept_failed(&e).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = stop_signal(&mut stopped) => break,
        }
    }
    drop(listener);
    let _ = stop_all.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    // Past the limit, dropping the set aborts what is still open.
    let _ = tokio::time::timeout(drain_limit, drained).await;
}

/// Resolves when the stop flag turns true or its sender is gone (the borrow it gives is not held
/// across an await).
async fn stop_signal(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Running out of descriptors (or memory) makes `accept` fail at once until a connection
/// closes: wait a little instead of spinning, and say why, without flooding the log.
async fn accept_failed(error: &io::Error) {
    static LAST_LOGGED_SECS: AtomicU64 = AtomicU64::new(0);
    let exhausted = matches!(error.raw_os_error(), Some(23 | 24 | 105 | 12));
    if exhausted {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let last = LAST_LOGGED_SECS.load(Ordering::Relaxed);
        if now >= last + 10
            && LAST_LOGGED_SECS
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            eprintln!(
                "litellm-proxy: cannot accept connections: {error} (lower --max-connections or raise the open-file limit, `ulimit -n`)"
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The answer at the connection cap.
async fn refuse(mut tcp: TcpStream) {
    let error = ProxyError::new(
        503,
        ErrorKind::ServiceUnavailable,
        "The proxy is at its connection limit (--max-connections) with every connection handling a request; retry shortly.",
    )
    .with_type("service_unavailable");
    let bytes = raw_response(&error, &[("retry-after", "1")]);
    // An answer before the request would be an unexpected message to an HTTP client: wait (a
    // moment at most) for the request's head first.
    let mut head = Vec::new();
    let _ = tokio::time::timeout(LINGER, async {
        let mut piece = [0u8; 4096];
        while head.len() < 16 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match tcp.read(&mut piece).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&piece[..n]),
            }
        }
    })
    .await;
    let written = tokio::time::timeout(LINGER, tcp.write_all(&bytes)).await;
    if matches!(written, Ok(Ok(()))) {
        linger(tcp).await;
    }
}

/// Half-closes, then reads and discards what the client still sends for a moment, so closing
/// with unread bytes does not reset the connection before the client read its answer.
async fn linger(mut tcp: TcpStream) {
    let _ = tcp.shutdown().await;
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(LINGER, async {
        let mut left: usize = 256 * 1024;
        while left > 0 {
            match tcp.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    })
    .await;
}

/// A whole HTTP/1.1 response for `error`, closing the connection.
fn raw_response(error: &ProxyError, headers: &[(&str, &str)]) -> Vec<u8> {
    let body = error.body().to_string();
    let reason = axum::http::StatusCode::from_u16(error.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        error.status,
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

const IDLE: u8 = 0;
const READING: u8 = 1;
const HANDLING: u8 = 2;

/// The phase of one connection and when it began (milliseconds since the connection opened).
struct Clock {
    opened: Instant,
    phase: AtomicU8,
    since_ms: AtomicU64,
    /// Response heads the service has been asked for and hyper has not written yet: a final
    /// head written when none is owed is hyper's own refusal of a request it could not parse.
    heads_owed: AtomicU32,
    /// Set to close the connection for a newer one at the cap.
    evicted: AtomicBool,
    /// The connection task, woken when evicted.
    waker: futures_util::task::AtomicWaker,
}

impl Clock {
    fn new() -> Self {
        Clock {
            opened: Instant::now(),
            phase: AtomicU8::new(IDLE),
            since_ms: AtomicU64::new(0),
            heads_owed: AtomicU32::new(0),
            evicted: AtomicBool::new(false),
            waker: futures_util::task::AtomicWaker::new(),
        }
    }

    fn enter(&self, phase: u8) {
        self.since_ms
            .store(self.opened.elapsed().as_millis() as u64, Ordering::Relaxed);
        self.phase.store(phase, Ordering::Relaxed);
    }

    /// A byte arrived: an idle connection starts reading a request.
    fn on_bytes(&self) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            self.enter(READING);
        }
    }

    fn evict(&self) {
        self.evicted.store(true, Ordering::Relaxed);
        self.waker.wake();
    }

    /// Resolves when the connection is evicted.
    fn evicted(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            self.waker.register(cx.waker());
            if self.evicted.load(Ordering::Relaxed) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }

    /// When the current phase runs out, if it can.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let limit = match self.phase.load(Ordering::Relaxed) {
            IDLE => limits.keepalive_timeout,
            READING => limits.header_timeout,
            _ => return None,
        };
        let since = Duration::from_millis(self.since_ms.load(Ordering::Relaxed));
        Some(self.opened + since + limit)
    }
}

/// One client connection under the watchdog.
async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    app: axum::Router,
    admission: &Arc<Admission>,
    mut stopping: watch::Receiver<bool>,
) {
    let limits = admission.limits;
    let clock = Arc::new(Clock::new());
    let _registered = admission.register(clock.clone());
    let io = Watched {
        inner: tcp,
        clock: clock.clone(),
        rewrite: Rewrite::Off,
    };
    let service_clock = clock.clone();
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let clock = service_clock.clone();
        clock.heads_owed.fetch_add(1, Ordering::Relaxed);
        if request.body().is_end_stream() {
            clock.enter(HANDLING);
        }
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(axum::extract::ConnectInfo(peer));
        let request = Request::from_parts(
            parts,
            RequestBody {
                inner: body,
                clock: clock.clone(),
            },
        );
        let mut app = app.clone();
        let response = tower_service::Service::call(&mut app, request);
        Box::pin(async move {
            let response = match response.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            Ok::<_, std::convert::Infallible>(response.map(|body| ResponseBody {
                inner: body,
                clock: Some(clock),
            }))
        }) as Pin<Box<dyn Future<Output = _> + Send>>
    });
    let mut connection = hyper::server::conn::http1::Builder::new()
        .max_buf_size(MAX_REQUEST_HEAD)
        .serve_connection(TokioIo::new(io), service);
    let mut stop_requested = stopping.borrow().to_owned();
    if stop_requested {
        Pin::new(&mut connection).graceful_shutdown();
    }
    let outcome = loop {
        let deadline = clock.deadline(&limits);
        let watchdog = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                // Handling: look again later (the phase changes without waking the watchdog).
                None => {
                    tokio::time::sleep(limits.keepalive_timeout.max(limits.header_timeout)).await
                }
            }
        };
        tokio::select! {
            done = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => break Some(done),
            () = watchdog => {
                if clock.deadline(&limits).is_some_and(|at| at <= Instant::now()) {
                    // A stalled client: close without a word (as servers do for slow headers).
                    break None;
                }
            }
            // Idle or slow, and a new connection needs the slot; one whose request began
            // meanwhile keeps it.
            () = clock.evicted() => {
                if clock.phase.load(Ordering::Relaxed) != HANDLING {
                    break None;
                }
                clock.evicted.store(false, Ordering::Relaxed);
                admission.eviction_over();
            }
            () = stop_signal(&mut stopping), if !stop_requested => {
                stop_requested = true;
                Pin::new(&mut connection).graceful_shutdown();
            }
        }
    };
    let Some(done) = outcome else {
        return;
    };
    let watched = connection.into_parts().io.into_inner();
    if done.is_err() || !matches!(watched.rewrite, Rewrite::Off) {
        linger(watched.inner).await;
    } else {
        let mut tcp = watched.inner;
        let _ = tcp.shutdown().await;
    }
}

/// hyper's own answer to a malformed request, being replaced.
enum Rewrite {
    Off,
    /// hyper's bytes are swallowed; ours are written from `at`.
    On {
        ours: Vec<u8>,
        at: usize,
    },
}

/// The client's TCP stream, telling the clock when bytes arrive and replacing hyper's empty
/// error answers with JSON ones.
struct Watched {
    inner: TcpStream,
    clock: Arc<Clock>,
    rewrite: Rewrite,
}

impl Watched {
    /// Writes what is left of the replacement answer.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Rewrite::On { ours, at } = &mut self.rewrite {
            while *at < ours.len() {
                match Pin::new(&mut self.inner).poll_write(cx, &ours[*at..]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(n)) => *at += n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
        }
        Poll::Ready(Ok(()))
    }

    /// The status of the final response head `buf` starts with, if it starts one.
    fn final_head(buf: &[u8]) -> Option<u16> {
        let status = buf.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
        let status: u16 = std::str::from_utf8(status).ok()?.parse().ok()?;
        (status >= 200).then_some(status)
    }

    /// Writes `buf` (of which `head` is the first slice), replacing hyper's own refusals and
    /// counting the heads the service asked for.
    fn poll_checked(
        &mut self,
        cx: &mut Context<'_>,
        head: &[u8],
        total: usize,
        write: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if matches!(self.rewrite, Rewrite::Off) {
            let owed = self.clock.heads_owed.load(Ordering::Relaxed);
            match Self::final_head(head) {
                Some(status) if owed == 0 && (400..500).contains(&status) => {
                    self.rewrite = Rewrite::On {
                        ours: raw_response(&automatic_error(status), &[]),
                        at: 0,
                    };
                }
                Some(_) if owed > 0 => {
                    let written = write(Pin::new(&mut self.inner), cx);
                    if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
                        self.clock.heads_owed.fetch_sub(1, Ordering::Relaxed);
                    }
                    return written;
                }
                _ => return write(Pin::new(&mut self.inner), cx),
            }
        }
        // The rest of hyper's answer is dropped; ours goes out as far as the socket takes it.
        match self.poll_replacement(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            _ => Poll::Ready(Ok(total)),
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.clock.on_bytes();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_checked(cx, buf, buf.len(), |inner, cx| inner.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // A head is always the first slice hyper writes.
        let head = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        let total = bufs.iter().map(|b| b.len()).sum();
        self.poll_checked(cx, head, total, |inner, cx| {
            inner.poll_write_vectored(cx, bufs)
        })
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_replacement(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_replacement(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

/// The JSON error for a request hyper refused before it reached the routes.
fn automatic_error(status: u16) -> ProxyError {
    let message = match status {
        414 => format!("URI Too Long: the request URI is over {MAX_REQUEST_URI} bytes"),
        431 => format!(
            "Request Header Fields Too Large: the request line and headers are over {MAX_REQUEST_HEAD} bytes"
        ),
        // uvicorn's words for what h11 cannot parse.
        _ => "Invalid HTTP request received.".to_string(),
    };
    ProxyError::new(status, ErrorKind::BadRequest, message).with_type("invalid_request_error")
}

/// A request body that tells the clock when it has all arrived.
struct RequestBody {
    inner: Incoming,
    clock: Arc<Clock>,
}

impl HttpBody for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        let ended = match &polled {
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => true,
            Poll::Ready(Some(Ok(_))) => self.inner.is_end_stream(),
            Poll::Pending => false,
        };
        if ended && self.clock.phase.load(Ordering::Relaxed) == READING {
            self.clock.enter(HANDLING);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that tells the clock when the exchange is over (sent, or dropped).
struct ResponseBody {
    inner: axum::body::Body,
    clock: Option<Arc<Clock>>,
}

impl ResponseBody {
    fn finish(&mut self) {
        if let Some(clock) = self.clock.take() {
            clock.enter(IDLE);
        }
    }
}

impl Drop for ResponseBody {
    fn drop(&mut self) {
        self.finish();
    }
}

impl HttpBody for ResponseBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.finish();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `response` already has OpenAI's JSON error body (or is not an error).
fn needs_json_body(response: &Response<axum::body::Body>) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && !response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
}

/// Router middleware: every error answer the framework produces itself (405 for a wrong
/// method, 413 for a body over the limit, a body that cannot be read) gets OpenAI's JSON error
/// body, with the framework's text as the message; the status and headers (`allow`) stay.
pub async fn json_errors(response: Response<axum::body::Body>) -> Response<axum::body::Body> {
    if !needs_json_body(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = match text.trim() {
        "" => parts
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string(),
        text => text.to_string(),
    };
    let error = ProxyError::new(parts.status.as_u16(), ErrorKind::BadRequest, message)
        .with_type("invalid_request_error");
    let body = error.body().to_string();
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}
