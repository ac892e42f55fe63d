//! Request authentication: a signed request (SPEC §6), inside the replay window and never seen
//! before, whose signer the caller then checks (a sender on the allow-list, a team member, an
//! owner); and manage tokens, stored only as hashes.

use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sealbill::{SignedRequest, SIGNATURE_HEADER};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::ServeArgs;
use crate::errors::ApiError;

/// The key under which a signed request is remembered for the replay window (see
/// [`crate::store::Store::first_use`]): the SHA-256 of its signature.
pub fn replay_key(signature: &[u8; 64]) -> [u8; 32] {
    Sha256::digest(signature).into()
}

const fn unauthorized(code: &'static str, message: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

/// A signed request addressed to a host this relay does not answer for (421).
const WRONG_HOST: ApiError = ApiError::new(
    StatusCode::MISDIRECTED_REQUEST,
    "WRONG_HOST",
    "signed requests must address one of this relay's public hosts (--public-host)",
);

/// Reads a request's `Sealbill-Signature`, for the authority it was sent to (its Host, or the
/// HTTP/2 `:authority` in `uri`), which must be one of the relay's public hosts, and checks its
/// timestamp against the replay window, before the body is read, so that the signer's key can
/// be checked first; the signature itself is checked by [`check_signature`] once the body is
/// read.
pub fn signature_header(
    headers: &HeaderMap,
    uri: &Uri,
    now: u64,
    config: &ServeArgs,
) -> Result<SignedRequest, ApiError> {
    let header = headers
        .get(SIGNATURE_HEADER)
        .ok_or(unauthorized(
            "UNSIGNED",
            "this request must carry a Sealbill-Signature (SPEC §6)",
        ))?
        .to_str()
        .map_err(|_| unauthorized("BAD_SIGNATURE", "malformed Sealbill-Signature"))?;
    let host = match headers.get(HOST) {
        Some(host) => host.to_str().ok(),
        None => uri.authority().map(|a| a.as_str()),
    };
    let authority = host
        .and_then(|h| sealbill::relay_authority(h).ok())
        .filter(|a| config.serves_host(a))
        .ok_or(WRONG_HOST)?;
    let signed = SignedRequest::parse(header, &authority).map_err(|e| match e {
        sealbill::Error::Malformed(reason) => unauthorized("BAD_SIGNATURE", reason),
        _ => unauthorized("BAD_SIGNATURE", "malformed Sealbill-Signature"),
    })?;
    if signed.timestamp.abs_diff(now) > config.replay_window {
        return Err(unauthorized(
            "STALE",
            "the request timestamp is outside the replay window (check the clock)",
        ));
    }
    Ok(signed)
}

/// Checks the signature of [`signature_header`] over `method`, the authority the request was
/// sent to, `target` and `body`. The replay check follows in the caller.
pub fn check_signature(
    signed: &SignedRequest,
    method: &str,
    target: &str,
    body: &[u8],
) -> Result<(), ApiError> {
    signed
        .verify(method, target, body)
        .map_err(|_| unauthorized("BAD_SIGNATURE", "the request signature does not verify"))
}

/// A fresh manage token (32 random bytes, base64url) and its SHA-256.
pub fn new_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    (URL_SAFE_NO_PAD.encode(bytes), Sha256::digest(bytes).into())
}

/// Checks `Authorization: Bearer <manage token>` against the stored hash, in constant time.
pub fn check_token(headers: &HeaderMap, stored: &[u8; 32]) -> Result<(), ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(unauthorized(
            "NO_TOKEN",
            "this needs Authorization: Bearer <manage token>",
        ))?;
    let mut bytes = [0u8; 32];
    let decoded = matches!(
        URL_SAFE_NO_PAD.decode_slice(token.trim(), &mut bytes),
        Ok(32)
    );
    let hash: [u8; 32] = Sha256::digest(bytes).into();
    if decoded && bool::from(hash.ct_eq(stored)) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "BAD_TOKEN",
            "the manage token does not match",
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_match_only_their_hash() {
        let (token, hash) = new_token();
        let mut headers = HeaderMap::new();
        assert_eq!(check_token(&headers, &hash).unwrap_err().code, "NO_TOKEN");
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        assert!(check_token(&headers, &hash).is_ok());
        assert_eq!(
            check_token(&headers, &[0; 32]).unwrap_err().code,
            "BAD_TOKEN"
        );
        headers.insert("authorization", HeaderValue::from_static("Bearer !!"));
        assert_eq!(check_token(&headers, &hash).unwrap_err().code, "BAD_TOKEN");
    }
}
