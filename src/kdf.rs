//! Passphrase stretching with Argon2id (RFC 9106), shared by the keystore and passphrase links
//! (SPEC §5.1).

use argon2::{Algorithm, Argon2, Block, Params, Version};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::passphrase::Passphrase;

/// Argon2id cost parameters, as stored in a keystore blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Number of lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 1 lane.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// The weakest accepted setting (OWASP's minimum for Argon2id: 19 MiB, 2 passes).
    pub const MIN: KdfParams = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// The costliest accepted setting, so a hostile blob cannot demand gigabytes or minutes:
    /// 256 MiB, 8 passes (but see [`MAX_WORK_KIB`]), 4 lanes.
    pub const MAX: KdfParams = KdfParams {
        memory_kib: 256 * 1024,
        iterations: 8,
        parallelism: 4,
    };

    /// Fails with `LIMIT_EXCEEDED` unless every parameter lies between [`KdfParams::MIN`] and
    /// [`KdfParams::MAX`] and memory × passes stays within [`MAX_WORK_KIB`].
    pub fn check(&self) -> Result<()> {
        let (min, max) = (KdfParams::MIN, KdfParams::MAX);
        let in_range = (min.memory_kib..=max.memory_kib).contains(&self.memory_kib)
            && (min.iterations..=max.iterations).contains(&self.iterations)
            && (min.parallelism..=max.parallelism).contains(&self.parallelism)
            && u64::from(self.memory_kib) * u64::from(self.iterations) <= MAX_WORK_KIB;
        if in_range {
            Ok(())
        } else {
            Err(Error::LimitExceeded(
                "Argon2id parameters outside the accepted range (19-256 MiB, 2-8 passes, 1-4 lanes, at most 1 GiB of passes)",
            ))
        }
    }
}

/// The largest memory × passes product accepted, in KiB: 256 MiB × 4 passes.
pub const MAX_WORK_KIB: u64 = 256 * 1024 * 4;

/// Reserves Argon2id's working memory of `count` 1 KiB blocks, or fails with `LIMIT_EXCEEDED`
/// when it cannot be had: in a wasm module, whose memory is at most 4 GiB and may be largely
/// taken already, a failed allocation would otherwise abort the module. The blocks are wiped
/// when dropped, as they hold values derived from the passphrase.
fn argon2_memory(count: usize) -> Result<Zeroizing<Vec<Block>>> {
    let mut blocks = Vec::new();
    blocks.try_reserve_exact(count).map_err(|_| {
        Error::LimitExceeded("not enough memory to run Argon2id with these parameters")
    })?;
    blocks.resize(count, Block::default());
    Ok(Zeroizing::new(blocks))
}

/// Stretches `passphrase` into a 32-byte key with Argon2id v1.3 after checking `params`.
pub(crate) fn derive(
    passphrase: &Passphrase,
    salt: &[u8; 16],
    params: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>> {
    params.check()?;
    let argon_params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(32),
    )
    .map_err(|_| Error::LimitExceeded("Argon2id parameters rejected"))?;
    let mut memory = argon2_memory(argon_params.block_count())?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into_with_memory(passphrase.as_bytes(), salt, key.as_mut(), &mut **memory)
        .map_err(|_| Error::LimitExceeded("Argon2id could not run with these parameters"))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_at_the_edges() {
        assert!(KdfParams::DEFAULT.check().is_ok());
        assert!(KdfParams::MIN.check().is_ok());
        let hostile = [
            KdfParams {
                memory_kib: 4 * 1024 * 1024,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                iterations: 1_000_000,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                parallelism: 64,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                memory_kib: 8,
                ..KdfParams::DEFAULT
            },
            KdfParams {
                iterations: 0,
                ..KdfParams::DEFAULT
            },
            KdfParams::MAX,
        ];
        for params in hostile {
            assert!(
                matches!(params.check(), Err(Error::LimitExceeded(_))),
                "{params:?}"
            );
        }
    }

    #[test]
    fn memory_that_cannot_be_had_is_limit_exceeded() {
        for count in [usize::MAX / 1024, usize::MAX] {
            assert!(matches!(
                argon2_memory(count),
                Err(Error::LimitExceeded(why)) if why.contains("not enough memory")
            ));
        }
        assert_eq!(argon2_memory(8).map(|m| m.len()), Ok(8));
    }

    #[test]
    fn same_input_same_key() {
        let salt = [7u8; 16];
        let derive = |text: &str| {
            let passphrase = Passphrase::new(text).map_err(|_| Error::InvalidInput("test"))?;
            derive(&passphrase, &salt, &KdfParams::MIN)
        };
        let a = derive("correct horse");
        let b = derive("correct horse");
        let c = derive("correct horsf");
        assert!(a.is_ok());
        assert_eq!(a.as_deref().ok(), b.as_deref().ok());
        assert_ne!(a.as_deref().ok(), c.as_deref().ok());
    }
}
