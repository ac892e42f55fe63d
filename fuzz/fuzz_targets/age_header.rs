//! The age v1 header parser (SPEC §2.1): no panic, only MALFORMED or LIMIT_EXCEEDED, the
//! header re-encodes to the same bytes (the MAC aside), and every prefix of a header is
//! "incomplete", never an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::fuzzing::{age_header, encode_age_header};
use sealbill_fuzz::{expect_codes, split_point, DECODE};

/// The MAC line's 43 base64 characters and its line feed.
const MAC_TEXT: usize = 44;

fuzz_target!(|data: &[u8]| {
    let parsed = age_header(data);
    expect_codes("age header", &parsed, DECODE);
    // The relay's check of a whole file agrees with the parser on what is an error.
    let checked = sealbill::age::check_file(data).map_err(|e| e.code());
    match &parsed {
        Err(e) => assert_eq!(checked, Err(e.code())),
        Ok(None) => assert_eq!(checked, Err("TRUNCATED")),
        Ok(Some((stanzas, _))) => {
            assert!(checked.is_err_and(|c| c == "TRUNCATED") || checked == Ok(stanzas.len()))
        }
    }
    let Ok(Some((stanzas, len))) = parsed else {
        return;
    };
    assert!(len <= data.len() && !stanzas.is_empty());
    let header = data.get(..len).unwrap_or_default();
    let encoded = encode_age_header(&stanzas);
    assert_eq!(encoded.len(), len, "a parsed header is canonical");
    assert_eq!(
        encoded.get(..len - MAC_TEXT),
        header.get(..len - MAC_TEXT),
        "a parsed header re-encodes to the same bytes"
    );
    let again = age_header(&encoded).ok().flatten();
    assert_eq!(again, Some((stanzas, len)));
    let cut = split_point(header).min(len - 1);
    assert!(
        matches!(age_header(header.get(..cut).unwrap_or_default()), Ok(None)),
        "a prefix of a header is incomplete"
    );
});
