//! Black-box tests of `sealbill backup create|restore|inspect`: a round trip after which a
//! restored envelope opens, and hostile backups refused with nothing written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::process::Output;

use common::{assert_fails, command, entries, field, ok, run, Party, TempDir, INVOICE};

const PASSPHRASE: &str = "correct horse battery staple";
/// Magic (19 bytes), then the Argon2id memory in KiB (SPEC §5.6).
const PARAMS_AT: usize = 19;

/// A business with one sealed invoice in an archive directory, an address book with one
/// contact, and a passphrase file.
struct Shop {
    tmp: TempDir,
    acme: Party,
    client: Party,
    archive: String,
    book: String,
    passphrase: String,
}

impl Shop {
    fn new() -> Shop {
        let tmp = TempDir::new();
        let acme = Party::new(&tmp, "Acme GmbH");
        let client = Party::new(&tmp, "Client AG");
        let invoice = tmp.write("invoice.xml", INVOICE);
        let archive = tmp.path("archive");
        std::fs::create_dir(&archive).unwrap();
        let card = field(&client.keygen_stdout, "card");
        for n in 1..=2 {
            let out = format!("{archive}/invoice-{n}.age");
            ok(&[
                "seal",
                "-i",
                &acme.file,
                "--to",
                &card,
                "--id",
                &format!("INV-{n}"),
                &invoice,
                "-o",
                &out,
            ]);
        }
        let book = tmp.path("contacts.txt");
        let card_file = tmp.write("client.card", client.keygen_stdout.as_bytes());
        ok(&["--contacts", &book, "contacts", "add", &card_file]);
        let passphrase = tmp.write("passphrase", format!("{PASSPHRASE}\n").as_bytes());
        Shop {
            tmp,
            acme,
            client,
            archive,
            book,
            passphrase,
        }
    }

    /// `sealbill backup create` with the archive and the address book; returns the file.
    fn create(&self) -> String {
        let out = self.tmp.fresh("backup");
        ok(&[
            "--contacts",
            &self.book,
            "backup",
            "create",
            "-i",
            &self.acme.file,
            "--archive",
            &self.archive,
            "--passphrase-file",
            &self.passphrase,
            "-o",
            &out,
        ]);
        out
    }

    fn restore(&self, file: &str, target: &str) -> Output {
        run(
            &[
                "backup",
                "restore",
                file,
                "--passphrase-file",
                &self.passphrase,
                "-o",
                target,
            ],
            None,
        )
    }
}

#[test]
fn round_trip_restores_everything_and_envelopes_open() {
    let shop = Shop::new();
    let file = shop.create();
    let listing = ok(&[
        "backup",
        "inspect",
        &file,
        "--passphrase-file",
        &shop.passphrase,
    ]);
    assert_eq!(field(&listing, "identity"), "Acme GmbH");
    assert_eq!(field(&listing, "fingerprint"), shop.acme.fingerprint);
    assert_eq!(field(&listing, "entries"), "3");
    assert!(listing.contains("invoice-1.age") && listing.contains("contacts.txt"));

    let target = shop.tmp.path("restored");
    let out = shop.restore(&file, &target);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        entries(shop.tmp.root.join("restored").as_path()),
        ["contacts", "envelopes", "identity.txt"]
    );
    assert_eq!(
        std::fs::read(format!("{target}/contacts/contacts.txt")).unwrap(),
        std::fs::read(&shop.book).unwrap()
    );
    let restored = format!("{target}/identity.txt");
    let card = ok(&["card", "-i", &restored]);
    assert_eq!(field(&card, "fingerprint"), shop.acme.fingerprint);
    for n in 1..=2 {
        let envelope = format!("{target}/envelopes/invoice-{n}.age");
        assert_eq!(
            std::fs::read(&envelope).unwrap(),
            std::fs::read(format!("{}/invoice-{n}.age", shop.archive)).unwrap()
        );
        let opened = ok(&[
            "open",
            "-i",
            &restored,
            "--expect-sender",
            &shop.acme.fingerprint,
            &envelope,
            "-o",
            &shop.tmp.fresh("opened"),
        ]);
        assert!(opened.contains(&format!("verified: invoice INV-{n} from Acme GmbH")));
    }
    // The client still opens what it was sent; the restored copy is the same envelope.
    ok(&[
        "open",
        "-i",
        &shop.client.file,
        &format!("{target}/envelopes/invoice-1.age"),
        "-o",
        &shop.tmp.fresh("client"),
    ]);
    // An empty directory is a valid target; a non-empty one is refused.
    let empty = shop.tmp.path("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(shop.restore(&file, &empty).status.success());
    assert_fails(&shop.restore(&file, &target), &["not empty"]);
}

#[test]
fn the_passphrase_comes_from_the_environment_too() {
    let shop = Shop::new();
    let file = shop.create();
    let out = command()
        .args(["backup", "inspect", &file])
        .env("SEALBILL_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = command()
        .args(["backup", "inspect", &file])
        .env("SEALBILL_PASSPHRASE", "not it")
        .output()
        .unwrap();
    assert_fails(&out, &["[BAD_PASSPHRASE]"]);
}

/// Asserts that restoring `bytes` fails with one of `needles` and leaves no file behind.
fn refused(shop: &Shop, bytes: &[u8], needles: &[&str]) {
    let before = entries(&shop.tmp.root);
    let file = shop.tmp.write(&shop.tmp.unique("hostile"), bytes);
    let target = shop.tmp.fresh("target");
    assert_fails(&shop.restore(&file, &target), needles);
    let inspect = run(
        &[
            "backup",
            "inspect",
            &file,
            "--passphrase-file",
            &shop.passphrase,
        ],
        None,
    );
    assert_fails(&inspect, needles);
    let mut after = entries(&shop.tmp.root);
    after.retain(|name| !file.ends_with(name.as_str()));
    assert_eq!(after, before, "something was written");
}

#[test]
fn hostile_backups_are_refused_and_nothing_is_written() {
    let shop = Shop::new();
    let file = std::fs::read(shop.create()).unwrap();

    let wrong = shop.tmp.write("wrong", b"another passphrase\n");
    let file_path = shop.tmp.write("good", &file);
    let out = run(
        &[
            "backup",
            "restore",
            &file_path,
            "--passphrase-file",
            &wrong,
            "-o",
            &shop.tmp.path("w"),
        ],
        None,
    );
    assert_fails(&out, &["[BAD_PASSPHRASE]"]);
    assert!(!shop.tmp.root.join("w").exists());

    for (at, needle) in [
        (3, "[MALFORMED]"),
        (40, "[BAD_PASSPHRASE]"),
        (200, "[TAMPERED]"),
        (file.len() - 1, "[TAMPERED]"),
    ] {
        let mut bad = file.clone();
        bad[at] ^= 0x10;
        refused(&shop, &bad, &[needle]);
    }
    // Inside the header, right after its MAC, inside the last chunk.
    for len in [10, 90, 95] {
        refused(&shop, &file[..len], &["[TRUNCATED]"]);
    }
    refused(&shop, &file[..file.len() - 17], &["[TAMPERED]"]);
    // Argon2id asking for 4 GiB of memory.
    let mut hostile = file.clone();
    hostile[PARAMS_AT..PARAMS_AT + 4].copy_from_slice(&(4u32 << 20).to_be_bytes());
    refused(&shop, &hostile, &["[LIMIT_EXCEEDED]"]);
    refused(&shop, b"not a backup at all", &["[MALFORMED]"]);
}

#[test]
fn a_huge_declared_entry_is_refused_and_nothing_is_written() {
    // The test kit's backup whose envelope entry declares 25 MiB and one byte (SPEC §8).
    let vector = include_bytes!("../../tests/vectors/sealbill/backup-huge-entry");
    let split = vector.windows(2).position(|w| w == b"\n\n").unwrap();
    let shop = Shop::new();
    let passphrase = shop.tmp.write("kit-passphrase", b"granite willow comets\n");
    let file = shop.tmp.write("huge.sbk", &vector[split + 2..]);
    let target = shop.tmp.path("huge");
    let out = run(
        &[
            "backup",
            "restore",
            &file,
            "--passphrase-file",
            &passphrase,
            "-o",
            &target,
        ],
        None,
    );
    assert_fails(&out, &["[LIMIT_EXCEEDED]"]);
    assert!(!shop.tmp.root.join("huge").exists());
    assert!(!entries(&shop.tmp.root)
        .iter()
        .any(|n| n.contains("restore")));
}

#[test]
fn create_refuses_what_it_cannot_back_up() {
    let shop = Shop::new();
    let existing = shop.tmp.write("exists", b"x");
    let out = run(
        &[
            "backup",
            "create",
            "-i",
            &shop.acme.file,
            "--passphrase-file",
            &shop.passphrase,
            "-o",
            &existing,
        ],
        None,
    );
    assert_fails(&out, &["already exists"]);
    let short = shop.tmp.write("short", b"tulip anch\n");
    let out = run(
        &[
            "backup",
            "create",
            "-i",
            &shop.acme.file,
            "--passphrase-file",
            &short,
            "-o",
            &shop.tmp.path("b1"),
        ],
        None,
    );
    assert_fails(&out, &["at least 12 characters"]);
    assert!(!shop.tmp.root.join("b1").exists());
    shop.tmp.write("archive/notes.txt", b"hello");
    let out = run(
        &[
            "backup",
            "create",
            "-i",
            &shop.acme.file,
            "--archive",
            &shop.archive,
            "--passphrase-file",
            &shop.passphrase,
            "-o",
            &shop.tmp.path("b2"),
        ],
        None,
    );
    assert_fails(&out, &["not an age envelope"]);
    assert!(!shop.tmp.root.join("b2").exists());
    let out = command()
        .args([
            "backup",
            "create",
            "-i",
            &shop.acme.file,
            "-o",
            &shop.tmp.path("b3"),
        ])
        .env_remove("SEALBILL_PASSPHRASE")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_fails(&out, &["no passphrase"]);
    assert!(!shop.tmp.root.join("b3").exists());
}
