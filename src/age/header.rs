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

    /// Parses a header from the start of `buf`: `Ok(None)` when `buf` ends before the header
    /// does, else the header and its length.
    pub(crate) fn parse(buf: &[u8]) -> Result<Option<(Header, usize)>> {
        Ok(HeaderReader::default()
            .push(buf)?
            .map(|(header, rest)| (header, buf.len() - rest.len())))
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

/// What the next complete header line must be.
#[derive(Default)]
enum Expect {
    /// The version line.
    #[default]
    Version,
    /// A stanza's first line, or the MAC line.
    StanzaOrMac,
    /// The next line of a stanza's body.
    Body {
        args: Vec<String>,
        body_b64: Vec<u8>,
    },
}

/// Reads a header pushed in pieces of any size, whole or byte by byte, looking at each byte
/// once (so the work is linear in the header's length), and holding at most
/// [`MAX_HEADER_LEN`] bytes. A header is refused alike however it is cut: a line that would
/// end beyond [`MAX_HEADER_LEN`] is `LIMIT_EXCEEDED` before it is looked at.
#[derive(Default)]
pub(crate) struct HeaderReader {
    /// The header bytes read so far, up to the end of the last complete line or beyond it.
    buf: Vec<u8>,
    /// Where the line being read starts in `buf`.
    line_start: usize,
    expect: Expect,
    stanzas: Vec<Stanza>,
}

#[cfg(test)]
thread_local! {
    /// The header bytes looked at on this thread, searching for line ends and reading lines:
    /// what the test of linear work counts.
    pub(super) static SCANNED: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

/// Counts `bytes` looked at (in tests only).
#[cfg(test)]
fn count(bytes: usize) {
    SCANNED.with(|s| s.set(s.get() + bytes));
}

#[cfg(not(test))]
fn count(_bytes: usize) {}

impl HeaderReader {
    /// Takes the next piece of input. Returns `Ok(None)` while the header is incomplete, and
    /// the header with the rest of `data` after it once its MAC line is read.
    pub(crate) fn push<'d>(&mut self, mut data: &'d [u8]) -> Result<Option<(Header, &'d [u8])>> {
        loop {
            let room = MAX_HEADER_LEN.saturating_sub(self.buf.len());
            let (window, beyond) = data.split_at(room.min(data.len()));
            let Some(end) = window.iter().position(|&c| c == b'\n') else {
                count(window.len());
                if !beyond.is_empty() {
                    return Err(Error::LimitExceeded("header larger than 256 KiB"));
                }
                self.buf.extend_from_slice(window);
                if matches!(self.expect, Expect::Version) {
                    check_version_prefix(&self.buf)?;
                }
                return Ok(None);
            };
            let (line, rest) = data.split_at(end + 1);
            count(2 * line.len());
            data = rest;
            self.buf.extend_from_slice(line);
            let start = core::mem::replace(&mut self.line_start, self.buf.len());
            // The line without its LF.
            let line = self.buf.get(start..self.buf.len() - 1).unwrap_or_default();
            if let Some(mac) = read_line(&mut self.expect, &mut self.stanzas, line)? {
                let header = Header {
                    stanzas: core::mem::take(&mut self.stanzas),
                    mac_input: self.buf.get(..start + 3).unwrap_or_default().to_vec(),
                    mac,
                };
                return Ok(Some((header, data)));
            }
        }
    }
}

/// Reads one complete header line (without its LF) as `expect` says; returns the MAC once
/// the MAC line is read.
fn read_line(
    expect: &mut Expect,
    stanzas: &mut Vec<Stanza>,
    line: &[u8],
) -> Result<Option<[u8; 32]>> {
    match expect {
        Expect::Version => {
            if Some(line) != VERSION_LINE.strip_suffix(b"\n") {
                return Err(if line.starts_with(VERSION_PREFIX) {
                    Error::Header("unsupported version")
                } else {
                    Error::Header("missing age-encryption.org/v1 version line")
                });
            }
            *expect = Expect::StanzaOrMac;
        }
        Expect::StanzaOrMac => {
            if let Some(rest) = line.strip_prefix(b"---") {
                if stanzas.is_empty() {
                    return Err(Error::Header("no recipient stanzas"));
                }
                let mac = rest
                    .strip_prefix(b" ")
                    .filter(|m| m.len() == 43)
                    .and_then(b64::decode_array::<32>)
                    .ok_or(Error::Header("malformed MAC line"))?;
                return Ok(Some(mac));
            }
            let args = line
                .strip_prefix(b"-> ")
                .ok_or(Error::Header("expected a stanza or the MAC line"))?;
            *expect = Expect::Body {
                args: parse_args(args)?,
                body_b64: Vec::new(),
            };
        }
        Expect::Body { args, body_b64 } => {
            if line.len() > COLUMNS {
                return Err(Error::Header("stanza body line longer than 64 columns"));
            }
            if !line.iter().all(|&c| is_base64_char(c)) {
                return Err(Error::Header("invalid character in stanza body"));
            }
            body_b64.extend_from_slice(line);
            if line.len() == COLUMNS {
                return Ok(None);
            }
            let body = b64::decode(body_b64).ok_or(Error::Header("non-canonical stanza body"))?;
            if stanzas.len() == MAX_STANZAS {
                return Err(Error::LimitExceeded("too many recipient stanzas"));
            }
            stanzas.push(Stanza {
                args: core::mem::take(args),
                body,
            });
            *expect = Expect::StanzaOrMac;
        }
    }
    Ok(None)
}

/// Refuses an incomplete first line as soon as it cannot become the v1 version line, naming
/// the same cause as the complete line would.
fn check_version_prefix(seen: &[u8]) -> Result<()> {
    let seen = seen
        .get(..seen.len().min(VERSION_LINE.len()))
        .unwrap_or_default();
    if VERSION_LINE.starts_with(seen) {
        Ok(())
    } else if seen.starts_with(VERSION_PREFIX) {
        Err(Error::Header("unsupported version"))
    } else {
        Err(Error::Header("missing age-encryption.org/v1 version line"))
    }
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
