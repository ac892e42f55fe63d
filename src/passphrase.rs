//! Passphrases (SPEC §5.1): the UTF-8 of the text's Unicode NFC normalization, so that a
//! passphrase typed on another keyboard or system still opens what it locked.

use core::fmt;

#[cfg(feature = "unicode")]
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A passphrase, NFC-normalized on construction. Its text is wiped on drop and `Debug` never
/// prints it.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Normalizes `text` to NFC (SPEC §5.1) with this crate's Unicode tables (feature
    /// `unicode`, on by default). An empty passphrase is refused (`INVALID_INPUT`).
    #[cfg(feature = "unicode")]
    pub fn new(text: &str) -> Result<Passphrase> {
        Passphrase::with_nfc(text, |text| {
            // NFC output is at most three times its input in UTF-8; reserving that up front
            // means the buffer never reallocates and leaves no unwiped copy behind.
            let mut normalized = Zeroizing::new(String::with_capacity(text.len() * 3));
            normalized.extend(text.nfc());
            normalized
        })
    }

    /// Normalizes `text` to NFC (SPEC §5.1) with the platform's own Unicode tables, such as a
    /// JS engine's `String.prototype.normalize("NFC")`: `nfc` must return the NFC form of its
    /// input. The wasm module uses this, so it does not ship a second copy of the tables. An
    /// empty passphrase is refused (`INVALID_INPUT`).
    pub fn with_nfc(text: &str, nfc: impl FnOnce(&str) -> Zeroizing<String>) -> Result<Passphrase> {
        if text.is_empty() {
            return Err(Error::InvalidInput("the passphrase is empty"));
        }
        Ok(Passphrase(nfc(text)))
    }

    /// The bytes that Argon2id stretches.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase([REDACTED])")
    }
}

#[cfg(all(test, feature = "unicode"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn composed_and_decomposed_forms_are_the_same_passphrase() {
        // "é" as one code point, and as "e" plus a combining acute accent.
        let composed = Passphrase::new("caf\u{e9} cr\u{e8}me").unwrap();
        let decomposed = Passphrase::new("cafe\u{301} cre\u{300}me").unwrap();
        assert_eq!(composed.as_bytes(), decomposed.as_bytes());
        assert_eq!(composed.as_bytes(), "caf\u{e9} cr\u{e8}me".as_bytes());
    }

    #[test]
    fn empty_is_refused_and_debug_hides_the_text() {
        assert_eq!(
            Passphrase::new("").err(),
            Some(Error::InvalidInput("the passphrase is empty"))
        );
        let p = Passphrase::new("blue fox").unwrap();
        assert!(!format!("{p:?}").contains("blue"));
    }
}
