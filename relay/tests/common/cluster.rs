//! Helpers for several `sealbill-relay` processes on one PostgreSQL database: a fresh database
//! per test on the test server of common/stores.rs, relay nodes on it, signed requests as raw
//! bytes, and requests held back until a barrier releases them all at once. Every wait is
//! bounded.
//!
//! Not declared in `common/mod.rs`: a test file includes it with
//! `#[path = "common/cluster.rs"] mod cluster;` beside `mod common;` and
//! `#[path = "common/stores.rs"] mod stores;`.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{mpsc, Arc, Barrier};
use std::time::Duration;

use sealbill::{sign_request, Identity};

use crate::common::{http, now, parse_reply, Relay, Reply, BIN};
use crate::stores::{fresh_database_name, query_rows, test_server, test_server_url};

/// `url` naming the database `name` instead of its own: a URL's path, or a `dbname` that
/// follows the others in the key=value form.
fn with_database(url: &str, name: &str) -> String {
    if !url.contains("://") {
        return format!("{url} dbname={name}");
    }
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let mut named = format!("{}/{name}", &base[..path]);
    if let Some(query) = query {
        named.push('?');
        named.push_str(query);
    }
    named
}

/// A database of its own on the test server, for one test (left for the throwaway cluster to
/// remove, as relay/tests/api.rs leaves its own).
pub struct Database {
    /// The URL the relay nodes get (`SEALBILL_DATABASE_URL`).
    pub url: String,
    /// The same database, for the tests' own SQL.
    config: tokio_postgres::Config,
}

impl Database {
    /// Creates a new, empty database on the test server.
    pub fn fresh() -> Database {
        let name = fresh_database_name();
        let mut config = test_server();
        config.dbname(&name);
        Database {
            url: with_database(&test_server_url(), &name),
            config,
        }
    }

    /// Runs `sql` (one or more statements) and returns the rows of the last one, each column
    /// as text (`None` for NULL).
    pub fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        query_rows(&self.config, sql)
    }

    /// The integer in the first column of the only row of `sql`.
    pub fn int(&self, sql: &str) -> i64 {
        let rows = self.rows(sql);
        assert_eq!(rows.len(), 1, "one row from {sql}");
        rows[0][0]
            .as_deref()
            .unwrap_or_else(|| panic!("NULL from {sql}"))
            .parse()
            .unwrap_or_else(|_| panic!("not an integer from {sql}"))
    }

    /// A relay node on this database, on a free loopback port, its logs in `dir`, with rate
    /// limits out of the tests' way (every request comes from 127.0.0.1) and `env` besides.
    pub fn node(&self, dir: &Path, env: &[(&str, &str)]) -> Relay {
        let mut all = vec![
            ("SEALBILL_DATABASE_URL", self.url.as_str()),
            ("SEALBILL_LOG", "info"),
            ("SEALBILL_RATE_LIMIT", "1000000"),
            ("SEALBILL_BODIES_PER_CLIENT", "10000"),
        ];
        all.extend_from_slice(env);
        Relay::start_env(dir, &[], &all)
    }

    /// `sealbill-relay ARGS` on this database (such as `senders add`).
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .env("SEALBILL_DATABASE_URL", &self.url)
            .args(args)
            .output()
            .unwrap()
    }

    /// Puts `sender` on the allow-list, through the relay's CLI.
    pub fn add_sender(&self, sender: &Identity) {
        let added = self.cli(&["senders", "add", &sender.card().to_text()]);
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
    }
}

/// A transaction left open on a connection of its own, holding the locks its statements took,
/// until [`Open::commit`] (or 60 s, or the drop of this handle).
pub struct Open {
    commit: mpsc::Sender<()>,
    done: std::thread::JoinHandle<()>,
}

impl Database {
    /// Begins a transaction, runs `sql` in it and leaves it open.
    pub fn begin(&self, sql: &str) -> Open {
        let config = self.config.clone();
        let sql = format!("BEGIN; {sql}");
        let (ready, is_ready) = mpsc::channel();
        let (commit, to_commit) = mpsc::channel::<()>();
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                client.batch_execute(&sql).await.unwrap();
                ready.send(()).unwrap();
                // The connection needs no polling while the transaction waits.
                let _ = to_commit.recv_timeout(Duration::from_secs(60));
                client.batch_execute("COMMIT").await.unwrap();
            });
        });
        is_ready
            .recv_timeout(Duration::from_secs(30))
            .expect("the transaction begins within 30 s");
        Open { commit, done }
    }
}

impl Open {
    /// Commits the transaction, releasing its locks.
    pub fn commit(self) {
        self.commit.send(()).unwrap();
        self.done.join().unwrap();
    }
}

/// A request signed by `sender` (SPEC §6) for `host`, as the bytes on the wire.
pub fn signed_request(
    sender: &Identity,
    host: &str,
    method: &str,
    target: &str,
    body: &[u8],
) -> Vec<u8> {
    let signature = sign_request(sender, method, host, target, now(), body).unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Length: {}\r\nSealbill-Signature: {signature}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// Sends `request` byte for byte on a fresh connection and reads the answer until the relay
/// closes it (20 s at most).
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut held = Held::send_all_but_the_last_byte(addr, request);
    held.release()
}

/// A connection to `addr` (made within 5 s) whose reads and writes each wait `timeout` at most.
pub fn connect(addr: SocketAddr, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.set_write_timeout(Some(timeout)).unwrap();
    stream
}

/// A request sent but for its last byte, so that the relay holds it until [`Held::release`].
pub struct Held {
    stream: TcpStream,
    last: u8,
}

impl Held {
    /// Connects to `addr` and sends all of `request` but its last byte.
    pub fn send_all_but_the_last_byte(addr: SocketAddr, request: &[u8]) -> Held {
        let (last, head) = request.split_last().expect("a request");
        let mut stream = connect(addr, Duration::from_secs(20));
        stream.write_all(head).unwrap();
        Held {
            stream,
            last: *last,
        }
    }

    /// Sends the last byte and reads the whole answer.
    pub fn release(&mut self) -> Reply {
        self.stream.write_all(&[self.last]).unwrap();
        let mut raw = Vec::new();
        match self.stream.read_to_end(&mut raw) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !raw.is_empty() => {}
            Err(e) => panic!("no answer: {e}"),
        }
        parse_reply(&raw)
    }
}

/// Sends every `(node, request)` at once: each is sent but for its last byte, then one
/// barrier releases them all from threads of their own. The answers, in the order given.
pub fn all_at_once(requests: Vec<(SocketAddr, Vec<u8>)>) -> Vec<Reply> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let threads: Vec<_> = requests
        .into_iter()
        .map(|(addr, request)| {
            let mut held = Held::send_all_but_the_last_byte(addr, &request);
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                held.release()
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// The value of the unlabelled series `name` on the node's `/metrics`.
pub fn metric(addr: SocketAddr, name: &str) -> u64 {
    let reply = http(addr, "GET", "/metrics", &[], b"");
    assert_eq!(reply.status, 200);
    let text = String::from_utf8(reply.body).unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
        .parse()
        .unwrap()
}

/// An answer's status and, for an error, its JSON error code: `""` for a success, and a
/// placeholder naming the content type for an error that is not the relay's JSON.
pub fn outcome(reply: &Reply) -> (u16, String) {
    if reply.status < 400 {
        return (reply.status, String::new());
    }
    let code = match reply.header("content-type") {
        Some("application/json") => serde_json::from_slice::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "<JSON without an error code>".to_owned()),
        other => format!("<not JSON: {other:?}>"),
    };
    (reply.status, code)
}

#[test]
fn a_database_name_replaces_the_path_and_keeps_the_parameters() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5432/postgres", "t1"),
        "postgres://u:p@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgresql://u@h?host=/run/postgresql", "t2"),
        "postgresql://u@h/t2?host=/run/postgresql"
    );
    assert_eq!(
        with_database("host=h user=u dbname=x", "t3"),
        "host=h user=u dbname=x dbname=t3"
    );
}
