//! The relay's request handling, in process: `sealbill_relay::app` over a SQLite store in a
//! temporary directory, fed one request built from the input and driven with
//! `tower::ServiceExt::oneshot`. No request may panic or get a 5xx, and every 4xx carries the
//! JSON error body `{"error": {"code", "message"}}`.
//!
//! The input reads like an HTTP/1.1 request without the version: a line `METHOD TARGET`, then
//! `Name: value` header lines, an empty line, and the body. Inputs that do not make a valid
//! `http::Request` (which hyper would refuse before the app) are skipped.
#![no_main]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use axum::Router;
use clap::Parser;
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use sealbill_relay::config::Cli;
use sealbill_relay::sqlite::SqliteStore;
use sealbill_relay::{app, AppState};
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// The runtime and the router, built once per process.
struct Relay {
    runtime: Runtime,
    router: Router,
}

/// A directory for this process's store and static files, under `SEALBILL_FUZZ_TMP`
/// (scripts/fuzz.sh removes it) or the system's temporary directory.
fn work_dir() -> PathBuf {
    let base = std::env::var_os("SEALBILL_FUZZ_TMP").map_or_else(std::env::temp_dir, PathBuf::from);
    base.join(format!("sealbill-fuzz-relay-{}", std::process::id()))
}

fn relay() -> &'static Relay {
    static RELAY: OnceLock<Relay> = OnceLock::new();
    RELAY.get_or_init(|| {
        let dir = work_dir();
        for (file, bytes) in [
            (
                "www/index.html",
                &b"<!doctype html><title>sealbill</title>"[..],
            ),
            ("www/.hidden", b"secret"),
            ("pkg/sealbill_bg.wasm", b"\0asm\x01\0\0\0"),
        ] {
            let path = dir.join(file);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(path, bytes);
        }
        let cli = Cli::parse_from([
            "sealbill-relay".to_owned(),
            format!("--www-dir={}", dir.join("www").display()),
            format!("--pkg-dir={}", dir.join("pkg").display()),
            // Every request from one client: no rate limit, or the fuzzer would see only 429.
            format!("--rate-limit={}", u32::MAX),
            "--trust-proxy".to_owned(),
        ]);
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => panic!("a tokio runtime: {e}"),
        };
        let router = runtime.block_on(async {
            match SqliteStore::open(&dir.join("data")) {
                Ok(store) => app(AppState::new(Arc::new(store), cli.serve)),
                Err(e) => panic!("the store opens: {}", e.0),
            }
        });
        Relay { runtime, router }
    })
}

/// The request `data` describes, if it is a valid one.
fn request(data: &[u8]) -> Option<Request<Body>> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (data.get(..at)?, data.get(at + 2..)?),
        None => (data, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n');
    let (method, target) = lines.next()?.split_once(' ')?;
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).ok()?)
        .uri(target);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        builder = builder.header(name, value.trim_start());
    }
    let mut request = builder.body(Body::from(body.to_vec())).ok()?;
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    Some(request)
}

fuzz_target!(|data: &[u8]| {
    let Some(request) = request(data) else {
        return;
    };
    let is_head = request.method() == Method::HEAD;
    let relay = relay();
    let (status, body) = relay.runtime.block_on(async {
        let response = match relay.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(e) => match e {},
        };
        let status = response.status();
        let body = response.into_body().collect().await.map(|b| b.to_bytes());
        (status, body)
    });
    assert!(!status.is_server_error(), "{status}");
    let body = match body {
        Ok(body) => body,
        Err(e) => panic!("the body of a {status} answer reads: {e}"),
    };
    if status.is_client_error() && !is_head {
        let json: serde_json::Value = match serde_json::from_slice(&body) {
            Ok(json) => json,
            Err(e) => panic!("a {status} answer has a JSON body: {e}"),
        };
        assert!(
            json.pointer("/error/code").is_some_and(|c| c.is_string())
                && json
                    .pointer("/error/message")
                    .is_some_and(|m| m.is_string()),
            "{status}: {json}"
        );
    }
});
