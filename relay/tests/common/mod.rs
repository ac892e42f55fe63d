//! Helpers shared by the black-box tests: the real `sealbill-relay` binary on a loopback
//! port, plain HTTP/1.1 over TCP, and sealed test invoices. Every wait is bounded.

// Each test file uses some of these helpers, not all.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sealbill::{
    seal, sign_request, Document, Identity, LinkRequest, Passphrase, SealOptions, Sealed,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_sealbill-relay");

/// A self-signed certificate for `localhost` and its key, made by openssl in `dir`.
pub fn self_signed_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes a test certificate");
    assert!(made.status.success());
    (cert, key)
}

pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sealbill-relay-{tag}-{}-{}",
        std::process::id(),
        rand_core::RngCore::next_u64(&mut rand_core::OsRng)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running relay: its process, address and the file its logs go to.
pub struct Relay {
    pub child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl Relay {
    /// Starts the binary on 127.0.0.1 with a free port and waits (at most 20 s) until it
    /// announces its address.
    pub fn start(dir: &Path, flags: &[&str]) -> Relay {
        Relay::start_env(dir, flags, &[])
    }

    /// Like [`Relay::start`], with these environment variables set as well.
    pub fn start_env(dir: &Path, flags: &[&str], env: &[(&str, &str)]) -> Relay {
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
            .envs(env.iter().copied())
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

    pub fn kill_9(mut self) {
        self.child.kill().unwrap(); // SIGKILL on Unix
        self.child.wait().unwrap();
    }

    /// The relay's log so far, read once the lines it buffers have been written.
    pub fn logs(&self) -> Vec<u8> {
        std::thread::sleep(sealbill_relay::log::FLUSH_EVERY * 3);
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
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// One HTTP/1.1 request over a fresh connection, with a 10 s timeout.
pub fn http(
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
    parse_reply(&raw)
}

/// A raw HTTP/1.1 response: its head and its body (dechunked).
pub fn parse_reply(raw: &[u8]) -> Reply {
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

pub fn dechunk(mut data: &[u8]) -> Vec<u8> {
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

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub const CANARY: &str = "CANARY-7f3a9c-Zahlungsziel-Muster-GmbH";

/// An invoice sealed for a passphrase link only (and the sender); the link is in `.link`.
pub fn canary_invoice(sender: &Identity) -> Sealed {
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

/// What must never be found in the relay's files, logs or snapshots after a canary invoice
/// went through it: each with a name for the assertion message.
pub fn canary_secrets(
    link_secret: String,
    token: String,
    proof: String,
    reader: &sealbill::age::Identity,
    sender: &Identity,
) -> Vec<(&'static str, String)> {
    vec![
        ("the canary text", CANARY.to_owned()),
        ("the IBAN", "DE02120300000000202051".to_owned()),
        ("the link secret", link_secret),
        ("the manage token", token),
        ("the open proof", proof),
        ("the link passphrase", "canary passphrase".to_owned()),
        ("the link's age identity", reader.to_bech32().to_string()),
        (
            "the sender's identity",
            sender.to_text().lines().last().unwrap().to_owned(),
        ),
    ]
}

pub fn passphrase() -> Passphrase {
    Passphrase::new("canary passphrase").unwrap()
}

pub fn upload(addr: SocketAddr, sender: Option<&Identity>, target: &str, body: &[u8]) -> Reply {
    let host = addr.to_string();
    let signature = sender.map(|s| sign_request(s, "POST", &host, target, now(), body).unwrap());
    let headers: Vec<(&str, &str)> = signature
        .iter()
        .map(|s| ("sealbill-signature", s.as_str()))
        .collect();
    http(addr, "POST", target, &headers, body)
}

pub fn sealed_for(sender: &Identity, client: &Identity, note: &str) -> Vec<u8> {
    sealed_padded(sender, client, note, 0)
}

/// Like [`sealed_for`], with `padding` more bytes in the invoice (for larger envelopes).
pub fn sealed_padded(sender: &Identity, client: &Identity, note: &str, padding: usize) -> Vec<u8> {
    let doc = Document {
        name: "i.xml".into(),
        media_type: "application/xml".into(),
        data: format!("<Invoice>{note}{}</Invoice>", " ".repeat(padding)).into_bytes(),
    };
    let options = SealOptions {
        recipients: vec![client.recipient()],
        ..SealOptions::new(note, now())
    };
    seal(sender, &[doc], &options).unwrap().envelope
}

pub fn id_of(reply: &Reply) -> String {
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["id"].as_str().unwrap().to_owned()
}

pub fn relay_cli(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `dir`, concatenated.
pub fn all_bytes(dir: &Path) -> Vec<u8> {
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

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
