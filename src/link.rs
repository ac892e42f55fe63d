//! Links: a one-time age identity carried in a URL fragment, optionally bound to a
//! passphrase (SPEC §5.3).
//!
//! The fragment is `<relay-id>.<base64url(version || secret)>`. Browsers never send a fragment
//! to a server, so the relay sees the id it serves and nothing else.

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::age;
use crate::error::{Error, Result};
use crate::kdf::{self, KdfParams};
use crate::passphrase::Passphrase;

/// The Argon2id cost of a link passphrase, fixed by the format: RFC 9106's 64 MiB, t=3, p=1.
pub const LINK_KDF: KdfParams = KdfParams::DEFAULT;

const DERIVE_SALT: &[u8] = b"sealbill/link/v1";
const IDENTITY_INFO: &[u8] = b"age X25519 identity";
const ARGON_SALT_INFO: &[u8] = b"Argon2id salt";
const PASSPHRASE_IDENTITY_INFO: &[u8] = b"age X25519 identity with passphrase";
/// Version byte of a link without a passphrase.
const PLAIN: u8 = 1;
/// Version byte of a link that needs a passphrase.
const WITH_PASSPHRASE: u8 = 2;
/// Relay ids are base64url; at least 16 characters (96 bits), at most 64.
const RELAY_ID_LEN: core::ops::RangeInclusive<usize> = 16..=64;
/// base64url of the 33-byte version and secret.
const SECRET_TEXT_LEN: usize = 44;

/// Whether a link opens by itself or also needs a passphrase (SPEC §5.3, the version byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Version 1: the link alone opens the envelope.
    Plain,
    /// Version 2: the link and its passphrase.
    WithPassphrase,
}

/// The secret half of a link. Zeroized on drop; `Debug` shows only whether it needs a
/// passphrase.
#[derive(Clone)]
pub struct LinkSecret {
    version: u8,
    secret: Zeroizing<[u8; 32]>,
}

impl LinkSecret {
    /// A fresh random link secret.
    pub fn generate(kind: LinkKind) -> LinkSecret {
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::random::fill(secret.as_mut());
        LinkSecret {
            version: match kind {
                LinkKind::Plain => PLAIN,
                LinkKind::WithPassphrase => WITH_PASSPHRASE,
            },
            secret,
        }
    }

    /// Whether opening needs a passphrase besides the link.
    pub fn needs_passphrase(&self) -> bool {
        self.version == WITH_PASSPHRASE
    }

    /// The URL fragment (without `#`) for the envelope stored under `relay_id`.
    pub fn fragment(&self, relay_id: &str) -> Result<Zeroizing<String>> {
        check_relay_id(relay_id)?;
        let mut buf = Zeroizing::new([0u8; 33]);
        let raw: &mut [u8; 33] = &mut buf;
        raw[0] = self.version;
        raw[1..].copy_from_slice(self.secret.as_ref());
        Ok(Zeroizing::new(format!(
            "{relay_id}.{}",
            URL_SAFE_NO_PAD.encode(raw)
        )))
    }

    /// The full link: `base` (a page URL without a fragment) then `#` and the fragment.
    pub fn url(&self, base: &str, relay_id: &str) -> Result<Zeroizing<String>> {
        if base.contains('#') || base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::InvalidInput(
                "the base URL must have no fragment or spaces",
            ));
        }
        let fragment = self.fragment(relay_id)?;
        Ok(Zeroizing::new(format!("{base}#{}", fragment.as_str())))
    }

    /// Parses a link, or just its fragment, into the relay id and the secret.
    pub fn parse(link: &str) -> Result<(String, LinkSecret)> {
        const BROKEN: Error = Error::Malformed("broken link: the part after # is incomplete");
        let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
        let (relay_id, secret) = fragment.split_once('.').ok_or(BROKEN)?;
        check_relay_id(relay_id).map_err(|_| BROKEN)?;
        if secret.len() != SECRET_TEXT_LEN {
            return Err(BROKEN);
        }
        let mut buf = Zeroizing::new([0u8; 33]);
        let raw: &mut [u8; 33] = &mut buf;
        match URL_SAFE_NO_PAD.decode_slice(secret, raw) {
            Ok(33) => {}
            _ => return Err(BROKEN),
        }
        let version = raw[0];
        if version != PLAIN && version != WITH_PASSPHRASE {
            return Err(Error::Malformed("unknown link version"));
        }
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&raw[1..]);
        Ok((relay_id.to_owned(), LinkSecret { version, secret }))
    }

    /// The one-time age identity of this link. A passphrase link runs Argon2id
    /// ([`LINK_KDF`]) over `passphrase` first; a plain link takes no passphrase.
    pub fn identity(&self, passphrase: Option<&Passphrase>) -> Result<age::Identity> {
        let hkdf = Hkdf::<Sha256>::new(Some(DERIVE_SALT), self.secret.as_ref());
        let mut scalar = Zeroizing::new([0u8; 32]);
        match (self.needs_passphrase(), passphrase) {
            (false, None) => {
                // HKDF-Expand cannot fail for outputs of 32 bytes or less.
                let _ = hkdf.expand(IDENTITY_INFO, scalar.as_mut());
            }
            (true, Some(passphrase)) => {
                let mut salt = [0u8; 16];
                let _ = hkdf.expand(ARGON_SALT_INFO, &mut salt);
                let stretched = kdf::derive(passphrase, &salt, &LINK_KDF)?;
                let mut buf = Zeroizing::new([0u8; 64]);
                let ikm: &mut [u8; 64] = &mut buf;
                ikm[..32].copy_from_slice(self.secret.as_ref());
                ikm[32..].copy_from_slice(stretched.as_ref());
                let _ = Hkdf::<Sha256>::new(Some(DERIVE_SALT), ikm)
                    .expand(PASSPHRASE_IDENTITY_INFO, scalar.as_mut());
            }
            (true, None) => return Err(Error::InvalidInput("this link needs its passphrase")),
            (false, Some(_)) => return Err(Error::InvalidInput("this link has no passphrase")),
        }
        Ok(age::Identity::from_secret_bytes(*scalar))
    }

    /// Restates an opening error in link terms: for a passphrase link, an envelope that no
    /// derived key opens means a wrong passphrase.
    pub fn explain(&self, error: Error) -> Error {
        match error {
            Error::NoMatch if self.needs_passphrase() => Error::BadPassphrase,
            other => other,
        }
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkSecret")
            .field("needs_passphrase", &self.needs_passphrase())
            .finish_non_exhaustive()
    }
}

fn check_relay_id(id: &str) -> Result<()> {
    let ok = RELAY_ID_LEN.contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(
            "a relay id is 16 to 64 base64url characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const ID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn url_parse_round_trip_gives_the_same_identity() {
        let link = LinkSecret::generate(LinkKind::Plain);
        let url = link.url("https://relay.example/open", ID).unwrap();
        assert!(url.starts_with("https://relay.example/open#AAAAAAAAAAAAAAAAAAAAAA."));
        let (id, back) = LinkSecret::parse(&url).unwrap();
        assert_eq!(id, ID);
        assert!(!back.needs_passphrase());
        assert_eq!(
            back.identity(None).unwrap().to_recipient(),
            link.identity(None).unwrap().to_recipient()
        );
        assert!(!format!("{back:?}").contains(&url[url.len() - 40..]));
    }

    #[test]
    fn passphrase_changes_the_identity_and_is_required() {
        let link = LinkSecret::generate(LinkKind::WithPassphrase);
        let pass = |text: &str| Passphrase::new(text).unwrap();
        let right = link
            .identity(Some(&pass("blue fox")))
            .unwrap()
            .to_recipient();
        let wrong = link
            .identity(Some(&pass("blue f0x")))
            .unwrap()
            .to_recipient();
        assert_ne!(right, wrong);
        let (_, parsed) = LinkSecret::parse(&link.fragment(ID).unwrap()).unwrap();
        assert_eq!(
            parsed
                .identity(Some(&pass("blue fox")))
                .unwrap()
                .to_recipient(),
            right
        );
        assert!(matches!(link.identity(None), Err(Error::InvalidInput(_))));
        assert_eq!(link.explain(Error::NoMatch), Error::BadPassphrase);
        assert_eq!(
            LinkSecret::generate(LinkKind::Plain).explain(Error::NoMatch),
            Error::NoMatch
        );
    }

    #[test]
    fn broken_links_are_errors() {
        let good = LinkSecret::generate(LinkKind::Plain)
            .fragment(ID)
            .unwrap()
            .to_string();
        let bad_version = {
            let mut raw = [9u8; 33];
            raw[0] = 7;
            format!("{ID}.{}", URL_SAFE_NO_PAD.encode(raw))
        };
        for bad in [
            "",
            "#",
            "https://x/#",
            ID,
            &format!("{ID}."),
            &good[..good.len() - 1],
            &format!("{good}A"),
            &format!("short.{}", &good[ID.len() + 1..]),
            &good.replacen('.', "!", 1),
            &format!("{}*", &good[..good.len() - 1]),
            &bad_version,
        ] {
            assert!(
                matches!(LinkSecret::parse(bad), Err(Error::Malformed(_))),
                "{bad:?}"
            );
        }
        let link = LinkSecret::generate(LinkKind::Plain);
        assert!(link.url("https://x/#y", ID).is_err());
        assert!(link.fragment("bad id with spaces").is_err());
    }
}
