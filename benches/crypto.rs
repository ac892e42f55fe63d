//! The native ceiling for `bench/crypto.sh`: the operations that the Node and Chromium
//! harnesses time in the wasm module, timed here with criterion in a native release build,
//! plus the raw primitives (RustCrypto ChaCha20-Poly1305 and XChaCha20-Poly1305, x25519-dalek)
//! that the module is built on.
//!
//! Run by `bash bench/crypto.sh` (which reads criterion's `estimates.json` files); on its own:
//! `cargo bench --bench crypto`. Before criterion runs, the binary streams a 100 MB attachment
//! through `Sealer` into `Opener` and prints one `native-memory: {json}` line with the peak
//! heap above baseline, counted by a global allocator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::time::Duration;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, XChaCha20Poly1305};
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use rand_core::{OsRng, RngCore};
use sealbill::{
    age, Document, DocumentInfo, DocumentSink, Identity, KdfParams, Opener, Passphrase,
    SealOptions, Sealer,
};

#[path = "../tests/support/heap.rs"]
mod heap;
#[path = "../tests/support/staged_file.rs"]
mod staged_file;

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;
/// The sizes of the AEAD rows, as in the JS harness.
const SIZES: [(&str, usize); 3] = [("1KiB", KIB), ("64KiB", 64 * KIB), ("16MiB", 16 * MIB)];
/// The typical invoice document: 5 KB.
const INVOICE_LEN: usize = 5000;
/// A fixed issue time, as the JS harness passes.
const ISSUED_AT: u64 = 1_764_000_000;

fn random(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    OsRng.fill_bytes(&mut v);
    v
}

fn invoice_doc() -> Document {
    Document {
        name: "INV-2026-0001.xml".into(),
        media_type: "application/xml".into(),
        data: random(INVOICE_LEN),
    }
}

/// Short runs: the whole native part must finish in about two minutes on two cores.
fn short(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, slow: bool) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(if slow { 4 } else { 2 }));
    if slow {
        group.sampling_mode(SamplingMode::Flat);
    }
}

/// Raw AEAD decryption (the direction the JS rows time), and `age::decrypt` of a one-stanza
/// file of the same size, which is what the module's `decryptAge` runs.
fn aead(c: &mut Criterion) {
    let me = age::Identity::generate();
    let empty = age::encrypt(&[me.to_recipient()], &[], age::Encoding::Binary).unwrap();
    for (label, len) in SIZES {
        let mut group = c.benchmark_group(format!("aead_{label}"));
        short(&mut group, len >= MIB);
        group.throughput(Throughput::Bytes(len as u64));
        let plain = random(len);

        let key = random(32);
        let nonce = [7u8; 12];
        let cipher = ChaCha20Poly1305::new(key.as_slice().into());
        let sealed = cipher.encrypt(&nonce.into(), plain.as_slice()).unwrap();
        group.bench_function("chacha20poly1305_raw", |b| {
            b.iter(|| cipher.decrypt(&nonce.into(), black_box(sealed.as_slice())))
        });

        let xnonce = [9u8; 24];
        let xcipher = XChaCha20Poly1305::new(key.as_slice().into());
        let xsealed = xcipher.encrypt(&xnonce.into(), plain.as_slice()).unwrap();
        group.bench_function("xchacha20poly1305_raw", |b| {
            b.iter(|| xcipher.decrypt(&xnonce.into(), black_box(xsealed.as_slice())))
        });

        let file = age::encrypt(&[me.to_recipient()], &plain, age::Encoding::Binary).unwrap();
        let ids = [me.clone()];
        group.bench_function("age_decrypt", |b| {
            b.iter(|| age::decrypt(&ids, black_box(&file)).unwrap())
        });
        group.bench_function("age_decrypt_empty", |b| {
            b.iter(|| age::decrypt(&ids, black_box(&empty)).unwrap())
        });
        group.finish();
    }
}

/// X25519 shared secrets: x25519-dalek directly, and the per-stanza cost of `age::decrypt`
/// (a file with 17 stanzas, ours last, against one with 1).
fn x25519(c: &mut Criterion) {
    let mut group = c.benchmark_group("x25519");
    short(&mut group, false);
    let secret = x25519_dalek::StaticSecret::random_from_rng(OsRng);
    let peer = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::random_from_rng(OsRng));
    group.bench_function("dalek_diffie_hellman", |b| {
        b.iter(|| secret.diffie_hellman(black_box(&peer)))
    });

    // Our stanza comes last: a reader stops at the first stanza that opens.
    let me = age::Identity::generate();
    let mut many: Vec<_> = (0..16)
        .map(|_| age::Identity::generate().to_recipient())
        .collect();
    many.push(me.to_recipient());
    let one = age::encrypt(&[me.to_recipient()], &[], age::Encoding::Binary).unwrap();
    let seventeen = age::encrypt(&many, &[], age::Encoding::Binary).unwrap();
    let ids = [me];
    group.bench_function("age_decrypt_1_stanza", |b| {
        b.iter(|| age::decrypt(&ids, black_box(&one)).unwrap())
    });
    group.bench_function("age_decrypt_17_stanzas", |b| {
        b.iter(|| age::decrypt(&ids, black_box(&seventeen)).unwrap())
    });
    group.finish();
}

/// Argon2id through `Identity::lock`, as the module's `Identity.lock` with `KdfOptions`.
fn argon2id(c: &mut Criterion) {
    let id = Identity::generate("Bench GmbH").unwrap();
    let passphrase = Passphrase::new("correct horse battery staple").unwrap();
    for (label, memory_kib, iterations) in [("m19t2", 19 * 1024, 2), ("m64t3", 64 * 1024, 3)] {
        let mut group = c.benchmark_group(format!("argon2id_{label}"));
        short(&mut group, true);
        let params = KdfParams {
            memory_kib,
            iterations,
            parallelism: 1,
        };
        group.bench_function("identity_lock", |b| {
            b.iter(|| id.lock(black_box(&passphrase), &params))
        });
        group.finish();
    }
}

/// Sealing and opening: the typical invoice (2 recipients: the client and the sender, a 5 KB
/// document, signed) and the invoice with a 16 MiB attachment.
fn envelopes(c: &mut Criterion) {
    let sender = Identity::generate("Acme GmbH").unwrap();
    let client = Identity::generate("Client SARL").unwrap();
    let readers = [client.age_identity().clone()];
    let attachment = Document {
        name: "scan.pdf".into(),
        media_type: "application/pdf".into(),
        data: random(16 * MIB),
    };
    for (label, docs) in [
        ("invoice", vec![invoice_doc()]),
        ("attachment_16MiB", vec![invoice_doc(), attachment]),
    ] {
        let mut group = c.benchmark_group(label);
        short(&mut group, label != "invoice");
        let options = SealOptions {
            recipients: vec![client.recipient()],
            ..SealOptions::new("INV-2026-0001", ISSUED_AT)
        };
        let seal = || sealbill::seal(&sender, black_box(&docs), &options).unwrap();
        let envelope = seal().envelope;
        group.bench_function("seal", |b| b.iter(seal));
        group.bench_function("open", |b| {
            b.iter(|| sealbill::open(&readers, black_box(&envelope), None).unwrap())
        });
        group.finish();
    }
}

/// Counts document bytes and keeps nothing.
#[derive(Default)]
struct CountSink(u64);

impl DocumentSink for CountSink {
    fn begin(&mut self, _index: usize, _size: u64) {}

    fn write(&mut self, bytes: &[u8]) {
        self.0 += bytes.len() as u64;
    }
}

/// Streams a 100 MB attachment through `Sealer` piped into `Opener`, in 64 KiB pieces, and
/// prints the peak heap above the baseline taken after both identities exist.
fn memory_probe() {
    const SIZE: u64 = 100_000_000;
    const PIECE: usize = 64 * KIB;
    let sender = Identity::generate("Acme GmbH").unwrap();
    let client = Identity::generate("Client SARL").unwrap();
    let readers = vec![client.age_identity().clone()];
    let invoice = random(INVOICE_LEN);
    let piece = random(PIECE);
    let mut out = Vec::with_capacity(4 * PIECE);
    let mut sink = CountSink::default();
    let baseline = heap::start();
    let docs = vec![
        DocumentInfo {
            name: "INV-2026-0001.xml".into(),
            media_type: "application/xml".into(),
            size: INVOICE_LEN as u64,
        },
        DocumentInfo {
            name: "scan.pdf".into(),
            media_type: "application/pdf".into(),
            size: SIZE,
        },
    ];
    let options = SealOptions {
        recipients: vec![client.recipient()],
        ..SealOptions::new("INV-BIG", ISSUED_AT)
    };
    // The opener stages into a temporary file and reveals from it once verified.
    let mut staged_file = staged_file::StagedFile::new("probe");
    let mut staged = Vec::with_capacity(4 * PIECE);
    let mut sealer = Sealer::new(&sender, docs, &options, &mut out).unwrap();
    let mut opener = Opener::new(&readers);
    sealer.push(&invoice, &mut out).unwrap();
    let mut left = SIZE;
    while left > 0 {
        let n = PIECE.min(left as usize);
        sealer.push(&piece[..n], &mut out).unwrap();
        opener.push(&out, &mut staged).unwrap();
        staged_file.append(&mut staged);
        out.clear();
        left -= n as u64;
    }
    sealer.finish(&mut out).unwrap();
    opener.push(&out, &mut staged).unwrap();
    let verified = opener
        .finish(&mut staged, Some(&sender.fingerprint()))
        .unwrap();
    staged_file.append(&mut staged);
    staged_file.reveal(verified.reveal, &mut sink, PIECE);
    assert_eq!(sink.0, SIZE + INVOICE_LEN as u64);
    let peak = heap::peak_above(baseline);
    println!("native-memory: {{\"bytes\": {SIZE}, \"piece\": {PIECE}, \"peakHeapAboveBaseline\": {peak}}}");
}

fn main() {
    memory_probe();
    let mut c = Criterion::default().configure_from_args();
    aead(&mut c);
    x25519(&mut c);
    argon2id(&mut c);
    envelopes(&mut c);
    c.final_summary();
}
