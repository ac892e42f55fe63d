//! Seals and opens a 100 MB attachment through the streaming API, piping the sealer's output
//! straight into the opener, staging into a temporary file and revealing from it, and checks
//! that the heap never grows by more than a small multiple of the 64 KiB chunk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use sealbill::{DocumentInfo, DocumentSink, Identity, Opener, SealOptions, Sealer};
use sha2::{Digest, Sha256};

#[path = "support/heap.rs"]
mod heap;
#[path = "support/staged_file.rs"]
mod staged_file;

const SIZE: u64 = 100 * 1000 * 1000;
const PIECE: usize = 64 * 1024;

/// Hashes documents as they arrive, keeping nothing.
#[derive(Default)]
struct HashSink {
    sizes: Vec<u64>,
    hasher: Sha256,
}

impl DocumentSink for HashSink {
    fn begin(&mut self, _index: usize, size: u64) {
        self.sizes.push(size);
    }

    fn write(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }
}

#[test]
fn hundred_megabytes_in_bounded_memory() {
    let sender = Identity::generate("Acme GmbH").unwrap();
    let client = Identity::generate("Client AG").unwrap();
    let readers = vec![client.age_identity().clone()];
    let docs = vec![
        DocumentInfo {
            name: "invoice.xml".into(),
            media_type: "application/xml".into(),
            size: 5,
        },
        DocumentInfo {
            name: "scan.pdf".into(),
            media_type: "application/pdf".into(),
            size: SIZE,
        },
    ];
    let mut piece = vec![0u8; PIECE];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut expected = Sha256::new();
    let mut sink = HashSink::default();
    let mut out = Vec::with_capacity(4 * PIECE);
    let mut staged = Vec::with_capacity(4 * PIECE);
    let mut file = staged_file::StagedFile::new("staged");
    let options = SealOptions {
        recipients: vec![client.recipient()],
        ..SealOptions::new("INV-BIG", 1)
    };

    let baseline = heap::start();

    let mut sealer = Sealer::new(&sender, docs, &options, &mut out).unwrap();
    let mut opener = Opener::new(&readers);
    sealer.push(b"<a/>\n", &mut out).unwrap();
    expected.update(b"<a/>\n");
    let mut left = SIZE;
    while left > 0 {
        let n = PIECE.min(left as usize);
        for b in &mut piece[..n] {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        expected.update(&piece[..n]);
        sealer.push(&piece[..n], &mut out).unwrap();
        opener.push(&out, &mut staged).unwrap();
        file.append(&mut staged);
        out.clear();
        left -= n as u64;
    }
    let proof = sealer.finish(&mut out).unwrap();
    opener.push(&out, &mut staged).unwrap();
    let verified = opener
        .finish(&mut staged, Some(&sender.fingerprint()))
        .unwrap();
    file.append(&mut staged);
    file.reveal(verified.reveal, &mut sink, PIECE);
    // The reader derives the same open proof as the sender.
    assert_eq!(verified.open_proof, proof);
    let manifest = verified.manifest;

    let peak = heap::peak_above(baseline);
    println!(
        "peak heap above baseline: {peak} bytes ({:.1} chunks)",
        peak as f64 / PIECE as f64
    );
    assert_eq!(sink.sizes, vec![5, SIZE]);
    assert_eq!(sink.hasher.finalize(), expected.finalize());
    assert_eq!(manifest.documents[1].size, SIZE);
    assert!(
        peak < 16 * PIECE,
        "peak heap {peak} bytes exceeds 16 chunks"
    );
}
