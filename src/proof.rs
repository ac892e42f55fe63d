//! The open proof (SPEC §5.4): a value that only the sender and the readers of one envelope
//! can know, derived from its age file key and payload nonce.
//!
//! The sender gives the relay its hash at upload; a client that decrypted the envelope shows
//! the proof itself, so that a relay can count an open ("burn after reading") without link
//! previewers or mail scanners, which fetch but cannot decrypt, burning anything.

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// The exporter label of the open proof.
pub(crate) const PROOF_LABEL: &[u8] = b"sealbill/open-proof/v1";

/// The open proof of one envelope. `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct OpenProof([u8; 32]);

impl OpenProof {
    /// The proof from the envelope's exported key (label [`PROOF_LABEL`]).
    pub(crate) fn from_exported(key: &[u8; 32]) -> OpenProof {
        OpenProof(*key)
    }

    /// The SHA-256 of the proof, which the relay stores at upload.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0).into()
    }

    /// The proof in unpadded base64url, as a reader sends it to the relay.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// The hash in unpadded base64url, as the sender gives it to the relay.
    pub fn hash_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.hash())
    }

    /// Parses the base64url form of a proof.
    pub fn from_base64url(text: &str) -> Result<OpenProof> {
        decode32(text).map(OpenProof)
    }

    /// Parses the base64url form of a proof's hash.
    pub fn hash_from_base64url(text: &str) -> Result<[u8; 32]> {
        decode32(text)
    }

    /// Whether this proof hashes to `hash`, compared in constant time.
    pub fn matches(&self, hash: &[u8; 32]) -> bool {
        self.hash().ct_eq(hash).into()
    }
}

/// Decodes exactly 32 bytes of unpadded base64url (43 characters).
fn decode32(text: &str) -> Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    match URL_SAFE_NO_PAD.decode_slice(text.as_bytes(), &mut bytes) {
        Ok(32) if text.len() == 43 => Ok(bytes),
        _ => Err(Error::Malformed(
            "an open proof or its hash is 43 base64url characters",
        )),
    }
}

impl fmt::Debug for OpenProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpenProof(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_round_trips_and_matches_only_its_hash() {
        let proof = OpenProof::from_exported(&[3; 32]);
        let other = OpenProof::from_exported(&[4; 32]);
        assert!(proof.matches(&proof.hash()));
        assert!(!other.matches(&proof.hash()));
        let text = proof.to_base64url();
        assert_eq!(OpenProof::from_base64url(&text).ok(), Some(proof.clone()));
        assert_eq!(
            OpenProof::hash_from_base64url(&proof.hash_base64url()).ok(),
            Some(proof.hash())
        );
        for bad in [
            "",
            "abc",
            &text[1..],
            &format!("{text}A"),
            &text.replace(|_| true, "*"),
        ] {
            assert!(OpenProof::from_base64url(bad).is_err(), "{bad:?}");
        }
        assert!(!format!("{proof:?}").contains(&text));
    }
}
