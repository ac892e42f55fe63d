//! The page: `www/` at `/` and the wasm package `pkg/` at `/pkg/`, with the headers a
//! zero-knowledge page needs. No directory listings; paths cannot leave the two directories.

use std::path::Path;
use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::AppState;

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
pub fn pages(www_dir: &Path, pkg_dir: &Path) -> Router<Arc<AppState>> {
    Router::new()
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip())
        .fallback_service(ServeDir::new(www_dir))
        .layer(CompressionLayer::new().gzip(true))
}

/// Adds the security headers to every response (API and page alike).
pub fn secure(router: Router<Arc<AppState>>, tls: bool) -> Router<Arc<AppState>> {
    let mut headers = vec![
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ];
    if tls {
        headers.push((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"));
    }
    headers.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
