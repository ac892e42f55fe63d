//! The page: `www/` at `/` and the wasm package `pkg/` at `/pkg/`, with the headers a
//! zero-knowledge page needs. No directory listings; paths cannot leave the two directories.
//! `index.html` is served with the hash of every script, wasm module and stylesheet pinned
//! (see [`integrity`]).

mod integrity;

use std::path::Path;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::util::MapResponseLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::AppState;
use crate::errors::ApiError;

/// The Content-Security-Policy: only this origin's scripts (and wasm), styles and API; no
/// inline code, no framing, no forms elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
connect-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Static files: `pkg_dir` under `/pkg/`, `www_dir` for everything else. `ServeDir` serves
/// `index.html` for a directory, never a listing, refuses `..`, and sets `application/wasm`.
///
/// They are gzip-compressed for clients that accept it (the wasm modules shrink to about
/// 40%): `pkg/` from the `.gz` files `scripts/pkg.sh` writes beside each module, the rest on
/// the fly. Only these public files are: API answers carry tokens, and compressing secrets
/// next to attacker-chosen bytes is how BREACH-style attacks read them.
///
/// Dotfiles and dot-directories (`.git/`, `.env`, editor files) are never served: such a
/// path answers 404 like a missing file, as a JSON error with `Cache-Control: no-store`.
///
/// Files are served with `Cache-Control: no-cache`: a browser revalidates each one, so that
/// after an upgrade no cached file fails the hashes the new page pins.
pub fn pages(www_dir: &Path, pkg_dir: &Path) -> Router<Arc<AppState>> {
    let router = match integrity::pin(www_dir, pkg_dir) {
        Ok(None) => Router::new(),
        Ok(Some(page)) => {
            let page = Arc::new(page);
            let serve = move || std::future::ready(page.response());
            Router::new()
                .route("/", get(serve.clone()))
                .route("/index.html", get(serve))
        }
        Err(error) => {
            tracing::error!(%error, "the page's files could not be hashed; / answers 500");
            let unpinned = || async {
                let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
                (no_store, ApiError::internal())
            };
            Router::new()
                .route("/", get(unpinned))
                .route("/index.html", get(unpinned))
        }
    };
    router
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip())
        .fallback_service(ServeDir::new(www_dir))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(CompressionLayer::new().gzip(true))
        .layer(middleware::from_fn(hide_dotfiles))
}

/// Whether a request path names a dotfile or passes through a dot-directory. `ServeDir`
/// percent-decodes the path once, so a segment starting with `%2e` counts as well.
fn is_hidden(path: &str) -> bool {
    path.split('/').any(|segment| {
        segment.starts_with('.')
            || segment
                .get(..3)
                .is_some_and(|start| start.eq_ignore_ascii_case("%2e"))
    })
}

/// Whether a path segment, percent-decoded as `ServeDir` decodes it, is longer than any file
/// name a file system holds (255 bytes) or holds a NUL byte, which `ServeDir` would answer
/// with 500.
fn names_no_file(path: &str) -> bool {
    path.split('/').any(|segment| {
        let bytes = segment.as_bytes();
        let (mut at, mut len) = (0, 0);
        while at < bytes.len() {
            let hex = bytes
                .get(at + 1..at + 3)
                .filter(|_| bytes.get(at) == Some(&b'%'));
            if hex == Some(b"00") {
                return true;
            }
            let escape = hex.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
            at += if escape { 3 } else { 1 };
            len += 1;
        }
        len > 255
    })
}

/// Answers 404 for hidden paths before `ServeDir` sees them.
async fn hide_dotfiles(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if is_hidden(path) || names_no_file(path) {
        let mut response = ApiError::from_status(StatusCode::NOT_FOUND).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    } else {
        next.run(request).await
    }
}

/// The security headers of every response (API and page alike), each replacing any other
/// value.
const SECURITY_HEADERS: [(HeaderName, HeaderValue); 6] = [
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ),
];

/// Adds the security headers to every response (API and page alike), over TLS HSTS too, in
/// one step per response. The pinned `index.html` keeps its own CSP, which admits its import
/// map.
pub fn secure(router: Router<Arc<AppState>>, tls: bool) -> Router<Arc<AppState>> {
    router.layer(MapResponseLayer::new(move |mut response: Response| {
        let headers = response.headers_mut();
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
        }
        for (name, value) in SECURITY_HEADERS {
            headers.insert(name, value);
        }
        if tls {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            );
        }
        response
    }))
}

#[cfg(test)]
mod tests {
    use super::is_hidden;

    #[test]
    fn dot_segments_are_hidden() {
        for path in [
            "/.env",
            "/.git/config",
            "/dir/.x",
            "/%2Ehidden",
            "/a/%2egit/HEAD",
            "/..",
        ] {
            assert!(is_hidden(path), "{path}");
        }
        for path in [
            "/",
            "/index.html",
            "/pkg/sealbill_bg.wasm",
            "/a.b/c.d",
            "/x%2e",
        ] {
            assert!(!is_hidden(path), "{path}");
        }
    }
}
