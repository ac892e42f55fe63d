//! ASCII armor (SPEC §2.4): no panic, only MALFORMED, the same answer however the input is
//! split, and a decoded block re-encodes to the input (line ends and surrounding whitespace
//! aside): armor adds no malleability.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::fuzzing::{armor, dearmor};
use sealbill_fuzz::{expect_codes, split_point, DECODE};

/// The input as the encoder writes it: without the whitespace around the block, LF line ends,
/// one final LF.
fn canonical(data: &[u8]) -> Vec<u8> {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = data.iter().position(|c| !ws(c)).unwrap_or(data.len());
    let end = data.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data.get(start..end).unwrap_or_default().iter().peekable();
    while let Some(&c) = rest.next() {
        if c == b'\r' && rest.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(c);
    }
    out.push(b'\n');
    out
}

fuzz_target!(|data: &[u8]| {
    let whole = dearmor(data, data.len());
    expect_codes("armor", &whole, &["MALFORMED"]);
    let split = dearmor(data, split_point(data));
    assert_eq!(
        whole, split,
        "the answer does not depend on how the input is split"
    );
    // Armor is also what the decryptor reads when a file does not start with the age header.
    if let Ok(binary) = whole {
        assert_eq!(armor(&binary), canonical(data), "armor is canonical");
        assert_eq!(dearmor(&armor(&binary), 0).as_ref(), Ok(&binary));
        expect_codes(
            "decrypt armored",
            &sealbill::age::decrypt(&[sealbill_fuzz::reader().age_identity().clone()], data),
            &[DECODE, &["WRONG_KEY", "TAMPERED"]].concat(),
        );
    }
});
