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

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sealbill::{
    seal, sign_request, Document, Identity, LinkRequest, Passphrase, SealOptions, Sealed,
};

const BIN: &str = env!("CARGO_BIN_EXE_sealbill-relay");

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sealbill-relay-{tag}-{}-{}",
        std::process::id(),
        rand_core::RngCore::next_u64(&mut rand_core::OsRng)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running relay: its process, address and the file its logs go to.
struct Relay {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Relay {
    /// Starts the binary on 127.0.0.1 with a free port and waits (at most 20 s) until it
    /// announces its address.
    fn start(dir: &Path, flags: &[&str]) -> Relay {
        let log = dir.join(format!(
            "relay-{}.log",
            rand_core::RngCore::next_u32(&mut rand_core::OsRng)
        ));
        let mut child = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join("data"))
            .args(["--www-dir"])
            .arg(dir.join("www"))
            .args(flags)
            .env("SEALBILL_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let addr = line
                    .strip_prefix("sealbill-relay listening on http://")
                    .or_else(|| line.strip_prefix("sealbill-relay listening on https://"));
                if let Some(addr) = addr {
                    let _ = tx.send(addr.parse::<SocketAddr>().unwrap());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the relay announces its address within 20 s");
        Relay { child, addr, log }
    }

    fn kill_9(mut self) {
        self.child.kill().unwrap(); // SIGKILL on Unix
        self.child.wait().unwrap();
    }

    fn logs(&self) -> Vec<u8> {
        std::fs::read(&self.log).unwrap()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names) and body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// One HTTP/1.1 request over a fresh connection, with a 10 s timeout.
fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // The server may answer (413) before reading a large body; a failed write is fine then.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

const CANARY: &str = "CANARY-7f3a9c-Zahlungsziel-Muster-GmbH";

/// An invoice sealed for a passphrase link only (and the sender); the link is in `.link`.
fn canary_invoice(sender: &Identity) -> Sealed {
    let doc = Document {
        name: "INV-CANARY.xml".into(),
        media_type: "application/xml".into(),
        data: format!(
            "<Invoice><Note>{CANARY}</Note><IBAN>DE02120300000000202051</IBAN></Invoice>"
        )
        .into_bytes(),
    };
    let options = SealOptions {
        link: Some(LinkRequest::WithPassphrase(passphrase())),
        ..SealOptions::new("INV-CANARY", now())
    };
    seal(sender, &[doc], &options).unwrap()
}

fn passphrase() -> Passphrase {
    Passphrase::new("canary passphrase").unwrap()
}

fn upload(addr: SocketAddr, sender: Option<&Identity>, target: &str, body: &[u8]) -> Reply {
    let signature = sender.map(|s| sign_request(s, "POST", target, now(), body).unwrap());
    let headers: Vec<(&str, &str)> = signature
        .iter()
        .map(|s| ("sealbill-signature", s.as_str()))
        .collect();
    http(addr, "POST", target, &headers, body)
}

fn sealed_for(sender: &Identity, client: &Identity, note: &str) -> Vec<u8> {
    let doc = Document {
        name: "i.xml".into(),
        media_type: "application/xml".into(),
        data: format!("<Invoice>{note}</Invoice>").into_bytes(),
    };
    let options = SealOptions {
        recipients: vec![client.recipient()],
        ..SealOptions::new(note, now())
    };
    seal(sender, &[doc], &options).unwrap().envelope
}

fn id_of(reply: &Reply) -> String {
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["id"].as_str().unwrap().to_owned()
}

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

fn relay_cli(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .output()
        .unwrap()
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
    let signature = sign_request(&acme, "POST", target, now(), &body).unwrap();
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

/// Every file under `dir`, concatenated.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
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
    let secrets = [
        ("the canary text", CANARY.to_owned()),
        ("the IBAN", "DE02120300000000202051".to_owned()),
        ("the link secret", secret_part),
        ("the manage token", token),
        ("the open proof", proof),
        ("the link passphrase", "canary passphrase".to_owned()),
        ("the link's age identity", reader.to_bech32().to_string()),
        (
            "the sender's identity",
            sender.to_text().lines().last().unwrap().to_owned(),
        ),
    ];
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
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes a test certificate");
    assert!(made.status.success());
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
