//! The keystore decoders (SPEC §5.2): v1 and v2 blobs never panic and fail only MALFORMED or
//! LIMIT_EXCEEDED, or PASSKEY_REQUIRED for a v2 blob opened without its passkey.
//!
//! Argon2id runs (19 MiB or more) only for a blob whose parameters pass the check, and then the
//! AEAD tag fails: the parsing before it is the code every other input runs, so such blobs go
//! through the decoder (`passkeys`) but are not unlocked, which keeps the target fast.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::{passkeys, Identity, KdfParams, Passphrase};
use sealbill_fuzz::{expect_codes, DECODE};

/// Both versions' magic is 21 bytes; the three big-endian u32 parameters follow (SPEC §5.2).
const PARAMS_AT: usize = 21;

/// Whether unlocking `blob` would run Argon2id: its parameters pass the check.
fn runs_argon2(blob: &[u8]) -> bool {
    let word = |i: usize| {
        let at = PARAMS_AT + 4 * i;
        blob.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
    };
    match (word(0), word(1), word(2)) {
        (Some(memory_kib), Some(iterations), Some(parallelism)) => KdfParams {
            memory_kib,
            iterations,
            parallelism,
        }
        .check()
        .is_ok(),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let slots = passkeys(data);
    expect_codes("keystore passkeys", &slots, DECODE);
    let is_v2 = data.starts_with(b"sealbill/keystore/v2\n");
    if is_v2 || !runs_argon2(data) {
        let Ok(passphrase) = Passphrase::new("correct horse café") else {
            return;
        };
        let unlocked = Identity::unlock(data, &passphrase);
        expect_codes(
            "keystore unlock",
            &unlocked,
            &[DECODE, &["PASSKEY_REQUIRED"]].concat(),
        );
        assert!(unlocked.is_err(), "no blob unlocks without Argon2id");
        // A blob the decoder accepts is refused for its parameters or its missing passkey.
        if let (Ok(_), Err(e)) = (&slots, &unlocked) {
            assert!(
                matches!(e.code(), "LIMIT_EXCEEDED" | "PASSKEY_REQUIRED"),
                "{e}"
            );
        }
    }
});
