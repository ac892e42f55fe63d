//! The sealbill test kit (SPEC §8): writes `tests/vectors/sealbill/`, one file per case, and
//! `tests/vectors/sealbill-index.rs`, which embeds them for the runner in `tests/testkit.rs`.
//!
//! Every case draws its randomness from [`random::with_seed`] keyed by its name, so the files
//! regenerate byte for byte. The test fails if they differ from the committed ones, and
//! rewrites them only with `SEALBILL_REGENERATE_VECTORS=1`.
//!
//! A file is `key: value` lines (`expect:` is `ok` or an error code of SPEC §7, `kind:` says
//! how to read the body), an empty line, then the body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::age::{self, Encoding, FileKey, Header, Recipient, Stanza, StreamEncryptor};
use crate::backup::{seal_plaintext, BackupWriter, EntryKind};
use crate::card::Card;
use crate::identity::Identity;
use crate::joining::{
    TeamInvitation, JOIN_REQUEST_CONTEXT, JOIN_REQUEST_PREFIX, TEAM_INVITATION_PREFIX,
};
use crate::kdf::KdfParams;
use crate::keystore::PasskeyFactor;
use crate::manifest::{DocumentEntry, Manifest};
use crate::open::open;
use crate::passphrase::Passphrase;
use crate::payload::MAGIC;
use crate::random;
use crate::reply::seal_reply;
use crate::request::sign_request;
use crate::roster::{
    open_archive_key, seal_archive_key, ArchiveEntry, ArchiveKey, Member, Membership, Role, Roster,
    RosterDraft,
};
use crate::seal::{seal, Document, LinkRequest, SealOptions};
use crate::wire::Writer;

const INVOICE_ID: &str = "INV-2026-0042";
const ISSUED_AT: u64 = 1_795_000_000;
const LINK_BASE: &str = "https://sealbill.example/open";
const RELAY_ID: &str = "testkit-relay-0001";
const KEYSTORE_PASSPHRASE: &str = "correct horse caf\u{e9}";
const LINK_PASSPHRASE: &str = "blue fox";

/// One vector file.
struct Vector {
    name: String,
    fields: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Vector {
    fn new(name: &str, kind: &str, expect: &str, comment: &str) -> Vector {
        Vector {
            name: name.to_owned(),
            fields: vec![
                ("expect", expect.to_owned()),
                ("kind", kind.to_owned()),
                ("comment", comment.to_owned()),
            ],
            body: Vec::new(),
        }
    }

    fn field(mut self, key: &'static str, value: impl ToString) -> Vector {
        self.fields.push((key, value.to_string()));
        self
    }

    fn body(mut self, body: impl Into<Vec<u8>>) -> Vector {
        self.body = body.into();
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (key, value) in &self.fields {
            out.extend_from_slice(format!("{key}: {value}\n").as_bytes());
        }
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out
    }
}

/// The parties: their identities come from fixed seeds.
struct Parties {
    sender: Identity,
    client: Identity,
    other: Identity,
}

fn party(name: &str) -> Identity {
    let seed: [u8; 32] = Sha256::digest(format!("sealbill testkit: {name}")).into();
    Identity::from_seed(name, Zeroizing::new(seed)).unwrap()
}

fn seed_hex(id: &Identity) -> String {
    hex(id.seed().as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn documents() -> Vec<Document> {
    vec![
        Document {
            name: "invoice.xml".into(),
            media_type: "application/xml".into(),
            data: b"<Invoice><cbc:ID>INV-2026-0042</cbc:ID><IBAN>DE89370400440532013000</IBAN></Invoice>\n".to_vec(),
        },
        Document {
            name: "terms.pdf".into(),
            media_type: "application/pdf".into(),
            data: b"%PDF-1.7 terms of payment: 30 days\n".to_vec(),
        },
    ]
}

/// The manifest fields every opened envelope must show.
fn opened(v: Vector, docs: &[Document], proof: &crate::OpenProof) -> Vector {
    let v = v.field("invoice", INVOICE_ID).field("issued", ISSUED_AT);
    docs.iter()
        .fold(v, |v, d| {
            v.field(
                "document",
                format!(
                    "{} {} {} {}",
                    hex(&Sha256::digest(&d.data)),
                    d.data.len(),
                    d.media_type,
                    d.name
                ),
            )
        })
        .field("proof", proof.to_base64url())
        .field("proof hash", proof.hash_base64url())
}

/// The manifest of `docs` from `sender` to `recipients`, issued at the test kit's time.
fn manifest_of(sender: &Identity, recipients: &[Recipient], docs: &[Document]) -> Manifest {
    Manifest {
        sender: sender.card().clone(),
        recipients: recipients.to_vec(),
        invoice_id: INVOICE_ID.into(),
        issued_at: ISSUED_AT,
        documents: docs
            .iter()
            .map(|d| DocumentEntry {
                name: d.name.clone(),
                media_type: d.media_type.clone(),
                size: d.data.len() as u64,
                sha256: Sha256::digest(&d.data).into(),
            })
            .collect(),
        membership: None,
    }
}

/// A payload for `docs` listing `recipients`, with a manifest that `edit` may change (even
/// against the rules of SPEC §3.6), signed by `sender`.
fn payload(
    sender: &Identity,
    recipients: &[Recipient],
    docs: &[Document],
    edit: impl FnOnce(&mut Manifest),
) -> Vec<u8> {
    let mut manifest = manifest_of(sender, recipients, docs);
    edit(&mut manifest);
    signed_payload(sender, docs, &manifest.encode().unwrap())
}

/// A payload for `docs` with the manifest bytes `manifest` as they are, signed by `sender`.
fn signed_payload(sender: &Identity, docs: &[Document], manifest: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(docs.len() as u16).to_be_bytes());
    for d in docs {
        out.extend_from_slice(&(d.data.len() as u64).to_be_bytes());
        out.extend_from_slice(&d.data);
    }
    out.extend_from_slice(&(manifest.len() as u32).to_be_bytes());
    out.extend_from_slice(manifest);
    out.extend_from_slice(&sender.signing_key().sign(manifest).to_bytes());
    out
}

/// An age file of `plain` to `recipients`, with `grease` stanzas after theirs.
fn encrypt_with_grease(recipients: &[Recipient], grease: Vec<Stanza>, plain: &[u8]) -> Vec<u8> {
    let file_key = FileKey::generate();
    let mut stanzas: Vec<Stanza> = recipients
        .iter()
        .map(|r| r.wrap(&file_key).unwrap())
        .collect();
    stanzas.extend(grease);
    let mut out = Vec::new();
    Header::encode(&stanzas, &file_key, &mut out);
    let mut nonce = [0u8; age::NONCE_SIZE];
    random::fill(&mut nonce);
    let mut stream = StreamEncryptor::new(&file_key, nonce, &mut out);
    stream.push(plain, &mut out).unwrap();
    stream.finish(&mut out).unwrap();
    out
}

/// The offset just after the header's MAC line.
fn header_end(envelope: &[u8]) -> usize {
    let mac = envelope.windows(5).position(|w| w == b"\n--- ").unwrap();
    mac + 5 + 43 + 1
}

fn identity_vectors(p: &Parties) -> Vec<Vector> {
    let card = p.sender.card();
    let card_fields = |v: Vector| {
        v.field("seed", seed_hex(&p.sender))
            .field("name", p.sender.name())
            .field("fingerprint", p.sender.fingerprint())
            .field("recipient", p.sender.recipient())
    };
    let mut forged = card.to_bytes();
    *forged.last_mut().unwrap() ^= 0x40;
    vec![
        card_fields(Vector::new(
            "card",
            "card",
            "ok",
            "the card (SPEC §3.2) of a fixed seed, its fingerprint (§3.3) and recipient",
        ))
        .body(card.to_text()),
        card_fields(Vector::new(
            "card-bad-signature",
            "card",
            "BAD_SIGNATURE",
            "the card with one bit of its self-signature flipped",
        ))
        .body(format!(
            "{}{}",
            crate::CARD_TEXT_PREFIX,
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, forged)
        )),
        card_fields(Vector::new(
            "identity-file",
            "identity",
            "ok",
            "the identity file (SPEC §3.5) of the same seed",
        ))
        .body(p.sender.to_text().as_bytes()),
    ]
}

fn envelope_vectors(p: &Parties) -> Vec<Vector> {
    let docs = documents();
    let sealed = random::with_seed(b"envelope", || {
        let options = SealOptions {
            recipients: vec![p.client.recipient()],
            ..SealOptions::new(INVOICE_ID, ISSUED_AT)
        };
        seal(&p.sender, &docs, &options).unwrap()
    });
    let env = sealed.envelope;
    let end = header_end(&env);
    let signed_to = [p.client.recipient(), p.sender.recipient()];
    let genuine = payload(&p.sender, &signed_to, &docs, |_| {});
    let to = |who: &[&Identity]| who.iter().map(|i| i.recipient()).collect::<Vec<_>>();
    let envelope = |name: &str, expect: &str, comment: &str, reader: &Identity| {
        Vector::new(name, "envelope", expect, comment).field("seed", seed_hex(reader))
    };
    let reencrypt = |name: &str, recipients: &[Recipient], plain: &[u8]| {
        random::with_seed(name.as_bytes(), || {
            age::encrypt(recipients, plain, Encoding::Binary).unwrap()
        })
    };
    let mut v = vec![
        opened(
            envelope(
                "envelope-client",
                "ok",
                "sealed by the sender to the client, opened by the client, who expects the sender",
                &p.client,
            )
            .field("sender", p.sender.fingerprint()),
            &docs,
            &sealed.open_proof,
        )
        .body(env.clone()),
        opened(
            envelope(
                "envelope-sender",
                "ok",
                "the same envelope, opened by the sender's own copy",
                &p.sender,
            ),
            &docs,
            &sealed.open_proof,
        )
        .body(env.clone()),
        envelope(
            "wrong-key",
            "WRONG_KEY",
            "the same envelope; the reader is in no stanza",
            &p.other,
        )
        .body(env.clone()),
        envelope(
            "unexpected-sender",
            "UNEXPECTED_SENDER",
            "the same envelope; the reader expects another sender's fingerprint",
            &p.client,
        )
        .field("sender", p.other.fingerprint())
        .body(env.clone()),
    ];

    let mut bad_mac = env.clone();
    let mac_start = end - 44;
    bad_mac[mac_start] = if bad_mac[mac_start] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let mut bad_chunk = env.clone();
    bad_chunk[end + age::NONCE_SIZE + 3] ^= 0x01;
    v.extend([
        envelope(
            "tampered-header-mac",
            "TAMPERED",
            "the same envelope with one character of the header MAC changed",
            &p.client,
        )
        .body(bad_mac),
        envelope(
            "tampered-chunk",
            "TAMPERED",
            "the same envelope with one bit of the payload ciphertext flipped",
            &p.client,
        )
        .body(bad_chunk),
        envelope(
            "truncated-header",
            "TRUNCATED",
            "the same envelope cut inside its header",
            &p.client,
        )
        .body(&env[..end - 10]),
    ]);

    // A payload over one chunk, cut at the chunk boundary: every byte left verifies.
    let big = vec![Document {
        name: "scan.pdf".into(),
        media_type: "application/pdf".into(),
        data: vec![b'%'; age::CHUNK_SIZE + 100],
    }];
    let long = reencrypt(
        "truncated-chunk-boundary",
        &signed_to,
        &payload(&p.sender, &signed_to, &big, |_| {}),
    );
    let cut = header_end(&long) + age::NONCE_SIZE + age::CHUNK_SIZE + 16;
    v.push(
        envelope(
            "truncated-chunk-boundary",
            "TRUNCATED",
            "a two-chunk envelope cut after its first, full chunk",
            &p.client,
        )
        .body(&long[..cut]),
    );

    let mut bad_signature = genuine.clone();
    *bad_signature.last_mut().unwrap() ^= 0x01;
    let iban = genuine.windows(4).position(|w| w == b"DE89").unwrap();
    let mut changed_document = genuine.clone();
    changed_document[iban + 2..iban + 4].copy_from_slice(b"00");
    let rename = |names: [&'static str; 2]| {
        move |m: &mut Manifest| {
            for (doc, name) in m.documents.iter_mut().zip(names) {
                doc.name = name.into();
            }
        }
    };
    let forged = |name: &str, expect: &str, comment: &str, plain: &[u8]| {
        envelope(name, expect, comment, &p.client).body(reencrypt(name, &signed_to, plain))
    };
    // The sender's own card, validly self-signed over a name that SPEC §3.2 refuses.
    let signing = p.sender.signing_key();
    let rlo_card = Card::signed(
        "Acme \u{202E}HbmG",
        signing.verifying_key(),
        p.sender.recipient(),
        |tbs| signing.sign(tbs),
    )
    .unwrap();
    v.extend([
        forged(
            "bad-signature",
            "BAD_SIGNATURE",
            "a genuine payload with one bit of the manifest signature flipped",
            &bad_signature,
        ),
        forged(
            "document-hash",
            "MALFORMED",
            "a genuine payload whose invoice bytes were changed after signing (the IBAN)",
            &changed_document,
        ),
        forged(
            "duplicate-document-names",
            "MALFORMED",
            "a signed manifest with two documents named invoice.xml",
            &payload(
                &p.sender,
                &signed_to,
                &docs,
                rename(["invoice.xml", "invoice.xml"]),
            ),
        ),
        forged(
            "name-zero-width-space",
            "MALFORMED",
            "a signed manifest with a document name containing U+200B ZERO WIDTH SPACE",
            &payload(
                &p.sender,
                &signed_to,
                &docs,
                rename(["invoice\u{200B}.xml", "terms.pdf"]),
            ),
        ),
        forged(
            "name-right-to-left-override",
            "MALFORMED",
            "a signed manifest with a document name containing U+202E RIGHT-TO-LEFT OVERRIDE",
            &payload(
                &p.sender,
                &signed_to,
                &docs,
                rename(["invoice.xml", "terms\u{202E}fdp.exe"]),
            ),
        ),
        forged(
            "sender-name-right-to-left-override",
            "MALFORMED",
            "a signed manifest whose sender card, validly self-signed, has a name containing \
             U+202E RIGHT-TO-LEFT OVERRIDE (shown as Acme GmbH)",
            &payload(&p.sender, &signed_to, &docs, |m| m.sender = rlo_card),
        ),
    ]);

    let stanzas = [
        (
            "not-for-you",
            "NOT_FOR_YOU",
            "a genuine payload for the client, re-encrypted by the client to another reader",
            to(&[&p.other, &p.sender]),
            &p.other,
        ),
        (
            "recipients-more",
            "MALFORMED",
            "a genuine payload re-encrypted with a third stanza: 3 stanzas, 2 signed recipients",
            to(&[&p.client, &p.sender, &p.other]),
            &p.client,
        ),
        (
            "recipients-fewer",
            "MALFORMED",
            "a genuine payload re-encrypted to the client alone: 1 stanza, 2 signed recipients",
            to(&[&p.client]),
            &p.client,
        ),
    ];
    for (name, expect, comment, recipients, reader) in stanzas {
        v.push(envelope(name, expect, comment, reader).body(reencrypt(
            name,
            &recipients,
            &genuine,
        )));
    }

    let grease = |count: usize, body_len: usize| {
        vec![
            Stanza {
                args: vec!["testkit-grease".into()],
                body: vec![0x5a; body_len],
            };
            count
        ]
    };
    for (name, comment, stanzas) in [
        (
            "header-too-large-stanza",
            "a genuine payload whose header (valid MAC) has one 200 KiB grease stanza: over 256 KiB",
            grease(1, 200 * 1024),
        ),
        (
            "header-too-large-split",
            "a genuine payload whose header (valid MAC) has 200 grease stanzas of 1 KiB: over 256 KiB",
            grease(200, 1024),
        ),
    ] {
        let file = random::with_seed(name.as_bytes(), || {
            encrypt_with_grease(&signed_to, stanzas, &genuine)
        });
        v.push(envelope(name, "LIMIT_EXCEEDED", comment, &p.client).body(file));
    }
    v
}

/// `envelope` with one character of its first stanza's body line changed (another base64
/// character, so the header still parses): the first recipient's stanza no longer unwraps.
fn alter_first_stanza_body(envelope: &[u8]) -> Vec<u8> {
    let mut altered = envelope.to_vec();
    let stanza = find(&altered, b"\n-> X25519 ").unwrap() + 1;
    let body = stanza + find(&altered[stanza..], b"\n").unwrap() + 1;
    altered[body] = if altered[body] == b'A' { b'B' } else { b'A' };
    altered
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `url` (a checked link) with one bit of its last check byte flipped.
fn with_bad_check(url: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (head, secret) = url.rsplit_once('.').unwrap();
    let mut raw = base64::Engine::decode(&URL_SAFE_NO_PAD, secret).unwrap();
    *raw.last_mut().unwrap() ^= 1;
    format!("{head}.{}", base64::Engine::encode(&URL_SAFE_NO_PAD, raw))
}

/// Links (SPEC §5.3). Each envelope is sealed for a link and the sender; the link's stanza is
/// the first. The same envelope opens with the checked link (version 3 or 4) the writer gave
/// and with the unchecked link (version 1 or 2) of the same secret, as written before.
fn link_vectors(p: &Parties) -> Vec<Vector> {
    let docs = documents();
    let passphrase = Passphrase::new(LINK_PASSPHRASE).unwrap();
    let mut v = Vec::new();
    for (name, request) in [
        ("link", LinkRequest::Plain),
        (
            "link-passphrase",
            LinkRequest::WithPassphrase(Passphrase::new(LINK_PASSPHRASE).unwrap()),
        ),
    ] {
        let needs_passphrase = matches!(request, LinkRequest::WithPassphrase(_));
        let options = SealOptions {
            link: Some(request),
            ..SealOptions::new(INVOICE_ID, ISSUED_AT)
        };
        let sealed = random::with_seed(name.as_bytes(), || {
            seal(&p.sender, &docs, &options).unwrap()
        });
        let checked = sealed.link.unwrap();
        assert!(checked.is_checked());
        let checked_url = checked.url(LINK_BASE, RELAY_ID).unwrap();
        let old_url = checked.unchecked().url(LINK_BASE, RELAY_ID).unwrap();
        let recipient = checked
            .identity(needs_passphrase.then_some(&passphrase))
            .unwrap()
            .to_recipient();
        let altered = alter_first_stanza_body(&sealed.envelope);
        let with_link = |name: &str, expect: &str, comment: &str, url: &str| {
            let v = Vector::new(name, "envelope", expect, comment).field("link", url);
            if needs_passphrase {
                v.field("passphrase", LINK_PASSPHRASE)
            } else {
                v
            }
        };
        let ok = |name: &str, comment: &str, url: &str| {
            let v = with_link(name, "ok", comment, url).field("recipient", recipient.to_string());
            opened(v, &docs, &sealed.open_proof).body(sealed.envelope.clone())
        };
        if needs_passphrase {
            v.push(ok(
                name,
                "an envelope sealed for a link with a passphrase and the sender, opened with \
                 the link as version 2 (no check)",
                &old_url,
            ));
            v.push(ok(
                "link-checked-passphrase",
                "the same envelope opened with its checked link with a passphrase (version 4)",
                &checked_url,
            ));
            v.push(
                Vector::new(
                    "link-wrong-passphrase",
                    "envelope",
                    "BAD_PASSPHRASE",
                    "the passphrase link's envelope, opened with another passphrase",
                )
                .field("link", old_url.as_str())
                .field("passphrase", "blue f0x")
                .body(sealed.envelope.clone()),
            );
            v.push(
                with_link(
                    "link-checked-passphrase-altered-key-block",
                    "BAD_PASSPHRASE",
                    "the same envelope with one character of the link's stanza body changed, \
                     opened with the checked link and the right passphrase: a wrong passphrase \
                     and an altered key block cannot be told apart",
                    &checked_url,
                )
                .body(altered),
            );
        } else {
            v.push(ok(
                name,
                "an envelope sealed for a link without passphrase and the sender, opened with \
                 the link as version 1 (no check)",
                &old_url,
            ));
            v.push(ok(
                "link-checked",
                "the same envelope opened with its checked link without passphrase (version 3)",
                &checked_url,
            ));
            v.push(
                with_link(
                    "link-checked-bad-check",
                    "MALFORMED",
                    "the checked link with one bit of its check flipped: a broken link",
                    &with_bad_check(&checked_url),
                )
                .body(sealed.envelope.clone()),
            );
            let (_, fragment) = checked_url.rsplit_once('#').unwrap();
            let (_, secret) = fragment.split_once('.').unwrap();
            v.push(
                with_link(
                    "link-checked-other-relay-id",
                    "MALFORMED",
                    "the checked link with its relay id changed: the check covers the relay id",
                    &format!("{LINK_BASE}#testkit-relay-0002.{secret}"),
                )
                .body(sealed.envelope.clone()),
            );
            v.push(
                with_link(
                    "link-checked-altered-key-block",
                    "TAMPERED",
                    "the envelope with one character of the link's stanza body changed, opened \
                     with the checked link: the link is intact, so the envelope was altered",
                    &checked_url,
                )
                .body(altered.clone()),
            );
            v.push(
                with_link(
                    "link-altered-key-block",
                    "WRONG_KEY",
                    "the same altered envelope opened with the unchecked link (version 1), which \
                     cannot tell it from a wrong link",
                    &old_url,
                )
                .body(altered),
            );
            let (_, secret) = old_url.rsplit_once('.').unwrap();
            let mut raw =
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, secret)
                    .unwrap();
            raw[0] = 5;
            let version5 = format!(
                "{LINK_BASE}#{RELAY_ID}.{}",
                base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, raw)
            );
            v.push(
                Vector::new(
                    "link-unknown-version",
                    "envelope",
                    "MALFORMED",
                    "the version 1 link with its version byte set to 5",
                )
                .field("link", version5)
                .body(sealed.envelope.clone()),
            );
        }
    }
    v
}

fn keystore_vectors(p: &Parties) -> Vec<Vector> {
    let passphrase = Passphrase::new(KEYSTORE_PASSPHRASE).unwrap();
    let blob = random::with_seed(b"keystore", || {
        p.sender.lock(&passphrase, &KdfParams::MIN).unwrap()
    });
    let mut hostile = blob.clone();
    let params = b"sealbill/keystore/v1\n".len();
    hostile[params..params + 4].copy_from_slice(&(4u32 << 20).to_be_bytes());
    let keystore = |name: &str, expect: &str, comment: &str, passphrase: &str| {
        Vector::new(name, "keystore", expect, comment)
            .field("passphrase", passphrase)
            .field("seed", seed_hex(&p.sender))
            .field("name", p.sender.name())
    };
    vec![
        keystore(
            "keystore",
            "ok",
            "the sender's identity locked with Argon2id at the minimum parameters (SPEC §5.2)",
            KEYSTORE_PASSPHRASE,
        )
        .body(blob.clone()),
        keystore(
            "keystore-nfd-passphrase",
            "ok",
            "the same blob; the passphrase typed in NFD (e + U+0301), equal after NFC (SPEC §5.1)",
            "correct horse cafe\u{301}",
        )
        .body(blob.clone()),
        keystore(
            "keystore-wrong-passphrase",
            "BAD_PASSPHRASE",
            "the same blob with another passphrase",
            "correct horse cafe",
        )
        .body(blob),
        keystore(
            "keystore-hostile-parameters",
            "LIMIT_EXCEEDED",
            "the same blob asking for 4 GiB of Argon2id memory",
            KEYSTORE_PASSPHRASE,
        )
        .body(hostile),
    ]
    .into_iter()
    .chain(passkey_vectors(p, &passphrase))
    .collect()
}

/// Keystore v2 (SPEC §5.2): the sender's identity behind its passphrase and a passkey whose
/// PRF output is fixed here, as an authenticator would give it.
fn passkey_vectors(p: &Parties, passphrase: &Passphrase) -> Vec<Vector> {
    const CREDENTIAL: &[u8] = b"testkit passkey credential 1";
    const PRF: [u8; 32] = [0x5a; 32];
    let salt = random::with_seed(b"keystore-passkey prf salt", || {
        let mut salt = [0u8; 32];
        random::fill(&mut salt);
        salt
    });
    let factor = PasskeyFactor::new(CREDENTIAL, salt, &PRF).unwrap();
    let blob = random::with_seed(b"keystore-passkey", || {
        p.sender
            .lock_with_passkey(passphrase, &KdfParams::MIN, &factor)
            .unwrap()
    });
    let vector = |name: &str, expect: &str, comment: &str| {
        Vector::new(name, "keystore", expect, comment)
            .field("passphrase", KEYSTORE_PASSPHRASE)
            .field("seed", seed_hex(&p.sender))
            .field("name", p.sender.name())
    };
    let with = |v: Vector, credential: &[u8], prf: &[u8]| {
        v.field("credential", hex::encode(credential))
            .field("prf", hex::encode(prf))
            .body(blob.clone())
    };
    vec![
        with(
            vector(
                "keystore-passkey",
                "ok",
                "keystore v2: the passphrase and the passkey's PRF output (`prf:`) for the credential",
            ),
            CREDENTIAL,
            &PRF,
        ),
        vector(
            "keystore-passkey-missing",
            "PASSKEY_REQUIRED",
            "the same blob with the passphrase alone",
        )
        .body(blob.clone()),
        with(
            vector(
                "keystore-passkey-wrong-prf",
                "BAD_PASSPHRASE",
                "the same blob with another PRF output for the enrolled credential",
            ),
            CREDENTIAL,
            &[0xa5; 32],
        ),
        with(
            vector(
                "keystore-passkey-unknown",
                "UNKNOWN_PASSKEY",
                "the same blob with a credential that has no slot",
            ),
            b"another credential",
            &PRF,
        ),
    ]
}

fn request_vectors(p: &Parties) -> Vec<Vector> {
    let (method, target, timestamp) = ("POST", "/api/v1/envelopes?expires=86400", 1_795_000_000);
    let authority = "relay.example:8443";
    let body = b"an uploaded envelope".to_vec();
    let header = sign_request(&p.sender, method, authority, target, timestamp, &body).unwrap();
    let request = |name: &str, expect: &str, comment: &str, at: &str, header: &str| {
        Vector::new(name, "request", expect, comment)
            .field("seed", seed_hex(&p.sender))
            .field("method", method)
            .field("authority", at)
            .field("target", target)
            .field("header", header)
            .body(body.clone())
    };
    let v1 = header.replacen("v=2,", "", 1);
    vec![
        request(
            "request",
            "ok",
            "a signed relay request (SPEC §6): the Sealbill-Signature value over this body, \
             sent to the relay at this authority",
            authority,
            &header,
        ),
        request(
            "request-altered-body",
            "BAD_SIGNATURE",
            "the same signature over another body",
            authority,
            &header,
        )
        .body(b"an uploaded envelopf".to_vec()),
        request(
            "request-authority-case",
            "ok",
            "the same request sent to the same relay named in upper case: authorities are \
             compared in lower case",
            "RELAY.Example:8443",
            &header,
        ),
        request(
            "request-other-relay",
            "BAD_SIGNATURE",
            "the same request replayed to another relay that trusts the same key",
            "other.example:8443",
            &header,
        ),
        request(
            "request-other-port",
            "BAD_SIGNATURE",
            "the same request replayed to another relay on the same host",
            "relay.example:8444",
            &header,
        ),
        request(
            "request-version-1",
            "MALFORMED",
            "a header of the first version, without v=2, whose signature did not cover the \
             relay's authority: refused, the client must update",
            authority,
            &v1,
        ),
    ]
}

/// Replies (SPEC §5.5), read by the sender of the envelope they answer, whose bytes are in
/// `original:` (hex).
fn reply_vectors(p: &Parties) -> Vec<Vector> {
    let docs = documents();
    let to = |from: &Identity, to: &Identity, name: &str| {
        let options = SealOptions {
            recipients: vec![to.recipient()],
            ..SealOptions::new(INVOICE_ID, ISSUED_AT)
        };
        random::with_seed(name.as_bytes(), || seal(from, &docs, &options).unwrap()).envelope
    };
    let original = to(&p.sender, &p.client, "reply-original");
    let another = to(&p.sender, &p.client, "reply-another-original");
    let answered = open(
        core::slice::from_ref(p.client.age_identity()),
        &original,
        None,
    )
    .unwrap();
    let reply = |name: &str, relay_id: &str| {
        random::with_seed(name.as_bytes(), || {
            seal_reply(&p.client, &answered, relay_id, ISSUED_AT + 60).unwrap()
        })
        .envelope
    };
    let base = |name: &str, expect: &str, comment: &str, original: &[u8]| {
        Vector::new(name, "reply", expect, comment)
            .field("seed", seed_hex(&p.sender))
            .field("relay id", RELAY_ID)
            .field("original", hex(original))
    };
    vec![
        base(
            "reply",
            "ok",
            "the client's reply to an envelope from the sender, read by the sender",
            &original,
        )
        .field("name", p.client.name())
        .field("fingerprint", p.client.fingerprint())
        .field("invoice", INVOICE_ID)
        .body(reply("reply", RELAY_ID)),
        base(
            "reply-moved",
            "UNBOUND_REPLY",
            "the same reply, checked against another envelope with the same invoice id",
            &another,
        )
        .body(reply("reply", RELAY_ID)),
        base(
            "reply-other-relay-id",
            "UNBOUND_REPLY",
            "a reply that names another relay id than the one the envelope is stored under",
            &original,
        )
        .body(reply("reply-other-relay-id", "testkit-relay-0002")),
        base(
            "reply-not-a-reply",
            "MALFORMED",
            "an envelope from the client to the sender whose documents are not a reply",
            &original,
        )
        .body(to(&p.client, &p.sender, "reply-not-a-reply")),
    ]
}

fn generate() -> Vec<Vector> {
    let p = Parties {
        sender: party("Acme GmbH"),
        client: party("Client AG"),
        other: party("Mallory Ltd"),
    };
    let mut all = identity_vectors(&p);
    all.extend(envelope_vectors(&p));
    all.extend(link_vectors(&p));
    all.extend(keystore_vectors(&p));
    all.extend(request_vectors(&p));
    all.extend(reply_vectors(&p));
    all.extend(backup_vectors(&p));
    all.extend(team_vectors(&p));
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// What a reader of a roster or membership must find (SPEC §3.8): the owner, version, issue
/// time, one `member: fingerprint role valid-from valid-until name` per member, one
/// `account:` per payment account and `archive: epoch recipient`.
fn team_fields(
    v: Vector,
    owner: &Card,
    version: u64,
    members: &[Member],
    accounts: &[String],
    archive: ArchiveEntry,
) -> Vector {
    let v = v
        .field("name", owner.name())
        .field("fingerprint", owner.fingerprint())
        .field("version", version)
        .field("issued", ISSUED_AT);
    let v = members.iter().fold(v, |v, m| {
        v.field(
            "member",
            format!(
                "{} {} {} {} {}",
                m.card.fingerprint(),
                m.role.as_str(),
                m.valid_from,
                m.valid_until,
                m.card.name()
            ),
        )
    });
    accounts.iter().fold(v, |v, a| v.field("account", a)).field(
        "archive",
        format!("{} {}", archive.epoch, archive.recipient),
    )
}

/// Team rosters and memberships of the sender as owner, with a biller and an accountant, and
/// the archive-key file sealed to them (SPEC §3.8).
fn team_vectors(p: &Parties) -> Vec<Vector> {
    let owner = &p.sender;
    let biller = party("Bea Biller");
    let accountant = party("Carl Counts");
    let archive = random::with_seed(b"team-archive-key", || ArchiveKey::generate(0));
    let draft = |version: u64| RosterDraft {
        version,
        issued: ISSUED_AT,
        members: vec![
            Member {
                card: biller.card().clone(),
                role: Role::Biller,
                valid_from: ISSUED_AT,
                valid_until: ISSUED_AT + 86_400 * 365,
            },
            Member {
                card: accountant.card().clone(),
                role: Role::Accountant,
                valid_from: ISSUED_AT,
                valid_until: 0,
            },
        ],
        accounts: vec![
            "DE89 3704 0044 0532 0130 00".into(),
            "GB82WEST12345698765432".into(),
        ],
        archive: archive.entry(),
    };
    let v2 = draft(2).sign(owner).unwrap();
    let v1 = draft(1).sign(owner).unwrap();
    let roster = |name: &str, expect: &str, comment: &str, r: &Roster| {
        team_fields(
            Vector::new(name, "roster", expect, comment),
            r.owner(),
            r.version(),
            r.members(),
            r.accounts(),
            r.archive(),
        )
    };
    // The owner's roster, signed over by the biller's key instead.
    let signed = &v2.to_bytes()[..v2.to_bytes().len() - 64];
    let mut forged = signed.to_vec();
    forged.extend_from_slice(&biller.signing_key().sign(signed).to_bytes());
    let membership = |name: &str, expect: &str, comment: &str, m: &Membership| {
        team_fields(
            Vector::new(name, "membership", expect, comment),
            m.owner(),
            m.version(),
            core::slice::from_ref(m.member()),
            m.accounts(),
            m.archive(),
        )
        .body(m.to_bytes())
    };
    let of_biller = v2.membership(owner, &biller.fingerprint()).unwrap();
    let of_accountant = v2.membership(owner, &accountant.fingerprint()).unwrap();
    let readers = [biller.card().clone(), accountant.card().clone()];
    let sealed = random::with_seed(b"archive-key", || {
        seal_archive_key(owner, &archive, &readers).unwrap()
    });
    let other = random::with_seed(b"archive-key-unnamed", || {
        let other = ArchiveKey::generate(0);
        seal_archive_key(owner, &other, &readers).unwrap()
    });
    assert!(open_archive_key(&accountant, &sealed, &archive.entry()).is_ok());
    let archive_key = |name: &str, expect: &str, comment: &str| {
        Vector::new(name, "archive-key", expect, comment)
            .field("seed", seed_hex(&accountant))
            .field(
                "archive",
                format!("{} {}", archive.entry().epoch, archive.entry().recipient),
            )
    };
    vec![
        roster(
            "roster",
            "ok",
            "a team roster (SPEC §3.8), version 2: the owner, a biller and an accountant",
            &v2,
        )
        .body(v2.to_bytes()),
        roster(
            "roster-bad-signature",
            "BAD_SIGNATURE",
            "the same roster, signed by the biller's key instead of the owner's",
            &v2,
        )
        .body(forged),
        roster(
            "roster-stale",
            "STALE_ROSTER",
            "roster version 1, read by a reader that holds version 2 (`known:`, hex)",
            &v1,
        )
        .field("known", hex(v2.to_bytes()))
        .body(v1.to_bytes()),
        membership(
            "membership",
            "ok",
            "the biller's membership, checked as the sender (`card:`) of an envelope issued `at:`",
            &of_biller,
        )
        .field("card", biller.card().to_text())
        .field("at", ISSUED_AT + 3600),
        membership(
            "membership-expired",
            "MEMBERSHIP_EXPIRED",
            "the biller's membership, as the sender of an envelope issued when it had ended",
            &of_biller,
        )
        .field("card", biller.card().to_text())
        .field("at", ISSUED_AT + 86_400 * 365),
        membership(
            "membership-accountant-sends",
            "ROLE_CANNOT_SEND",
            "the accountant's membership, as the sender of an envelope",
            &of_accountant,
        )
        .field("card", accountant.card().to_text())
        .field("at", ISSUED_AT + 3600),
        archive_key(
            "archive-key",
            "ok",
            "the archive key of the roster, sealed to the owner, the biller and the accountant, opened by the accountant",
        )
        .body(sealed),
        archive_key(
            "archive-key-unnamed",
            "MALFORMED",
            "an archive-key file holding another key than the one the roster names",
        )
        .body(other),
    ]
    .into_iter()
    .chain(team_envelope_vectors(p, &biller, &accountant, &archive, &v2))
    .chain(joining_vectors(owner, &biller))
    .collect()
}

/// Envelopes of team members (SPEC §3.6 manifest v2): sealed by the biller with its
/// membership and opened by the client (pinning the business, the owner) and by the archive
/// key; forged ones that the sender check or the archive rule refuses.
fn team_envelope_vectors(
    p: &Parties,
    biller: &Identity,
    accountant: &Identity,
    archive: &ArchiveKey,
    roster: &Roster,
) -> Vec<Vector> {
    let owner = &p.sender;
    let docs = documents();
    let of_biller = roster.membership(owner, &biller.fingerprint()).unwrap();
    let of_accountant = roster.membership(owner, &accountant.fingerprint()).unwrap();
    let sealed = random::with_seed(b"team-envelope", || {
        let options = SealOptions {
            recipients: vec![p.client.recipient()],
            membership: Some(of_biller.clone()),
            ..SealOptions::new(INVOICE_ID, ISSUED_AT)
        };
        seal(biller, &docs, &options).unwrap()
    });
    let env = sealed.envelope;
    let member = |m: &Membership| {
        format!(
            "{} {} {}",
            m.member().card.fingerprint(),
            m.member().role.as_str(),
            m.version()
        )
    };
    // Every team envelope is read by the client, who expects the business (the owner).
    let envelope = |name: &str, expect: &str, comment: &str| {
        Vector::new(name, "envelope", expect, comment)
            .field("seed", seed_hex(&p.client))
            .field("sender", owner.fingerprint())
    };
    let team_opened = |v: Vector| {
        opened(v, &docs, &sealed.open_proof)
            .field("business", owner.fingerprint())
            .field("member", member(&of_biller))
    };
    let archived = archive.entry().recipient;
    // A payload signed by `sender` carrying `membership`, encrypted to `recipients` (listed
    // in the manifest as they are).
    let forged = |name: &str,
                  expect: &str,
                  comment: &str,
                  sender: &Identity,
                  membership: &Membership,
                  recipients: &[Recipient],
                  issued_at: u64| {
        let plain = payload(sender, recipients, &docs, |m| {
            m.membership = Some(membership.clone());
            m.issued_at = issued_at;
        });
        envelope(name, expect, comment).body(random::with_seed(name.as_bytes(), || {
            age::encrypt(recipients, &plain, Encoding::Binary).unwrap()
        }))
    };
    let to = |sender: &Identity| [p.client.recipient(), archived, sender.recipient()];
    // The biller's manifest with one bit of the membership's owner signature flipped: the
    // membership is the manifest's last field, its signature the last 64 bytes.
    let recipients = to(biller);
    let mut manifest = Manifest {
        membership: Some(of_biller.clone()),
        ..manifest_of(biller, &recipients, &docs)
    }
    .encode()
    .unwrap();
    assert!(manifest.ends_with(of_biller.to_bytes()));
    *manifest.last_mut().unwrap() ^= 0x01;
    let bad_membership = signed_payload(biller, &docs, &manifest);
    let expired_at = of_biller.member().valid_until;
    vec![
        team_opened(envelope(
            "team-envelope-client",
            "ok",
            "sealed by the biller with its membership (manifest v2) to the client, opened by \
             the client, who expects the business: the owner, not the biller",
        ))
        .body(env.clone()),
        team_opened(
            Vector::new(
                "team-envelope-archive",
                "envelope",
                "ok",
                "the same envelope, opened with the team's archive key (`age identity:`), \
                 expecting the owner",
            )
            .field("age identity", archive.identity().to_bech32().as_str())
            .field("sender", owner.fingerprint()),
        )
        .body(env.clone()),
        Vector::new(
            "team-envelope-biller-pinned",
            "envelope",
            "UNEXPECTED_SENDER",
            "the same envelope; the client expects the biller's fingerprint, not the business's",
        )
        .field("seed", seed_hex(&p.client))
        .field("sender", biller.fingerprint())
        .body(env),
        forged(
            "team-envelope-accountant-sends",
            "ROLE_CANNOT_SEND",
            "a manifest v2 signed by the accountant, carrying its own membership",
            accountant,
            &of_accountant,
            &to(accountant),
            ISSUED_AT,
        ),
        forged(
            "team-envelope-expired",
            "MEMBERSHIP_EXPIRED",
            "a manifest v2 signed by the biller, issued at its membership's valid until",
            biller,
            &of_biller,
            &to(biller),
            expired_at,
        ),
        forged(
            "team-envelope-other-sender",
            "NOT_A_MEMBER",
            "a manifest v2 signed by another card, carrying the biller's membership",
            &p.other,
            &of_biller,
            &to(&p.other),
            ISSUED_AT,
        ),
        forged(
            "team-envelope-no-archive",
            "MALFORMED",
            "a manifest v2 signed by the biller that does not list the team's archive recipient",
            biller,
            &of_biller,
            &[p.client.recipient(), biller.recipient()],
            ISSUED_AT,
        ),
        envelope(
            "team-envelope-bad-membership",
            "BAD_SIGNATURE",
            "a manifest v2 signed by the biller whose membership has one bit of the owner's \
             signature flipped",
        )
        .body(random::with_seed(b"team-envelope-bad-membership", || {
            age::encrypt(&recipients, &bad_membership, Encoding::Binary).unwrap()
        })),
    ]
}

/// Joining a team (SPEC §3.8): the owner's invitation to the biller role and the biller's
/// request to join, in their text forms, and forged ones.
fn joining_vectors(owner: &Identity, member: &Identity) -> Vec<Vector> {
    let invitation = TeamInvitation::new(owner, Role::Biller, ISSUED_AT).unwrap();
    let request = invitation.accept(member).unwrap();
    use base64::engine::{general_purpose::URL_SAFE_NO_PAD, Engine};
    let decode = |text: &str, prefix: &str| {
        URL_SAFE_NO_PAD
            .decode(text.strip_prefix(prefix).unwrap())
            .unwrap()
    };
    let encode = |prefix: &str, bytes: &[u8]| format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let invitation_bytes = decode(&invitation.to_text(), TEAM_INVITATION_PREFIX);
    // The role byte sits before the 8-byte time and the 64-byte signature.
    let mut other_role = invitation_bytes.clone();
    let role_at = other_role.len() - 64 - 8 - 1;
    assert_eq!(other_role[role_at], Role::Biller.to_byte());
    other_role[role_at] = Role::Accountant.to_byte();
    let mut flipped = decode(&request.to_text(), JOIN_REQUEST_PREFIX);
    *flipped.last_mut().unwrap() ^= 0x01;
    // The owner's own request to join its team, validly signed by the owner.
    let mut w = Writer::default();
    w.bytes16(JOIN_REQUEST_CONTEXT.as_bytes()).unwrap();
    w.bytes16(&invitation_bytes).unwrap();
    w.bytes16(&owner.card().to_bytes()).unwrap();
    let owner_joins = crate::roster::sign(owner, w);
    let fields = |v: Vector| {
        v.field("owner", owner.fingerprint())
            .field("role", Role::Biller.as_str())
            .field("issued", ISSUED_AT)
    };
    let invite = |name: &str, expect: &str, comment: &str| {
        fields(Vector::new(name, "team-invitation", expect, comment))
    };
    let join = |name: &str, expect: &str, comment: &str| {
        fields(Vector::new(name, "team-join", expect, comment))
            .field("member", member.fingerprint())
    };
    vec![
        invite(
            "team-invitation",
            "ok",
            "the owner's invitation to the biller role (SPEC §3.8), in its text form",
        )
        .body(invitation.to_text()),
        invite(
            "team-invitation-bad-signature",
            "BAD_SIGNATURE",
            "the same invitation with its role byte changed to accountant",
        )
        .body(encode(TEAM_INVITATION_PREFIX, &other_role)),
        join(
            "team-join",
            "ok",
            "the biller's request to join, answering the invitation, in its text form",
        )
        .body(request.to_text()),
        join(
            "team-join-bad-signature",
            "BAD_SIGNATURE",
            "the same request with one bit of the member's signature flipped",
        )
        .body(encode(JOIN_REQUEST_PREFIX, &flipped)),
        Vector::new(
            "team-join-owner",
            "team-join",
            "MALFORMED",
            "a request to join, validly signed by the owner, whose member is the owner",
        )
        .field("owner", owner.fingerprint())
        .field("role", Role::Biller.as_str())
        .field("issued", ISSUED_AT)
        .field("member", owner.fingerprint())
        .body(encode(JOIN_REQUEST_PREFIX, &owner_joins)),
    ]
}

/// Full backups (SPEC §5.6) of the sender at the minimum Argon2id parameters: a profile, a
/// record and an envelope of two chunks, and the ways a backup must be refused.
fn backup_vectors(p: &Parties) -> Vec<Vector> {
    const PASSPHRASE: &str = "granite willow comets";
    let passphrase = Passphrase::new(PASSPHRASE).unwrap();
    let envelope: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let entries: [(EntryKind, &str, &[u8]); 3] = [
        (
            EntryKind::Profile,
            "profile.json",
            br#"{"iban":"DE02120300000000202051"}"#,
        ),
        (
            EntryKind::Record,
            "testkit-relay-0001.json",
            br#"{"sentAt":1795000000}"#,
        ),
        (EntryKind::Envelope, "testkit-relay-0001.age", &envelope),
    ];
    let file = random::with_seed(b"backup", || {
        let mut out = Vec::new();
        let mut w = BackupWriter::new(&p.sender, &passphrase, &KdfParams::MIN, &mut out).unwrap();
        for (kind, name, data) in entries {
            w.add(kind, name, data, &mut out).unwrap();
        }
        w.finish(&mut out).unwrap();
        out
    });
    // Magic, parameters, salt, nonce and MAC, then the first chunk and its tag.
    let body_at = b"sealbill/backup/v1\n".len() + 12 + 16 + 16 + 32;
    let first_chunk_end = body_at + age::CHUNK_SIZE + 16;
    let mut tampered = file.clone();
    tampered[body_at + 100] ^= 0x01;
    let mut hostile = file.clone();
    hostile[19..23].copy_from_slice(&(4u32 << 20).to_be_bytes());
    let mut version = file.clone();
    version[17] = b'2';
    // A plaintext whose one entry declares an envelope of 25 MiB and a byte.
    let mut plain = crate::wire::Writer::default();
    plain.raw(&[1]);
    plain.bytes16(b"identity").unwrap();
    plain.u64((2 + p.sender.name().len() + 32) as u64);
    plain.bytes16(p.sender.name().as_bytes()).unwrap();
    plain.raw(p.sender.seed().as_ref());
    plain.raw(&[7]);
    plain.bytes16(b"huge.age").unwrap();
    plain.u64(25 * 1024 * 1024 + 1);
    plain.raw(b"only a few bytes follow");
    let huge = random::with_seed(b"backup-huge-entry", || {
        seal_plaintext(&passphrase, &KdfParams::MIN, &plain.bytes)
    });
    let backup = |name: &str, expect: &str, comment: &str, passphrase: &str| {
        Vector::new(name, "backup", expect, comment)
            .field("passphrase", passphrase)
            .field("seed", seed_hex(&p.sender))
            .field("name", p.sender.name())
    };
    let mut ok = backup(
        "backup",
        "ok",
        "the sender's full backup: a profile, a record and an envelope of two chunks (SPEC §5.6)",
        PASSPHRASE,
    );
    for (kind, name, data) in entries {
        let sha = hex(&Sha256::digest(data));
        ok = ok.field(
            "entry",
            format!("{} {} {sha} {name}", kind.as_str(), data.len()),
        );
    }
    vec![
        ok.body(file.clone()),
        backup(
            "backup-wrong-passphrase",
            "BAD_PASSPHRASE",
            "the same backup with another passphrase (the header MAC fails)",
            "granite willow comet",
        )
        .body(file.clone()),
        backup(
            "backup-tampered-chunk",
            "TAMPERED",
            "the same backup with one bit of the first chunk flipped",
            PASSPHRASE,
        )
        .body(tampered),
        backup(
            "backup-truncated",
            "TRUNCATED",
            "the same backup cut after its first chunk, a chunk boundary",
            PASSPHRASE,
        )
        .body(file[..first_chunk_end].to_vec()),
        backup(
            "backup-hostile-parameters",
            "LIMIT_EXCEEDED",
            "the same backup asking for 4 GiB of Argon2id memory: refused before Argon2id runs",
            PASSPHRASE,
        )
        .body(hostile),
        backup(
            "backup-unknown-version",
            "MALFORMED",
            "the same backup with the magic of a version 2",
            PASSPHRASE,
        )
        .body(version),
        backup(
            "backup-huge-entry",
            "LIMIT_EXCEEDED",
            "a backup whose envelope entry declares 25 MiB and one byte",
            PASSPHRASE,
        )
        .body(huge),
    ]
}

/// The Rust source that embeds every vector, for runners that cannot read a directory (wasm).
fn index(vectors: &[Vector]) -> String {
    let mut out = String::from(
        "// Generated by src/testkit.rs (SEALBILL_REGENERATE_VECTORS=1): every vector of sealbill/.\n&[\n",
    );
    for v in vectors {
        out.push_str(&format!(
            "    (\"{0}\", include_bytes!(\"sealbill/{0}\")),\n",
            v.name
        ));
    }
    out.push_str("]\n");
    out
}

#[test]
fn vectors_are_up_to_date() {
    let vectors = generate();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let dir = root.join("sealbill");
    let index_path = root.join("sealbill-index.rs");
    if std::env::var("SEALBILL_REGENERATE_VECTORS").as_deref() == Ok("1") {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for v in &vectors {
            std::fs::write(dir.join(&v.name), v.bytes()).unwrap();
        }
        std::fs::write(&index_path, index(&vectors)).unwrap();
    }
    let mut stale = Vec::new();
    for v in &vectors {
        if std::fs::read(dir.join(&v.name)).ok() != Some(v.bytes()) {
            stale.push(v.name.clone());
        }
    }
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    committed.sort();
    let generated: Vec<String> = vectors.iter().map(|v| v.name.clone()).collect();
    assert!(
        stale.is_empty()
            && committed == generated
            && std::fs::read_to_string(&index_path).ok() == Some(index(&vectors)),
        "tests/vectors/sealbill differs from the generator (stale: {stale:?}); \
         regenerate with SEALBILL_REGENERATE_VECTORS=1 cargo test -p sealbill --lib testkit"
    );
}
