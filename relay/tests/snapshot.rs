//! Black-box tests of `sealbill-relay backup` and `restore`: a snapshot taken while uploads
//! run restores every acknowledged envelope byte for byte; refusals change nothing; hostile
//! snapshot files are refused in plain words; a snapshot holds nothing secret and no deleted
//! body. Every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use sealbill::{seal_archive_key, sign_request, ArchiveKey, Identity, Member, Role, RosterDraft};
use sealbill_relay::sqlite::SCHEMA_VERSION;
use sha2::{Digest, Sha256};

/// Signed uploads made while the snapshot is taken.
const UPLOADS: usize = 200;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `sealbill-relay --data-dir DIR/data backup --to FILE [--force]`, which must succeed.
fn backup(dir: &Path, file: &Path, extra: &[&str]) -> String {
    let out = relay_cli(
        dir,
        &[&["backup", "--to", file.to_str().unwrap()], extra].concat(),
    );
    assert!(out.status.success(), "backup failed: {}", stderr_of(&out));
    stdout_of(&out)
}

/// The number before " envelopes" in a backup or restore report.
fn envelopes_in(report: &str) -> usize {
    let before = report.split(" envelopes").next().unwrap();
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

/// The names and bytes of everything under `dir` (nothing if it is missing).
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = if path.is_dir() {
                all_bytes(&path)
            } else {
                std::fs::read(&path).unwrap()
            };
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                bytes,
            )
        })
        .collect();
    out.sort();
    out
}

fn get(addr: std::net::SocketAddr, id: &str) -> Reply {
    http(addr, "GET", &format!("/api/v1/envelopes/{id}"), &[], b"")
}

#[test]
fn a_snapshot_taken_during_uploads_restores_every_acknowledged_envelope_byte_for_byte() {
    let dir = temp_dir("snap-live");
    let (acme, client) = (
        Identity::generate("Acme").unwrap(),
        Identity::generate("Client").unwrap(),
    );
    let added = relay_cli(&dir, &["senders", "add", &acme.card().to_text()]);
    assert!(added.status.success(), "{}", stderr_of(&added));
    let unlimited = ["--rate-limit", "1000000"];
    let relay = Relay::start(&dir, &unlimited);
    // A team: the owner's roster lists a biller, who may upload through it.
    let bill = Identity::generate("Bill").unwrap();
    let archive_key = ArchiveKey::generate(0);
    let roster = RosterDraft {
        version: 1,
        issued: now(),
        members: vec![Member {
            card: bill.card().clone(),
            role: Role::Biller,
            valid_from: now() - 10,
            valid_until: 0,
        }],
        accounts: vec![],
        archive: archive_key.entry(),
    }
    .sign(&acme)
    .unwrap();
    let stored = upload(
        relay.addr,
        Some(&acme),
        "/api/v1/rosters",
        roster.to_bytes(),
    );
    assert_eq!(stored.status, 201);
    // What the owner publishes for Bill: his membership and the archive-key file.
    let membership = roster.membership(&acme, &bill.fingerprint()).unwrap();
    let published = upload(
        relay.addr,
        Some(&acme),
        "/api/v1/rosters/memberships",
        membership.to_bytes(),
    );
    assert_eq!(published.status, 201);
    let owner_key = URL_SAFE_NO_PAD.encode(acme.card().verifying_key().as_bytes());
    let key_file = seal_archive_key(&acme, &archive_key, &[bill.card().clone()]).unwrap();
    let published = upload(
        relay.addr,
        Some(&acme),
        "/api/v1/rosters/archive-keys?epoch=0",
        &key_file,
    );
    assert_eq!(published.status, 201);
    // Some kilobytes each, so that the store spans a few hundred pages.
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..UPLOADS)
            .map(|i| sealed_padded(&acme, &client, &format!("INV-{i}"), 6000))
            .collect(),
    );
    // Each upload's id and index, in the order of their 201.
    let acked: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
    let uploader = {
        let (bodies, acked, addr) = (bodies.clone(), acked.clone(), relay.addr);
        std::thread::spawn(move || {
            for (i, body) in bodies.iter().enumerate() {
                let id = id_of(&upload(addr, Some(&acme), "/api/v1/envelopes", body));
                acked.lock().unwrap().push((id, i));
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < UPLOADS / 2 {
        assert!(Instant::now() < deadline, "100 uploads take under 60 s");
        assert!(!uploader.is_finished(), "the uploader stopped early");
        std::thread::sleep(Duration::from_millis(5));
    }

    let before: Vec<(String, usize)> = acked.lock().unwrap().clone();
    let file = dir.join("live.snapshot");
    let started = Instant::now();
    let report = backup(&dir, &file, &[]);
    let took = started.elapsed();
    let after = acked.lock().unwrap().len();
    eprintln!(
        "backup during uploads: {took:?} (acknowledged: {} before, {after} after): {report}",
        before.len()
    );
    assert!(
        before.len() < UPLOADS,
        "the uploads were still running when the snapshot started"
    );
    uploader.join().unwrap();
    let in_snapshot = envelopes_in(&report);
    assert!(
        (before.len()..=UPLOADS).contains(&in_snapshot),
        "{in_snapshot} envelopes in the snapshot, {} acknowledged before it: {report}",
        before.len()
    );
    drop(relay);

    let restored_dir = temp_dir("snap-restored");
    let restored = relay_cli(
        &restored_dir,
        &["restore", "--from", file.to_str().unwrap()],
    );
    assert!(restored.status.success(), "{}", stderr_of(&restored));
    assert_eq!(envelopes_in(&stdout_of(&restored)), in_snapshot);
    assert!(
        stdout_of(&restored).contains(", 1 rosters, 1 memberships, 1 archive-key files,"),
        "{}",
        stdout_of(&restored)
    );
    let relay = Relay::start(&restored_dir, &unlimited);
    let acknowledged_before: std::collections::HashSet<&str> =
        before.iter().map(|(id, _)| id.as_str()).collect();
    let all = acked.lock().unwrap().clone();
    assert_eq!(all.len(), UPLOADS);
    let mut served = 0;
    for (id, i) in &all {
        let reply = get(relay.addr, id);
        if acknowledged_before.contains(id.as_str()) {
            assert_eq!(reply.status, 200, "acknowledged before the snapshot: {id}");
        }
        match reply.status {
            200 => {
                assert!(reply.body == bodies[*i], "envelope {i} is byte-identical");
                served += 1;
            }
            404 => {}
            other => panic!("envelope {i}: status {other}"),
        }
    }
    assert_eq!(
        served, in_snapshot,
        "the restored relay serves what was saved"
    );
    // The allow-list and the roster came along: the biller uploads to the restored relay.
    let listed = relay_cli(&restored_dir, &["senders", "list"]);
    assert!(
        stdout_of(&listed).contains("Acme"),
        "{}",
        stdout_of(&listed)
    );
    let bills = sealed_for(&bill, &client, "INV-BILL");
    let uploaded = upload(relay.addr, Some(&bill), "/api/v1/envelopes", &bills);
    assert_eq!(uploaded.status, 201);
    // And so did his membership and the archive-key file.
    let team = format!("/api/v1/team?owner={owner_key}");
    let host = relay.addr.to_string();
    let signature = sign_request(&bill, "GET", &host, &team, now(), b"").unwrap();
    let got = http(
        relay.addr,
        "GET",
        &team,
        &[("sealbill-signature", &signature)],
        b"",
    );
    assert_eq!(got.status, 200);
    assert_eq!(
        got.json()["membership"],
        URL_SAFE_NO_PAD.encode(membership.to_bytes())
    );
    assert_eq!(
        got.json()["archiveKeys"][0]["file"],
        URL_SAFE_NO_PAD.encode(&key_file)
    );
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(restored_dir).unwrap();
}

#[test]
fn restore_refuses_a_non_empty_dir_and_backup_an_existing_file_changing_nothing() {
    let dir = temp_dir("snap-refuse");
    let card = Identity::generate("Acme").unwrap().card().to_text();
    assert!(relay_cli(&dir, &["senders", "add", &card]).status.success());
    let file = dir.join("s.snapshot");
    backup(&dir, &file, &[]);
    let saved = std::fs::read(&file).unwrap();

    // A second sender changes the store, so that a replaced snapshot would differ.
    let other = Identity::generate("Other").unwrap().card().to_text();
    assert!(relay_cli(&dir, &["senders", "add", &other])
        .status
        .success());
    let everything = listing(&dir);
    let again = relay_cli(&dir, &["backup", "--to", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(
        stderr_of(&again).contains("exists; pass --force to replace it"),
        "{}",
        stderr_of(&again)
    );
    assert!(
        listing(&dir) == everything,
        "a refused backup writes nothing, not even a temporary file"
    );
    let forced = backup(&dir, &file, &["--force"]);
    assert!(forced.contains("2 senders"), "{forced}");
    assert_ne!(std::fs::read(&file).unwrap(), saved);

    // Into the data directory in use, and into one holding any file at all.
    let before = listing(&dir.join("data"));
    let into_store = relay_cli(&dir, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!into_store.status.success());
    let message = stderr_of(&into_store);
    assert!(
        message.contains("is not empty (it holds relay.sqlite3)")
            && message.contains("restore only into an empty or missing directory"),
        "{message}"
    );
    assert!(listing(&dir.join("data")) == before, "nothing written");
    let other_dir = temp_dir("snap-refuse-other");
    std::fs::create_dir_all(other_dir.join("data")).unwrap();
    std::fs::write(other_dir.join("data/notes.txt"), b"keep me").unwrap();
    let into_notes = relay_cli(&other_dir, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!into_notes.status.success());
    assert!(stderr_of(&into_notes).contains("it holds notes.txt"));
    assert_eq!(
        listing(&other_dir.join("data")),
        [("notes.txt".to_owned(), b"keep me".to_vec())]
    );

    // A backup of a data directory without a store creates nothing.
    let empty = temp_dir("snap-refuse-empty");
    let nothing = relay_cli(&empty, &["backup", "--to", "unused.snapshot"]);
    assert!(!nothing.status.success());
    assert!(stderr_of(&nothing).contains("no relay database"));
    assert!(listing(&empty).is_empty());
    for d in [dir, other_dir, empty] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn hostile_snapshot_files_are_refused_in_plain_words_and_nothing_is_written() {
    let dir = temp_dir("snap-hostile");
    let acme = Identity::generate("Acme").unwrap();
    assert!(relay_cli(&dir, &["senders", "add", &acme.card().to_text()])
        .status
        .success());
    let relay = Relay::start(&dir, &["--open-uploads"]);
    let client = Identity::generate("Client").unwrap();
    for i in 0..8 {
        let body = sealed_padded(&acme, &client, &format!("INV-{i}"), 5000);
        id_of(&upload(relay.addr, None, "/api/v1/envelopes", &body));
    }
    drop(relay);
    let good = dir.join("good.snapshot");
    backup(&dir, &good, &[]);
    let bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert_eq!(bytes.len() % page, 0);
    assert!(bytes.len() >= 8 * page, "{} bytes", bytes.len());

    let mut future = bytes.clone();
    future[60..64].copy_from_slice(&99u32.to_be_bytes());
    let mut corrupt = bytes.clone();
    // Page 2 is the root of the envelopes table.
    corrupt[page..2 * page].fill(0xA5);
    let foreign = dir.join("foreign.sqlite3");
    {
        let db = rusqlite::Connection::open(&foreign).unwrap();
        db.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hi');")
            .unwrap();
    }
    let foreign_v1 = dir.join("foreign-v1.sqlite3");
    {
        let db = rusqlite::Connection::open(&foreign_v1).unwrap();
        db.execute_batch("CREATE TABLE notes (text TEXT); PRAGMA user_version = 1;")
            .unwrap();
    }
    let newer_than_known =
        format!("schema version 99 is newer than this relay knows (1 to {SCHEMA_VERSION})");
    let cases: [(&str, Vec<u8>, &str); 8] = [
        (
            "text",
            b"this is not a database\n".repeat(300),
            "not an SQLite database",
        ),
        ("empty", Vec::new(), "not an SQLite database"),
        (
            "truncated at a page",
            bytes[..bytes.len() / page / 2 * page].to_vec(),
            "truncated: ",
        ),
        (
            "truncated mid-page",
            bytes[..10_000].to_vec(),
            "truncated: ",
        ),
        ("future version", future, &newer_than_known),
        ("corrupt page", corrupt, "failed the integrity check"),
        (
            "another SQLite database",
            std::fs::read(&foreign).unwrap(),
            "schema version 0: not a sealbill relay snapshot",
        ),
        (
            "another SQLite database of version 1",
            std::fs::read(&foreign_v1).unwrap(),
            "not a sealbill relay snapshot: no such table: envelopes",
        ),
    ];
    for (what, content, expected) in &cases {
        let file = dir.join(format!("{}.snapshot", what.replace(' ', "-")));
        std::fs::write(&file, content).unwrap();
        let target = temp_dir("snap-hostile-target");
        for data in [target.join("data"), target.join("empty")] {
            let empty_before = data.ends_with("empty");
            if empty_before {
                std::fs::create_dir_all(&data).unwrap();
            }
            let out = std::process::Command::new(BIN)
                .arg("--data-dir")
                .arg(&data)
                .args(["restore", "--from"])
                .arg(&file)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{what}");
            let message = stderr_of(&out);
            assert!(
                message.starts_with("sealbill-relay: ") && message.contains(expected),
                "{what}: {message}"
            );
            assert!(!message.contains("panicked"), "{what}: {message}");
            assert!(out.stdout.is_empty(), "{what}");
            if empty_before {
                assert!(listing(&data).is_empty(), "{what}: nothing written");
            } else {
                assert!(!data.exists(), "{what}: no directory created");
            }
        }
        std::fs::remove_dir_all(target).unwrap();
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Whether any 32-byte piece of `body` past its header (one every 128 bytes) is in `haystack`.
fn any_piece_in(haystack: &[u8], body: &[u8]) -> bool {
    body[256..].chunks_exact(128).any(|chunk| {
        let piece = &chunk[..32];
        haystack.windows(32).any(|w| w == piece)
    })
}

#[test]
fn a_snapshot_holds_ciphertext_token_hashes_and_public_cards_only() {
    let dir = temp_dir("snap-canary");
    let sender = Identity::generate("Canary Muster GmbH").unwrap();
    let card = sender.card().to_text();
    assert!(relay_cli(&dir, &["senders", "add", &card]).status.success());
    let relay = Relay::start(&dir, &[]);
    let sealed = canary_invoice(&sender);
    let link = sealed.link.as_ref().unwrap();
    let target = format!(
        "/api/v1/envelopes?opens=2&proof={}",
        sealed.open_proof.hash_base64url()
    );
    let created = upload(relay.addr, Some(&sender), &target, &sealed.envelope);
    let id = id_of(&created);
    let token = created.json()["manageToken"].as_str().unwrap().to_owned();
    let token_bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
    let fragment = link.fragment(&id).unwrap().to_string();
    let secret_part = fragment.split_once('.').unwrap().1.to_owned();
    // The client opens it once (of two) and proves it: the envelope stays stored.
    let reader = link.identity(Some(&passphrase())).unwrap();
    let opened = sealbill::open(
        std::slice::from_ref(&reader),
        &get(relay.addr, &id).body,
        None,
    )
    .unwrap();
    let proof = opened.open_proof.to_base64url();
    let counted = http(
        relay.addr,
        "POST",
        &format!("/api/v1/envelopes/{id}/opened"),
        &[("content-type", "application/json")],
        format!(r#"{{"proof":"{proof}"}}"#).as_bytes(),
    );
    assert_eq!(counted.json()["burned"], false);

    // A large envelope, snapshotted, then revoked and snapshotted again.
    let client = Identity::generate("Client").unwrap();
    let doomed = sealed_padded(&sender, &client, "INV-doomed", 40_000);
    let doomed_reply = upload(relay.addr, Some(&sender), "/api/v1/envelopes", &doomed);
    let doomed_id = id_of(&doomed_reply);
    let doomed_token = doomed_reply.json()["manageToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let before_revoke = dir.join("before.snapshot");
    backup(&dir, &before_revoke, &[]);
    assert!(
        any_piece_in(&std::fs::read(&before_revoke).unwrap(), &doomed),
        "the check finds a stored body"
    );
    let revoked = http(
        relay.addr,
        "DELETE",
        &format!("/api/v1/envelopes/{doomed_id}"),
        &[("authorization", &format!("Bearer {doomed_token}"))],
        b"",
    );
    assert_eq!(revoked.status, 204);
    let file = dir.join("after.snapshot");
    let report = backup(&dir, &file, &[]);
    assert!(report.contains("2 envelopes (1 with a body)"), "{report}");
    let snapshot = std::fs::read(&file).unwrap();
    assert!(
        !any_piece_in(&snapshot, &doomed),
        "the revoked envelope's ciphertext is not in the snapshot taken after revoking it"
    );
    // What it must hold: the ciphertext as stored, the token's hash, the public card.
    assert!(
        snapshot
            .windows(sealed.envelope.len())
            .any(|w| w == sealed.envelope),
        "the ciphertext, byte for byte"
    );
    let token_hash: [u8; 32] = Sha256::digest(&token_bytes).into();
    assert!(snapshot.windows(32).any(|w| w == token_hash));
    assert!(contains(&snapshot, &card));
    let mut secrets = canary_secrets(secret_part, token, proof, &reader, &sender);
    secrets.push(("the other manage token", doomed_token));
    for (what, secret) in &secrets {
        assert!(!contains(&snapshot, secret), "{what} found in the snapshot");
    }
    assert!(
        !snapshot.windows(32).any(|w| w == token_bytes.as_slice()),
        "the manage token's raw bytes found in the snapshot"
    );
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}
