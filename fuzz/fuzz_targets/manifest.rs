//! The manifest decoder (SPEC §3.6), as an opener runs it on decrypted bytes: no panic, only
//! MALFORMED, LIMIT_EXCEEDED or a membership's own refusal, and a manifest it accepts is
//! canonical: it re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::fuzzing::{encode_manifest, manifest};
use sealbill_fuzz::{expect_codes, OPEN};

fuzz_target!(|data: &[u8]| {
    let parsed = manifest(data);
    expect_codes("manifest", &parsed, OPEN);
    if let Ok(parsed) = parsed {
        assert_eq!(encode_manifest(&parsed).as_deref(), Ok(data));
    }
});
