//! Entry points for the fuzz targets in `fuzz/` (docs/SECURITY-TESTING.md): the decoders that
//! the public API reaches only behind a key, a MAC or Argon2id, which a fuzzer cannot get past.
//!
//! Built only with `--cfg fuzzing`, which cargo-fuzz sets; not part of the library's API.

use crate::age::{self, FileKey, Header, Stanza};
use crate::backup::{self, BackupEntry};
use crate::error::Result;
use crate::identity::Identity;
use crate::manifest::Manifest;

/// Parses an age header from the start of `buf` (SPEC §2.1): its stanzas and its length, or
/// `None` while more input is needed.
pub fn age_header(buf: &[u8]) -> Result<Option<(Vec<Stanza>, usize)>> {
    Ok(Header::parse(buf)?.map(|(header, len)| (header.stanzas, len)))
}

/// Writes a header for `stanzas`, MACed under an all-zero file key.
pub fn encode_age_header(stanzas: &[Stanza]) -> Vec<u8> {
    let mut out = Vec::new();
    Header::encode(stanzas, &FileKey::from_bytes([0; 16]), &mut out);
    out
}

/// Decodes ASCII armor (SPEC §2.4) pushed in two pieces, split at `split`.
pub fn dearmor(armored: &[u8], split: usize) -> Result<Vec<u8>> {
    let (head, tail) = armored.split_at(split.min(armored.len()));
    let mut decoder = age::ArmorDecoder::new();
    let mut out = Vec::new();
    decoder.push(head, &mut out)?;
    decoder.push(tail, &mut out)?;
    decoder.finish(&mut out)?;
    Ok(out)
}

/// Encodes `binary` as ASCII armor.
pub fn armor(binary: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = age::ArmorEncoder::new(&mut out);
    encoder.push(binary, &mut out);
    encoder.finish(&mut out);
    out
}

/// Parses a manifest (SPEC §3.6) as an opener does after decrypting it.
pub fn manifest(bytes: &[u8]) -> Result<Manifest> {
    Manifest::from_bytes(bytes)
}

/// The encoding a sender signs, after the manifest rules are checked.
pub fn encode_manifest(manifest: &Manifest) -> Result<Vec<u8>> {
    manifest.to_bytes()
}

/// Reads a backup's decrypted plaintext (SPEC §5.6), pushed in two pieces split at `split`.
pub fn backup_plaintext(plain: &[u8], split: usize) -> Result<(Identity, Vec<BackupEntry>)> {
    backup::read_plaintext(plain, split)
}
