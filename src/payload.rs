//! The payload inside the envelope (SPEC §3.7): a magic line, the documents with their
//! sizes, then the manifest and its signature. The parser is push-based and hashes documents
//! as they pass, so it never holds more than the manifest.

use ed25519_dalek::Signature;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::manifest::MAX_DOCUMENTS;

/// The first bytes of every payload.
pub(crate) const MAGIC: &[u8] = b"sealbill/payload/v1\n";
/// The largest manifest accepted.
pub(crate) const MAX_MANIFEST_LEN: usize = 1 << 20;

/// Receives the documents of an envelope, byte by byte.
///
/// [`crate::open`] fills one internally; streaming callers get documents only through
/// [`crate::Reveal`], which exists only once every check of SPEC §4.2 passed. So a sink never
/// sees a byte of an envelope that fails to verify.
pub trait DocumentSink {
    /// A new document starts; `index` counts from 0, `size` is its announced length.
    fn begin(&mut self, index: usize, size: u64);
    /// The next bytes of the current document.
    fn write(&mut self, bytes: &[u8]);
}

/// A sink that keeps nothing: the first pass of a streaming open only hashes.
pub(crate) struct Discard;

impl DocumentSink for Discard {
    fn begin(&mut self, _index: usize, _size: u64) {}
    fn write(&mut self, _bytes: &[u8]) {}
}

/// The fixed-size fields still to be read, in order.
enum Field {
    Magic,
    Count,
    DocSize,
    DocBody,
    ManifestLen,
    Manifest,
    Signature,
    Done,
}

/// Parses a payload pushed in pieces.
pub(crate) struct PayloadParser {
    field: Field,
    buf: Vec<u8>,
    need: usize,
    count: usize,
    remaining: u64,
    current_size: u64,
    hasher: Sha256,
    /// The size and SHA-256 of each document seen.
    pub(crate) seen: Vec<(u64, [u8; 32])>,
    pub(crate) manifest: Vec<u8>,
    pub(crate) signature: Option<Signature>,
}

impl PayloadParser {
    pub(crate) fn new() -> Self {
        PayloadParser {
            field: Field::Magic,
            buf: Vec::new(),
            need: MAGIC.len(),
            count: 0,
            remaining: 0,
            current_size: 0,
            hasher: Sha256::new(),
            seen: Vec::new(),
            manifest: Vec::new(),
            signature: None,
        }
    }

    pub(crate) fn push(&mut self, mut data: &[u8], sink: &mut impl DocumentSink) -> Result<()> {
        while !data.is_empty() {
            if let Field::DocBody = self.field {
                let take = usize::try_from(self.remaining)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let (head, tail) = data.split_at(take);
                self.hasher.update(head);
                sink.write(head);
                self.remaining -= take as u64;
                data = tail;
                if self.remaining == 0 {
                    self.end_document();
                }
                continue;
            }
            if let Field::Done = self.field {
                return Err(Error::Malformed("data after the signature"));
            }
            let take = (self.need - self.buf.len()).min(data.len());
            let (head, tail) = data.split_at(take);
            self.buf.extend_from_slice(head);
            data = tail;
            if self.buf.len() == self.need {
                let field = core::mem::take(&mut self.buf);
                self.complete(field, sink)?;
            }
        }
        Ok(())
    }

    /// Fails unless the whole payload was read.
    pub(crate) fn finish(&self) -> Result<()> {
        match self.field {
            Field::Done => Ok(()),
            _ => Err(Error::Malformed("the payload ends early")),
        }
    }

    fn expect(&mut self, field: Field, need: usize) {
        self.field = field;
        self.need = need;
    }

    fn end_document(&mut self) {
        let hash = core::mem::take(&mut self.hasher).finalize().into();
        self.seen.push((self.current_size, hash));
        self.next_document();
    }

    fn next_document(&mut self) {
        if self.seen.len() < self.count {
            self.expect(Field::DocSize, 8);
        } else {
            self.expect(Field::ManifestLen, 4);
        }
    }

    fn complete(&mut self, field: Vec<u8>, sink: &mut impl DocumentSink) -> Result<()> {
        match self.field {
            Field::Magic => {
                if field != MAGIC {
                    return Err(Error::Malformed("not a sealbill payload"));
                }
                self.expect(Field::Count, 2);
            }
            Field::Count => {
                self.count = usize::from(u16::from_be_bytes(to_array(&field)?));
                if self.count == 0 || self.count > MAX_DOCUMENTS {
                    return Err(Error::Malformed("an envelope carries 1 to 64 documents"));
                }
                self.next_document();
            }
            Field::DocSize => {
                let size = u64::from_be_bytes(to_array(&field)?);
                self.current_size = size;
                sink.begin(self.seen.len(), size);
                self.remaining = size;
                self.field = Field::DocBody;
                if size == 0 {
                    self.end_document();
                }
            }
            Field::ManifestLen => {
                let len = u32::from_be_bytes(to_array(&field)?) as usize;
                if len == 0 || len > MAX_MANIFEST_LEN {
                    return Err(Error::LimitExceeded("manifest larger than 1 MiB"));
                }
                self.expect(Field::Manifest, len);
            }
            Field::Manifest => {
                self.manifest = field;
                self.expect(Field::Signature, 64);
            }
            Field::Signature => {
                self.signature = Some(Signature::from_bytes(&to_array(&field)?));
                self.expect(Field::Done, 0);
            }
            Field::DocBody | Field::Done => {}
        }
        Ok(())
    }
}

fn to_array<const N: usize>(bytes: &[u8]) -> Result<[u8; N]> {
    bytes
        .try_into()
        .map_err(|_| Error::Malformed("invalid payload field"))
}
