//! The HTTP API under `/api/v1`, `/healthz`, `/metrics`, and the router that ties them to the
//! static page, the limits and the metrics.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{MatchedPath, OriginalUri, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sealbill::OpenProof;
use serde::Deserialize;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth;
use crate::body::{self, Bodies};
use crate::config::ServeArgs;
use crate::errors::ApiError;
use crate::handling::{self, HandlingLimits};
use crate::limits::{self, RateLimiter};
use crate::metrics::Metrics;
use crate::rosters;
use crate::store::{
    Fetched, Meta, NewEnvelope, NewReply, ReplyInsert, State as EnvelopeState, Store,
};
use crate::teams;
use crate::web;

/// Shared state of the relay.
pub struct AppState {
    /// Envelopes and senders.
    pub store: Arc<dyn Store>,
    /// Settings.
    pub config: ServeArgs,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// Per-client API rate limit.
    pub limiter: RateLimiter,
    /// Per-client rate limit of `/healthz` and `/metrics`, with buckets apart from the API's.
    pub probes: RateLimiter,
    /// The limits on receiving bodies.
    bodies: Arc<Bodies>,
    /// How many requests are handled at once, and for how long.
    handling: Arc<HandlingLimits>,
    /// Bodies of envelopes fetched lately.
    hot: hot::HotBodies,
}

impl AppState {
    /// State over `store` with `config`.
    pub fn new(store: Arc<dyn Store>, config: ServeArgs) -> Arc<AppState> {
        Arc::new(AppState {
            limiter: RateLimiter::new(config.rate_limit),
            probes: RateLimiter::new(config.rate_limit),
            bodies: Bodies::new(&config),
            handling: HandlingLimits::new(config.concurrency, config.timeout()),
            hot: hot::HotBodies::new(config.hot_bodies),
            store,
            config,
            metrics: Metrics::default(),
        })
    }
}

type Shared = State<Arc<AppState>>;

/// A key that is neither on the allow-list nor listed by a team's roster.
pub(crate) const NOT_A_SENDER: ApiError = ApiError::new(
    StatusCode::FORBIDDEN,
    "NOT_A_SENDER",
    "this key is not on the relay's list of senders",
);

/// The request target a signed request covers (SPEC §6): the path and the query.
pub(crate) fn target_of(uri: &axum::http::Uri) -> &str {
    uri.path_and_query().map_or(uri.path(), |p| p.as_str())
}

/// Refuses a signed request already used within the replay window, and records it otherwise,
/// in the store (so that a restart still refuses it). Called after the request's other
/// checks, so that a refused request uses up nothing.
pub(crate) async fn first_use(
    state: &Arc<AppState>,
    signed: &sealbill::SignedRequest,
    now: u64,
) -> Result<(), ApiError> {
    let until = signed.timestamp.saturating_add(state.config.replay_window);
    let key = auth::replay_key(&signed.signature_bytes());
    if blocking(state, move |s| s.first_use(&key, until, now)).await? {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "REPLAYED",
            "this signed request was already used",
        ))
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Logs a storage failure and answers 500 without details.
fn store_failed(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %error, "store call failed");
    ApiError::internal()
}

/// Runs a blocking store call off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    call: impl FnOnce(&dyn Store) -> crate::store::StoreResult<T> + Send + 'static,
) -> Result<T, ApiError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .map_err(store_failed)?
        .map_err(store_failed)
}

/// The id length: base64url of 16 random bytes.
const ID_LEN: usize = 22;

fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `id` is 16 bytes in base64url, as [`new_id`] makes them.
fn is_id(id: &str) -> bool {
    let mut bytes = [0u8; 16];
    id.len() == ID_LEN && matches!(URL_SAFE_NO_PAD.decode_slice(id, &mut bytes), Ok(16))
}

/// Refuses anything that is not a well-formed id, before touching the store.
fn check_id(id: &str) -> Result<(), ApiError> {
    if is_id(id) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "BAD_ID",
            "an envelope id is 22 base64url characters",
        ))
    }
}

/// Refuses a malformed reply id, before touching the store.
fn check_reply_id(id: &str) -> Result<(), ApiError> {
    if is_id(id) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "BAD_ID",
            "a reply id is 22 base64url characters",
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    /// Seconds until expiry.
    expires: Option<u64>,
    /// Verified opens before the envelope burns.
    opens: Option<u32>,
    /// SHA-256 of the open proof, base64url.
    proof: Option<String>,
}

/// An upload. The signature's key and timestamp, and whether that key may send (the
/// allow-list, or a team's roster), are checked before the body is read, then its length and
/// the limits on bodies ([`body::read`]); the signature over the body is checked first after.
async fn upload(
    State(state): Shared,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    query: Result<Query<UploadQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::bad_request(
            "BAD_QUERY",
            "upload parameters are expires, opens and proof",
        )
    })?;
    let config = &state.config;
    let expires = query
        .expires
        .unwrap_or(config.default_expiry.min(config.max_expiry));
    if expires == 0 || expires > config.max_expiry {
        return Err(ApiError::bad_request(
            "BAD_EXPIRY",
            "expires must be between 1 second and the relay's maximum",
        ));
    }
    if query.opens == Some(0) {
        return Err(ApiError::bad_request(
            "BAD_OPENS",
            "opens must be at least 1",
        ));
    }
    let proof_hash = query
        .proof
        .as_deref()
        .map(OpenProof::hash_from_base64url)
        .transpose()
        .map_err(|_| ApiError::bad_request("BAD_PROOF", "proof is 43 base64url characters"))?;
    if query.opens.is_some() && proof_hash.is_none() {
        return Err(ApiError::bad_request(
            "BAD_OPENS",
            "an open limit needs the open proof hash (proof=…)",
        ));
    }
    let now = now();
    let signer = if config.open_uploads {
        None
    } else {
        let signed = auth::signature_header(&headers, &uri, now, config)?;
        let key = signed.key.to_bytes();
        let team_owner = rosters::authorise_upload(&state, key, now).await?;
        Some((signed, key, team_owner))
    };
    let mut body = body::read(request, config.max_body).await?;
    if let Some((signed, ..)) = &signer {
        auth::check_signature(signed, "POST", target_of(&uri), &body)?;
    }
    sealbill::age::check_file(&body)
        .map_err(|_| ApiError::bad_request("NOT_AGE", "the body is not a binary age v1 file"))?;
    let (uploader, team_owner) = match signer {
        None => (None, None),
        Some((signed, key, team_owner)) => {
            first_use(&state, &signed, now).await?;
            (Some(key), team_owner)
        }
    };
    let (token, manage_hash) = auth::new_token();
    let size = body.len();
    let envelope = NewEnvelope {
        id: new_id(),
        body: body.take(),
        created_at: now,
        expires_at: now.saturating_add(expires),
        max_opens: query.opens,
        manage_hash,
        proof_hash,
        uploader,
        team_owner,
    };
    let (id, expires_at, max_opens) =
        (envelope.id.clone(), envelope.expires_at, envelope.max_opens);
    state
        .store
        .insert_later(envelope)
        .await
        .map_err(store_failed)?;
    state.metrics.uploaded(size);
    let location = format!("/api/v1/envelopes/{id}");
    let body = json!({
        "id": id,
        "manageToken": token,
        "expiresAt": expires_at,
        "maxOpens": max_opens,
    });
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

const GONE: ApiError = ApiError::new(
    StatusCode::GONE,
    "GONE",
    "this invoice was revoked by its sender or has been opened as often as allowed",
);
const NOT_FOUND: ApiError = ApiError::new(
    StatusCode::NOT_FOUND,
    "NOT_FOUND",
    "no such invoice: the link is wrong or has expired",
);
const NO_PROOF_STORED: ApiError = ApiError::new(
    StatusCode::CONFLICT,
    "NO_PROOF",
    "this invoice was uploaded without an open proof",
);
const WRONG_PROOF: ApiError = ApiError::new(
    StatusCode::FORBIDDEN,
    "BAD_PROOF",
    "the open proof does not match this invoice",
);

/// An envelope's body. A body kept in [`hot::HotBodies`] is served without asking the store
/// while it is unexpired and the store's count of changes ([`Store::changes`]) is the one it
/// was kept at: nothing has since deleted, revoked or burned an envelope, or changed one's
/// expiry.
/// Otherwise (always on a store that others change too) it is served only if the store's
/// liveness read, without the body, still shows the envelope active and without an open
/// limit. Anything else is the store's fetch's to answer, with the body, 404 or 410.
async fn fetch(State(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    check_id(&id)?;
    let now = now();
    // Read before the store: a change committed after this read shows at the next fetch as
    // a changed count.
    let changes = state.store.changes();
    let kept = match state.hot.get(&id, now) {
        Some(hot::Kept::Body(kept)) if kept.unchanged_since(changes) => Some(kept.bytes),
        Some(hot::Kept::Body(kept)) => match state
            .store
            .liveness_later(id.clone(), now)
            .await
            .map_err(store_failed)?
        {
            Some((EnvelopeState::Active, false)) => {
                state.hot.seen_live(&id, changes);
                Some(kept.bytes)
            }
            _ => {
                state.hot.forget(&id);
                None
            }
        },
        Some(hot::Kept::Limited) | None => None,
    };
    let body = match kept {
        Some(body) => body,
        None => match state
            .store
            .fetch_later(id.clone(), now)
            .await
            .map_err(store_failed)?
        {
            Fetched::Missing => return Err(NOT_FOUND),
            Fetched::Gone => return Err(GONE),
            Fetched::Body {
                body,
                expires_at,
                limited,
            } => state.hot.keep(id, body, expires_at, limited, changes),
        },
    };
    state.metrics.served(body.len());
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from(body),
    )
        .into_response())
}

/// The metadata of an envelope, after checking its id.
async fn meta_of(state: &Arc<AppState>, id: String) -> Result<Meta, ApiError> {
    check_id(&id)?;
    let now = now();
    blocking(state, move |s| s.meta(&id, now))
        .await?
        .ok_or(NOT_FOUND)
}

/// Revokes an envelope for whoever holds its manage token or, with a signed request instead
/// (SPEC §6), for its uploader or the owner of the team it was uploaded through.
async fn revoke(
    State(state): Shared,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let meta = meta_of(&state, id.clone()).await?;
    let signed = headers.contains_key(sealbill::SIGNATURE_HEADER)
        && !headers.contains_key(header::AUTHORIZATION);
    if signed {
        rosters::check_revoker(&state, &headers, &uri, &meta).await?;
    } else {
        auth::check_token(&headers, &meta.manage_hash)?;
    }
    if meta.state == EnvelopeState::Active {
        let revoked = id.clone();
        blocking(&state, move |s| s.revoke(&revoked)).await?;
        state.hot.forget(&id);
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn status(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let meta = meta_of(&state, id).await?;
    auth::check_token(&headers, &meta.manage_hash)?;
    let status = match meta.state {
        EnvelopeState::Revoked => "revoked",
        EnvelopeState::Burned => "burned",
        EnvelopeState::Active if meta.opens > 0 => "opened",
        EnvelopeState::Active => "active",
    };
    Ok(Json(json!({
        "status": status,
        "opens": meta.opens,
        "maxOpens": meta.max_opens,
        "expiresAt": meta.expires_at,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenedBody {
    proof: String,
}

/// The largest body of an open report.
const MAX_OPENED_BODY: usize = 1024;

/// Reports a verified open with the open proof, in a JSON body.
async fn opened(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Result<Json<serde_json::Value>, ApiError> {
    const BAD_BODY: ApiError =
        ApiError::bad_request("BAD_BODY", "the body must be {\"proof\": \"…\"}");
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().map(str::trim) == Some("application/json"));
    if !json {
        return Err(BAD_BODY);
    }
    let body = body::read(request, MAX_OPENED_BODY).await?;
    let body: OpenedBody = serde_json::from_slice(&body).map_err(|_| BAD_BODY)?;
    let proof = OpenProof::from_base64url(&body.proof)
        .map_err(|_| ApiError::bad_request("BAD_PROOF", "proof is 43 base64url characters"))?;
    let meta = meta_of(&state, id.clone()).await?;
    if meta.state != EnvelopeState::Active {
        return Err(GONE);
    }
    let stored = meta.proof_hash.ok_or(NO_PROOF_STORED)?;
    if !proof.matches(&stored) {
        return Err(WRONG_PROOF);
    }
    let counted = id.clone();
    let (opens, state_after) = blocking(&state, move |s| s.record_open(&counted))
        .await?
        .ok_or(GONE)?;
    if state_after == EnvelopeState::Burned {
        state.hot.forget(&id);
    }
    Ok(Json(json!({
        "opens": opens,
        "burned": state_after == EnvelopeState::Burned,
    })))
}

/// The header that carries a reader's open proof (SPEC §5.4) with a reply: a header, so that
/// the proof never lands in URLs or access logs.
pub const OPEN_PROOF_HEADER: &str = "sealbill-open-proof";
/// The largest reply body: a small age file (a sealed key-exchange message).
pub const MAX_REPLY_BODY: usize = 64 * 1024;
/// Replies held per envelope; the sender deletes those it has processed.
pub const MAX_REPLIES: usize = 4;

const REVOKED: ApiError = ApiError::new(
    StatusCode::GONE,
    "GONE",
    "this invoice was revoked by its sender",
);

/// A reply from a reader of the envelope: an age file the relay cannot read, accepted only
/// with the envelope's open proof. The proof is checked before the body is read.
async fn post_reply(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let proof = headers.get(OPEN_PROOF_HEADER).ok_or(ApiError::new(
        StatusCode::UNAUTHORIZED,
        "NO_PROOF",
        "a reply needs the Sealbill-Open-Proof header",
    ))?;
    let proof = proof
        .to_str()
        .ok()
        .and_then(|p| OpenProof::from_base64url(p).ok())
        .ok_or(ApiError::bad_request(
            "BAD_PROOF",
            "Sealbill-Open-Proof is 43 base64url characters",
        ))?;
    let meta = meta_of(&state, id.clone()).await?;
    if meta.state == EnvelopeState::Revoked {
        return Err(REVOKED);
    }
    let stored = meta.proof_hash.ok_or(NO_PROOF_STORED)?;
    if !proof.matches(&stored) {
        return Err(WRONG_PROOF);
    }
    let mut body = body::read(request, MAX_REPLY_BODY).await?;
    sealbill::age::check_file(&body)
        .map_err(|_| ApiError::bad_request("NOT_AGE", "the body is not a binary age v1 file"))?;
    let now = now();
    let reply = NewReply::new(id, new_id(), body.take(), now);
    let reply_id = reply.id.clone();
    let stored = blocking(&state, move |s| s.insert_reply(reply, MAX_REPLIES, now)).await?;
    match stored {
        ReplyInsert::Stored => Ok((
            StatusCode::CREATED,
            Json(json!({ "id": reply_id, "receivedAt": now })),
        )
            .into_response()),
        // The envelope expired or was revoked since the checks above.
        ReplyInsert::Missing => Err(NOT_FOUND),
        ReplyInsert::Revoked => Err(REVOKED),
        ReplyInsert::Replayed => Err(ApiError::new(
            StatusCode::CONFLICT,
            "REPLAYED",
            "this reply is already stored",
        )),
        ReplyInsert::Full => Err(ApiError::new(
            StatusCode::CONFLICT,
            "TOO_MANY_REPLIES",
            "this invoice holds as many replies as allowed until its sender fetches them",
        )),
    }
}

/// The replies to an envelope, for its sender (the manage token), whatever the envelope's
/// state until it expires.
async fn list_replies(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let meta = meta_of(&state, id.clone()).await?;
    auth::check_token(&headers, &meta.manage_hash)?;
    let replies = blocking(&state, move |s| s.replies(&id)).await?;
    let replies: Vec<serde_json::Value> = replies
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "receivedAt": r.received_at,
                "body": URL_SAFE_NO_PAD.encode(&r.body),
            })
        })
        .collect();
    Ok(Json(json!({ "replies": replies })))
}

/// Deletes a reply the sender has processed (idempotent).
async fn delete_reply(
    State(state): Shared,
    Path((id, reply_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    check_id(&id)?;
    check_reply_id(&reply_id)?;
    let meta = meta_of(&state, id.clone()).await?;
    auth::check_token(&headers, &meta.manage_hash)?;
    blocking(&state, move |s| s.delete_reply(&id, &reply_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answers once the store does; one read of a single row (the counters of
/// [`Store::stats`]), whatever is stored.
async fn healthz(State(state): Shared) -> Result<Json<serde_json::Value>, ApiError> {
    blocking(&state, |s| s.stats()).await?;
    Ok(Json(json!({ "status": "ok" })))
}

/// The Prometheus text: the request counters and the store's [`Store::stats`], read from one
/// row whatever is stored.
async fn metrics(State(state): Shared) -> Result<Response, ApiError> {
    let stats = blocking(&state, |s| s.stats()).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(stats),
    )
        .into_response())
}

async fn api_not_found() -> ApiError {
    ApiError::from_status(StatusCode::NOT_FOUND)
}

/// Refuses API clients over their rate with 429 and `Retry-After`, and marks every API
/// answer as not to be cached.
async fn api_limits(State(state): Shared, request: Request, next: Next) -> Response {
    let mut response = within_rate(&state, &state.limiter, request, next).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The same for `/healthz` and `/metrics`, each client with a bucket of its own there, so that
/// a client polling them cannot load the store for others, and a health checker spends no API
/// budget of its address.
async fn probe_limit(State(state): Shared, request: Request, next: Next) -> Response {
    within_rate(&state, &state.probes, request, next).await
}

/// Runs the request if its client has a token left in `limiter`.
async fn within_rate(
    state: &AppState,
    limiter: &RateLimiter,
    request: Request,
    next: Next,
) -> Response {
    let client = limits::client_of(
        &request,
        state
            .config
            .trust_proxy
            .then_some(state.config.trusted_hops),
    );
    match limiter.check(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => ApiError {
            retry_after: Some(wait),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                "too many requests: wait and try again",
            )
        }
        .into_response(),
    }
}

/// Answers 400 to a request target that is not a path (`GET x`, or the authority form that
/// only CONNECT uses), which the router and the page's file server cannot serve.
async fn path_targets_only(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with('/') {
        next.run(request).await
    } else {
        ApiError::bad_request("BAD_REQUEST", "the request target must be a path").into_response()
    }
}

/// Turns every plain error response (405 from the router, 413 from the body limit, 404 for a
/// missing page file) into a JSON error that is not cached.
fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let mut response = ApiError::from_status(status).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    } else {
        response
    }
}

/// Every request, once routed: recorded (metrics and one log line: method, route template,
/// status, time), given the limits on bodies ([`body::read`]), and handled within the
/// handling limits ([`handling::within_limits`], whose 408 counts as its status), with JSON
/// errors ([`json_errors`]) and path targets only ([`path_targets_only`]). One layer for all
/// of it: each layer of a router is one more service cloned for every request.
async fn handle(State(state): Shared, mut request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    request.extensions_mut().insert(state.bodies.clone());
    let response = handling::within_limits(&state.handling, request, |request| async {
        json_errors(path_targets_only(request, next).await)
    })
    .await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let route = route.as_ref().map_or("static", MatchedPath::as_str);
    state
        .metrics
        .record(method.as_str(), route, status, elapsed.as_secs_f64());
    // Whole microseconds: an integer costs the log line less than a float.
    let us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    tracing::info!(%method, route, status, us, "request");
    response
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::HeaderName::from_static(sealbill::SIGNATURE_HEADER),
                header::HeaderName::from_static(OPEN_PROOF_HEADER),
            ])
    })
}

/// The whole relay: API, health, metrics and the page, with every limit and header.
pub fn app(state: Arc<AppState>) -> Router {
    let config = &state.config;
    let mut api = Router::new()
        .route("/envelopes", post(upload))
        .route("/envelopes/{id}", get(fetch).delete(revoke))
        .route("/envelopes/{id}/status", get(status))
        .route("/envelopes/{id}/opened", post(opened))
        .route(
            "/envelopes/{id}/replies",
            get(list_replies).post(post_reply),
        )
        .route("/envelopes/{id}/replies/{replyId}", delete(delete_reply))
        .route("/rosters", post(rosters::post_roster))
        .route("/rosters/memberships", post(teams::post_membership))
        .route("/rosters/archive-keys", post(teams::post_archive_key))
        .route("/team", get(teams::get_team))
        .route("/team/envelopes", get(teams::get_team_envelopes))
        .fallback(api_not_found)
        .layer(middleware::from_fn_with_state(state.clone(), api_limits));
    if let Some(layer) = cors(&config.cors_origins) {
        api = api.layer(layer);
    }
    let probes = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(state.clone(), probe_limit));
    let router = Router::new()
        .nest("/api/v1", api)
        .merge(probes)
        .merge(web::pages(&config.www_dir, &config.pkg_dir))
        .layer(middleware::from_fn_with_state(state.clone(), handle));
    web::secure(router, config.tls_cert.is_some()).with_state(state)
}

/// Bodies of envelopes fetched lately, shared with the responses that send them (no copy),
/// so that fetching a hot envelope again reads at most its state from the store.
///
/// A kept body is served only while unexpired, and only after [`fetch`] saw the store's
/// change count unchanged since it was kept, or the store showed the envelope active: a
/// revocation, a burn or an expiry, on this node or another one on the same store, takes
/// effect at the next fetch (an edit by hand to a SQLite store, once the store has counted
/// it: see [`crate::store::Store::changes`]). Envelopes with an open limit are marked
/// [`Kept::Limited`] instead, and always fetched from the store. This node's revocations and
/// burns drop the kept body at once.
mod hot {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use axum::body::Bytes;

    /// The largest body kept: hot envelopes are invoices, rarely larger.
    pub(super) const MAX_BODY: usize = 256 * 1024;
    /// Envelopes kept at most, marked ones included.
    pub(super) const MAX_ENTRIES: usize = 16 * 1024;

    /// What is kept for an envelope.
    #[derive(Clone)]
    pub(super) enum Kept {
        /// Its body, as the store returned it.
        Body(KeptBody),
        /// It has an open limit: never served from here.
        Limited,
    }

    /// A kept body, with what decides whether it may be served without the store.
    #[derive(Clone)]
    pub(super) struct KeptBody {
        /// The body.
        pub(super) bytes: Bytes,
        expires_at: u64,
        /// The store's change count when the envelope was last seen live, if it keeps one.
        seen: Option<u64>,
    }

    impl KeptBody {
        /// Whether the store keeps a change count, and it is still the one seen.
        pub(super) fn unchanged_since(&self, changes: Option<u64>) -> bool {
            changes.is_some() && self.seen == changes
        }
    }

    struct Inner {
        entries: HashMap<String, Kept>,
        bytes: usize,
        max_bytes: usize,
    }

    /// The kept bodies, bounded in count ([`MAX_ENTRIES`]) and bytes (`--hot-bodies`); beyond
    /// either, an arbitrary entry makes room.
    pub(super) struct HotBodies(Mutex<Inner>);

    impl HotBodies {
        /// Keeps bodies of at most `max_bytes` in all; 0 keeps none.
        pub(super) fn new(max_bytes: usize) -> HotBodies {
            HotBodies(Mutex::new(Inner {
                entries: HashMap::new(),
                bytes: 0,
                max_bytes,
            }))
        }

        fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
            self.0.lock().unwrap_or_else(|p| p.into_inner())
        }

        /// What is kept for `id`, unless its envelope has expired at `now` (then it goes).
        pub(super) fn get(&self, id: &str, now: u64) -> Option<Kept> {
            let mut inner = self.inner();
            match inner.entries.get(id)? {
                Kept::Body(kept) if kept.expires_at <= now => {
                    inner.remove(id);
                    None
                }
                kept => Some(kept.clone()),
            }
        }

        /// Keeps the body the store just returned for `id`, with its envelope's expiry and
        /// the store's change count read before the store was (`seen`); or, for an envelope
        /// with an open limit, marks it. Keeps nothing if the body is too large or `id` is
        /// marked. Returns the body as shared bytes.
        pub(super) fn keep(
            &self,
            id: String,
            body: Vec<u8>,
            expires_at: u64,
            limited: bool,
            seen: Option<u64>,
        ) -> Bytes {
            let bytes = Bytes::from(body);
            let mut inner = self.inner();
            if limited {
                inner.put(id, Kept::Limited);
            } else if bytes.len() <= MAX_BODY
                && bytes.len() <= inner.max_bytes
                && !inner.entries.contains_key(&id)
            {
                let kept = KeptBody {
                    bytes: bytes.clone(),
                    expires_at,
                    seen,
                };
                inner.put(id, Kept::Body(kept));
            }
            bytes
        }

        /// Records that the store, at change count `seen` (read before it was asked), showed
        /// `id`'s envelope active and without an open limit.
        pub(super) fn seen_live(&self, id: &str, seen: Option<u64>) {
            if seen.is_none() {
                return;
            }
            if let Some(Kept::Body(kept)) = self.inner().entries.get_mut(id) {
                kept.seen = seen;
            }
        }

        /// Drops what is kept for `id`.
        pub(super) fn forget(&self, id: &str) {
            self.inner().remove(id);
        }
    }

    impl Inner {
        fn remove(&mut self, id: &str) {
            if let Some(Kept::Body(kept)) = self.entries.remove(id) {
                self.bytes -= kept.bytes.len();
            }
        }

        fn put(&mut self, id: String, kept: Kept) {
            self.remove(&id);
            let size = match &kept {
                Kept::Body(kept) => kept.bytes.len(),
                Kept::Limited => 0,
            };
            while self.entries.len() >= MAX_ENTRIES || self.bytes + size > self.max_bytes {
                let Some(victim) = self.entries.keys().next().cloned() else {
                    break;
                };
                self.remove(&victim);
            }
            self.bytes += size;
            self.entries.insert(id, kept);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The default bound.
        const MAX_BYTES: usize = 32 * 1024 * 1024;
        /// An expiry after every `NOW` of these tests.
        const LATER: u64 = 2_000;
        const NOW: u64 = 1_000;

        /// Keeps an unlimited envelope's body, seen at change count 7.
        fn keep(hot: &HotBodies, id: &str, body: Vec<u8>) {
            hot.keep(id.to_owned(), body, LATER, false, Some(7));
        }

        #[test]
        fn no_body_is_kept_when_the_bound_is_zero() {
            let hot = HotBodies::new(0);
            keep(&hot, "id", vec![1u8; 1]);
            assert!(hot.get("id", NOW).is_none());
            assert_eq!(hot.inner().bytes, 0);
        }

        #[test]
        fn a_body_serves_without_the_store_only_unexpired_and_at_the_count_it_was_seen_at() {
            let hot = HotBodies::new(MAX_BYTES);
            keep(&hot, "id", vec![1u8; 16]);
            let fresh = |count| matches!(hot.get("id", NOW), Some(Kept::Body(k)) if k.unchanged_since(count));
            assert!(fresh(Some(7)));
            assert!(!fresh(Some(8)), "a revocation or burn since");
            assert!(!fresh(None), "a store that others change too");
            hot.seen_live("id", Some(8));
            assert!(fresh(Some(8)));
            // Without a count, a liveness read leaves the entry as it was.
            hot.seen_live("id", None);
            assert!(fresh(Some(8)));
            assert!(hot.get("id", LATER).is_none(), "expired");
            assert!(hot.get("id", NOW).is_none(), "dropped at its expiry");
            assert_eq!(hot.inner().bytes, 0);
        }

        #[test]
        fn bodies_are_kept_within_the_bounds_and_marks_drop_them() {
            let hot = HotBodies::new(MAX_BYTES);
            let body = vec![1u8; MAX_BODY];
            let kept = MAX_BYTES / MAX_BODY;
            for i in 0..kept + 3 {
                keep(&hot, &format!("id{i}"), body.clone());
            }
            let inner = hot.inner();
            assert_eq!(inner.entries.len(), kept);
            assert_eq!(inner.bytes, MAX_BYTES);
            drop(inner);
            keep(&hot, "large", vec![0; MAX_BODY + 1]);
            assert!(hot.get("large", NOW).is_none());
            let id = hot
                .inner()
                .entries
                .keys()
                .next()
                .cloned()
                .unwrap_or_default();
            // The same envelope fetched again, now found to have an open limit.
            hot.keep(id.clone(), body.clone(), LATER, true, Some(7));
            assert!(matches!(hot.get(&id, NOW), Some(Kept::Limited)));
            assert_eq!(hot.inner().bytes, MAX_BYTES - MAX_BODY);
            keep(&hot, &id, body);
            assert!(matches!(hot.get(&id, NOW), Some(Kept::Limited)));
            hot.forget(&id);
            assert!(hot.get(&id, NOW).is_none());
            for i in 0..MAX_ENTRIES + 1 {
                hot.keep(format!("m{i}"), vec![1], LATER, true, None);
            }
            let inner = hot.inner();
            assert_eq!(inner.entries.len(), MAX_ENTRIES);
            let held: usize = inner
                .entries
                .values()
                .map(|kept| match kept {
                    Kept::Body(kept) => kept.bytes.len(),
                    Kept::Limited => 0,
                })
                .sum();
            assert_eq!(inner.bytes, held);
        }
    }
}
