//! Black-box tests of how the relay receives request bodies: what it checks before it reads
//! one, the memory bodies may take, the least rate a body must keep, and the limits on
//! handling (requests in flight, the request timeout) that a body in transfer does not hold.
//! Every wait and every loop is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use sealbill::{sign_request, Identity};

const MIB: usize = 1024 * 1024;
const TARGET: &str = "/api/v1/envelopes?expires=600";

/// Connects and sends the head of a POST to `target`: with `Content-Length: length`, or
/// chunked without one.
fn send_head(
    addr: SocketAddr,
    target: &str,
    headers: &[(&str, &str)],
    length: Option<usize>,
) -> TcpStream {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!("POST {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    match length {
        Some(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        None => head.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

/// The answer that arrives on `stream` within `within`, if one does.
fn answer_within(stream: &mut TcpStream, within: Duration) -> Option<Reply> {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    raw.windows(4)
        .any(|w| w == b"\r\n\r\n")
        .then(|| parse_reply(&raw))
}

/// Status and error code of an answer.
fn outcome(reply: &Reply) -> (u16, String) {
    let code = reply.json()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (reply.status, code)
}

/// A `Sealbill-Signature` of `who` taken from another request: well formed, fresh, from a
/// registered key, but not over the body that follows (what anyone who saw a card can send).
fn borrowed_signature(who: &Identity) -> String {
    sign_request(
        who,
        "POST",
        "127.0.0.1:8080",
        TARGET,
        now(),
        b"another body",
    )
    .unwrap()
}

/// Writes `total` bytes of junk in 256 KiB pieces; stops at the first failed write.
fn write_junk(stream: &mut TcpStream, total: usize) {
    let piece = vec![b'x'; 256 * 1024];
    let mut sent = 0;
    while sent < total {
        let n = piece.len().min(total - sent);
        if stream.write_all(&piece[..n]).is_err() {
            return;
        }
        sent += n;
    }
}

/// The resident memory of a process, in MiB.
fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS in /proc/PID/status");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib / 1024
}

/// A data directory with `who` on the allow-list.
fn with_sender(tag: &str, who: &Identity) -> std::path::PathBuf {
    let dir = temp_dir(tag);
    let added = relay_cli(&dir, &["senders", "add", &who.card().to_text()]);
    assert!(added.status.success());
    dir
}

fn parties() -> (Identity, Identity) {
    (
        Identity::generate("Acme").unwrap(),
        Identity::generate("Client").unwrap(),
    )
}

fn cleanup(relay: Relay, dir: &Path) {
    drop(relay);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_upload_is_refused_before_its_body_is_read() {
    let (acme, client) = parties();
    let dir = with_sender("before-body", &acme);
    let relay = Relay::start(&dir, &[]);
    let signature = borrowed_signature(&acme);
    let signed = [("sealbill-signature", signature.as_str())];
    // A registered key's header over another body: the body is read (within the limits) and
    // the answer is about the signature, whatever the body holds.
    let mut stream = send_head(relay.addr, TARGET, &signed, Some(25 * MIB));
    write_junk(&mut stream, 25 * MIB);
    let reply = answer_within(&mut stream, Duration::from_secs(20)).expect("an answer");
    assert_eq!(outcome(&reply), (401, "BAD_SIGNATURE".to_owned()));
    let at_once = Duration::from_secs(2);
    // Only heads are sent: each answer must come without the body.
    for (headers, length, want) in [
        (&[][..], Some(25 * MIB), (401, "UNSIGNED")),
        (&signed[..], Some(25 * MIB + 1), (413, "TOO_LARGE")),
        (&signed[..], None, (411, "LENGTH_REQUIRED")),
    ] {
        let mut stream = send_head(relay.addr, TARGET, headers, length);
        let reply = answer_within(&mut stream, at_once)
            .unwrap_or_else(|| panic!("no answer at once to {length:?}, {}", headers.len()));
        assert_eq!(outcome(&reply), (want.0, want.1.to_owned()));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
    // The relay still takes a genuine upload.
    let body = sealed_for(&acme, &client, "INV-1");
    id_of(&upload(relay.addr, Some(&acme), TARGET, &body));
    cleanup(relay, &dir);
}

#[test]
fn one_client_receives_a_few_bodies_at_once_and_the_next_is_refused_at_once() {
    let dir = temp_dir("per-client");
    let relay = Relay::start_env(
        &dir,
        &["--open-uploads"],
        &[("SEALBILL_BODIES_PER_CLIENT", "3")],
    );
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = send_head(relay.addr, TARGET, &[], Some(MIB));
        assert!(
            answer_within(&mut stream, Duration::from_millis(300)).is_none(),
            "a body within the client's share is awaited"
        );
        held.push(stream);
    }
    let mut stream = send_head(relay.addr, TARGET, &[], Some(MIB));
    let reply = answer_within(&mut stream, Duration::from_secs(2)).expect("refused at once");
    assert_eq!(outcome(&reply), (429, "TOO_MANY_AT_ONCE".to_owned()));
    assert!(reply.header("retry-after").is_some());
    // Another client (behind no proxy here: a page or fetch needs no body) is served.
    assert_eq!(http(relay.addr, "GET", "/healthz", &[], b"").status, 200);
    drop(held);
    cleanup(relay, &dir);
}

#[test]
fn forty_stalled_uploads_of_25_mib_hold_bounded_memory_and_others_are_served() {
    let (acme, client) = parties();
    let dir = with_sender("memory", &acme);
    // Each upload comes from its own address (through the trusted proxy), so only the
    // relay-wide budget for bodies (default: 8 × --max-body) holds them back.
    let relay = Relay::start_env(&dir, &["--trust-proxy"], &[("SEALBILL_BODY_WINDOW", "3")]);
    let stored = sealed_for(&acme, &client, "INV-KEPT");
    let kept = id_of(&upload(relay.addr, Some(&acme), TARGET, &stored));
    let before = rss_mib(relay.child.id());
    let signature = borrowed_signature(&acme);
    let addr = relay.addr;
    let attackers: Vec<_> = (0..40)
        .map(|i| {
            let signature = signature.clone();
            std::thread::spawn(move || {
                let from = format!("10.0.0.{i}");
                let headers = [
                    ("sealbill-signature", signature.as_str()),
                    ("x-forwarded-for", from.as_str()),
                ];
                let mut stream = send_head(addr, TARGET, &headers, Some(25 * MIB));
                if let Some(refused) = answer_within(&mut stream, Duration::from_millis(500)) {
                    return (Some(refused), None);
                }
                // All but the last MiB, then nothing more.
                write_junk(&mut stream, 24 * MIB);
                (None, Some(stream))
            })
        })
        .collect();
    let results: Vec<_> = attackers.into_iter().map(|t| t.join().unwrap()).collect();
    let during = rss_mib(relay.child.id());
    println!("relay VmRSS: {before} MiB before, {during} MiB with 40 stalled 25 MiB uploads");
    assert!(during < 400, "VmRSS {during} MiB with 40 stalled uploads");
    let refused: Vec<_> = results.iter().filter_map(|(r, _)| r.as_ref()).collect();
    for reply in &refused {
        assert_eq!(outcome(reply), (503, "BUSY".to_owned()));
        assert!(reply.header("retry-after").is_some());
    }
    assert!(refused.len() >= 32, "{} refused", refused.len());
    // Meanwhile other clients are served: health, a fetch.
    let started = Instant::now();
    assert_eq!(http(addr, "GET", "/healthz", &[], b"").status, 200);
    println!("/healthz during the stall: {:?}", started.elapsed());
    let fetched = http(addr, "GET", &format!("/api/v1/envelopes/{kept}"), &[], b"");
    assert_eq!((fetched.status, fetched.body), (200, stored));
    // The stalled uploads end with 408 once a window brings too little, freeing the budget.
    for (_, stream) in results {
        if let Some(mut stream) = stream {
            let reply = answer_within(&mut stream, Duration::from_secs(10)).expect("408");
            assert_eq!(outcome(&reply), (408, "TOO_SLOW".to_owned()));
        }
    }
    let body = sealed_for(&acme, &client, "INV-AFTER");
    id_of(&upload(addr, Some(&acme), TARGET, &body));
    cleanup(relay, &dir);
}

#[test]
fn a_slow_but_steady_upload_outlasts_the_request_timeout() {
    let (acme, client) = parties();
    let dir = temp_dir("slow-honest");
    let relay = Relay::start(&dir, &["--open-uploads", "--request-timeout", "2"]);
    let body = sealed_padded(&acme, &client, "INV-SLOW", MIB);
    let mut stream = send_head(relay.addr, TARGET, &[], Some(body.len()));
    // 32 KiB every 125 ms: 256 KiB/s, about 4 s for the whole body.
    let started = Instant::now();
    for piece in body.chunks(32 * 1024) {
        if stream.write_all(piece).is_err() {
            break; // cut off: the answer says why
        }
        std::thread::sleep(Duration::from_millis(125));
    }
    let reply = answer_within(&mut stream, Duration::from_secs(10)).expect("an answer");
    println!("{} bytes in {:?}", body.len(), started.elapsed());
    assert!(started.elapsed() > Duration::from_secs(2));
    id_of(&reply);
    cleanup(relay, &dir);
}

#[test]
fn trickling_bodies_hold_no_handling_slot_and_end_with_408() {
    let (acme, client) = parties();
    let dir = temp_dir("trickle");
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::write(
        dir.join("www/index.html"),
        "<!doctype html><title>s</title>",
    )
    .unwrap();
    let relay = Relay::start_env(
        &dir,
        &[
            "--open-uploads",
            "--trust-proxy",
            "--concurrency",
            "4",
            "--request-timeout",
            "60",
        ],
        &[("SEALBILL_BODY_WINDOW", "2")],
    );
    let stored = sealed_for(&acme, &client, "INV-KEPT");
    let kept = id_of(&upload(relay.addr, None, TARGET, &stored));
    // Twelve uploads from twelve addresses, three times the requests handled at once.
    let mut trickling: Vec<TcpStream> = (0..12)
        .map(|i| {
            let from = format!("10.0.1.{i}");
            send_head(
                relay.addr,
                TARGET,
                &[("x-forwarded-for", from.as_str())],
                Some(64 * 1024),
            )
        })
        .collect();
    let trickle = |streams: &mut [TcpStream]| {
        for stream in streams.iter_mut() {
            let _ = stream.write_all(b"x");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    for _ in 0..3 {
        trickle(&mut trickling);
    }
    // Fresh clients are served at once (health, a fetch, the page), though every upload is
    // still arriving.
    for path in [
        "/healthz".to_owned(),
        format!("/api/v1/envelopes/{kept}"),
        "/".to_owned(),
    ] {
        let started = Instant::now();
        let reply = http(relay.addr, "GET", &path, &[], b"");
        let took = started.elapsed();
        println!("{path} while 12 uploads trickle: {took:?}");
        assert_eq!(reply.status, 200);
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
    }
    // A byte every 200 ms is far below the least rate: each ends with 408 when its first
    // window (2 s) closes.
    for stream in &mut trickling {
        let reply = answer_within(stream, Duration::from_secs(4)).expect("408 by now");
        assert_eq!(outcome(&reply), (408, "TOO_SLOW".to_owned()));
    }
    cleanup(relay, &dir);
}
