//! In-process API tests: the real router over a real store, driven request by request. Every
//! test runs on both backends (see `on_both_backends!` at the end): SQLite in a temporary
//! directory, and a fresh database on the PostgreSQL server of `SEALBILL_TEST_DATABASE_URL`
//! (scripts/postgres.sh starts one; without it the PostgreSQL runs fail).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/stores.rs"]
mod stores;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clap::Parser;
use http_body_util::BodyExt;
use sealbill::{
    seal, sign_request, ArchiveKey, Document, Identity, LinkRequest, Member, Role, Roster,
    RosterDraft, SealOptions, Sealed,
};
use sealbill_relay::config::Cli;
use sealbill_relay::postgres::{PgStore, MIGRATIONS as MIGRATIONS_POSTGRES, SCHEMA_VERSION};
use sealbill_relay::sqlite::{SqliteStore, DATABASE_FILE, MIGRATIONS};
use sealbill_relay::store::{
    Fetched, NewEnvelope, NewRoster, ReplyInsert, Sender, State, Store, TeamFilePut,
};
use sealbill_relay::{app, now, AppState, CSP};
use serde_json::Value;
use stores::{
    fresh_database, new_envelope, new_reply, new_roster, new_team_file, on_both_backends, psql,
    random_bytes, Backend,
};
use tower::ServiceExt;

/// The host signed requests address: one that the default --listen (127.0.0.1:8080) implies.
const HOST: &str = "127.0.0.1:8080";

struct Relay {
    router: axum::Router,
    store: Arc<dyn Store>,
    dir: PathBuf,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sealbill-relay-api-{}-{}",
        std::process::id(),
        rand_core::RngCore::next_u64(&mut rand_core::OsRng)
    ));
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(
        dir.join("www/index.html"),
        "<!doctype html><title>sealbill</title>",
    )
    .unwrap();
    std::fs::write(dir.join("pkg/sealbill_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dir
}

/// Where a store keeps what it holds: a data directory, or a database.
#[derive(Clone)]
enum Place {
    Sqlite(PathBuf),
    Postgres(Box<tokio_postgres::Config>),
}

impl Place {
    /// A new, empty place of `backend`: `dir`/data, or a fresh database.
    fn new(backend: Backend, dir: &Path) -> Place {
        match backend {
            Backend::Sqlite => Place::Sqlite(dir.join("data")),
            Backend::Postgres => Place::Postgres(Box::new(fresh_database())),
        }
    }

    /// A store on it, as a relay node opens it (again, after a restart).
    fn open(&self) -> Arc<dyn Store> {
        match self {
            Place::Sqlite(data) => Arc::new(SqliteStore::open(data).unwrap()),
            Place::Postgres(database) => Arc::new(PgStore::open(*database.clone()).unwrap()),
        }
    }

    /// The count and total size of the active envelopes, counted row by row.
    fn scanned(&self) -> (u64, u64) {
        let (count, size) = (
            "SELECT count(*) FROM envelopes WHERE state = 0",
            "SELECT coalesce(sum(size), 0) FROM envelopes WHERE state = 0",
        );
        let values = match self {
            Place::Sqlite(data) => {
                let conn = rusqlite::Connection::open(data.join(DATABASE_FILE)).unwrap();
                let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
                (one(count), one(size))
            }
            Place::Postgres(database) => (psql(database, count)[0], psql(database, size)[0]),
        };
        (values.0 as u64, values.1 as u64)
    }
}

/// A new, empty store of `backend` (SQLite in `dir`/data).
fn open_store(backend: Backend, dir: &Path) -> Arc<dyn Store> {
    Place::new(backend, dir).open()
}

fn relay(backend: Backend, flags: &[&str]) -> Relay {
    let dir = temp_dir();
    let mut args = vec![
        "sealbill-relay".to_owned(),
        format!("--www-dir={}", dir.join("www").display()),
        format!("--pkg-dir={}", dir.join("pkg").display()),
    ];
    args.extend(flags.iter().map(|f| (*f).to_owned()));
    let cli = Cli::parse_from(args);
    let store = open_store(backend, &dir);
    let router = app(AppState::new(store.clone(), cli.serve));
    Relay { router, store, dir }
}

async fn call(relay: &Relay, request: Request<Body>) -> (StatusCode, Response<Body>, Vec<u8>) {
    let response = relay.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (status, Response::from_parts(parts, Body::empty()), bytes)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(bytes)))
}

fn error_code(bytes: &[u8]) -> String {
    json(bytes)["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", json(bytes)))
        .to_owned()
}

/// A sender and a client.
fn parties() -> (Identity, Identity) {
    (
        Identity::generate("Acme").unwrap(),
        Identity::generate("Client").unwrap(),
    )
}

fn sealed(sender: &Identity, to: &Identity) -> Sealed {
    let doc = Document {
        name: "INV-1.xml".into(),
        media_type: "application/xml".into(),
        data: b"<Invoice>canary</Invoice>".to_vec(),
    };
    let options = SealOptions {
        recipients: vec![to.recipient()],
        ..SealOptions::new("INV-1", now())
    };
    seal(sender, &[doc], &options).unwrap()
}

async fn upload(relay: &Relay, target: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let request = Request::post(target).body(Body::from(body)).unwrap();
    let (status, _, bytes) = call(relay, request).await;
    (status, json(&bytes))
}

async fn upload_fetch_status_open_and_burn(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let (acme, client) = parties();
    let sealed = sealed(&acme, &client);
    let target = format!(
        "/api/v1/envelopes?expires=3600&opens=1&proof={}",
        sealed.open_proof.hash_base64url()
    );
    let (status, created) = upload(&relay, &target, sealed.envelope.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap().to_owned();
    let token = created["manageToken"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 22);
    assert_eq!(token.len(), 43);

    // Fetching never burns: a link previewer may fetch as often as it likes.
    for _ in 0..3 {
        let (status, response, body) = call(&relay, get(&format!("/api/v1/envelopes/{id}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, sealed.envelope, "stored byte for byte");
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["content-security-policy"], CSP);
    }
    let status_of = |token: &str| {
        Request::get(format!("/api/v1/envelopes/{id}/status"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, body) = call(&relay, status_of(&token)).await;
    assert_eq!(
        (status, json(&body)["status"].as_str()),
        (StatusCode::OK, Some("active"))
    );
    let (status, _, body) = call(&relay, status_of(&"A".repeat(43))).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "BAD_TOKEN".into())
    );

    let opened = |proof: &str| {
        Request::post(format!("/api/v1/envelopes/{id}/opened"))
            .header("content-type", "application/json")
            .body(Body::from(format!(r#"{{"proof":"{proof}"}}"#)))
            .unwrap()
    };
    // A wrong proof counts nothing; the reader's proof burns the envelope.
    let wrong = sealed_proof_of_another(&acme, &client);
    let (status, _, body) = call(&relay, opened(&wrong)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "BAD_PROOF".into())
    );
    let reader = sealbill::open(&[client.age_identity().clone()], &sealed.envelope, None).unwrap();
    let (status, _, body) = call(&relay, opened(&reader.open_proof.to_base64url())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["burned"], true);
    let (status, _, body) = call(&relay, get(&format!("/api/v1/envelopes/{id}"))).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::GONE, "GONE".into())
    );
    let (_, _, body) = call(&relay, status_of(&token)).await;
    assert_eq!(json(&body)["status"], "burned");
}

fn sealed_proof_of_another(acme: &Identity, client: &Identity) -> String {
    let other = sealed(acme, client);
    sealbill::open(&[client.age_identity().clone()], &other.envelope, None)
        .unwrap()
        .open_proof
        .to_base64url()
}

async fn revoke_needs_the_manage_token(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let (acme, client) = parties();
    let (_, created) = upload(&relay, "/api/v1/envelopes", sealed(&acme, &client).envelope).await;
    let id = created["id"].as_str().unwrap();
    let token = created["manageToken"].as_str().unwrap();
    let delete = |auth: Option<String>| {
        let mut r = Request::delete(format!("/api/v1/envelopes/{id}"));
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.body(Body::empty()).unwrap()
    };
    let (status, _, body) = call(&relay, delete(None)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "NO_TOKEN".into())
    );
    let (status, _, _) = call(&relay, delete(Some("Bearer nope".into()))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&relay, get(&format!("/api/v1/envelopes/{id}")))
            .await
            .0,
        StatusCode::OK
    );
    let (status, _, _) = call(&relay, delete(Some(format!("Bearer {token}")))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&relay, get(&format!("/api/v1/envelopes/{id}")))
            .await
            .0,
        StatusCode::GONE
    );
}

async fn bad_input_gets_a_json_4xx_and_the_relay_keeps_serving(backend: Backend) {
    let relay = relay(
        backend,
        &["--open-uploads", "--max-body=4096", "--max-expiry=86400"],
    );
    let (acme, client) = parties();
    let good = sealed(&acme, &client);
    let (_, created) = upload(&relay, "/api/v1/envelopes", good.envelope.clone()).await;
    let kept = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();

    let post = |target: &str, body: &[u8]| {
        Request::post(target)
            .body(Body::from(body.to_vec()))
            .unwrap()
    };
    let opened = |id: &str, body: String| {
        Request::post(format!("/api/v1/envelopes/{id}/opened"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            get("/api/v1/envelopes/short"),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            get("/api/v1/envelopes/%00%01"),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            get(&format!("/api/v1/envelopes/{}", "A".repeat(500))),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            get("/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            get("/api/v1/nothing-here"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            Request::put("/api/v1/envelopes")
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            Request::post("/api/v1/envelopes")
                .body(Body::from("not an age file"))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "NOT_AGE",
        ),
        (
            Request::post("/api/v1/envelopes")
                .body(Body::from(good.envelope[..60].to_vec()))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "NOT_AGE",
        ),
        (
            Request::post("/api/v1/envelopes")
                .body(Body::from(vec![b'a'; 5000]))
                .unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
        ),
        (
            opened(&kept, "{not json".into()),
            StatusCode::BAD_REQUEST,
            "BAD_BODY",
        ),
        (
            opened(&kept, format!(r#"{{"proof":"{}"}}"#, "x".repeat(2000))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
        ),
        (
            opened(
                &kept,
                format!(r#"{{"proof":"{}"}}"#, good.open_proof.to_base64url()),
            ),
            StatusCode::CONFLICT,
            "NO_PROOF",
        ),
    ];
    let bad_queries = [
        ("expires=0", "BAD_EXPIRY"),
        ("expires=86401", "BAD_EXPIRY"),
        ("expires=-5", "BAD_QUERY"),
        ("colour=red", "BAD_QUERY"),
        ("opens=1", "BAD_OPENS"),
        ("proof=xyz", "BAD_PROOF"),
    ];
    let cases = cases.into_iter().chain(bad_queries.map(|(query, code)| {
        let request = post(&format!("/api/v1/envelopes?{query}"), &good.envelope);
        (request, StatusCode::BAD_REQUEST, code)
    }));
    for (request, want_status, want_code) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let (status, response, body) = call(&relay, request).await;
        assert_eq!(status, want_status, "{what}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{what}"
        );
        assert_eq!(error_code(&body), want_code, "{what}");
    }
    // Still serving, and the stored envelope is intact.
    let (status, _, body) = call(&relay, get(&format!("/api/v1/envelopes/{kept}"))).await;
    assert_eq!((status, body), (StatusCode::OK, good.envelope));
    assert_eq!(call(&relay, get("/healthz")).await.0, StatusCode::OK);
}

fn signed_upload(sender: &Identity, target: &str, body: &[u8], ts: u64) -> Request<Body> {
    Request::post(target)
        .header("host", HOST)
        .header(
            "sealbill-signature",
            sign_request(sender, "POST", HOST, target, ts, body).unwrap(),
        )
        .body(Body::from(body.to_vec()))
        .unwrap()
}

async fn only_registered_senders_upload_with_fresh_signatures(backend: Backend) {
    let relay = relay(backend, &[]);
    let (acme, client) = parties();
    let stranger = Identity::generate("Stranger").unwrap();
    relay
        .store
        .add_sender(
            &acme.card().verifying_key().to_bytes(),
            &Sender {
                card: acme.card().to_text(),
                fingerprint: acme.fingerprint().to_string(),
                added_at: now(),
            },
        )
        .unwrap();
    let body = sealed(&acme, &client).envelope;
    let target = "/api/v1/envelopes?expires=600";

    let unsigned = Request::post(target)
        .body(Body::from(body.clone()))
        .unwrap();
    let cases = [
        (unsigned, StatusCode::UNAUTHORIZED, "UNSIGNED"),
        (
            signed_upload(&stranger, target, &body, now()),
            StatusCode::FORBIDDEN,
            "NOT_A_SENDER",
        ),
        (
            signed_upload(&acme, target, &body, now() - 3600),
            StatusCode::UNAUTHORIZED,
            "STALE",
        ),
        (
            signed_upload(&acme, target, &body, now() + 3600),
            StatusCode::UNAUTHORIZED,
            "STALE",
        ),
        (
            // Signed for another expiry than the one asked for.
            Request::post(target)
                .header("host", HOST)
                .header(
                    "sealbill-signature",
                    sign_request(
                        &acme,
                        "POST",
                        HOST,
                        "/api/v1/envelopes?expires=60",
                        now(),
                        &body,
                    )
                    .unwrap(),
                )
                .body(Body::from(body.clone()))
                .unwrap(),
            StatusCode::UNAUTHORIZED,
            "BAD_SIGNATURE",
        ),
        (
            Request::post(target)
                .header("host", HOST)
                .header("sealbill-signature", "v=2,key=x,ts=1,sig=y")
                .body(Body::from(body.clone()))
                .unwrap(),
            StatusCode::UNAUTHORIZED,
            "BAD_SIGNATURE",
        ),
    ];
    for (request, want_status, want_code) in cases {
        let (status, _, bytes) = call(&relay, request).await;
        assert_eq!(
            (status, error_code(&bytes)),
            (want_status, want_code.to_owned())
        );
    }
    let ts = now();
    let (status, _, _) = call(&relay, signed_upload(&acme, target, &body, ts)).await;
    assert_eq!(status, StatusCode::CREATED);
    // The same signed request again is a replay.
    let (status, _, bytes) = call(&relay, signed_upload(&acme, target, &body, ts)).await;
    assert_eq!(
        (status, error_code(&bytes)),
        (StatusCode::UNAUTHORIZED, "REPLAYED".into())
    );
}

async fn clients_over_the_rate_get_429_with_retry_after(backend: Backend) {
    let relay = relay(backend, &["--open-uploads", "--rate-limit=5"]);
    for _ in 0..5 {
        assert_eq!(
            call(&relay, get("/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
    }
    let (status, response, body) =
        call(&relay, get("/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED".into())
    );
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    // The page is not rate-limited.
    assert_eq!(call(&relay, get("/")).await.0, StatusCode::OK);
}

async fn health_and_metrics_are_rate_limited_apart_from_the_api(backend: Backend) {
    let relay = relay(backend, &["--open-uploads", "--rate-limit=4"]);
    for path in ["/healthz", "/metrics", "/healthz", "/metrics"] {
        assert_eq!(call(&relay, get(path)).await.0, StatusCode::OK, "{path}");
    }
    for path in ["/healthz", "/metrics"] {
        let (status, response, body) = call(&relay, get(path)).await;
        assert_eq!(
            (status, error_code(&body)),
            (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED".into()),
            "{path}"
        );
        assert!(response.headers().contains_key("retry-after"));
    }
    // Polling them spent none of the API's budget.
    for _ in 0..4 {
        let (status, _, _) = call(&relay, get("/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

async fn behind_a_proxy_the_rate_is_per_address_the_proxy_appended(backend: Backend) {
    let forwarded = |value: &str| {
        Request::get("/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA")
            .header("x-forwarded-for", value)
            .body(Body::empty())
            .unwrap()
    };
    // The client writes any entries it likes at the left; the proxy appends the address it
    // saw. Changing the left entries does not buy a fresh bucket.
    let relay = relay(
        backend,
        &["--open-uploads", "--rate-limit=3", "--trust-proxy"],
    );
    for i in 0..3 {
        let (status, _, _) = call(&relay, forwarded(&format!("10.9.8.{i}, 203.0.113.7"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _, body) = call(&relay, forwarded("10.9.8.200, 203.0.113.7")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED".into())
    );
    // Another address appended by the proxy is another client.
    let (status, _, _) = call(&relay, forwarded("10.9.8.200, 203.0.113.8")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Two proxies of one's own: the second entry from the right is the client.
    let relay = relay_two_hops(backend);
    for i in 0..3 {
        let value = format!("10.9.8.{i}, 203.0.113.7, 10.0.0.{i}");
        assert_eq!(
            call(&relay, forwarded(&value)).await.0,
            StatusCode::NOT_FOUND
        );
    }
    let (status, _, _) = call(&relay, forwarded("10.9.8.9, 203.0.113.7, 10.0.0.9")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Too few entries or a malformed one: the peer (none in process), one bucket for all.
    let relay = relay_two_hops(backend);
    for value in ["203.0.113.1", "junk, 10.0.0.1", "203.0.113.2"] {
        assert_eq!(
            call(&relay, forwarded(value)).await.0,
            StatusCode::NOT_FOUND
        );
    }
    let (status, _, _) = call(&relay, forwarded("203.0.113.3")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

fn relay_two_hops(backend: Backend) -> Relay {
    relay(
        backend,
        &[
            "--open-uploads",
            "--rate-limit=3",
            "--trust-proxy",
            "--trusted-hops=2",
        ],
    )
}

async fn the_page_is_served_with_strict_headers_and_no_listing_or_traversal(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let (status, response, body) = call(&relay, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body)
        .unwrap()
        .contains("<title>sealbill</title>"));
    let h = response.headers();
    assert_eq!(h["content-security-policy"], CSP);
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cross-origin-opener-policy"], "same-origin");
    assert_eq!(h["cross-origin-resource-policy"], "same-origin");
    assert!(
        h.get("strict-transport-security").is_none(),
        "HSTS only over TLS"
    );

    let (status, response, _) = call(&relay, get("/pkg/sealbill_bg.wasm")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/wasm");
    for path in [
        "/pkg/",
        "/..%2f..%2fetc/passwd",
        "/pkg/../../Cargo.toml",
        "/%2e%2e/data/relay.sqlite3",
        "/data/relay.sqlite3",
    ] {
        let (status, _, body) = call(&relay, get(path)).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(
            !String::from_utf8_lossy(&body).contains("sealbill_bg.wasm"),
            "{path}: a listing"
        );
    }
}

async fn dotfiles_in_the_page_directories_are_never_served(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let www = relay.dir.join("www");
    std::fs::write(www.join(".hidden"), "secret-dotfile").unwrap();
    std::fs::create_dir_all(www.join("dir/.git")).unwrap();
    std::fs::write(www.join("dir/.x"), "secret-dotfile").unwrap();
    std::fs::write(www.join("dir/.git/config"), "secret-dotfile").unwrap();
    std::fs::write(www.join("dir/page.html"), "visible").unwrap();
    std::fs::write(relay.dir.join("pkg/.env"), "secret-dotfile").unwrap();
    for path in [
        "/.hidden",
        "/dir/.x",
        "/dir/.git/config",
        "/%2ehidden",
        "/dir/%2Ex",
        "/pkg/.env",
    ] {
        let (status, response, body) = call(&relay, get(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(&body), "NOT_FOUND", "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        assert_eq!(response.headers()["content-security-policy"], CSP);
    }
    let (status, _, body) = call(&relay, get("/dir/page.html")).await;
    assert_eq!((status, body), (StatusCode::OK, b"visible".to_vec()));
}

/// Found by the `relay` fuzz target: `GET /healt2hz` answered 404 with an empty body.
async fn a_missing_page_file_answers_a_json_error(backend: Backend) {
    let relay = relay(backend, &[]);
    for path in ["/healt2hz", "/no/such/file.js", "/pkg/missing.wasm"] {
        let (status, response, body) = call(&relay, get(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(&body), "NOT_FOUND", "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
}

/// Found by the `relay` fuzz target: `HEAD .index.ml` (a target that is not a path) answered
/// 500, over TCP as well.
async fn a_request_target_that_is_not_a_path_is_a_bad_request(backend: Backend) {
    let relay = relay(backend, &[]);
    for target in ["x", ".index.ml", "example.com:443"] {
        let (status, _, body) = call(&relay, get(target)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}");
        assert_eq!(error_code(&body), "BAD_REQUEST", "{target}");
    }
}

/// Found by the `relay` fuzz target: a page file name longer than a file system holds (255
/// bytes) answered 500.
async fn a_file_name_too_long_for_any_file_is_not_found(backend: Backend) {
    let relay = relay(backend, &[]);
    let long = "a".repeat(256);
    let encoded = "%61".repeat(256);
    for path in [
        format!("/{long}"),
        format!("/pkg/{long}.wasm"),
        format!("/{encoded}"),
        // Found next: a NUL byte in a name answered 500 too.
        "/index%00.html".to_owned(),
        "/pkg/%00".to_owned(),
        "/np%000000000000001/t'AtAA@".to_owned(),
        "/a\u{4e6}np".to_owned(),
    ] {
        let (status, _, body) = call(&relay, get(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_code(&body), "NOT_FOUND", "{path}");
        let head = Request::head(path.as_str()).body(Body::empty()).unwrap();
        assert_eq!(
            call(&relay, head).await.0,
            StatusCode::NOT_FOUND,
            "HEAD {path}"
        );
    }
}

async fn static_files_are_gzipped_and_api_answers_never_are(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let module: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(relay.dir.join("pkg/big.wasm"), &module).unwrap();
    let gzip = |uri: &str| {
        Request::get(uri)
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .unwrap()
    };
    let (status, response, body) = call(&relay, gzip("/pkg/big.wasm")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert!(body.len() < module.len() / 4, "{} bytes", body.len());
    // Without Accept-Encoding, the bytes as they are.
    let (_, response, body) = call(&relay, get("/pkg/big.wasm")).await;
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(body, module);
    // A precompressed copy beside the module is served as it is.
    std::fs::write(relay.dir.join("pkg/big.wasm.gz"), b"precompressed").unwrap();
    let (_, response, body) = call(&relay, gzip("/pkg/big.wasm")).await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(body, b"precompressed");

    // An upload's answer holds the manage token: never compressed.
    let (acme, client) = parties();
    let request = Request::post("/api/v1/envelopes")
        .header("accept-encoding", "gzip")
        .body(Body::from(sealed(&acme, &client).envelope))
        .unwrap();
    let (status, response, body) = call(&relay, request).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(response.headers().get("content-encoding").is_none());
    let id = json(&body)["id"].as_str().unwrap().to_owned();
    let (_, response, _) = call(&relay, gzip(&format!("/api/v1/envelopes/{id}"))).await;
    assert!(response.headers().get("content-encoding").is_none());
}

async fn metrics_name_routes_never_ids_or_tokens(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let (acme, client) = parties();
    let (_, created) = upload(&relay, "/api/v1/envelopes", sealed(&acme, &client).envelope).await;
    let id = created["id"].as_str().unwrap();
    call(&relay, get(&format!("/api/v1/envelopes/{id}"))).await;
    let (status, _, body) = call(&relay, get("/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains(r#"route="/api/v1/envelopes/{id}",status="200""#),
        "{text}"
    );
    assert!(text.contains("sealbill_envelopes 1"));
    assert!(!text.contains(id));
    assert!(!text.contains(created["manageToken"].as_str().unwrap()));
}

async fn metrics_stay_small_whatever_methods_and_paths_clients_send(backend: Backend) {
    let relay = relay(backend, &["--open-uploads", "--rate-limit=0"]);
    let random = || {
        let n = rand_core::RngCore::next_u64(&mut rand_core::OsRng);
        format!("X{n:016X}")
    };
    let mut sent = Vec::new();
    for _ in 0..100 {
        let method = random();
        let request = Request::builder()
            .method(method.as_str())
            .uri("/healthz")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            call(&relay, request).await.0,
            StatusCode::METHOD_NOT_ALLOWED
        );
        sent.push(method);
    }
    for _ in 0..50 {
        let path = random();
        call(&relay, get(&format!("/{path}"))).await;
        call(&relay, get(&format!("/api/v1/{path}/{path}"))).await;
        call(&relay, get(&format!("/pkg/{path}"))).await;
        sent.push(path);
    }
    let (status, _, body) = call(&relay, get("/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    let series: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("sealbill_requests_total{"))
        .collect();
    assert!(series.len() <= 6, "{text}");
    let other: Vec<&&str> = series
        .iter()
        .filter(|l| l.contains(r#"method="other""#))
        .collect();
    assert_eq!(
        other,
        [&r#"sealbill_requests_total{method="other",route="/healthz",status="405"} 100"#],
        "{text}"
    );
    assert!(sent.iter().all(|s| !text.contains(s.as_str())), "{text}");
    assert!(text.len() < 8 * 1024, "{} bytes: {text}", text.len());
}

async fn cors_is_off_by_default_and_on_per_origin(backend: Backend) {
    let preflight = || {
        Request::options("/api/v1/envelopes")
            .header("origin", "https://shop.example")
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap()
    };
    let closed = relay(backend, &["--open-uploads"]);
    let (_, response, _) = call(&closed, preflight()).await;
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let open = relay(
        backend,
        &["--open-uploads", "--cors-origin=https://shop.example"],
    );
    let (_, response, _) = call(&open, preflight()).await;
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
}

async fn every_operation_in_openapi_json_is_routed_and_answers_a_documented_status(
    backend: Backend,
) {
    let relay = relay(backend, &["--open-uploads"]);
    let spec: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            operations += 1;
            let uri = format!(
                "/api/v1{}",
                path.replace("{id}", "AAAAAAAAAAAAAAAAAAAAAA")
                    .replace("{replyId}", "AAAAAAAAAAAAAAAAAAAAAA")
            );
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .header("content-type", "application/json")
                .body(Body::from(
                    r#"{"proof":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
                ))
                .unwrap();
            let (status, _, body) = call(&relay, request).await;
            let what = format!("{method} {uri}: {status}");
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{what}");
            assert_ne!(
                json(&body)["error"]["message"],
                "no such resource",
                "{what}: not routed"
            );
            let documented = operation["responses"].get(status.as_str()).is_some();
            assert!(documented, "{what} is not in openapi.json");
        }
    }
    assert_eq!(operations, 13);
}

// Replies (key exchange): a reader who opened an envelope sends an age file back to its sender.

/// An invoice sealed for a link (and the sender), uploaded with its open-proof hash and
/// `opens`; returns the sealed invoice, the envelope id and the manage token.
async fn upload_with_link(relay: &Relay, acme: &Identity, opens: u32) -> (Sealed, String, String) {
    let doc = Document {
        name: "INV-7.xml".into(),
        media_type: "application/xml".into(),
        data: b"<Invoice>reply to me</Invoice>".to_vec(),
    };
    let options = SealOptions {
        link: Some(LinkRequest::Plain),
        ..SealOptions::new("INV-7", now())
    };
    let sealed = seal(acme, &[doc], &options).unwrap();
    let target = format!(
        "/api/v1/envelopes?opens={opens}&proof={}",
        sealed.open_proof.hash_base64url()
    );
    let (status, created) = upload(relay, &target, sealed.envelope.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let token = created["manageToken"].as_str().unwrap().to_owned();
    (sealed, id, token)
}

/// The open proof that a reader of a link envelope shows, from opening it with the link.
fn reader_proof(sealed: &Sealed) -> String {
    let link = sealed.link.as_ref().unwrap().identity(None).unwrap();
    sealbill::open(&[link], &sealed.envelope, None)
        .unwrap()
        .open_proof
        .to_base64url()
}

/// A reply body: any binary age v1 file, here an envelope the client seals to the sender.
fn reply_body(client: &Identity, acme: &Identity, note: &str) -> Vec<u8> {
    let doc = Document {
        name: "reply.txt".into(),
        media_type: "text/plain".into(),
        data: note.as_bytes().to_vec(),
    };
    let options = SealOptions {
        recipients: vec![acme.recipient()],
        ..SealOptions::new(note, now())
    };
    seal(client, &[doc], &options).unwrap().envelope
}

fn post_reply(id: &str, proof: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut request = Request::post(format!("/api/v1/envelopes/{id}/replies"))
        .header("content-type", "application/octet-stream");
    if let Some(proof) = proof {
        request = request.header("sealbill-open-proof", proof);
    }
    request.body(Body::from(body)).unwrap()
}

fn with_token(method: &str, uri: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::empty()).unwrap()
}

/// The replies listed with the manage token: (id, receivedAt, body bytes).
async fn list_replies(relay: &Relay, id: &str, token: &str) -> Vec<(String, u64, Vec<u8>)> {
    let uri = format!("/api/v1/envelopes/{id}/replies");
    let (status, response, body) = call(relay, with_token("GET", &uri, Some(token))).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(response.headers()["cache-control"], "no-store");
    json(&body)["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["receivedAt"].as_u64().unwrap(),
                URL_SAFE_NO_PAD
                    .decode(r["body"].as_str().unwrap())
                    .expect("the body is unpadded base64url"),
            )
        })
        .collect()
}

async fn a_reader_replies_with_the_open_proof_and_the_sender_fetches_and_deletes_it(
    backend: Backend,
) {
    let relay = relay(backend, &["--open-uploads"]);
    let (acme, client) = parties();
    let (sealed, id, token) = upload_with_link(&relay, &acme, 1).await;

    // The reader opens the link, and its open burns the envelope (opens=1).
    let (_, _, fetched) = call(&relay, get(&format!("/api/v1/envelopes/{id}"))).await;
    let link_identity = sealed.link.as_ref().unwrap().identity(None).unwrap();
    let opened = sealbill::open(&[link_identity], &fetched, None).unwrap();
    let proof = opened.open_proof.to_base64url();
    let request = Request::post(format!("/api/v1/envelopes/{id}/opened"))
        .header("content-type", "application/json")
        .body(Body::from(format!(r#"{{"proof":"{proof}"}}"#)))
        .unwrap();
    let (_, _, body) = call(&relay, request).await;
    assert_eq!(json(&body)["burned"], true);

    // A burned envelope still takes the reply that follows its open.
    let reply = reply_body(&client, &acme, "my key");
    let before = now();
    let (status, response, body) = call(&relay, post_reply(&id, Some(&proof), reply.clone())).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let created = json(&body);
    let reply_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(reply_id.len(), 22);
    let received_at = created["receivedAt"].as_u64().unwrap();
    assert!((before..=now()).contains(&received_at));

    let listed = list_replies(&relay, &id, &token).await;
    assert_eq!(listed, [(reply_id.clone(), received_at, reply.clone())]);
    // The sender can open it: the body round-trips byte for byte.
    let read = sealbill::open(&[acme.age_identity().clone()], &listed[0].2, None).unwrap();
    assert_eq!(read.documents[0].data, b"my key");

    let delete_uri = format!("/api/v1/envelopes/{id}/replies/{reply_id}");
    for _ in 0..2 {
        let (status, _, body) = call(&relay, with_token("DELETE", &delete_uri, Some(&token))).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "idempotent");
        assert!(body.is_empty());
    }
    assert!(list_replies(&relay, &id, &token).await.is_empty());

    // Metrics name the route templates, never ids or the proof.
    let (_, _, body) = call(&relay, get("/metrics")).await;
    let text = String::from_utf8(body).unwrap();
    for line in [
        r#"method="POST",route="/api/v1/envelopes/{id}/replies",status="201""#,
        r#"method="GET",route="/api/v1/envelopes/{id}/replies",status="200""#,
        r#"method="DELETE",route="/api/v1/envelopes/{id}/replies/{replyId}",status="204""#,
    ] {
        assert!(text.contains(line), "{line} not in {text}");
    }
    for secret in [&id, &reply_id, &proof, &token] {
        assert!(!text.contains(secret.as_str()));
    }
}

async fn replies_are_listed_oldest_first_even_after_the_sender_revoked_the_link(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let (acme, client) = parties();
    let (sealed, id, token) = upload_with_link(&relay, &acme, 5).await;
    let proof = reader_proof(&sealed);
    let bodies: Vec<Vec<u8>> = ["first", "second"]
        .iter()
        .map(|note| reply_body(&client, &acme, note))
        .collect();
    let mut ids = Vec::new();
    for body in &bodies {
        let (status, _, created) = call(&relay, post_reply(&id, Some(&proof), body.clone())).await;
        assert_eq!(status, StatusCode::CREATED);
        ids.push(json(&created)["id"].as_str().unwrap().to_owned());
    }
    let (status, _, _) = call(
        &relay,
        with_token("DELETE", &format!("/api/v1/envelopes/{id}"), Some(&token)),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // Revoked: no new reply, but the sender still gets those it has.
    let late = reply_body(&client, &acme, "late");
    let (status, _, body) = call(&relay, post_reply(&id, Some(&proof), late)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::GONE, "GONE".into())
    );
    let listed = list_replies(&relay, &id, &token).await;
    let listed: Vec<(String, Vec<u8>)> = listed.into_iter().map(|(i, _, b)| (i, b)).collect();
    assert_eq!(listed, ids.into_iter().zip(bodies).collect::<Vec<_>>());
}

async fn every_refused_reply_gets_its_json_4xx_and_stored_replies_stay_intact(backend: Backend) {
    let relay = relay(backend, &["--open-uploads"]);
    let (acme, client) = parties();
    let (sealed, id, token) = upload_with_link(&relay, &acme, 5).await;
    let proof = reader_proof(&sealed);
    // Another envelope's proof: well formed, but not this one's.
    let (other, _, _) = upload_with_link(&relay, &acme, 5).await;
    let wrong = reader_proof(&other);
    // An envelope uploaded without a proof hash, one revoked, one expired.
    let (_, created) = upload(&relay, "/api/v1/envelopes", sealed.envelope.clone()).await;
    let no_proof = created["id"].as_str().unwrap().to_owned();
    let (_, revoked, revoked_token) = upload_with_link(&relay, &acme, 5).await;
    call(
        &relay,
        with_token(
            "DELETE",
            &format!("/api/v1/envelopes/{revoked}"),
            Some(&revoked_token),
        ),
    )
    .await;
    let expired = "EEEEEEEEEEEEEEEEEEEEEA";
    relay
        .store
        .insert(NewEnvelope {
            id: expired.into(),
            body: sealed.envelope.clone(),
            created_at: now() - 100,
            expires_at: now() - 1,
            max_opens: None,
            manage_hash: [0; 32],
            proof_hash: Some(sealed.open_proof.hash()),
            uploader: None,
            team_owner: None,
        })
        .unwrap();

    // Four replies fill the envelope.
    let stored: Vec<Vec<u8>> = (0..4)
        .map(|i| reply_body(&client, &acme, &format!("reply {i}")))
        .collect();
    for body in &stored {
        let (status, _, _) = call(&relay, post_reply(&id, Some(&proof), body.clone())).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let fifth = reply_body(&client, &acme, "reply 4");
    let too_big = vec![b'a'; 64 * 1024 + 1];
    let unknown = "AAAAAAAAAAAAAAAAAAAAAA";
    let replies_of = |id: &str| format!("/api/v1/envelopes/{id}/replies");
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            post_reply("short", Some(&proof), fifth.clone()),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            post_reply(&id, None, fifth.clone()),
            StatusCode::UNAUTHORIZED,
            "NO_PROOF",
        ),
        (
            post_reply(&id, Some("xyz"), fifth.clone()),
            StatusCode::BAD_REQUEST,
            "BAD_PROOF",
        ),
        (
            post_reply(
                &id,
                Some(&sealed.open_proof.hash_base64url()[..42]),
                fifth.clone(),
            ),
            StatusCode::BAD_REQUEST,
            "BAD_PROOF",
        ),
        (
            post_reply(unknown, Some(&proof), fifth.clone()),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            post_reply(expired, Some(&proof), fifth.clone()),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            post_reply(&revoked, Some(&proof), fifth.clone()),
            StatusCode::GONE,
            "GONE",
        ),
        (
            post_reply(&no_proof, Some(&proof), fifth.clone()),
            StatusCode::CONFLICT,
            "NO_PROOF",
        ),
        (
            post_reply(&id, Some(&wrong), fifth.clone()),
            StatusCode::FORBIDDEN,
            "BAD_PROOF",
        ),
        // The proof is checked before the body is read: a wrong proof with a large body is 403.
        (
            post_reply(&id, Some(&wrong), too_big.clone()),
            StatusCode::FORBIDDEN,
            "BAD_PROOF",
        ),
        (
            post_reply(&id, Some(&proof), too_big),
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
        ),
        (
            post_reply(&id, Some(&proof), b"not age".to_vec()),
            StatusCode::BAD_REQUEST,
            "NOT_AGE",
        ),
        (
            post_reply(&id, Some(&proof), stored[0][..60].to_vec()),
            StatusCode::BAD_REQUEST,
            "NOT_AGE",
        ),
        (
            post_reply(&id, Some(&proof), stored[1].clone()),
            StatusCode::CONFLICT,
            "REPLAYED",
        ),
        (
            post_reply(&id, Some(&proof), fifth),
            StatusCode::CONFLICT,
            "TOO_MANY_REPLIES",
        ),
        (
            with_token("GET", &replies_of("short"), Some(&token)),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            with_token("GET", &replies_of(&id), None),
            StatusCode::UNAUTHORIZED,
            "NO_TOKEN",
        ),
        (
            with_token("GET", &replies_of(&id), Some(&revoked_token)),
            StatusCode::FORBIDDEN,
            "BAD_TOKEN",
        ),
        (
            with_token("GET", &replies_of(unknown), Some(&token)),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            with_token("GET", &replies_of(expired), Some(&token)),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            with_token(
                "DELETE",
                &format!("{}/{unknown}", replies_of("short")),
                Some(&token),
            ),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            with_token(
                "DELETE",
                &format!("{}/not-an-id", replies_of(&id)),
                Some(&token),
            ),
            StatusCode::BAD_REQUEST,
            "BAD_ID",
        ),
        (
            with_token("DELETE", &format!("{}/{unknown}", replies_of(&id)), None),
            StatusCode::UNAUTHORIZED,
            "NO_TOKEN",
        ),
        (
            with_token(
                "DELETE",
                &format!("{}/{unknown}", replies_of(&id)),
                Some(&revoked_token),
            ),
            StatusCode::FORBIDDEN,
            "BAD_TOKEN",
        ),
        (
            with_token(
                "DELETE",
                &format!("{}/{unknown}", replies_of(unknown)),
                Some(&token),
            ),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            with_token("PUT", &replies_of(&id), Some(&token)),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
    ];
    for (request, want_status, want_code) in cases {
        let what = format!(
            "{} {} ({:?})",
            request.method(),
            request.uri(),
            request.headers().get("sealbill-open-proof")
        );
        let (status, response, body) = call(&relay, request).await;
        assert_eq!(
            status,
            want_status,
            "{what}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{what}"
        );
        assert_eq!(error_code(&body), want_code, "{what}");
    }

    // Deleting a reply id this envelope does not hold is a no-op 204.
    let uri = format!("{}/{unknown}", replies_of(&id));
    let (status, _, _) = call(&relay, with_token("DELETE", &uri, Some(&token))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Still serving; the stored replies and the envelope are intact.
    let listed: Vec<Vec<u8>> = list_replies(&relay, &id, &token)
        .await
        .into_iter()
        .map(|(_, _, body)| body)
        .collect();
    assert_eq!(listed, stored);
    let (status, _, body) = call(&relay, get(&format!("/api/v1/envelopes/{id}"))).await;
    assert_eq!((status, body), (StatusCode::OK, sealed.envelope));
    assert_eq!(call(&relay, get("/healthz")).await.0, StatusCode::OK);
}

async fn cors_lets_a_page_send_the_open_proof_header(backend: Backend) {
    let relay = relay(
        backend,
        &["--open-uploads", "--cors-origin=https://shop.example"],
    );
    let preflight = Request::options("/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA/replies")
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "sealbill-open-proof,content-type",
        )
        .body(Body::empty())
        .unwrap();
    let (_, response, _) = call(&relay, preflight).await;
    let allowed = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("sealbill-open-proof"), "{allowed}");
    assert!(allowed.contains("sealbill-signature"), "{allowed}");
}

// Teams: the owner stores its roster; members upload by role; the owner revokes.

/// Puts `who` on the relay's allow-list, as `sealbill-relay senders add` does.
fn register(relay: &Relay, who: &Identity) {
    let sender = Sender {
        card: who.card().to_text(),
        fingerprint: who.fingerprint().to_string(),
        added_at: now(),
    };
    relay
        .store
        .add_sender(&who.card().verifying_key().to_bytes(), &sender)
        .unwrap();
}

/// A member of `role` valid from `from` until `until` (0: no end).
fn member(who: &Identity, role: Role, from: u64, until: u64) -> Member {
    Member {
        card: who.card().clone(),
        role,
        valid_from: from,
        valid_until: until,
    }
}

/// A roster of `owner`'s team at `version`.
fn roster(owner: &Identity, version: u64, members: Vec<Member>) -> Roster {
    RosterDraft {
        version,
        issued: now(),
        members,
        accounts: vec!["DE89 3704 0044 0532 0130 00".into()],
        archive: ArchiveKey::generate(0).entry(),
    }
    .sign(owner)
    .unwrap()
}

/// Posts roster bytes in a request signed by `signer` at `ts`; the status and error code (or
/// the JSON answer's version).
async fn post_roster(
    relay: &Relay,
    signer: &Identity,
    bytes: &[u8],
    ts: u64,
) -> (StatusCode, String) {
    let target = "/api/v1/rosters";
    let request = Request::post(target)
        .header("host", HOST)
        .header(
            "sealbill-signature",
            sign_request(signer, "POST", HOST, target, ts, bytes).unwrap(),
        )
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    let (status, _, body) = call(relay, request).await;
    let answer = json(&body);
    let what = match answer["error"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => format!("version {}", answer["version"]),
    };
    (status, what)
}

/// Uploads an envelope sealed by `who`, signed by `who`; the status and the JSON answer.
async fn member_upload(relay: &Relay, who: &Identity) -> (StatusCode, Value) {
    let (_, client) = parties();
    let target = "/api/v1/envelopes?expires=600";
    let body = sealed(who, &client).envelope;
    let (status, _, bytes) = call(relay, signed_upload(who, target, &body, now())).await;
    (status, json(&bytes))
}

fn code_of(answer: &Value) -> &str {
    answer["error"]["code"].as_str().unwrap_or("")
}

async fn the_owner_stores_only_newer_rosters_and_nobody_else_stores_one(backend: Backend) {
    let relay = relay(backend, &[]);
    let acme = Identity::generate("Acme").unwrap();
    let bill = Identity::generate("Bill").unwrap();
    let mallory = Identity::generate("Mallory").unwrap();
    let other = Identity::generate("Other business").unwrap();
    register(&relay, &acme);
    register(&relay, &other);
    let biller = || vec![member(&bill, Role::Biller, now() - 10, 0)];
    let v1 = roster(&acme, 1, biller());
    let v2 = roster(&acme, 2, vec![]);
    let other_v2 = roster(&acme, 2, biller());
    let t = now();

    let stored = post_roster(&relay, &acme, v1.to_bytes(), t).await;
    assert_eq!(stored, (StatusCode::CREATED, "version 1".into()));
    let again = post_roster(&relay, &acme, v1.to_bytes(), t - 1).await;
    assert_eq!(again, (StatusCode::OK, "version 1".into()), "idempotent");
    let replayed_request = post_roster(&relay, &acme, v1.to_bytes(), t).await;
    assert_eq!(
        replayed_request,
        (StatusCode::UNAUTHORIZED, "REPLAYED".into())
    );
    let newer = post_roster(&relay, &acme, v2.to_bytes(), t).await;
    assert_eq!(newer, (StatusCode::CREATED, "version 2".into()));

    let mut forged = other_v2.to_bytes().to_vec();
    *forged.last_mut().unwrap() ^= 1;
    let mallorys = roster(&mallory, 9, biller());
    let refused = [
        // A replay of the old roster, in a fresh request.
        (
            post_roster(&relay, &acme, v1.to_bytes(), t - 2).await,
            StatusCode::CONFLICT,
            "STALE_ROSTER",
        ),
        // Another roster of the same version.
        (
            post_roster(&relay, &acme, other_v2.to_bytes(), t).await,
            StatusCode::CONFLICT,
            "STALE_ROSTER",
        ),
        // The owner's roster with a signature that is not the owner's.
        (
            post_roster(&relay, &acme, &forged, t).await,
            StatusCode::BAD_REQUEST,
            "BAD_ROSTER",
        ),
        (
            post_roster(&relay, &acme, b"not a roster", t).await,
            StatusCode::BAD_REQUEST,
            "BAD_ROSTER",
        ),
        // The owner's roster, uploaded by another registered business, or by a member.
        (
            post_roster(&relay, &other, roster(&acme, 3, vec![]).to_bytes(), t).await,
            StatusCode::FORBIDDEN,
            "NOT_THE_OWNER",
        ),
        (
            post_roster(&relay, &bill, roster(&acme, 3, vec![]).to_bytes(), t).await,
            StatusCode::FORBIDDEN,
            "NOT_A_SENDER",
        ),
        // A stranger's own team.
        (
            post_roster(&relay, &mallory, mallorys.to_bytes(), t).await,
            StatusCode::FORBIDDEN,
            "NOT_A_SENDER",
        ),
    ];
    for ((status, code), want_status, want_code) in refused {
        assert_eq!((status, code.as_str()), (want_status, want_code));
    }
    let unsigned = Request::post("/api/v1/rosters")
        .body(Body::from(v2.to_bytes().to_vec()))
        .unwrap();
    let (status, _, body) = call(&relay, unsigned).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "UNSIGNED".into())
    );

    // The relay keeps serving, and holds version 2 still; a stranger's team gave nobody a
    // right to upload.
    assert_eq!(call(&relay, get("/healthz")).await.0, StatusCode::OK);
    let owner_key = acme.card().verifying_key().to_bytes();
    assert_eq!(
        relay.store.roster(&owner_key).unwrap().unwrap(),
        v2.to_bytes()
    );
    let (status, answer) = member_upload(&relay, &mallory).await;
    assert_eq!(
        (status, code_of(&answer)),
        (StatusCode::FORBIDDEN, "NOT_A_SENDER")
    );
    let next = post_roster(&relay, &acme, roster(&acme, 3, biller()).to_bytes(), t).await;
    assert_eq!(next, (StatusCode::CREATED, "version 3".into()));
}

async fn members_upload_only_with_a_sending_role_while_listed_and_valid(backend: Backend) {
    let relay = relay(backend, &["--max-body=65536"]);
    let acme = Identity::generate("Acme").unwrap();
    let [bill, anna, old, soon, stranger] =
        ["Bill", "Anna", "Old", "Soon", "Stranger"].map(|n| Identity::generate(n).unwrap());
    register(&relay, &acme);
    let t = now();
    let team = vec![
        member(&bill, Role::Biller, t - 10, 0),
        member(&anna, Role::Accountant, t - 10, 0),
        member(&old, Role::Biller, t - 100, t - 50),
        member(&soon, Role::Biller, t + 3600, 0),
    ];
    let stored = post_roster(&relay, &acme, roster(&acme, 1, team).to_bytes(), t).await;
    assert_eq!(stored.0, StatusCode::CREATED);

    let (status, created) = member_upload(&relay, &bill).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let bills = created["id"].as_str().unwrap().to_owned();
    let (status, _) = member_upload(&relay, &acme).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the owner is a registered sender"
    );
    for (who, want) in [
        (&anna, "ROLE_CANNOT_SEND"),
        (&old, "MEMBERSHIP_EXPIRED"),
        (&soon, "MEMBERSHIP_NOT_YET_VALID"),
        (&stranger, "NOT_A_SENDER"),
    ] {
        let (status, answer) = member_upload(&relay, who).await;
        assert_eq!((status, code_of(&answer)), (StatusCode::FORBIDDEN, want));
        assert!(answer["error"]["message"].is_string());
    }
    // The signer is checked before the body is read: a refused signer's oversized body gets
    // the refusal, a biller's the size limit.
    let big = vec![0u8; 100_000];
    let target = "/api/v1/envelopes";
    for (who, want) in [
        (&anna, (StatusCode::FORBIDDEN, "ROLE_CANNOT_SEND")),
        (&stranger, (StatusCode::FORBIDDEN, "NOT_A_SENDER")),
        (&bill, (StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE")),
    ] {
        let (status, _, body) = call(&relay, signed_upload(who, target, &big, now())).await;
        assert_eq!((status, error_code(&body)), (want.0, want.1.to_owned()));
    }

    // The owner removes Bill: his next upload is refused, his earlier envelope stays.
    let without_bill = vec![member(&anna, Role::Accountant, t - 10, 0)];
    let newer = post_roster(&relay, &acme, roster(&acme, 2, without_bill).to_bytes(), t).await;
    assert_eq!(newer.0, StatusCode::CREATED);
    let (status, answer) = member_upload(&relay, &bill).await;
    assert_eq!(
        (status, code_of(&answer)),
        (StatusCode::FORBIDDEN, "NOT_A_MEMBER")
    );
    let (status, _, _) = call(&relay, get(&format!("/api/v1/envelopes/{bills}"))).await;
    assert_eq!(status, StatusCode::OK);

    // Without the owner on the allow-list, the team's roster lets nobody upload.
    let rejoined = vec![member(&bill, Role::Biller, t - 10, 0)];
    let stored = post_roster(&relay, &acme, roster(&acme, 3, rejoined).to_bytes(), t).await;
    assert_eq!(stored.0, StatusCode::CREATED);
    assert_eq!(member_upload(&relay, &bill).await.0, StatusCode::CREATED);
    assert!(relay
        .store
        .remove_sender(&acme.fingerprint().to_string())
        .unwrap());
    let (status, answer) = member_upload(&relay, &bill).await;
    assert_eq!(
        (status, code_of(&answer)),
        (StatusCode::FORBIDDEN, "NOT_A_SENDER")
    );
}

/// A revocation of envelope `id` signed by `who`.
fn signed_revoke(who: &Identity, id: &str, ts: u64) -> Request<Body> {
    let target = format!("/api/v1/envelopes/{id}");
    Request::delete(&target)
        .header("host", HOST)
        .header(
            "sealbill-signature",
            sign_request(who, "DELETE", HOST, &target, ts, b"").unwrap(),
        )
        .body(Body::empty())
        .unwrap()
}

async fn the_owner_or_the_uploader_revokes_a_members_envelope_and_another_member_cannot(
    backend: Backend,
) {
    let relay = relay(backend, &[]);
    let acme = Identity::generate("Acme").unwrap();
    let [bill, bea] = ["Bill", "Bea"].map(|n| Identity::generate(n).unwrap());
    register(&relay, &acme);
    let t = now();
    let team = vec![
        member(&bill, Role::Biller, t - 10, 0),
        member(&bea, Role::Biller, t - 10, 0),
    ];
    let stored = post_roster(&relay, &acme, roster(&acme, 1, team).to_bytes(), t).await;
    assert_eq!(stored.0, StatusCode::CREATED);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (status, created) = member_upload(&relay, &bill).await;
        assert_eq!(status, StatusCode::CREATED);
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let fetch = |id: &str| get(&format!("/api/v1/envelopes/{id}"));

    // Another member, and a signature over another envelope, are refused; nothing changes.
    let (status, _, body) = call(&relay, signed_revoke(&bea, &ids[0], t)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "NOT_THE_SENDER".into())
    );
    let mut elsewhere = signed_revoke(&acme, &ids[1], t);
    *elsewhere.uri_mut() = format!("/api/v1/envelopes/{}", ids[0]).parse().unwrap();
    let (status, _, body) = call(&relay, elsewhere).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "BAD_SIGNATURE".into())
    );
    assert_eq!(call(&relay, fetch(&ids[0])).await.0, StatusCode::OK);

    // The owner revokes Bill's envelope; Bill revokes his own; a replay is refused.
    let (status, _, _) = call(&relay, signed_revoke(&acme, &ids[0], t)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(call(&relay, fetch(&ids[0])).await.0, StatusCode::GONE);
    let (status, _, _) = call(&relay, signed_revoke(&bill, &ids[1], t)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = call(&relay, signed_revoke(&bill, &ids[1], t)).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "REPLAYED".into())
    );
    assert_eq!(call(&relay, fetch(&ids[1])).await.0, StatusCode::GONE);
    assert_eq!(call(&relay, fetch(&ids[2])).await.0, StatusCode::OK);
}

// Teams: what the owner publishes for its members (memberships, archive-key files), and what
// the owner and the members fetch (the team, its envelopes).

/// A timestamp for a signed request, one second earlier at each call (within the replay
/// window), so that two equal requests made in the same second are not taken for a replay.
fn fresh() -> u64 {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    now() - CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 240
}

/// A roster of `owner`'s team at `version` naming `archive` as the current archive key.
fn roster_with(
    owner: &Identity,
    version: u64,
    members: Vec<Member>,
    archive: &ArchiveKey,
) -> Roster {
    RosterDraft {
        version,
        issued: now(),
        members,
        accounts: vec!["DE89 3704 0044 0532 0130 00".into()],
        archive: archive.entry(),
    }
    .sign(owner)
    .unwrap()
}

/// A POST of `body` to `target`, signed by `signer` at `ts` (unsigned without a signer).
fn signed_post(signer: Option<&Identity>, target: &str, body: &[u8], ts: u64) -> Request<Body> {
    let mut request = Request::post(target).header("host", HOST);
    if let Some(signer) = signer {
        request = request.header(
            "sealbill-signature",
            sign_request(signer, "POST", HOST, target, ts, body).unwrap(),
        );
    }
    request.body(Body::from(body.to_vec())).unwrap()
}

/// A GET of `target`, signed by `signer` at `ts` over the empty body (unsigned without one).
fn signed_get(signer: Option<&Identity>, target: &str, ts: u64) -> Request<Body> {
    let mut request = Request::get(target).header("host", HOST);
    if let Some(signer) = signer {
        request = request.header(
            "sealbill-signature",
            sign_request(signer, "GET", HOST, target, ts, b"").unwrap(),
        );
    }
    request.body(Body::empty()).unwrap()
}

/// The status and the JSON answer of a request.
async fn answer(relay: &Relay, request: Request<Body>) -> (StatusCode, Value) {
    let (status, _, body) = call(relay, request).await;
    (status, json(&body))
}

/// The status and the error code (empty on success) of a request.
async fn outcome(relay: &Relay, request: Request<Body>) -> (StatusCode, String) {
    let (status, answer) = answer(relay, request).await;
    (status, code_of(&answer).to_owned())
}

/// Posts the membership bytes signed by `signer`.
async fn post_membership(relay: &Relay, signer: &Identity, bytes: &[u8]) -> (StatusCode, String) {
    let target = "/api/v1/rosters/memberships";
    outcome(relay, signed_post(Some(signer), target, bytes, fresh())).await
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `/api/v1/team…` for `owner`'s team, with `rest` appended to the query.
fn team_target(path: &str, owner: &Identity, rest: &str) -> String {
    let key = b64(owner.card().verifying_key().as_bytes());
    format!("/api/v1/team{path}?owner={key}{rest}")
}

async fn the_owner_publishes_memberships_taken_from_its_stored_roster_only(backend: Backend) {
    let relay = relay(backend, &[]);
    let [acme, bill, anna, other, stranger] =
        ["Acme", "Bill", "Anna", "Other", "Stranger"].map(|n| Identity::generate(n).unwrap());
    register(&relay, &acme);
    register(&relay, &other);
    let t = now();
    let team = || {
        vec![
            member(&bill, Role::Biller, t - 10, 0),
            member(&anna, Role::Accountant, t - 10, 0),
        ]
    };
    let v1 = roster(&acme, 1, team());
    let bills = v1.membership(&acme, &bill.fingerprint()).unwrap();
    let owners = v1.membership(&acme, &acme.fingerprint()).unwrap();

    // No roster stored yet.
    assert_eq!(
        post_membership(&relay, &acme, bills.to_bytes()).await,
        (StatusCode::CONFLICT, "NO_ROSTER".into())
    );
    assert_eq!(
        post_roster(&relay, &acme, v1.to_bytes(), t).await.0,
        StatusCode::CREATED
    );
    let target = "/api/v1/rosters/memberships";
    let ts = now() - 250;
    let (status, stored) = answer(
        &relay,
        signed_post(Some(&acme), target, bills.to_bytes(), ts),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["role"], "biller");
    assert_eq!(stored["member"], bill.fingerprint().to_string());
    assert_eq!(stored["owner"], acme.fingerprint().to_string());
    assert_eq!(
        outcome(
            &relay,
            signed_post(Some(&acme), target, bills.to_bytes(), ts)
        )
        .await,
        (StatusCode::UNAUTHORIZED, "REPLAYED".into())
    );
    assert_eq!(
        post_membership(&relay, &acme, bills.to_bytes()).await,
        (StatusCode::OK, String::new()),
        "the same bytes again"
    );
    assert_eq!(
        post_membership(&relay, &acme, owners.to_bytes()).await,
        (StatusCode::CREATED, String::new()),
        "the owner's own membership"
    );

    // Other rosters of version 1 that the relay does not hold: Bill as an accountant, a
    // stranger listed, other accounts.
    let as_accountant = roster(&acme, 1, vec![member(&bill, Role::Accountant, t - 10, 0)]);
    let with_stranger = roster(&acme, 1, vec![member(&stranger, Role::Biller, t - 10, 0)]);
    let other_accounts = RosterDraft {
        version: 1,
        issued: v1.issued(),
        members: team(),
        accounts: vec![],
        archive: v1.archive(),
    }
    .sign(&acme)
    .unwrap();
    let others_team = roster(&other, 1, vec![member(&bill, Role::Biller, t - 10, 0)]);
    assert_eq!(
        post_roster(&relay, &other, others_team.to_bytes(), t)
            .await
            .0,
        StatusCode::CREATED
    );
    let membership_in =
        |r: &Roster, who: &Identity| r.membership(&acme, &who.fingerprint()).unwrap();
    let oversized = vec![0u8; sealbill::MAX_MEMBERSHIP_LEN + 1];
    let cases: Vec<(&Identity, Vec<u8>, StatusCode, &str)> = vec![
        (
            &acme,
            membership_in(&as_accountant, &bill).to_bytes().to_vec(),
            StatusCode::FORBIDDEN,
            "NOT_A_MEMBER",
        ),
        (
            &acme,
            membership_in(&with_stranger, &stranger).to_bytes().to_vec(),
            StatusCode::FORBIDDEN,
            "NOT_A_MEMBER",
        ),
        (
            &acme,
            membership_in(&other_accounts, &bill).to_bytes().to_vec(),
            StatusCode::CONFLICT,
            "STALE_ROSTER",
        ),
        (
            &acme,
            membership_in(&roster(&acme, 2, team()), &bill)
                .to_bytes()
                .to_vec(),
            StatusCode::CONFLICT,
            "STALE_ROSTER",
        ),
        (
            &acme,
            b"not a membership".to_vec(),
            StatusCode::BAD_REQUEST,
            "BAD_MEMBERSHIP",
        ),
        (
            &acme,
            oversized.clone(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
        ),
        // Another registered owner, with a roster of its own, posting Acme's.
        (
            &other,
            bills.to_bytes().to_vec(),
            StatusCode::FORBIDDEN,
            "NOT_THE_OWNER",
        ),
        // A member, and a stranger: refused before the body is read, oversized or not.
        (
            &bill,
            bills.to_bytes().to_vec(),
            StatusCode::FORBIDDEN,
            "NOT_A_SENDER",
        ),
        (&stranger, oversized, StatusCode::FORBIDDEN, "NOT_A_SENDER"),
    ];
    for (signer, body, status, code) in cases {
        assert_eq!(
            post_membership(&relay, signer, &body).await,
            (status, code.to_owned()),
            "{}",
            signer.card().name()
        );
    }
    assert_eq!(
        outcome(&relay, signed_post(None, target, bills.to_bytes(), fresh())).await,
        (StatusCode::UNAUTHORIZED, "UNSIGNED".into())
    );
    let mut forged = bills.to_bytes().to_vec();
    *forged.last_mut().unwrap() ^= 1;
    assert_eq!(
        post_membership(&relay, &acme, &forged).await,
        (StatusCode::BAD_REQUEST, "BAD_MEMBERSHIP".into())
    );

    // Version 2 drops Bill: his membership of version 1 is gone and is refused now.
    let owner_key = acme.card().verifying_key().to_bytes();
    let bill_key = bill.card().verifying_key().to_bytes();
    assert!(relay
        .store
        .membership(&owner_key, &bill_key)
        .unwrap()
        .is_some());
    let v2 = roster(&acme, 2, vec![member(&anna, Role::Accountant, t - 10, 0)]);
    assert_eq!(
        post_roster(&relay, &acme, v2.to_bytes(), t).await.0,
        StatusCode::CREATED
    );
    assert!(relay
        .store
        .membership(&owner_key, &bill_key)
        .unwrap()
        .is_none());
    assert_eq!(
        post_membership(&relay, &acme, bills.to_bytes()).await,
        (StatusCode::CONFLICT, "STALE_ROSTER".into())
    );
    let annas = v2.membership(&acme, &anna.fingerprint()).unwrap();
    assert_eq!(
        post_membership(&relay, &acme, annas.to_bytes()).await.0,
        StatusCode::CREATED
    );
}

async fn the_owner_publishes_archive_key_files_up_to_its_rosters_epoch(backend: Backend) {
    let relay = relay(backend, &[]);
    let [acme, anna, stranger] =
        ["Acme", "Anna", "Stranger"].map(|n| Identity::generate(n).unwrap());
    register(&relay, &acme);
    let t = now();
    let key0 = ArchiveKey::generate(0);
    let file0 = sealbill::seal_archive_key(&acme, &key0, &[anna.card().clone()]).unwrap();
    let post = |signer: Option<&Identity>, query: &str, body: &[u8]| {
        signed_post(
            signer,
            &format!("/api/v1/rosters/archive-keys{query}"),
            body,
            fresh(),
        )
    };
    assert_eq!(
        outcome(&relay, post(Some(&acme), "?epoch=0", &file0)).await,
        (StatusCode::CONFLICT, "NO_ROSTER".into())
    );
    let team = vec![member(&anna, Role::Accountant, t - 10, 0)];
    let v1 = roster_with(&acme, 1, team.clone(), &key0);
    assert_eq!(
        post_roster(&relay, &acme, v1.to_bytes(), t).await.0,
        StatusCode::CREATED
    );
    let (status, stored) = answer(&relay, post(Some(&acme), "?epoch=0", &file0)).await;
    assert_eq!(
        (status, &stored["epoch"]),
        (StatusCode::CREATED, &Value::from(0))
    );
    assert_eq!(
        outcome(&relay, post(Some(&acme), "?epoch=0", &file0)).await,
        (StatusCode::OK, String::new())
    );
    let ts = now() - 250;
    let target = "/api/v1/rosters/archive-keys?epoch=0";
    let again = || signed_post(Some(&acme), target, &file0, ts);
    assert_eq!(call(&relay, again()).await.0, StatusCode::OK);
    assert_eq!(
        outcome(&relay, again()).await,
        (StatusCode::UNAUTHORIZED, "REPLAYED".into())
    );

    let not_age = b"age-encryption.org/v1\n-> X25519 broken".to_vec();
    let armored = b"-----BEGIN AGE ENCRYPTED FILE-----\n".to_vec();
    let oversized = [file0.clone(), vec![0u8; 64 * 1024]].concat();
    let refused = [
        (
            Some(&acme),
            "?epoch=1",
            file0.clone(),
            StatusCode::CONFLICT,
            "STALE_ROSTER",
        ),
        (
            Some(&acme),
            "",
            file0.clone(),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            Some(&acme),
            "?epoch=-1",
            file0.clone(),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            Some(&acme),
            "?epoch=4294967296",
            file0.clone(),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            Some(&acme),
            "?epoch=x",
            file0.clone(),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            Some(&acme),
            "?epoch=0&owner=x",
            file0.clone(),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            Some(&acme),
            "?epoch=0",
            not_age,
            StatusCode::BAD_REQUEST,
            "NOT_AGE",
        ),
        (
            Some(&acme),
            "?epoch=0",
            armored,
            StatusCode::BAD_REQUEST,
            "NOT_AGE",
        ),
        (
            Some(&acme),
            "?epoch=0",
            oversized.clone(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
        ),
        (
            Some(&anna),
            "?epoch=0",
            oversized,
            StatusCode::FORBIDDEN,
            "NOT_A_SENDER",
        ),
        (
            Some(&stranger),
            "?epoch=0",
            file0.clone(),
            StatusCode::FORBIDDEN,
            "NOT_A_SENDER",
        ),
        (
            None,
            "?epoch=0",
            file0.clone(),
            StatusCode::UNAUTHORIZED,
            "UNSIGNED",
        ),
    ];
    for (signer, query, body, status, code) in refused {
        assert_eq!(
            outcome(&relay, post(signer, query, &body)).await,
            (status, code.to_owned()),
            "{query}"
        );
    }

    // A rotation: version 2 names epoch 1; its file is taken, and epoch 0's replaced.
    let key1 = ArchiveKey::generate(1);
    let file1 = sealbill::seal_archive_key(&acme, &key1, &[anna.card().clone()]).unwrap();
    let v2 = roster_with(&acme, 2, team, &key1);
    assert_eq!(
        post_roster(&relay, &acme, v2.to_bytes(), t).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        outcome(&relay, post(Some(&acme), "?epoch=1", &file1))
            .await
            .0,
        StatusCode::CREATED
    );
    let file0b = sealbill::seal_archive_key(&acme, &key0, &[]).unwrap();
    assert_eq!(
        outcome(&relay, post(Some(&acme), "?epoch=0", &file0b))
            .await
            .0,
        StatusCode::CREATED
    );
    let owner_key = acme.card().verifying_key().to_bytes();
    assert_eq!(
        relay.store.archive_keys(&owner_key, 10).unwrap(),
        [(0, file0b), (1, file1)]
    );
}

async fn the_owner_and_its_members_fetch_the_team_and_nobody_else_does(backend: Backend) {
    let relay = relay(backend, &[]);
    let [acme, bill, anna, old, stranger, unknown] =
        ["Acme", "Bill", "Anna", "Old", "Stranger", "Unknown"]
            .map(|n| Identity::generate(n).unwrap());
    register(&relay, &acme);
    let t = now();
    let team = vec![
        member(&bill, Role::Biller, t - 10, 0),
        member(&anna, Role::Accountant, t - 10, 0),
        member(&old, Role::Biller, t - 100, t - 50),
    ];
    let key0 = ArchiveKey::generate(0);
    let v1 = roster_with(&acme, 1, team, &key0);
    let target = team_target("", &acme, "");
    assert_eq!(
        outcome(&relay, signed_get(Some(&acme), &target, fresh())).await,
        (StatusCode::NOT_FOUND, "NO_ROSTER".into())
    );
    assert_eq!(
        post_roster(&relay, &acme, v1.to_bytes(), t).await.0,
        StatusCode::CREATED
    );
    let bills = v1.membership(&acme, &bill.fingerprint()).unwrap();
    let owners = v1.membership(&acme, &acme.fingerprint()).unwrap();
    for m in [&bills, &owners] {
        assert_eq!(
            post_membership(&relay, &acme, m.to_bytes()).await.0,
            StatusCode::CREATED
        );
    }
    let file0 =
        sealbill::seal_archive_key(&acme, &key0, &[bill.card().clone(), anna.card().clone()])
            .unwrap();
    let archive_target = "/api/v1/rosters/archive-keys?epoch=0";
    let stored = call(
        &relay,
        signed_post(Some(&acme), archive_target, &file0, fresh()),
    )
    .await;
    assert_eq!(stored.0, StatusCode::CREATED);

    // Bill gets his membership and the archive key, which he opens; not the roster.
    let (status, got) = answer(&relay, signed_get(Some(&bill), &target, fresh())).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["owner"], b64(acme.card().verifying_key().as_bytes()));
    assert_eq!(got["version"], 1);
    assert_eq!(got["membership"], b64(bills.to_bytes()));
    assert!(got.get("roster").is_none(), "{got}");
    let files = got["archiveKeys"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["epoch"], 0);
    let file = URL_SAFE_NO_PAD
        .decode(files[0]["file"].as_str().unwrap())
        .unwrap();
    let opened = sealbill::open_archive_key(&bill, &file, &bills.archive()).unwrap();
    assert_eq!(opened.entry(), key0.entry());
    // Anna has no membership stored yet; the owner gets its own and the roster.
    let (status, got) = answer(&relay, signed_get(Some(&anna), &target, fresh())).await;
    assert_eq!((status, &got["membership"]), (StatusCode::OK, &Value::Null));
    let (status, got) = answer(&relay, signed_get(Some(&acme), &target, fresh())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["membership"], b64(owners.to_bytes()));
    assert_eq!(got["roster"], b64(v1.to_bytes()));

    // Refusals.
    let ts = now() - 250;
    assert_eq!(
        call(&relay, signed_get(Some(&bill), &target, ts)).await.0,
        StatusCode::OK
    );
    let mut elsewhere = signed_get(Some(&bill), &team_target("", &stranger, ""), fresh());
    *elsewhere.uri_mut() = target.parse().unwrap();
    let cases = [
        (
            signed_get(Some(&bill), &target, ts),
            StatusCode::UNAUTHORIZED,
            "REPLAYED",
        ),
        (
            signed_get(None, &target, fresh()),
            StatusCode::UNAUTHORIZED,
            "UNSIGNED",
        ),
        (elsewhere, StatusCode::UNAUTHORIZED, "BAD_SIGNATURE"),
        (
            signed_get(Some(&bill), &target, now() - 3600),
            StatusCode::UNAUTHORIZED,
            "STALE",
        ),
        (
            signed_get(Some(&stranger), &target, fresh()),
            StatusCode::FORBIDDEN,
            "NOT_A_MEMBER",
        ),
        (
            signed_get(Some(&old), &target, fresh()),
            StatusCode::FORBIDDEN,
            "MEMBERSHIP_EXPIRED",
        ),
        (
            signed_get(Some(&unknown), &team_target("", &unknown, ""), fresh()),
            StatusCode::NOT_FOUND,
            "NO_ROSTER",
        ),
        (
            signed_get(Some(&bill), "/api/v1/team", fresh()),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            signed_get(Some(&bill), "/api/v1/team?owner=AAAA", fresh()),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
        (
            signed_get(Some(&bill), &team_target("", &acme, "&since=1"), fresh()),
            StatusCode::BAD_REQUEST,
            "BAD_QUERY",
        ),
    ];
    for (request, status, code) in cases {
        assert_eq!(outcome(&relay, request).await, (status, code.to_owned()));
    }

    // Version 2 removes Bill: he gets 403 on the team and its envelopes; Anna still reads.
    let v2 = roster_with(
        &acme,
        2,
        vec![member(&anna, Role::Accountant, t - 10, 0)],
        &key0,
    );
    assert_eq!(
        post_roster(&relay, &acme, v2.to_bytes(), t).await.0,
        StatusCode::CREATED
    );
    let listing = team_target("/envelopes", &acme, "");
    for path in [&target, &listing] {
        assert_eq!(
            outcome(&relay, signed_get(Some(&bill), path, fresh())).await,
            (StatusCode::FORBIDDEN, "NOT_A_MEMBER".into()),
            "{path}"
        );
        assert_eq!(
            call(&relay, signed_get(Some(&anna), path, fresh())).await.0,
            StatusCode::OK
        );
    }
    let (_, got) = answer(&relay, signed_get(Some(&anna), &target, fresh())).await;
    assert_eq!(got["version"], 2);
    // Without the owner on the allow-list, its roster grants nothing.
    assert!(relay
        .store
        .remove_sender(&acme.fingerprint().to_string())
        .unwrap());
    assert_eq!(
        outcome(&relay, signed_get(Some(&anna), &target, fresh())).await,
        (StatusCode::NOT_FOUND, "NO_ROSTER".into())
    );
}

async fn readers_list_the_teams_active_envelopes_oldest_first_in_pages(backend: Backend) {
    let relay = relay(backend, &[]);
    let [acme, bill, anna, other, stranger] =
        ["Acme", "Bill", "Anna", "Other", "Stranger"].map(|n| Identity::generate(n).unwrap());
    register(&relay, &acme);
    register(&relay, &other);
    let t = now();
    let team = vec![
        member(&bill, Role::Biller, t - 10, 0),
        member(&anna, Role::Accountant, t - 10, 0),
    ];
    assert_eq!(
        post_roster(&relay, &acme, roster(&acme, 1, team).to_bytes(), t)
            .await
            .0,
        StatusCode::CREATED
    );
    let mut ids = Vec::new();
    for who in [&bill, &acme, &bill, &other] {
        let (status, created) = member_upload(&relay, who).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        call(&relay, signed_revoke(&bill, &ids[2], fresh())).await.0,
        StatusCode::NO_CONTENT
    );

    let list = |query: &str| team_target("/envelopes", &acme, query);
    let (status, got) = answer(&relay, signed_get(Some(&anna), &list(""), fresh())).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["more"], false);
    let listed = got["envelopes"].as_array().unwrap();
    let listed_ids: Vec<&str> = listed.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(listed_ids.len(), 2, "{got}");
    assert!(listed_ids.contains(&ids[0].as_str()) && listed_ids.contains(&ids[1].as_str()));
    let bills = listed.iter().find(|e| e["id"] == ids[0].as_str()).unwrap();
    assert_eq!(
        bills["uploader"],
        b64(bill.card().verifying_key().as_bytes())
    );
    assert!(bills["uploadedAt"].as_u64().unwrap() >= t);
    assert!(bills["expiresAt"].as_u64().unwrap() > bills["uploadedAt"].as_u64().unwrap());
    let (_, later) = answer(
        &relay,
        signed_get(
            Some(&acme),
            &list(&format!("&since={}", now() + 60)),
            fresh(),
        ),
    )
    .await;
    assert_eq!(later["envelopes"], Value::Array(vec![]));

    // Pages of 500, oldest first, cut at whole seconds.
    let owner_key = acme.card().verifying_key().to_bytes();
    let bill_key = bill.card().verifying_key().to_bytes();
    let base = t - 1000;
    for i in 0..501u64 {
        relay
            .store
            .insert(NewEnvelope {
                id: format!("bulk{i:03}AAAAAAAAAAAAAAAA"),
                body: b"age".to_vec(),
                created_at: base + i / 2,
                expires_at: t + 600,
                max_opens: None,
                manage_hash: [1; 32],
                proof_hash: None,
                uploader: Some(bill_key),
                team_owner: Some(owner_key),
            })
            .unwrap();
    }
    let (_, first) = answer(&relay, signed_get(Some(&anna), &list(""), fresh())).await;
    let page = first["envelopes"].as_array().unwrap();
    assert_eq!((page.len(), &first["more"]), (500, &Value::Bool(true)));
    assert_eq!(page[0]["id"], "bulk000AAAAAAAAAAAAAAAA");
    let last = page[499]["uploadedAt"].as_u64().unwrap();
    let (_, second) = answer(
        &relay,
        signed_get(Some(&anna), &list(&format!("&since={}", last + 1)), fresh()),
    )
    .await;
    let rest: Vec<&str> = second["envelopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(second["more"], false);
    assert_eq!(rest.len(), 3, "{second}");
    assert_eq!(rest[0], "bulk500AAAAAAAAAAAAAAAA");

    for (query, signer, status, code) in [
        ("&since=-1", &anna, StatusCode::BAD_REQUEST, "BAD_QUERY"),
        ("&since=soon", &anna, StatusCode::BAD_REQUEST, "BAD_QUERY"),
        ("&epoch=1", &anna, StatusCode::BAD_REQUEST, "BAD_QUERY"),
        ("", &stranger, StatusCode::FORBIDDEN, "NOT_A_MEMBER"),
        ("", &other, StatusCode::FORBIDDEN, "NOT_A_MEMBER"),
    ] {
        assert_eq!(
            outcome(&relay, signed_get(Some(signer), &list(query), fresh())).await,
            (status, code.to_owned()),
            "{query}"
        );
    }
    assert_eq!(
        outcome(&relay, signed_get(None, &list(""), fresh())).await,
        (StatusCode::UNAUTHORIZED, "UNSIGNED".into())
    );
}

async fn a_signed_upload_is_refused_by_another_relay_that_trusts_the_sender(backend: Backend) {
    let a = relay(backend, &["--public-host=relay-a.test"]);
    let b = relay(backend, &["--public-host=Relay-B.test,relay-b.test:8443"]);
    let (acme, client) = parties();
    register(&a, &acme);
    register(&b, &acme);
    let body = sealed(&acme, &client).envelope;
    let target = "/api/v1/envelopes?expires=600";
    let header = sign_request(&acme, "POST", "relay-a.test", target, now(), &body).unwrap();
    let to = |host: &str, header: &str| {
        Request::post(target)
            .header("host", host)
            .header("sealbill-signature", header)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let stored = |relay: &Relay| relay.store.stats().unwrap().envelopes;
    // Replayed to B: under B's own host the signature does not verify; under A's host, B
    // does not answer. Neither stores anything.
    for (host, want, code) in [
        ("relay-b.test", StatusCode::UNAUTHORIZED, "BAD_SIGNATURE"),
        (
            "RELAY-B.test:8443",
            StatusCode::UNAUTHORIZED,
            "BAD_SIGNATURE",
        ),
        (
            "relay-a.test",
            StatusCode::MISDIRECTED_REQUEST,
            "WRONG_HOST",
        ),
    ] {
        let (status, _, answer) = call(&b, to(host, &header)).await;
        assert_eq!(
            (status, error_code(&answer).as_str()),
            (want, code),
            "{host}"
        );
    }
    assert_eq!(stored(&b), 0);
    // A accepts it, under its host in any case, and B accepts a request signed for B.
    assert_eq!(
        call(&a, to("Relay-A.test", &header)).await.0,
        StatusCode::CREATED
    );
    let for_b = sign_request(&acme, "POST", "relay-b.test:8443", target, now(), &body).unwrap();
    assert_eq!(
        call(&b, to("relay-b.test:8443", &for_b)).await.0,
        StatusCode::CREATED
    );
    // A request without a usable Host, or signed in the first version, is refused.
    for (host, header, want, code) in [
        (
            "relay-a.test/x",
            header.as_str(),
            StatusCode::MISDIRECTED_REQUEST,
            "WRONG_HOST",
        ),
        (
            "a@relay-a.test",
            header.as_str(),
            StatusCode::MISDIRECTED_REQUEST,
            "WRONG_HOST",
        ),
        (
            "relay-a.test",
            header.trim_start_matches("v=2,"),
            StatusCode::UNAUTHORIZED,
            "BAD_SIGNATURE",
        ),
    ] {
        let (status, _, answer) = call(&a, to(host, header)).await;
        assert_eq!(
            (status, error_code(&answer).as_str()),
            (want, code),
            "{host} {header}"
        );
    }
    let unaddressed = Request::post(target)
        .header("sealbill-signature", &header)
        .body(Body::from(body.clone()))
        .unwrap();
    let (status, _, answer) = call(&a, unaddressed).await;
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (StatusCode::MISDIRECTED_REQUEST, "WRONG_HOST")
    );
    assert_eq!(stored(&a), 1);
}

/// The error code of an upload signed by an unregistered key for `host` and sent there:
/// `NOT_A_SENDER` once the relay accepts the host, `WRONG_HOST` before.
async fn code_at(relay: &Relay, host: &str) -> String {
    let target = "/api/v1/envelopes?expires=600";
    let stranger = Identity::generate("Stranger").unwrap();
    let request = Request::post(target)
        .header("host", host)
        .header(
            "sealbill-signature",
            sign_request(&stranger, "POST", host, target, now(), b"").unwrap(),
        )
        .body(Body::empty())
        .unwrap();
    error_code(&call(relay, request).await.2)
}

async fn without_public_hosts_the_relay_answers_to_what_its_listen_address_implies(
    backend: Backend,
) {
    let cases: [(&str, &[&str], &[&str]); 4] = [
        (
            "127.0.0.1:8080",
            &["127.0.0.1:8080", "LocalHost:8080"],
            &[
                "[::1]:8080",
                "127.0.0.1:8081",
                "localhost",
                "relay.example:8080",
            ],
        ),
        (
            "[::]:8443",
            &["[::1]:8443", "127.0.0.1:8443", "localhost:8443"],
            &["[::]:443", "192.0.2.7:8443"],
        ),
        (
            "192.0.2.7:443",
            &["192.0.2.7:443"],
            &["localhost:443", "127.0.0.1:443"],
        ),
        (
            "127.0.0.1:0",
            &["127.0.0.1:5555", "localhost:1"],
            &["relay.example:5555", "[::1]:5555"],
        ),
    ];
    for (listen, served, refused) in cases {
        let relay = relay(backend, &[&format!("--listen={listen}")]);
        for host in served {
            assert_eq!(
                code_at(&relay, host).await,
                "NOT_A_SENDER",
                "{listen} {host}"
            );
        }
        for host in refused {
            assert_eq!(code_at(&relay, host).await, "WRONG_HOST", "{listen} {host}");
        }
    }
}

async fn without_a_host_header_the_authority_of_the_request_uri_names_the_relay(backend: Backend) {
    // As HTTP/2 sends it: `:authority`, no Host header.
    let relay = relay(backend, &["--public-host=relay-a.test"]);
    let (acme, client) = parties();
    register(&relay, &acme);
    let body = sealed(&acme, &client).envelope;
    let target = "/api/v1/envelopes?expires=600";
    for (authority, want) in [
        ("relay-b.test", StatusCode::MISDIRECTED_REQUEST),
        ("relay-a.test", StatusCode::CREATED),
    ] {
        let request = Request::post(format!("https://{authority}{target}"))
            .header(
                "sealbill-signature",
                sign_request(&acme, "POST", authority, target, now(), &body).unwrap(),
            )
            .body(Body::from(body.clone()))
            .unwrap();
        assert_eq!(call(&relay, request).await.0, want, "{authority}");
    }
}

/// Two relay nodes on one store: two SQLite stores on one directory, or two PostgreSQL
/// stores (each with its own connections) on one database.
fn two_nodes(backend: Backend) -> (Arc<dyn Store>, Arc<dyn Store>, PathBuf) {
    let dir = temp_dir();
    let place = Place::new(backend, &dir);
    (place.open(), place.open(), dir)
}

/// Runs `work` on 16 threads, 8 per node, released at once; returns their results.
fn race<T: Send + 'static>(
    nodes: [&Arc<dyn Store>; 2],
    work: impl Fn(&dyn Store) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let work = Arc::new(work);
    let start = Arc::new(std::sync::Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let (store, work, start) = (nodes[i % 2].clone(), work.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                work(&*store)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn stored_envelope(id: &str, max_opens: Option<u32>) -> NewEnvelope {
    NewEnvelope {
        id: id.into(),
        body: b"age-encryption.org/v1 stand-in".to_vec(),
        created_at: now(),
        expires_at: now() + 600,
        max_opens,
        manage_hash: [1; 32],
        proof_hash: None,
        uploader: None,
        team_owner: None,
    }
}

async fn two_nodes_racing_for_the_last_open_burn_it_once(backend: Backend) {
    let (a, b, dir) = two_nodes(backend);
    for round in 0..5 {
        let id = format!("burn-{round}");
        a.insert(stored_envelope(&id, Some(1))).unwrap();
        let opened = race([&a, &b], move |store| store.record_open(&id).unwrap());
        let burned: Vec<_> = opened.iter().flatten().collect();
        assert_eq!(burned, [&(1, State::Burned)], "round {round}: {opened:?}");
        assert!(matches!(
            b.fetch(&format!("burn-{round}"), now()).unwrap(),
            Fetched::Gone
        ));
    }
    // Three opens allowed: three succeed, the last of them burns.
    a.insert(stored_envelope("three", Some(3))).unwrap();
    let mut opened: Vec<_> = race([&a, &b], |store| store.record_open("three").unwrap())
        .into_iter()
        .flatten()
        .collect();
    opened.sort_by_key(|(n, _)| *n);
    assert_eq!(
        opened,
        [(1, State::Active), (2, State::Active), (3, State::Burned)]
    );
    assert_eq!(a.stats().unwrap().envelopes, 0, "counted once, as burned");
    std::fs::remove_dir_all(dir).unwrap();
}

async fn a_signed_request_replayed_through_another_node_is_refused(backend: Backend) {
    let (a, b, dir) = two_nodes(backend);
    let (until, at) = (now() + 300, now());
    for round in 0..5u8 {
        let key = [round; 32];
        let first = race([&a, &b], move |store| {
            store.first_use(&key, until, at).unwrap()
        });
        assert_eq!(first.iter().filter(|&&f| f).count(), 1, "round {round}");
    }
    assert!(!b.first_use(&[0; 32], until, at + 10).unwrap());
    // Past its window the key counts as new again, once, and the sweep of either node forgets
    // what has expired.
    let later = until + 1;
    let renewed = race([&a, &b], move |store| {
        store.first_use(&[1; 32], later + 300, later).unwrap()
    });
    assert_eq!(renewed.iter().filter(|&&f| f).count(), 1);
    let swept = race([&a, &b], move |store| store.purge_expired(later).unwrap());
    assert_eq!(swept.iter().sum::<usize>(), 0, "no envelopes");
    assert!(
        a.first_use(&[2; 32], later + 300, later).unwrap(),
        "forgotten"
    );
    assert!(
        !b.first_use(&[1; 32], later + 300, later).unwrap(),
        "renewed"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

async fn nodes_sweeping_at_once_delete_each_expired_envelope_once(backend: Backend) {
    let (a, b, dir) = two_nodes(backend);
    let at = now();
    for i in 0..40 {
        let expires_at = if i % 4 == 0 { at + 600 } else { at - 1 };
        a.insert(NewEnvelope {
            expires_at,
            ..stored_envelope(&format!("e{i}"), None)
        })
        .unwrap();
    }
    let swept = race([&a, &b], move |store| store.purge_expired(at).unwrap());
    assert_eq!(swept.iter().sum::<usize>(), 30, "{swept:?}");
    assert_eq!(a.stats().unwrap().envelopes, 10);
    assert_eq!(b.stats().unwrap().bytes, 10 * 30);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Relay nodes starting at once on an empty database: each migrates or waits for the one that
/// does, and the schema is applied once.
#[test]
fn postgres_nodes_starting_at_once_on_an_empty_database_apply_the_schema_once() {
    let database = fresh_database();
    let start = Arc::new(std::sync::Barrier::new(4));
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let (database, start) = (database.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                PgStore::open(database)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    for node in nodes {
        node.join().unwrap().unwrap();
    }
    assert_eq!(
        psql(&database, "SELECT version FROM schema_version"),
        [SCHEMA_VERSION as i64]
    );
    assert_eq!(psql(&database, "SELECT count(*) FROM envelope_stats"), [1]);
    // A database from a newer relay is refused, not downgraded.
    psql(&database, "UPDATE schema_version SET version = 99");
    let refused = PgStore::open(database).err().unwrap().to_string();
    assert!(refused.contains("schema version 99"), "{refused}");
}

/// The counters row and what it should say: the count and total size of the active envelopes.
fn counters_and_recount(database: &tokio_postgres::Config) -> (Vec<i64>, Vec<i64>) {
    let stored = psql(
        database,
        "SELECT envelopes FROM envelope_stats UNION ALL SELECT bytes FROM envelope_stats",
    );
    let recount = psql(
        database,
        "SELECT count(*) FROM envelopes WHERE state = 0
         UNION ALL SELECT coalesce(sum(size), 0) FROM envelopes WHERE state = 0",
    );
    (stored, recount)
}

/// Inserts `n` envelopes in one statement, ids `{prefix}{i}`, sizes 1 + i % 7, every third
/// revoked (state 1), expiring at `expires_at`.
fn insert_many(database: &tokio_postgres::Config, prefix: &str, n: u32, expires_at: u64) {
    psql(
        database,
        &format!(
            "INSERT INTO envelopes (id, body, size, created_at, expires_at, state, manage_hash)
             SELECT '{prefix}' || i, '\\x00', 1 + i % 7, 0, {expires_at},
                    CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END, '\\x00'
             FROM generate_series(1, {n}) i"
        ),
    );
}

/// Statements over many rows at once (inserts, state and size changes, deletes) and a sweep
/// of thousands of expired envelopes leave the counters equal to a recount of the table.
#[test]
fn postgres_counters_stay_exact_through_bulk_statements_and_a_large_sweep() {
    let database = fresh_database();
    let store = PgStore::open(database.clone()).unwrap();
    let at = now();
    insert_many(&database, "live", 500, at + 600);
    insert_many(&database, "old", 3000, at - 1);
    let (stored, recount) = counters_and_recount(&database);
    assert_eq!(stored, recount);
    assert_eq!(recount[0], 2334, "500 + 3000 less every third");
    let steps = [
        // Revokes and restores some, resizes others, in one statement each.
        "UPDATE envelopes SET state = 1 - state WHERE id LIKE 'live%' AND size > 3",
        "UPDATE envelopes SET size = size * 10 WHERE id LIKE '%5'",
        // Changes rows without touching the counted columns.
        "UPDATE envelopes SET opens = opens + 1 WHERE state = 0",
        // Moves rows from one id to another, and deletes a mix of states.
        "UPDATE envelopes SET id = 'moved' || id WHERE id LIKE 'live1%'",
        "DELETE FROM envelopes WHERE id LIKE 'live%' AND size % 2 = 0",
    ];
    for step in steps {
        psql(&database, step);
        let (stored, recount) = counters_and_recount(&database);
        assert_eq!(stored, recount, "after {step}");
    }
    assert_eq!(store.purge_expired(at).unwrap(), 3000);
    let (stored, recount) = counters_and_recount(&database);
    assert_eq!(stored, recount, "after the sweep");
    assert_eq!(psql(&database, "SELECT count(*) FROM envelopes"), [312]);
    let stats = store.stats().unwrap();
    assert_eq!(
        [stats.envelopes as i64, stats.bytes as i64],
        [recount[0], recount[1]]
    );
}

/// A store made at schema version 1 (counters kept by a row-level trigger) upgrades in place:
/// its counters are right afterwards, and stay right through bulk statements.
#[test]
fn postgres_a_store_at_schema_version_1_upgrades_with_exact_counters() {
    let database = fresh_database();
    psql(
        &database,
        &format!(
            "{}; CREATE TABLE schema_version (
                 id integer PRIMARY KEY CHECK (id = 0), version bigint NOT NULL);
             INSERT INTO schema_version VALUES (0, 1);",
            MIGRATIONS_POSTGRES[0]
        ),
    );
    let at = now();
    insert_many(&database, "e", 900, at + 600);
    psql(&database, "UPDATE envelopes SET state = 2 WHERE size = 4");
    let before = counters_and_recount(&database);
    assert_eq!(before.0, before.1);
    let store = PgStore::open(database.clone()).unwrap();
    assert_eq!(
        psql(&database, "SELECT version FROM schema_version"),
        [SCHEMA_VERSION as i64]
    );
    assert_eq!(counters_and_recount(&database), before);
    assert_eq!(
        psql(
            &database,
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'envelopes'::regclass"
        ),
        [3],
        "the row-level trigger is gone, the three statement-level ones are in"
    );
    insert_many(&database, "x", 600, at - 1);
    psql(
        &database,
        "UPDATE envelopes SET state = 0 WHERE id LIKE 'e%'",
    );
    assert_eq!(store.purge_expired(at).unwrap(), 600);
    let (stored, recount) = counters_and_recount(&database);
    assert_eq!(stored, recount);
    assert_eq!(recount[0], 900);
}

/// How many row versions of `envelopes` and of its TOAST table, live or dead, hold `piece`
/// (read from the pages themselves with pageinspect, so dead versions count too).
fn row_versions_holding(database: &tokio_postgres::Config, piece: &[u8]) -> i64 {
    let hex: String = piece.iter().map(|b| format!("{b:02x}")).collect();
    let sql = format!(
        "CREATE EXTENSION IF NOT EXISTS pageinspect;
         SELECT count(*) FROM (
             SELECT 'envelopes'::regclass AS rel
             UNION ALL SELECT reltoastrelid::regclass FROM pg_class WHERE relname = 'envelopes'
         ) r,
         generate_series(0, pg_relation_size(r.rel) / current_setting('block_size')::int - 1) p,
         heap_page_items(get_raw_page(r.rel::text, p::int)) i
         WHERE position('\\x{hex}'::bytea IN i.t_data) > 0"
    );
    psql(database, &sql)[0]
}

/// PostgreSQL keeps a deleted row's old version until VACUUM; the expiry sweep runs it after
/// a deletion, so that no row version holds a burned or revoked body afterwards.
#[test]
fn postgres_the_sweep_vacuums_away_every_row_version_of_a_deleted_body() {
    let database = fresh_database();
    let store = PgStore::open(database.clone()).unwrap();
    // 20 kB bodies go to the TOAST table, 600-byte ones stay in the row.
    let bodies = [
        ("revoked", random_bytes(20_000), None),
        ("burned", random_bytes(600), Some(1)),
        ("kept", random_bytes(20_000), None),
        ("kept small", random_bytes(600), None),
    ];
    for (id, body, max_opens) in &bodies {
        store
            .insert(NewEnvelope {
                body: body.clone(),
                ..stored_envelope(id, *max_opens)
            })
            .unwrap();
    }
    let piece = |i: usize| &bodies[i].1[100..132];
    store.revoke("revoked").unwrap();
    assert_eq!(
        store.record_open("burned").unwrap(),
        Some((1, State::Burned))
    );
    for (i, (id, _, _)) in bodies.iter().enumerate().take(2) {
        assert!(
            row_versions_holding(&database, piece(i)) > 0,
            "{id}: a dead row version holds it before the sweep"
        );
    }
    assert_eq!(store.purge_expired(now()).unwrap(), 0, "nothing expired");
    for (i, (id, _, _)) in bodies.iter().enumerate() {
        let held = row_versions_holding(&database, piece(i));
        assert_eq!(
            held > 0,
            id.starts_with("kept"),
            "{id}: {held} row versions"
        );
    }
}

// The store's own behaviour, the same on both backends.

/// A new, empty store of `backend` in a new temporary directory.
fn store_of(backend: Backend) -> (Arc<dyn Store>, PathBuf) {
    let dir = temp_dir();
    (open_store(backend, &dir), dir)
}

async fn lifecycle_fetch_expire_revoke_burn(backend: Backend) {
    let (store, dir) = store_of(backend);
    store.insert(new_envelope("a", None)).unwrap();
    store.insert(new_envelope("b", Some(2))).unwrap();
    assert!(
        store.insert(new_envelope("a", None)).is_err(),
        "ids are unique"
    );
    assert!(matches!(store.fetch("a", 50).unwrap(), Fetched::Body { body: b, .. } if b == b"age"));
    assert!(matches!(store.fetch("a", 100).unwrap(), Fetched::Missing));
    assert!(matches!(store.fetch("zz", 50).unwrap(), Fetched::Missing));
    let meta = store.meta("b", 50).unwrap().unwrap();
    assert_eq!(
        (meta.opens, meta.state, meta.proof_hash),
        (0, State::Active, Some([2; 32]))
    );

    assert_eq!(store.record_open("b").unwrap(), Some((1, State::Active)));
    assert_eq!(store.record_open("b").unwrap(), Some((2, State::Burned)));
    assert!(matches!(store.fetch("b", 50).unwrap(), Fetched::Gone));
    assert_eq!(
        store.record_open("b").unwrap(),
        None,
        "a burned envelope counts no more"
    );

    store.revoke("a").unwrap();
    assert!(matches!(store.fetch("a", 50).unwrap(), Fetched::Gone));
    assert_eq!(store.stats().unwrap().envelopes, 0);
    assert_eq!(store.purge_expired(100).unwrap(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn concurrent_uploads_commit_together_and_a_bad_one_fails_alone(backend: Backend) {
    let (store, dir) = store_of(backend);
    store.insert(new_envelope("dup", None)).unwrap();
    let threads: Vec<_> = (0..40)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                let id = if i % 10 == 0 {
                    "dup".to_owned()
                } else {
                    format!("e{i}")
                };
                store.insert(new_envelope(&id, None)).is_ok()
            })
        })
        .collect();
    let ok: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(
        ok.iter().filter(|&&x| !x).count(),
        4,
        "only the 4 duplicates fail"
    );
    assert_eq!(store.stats().unwrap().envelopes, 37);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn rosters_replace_only_the_one_read_and_members_are_found_while_the_owner_is_a_sender(
    backend: Backend,
) {
    let (store, dir) = store_of(backend);
    let owner = Sender {
        card: "sealbill-card:owner".into(),
        fingerprint: "9 9".into(),
        added_at: 5,
    };
    assert!(store.roster(&[9; 32]).unwrap().is_none());
    assert!(store.put_roster(None, new_roster([9; 32], b"v1")).unwrap());
    assert!(
        !store.put_roster(None, new_roster([9; 32], b"v1b")).unwrap(),
        "a roster was stored meanwhile"
    );
    assert!(!store
        .put_roster(Some(b"v0"), new_roster([9; 32], b"v2"))
        .unwrap());
    assert!(store
        .put_roster(
            Some(b"v1"),
            NewRoster {
                members: vec![[6; 32]],
                ..new_roster([9; 32], b"v2")
            }
        )
        .unwrap());
    assert_eq!(store.roster(&[9; 32]).unwrap().unwrap(), b"v2");
    // Found only while the owner is on the allow-list; a dropped member still finds it.
    assert!(store.rosters_of_member(&[5; 32]).unwrap().is_empty());
    store.add_sender(&[9; 32], &owner).unwrap();
    for member in [[5; 32], [6; 32]] {
        assert_eq!(store.rosters_of_member(&member).unwrap(), [b"v2".to_vec()]);
    }
    assert!(store.rosters_of_member(&[7; 32]).unwrap().is_empty());
    assert!(store.remove_sender("9 9").unwrap());
    assert!(store.rosters_of_member(&[6; 32]).unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

async fn team_files_are_stored_only_against_the_current_roster_and_unlisted_members_dropped(
    backend: Backend,
) {
    let (store, dir) = store_of(backend);
    let owner = [9; 32];
    let put_member = |member: [u8; 32], roster: &[u8], bytes: &[u8]| {
        store
            .put_membership(&member, new_team_file(owner, roster, bytes))
            .unwrap()
    };
    assert_eq!(
        put_member([5; 32], b"v1", b"m5"),
        TeamFilePut::RosterChanged
    );
    assert!(store.put_roster(None, new_roster(owner, b"v1")).unwrap());
    assert_eq!(put_member([5; 32], b"v1", b"m5"), TeamFilePut::Written);
    assert_eq!(put_member([5; 32], b"v1", b"m5"), TeamFilePut::Unchanged);
    assert_eq!(put_member([6; 32], b"v1", b"m6"), TeamFilePut::Written);
    assert_eq!(put_member(owner, b"v1", b"mo"), TeamFilePut::Written);
    assert_eq!(
        put_member([5; 32], b"v0", b"m5b"),
        TeamFilePut::RosterChanged
    );
    assert_eq!(store.membership(&owner, &[5; 32]).unwrap().unwrap(), b"m5");
    assert!(store.membership(&[8; 32], &[5; 32]).unwrap().is_none());

    // Version 2 drops member 5: its membership goes, 6's and the owner's stay.
    let v2 = NewRoster {
        members: vec![[6; 32]],
        ..new_roster(owner, b"v2")
    };
    assert!(store.put_roster(Some(b"v1"), v2).unwrap());
    assert!(store.membership(&owner, &[5; 32]).unwrap().is_none());
    assert_eq!(store.membership(&owner, &[6; 32]).unwrap().unwrap(), b"m6");
    assert_eq!(store.membership(&owner, &owner).unwrap().unwrap(), b"mo");
    assert_eq!(
        put_member([6; 32], b"v1", b"m6"),
        TeamFilePut::RosterChanged
    );
    assert_eq!(put_member([6; 32], b"v2", b"m6'"), TeamFilePut::Written);
    assert_eq!(store.membership(&owner, &[6; 32]).unwrap().unwrap(), b"m6'");

    // Archive-key files: one per epoch, replaced, the newest ones listed oldest first.
    let put_key = |epoch: u32, bytes: &[u8]| {
        store
            .put_archive_key(epoch, new_team_file(owner, b"v2", bytes))
            .unwrap()
    };
    assert_eq!(put_key(0, b"k0"), TeamFilePut::Written);
    assert_eq!(put_key(2, b"k2"), TeamFilePut::Written);
    assert_eq!(put_key(1, b"k1"), TeamFilePut::Written);
    assert_eq!(put_key(1, b"k1"), TeamFilePut::Unchanged);
    assert_eq!(put_key(1, b"k1'"), TeamFilePut::Written);
    assert_eq!(
        store
            .put_archive_key(3, new_team_file(owner, b"v1", b"k3"))
            .unwrap(),
        TeamFilePut::RosterChanged
    );
    assert_eq!(
        store.archive_keys(&owner, 2).unwrap(),
        [(1, b"k1'".to_vec()), (2, b"k2".to_vec())]
    );
    assert_eq!(store.archive_keys(&owner, 10).unwrap().len(), 3);
    assert!(store.archive_keys(&[8; 32], 10).unwrap().is_empty());
    assert_eq!(store.rosters().unwrap(), [b"v2".to_vec()]);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn a_team_lists_its_active_envelopes_oldest_first_in_pages(backend: Backend) {
    let (store, dir) = store_of(backend);
    let owner = [9; 32];
    let add = |id: &str, created_at, uploader, team_owner| {
        store
            .insert(NewEnvelope {
                created_at,
                uploader: Some(uploader),
                team_owner,
                ..new_envelope(id, Some(1))
            })
            .unwrap();
    };
    add("owners", 30, owner, None);
    add("bills", 20, [5; 32], Some(owner));
    add("bills-2", 20, [5; 32], Some(owner));
    add("burned", 25, [5; 32], Some(owner));
    add("revoked", 26, [5; 32], Some(owner));
    add("other team", 21, [5; 32], Some([8; 32]));
    add("his own", 22, [5; 32], None);
    store.record_open("burned").unwrap();
    store.revoke("revoked").unwrap();
    let ids = |since, now, limit| -> Vec<String> {
        store
            .team_envelopes(&owner, since, now, limit)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    };
    assert_eq!(ids(0, 50, 10), ["bills", "bills-2", "owners"]);
    assert_eq!(ids(0, 50, 2), ["bills", "bills-2"]);
    assert_eq!(ids(21, 50, 10), ["owners"]);
    assert_eq!(ids(30, 50, 10), ["owners"], "since is inclusive");
    assert_eq!(ids(u64::MAX, 50, 10), Vec::<String>::new());
    assert_eq!(ids(0, 100, 10), Vec::<String>::new(), "expired");
    let first = &store.team_envelopes(&owner, 0, 50, 1).unwrap()[0];
    assert_eq!(
        (first.uploaded_at, first.expires_at, first.uploader),
        (20, 100, [5; 32])
    );
    std::fs::remove_dir_all(dir).unwrap();
}

async fn senders_add_list_remove(backend: Backend) {
    let (store, dir) = store_of(backend);
    let s = Sender {
        card: "sealbill-card:x".into(),
        fingerprint: "1 2".into(),
        added_at: 5,
    };
    store.add_sender(&[9; 32], &s).unwrap();
    store.add_sender(&[9; 32], &s).unwrap();
    assert!(store.is_sender(&[9; 32]).unwrap());
    assert!(!store.is_sender(&[8; 32]).unwrap());
    assert_eq!(store.senders().unwrap().len(), 1);
    assert!(store.remove_sender("1 2").unwrap());
    assert!(!store.remove_sender("1 2").unwrap());
    assert!(!store.is_sender(&[9; 32]).unwrap());
    std::fs::remove_dir_all(dir).unwrap();
}

async fn replies_are_stored_listed_oldest_first_and_deleted(backend: Backend) {
    let (store, dir) = store_of(backend);
    store.insert(new_envelope("a", None)).unwrap();
    store.insert(new_envelope("b", None)).unwrap();
    // Received out of id order; listed by time, then by arrival.
    for (id, body, at) in [("r1", "one", 30), ("r2", "two", 20), ("r3", "three", 30)] {
        assert_eq!(
            store
                .insert_reply(new_reply("a", id, body.as_bytes(), at), 4, 50)
                .unwrap(),
            ReplyInsert::Stored
        );
    }
    let listed = store.replies("a").unwrap();
    let seen: Vec<(&str, &[u8], u64)> = listed
        .iter()
        .map(|r| (r.id.as_str(), r.body.as_slice(), r.received_at))
        .collect();
    assert_eq!(
        seen,
        [
            ("r2", b"two".as_slice(), 20),
            ("r1", b"one".as_slice(), 30),
            ("r3", b"three".as_slice(), 30)
        ]
    );
    assert!(store.replies("b").unwrap().is_empty());
    assert!(
        !store.delete_reply("b", "r1").unwrap(),
        "a reply id is deleted only under its own envelope"
    );
    assert!(store.delete_reply("a", "r1").unwrap());
    assert!(!store.delete_reply("a", "r1").unwrap());
    let left: Vec<String> = store
        .replies("a")
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(left, ["r2", "r3"]);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn replies_refuse_replays_overflow_and_missing_or_revoked_envelopes(backend: Backend) {
    let (store, dir) = store_of(backend);
    store.insert(new_envelope("a", None)).unwrap();
    store.insert(new_envelope("burned", Some(1))).unwrap();
    store.insert(new_envelope("revoked", None)).unwrap();
    assert_eq!(
        store.record_open("burned").unwrap(),
        Some((1, State::Burned))
    );
    store.revoke("revoked").unwrap();
    let add = |envelope: &str, id: &str, body: &str, now: u64| {
        store
            .insert_reply(new_reply(envelope, id, body.as_bytes(), now), 4, now)
            .unwrap()
    };
    assert_eq!(add("a", "r1", "one", 50), ReplyInsert::Stored);
    assert_eq!(add("a", "r2", "one", 50), ReplyInsert::Replayed);
    assert_eq!(
        add("burned", "r3", "one", 50),
        ReplyInsert::Stored,
        "a burned envelope takes replies, the same body as another envelope's too"
    );
    assert_eq!(add("revoked", "r4", "x", 50), ReplyInsert::Revoked);
    assert_eq!(add("nope", "r5", "x", 50), ReplyInsert::Missing);
    assert_eq!(add("a", "r6", "x", 100), ReplyInsert::Missing, "expired");
    for (id, body) in [("r7", "two"), ("r8", "three"), ("r9", "four")] {
        assert_eq!(add("a", id, body, 50), ReplyInsert::Stored);
    }
    assert_eq!(add("a", "r10", "five", 50), ReplyInsert::Full);
    assert_eq!(add("a", "r11", "two", 50), ReplyInsert::Replayed);
    assert_eq!(store.replies("a").unwrap().len(), 4);
    assert!(store.replies("revoked").unwrap().is_empty());
    // Deleting one makes room again.
    assert!(store.delete_reply("a", "r7").unwrap());
    assert_eq!(add("a", "r12", "five", 50), ReplyInsert::Stored);
    assert_eq!(store.replies("a").unwrap().len(), 4);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn concurrent_replies_never_pass_the_limit_or_store_a_body_twice(backend: Backend) {
    let (store, dir) = store_of(backend);
    store.insert(new_envelope("a", None)).unwrap();
    store.insert(new_envelope("b", None)).unwrap();
    let threads: Vec<_> = (0..24)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                // Envelope a gets 12 different bodies, b the same body 12 times.
                let (envelope, body) = if i % 2 == 0 {
                    ("a", format!("body {i}"))
                } else {
                    ("b", "same".to_owned())
                };
                store
                    .insert_reply(
                        new_reply(envelope, &format!("r{i}"), body.as_bytes(), 20),
                        4,
                        50,
                    )
                    .unwrap()
            })
        })
        .collect();
    let results: Vec<ReplyInsert> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let count = |want: ReplyInsert| results.iter().filter(|r| **r == want).count();
    assert_eq!(count(ReplyInsert::Stored), 4 + 1);
    assert_eq!(count(ReplyInsert::Full), 8);
    assert_eq!(count(ReplyInsert::Replayed), 11);
    assert_eq!(store.replies("a").unwrap().len(), 4);
    assert_eq!(store.replies("b").unwrap().len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn purging_deletes_the_replies_of_expired_envelopes_only(backend: Backend) {
    let (store, dir) = store_of(backend);
    store.insert(new_envelope("old", None)).unwrap();
    store
        .insert(NewEnvelope {
            expires_at: 200,
            ..new_envelope("new", Some(1))
        })
        .unwrap();
    store
        .insert(NewEnvelope {
            expires_at: 200,
            ..new_envelope("revoked", None)
        })
        .unwrap();
    for (i, e) in ["old", "new", "revoked"].into_iter().enumerate() {
        let body = format!("reply to {e}");
        let stored = store
            .insert_reply(new_reply(e, &format!("r{i}"), body.as_bytes(), 20), 4, 50)
            .unwrap();
        assert_eq!(stored, ReplyInsert::Stored);
    }
    // Burning and revoking keep the replies: the sender still fetches them.
    assert_eq!(store.record_open("new").unwrap(), Some((1, State::Burned)));
    store.revoke("revoked").unwrap();
    assert_eq!(store.replies("new").unwrap().len(), 1);
    assert_eq!(store.replies("revoked").unwrap().len(), 1);

    assert_eq!(store.purge_expired(100).unwrap(), 1);
    assert!(store.replies("old").unwrap().is_empty());
    assert_eq!(store.replies("new").unwrap().len(), 1);
    assert_eq!(store.replies("revoked").unwrap().len(), 1);
    assert_eq!(store.purge_expired(200).unwrap(), 2);
    assert!(store.replies("new").unwrap().is_empty());
    assert!(store.replies("revoked").unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

async fn concurrent_uses_of_one_signed_request_let_exactly_one_through(backend: Backend) {
    let (store, dir) = store_of(backend);
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || store.first_use(&[9; 32], 100, 50).unwrap())
        })
        .collect();
    let first: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(first.iter().filter(|&&x| x).count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

async fn counters_follow_uploads_opens_burns_revocations_and_expiry(backend: Backend) {
    let dir = temp_dir();
    let place = Place::new(backend, &dir);
    let store = place.open();
    let counters = || {
        let stats = store.stats().unwrap();
        (stats.envelopes, stats.bytes)
    };
    let add = |id: &str, len: usize, max_opens, expires_at| {
        store
            .insert(NewEnvelope {
                body: vec![1; len],
                expires_at,
                ..new_envelope(id, max_opens)
            })
            .unwrap();
        counters()
    };
    assert_eq!(counters(), (0, 0));
    assert_eq!(add("burned", 1000, Some(2), 200), (1, 1000));
    assert_eq!(add("revoked", 300, None, 200), (2, 1300));
    assert_eq!(add("expired", 20, None, 100), (3, 1320));
    assert_eq!(add("kept", 4000, Some(5), 200), (4, 5320));
    assert!(store.insert(new_envelope("kept", None)).is_err());
    assert_eq!(counters(), (4, 5320), "a refused upload counts nothing");

    store.record_open("burned").unwrap();
    store.record_open("kept").unwrap();
    assert_eq!(counters(), (4, 5320), "opens below the limit");
    store.record_open("burned").unwrap();
    assert_eq!(counters(), (3, 4320), "burned");
    store.revoke("revoked").unwrap();
    store.revoke("revoked").unwrap();
    store.revoke("burned").unwrap();
    assert_eq!(counters(), (2, 4020), "revoked once");
    assert_eq!(store.purge_expired(100).unwrap(), 1);
    assert_eq!(counters(), (1, 4000), "expired");
    assert_eq!(counters(), place.scanned());

    // A snapshot (SQLite's `backup`) restores the counters as they were when it was taken.
    if let Place::Sqlite(data) = &place {
        let snapshot = dir.join("snapshot");
        sealbill_relay::snapshot::backup(data, &snapshot, false).unwrap();
        assert_eq!(store.purge_expired(200).unwrap(), 3);
        assert_eq!(counters(), (0, 0));
        drop(store);
        let restored = Place::Sqlite(dir.join("restored"));
        if let Place::Sqlite(into) = &restored {
            sealbill_relay::snapshot::restore(&snapshot, into).unwrap();
        }
        let stats = restored.open().stats().unwrap();
        assert_eq!(
            (stats.envelopes, stats.bytes),
            (1, 4000),
            "as when the snapshot was taken"
        );
        assert_eq!(restored.scanned(), (1, 4000));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

async fn a_signed_request_is_refused_again_within_its_window_after_a_restart(backend: Backend) {
    let dir = temp_dir();
    let place = Place::new(backend, &dir);
    let store = place.open();
    assert!(store.first_use(&[1; 32], 100, 50).unwrap());
    assert!(!store.first_use(&[1; 32], 100, 60).unwrap());
    drop(store);
    let store = place.open();
    assert!(
        !store.first_use(&[1; 32], 100, 100).unwrap(),
        "after a restart"
    );
    assert!(
        store.first_use(&[1; 32], 200, 101).unwrap(),
        "past its window"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

// SQLite's own: schema upgrades, and deleted bodies leaving the files.

/// A database of an older `version`, as the relay created it then. Released steps are never
/// edited, so the first `version` steps are that schema.
fn schema_of(version: usize) -> String {
    format!(
        "{}\nPRAGMA user_version = {version};",
        MIGRATIONS[..version].join("\n")
    )
}

fn user_version(data: &Path) -> i64 {
    rusqlite::Connection::open(data.join(DATABASE_FILE))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn sqlite_a_version_1_database_upgrades_in_place_with_its_envelopes_intact() {
    upgrades_in_place(1);
}

#[test]
fn sqlite_a_version_2_database_upgrades_in_place_with_its_envelopes_and_replies_intact() {
    upgrades_in_place(2);
}

#[test]
fn sqlite_a_version_3_database_upgrades_in_place_with_its_rosters_and_uploaders_intact() {
    upgrades_in_place(3);
}

#[test]
fn sqlite_a_version_4_database_upgrades_in_place_with_its_envelopes_counted() {
    upgrades_in_place(4);
}

/// Opens a database of schema version `from`, holding envelopes, a sender and (from
/// version 2) a reply, and checks that all of it is there after the upgrade.
fn upgrades_in_place(from: usize) {
    use rusqlite::params;
    let dir = temp_dir();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    {
        let old = rusqlite::Connection::open(data.join(DATABASE_FILE)).unwrap();
        old.pragma_update(None, "journal_mode", "WAL").unwrap();
        old.execute_batch(&schema_of(from)).unwrap();
        old.execute(
            "INSERT INTO envelopes (id, body, size, created_at, expires_at, max_opens,
             opens, state, manage_hash, proof_hash)
             VALUES ('kept', x'61676531', 4, 10, 100, 3, 1, 0, ?1, ?2),
                    ('gone', NULL, 4, 10, 100, NULL, 0, 1, ?1, NULL)",
            params![[1u8; 32].as_slice(), [2u8; 32].as_slice()],
        )
        .unwrap();
        old.execute(
            "INSERT INTO senders (key, fingerprint, card, added_at)
             VALUES (?1, '1 2', 'sealbill-card:x', 5)",
            params![[9u8; 32].as_slice()],
        )
        .unwrap();
        if from >= 2 {
            old.execute(
                "INSERT INTO replies (id, envelope_id, body, body_hash, received_at)
                 VALUES ('r0', 'kept', x'7265706c79', ?1, 20)",
                params![[4u8; 32].as_slice()],
            )
            .unwrap();
        }
        if from >= 3 {
            old.execute(
                "INSERT INTO rosters (owner_key, bytes, stored_at) VALUES (?1, x'7633', 5)",
                params![[8u8; 32].as_slice()],
            )
            .unwrap();
            old.execute(
                "INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash,
                 uploader, team_owner) VALUES ('team', x'61', 1, 20, 100, ?1, ?2, ?3)",
                params![
                    [1u8; 32].as_slice(),
                    [5u8; 32].as_slice(),
                    [8u8; 32].as_slice()
                ],
            )
            .unwrap();
        }
    }
    assert_eq!(user_version(&data), from as i64);

    let store = SqliteStore::open(&data).unwrap();
    assert_eq!(user_version(&data), MIGRATIONS.len() as i64);
    let active = if from >= 3 { (2, 5) } else { (1, 4) };
    let stats = store.stats().unwrap();
    assert_eq!(
        (stats.envelopes, stats.bytes),
        active,
        "the upgrade counts the active envelopes"
    );
    assert!(
        matches!(store.fetch("kept", 50).unwrap(), Fetched::Body { body: b, .. } if b == b"age1")
    );
    let meta = store.meta("kept", 50).unwrap().unwrap();
    assert_eq!(
        (
            meta.expires_at,
            meta.max_opens,
            meta.opens,
            meta.state,
            meta.manage_hash,
            meta.proof_hash,
            meta.uploader,
            meta.team_owner
        ),
        (
            100,
            Some(3),
            1,
            State::Active,
            [1; 32],
            Some([2; 32]),
            None,
            None
        ),
        "an envelope from before version 3 has no recorded uploader"
    );
    assert!(matches!(store.fetch("gone", 50).unwrap(), Fetched::Gone));
    assert!(store.is_sender(&[9; 32]).unwrap());
    let old_replies = usize::from(from >= 2);
    assert_eq!(store.replies("kept").unwrap().len(), old_replies);
    assert_eq!(
        store
            .insert_reply(new_reply("kept", "r1", b"new reply", 20), 4, 50)
            .unwrap(),
        ReplyInsert::Stored
    );
    assert!(store.put_roster(None, new_roster([9; 32], b"v1")).unwrap());
    assert_eq!(
        store
            .put_membership(&[5; 32], new_team_file([9; 32], b"v1", b"m"))
            .unwrap(),
        TeamFilePut::Written
    );
    if from >= 3 {
        assert_eq!(store.roster(&[8; 32]).unwrap().unwrap(), b"v3");
        let listed = store.team_envelopes(&[8; 32], 0, 50, 10).unwrap();
        let ids: Vec<&str> = listed.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["team"], "a version 3 team envelope is listed");
    }
    drop(store);

    // Opening an up-to-date database changes nothing.
    let store = SqliteStore::open(&data).unwrap();
    assert_eq!(store.replies("kept").unwrap().len(), old_replies + 1);
    assert_eq!(store.roster(&[9; 32]).unwrap().unwrap(), b"v1");
    assert_eq!(store.membership(&[9; 32], &[5; 32]).unwrap().unwrap(), b"m");
    drop(store);
    assert_eq!(user_version(&data), MIGRATIONS.len() as i64);

    // A database from a newer relay is refused, not downgraded.
    rusqlite::Connection::open(data.join(DATABASE_FILE))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let refused = SqliteStore::open(&data).err().unwrap();
    assert!(refused.0.contains("schema version 99"), "{refused}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Whether any 32 bytes in a row of `body` are in one of the files of `dir` (the database,
/// the WAL and the shared-memory index).
fn any_piece_in(dir: &Path, body: &[u8]) -> bool {
    let pieces: std::collections::HashSet<&[u8]> = body.windows(32).collect();
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| std::fs::read(e.unwrap().path()).ok())
        .any(|file| file.windows(32).any(|w| pieces.contains(w)))
}

/// Waits (at most 5 s) until no piece of any of `bodies` is in the files of `dir`; returns the
/// names of those still there.
fn left_in_files<'a>(dir: &Path, bodies: &'a [(String, Vec<u8>)]) -> Vec<&'a str> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let left: Vec<&str> = bodies
            .iter()
            .filter(|(_, b)| any_piece_in(dir, b))
            .map(|(name, _)| name.as_str())
            .collect();
        if left.is_empty() || std::time::Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn sqlite_a_body_deleted_just_before_a_crash_leaves_the_wal_when_the_store_opens_again() {
    let dir = temp_dir();
    let data = dir.join("data");
    drop(SqliteStore::open(&data).unwrap());
    // A relay that deleted a body and died before its checkpoint truncated the WAL: the WAL
    // still holds the pages with the body. This connection stays open, so that the WAL is not
    // checkpointed and removed when it closes.
    let body = random_bytes(20_000);
    let crashed = rusqlite::Connection::open(data.join(DATABASE_FILE)).unwrap();
    crashed.pragma_update(None, "secure_delete", "ON").unwrap();
    crashed
        .pragma_update(None, "wal_autocheckpoint", 0)
        .unwrap();
    crashed
        .execute(
            "INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash)
             VALUES ('revoked', ?1, 20000, 10, 100, zeroblob(32))",
            [&body],
        )
        .unwrap();
    crashed
        .execute("UPDATE envelopes SET state = 1, body = NULL", [])
        .unwrap();
    assert!(any_piece_in(&data, &body), "the WAL holds the body");

    let store = SqliteStore::open(&data).unwrap();
    let bodies = [("the revoked body".to_owned(), body)];
    assert_eq!(
        left_in_files(&data, &bodies),
        Vec::<&str>::new(),
        "still in the files 5 s after the store opened"
    );
    drop((store, crashed));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sqlite_deleted_bodies_leave_no_ciphertext_in_the_database_files() {
    let dir = temp_dir();
    let data = dir.join("data");
    let store = SqliteStore::open(&data).unwrap();
    // Large bodies spill into overflow pages, small ones sit in the row.
    let body = |id: &str, len: usize| (id.to_owned(), random_bytes(len));
    let deleted = [
        body("revoked", 20_000),
        body("burned", 600),
        body("expired", 9_000),
        body("reply", 30_000),
        body("small reply", 400),
    ];
    let kept = [body("kept", 12_000), body("kept reply", 12_000)];
    let bodies: std::collections::HashMap<String, Vec<u8>> =
        deleted.iter().chain(&kept).cloned().collect();
    for (id, max_opens, expires_at) in [
        ("revoked", None, 200),
        ("burned", Some(1), 200),
        ("expired", None, 100),
        ("kept", None, 200),
    ] {
        store
            .insert(NewEnvelope {
                body: bodies[id].clone(),
                expires_at,
                ..new_envelope(id, max_opens)
            })
            .unwrap();
    }
    for (id, name) in [("r1", "reply"), ("r2", "small reply"), ("r3", "kept reply")] {
        let stored = store
            .insert_reply(new_reply("kept", id, &bodies[name], 20), 4, 50)
            .unwrap();
        assert_eq!(stored, ReplyInsert::Stored);
    }
    // Let one checkpoint copy everything into the database file first.
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert!(deleted.iter().all(|(_, b)| any_piece_in(&data, b)));

    store.revoke("revoked").unwrap();
    assert_eq!(
        store.record_open("burned").unwrap(),
        Some((1, State::Burned))
    );
    assert_eq!(store.purge_expired(100).unwrap(), 1);
    assert!(store.delete_reply("kept", "r1").unwrap());
    assert!(store.delete_reply("kept", "r2").unwrap());

    assert_eq!(
        left_in_files(&data, &deleted),
        Vec::<&str>::new(),
        "still in the files 5 s after deletion"
    );
    for (name, b) in &kept {
        assert!(any_piece_in(&data, b), "{name} is still stored");
    }
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

// Each test of this suite once per backend: `sqlite::NAME` and `postgres::NAME`.
on_both_backends!(
    lifecycle_fetch_expire_revoke_burn,
    counters_follow_uploads_opens_burns_revocations_and_expiry,
    a_signed_request_is_refused_again_within_its_window_after_a_restart,
    concurrent_uploads_commit_together_and_a_bad_one_fails_alone,
    rosters_replace_only_the_one_read_and_members_are_found_while_the_owner_is_a_sender,
    team_files_are_stored_only_against_the_current_roster_and_unlisted_members_dropped,
    a_team_lists_its_active_envelopes_oldest_first_in_pages,
    senders_add_list_remove,
    replies_are_stored_listed_oldest_first_and_deleted,
    replies_refuse_replays_overflow_and_missing_or_revoked_envelopes,
    concurrent_replies_never_pass_the_limit_or_store_a_body_twice,
    purging_deletes_the_replies_of_expired_envelopes_only,
    concurrent_uses_of_one_signed_request_let_exactly_one_through,
    two_nodes_racing_for_the_last_open_burn_it_once,
    a_signed_request_replayed_through_another_node_is_refused,
    nodes_sweeping_at_once_delete_each_expired_envelope_once,
    upload_fetch_status_open_and_burn,
    revoke_needs_the_manage_token,
    bad_input_gets_a_json_4xx_and_the_relay_keeps_serving,
    only_registered_senders_upload_with_fresh_signatures,
    clients_over_the_rate_get_429_with_retry_after,
    health_and_metrics_are_rate_limited_apart_from_the_api,
    behind_a_proxy_the_rate_is_per_address_the_proxy_appended,
    the_page_is_served_with_strict_headers_and_no_listing_or_traversal,
    dotfiles_in_the_page_directories_are_never_served,
    a_missing_page_file_answers_a_json_error,
    a_request_target_that_is_not_a_path_is_a_bad_request,
    a_file_name_too_long_for_any_file_is_not_found,
    static_files_are_gzipped_and_api_answers_never_are,
    metrics_name_routes_never_ids_or_tokens,
    metrics_stay_small_whatever_methods_and_paths_clients_send,
    cors_is_off_by_default_and_on_per_origin,
    every_operation_in_openapi_json_is_routed_and_answers_a_documented_status,
    a_reader_replies_with_the_open_proof_and_the_sender_fetches_and_deletes_it,
    replies_are_listed_oldest_first_even_after_the_sender_revoked_the_link,
    every_refused_reply_gets_its_json_4xx_and_stored_replies_stay_intact,
    cors_lets_a_page_send_the_open_proof_header,
    the_owner_stores_only_newer_rosters_and_nobody_else_stores_one,
    members_upload_only_with_a_sending_role_while_listed_and_valid,
    the_owner_or_the_uploader_revokes_a_members_envelope_and_another_member_cannot,
    the_owner_publishes_memberships_taken_from_its_stored_roster_only,
    the_owner_publishes_archive_key_files_up_to_its_rosters_epoch,
    the_owner_and_its_members_fetch_the_team_and_nobody_else_does,
    readers_list_the_teams_active_envelopes_oldest_first_in_pages,
    a_signed_upload_is_refused_by_another_relay_that_trusts_the_sender,
    without_public_hosts_the_relay_answers_to_what_its_listen_address_implies,
    without_a_host_header_the_authority_of_the_request_uri_names_the_relay,
);
