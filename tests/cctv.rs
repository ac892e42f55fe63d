#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]
//! Runs every X25519 and armor vector of the CCTV age test kit (npm `cctv-age`, bundled into
//! `tests/vectors/cctv-age.bundle` by `tests/interop/cctv-export.mjs`) through the streaming
//! decryptor, natively and, under wasm-bindgen-test, in the wasm build (Node and Chromium).

use std::io::Read;

use sealbill::age::{Decryptor, Identity};
use sealbill::Error;
use sha2::{Digest, Sha256};

struct Vector {
    expect: String,
    payload: Option<String>,
    identities: Vec<Identity>,
    file: Vec<u8>,
}

/// The bundle: `<name>\n<length>\n<bytes>\n` per vector.
const BUNDLE: &[u8] = include_bytes!("vectors/cctv-age.bundle");

fn line(rest: &mut &'static [u8]) -> &'static str {
    let end = rest.iter().position(|&b| b == b'\n').expect("bundle line");
    let (head, tail) = rest.split_at(end);
    *rest = &tail[1..];
    std::str::from_utf8(head).expect("bundle text")
}

fn bundle() -> Vec<(&'static str, &'static [u8])> {
    let mut rest = BUNDLE;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let name = line(&mut rest);
        let len: usize = line(&mut rest).parse().expect("bundle length");
        let (bytes, tail) = rest.split_at(len);
        assert_eq!(tail.first(), Some(&b'\n'), "bundle framing after {name}");
        rest = &tail[1..];
        out.push((name, bytes));
    }
    out
}

fn load(raw: &[u8]) -> Vector {
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

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn cctv_x25519_and_armor_vectors() {
    let vectors = bundle();
    assert!(
        vectors.len() >= 90,
        "expected the CCTV vectors in the bundle"
    );
    let mut failures = Vec::new();
    for (name, raw) in vectors {
        let v = load(raw);
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
