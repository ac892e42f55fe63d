//! The age X25519 recipient type (C2SP age "The X25519 recipient type", SPEC §2.2).

use core::fmt;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::file_key::FileKey;
use super::header::Stanza;
use super::{b64, bech32};
use crate::error::{Error, Result};

const STANZA_TAG: &str = "X25519";
const WRAP_INFO: &[u8] = b"age-encryption.org/v1/X25519";
const RECIPIENT_HRP: &str = "age";
const IDENTITY_HRP: &str = "age-secret-key-";

/// An age X25519 recipient: the public key that envelopes are encrypted to (`age1…`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Recipient(x25519_dalek::PublicKey);

/// An age X25519 identity: the secret key that opens envelopes (`AGE-SECRET-KEY-1…`).
///
/// It is zeroized on drop and never printed by `Debug`.
#[derive(Clone)]
pub struct Identity(x25519_dalek::StaticSecret);

impl Recipient {
    /// The raw 32-byte public key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// A recipient from its raw 32-byte public key.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Recipient(bytes.into())
    }

    /// Wraps `file_key` in a fresh X25519 stanza for this recipient.
    ///
    /// A low-order recipient key is refused: it would give a shared secret anyone can compute.
    pub(crate) fn wrap(&self, file_key: &FileKey) -> Result<Stanza> {
        let ephemeral = x25519_dalek::StaticSecret::from(*random_secret());
        let share = x25519_dalek::PublicKey::from(&ephemeral);
        let shared = ephemeral.diffie_hellman(&self.0);
        if !shared.was_contributory() {
            return Err(Error::InvalidInput("recipient key is a low-order point"));
        }
        let key = wrap_key(shared.as_bytes(), share.as_bytes(), self.0.as_bytes());
        let mut body = file_key.expose().to_vec();
        let tag = ChaCha20Poly1305::new(key.as_ref().into()).encrypt_in_place_detached(
            &[0u8; 12].into(),
            b"",
            &mut body,
        );
        // Encryption fails only for plaintexts beyond 256 GiB; a file key is 16 bytes.
        if let Ok(tag) = tag {
            body.extend_from_slice(&tag);
        }
        Ok(Stanza {
            args: vec![STANZA_TAG.to_owned(), b64::encode(share.as_bytes())],
            body,
        })
    }
}

impl Identity {
    /// A fresh random identity.
    pub fn generate() -> Self {
        Identity::from_secret_bytes(*random_secret())
    }

    /// An identity from 32 secret bytes (clamped by X25519 itself).
    pub fn from_secret_bytes(bytes: [u8; 32]) -> Self {
        Identity(x25519_dalek::StaticSecret::from(bytes))
    }

    /// The 32 secret bytes, in a buffer that is wiped on drop (to seal them to others).
    pub(crate) fn to_secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The recipient that encrypts to this identity.
    pub fn to_recipient(&self) -> Recipient {
        Recipient(x25519_dalek::PublicKey::from(&self.0))
    }

    /// The Bech32 encoding `AGE-SECRET-KEY-1…`, in a buffer that is wiped on drop.
    pub fn to_bech32(&self) -> Zeroizing<String> {
        let bytes = Zeroizing::new(self.0.to_bytes());
        let text = bech32::encode(IDENTITY_HRP, bytes.as_slice());
        Zeroizing::new(text.to_ascii_uppercase())
    }

    /// Parses `AGE-SECRET-KEY-1…`.
    pub fn from_bech32(text: &str) -> Result<Self> {
        let bytes = decode_bech32(text, IDENTITY_HRP, "not an AGE-SECRET-KEY-1 identity")?;
        Ok(Identity::from_secret_bytes(*bytes))
    }

    /// Tries to unwrap the file key from one parsed stanza; `recipient` is this identity's
    /// own (computed once per header rather than once per stanza).
    ///
    /// `Ok(None)` means the stanza is addressed to someone else; an error means its share is a
    /// low-order point, and the whole header must be rejected.
    pub(crate) fn unwrap(
        &self,
        recipient: &Recipient,
        stanza: &X25519Stanza<'_>,
    ) -> Result<Option<FileKey>> {
        let shared = self.0.diffie_hellman(&stanza.share.into());
        if !shared.was_contributory() {
            return Err(Error::Header("X25519 share is a low-order point"));
        }
        let key = wrap_key(shared.as_bytes(), &stanza.share, recipient.0.as_bytes());
        let (ciphertext, tag) = stanza.body.split_at(16);
        let mut plain = Zeroizing::new([0u8; 16]);
        plain.copy_from_slice(ciphertext);
        let opened = ChaCha20Poly1305::new(key.as_ref().into()).decrypt_in_place_detached(
            &[0u8; 12].into(),
            b"",
            plain.as_mut_slice(),
            tag.into(),
        );
        Ok(opened.ok().map(|()| FileKey::from_bytes(*plain)))
    }
}

/// An X25519 stanza whose syntax was checked: its ephemeral share and 32-byte body.
pub(crate) struct X25519Stanza<'a> {
    share: [u8; 32],
    body: &'a [u8; 32],
}

impl<'a> X25519Stanza<'a> {
    /// Checks a stanza's syntax. `Ok(None)`: another recipient type; an error: a malformed
    /// X25519 stanza, which rejects the whole header.
    pub(crate) fn parse(stanza: &'a Stanza) -> Result<Option<Self>> {
        if stanza.args.first().map(String::as_str) != Some(STANZA_TAG) {
            return Ok(None);
        }
        let [_, share] = stanza.args.as_slice() else {
            return Err(Error::Header(
                "X25519 stanza must have exactly two arguments",
            ));
        };
        let share = b64::decode_array::<32>(share.as_bytes()).ok_or(Error::Header(
            "X25519 share is not canonical base64 of 32 bytes",
        ))?;
        // Checking the length before decrypting prevents partitioning oracles (C2SP age).
        let body = <&[u8; 32]>::try_from(stanza.body.as_slice())
            .map_err(|_| Error::Header("X25519 stanza body is not 32 bytes"))?;
        Ok(Some(Self { share, body }))
    }
}

/// 32 random bytes for an X25519 secret, wiped on drop.
fn random_secret() -> Zeroizing<[u8; 32]> {
    let mut secret = Zeroizing::new([0u8; 32]);
    crate::random::fill(secret.as_mut());
    secret
}

fn wrap_key(shared: &[u8; 32], share: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(share);
    salt[32..].copy_from_slice(recipient);
    let mut key = Zeroizing::new([0u8; 32]);
    // HKDF-Expand cannot fail for a 32-byte output.
    let _ = Hkdf::<Sha256>::new(Some(&salt), shared).expand(WRAP_INFO, key.as_mut());
    key
}

/// Decodes a Bech32 string of 32 bytes with the given HRP (either all upper or all lower case).
fn decode_bech32(text: &str, hrp: &str, what: &'static str) -> Result<Zeroizing<[u8; 32]>> {
    let (found_hrp, bytes) = bech32::decode(text).ok_or(Error::Malformed(what))?;
    if found_hrp != hrp {
        return Err(Error::Malformed(what));
    }
    let mut out = Zeroizing::new([0u8; 32]);
    if bytes.len() != 32 {
        return Err(Error::Malformed(what));
    }
    out.copy_from_slice(&bytes);
    Ok(out)
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bech32::encode(RECIPIENT_HRP, self.0.as_bytes()))
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({self})")
    }
}

impl core::str::FromStr for Recipient {
    type Err = Error;

    /// Parses `age1…`.
    fn from_str(text: &str) -> Result<Self> {
        let bytes = decode_bech32(text, RECIPIENT_HRP, "not an age1 X25519 recipient")?;
        Ok(Recipient::from_bytes(*bytes))
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Identity({{ recipient: {}, secret: [REDACTED] }})",
            self.to_recipient()
        )
    }
}
