//! Links: a one-time age identity carried in a URL fragment, optionally bound to a
//! passphrase (SPEC §5.3).
//!
//! The fragment is `<relay-id>.<base64url(version || secret [|| check])>`. Browsers never send
//! a fragment to a server, so the relay sees the id it serves and nothing else. Writers emit
//! the checked versions 3 and 4, whose check (over the version, the secret and the relay id)
//! tells a link that was mistyped or cut from an envelope whose key block was altered; readers
//! still accept the unchecked versions 1 and 2 of links already sent.

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::Sha256;
use subtle::ConstantTimeEq;
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
/// The label that starts the HKDF info of a link's check: `label || version || relay-id`.
const CHECK_INFO: &[u8] = b"link check";
/// Version byte of an unchecked link without a passphrase (read only).
const PLAIN: u8 = 1;
/// Version byte of an unchecked link that needs a passphrase (read only).
const WITH_PASSPHRASE: u8 = 2;
/// Version byte of a checked link without a passphrase.
const CHECKED_PLAIN: u8 = 3;
/// Version byte of a checked link that needs a passphrase.
const CHECKED_WITH_PASSPHRASE: u8 = 4;
/// Relay ids are base64url; at least 16 characters (96 bits), at most 64.
const RELAY_ID_LEN: core::ops::RangeInclusive<usize> = 16..=64;
/// The bytes of a link's check: with the 33 of the version and secret, 39 bytes make 52
/// base64url characters with no spare bits, so every character changed changes the bytes.
const CHECK_LEN: usize = 6;
/// The version and the secret.
const UNCHECKED_LEN: usize = 33;
/// The version, the secret and the check.
const CHECKED_LEN: usize = UNCHECKED_LEN + CHECK_LEN;
/// base64url of the 33 bytes of an unchecked link (versions 1 and 2).
const UNCHECKED_TEXT_LEN: usize = 44;
/// base64url of the 39 bytes of a checked link (versions 3 and 4).
const CHECKED_TEXT_LEN: usize = 52;

/// Whether a link opens by itself or also needs a passphrase (SPEC §5.3, the version byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Versions 3 (written) and 1 (read only): the link alone opens the envelope.
    Plain,
    /// Versions 4 (written) and 2 (read only): the link and its passphrase.
    WithPassphrase,
}

/// The secret half of a link. Zeroized on drop; `Debug` shows only whether it needs a
/// passphrase and whether it carries a check.
#[derive(Clone)]
pub struct LinkSecret {
    version: u8,
    secret: Zeroizing<[u8; 32]>,
}

impl LinkSecret {
    /// A fresh random link secret, of the checked version of its kind (3 or 4).
    pub fn generate(kind: LinkKind) -> LinkSecret {
        let mut secret = Zeroizing::new([0u8; 32]);
        crate::random::fill(secret.as_mut());
        LinkSecret {
            version: match kind {
                LinkKind::Plain => CHECKED_PLAIN,
                LinkKind::WithPassphrase => CHECKED_WITH_PASSPHRASE,
            },
            secret,
        }
    }

    /// Whether opening needs a passphrase besides the link.
    pub fn needs_passphrase(&self) -> bool {
        matches!(self.version, WITH_PASSPHRASE | CHECKED_WITH_PASSPHRASE)
    }

    /// Whether the link carries a check (versions 3 and 4). Only then can a reader tell an
    /// envelope whose key block was altered from a broken link.
    pub fn is_checked(&self) -> bool {
        matches!(self.version, CHECKED_PLAIN | CHECKED_WITH_PASSPHRASE)
    }

    /// The version byte (SPEC §5.3): 1 to 4.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The same secret as an unchecked link of version 1 or 2, as written before checked
    /// links existed (for tests of readers).
    #[cfg(test)]
    pub(crate) fn unchecked(&self) -> LinkSecret {
        LinkSecret {
            version: if self.needs_passphrase() {
                WITH_PASSPHRASE
            } else {
                PLAIN
            },
            secret: self.secret.clone(),
        }
    }

    /// The check of a checked link stored under `relay_id` (SPEC §5.3):
    /// `HKDF-SHA-256(secret, "sealbill/link/v1", "link check" || version || relay-id)[0..6]`.
    fn check(&self, relay_id: &str) -> [u8; CHECK_LEN] {
        let mut info = Vec::with_capacity(CHECK_INFO.len() + 1 + relay_id.len());
        info.extend_from_slice(CHECK_INFO);
        info.push(self.version);
        info.extend_from_slice(relay_id.as_bytes());
        let mut check = [0u8; CHECK_LEN];
        // HKDF-Expand cannot fail for outputs of 32 bytes or less.
        let _ =
            Hkdf::<Sha256>::new(Some(DERIVE_SALT), self.secret.as_ref()).expand(&info, &mut check);
        check
    }

    /// The URL fragment (without `#`) for the envelope stored under `relay_id`.
    pub fn fragment(&self, relay_id: &str) -> Result<Zeroizing<String>> {
        self.url_with(None, relay_id)
    }

    /// The full link: `base` (a page URL without a fragment) then `#` and the fragment.
    pub fn url(&self, base: &str, relay_id: &str) -> Result<Zeroizing<String>> {
        if base.contains('#') || base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::InvalidInput(
                "the base URL must have no fragment or spaces",
            ));
        }
        self.url_with(Some(base), relay_id)
    }

    /// `base#` (if any), then the fragment. The secret's text is written once, into the
    /// returned buffer (allocated at its final size), so no copy of it is left unwiped.
    fn url_with(&self, base: Option<&str>, relay_id: &str) -> Result<Zeroizing<String>> {
        check_relay_id(relay_id)?;
        let mut buf = Zeroizing::new([0u8; CHECKED_LEN]);
        let raw: &mut [u8; CHECKED_LEN] = &mut buf;
        raw[0] = self.version;
        raw[1..UNCHECKED_LEN].copy_from_slice(self.secret.as_ref());
        let (raw, text_len) = if self.is_checked() {
            raw[UNCHECKED_LEN..].copy_from_slice(&self.check(relay_id));
            (&raw[..], CHECKED_TEXT_LEN)
        } else {
            (&raw[..UNCHECKED_LEN], UNCHECKED_TEXT_LEN)
        };
        let base_len = base.map_or(0, |b| b.len() + 1);
        let mut url = Zeroizing::new(String::with_capacity(
            base_len + relay_id.len() + 1 + text_len,
        ));
        if let Some(base) = base {
            url.push_str(base);
            url.push('#');
        }
        url.push_str(relay_id);
        url.push('.');
        let mut text = Zeroizing::new([0u8; CHECKED_TEXT_LEN]);
        let encoded = URL_SAFE_NO_PAD
            .encode_slice(raw, &mut text[..])
            .ok()
            .and_then(|n| text.get(..n))
            .and_then(|t| core::str::from_utf8(t).ok())
            .ok_or(Error::InvalidInput("a link secret could not be encoded"))?;
        url.push_str(encoded);
        Ok(url)
    }

    /// Parses a link, or just its fragment, into the relay id and the secret. A checked link
    /// (version 3 or 4) whose check does not match its version, secret and relay id is
    /// `MALFORMED`, like any other broken link.
    pub fn parse(link: &str) -> Result<(String, LinkSecret)> {
        const BROKEN: Error = Error::Malformed("broken link: the part after # is incomplete");
        const CHANGED: Error =
            Error::Malformed("broken link: its check does not match (a character was changed)");
        let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
        let (relay_id, secret) = fragment.split_once('.').ok_or(BROKEN)?;
        check_relay_id(relay_id).map_err(|_| BROKEN)?;
        let len = match secret.len() {
            UNCHECKED_TEXT_LEN => UNCHECKED_LEN,
            CHECKED_TEXT_LEN => CHECKED_LEN,
            _ => return Err(BROKEN),
        };
        let mut buf = Zeroizing::new([0u8; CHECKED_LEN]);
        let raw: &mut [u8; CHECKED_LEN] = &mut buf;
        match URL_SAFE_NO_PAD.decode_slice(secret, &mut raw[..]) {
            Ok(n) if n == len => {}
            _ => return Err(BROKEN),
        }
        let version = raw[0];
        let expected_len = match version {
            PLAIN | WITH_PASSPHRASE => UNCHECKED_LEN,
            CHECKED_PLAIN | CHECKED_WITH_PASSPHRASE => CHECKED_LEN,
            _ => return Err(Error::Malformed("unknown link version")),
        };
        if len != expected_len {
            return Err(BROKEN);
        }
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&raw[1..UNCHECKED_LEN]);
        let parsed = LinkSecret { version, secret };
        if parsed.is_checked() && !bool::from(parsed.check(relay_id).ct_eq(&raw[UNCHECKED_LEN..])) {
            return Err(CHANGED);
        }
        Ok((relay_id.to_owned(), parsed))
    }

    /// The one-time age identity of this link. A passphrase link runs Argon2id
    /// ([`LINK_KDF`]) over `passphrase` first; a plain link takes no passphrase. Checked and
    /// unchecked links derive it alike.
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

    /// Restates an opening error in link terms (SPEC §5.3) when the link's identity unwraps
    /// no stanza (`NoMatch`):
    /// - a checked link was not mistyped (its check held), so the envelope's key block was
    ///   altered, or it is not the envelope the link was made for: `TAMPERED`
    ///   ([`Error::KeyBlockAltered`]); with a passphrase, a wrong passphrase cannot be told
    ///   from that, and the error says both ([`Error::BadLinkPassphrase`]);
    /// - an unchecked link keeps the reading of old: `BAD_PASSPHRASE` with a passphrase, else
    ///   `WRONG_KEY`.
    pub fn explain(&self, error: Error) -> Error {
        LinkSecret::explain_for_version(self.version, error)
    }

    /// [`LinkSecret::explain`] for a link of `version` ([`LinkSecret::version`]), for
    /// readers that explain errors after they no longer hold the link's secret.
    pub fn explain_for_version(version: u8, error: Error) -> Error {
        match error {
            Error::NoMatch => match version {
                CHECKED_PLAIN => Error::KeyBlockAltered,
                CHECKED_WITH_PASSPHRASE => Error::BadLinkPassphrase,
                WITH_PASSPHRASE => Error::BadPassphrase,
                _ => Error::NoMatch,
            },
            other => other,
        }
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkSecret")
            .field("needs_passphrase", &self.needs_passphrase())
            .field("checked", &self.is_checked())
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

    /// `fragment` with one character of its secret part replaced by another.
    fn with_char_changed(fragment: &str, at: usize) -> String {
        let mut bytes = fragment.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn url_parse_round_trip_gives_the_same_identity() {
        let link = LinkSecret::generate(LinkKind::Plain);
        assert!(link.is_checked());
        assert_eq!(link.version(), 3);
        let url = link.url("https://relay.example/open", ID).unwrap();
        assert!(url.starts_with("https://relay.example/open#AAAAAAAAAAAAAAAAAAAAAA."));
        assert_eq!(url.rsplit_once('.').unwrap().1.len(), CHECKED_TEXT_LEN);
        let (id, back) = LinkSecret::parse(&url).unwrap();
        assert_eq!(id, ID);
        assert!(!back.needs_passphrase());
        assert!(back.is_checked());
        assert_eq!(
            back.identity(None).unwrap().to_recipient(),
            link.identity(None).unwrap().to_recipient()
        );
        assert!(!format!("{back:?}").contains(&url[url.len() - 40..]));
    }

    #[test]
    fn old_links_still_open_with_the_same_identity() {
        for kind in [LinkKind::Plain, LinkKind::WithPassphrase] {
            let link = LinkSecret::generate(kind);
            let old = link.unchecked();
            let fragment = old.fragment(ID).unwrap();
            assert_eq!(fragment.len(), ID.len() + 1 + UNCHECKED_TEXT_LEN);
            let (_, parsed) = LinkSecret::parse(&fragment).unwrap();
            assert!(!parsed.is_checked());
            assert_eq!(parsed.version(), old.version());
            assert_eq!(parsed.needs_passphrase(), link.needs_passphrase());
            if kind == LinkKind::Plain {
                assert_eq!(
                    parsed.identity(None).unwrap().to_recipient(),
                    link.identity(None).unwrap().to_recipient()
                );
            }
        }
    }

    #[test]
    fn the_check_catches_every_changed_character_and_another_relay_id() {
        for kind in [LinkKind::Plain, LinkKind::WithPassphrase] {
            let fragment = LinkSecret::generate(kind).fragment(ID).unwrap().to_string();
            for at in ID.len() + 1..fragment.len() {
                let changed = with_char_changed(&fragment, at);
                assert!(
                    matches!(LinkSecret::parse(&changed), Err(Error::Malformed(_))),
                    "{changed}"
                );
            }
            let other_id = with_char_changed(&fragment, 0);
            assert!(matches!(
                LinkSecret::parse(&other_id),
                Err(Error::Malformed(_))
            ));
        }
        // The check over the test kit's values (SPEC §5.3), written out by hand.
        let link = LinkSecret {
            version: CHECKED_PLAIN,
            secret: Zeroizing::new([7u8; 32]),
        };
        let mut info = b"link check".to_vec();
        info.push(3);
        info.extend_from_slice(ID.as_bytes());
        let mut okm = [0u8; 6];
        Hkdf::<Sha256>::new(Some(b"sealbill/link/v1"), &[7u8; 32])
            .expand(&info, &mut okm)
            .unwrap();
        let fragment = link.fragment(ID).unwrap();
        let raw = URL_SAFE_NO_PAD
            .decode(fragment.split_once('.').unwrap().1)
            .unwrap();
        assert_eq!(raw[0], 3);
        assert_eq!(raw[1..33], [7u8; 32]);
        assert_eq!(raw[33..], okm);
    }

    #[test]
    fn passphrase_changes_the_identity_and_is_required() {
        let link = LinkSecret::generate(LinkKind::WithPassphrase);
        assert_eq!(link.version(), 4);
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
    }

    #[test]
    fn no_match_is_explained_by_the_link_version() {
        let plain = LinkSecret::generate(LinkKind::Plain);
        let with_passphrase = LinkSecret::generate(LinkKind::WithPassphrase);
        let cases = [
            (plain.unchecked(), "WRONG_KEY"),
            (with_passphrase.unchecked(), "BAD_PASSPHRASE"),
            (plain, "TAMPERED"),
            (with_passphrase, "BAD_PASSPHRASE"),
        ];
        for (link, code) in cases {
            assert_eq!(link.explain(Error::NoMatch).code(), code, "{link:?}");
            assert_eq!(link.explain(Error::HeaderMac), Error::HeaderMac);
        }
        let altered = LinkSecret::generate(LinkKind::Plain).explain(Error::NoMatch);
        assert_eq!(altered, Error::KeyBlockAltered);
        assert!(altered.to_string().contains("altered"));
        let either = LinkSecret::generate(LinkKind::WithPassphrase).explain(Error::NoMatch);
        assert_eq!(either, Error::BadLinkPassphrase);
        assert!(either.to_string().contains("wrong passphrase"));
        assert!(either.to_string().contains("altered"));
        assert_eq!(
            LinkSecret::generate(LinkKind::WithPassphrase)
                .unchecked()
                .explain(Error::NoMatch),
            Error::BadPassphrase
        );
    }

    #[test]
    fn broken_links_are_errors() {
        let link = LinkSecret::generate(LinkKind::Plain);
        let good = link.fragment(ID).unwrap().to_string();
        let old = link.unchecked().fragment(ID).unwrap().to_string();
        let encoded = |raw: &[u8]| format!("{ID}.{}", URL_SAFE_NO_PAD.encode(raw));
        let bad_version = encoded(&{
            let mut raw = [9u8; 33];
            raw[0] = 7;
            raw
        });
        // A version of one length in the other's: 1 with a check, 3 without one.
        let (_, old_secret) = old.split_once('.').unwrap();
        let mut raw = URL_SAFE_NO_PAD.decode(old_secret).unwrap();
        raw[0] = 3;
        let checked_version_unchecked_length = encoded(&raw);
        let mut raw = URL_SAFE_NO_PAD
            .decode(good.split_once('.').unwrap().1)
            .unwrap();
        raw[0] = 1;
        let unchecked_version_checked_length = encoded(&raw);
        for bad in [
            "",
            "#",
            "https://x/#",
            ID,
            &format!("{ID}."),
            &good[..good.len() - 1],
            &good[..good.len() - 8],
            &format!("{good}A"),
            &format!("{old}A"),
            &format!("short.{}", &good[ID.len() + 1..]),
            &good.replacen('.', "!", 1),
            &format!("{}*", &good[..good.len() - 1]),
            &bad_version,
            &checked_version_unchecked_length,
            &unchecked_version_checked_length,
        ] {
            assert!(
                matches!(LinkSecret::parse(bad), Err(Error::Malformed(_))),
                "{bad:?}"
            );
        }
        assert!(link.url("https://x/#y", ID).is_err());
        assert!(link.fragment("bad id with spaces").is_err());
    }
}
