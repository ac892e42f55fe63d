//! Two relay nodes on one PostgreSQL database: the real `sealbill-relay` binaries on loopback
//! ports, each test on a fresh database of the server of `SEALBILL_TEST_DATABASE_URL`
//! (scripts/postgres.sh starts a throwaway one; without it these tests fail). An envelope
//! uploaded through one node is served and revoked through the other; concurrent opens spread
//! over both nodes burn an envelope after exactly its allowed opens; a signed request is taken
//! once whichever node, or restart, it reaches; a node killed (`kill -9`) in the middle of an
//! upload loses nothing it acknowledged and leaves nothing of that upload; and the expiry
//! sweeps of nodes starting at once delete what expired, once, and nothing else. Every wait
//! and loop is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/cluster.rs"]
mod cluster;
mod common;
#[path = "common/stores.rs"]
mod stores;

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cluster::*;
use common::*;
use sealbill::{seal, ArchiveKey, Document, Identity, Member, Role, RosterDraft, SealOptions};
use serde_json::{json, Value};

/// Opens sent at once in the burn race, spread evenly over both nodes.
const OPENS: usize = 32;

/// A fresh database and a directory for the nodes' logs.
fn setup(tag: &str) -> (Database, PathBuf) {
    (Database::fresh(), temp_dir(tag))
}

fn parties() -> (Identity, Identity) {
    (
        Identity::generate("Acme GmbH").unwrap(),
        Identity::generate("Client").unwrap(),
    )
}

fn envelope(id: &str) -> String {
    format!("/api/v1/envelopes/{id}")
}

/// An envelope as its uploader knows it.
struct Uploaded {
    id: String,
    token: String,
    expires_at: u64,
    body: Vec<u8>,
}

/// A signed upload of `body` through `node`, answered 201.
fn upload_through(node: SocketAddr, sender: &Identity, target: &str, body: Vec<u8>) -> Uploaded {
    let created = upload(node, Some(sender), target, &body);
    let id = id_of(&created);
    let answer = created.json();
    Uploaded {
        id,
        token: answer["manageToken"].as_str().unwrap().to_owned(),
        expires_at: answer["expiresAt"].as_u64().unwrap(),
        body,
    }
}

/// GET …/status with the manage token: the JSON answer.
fn status_of(node: SocketAddr, envelope_id: &str, token: &str) -> Value {
    let auth = format!("Bearer {token}");
    let reply = http(
        node,
        "GET",
        &format!("{}/status", envelope(envelope_id)),
        &[("authorization", &auth)],
        b"",
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

/// What a HEAD request on an envelope answers: status, length, type, caching, and its body
/// (none).
fn head_of(node: SocketAddr, envelope_id: &str) -> (u16, [Option<String>; 3], Vec<u8>) {
    let reply = http(node, "HEAD", &envelope(envelope_id), &[], b"");
    let headers = ["content-length", "content-type", "cache-control"]
        .map(|name| reply.header(name).map(str::to_owned));
    (reply.status, headers, reply.body)
}

/// A GET's status and error code (see [`outcome`]).
fn refused(node: SocketAddr, target: &str) -> (u16, String) {
    outcome(&http(node, "GET", target, &[], b""))
}

/// The sender's active, unexpired envelopes as a node lists them to the sender (the owner of
/// a stored roster) through `GET /api/v1/team/envelopes`.
fn listed(node: SocketAddr, owner: &Identity) -> BTreeSet<String> {
    let key = URL_SAFE_NO_PAD.encode(owner.card().verifying_key().to_bytes());
    let target = format!("/api/v1/team/envelopes?owner={key}");
    let reply = exchange(
        node,
        &signed_request(owner, &node.to_string(), "GET", &target, b""),
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let answer = reply.json();
    assert_eq!(answer["more"], false);
    answer["envelopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Stores a roster of `owner` (one biller) through `node`, so that it may list its envelopes.
fn post_roster(node: SocketAddr, owner: &Identity) {
    let roster = RosterDraft {
        version: 1,
        issued: now(),
        members: vec![Member {
            card: Identity::generate("Bill").unwrap().card().clone(),
            role: Role::Biller,
            valid_from: now() - 10,
            valid_until: 0,
        }],
        accounts: vec![],
        archive: ArchiveKey::generate(1).entry(),
    }
    .sign(owner)
    .unwrap();
    let stored = upload(node, Some(owner), "/api/v1/rosters", roster.to_bytes());
    assert_eq!(
        stored.status,
        201,
        "{}",
        String::from_utf8_lossy(&stored.body)
    );
}

/// The rows of `envelopes` and their sizes, as SQL counts them.
fn rows_and_bytes(db: &Database) -> (i64, i64) {
    (
        db.int("SELECT count(*) FROM envelopes"),
        db.int("SELECT coalesce(sum(size), 0) FROM envelopes"),
    )
}

/// Checks that the counters row of the active envelopes (what `/metrics` reads) matches the
/// rows, and that every node's `/metrics` shows it; returns (envelopes, bytes).
fn counters_agree(db: &Database, nodes: &[SocketAddr]) -> (u64, u64) {
    let actual = (
        db.int("SELECT count(*) FROM envelopes WHERE state = 0"),
        db.int("SELECT coalesce(sum(size), 0) FROM envelopes WHERE state = 0"),
    );
    let kept = (
        db.int("SELECT envelopes FROM envelope_stats"),
        db.int("SELECT bytes FROM envelope_stats"),
    );
    assert_eq!(kept, actual, "the counters row matches the rows");
    let actual = (
        u64::try_from(actual.0).unwrap(),
        u64::try_from(actual.1).unwrap(),
    );
    for node in nodes {
        assert_eq!(
            (
                metric(*node, "sealbill_envelopes"),
                metric(*node, "sealbill_envelope_bytes")
            ),
            actual,
            "/metrics of {node}"
        );
    }
    actual
}

#[test]
fn an_upload_through_one_node_is_served_and_revoked_through_the_other() {
    let (db, dir) = setup("nodes-serve");
    let (acme, client) = parties();
    db.add_sender(&acme);
    let a = db.node(&dir, &[]);
    let b = db.node(&dir, &[]);
    let nodes = [a.addr, b.addr];

    // Envelopes of a few sizes, through either node.
    let uploaded: Vec<Uploaded> = [(a.addr, 0), (a.addr, 1 << 20), (b.addr, 64 << 10)]
        .into_iter()
        .enumerate()
        .map(|(i, (node, padding))| {
            let body = sealed_padded(&acme, &client, &format!("INV-{i}"), padding);
            upload_through(node, &acme, "/api/v1/envelopes?expires=600", body)
        })
        .collect();
    for up in &uploaded {
        for node in nodes {
            let fetched = http(node, "GET", &envelope(&up.id), &[], b"");
            assert_eq!(fetched.status, 200);
            assert_eq!(fetched.body, up.body, "byte for byte through {node}");
            assert_eq!(
                fetched.header("content-type"),
                Some("application/octet-stream")
            );
        }
        let heads = nodes.map(|node| head_of(node, &up.id));
        assert_eq!(heads[0], heads[1], "HEAD agrees on both nodes");
        let length = up.body.len().to_string();
        let expected = [length.as_str(), "application/octet-stream", "no-store"];
        assert_eq!(
            heads[0],
            (200, expected.map(|v| Some(v.to_owned())), vec![])
        );
        let statuses = nodes.map(|node| status_of(node, &up.id, &up.token));
        assert_eq!(statuses[0], statuses[1], "the status agrees on both nodes");
        assert_eq!(
            statuses[0],
            json!({"status": "active", "opens": 0, "maxOpens": null, "expiresAt": up.expires_at})
        );
    }
    let total: usize = uploaded.iter().map(|u| u.body.len()).sum();
    assert_eq!(counters_agree(&db, &nodes), (3, total as u64));

    // Revoked through B, the envelope uploaded through A is gone on A too.
    let revoked = &uploaded[0];
    let auth = format!("Bearer {}", revoked.token);
    let deleted = http(
        b.addr,
        "DELETE",
        &envelope(&revoked.id),
        &[("authorization", &auth)],
        b"",
    );
    assert_eq!(deleted.status, 204);
    assert_eq!(
        refused(a.addr, &envelope(&revoked.id)),
        (410, "GONE".to_owned())
    );
    assert_eq!(head_of(a.addr, &revoked.id).0, 410);
    let statuses = nodes.map(|node| status_of(node, &revoked.id, &revoked.token));
    assert_eq!(statuses[0], statuses[1]);
    assert_eq!(statuses[0]["status"], "revoked");
    assert_eq!(
        db.rows(&format!(
            "SELECT state, body IS NULL FROM envelopes WHERE id = '{}'",
            revoked.id
        )),
        vec![vec![Some("1".to_owned()), Some("t".to_owned())]],
        "revoked, its body deleted"
    );
    for up in &uploaded[1..] {
        let fetched = http(a.addr, "GET", &envelope(&up.id), &[], b"");
        assert_eq!((fetched.status, &fetched.body), (200, &up.body));
    }
    assert_eq!(
        counters_agree(&db, &nodes),
        (2, (total - revoked.body.len()) as u64)
    );
    drop((a, b));
    std::fs::remove_dir_all(dir).unwrap();
}

/// An envelope sealed to `client`, and the open proof its reader shows.
fn sealed_with_proof(sender: &Identity, client: &Identity, note: &str) -> (Vec<u8>, String) {
    let doc = Document {
        name: "i.xml".into(),
        media_type: "application/xml".into(),
        data: format!("<Invoice>{note}</Invoice>").into_bytes(),
    };
    let options = SealOptions {
        recipients: vec![client.recipient()],
        ..SealOptions::new(note, now())
    };
    let sealed = seal(sender, &[doc], &options).unwrap();
    let opened = sealbill::open(
        std::slice::from_ref(client.age_identity()),
        &sealed.envelope,
        None,
    )
    .unwrap();
    (sealed.envelope, opened.open_proof.to_base64url())
}

#[test]
fn concurrent_opens_on_both_nodes_burn_an_envelope_after_exactly_its_allowed_opens() {
    let (db, dir) = setup("nodes-burn");
    let (acme, client) = parties();
    db.add_sender(&acme);
    let a = db.node(&dir, &[]);
    let b = db.node(&dir, &[]);
    let nodes = [a.addr, b.addr];

    for allowed in [1, 3] {
        let (body, proof) = sealed_with_proof(&acme, &client, &format!("INV-BURN-{allowed}"));
        let hash = hash_of(&proof);
        let target = format!("/api/v1/envelopes?expires=600&opens={allowed}&proof={hash}");
        let up = upload_through(a.addr, &acme, &target, body);

        // Every open is sent but for its last byte, then all are released together.
        let report = format!(r#"{{"proof":"{proof}"}}"#);
        let requests = (0..OPENS)
            .map(|i| {
                let node = nodes[i % 2];
                let request = format!(
                    "POST {}/opened HTTP/1.1\r\nHost: {node}\r\nConnection: close\r\n\
                     Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{report}",
                    envelope(&up.id),
                    report.len()
                );
                (node, request.into_bytes())
            })
            .collect();
        let replies = all_at_once(requests);
        let (counted, others): (Vec<&Reply>, Vec<&Reply>) =
            replies.iter().partition(|r| r.status == 200);
        let mut opens: Vec<u64> = counted
            .iter()
            .map(|r| r.json()["opens"].as_u64().unwrap())
            .collect();
        opens.sort_unstable();
        assert_eq!(
            opens,
            (1..=allowed).collect::<Vec<u64>>(),
            "exactly {allowed} of {OPENS} opens counted, each once"
        );
        let burned: Vec<u64> = counted
            .iter()
            .filter(|r| r.json()["burned"] == true)
            .map(|r| r.json()["opens"].as_u64().unwrap())
            .collect();
        assert_eq!(burned, vec![allowed], "the last allowed open burns it");
        for reply in others {
            assert_eq!(
                outcome(reply),
                (410, "GONE".to_owned()),
                "the opens after the burn are refused"
            );
        }

        // The store counted each open once, and the body is gone.
        assert_eq!(
            db.rows(&format!(
                "SELECT opens, state, body IS NULL FROM envelopes WHERE id = '{}'",
                up.id
            )),
            vec![vec![
                Some(allowed.to_string()),
                Some("2".to_owned()),
                Some("t".to_owned())
            ]]
        );
        for node in nodes {
            let status = status_of(node, &up.id, &up.token);
            assert_eq!(
                (status["status"].as_str(), status["opens"].as_u64()),
                (Some("burned"), Some(allowed))
            );
            assert_eq!(refused(node, &envelope(&up.id)), (410, "GONE".to_owned()));
        }
    }
    assert_eq!(counters_agree(&db, &nodes), (0, 0));
    drop((a, b));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The hash of an open proof in base64url, as the sender gives it at upload.
fn hash_of(proof: &str) -> String {
    sealbill::OpenProof::from_base64url(proof)
        .unwrap()
        .hash_base64url()
}

#[test]
fn a_signed_upload_is_taken_once_whichever_node_or_restart_it_reaches() {
    let (db, dir) = setup("nodes-replay");
    let (acme, client) = parties();
    db.add_sender(&acme);
    let a = db.node(&dir, &[]);
    let b = db.node(&dir, &[]);
    // Both nodes listen on port 0, so that each answers to the other's Host as well.
    let host = a.addr.to_string();
    let envelopes = || db.int("SELECT count(*) FROM envelopes");

    let body = sealed_for(&acme, &client, "INV-1");
    let first = signed_request(&acme, &host, "POST", "/api/v1/envelopes?expires=600", &body);
    let taken = exchange(a.addr, &first);
    let id = id_of(&taken);
    let replayed = exchange(b.addr, &first);
    assert_eq!(outcome(&replayed), (401, "REPLAYED".to_owned()));
    assert_eq!(envelopes(), 1, "the envelope exists once");
    assert_eq!(metric(b.addr, "sealbill_envelopes"), 1);
    let fetched = http(b.addr, "GET", &envelope(&id), &[], b"");
    assert_eq!((fetched.status, fetched.body), (200, body.clone()));

    // Each of these signed uploads reaches both nodes at once: one takes it.
    let round: Vec<Vec<u8>> = (0..8)
        .map(|i| {
            let target = format!("/api/v1/envelopes?expires={}", 601 + i);
            let body = sealed_for(&acme, &client, &format!("INV-R{i}"));
            signed_request(&acme, &host, "POST", &target, &body)
        })
        .collect();
    let replies = all_at_once(
        round
            .iter()
            .flat_map(|r| [(a.addr, r.clone()), (b.addr, r.clone())])
            .collect(),
    );
    for (i, pair) in replies.chunks(2).enumerate() {
        let mut outcomes: Vec<(u16, String)> = pair.iter().map(outcome).collect();
        outcomes.sort();
        assert_eq!(
            outcomes,
            vec![(201, String::new()), (401, "REPLAYED".to_owned())],
            "request {i}: taken by one node, refused by the other"
        );
    }
    assert_eq!(envelopes(), 9);
    assert_eq!(db.int("SELECT count(*) FROM seen_requests"), 9);

    // A dies and starts again on the same database: it still refuses them all.
    a.kill_9();
    let a = db.node(&dir, &[]);
    for (i, request) in std::iter::once(&first).chain(&round).enumerate() {
        for node in [a.addr, b.addr] {
            let replayed = exchange(node, request);
            assert_eq!(
                outcome(&replayed),
                (401, "REPLAYED".to_owned()),
                "request {i} through {node} after the restart"
            );
        }
    }
    assert_eq!(envelopes(), 9);
    assert_eq!(counters_agree(&db, &[a.addr, b.addr]).0, 9);
    // Only replays are refused: the same body signed anew (another target) is taken.
    let again = signed_request(&acme, &host, "POST", "/api/v1/envelopes?expires=700", &body);
    assert_eq!(exchange(a.addr, &again).status, 201);
    assert_eq!(envelopes(), 10);
    drop((a, b));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The size of the upload that `kill -9` interrupts, and how much of its body is sent first.
const BIG: usize = 8 << 20;
const SENT_BEFORE_THE_KILL: usize = 3 << 20;

/// Whether the relay has answered on `stream` yet, without waiting.
fn answered(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let answered = !matches!(stream.peek(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock);
    stream.set_nonblocking(false).unwrap();
    answered
}

#[test]
fn kill_9_in_the_middle_of_an_upload_loses_nothing_acknowledged_and_leaves_nothing_of_it() {
    let (db, dir) = setup("nodes-kill9");
    let (acme, client) = parties();
    db.add_sender(&acme);
    let a = db.node(&dir, &[]);
    let b = db.node(&dir, &[]);
    post_roster(b.addr, &acme);

    // A batch of uploads through A, each acknowledged (201).
    let mut acknowledged: Vec<Uploaded> = (0..10)
        .map(|i| {
            let body = sealed_padded(&acme, &client, &format!("INV-{i}"), i * 20_000);
            upload_through(a.addr, &acme, "/api/v1/envelopes?expires=600", body)
        })
        .collect();

    // A large signed upload to A, its body sent slowly and stopped partway.
    let big = sealed_padded(&acme, &client, "INV-BIG", BIG);
    let host = a.addr.to_string();
    let request = signed_request(&acme, &host, "POST", "/api/v1/envelopes?expires=600", &big);
    let head = request.len() - big.len();
    let mut stream = connect(a.addr, Duration::from_secs(10));
    let started = Instant::now();
    for chunk in request[..head + SENT_BEFORE_THE_KILL].chunks(64 << 10) {
        stream.write_all(chunk).unwrap();
        std::thread::sleep(Duration::from_millis(3));
    }
    // More uploads are acknowledged while that body is in flight.
    for i in 10..13 {
        let body = sealed_for(&acme, &client, &format!("INV-{i}"));
        acknowledged.push(upload_through(
            a.addr,
            &acme,
            "/api/v1/envelopes?expires=600",
            body,
        ));
    }
    assert!(
        !answered(&stream),
        "the relay waits for the rest of the body (it refused nothing early)"
    );
    println!(
        "kill -9 with {} of {} bytes of the upload sent, {:?} after it started",
        SENT_BEFORE_THE_KILL,
        big.len(),
        started.elapsed()
    );
    a.kill_9();

    // The interrupted upload gets no answer, whatever of its body still goes out.
    let mut rest = request[head + SENT_BEFORE_THE_KILL..].chunks(64 << 10);
    let cut = rest.any(|chunk| stream.write_all(chunk).is_err());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        answer.is_empty(),
        "no answer after kill -9 (the rest of the body {})",
        if cut { "was refused" } else { "went out" }
    );
    drop(stream);

    // B serves on: every acknowledged upload, byte for byte, and nothing of the interrupted one.
    assert_eq!(http(b.addr, "GET", "/healthz", &[], b"").status, 200);
    for up in &acknowledged {
        let fetched = http(b.addr, "GET", &envelope(&up.id), &[], b"");
        assert_eq!(fetched.status, 200);
        assert_eq!(
            fetched.body, up.body,
            "acknowledged before kill -9, byte for byte"
        );
    }
    let ids: BTreeSet<String> = acknowledged.iter().map(|u| u.id.clone()).collect();
    assert_eq!(
        listed(b.addr, &acme),
        ids,
        "B lists the acknowledged uploads only"
    );
    let sizes: usize = acknowledged.iter().map(|u| u.body.len()).sum();
    let count = acknowledged.len();
    assert_eq!(
        rows_and_bytes(&db),
        (count as i64, sizes as i64),
        "no row of the interrupted upload"
    );
    assert_eq!(
        db.int("SELECT count(*) FROM envelopes WHERE body IS NULL OR size <> length(body)"),
        0,
        "no partial row"
    );
    assert_eq!(counters_agree(&db, &[b.addr]), (count as u64, sizes as u64));

    // A starts again on the same database, and the retried upload (the same signed request:
    // the interrupted one used up nothing) goes through it.
    let a = db.node(&dir, &[]);
    assert_eq!(http(a.addr, "GET", "/healthz", &[], b"").status, 200);
    assert_eq!(
        counters_agree(&db, &[a.addr, b.addr]),
        (count as u64, sizes as u64)
    );
    let retried = exchange(a.addr, &request);
    let retried_id = id_of(&retried);
    let fetched = http(b.addr, "GET", &envelope(&retried_id), &[], b"");
    assert_eq!((fetched.status, fetched.body.len()), (200, big.len()));
    assert!(fetched.body == big, "the retried upload, byte for byte");
    assert_eq!(
        counters_agree(&db, &[a.addr, b.addr]),
        ((count + 1) as u64, (sizes + big.len()) as u64)
    );
    assert_eq!(
        metric(a.addr, "sealbill_uploaded_bytes_total"),
        big.len() as u64,
        "the restarted node counts its own uploads from zero"
    );
    let mut ids = ids;
    ids.insert(retried_id);
    assert_eq!(listed(a.addr, &acme), ids);
    drop((a, b));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Envelopes inserted by SQL beside the API's, so that the sweeps have thousands of rows.
const SEEDED_EXPIRING: i64 = 3000;
const SEEDED_LASTING: i64 = 3000;

/// The `purged=N` counts of the sweeps a node logged.
fn purged_in(logs: &[u8]) -> u64 {
    String::from_utf8_lossy(logs)
        .lines()
        .filter(|line| line.contains("expired envelopes deleted"))
        .map(|line| {
            let n = line.split("purged=").nth(1).expect("purged=N");
            n.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse::<u64>()
                .unwrap()
        })
        .sum()
}

/// SQL for an envelope id made from the text `seed`, as the relay makes them: 16 bytes in
/// base64url.
fn sql_id(seed: &str) -> String {
    format!(
        "rtrim(translate(encode(substr(sha256(convert_to({seed}, 'UTF8')), 1, 16), 'base64'), \
         '+/', '-_'), '=')"
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The advisory lock the test holds while the sweeps of two nodes start.
const SWEEP_GATE: i64 = 0x0053_5745_4550;

/// Test instrumentation on the relay's schema: every statement that deletes from `envelopes`
/// (only the sweep does) leaves a row in `test_sweeps`, in its own transaction: the backend,
/// when the statement began and ended, and how many rows it deleted. Before it ends, the
/// statement waits while the test holds [`SWEEP_GATE`], its rows still locked.
fn audit_sweeps() -> String {
    format!(
        "CREATE TABLE test_sweeps (
            pid integer, started timestamptz, finished timestamptz, deleted bigint);
        CREATE FUNCTION test_sweep_seen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock_shared({SWEEP_GATE});
            INSERT INTO test_sweeps
                SELECT pg_backend_pid(), statement_timestamp(), clock_timestamp(), count(*)
                FROM gone;
            RETURN NULL;
        END $$;
        CREATE TRIGGER test_sweeps AFTER DELETE ON envelopes REFERENCING OLD TABLE AS gone
            FOR EACH STATEMENT EXECUTE FUNCTION test_sweep_seen()"
    )
}

/// Sweeps waiting on a lock (the gate, or rows another sweep holds) at this moment.
const WAITING_SWEEPS: &str = "SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'
      AND query LIKE '%DELETE FROM envelopes%'";

/// Waits (at most `limit`) until `done` holds.
fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_sweeps_of_two_nodes_at_once_delete_each_expired_envelope_once_and_nothing_else() {
    let (db, dir) = setup("nodes-sweep");
    let (acme, client) = parties();
    db.add_sender(&acme);
    db.rows(&audit_sweeps());
    let sweeps = || db.int("SELECT count(*) FROM test_sweeps");
    // Every node sweeps as it starts, then once a minute: A before any upload.
    let a = db.node(&dir, &[]);
    wait_until(Duration::from_secs(10), "A's first sweep", || sweeps() == 1);

    // Through the API: envelopes that expire in 2 s (one of them revoked), and lasting ones
    // (one revoked, one burned).
    let sealed_upload = |note: &str, target: &str| {
        upload_through(a.addr, &acme, target, sealed_for(&acme, &client, note))
    };
    let expiring: Vec<Uploaded> = (0..7)
        .map(|i| sealed_upload(&format!("INV-E{i}"), "/api/v1/envelopes?expires=2"))
        .collect();
    let lasting: Vec<Uploaded> = (0..4)
        .map(|i| sealed_upload(&format!("INV-L{i}"), "/api/v1/envelopes?expires=600"))
        .collect();
    let (burnable, proof) = sealed_with_proof(&acme, &client, "INV-BURNED");
    let hash = hash_of(&proof);
    let burned = upload_through(
        a.addr,
        &acme,
        &format!("/api/v1/envelopes?expires=600&opens=1&proof={hash}"),
        burnable,
    );
    for revoked in [&expiring[0], &lasting[0]] {
        let auth = format!("Bearer {}", revoked.token);
        let deleted = http(
            a.addr,
            "DELETE",
            &envelope(&revoked.id),
            &[("authorization", &auth)],
            b"",
        );
        assert_eq!(deleted.status, 204);
    }
    let opened = http(
        a.addr,
        "POST",
        &format!("{}/opened", envelope(&burned.id)),
        &[("content-type", "application/json")],
        format!(r#"{{"proof":"{proof}"}}"#).as_bytes(),
    );
    assert_eq!(opened.json()["burned"], true);

    // Through SQL: thousands more expiring at the same second, and as many lasting, half of
    // them only a minute longer.
    let cutoff = expiring.iter().map(|u| u.expires_at).max().unwrap();
    let (near, far) = (cutoff + 60, cutoff + 3600);
    db.rows(&format!(
        "INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash)
         SELECT {expiring_id}, decode(md5(g::text), 'hex'), 16, {now},
                {cutoff}, sha256(convert_to('e' || g, 'UTF8'))
         FROM generate_series(1, {SEEDED_EXPIRING}) g;
         INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash)
         SELECT {lasting_id}, decode(md5('l' || g), 'hex'), 16, {now},
                CASE WHEN g % 2 = 0 THEN {near} ELSE {far} END,
                sha256(convert_to('l' || g, 'UTF8'))
         FROM generate_series(1, {SEEDED_LASTING}) g",
        now = now(),
        expiring_id = sql_id("'expiring' || g"),
        lasting_id = sql_id("'lasting' || g"),
    ));
    let expired_total = expiring.len() as i64 + SEEDED_EXPIRING;
    let lasting_total = lasting.len() as i64 + 1 + SEEDED_LASTING;
    let expired_rows = format!("SELECT count(*) FROM envelopes WHERE expires_at <= {cutoff}");

    // Expired: gone for readers at once, still stored until a sweep.
    wait_until(Duration::from_secs(10), "the expiry", || now() > cutoff);
    assert_eq!(
        refused(a.addr, &envelope(&expiring[1].id)),
        (404, "NOT_FOUND".to_owned())
    );
    assert_eq!(db.int(&expired_rows), expired_total, "not swept yet");

    // Two more nodes start at once, each sweeping as it starts. The test holds the gate
    // meanwhile, so that each sweep waits, its rows locked, until both are under way.
    let gate = db.begin(&format!("SELECT pg_advisory_xact_lock({SWEEP_GATE})"));
    let (c, d) = std::thread::scope(|s| {
        let c = s.spawn(|| db.node(&dir, &[]));
        let d = s.spawn(|| db.node(&dir, &[]));
        (c.join().unwrap(), d.join().unwrap())
    });
    wait_until(Duration::from_secs(15), "both sweeps under way", || {
        db.int(WAITING_SWEEPS) == 2
    });
    assert_eq!(sweeps(), 1, "no sweep ended while the gate was held");
    gate.commit();

    let nodes = [&a, &c, &d];
    let purged = || nodes.iter().map(|n| purged_in(&n.logs())).sum::<u64>();
    wait_until(Duration::from_secs(15), "the sweeps' end", || {
        sweeps() == 3 && purged() >= expired_total as u64
    });
    // Whichever node swept what, each expired envelope was deleted (and counted) once, and no
    // sweep failed; a little later still.
    std::thread::sleep(Duration::from_millis(300));
    let by_node: Vec<u64> = nodes.iter().map(|n| purged_in(&n.logs())).collect();
    let audit = db.rows(
        "SELECT pid, deleted, to_char(started, 'HH24:MI:SS.US'), to_char(finished, 'HH24:MI:SS.US')
         FROM test_sweeps ORDER BY started OFFSET 1",
    );
    println!("purged by A, C and D: {by_node:?}; the sweeps of C and D: {audit:?}");
    assert_eq!(
        by_node.iter().sum::<u64>(),
        expired_total as u64,
        "the envelopes the nodes logged as purged: each expired one, once"
    );
    assert_eq!(by_node[0], 0, "A did not sweep again");
    assert_eq!(
        db.int("SELECT sum(deleted) FROM test_sweeps"),
        expired_total,
        "every expired row deleted once"
    );
    assert_eq!(
        db.int(
            "SELECT count(*) FROM test_sweeps s, test_sweeps t
             WHERE s.pid < t.pid AND s.started < t.finished AND t.started < s.finished"
        ),
        1,
        "the sweeps of C and D ran at once, on two connections"
    );
    for node in nodes {
        assert!(!contains(&node.logs(), "purge failed"));
    }

    // Nothing unexpired went: every lasting row, each envelope as it was.
    assert_eq!(db.int(&expired_rows), 0);
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM envelopes WHERE expires_at > {cutoff}"
        )),
        lasting_total
    );
    assert_eq!(rows_and_bytes(&db).0, lasting_total);
    for node in [c.addr, d.addr] {
        for up in &lasting[1..] {
            let fetched = http(node, "GET", &envelope(&up.id), &[], b"");
            assert_eq!((fetched.status, &fetched.body), (200, &up.body));
        }
        for gone in [&lasting[0], &burned] {
            assert_eq!(refused(node, &envelope(&gone.id)), (410, "GONE".to_owned()));
        }
        assert_eq!(
            refused(node, &envelope(&expiring[2].id)),
            (404, "NOT_FOUND".to_owned())
        );
    }
    // A few of the lasting rows that SQL put there, a minute or an hour from expiry.
    for row in db.rows(&format!(
        "(SELECT id, encode(body, 'hex') FROM envelopes WHERE expires_at = {near} LIMIT 2)
         UNION ALL
         (SELECT id, encode(body, 'hex') FROM envelopes WHERE expires_at = {far} LIMIT 2)"
    )) {
        let (id, body) = (row[0].clone().unwrap(), row[1].clone().unwrap());
        let fetched = http(d.addr, "GET", &envelope(&id), &[], b"");
        assert_eq!((fetched.status, hex(&fetched.body)), (200, body));
    }
    let active = lasting.len() as u64 - 1 + SEEDED_LASTING as u64;
    assert_eq!(
        counters_agree(&db, &[a.addr, c.addr, d.addr]).0,
        active,
        "the counters of the active envelopes, after the sweeps"
    );
    drop((a, c, d));
    std::fs::remove_dir_all(dir).unwrap();
}
