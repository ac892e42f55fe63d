//! The age v1 header: version line, recipient stanzas and MAC (SPEC §2.1, C2SP age "Header").

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::b64;
use super::file_key::FileKey;
use crate::error::{Error, Result};

/// The v1 version line.
const VERSION_LINE: &[u8] = b"age-encryption.org/v1\n";
/// Every age version line starts with this.
pub(crate) const VERSION_PREFIX: &[u8] = b"age-encryption.org/";
/// Stanza bodies are wrapped at 64 columns.
const COLUMNS: usize = 64;
/// The largest header we parse, so that a hostile file cannot make us buffer without end.
pub(crate) const MAX_HEADER_LEN: usize = 256 * 1024;
/// The most stanzas we accept in one header.
pub(crate) const MAX_STANZAS: usize = 1024;

/// One recipient stanza: its arguments (the first is the type tag) and its decoded body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stanza {
    /// The space-separated arguments; the first names the recipient type.
    pub args: Vec<String>,
    /// The base64-decoded body.
    pub body: Vec<u8>,
}

/// A parsed header: the stanzas, and what the MAC covers.
pub(crate) struct Header {
    pub stanzas: Vec<Stanza>,
    /// The header bytes up to and including `---`.
    mac_input: Vec<u8>,
    mac: [u8; 32],
}

fn header_mac(file_key: &FileKey, input: &[u8]) -> Hmac<Sha256> {
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    // HKDF-Expand cannot fail for a 32-byte output.
    let _ = Hkdf::<Sha256>::new(None, file_key.expose()).expand(b"header", key.as_mut());
    // HMAC zero-pads keys shorter than the 64-byte block (RFC 2104 §2), so padding here gives
    // the same MAC while using the infallible fixed-size constructor.
    let mut block = zeroize::Zeroizing::new([0u8; 64]);
    for (b, k) in block.iter_mut().zip(key.iter()) {
        *b = *k;
    }
    let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&(*block).into());
    mac.update(input);
    mac
}

impl Header {
    /// Checks the header MAC in constant time.
    pub(crate) fn verify_mac(&self, file_key: &FileKey) -> Result<()> {
        header_mac(file_key, &self.mac_input)
            .verify_slice(&self.mac)
            .map_err(|_| Error::HeaderMac)
    }

    /// Parses a header from the start of `buf`.
    ///
    /// Returns `Ok(None)` when `buf` ends before the header does (more input is needed), and
    /// `Ok(Some((header, len)))` with the header length otherwise.
    pub(crate) fn parse(buf: &[u8]) -> Result<Option<(Header, usize)>> {
        let mut lines = Lines { buf, pos: 0 };
        let Some(first) = lines.next() else {
            return incomplete(buf, VERSION_LINE);
        };
        if Some(first) != VERSION_LINE.strip_suffix(b"\n") {
            return Err(if first.starts_with(VERSION_PREFIX) {
                Error::Header("unsupported version")
            } else {
                Error::Header("missing age-encryption.org/v1 version line")
            });
        }
        let mut stanzas = Vec::new();
        loop {
            let start = lines.pos;
            let Some(line) = lines.next() else {
                return incomplete(buf, b"");
            };
            if let Some(rest) = line.strip_prefix(b"---") {
                if stanzas.is_empty() {
                    return Err(Error::Header("no recipient stanzas"));
                }
                let mac = rest
                    .strip_prefix(b" ")
                    .filter(|m| m.len() == 43)
                    .and_then(b64::decode_array::<32>)
                    .ok_or(Error::Header("malformed MAC line"))?;
                if lines.pos > MAX_HEADER_LEN {
                    return Err(Error::LimitExceeded("header larger than 256 KiB"));
                }
                let mac_input = buf.get(..start + 3).unwrap_or_default().to_vec();
                return Ok(Some((
                    Header {
                        stanzas,
                        mac_input,
                        mac,
                    },
                    lines.pos,
                )));
            }
            let args = line
                .strip_prefix(b"-> ")
                .ok_or(Error::Header("expected a stanza or the MAC line"))?;
            let args = parse_args(args)?;
            let mut body_b64 = Vec::new();
            loop {
                let Some(body_line) = lines.next() else {
                    return incomplete(buf, b"");
                };
                if body_line.len() > COLUMNS {
                    return Err(Error::Header("stanza body line longer than 64 columns"));
                }
                if !body_line.iter().all(|&c| is_base64_char(c)) {
                    return Err(Error::Header("invalid character in stanza body"));
                }
                body_b64.extend_from_slice(body_line);
                if body_line.len() < COLUMNS {
                    break;
                }
            }
            let body = b64::decode(&body_b64).ok_or(Error::Header("non-canonical stanza body"))?;
            if stanzas.len() == MAX_STANZAS {
                return Err(Error::LimitExceeded("too many recipient stanzas"));
            }
            stanzas.push(Stanza { args, body });
        }
    }

    /// Writes a header for `stanzas`, MACed with `file_key`.
    pub(crate) fn encode(stanzas: &[Stanza], file_key: &FileKey, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(VERSION_LINE);
        for stanza in stanzas {
            out.extend_from_slice(b"->");
            for arg in &stanza.args {
                out.push(b' ');
                out.extend_from_slice(arg.as_bytes());
            }
            out.push(b'\n');
            let body = b64::encode(&stanza.body);
            let mut rest = body.as_bytes();
            // The body always ends with a line shorter than 64 columns, possibly empty.
            loop {
                let (line, tail) = rest.split_at(rest.len().min(COLUMNS));
                out.extend_from_slice(line);
                out.push(b'\n');
                rest = tail;
                if line.len() < COLUMNS {
                    break;
                }
            }
        }
        out.extend_from_slice(b"---");
        let mac = header_mac(file_key, out.get(start..).unwrap_or_default()).finalize();
        out.push(b' ');
        out.extend_from_slice(b64::encode(&mac.into_bytes()).as_bytes());
        out.push(b'\n');
    }
}

/// When the input ends inside the header: ask for more unless the header is already too long.
fn incomplete<T>(buf: &[u8], expected_prefix: &[u8]) -> Result<Option<T>> {
    let seen = buf
        .get(..buf.len().min(expected_prefix.len()))
        .unwrap_or_default();
    if !expected_prefix.starts_with(seen) {
        return Err(Error::Header("missing age-encryption.org/v1 version line"));
    }
    if buf.len() > MAX_HEADER_LEN {
        return Err(Error::LimitExceeded("header larger than 256 KiB"));
    }
    Ok(None)
}

/// Stanza arguments: one or more non-empty runs of visible ASCII separated by single spaces.
fn parse_args(text: &[u8]) -> Result<Vec<String>> {
    text.split(|&c| c == b' ')
        .map(|arg| {
            if arg.is_empty() {
                return Err(Error::Header("empty stanza argument"));
            }
            if !arg.iter().all(|c| (0x21..=0x7e).contains(c)) {
                return Err(Error::Header("invalid character in stanza argument"));
            }
            Ok(String::from_utf8_lossy(arg).into_owned())
        })
        .collect()
}

fn is_base64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// LF-terminated lines; a line without its LF is not returned (the input is incomplete).
struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.buf.get(self.pos..)?;
        let end = rest.iter().position(|&c| c == b'\n')?;
        self.pos += end + 1;
        rest.get(..end)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A syntactically valid header whose stanzas have bodies of `body_len` bytes.
    fn header(stanzas: usize, body_len: usize) -> Vec<u8> {
        let stanza = Stanza {
            args: vec!["grease".into()],
            body: vec![7; body_len],
        };
        let mut out = Vec::new();
        Header::encode(
            &vec![stanza; stanzas],
            &FileKey::from_bytes([1; 16]),
            &mut out,
        );
        out
    }

    #[test]
    fn complete_headers_over_256_kib_are_refused() {
        assert!(matches!(Header::parse(&header(2, 1000)), Ok(Some(_))));
        for big in [header(1, 200 * 1024), header(200, 1024)] {
            assert!(big.len() > MAX_HEADER_LEN);
            for input in [&big[..], &big[..MAX_HEADER_LEN + 1]] {
                assert!(matches!(Header::parse(input), Err(Error::LimitExceeded(_))));
            }
        }
    }
}
