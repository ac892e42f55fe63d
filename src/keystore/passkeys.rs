//! Keystore v2 (SPEC §5.2): an identity that opens only with its passphrase **and** one of its
//! enrolled passkeys.
//!
//! The identity is sealed under a random data key. Each passkey has a slot that wraps the
//! data key under `HKDF(Argon2id(passphrase) || PRF output)`, so neither factor alone unwraps
//! it. Slots can be added and removed without re-sealing the identity; doing either takes
//! both factors.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{open_identity, read_params, seal_identity, Header, NONCE_LEN, SALT_LEN, TAG_LEN};
use crate::card::MAX_NAME_LEN;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::kdf::{self, KdfParams};
use crate::passphrase::Passphrase;
use crate::random;
use crate::wire::{Reader, Writer};

pub(super) const MAGIC: &[u8] = b"sealbill/keystore/v2\n";
/// The longest WebAuthn credential id (WebAuthn L3, §4 "Credential ID").
pub const MAX_CREDENTIAL_LEN: usize = 1023;
/// The most passkeys one key can have.
pub const MAX_PASSKEYS: usize = 8;
/// Length of a PRF input and of a PRF output.
pub const PRF_LEN: usize = 32;
const KEK_INFO: &[u8] = b"sealbill/keystore/v2 passkey";
const DATA_KEY_LEN: usize = 32;
const SLOT_FIXED_LEN: usize = 2 + PRF_LEN + NONCE_LEN + DATA_KEY_LEN + TAG_LEN;
/// The longest valid v2 blob.
const MAX_BLOB_LEN: usize = MAGIC.len()
    + 12
    + SALT_LEN
    + 1
    + MAX_PASSKEYS * (SLOT_FIXED_LEN + MAX_CREDENTIAL_LEN)
    + NONCE_LEN
    + 2
    + MAX_NAME_LEN
    + 32
    + TAG_LEN;

/// A passkey as the keystore knows it: its credential id and the PRF input it is asked with.
/// Both are public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeySlot {
    /// The WebAuthn credential id.
    pub credential: Vec<u8>,
    /// The PRF input (`eval.first`) for this credential.
    pub prf_salt: [u8; PRF_LEN],
}

/// One passkey's factor: its credential id, the PRF input it was asked with, and the PRF
/// output it gave (a secret, wiped on drop).
pub struct PasskeyFactor {
    slot: PasskeySlot,
    prf: Zeroizing<[u8; PRF_LEN]>,
}

impl PasskeyFactor {
    /// A factor from a WebAuthn PRF evaluation of `prf_salt` by `credential`.
    pub fn new(credential: &[u8], prf_salt: [u8; PRF_LEN], prf: &[u8]) -> Result<PasskeyFactor> {
        if credential.is_empty() || credential.len() > MAX_CREDENTIAL_LEN {
            return Err(Error::InvalidInput(
                "a passkey credential id is 1 to 1023 bytes",
            ));
        }
        let prf: [u8; PRF_LEN] = prf
            .try_into()
            .map_err(|_| Error::InvalidInput("a passkey PRF output is 32 bytes"))?;
        Ok(PasskeyFactor {
            slot: PasskeySlot {
                credential: credential.to_vec(),
                prf_salt,
            },
            prf: Zeroizing::new(prf),
        })
    }

    /// The credential id and PRF input.
    pub fn slot(&self) -> &PasskeySlot {
        &self.slot
    }
}

impl core::fmt::Debug for PasskeyFactor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PasskeyFactor")
            .field("slot", &self.slot)
            .field("prf", &"[REDACTED]")
            .finish()
    }
}

/// A slot as stored: the public part and the wrapped data key.
struct Slot {
    public: PasskeySlot,
    nonce: [u8; NONCE_LEN],
    wrapped: Vec<u8>,
}

/// A parsed v2 blob.
struct Blob {
    header: Header,
    slots: Vec<Slot>,
    nonce: [u8; NONCE_LEN],
    sealed: Vec<u8>,
}

/// The slot's associated data: the blob's header, then the slot's own public part.
fn slot_aad(header: &[u8], slot: &PasskeySlot) -> Result<Vec<u8>> {
    let mut w = Writer {
        bytes: header.to_vec(),
    };
    w.bytes16(&slot.credential)?;
    w.raw(&slot.prf_salt);
    Ok(w.bytes)
}

fn kek(argon: &[u8; 32], salt: &[u8; SALT_LEN], prf: &[u8; PRF_LEN]) -> Zeroizing<[u8; 32]> {
    // Sized up front: the buffer never reallocates, so no unwiped copy is left behind.
    let mut ikm = Zeroizing::new(Vec::with_capacity(32 + PRF_LEN));
    ikm.extend_from_slice(argon);
    ikm.extend_from_slice(prf);
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA-256's 8160-byte limit: expand cannot fail.
    let _ = Hkdf::<Sha256>::new(Some(salt), ikm.as_ref()).expand(KEK_INFO, key.as_mut());
    key
}

impl Blob {
    fn header_bytes(&self) -> Vec<u8> {
        self.header.to_bytes(MAGIC)
    }

    fn parse(blob: &[u8]) -> Result<Blob> {
        const WHAT: &str = "keystore blob";
        if blob.len() > MAX_BLOB_LEN {
            return Err(Error::Malformed(WHAT));
        }
        let mut r = Reader::new(blob, WHAT);
        if r.raw(MAGIC.len())? != MAGIC {
            return Err(Error::Malformed("not a keystore v2 blob"));
        }
        let header = read_params(&mut r)?;
        let count = usize::from(r.array::<1>()?[0]);
        if count == 0 || count > MAX_PASSKEYS {
            return Err(Error::Malformed("a keystore v2 blob has 1 to 8 passkeys"));
        }
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            let credential = r.bytes16()?.to_vec();
            if credential.is_empty() || credential.len() > MAX_CREDENTIAL_LEN {
                return Err(Error::Malformed(WHAT));
            }
            slots.push(Slot {
                public: PasskeySlot {
                    credential,
                    prf_salt: r.array()?,
                },
                nonce: r.array()?,
                wrapped: r.raw(DATA_KEY_LEN + TAG_LEN)?.to_vec(),
            });
        }
        let nonce = r.array()?;
        let sealed = r.rest().to_vec();
        if sealed.len() < TAG_LEN {
            return Err(Error::Malformed(WHAT));
        }
        Ok(Blob {
            header,
            slots,
            nonce,
            sealed,
        })
    }

    fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut w = Writer {
            bytes: self.header_bytes(),
        };
        let count = u8::try_from(self.slots.len())
            .ok()
            .filter(|n| (1..=MAX_PASSKEYS).contains(&usize::from(*n)))
            .ok_or(Error::InvalidInput("a key has 1 to 8 passkeys"))?;
        w.raw(&[count]);
        for slot in &self.slots {
            w.bytes16(&slot.public.credential)?;
            w.raw(&slot.public.prf_salt);
            w.raw(&slot.nonce);
            w.raw(&slot.wrapped);
        }
        w.raw(&self.nonce);
        w.raw(&self.sealed);
        Ok(w.bytes)
    }

    /// Wraps `data_key` for `factor` under the Argon2id output `argon`.
    fn wrap(&self, argon: &[u8; 32], factor: &PasskeyFactor, data_key: &[u8]) -> Result<Slot> {
        let mut nonce = [0u8; NONCE_LEN];
        random::fill(&mut nonce);
        let kek = kek(argon, &self.header.salt, &factor.prf);
        let aad = slot_aad(&self.header_bytes(), &factor.slot)?;
        let wrapped = XChaCha20Poly1305::new(kek.as_ref().into())
            .encrypt(
                &nonce.into(),
                Payload {
                    msg: data_key,
                    aad: &aad,
                },
            )
            .map_err(|_| Error::InvalidInput("the key could not be wrapped"))?;
        Ok(Slot {
            public: factor.slot.clone(),
            nonce,
            wrapped,
        })
    }

    /// Runs Argon2id over the passphrase, finds `factor`'s slot and unwraps the data key; with
    /// it, opens the identity. Returns the Argon2id output and the data key for re-wrapping.
    #[allow(clippy::type_complexity)]
    fn open(
        &self,
        passphrase: &Passphrase,
        factor: &PasskeyFactor,
    ) -> Result<(Identity, Zeroizing<[u8; 32]>, Zeroizing<Vec<u8>>)> {
        // Parameters first: a hostile blob is refused before any work.
        self.header.params.check()?;
        let slot = self
            .slots
            .iter()
            .find(|s| s.public.credential == factor.slot.credential)
            .ok_or(Error::UnknownPasskey)?;
        let argon = kdf::derive(passphrase, &self.header.salt, &self.header.params)?;
        let kek = kek(&argon, &self.header.salt, &factor.prf);
        let aad = slot_aad(&self.header_bytes(), &slot.public)?;
        let data_key = Zeroizing::new(
            XChaCha20Poly1305::new(kek.as_ref().into())
                .decrypt(
                    &slot.nonce.into(),
                    Payload {
                        msg: &slot.wrapped,
                        aad: &aad,
                    },
                )
                .map_err(|_| Error::BadPassphrase)?,
        );
        // Borrowed, not copied: the data key stays only in its zeroizing buffer.
        let key: &[u8; 32] = data_key
            .as_slice()
            .try_into()
            .map_err(|_| Error::Malformed("keystore blob"))?;
        let identity = open_identity(key, &self.nonce, &self.header_bytes(), &self.sealed)?;
        Ok((identity, argon, data_key))
    }
}

impl Identity {
    /// Locks the identity under `passphrase` and the passkey `factor` into a keystore v2 blob:
    /// from then on it opens only with both.
    pub fn lock_with_passkey(
        &self,
        passphrase: &Passphrase,
        params: &KdfParams,
        factor: &PasskeyFactor,
    ) -> Result<Vec<u8>> {
        let header = Header::fresh(*params);
        let argon = kdf::derive(passphrase, &header.salt, params)?;
        let mut data_key = Zeroizing::new([0u8; DATA_KEY_LEN]);
        random::fill(data_key.as_mut());
        let mut nonce = [0u8; NONCE_LEN];
        random::fill(&mut nonce);
        let sealed = seal_identity(self, &data_key, &nonce, &header.to_bytes(MAGIC))?;
        let mut blob = Blob {
            header,
            slots: Vec::new(),
            nonce,
            sealed,
        };
        blob.slots
            .push(blob.wrap(&argon, factor, data_key.as_ref())?);
        blob.to_bytes()
    }
}

/// Unlocks a keystore v2 blob with its passphrase and one of its passkeys.
pub(super) fn unlock(
    blob: &[u8],
    passphrase: &Passphrase,
    factor: Option<&PasskeyFactor>,
) -> Result<Identity> {
    let blob = Blob::parse(blob)?;
    let factor = factor.ok_or(Error::PasskeyRequired)?;
    blob.open(passphrase, factor)
        .map(|(identity, _, _)| identity)
}

/// The passkeys a keystore blob asks for, in order; empty for a passphrase-only (v1) blob.
pub fn passkeys(blob: &[u8]) -> Result<Vec<PasskeySlot>> {
    if !blob.starts_with(MAGIC) {
        super::check_v1(blob)?;
        return Ok(Vec::new());
    }
    Ok(Blob::parse(blob)?
        .slots
        .into_iter()
        .map(|s| s.public)
        .collect())
}

/// Adds the passkey `added` to a v2 blob. Both factors are needed: the passphrase and a
/// passkey already enrolled (`current`).
pub fn add_passkey(
    blob: &[u8],
    passphrase: &Passphrase,
    current: &PasskeyFactor,
    added: &PasskeyFactor,
) -> Result<Vec<u8>> {
    let mut blob = Blob::parse(blob)?;
    if blob
        .slots
        .iter()
        .any(|s| s.public.credential == added.slot.credential)
    {
        return Err(Error::InvalidInput("this passkey is already enrolled"));
    }
    if blob.slots.len() >= MAX_PASSKEYS {
        return Err(Error::LimitExceeded("a key has at most 8 passkeys"));
    }
    let (_, argon, data_key) = blob.open(passphrase, current)?;
    let slot = blob.wrap(&argon, added, &data_key)?;
    blob.slots.push(slot);
    blob.to_bytes()
}

/// Removes the passkey `credential` from a v2 blob, after unlocking it with the passphrase
/// and a passkey (`current`, which may be the one removed). The last passkey cannot be
/// removed: lock the identity again with [`Identity::lock`] to go back to the passphrase alone.
pub fn remove_passkey(
    blob: &[u8],
    passphrase: &Passphrase,
    current: &PasskeyFactor,
    credential: &[u8],
) -> Result<Vec<u8>> {
    let mut blob = Blob::parse(blob)?;
    if !blob.slots.iter().any(|s| s.public.credential == credential) {
        return Err(Error::UnknownPasskey);
    }
    if blob.slots.len() == 1 {
        return Err(Error::InvalidInput(
            "this is the key's only passkey: to unlock with the passphrase alone, turn passkeys off",
        ));
    }
    blob.open(passphrase, current)?;
    blob.slots.retain(|s| s.public.credential != credential);
    blob.to_bytes()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn pw(text: &str) -> Passphrase {
        Passphrase::new(text).unwrap()
    }

    fn passkey(id: u8, prf: u8) -> PasskeyFactor {
        PasskeyFactor::new(&[id; 16], [id; PRF_LEN], &[prf; PRF_LEN]).unwrap()
    }

    fn locked() -> (Identity, Vec<u8>) {
        let id = Identity::generate("Acme GmbH").unwrap();
        let blob = id
            .lock_with_passkey(&pw("passphrase"), &KdfParams::MIN, &passkey(1, 1))
            .unwrap();
        (id, blob)
    }

    #[test]
    fn both_factors_unlock_and_neither_alone_does() {
        let (id, blob) = locked();
        let back = Identity::unlock_with(&blob, &pw("passphrase"), Some(&passkey(1, 1))).unwrap();
        assert_eq!(back.card(), id.card());
        // The passphrase alone, a wrong passphrase, a wrong PRF output, another passkey.
        assert_eq!(
            Identity::unlock(&blob, &pw("passphrase")).err(),
            Some(Error::PasskeyRequired)
        );
        assert_eq!(
            Identity::unlock_with(&blob, &pw("passphrasf"), Some(&passkey(1, 1))).err(),
            Some(Error::BadPassphrase)
        );
        assert_eq!(
            Identity::unlock_with(&blob, &pw("passphrase"), Some(&passkey(1, 2))).err(),
            Some(Error::BadPassphrase)
        );
        assert_eq!(
            Identity::unlock_with(&blob, &pw("passphrase"), Some(&passkey(2, 1))).err(),
            Some(Error::UnknownPasskey)
        );
        assert_eq!(passkeys(&blob).unwrap(), vec![passkey(1, 1).slot().clone()]);
    }

    #[test]
    fn passkeys_are_added_and_removed_with_both_factors() {
        let (id, blob) = locked();
        let (one, two) = (passkey(1, 1), passkey(2, 2));
        let p = pw("passphrase");
        assert_eq!(
            add_passkey(&blob, &pw("wrong"), &one, &two).err(),
            Some(Error::BadPassphrase)
        );
        assert_eq!(
            add_passkey(&blob, &p, &passkey(1, 9), &two).err(),
            Some(Error::BadPassphrase)
        );
        let both = add_passkey(&blob, &p, &one, &two).unwrap();
        assert!(add_passkey(&both, &p, &one, &passkey(2, 3)).is_err());
        for factor in [&one, &two] {
            let back = Identity::unlock_with(&both, &p, Some(factor)).unwrap();
            assert_eq!(back.card(), id.card());
        }
        assert_eq!(passkeys(&both).unwrap().len(), 2);

        // Removing the first with the second leaves the second only.
        let only_two = remove_passkey(&both, &p, &two, &one.slot().credential).unwrap();
        assert_eq!(
            Identity::unlock_with(&only_two, &p, Some(&one)).err(),
            Some(Error::UnknownPasskey)
        );
        assert!(Identity::unlock_with(&only_two, &p, Some(&two)).is_ok());
        assert!(matches!(
            remove_passkey(&only_two, &p, &two, &two.slot().credential),
            Err(Error::InvalidInput(_))
        ));
        assert_eq!(
            remove_passkey(&both, &pw("wrong"), &two, &one.slot().credential).err(),
            Some(Error::BadPassphrase)
        );
    }

    #[test]
    fn at_most_eight_passkeys() {
        let (_, mut blob) = locked();
        let p = pw("passphrase");
        for i in 2..=8 {
            blob = add_passkey(&blob, &p, &passkey(1, 1), &passkey(i, i)).unwrap();
        }
        assert!(blob.len() <= MAX_BLOB_LEN);
        assert!(matches!(
            add_passkey(&blob, &p, &passkey(1, 1), &passkey(9, 9)),
            Err(Error::LimitExceeded(_))
        ));
    }

    #[test]
    fn altered_blobs_are_refused() {
        let (_, blob) = locked();
        let p = pw("passphrase");
        let header = MAGIC.len() + 12 + SALT_LEN;
        // The salt, the slot's credential, PRF input, nonce and wrapped key, the body nonce
        // and the sealed identity.
        for i in [
            header - 1,
            header + 3,
            header + 3 + 16,
            header + 3 + 16 + PRF_LEN,
            header + 3 + 16 + PRF_LEN + NONCE_LEN,
            blob.len() - TAG_LEN - 40,
            blob.len() - 1,
        ] {
            let mut bad = blob.clone();
            bad[i] ^= 1;
            assert!(
                Identity::unlock_with(&bad, &p, Some(&passkey(1, 1))).is_err(),
                "byte {i}"
            );
        }
        // Hostile parameters are refused before Argon2id runs.
        let mut hostile = blob.clone();
        hostile[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(4u32 << 20).to_be_bytes());
        assert!(matches!(
            Identity::unlock_with(&hostile, &p, Some(&passkey(1, 1))),
            Err(Error::LimitExceeded(_))
        ));
        // Cut short anywhere, or zero or nine slots.
        for len in [
            MAGIC.len(),
            header,
            header + 1,
            header + 40,
            blob.len() - TAG_LEN - 1,
        ] {
            assert!(
                Identity::unlock_with(&blob[..len], &p, Some(&passkey(1, 1))).is_err(),
                "{len}"
            );
        }
        for count in [0u8, 9] {
            let mut bad = blob.clone();
            bad[header] = count;
            assert!(matches!(passkeys(&bad), Err(Error::Malformed(_))));
        }
    }

    #[test]
    fn factors_are_checked_and_never_printed() {
        assert!(PasskeyFactor::new(&[], [0; PRF_LEN], &[0; PRF_LEN]).is_err());
        assert!(PasskeyFactor::new(&[1; 1024], [0; PRF_LEN], &[0; PRF_LEN]).is_err());
        assert!(PasskeyFactor::new(&[1], [0; PRF_LEN], &[0; 31]).is_err());
        let printed = format!("{:?}", passkey(1, 0xab));
        assert!(printed.contains("REDACTED") && !printed.contains("171"));
    }
}
