//! Links (SPEC §5.3): parsing a link or its fragment never panics and fails only MALFORMED; a
//! parsed link writes back to the same fragment and URL, parses again to the same relay id
//! and version, and a link without passphrase yields its identity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::LinkSecret;
use sealbill_fuzz::expect_codes;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = LinkSecret::parse(text);
    expect_codes("link", &parsed, &["MALFORMED"]);
    let Ok((relay_id, secret)) = parsed else {
        return;
    };
    let fragment = match secret.fragment(&relay_id) {
        Ok(fragment) => fragment,
        Err(e) => panic!("a parsed link writes its fragment: {e}"),
    };
    let written = text.rsplit_once('#').map_or(text, |(_, f)| f).trim();
    assert_eq!(fragment.as_str(), written, "a link has one spelling");
    let url = secret.url("https://relay.example/open", &relay_id);
    let again = url.as_deref().map(|u| LinkSecret::parse(u));
    match again {
        Ok(Ok((id, s))) => {
            assert_eq!(id, relay_id);
            assert_eq!(s.version(), secret.version());
            assert!(s
                .fragment(&id)
                .is_ok_and(|f| f.as_str() == fragment.as_str()));
        }
        _ => panic!("a parsed link writes a URL that parses again"),
    }
    if !secret.needs_passphrase() {
        assert!(secret.identity(None).is_ok());
    }
});
