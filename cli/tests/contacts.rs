//! Black-box tests of the address book: `sealbill contacts`, `seal --to NAME`, and the sender
//! check of `open`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_fails, command, entries, field, ok, run, Party, TempDir, INVOICE};

/// The Cyrillic capital letter A (U+0410), which looks like the Latin one.
const CYRILLIC_A: char = '\u{410}';

/// A temporary directory with a sender, a client, an invoice and the client's address book.
struct Desk {
    tmp: TempDir,
    acme: Party,
    client: Party,
    invoice: String,
    book: String,
}

impl Desk {
    fn new() -> Desk {
        let tmp = TempDir::new();
        let acme = Party::new(&tmp, "Acme GmbH");
        let client = Party::new(&tmp, "Client AG");
        let invoice = tmp.write("invoice.xml", INVOICE);
        let book = tmp.path("book/contacts.txt");
        Desk {
            tmp,
            acme,
            client,
            invoice,
            book,
        }
    }

    /// A file holding the output of `sealbill keygen` for `party` (its card among others).
    fn card_file(&self, party: &Party) -> String {
        self.tmp
            .write(&self.tmp.unique("card"), party.keygen_stdout.as_bytes())
    }

    /// Runs `sealbill --contacts BOOK contacts ARGS…`.
    fn contacts(&self, args: &[&str]) -> Output {
        let mut all = vec!["--contacts", &self.book, "contacts"];
        all.extend_from_slice(args);
        run(&all, None)
    }

    /// Like [`Desk::contacts`], expecting success; returns stdout.
    fn contacts_ok(&self, args: &[&str]) -> String {
        let out = self.contacts(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn book_text(&self) -> String {
        std::fs::read_to_string(&self.book).unwrap()
    }

    /// Seals the invoice from `sender` to the client into a new file.
    fn seal_from(&self, sender: &str) -> String {
        let envelope = self.tmp.fresh("envelope");
        let card = self.card_file(&self.client);
        ok(&[
            "seal",
            "-i",
            sender,
            "--to",
            &card,
            &self.invoice,
            "-o",
            &envelope,
        ]);
        envelope
    }

    /// Opens `envelope` as the client with the book (and `extra` options) into a fresh
    /// directory; returns the output and the directory.
    fn open(&self, envelope: &str, extra: &[&str]) -> (Output, String) {
        let dir = self.tmp.fresh("out");
        let mut args = vec![
            "open",
            "--contacts",
            &self.book,
            "-i",
            &self.client.file,
            envelope,
            "-o",
            &dir,
        ];
        args.extend_from_slice(extra);
        (run(&args, None), dir)
    }

    /// Opens `envelope` as the client, expects success, and returns stderr.
    fn open_ok(&self, envelope: &str, extra: &[&str]) -> String {
        let (out, dir) = self.open(envelope, extra);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{stderr}");
        assert_eq!(entries(Path::new(&dir)), ["invoice.xml"]);
        stderr
    }

    /// An identity with `party`'s keys under another name, as a new identity file.
    fn renamed(&self, party: &Party, name: &str) -> String {
        let id = sealbill::Identity::from_seed(name, party.library().seed().clone()).unwrap();
        self.tmp
            .write(&self.tmp.unique("renamed"), id.to_text().as_bytes())
    }
}

/// The contact lines of a book: every line that is not a comment.
fn contact_lines(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn add_list_verify_remove() {
    let desk = Desk::new();
    let acme_card = field(&desk.acme.keygen_stdout, "card");

    // A file holding the card, then the card itself with a local name.
    let stdout = desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    assert!(stdout.contains("added: Acme GmbH"), "{stdout}");
    assert_eq!(field(&stdout, "fingerprint"), desk.acme.fingerprint);
    let client_card = field(&desk.client.keygen_stdout, "card");
    desk.contacts_ok(&["add", &client_card, "--name", "Our client"]);

    // The file: a comment header, then one tab-separated line per contact, private.
    let text = desk.book_text();
    assert!(text.starts_with("# sealbill address book (v1)"), "{text}");
    let lines = contact_lines(&text);
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0][0], "unverified");
    assert_eq!(lines[0][1].len(), 10);
    assert_eq!(lines[0][2], acme_card);
    assert_eq!(lines[0].len(), 3);
    assert_eq!(lines[1][2], client_card);
    assert_eq!(lines[1][3], "Our client");
    let dir = Path::new(&desk.book).parent().unwrap();
    assert_eq!(entries(dir), ["contacts.txt"], "no temporary file is left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&desk.book).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let list = desk.contacts_ok(&["list"]);
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert!(rows[0].starts_with("unverified"), "{list}");
    assert!(rows[0].contains(&desk.acme.fingerprint), "{list}");
    assert!(rows[0].ends_with("Acme GmbH"), "{list}");
    assert!(rows[1].ends_with("Our client (card: Client AG)"), "{list}");

    // Verify by name (any case, any spacing), which prints the fingerprint to compare.
    let stdout = desk.contacts_ok(&["verify", "  ACME   gmbh "]);
    assert_eq!(field(&stdout, "fingerprint"), desk.acme.fingerprint);
    assert_eq!(contact_lines(&desk.book_text())[0][0], "verified");
    // By the fingerprint read on the phone, or by the local name.
    desk.contacts_ok(&["verify", &desk.acme.fingerprint]);
    desk.contacts_ok(&["verify", "our client"]);
    let list = desk.contacts_ok(&["list"]);
    assert!(list.lines().all(|l| l.starts_with("verified")), "{list}");

    // Unknown names and fingerprints are errors that change nothing.
    let before = desk.book_text();
    let third = TempDir::new();
    let stranger = Party::new(&third, "Stranger");
    for query in ["Nobody", stranger.fingerprint.as_str()] {
        assert_fails(&desk.contacts(&["verify", query]), &["no contact"]);
        assert_fails(&desk.contacts(&["remove", query]), &["no contact"]);
    }
    assert_eq!(desk.book_text(), before);

    let stdout = desk.contacts_ok(&["remove", "Acme GmbH"]);
    assert!(stdout.contains("removed: Acme GmbH"), "{stdout}");
    let lines = contact_lines(&desk.book_text());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0][2], client_card);
    desk.contacts_ok(&["remove", &desk.client.fingerprint]);
    assert!(contact_lines(&desk.book_text()).is_empty());
    assert!(desk.book_text().starts_with("# sealbill address book"));
    assert_eq!(desk.contacts_ok(&["list"]), "");
}

#[test]
fn the_book_is_found_by_option_then_environment() {
    let desk = Desk::new();
    let card = desk.card_file(&desk.acme);
    let env_book = desk.tmp.path("env/contacts.txt");
    let xdg = desk.tmp.path("xdg");
    let home = desk.tmp.path("home");
    let cases = [
        (
            vec![("SEALBILL_CONTACTS", env_book.as_str())],
            env_book.clone(),
        ),
        (
            vec![("XDG_CONFIG_HOME", xdg.as_str())],
            format!("{xdg}/sealbill/contacts.txt"),
        ),
        (
            vec![("XDG_CONFIG_HOME", ""), ("HOME", home.as_str())],
            format!("{home}/.config/sealbill/contacts.txt"),
        ),
    ];
    for (env, expected) in cases {
        let out = command()
            .args(["contacts", "add", &card])
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(out.status.success(), "{env:?}");
        let text = std::fs::read_to_string(&expected).unwrap();
        assert_eq!(contact_lines(&text).len(), 1, "{expected}");
    }
    // --contacts wins over the environment, after the subcommand too.
    let out = command()
        .args(["contacts", "list", "--contacts", &desk.book])
        .env("SEALBILL_CONTACTS", &env_book)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "the --contacts book is empty");
}

#[test]
fn adding_the_same_card_twice_changes_nothing() {
    let desk = Desk::new();
    let card = desk.card_file(&desk.acme);
    desk.contacts_ok(&["add", &card]);
    desk.contacts_ok(&["verify", "Acme GmbH"]);
    let before = desk.book_text();
    let stdout = desk.contacts_ok(&["add", &card]);
    assert!(stdout.contains("known: Acme GmbH"), "{stdout}");
    desk.contacts_ok(&["add", &field(&desk.acme.keygen_stdout, "card")]);
    assert_eq!(desk.book_text(), before);

    // The same keys under a new name and a local name: updated, still verified.
    let renamed = desk.renamed(&desk.acme, "Acme Holding GmbH");
    let renamed_card = field(&ok(&["card", "-i", &renamed]), "card");
    let stdout = desk.contacts_ok(&["add", &renamed_card, "--name", "Acme"]);
    assert!(
        stdout.contains("updated: Acme (card: Acme Holding GmbH)"),
        "{stdout}"
    );
    let lines = contact_lines(&desk.book_text());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0][0], "verified");
    assert_eq!(lines[0][2], renamed_card);
    assert_eq!(lines[0][3], "Acme");
}

#[test]
fn another_key_under_a_known_name_is_refused() {
    let desk = Desk::new();
    desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    let before = desk.book_text();
    let lookalikes = [
        "ACME GMBH".to_owned(),
        format!("{CYRILLIC_A}cme GmbH"),
        "Acrne GmbH".to_owned(),
        // U+034F COMBINING GRAPHEME JOINER: invisible, and not a format character.
        format!("{CYRILLIC_A}c\u{34F}me GmbH"),
    ];
    for name in &lookalikes {
        let impostor = Party::new(&desk.tmp, name);
        let out = desk.contacts(&["add", &desk.card_file(&impostor)]);
        assert_fails(&out, &["already has another key"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("remove it first"), "{stderr}");
        assert!(stderr.contains(&desk.acme.fingerprint), "{stderr}");
    }
    // A local name counts too.
    let other = Party::new(&desk.tmp, "Other Ltd");
    let out = desk.contacts(&[
        "add",
        &desk.card_file(&other),
        "--name",
        &format!("{CYRILLIC_A}CME gmbh"),
    ]);
    assert_fails(&out, &["already has another key"]);
    assert_eq!(desk.book_text(), before);
}

#[test]
fn a_lookalike_with_a_cyrillic_letter_and_a_zero_width_joiner_is_caught() {
    let desk = Desk::new();
    desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    let before = desk.book_text();
    let name = format!("{CYRILLIC_A}c\u{200D}me GmbH");
    // No card can carry the joiner (SPEC §3.2): keygen refuses the name.
    let file = desk.tmp.fresh("zwj-identity");
    assert_fails(
        &run(&["keygen", "--name", &name, "-o", &file], None),
        &["[INVALID_INPUT]"],
    );
    assert!(!Path::new(&file).exists());
    // Nor can a local name.
    let other = Party::new(&desk.tmp, "Other Ltd");
    let out = desk.contacts(&["add", &desk.card_file(&other), "--name", &name]);
    assert_fails(&out, &["format characters"]);
    // Looked up, the name finds the contact it imitates, not another.
    let stdout = desk.contacts_ok(&["verify", &name]);
    assert_eq!(field(&stdout, "fingerprint"), desk.acme.fingerprint);
    assert_ne!(desk.book_text(), before);
    assert_eq!(contact_lines(&desk.book_text())[0][0], "verified");
}

#[test]
fn a_malformed_book_line_is_named_and_nothing_is_overwritten() {
    let desk = Desk::new();
    desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    let good = desk.book_text();
    let client_card = field(&desk.client.keygen_stdout, "card");
    let acme_card = field(&desk.acme.keygen_stdout, "card");
    let mut flipped = acme_card.clone();
    let at = flipped.len() - 5;
    let c = if &flipped[at..at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    flipped.replace_range(at..at + 1, c);
    let line = good.lines().count() + 1;
    let bad_lines = [
        format!("trusted\t2026-12-01\t{client_card}"),
        format!("verified\t2026-13\t{client_card}"),
        format!("verified 2026-12-01 {client_card}"),
        "verified\t2026-12-01\tage1qqqq".to_owned(),
        format!("verified\t2026-12-01\t{flipped}"),
        format!("verified\t2026-12-01\t{client_card}\t"),
        format!("verified\t2026-12-01\t{client_card}\tname\textra"),
        format!("verified\t2026-12-01\t{acme_card}"),
    ];
    let envelope = desk.seal_from(&desk.acme.file);
    for bad in &bad_lines {
        let text = format!("{good}{bad}\n# a comment\n");
        std::fs::write(&desk.book, &text).unwrap();
        let needle = format!("line {line}");
        let out = desk.contacts(&["add", &desk.card_file(&desk.client)]);
        assert_fails(&out, &[&needle]);
        assert_fails(&desk.contacts(&["list"]), &[&needle]);
        assert_fails(&desk.contacts(&["remove", "Acme GmbH"]), &[&needle]);
        assert_eq!(desk.book_text(), text, "nothing is overwritten");
        // Open refuses too, before it decrypts anything.
        let (out, dir) = desk.open(&envelope, &[]);
        assert_fails(&out, &[&needle]);
        assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
    }
    std::fs::write(&desk.book, b"verified\t2026-12-01\t\xff\n").unwrap();
    assert_fails(&desk.contacts(&["list"]), &["not UTF-8"]);
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_old_book() {
    let desk = Desk::new();
    desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    let before = desk.book_text();
    // No file may grow past 0 bytes (even for root); the signal that would kill the
    // process is ignored, so writes fail with EFBIG.
    let card = desk.card_file(&desk.client);
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_sealbill"),
            "--contacts",
            &desk.book,
            "contacts",
            "add",
            &card,
        ])
        .output()
        .unwrap();
    assert_fails(&out, &["cannot"]);
    assert_eq!(desk.book_text(), before);
    let dir = Path::new(&desk.book).parent().unwrap();
    assert_eq!(entries(dir), ["contacts.txt"], "the temporary file is gone");
}

#[test]
fn seal_to_a_contact_by_name() {
    let desk = Desk::new();
    // The sender's book holds the client.
    desk.contacts_ok(&["add", &desk.card_file(&desk.client)]);
    let envelope = desk.tmp.fresh("envelope");
    let seal = |to: &str, output: &str| {
        run(
            &[
                "seal",
                "--contacts",
                &desk.book,
                "-i",
                &desk.acme.file,
                "--to",
                to,
                &desk.invoice,
                "-o",
                output,
            ],
            None,
        )
    };
    let out = seal("client ag", &envelope);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("not verified yet"), "{stderr}");
    // The client opens it.
    let dir = desk.tmp.fresh("out");
    ok(&["open", "-i", &desk.client.file, &envelope, "-o", &dir]);
    assert_eq!(entries(Path::new(&dir)), ["invoice.xml"]);

    // Verified contacts are sealed to without a note; a fingerprint names one too.
    desk.contacts_ok(&["verify", "Client AG"]);
    let out = seal(&desk.client.fingerprint, &desk.tmp.fresh("envelope"));
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not verified"));

    // Unknown and ambiguous names are errors, and nothing is written.
    let unknown = desk.tmp.fresh("envelope");
    assert_fails(&seal("Nobody GmbH", &unknown), &["no contact"]);
    assert!(!Path::new(&unknown).exists());
    // A hand-edited book with two lookalike names for two keys.
    let twin = Party::new(&desk.tmp, "CLIENT AG");
    let mut text = desk.book_text();
    text.push_str(&format!(
        "unverified\t2026-12-01\t{}\n",
        field(&twin.keygen_stdout, "card")
    ));
    std::fs::write(&desk.book, text).unwrap();
    let ambiguous = desk.tmp.fresh("envelope");
    assert_fails(&seal("Client AG", &ambiguous), &["matches 2 contacts"]);
    assert!(!Path::new(&ambiguous).exists());
    // No book at all: the name is not a recipient.
    let nowhere = desk.tmp.path("no/contacts.txt");
    let out = run(
        &[
            "seal",
            "--contacts",
            &nowhere,
            "-i",
            &desk.acme.file,
            "--to",
            "Client AG",
            &desk.invoice,
            "-o",
            &desk.tmp.fresh("envelope"),
        ],
        None,
    );
    assert_fails(&out, &["no contact"]);
}

#[test]
fn open_tells_known_unverified_and_new_senders() {
    let desk = Desk::new();
    let envelope = desk.seal_from(&desk.acme.file);

    // No book: as before, plus the new-sender line with the card to add.
    let stderr = desk.open_ok(&envelope, &[]);
    let card = field(&desk.acme.keygen_stdout, "card");
    assert!(stderr.contains("new sender"), "{stderr}");
    assert!(
        stderr.contains(&format!("sealbill contacts add {card}")),
        "{stderr}"
    );
    assert!(
        !Path::new(&desk.book).exists(),
        "open never writes the book"
    );

    desk.contacts_ok(&["add", &card]);
    let stderr = desk.open_ok(&envelope, &[]);
    assert!(
        stderr.contains("contact: Acme GmbH, known but not verified yet"),
        "{stderr}"
    );

    desk.contacts_ok(&["verify", "Acme GmbH"]);
    let stderr = desk.open_ok(&envelope, &[]);
    assert!(
        stderr.contains("contact: Acme GmbH, known and verified"),
        "{stderr}"
    );

    // The known key under another name is a note, not a block.
    let renamed = desk.seal_from(&desk.renamed(&desk.acme, "Acme Holding"));
    let stderr = desk.open_ok(&renamed, &[]);
    assert!(
        stderr.contains("note: this key is your contact Acme GmbH (verified)"),
        "{stderr}"
    );

    // Someone else entirely.
    let other = Party::new(&desk.tmp, "Other Ltd");
    let stderr = desk.open_ok(&desk.seal_from(&other.file), &[]);
    assert!(stderr.contains("new sender"), "{stderr}");
}

#[test]
fn another_key_under_a_contact_name_blocks_open() {
    let desk = Desk::new();
    desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    desk.contacts_ok(&["verify", "Acme GmbH"]);
    let before = desk.book_text();
    let elsewhere = TempDir::new();
    for name in [
        "Acme GmbH".to_owned(),
        format!("{CYRILLIC_A}cme GmbH"),
        format!("{CYRILLIC_A}c\u{34F}me GmbH"),
        "ACME GMBH".to_owned(),
    ] {
        let impostor = Party::new(&elsewhere, &name);
        let envelope = desk.seal_from(&impostor.file);
        // Refused, with both fingerprints, and nothing written.
        let (out, dir) = desk.open(&envelope, &[]);
        assert_fails(&out, &["[CHANGED_KEY]"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&impostor.fingerprint), "{stderr}");
        assert!(stderr.contains(&desk.acme.fingerprint), "{stderr}");
        assert!(stderr.contains("--accept-changed-key"), "{stderr}");
        assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
        // A pinned fingerprint does not lift the block: the decision is its own flag.
        let (out, dir) = desk.open(&envelope, &["--expect-sender", &impostor.fingerprint]);
        assert_fails(&out, &["[CHANGED_KEY]"]);
        assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
        // The explicit decision opens it, and says so; the book stays as it was.
        let stderr = desk.open_ok(&envelope, &["--accept-changed-key"]);
        assert!(stderr.contains("warning: accepted another key"), "{stderr}");
        assert_eq!(desk.book_text(), before);
    }
    // A known contact signing under another contact's name is blocked too.
    desk.contacts_ok(&["add", &desk.card_file(&desk.client)]);
    let client_as_acme = desk.seal_from(&desk.renamed(&desk.client, "Acme GmbH"));
    let (out, dir) = desk.open(&client_as_acme, &[]);
    assert_fails(&out, &["[CHANGED_KEY]"]);
    assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
}

/// The test kit's envelope whose sender card (validly self-signed) has U+202E in its name.
#[test]
fn a_sender_name_with_a_format_character_is_malformed() {
    let desk = Desk::new();
    desk.contacts_ok(&["add", &desk.card_file(&desk.acme)]);
    let raw = include_bytes!("../../tests/vectors/sealbill/sender-name-right-to-left-override");
    let split = raw.windows(2).position(|w| w == b"\n\n").unwrap();
    let header = std::str::from_utf8(&raw[..split]).unwrap();
    let seed_hex = field(header, "seed");
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    for (i, byte) in seed.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&seed_hex[2 * i..2 * i + 2], 16).unwrap();
    }
    let reader = sealbill::Identity::from_seed("Client AG", seed).unwrap();
    let identity = desk
        .tmp
        .write("reader.identity", reader.to_text().as_bytes());
    let envelope = desk.tmp.write("rlo.age", &raw[split + 2..]);
    let dir = desk.tmp.fresh("out");
    let out = run(
        &[
            "open",
            "--contacts",
            &desk.book,
            "-i",
            &identity,
            &envelope,
            "-o",
            &dir,
        ],
        None,
    );
    assert_fails(&out, &["[MALFORMED]"]);
    assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
}
