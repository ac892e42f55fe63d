//! ASCII armor: strict PEM with the label `AGE ENCRYPTED FILE` (SPEC §2.4, RFC 7468 §3).
//!
//! The decoder accepts LF or CRLF line ends and ASCII whitespace before and after the block,
//! and rejects everything else that is not the canonical encoding, so armor adds no
//! malleability.

use zeroize::Zeroizing;

use super::b64;
use crate::error::{Error, Result};

/// The armor's first line.
pub const BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
/// The armor's last line.
pub const END: &str = "-----END AGE ENCRYPTED FILE-----";
const BYTES_PER_LINE: usize = 48;
const COLUMNS: usize = 64;
/// The most whitespace accepted before or after the block.
const MAX_WHITESPACE: usize = 1024;

/// Whether the input is armored: binary age files start with the version prefix, so anything
/// else is treated as armor. `None` until enough bytes are there to tell.
pub(crate) fn looks_armored(buf: &[u8], at_eof: bool) -> Option<bool> {
    let prefix = super::header::VERSION_PREFIX;
    let seen = buf.get(..buf.len().min(prefix.len())).unwrap_or_default();
    if !prefix.starts_with(seen) {
        Some(true)
    } else if seen.len() == prefix.len() || at_eof {
        Some(false)
    } else {
        None
    }
}

/// The whitespace allowed around the block: space, tab, CR and LF only.
fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Encodes a binary age file as armor, line by line.
pub(crate) struct ArmorEncoder {
    pending: Vec<u8>,
}

impl ArmorEncoder {
    /// Writes the BEGIN line.
    pub(crate) fn new(out: &mut Vec<u8>) -> Self {
        out.extend_from_slice(BEGIN.as_bytes());
        out.push(b'\n');
        ArmorEncoder {
            pending: Vec::with_capacity(BYTES_PER_LINE),
        }
    }

    /// Encodes every full line that `data` completes.
    pub(crate) fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) {
        while !data.is_empty() {
            let take = (BYTES_PER_LINE - self.pending.len()).min(data.len());
            let (head, tail) = data.split_at(take);
            self.pending.extend_from_slice(head);
            data = tail;
            if self.pending.len() == BYTES_PER_LINE {
                self.flush_line(out);
            }
        }
    }

    /// Writes the last, shorter line (if any) and the END line.
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) {
        if !self.pending.is_empty() {
            self.flush_line(out);
        }
        out.extend_from_slice(END.as_bytes());
        out.push(b'\n');
    }

    fn flush_line(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b64::encode_padded(&self.pending).as_bytes());
        out.push(b'\n');
        self.pending.clear();
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Skipping whitespace, then expecting the BEGIN line.
    Begin,
    /// Inside the block; `true` once a short line has been seen (only END may follow).
    Body { short_seen: bool },
    /// After END: only whitespace may follow.
    Done,
}

/// Decodes armor pushed in pieces of any size, holding at most one line.
pub(crate) struct ArmorDecoder {
    state: State,
    line: Zeroizing<Vec<u8>>,
    whitespace: usize,
}

impl ArmorDecoder {
    pub(crate) fn new() -> Self {
        ArmorDecoder {
            state: State::Begin,
            line: Zeroizing::new(Vec::new()),
            whitespace: 0,
        }
    }

    /// Decodes the lines that `data` completes into `out`.
    pub(crate) fn push(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        for &c in data {
            match self.state {
                State::Begin if self.line.is_empty() && is_whitespace(c) => {
                    self.count_whitespace()?
                }
                State::Done => {
                    if !is_whitespace(c) {
                        return Err(Error::Armor("data after the END line"));
                    }
                    self.count_whitespace()?;
                }
                _ if c == b'\n' => self.end_line(out)?,
                _ => {
                    // The longest valid line has 64 columns; a CR may precede the LF.
                    if self.line.len() > COLUMNS {
                        return Err(Error::Armor("line too long"));
                    }
                    self.line.push(c);
                }
            }
        }
        Ok(())
    }

    /// Checks that the input ended after a complete block.
    pub(crate) fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        if !self.line.is_empty() {
            // The END line may lack its final line feed.
            self.end_line(out)?;
        }
        match self.state {
            State::Done => Ok(()),
            State::Begin => Err(Error::Armor("missing BEGIN line")),
            State::Body { .. } => Err(Error::Armor("missing END line")),
        }
    }

    fn count_whitespace(&mut self) -> Result<()> {
        self.whitespace += 1;
        if self.whitespace > MAX_WHITESPACE {
            return Err(Error::Armor("too much whitespace around the block"));
        }
        Ok(())
    }

    fn end_line(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let mut line = core::mem::take(&mut *self.line);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let line = Zeroizing::new(line);
        match self.state {
            State::Begin => {
                if line.as_slice() != BEGIN.as_bytes() {
                    return Err(Error::Armor(
                        "not an age file (no age header and no BEGIN line)",
                    ));
                }
                self.whitespace = 0;
                self.state = State::Body { short_seen: false };
            }
            State::Body { short_seen } => {
                if line.as_slice() == END.as_bytes() {
                    self.whitespace = 0;
                    self.state = State::Done;
                    return Ok(());
                }
                if short_seen {
                    return Err(Error::Armor("a short line must be the last line"));
                }
                if line.is_empty() || line.len() > COLUMNS {
                    return Err(Error::Armor("line is empty or longer than 64 columns"));
                }
                let mut bytes = Zeroizing::new([0u8; BYTES_PER_LINE]);
                let n = b64::decode_padded(&line, bytes.as_mut_slice())
                    .ok_or(Error::Armor("invalid base64"))?;
                out.extend_from_slice(bytes.get(..n).unwrap_or_default());
                self.state = State::Body {
                    short_seen: n < BYTES_PER_LINE,
                };
            }
            State::Done => return Err(Error::Armor("data after the END line")),
        }
        Ok(())
    }
}
