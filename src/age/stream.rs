//! The age v1 STREAM payload: 64 KiB ChaCha20-Poly1305 chunks (SPEC §2.3, C2SP age "Payload").
//!
//! Both directions are push-based and hold at most one chunk, so memory stays bounded whatever
//! the payload size.

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::file_key::FileKey;
use super::PayloadAead;
use crate::error::{Error, Result};

/// Plaintext bytes per chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;
pub(crate) const TAG_SIZE: usize = 16;
/// The payload nonce that precedes the chunks.
pub(crate) const NONCE_SIZE: usize = 16;
/// The chunk counter is 11 bytes on the wire; we stop well before a u64 wraps.
const MAX_CHUNKS: u64 = u64::MAX;

fn payload_aead(file_key: &FileKey, nonce: &[u8; NONCE_SIZE]) -> PayloadAead {
    let mut key = Zeroizing::new([0u8; 32]);
    // HKDF-Expand cannot fail for a 32-byte output.
    let _ = Hkdf::<Sha256>::new(Some(nonce), file_key.expose()).expand(b"payload", key.as_mut());
    PayloadAead::new(key.as_ref().into())
}

fn chunk_nonce(counter: u64, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce.into()
}

/// Encrypts a payload chunk by chunk.
pub(crate) struct StreamEncryptor {
    aead: PayloadAead,
    counter: u64,
    buf: Zeroizing<Vec<u8>>,
}

impl StreamEncryptor {
    /// Starts a payload: derives the payload key and writes the nonce to `out`.
    pub(crate) fn new(file_key: &FileKey, nonce: [u8; NONCE_SIZE], out: &mut Vec<u8>) -> Self {
        out.extend_from_slice(&nonce);
        StreamEncryptor {
            aead: payload_aead(file_key, &nonce),
            counter: 0,
            buf: Zeroizing::new(Vec::with_capacity(CHUNK_SIZE + TAG_SIZE)),
        }
    }

    /// Encrypts `data`, writing every chunk that is known not to be the last one.
    pub(crate) fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        while !data.is_empty() {
            if self.buf.len() == CHUNK_SIZE {
                self.seal_chunk(false, out)?;
            }
            let take = (CHUNK_SIZE - self.buf.len()).min(data.len());
            let (head, tail) = data.split_at(take);
            self.buf.extend_from_slice(head);
            data = tail;
        }
        Ok(())
    }

    /// Encrypts the final chunk (empty only if the whole payload is empty).
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        self.seal_chunk(true, out)
    }

    fn seal_chunk(&mut self, last: bool, out: &mut Vec<u8>) -> Result<()> {
        if self.counter == MAX_CHUNKS {
            return Err(Error::LimitExceeded("payload has too many chunks"));
        }
        let tag = self
            .aead
            .encrypt_in_place_detached(&chunk_nonce(self.counter, last), b"", &mut self.buf)
            .map_err(|_| Error::LimitExceeded("chunk too large"))?;
        out.extend_from_slice(&self.buf);
        out.extend_from_slice(&tag);
        self.buf.clear();
        self.counter += 1;
        Ok(())
    }
}

/// Decrypts a payload chunk by chunk, releasing each chunk only once it is authenticated.
pub(crate) struct StreamDecryptor {
    aead: PayloadAead,
    counter: u64,
    buf: Zeroizing<Vec<u8>>,
}

impl StreamDecryptor {
    /// Starts decrypting the payload that follows `nonce`.
    pub(crate) fn new(file_key: &FileKey, nonce: &[u8; NONCE_SIZE]) -> Self {
        StreamDecryptor {
            aead: payload_aead(file_key, nonce),
            counter: 0,
            buf: Zeroizing::new(Vec::with_capacity(CHUNK_SIZE + TAG_SIZE)),
        }
    }

    /// Decrypts what `data` completes; a full chunk is opened once more input shows whether
    /// it is the last one.
    pub(crate) fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        while !data.is_empty() {
            // A full chunk with more data after it: normally a non-final chunk. If it is an
            // authentic final chunk instead, release it, then refuse the data after it.
            if self.buf.len() == CHUNK_SIZE + TAG_SIZE && self.open_chunk(false, out).is_err() {
                self.open_chunk(true, out)?;
                return Err(Error::PayloadTampered);
            }
            let take = (CHUNK_SIZE + TAG_SIZE - self.buf.len()).min(data.len());
            let (head, tail) = data.split_at(take);
            self.buf.extend_from_slice(head);
            data = tail;
        }
        Ok(())
    }

    /// Opens the final chunk at the end of the input.
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        if self.buf.is_empty() {
            // No chunk at all, or the last one read was not marked final.
            return Err(Error::PayloadTruncated);
        }
        if self.buf.len() < TAG_SIZE || (self.buf.len() == TAG_SIZE && self.counter > 0) {
            // Only an entirely empty payload may end with an empty chunk.
            return Err(Error::PayloadTampered);
        }
        if self.open_chunk(true, out).is_ok() {
            return Ok(());
        }
        // A full chunk that opens as a non-final one is authentic: the file was cut at a chunk
        // boundary. (A short chunk can never be a non-final one.)
        if self.buf.len() == CHUNK_SIZE + TAG_SIZE {
            self.open_chunk(false, out)?;
            return Err(Error::PayloadTruncated);
        }
        Err(Error::PayloadTampered)
    }

    fn open_chunk(&mut self, last: bool, out: &mut Vec<u8>) -> Result<()> {
        if self.counter == MAX_CHUNKS {
            return Err(Error::LimitExceeded("payload has too many chunks"));
        }
        let split = self.buf.len() - TAG_SIZE;
        let (body, tag) = self.buf.split_at_mut(split);
        let tag = Tag::clone_from_slice(tag);
        // The tag is checked before anything is decrypted, so a failure leaves `buf` intact.
        self.aead
            .decrypt_in_place_detached(&chunk_nonce(self.counter, last), b"", body, &tag)
            .map_err(|_| Error::PayloadTampered)?;
        out.extend_from_slice(body);
        self.buf.clear();
        self.counter += 1;
        Ok(())
    }
}
