//! An age v1 implementation: X25519 recipients, STREAM payload and ASCII armor.
//!
//! It follows the C2SP age specification and is checked against the CCTV test kit. Both
//! directions are push-based state machines that do no I/O and hold at most one 64 KiB chunk,
//! plus a one-call API for small files.

mod armor;
pub(crate) mod b64;
pub(crate) mod bech32;
#[cfg(all(feature = "simd", target_arch = "wasm32", target_feature = "simd128"))]
mod chacha20_simd;
mod file_key;
mod header;
mod stream;
mod x25519;

use std::borrow::Cow;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
#[cfg(fuzzing)]
pub(crate) use armor::{ArmorDecoder, ArmorEncoder};
pub(crate) use file_key::FileKey;
pub(crate) use header::{Header, HeaderReader};
pub(crate) use stream::{StreamDecryptor, StreamEncryptor, NONCE_SIZE};

pub use armor::{BEGIN as ARMOR_BEGIN, END as ARMOR_END};
pub use header::Stanza;
pub use stream::CHUNK_SIZE;
pub use x25519::{Identity, Recipient};

/// The ChaCha20-Poly1305 (RFC 8439) of the STREAM payload: RustCrypto's, or with the `simd`
/// feature on wasm32 `+simd128`, the same construction over a four-block simd128 ChaCha20.
#[cfg(not(all(feature = "simd", target_arch = "wasm32", target_feature = "simd128")))]
pub type PayloadAead = chacha20poly1305::ChaCha20Poly1305;
/// The ChaCha20-Poly1305 (RFC 8439) of the STREAM payload: RustCrypto's, or with the `simd`
/// feature on wasm32 `+simd128`, the same construction over a four-block simd128 ChaCha20.
#[cfg(all(feature = "simd", target_arch = "wasm32", target_feature = "simd128"))]
pub type PayloadAead = chacha20poly1305::ChaChaPoly1305<chacha20_simd::ChaCha20>;

#[cfg(all(
    feature = "simd",
    target_arch = "wasm32",
    not(target_feature = "simd128")
))]
compile_error!("the `simd` feature needs RUSTFLAGS=\"-C target-feature=+simd128\" on wasm32");

/// Checks that `file` is a binary age v1 file as far as can be told without a key: a
/// well-formed header with at least one stanza, then a nonce and at least one sealed chunk.
/// Returns the number of stanzas. (A relay uses this to refuse junk it would store.)
pub fn check_file(file: &[u8]) -> Result<usize> {
    let (header, len) = Header::parse(file)?.ok_or(Error::HeaderTruncated)?;
    let payload = file.len().saturating_sub(len);
    if payload < NONCE_SIZE + stream::TAG_SIZE {
        return Err(Error::HeaderTruncated);
    }
    Ok(header.stanzas.len())
}

/// Derives keys bound to one file from its file key and payload nonce, for protocols built on
/// an age file: `HKDF-SHA-256(ikm = file key, salt = nonce, info = label)` (SPEC §5.4).
/// Unique per file, and known only to its sender and readers.
struct Exporter {
    file_key: FileKey,
    nonce: [u8; NONCE_SIZE],
}

impl Exporter {
    fn new(file_key: &FileKey, nonce: [u8; NONCE_SIZE]) -> Self {
        Exporter {
            file_key: FileKey::from_bytes(*file_key.expose()),
            nonce,
        }
    }

    fn export(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        // HKDF-Expand cannot fail for 32-byte outputs.
        let _ = hkdf::Hkdf::<sha2::Sha256>::new(Some(&self.nonce), self.file_key.expose())
            .expand(label, out.as_mut());
        out
    }
}

/// How an age file is written: binary, or ASCII-armored (C2SP age "ASCII armor").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// The binary format.
    #[default]
    Binary,
    /// PEM-style armor, for text channels.
    Armored,
}

/// Encrypts an age file to a set of X25519 recipients, one pushed piece at a time.
pub struct Encryptor {
    exporter: Exporter,
    armor: Option<armor::ArmorEncoder>,
    stream: StreamEncryptor,
    scratch: Vec<u8>,
}

impl Encryptor {
    /// Writes the header (and the armor's first line) to `out`.
    pub fn new(recipients: &[Recipient], encoding: Encoding, out: &mut Vec<u8>) -> Result<Self> {
        if recipients.is_empty() {
            return Err(Error::InvalidInput("at least one recipient is needed"));
        }
        let file_key = FileKey::generate();
        let stanzas = recipients
            .iter()
            .map(|r| r.wrap(&file_key))
            .collect::<Result<Vec<_>>>()?;
        let mut nonce = [0u8; NONCE_SIZE];
        crate::random::fill(&mut nonce);
        let mut head = Vec::new();
        Header::encode(&stanzas, &file_key, &mut head);
        let stream = StreamEncryptor::new(&file_key, nonce, &mut head);
        let armor = (encoding == Encoding::Armored).then(|| armor::ArmorEncoder::new(out));
        let mut encryptor = Encryptor {
            exporter: Exporter::new(&file_key, nonce),
            armor,
            stream,
            scratch: Vec::new(),
        };
        encryptor.emit(&head, out);
        Ok(encryptor)
    }

    /// A key bound to this file (see [`Exporter`]), for the given label.
    pub(crate) fn export(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        self.exporter.export(label)
    }

    /// Encrypts the next piece of plaintext.
    pub fn push(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if self.armor.is_none() {
            return self.stream.push(data, out);
        }
        let mut scratch = core::mem::take(&mut self.scratch);
        self.stream.push(data, &mut scratch)?;
        self.emit(&scratch, out);
        scratch.clear();
        self.scratch = scratch;
        Ok(())
    }

    /// Encrypts the final chunk and closes the armor.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        let mut scratch = core::mem::take(&mut self.scratch);
        self.stream.finish(&mut scratch)?;
        match self.armor {
            Some(mut armor) => {
                armor.push(&scratch, out);
                armor.finish(out);
            }
            None => out.extend_from_slice(&scratch),
        }
        Ok(())
    }

    fn emit(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        match &mut self.armor {
            Some(armor) => armor.push(bytes, out),
            None => out.extend_from_slice(bytes),
        }
    }
}

/// How the input is framed: not yet known, binary, or armored.
enum Framing {
    Undecided(Vec<u8>),
    Binary,
    Armored(armor::ArmorDecoder),
}

/// Where the decryptor is in the binary file.
enum Stage {
    Header(HeaderReader),
    Nonce(FileKey, Vec<u8>),
    Payload(StreamDecryptor),
}

/// Decrypts an age file, armored or not, one pushed piece at a time.
///
/// Plaintext is released chunk by chunk, each only after its authentication tag verified; the
/// caller learns that the file was complete only when [`Decryptor::finish`] succeeds.
pub struct Decryptor<'a> {
    identities: Cow<'a, [Identity]>,
    framing: Framing,
    stage: Stage,
    stanza_count: usize,
    matched: Option<Recipient>,
    exporter: Option<Exporter>,
}

impl<'a> Decryptor<'a> {
    /// A decryptor that tries each of `identities` on the header's stanzas. It borrows them,
    /// or owns them (a `Vec`) when it must outlive the caller, as in the JS bindings.
    pub fn new(identities: impl Into<Cow<'a, [Identity]>>) -> Self {
        Decryptor {
            identities: identities.into(),
            framing: Framing::Undecided(Vec::new()),
            stage: Stage::Header(HeaderReader::default()),
            stanza_count: 0,
            matched: None,
            exporter: None,
        }
    }

    /// A key bound to this file (see [`Exporter`]), once the payload nonce is read.
    pub(crate) fn export(&self, label: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
        self.exporter.as_ref().map(|e| e.export(label))
    }

    /// The recipient of the identity that unwrapped the file key, once the header is parsed.
    pub fn matched_recipient(&self) -> Option<Recipient> {
        self.matched
    }

    /// The number of recipient stanzas, once the header is parsed (0 before).
    pub fn stanza_count(&self) -> usize {
        self.stanza_count
    }

    /// Feeds the next piece of the file; authenticated plaintext is appended to `out`.
    pub fn push(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.push_framed(data, false, out)
    }

    /// Ends the input: checks that the file was complete and opens the final chunk.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        self.push_framed(&[], true, out)?;
        if let Framing::Armored(decoder) = core::mem::replace(&mut self.framing, Framing::Binary) {
            let mut binary = Zeroizing::new(Vec::new());
            let decoded = decoder.finish(&mut binary);
            self.push_binary(&binary, out)?;
            decoded?;
        }
        match self.stage {
            Stage::Header(_) | Stage::Nonce(..) => Err(Error::HeaderTruncated),
            Stage::Payload(stream) => stream.finish(out),
        }
    }

    fn push_framed(&mut self, data: &[u8], at_eof: bool, out: &mut Vec<u8>) -> Result<()> {
        if let Framing::Undecided(buf) = &mut self.framing {
            buf.extend_from_slice(data);
            let Some(armored) = armor::looks_armored(buf, at_eof) else {
                return Ok(());
            };
            let seen = core::mem::take(buf);
            self.framing = if armored {
                Framing::Armored(armor::ArmorDecoder::new())
            } else {
                Framing::Binary
            };
            return self.push_framed(&seen, at_eof, out);
        }
        match &mut self.framing {
            Framing::Armored(decoder) => {
                // The lines decoded before any armor error are read first: the input fails at
                // its first fault, whole or in pieces.
                let mut binary = Zeroizing::new(Vec::new());
                let decoded = decoder.push(data, &mut binary);
                self.push_binary(&binary, out)?;
                decoded
            }
            _ => self.push_binary(data, out),
        }
    }

    fn push_binary(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        match &mut self.stage {
            Stage::Header(reader) => {
                let Some((header, rest)) = reader.push(data)? else {
                    return Ok(());
                };
                let (file_key, matched) = self.unwrap_file_key(&header)?;
                header.verify_mac(&file_key)?;
                self.matched = Some(matched);
                self.stanza_count = header.stanzas.len();
                self.stage = Stage::Nonce(file_key, Vec::with_capacity(NONCE_SIZE));
                self.push_binary(rest, out)
            }
            Stage::Nonce(file_key, buf) => {
                let take = (NONCE_SIZE - buf.len()).min(data.len());
                let (head, rest) = data.split_at(take);
                buf.extend_from_slice(head);
                let Ok(nonce) = <[u8; NONCE_SIZE]>::try_from(buf.as_slice()) else {
                    return Ok(());
                };
                self.exporter = Some(Exporter::new(file_key, nonce));
                self.stage = Stage::Payload(StreamDecryptor::new(file_key, &nonce));
                self.push_binary(rest, out)
            }
            Stage::Payload(stream) => stream.push(data, out),
        }
    }

    /// Finds the file key: every X25519 stanza must be well-formed, and one must open.
    fn unwrap_file_key(&self, header: &Header) -> Result<(FileKey, Recipient)> {
        // An scrypt stanza must stand alone (C2SP age "scrypt recipient stanza").
        if header.stanzas.len() > 1
            && header
                .stanzas
                .iter()
                .any(|s| s.args.first().is_some_and(|t| t == "scrypt"))
        {
            return Err(Error::Header("an scrypt stanza must be the only stanza"));
        }
        // Every stanza's syntax is checked before any is tried, so a malformed header fails
        // the same way whichever stanza matches.
        let mut stanzas = Vec::with_capacity(header.stanzas.len());
        for stanza in &header.stanzas {
            stanzas.extend(x25519::X25519Stanza::parse(stanza)?);
        }
        // Each identity's public key is computed once, not once per stanza. The first stanza
        // that opens wins, as in rage.
        let identities: Vec<(&Identity, Recipient)> = self
            .identities
            .iter()
            .map(|i| (i, i.to_recipient()))
            .collect();
        for stanza in &stanzas {
            for (identity, recipient) in &identities {
                if let Some(key) = identity.unwrap(recipient, stanza)? {
                    return Ok((key, *recipient));
                }
            }
        }
        Err(Error::NoMatch)
    }
}

/// Encrypts `plaintext` to `recipients` in one call.
pub fn encrypt(recipients: &[Recipient], plaintext: &[u8], encoding: Encoding) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let mut encryptor = Encryptor::new(recipients, encoding, &mut out)?;
    encryptor.push(plaintext, &mut out)?;
    encryptor.finish(&mut out)?;
    Ok(out)
}

/// Decrypts a whole age file in one call; nothing is returned unless all of it verifies.
pub fn decrypt(identities: &[Identity], file: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(file.len()));
    let mut decryptor = Decryptor::new(identities);
    decryptor.push(file, &mut out)?;
    decryptor.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// A header pushed whole, in 4099-byte pieces or byte by byte costs work linear in its
    /// length: each byte is looked at a bounded number of times, not once per push.
    #[test]
    fn a_header_pushed_in_pieces_is_read_in_linear_work() {
        let reader = Identity::generate();
        let mut to: Vec<Recipient> = (0..200)
            .map(|_| Identity::generate().to_recipient())
            .collect();
        to.push(reader.to_recipient());
        let file = encrypt(&to, b"hello", Encoding::Binary).unwrap();
        let header_len = file.windows(4).position(|w| w == b"\n---").unwrap() + 49;
        assert!(header_len > 10_000, "{header_len}");
        for piece in [file.len(), 4099, 1] {
            header::SCANNED.with(|s| s.set(0));
            let mut decryptor = Decryptor::new(core::slice::from_ref(&reader));
            let mut out = Vec::new();
            for bytes in file.chunks(piece) {
                decryptor.push(bytes, &mut out).unwrap();
            }
            decryptor.finish(&mut out).unwrap();
            assert_eq!(out, b"hello");
            let scanned = header::SCANNED.with(core::cell::Cell::get);
            assert!(
                scanned <= 3 * header_len,
                "pieces of {piece}: {scanned} bytes looked at for a header of {header_len}"
            );
        }
    }

    #[test]
    fn check_file_accepts_binary_age_and_refuses_the_rest() {
        let to = [
            Identity::generate().to_recipient(),
            Identity::generate().to_recipient(),
        ];
        let file = encrypt(&to, b"x", Encoding::Binary).unwrap();
        assert_eq!(check_file(&file), Ok(2));
        let header_end = file.windows(4).position(|w| w == b"\n---").unwrap() + 48;
        for bad in [
            &b""[..],
            b"hello",
            &file[..header_end - 10],
            &file[..header_end + 20],
            &encrypt(&to, b"x", Encoding::Armored).unwrap(),
        ] {
            assert!(check_file(bad).is_err());
        }
    }
}
