//! Property tests of the envelope and the keystore (proptest): seal then open returns the same
//! documents whatever their sizes, names and reader; every flipped bit and every cut of an
//! envelope is refused; a reader outside the recipients gets no document byte; locking then
//! unlocking an identity gives it back.
//!
//! Each property runs a bounded number of cases with sizes capped at a few 64 KiB chunks, so
//! the whole file runs in well under two minutes in a debug build. A failing case is saved in
//! `tests/properties.proptest-regressions` and replayed first on every later run.

#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use sealbill::age::{self, Encoding, CHUNK_SIZE};
use sealbill::{
    open, seal, Document, DocumentSink, Error, Identity, KdfParams, LinkKind, LinkRequest,
    LinkSecret, Opener, Passphrase, SealOptions,
};
use zeroize::Zeroizing;

/// Document sizes at and around the 64 KiB chunk edges, and over several chunks.
const EDGE_SIZES: [usize; 8] = [
    0,
    1,
    CHUNK_SIZE - 1,
    CHUNK_SIZE,
    CHUNK_SIZE + 1,
    2 * CHUNK_SIZE,
    3 * CHUNK_SIZE + 7,
    4 * CHUNK_SIZE - 1,
];

/// Media types a sender attaches.
const MEDIA_TYPES: [&str; 4] = [
    "application/xml",
    "application/pdf",
    "text/plain",
    "image/png",
];

fn config(cases: u32) -> Config {
    Config {
        cases,
        max_shrink_iters: 64,
        ..Config::default()
    }
}

/// `n` bytes that differ with `seed`: xorshift64, so cases are cheap to build and replay.
fn filler(seed: u64, n: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// A document size: an edge size or any size up to three chunks.
fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        prop::sample::select(EDGE_SIZES.to_vec()),
        0..3 * CHUNK_SIZE,
        0usize..100,
    ]
}

/// Names within SPEC §3.6's rules (a plain, portable file name): a counter first keeps them
/// unique however case is compared, and an extension last means no trailing dot or space.
fn documents(max: usize, sizes: BoxedStrategy<usize>) -> impl Strategy<Value = Vec<Document>> {
    let one = (
        "[A-Za-z0-9 _()\\-äöüßéЖжπ日本]{0,40}",
        prop::sample::select(MEDIA_TYPES.to_vec()),
        prop::sample::select(vec!["xml", "pdf", "txt", "png", "tar.gz"]),
        sizes,
        any::<u64>(),
    );
    prop::collection::vec(one, 1..=max).prop_map(|docs| {
        docs.into_iter()
            .enumerate()
            .map(|(i, (stem, media_type, ext, size, seed))| Document {
                name: format!("{i}{stem}.{ext}"),
                media_type: media_type.into(),
                data: filler(seed, size),
            })
            .collect()
    })
}

/// How the reader holds its key.
#[derive(Clone, Debug)]
enum Reader {
    /// The client's own identity.
    Identity,
    /// The link made for the envelope.
    Link,
    /// The link made for the envelope, with its passphrase.
    LinkWithPassphrase(String),
}

/// A passphrase: any printable Unicode text, at least one character.
fn passphrase() -> impl Strategy<Value = String> {
    "\\PC{1,24}"
}

/// Link passphrases run Argon2id at the format's fixed 64 MiB (`LINK_KDF`), so they are rarer.
fn reader() -> impl Strategy<Value = Reader> {
    prop_oneof![
        4 => Just(Reader::Identity),
        3 => Just(Reader::Link),
        1 => passphrase().prop_map(Reader::LinkWithPassphrase),
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Binary), Just(Encoding::Armored)]
}

fn seed() -> impl Strategy<Value = Zeroizing<[u8; 32]>> {
    any::<[u8; 32]>().prop_map(Zeroizing::new)
}

fn pw(text: &str) -> Passphrase {
    Passphrase::new(text).unwrap()
}

/// The sender and the client of every case.
struct Parties {
    sender: Identity,
    client: Identity,
}

fn parties(sender: Zeroizing<[u8; 32]>, client: Zeroizing<[u8; 32]>) -> Parties {
    Parties {
        sender: Identity::from_seed("Acme GmbH", sender).unwrap(),
        client: Identity::from_seed("Client AG", client).unwrap(),
    }
}

/// Seals `docs` from the sender to the client (and to a link when `reader` asks for one), and
/// returns the envelope with the age identity that `reader` opens it with.
fn seal_for(
    p: &Parties,
    docs: &[Document],
    reader: &Reader,
    encoding: Encoding,
) -> (Vec<u8>, age::Identity) {
    let link = match reader {
        Reader::Identity => None,
        Reader::Link => Some(LinkRequest::Plain),
        Reader::LinkWithPassphrase(text) => Some(LinkRequest::WithPassphrase(pw(text))),
    };
    let options = SealOptions {
        recipients: vec![p.client.recipient()],
        link,
        encoding,
        ..SealOptions::new("INV-2026-0042", 1_795_000_000)
    };
    let sealed = seal(&p.sender, docs, &options).unwrap();
    let identity = match (reader, &sealed.link) {
        (Reader::Identity, _) => p.client.age_identity().clone(),
        (Reader::Link, Some(link)) => link.identity(None).unwrap(),
        (Reader::LinkWithPassphrase(text), Some(link)) => link.identity(Some(&pw(text))).unwrap(),
        (_, None) => panic!("a link was asked for"),
    };
    (sealed.envelope, identity)
}

/// Collects what a sink is handed.
#[derive(Default)]
struct Collect(Vec<Vec<u8>>);

impl DocumentSink for Collect {
    fn begin(&mut self, _index: usize, _size: u64) {
        self.0.push(Vec::new());
    }

    fn write(&mut self, bytes: &[u8]) {
        match self.0.last_mut() {
            Some(doc) => doc.extend_from_slice(bytes),
            None => self.0.push(bytes.to_vec()),
        }
    }
}

/// What a streaming open handed out: its outcome, what reached the sink, and the staged bytes.
struct Streamed {
    outcome: Result<(), Error>,
    sink: Collect,
    staged: Vec<u8>,
}

/// Opens `envelope` through [`Opener`] in pieces of `piece` bytes, and reveals into a sink
/// only what verified.
fn open_streaming(readers: &[age::Identity], envelope: &[u8], piece: usize) -> Streamed {
    let mut opener = Opener::new(readers);
    let mut staged = Vec::new();
    let mut sink = Collect::default();
    let mut outcome = envelope
        .chunks(piece.max(1))
        .try_for_each(|p| opener.push(p, &mut staged));
    if outcome.is_ok() {
        outcome = opener.finish(&mut staged, None).and_then(|verified| {
            let mut reveal = verified.reveal;
            reveal.push(&staged, &mut sink)?;
            reveal.finish(&mut sink)
        });
    }
    Streamed {
        outcome,
        sink,
        staged,
    }
}

/// The length of the payload inside `envelope`, as the sender reads it.
fn payload_len(p: &Parties, envelope: &[u8]) -> usize {
    age::decrypt(&[p.sender.age_identity().clone()], envelope)
        .unwrap()
        .len()
}

/// Grows the last document so that the whole payload, now `now` bytes, ends `delta` bytes away
/// from the end of a chunk, `k` chunk edges further on: the STREAM's own edges, which the
/// documents' sizes alone miss. The manifest's length does not depend on the documents' sizes,
/// so the payload grows by exactly as much. Returns the payload's new length.
fn align_payload(now: usize, docs: &mut [Document], k: usize, delta: isize) -> usize {
    let target = ((now / CHUNK_SIZE + k) * CHUNK_SIZE).saturating_add_signed(delta);
    if let Some(last) = docs.last_mut() {
        let size = last.data.len() + (target - now);
        last.data = filler(size as u64, size);
    }
    target
}

proptest! {
    #![proptest_config(config(48))]

    /// Property 1: what is sealed opens to the same documents, in one call and streamed in
    /// pieces of any size, for the client's identity, a link and a link with a passphrase.
    #[test]
    fn seal_then_open_returns_the_documents(
        docs in documents(4, size().boxed()),
        align in prop::option::of((1usize..=2, -1isize..=1)),
        reader in reader(),
        encoding in encoding(),
        piece in prop_oneof![1usize..100, 100usize..200_000],
        (sender, client) in (seed(), seed()),
    ) {
        let p = parties(sender, client);
        let mut docs = docs;
        let (mut envelope, mut identity) = seal_for(&p, &docs, &reader, encoding);
        if let Some((k, delta)) = align {
            let target = align_payload(payload_len(&p, &envelope), &mut docs, k, delta);
            (envelope, identity) = seal_for(&p, &docs, &reader, encoding);
            prop_assert_eq!(payload_len(&p, &envelope), target);
        }
        let readers = [identity];
        let opened = open(&readers, &envelope, Some(&p.sender.fingerprint())).unwrap();
        prop_assert_eq!(&opened.documents, &docs);
        prop_assert_eq!(&opened.manifest.invoice_id, "INV-2026-0042");
        let streamed = open_streaming(&readers, &envelope, piece);
        prop_assert_eq!(streamed.outcome, Ok(()));
        let data: Vec<Vec<u8>> = docs.iter().map(|d| d.data.clone()).collect();
        prop_assert_eq!(streamed.sink.0, data);
        // The sender reopens what it sent.
        let own = open(&[p.sender.age_identity().clone()], &envelope, None).unwrap();
        prop_assert_eq!(own.documents, docs);
    }

    /// The age layer alone, at every payload size around the chunk edges.
    #[test]
    fn age_payloads_round_trip_at_the_chunk_edges(
        size in prop_oneof![
            prop::sample::select(EDGE_SIZES.to_vec()),
            (1usize..=4, -2isize..=2)
                .prop_map(|(k, d)| (k * CHUNK_SIZE).saturating_add_signed(d)),
        ],
        data_seed in any::<u64>(),
        encoding in encoding(),
        piece in prop_oneof![1usize..100, 100usize..200_000],
        key in seed(),
    ) {
        let identity = Identity::from_seed("Reader", key).unwrap();
        let plain = filler(data_seed, size);
        let file = age::encrypt(&[identity.recipient()], &plain, encoding).unwrap();
        let readers = [identity.age_identity().clone()];
        let whole = age::decrypt(&readers, &file).unwrap();
        prop_assert_eq!(whole.as_slice(), &plain[..]);
        let mut decryptor = age::Decryptor::new(&readers[..]);
        let mut out = Vec::new();
        for p in file.chunks(piece) {
            decryptor.push(p, &mut out).unwrap();
        }
        decryptor.finish(&mut out).unwrap();
        prop_assert_eq!(out, plain);
    }
}

/// Whether cutting `envelope` to `len` bytes removes only the line feed after an armored END
/// line: armor allows whitespace after the block (SPEC §2.4), so that cut is the same envelope.
fn cuts_only_whitespace(envelope: &[u8], len: usize, encoding: Encoding) -> bool {
    let rest = envelope.get(len..).unwrap_or_default();
    encoding == Encoding::Armored && rest.iter().all(u8::is_ascii_whitespace)
}

/// A small envelope: one or two documents of at most a little more than one chunk.
fn small_documents() -> impl Strategy<Value = Vec<Document>> {
    documents(
        2,
        prop_oneof![0usize..300, 0usize..CHUNK_SIZE + 200].boxed(),
    )
}

/// A bit of an envelope of `len` bytes: anywhere, or in its first KiB, where the header (its
/// stanzas and MAC) and the first payload bytes are, so the header is not left to chance.
fn bit_of(len: usize, anywhere: Index, early: Option<Index>) -> usize {
    match early {
        Some(i) => i.index(len.min(1024) * 8),
        None => anywhere.index(len * 8),
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Property 2: flipping any one bit of an envelope, or cutting it anywhere, is refused, in
    /// one call and streamed, and the sink gets nothing.
    #[test]
    fn every_flipped_bit_and_every_cut_is_refused(
        docs in small_documents(),
        encoding in encoding(),
        bit in any::<Index>(),
        early in prop::option::of(any::<Index>()),
        cut in any::<Index>(),
        piece in 1usize..70_000,
        (sender, client) in (seed(), seed()),
    ) {
        let p = parties(sender, client);
        let (envelope, identity) = seal_for(&p, &docs, &Reader::Identity, encoding);
        let readers = [identity];
        let bit = bit_of(envelope.len(), bit, early);
        let mut flipped = envelope.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let cut = cut.index(envelope.len());
        prop_assume!(!cuts_only_whitespace(&envelope, cut, encoding));
        for bad in [&flipped[..], &envelope[..cut]] {
            prop_assert!(open(&readers, bad, None).is_err(), "accepted {} bytes", bad.len());
            let streamed = open_streaming(&readers, bad, piece);
            prop_assert!(streamed.outcome.is_err());
            prop_assert!(streamed.sink.0.is_empty());
        }
    }
}

/// Who tries to read an envelope that is not for them.
#[derive(Clone, Debug)]
enum Outsider {
    /// Another identity, from its own seed.
    Identity([u8; 32]),
    /// A fresh link secret, not the envelope's.
    OtherLink,
    /// The envelope's own link with a wrong passphrase.
    WrongPassphrase(String),
    /// Someone the client re-encrypted the genuine payload to: the age layer opens, the
    /// signed recipients do not name them (SPEC §4.2).
    Forwarded([u8; 32]),
}

fn outsider() -> impl Strategy<Value = Outsider> {
    prop_oneof![
        3 => any::<[u8; 32]>().prop_map(Outsider::Identity),
        2 => Just(Outsider::OtherLink),
        1 => passphrase().prop_map(Outsider::WrongPassphrase),
        3 => any::<[u8; 32]>().prop_map(Outsider::Forwarded),
    ]
}

/// A marker in every document, to look for in what an outsider is handed.
const MARKER: &[u8] = b"IBAN DE89370400440532013000";

proptest! {
    #![proptest_config(config(48))]

    /// Property 3: a reader outside the recipients gets an error and no document byte, in one
    /// call and streamed: nothing reaches the sink, and the staged bytes hold no plaintext.
    #[test]
    fn a_reader_outside_the_recipients_gets_nothing(
        docs in small_documents(),
        outsider in outsider(),
        encoding in encoding(),
        piece in 1usize..70_000,
        (sender, client) in (seed(), seed()),
    ) {
        let p = parties(sender, client);
        let mut docs = docs;
        for d in &mut docs {
            d.data.extend_from_slice(MARKER);
        }
        let link_reader = match &outsider {
            Outsider::WrongPassphrase(text) => Reader::LinkWithPassphrase(format!("{text}!")),
            _ => Reader::Link,
        };
        let (envelope, _) = seal_for(&p, &docs, &link_reader, encoding);
        let (envelope, identity) = match &outsider {
            Outsider::Identity(seed) => {
                let other = Identity::from_seed("Mallory", Zeroizing::new(*seed)).unwrap();
                (envelope, other.age_identity().clone())
            }
            Outsider::OtherLink => {
                (envelope, LinkSecret::generate(LinkKind::Plain).identity(None).unwrap())
            }
            Outsider::WrongPassphrase(text) => {
                // The right link secret, the wrong passphrase: seal again to learn the secret.
                let options = SealOptions {
                    link: Some(LinkRequest::WithPassphrase(pw(&format!("{text}!")))),
                    encoding,
                    ..SealOptions::new("INV-2026-0042", 1)
                };
                let sealed = seal(&p.sender, &docs, &options).unwrap();
                let link = sealed.link.unwrap();
                (sealed.envelope, link.identity(Some(&pw(text))).unwrap())
            }
            Outsider::Forwarded(seed) => {
                let other = Identity::from_seed("Mallory", Zeroizing::new(*seed)).unwrap();
                let payload =
                    age::decrypt(&[p.client.age_identity().clone()], &envelope).unwrap();
                // As many stanzas as the signed list has, so only that list tells.
                let to = [other.recipient(), p.sender.recipient(), p.client.recipient()];
                let forwarded = age::encrypt(&to, &payload, encoding).unwrap();
                (forwarded, other.age_identity().clone())
            }
        };
        let readers = [identity];
        let err = open(&readers, &envelope, None).unwrap_err();
        let expected = match outsider {
            Outsider::Forwarded(_) => Error::NotForYou,
            _ => Error::NoMatch,
        };
        prop_assert_eq!(&err, &expected);
        let streamed = open_streaming(&readers, &envelope, piece);
        prop_assert_eq!(streamed.outcome, Err(expected));
        prop_assert!(streamed.sink.0.is_empty());
        prop_assert!(
            !streamed.staged.windows(MARKER.len()).any(|w| w == MARKER),
            "the staged bytes hold plaintext"
        );
    }
}

/// Display names within the card's rules: one line, no spaces at either end, no hidden
/// (format) characters, at most 200 bytes.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÖØ-öø-ÿА-я日本&][A-Za-z0-9À-ÖØ-öø-ÿА-я日本 .,&'\\-]{0,60}[A-Za-z0-9.)]"
}

proptest! {
    #![proptest_config(config(10))]

    /// Property 4: locking an identity then unlocking it with the same passphrase gives the same
    /// seed, name and card, through the blob and through a backup file; any other passphrase is
    /// `BAD_PASSPHRASE`. Argon2id runs at the lowest accepted cost, `KdfParams::MIN`.
    #[test]
    fn lock_then_unlock_is_the_identity(
        seed in seed(),
        name in name(),
        passphrase in passphrase(),
        other in passphrase(),
    ) {
        prop_assume!(other != passphrase);
        let identity = Identity::from_seed(&name, seed).unwrap();
        let blob = identity.lock(&pw(&passphrase), &KdfParams::MIN).unwrap();
        let back = Identity::unlock(&blob, &pw(&passphrase)).unwrap();
        prop_assert_eq!(back.seed(), identity.seed());
        prop_assert_eq!(back.name(), identity.name());
        prop_assert_eq!(back.card(), identity.card());
        let backup = identity.export_backup(&pw(&passphrase), &KdfParams::MIN).unwrap();
        let restored = Identity::import_backup(&backup, &pw(&passphrase)).unwrap();
        prop_assert_eq!(restored.seed(), identity.seed());
        prop_assert_eq!(restored.card(), identity.card());
        // Texts that differ only in their Unicode composition are the same passphrase (NFC);
        // otherwise a different text is refused.
        if pw(&other).as_bytes() != pw(&passphrase).as_bytes() {
            prop_assert_eq!(
                Identity::unlock(&blob, &pw(&other)).err(),
                Some(Error::BadPassphrase)
            );
        }
    }
}

/// Every cut of a small envelope, binary and armored, is refused in one call and streamed (the
/// unit tests in `src/open.rs` flip every bit of one and cut a large one every 97 bytes). The
/// one exception is armor's final line feed, which SPEC §2.4 lets a reader do without.
#[test]
fn every_cut_of_a_small_envelope_is_refused() {
    let p = parties(Zeroizing::new([1; 32]), Zeroizing::new([2; 32]));
    let docs = [Document {
        name: "invoice.xml".into(),
        media_type: "application/xml".into(),
        data: b"<Invoice>IBAN DE89370400440532013000</Invoice>".to_vec(),
    }];
    for encoding in [Encoding::Binary, Encoding::Armored] {
        let (envelope, identity) = seal_for(&p, &docs, &Reader::Identity, encoding);
        let readers = [identity];
        assert!(open(&readers, &envelope, None).is_ok());
        for len in 0..envelope.len() {
            let cut = &envelope[..len];
            if cuts_only_whitespace(&envelope, len, encoding) {
                assert_eq!(open(&readers, cut, None).unwrap().documents, docs);
                continue;
            }
            assert!(
                open(&readers, cut, None).is_err(),
                "{encoding:?} cut to {len} bytes was accepted"
            );
            let streamed = open_streaming(&readers, cut, 7);
            assert!(streamed.outcome.is_err(), "{encoding:?} streamed cut {len}");
            assert!(streamed.sink.0.is_empty());
        }
    }
}
