//! hyper's own answers to heads it cannot parse, turned into the relay's JSON errors.
//!
//! hyper answers a malformed HTTP/1.1 head (or one beyond its own limits) itself, before the
//! router sees anything, with an empty-bodied `400`, `414` or `431`, and then closes the
//! connection. It offers no hook to change that answer, so this stream wrapper recognises it
//! on the way out, as one whole write of exactly that shape (a status line and only the
//! `connection: close`, `content-length: 0` and `date` fields, which no answer of the router
//! ever is: each carries the security headers), and writes the relay's JSON error in its place.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::Bytes;
use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The JSON answers written instead, as wire bytes.
#[derive(Clone)]
pub(super) struct Replies {
    /// For `400 Bad Request`.
    pub bad_request: Bytes,
    /// For `414 URI Too Long`.
    pub uri_too_long: Bytes,
    /// For `431 Request Header Fields Too Large`.
    pub headers_too_large: Bytes,
}

impl Replies {
    fn for_status(&self, status: StatusCode) -> Option<&Bytes> {
        match status {
            StatusCode::BAD_REQUEST => Some(&self.bad_request),
            StatusCode::URI_TOO_LONG => Some(&self.uri_too_long),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Some(&self.headers_too_large),
            _ => None,
        }
    }
}

/// The status of `buf` if it is, whole, one of hyper's own refusals.
fn refusal(buf: &[u8]) -> Option<StatusCode> {
    let text = std::str::from_utf8(buf).ok()?;
    let head = text.strip_prefix("HTTP/1.1 ")?.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status: StatusCode = lines.next()?.get(..3)?.parse().ok()?;
    let mut fields = [false; 3];
    for line in lines {
        let (name, value) = line.split_once(": ")?;
        let seen = match (name, value) {
            ("connection", "close") => &mut fields[0],
            ("content-length", "0") => &mut fields[1],
            ("date", _) => &mut fields[2],
            _ => return None,
        };
        if std::mem::replace(seen, true) {
            return None;
        }
    }
    (fields == [true; 3]).then_some(status)
}

/// A connection's stream with hyper's refusals replaced by [`Replies`].
pub(super) struct Refusals<S> {
    inner: S,
    replies: Replies,
    /// A reply being written in place of a refusal, and how much of it is written.
    replacing: Option<(Bytes, usize)>,
}

impl<S> Refusals<S> {
    /// `inner`, answering with `replies`.
    pub fn new(inner: S, replies: Replies) -> Refusals<S> {
        Refusals {
            inner,
            replies,
            replacing: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Refusals<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

/// The longest write that can be one of hyper's refusals (a status line and three short
/// fields); longer vectored writes pass through without being gathered.
const MAX_REFUSAL: usize = 256;

impl<S: AsyncWrite + Unpin> Refusals<S> {
    /// Starts replacing `written` if it is, whole, one of hyper's refusals.
    fn recognise(&mut self, written: &[u8]) {
        let reply = refusal(written).and_then(|status| self.replies.for_status(status));
        self.replacing = reply.map(|reply| (reply.clone(), 0));
    }

    /// Writes the rest of the reply being written in place of a refusal of `len` bytes, and
    /// then counts the refusal as written: hyper goes on to close the connection.
    fn poll_replace(&mut self, cx: &mut Context<'_>, len: usize) -> Poll<io::Result<usize>> {
        if let Some((reply, written)) = &mut self.replacing {
            while let Some(rest) = reply.get(*written..).filter(|rest| !rest.is_empty()) {
                match ready!(Pin::new(&mut self.inner).poll_write(cx, rest)) {
                    Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Ok(n) => *written += n,
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
        }
        self.replacing = None;
        Poll::Ready(Ok(len))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Refusals<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none() {
            this.recognise(buf);
        }
        if this.replacing.is_some() {
            return this.poll_replace(cx, buf.len());
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    /// A response's head and body, passed on as they are (hyper writes vectored when the
    /// stream can); only a write short enough to be a refusal is gathered and checked.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let len = bufs.iter().map(|buf| buf.len()).sum();
        if this.replacing.is_none() && len <= MAX_REFUSAL {
            let whole: Vec<u8> = bufs.iter().flat_map(|buf| buf.iter().copied()).collect();
            this.recognise(&whole);
        }
        if this.replacing.is_some() {
            return this.poll_replace(cx, len);
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "date: Thu, 03 Dec 2026 19:48:44 GMT";

    #[test]
    fn hyper_refusals_are_recognised() {
        for (line, status) in [
            ("400 Bad Request", StatusCode::BAD_REQUEST),
            ("414 URI Too Long", StatusCode::URI_TOO_LONG),
            (
                "431 Request Header Fields Too Large",
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ),
        ] {
            let wire = format!(
                "HTTP/1.1 {line}\r\nconnection: close\r\ncontent-length: 0\r\n{DATE}\r\n\r\n"
            );
            assert_eq!(refusal(wire.as_bytes()), Some(status), "{wire}");
        }
    }

    fn replies() -> Replies {
        Replies {
            bad_request: Bytes::from_static(b"json 400"),
            uri_too_long: Bytes::from_static(b"json 414"),
            headers_too_large: Bytes::from_static(b"json 431"),
        }
    }

    #[tokio::test]
    async fn refusals_written_vectored_are_replaced_and_responses_pass_whole() {
        use tokio::io::AsyncWriteExt;
        let refusal =
            format!("HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n{DATE}\r\n\r\n");
        let (head, tail) = refusal.as_bytes().split_at(20);
        let mut stream = Refusals::new(Vec::new(), replies());
        assert!(stream.is_write_vectored());
        let parts = [io::IoSlice::new(head), io::IoSlice::new(tail)];
        let n = stream.write_vectored(&parts).await.unwrap_or_default();
        assert_eq!(n, refusal.len());
        assert_eq!(stream.inner, b"json 431");

        let response = format!("HTTP/1.1 200 OK\r\ncontent-length: 16384\r\n{DATE}\r\n\r\n");
        let body = vec![7u8; 16384];
        let mut stream = Refusals::new(Vec::new(), replies());
        let parts = [
            io::IoSlice::new(response.as_bytes()),
            io::IoSlice::new(&body),
        ];
        let n = stream.write_vectored(&parts).await.unwrap_or_default();
        assert_eq!(n, response.len() + body.len());
        assert_eq!(stream.inner, [response.as_bytes(), &body].concat());
    }

    #[test]
    fn other_answers_pass_unchanged() {
        let with = |extra: &str| {
            format!("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n{DATE}\r\n{extra}\r\n")
        };
        // The router's answers carry more fields, or a body; a pipelined answer before the
        // refusal shares its write.
        for wire in [
            with("content-type: application/json\r\n"),
            with("x-content-type-options: nosniff\r\n"),
            with("\r\n{}"),
            format!("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ncontent-length: 0\r\n{DATE}\r\n\r\n"),
            format!("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n{DATE}\r\n\r\nHTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n{DATE}\r\n\r\n"),
        ] {
            assert_eq!(refusal(wire.as_bytes()), None, "{wire}");
        }
    }
}
