//! Feeds mutated envelopes and random bytes to every parser: each must return an error (or,
//! for an unchanged input, succeed) and never panic, whatever the input and however it is
//! split into pieces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use sealbill::age::{self, Recipient};
use sealbill::{
    age_identities_from_text, open, seal, Card, Document, DocumentSink, Fingerprint, Identity,
    Opener, SealOptions,
};

/// A small deterministic generator, so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(3) {
        if out.is_empty() {
            out.push(rng.next() as u8);
        }
        let at = rng.below(out.len());
        match rng.below(5) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => out[at] = rng.next() as u8,
            2 => out.truncate(at),
            3 => {
                let n = 1 + rng.below(70_000);
                let junk = rng.bytes(n);
                out.splice(at..at, junk);
            }
            _ => {
                let end = (at + rng.below(200)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
        }
    }
    out
}

/// Collects revealed documents.
#[derive(Default)]
struct Collect(Vec<Vec<u8>>);

impl DocumentSink for Collect {
    fn begin(&mut self, _index: usize, _size: u64) {
        self.0.push(Vec::new());
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.last_mut().unwrap().extend_from_slice(bytes);
    }
}

#[test]
fn mutated_envelopes_are_errors_not_panics() {
    let mut rng = Rng(0x5ea1_b111 ^ 0x1234_5678_9abc_def0);
    let sender = Identity::generate("Acme GmbH").unwrap();
    let client = Identity::generate("Client AG").unwrap();
    let readers = vec![client.age_identity().clone()];
    let docs = vec![
        Document {
            name: "i.xml".into(),
            media_type: "application/xml".into(),
            data: b"<a/>".to_vec(),
        },
        Document {
            name: "scan.pdf".into(),
            media_type: "application/pdf".into(),
            data: rng.bytes(70_000),
        },
    ];
    let mut rejected = 0;
    for encoding in [age::Encoding::Binary, age::Encoding::Armored] {
        let options = SealOptions {
            recipients: vec![client.recipient()],
            encoding,
            ..SealOptions::new("INV-9", 9)
        };
        let env = seal(&sender, &docs, &options).unwrap().envelope;
        for _ in 0..300 {
            let bad = mutate(&mut rng, &env);
            let whole = open(&readers, &bad, None);
            let mut opener = Opener::new(&readers);
            let mut rest: &[u8] = &bad;
            let mut staged = Vec::new();
            let mut streamed = Ok(());
            while !rest.is_empty() && streamed.is_ok() {
                let (piece, tail) = rest.split_at(1 + rng.below(rest.len().min(100_000)));
                streamed = opener.push(piece, &mut staged);
                rest = tail;
            }
            let streamed = streamed.and_then(|()| opener.finish(&mut staged, None));
            assert_eq!(whole.is_ok(), streamed.is_ok());
            match (whole, streamed) {
                (Ok(opened), Ok(verified)) => {
                    let mut revealed = Collect::default();
                    let mut reveal = verified.reveal;
                    reveal.push(&staged, &mut revealed).unwrap();
                    reveal.finish(&mut revealed).unwrap();
                    let data: Vec<_> = docs.iter().map(|d| d.data.clone()).collect();
                    assert_eq!(
                        revealed.0, data,
                        "the streamed open revealed other documents"
                    );
                    assert_eq!(
                        opened.documents, docs,
                        "a changed envelope opened to other documents"
                    );
                }
                _ => rejected += 1,
            }
        }
    }
    assert!(
        rejected > 500,
        "only {rejected} of 600 mutations were rejected"
    );
}

#[test]
fn random_bytes_into_every_parser() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let identity = Identity::generate("Acme").unwrap();
    let card = identity.card().to_bytes();
    let text = identity.to_text().to_string();
    let readers = vec![identity.age_identity().clone()];
    for _ in 0..2000 {
        let len = rng.below(300);
        let junk = rng.bytes(len);
        let junk_text = String::from_utf8_lossy(&junk).into_owned();
        let _ = Card::from_bytes(&junk);
        let _ = Card::from_bytes(&mutate(&mut rng, &card));
        let _ = Card::from_text(&junk_text);
        let _ = Identity::from_text(&junk_text);
        let mutated = String::from_utf8_lossy(&mutate(&mut rng, text.as_bytes())).into_owned();
        let _ = Identity::from_text(&mutated);
        let _ = age_identities_from_text(&mutated);
        let _ = junk_text.parse::<Recipient>();
        let _ = junk_text.parse::<Fingerprint>();
        let _ = age::Identity::from_bech32(&junk_text);
        let _ = age::decrypt(&readers, &junk);
        let mut armored = b"-----BEGIN AGE ENCRYPTED FILE-----\n".to_vec();
        armored.extend_from_slice(&junk);
        let _ = age::decrypt(&readers, &armored);
    }
}

/// An age header of `len` bytes: the version line, one stanza whose 64-column body lines fill
/// the space, and a MAC line; with `crossing`, the body line that crosses 256 KiB is invalid.
fn header_of(len: usize, crossing: bool) -> Vec<u8> {
    const MAC_LINE: usize = 48;
    let mut out = b"age-encryption.org/v1\n-> grease ".to_vec();
    let body_lines = (len - out.len() - 1 - 3 - MAC_LINE) / 65;
    let arg = len - out.len() - 1 - 65 * body_lines - 3 - MAC_LINE;
    out.extend(std::iter::repeat(b'a').take(arg));
    out.push(b'\n');
    for _ in 0..body_lines {
        let line_end = out.len() + 65;
        if crossing && line_end > 256 * 1024 && line_end - 65 <= 256 * 1024 {
            out.extend_from_slice(&[b'!'; 64]);
        } else {
            out.extend_from_slice(&[b'A'; 64]);
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"AA\n--- ");
    out.extend_from_slice(&[b'A'; 43]);
    out.push(b'\n');
    assert_eq!(out.len(), len);
    out
}

/// The first error of a decryptor fed `file` in pieces of `piece` bytes.
fn first_error(file: &[u8], piece: usize) -> sealbill::Error {
    let reader = sealbill::age::Identity::generate();
    let mut decryptor = sealbill::age::Decryptor::new(vec![reader]);
    let mut out = Vec::new();
    for bytes in file.chunks(piece) {
        if let Err(e) = decryptor.push(bytes, &mut out) {
            return e;
        }
    }
    decryptor.finish(&mut out).unwrap_err()
}

#[test]
fn the_header_bound_holds_however_the_header_is_cut() {
    let too_large = sealbill::Error::LimitExceeded("header larger than 256 KiB");
    // Just over the bound, and well over it with an invalid line across the bound, which must
    // not be read (so a header pushed whole fails as one pushed in pieces).
    for (len, crossing) in [(256 * 1024 + 1, false), (264 * 1024, true)] {
        let file = header_of(len, crossing);
        for piece in [file.len(), 4099, 1] {
            assert_eq!(
                first_error(&file, piece),
                too_large,
                "pieces of {piece}, crossing line {crossing}"
            );
        }
    }
    // At the bound, the header is read, and fails only on its made-up stanza.
    let file = header_of(256 * 1024, false);
    for piece in [file.len(), 4099, 1] {
        assert_ne!(first_error(&file, piece), too_large, "pieces of {piece}");
    }
}

/// `armored` with its 12th armor line, well past a header of up to two stanzas (seven lines),
/// turned into invalid base64.
fn break_armor_after_header(armored: &[u8]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = armored.split(|&b| b == b'\n').collect();
    lines[12] = b"!!!! not base64 !!!!";
    lines.join(&b'\n')
}

/// An armored file is read in the order of its bytes, whole or in pieces: a header that opens
/// with no key of the reader fails as `NoMatch` before armor that breaks further on is read,
/// and a reader of the file gets the armor error once its header opened.
#[test]
fn armor_that_breaks_after_the_header_fails_in_input_order() {
    let reader = age::Identity::generate();
    let plaintext = vec![7u8; 4096];
    let file = age::encrypt(&[reader.to_recipient()], &plaintext, age::Encoding::Armored).unwrap();
    let broken = break_armor_after_header(&file);
    let other = age::Identity::generate();
    for piece in [broken.len(), 4099, 65, 1] {
        for (readers, expected) in [
            (vec![other.clone()], sealbill::Error::NoMatch),
            (
                vec![reader.clone()],
                sealbill::Error::Armor("invalid base64"),
            ),
        ] {
            let mut decryptor = age::Decryptor::new(readers);
            let mut out = Vec::new();
            let error = broken
                .chunks(piece)
                .find_map(|bytes| decryptor.push(bytes, &mut out).err());
            assert_eq!(error, Some(expected.clone()), "pieces of {piece}");
        }
    }
    // `open` answers as the streaming opener does.
    let sender = Identity::generate("Acme GmbH").unwrap();
    let client = Identity::generate("Client AG").unwrap();
    let options = SealOptions {
        recipients: vec![client.recipient()],
        encoding: age::Encoding::Armored,
        ..SealOptions::new("INV-10", 10)
    };
    let docs = [Document {
        name: "i.xml".into(),
        media_type: "application/xml".into(),
        data: vec![b' '; 4096],
    }];
    let env = seal(&sender, &docs, &options).unwrap().envelope;
    let broken = break_armor_after_header(&env);
    let stranger = [Identity::generate("Stranger")
        .unwrap()
        .age_identity()
        .clone()];
    let whole = open(&stranger, &broken, None).unwrap_err();
    let mut opener = Opener::new(&stranger);
    let (head, tail) = broken.split_at(broken.len() / 2);
    let mut staged = Vec::new();
    let streamed = opener
        .push(head, &mut staged)
        .and_then(|()| opener.push(tail, &mut staged))
        .unwrap_err();
    assert_eq!((whole.code(), streamed.code()), ("WRONG_KEY", "WRONG_KEY"));
}
