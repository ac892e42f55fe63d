#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]
//! Runs every X25519 and armor vector of the CCTV age test kit (npm `cctv-age`, copied to
//! `tests/vectors/cctv/` by `tests/interop/cctv-export.mjs`) through the streaming decryptor.

use std::io::Read;
use std::path::Path;

use sealbill::age::{Decryptor, Identity};
use sealbill::Error;
use sha2::{Digest, Sha256};

struct Vector {
    expect: String,
    payload: Option<String>,
    identities: Vec<Identity>,
    file: Vec<u8>,
}

fn load(path: &Path) -> Vector {
    let raw = std::fs::read(path).expect("read vector");
    let split = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("vector header");
    let (head, body) = raw.split_at(split + 2);
    let mut v = Vector {
        expect: String::new(),
        payload: None,
        identities: vec![],
        file: vec![],
    };
    let mut compressed = false;
    for line in std::str::from_utf8(head).expect("utf-8 header").lines() {
        let Some((key, value)) = line.split_once(": ") else {
            continue;
        };
        match key {
            "expect" => v.expect = value.to_owned(),
            "payload" => v.payload = Some(value.to_owned()),
            "identity" => v
                .identities
                .push(Identity::from_bech32(value).expect("identity")),
            "compressed" => compressed = value == "zlib",
            _ => {}
        }
    }
    v.file = if compressed {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(body)
            .read_to_end(&mut out)
            .expect("zlib");
        out
    } else {
        body.to_vec()
    };
    v
}

fn outcome(result: &Result<(), Error>) -> &'static str {
    match result {
        Ok(()) => "success",
        Err(Error::Armor(_)) => "armor failure",
        Err(Error::Header(_) | Error::HeaderTruncated | Error::LimitExceeded(_)) => {
            "header failure"
        }
        Err(Error::NoMatch) => "no match",
        Err(Error::HeaderMac) => "HMAC failure",
        Err(Error::PayloadTampered | Error::PayloadTruncated) => "payload failure",
        Err(_) => "other failure",
    }
}

/// Decrypts `file`, pushed in pieces of `piece` bytes; returns the outcome and what was released.
fn run(v: &Vector, piece: usize) -> (Result<(), Error>, Vec<u8>) {
    let mut out = Vec::new();
    let mut d = Decryptor::new(&v.identities);
    for part in v.file.chunks(piece.max(1)) {
        if let Err(e) = d.push(part, &mut out) {
            return (Err(e), out);
        }
    }
    let r = d.finish(&mut out);
    (r, out)
}

#[test]
fn cctv_x25519_and_armor_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/cctv");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("vector dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 90,
        "expected the CCTV vectors in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &paths {
        let v = load(path);
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        for piece in [usize::MAX, 4099, 1] {
            if piece == 1 && v.file.len() > 70_000 {
                continue;
            }
            let (result, released) = run(&v, piece);
            let got = outcome(&result);
            if got != v.expect {
                failures.push(format!(
                    "{name} (piece {piece}): expected {}, got {got}: {result:?}",
                    v.expect
                ));
                continue;
            }
            if let Some(hash) = &v.payload {
                let actual = hex::encode(Sha256::digest(&released));
                if &actual != hash {
                    failures.push(format!(
                        "{name} (piece {piece}): released plaintext hash differs"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
