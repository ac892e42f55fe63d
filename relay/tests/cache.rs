//! The kept bodies of hot envelopes (`fetch` in src/api.rs): a second fetch reads only the
//! envelope's state and open limit from the store (`Store::liveness`), or nothing when the
//! relay alone serves its SQLite store (`Store::changes`); a revocation, a burn or an expiry,
//! also by another node on the same store, is seen at the next fetch (an edit by hand to a
//! SQLite store, within a checkpoint tick); envelopes with an open limit are always fetched
//! from the store. Most tests run on SQLite and on the PostgreSQL
//! server of `SEALBILL_TEST_DATABASE_URL` (scripts/postgres.sh starts one), through a store
//! that counts the calls the relay makes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/stores.rs"]
mod stores;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clap::Parser;
use http_body_util::BodyExt;
use sealbill::OpenProof;
use sealbill_relay::config::Cli;
use sealbill_relay::postgres::PgStore;
use sealbill_relay::sqlite::{SqliteStore, DATABASE_FILE};
use sealbill_relay::store::{
    Fetched, Meta, NewEnvelope, NewReply, NewRoster, Reply, ReplyInsert, Sender, Stats, Store,
    StoreFuture, StoreResult, TeamEnvelope, TeamFile, TeamFilePut,
};
use sealbill_relay::{app, now, AppState};
use sha2::{Digest, Sha256};
use stores::{fresh_database, on_both_backends, Backend};
use tower::ServiceExt;

/// A real store that counts the body fetches and the liveness reads (state and open limit,
/// the metadata a kept body needs) made through it.
struct Counting {
    inner: Arc<dyn Store>,
    fetches: AtomicUsize,
    metas: AtomicUsize,
}

impl Counting {
    fn counts(&self) -> (usize, usize) {
        (
            self.fetches.load(Ordering::SeqCst),
            self.metas.load(Ordering::SeqCst),
        )
    }
}

impl Store for Counting {
    fn insert(&self, envelope: NewEnvelope) -> StoreResult<()> {
        self.inner.insert(envelope)
    }
    fn insert_later(&self, envelope: NewEnvelope) -> StoreFuture<()> {
        self.inner.insert_later(envelope)
    }
    fn fetch(&self, id: &str, now: u64) -> StoreResult<Fetched> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        self.inner.fetch(id, now)
    }
    fn meta(&self, id: &str, now: u64) -> StoreResult<Option<Meta>> {
        self.inner.meta(id, now)
    }
    fn liveness(
        &self,
        id: &str,
        now: u64,
    ) -> StoreResult<Option<(sealbill_relay::store::State, bool)>> {
        self.metas.fetch_add(1, Ordering::SeqCst);
        self.inner.liveness(id, now)
    }
    fn liveness_later(
        &self,
        id: String,
        now: u64,
    ) -> StoreFuture<Option<(sealbill_relay::store::State, bool)>> {
        self.metas.fetch_add(1, Ordering::SeqCst);
        self.inner.liveness_later(id, now)
    }
    fn changes(&self) -> Option<u64> {
        self.inner.changes()
    }
    fn revoke(&self, id: &str) -> StoreResult<()> {
        self.inner.revoke(id)
    }
    fn record_open(&self, id: &str) -> StoreResult<Option<(u32, sealbill_relay::store::State)>> {
        self.inner.record_open(id)
    }
    fn purge_expired(&self, now: u64) -> StoreResult<usize> {
        self.inner.purge_expired(now)
    }
    fn first_use(&self, key: &[u8; 32], until: u64, now: u64) -> StoreResult<bool> {
        self.inner.first_use(key, until, now)
    }
    fn insert_reply(&self, reply: NewReply, limit: usize, now: u64) -> StoreResult<ReplyInsert> {
        self.inner.insert_reply(reply, limit, now)
    }
    fn replies(&self, envelope_id: &str) -> StoreResult<Vec<Reply>> {
        self.inner.replies(envelope_id)
    }
    fn delete_reply(&self, envelope_id: &str, reply_id: &str) -> StoreResult<bool> {
        self.inner.delete_reply(envelope_id, reply_id)
    }
    fn stats(&self) -> StoreResult<Stats> {
        self.inner.stats()
    }
    fn add_sender(&self, key: &[u8; 32], sender: &Sender) -> StoreResult<()> {
        self.inner.add_sender(key, sender)
    }
    fn remove_sender(&self, fingerprint: &str) -> StoreResult<bool> {
        self.inner.remove_sender(fingerprint)
    }
    fn senders(&self) -> StoreResult<Vec<Sender>> {
        self.inner.senders()
    }
    fn is_sender(&self, key: &[u8; 32]) -> StoreResult<bool> {
        self.inner.is_sender(key)
    }
    fn roster(&self, owner_key: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        self.inner.roster(owner_key)
    }
    fn put_roster(&self, previous: Option<&[u8]>, roster: NewRoster) -> StoreResult<bool> {
        self.inner.put_roster(previous, roster)
    }
    fn rosters_of_member(&self, key: &[u8; 32]) -> StoreResult<Vec<Vec<u8>>> {
        self.inner.rosters_of_member(key)
    }
    fn rosters(&self) -> StoreResult<Vec<Vec<u8>>> {
        self.inner.rosters()
    }
    fn put_membership(&self, member_key: &[u8; 32], file: TeamFile) -> StoreResult<TeamFilePut> {
        self.inner.put_membership(member_key, file)
    }
    fn membership(
        &self,
        owner_key: &[u8; 32],
        member_key: &[u8; 32],
    ) -> StoreResult<Option<Vec<u8>>> {
        self.inner.membership(owner_key, member_key)
    }
    fn put_archive_key(&self, epoch: u32, file: TeamFile) -> StoreResult<TeamFilePut> {
        self.inner.put_archive_key(epoch, file)
    }
    fn archive_keys(&self, owner_key: &[u8; 32], limit: usize) -> StoreResult<Vec<(u32, Vec<u8>)>> {
        self.inner.archive_keys(owner_key, limit)
    }
    fn team_envelopes(
        &self,
        owner_key: &[u8; 32],
        since: u64,
        now: u64,
        limit: usize,
    ) -> StoreResult<Vec<TeamEnvelope>> {
        self.inner.team_envelopes(owner_key, since, now, limit)
    }
}

/// One store (a temporary SQLite directory, or the test server's database) for the nodes of
/// a test; the directory goes with it.
struct Shared {
    store: Arc<dyn Store>,
    dir: PathBuf,
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn shared(backend: Backend) -> Shared {
    shared_store(|dir| match backend {
        Backend::Sqlite => Arc::new(SqliteStore::open(dir).unwrap()),
        Backend::Postgres => Arc::new(PgStore::open(fresh_database()).unwrap()),
    })
}

/// A SQLite store as a serving relay opens it: held alone, counting its changes.
fn shared_alone() -> Shared {
    shared_store(|dir| Arc::new(SqliteStore::open_to_serve(dir).unwrap()))
}

/// The store `open` opens, given a fresh data directory.
fn shared_store(open: impl FnOnce(&std::path::Path) -> Arc<dyn Store>) -> Shared {
    let dir = std::env::temp_dir().join(format!(
        "sealbill-relay-cache-{}-{}",
        std::process::id(),
        rand_core::RngCore::next_u64(&mut rand_core::OsRng)
    ));
    std::fs::create_dir_all(dir.join("www")).unwrap();
    let store = open(&dir.join("data"));
    Shared { store, dir }
}

/// A relay node over `shared`'s store, with `flags`, through a store that counts its calls.
fn node(shared: &Shared, flags: &[&str]) -> (axum::Router, Arc<Counting>) {
    let counting = Arc::new(Counting {
        inner: shared.store.clone(),
        fetches: AtomicUsize::new(0),
        metas: AtomicUsize::new(0),
    });
    let www = format!("--www-dir={}", shared.dir.join("www").display());
    let args = ["sealbill-relay", "--open-uploads", &www].into_iter();
    let cli = Cli::parse_from(args.chain(flags.iter().copied()));
    let router = app(AppState::new(counting.clone(), cli.serve));
    (router, counting)
}

/// The open proof of every test envelope with an open limit.
fn proof() -> OpenProof {
    OpenProof::from_base64url(&URL_SAFE_NO_PAD.encode([5u8; 32])).unwrap()
}

/// Stores an envelope of random bytes, `max_opens` and `expires_at` as given (with
/// [`proof`]'s hash when it has an open limit); returns its id, body and manage token.
fn stored(store: &dyn Store, max_opens: Option<u32>, expires_at: u64) -> (String, Vec<u8>, String) {
    let mut id = [0u8; 16];
    let mut token = [0u8; 32];
    let mut body = vec![0u8; 16 * 1024];
    for bytes in [&mut id[..], &mut token[..], &mut body[..]] {
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, bytes);
    }
    let id = URL_SAFE_NO_PAD.encode(id);
    store
        .insert(NewEnvelope {
            id: id.clone(),
            body: body.clone(),
            created_at: now(),
            expires_at,
            max_opens,
            manage_hash: Sha256::digest(token).into(),
            proof_hash: max_opens.map(|_| proof().hash()),
            uploader: None,
            team_owner: None,
        })
        .unwrap();
    (id, body, URL_SAFE_NO_PAD.encode(token))
}

/// Fetches envelope `id` from `router`: the status and the body.
async fn fetch(router: &axum::Router, id: &str) -> (StatusCode, Vec<u8>) {
    let request = Request::get(format!("/api/v1/envelopes/{id}"))
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

/// Revokes envelope `id` through `router` with its manage token: the status.
async fn revoke(router: &axum::Router, id: &str, token: &str) -> StatusCode {
    let request = Request::delete(format!("/api/v1/envelopes/{id}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    router.clone().oneshot(request).await.unwrap().status()
}

async fn a_hot_envelope_is_fetched_once_then_only_its_metadata_is_read(backend: Backend) {
    let shared = shared(backend);
    let (router, counting) = node(&shared, &[]);
    let (id, body, _) = stored(&*shared.store, None, now() + 3600);
    for _ in 0..3 {
        assert_eq!(fetch(&router, &id).await, (StatusCode::OK, body.clone()));
    }
    assert_eq!(counting.counts(), (1, 2), "(body fetches, metadata reads)");
}

async fn with_no_memory_for_hot_bodies_every_fetch_reads_the_body(backend: Backend) {
    let shared = shared(backend);
    let (router, counting) = node(&shared, &["--hot-bodies", "0"]);
    let (id, body, _) = stored(&*shared.store, None, now() + 3600);
    for _ in 0..3 {
        assert_eq!(fetch(&router, &id).await, (StatusCode::OK, body.clone()));
    }
    assert_eq!(counting.counts(), (3, 0), "(body fetches, metadata reads)");
}

async fn a_revocation_on_another_node_is_seen_at_the_next_fetch(backend: Backend) {
    let shared = shared(backend);
    let (a, _) = node(&shared, &[]);
    let (b, _) = node(&shared, &[]);
    let (id, body, token) = stored(&*shared.store, None, now() + 3600);
    for _ in 0..2 {
        assert_eq!(fetch(&a, &id).await, (StatusCode::OK, body.clone()));
    }
    assert_eq!(revoke(&b, &id, &token).await, StatusCode::NO_CONTENT);
    assert_eq!(fetch(&a, &id).await.0, StatusCode::GONE);
    assert_eq!(fetch(&b, &id).await.0, StatusCode::GONE);
}

async fn a_revocation_on_this_node_drops_the_kept_body_at_once(backend: Backend) {
    let shared = shared(backend);
    let (router, counting) = node(&shared, &[]);
    let (id, body, token) = stored(&*shared.store, None, now() + 3600);
    assert_eq!(fetch(&router, &id).await, (StatusCode::OK, body));
    assert_eq!(revoke(&router, &id, &token).await, StatusCode::NO_CONTENT);
    // Nothing is kept, so the fetch asks the store for the body straight away.
    let before = counting.counts();
    assert_eq!(fetch(&router, &id).await.0, StatusCode::GONE);
    assert_eq!(counting.counts(), (before.0 + 1, before.1));
}

async fn an_envelope_with_an_open_limit_is_always_fetched_from_the_store(backend: Backend) {
    let shared = shared(backend);
    let (router, counting) = node(&shared, &[]);
    let (id, body, _) = stored(&*shared.store, Some(2), now() + 3600);
    for _ in 0..4 {
        assert_eq!(fetch(&router, &id).await, (StatusCode::OK, body.clone()));
    }
    // Every body comes from the store, which tells the limit with the first.
    assert_eq!(counting.counts(), (4, 0), "(body fetches, metadata reads)");
}

async fn a_burn_on_this_node_drops_the_kept_body_at_once(backend: Backend) {
    let shared = shared(backend);
    let (router, counting) = node(&shared, &[]);
    let (id, body, _) = stored(&*shared.store, Some(1), now() + 3600);
    assert_eq!(fetch(&router, &id).await, (StatusCode::OK, body));
    let opened = Request::post(format!("/api/v1/envelopes/{id}/opened"))
        .header("content-type", "application/json")
        .body(Body::from(format!(
            r#"{{"proof":"{}"}}"#,
            proof().to_base64url()
        )))
        .unwrap();
    let response = router.clone().oneshot(opened).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let before = counting.counts();
    assert_eq!(fetch(&router, &id).await.0, StatusCode::GONE);
    assert_eq!(counting.counts(), (before.0 + 1, before.1));
}

async fn a_burn_on_another_node_is_seen_at_the_next_fetch(backend: Backend) {
    let shared = shared(backend);
    let (a, _) = node(&shared, &[]);
    let (id, body, _) = stored(&*shared.store, Some(2), now() + 3600);
    assert_eq!(fetch(&a, &id).await, (StatusCode::OK, body));
    // Another node counts both opens: the second burns the envelope.
    shared.store.record_open(&id).unwrap();
    shared.store.record_open(&id).unwrap();
    assert_eq!(fetch(&a, &id).await.0, StatusCode::GONE);
}

async fn an_expired_envelope_is_not_found_even_when_its_body_was_kept(backend: Backend) {
    let shared = shared(backend);
    let (router, _) = node(&shared, &[]);
    let expires_at = now() + 2;
    let (id, body, _) = stored(&*shared.store, None, expires_at);
    for _ in 0..2 {
        assert_eq!(fetch(&router, &id).await, (StatusCode::OK, body.clone()));
    }
    until_expired(expires_at).await;
    assert_eq!(fetch(&router, &id).await.0, StatusCode::NOT_FOUND);
}

/// Waits until the clock passes `expires_at` (at most 3 s away).
async fn until_expired(expires_at: u64) {
    for _ in 0..30 {
        if now() >= expires_at {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(now() >= expires_at);
}

/// A relay that alone serves its SQLite store serves a hot body from memory, reading nothing,
/// until the store counts a revocation or a burn (through any node over it) or the envelope
/// expires.
#[tokio::test]
async fn a_relay_alone_on_its_sqlite_store_serves_a_hot_body_without_reads() {
    let shared = shared_alone();
    let (a, counting) = node(&shared, &[]);
    let (b, _) = node(&shared, &[]);
    let (id, body, token) = stored(&*shared.store, None, now() + 3600);
    let (other, other_body, _) = stored(&*shared.store, None, now() + 3600);
    for _ in 0..3 {
        assert_eq!(fetch(&a, &id).await, (StatusCode::OK, body.clone()));
        assert_eq!(
            fetch(&a, &other).await,
            (StatusCode::OK, other_body.clone())
        );
    }
    assert_eq!(counting.counts(), (2, 0), "(body fetches, metadata reads)");
    // A revocation through the other node's state: a changed count, so each kept body needs
    // one liveness read again.
    assert_eq!(revoke(&b, &id, &token).await, StatusCode::NO_CONTENT);
    assert_eq!(fetch(&a, &id).await.0, StatusCode::GONE);
    for _ in 0..2 {
        assert_eq!(
            fetch(&a, &other).await,
            (StatusCode::OK, other_body.clone())
        );
    }
    assert_eq!(counting.counts(), (3, 2), "(body fetches, metadata reads)");
    // A burn, counted by the store itself.
    let (limited, limited_body, _) = stored(&*shared.store, Some(1), now() + 3600);
    assert_eq!(fetch(&a, &limited).await, (StatusCode::OK, limited_body));
    shared.store.record_open(&limited).unwrap();
    assert_eq!(fetch(&a, &limited).await.0, StatusCode::GONE);
    assert_eq!(fetch(&a, &other).await, (StatusCode::OK, other_body));
    assert_eq!(counting.counts(), (5, 3), "(body fetches, metadata reads)");
    // An expiry, from the expiry kept with the body.
    let expires_at = now() + 2;
    let (soon, soon_body, _) = stored(&*shared.store, None, expires_at);
    assert_eq!(fetch(&a, &soon).await, (StatusCode::OK, soon_body));
    until_expired(expires_at).await;
    assert_eq!(fetch(&a, &soon).await.0, StatusCode::NOT_FOUND);
}

/// An edit by hand to the SQLite store behind the serving relay's back (an operator deleting
/// an envelope, or ending it early, with the `sqlite3` shell) ends the kept body too, within
/// a checkpoint tick.
#[tokio::test]
async fn an_edit_by_hand_to_the_sqlite_store_ends_a_kept_body_within_a_tick() {
    let shared = shared_alone();
    let (a, counting) = node(&shared, &[]);
    let (deleted, body, _) = stored(&*shared.store, None, now() + 3600);
    let (ended, ended_body, _) = stored(&*shared.store, None, now() + 3600);
    assert_eq!(fetch(&a, &deleted).await, (StatusCode::OK, body));
    assert_eq!(fetch(&a, &ended).await, (StatusCode::OK, ended_body));
    let by_hand = rusqlite::Connection::open(shared.dir.join("data").join(DATABASE_FILE)).unwrap();
    by_hand
        .execute("DELETE FROM envelopes WHERE id = ?1", [&deleted])
        .unwrap();
    by_hand
        .execute(
            "UPDATE envelopes SET expires_at = 1 WHERE id = ?1",
            [&ended],
        )
        .unwrap();
    let mut tries = 0;
    while fetch(&a, &deleted).await.0 == StatusCode::OK && tries < 40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        tries += 1;
    }
    assert!(tries < 40, "the edit was not seen within 2 s");
    assert_eq!(fetch(&a, &deleted).await.0, StatusCode::NOT_FOUND);
    assert_eq!(fetch(&a, &ended).await.0, StatusCode::NOT_FOUND);
    // Until the tick, from memory; then for each, a liveness read that finds it gone and a
    // fetch from the store (two for the deleted one, which the loop fetched once more).
    assert_eq!(
        counting.counts(),
        (2 + 3, 2),
        "(body fetches, metadata reads)"
    );
}

/// Many fetches at once each get their own envelope's liveness at their own time, although
/// PostgreSQL answers reads that arrive together with one query.
async fn concurrent_liveness_reads_each_get_their_own_answer(backend: Backend) {
    use sealbill_relay::store::State::{Active, Burned, Revoked};
    let shared = shared(backend);
    let store = &*shared.store;
    let t = now();
    let (open, ..) = stored(store, None, t + 3600);
    let (limited, ..) = stored(store, Some(5), t + 3600);
    let (revoked, ..) = stored(store, None, t + 3600);
    store.revoke(&revoked).unwrap();
    let (burned, ..) = stored(store, Some(1), t + 3600);
    store.record_open(&burned).unwrap();
    let (soon, ..) = stored(store, None, t + 100);
    let expected = [
        (open.clone(), t, Some((Active, false))),
        (limited, t, Some((Active, true))),
        (revoked, t, Some((Revoked, false))),
        (burned, t, Some((Burned, true))),
        (soon.clone(), t, Some((Active, false))),
        // The same envelope, read at a time after its expiry.
        (soon, t + 100, None),
        (open, t + 3600, None),
        ("unknownunknownunknown0".to_owned(), t, None),
    ];
    let reads: Vec<_> = (0..400)
        .map(|i| {
            let (id, at, _) = &expected[i % expected.len()];
            tokio::spawn(store.liveness_later(id.clone(), *at))
        })
        .collect();
    for (i, read) in reads.into_iter().enumerate() {
        let (id, at, want) = &expected[i % expected.len()];
        let got = read.await.unwrap().unwrap();
        assert_eq!(got, *want, "read {i}: {id} at {at}");
        assert_eq!(
            got,
            store.liveness(id, *at).unwrap(),
            "read {i} against one read"
        );
    }
}

on_both_backends!(
    concurrent_liveness_reads_each_get_their_own_answer,
    a_hot_envelope_is_fetched_once_then_only_its_metadata_is_read,
    with_no_memory_for_hot_bodies_every_fetch_reads_the_body,
    a_revocation_on_another_node_is_seen_at_the_next_fetch,
    a_revocation_on_this_node_drops_the_kept_body_at_once,
    an_envelope_with_an_open_limit_is_always_fetched_from_the_store,
    a_burn_on_this_node_drops_the_kept_body_at_once,
    a_burn_on_another_node_is_seen_at_the_next_fetch,
    an_expired_envelope_is_not_found_even_when_its_body_was_kept,
);
