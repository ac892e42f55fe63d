//! Black-box tests of `sealbill open --link` (SPEC §5.3): a checked link opens its envelope,
//! a broken link is `MALFORMED`, and an envelope whose key block was altered says so.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::path::Path;
use std::process::Stdio;

use common::{assert_fails, command, entries, run, Party, TempDir, INVOICE};
use sealbill::{seal, Document, LinkRequest, Passphrase, SealOptions};

const RELAY_ID: &str = "cli-link-relay-0001";

/// An envelope sealed by a fresh sender for a link (and the sender), and the link.
fn sealed(tmp: &TempDir, request: LinkRequest) -> (Vec<u8>, String) {
    let sender = Party::new(tmp, "Acme GmbH").library();
    let documents = [Document {
        name: "invoice.xml".into(),
        media_type: "application/xml".into(),
        data: INVOICE.to_vec(),
    }];
    let options = SealOptions {
        link: Some(request),
        ..SealOptions::new("INV-1", 1_795_000_000)
    };
    let sealed = seal(&sender, &documents, &options).unwrap();
    let url = sealed
        .link
        .unwrap()
        .url("https://relay.example/", RELAY_ID)
        .unwrap();
    (sealed.envelope, url.to_string())
}

/// `envelope` with one character of its first stanza's body line (the link's) changed.
fn alter_first_stanza_body(envelope: &[u8]) -> Vec<u8> {
    let find = |from: usize, needle: &[u8]| {
        from + envelope[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };
    let stanza = find(0, b"\n-> X25519 ") + 1;
    let body = find(stanza, b"\n") + 1;
    let mut altered = envelope.to_vec();
    altered[body] = if altered[body] == b'A' { b'B' } else { b'A' };
    altered
}

/// `sealbill open --link <link>` of `envelope` into a fresh directory, with `stdin` and
/// the link passphrase `passphrase` in the environment.
fn open(
    tmp: &TempDir,
    link: &str,
    envelope: &[u8],
    stdin: &[u8],
    passphrase: Option<&str>,
) -> (std::process::Output, String) {
    let file = tmp.write(&tmp.unique("envelope"), envelope);
    let dir = tmp.fresh("out");
    let mut cmd = command();
    cmd.args(["open", "--link", link, &file, "-o", &dir])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("SEALBILL_PASSPHRASE");
    if let Some(passphrase) = passphrase {
        cmd.env("SEALBILL_PASSPHRASE", passphrase);
    }
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin).unwrap();
    }
    (child.wait_with_output().unwrap(), dir)
}

fn fails(tmp: &TempDir, link: &str, envelope: &[u8], passphrase: Option<&str>) -> String {
    let (out, dir) = open(tmp, link, envelope, b"", passphrase);
    assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert_fails(&out, &["["]);
    stderr
}

#[test]
fn a_checked_link_opens_from_the_argument_a_file_or_standard_input() {
    let tmp = TempDir::new();
    let (envelope, url) = sealed(&tmp, LinkRequest::Plain);
    let link_file = tmp.write("link.txt", format!("\n{url}\n").as_bytes());
    for (arg, stdin) in [
        (url.as_str(), ""),
        (link_file.as_str(), ""),
        ("-", url.as_str()),
    ] {
        let (out, dir) = open(&tmp, arg, &envelope, stdin.as_bytes(), None);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{arg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("verified: invoice INV-1"), "{stdout}");
        assert_eq!(entries(Path::new(&dir)), ["invoice.xml"]);
    }
    // The link and an identity are two ways to open, not one.
    let identity = tmp.path("Acme GmbH.identity");
    assert!(!run(
        &["open", "-i", &identity, "--link", &url, "x", "-o", "y"],
        None
    )
    .status
    .success());
}

#[test]
fn an_altered_key_block_says_altered_and_a_changed_link_says_broken() {
    let tmp = TempDir::new();
    let (envelope, url) = sealed(&tmp, LinkRequest::Plain);
    let stderr = fails(&tmp, &url, &alter_first_stanza_body(&envelope), None);
    assert!(stderr.contains("[TAMPERED]"), "{stderr}");
    assert!(stderr.contains("altered"), "{stderr}");
    assert!(stderr.contains("link itself is intact"), "{stderr}");

    // One character of the secret changed: the check fails before anything is read.
    let at = url.len() - 10;
    let other = if &url[at..=at] == "x" { "y" } else { "x" };
    let changed = format!("{}{other}{}", &url[..at], &url[at + 1..]);
    let stderr = fails(&tmp, &changed, &envelope, None);
    assert!(stderr.contains("[MALFORMED]"), "{stderr}");
    assert!(stderr.contains("broken"), "{stderr}");
}

#[test]
fn a_passphrase_link_names_both_causes() {
    let tmp = TempDir::new();
    let request = LinkRequest::WithPassphrase(Passphrase::new("blue fox").unwrap());
    let (envelope, url) = sealed(&tmp, request);
    let (out, _) = open(&tmp, &url, &envelope, b"", Some("blue fox"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let altered = alter_first_stanza_body(&envelope);
    let stderr = fails(&tmp, &url, &altered, Some("blue fox"));
    assert!(stderr.contains("[BAD_PASSPHRASE]"), "{stderr}");
    assert!(stderr.contains("wrong passphrase"), "{stderr}");
    assert!(stderr.contains("altered"), "{stderr}");
}

#[test]
fn an_old_link_keeps_its_reading() {
    // The test kit's version-1 link and its envelope with the link's stanza altered.
    let vector = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/sealbill/link-altered-key-block"),
    )
    .unwrap();
    let split = vector.windows(2).position(|w| w == b"\n\n").unwrap();
    let head = std::str::from_utf8(&vector[..split]).unwrap();
    let link = head.lines().find_map(|l| l.strip_prefix("link: ")).unwrap();
    let tmp = TempDir::new();
    let stderr = fails(&tmp, link, &vector[split + 2..], None);
    assert!(stderr.contains("[WRONG_KEY]"), "{stderr}");
    assert!(stderr.contains("does not open this envelope"), "{stderr}");
    // The same link opens its own envelope, as before.
    let vector =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/sealbill/link"))
            .unwrap();
    let split = vector.windows(2).position(|w| w == b"\n\n").unwrap();
    let (out, dir) = open(&tmp, link, &vector[split + 2..], b"", None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(entries(Path::new(&dir)), ["invoice.xml", "terms.pdf"]);
}
