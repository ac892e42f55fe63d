//! Black-box tests of the `sealbill` binary: keygen, card, seal, open and decrypt.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::path::{Path, PathBuf};

use common::{
    assert_fails, entries, field, ok, random_bytes, run, succeed, Party, TempDir, INVOICE,
};

const INVOICE_JSON: &[u8] = include_bytes!("../../invoice/tests/invoices/valid/standard.json");
const INVOICE_ID: &str = "INV-2026-0042";
const INVOICE_NUMBER: &str = "2026-0042";
const SENDER_NAME: &str = "Acme GmbH";
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
const PAYLOAD_MAGIC: &[u8] = b"sealbill/payload/v1\n";

/// A sender, a client, a third party, and an envelope from the sender to the client.
struct World {
    tmp: TempDir,
    sender: Party,
    client: Party,
    third: Party,
    attachment: Vec<u8>,
    envelope: String,
}

impl World {
    fn new(armor: bool) -> World {
        let tmp = TempDir::new();
        let sender = Party::new(&tmp, SENDER_NAME);
        let client = Party::new(&tmp, "Client AG");
        let third = Party::new(&tmp, "Eve");
        let card = tmp.write("client.card", client.keygen_stdout.as_bytes());
        let invoice = tmp.write("invoice.xml", INVOICE);
        let attachment = random_bytes(200 * 1024);
        let attach = tmp.write("attachment.bin", &attachment);
        let envelope = tmp.path("invoice.age");
        let mut args = vec![
            "seal",
            "-i",
            &sender.file,
            "--to",
            &card,
            "--attach",
            &attach,
            "--id",
            INVOICE_ID,
            &invoice,
            "-o",
            &envelope,
        ];
        if armor {
            args.push("--armor");
        }
        ok(&args);
        World {
            tmp,
            sender,
            client,
            third,
            attachment,
            envelope,
        }
    }

    fn envelope_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.envelope).unwrap()
    }

    /// Opens `file` as `who` into a fresh directory, expects success, checks the documents.
    fn open_ok(&self, who: &Party, file: &str) -> String {
        let dir = self.tmp.fresh("out");
        let stdout = ok(&[
            "open",
            "-i",
            &who.file,
            "--expect-sender",
            &self.sender.fingerprint,
            file,
            "-o",
            &dir,
        ]);
        let dir = Path::new(&dir);
        assert_eq!(entries(dir), ["attachment.bin", "invoice.xml"]);
        assert_eq!(std::fs::read(dir.join("invoice.xml")).unwrap(), INVOICE);
        assert_eq!(
            std::fs::read(dir.join("attachment.bin")).unwrap(),
            self.attachment
        );
        stdout
    }

    /// Opens `file` as `who` (with `extra` options) into a fresh directory and expects a
    /// failure naming `needles`, with nothing left in the directory.
    fn open_fails(&self, who: &str, extra: &[&str], file: &str, needles: &[&str]) {
        let dir = self.tmp.fresh("out");
        let mut args = vec!["open", "-i", who];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[file, "-o", &dir]);
        assert_fails(&run(&args, None), needles);
        assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
    }

    /// Decrypts `file` as `who` into a file of a fresh directory and expects a failure naming
    /// `needles`, with nothing left in the directory.
    fn decrypt_fails(&self, who: &str, file: &str, needles: &[&str]) {
        let dir = self.tmp.fresh("plain");
        std::fs::create_dir(&dir).unwrap();
        let out = format!("{dir}/plain.bin");
        assert_fails(
            &run(&["decrypt", "-i", who, "-o", &out, file], None),
            needles,
        );
        assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
    }

    /// Both `open` and `decrypt` of the age file `bytes`, as the client, fail with one of
    /// `needles`.
    fn client_fails(&self, bytes: &[u8], needles: &[&str]) {
        let file = self.tmp.write(&self.tmp.unique("bad"), bytes);
        self.open_fails(&self.client.file, &[], &file, needles);
        self.decrypt_fails(&self.client.file, &file, needles);
    }

    /// The client's view of the decrypted payload of the genuine envelope.
    fn payload(&self) -> Vec<u8> {
        let client = self.client.library();
        let plain = sealbill::age::decrypt(
            std::slice::from_ref(client.age_identity()),
            &self.envelope_bytes(),
        )
        .unwrap();
        plain.to_vec()
    }

    /// Writes an age file of `plaintext` encrypted to `recipients`.
    fn reencrypt(&self, recipients: &[&Party], plaintext: &[u8]) -> String {
        let recipients: Vec<_> = recipients.iter().map(|p| p.library().recipient()).collect();
        let bytes = sealbill::age::encrypt(&recipients, plaintext, sealbill::age::Encoding::Binary)
            .unwrap();
        self.tmp.write(&self.tmp.unique("forged"), &bytes)
    }
}

fn check_round_trip(armor: bool) {
    let world = World::new(armor);
    let bytes = world.envelope_bytes();
    assert_eq!(bytes.starts_with(ARMOR_BEGIN), armor);
    for who in [&world.client, &world.sender] {
        let stdout = world.open_ok(who, &world.envelope);
        assert!(stdout.contains(INVOICE_ID), "{stdout}");
        assert!(stdout.contains(SENDER_NAME), "{stdout}");
        assert!(stdout.contains(&world.sender.fingerprint), "{stdout}");
    }
}

#[test]
fn round_trip_binary() {
    check_round_trip(false);
}

#[test]
fn round_trip_armored() {
    check_round_trip(true);
}

#[test]
fn card_prints_the_keygen_lines() {
    let tmp = TempDir::new();
    let party = Party::new(&tmp, SENDER_NAME);
    let keys: Vec<&str> = party
        .keygen_stdout
        .lines()
        .map(|l| l.split_once(": ").unwrap().0)
        .collect();
    assert_eq!(keys, ["name", "fingerprint", "recipient", "card"]);
    assert_eq!(field(&party.keygen_stdout, "name"), SENDER_NAME);
    assert!(field(&party.keygen_stdout, "recipient").starts_with("age1"));
    assert!(field(&party.keygen_stdout, "card").starts_with(sealbill::CARD_TEXT_PREFIX));
    assert_eq!(ok(&["card", "-i", &party.file]), party.keygen_stdout);
}

#[test]
fn decrypt_envelope_from_file_and_stdin() {
    let world = World::new(false);
    let from_file = succeed(
        &["decrypt", "-i", &world.client.file, &world.envelope],
        None,
    );
    assert!(from_file.starts_with(PAYLOAD_MAGIC));
    assert_eq!(from_file, world.payload());
    let from_stdin = succeed(
        &["decrypt", "-i", &world.client.file],
        Some(&world.envelope_bytes()),
    );
    assert_eq!(from_stdin, from_file);
}

#[test]
fn decrypt_with_plain_age_identity_file() {
    let tmp = TempDir::new();
    let id = sealbill::age::Identity::generate();
    let other = sealbill::age::Identity::generate();
    let key_file = tmp.write(
        "keys.txt",
        format!(
            "# created: 2024-05-01T12:00:00Z\n# public key: {}\n\n{}\n\n# another\n{}\n",
            id.to_recipient(),
            other.to_bech32().as_str(),
            id.to_bech32().as_str(),
        )
        .as_bytes(),
    );
    let plaintext = random_bytes(100_000);
    for encoding in [
        sealbill::age::Encoding::Binary,
        sealbill::age::Encoding::Armored,
    ] {
        let armored = encoding == sealbill::age::Encoding::Armored;
        let bytes = sealbill::age::encrypt(&[id.to_recipient()], &plaintext, encoding).unwrap();
        assert_eq!(bytes.starts_with(ARMOR_BEGIN), armored);
        let file = tmp.write(&format!("plain-{armored}.age"), &bytes);
        assert_eq!(
            succeed(&["decrypt", "-i", &key_file, &file], None),
            plaintext
        );
        assert_eq!(
            succeed(&["decrypt", "-i", &key_file], Some(&bytes)),
            plaintext
        );
        let target = tmp.path(&format!("plain-{armored}.bin"));
        ok(&["decrypt", "-i", &key_file, "-o", &target, &file]);
        assert_eq!(std::fs::read(&target).unwrap(), plaintext);
    }
}

#[test]
fn wrong_key() {
    let world = World::new(false);
    let needles = &["[WRONG_KEY]"];
    world.open_fails(&world.third.file, &[], &world.envelope, needles);
    world.decrypt_fails(&world.third.file, &world.envelope, needles);
}

#[test]
fn tampered_payload() {
    let world = World::new(false);
    let mut bytes = world.envelope_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    world.client_fails(&bytes, &["[TAMPERED]"]);
}

/// The length of the binary age header, through the newline after the MAC.
fn header_len(bytes: &[u8]) -> usize {
    let mac = bytes.windows(4).position(|w| w == b"--- ").unwrap();
    mac + bytes[mac..].iter().position(|b| *b == b'\n').unwrap() + 1
}

#[test]
fn tampered_header() {
    let world = World::new(false);
    let bytes = world.envelope_bytes();
    // Header lines: the version, the client's stanza (arguments, body), the sender's stanza
    // (the sender's recipient comes last), and the MAC. One character three quarters into
    // the line (inside its base64, never its last character) becomes another base64 one.
    let lines = [
        "[MALFORMED]",
        "[WRONG_KEY]",
        "[WRONG_KEY]",
        "[TAMPERED]",
        "[TAMPERED]",
        "[TAMPERED]",
    ];
    let mut start = 0;
    for code in lines {
        let len = bytes[start..].iter().position(|b| *b == b'\n').unwrap();
        let at = start + len * 3 / 4;
        let mut bad = bytes.clone();
        bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
        world.client_fails(&bad, &[code]);
        start += len + 1;
    }
    assert_eq!(start, header_len(&bytes));
}

#[test]
fn truncated_envelope() {
    let world = World::new(false);
    let bytes = world.envelope_bytes();
    let header = header_len(&bytes);
    let first_chunk_end = header + 16 + sealbill::age::CHUNK_SIZE + 16;
    for (len, code) in [
        (0, "[TRUNCATED]"),
        (header / 2, "[TRUNCATED]"),
        (header - 1, "[TRUNCATED]"),
        (header + 16, "[TRUNCATED]"),
        (first_chunk_end, "[TRUNCATED]"),
        (first_chunk_end + 100, "[TAMPERED]"),
        (bytes.len() / 2, "[TAMPERED]"),
        (bytes.len() - 1, "[TAMPERED]"),
    ] {
        world.client_fails(&bytes[..len], &[code]);
    }
}

#[test]
fn truncated_inside_the_payload_nonce() {
    let world = World::new(false);
    let bytes = world.envelope_bytes();
    let header = header_len(&bytes);
    for len in [header, header + 8, header + 15] {
        world.client_fails(&bytes[..len], &["[TRUNCATED]"]);
    }
}

#[test]
fn not_an_age_file() {
    let world = World::new(false);
    world.client_fails(b"Just some notes, not encrypted.\n", &["[MALFORMED]"]);
}

#[test]
fn unreadable_identity_files() {
    let world = World::new(false);
    let text = std::fs::read_to_string(&world.client.file).unwrap();
    let key_line = text.lines().last().unwrap();
    let mut flipped = key_line.to_owned();
    flipped.replace_range(30..31, if &key_line[30..31] == "Q" { "P" } else { "Q" });
    let age_key = sealbill::age::Identity::generate().to_bech32();
    let cases = [
        world.tmp.write("garbage.identity", b"hello, world\n"),
        world.tmp.path("missing.identity"),
        world.tmp.write(
            "corrupted.identity",
            text.replace(key_line, &flipped).as_bytes(),
        ),
        world.tmp.write(
            "corrupted-age.txt",
            format!("# created\n{}\n", &age_key[..age_key.len() - 1]).as_bytes(),
        ),
    ];
    let invoice = world.tmp.path("invoice.xml");
    let recipient = field(&world.client.keygen_stdout, "recipient");
    for bad in &cases {
        let needles = &[bad.as_str()];
        world.open_fails(bad, &[], &world.envelope, needles);
        world.decrypt_fails(bad, &world.envelope, needles);
        assert_fails(&run(&["card", "-i", bad], None), needles);
        let sealed = world.tmp.fresh("sealed");
        let seal = [
            "seal", "-i", bad, "--to", &recipient, &invoice, "-o", &sealed,
        ];
        assert_fails(&run(&seal, None), needles);
        assert!(!Path::new(&sealed).exists());
    }
}

#[test]
fn unexpected_sender() {
    let world = World::new(false);
    let pin = ["--expect-sender", world.client.fingerprint.as_str()];
    world.open_fails(
        &world.client.file,
        &pin,
        &world.envelope,
        &["[UNEXPECTED_SENDER]"],
    );
}

#[test]
fn malformed_fingerprint() {
    let world = World::new(false);
    let too_short = &world.sender.fingerprint[..world.sender.fingerprint.len() - 1];
    for bad in ["12345", "not a fingerprint", too_short] {
        let pin = ["--expect-sender", bad];
        world.open_fails(&world.client.file, &pin, &world.envelope, &["[MALFORMED]"]);
    }
}

#[test]
fn bad_signature() {
    let world = World::new(false);
    let mut payload = world.payload();
    *payload.last_mut().unwrap() ^= 0x01;
    let forged = world.reencrypt(&[&world.client, &world.sender], &payload);
    world.open_fails(&world.client.file, &[], &forged, &["[BAD_SIGNATURE]"]);
}

#[test]
fn not_for_you() {
    let world = World::new(false);
    let forwarded = world.reencrypt(&[&world.third, &world.sender], &world.payload());
    world.open_fails(&world.third.file, &[], &forwarded, &["[NOT_FOR_YOU]"]);
}

#[test]
fn open_never_overwrites() {
    let world = World::new(false);
    let dir = world.tmp.fresh("out");
    std::fs::create_dir(&dir).unwrap();
    let existing = Path::new(&dir).join("invoice.xml");
    std::fs::write(&existing, b"mine").unwrap();
    let out = run(
        &[
            "open",
            "-i",
            &world.client.file,
            &world.envelope,
            "-o",
            &dir,
        ],
        None,
    );
    assert_fails(&out, &["already exists"]);
    assert_eq!(std::fs::read(&existing).unwrap(), b"mine");
    assert_eq!(entries(Path::new(&dir)), ["invoice.xml"]);
}

#[test]
fn keygen_never_overwrites_and_is_private() {
    let tmp = TempDir::new();
    let party = Party::new(&tmp, SENDER_NAME);
    let before = std::fs::read(&party.file).unwrap();
    let out = run(&["keygen", "--name", "Other", "-o", &party.file], None);
    assert_fails(&out, &[party.file.as_str()]);
    assert_eq!(std::fs::read(&party.file).unwrap(), before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&party.file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// Seals a JSON invoice with no `--id`, opens it with `--cii`, and returns the output directory
/// and the open command's standard output.
fn seal_and_open_json(world: &World, json: &[u8]) -> (PathBuf, String) {
    let invoice = world.tmp.write(&world.tmp.unique("inv"), json);
    let envelope = world.tmp.fresh("json-envelope");
    let card = world.tmp.write(
        &world.tmp.unique("card"),
        world.client.keygen_stdout.as_bytes(),
    );
    ok(&[
        "seal",
        "-i",
        &world.sender.file,
        "--to",
        &card,
        &invoice,
        "-o",
        &envelope,
    ]);
    let dir = world.tmp.fresh("json-out");
    let stdout = ok(&[
        "open",
        "-i",
        &world.client.file,
        &envelope,
        "-o",
        &dir,
        "--cii",
    ]);
    (PathBuf::from(dir), stdout)
}

#[test]
fn a_json_invoice_is_sealed_as_ubl_and_opens_with_its_cii_form() {
    let world = World::new(false);
    let (dir, stdout) = seal_and_open_json(&world, INVOICE_JSON);
    let names = entries(&dir);
    assert_eq!(names.len(), 2, "{names:?}");
    let xml_name = names.iter().find(|n| !n.ends_with(".cii.xml")).unwrap();
    // The UBL original is exactly what the library builds from the JSON.
    assert_eq!(std::fs::read(dir.join(xml_name)).unwrap(), INVOICE);
    let cii = std::fs::read(dir.join(xml_name.replace(".xml", ".cii.xml"))).unwrap();
    let read = sealbill_invoice::read(&cii).unwrap();
    assert!(!read.is_ubl && read.is_valid());
    assert_eq!(
        read.invoice,
        sealbill_invoice::read(INVOICE).unwrap().invoice,
        "the CII form states the same invoice"
    );
    for needle in [
        &format!("verified: invoice {INVOICE_NUMBER} from {SENDER_NAME}"),
        "payable: 2605.98 EUR",
        "pay to IBAN: DE02120300000000202051",
        "seller: Muster Design GmbH",
    ] {
        assert!(stdout.contains(needle), "{needle} not in {stdout}");
    }
}

#[test]
fn an_invalid_invoice_is_not_sealed() {
    let world = World::new(false);
    let recipient = field(&world.client.keygen_stdout, "recipient");
    let no_due_date = String::from_utf8(INVOICE_JSON.to_vec())
        .unwrap()
        .replace("\"dueDate\": \"2026-12-08\",", "")
        .replace("\"paymentTerms\": \"14 days net\",", "")
        .replace("\"vatRate\": \"7\"", "\"vatRate\": \"0\"");
    let toy_xml = b"<?xml version=\"1.0\"?>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><ID>1</ID></Invoice>";
    let cii = sealbill_invoice::to_cii(INVOICE).unwrap();
    let cases: [(&[u8], &[&str]); 5] = [
        (
            no_due_date.as_bytes(),
            &[
                "[BR-CO-25]",
                "[BR-S-05] lines[2].vatRate",
                "[INVALID_INVOICE]",
            ],
        ),
        (toy_xml, &["[INVALID_INVOICE]", "[BR-01]"]),
        (cii.as_bytes(), &["[NOT_UBL]", "invoice convert --to ubl"]),
        (
            include_bytes!("../../invoice/tests/invoices/hostile/billion-laughs.xml"),
            &["DTD", "[BAD_XML]"],
        ),
        (b"{\"number\": 1}", &["not a sealbill invoice object"]),
    ];
    for (bytes, needles) in cases {
        let invoice = world.tmp.write(&world.tmp.unique("bad-invoice"), bytes);
        let sealed = world.tmp.fresh("sealed");
        let out = run(
            &[
                "seal",
                "-i",
                &world.sender.file,
                "--to",
                &recipient,
                &invoice,
                "-o",
                &sealed,
            ],
            None,
        );
        // Every problem on its own line, then the one-line failure.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr.lines().last().unwrap().starts_with("sealbill: "),
            "{stderr}"
        );
        for needle in needles {
            assert!(stderr.contains(needle), "{needle} not in {stderr}");
        }
        assert!(!Path::new(&sealed).exists());
        // `invoice check` agrees, except that a valid CII invoice is a valid invoice.
        let out = run(&["invoice", "check", &invoice], None);
        assert_eq!(
            out.status.success(),
            needles.contains(&"[NOT_UBL]"),
            "{needles:?}"
        );
    }
}

#[test]
fn invoice_check_lists_problems_and_passes_valid_invoices() {
    let tmp = TempDir::new();
    let json = tmp.write("standard.json", INVOICE_JSON);
    let xml = tmp.write("standard.xml", INVOICE);
    assert!(ok(&["invoice", "check", &json]).contains("valid EN 16931"));
    let stdout = ok(&["invoice", "check", &xml]);
    assert!(stdout.contains("payable: 2605.98 EUR"), "{stdout}");
    let broken = String::from_utf8(INVOICE_JSON.to_vec())
        .unwrap()
        .replace("\"country\": \"DE\"", "\"country\": \"XX\"");
    let broken = tmp.write("broken.json", broken.as_bytes());
    let out = run(&["invoice", "check", &broken], None);
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("error [BR-CL-14] seller.address.country"),
        "{stdout}"
    );
    assert!(
        stdout.contains("error [BR-CL-14] buyer.address.country"),
        "{stdout}"
    );
}

/// The standard invoice as an XRechnung for a German authority: a Leitweg-ID as buyer reference.
fn xrechnung_json() -> String {
    String::from_utf8(INVOICE_JSON.to_vec()).unwrap().replacen(
        "\"buyerReference\": \"PO-7781\",",
        "\"profile\": \"xrechnung\", \"buyerReference\": \"991-01234-56\", \
         \"delivery\": { \"date\": \"2026-11-20\" },",
        1,
    )
}

#[test]
fn an_xrechnung_invoice_is_sealed_under_its_own_rules_and_opens() {
    let world = World::new(false);
    let json = xrechnung_json();
    let (dir, stdout) = seal_and_open_json(&world, json.as_bytes());
    let names = entries(&dir);
    let xml_name = names.iter().find(|n| !n.ends_with(".cii.xml")).unwrap();
    let xml = std::fs::read(dir.join(xml_name)).unwrap();
    let read = sealbill_invoice::read_valid_ubl(&xml).unwrap();
    assert_eq!(read.profile, sealbill_invoice::Profile::Xrechnung);
    assert!(String::from_utf8_lossy(&xml).contains("urn:xeinkauf.de:kosit:xrechnung_3.0"));
    assert_eq!(
        read.invoice.delivery.and_then(|d| d.date).as_deref(),
        Some("2026-11-20")
    );
    assert!(stdout.contains("payable: 2605.98 EUR"), "{stdout}");
    // A UBL XRechnung is sealed as it is.
    let ubl = world.tmp.write(&world.tmp.unique("xr"), &xml);
    let out = ok(&["invoice", "check", &ubl]);
    assert!(
        out.contains("valid EN 16931 invoice (XRechnung 3.0)"),
        "{out}"
    );
    let (dir, _) = seal_and_open_json(&world, &xml);
    let names = entries(&dir);
    let name = names.iter().find(|n| !n.ends_with(".cii.xml")).unwrap();
    assert_eq!(std::fs::read(dir.join(name)).unwrap(), xml);
}

#[test]
fn invoice_check_takes_a_profile() {
    let tmp = TempDir::new();
    let json = tmp.write("standard.json", INVOICE_JSON);
    let xml = tmp.write("standard.xml", INVOICE);
    assert!(ok(&["invoice", "check", &json]).contains("(Peppol BIS Billing 3.0)"));
    assert!(ok(&["invoice", "check", "--profile", "en16931", &json]).contains("(EN 16931)"));
    // An e-mail address is fine in plain EN 16931, not in Peppol BIS 3.
    let email = String::from_utf8(INVOICE_JSON.to_vec()).unwrap().replace(
        "{ \"id\": \"DE987654321\", \"scheme\": \"9930\" }",
        "{ \"id\": \"buyer@example.com\", \"scheme\": \"EM\" }",
    );
    let email = tmp.write("email.json", email.as_bytes());
    assert!(ok(&["invoice", "check", "--profile", "en16931", &email]).contains("valid"));
    let out = run(&["invoice", "check", &email], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid under the Peppol BIS Billing 3.0 rules"),
        "{stderr}"
    );
    // The UBL claims Peppol; checked as XRechnung it misses its BT-24 only as a warning.
    let out = ok(&["invoice", "check", "--profile", "xrechnung", &xml]);
    assert!(
        out.contains("the invoice claims Peppol BIS Billing 3.0; checked as XRechnung 3.0"),
        "{out}"
    );
    // An unknown BT-24 is said, and checked as plain EN 16931.
    let old_id = String::from_utf8(INVOICE.to_vec()).unwrap().replace(
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
        "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.0",
    );
    let old_id = tmp.write("old-id.xml", old_id.as_bytes());
    let out = ok(&["invoice", "check", &old_id]);
    assert!(
        out.contains("a specification sealbill does not know"),
        "{out}"
    );
    assert!(out.contains("valid EN 16931 invoice (EN 16931)"), "{out}");
    let out = run(&["invoice", "check", "--profile", "zugferd", &json], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("peppol"));
}

#[test]
fn invoice_convert_moves_between_json_ubl_and_cii_without_loss() {
    let tmp = TempDir::new();
    let json = tmp.write("standard.json", INVOICE_JSON);
    let ubl = tmp.path("out.xml");
    let cii = tmp.path("out.cii.xml");
    let back = tmp.path("back.json");
    let again = tmp.path("again.xml");
    succeed(
        &["invoice", "convert", "--to", "ubl", &json, "-o", &ubl],
        None,
    );
    assert_eq!(
        std::fs::read(&ubl).unwrap(),
        INVOICE,
        "JSON builds the UBL seal does"
    );
    succeed(
        &["invoice", "convert", "--to", "cii", &ubl, "-o", &cii],
        None,
    );
    succeed(
        &["invoice", "convert", "--to", "json", &cii, "-o", &back],
        None,
    );
    let object: sealbill_invoice::PlainInvoice =
        serde_json::from_slice(&std::fs::read(&back).unwrap()).unwrap();
    assert_eq!(object, sealbill_invoice::read(INVOICE).unwrap().invoice);
    succeed(
        &["invoice", "convert", "--to", "ubl", &back, "-o", &again],
        None,
    );
    assert_eq!(std::fs::read(&again).unwrap(), INVOICE);
    // Plain-words refusals: an existing output, an unknown target, an invalid JSON invoice.
    let out = run(
        &["invoice", "convert", "--to", "ubl", &json, "-o", &ubl],
        None,
    );
    assert!(!out.status.success());
    assert!(!Path::new(&tmp.path("x.pdf")).exists());
    let out = run(
        &[
            "invoice",
            "convert",
            "--to",
            "pdf",
            &json,
            "-o",
            &tmp.path("x.pdf"),
        ],
        None,
    );
    assert!(!out.status.success());
    let broken = String::from_utf8(INVOICE_JSON.to_vec())
        .unwrap()
        .replace("\"vatRate\": \"7\"", "\"vatRate\": \"0\"");
    let broken = tmp.write("broken.json", broken.as_bytes());
    let out = run(
        &[
            "invoice",
            "convert",
            "--to",
            "cii",
            &broken,
            "-o",
            &tmp.path("b.xml"),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for needle in ["[BR-S-05] lines[2].vatRate", "[INVALID_INVOICE]"] {
        assert!(stderr.contains(needle), "{needle} not in {stderr}");
    }
    assert!(!Path::new(&tmp.path("b.xml")).exists());
}
