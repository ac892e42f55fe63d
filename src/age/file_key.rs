//! The 128-bit age file key, a secret that lives only inside this wrapper.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A 16-byte age file key: zeroized on drop and never printed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct FileKey([u8; 16]);

impl FileKey {
    /// A fresh file key from the CSPRNG (C2SP age "File key").
    pub(crate) fn generate() -> Self {
        let mut key = [0u8; 16];
        crate::random::fill(&mut key);
        FileKey(key)
    }

    pub(crate) fn from_bytes(bytes: [u8; 16]) -> Self {
        FileKey(bytes)
    }

    pub(crate) fn expose(&self) -> &[u8; 16] {
        &self.0
    }
}

impl core::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FileKey([REDACTED])")
    }
}
