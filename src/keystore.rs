//! The keystore: an identity locked with a passphrase, as a versioned blob for device storage
//! and as a text file for encrypted backups (SPEC §5.2).
//!
//! Argon2id stretches the passphrase; XChaCha20-Poly1305 encrypts the name and seed, with the
//! whole header (version and Argon2id parameters included) as associated data.

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use zeroize::Zeroizing;

use crate::card::MAX_NAME_LEN;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::kdf::{self, KdfParams};
use crate::passphrase::Passphrase;
use crate::random;
use crate::wire::{Reader, Writer};

mod passkeys;

pub use passkeys::{
    add_passkey, passkeys, remove_passkey, PasskeyFactor, PasskeySlot, MAX_CREDENTIAL_LEN,
    MAX_PASSKEYS, PRF_LEN,
};

const MAGIC: &[u8] = b"sealbill/keystore/v1\n";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Magic, three u32 parameters, salt and nonce: the associated data.
const HEADER_LEN: usize = MAGIC.len() + 12 + SALT_LEN + NONCE_LEN;
/// The longest valid blob: a maximal name, the seed and the tag after the header.
const MAX_BLOB_LEN: usize = HEADER_LEN + 2 + MAX_NAME_LEN + 32 + TAG_LEN;
/// The prefix of the one data line of a backup file.
const BACKUP_PREFIX: &str = "sealbill-keystore:";

/// The Argon2id parameters and salt that follow a keystore's magic.
struct Header {
    params: KdfParams,
    salt: [u8; SALT_LEN],
}

impl Header {
    fn fresh(params: KdfParams) -> Header {
        let mut salt = [0u8; SALT_LEN];
        random::fill(&mut salt);
        Header { params, salt }
    }

    /// `magic || u32(m) || u32(t) || u32(p) || salt`.
    fn to_bytes(&self, magic: &[u8]) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(magic);
        let p = &self.params;
        for v in [p.memory_kib, p.iterations, p.parallelism] {
            w.raw(&v.to_be_bytes());
        }
        w.raw(&self.salt);
        w.bytes
    }
}

/// Reads the parameters and salt after the magic (not yet checked against the limits).
fn read_params(r: &mut Reader<'_>) -> Result<Header> {
    Ok(Header {
        params: KdfParams {
            memory_kib: u32::from_be_bytes(r.array()?),
            iterations: u32::from_be_bytes(r.array()?),
            parallelism: u32::from_be_bytes(r.array()?),
        },
        salt: r.array()?,
    })
}

/// Encrypts the identity's name and seed under `key`.
fn seal_identity(
    identity: &Identity,
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
) -> Result<Vec<u8>> {
    // Sized up front so the buffer holding the seed never reallocates (and leaves copies).
    let mut plain = Writer {
        bytes: Vec::with_capacity(2 + MAX_NAME_LEN + 32),
    };
    plain.bytes16(identity.name().as_bytes())?;
    plain.raw(identity.seed().as_ref());
    let plain = Zeroizing::new(plain.bytes);
    XChaCha20Poly1305::new(key.into())
        .encrypt(nonce.into(), Payload { msg: &plain, aad })
        .map_err(|_| Error::InvalidInput("the identity could not be encrypted"))
}

/// Decrypts what [`seal_identity`] made; a tag failure is `BAD_PASSPHRASE`.
fn open_identity(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Identity> {
    const WHAT: &str = "keystore blob";
    let plain = Zeroizing::new(
        XChaCha20Poly1305::new(key.into())
            .decrypt(nonce.into(), Payload { msg: sealed, aad })
            .map_err(|_| Error::BadPassphrase)?,
    );
    let mut r = Reader::new(&plain, WHAT);
    let name = r.str16()?;
    let seed = Zeroizing::new(r.array::<32>()?);
    r.finish()?;
    Identity::from_seed(name, seed)
}

/// Parses a v1 blob up to its sealed part: the header, the nonce and the ciphertext.
fn parse_v1(blob: &[u8]) -> Result<(Header, [u8; NONCE_LEN], &[u8])> {
    const WHAT: &str = "keystore blob";
    if blob.len() > MAX_BLOB_LEN {
        return Err(Error::Malformed(WHAT));
    }
    let mut r = Reader::new(blob, WHAT);
    if r.raw(MAGIC.len())? != MAGIC {
        return Err(Error::Malformed(
            "not a sealbill keystore (or an unknown version)",
        ));
    }
    let header = read_params(&mut r)?;
    let nonce = r.array()?;
    let sealed = r.rest();
    if sealed.len() < TAG_LEN {
        return Err(Error::Malformed(WHAT));
    }
    Ok((header, nonce, sealed))
}

/// Checks that `blob` is shaped like a v1 blob, without running Argon2id.
fn check_v1(blob: &[u8]) -> Result<()> {
    parse_v1(blob).map(|_| ())
}

impl Identity {
    /// Locks the identity under `passphrase` into a keystore blob (v1: the passphrase alone).
    pub fn lock(&self, passphrase: &Passphrase, params: &KdfParams) -> Result<Vec<u8>> {
        let header = Header::fresh(*params);
        let key = kdf::derive(passphrase, &header.salt, params)?;
        let mut blob = Writer {
            bytes: header.to_bytes(MAGIC),
        };
        let mut nonce = [0u8; NONCE_LEN];
        random::fill(&mut nonce);
        blob.raw(&nonce);
        // The v1 associated data is the whole header, the nonce included.
        let sealed = seal_identity(self, &key, &nonce, &blob.bytes)?;
        blob.raw(&sealed);
        Ok(blob.bytes)
    }

    /// Unlocks a keystore blob locked by the passphrase alone (v1). Its Argon2id parameters
    /// are checked against [`KdfParams::check`] before any work is done. A blob that also
    /// needs a passkey fails with `PASSKEY_REQUIRED`: see [`Identity::unlock_with`].
    pub fn unlock(blob: &[u8], passphrase: &Passphrase) -> Result<Identity> {
        Identity::unlock_with(blob, passphrase, None)
    }

    /// Unlocks a keystore blob of either version: v1 with the passphrase, v2 with the
    /// passphrase and one of its passkeys.
    pub fn unlock_with(
        blob: &[u8],
        passphrase: &Passphrase,
        passkey: Option<&PasskeyFactor>,
    ) -> Result<Identity> {
        if blob.starts_with(passkeys::MAGIC) {
            return passkeys::unlock(blob, passphrase, passkey);
        }
        if passkey.is_some() {
            return Err(Error::InvalidInput(
                "this key is locked by its passphrase alone",
            ));
        }
        let (header, nonce, sealed) = parse_v1(blob)?;
        let key = kdf::derive(passphrase, &header.salt, &header.params)?;
        let aad = blob
            .get(..HEADER_LEN)
            .ok_or(Error::Malformed("keystore blob"))?;
        open_identity(&key, &nonce, aad, sealed)
    }

    /// An encrypted backup file: comment lines naming the identity, then the keystore blob
    /// locked under `passphrase`, in base64.
    pub fn export_backup(&self, passphrase: &Passphrase, params: &KdfParams) -> Result<String> {
        let blob = self.lock(passphrase, params)?;
        Ok(format!(
            "# sealbill identity backup of {}\n# fingerprint: {}\n# It opens only with its backup passphrase.\n{BACKUP_PREFIX}{}\n",
            self.name(),
            self.fingerprint(),
            STANDARD_NO_PAD.encode(blob)
        ))
    }

    /// Restores an identity from an [`Identity::export_backup`] file.
    pub fn import_backup(text: &str, passphrase: &Passphrase) -> Result<Identity> {
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let (Some(line), None) = (lines.next(), lines.next()) else {
            return Err(Error::Malformed("a backup holds exactly one keystore line"));
        };
        let blob = line
            .strip_prefix(BACKUP_PREFIX)
            .filter(|b| b.len() <= MAX_BLOB_LEN * 4 / 3 + 4)
            .and_then(|b| STANDARD_NO_PAD.decode(b).ok())
            .ok_or(Error::Malformed("not a sealbill identity backup"))?;
        Identity::unlock(&blob, passphrase)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn pw(text: &str) -> Passphrase {
        Passphrase::new(text).unwrap()
    }

    fn fast() -> KdfParams {
        KdfParams::MIN
    }

    #[test]
    fn lock_unlock_round_trip_keeps_keys_and_name() {
        let id = Identity::generate("Acme GmbH").unwrap();
        let blob = id.lock(&pw("passphrase"), &fast()).unwrap();
        assert!(blob.len() <= MAX_BLOB_LEN);
        let back = Identity::unlock(&blob, &pw("passphrase")).unwrap();
        assert_eq!(back.card(), id.card());
        assert_eq!(back.name(), "Acme GmbH");
        assert_eq!(
            Identity::unlock(&blob, &pw("passphrasf")).err(),
            Some(Error::BadPassphrase)
        );
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let id = Identity::generate("Acme").unwrap();
        let blob = id.lock(&pw("pw"), &fast()).unwrap();
        // Parameters and magic are covered by their own checks or the AEAD; sample the
        // salt, nonce and ciphertext bytes too (a full sweep would be hundreds of Argon2 runs).
        for i in [
            0,
            MAGIC.len(),
            MAGIC.len() + 5,
            HEADER_LEN - 1,
            HEADER_LEN,
            blob.len() - 1,
        ] {
            let mut bad = blob.clone();
            bad[i] ^= 1;
            assert!(Identity::unlock(&bad, &pw("pw")).is_err(), "byte {i}");
        }
    }

    #[test]
    fn hostile_parameters_are_refused_before_any_work() {
        let id = Identity::generate("Acme").unwrap();
        let mut blob = id.lock(&pw("pw"), &fast()).unwrap();
        // 4 GiB of memory.
        blob[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(4u32 << 20).to_be_bytes());
        assert!(matches!(
            Identity::unlock(&blob, &pw("pw")),
            Err(Error::LimitExceeded(_))
        ));
    }

    #[test]
    fn truncated_and_oversized_blobs_are_malformed() {
        let id = Identity::generate("Acme").unwrap();
        let blob = id.lock(&pw("pw"), &fast()).unwrap();
        for len in [0, 5, MAGIC.len(), HEADER_LEN, HEADER_LEN + TAG_LEN - 1] {
            assert!(
                matches!(
                    Identity::unlock(&blob[..len], &pw("pw")),
                    Err(Error::Malformed(_))
                ),
                "{len}"
            );
        }
        let mut long = blob.clone();
        long.resize(MAX_BLOB_LEN + 1, 0);
        assert!(matches!(
            Identity::unlock(&long, &pw("pw")),
            Err(Error::Malformed(_))
        ));
    }

    #[test]
    fn backup_round_trip_and_bad_files() {
        let id = Identity::generate("Client SARL").unwrap();
        let text = id.export_backup(&pw("backup pw"), &fast()).unwrap();
        assert!(text.contains(&id.fingerprint().to_string()));
        let back = Identity::import_backup(&text, &pw("backup pw")).unwrap();
        assert_eq!(back.card(), id.card());
        assert_eq!(
            Identity::import_backup(&text, &pw("wrong")).err(),
            Some(Error::BadPassphrase)
        );
        for bad in [
            "",
            "# only a comment\n",
            "sealbill-keystore:!!!\n",
            "hello\n",
        ] {
            assert!(matches!(
                Identity::import_backup(bad, &pw("pw")),
                Err(Error::Malformed(_))
            ));
        }
        let twice = format!("{text}{text}");
        assert!(Identity::import_backup(&twice, &pw("backup pw")).is_err());
    }
}
