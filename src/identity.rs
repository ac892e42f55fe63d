//! A sender's identity: one random 32-byte seed, from which HKDF derives the age X25519
//! identity and the Ed25519 signing key (SPEC §3.4), and its text file form (SPEC §3.5).

use core::fmt;

use ed25519_dalek::{Signer, SigningKey};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::age;
use crate::card::{Card, Fingerprint};
use crate::error::{Error, Result};

const DERIVE_SALT: &[u8] = b"sealbill/identity/v1";
const X25519_INFO: &[u8] = b"age X25519 identity";
const ED25519_INFO: &[u8] = b"Ed25519 signing key";
/// The Bech32 prefix of a seed in an identity file.
const SEED_HRP: &str = "sealbill-secret-key-";
const NAME_PREFIX: &str = "name: ";

/// A sender's identity: display name, seed and the two keys derived from it.
///
/// The seed and keys are zeroized on drop; `Debug` prints only public parts.
pub struct Identity {
    name: String,
    seed: Zeroizing<[u8; 32]>,
    age: age::Identity,
    signing: SigningKey,
    card: Card,
}

impl Identity {
    /// Creates an identity from a fresh random seed.
    pub fn generate(name: &str) -> Result<Identity> {
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::random::fill(seed.as_mut());
        Identity::from_seed(name, seed)
    }

    /// Rebuilds an identity from its seed (the same seed always gives the same keys).
    pub fn from_seed(name: &str, seed: Zeroizing<[u8; 32]>) -> Result<Identity> {
        let hkdf = Hkdf::<Sha256>::new(Some(DERIVE_SALT), seed.as_ref());
        let mut x25519 = Zeroizing::new([0u8; 32]);
        let mut ed25519 = Zeroizing::new([0u8; 32]);
        // HKDF-Expand cannot fail for 32-byte outputs.
        let _ = hkdf.expand(X25519_INFO, x25519.as_mut());
        let _ = hkdf.expand(ED25519_INFO, ed25519.as_mut());
        let age = age::Identity::from_secret_bytes(*x25519);
        let signing = SigningKey::from_bytes(&ed25519);
        let card = Card::new(name, signing.verifying_key(), age.to_recipient(), |tbs| {
            signing.sign(tbs)
        })?;
        Ok(Identity {
            name: name.to_owned(),
            seed,
            age,
            signing,
            card,
        })
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The self-signed public card to hand to clients.
    pub fn card(&self) -> &Card {
        &self.card
    }

    /// The fingerprint of the public card.
    pub fn fingerprint(&self) -> Fingerprint {
        self.card.fingerprint()
    }

    /// The age recipient that encrypts to this identity.
    pub fn recipient(&self) -> age::Recipient {
        self.age.to_recipient()
    }

    /// The age X25519 identity, for opening envelopes.
    pub fn age_identity(&self) -> &age::Identity {
        &self.age
    }

    /// The 32-byte seed, for encrypted export only.
    pub fn seed(&self) -> &Zeroizing<[u8; 32]> {
        &self.seed
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The identity file text (SPEC §3.5). It holds the secret seed: keep it private. The
    /// seed's text is written once, into the returned buffer (allocated at its final size),
    /// so no copy of it is left unwiped.
    pub fn to_text(&self) -> Zeroizing<String> {
        let public = format!(
            "# sealbill identity (v1). Keep this file secret: it signs and opens your invoices.\n\
             # fingerprint: {}\n\
             # recipient: {}\n\
             # card: {}\n\
             {NAME_PREFIX}{}\n",
            self.fingerprint(),
            self.recipient(),
            self.card.to_text(),
            self.name,
        );
        let mut seed = age::bech32::encode(SEED_HRP, self.seed.as_ref());
        seed.make_ascii_uppercase();
        let mut text = Zeroizing::new(String::with_capacity(public.len() + seed.len() + 1));
        text.push_str(&public);
        text.push_str(&seed);
        text.push('\n');
        text
    }

    /// Parses an identity file: `#` comments and blank lines, one `name:` line and one
    /// `SEALBILL-SECRET-KEY-1…` line.
    pub fn from_text(text: &str) -> Result<Identity> {
        let mut name = None;
        let mut seed = None;
        for line in text.lines().map(|l| l.trim_end_matches('\r')) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(value) = line.strip_prefix(NAME_PREFIX) {
                if name.replace(value).is_some() {
                    return Err(Error::Malformed("identity file has two name lines"));
                }
            } else if line.starts_with("SEALBILL-SECRET-KEY-1") {
                if seed.replace(decode_seed(line)?).is_some() {
                    return Err(Error::Malformed(
                        "identity file holds more than one identity",
                    ));
                }
            } else {
                return Err(Error::Malformed("unexpected line in identity file"));
            }
        }
        let seed = seed.ok_or(Error::Malformed(
            "no SEALBILL-SECRET-KEY-1 line in identity file",
        ))?;
        let name = name.ok_or(Error::Malformed("no name line in identity file"))?;
        Identity::from_seed(name, seed)
            .map_err(|_| Error::Malformed("invalid name in identity file"))
    }
}

fn decode_seed(line: &str) -> Result<Zeroizing<[u8; 32]>> {
    let bad = Error::Malformed("invalid SEALBILL-SECRET-KEY-1 line");
    let (hrp, bytes) = age::bech32::decode(line).ok_or(bad.clone())?;
    if hrp != SEED_HRP || bytes.len() != 32 || line.bytes().any(|c| c.is_ascii_lowercase()) {
        return Err(bad);
    }
    let mut seed = Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(&bytes);
    Ok(seed)
}

/// Reads the age identities of an identity file, as `age -d -i` would: a sealbill identity
/// file, or plain age identities (`AGE-SECRET-KEY-1…` lines with `#` comments and blank lines).
pub fn age_identities_from_text(text: &str) -> Result<Vec<age::Identity>> {
    if text.lines().any(|l| l.starts_with("SEALBILL-SECRET-KEY-1")) {
        return Ok(vec![Identity::from_text(text)?.age.clone()]);
    }
    let identities = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(age::Identity::from_bech32)
        .collect::<Result<Vec<_>>>()?;
    if identities.is_empty() {
        return Err(Error::Malformed("no identity in identity file"));
    }
    Ok(identities)
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("card", &self.card)
            .field("secrets", &"[REDACTED]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn same_seed_same_keys_and_fingerprint() {
        let a = Identity::generate("Acme GmbH").unwrap();
        let b = Identity::from_seed("Another name", a.seed().clone()).unwrap();
        assert_eq!(a.recipient(), b.recipient());
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.card().verifying_key(), b.card().verifying_key());
        let c = Identity::generate("Acme GmbH").unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn text_round_trip_and_age_view() {
        let id = Identity::generate("Müller & Söhne").unwrap();
        let text = id.to_text();
        let back = Identity::from_text(&text).unwrap();
        assert_eq!(back.name(), "Müller & Söhne");
        assert_eq!(back.fingerprint(), id.fingerprint());
        let ages = age_identities_from_text(&text).unwrap();
        assert_eq!(ages.len(), 1);
        assert_eq!(ages[0].to_recipient(), id.recipient());
    }

    #[test]
    fn debug_hides_secrets() {
        let id = Identity::generate("Acme").unwrap();
        let debug = format!("{id:?} {:?}", id.age_identity());
        let seed_line = id.to_text().lines().last().unwrap().to_owned();
        assert!(!debug.contains(&seed_line));
        assert!(!debug.contains(id.age_identity().to_bech32().as_str()));
        assert!(debug.contains("REDACTED"));
    }

    #[test]
    fn bad_identity_files_are_errors() {
        let id = Identity::generate("Acme").unwrap();
        let text = id.to_text();
        let seed_line = text.lines().last().unwrap();
        let mut flipped = seed_line.to_owned();
        flipped.replace_range(30..31, if &seed_line[30..31] == "Q" { "P" } else { "Q" });
        for bad in [
            String::new(),
            "name: x\n".to_owned(),
            seed_line.to_owned(),
            format!("name: x\n{flipped}\n"),
            format!("name: x\n{}\n", seed_line.to_lowercase()),
            format!("name: x\n{seed_line}\n{seed_line}\n"),
            format!("name: x\nname: y\n{seed_line}\n"),
            format!("name: \n{seed_line}\n"),
            "garbage\n".to_owned(),
        ] {
            assert!(Identity::from_text(&bad).is_err(), "{bad:?}");
        }
        assert!(age_identities_from_text("# only comments\n").is_err());
        assert!(age_identities_from_text("AGE-SECRET-KEY-1NOTVALID\n").is_err());
    }
}
