//! The two base64 flavours of age: canonical unpadded (header, SPEC §2.1) and padded (armor).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

/// Encodes as canonical unpadded standard base64.
pub(crate) fn encode(bytes: &[u8]) -> String {
    STANDARD_NO_PAD.encode(bytes)
}

/// Decodes canonical unpadded standard base64; rejects padding and non-zero trailing bits.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    STANDARD_NO_PAD.decode(text).ok()
}

/// Decodes canonical unpadded base64 that must hold exactly `N` bytes.
pub(crate) fn decode_array<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    decode(text)?.try_into().ok()
}

/// Encodes as padded standard base64 (armor lines).
pub(crate) fn encode_padded(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes strict padded standard base64 (armor lines) into `out`, returning the length.
pub(crate) fn decode_padded(text: &[u8], out: &mut [u8]) -> Option<usize> {
    STANDARD.decode_slice(text, out).ok()
}
