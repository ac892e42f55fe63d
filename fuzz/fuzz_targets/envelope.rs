//! A whole envelope opened with a fixed identity (SPEC §4.2, src/open.rs): no panic, only the
//! documented opening errors, and the same answer from `open` and from an `Opener` fed the
//! input in two pieces.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbill::{age, open, Opener, Verified};
use sealbill_fuzz::{expect_codes, reader, split_point, OPEN};

/// Opens `data` pushed in two pieces, cut at `at`.
fn open_streaming(
    identities: &[age::Identity],
    data: &[u8],
    at: usize,
) -> sealbill::Result<Verified> {
    let (head, tail) = data.split_at(at);
    let mut opener = Opener::new(identities);
    let mut staged = Vec::new();
    opener.push(head, &mut staged)?;
    opener.push(tail, &mut staged)?;
    opener.finish(&mut staged, None)
}

fuzz_target!(|data: &[u8]| {
    let identities = [reader().age_identity().clone()];
    let whole = open(&identities, data, None);
    expect_codes("open", &whole, OPEN);
    let streamed = open_streaming(&identities, data, split_point(data));
    expect_codes("open streaming", &streamed, OPEN);
    match (&whole, &streamed) {
        (Ok(opened), Ok(verified)) => assert_eq!(opened.manifest, verified.manifest),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a} / {b}"),
        _ => panic!(
            "open and the streaming opener disagree: {:?} / {:?}",
            whole.as_ref().err(),
            streamed.as_ref().err()
        ),
    }
});
