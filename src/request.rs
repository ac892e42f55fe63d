//! Signed relay requests (SPEC §6): a sender proves an upload comes from its key.
//!
//! The signature covers the method, the request target (path and query), a timestamp and the
//! SHA-256 of the body, so a relay can refuse forged, altered and stale requests; it keeps the
//! signatures it saw within its replay window to refuse exact replays.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::identity::Identity;

/// The HTTP header that carries the signature.
pub const SIGNATURE_HEADER: &str = "sealbill-signature";
const CONTEXT: &str = "sealbill/relay-request/v1";
const MAX_TARGET_LEN: usize = 2048;
/// The longest header value: three fields, a key and a signature in base64url, a timestamp.
const MAX_HEADER_LEN: usize = 200;

/// A parsed `Sealbill-Signature` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    /// The signer's Ed25519 public key.
    pub key: VerifyingKey,
    /// Seconds since the Unix epoch when the request was signed.
    pub timestamp: u64,
    signature: Signature,
}

/// The bytes a request signature covers.
fn message(method: &str, target: &str, timestamp: u64, body: &[u8]) -> Result<Vec<u8>> {
    let method_ok =
        (1..=16).contains(&method.len()) && method.bytes().all(|b| b.is_ascii_uppercase());
    let target_ok = target.starts_with('/')
        && target.len() <= MAX_TARGET_LEN
        && target.bytes().all(|b| b.is_ascii_graphic());
    if !method_ok || !target_ok {
        return Err(Error::InvalidInput(
            "a signed request needs an upper-case method and an absolute target",
        ));
    }
    let hash: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{CONTEXT}\n{method}\n{target}\n{timestamp}\n{hash}").into_bytes())
}

/// Signs a request with the sender's key; returns the `Sealbill-Signature` header value.
pub fn sign_request(
    identity: &Identity,
    method: &str,
    target: &str,
    timestamp: u64,
    body: &[u8],
) -> Result<String> {
    let signature = identity
        .signing_key()
        .sign(&message(method, target, timestamp, body)?);
    Ok(format!(
        "key={},ts={timestamp},sig={}",
        identity.card().relay_key(),
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

impl SignedRequest {
    /// Parses a `Sealbill-Signature` header value.
    pub fn parse(header: &str) -> Result<SignedRequest> {
        const BAD: Error = Error::Malformed("Sealbill-Signature must be key=…,ts=…,sig=…");
        if header.len() > MAX_HEADER_LEN {
            return Err(BAD);
        }
        let mut fields = header.split(',').map(|f| f.trim().split_once('='));
        let (Some(Some(("key", key))), Some(Some(("ts", ts))), Some(Some(("sig", sig))), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(BAD);
        };
        let mut key_bytes = [0u8; 32];
        let mut sig_bytes = [0u8; 64];
        let decoded = matches!(URL_SAFE_NO_PAD.decode_slice(key, &mut key_bytes), Ok(32))
            && matches!(URL_SAFE_NO_PAD.decode_slice(sig, &mut sig_bytes), Ok(64));
        let timestamp = ts
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| ts.parse::<u64>().ok())
            .flatten();
        let (true, Some(timestamp)) = (decoded, timestamp) else {
            return Err(BAD);
        };
        let key = VerifyingKey::from_bytes(&key_bytes)
            .map_err(|_| Error::Malformed("invalid Ed25519 key in Sealbill-Signature"))?;
        Ok(SignedRequest {
            key,
            timestamp,
            signature: Signature::from_bytes(&sig_bytes),
        })
    }

    /// Checks the signature over this method, target and body (`BAD_SIGNATURE` if it fails).
    pub fn verify(&self, method: &str, target: &str, body: &[u8]) -> Result<()> {
        let message = message(method, target, self.timestamp, body)?;
        self.key
            .verify_strict(&message, &self.signature)
            .map_err(|_| Error::BadSignature)
    }

    /// The signature bytes, for a relay's replay cache.
    pub fn signature_bytes(&self) -> [u8; 64] {
        self.signature.to_bytes()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn signed_request_verifies_only_unchanged() {
        let id = Identity::generate("Acme GmbH").unwrap();
        let target = "/api/v1/envelopes?expires=86400";
        let header = sign_request(&id, "POST", target, 1_700_000_000, b"body").unwrap();
        let parsed = SignedRequest::parse(&header).unwrap();
        assert_eq!(parsed.key, *id.card().verifying_key());
        assert_eq!(parsed.timestamp, 1_700_000_000);
        assert!(parsed.verify("POST", target, b"body").is_ok());
        for (method, target, body) in [
            ("PUT", target, &b"body"[..]),
            ("POST", "/api/v1/envelopes?expires=999999", b"body"),
            ("POST", target, b"bodY"),
        ] {
            assert_eq!(
                parsed.verify(method, target, body),
                Err(Error::BadSignature)
            );
        }
        let later = header.replace("ts=1700000000", "ts=1700000001");
        let moved = SignedRequest::parse(&later).unwrap();
        assert_eq!(
            moved.verify("POST", target, b"body"),
            Err(Error::BadSignature)
        );
    }

    #[test]
    fn malformed_headers_are_errors() {
        let id = Identity::generate("Acme").unwrap();
        let good = sign_request(&id, "POST", "/x", 1, b"").unwrap();
        for bad in [
            "",
            "key=,ts=1,sig=",
            "ts=1,key=AAAA,sig=AAAA",
            &good.replace("ts=1", "ts=-1"),
            &good.replace("ts=1", "ts=1e3"),
            &good.replace("ts=1", "ts=99999999999999999999999"),
            &format!("{good},extra=1"),
            &good.replace("sig=", "sig=A"),
            &"k".repeat(500),
        ] {
            assert!(SignedRequest::parse(bad).is_err(), "{bad:?}");
        }
        assert!(sign_request(&id, "post", "/x", 1, b"").is_err());
        assert!(sign_request(&id, "POST", "x", 1, b"").is_err());
        assert!(sign_request(&id, "POST", "/a b", 1, b"").is_err());
    }
}
