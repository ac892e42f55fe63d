//! Staging for streaming opens (SPEC §4.2): decrypted bytes are re-encrypted under a fresh
//! key that only the opener holds, and that key is released only once every check passed.
//!
//! The staged form is an age STREAM (SPEC §2.3) of the decrypted payload under a random
//! one-time key, so it is authenticated chunk by chunk, cannot be cut short or reordered
//! unnoticed, and holds at most one 64 KiB chunk in memory on either side. A caller may keep
//! the staged bytes anywhere (memory, a temporary file); they are useless without the key.

use crate::age::{FileKey, StreamDecryptor, StreamEncryptor, NONCE_SIZE};
use crate::error::Result;
use crate::payload::{DocumentSink, PayloadParser};

/// The writing side, owned by an opener until its checks pass.
pub(crate) struct Stager {
    key: FileKey,
    nonce: [u8; NONCE_SIZE],
    stream: StreamEncryptor,
}

impl Stager {
    pub(crate) fn new() -> Stager {
        let key = FileKey::generate();
        let mut nonce = [0u8; NONCE_SIZE];
        crate::random::fill(&mut nonce);
        // The nonce is kept here, not written out: the staged bytes start with the chunks.
        let stream = StreamEncryptor::new(&key, nonce, &mut Vec::new());
        Stager { key, nonce, stream }
    }

    pub(crate) fn push(&mut self, plain: &[u8], staged: &mut Vec<u8>) -> Result<()> {
        self.stream.push(plain, staged)
    }

    /// Closes the staged stream and hands over the key that reads it.
    pub(crate) fn finish(self, staged: &mut Vec<u8>) -> Result<Reveal> {
        self.stream.finish(staged)?;
        Ok(Reveal {
            stream: StreamDecryptor::new(&self.key, &self.nonce),
            parser: PayloadParser::new(),
            plain: zeroize::Zeroizing::new(Vec::new()),
        })
    }
}

/// Reads back the staged bytes of a verified envelope and hands its documents to a
/// [`DocumentSink`]. Obtained only from a successful [`crate::Opener::finish`].
///
/// Push the staged bytes in the order they were produced, then call [`Reveal::finish`]. Bytes
/// that were not staged by this opener, or were changed, cut short or reordered, fail with
/// `TAMPERED` or `TRUNCATED`, and nothing after the failing chunk is released.
pub struct Reveal {
    stream: StreamDecryptor,
    parser: PayloadParser,
    plain: zeroize::Zeroizing<Vec<u8>>,
}

impl Reveal {
    /// Decrypts the next staged bytes, passing document bytes to `sink`.
    pub fn push(&mut self, staged: &[u8], sink: &mut impl DocumentSink) -> Result<()> {
        self.plain.clear();
        self.stream.push(staged, &mut self.plain)?;
        self.parser.push(&self.plain, sink)
    }

    /// Ends the staged bytes; fails unless all of them were read back.
    pub fn finish(mut self, sink: &mut impl DocumentSink) -> Result<()> {
        self.plain.clear();
        self.stream.finish(&mut self.plain)?;
        self.parser.push(&self.plain, sink)?;
        self.parser.finish()
    }
}

impl core::fmt::Debug for Reveal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Reveal([REDACTED])")
    }
}
