//! Black-box tests: the real `sealbill-relay` binary on a loopback port, spoken to over TCP.
//! They cover durability across `kill -9`, the allow-list managed by the CLI, expiry,
//! burn after reading, replies, graceful shutdown, and the canary check that nothing secret
//! is stored or logged. Every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use sealbill::{seal, sign_request, Document, Identity, LinkRequest, SealOptions};

#[test]
fn uploads_answered_201_survive_kill_9() {
    let dir = temp_dir("kill9");
    let relay = Relay::start(&dir, &["--open-uploads"]);
    let (acme, client) = (
        Identity::generate("Acme").unwrap(),
        Identity::generate("Client").unwrap(),
    );
    let stored: Vec<(String, Vec<u8>)> = (0..20)
        .map(|i| {
            let envelope = sealed_for(&acme, &client, &format!("INV-{i}"));
            (
                id_of(&upload(relay.addr, None, "/api/v1/envelopes", &envelope)),
                envelope,
            )
        })
        .collect();
    // No graceful shutdown: the process dies right after the last 201.
    relay.kill_9();
    let relay = Relay::start(&dir, &["--open-uploads"]);
    for (id, envelope) in &stored {
        let reply = http(
            relay.addr,
            "GET",
            &format!("/api/v1/envelopes/{id}"),
            &[],
            b"",
        );
        assert_eq!(reply.status, 200);
        assert_eq!(&reply.body, envelope, "byte for byte after kill -9");
    }
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_second_relay_on_the_same_data_directory_refuses_to_start() {
    let dir = temp_dir("second");
    let relay = Relay::start(&dir, &["--open-uploads"]);
    let mut second = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["--listen", "127.0.0.1:0", "--www-dir"])
        .arg(dir.join("www"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            second.kill().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = second.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        status.is_some_and(|s| !s.success()),
        "the second relay served: {stderr}"
    );
    assert!(stderr.contains("another relay serves"), "{stderr}");
    assert_eq!(http(relay.addr, "GET", "/healthz", &[], b"").status, 200);
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_allow_list_managed_by_the_cli_decides_who_uploads() {
    let dir = temp_dir("senders");
    let (acme, client) = (
        Identity::generate("Acme GmbH").unwrap(),
        Identity::generate("Client").unwrap(),
    );
    let stranger = Identity::generate("Stranger").unwrap();
    let card = acme.card().to_text();
    let added = relay_cli(&dir, &["senders", "add", &card]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let fingerprint = acme.fingerprint().to_string();
    assert!(String::from_utf8_lossy(&added.stdout).contains(&fingerprint));
    let listed = relay_cli(&dir, &["senders", "list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&format!("{fingerprint}  Acme GmbH")));
    let bogus = relay_cli(&dir, &["senders", "add", "sealbill-card:AAAA"]);
    assert!(!bogus.status.success());

    let relay = Relay::start(&dir, &[]);
    let body = sealed_for(&acme, &client, "INV-1");
    let target = "/api/v1/envelopes?expires=600";
    assert_eq!(upload(relay.addr, None, target, &body).status, 401);
    assert_eq!(
        upload(relay.addr, Some(&stranger), target, &body).status,
        403
    );
    // A signed request is good once: the identical request again is a replay.
    let host = relay.addr.to_string();
    let signature = sign_request(&acme, "POST", &host, target, now(), &body).unwrap();
    let headers = [("sealbill-signature", signature.as_str())];
    assert_eq!(
        http(relay.addr, "POST", target, &headers, &body).status,
        201
    );
    let replay = http(relay.addr, "POST", target, &headers, &body);
    assert_eq!(
        (replay.status, replay.json()["error"]["code"].as_str()),
        (401, Some("REPLAYED"))
    );

    let removed = relay_cli(&dir, &["senders", "remove", &fingerprint]);
    assert!(removed.status.success());
    assert_eq!(upload(relay.addr, Some(&acme), target, &body).status, 403);
    assert!(!relay_cli(&dir, &["senders", "remove", &fingerprint])
        .status
        .success());
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn expiry_burn_bad_input_and_graceful_shutdown() {
    let dir = temp_dir("lifecycle");
    let relay = Relay::start(&dir, &["--open-uploads", "--max-body=4096"]);
    let (acme, client) = (
        Identity::generate("Acme").unwrap(),
        Identity::generate("Client").unwrap(),
    );
    let short = id_of(&upload(
        relay.addr,
        None,
        "/api/v1/envelopes?expires=1",
        &sealed_for(&acme, &client, "A"),
    ));
    let kept_body = sealed_for(&acme, &client, "B");
    let kept = id_of(&upload(relay.addr, None, "/api/v1/envelopes", &kept_body));
    assert_eq!(
        http(
            relay.addr,
            "GET",
            &format!("/api/v1/envelopes/{short}"),
            &[],
            b""
        )
        .status,
        200
    );

    // Bad input of each kind: a JSON 4xx each time.
    let big = vec![b'x'; 100_000];
    let bad: [(&str, &str, &[u8], u16); 6] = [
        ("POST", "/api/v1/envelopes", &big, 413),
        ("POST", "/api/v1/envelopes", b"age-encryption.org/v1\n", 400),
        ("GET", "/api/v1/envelopes/not-an-id", b"", 400),
        ("GET", "/api/v1/envelopes/AAAAAAAAAAAAAAAAAAAAAA", b"", 404),
        ("DELETE", &format!("/api/v1/envelopes/{kept}"), b"", 401),
        (
            "POST",
            &format!("/api/v1/envelopes/{kept}/opened"),
            b"{}",
            400,
        ),
    ];
    for (method, target, body, status) in bad {
        let reply = http(
            relay.addr,
            method,
            target,
            &[("content-type", "application/json")],
            body,
        );
        assert_eq!(reply.status, status, "{method} {target}");
        assert!(
            reply.json()["error"]["code"].is_string(),
            "{method} {target}"
        );
    }

    // Expiry: gone (404) once its second has passed. Bounded wait.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = http(
            relay.addr,
            "GET",
            &format!("/api/v1/envelopes/{short}"),
            &[],
            b"",
        )
        .status;
        if status == 404 {
            break;
        }
        assert!(Instant::now() < deadline, "not expired after 5 s");
        std::thread::sleep(Duration::from_millis(250));
    }
    let reply = http(
        relay.addr,
        "GET",
        &format!("/api/v1/envelopes/{kept}"),
        &[],
        b"",
    );
    assert_eq!(
        (reply.status, reply.body),
        (200, kept_body),
        "earlier data intact"
    );
    assert_eq!(http(relay.addr, "GET", "/healthz", &[], b"").status, 200);

    // SIGTERM: the relay drains and exits cleanly.
    let mut relay = relay;
    let term = Command::new("kill")
        .args(["-TERM", &relay.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = relay.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn canary_no_plaintext_key_fragment_or_token_is_stored_or_logged() {
    let dir = temp_dir("canary");
    let relay = Relay::start(&dir, &["--open-uploads"]);
    let sender = Identity::generate("Canary Muster GmbH").unwrap();
    let sealed = canary_invoice(&sender);
    let link = sealed.link.as_ref().unwrap();
    let target = format!(
        "/api/v1/envelopes?opens=1&proof={}",
        sealed.open_proof.hash_base64url()
    );
    let created = upload(relay.addr, None, &target, &sealed.envelope);
    let id = id_of(&created);
    let token = created.json()["manageToken"].as_str().unwrap().to_owned();
    let fragment = link.fragment(&id).unwrap().to_string();
    let secret_part = fragment.split_once('.').unwrap().1.to_owned();

    // The client fetches, opens with the link and passphrase, and proves it.
    let fetched = http(
        relay.addr,
        "GET",
        &format!("/api/v1/envelopes/{id}"),
        &[],
        b"",
    );
    assert_eq!(fetched.header("cache-control"), Some("no-store"));
    let reader = link.identity(Some(&passphrase())).unwrap();
    let opened = sealbill::open(std::slice::from_ref(&reader), &fetched.body, None).unwrap();
    assert!(
        contains(&opened.documents[0].data, CANARY),
        "the canary is in the invoice"
    );
    let proof = opened.open_proof.to_base64url();
    let body = format!(r#"{{"proof":"{proof}"}}"#);
    let burned = http(
        relay.addr,
        "POST",
        &format!("/api/v1/envelopes/{id}/opened"),
        &[("content-type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(burned.json()["burned"], true);
    let auth = format!("Bearer {token}");
    let status = http(
        relay.addr,
        "GET",
        &format!("/api/v1/envelopes/{id}/status"),
        &[("authorization", &auth)],
        b"",
    );
    assert_eq!(status.json()["status"], "burned");
    let metrics = http(relay.addr, "GET", "/metrics", &[], b"").body;
    let log_before_kill = relay.logs();
    relay.kill_9();

    let stored = all_bytes(&dir.join("data"));
    let logs = log_before_kill;
    assert!(contains(&logs, "request"), "the relay did log requests");
    let secrets = canary_secrets(secret_part, token, proof, &reader, &sender);
    for (what, secret) in &secrets {
        assert!(
            !contains(&stored, secret),
            "{what} found in the database files"
        );
        assert!(!contains(&logs, secret), "{what} found in the logs");
        assert!(!contains(&metrics, secret), "{what} found in the metrics");
    }
    assert!(!contains(&logs, &id), "ids are not logged");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn tls_with_a_certificate_and_key() {
    let dir = temp_dir("tls");
    let (cert, key) = self_signed_cert(&dir);
    let relay = Relay::start(
        &dir,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let out = Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--fail",
            "--max-time",
            "10",
            "--include",
            "--cacert",
        ])
        .arg(&cert)
        .args([
            "--resolve",
            &format!("localhost:{}:127.0.0.1", relay.addr.port()),
        ])
        .arg(format!("https://localhost:{}/healthz", relay.addr.port()))
        .output()
        .expect("curl speaks TLS to the relay");
    let text = String::from_utf8_lossy(&out.stdout).to_ascii_lowercase();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("strict-transport-security: max-age=31536000"),
        "{text}"
    );
    assert!(text.contains(r#"{"status":"ok"}"#));
    // Plain HTTP on the TLS port gets nowhere.
    let plain = std::panic::catch_unwind(|| http(relay.addr, "GET", "/healthz", &[], b"").status);
    assert!(plain.map_or(true, |status| status != 200));
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_reply_posted_with_the_open_proof_is_listed_for_the_sender_after_kill_9() {
    let dir = temp_dir("replies");
    let relay = Relay::start(&dir, &["--open-uploads"]);
    let (acme, client) = (
        Identity::generate("Acme").unwrap(),
        Identity::generate("Client").unwrap(),
    );
    let doc = Document {
        name: "INV-R.xml".into(),
        media_type: "application/xml".into(),
        data: b"<Invoice>reply</Invoice>".to_vec(),
    };
    let options = SealOptions {
        link: Some(LinkRequest::Plain),
        ..SealOptions::new("INV-R", now())
    };
    let sealed = seal(&acme, &[doc], &options).unwrap();
    let target = format!(
        "/api/v1/envelopes?proof={}",
        sealed.open_proof.hash_base64url()
    );
    let created = upload(relay.addr, None, &target, &sealed.envelope);
    let id = id_of(&created);
    let token = created.json()["manageToken"].as_str().unwrap().to_owned();

    // The reader opens the link and replies with the proof it got from opening.
    let reader = sealed.link.as_ref().unwrap().identity(None).unwrap();
    let opened = sealbill::open(&[reader], &sealed.envelope, None).unwrap();
    let proof = opened.open_proof.to_base64url();
    let reply = sealed_for(&client, &acme, "REPLY-1");
    let replies = format!("/api/v1/envelopes/{id}/replies");
    let posted = http(
        relay.addr,
        "POST",
        &replies,
        &[
            ("content-type", "application/octet-stream"),
            ("sealbill-open-proof", &proof),
        ],
        &reply,
    );
    assert_eq!(
        posted.status,
        201,
        "{}",
        String::from_utf8_lossy(&posted.body)
    );
    let reply_id = posted.json()["id"].as_str().unwrap().to_owned();
    let logs = relay.logs();
    // Answered 201 means committed: it survives kill -9.
    relay.kill_9();
    assert!(!contains(&logs, &proof), "the open proof is not logged");

    let relay = Relay::start(&dir, &["--open-uploads"]);
    let auth = format!("Bearer {token}");
    let listed = http(
        relay.addr,
        "GET",
        &replies,
        &[("authorization", &auth)],
        b"",
    );
    assert_eq!(listed.status, 200);
    let listed = listed.json();
    let all = listed["replies"].as_array().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], reply_id.as_str());
    let body = URL_SAFE_NO_PAD
        .decode(all[0]["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(body, reply, "byte for byte");
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_rosters_command_lists_each_stored_team_by_role_and_senders_still_works() {
    use sealbill::{ArchiveKey, Member, Role, RosterDraft};
    let dir = temp_dir("rosters");
    let acme = Identity::generate("Acme").unwrap();
    let added = relay_cli(&dir, &["senders", "add", &acme.card().to_text()]);
    assert!(added.status.success());
    let empty = relay_cli(&dir, &["rosters"]);
    assert!(empty.status.success());
    assert!(empty.stdout.is_empty(), "no roster yet");

    let relay = Relay::start(&dir, &[]);
    let member = |name: &str, role| Member {
        card: Identity::generate(name).unwrap().card().clone(),
        role,
        valid_from: now() - 10,
        valid_until: 0,
    };
    let roster = RosterDraft {
        version: 4,
        issued: 1_700_000_000,
        members: vec![
            member("Bill", Role::Biller),
            member("Bea", Role::Biller),
            member("Anna", Role::Accountant),
        ],
        accounts: vec![],
        archive: ArchiveKey::generate(2).entry(),
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

    // While the relay serves from the same data directory.
    let listed = relay_cli(&dir, &["rosters"]);
    assert!(listed.status.success());
    let text = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(
        text,
        format!(
            "{}  Acme  version 4, issued 1700000000 (Unix time), billers: 2, accountants: 1, \
             archive epoch 2\n",
            acme.fingerprint()
        )
    );
    let senders = relay_cli(&dir, &["senders", "list"]);
    assert!(String::from_utf8_lossy(&senders.stdout).contains("Acme"));
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}
