//! Interop with the reference Rust age implementation (the `age` crate, rage), both ways:
//! files, armor, sealed invoices and key strings made by one side are read by the other.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::{Read, Write};
use std::str::FromStr;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::ExposeSecret;
use sealbill::age as sb;
use sealbill::{Document, Error};

/// Around the 64 KiB STREAM chunk boundary, plus empty, tiny and multi-chunk payloads.
const SIZES: [usize; 6] = [0, 1, 65535, 65536, 65537, 200_000];

const BINARY_PREFIX: &[u8] = b"age-encryption.org/v1\n";
const ARMOR_PREFIX: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
const MAGIC: &[u8] = b"sealbill/payload/v1\n";

/// A payload with no repeating 64 KiB pattern, so swapped or dropped chunks would show.
fn payload(len: usize, salt: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8) ^ ((i >> 8) as u8).wrapping_mul(31) ^ ((i >> 16) as u8) ^ salt)
        .collect()
}

fn check_framing(file: &[u8], armored: bool) {
    if armored {
        assert!(file.starts_with(ARMOR_PREFIX), "not armored");
    } else {
        assert!(file.starts_with(BINARY_PREFIX), "not a binary age file");
    }
}

/// The age crate's view of one of our identities, via the `AGE-SECRET-KEY-1…` string.
fn to_rage_identity(identity: &sb::Identity) -> age::x25519::Identity {
    age::x25519::Identity::from_str(identity.to_bech32().as_str()).unwrap()
}

/// Decrypts with the age crate; the armor is detected as `age -d` does.
fn rage_decrypt(identity: &age::x25519::Identity, file: &[u8]) -> Result<Vec<u8>, String> {
    let decryptor = age::Decryptor::new(ArmoredReader::new(file)).map_err(|e| e.to_string())?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    reader.read_to_end(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

fn encoding(armored: bool) -> sb::Encoding {
    if armored {
        sb::Encoding::Armored
    } else {
        sb::Encoding::Binary
    }
}

/// Encrypts with the age crate, binary or armored.
fn rage_encrypt(recipients: &[age::x25519::Recipient], plaintext: &[u8], armored: bool) -> Vec<u8> {
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .unwrap();
    let format = if armored {
        Format::AsciiArmor
    } else {
        Format::Binary
    };
    let mut out = Vec::new();
    let armor = ArmoredWriter::wrap_output(&mut out, format).unwrap();
    let mut writer = encryptor.wrap_output(armor).unwrap();
    writer.write_all(plaintext).unwrap();
    writer.finish().and_then(ArmoredWriter::finish).unwrap();
    out
}

/// Decrypts with our push decryptor, in pieces that straddle every boundary.
fn sealbill_decrypt_in_pieces(
    identities: &[sb::Identity],
    file: &[u8],
    piece: usize,
) -> sealbill::Result<(Vec<u8>, usize, Option<sb::Recipient>)> {
    let mut decryptor = sb::Decryptor::new(identities);
    let mut out = Vec::new();
    for chunk in file.chunks(piece) {
        decryptor.push(chunk, &mut out)?;
    }
    let stanzas = decryptor.stanza_count();
    let matched = decryptor.matched_recipient();
    decryptor.finish(&mut out)?;
    Ok((out, stanzas, matched))
}

#[test]
fn sealbill_encrypts_age_crate_decrypts() {
    let ours = sb::Identity::generate();
    let theirs = to_rage_identity(&ours);
    assert_eq!(
        theirs.to_public().to_string(),
        ours.to_recipient().to_string()
    );
    let stranger = age::x25519::Identity::generate();
    for armored in [false, true] {
        for (n, &size) in SIZES.iter().enumerate() {
            let plain = payload(size, n as u8);
            let file = sb::encrypt(&[ours.to_recipient()], &plain, encoding(armored)).unwrap();
            check_framing(&file, armored);
            let back = rage_decrypt(&theirs, &file)
                .unwrap_or_else(|e| panic!("size {size} armored {armored}: {e}"));
            assert_eq!(back, plain, "size {size} armored {armored}");
            // The age crate must not open it with an unrelated key.
            assert!(rage_decrypt(&stranger, &file).is_err());
        }
    }
}

#[test]
fn sealbill_encrypts_to_several_recipients_age_crate_decrypts_each() {
    let a = sb::Identity::generate();
    let b = age::x25519::Identity::generate();
    let b_ours = sb::Recipient::from_str(&b.to_public().to_string()).unwrap();
    let plain = payload(70_000, 7);
    for armored in [false, true] {
        let file = sb::encrypt(&[a.to_recipient(), b_ours], &plain, encoding(armored)).unwrap();
        assert_eq!(rage_decrypt(&to_rage_identity(&a), &file).unwrap(), plain);
        assert_eq!(rage_decrypt(&b, &file).unwrap(), plain);
    }
}

#[test]
fn age_crate_rejects_tampered_sealbill_files() {
    let ours = sb::Identity::generate();
    let theirs = to_rage_identity(&ours);
    let file = sb::encrypt(
        &[ours.to_recipient()],
        &payload(65537, 1),
        sb::Encoding::Binary,
    )
    .unwrap();
    assert!(rage_decrypt(&theirs, &file).is_ok());
    // A flipped byte in the last chunk, in the header MAC line, and a truncated file.
    let mut last = file.clone();
    *last.last_mut().unwrap() ^= 1;
    assert!(rage_decrypt(&theirs, &last).is_err());
    let mac_at = file.windows(4).position(|w| w == b"--- ").unwrap() + 10;
    let mut mac = file.clone();
    mac[mac_at] = if mac[mac_at] == b'A' { b'B' } else { b'A' };
    assert!(rage_decrypt(&theirs, &mac).is_err());
    assert!(rage_decrypt(&theirs, &file[..file.len() - 17]).is_err());
}

#[test]
fn age_crate_encrypts_sealbill_decrypts() {
    let ours = sb::Identity::generate();
    let ours_for_rage = age::x25519::Recipient::from_str(&ours.to_recipient().to_string()).unwrap();
    let other = age::x25519::Identity::generate();
    let stranger = sb::Identity::generate();
    for armored in [false, true] {
        for (n, &size) in SIZES.iter().enumerate() {
            let plain = payload(size, 100 + n as u8);
            let file = rage_encrypt(&[other.to_public(), ours_for_rage.clone()], &plain, armored);
            check_framing(&file, armored);
            let what = format!("size {size} armored {armored}");

            let back = sb::decrypt(std::slice::from_ref(&ours), &file)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(back.as_slice(), plain.as_slice(), "{what}");

            // The same through the push API, in awkward pieces; the age crate adds one grease
            // stanza to the two recipient stanzas.
            for piece in [1, 7, 4096, 65_536 + 17] {
                if piece < 7 && size > 70_000 {
                    continue;
                }
                let (back, stanzas, matched) =
                    sealbill_decrypt_in_pieces(std::slice::from_ref(&ours), &file, piece)
                        .unwrap_or_else(|e| panic!("{what} piece {piece}: {e}"));
                assert_eq!(back, plain, "{what} piece {piece}");
                assert_eq!(stanzas, 3, "{what}");
                assert_eq!(matched, Some(ours.to_recipient()));
            }

            // A key the file was not encrypted to does not open it.
            assert_eq!(
                sb::decrypt(std::slice::from_ref(&stranger), &file).unwrap_err(),
                Error::NoMatch,
                "{what}"
            );
            // And the other recipient (the age crate's own) reads it too.
            assert_eq!(rage_decrypt(&other, &file).unwrap(), plain, "{what}");
        }
    }
}

#[test]
fn sealbill_decrypts_age_crate_files_with_any_grease() {
    // The age crate adds a random grease stanza (random tag, 0–4 args, 0–100 byte body) to
    // every file: many small files cover the stanza shapes our header parser must skip.
    let ours = sb::Identity::generate();
    let ours_for_rage = age::x25519::Recipient::from_str(&ours.to_recipient().to_string()).unwrap();
    for i in 0..300u32 {
        let plain = i.to_be_bytes();
        let file = rage_encrypt(std::slice::from_ref(&ours_for_rage), &plain, i % 2 == 1);
        let back = sb::decrypt(std::slice::from_ref(&ours), &file)
            .unwrap_or_else(|e| panic!("file {i}: {e}\n{}", String::from_utf8_lossy(&file)));
        assert_eq!(back.as_slice(), &plain);
    }
}

#[test]
fn sealbill_rejects_tampered_age_crate_files() {
    let ours = sb::Identity::generate();
    let ours_for_rage = age::x25519::Recipient::from_str(&ours.to_recipient().to_string()).unwrap();
    let file = rage_encrypt(&[ours_for_rage], &payload(65537, 3), false);
    assert!(sb::decrypt(std::slice::from_ref(&ours), &file).is_ok());
    let mut last = file.clone();
    *last.last_mut().unwrap() ^= 1;
    assert_eq!(
        sb::decrypt(std::slice::from_ref(&ours), &last).unwrap_err(),
        Error::PayloadTampered
    );
    assert_eq!(
        sb::decrypt(std::slice::from_ref(&ours), &file[..file.len() - 17]).unwrap_err(),
        Error::PayloadTruncated
    );
}

#[test]
fn sealed_invoice_opens_with_the_age_crate() {
    let sender = sealbill::Identity::generate("Acme GmbH").unwrap();
    let client = sealbill::Identity::generate("Client AG").unwrap();
    let stranger = sealbill::Identity::generate("Someone Else").unwrap();
    let invoice =
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice><ID>INV-2024-001</ID></Invoice>\n";
    let attachment = payload(100_000, 9);
    let documents = [
        Document {
            name: "invoice.xml".into(),
            media_type: "application/xml".into(),
            data: invoice.to_vec(),
        },
        Document {
            name: "timesheet.pdf".into(),
            media_type: "application/pdf".into(),
            data: attachment.clone(),
        },
    ];
    for armored in [false, true] {
        let options = sealbill::SealOptions {
            recipients: vec![client.recipient()],
            encoding: encoding(armored),
            ..sealbill::SealOptions::new("INV-2024-001", 1_700_000_000)
        };
        let envelope = sealbill::seal(&sender, &documents, &options)
            .unwrap()
            .envelope;
        check_framing(&envelope, armored);

        // Both the client and the sender (always a recipient) read it with plain age.
        for reader in [&client, &sender] {
            let key = to_rage_identity(reader.age_identity());
            let plain = rage_decrypt(&key, &envelope)
                .unwrap_or_else(|e| panic!("{} armored {armored}: {e}", reader.name()));
            assert!(plain.starts_with(MAGIC), "{}", reader.name());
            let find = |needle: &[u8]| plain.windows(needle.len()).any(|w| w == needle);
            assert!(find(invoice));
            assert!(find(&attachment));
        }
        let key = to_rage_identity(stranger.age_identity());
        assert!(rage_decrypt(&key, &envelope).is_err());

        // And the library itself agrees on the same bytes.
        let opened = sealbill::open(&[client.age_identity().clone()], &envelope, None).unwrap();
        assert_eq!(opened.documents, documents);
    }
}

#[test]
fn age_crate_identity_strings_parse_in_sealbill() {
    for _ in 0..20 {
        let theirs = age::x25519::Identity::generate();
        let text = theirs.to_string();
        let ours = sb::Identity::from_bech32(text.expose_secret()).unwrap();
        assert_eq!(
            ours.to_recipient().to_string(),
            theirs.to_public().to_string()
        );
        // Same key, same string back.
        assert_eq!(ours.to_bech32().as_str(), text.expose_secret());
        // Recipient strings too.
        let recipient = sb::Recipient::from_str(&theirs.to_public().to_string()).unwrap();
        assert_eq!(recipient, ours.to_recipient());
        assert_eq!(recipient.to_string(), theirs.to_public().to_string());
    }
}

#[test]
fn sealbill_identity_strings_parse_in_age_crate() {
    for _ in 0..20 {
        let ours = sb::Identity::generate();
        let text = ours.to_bech32();
        assert!(text.starts_with("AGE-SECRET-KEY-1"));
        let theirs = age::x25519::Identity::from_str(text.as_str()).unwrap();
        assert_eq!(
            theirs.to_public().to_string(),
            ours.to_recipient().to_string()
        );
        assert_eq!(theirs.to_string().expose_secret(), text.as_str());
        let recipient = age::x25519::Recipient::from_str(&ours.to_recipient().to_string()).unwrap();
        assert_eq!(recipient.to_string(), ours.to_recipient().to_string());
    }
}

#[test]
fn both_sides_reject_the_same_corrupted_key_strings() {
    let ours = sb::Identity::generate();
    let identity = ours.to_bech32().to_string();
    let recipient = ours.to_recipient().to_string();
    // One changed data character breaks the Bech32 checksum on both sides.
    let flip = |s: &str, at: usize| {
        let mut b = s.as_bytes().to_vec();
        b[at] = if b[at] == b'Q' || b[at] == b'q' {
            b[at] + 1
        } else if b[at].is_ascii_uppercase() {
            b'Q'
        } else {
            b'q'
        };
        String::from_utf8(b).unwrap()
    };
    let bad_identity = flip(&identity, 30);
    let bad_recipient = flip(&recipient, 20);
    assert!(sb::Identity::from_bech32(&bad_identity).is_err());
    assert!(age::x25519::Identity::from_str(&bad_identity).is_err());
    assert!(sb::Recipient::from_str(&bad_recipient).is_err());
    assert!(age::x25519::Recipient::from_str(&bad_recipient).is_err());
    // An identity is not a recipient and vice versa, on both sides.
    assert!(sb::Recipient::from_str(&identity).is_err());
    assert!(age::x25519::Recipient::from_str(&identity).is_err());
    assert!(sb::Identity::from_bech32(&recipient).is_err());
    assert!(age::x25519::Identity::from_str(&recipient).is_err());
}
