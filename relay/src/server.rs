//! The connection layer: accepts TCP (and TLS) connections and serves the router on each,
//! under time limits that close slow and idle clients, and drains on shutdown.
//!
//! - A request's head must arrive within the header timeout, counted from when the relay
//!   starts waiting for it; a partial head then gets a JSON 408, a silent connection is
//!   closed. A TLS handshake has its own limit.
//! - A connection on which no byte moves for the idle timeout is closed.
//! - A request target or headers over the relay's limits get a JSON 414 or 431, and a head
//!   hyper cannot parse gets a JSON 400 ([`refusals`]).
//! - On shutdown the relay stops accepting, lets requests in flight finish within the drain
//!   time, and closes what is left.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::config::ServeArgs;
use crate::errors::ApiError;

mod refusals;

/// Longest request target (path and query) served; longer gets 414.
pub const MAX_TARGET: usize = 8 * 1024;
/// Largest request headers served, counted as HTTP/2 counts a header list (name, value and
/// 32 bytes per field); larger gets 431.
pub const MAX_HEADER_LIST: usize = 16 * 1024;
/// Most header fields served; more gets 431.
pub const MAX_HEADER_FIELDS: usize = 100;
/// hyper's own bounds, kept well above the relay's so that the relay answers (as JSON)
/// first; beyond them hyper refuses the request itself: an HTTP/1.1 head's bytes, its
/// fields, and an HTTP/2 header list.
const HYPER_MAX_HEAD: usize = 64 * 1024;
const HYPER_MAX_HEADER_FIELDS: usize = 4 * MAX_HEADER_FIELDS;
const HYPER_MAX_HEADER_LIST: u32 = 64 * 1024;

/// A request target over [`MAX_TARGET`].
const URI_TOO_LONG: ApiError = ApiError::new(
    StatusCode::URI_TOO_LONG,
    "URI_TOO_LONG",
    "the request target is too long",
);
/// Headers over [`MAX_HEADER_LIST`] or [`MAX_HEADER_FIELDS`].
const HEADERS_TOO_LARGE: ApiError = ApiError::new(
    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    "HEADERS_TOO_LARGE",
    "the request headers are too large",
);

/// The connection layer's time limits, from the flags.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// For a request's head to arrive (`--header-timeout`).
    pub header: Duration,
    /// For any byte to move on a connection (`--idle-timeout`).
    pub idle: Duration,
    /// For the TLS handshake (`--tls-handshake-timeout`).
    pub tls_handshake: Duration,
    /// For requests in flight to finish on shutdown (`--drain-timeout`).
    pub drain: Duration,
}

impl Timeouts {
    /// The limits set by `config`.
    pub fn of(config: &ServeArgs) -> Timeouts {
        Timeouts {
            header: Duration::from_secs(config.header_timeout),
            idle: Duration::from_secs(config.idle_timeout),
            tls_handshake: Duration::from_secs(config.tls_handshake_timeout),
            drain: Duration::from_secs(config.drain_timeout),
        }
    }
}

/// A TLS acceptor for a PEM certificate chain and key, offering HTTP/2 and HTTP/1.1.
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("TLS certificate {}: {e}", cert.display()))?;
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("TLS key {}: {e}", key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| format!("TLS certificate or key: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// What every connection shares.
struct Shared {
    router: Router,
    tls: Option<TlsAcceptor>,
    timeouts: Timeouts,
    /// The 408 written on the wire when a head does not arrive in time.
    header_timeout_reply: Bytes,
    /// The JSON answers written in place of hyper's own refusals.
    refusals: refusals::Replies,
}

/// Serves `router` on `listener` (over TLS with `tls`) until `shutdown` resolves, then drains:
/// no new connections, idle ones closed, requests in flight given `timeouts.drain` to
/// finish. Returns once every connection is closed; those left after the drain are cut.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    let shared = Arc::new(Shared {
        router,
        tls,
        timeouts,
        header_timeout_reply: wire_reply(ApiError::from_status(StatusCode::REQUEST_TIMEOUT)).await,
        refusals: refusals::Replies {
            bad_request: wire_reply(ApiError::bad_request(
                "BAD_HTTP",
                "the request is not well-formed HTTP",
            ))
            .await,
            uri_too_long: wire_reply(URI_TOO_LONG).await,
            headers_too_large: wire_reply(HEADERS_TOO_LARGE).await,
        },
    });
    let mut connections = JoinSet::new();
    let (stop_tx, stop_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors or the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // Forget the connections that ended, so that the set holds only open ones.
        while connections.try_join_next().is_some() {}
        let (shared, stop) = (shared.clone(), stop_rx.clone());
        connections.spawn(async move { connection(stream, peer, &shared, stop).await });
    }
    drop(listener);
    let _ = stop_tx.send(());
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(timeouts.drain, drained).await.is_err() {
        tracing::warn!(
            open = connections.len(),
            "drain time over: closing the connections left"
        );
        connections.shutdown().await;
    }
}

/// Serves one connection until it closes, times out or is stopped.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    mut stop: watch::Receiver<()>,
) {
    let _ = stream.set_nodelay(true);
    let stream = Idle::new(stream, shared.timeouts.idle);
    let Some(acceptor) = &shared.tls else {
        return serve_http1(stream, peer, shared, stop).await;
    };
    let handshake = tokio::time::timeout(shared.timeouts.tls_handshake, acceptor.accept(stream));
    let stream = tokio::select! {
        done = handshake => match done {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!("TLS handshake timed out");
                return;
            }
        },
        _ = stop.changed() => return,
    };
    if stream.get_ref().1.alpn_protocol() == Some(b"h2") {
        serve_http2(stream, peer, shared, stop).await;
    } else {
        serve_http1(stream, peer, shared, stop).await;
    }
}

/// What the service answers with.
type Answer = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

/// The router as a hyper service for one connection: it tells the router the peer's address
/// and refuses oversized heads first.
fn service(
    router: &Router,
    peer: SocketAddr,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Body>,
    Error = Infallible,
    Future = Answer,
> + Unpin {
    let router = router.clone();
    hyper::service::service_fn(move |mut request: Request<Incoming>| -> Answer {
        let router = router.clone();
        Box::pin(async move {
            if let Some(error) = head_over_limits(request.uri(), request.headers()) {
                return Ok(error_response(error));
            }
            request.extensions_mut().insert(ConnectInfo(peer));
            router.oneshot(request).await
        })
    })
}

/// The error for a request target or headers over the relay's limits, if any.
fn head_over_limits(uri: &Uri, headers: &HeaderMap) -> Option<ApiError> {
    let target = uri.path_and_query().map_or(0, |p| p.as_str().len());
    let list: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 32)
        .sum();
    if target > MAX_TARGET {
        Some(URI_TOO_LONG)
    } else if list > MAX_HEADER_LIST || headers.len() > MAX_HEADER_FIELDS {
        Some(HEADERS_TOO_LARGE)
    } else {
        None
    }
}

/// An error of the connection layer as the response the router gives for API errors: the
/// JSON error shape, never cached.
fn error_response(error: ApiError) -> Response<Body> {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// [`error_response`] as HTTP/1.1 bytes, for writing on a connection hyper gave up, and
/// closing it.
async fn wire_reply(error: ApiError) -> Bytes {
    let (head, body) = error_response(error).into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut out = format!("HTTP/1.1 {}\r\n", head.status).into_bytes();
    for (name, value) in &head.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(&body);
    out.into()
}

/// HTTP/1.1 on one connection. When a head does not arrive in time, hyper hands the
/// connection back: a partial head is answered 408, then the connection is closed.
async fn serve_http1<S>(stream: S, peer: SocketAddr, shared: &Shared, mut stop: watch::Receiver<()>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.timeouts.header)
        .max_buf_size(HYPER_MAX_HEAD)
        .max_headers(HYPER_MAX_HEADER_FIELDS)
        .serve_connection(
            TokioIo::new(refusals::Refusals::new(stream, shared.refusals.clone())),
            service(&shared.router, peer),
        );
    let mut stopping = false;
    let result = loop {
        tokio::select! {
            result = std::future::poll_fn(|cx| conn.poll_without_shutdown(cx)) => break result,
            _ = stop.changed(), if !stopping => {
                stopping = true;
                Pin::new(&mut conn).graceful_shutdown();
            }
        }
    };
    let parts = conn.into_parts();
    let mut stream = parts.io.into_inner();
    if let Err(e) = result {
        if e.is_timeout() && !parts.read_buf.is_empty() {
            let _ = stream.write_all(&shared.header_timeout_reply).await;
        }
        tracing::debug!(error = %e, "connection ended");
    }
    let _ = stream.shutdown().await;
}

/// HTTP/2 on one TLS connection (chosen by ALPN).
async fn serve_http2<S>(stream: S, peer: SocketAddr, shared: &Shared, mut stop: watch::Receiver<()>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn = http2::Builder::new(TokioExecutor::new())
        .timer(TokioTimer::new())
        .max_header_list_size(HYPER_MAX_HEADER_LIST)
        .serve_connection(TokioIo::new(stream), service(&shared.router, peer));
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A stream whose reads and writes fail with `TimedOut` once no byte has moved either way
/// for its timeout: idle and stalled connections end instead of being held.
struct Idle<S> {
    inner: S,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> Idle<S> {
    /// `inner`, closed after `timeout` without traffic.
    fn new(inner: S, timeout: Duration) -> Idle<S> {
        Idle {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    /// Passes on a ready result and restarts the clock; on `Pending`, fails once the time is
    /// up.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.deadline.as_mut().reset(Instant::now() + self.timeout);
                Poll::Ready(result)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.watch(cx, poll)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    /// Vectored writes pass through, so that hyper sends a response's head and body with one
    /// `writev` instead of copying the body into its own buffer first.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_within_the_limits_pass() {
        let uri: Uri = "/api/v1/envelopes?expires=600".parse().unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("relay.example"));
        assert!(head_over_limits(&uri, &headers).is_none());
    }

    #[test]
    fn long_targets_and_large_headers_are_refused() {
        let long: Uri = format!("/{}", "a".repeat(MAX_TARGET))
            .parse()
            .unwrap_or_default();
        let headers = HeaderMap::new();
        assert_eq!(
            head_over_limits(&long, &headers).map(|e| e.code),
            Some("URI_TOO_LONG")
        );
        let mut big = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&"v".repeat(MAX_HEADER_LIST)) {
            big.insert("x-big", value);
        }
        assert_eq!(
            head_over_limits(&Uri::default(), &big).map(|e| e.code),
            Some("HEADERS_TOO_LARGE")
        );
    }
}
