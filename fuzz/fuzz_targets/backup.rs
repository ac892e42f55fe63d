//! The backup decoder (SPEC §5.6): the entry rules on decrypted plaintext, which no fuzzer
//! reaches through the header MAC, never panic, fail only MALFORMED or LIMIT_EXCEEDED whatever
//! the split, and keep every entry within its kind's limits; a whole backup file whose header
//! would not run Argon2id fails the same way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::fuzzing::backup_plaintext;
use sealbill::{open_backup, KdfParams, Passphrase, MAX_BACKUP_ENTRIES, MAX_ENTRY_NAME_LEN};
use sealbill_fuzz::{expect_codes, split_point, DECODE};

/// The magic's length; the three big-endian u32 Argon2id parameters follow (SPEC §5.6).
const PARAMS_AT: usize = 19;
/// Magic, parameters, salt, nonce and MAC: Argon2id runs once they are all there.
const HEADER_WITH_MAC: usize = PARAMS_AT + 12 + 16 + 12 + 32;

/// Whether opening `file` would run Argon2id.
fn runs_argon2(file: &[u8]) -> bool {
    let word = |i: usize| {
        let at = PARAMS_AT + 4 * i;
        file.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
    };
    file.len() >= HEADER_WITH_MAC
        && match (word(0), word(1), word(2)) {
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
    let whole = backup_plaintext(data, data.len());
    expect_codes("backup plaintext", &whole, DECODE);
    let split = backup_plaintext(data, split_point(data));
    assert_eq!(
        whole.as_ref().err(),
        split.as_ref().err(),
        "the answer does not depend on how the plaintext is split"
    );
    if let Ok((_, entries)) = &whole {
        assert!(entries.len() <= MAX_BACKUP_ENTRIES as usize);
        for entry in entries {
            assert!(!entry.name.is_empty() && entry.name.len() <= MAX_ENTRY_NAME_LEN);
            assert!(entry.data.len() as u64 <= entry.kind.max_size());
        }
    }
    if !runs_argon2(data) {
        let Ok(passphrase) = Passphrase::new("granite willow comets") else {
            return;
        };
        let opened = open_backup(data, passphrase);
        expect_codes("backup file", &opened, DECODE);
        assert!(opened.is_err(), "no backup opens without Argon2id");
    }
});
