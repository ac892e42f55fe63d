//! The JS API under wasm-bindgen-test, in Node and in headless Chromium (scripts/test.sh).
//! Each test calls the exported functions as JS would, with JS values, and checks the `code`
//! of every error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use js_sys::{Array, Function, Object, Reflect, Uint8Array, JSON};
use tsify::{Ts, Tsify};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use sealbill::age::{self, Recipient};
use sealbill::OpenProof;

use crate::errors::JsResult;
use crate::identity::JsIdentity;
use crate::links::JsLink;
use crate::open::{decrypt_age_js, inspect_card_js, open_js, open_link_js};
use crate::options::{DocumentInput, KdfOptions};
use crate::replies::{read_reply_js, seal_reply_js};
use crate::seal::seal_js;
use crate::streams::{OpenStream, SealStream};

/// A JS value parsed from JSON text, as the option or document shape `T`.
fn json<T: Tsify>(text: &str) -> Ts<T> {
    Ts::new_unchecked(JSON::parse(text).expect("test JSON"))
}

/// The JS object of a result.
fn js<T: Tsify>(result: JsResult<Ts<T>>) -> JsValue {
    result.expect("a result").js_value()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("property")
}

fn docs(list: &[(&str, &str, &[u8])]) -> Vec<Ts<DocumentInput>> {
    list.iter()
        .map(|(name, media_type, data)| {
            let doc = Object::new();
            Reflect::set(&doc, &"name".into(), &(*name).into()).unwrap();
            Reflect::set(&doc, &"mediaType".into(), &(*media_type).into()).unwrap();
            Reflect::set(&doc, &"data".into(), &Uint8Array::from(*data)).unwrap();
            Ts::new_unchecked(doc.into())
        })
        .collect()
}

/// A document list from JSON text (an array of objects).
fn json_docs<T: Tsify>(text: &str) -> Vec<Ts<T>> {
    Array::from(&JSON::parse(text).expect("test JSON"))
        .iter()
        .map(Ts::new_unchecked)
        .collect()
}

fn invoice() -> Vec<Ts<DocumentInput>> {
    docs(&[(
        "invoice.xml",
        "application/xml",
        b"<Invoice>42.00 EUR</Invoice>",
    )])
}

/// The `code` of a thrown SealbillError.
fn code<T>(result: JsResult<T>) -> String {
    match result {
        Ok(_) => "OK".into(),
        Err(e) => {
            assert_eq!(
                get(&e, "name").as_string().as_deref(),
                Some("SealbillError")
            );
            get(&e, "code").as_string().expect("error code")
        }
    }
}

fn envelope(sealed: &JsValue) -> Vec<u8> {
    get(sealed, "envelope")
        .dyn_into::<Uint8Array>()
        .expect("envelope bytes")
        .to_vec()
}

fn link(sealed: &JsValue) -> JsLink {
    JsLink::try_from_js_value(get(sealed, "link")).expect("a Link")
}

fn document_data(opened: &JsValue, index: u32) -> Vec<u8> {
    let docs: Array = get(opened, "documents").unchecked_into();
    get(&docs.get(index), "data")
        .dyn_into::<Uint8Array>()
        .expect("document data")
        .to_vec()
}

fn seal_for(sender: &JsIdentity, recipients: &[String], extra: &str) -> JsValue {
    let options = format!(
        r#"{{"invoiceId":"INV-1","recipients":{},"issuedAt":1700000000{extra}}}"#,
        JSON::stringify(&recipients.iter().map(JsValue::from).collect::<Array>())
            .unwrap()
            .as_string()
            .unwrap()
    );
    js(seal_js(sender, invoice(), json(&options)))
}

fn fast_kdf() -> Option<Ts<KdfOptions>> {
    Some(json(r#"{"memoryKib":19456,"iterations":2}"#))
}

#[wasm_bindgen_test]
fn seal_and_open_round_trip_with_cards_and_age_recipients() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let client = JsIdentity::generate("Client SARL").unwrap();
    let other = JsIdentity::generate("Accountant").unwrap();
    let pdf = vec![7u8; 100_000];
    let sealed = js(seal_js(
        &sender,
        docs(&[
            ("invoice.xml", "application/xml", b"<Invoice/>"),
            ("invoice.pdf", "application/pdf", &pdf),
        ]),
        json(&format!(
            r#"{{"invoiceId":"INV-2026-0042","recipients":["{}","{}"],"armor":true}}"#,
            client.card(),
            other.recipient()
        )),
    ));
    let bytes = envelope(&sealed);
    assert!(bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(get(&sealed, "link").is_undefined());

    let pin = json(&format!(r#"{{"expectSender":"{}"}}"#, sender.fingerprint()));
    let proof_hash = get(&sealed, "openProofHash").as_string().unwrap();
    for reader in [&client, &other, &sender] {
        let opened = js(open_js(
            reader,
            &bytes,
            Some(json(&format!(
                r#"{{"expectSender":"{}"}}"#,
                sender.fingerprint()
            ))),
        ));
        assert_eq!(
            get(&opened, "invoiceId").as_string().unwrap(),
            "INV-2026-0042"
        );
        let from = get(&opened, "sender");
        assert_eq!(get(&from, "name").as_string().unwrap(), "Acme GmbH");
        assert_eq!(
            get(&from, "fingerprint").as_string().unwrap(),
            sender.fingerprint()
        );
        assert_eq!(Array::from(&get(&opened, "recipients")).length(), 3);
        assert_eq!(document_data(&opened, 0), b"<Invoice/>");
        assert_eq!(document_data(&opened, 1), pdf);
        // Every reader can show the open proof whose hash the sender gives the relay.
        let proof = OpenProof::from_base64url(&get(&opened, "openProof").as_string().unwrap());
        assert_eq!(proof.unwrap().hash_base64url(), proof_hash);
    }
    let outsider = JsIdentity::generate("Outsider").unwrap();
    assert_eq!(code(open_js(&outsider, &bytes, Some(pin))), "WRONG_KEY");

    // Any age tool reads the envelope: the payload is the signed container.
    let payload = decrypt_age_js(&client, &bytes).unwrap();
    assert!(payload.starts_with(b"sealbill/payload/v1\n"));
    let info = js(inspect_card_js(&client.card()));
    assert_eq!(
        get(&info, "fingerprint").as_string().unwrap(),
        client.fingerprint()
    );
}

#[wasm_bindgen_test]
fn links_with_and_without_a_passphrase() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let id = "q1w2e3r4t5y6u7i8o9p0aA";

    let sealed = seal_for(&sender, &[], r#","link":true"#);
    let url = String::from(link(&sealed).url("https://relay.example/o", id).unwrap());
    let parsed = JsLink::parse(&url).unwrap();
    assert_eq!(parsed.relay_id().as_deref(), Some(id));
    assert!(!parsed.needs_passphrase());
    let opened = js(open_link_js(&parsed, &envelope(&sealed), None));
    assert_eq!(document_data(&opened, 0), b"<Invoice>42.00 EUR</Invoice>");

    // "Blåbær" with a precomposed å seals; the decomposed spelling opens (NFC).
    let sealed = seal_for(
        &sender,
        &[],
        r#","link":{"passphrase":"Bl\u00e5b\u00e6r fox"}"#,
    );
    let bytes = envelope(&sealed);
    let parsed = JsLink::parse(&String::from(
        link(&sealed).url("https://r.example/", id).unwrap(),
    ))
    .unwrap();
    assert!(parsed.needs_passphrase());
    assert_eq!(code(open_link_js(&parsed, &bytes, None)), "INVALID_INPUT");
    let wrong = json(r#"{"passphrase":"Blabaer fox"}"#);
    assert_eq!(
        code(open_link_js(&parsed, &bytes, Some(wrong))),
        "BAD_PASSPHRASE"
    );
    let right = json(r#"{"passphrase":"Bla\u030ab\u00e6r fox"}"#);
    assert_eq!(code(open_link_js(&parsed, &bytes, Some(right))), "OK");

    // A link opens only its own envelope: its check holds, so the envelope is the wrong one.
    let other = envelope(&seal_for(&sender, &[], r#","link":true"#));
    let plain = JsLink::parse(&String::from(
        link(&sealed_again(&sender)).url("https://r/", id).unwrap(),
    ))
    .unwrap();
    assert_eq!(code(open_link_js(&plain, &other, None)), "TAMPERED");
}

/// `envelope` with one character of its first stanza's body line changed (the link's stanza
/// for an envelope sealed to a link and its sender).
fn alter_first_stanza_body(envelope: &[u8]) -> Vec<u8> {
    let find = |from: usize, needle: &[u8]| {
        from + envelope[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };
    let stanza = find(0, b"\n-> X25519 ") + 1;
    let body = find(stanza, b"\n") + 1;
    let mut altered = envelope.to_vec();
    altered[body] = if altered[body] == b'A' { b'B' } else { b'A' };
    altered
}

#[wasm_bindgen_test]
fn a_checked_link_tells_a_broken_link_from_an_altered_envelope() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let id = "q1w2e3r4t5y6u7i8o9p0aA";
    let sealed = seal_for(&sender, &[], r#","link":true"#);
    let url = String::from(link(&sealed).url("https://relay.example/o", id).unwrap());
    let (_, secret) = url.rsplit_once('.').unwrap();
    assert_eq!(secret.len(), 52, "a checked link (version 3)");
    let parsed = JsLink::parse(&url).unwrap();
    let bytes = envelope(&sealed);
    assert_eq!(code(open_link_js(&parsed, &bytes, None)), "OK");

    // The key block altered: the link is intact, so the invoice was altered.
    let altered = alter_first_stanza_body(&bytes);
    assert_eq!(code(open_link_js(&parsed, &altered, None)), "TAMPERED");
    let error = open_link_js(&parsed, &altered, None).unwrap_err();
    let message = get(&error, "message").as_string().unwrap();
    assert!(message.contains("altered"), "{message}");
    // The link with one character of its secret changed: a broken link.
    let at = url.len() - 20;
    let changed_char = if &url[at..=at] == "x" { "y" } else { "x" };
    let changed = format!("{}{changed_char}{}", &url[..at], &url[at + 1..]);
    assert_eq!(code(JsLink::parse(&changed)), "MALFORMED");
    // The same link under another relay id: a broken link too.
    let moved = url.replace(id, "q1w2e3r4t5y6u7i8o9p0aB");
    assert_eq!(code(JsLink::parse(&moved)), "MALFORMED");

    // With a passphrase, a wrong passphrase and an altered key block cannot be told apart.
    let sealed = seal_for(&sender, &[], r#","link":{"passphrase":"blue fox"}"#);
    let parsed = JsLink::parse(&String::from(
        link(&sealed).url("https://r.example/", id).unwrap(),
    ))
    .unwrap();
    let altered = alter_first_stanza_body(&envelope(&sealed));
    let right = || Some(json(r#"{"passphrase":"blue fox"}"#));
    let error = open_link_js(&parsed, &altered, right()).unwrap_err();
    assert_eq!(get(&error, "code").as_string().unwrap(), "BAD_PASSPHRASE");
    let message = get(&error, "message").as_string().unwrap();
    assert!(
        message.contains("passphrase") && message.contains("altered"),
        "{message}"
    );

    // A link of version 1 (the test kit's), written before links had a check, still parses
    // and keeps its form.
    let old = "https://sealbill.example/open#testkit-relay-0001.\
               AVCNRnSdYefgMznodmB6ptD8Nr5YMhnROsnyIIeS-CdL";
    let parsed = JsLink::parse(old).unwrap();
    assert!(!parsed.needs_passphrase());
    assert_eq!(
        String::from(
            parsed
                .url("https://sealbill.example/open", "testkit-relay-0001")
                .unwrap()
        ),
        old
    );
}

fn sealed_again(sender: &JsIdentity) -> JsValue {
    seal_for(sender, &[], r#","link":true"#)
}

/// Re-encrypts a (possibly altered) payload to `to`, as an attacker holding it could.
fn reencrypt(payload: &[u8], to: &[&JsIdentity]) -> Vec<u8> {
    let recipients: Vec<Recipient> = to.iter().map(|i| i.0.recipient()).collect();
    age::encrypt(&recipients, payload, age::Encoding::Binary).unwrap()
}

#[wasm_bindgen_test]
fn every_tampering_case_has_its_code() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let client = JsIdentity::generate("Client SARL").unwrap();
    let sealed = envelope(&seal_for(&sender, &[client.card()], ""));
    assert_eq!(code(open_js(&client, &sealed, None)), "OK");

    // One flipped bit in every byte: never opens.
    for i in 0..sealed.len() {
        let mut bad = sealed.clone();
        bad[i] ^= 1 << (i % 8);
        let got = code(open_js(&client, &bad, None));
        assert!(
            ["TAMPERED", "MALFORMED", "WRONG_KEY", "TRUNCATED"].contains(&got.as_str()),
            "byte {i}: {got}"
        );
    }
    // Every truncation: never opens.
    for len in (0..sealed.len()).step_by(3) {
        let got = code(open_js(&client, &sealed[..len], None));
        assert!(
            ["TRUNCATED", "TAMPERED", "MALFORMED"].contains(&got.as_str()),
            "length {len}: {got}"
        );
    }
    // A valid envelope that is not addressed to the reader in the signed list.
    let payload = decrypt_age_js(&client, &sealed).unwrap();
    let outsider = JsIdentity::generate("Outsider").unwrap();
    let forwarded = reencrypt(&payload, &[&outsider]);
    assert_eq!(code(open_js(&outsider, &forwarded, None)), "NOT_FOR_YOU");
    // A changed signature.
    let mut forged = payload.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let resealed = reencrypt(&forged, &[&client, &sender]);
    assert_eq!(code(open_js(&client, &resealed, None)), "BAD_SIGNATURE");
    // A valid signature by someone else than the pinned sender.
    let pin = json(&format!(r#"{{"expectSender":"{}"}}"#, client.fingerprint()));
    assert_eq!(
        code(open_js(&client, &sealed, Some(pin))),
        "UNEXPECTED_SENDER"
    );
}

/// A passkey's answer as the page passes it: credential id, PRF input and PRF output.
fn passkey(id: u8, prf: u8) -> Ts<crate::passkeys::Passkey> {
    passkey_with(id, prf, |_| ())
}

/// The same, changed by `edit` before it is passed on.
fn passkey_with(
    id: u8,
    prf: u8,
    edit: impl FnOnce(&js_sys::Object),
) -> Ts<crate::passkeys::Passkey> {
    let object = js_sys::Object::new();
    for (key, byte) in [("credential", id), ("prfSalt", id), ("prf", prf)] {
        let len = if key == "credential" { 16 } else { 32 };
        Reflect::set(
            &object,
            &key.into(),
            &Uint8Array::from(&vec![byte; len][..]),
        )
        .unwrap();
    }
    edit(&object);
    Ts::new_unchecked(object.into())
}

#[wasm_bindgen_test]
fn keystores_can_need_a_passkey_too() {
    use crate::passkeys::{add_passkey, keystore_passkeys, remove_passkey};
    let id = JsIdentity::generate("Acme GmbH").unwrap();
    let pw = || String::from("correct horse");
    let plain = id.lock(pw(), fast_kdf()).unwrap();
    assert!(keystore_passkeys(&plain).unwrap().is_empty());
    let blob = id
        .lock_with_passkey(pw(), passkey(1, 1), fast_kdf())
        .unwrap();
    let asked = keystore_passkeys(&blob).unwrap();
    assert_eq!(asked.len(), 1);
    let credential: Uint8Array = get(&asked[0].js_value(), "credential").unchecked_into();
    assert_eq!(credential.to_vec(), vec![1u8; 16]);

    let back = JsIdentity::unlock(&blob, pw(), Some(passkey(1, 1))).unwrap();
    assert_eq!(back.card(), id.card());
    assert_eq!(
        code(JsIdentity::unlock(&blob, pw(), None)),
        "PASSKEY_REQUIRED"
    );
    assert_eq!(
        code(JsIdentity::unlock(&blob, pw(), Some(passkey(1, 2)))),
        "BAD_PASSPHRASE"
    );
    assert_eq!(
        code(JsIdentity::unlock(&blob, pw(), Some(passkey(2, 2)))),
        "UNKNOWN_PASSKEY"
    );
    assert_eq!(
        code(JsIdentity::unlock(
            &blob,
            "wrong".into(),
            Some(passkey(1, 1))
        )),
        "BAD_PASSPHRASE"
    );
    assert_eq!(
        code(JsIdentity::unlock(&plain, pw(), Some(passkey(1, 1)))),
        "INVALID_INPUT"
    );

    let two = add_passkey(&blob, pw(), passkey(1, 1), passkey(2, 2)).unwrap();
    assert!(JsIdentity::unlock(&two, pw(), Some(passkey(2, 2))).is_ok());
    let only_two = remove_passkey(&two, pw(), passkey(2, 2), &[1u8; 16]).unwrap();
    assert_eq!(
        code(JsIdentity::unlock(&only_two, pw(), Some(passkey(1, 1)))),
        "UNKNOWN_PASSKEY"
    );
    assert_eq!(
        code(remove_passkey(&only_two, pw(), passkey(2, 2), &[2u8; 16])),
        "INVALID_INPUT"
    );
    // A PRF output of the wrong length, or an unknown key, is refused.
    let short = passkey_with(1, 1, |o| {
        Reflect::set(o, &"prf".into(), &Uint8Array::from(&[1u8; 31][..])).unwrap();
    });
    assert_eq!(
        code(JsIdentity::unlock(&blob, pw(), Some(short))),
        "INVALID_INPUT"
    );
    let extra = passkey_with(1, 1, |o| {
        Reflect::set(o, &"userHandle".into(), &JsValue::TRUE).unwrap();
    });
    assert_eq!(
        code(JsIdentity::unlock(&blob, pw(), Some(extra))),
        "INVALID_INPUT"
    );
}

#[wasm_bindgen_test]
fn keystore_lock_unlock_backup_and_hostile_blobs() {
    let id = JsIdentity::generate("Acme GmbH").unwrap();
    let blob = id.lock("correct horse".into(), fast_kdf()).unwrap();
    let back = JsIdentity::unlock(&blob, "correct horse".into(), None).unwrap();
    assert_eq!(back.card(), id.card());
    assert_eq!(back.name(), "Acme GmbH");
    assert_eq!(
        code(JsIdentity::unlock(&blob, "wrong horse".into(), None)),
        "BAD_PASSPHRASE"
    );
    assert_eq!(
        code(JsIdentity::unlock(
            &blob[..40],
            "correct horse".into(),
            None
        )),
        "MALFORMED"
    );
    assert_eq!(code(JsIdentity::unlock(&[], "x".into(), None)), "MALFORMED");

    // A hostile blob asking for 4 GiB and 2^32-1 passes is refused before any work.
    let mut hostile = blob.clone();
    let at = b"sealbill/keystore/v1\n".len();
    hostile[at..at + 4].copy_from_slice(&(4u32 << 20).to_be_bytes());
    hostile[at + 4..at + 8].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        code(JsIdentity::unlock(&hostile, "correct horse".into(), None)),
        "LIMIT_EXCEEDED"
    );
    let weak = Some(json(r#"{"memoryKib":8}"#));
    assert_eq!(code(id.lock("pw".into(), weak)), "LIMIT_EXCEEDED");
    assert_eq!(code(id.lock("".into(), fast_kdf())), "INVALID_INPUT");
    let typo = Some(json(r#"{"memory":65536}"#));
    assert_eq!(code(id.lock("pw".into(), typo)), "INVALID_INPUT");

    let backup = id.export_backup("backup words".into(), fast_kdf()).unwrap();
    assert!(backup.contains(&id.fingerprint()));
    let restored = JsIdentity::import_backup(&backup, "backup words".into()).unwrap();
    assert_eq!(restored.recipient(), id.recipient());
    assert_eq!(
        code(JsIdentity::import_backup(&backup, "nope".into())),
        "BAD_PASSPHRASE"
    );
    assert_eq!(
        code(JsIdentity::import_backup("hello", "nope".into())),
        "MALFORMED"
    );
}

#[wasm_bindgen_test]
fn keystore_default_parameters_work_in_wasm() {
    let id = JsIdentity::generate("Acme GmbH").unwrap();
    let blob = id.lock("correct horse".into(), None).unwrap();
    let at = b"sealbill/keystore/v1\n".len();
    assert_eq!(blob[at..at + 12], [0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1]);
    assert_eq!(
        JsIdentity::unlock(&blob, "correct horse".into(), None)
            .unwrap()
            .card(),
        id.card()
    );
}

#[wasm_bindgen_test]
fn malformed_inputs_of_every_kind_are_errors_and_the_module_stays_usable() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let client = JsIdentity::generate("Client SARL").unwrap();
    for bad in [
        &b""[..],
        b"age",
        b"age-encryption.org/v1\n",
        &[0xff; 300],
        b"-----BEGIN AGE",
    ] {
        let got = code(open_js(&client, bad, None));
        assert!(["MALFORMED", "TRUNCATED"].contains(&got.as_str()), "{got}");
        assert_ne!(code(decrypt_age_js(&client, bad)), "OK");
    }
    for bad in [
        "",
        "#",
        "https://x/#abc",
        "https://x/#aaaaaaaaaaaaaaaaaaaa.zzz",
        "\u{0}",
    ] {
        assert_eq!(code(JsLink::parse(bad)), "MALFORMED", "{bad:?}");
    }
    for bad in ["", "sealbill-card:", "sealbill-card:AAAA", "age1", "🙂"] {
        assert_ne!(code(inspect_card_js(bad)), "OK", "{bad:?}");
    }
    assert_eq!(code(JsIdentity::generate("")), "INVALID_INPUT");
    assert_eq!(code(JsIdentity::generate("two\nlines")), "INVALID_INPUT");

    let bad_options = [
        "{}",
        r#"{"invoiceId":7}"#,
        r#"{"invoiceId":"A","recipients":"age1"}"#,
        r#"{"invoiceId":"A","link":"yes"}"#,
        r#"{"invoiceId":"A","issuedAt":-1}"#,
        r#"{"invoiceId":"A","surprise":true}"#,
        "null",
        "[]",
    ];
    for options in bad_options {
        assert_eq!(
            code(seal_js(&sender, invoice(), json(options))),
            "INVALID_INPUT",
            "{options}"
        );
    }
    let bad_recipient = json(r#"{"invoiceId":"A","recipients":["age1qqqq"]}"#);
    assert_eq!(
        code(seal_js(&sender, invoice(), bad_recipient)),
        "MALFORMED"
    );
    for documents in [
        "[]",
        "[{}]",
        r#"[{"name":"a"}]"#,
        r#"[{"name":"../x","mediaType":"a/b","data":[1]}]"#,
    ] {
        assert_eq!(
            code(seal_js(
                &sender,
                json_docs(documents),
                json(r#"{"invoiceId":"A"}"#)
            )),
            "INVALID_INPUT",
            "{documents}"
        );
    }
    let bad_pin = Some(json(r#"{"expectSender":"12345"}"#));
    let good = envelope(&seal_for(&sender, &[client.card()], ""));
    assert_eq!(code(open_js(&client, &good, bad_pin)), "MALFORMED");
    let stray = Some(json(r#"{"expectedSender":"x"}"#));
    assert_eq!(code(open_js(&client, &good, stray)), "INVALID_INPUT");
    // An error never quotes the value it refused: a passphrase in a list, say.
    let secretive = json(r#"{"invoiceId":"A","link":{"passphrase":["hunter2"]}}"#);
    let message = seal_js(&sender, invoice(), secretive).err().unwrap();
    let text = Reflect::get(&message, &"message".into()).unwrap();
    assert!(!text.as_string().unwrap().contains("hunter2"));

    // After all of that, the module still seals and opens.
    let again = envelope(&seal_for(&sender, &[client.card()], ""));
    assert_eq!(code(open_js(&client, &again, None)), "OK");
}

/// Collects streamed document bytes per index through a real JS callback.
struct Collector {
    docs: std::rc::Rc<std::cell::RefCell<Vec<Vec<u8>>>>,
    callback: Closure<dyn FnMut(u32, Uint8Array)>,
}

impl Collector {
    fn new() -> Collector {
        let docs = std::rc::Rc::new(std::cell::RefCell::new(Vec::<Vec<u8>>::new()));
        let sink = docs.clone();
        let callback = Closure::new(move |index: u32, bytes: Uint8Array| {
            let mut docs = sink.borrow_mut();
            while docs.len() <= index as usize {
                docs.push(Vec::new());
            }
            docs[index as usize].extend(bytes.to_vec());
        });
        Collector { docs, callback }
    }

    fn function(&self) -> &Function {
        self.callback.as_ref().unchecked_ref()
    }
}

#[wasm_bindgen_test]
fn streams_seal_and_open_in_pieces() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let attachment: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let announce = json_docs(&format!(
        r#"[{{"name":"invoice.xml","mediaType":"application/xml","size":10}},
            {{"name":"scan.pdf","mediaType":"application/pdf","size":{}}}]"#,
        attachment.len()
    ));
    let mut stream = SealStream::new(
        &sender,
        announce,
        json(r#"{"invoiceId":"INV-9","link":true}"#),
    )
    .unwrap();
    let link = stream.take_link().expect("a link");
    assert!(stream.take_link().is_none());
    let mut sealed = stream.push(b"<Invoice/>").unwrap();
    for piece in attachment.chunks(10_000) {
        sealed.extend(stream.push(piece).unwrap());
    }
    assert_eq!(stream.bytes_done(), stream.bytes_total());
    sealed.extend(stream.finish().unwrap());
    assert_eq!(code(stream.finish()), "INVALID_INPUT");

    let collector = Collector::new();
    let mut opener = OpenStream::with_link(&link, None).unwrap();
    for piece in sealed.chunks(7_777) {
        opener.push(piece).unwrap();
    }
    assert!(collector.docs.borrow().is_empty(), "nothing before finish");
    let opened = js(opener.finish(collector.function()));
    assert_eq!(get(&opened, "invoiceId").as_string().unwrap(), "INV-9");
    let docs = collector.docs.borrow();
    assert_eq!(docs[0], b"<Invoice/>");
    assert_eq!(docs[1], attachment);

    // A tampered stream fails, and the opener refuses to go on.
    let mut bad = sealed.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x40;
    let mut opener = OpenStream::with_link(&link, None).unwrap();
    let sink = Collector::new();
    let result = opener
        .push(&bad)
        .and_then(|()| opener.finish(sink.function()).map(|_| ()));
    assert_eq!(code(result), "TAMPERED");
    assert_eq!(code(opener.push(b"more")), "INVALID_INPUT");
    assert!(sink.docs.borrow().is_empty());

    // An altered key block is explained in link terms by the link's version, which is all of
    // the link an `OpenStream` keeps: TAMPERED, where an identity would get WRONG_KEY.
    let mut opener = OpenStream::with_link(&link, None).unwrap();
    let result = opener
        .push(&alter_first_stanza_body(&sealed))
        .and_then(|()| opener.finish(sink.function()).map(|_| ()));
    assert_eq!(code(result), "TAMPERED");

    // Pushing more than announced fails cleanly.
    let mut stream = SealStream::new(
        &sender,
        json_docs(r#"[{"name":"i.xml","mediaType":"application/xml","size":2}]"#),
        json(r#"{"invoiceId":"X"}"#),
    )
    .unwrap();
    assert_eq!(code(stream.push(b"abc")), "INVALID_INPUT");
    assert_eq!(code(stream.finish()), "INVALID_INPUT");
}

#[wasm_bindgen_test]
fn streams_can_stage_with_the_caller() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let client = JsIdentity::generate("Client SARL").unwrap();
    let attachment: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    let files = docs(&[
        ("invoice.xml", "application/xml", b"<Invoice/>"),
        ("scan.pdf", "application/pdf", &attachment),
    ]);
    let options = json(&format!(
        r#"{{"invoiceId":"INV-8","recipients":["{}"]}}"#,
        client.recipient()
    ));
    let sealed = envelope(&js(seal_js(&sender, files, options)));
    let stage = |opener: &mut OpenStream| {
        let mut staged = Vec::new();
        for piece in sealed.chunks(5_000) {
            staged.extend(opener.push_staged(piece).unwrap());
        }
        staged
    };

    // The caller keeps the staged bytes; handed back in other pieces, they reveal the documents.
    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    let staged = stage(&mut opener);
    assert!(
        staged.len() > 100_000,
        "the staged bytes carry the documents"
    );
    assert!(
        !staged.windows(64).any(|w| w == &attachment[..64]),
        "staged bytes are not plaintext"
    );
    let sink = Collector::new();
    let mut revealer = opener.verify().unwrap();
    assert_eq!(
        get(&revealer.opened().into(), "invoiceId")
            .as_string()
            .unwrap(),
        "INV-8"
    );
    for piece in staged.chunks(9_999) {
        revealer.push(piece, sink.function()).unwrap();
    }
    js(revealer.finish(sink.function()));
    assert_eq!(sink.docs.borrow()[1], attachment);
    assert_eq!(code(revealer.finish(sink.function())), "INVALID_INPUT");

    // Staged bytes changed, or cut short, are refused.
    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    let mut staged = stage(&mut opener);
    staged[1_000] ^= 1;
    let sink = Collector::new();
    let mut revealer = opener.verify().unwrap();
    let pushed = revealer.push(&staged, sink.function());
    assert_eq!(code(pushed), "TAMPERED");
    assert!(
        sink.docs.borrow().is_empty(),
        "nothing of the changed chunk came out"
    );
    assert_eq!(code(revealer.finish(sink.function())), "INVALID_INPUT");

    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    let staged = stage(&mut opener);
    let mut revealer = opener.verify().unwrap();
    let sink = Collector::new();
    revealer
        .push(&staged[..staged.len() - 100], sink.function())
        .unwrap();
    assert_eq!(code(revealer.finish(sink.function())), "TAMPERED");
    let docs = sink.docs.borrow();
    assert!(docs[1].len() < attachment.len() && attachment.starts_with(&docs[1]));

    // A stream stages one way only, and ends the matching way.
    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    opener.push_staged(&sealed[..1_000]).unwrap();
    assert_eq!(code(opener.push(&sealed[1_000..])), "INVALID_INPUT");
    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    opener.push(&sealed).unwrap();
    assert_eq!(code(opener.verify()), "INVALID_INPUT");
    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    stage(&mut opener);
    assert_eq!(
        code(opener.finish(Collector::new().function())),
        "INVALID_INPUT"
    );
}

#[wasm_bindgen_test]
fn relay_requests_are_signed_with_the_identity() {
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let target = "/api/v1/envelopes?expires=86400";
    let header = sender
        .sign_request("POST", "relay.example", target, b"envelope")
        .unwrap();
    let parsed = sealbill::SignedRequest::parse(&header, "relay.example").unwrap();
    assert_eq!(parsed.key, *sender.0.card().verifying_key());
    assert!(parsed.verify("POST", target, b"envelope").is_ok());
    assert!(parsed.verify("POST", target, b"other").is_err());
    assert_eq!(
        code(sender.sign_request("post", "relay.example", target, b"")),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(sender.sign_request("POST", "relay.example/x", target, b"")),
        "INVALID_INPUT"
    );
}

#[wasm_bindgen_test]
fn forged_streamed_bytes_never_reach_on_data() {
    // Anyone who knows the client's age1… key can encrypt to it. Here such a forger takes a
    // genuine payload, changes the IBAN in the invoice and signs nothing new: the stream must
    // fail at `finish`, and `onData` must never see a byte, forged or not.
    let sender = JsIdentity::generate("Acme GmbH").unwrap();
    let client = JsIdentity::generate("Client SARL").unwrap();
    let invoice = docs(&[(
        "invoice.xml",
        "application/xml",
        b"<Invoice><IBAN>DE89370400440532013000</IBAN></Invoice>",
    )]);
    let options = json(&format!(
        r#"{{"invoiceId":"INV-7","recipients":["{}"]}}"#,
        client.recipient()
    ));
    let genuine = envelope(&js(seal_js(&sender, invoice, options)));
    let mut payload = decrypt_age_js(&client, &genuine).unwrap();
    let at = payload.windows(4).position(|w| w == b"DE89").unwrap();
    payload[at + 2] = b'0';
    let forged = reencrypt(&payload, &[&client, &sender]);
    let sink = Collector::new();
    let mut opener = OpenStream::with_identity(&client, None).unwrap();
    for piece in forged.chunks(1000) {
        opener.push(piece).unwrap();
    }
    assert_eq!(code(opener.finish(sink.function())), "MALFORMED");
    assert!(sink.docs.borrow().is_empty(), "forged bytes reached onData");
}

#[wasm_bindgen_test]
fn a_client_replies_and_the_business_reads_the_connection() {
    let business = JsIdentity::generate("Acme GmbH").unwrap();
    let client = JsIdentity::generate("Client AG").unwrap();
    let id = "q1w2e3r4t5y6u7i8o9p0aA";
    let sealed = seal_for(&business, &[], r#","link":true"#);
    let original = envelope(&sealed);
    let parsed = JsLink::parse(&String::from(
        link(&sealed).url("https://r.example/", id).unwrap(),
    ))
    .unwrap();

    let reply = envelope(&js(seal_reply_js(&client, &parsed, &original, None)));
    let connection = js(read_reply_js(&business, &reply, &original, id));
    let who = get(&connection, "client");
    assert_eq!(get(&who, "card").as_string(), Some(client.card()));
    assert_eq!(
        get(&who, "fingerprint").as_string(),
        Some(client.fingerprint())
    );
    assert_eq!(get(&connection, "relayId").as_string().as_deref(), Some(id));
    assert_eq!(
        get(&connection, "invoiceId").as_string().as_deref(),
        Some("INV-1")
    );

    // Moved to another envelope of the same business: refused.
    let other = envelope(&seal_for(&business, &[], r#","link":true"#));
    assert_eq!(
        code(read_reply_js(&business, &reply, &other, id)),
        "UNBOUND_REPLY"
    );
    // Only the business can reopen its own envelope to check the binding.
    assert_eq!(
        code(read_reply_js(&client, &reply, &original, id)),
        "WRONG_KEY"
    );
    // A link fresh from sealing names no envelope yet.
    assert_eq!(
        code(seal_reply_js(
            &client,
            &link(&sealed_again(&business)),
            &original,
            None
        )),
        "INVALID_INPUT"
    );
    // The wrong envelope for the (checked) link.
    assert_eq!(
        code(seal_reply_js(&client, &parsed, &other, None)),
        "TAMPERED"
    );
}

#[wasm_bindgen_test]
fn a_full_backup_round_trips_and_hostile_files_are_refused() {
    use crate::backup::{open_backup_js, JsBackupWriter};
    let business = JsIdentity::generate("Acme GmbH").unwrap();
    let envelope: Vec<u8> = (0..70_000u32).map(|i| i as u8).collect();
    let mut writer = JsBackupWriter::new(&business, "backup words".into(), fast_kdf()).unwrap();
    let kind = |k: &str| Ts::new_unchecked(JsValue::from_str(k));
    writer
        .add(kind("profile"), "profile.json", br#"{"iban":"DE89"}"#)
        .unwrap();
    writer.add(kind("record"), "r1.json", b"{}").unwrap();
    writer.add(kind("envelope"), "r1.age", &envelope).unwrap();
    assert_eq!(
        code(writer.add(kind("identity"), "x", b"")),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(writer.add(kind("record"), "a/b", b"")),
        "INVALID_INPUT"
    );
    let file = writer.finish().unwrap();
    assert_eq!(code(writer.finish()), "INVALID_INPUT");

    let opened = open_backup_js(&file, "backup words".into()).unwrap();
    assert_eq!(opened.identity().unwrap().card(), business.card());
    let entries = Array::from(&opened.entries().unwrap());
    assert_eq!(entries.length(), 3);
    let last = entries.get(2);
    assert_eq!(get(&last, "kind").as_string().as_deref(), Some("envelope"));
    assert_eq!(get(&last, "name").as_string().as_deref(), Some("r1.age"));
    assert_eq!(Uint8Array::new(&get(&last, "data")).to_vec(), envelope);

    let open = |bytes: &[u8], pw: &str| code(open_backup_js(bytes, pw.into()));
    assert_eq!(open(&file, "backup wordz"), "BAD_PASSPHRASE");
    let mut flipped = file.clone();
    flipped[200] ^= 1;
    assert_eq!(open(&flipped, "backup words"), "TAMPERED");
    assert_eq!(open(&file[..file.len() - 20], "backup words"), "TAMPERED");
    assert_eq!(open(&file[..90], "backup words"), "TRUNCATED");
    assert_eq!(open(&file[..95], "backup words"), "TRUNCATED");
    let mut hostile = file.clone();
    hostile[19..23].copy_from_slice(&(4u32 << 20).to_be_bytes());
    assert_eq!(open(&hostile, "backup words"), "LIMIT_EXCEEDED");
    assert_eq!(open(b"sealbill/backup/v9\n", "backup words"), "MALFORMED");
}

/// The membership bytes of `member` in a fresh roster of `owner`, as a JS array literal.
fn membership_of(owner: &JsIdentity, member: &JsIdentity, role: sealbill::Role) -> String {
    let draft = sealbill::RosterDraft {
        version: 3,
        issued: 1_600_000_000,
        members: vec![sealbill::Member {
            card: member.0.card().clone(),
            role,
            valid_from: 1_600_000_000,
            valid_until: 0,
        }],
        accounts: vec!["DE89370400440532013000".into()],
        archive: sealbill::ArchiveKey::generate(1).entry(),
    };
    let roster = draft.sign(&owner.0).unwrap();
    let membership = roster
        .membership(&owner.0, &member.0.fingerprint())
        .unwrap();
    format!(r#","membership":{:?}"#, membership.to_bytes())
}

#[wasm_bindgen_test]
fn a_team_member_seals_for_the_business() {
    let owner = JsIdentity::generate("Acme GmbH").unwrap();
    let biller = JsIdentity::generate("Bea Biller").unwrap();
    let accountant = JsIdentity::generate("Carl Counts").unwrap();
    let client = JsIdentity::generate("Client SARL").unwrap();
    let as_biller = membership_of(&owner, &biller, sealbill::Role::Biller);
    // The membership goes in as bytes; JSON gives an array, so convert it to a Uint8Array.
    let seal_as = |who: &JsIdentity, extra: &str| {
        let options = JSON::parse(&format!(
            r#"{{"invoiceId":"INV-T","recipients":["{}"]{extra}}}"#,
            client.card()
        ))
        .unwrap();
        let bytes = Uint8Array::from(
            &Array::from(&get(&options, "membership"))
                .iter()
                .map(|b| b.as_f64().unwrap() as u8)
                .collect::<Vec<u8>>()[..],
        );
        Reflect::set(&options, &"membership".into(), &bytes).unwrap();
        seal_js(who, invoice(), Ts::new_unchecked(options))
    };
    let sealed = js(seal_as(&biller, &as_biller));
    let pin = json(&format!(r#"{{"expectSender":"{}"}}"#, owner.fingerprint()));
    let opened = js(open_js(&client, &envelope(&sealed), Some(pin)));
    let business = get(&opened, "business");
    assert_eq!(
        get(&business, "fingerprint").as_string(),
        Some(owner.fingerprint())
    );
    let member = get(&opened, "member");
    assert_eq!(get(&member, "role").as_string().as_deref(), Some("biller"));
    assert_eq!(
        get(&member, "fingerprint").as_string(),
        Some(biller.fingerprint())
    );
    assert_eq!(get(&member, "rosterVersion").as_f64(), Some(3.0));
    // Pinning the biller instead of the business fails; so does sending as the wrong role or
    // with someone else's membership, or with bytes that are no membership.
    let pin = json(&format!(r#"{{"expectSender":"{}"}}"#, biller.fingerprint()));
    assert_eq!(
        code(open_js(&client, &envelope(&sealed), Some(pin))),
        "UNEXPECTED_SENDER"
    );
    let as_accountant = membership_of(&owner, &accountant, sealbill::Role::Accountant);
    assert_eq!(
        code(seal_as(&accountant, &as_accountant)),
        "ROLE_CANNOT_SEND"
    );
    assert_eq!(code(seal_as(&client, &as_biller)), "NOT_A_MEMBER");
    assert_eq!(
        code(seal_as(&biller, r#","membership":[1,2,3]"#)),
        "MALFORMED"
    );
    // A business without a team: the business is the sender, and there is no member.
    let opened = js(open_js(
        &client,
        &envelope(&seal_for(&owner, &[client.card()], "")),
        None,
    ));
    assert_eq!(
        get(&get(&opened, "business"), "fingerprint").as_string(),
        Some(owner.fingerprint())
    );
    assert!(get(&opened, "member").is_undefined());
}

/// Takes wasm memory in 16 MiB pieces until no more can be had (at most 4 GiB, the wasm32
/// address space), as a page that already holds a lot would leave Argon2id less than 16 MiB.
fn exhaust_memory() -> Vec<Vec<u8>> {
    let mut ballast = Vec::new();
    for _ in 0..256 {
        let mut piece = Vec::new();
        if piece.try_reserve_exact(16 << 20).is_err() {
            break;
        }
        ballast.push(piece);
    }
    ballast
}

#[wasm_bindgen_test]
fn argon2_memory_the_module_cannot_have_is_limit_exceeded_not_a_trap() {
    use crate::backup::{open_backup_js, JsBackupWriter};
    let id = JsIdentity::generate("Acme GmbH").unwrap();
    let blob = id.lock("correct horse".into(), fast_kdf()).unwrap();
    let mut writer = JsBackupWriter::new(&id, "backup words".into(), fast_kdf()).unwrap();
    let backup = writer.finish().unwrap();
    // Argon2id parameters at the accepted limits (SPEC §5.1), and just beyond them.
    let with_params = |bytes: &[u8], at: usize, params: [u32; 3]| {
        let mut out = bytes.to_vec();
        for (i, value) in params.iter().enumerate() {
            out[at + 4 * i..at + 4 * i + 4].copy_from_slice(&value.to_be_bytes());
        }
        out
    };
    let keystore_at = b"sealbill/keystore/v1\n".len();
    let backup_at = b"sealbill/backup/v1\n".len();
    let at_the_limits = [[256 << 10, 4, 4], [19 << 10, 2, 1]];
    let beyond = [256 << 10 | 1, 4, 4];

    let ballast = exhaust_memory();
    assert!(ballast.len() > 8, "only {} pieces of 16 MiB", ballast.len());
    for params in at_the_limits.into_iter().chain([beyond]) {
        let keystore = with_params(&blob, keystore_at, params);
        assert_eq!(
            code(JsIdentity::unlock(&keystore, "correct horse".into(), None)),
            "LIMIT_EXCEEDED",
            "keystore {params:?}"
        );
        let file = with_params(&backup, backup_at, params);
        assert_eq!(
            code(open_backup_js(&file, "backup words".into())),
            "LIMIT_EXCEEDED",
            "backup {params:?}"
        );
    }
    drop(ballast);

    // The module lives on: with its memory back, the same blobs open.
    let back = JsIdentity::unlock(&blob, "correct horse".into(), None).unwrap();
    assert_eq!(back.card(), id.card());
    let opened = open_backup_js(&backup, "backup words".into()).unwrap();
    assert_eq!(opened.identity().unwrap().card(), id.card());
}
