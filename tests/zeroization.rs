//! Secret text leaves no unwiped copy on the heap: every heap block freed while a secret's
//! text is made or read is searched for that text. A copy found there is a temporary that
//! escaped zeroization (a `String` dropped without wiping, or a buffer left behind when one
//! grew).

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use sealbill::{Identity, LinkKind, LinkSecret};

/// The allocator of this test binary: the system's, searching freed blocks while watching.
struct Watching;

static WATCHING: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);
/// The secret text searched for, compared without regard to ASCII case.
static NEEDLE: Mutex<Vec<u8>> = Mutex::new(Vec::new());

#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::SeqCst) {
            // try_lock: a block freed while the needle is being set is not searched.
            if let Ok(needle) = NEEDLE.try_lock() {
                let block = std::slice::from_raw_parts(ptr, layout.size());
                if !needle.is_empty()
                    && block
                        .windows(needle.len())
                        .any(|w| w.eq_ignore_ascii_case(&needle))
                {
                    FOUND.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Watching = Watching;

/// How many freed blocks held `needle` while `work` ran (and dropped what it made).
fn copies_left_by(needle: &str, work: impl FnOnce()) -> usize {
    *NEEDLE.lock().unwrap() = needle.as_bytes().to_vec();
    FOUND.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    work();
    WATCHING.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

// One test, so that no other test's frees are searched at the same time.
#[test]
fn secret_text_leaves_no_copy_in_freed_memory() {
    // The seed's text: the data part of the SEALBILL-SECRET-KEY-1 line.
    let identity = Identity::generate("Acme GmbH").unwrap();
    let text = identity.to_text();
    let seed_line = text.lines().last().unwrap();
    let seed = seed_line["SEALBILL-SECRET-KEY-1".len()..].to_owned();
    assert_eq!(
        copies_left_by(&seed, || drop(identity.to_text())),
        0,
        "Identity::to_text"
    );
    assert_eq!(
        copies_left_by(&seed, || drop(Identity::from_text(&text).unwrap())),
        0,
        "Identity::from_text"
    );

    // The link secret's text: the base64url after the relay id.
    let id = "AAAAAAAAAAAAAAAAAAAAAA";
    for kind in [LinkKind::Plain, LinkKind::WithPassphrase] {
        let link = LinkSecret::generate(kind);
        let url = link.url("https://relay.example/open", id).unwrap();
        let secret = url.rsplit_once('.').unwrap().1.to_owned();
        let base = "https://relay.example/open";
        assert_eq!(
            copies_left_by(&secret, || drop(link.fragment(id).unwrap())),
            0,
            "LinkSecret::fragment"
        );
        assert_eq!(
            copies_left_by(&secret, || drop(link.url(base, id).unwrap())),
            0,
            "LinkSecret::url"
        );
        assert_eq!(
            copies_left_by(&secret, || drop(LinkSecret::parse(&url).unwrap())),
            0,
            "LinkSecret::parse"
        );
    }
}
