//! Replay protection across a restart: the real `sealbill-relay` binary, killed and started
//! again on the same data directory, still refuses a signed request it answered before.
//! Every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use common::*;
use sealbill::{sign_request, Identity};

/// Sends `request` byte for byte over a fresh connection; the answer's status and body.
fn send(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, text)
}

#[test]
fn a_signed_upload_replayed_after_a_restart_is_refused() {
    let dir = temp_dir("replay-restart");
    let (acme, client) = (
        Identity::generate("Acme GmbH").unwrap(),
        Identity::generate("Client").unwrap(),
    );
    let added = relay_cli(&dir, &["senders", "add", &acme.card().to_text()]);
    assert!(added.status.success());
    let relay = Relay::start(&dir, &[]);
    // The signed request names the first relay's address; both relays listen on port 0, so
    // the second takes that Host too.
    let host = relay.addr.to_string();
    let target = "/api/v1/envelopes?expires=600";
    let body = sealed_for(&acme, &client, "INV-1");
    let signature = sign_request(&acme, "POST", &host, target, now(), &body).unwrap();
    let mut request = format!(
        "POST {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Length: {}\r\nSealbill-Signature: {signature}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let (status, answer) = send(relay.addr, &request);
    assert_eq!(status, 201, "{answer}");

    relay.kill_9();
    let relay = Relay::start(&dir, &[]);
    let (status, answer) = send(relay.addr, &request);
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("\"REPLAYED\""), "{answer}");
    // A new signature of the same upload is taken: only the replay was refused.
    let again = upload(relay.addr, Some(&acme), target, &body);
    assert_eq!(again.status, 201);
    drop(relay);
    std::fs::remove_dir_all(dir).unwrap();
}
