//! What an interrupted or finished command leaves on disk: staged decrypted bytes are readable
//! by their owner only, and SIGINT or SIGTERM removes them before the command ends.

#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{command, entries, ok, random_bytes, Party, TempDir, INVOICE};

/// A sender, a client, and a sealed envelope of several 64 KiB chunks to the client.
struct Sealed {
    tmp: TempDir,
    client: Party,
    envelope: Vec<u8>,
}

fn sealed() -> Sealed {
    let tmp = TempDir::new();
    let sender = Party::new(&tmp, "Acme GmbH");
    let client = Party::new(&tmp, "Client AG");
    let card = tmp.write("client.card", client.keygen_stdout.as_bytes());
    let invoice = tmp.write("invoice.xml", INVOICE);
    let attach = tmp.write("attachment.bin", &random_bytes(1024 * 1024));
    let envelope = tmp.path("invoice.age");
    ok(&[
        "seal",
        "-i",
        &sender.file,
        "--to",
        &card,
        "--attach",
        &attach,
        &invoice,
        "-o",
        &envelope,
    ]);
    Sealed {
        envelope: std::fs::read(&envelope).unwrap(),
        tmp,
        client,
    }
}

/// The staged files (`.sealbill-….part`) in `dir`.
fn staged_in(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.starts_with(".sealbill-"))
        .collect()
}

/// Starts `args` with the first half of `envelope` on its standard input, which stays open:
/// the command is then mid-way, with bytes staged in `dir`. Waits (at most 20 s) until a
/// staged file there holds at least `min_len` bytes, and returns the child and that file.
fn start_halfway(args: &[&str], envelope: &[u8], dir: &Path, min_len: u64) -> (Child, String) {
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&envelope[..envelope.len() / 2]).unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = staged_in(dir)
            .into_iter()
            .find(|name| std::fs::metadata(dir.join(name)).is_ok_and(|m| m.len() >= min_len));
        if let Some(name) = ready {
            // The pipe stays open (leaked) so the command keeps waiting for the rest.
            std::mem::forget(stdin);
            return (child, name);
        }
        assert!(
            Instant::now() < deadline,
            "nothing staged in {}",
            dir.display()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the command ended early"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends `signal` to the child and waits (at most 10 s) for it to end by that signal.
fn interrupt(mut child: Child, signal: &str, number: i32) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the command did not end on {signal}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.signal(), Some(number), "{status:?}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn decrypting_stages_plaintext_privately_and_an_interruption_removes_it() {
    let s = sealed();
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let dir = s.tmp.root.join(format!("plain-{signal}"));
        std::fs::create_dir(&dir).unwrap();
        let out = dir.join("plain.bin");
        let args = ["decrypt", "-i", &s.client.file, "-o", out.to_str().unwrap()];
        // Decrypted bytes arrive chunk by chunk: two chunks are in the staged file.
        let (child, name) = start_halfway(&args, &s.envelope, &dir, 128 * 1024);
        assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
        interrupt(child, signal, number);
        assert_eq!(entries(&dir), Vec::<String>::new(), "after SIG{signal}");
    }
}

#[test]
fn opening_removes_its_staged_bytes_on_an_interruption() {
    let s = sealed();
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let dir = s.tmp.root.join(format!("open-{signal}"));
        let args = [
            "open",
            "-i",
            &s.client.file,
            "/dev/stdin",
            "-o",
            dir.to_str().unwrap(),
        ];
        let (child, name) = start_halfway(&args, &s.envelope, &dir, 64 * 1024);
        assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
        interrupt(child, signal, number);
        assert_eq!(entries(&dir), Vec::<String>::new(), "after SIG{signal}");
    }
}

#[test]
fn opened_documents_are_readable_by_their_owner_only() {
    let s = sealed();
    let envelope = s.tmp.write("copy.age", &s.envelope);
    let dir = s.tmp.root.join("opened");
    ok(&[
        "open",
        "-i",
        &s.client.file,
        &envelope,
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(entries(&dir), ["attachment.bin", "invoice.xml"]);
    for name in entries(&dir) {
        assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
    }
}
