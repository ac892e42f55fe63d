//! The public card: a sender's name and keys, self-signed, and its spoken fingerprint
//! (SPEC §3.2, §3.3).

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha512};

use crate::age::Recipient;
use crate::error::{Error, Result};
use crate::names::has_format_chars;
use crate::wire::{check_text, Reader, Writer};

/// The context string that starts every card (and so every card signature).
pub const CARD_CONTEXT: &str = "sealbill/card/v1";
/// The prefix of a card's text form.
pub const CARD_TEXT_PREFIX: &str = "sealbill-card:";
const FINGERPRINT_CONTEXT: &[u8] = b"sealbill/fingerprint/v1";
/// The longest display name, in bytes.
pub const MAX_NAME_LEN: usize = 200;
/// The longest encoded card we accept.
const MAX_CARD_LEN: usize = 1024;

/// A sender's public card: display name, Ed25519 verifying key and age recipient, signed by
/// the Ed25519 key itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    name: String,
    verifying_key: VerifyingKey,
    recipient: Recipient,
    signature: Signature,
}

impl Card {
    /// Builds a card; `sign` signs its to-be-signed bytes with the card's own key.
    pub(crate) fn new(
        name: &str,
        verifying_key: VerifyingKey,
        recipient: Recipient,
        sign: impl FnOnce(&[u8]) -> Signature,
    ) -> Result<Card> {
        check_text(
            name,
            MAX_NAME_LEN,
            "the name must be 1 to 200 bytes on one line",
        )?;
        if has_format_chars(name) {
            return Err(Error::InvalidInput(
                "the name must not hide characters (Unicode format characters such as U+200B or U+202E)",
            ));
        }
        Card::signed(name, verifying_key, recipient, sign)
    }

    /// Signs a card over `name` without checking it: the test kit forges cards that break
    /// the rules of SPEC §3.2 with it.
    pub(crate) fn signed(
        name: &str,
        verifying_key: VerifyingKey,
        recipient: Recipient,
        sign: impl FnOnce(&[u8]) -> Signature,
    ) -> Result<Card> {
        let tbs = to_be_signed(name, &verifying_key, &recipient)?;
        Ok(Card {
            name: name.to_owned(),
            verifying_key,
            recipient,
            signature: sign(&tbs),
        })
    }

    /// The display name the sender chose (not verified by anyone but the sender).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Ed25519 key that signs this sender's invoices.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying_key
    }

    /// The age recipient that encrypts to this sender.
    pub fn recipient(&self) -> Recipient {
        self.recipient
    }

    /// The fingerprint of the card's keys.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.verifying_key, &self.recipient)
    }

    /// The binary encoding (SPEC §3.2).
    pub fn to_bytes(&self) -> Vec<u8> {
        // The fields were checked when the card was built or parsed.
        let mut bytes =
            to_be_signed(&self.name, &self.verifying_key, &self.recipient).unwrap_or_default();
        bytes.extend_from_slice(&self.signature.to_bytes());
        bytes
    }

    /// Parses a binary card and checks its self-signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<Card> {
        if bytes.len() > MAX_CARD_LEN {
            return Err(Error::Malformed("card too long"));
        }
        let mut r = Reader::new(bytes, "invalid card encoding");
        if r.str16()? != CARD_CONTEXT {
            return Err(Error::Malformed("not a sealbill v1 card"));
        }
        let name = r.str16()?;
        check_text(name, MAX_NAME_LEN, "").map_err(|_| Error::Malformed("invalid name in card"))?;
        if has_format_chars(name) {
            return Err(Error::Malformed(
                "the name in the card hides characters (Unicode format characters)",
            ));
        }
        let verifying_key = VerifyingKey::from_bytes(&r.array()?)
            .map_err(|_| Error::Malformed("invalid Ed25519 key in card"))?;
        let recipient = Recipient::from_bytes(r.array()?);
        let signature = Signature::from_bytes(&r.array()?);
        r.finish()?;
        let tbs = to_be_signed(name, &verifying_key, &recipient)?;
        verifying_key
            .verify_strict(&tbs, &signature)
            .map_err(|_| Error::BadSignature)?;
        Ok(Card {
            name: name.to_owned(),
            verifying_key,
            recipient,
            signature,
        })
    }

    /// The Ed25519 key as signed relay requests name it: unpadded base64url (SPEC §6).
    pub fn relay_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.verifying_key.as_bytes())
    }

    /// The text form: `sealbill-card:` followed by the base64url card.
    pub fn to_text(&self) -> String {
        format!(
            "{CARD_TEXT_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(self.to_bytes())
        )
    }

    /// Parses the text form.
    pub fn from_text(text: &str) -> Result<Card> {
        let b64 = text
            .trim()
            .strip_prefix(CARD_TEXT_PREFIX)
            .ok_or(Error::Malformed(
                "not a sealbill card (expected sealbill-card:…)",
            ))?;
        if b64.len() > MAX_CARD_LEN * 2 {
            return Err(Error::Malformed("card too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|_| Error::Malformed("card is not base64url"))?;
        Card::from_bytes(&bytes)
    }
}

/// A recipient written as a sealbill card (`sealbill-card:…`, whose self-signature is
/// checked) or as a plain age recipient (`age1…`).
pub fn parse_recipient(text: &str) -> Result<Recipient> {
    let text = text.trim();
    if text.starts_with(CARD_TEXT_PREFIX) {
        Card::from_text(text).map(|c| c.recipient())
    } else {
        text.parse()
    }
}

/// The bytes a card's signature covers: everything before the signature.
fn to_be_signed(name: &str, key: &VerifyingKey, recipient: &Recipient) -> Result<Vec<u8>> {
    let mut w = Writer::default();
    w.bytes16(CARD_CONTEXT.as_bytes())?;
    w.bytes16(name.as_bytes())?;
    w.raw(key.as_bytes());
    w.raw(&recipient.to_bytes());
    Ok(w.bytes)
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("name", &self.name)
            .field("recipient", &self.recipient.to_string())
            .field("fingerprint", &self.fingerprint().to_string())
            .finish()
    }
}

/// A fingerprint of a card's two public keys, as 8 groups of 5 digits that can be read aloud
/// and compared on the phone (about 133 bits). The name is not part of it.
///
/// Fingerprints order as their text forms do (group by group), which is the canonical order
/// of a roster's members (SPEC §3.8).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u32; 8]);

impl Fingerprint {
    /// The fingerprint of an Ed25519 key and an age recipient (SPEC §3.3).
    pub fn of(verifying_key: &VerifyingKey, recipient: &Recipient) -> Fingerprint {
        let digest = Sha512::new()
            .chain_update(FINGERPRINT_CONTEXT)
            .chain_update(verifying_key.as_bytes())
            .chain_update(recipient.to_bytes())
            .finalize();
        let mut groups = [0u32; 8];
        for (group, bytes) in groups.iter_mut().zip(digest.chunks_exact(5)) {
            let value = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            *group = (value % 100_000) as u32;
        }
        Fingerprint(groups)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{group:05}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl core::str::FromStr for Fingerprint {
    type Err = Error;

    /// Parses 40 digits; spaces and dashes between them are ignored.
    fn from_str(text: &str) -> Result<Self> {
        let bad = Error::Malformed("a fingerprint is 40 digits, in groups of 5");
        let mut digits = text.chars().filter(|c| !matches!(c, ' ' | '-'));
        let mut groups = [0u32; 8];
        for group in &mut groups {
            for _ in 0..5 {
                let d = digits
                    .next()
                    .and_then(|c| c.to_digit(10))
                    .ok_or(bad.clone())?;
                *group = *group * 10 + d;
            }
        }
        if digits.next().is_some() {
            return Err(bad);
        }
        Ok(Fingerprint(groups))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::identity::Identity;

    #[test]
    fn card_round_trips_and_checks_its_signature() {
        let id = Identity::generate("Acme GmbH").unwrap();
        let card = id.card();
        assert_eq!(Card::from_text(&card.to_text()).unwrap(), *card);
        let bytes = card.to_bytes();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 1;
            assert!(Card::from_bytes(&bad).is_err(), "flipped byte {i}");
        }
        assert!(Card::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Card::from_text("sealbill-card:!!").is_err());
    }

    #[test]
    fn names_with_format_characters_are_refused() {
        for name in [
            "Acme\u{200B}GmbH",
            "Acme\u{200D}GmbH",
            "Acme \u{202E}HbmG",
            "\u{FEFF}Acme GmbH",
        ] {
            assert!(
                matches!(Identity::generate(name), Err(Error::InvalidInput(_))),
                "{name:?}"
            );
            // A card signed over such a name anyway is refused by readers.
            let id = Identity::generate("Acme GmbH").unwrap();
            let signing = id.signing_key();
            let forged = Card::signed(name, signing.verifying_key(), id.recipient(), |tbs| {
                ed25519_dalek::Signer::sign(signing, tbs)
            })
            .unwrap();
            assert!(matches!(
                Card::from_bytes(&forged.to_bytes()),
                Err(Error::Malformed(_))
            ));
            assert!(matches!(
                Card::from_text(&forged.to_text()),
                Err(Error::Malformed(_))
            ));
        }
    }

    #[test]
    fn fingerprint_format_and_parse() {
        let id = Identity::generate("Acme").unwrap();
        let fp = id.fingerprint();
        let text = fp.to_string();
        assert_eq!(text.len(), 47);
        assert!(text
            .split(' ')
            .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit())));
        assert_eq!(text.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(text.replace(' ', "-").parse::<Fingerprint>().unwrap(), fp);
        assert!(text[..46].parse::<Fingerprint>().is_err());
        assert!(format!("{text}1").parse::<Fingerprint>().is_err());
        assert!("x".repeat(40).parse::<Fingerprint>().is_err());
    }
}
