//! The binary encoding shared by cards, manifests and the payload (SPEC §3.1): big-endian
//! integers and length-prefixed byte strings, read with bounds checks and no panics.

use crate::error::{Error, Result};

/// Appends big-endian integers and length-prefixed strings.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub(crate) fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn raw(&mut self, v: &[u8]) {
        self.bytes.extend_from_slice(v);
    }

    /// A byte string of at most 65535 bytes, prefixed by its u16 length.
    pub(crate) fn bytes16(&mut self, v: &[u8]) -> Result<()> {
        let len = u16::try_from(v.len())
            .map_err(|_| Error::InvalidInput("field longer than 65535 bytes"))?;
        self.u16(len);
        self.raw(v);
        Ok(())
    }

    /// A u16 count; fails if there are more than 65535 items.
    pub(crate) fn count16(&mut self, n: usize) -> Result<()> {
        self.u16(u16::try_from(n).map_err(|_| Error::InvalidInput("too many items"))?);
        Ok(())
    }
}

/// Reads what [`Writer`] wrote; every read is bounds-checked.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// `what` names the structure in error messages.
    pub(crate) fn new(buf: &'a [u8], what: &'static str) -> Self {
        Reader { buf, what }
    }

    pub(crate) fn raw(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() < n {
            return Err(Error::Malformed(self.what));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.raw(N)?
            .try_into()
            .map_err(|_| Error::Malformed(self.what))
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(crate) fn bytes16(&mut self) -> Result<&'a [u8]> {
        let n = self.u16()?;
        self.raw(usize::from(n))
    }

    /// A u16-prefixed UTF-8 string.
    pub(crate) fn str16(&mut self) -> Result<&'a str> {
        core::str::from_utf8(self.bytes16()?).map_err(|_| Error::Malformed(self.what))
    }

    /// Everything not read yet.
    pub(crate) fn rest(self) -> &'a [u8] {
        self.buf
    }

    /// Fails unless every byte was read: no trailing data is allowed.
    pub(crate) fn finish(self) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Error::Malformed(self.what))
        }
    }
}

/// Checks a short human-readable text field: non-empty, at most `max` bytes, no control
/// characters (so it fits on one line of a text file or a terminal).
pub(crate) fn check_text(text: &str, max: usize, what: &'static str) -> Result<()> {
    if text.is_empty()
        || text.len() > max
        || text.chars().any(char::is_control)
        || text.trim() != text
    {
        return Err(Error::InvalidInput(what));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_rejects_short_and_trailing_input() {
        let mut w = Writer::default();
        assert!(w.bytes16(b"abc").is_ok());
        w.u64(7);
        let mut r = Reader::new(&w.bytes, "test");
        assert_eq!(r.str16(), Ok("abc"));
        assert_eq!(r.u64(), Ok(7));
        assert!(r.finish().is_ok());

        let mut short = Reader::new(&w.bytes[..4], "test");
        assert_eq!(short.str16(), Err(Error::Malformed("test")));
        let mut trailing = Reader::new(&w.bytes, "test");
        assert!(trailing.bytes16().is_ok());
        assert_eq!(trailing.finish(), Err(Error::Malformed("test")));
    }

    #[test]
    fn text_fields_are_single_line() {
        assert!(check_text("Acme GmbH", 100, "name").is_ok());
        for bad in ["", "a\nb", " padded", "x\u{7}", &"y".repeat(101)] {
            assert!(check_text(bad, 100, "name").is_err(), "{bad:?}");
        }
    }
}
