//! Signed relay requests (SPEC §6): a sender proves an upload comes from its key.
//!
//! The signature covers the method, the relay's authority (the host and port the client
//! addresses), the request target (path and query), a timestamp and the SHA-256 of the body,
//! so a relay can refuse forged, altered and stale requests, and requests signed for another
//! relay; it keeps the signatures it saw within its replay window to refuse exact replays.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::identity::Identity;

/// The HTTP header that carries the signature.
pub const SIGNATURE_HEADER: &str = "sealbill-signature";
const CONTEXT: &str = "sealbill/relay-request/v2";
/// The header's version field: the message form of [`CONTEXT`].
const VERSION: &str = "2";
const MAX_TARGET_LEN: usize = 2048;
/// The longest authority: a 253-byte DNS name, a colon and a five-digit port, with room.
const MAX_AUTHORITY_LEN: usize = 260;
/// The longest header value: four fields, a key and a signature in base64url, a timestamp.
const MAX_HEADER_LEN: usize = 200;

/// A parsed `Sealbill-Signature` header, with the relay authority the request was sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    /// The signer's Ed25519 public key.
    pub key: VerifyingKey,
    /// Seconds since the Unix epoch when the request was signed.
    pub timestamp: u64,
    authority: String,
    signature: Signature,
}

/// Checks a relay authority, `host[:port]` as a client addresses the relay (a DNS name, an
/// IPv4 address or a bracketed IPv6 address, and an optional port from 1 to 65535), and
/// returns it in lower case. No scheme, userinfo, path or whitespace.
pub fn relay_authority(text: &str) -> Result<String> {
    const BAD: Error = Error::InvalidInput(
        "a relay authority is host[:port]: a name or address, and a port from 1 to 65535",
    );
    if text.len() > MAX_AUTHORITY_LEN {
        return Err(BAD);
    }
    let (host_ok, port) = match text.strip_prefix('[') {
        Some(rest) => {
            let (inner, after) = rest.split_once(']').ok_or(BAD)?;
            let inner_ok = inner.contains(':')
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
            (inner_ok, after)
        }
        None => {
            let split = text.find(':').unwrap_or(text.len());
            let (host, after) = text.split_at(split);
            let host_ok = !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
            (host_ok, after)
        }
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            (1..=5).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits.parse::<u16>().is_ok_and(|p| p > 0)
        }
    };
    if host_ok && port_ok {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(BAD)
    }
}

/// The bytes a request signature covers.
fn message(
    method: &str,
    authority: &str,
    target: &str,
    timestamp: u64,
    body: &[u8],
) -> Result<Vec<u8>> {
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
    let authority = relay_authority(authority)?;
    let hash: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{CONTEXT}\n{method}\n{authority}\n{target}\n{timestamp}\n{hash}").into_bytes())
}

/// Signs a request to the relay at `authority` (`host[:port]`, see [`relay_authority`]) with
/// the sender's key; returns the `Sealbill-Signature` header value.
pub fn sign_request(
    identity: &Identity,
    method: &str,
    authority: &str,
    target: &str,
    timestamp: u64,
    body: &[u8],
) -> Result<String> {
    let signature = identity
        .signing_key()
        .sign(&message(method, authority, target, timestamp, body)?);
    Ok(format!(
        "v={VERSION},key={},ts={timestamp},sig={}",
        identity.card().relay_key(),
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

impl SignedRequest {
    /// Parses a `Sealbill-Signature` header value of a request sent to the relay at
    /// `authority` (`host[:port]`, see [`relay_authority`]). A header of the first version,
    /// which did not sign the relay's authority, is refused with a message to update the client.
    pub fn parse(header: &str, authority: &str) -> Result<SignedRequest> {
        const BAD: Error = Error::Malformed("Sealbill-Signature must be v=2,key=…,ts=…,sig=…");
        const OLD: Error = Error::Malformed(
            "Sealbill-Signature of version 1 does not sign the relay's host: update the client",
        );
        if header.len() > MAX_HEADER_LEN {
            return Err(BAD);
        }
        let mut fields = header.split(',').map(|f| f.trim().split_once('='));
        let version = fields.next();
        if matches!(version, Some(Some(("key", _)))) {
            return Err(OLD);
        }
        let (
            Some(Some(("v", VERSION))),
            Some(Some(("key", key))),
            Some(Some(("ts", ts))),
            Some(Some(("sig", sig))),
            None,
        ) = (
            version,
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        )
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
            authority: relay_authority(authority)?,
            signature: Signature::from_bytes(&sig_bytes),
        })
    }

    /// Checks the signature over this method, target and body, at the authority the request
    /// was sent to (`BAD_SIGNATURE` if it fails).
    pub fn verify(&self, method: &str, target: &str, body: &[u8]) -> Result<()> {
        let message = message(method, &self.authority, target, self.timestamp, body)?;
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

    const RELAY: &str = "relay.example:8443";

    #[test]
    fn signed_request_verifies_only_unchanged() {
        let id = Identity::generate("Acme GmbH").unwrap();
        let target = "/api/v1/envelopes?expires=86400";
        let header = sign_request(&id, "POST", RELAY, target, 1_700_000_000, b"body").unwrap();
        let parsed = SignedRequest::parse(&header, RELAY).unwrap();
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
        let moved = SignedRequest::parse(&later, RELAY).unwrap();
        assert_eq!(
            moved.verify("POST", target, b"body"),
            Err(Error::BadSignature)
        );
    }

    #[test]
    fn a_request_verifies_only_at_the_relay_it_was_signed_for() {
        let id = Identity::generate("Acme").unwrap();
        let header = sign_request(&id, "POST", "Relay.Example:8443", "/x", 1, b"").unwrap();
        // The authority is case-folded on both sides.
        for same in [RELAY, "RELAY.EXAMPLE:8443"] {
            let parsed = SignedRequest::parse(&header, same).unwrap();
            assert!(parsed.verify("POST", "/x", b"").is_ok(), "{same}");
        }
        for other in ["relay.example", "relay.example:443", "other.example:8443"] {
            let parsed = SignedRequest::parse(&header, other).unwrap();
            assert_eq!(
                parsed.verify("POST", "/x", b""),
                Err(Error::BadSignature),
                "{other}"
            );
        }
    }

    #[test]
    fn relay_authorities_are_host_and_port_only() {
        for (good, folded) in [
            ("localhost:8080", "localhost:8080"),
            ("127.0.0.1:1", "127.0.0.1:1"),
            ("[::1]:65535", "[::1]:65535"),
            ("[::FFFF:127.0.0.1]", "[::ffff:127.0.0.1]"),
            ("Relay.Example", "relay.example"),
            ("relay_1.internal:8080", "relay_1.internal:8080"),
        ] {
            assert_eq!(relay_authority(good).as_deref(), Ok(folded), "{good}");
        }
        let long = format!("{}.example", "a".repeat(MAX_AUTHORITY_LEN));
        for bad in [
            "",
            ":8080",
            "relay.example:",
            "relay.example:0",
            "relay.example:65536",
            "relay.example:+80",
            "relay.example:80:80",
            "relay.example/api",
            "relay.example:80/",
            "user@relay.example",
            "user:pass@relay.example",
            "https://relay.example",
            "relay .example",
            " relay.example",
            "relay.example\t",
            "relay.example\n",
            "relay.éxample",
            "relay.example?x",
            "relay.example#x",
            "[::1",
            "[]:80",
            "[relay.example]",
            "[::1]x",
            "[::1%eth0]",
            "::1",
            long.as_str(),
        ] {
            assert!(relay_authority(bad).is_err(), "{bad:?}");
        }
        let id = Identity::generate("Acme").unwrap();
        assert!(sign_request(&id, "POST", "relay.example/x", "/x", 1, b"").is_err());
        let header = sign_request(&id, "POST", RELAY, "/x", 1, b"").unwrap();
        assert!(SignedRequest::parse(&header, "a@relay.example").is_err());
    }

    #[test]
    fn first_version_headers_are_refused_with_a_reason() {
        let id = Identity::generate("Acme").unwrap();
        let header = sign_request(&id, "POST", RELAY, "/x", 1, b"").unwrap();
        let v1 = header.strip_prefix("v=2,").unwrap();
        match SignedRequest::parse(v1, RELAY) {
            Err(Error::Malformed(reason)) => assert!(reason.contains("update"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_headers_are_errors() {
        let id = Identity::generate("Acme").unwrap();
        let good = sign_request(&id, "POST", RELAY, "/x", 1, b"").unwrap();
        for bad in [
            "",
            "v=2,key=,ts=1,sig=",
            "v=2,ts=1,key=AAAA,sig=AAAA",
            &good.replace("v=2", "v=3"),
            &good.replace("v=2,", ""),
            &good.replace("v=2,", "v=1,"),
            &good.replace("ts=1", "ts=-1"),
            &good.replace("ts=1", "ts=1e3"),
            &good.replace("ts=1", "ts=99999999999999999999999"),
            &format!("{good},extra=1"),
            &good.replace("sig=", "sig=A"),
            &"k".repeat(500),
        ] {
            assert!(SignedRequest::parse(bad, RELAY).is_err(), "{bad:?}");
        }
        assert!(sign_request(&id, "post", RELAY, "/x", 1, b"").is_err());
        assert!(sign_request(&id, "POST", RELAY, "x", 1, b"").is_err());
        assert!(sign_request(&id, "POST", RELAY, "/a b", 1, b"").is_err());
    }
}
