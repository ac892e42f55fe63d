//! The one source of randomness of the crate: seeds, file keys, nonces, salts and ephemeral
//! keys all come from [`fill`].
//!
//! It is the operating system's CSPRNG. Unit tests may install a deterministic stream for the
//! length of a closure ([`with_seed`]), so that the test kit (`src/testkit.rs`) regenerates
//! byte-identical vectors; nothing of this exists outside `cfg(test)`.

use rand_core::{OsRng, RngCore};

/// Fills `bytes` with random bytes.
pub(crate) fn fill(bytes: &mut [u8]) {
    #[cfg(test)]
    if seeded::fill(bytes) {
        return;
    }
    OsRng.fill_bytes(bytes);
}

#[cfg(test)]
pub(crate) use seeded::with_seed;

#[cfg(test)]
mod seeded {
    use std::cell::RefCell;

    use hkdf::Hkdf;
    use sha2::Sha256;

    /// HKDF-SHA-256 in counter mode: block `i` is `HKDF-Expand(PRK(seed), u64(i))`.
    struct Stream {
        prk: Hkdf<Sha256>,
        counter: u64,
        block: [u8; 32],
        used: usize,
    }

    thread_local! {
        static STREAM: RefCell<Option<Stream>> = const { RefCell::new(None) };
    }

    /// Runs `f` with the thread's random source replaced by a stream determined by `seed`.
    pub(crate) fn with_seed<T>(seed: &[u8], f: impl FnOnce() -> T) -> T {
        /// Restores the previous source even if `f` panics.
        struct Restore(Option<Stream>);
        impl Drop for Restore {
            fn drop(&mut self) {
                STREAM.with(|s| *s.borrow_mut() = self.0.take());
            }
        }
        let stream = Stream {
            prk: Hkdf::new(Some(b"sealbill/test-random"), seed),
            counter: 0,
            block: [0; 32],
            used: 32,
        };
        let _restore = Restore(STREAM.with(|s| s.borrow_mut().replace(stream)));
        f()
    }

    /// Fills `bytes` from the installed stream; false if none is installed.
    pub(super) fn fill(bytes: &mut [u8]) -> bool {
        STREAM.with(|s| {
            let mut s = s.borrow_mut();
            let Some(stream) = s.as_mut() else {
                return false;
            };
            for byte in bytes {
                if stream.used == stream.block.len() {
                    // HKDF-Expand cannot fail for 32-byte outputs.
                    let _ = stream
                        .prk
                        .expand(&stream.counter.to_be_bytes(), &mut stream.block);
                    stream.counter += 1;
                    stream.used = 0;
                }
                *byte = stream.block.get(stream.used).copied().unwrap_or_default();
                stream.used += 1;
            }
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw() -> [u8; 40] {
        let mut out = [0u8; 40];
        fill(&mut out[..7]);
        fill(&mut out[7..]);
        out
    }

    #[test]
    fn seeded_streams_repeat_and_the_os_source_returns() {
        let a = with_seed(b"a", draw);
        assert_eq!(a, with_seed(b"a", draw));
        assert_ne!(a, with_seed(b"b", draw));
        let nested = with_seed(b"a", || (with_seed(b"b", draw), draw()));
        assert_eq!(nested, (with_seed(b"b", draw), a));
        assert_ne!(draw(), draw());
    }
}
