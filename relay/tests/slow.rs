//! The real `sealbill-relay` binary under slow and hostile clients, on loopback: hundreds of
//! connections that trickle a request head or an upload's body, stall an upload, or say
//! nothing, are closed at their time limits while a fresh client's `/healthz` stays fast;
//! SIGTERM or SIGINT ends the relay within the drain time whatever the clients do; errors
//! below the router (414, 431, 408) answer with the relay's JSON error shape. Time limits are
//! set through environment variables, so that an older binary without them starts and fails
//! the checks. Every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use sealbill::{sign_request, Identity};

/// Connections that trickle a request head.
const SLOW: usize = 300;
/// Connections that send nothing.
const IDLE: usize = 100;
/// Signed uploads by a registered sender that send a few bytes of their body, then stall.
const STALLED: usize = 20;
/// Signed uploads by a registered sender that trickle their body.
const UPLOADS: usize = 200;
/// `/healthz` probes by a fresh client during the attack.
const PROBES: usize = 100;
/// The bound the issue sets on `/healthz` latency under attack.
const HEALTHZ_BOUND: Duration = Duration::from_millis(100);
/// The kinds of attacking connections, in the order [`Attack::trickle_until_closed`]
/// reports them.
const KINDS: [&str; 4] = ["slow heads", "idle", "stalled uploads", "slow uploads"];

/// A relay with short time limits (seconds): header 4, idle 6, TLS handshake 1, and a body
/// must bring 1 KiB every 3 s. One client (the test's address) may send any number of
/// bodies and requests, so that each attacking connection reaches those limits.
fn start_relay(dir: &std::path::Path, flags: &[&str], drain: &str, header: &str) -> Relay {
    Relay::start_env(
        dir,
        flags,
        &[
            ("SEALBILL_LOG", "info"),
            ("SEALBILL_HEADER_TIMEOUT", header),
            ("SEALBILL_IDLE_TIMEOUT", "6"),
            ("SEALBILL_TLS_HANDSHAKE_TIMEOUT", "1"),
            ("SEALBILL_DRAIN_TIMEOUT", drain),
            ("SEALBILL_BODY_WINDOW", "3"),
            ("SEALBILL_BODY_MIN_BYTES", "1024"),
            ("SEALBILL_BODIES_PER_CLIENT", "100000"),
            ("SEALBILL_RATE_LIMIT", "100000"),
        ],
    )
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    stream
}

/// One attacking connection: what it sent at once, and what it trickles a byte a second.
struct Conn {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl Conn {
    fn open(addr: SocketAddr, first: &[u8], rest: &[u8]) -> Conn {
        let mut stream = connect(addr);
        stream.write_all(first).unwrap();
        Conn {
            stream,
            rest: rest.to_vec(),
        }
    }
}

/// A data directory whose relay lets `sender` upload.
fn with_sender(tag: &str, sender: &Identity) -> PathBuf {
    let dir = temp_dir(tag);
    let added = relay_cli(&dir, &["senders", "add", &sender.card().to_text()]);
    assert!(added.status.success());
    dir
}

/// The attack, all open at once: slow heads, idle connections, and the sender's signed
/// uploads, stalled or trickling their body.
struct Attack([Vec<Conn>; 4]);

impl Attack {
    /// Opens the attack on `addr`, with a `1/share` of each kind's connections; `round`
    /// keeps each signed request unique.
    fn open(addr: SocketAddr, sender: &Identity, round: usize, share: usize) -> Attack {
        let slow = (0..SLOW / share)
            .map(|_| {
                let head = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
                Conn::open(addr, head.as_bytes(), &[b'a'; 64])
            })
            .collect();
        let idle = (0..IDLE / share)
            .map(|_| Conn::open(addr, b"", b""))
            .collect();
        let body = sealed_for(sender, &Identity::generate("Client").unwrap(), "INV-SLOW");
        let upload = |i: usize| {
            let target = format!("/api/v1/envelopes?expires={}", 600 + round * 1000 + i);
            let host = addr.to_string();
            let signature = sign_request(sender, "POST", &host, &target, now(), &body).unwrap();
            let head = format!(
                "POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\
                 Sealbill-Signature: {signature}\r\n\r\n",
                body.len()
            );
            let (first, rest) = body.split_at(22);
            ([head.as_bytes(), first].concat(), rest.to_vec())
        };
        let stalled = (0..STALLED / share)
            .map(|i| Conn::open(addr, &upload(i).0, b""))
            .collect();
        let uploads = (STALLED..STALLED + UPLOADS / share)
            .map(|i| {
                let (first, rest) = upload(i);
                Conn::open(addr, &first, &rest)
            })
            .collect();
        Attack([slow, idle, stalled, uploads])
    }

    /// Trickles a byte a second into each connection that has bytes to trickle, until the
    /// relay closes every connection or `limit` passes; returns, per kind, when the first
    /// and the last one were closed.
    fn trickle_until_closed(self, opened: Instant, limit: Duration) -> [(Duration, Duration); 4] {
        let mut kinds = self.0.map(|conns| {
            conns
                .into_iter()
                .map(|c| {
                    c.stream.set_nonblocking(true).unwrap();
                    Some(c)
                })
                .collect::<Vec<_>>()
        });
        let mut closed: [Option<(Duration, Duration)>; 4] = [None; 4];
        let mut next_byte = Instant::now() + Duration::from_secs(1);
        while opened.elapsed() < limit {
            let trickle = Instant::now() >= next_byte;
            if trickle {
                next_byte += Duration::from_secs(1);
            }
            for (kind, conns) in kinds.iter_mut().enumerate() {
                for slot in conns.iter_mut() {
                    let Some(conn) = slot else { continue };
                    let mut buf = [0u8; 512];
                    match conn.stream.read(&mut buf) {
                        Ok(0) => {}
                        Ok(_) => continue, // the relay's answer; its close follows
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            if trickle && !conn.rest.is_empty() {
                                let byte = conn.rest.remove(0);
                                let _ = conn.stream.write(&[byte]);
                            }
                            continue;
                        }
                        Err(_) => {} // reset: closed as well
                    }
                    *slot = None;
                    let now = opened.elapsed();
                    closed[kind] = Some(closed[kind].map_or((now, now), |(first, _)| (first, now)));
                }
            }
            if kinds.iter().flatten().all(Option::is_none) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let open: Vec<(&str, usize)> = kinds
            .iter()
            .zip(KINDS)
            .map(|(k, what)| (what, k.iter().filter(|s| s.is_some()).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        assert!(open.is_empty(), "still open after {limit:?}: {open:?}");
        closed.map(Option::unwrap)
    }
}

/// GET /healthz on a fresh connection: its status and the time to the whole answer.
fn probe(addr: SocketAddr) -> (u16, Duration) {
    let started = Instant::now();
    let reply = http(addr, "GET", "/healthz", &[], b"");
    (reply.status, started.elapsed())
}

/// The nearest-rank percentile `p` of `sorted`.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p).div_ceil(100).saturating_sub(1)]
}

/// Sends `signal` (`TERM`, or `INT` as Ctrl-C does) and waits (at most `limit`) for the
/// exit; returns its time and status.
fn stop(relay: &mut Relay, signal: &str, limit: Duration) -> (Duration, std::process::ExitStatus) {
    let term = Command::new("kill")
        .args([&format!("-{signal}"), &relay.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let sent = Instant::now();
    loop {
        if let Some(status) = relay.child.try_wait().unwrap() {
            return (sent.elapsed(), status);
        }
        assert!(
            sent.elapsed() < limit,
            "no exit {limit:?} after SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn slow_idle_and_stalled_clients_are_closed_while_healthz_stays_fast_and_sigterm_drains() {
    let sender = Identity::generate("Acme").unwrap();
    let dir = with_sender("slow", &sender);
    let mut relay = start_relay(&dir, &[], "30", "4");
    let addr = relay.addr;

    let opened = Instant::now();
    let attack = Attack::open(addr, &sender, 0, 1);
    let attacker =
        std::thread::spawn(move || attack.trickle_until_closed(opened, Duration::from_secs(12)));
    // Meanwhile a fresh client: /healthz on a new connection each time.
    let mut latencies: Vec<Duration> = (0..PROBES)
        .map(|_| {
            let (status, took) = probe(addr);
            assert_eq!(status, 200);
            std::thread::sleep(Duration::from_millis(5));
            took
        })
        .collect();
    let probing = opened.elapsed();
    latencies.sort();
    let (median, p99, max) = (
        percentile(&latencies, 50),
        percentile(&latencies, 99),
        latencies[PROBES - 1],
    );
    println!(
        "/healthz during the attack ({SLOW} slow heads, {IDLE} idle, {STALLED} stalled and \
         {UPLOADS} slow signed uploads; {PROBES} probes over {probing:?}): median {median:?}, \
         p99 {p99:?}, max {max:?}"
    );
    assert!(
        probing < Duration::from_secs(4),
        "the probes ran while the attack was on"
    );
    assert!(p99 < HEALTHZ_BOUND, "p99 {p99:?} over {HEALTHZ_BOUND:?}");

    // Slow heads and idle connections go at the header timeout (4 s), though the slow
    // ones keep sending; uploads once their body falls behind (1 KiB in 3 s) or stops. All
    // within the attacker's 12 s.
    let closed = attacker.join().unwrap();
    for (what, (first, last)) in KINDS.iter().zip(closed) {
        println!("{what}: closed from {first:?} to {last:?}");
    }
    for (what, (first, _)) in KINDS.iter().zip(closed).take(2) {
        assert!(
            first >= Duration::from_millis(3500),
            "{what} closed from {first:?}, before the header timeout"
        );
    }
    assert_eq!(probe(addr).0, 200, "still serving");

    // SIGTERM while a new attack is on: the relay stops accepting and exits within its 30 s
    // drain (idle connections go at once, the others at their time limits).
    let _attack = Attack::open(addr, &sender, 1, 1);
    // Accepted in order: once this is served, the attack's connections are the relay's.
    assert_eq!(probe(addr).0, 200);
    let (took, status) = stop(&mut relay, "TERM", Duration::from_secs(31));
    println!(
        "exit {took:?} after SIGTERM with {} connections open",
        SLOW + IDLE + STALLED + UPLOADS
    );
    assert!(status.success());
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn ctrl_c_like_sigterm_closes_what_is_left_after_the_drain_time() {
    let sender = Identity::generate("Acme").unwrap();
    let dir = with_sender("drain", &sender);
    // Heads may take 60 s here: only the drain (2 s) ends the attack's connections.
    let mut relay = start_relay(&dir, &[], "2", "60");
    // A tenth of the attack is enough here, and keeps both tests within 1024 descriptors.
    let _attack = Attack::open(relay.addr, &sender, 0, 10);
    assert_eq!(probe(relay.addr).0, 200);
    let (took, status) = stop(&mut relay, "INT", Duration::from_secs(10));
    println!("exit {took:?} after SIGINT, drain 2 s");
    assert!(status.success());
    assert!(took < Duration::from_secs(4), "exit {took:?} after SIGINT");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Sends `raw` on a fresh connection and reads the answer until the relay closes (10 s at
/// most).
fn raw_exchange(addr: SocketAddr, raw: &[u8]) -> (Reply, Duration) {
    let mut stream = connect(addr);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    stream.write_all(raw).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (parse_reply(&answer), started.elapsed())
}

fn assert_json_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        reply.status,
        status,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.json()["error"]["code"], code);
    assert!(reply.json()["error"]["message"].is_string());
}

#[test]
fn errors_below_the_router_answer_json() {
    let dir = temp_dir("wire");
    let relay = start_relay(&dir, &[], "30", "2");
    let addr = relay.addr;

    let long = format!("GET /{} HTTP/1.1\r\nHost: relay\r\n\r\n", "a".repeat(9000));
    assert_json_error(&raw_exchange(addr, long.as_bytes()).0, 414, "URI_TOO_LONG");

    let big = format!(
        "GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Big: {}\r\n\r\n",
        "v".repeat(20_000)
    );
    assert_json_error(
        &raw_exchange(addr, big.as_bytes()).0,
        431,
        "HEADERS_TOO_LARGE",
    );

    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /healthz HTTP/1.1\r\nHost: relay\r\n{many}\r\n");
    assert_json_error(
        &raw_exchange(addr, many.as_bytes()).0,
        431,
        "HEADERS_TOO_LARGE",
    );

    // A head that stops halfway: 408 at the header timeout (2 s), then the relay closes.
    let (reply, took) = raw_exchange(addr, b"GET /healthz HTTP/1.1\r\nHost: relay\r\n");
    assert_json_error(&reply, 408, "TIMEOUT");
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(5),
        "{took:?}"
    );

    // Heads hyper cannot parse, or beyond its own bounds: the same JSON errors.
    for malformed in [
        &b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"[..],
        b"GE T /healthz HTTP/1.1\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\nHost: relay\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ] {
        let (reply, _) = raw_exchange(addr, malformed);
        assert_json_error(&reply, 400, "BAD_HTTP");
    }
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Huge: {}\r\n\r\n",
        "v".repeat(200_000)
    );
    assert_json_error(
        &raw_exchange(addr, huge.as_bytes()).0,
        431,
        "HEADERS_TOO_LARGE",
    );

    assert_eq!(probe(addr).0, 200, "still serving");
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn over_tls_a_silent_handshake_and_a_slow_head_are_cut_off() {
    let dir = temp_dir("slow-tls");
    let (cert, key) = self_signed_cert(&dir);
    let flags = [
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ];
    let relay = start_relay(&dir, &flags, "30", "2");

    // No handshake at all: closed at the handshake limit (1 s).
    let mut silent = connect(relay.addr);
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let _ = silent.read_to_end(&mut Vec::new());
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "silent TLS client held {took:?}"
    );

    // A handshake, then half a head: the JSON 408 at the header timeout (2 s).
    let mut client = Command::new("openssl")
        .args([
            "s_client",
            "-quiet",
            "-ign_eof",
            "-servername",
            "localhost",
            "-connect",
        ])
        .arg(relay.addr.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = client.stdin.take().unwrap();
    stdin
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n")
        .unwrap();
    let mut stdout = client.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut answer = Vec::new();
        let _ = stdout.read_to_end(&mut answer);
        answer
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = client.kill();
    let _ = client.wait();
    drop(stdin);
    assert_json_error(&parse_reply(&reader.join().unwrap()), 408, "TIMEOUT");
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}
