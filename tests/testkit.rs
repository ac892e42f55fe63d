#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]
//! Runs the sealbill test kit (`tests/vectors/sealbill/`, written by `src/testkit.rs`, SPEC §8)
//! through the public API: each vector's `expect:` must equal the outcome (`ok` or
//! [`Error::code`]), natively and, under wasm-bindgen-test, in the wasm build (Node and
//! Chromium). Envelopes are opened in one call and streamed in pieces, with the same outcome;
//! replies are read by the sender of the envelope they answer; rosters, memberships,
//! archive-key files, team invitations and join requests are read as SPEC §3.8 says.

use sealbill::age::Identity as AgeIdentity;
use sealbill::{
    open, open_archive_key, open_backup, ArchiveEntry, BackupReader, Card, Error, Fingerprint,
    Identity, JoinRequest, LinkSecret, Member, Membership, OpenProof, Opener, PasskeyFactor,
    Passphrase, Roster, SignedRequest, TeamInvitation,
};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Every vector, embedded by the index that the generator writes beside the directory.
const VECTORS: &[(&str, &[u8])] = include!("vectors/sealbill-index.rs");

struct Vector {
    fields: Vec<(String, String)>,
    body: &'static [u8],
}

impl Vector {
    fn parse(raw: &'static [u8]) -> Vector {
        let split = raw.windows(2).position(|w| w == b"\n\n").expect("header");
        let head = std::str::from_utf8(&raw[..split]).expect("utf-8 header");
        let fields = head
            .lines()
            .map(|l| {
                let (k, v) = l.split_once(": ").expect("key: value");
                (k.to_owned(), v.to_owned())
            })
            .collect();
        Vector {
            fields,
            body: &raw[split + 2..],
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn field(&self, key: &str) -> &str {
        self.get(key).expect("a field the vector's kind needs")
    }

    fn all(&self, key: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn text(&self) -> &'static str {
        std::str::from_utf8(self.body).expect("text body")
    }

    fn identity(&self) -> Identity {
        let seed: [u8; 32] = hex::decode(self.field("seed")).unwrap().try_into().unwrap();
        let name = self.get("name").unwrap_or("reader");
        Identity::from_seed(name, Zeroizing::new(seed)).unwrap()
    }

    fn passphrase(&self) -> Option<Passphrase> {
        self.get("passphrase").map(|p| Passphrase::new(p).unwrap())
    }
}

/// A mismatch between a vector's expected values and what the API returned.
fn check(ok: bool, what: &str) -> Result<(), String> {
    ok.then_some(()).ok_or_else(|| format!("{what} differs"))
}

/// The outcome of one vector: `Ok` if it matches `expect:`, else a description.
fn run(v: &Vector) -> Result<(), String> {
    let result = match v.field("kind") {
        "card" => card(v),
        "identity" => identity_file(v),
        "envelope" => envelope(v),
        "keystore" => keystore(v),
        "request" => request(v),
        "reply" => reply(v),
        "backup" => backup(v),
        "roster" => roster(v),
        "membership" => membership(v),
        "archive-key" => archive_key(v),
        "team-invitation" => team_invitation(v),
        "team-join" => team_join(v),
        other => return Err(format!("unknown kind {other}")),
    };
    match (v.field("expect"), result) {
        ("ok", Ok(checks)) => checks,
        ("ok", Err(e)) => Err(format!("expected ok, got {e:?}")),
        (code, Err(e)) if e.code() == code => Ok(()),
        (code, outcome) => Err(format!("expected {code}, got {outcome:?}")),
    }
}

type Outcome = Result<Result<(), String>, Error>;

fn card(v: &Vector) -> Outcome {
    let card = Card::from_text(v.text())?;
    let id = v.identity();
    Ok(check(*id.card() == card, "card")
        .and(check(id.card().to_text() == v.text(), "card text"))
        .and(check(card.name() == v.field("name"), "name"))
        .and(check(fingerprint(v) == card.fingerprint(), "fingerprint"))
        .and(check(
            card.recipient().to_string() == v.field("recipient"),
            "recipient",
        )))
}

fn fingerprint(v: &Vector) -> Fingerprint {
    v.field("fingerprint").parse().unwrap()
}

fn identity_file(v: &Vector) -> Outcome {
    let parsed = Identity::from_text(v.text())?;
    let id = v.identity();
    Ok(check(parsed.seed() == id.seed(), "seed")
        .and(check(parsed.name() == v.field("name"), "name"))
        .and(check(parsed.fingerprint() == fingerprint(v), "fingerprint"))
        .and(check(*id.to_text() == v.text(), "identity file text")))
}

/// A keystore, v1 or v2; for v2 the passkey is the `credential:` and its PRF output `prf:`.
fn keystore(v: &Vector) -> Outcome {
    let passkey = match (v.get("credential"), v.get("prf")) {
        (Some(credential), Some(prf)) => {
            let credential = hex::decode(credential).unwrap();
            let salt = sealbill::passkeys(v.body)?
                .into_iter()
                .find(|slot| slot.credential == credential)
                .map_or([0; 32], |slot| slot.prf_salt);
            Some(PasskeyFactor::new(
                &credential,
                salt,
                &hex::decode(prf).unwrap(),
            )?)
        }
        _ => None,
    };
    let id = Identity::unlock_with(v.body, &v.passphrase().unwrap(), passkey.as_ref())?;
    Ok(check(id.seed() == v.identity().seed(), "seed")
        .and(check(id.name() == v.field("name"), "name")))
}

/// A full backup (SPEC §5.6), opened whole and streamed in pieces, with the same outcome; the
/// entries are listed as `kind size sha256 name`.
fn backup(v: &Vector) -> Outcome {
    let streamed = (|| {
        let mut reader = BackupReader::new(v.passphrase().unwrap());
        let mut entries = Vec::new();
        for piece in v.body.chunks(4099) {
            reader.push(piece, &mut entries)?;
        }
        reader.finish(&mut entries).map(|id| (id, entries.len()))
    })();
    let opened = open_backup(v.body, v.passphrase().unwrap());
    let (backup, (streamed_id, streamed_count)) = match (opened, streamed) {
        (Ok(backup), Ok(streamed)) => (backup, streamed),
        (Err(a), Err(b)) if a.code() == b.code() => return Err(a),
        (a, b) => return Ok(Err(format!("whole {a:?} and streamed {b:?} differ"))),
    };
    let entries: Vec<String> = backup
        .entries
        .iter()
        .map(|e| {
            let sha: String = Sha256::digest(&e.data[..])
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{} {} {sha} {}", e.kind.as_str(), e.data.len(), e.name)
        })
        .collect();
    Ok(check(backup.identity.seed() == v.identity().seed(), "seed")
        .and(check(backup.identity.name() == v.field("name"), "name"))
        .and(check(
            streamed_id.seed() == v.identity().seed(),
            "streamed seed",
        ))
        .and(check(streamed_count == entries.len(), "streamed entries"))
        .and(check(entries == v.all("entry"), "entries")))
}

fn request(v: &Vector) -> Outcome {
    let (method, target, header) = (v.field("method"), v.field("target"), v.field("header"));
    let authority = v.field("authority");
    let parsed = SignedRequest::parse(header, authority)?;
    parsed.verify(method, target, v.body)?;
    let signed = sealbill::sign_request(
        &v.identity(),
        method,
        authority,
        target,
        parsed.timestamp,
        v.body,
    )?;
    Ok(check(signed == header, "header value"))
}

/// The fields of a roster or membership (SPEC §3.8) that a reader must find.
fn team_checks(
    v: &Vector,
    owner: &Card,
    version: u64,
    issued: u64,
    members: &[Member],
    accounts: &[String],
    archive: ArchiveEntry,
) -> Result<(), String> {
    let members: Vec<String> = members
        .iter()
        .map(|m| {
            format!(
                "{} {} {} {} {}",
                m.card.fingerprint(),
                m.role.as_str(),
                m.valid_from,
                m.valid_until,
                m.card.name()
            )
        })
        .collect();
    check(owner.name() == v.field("name"), "owner name")
        .and(check(
            owner.fingerprint() == fingerprint(v),
            "owner fingerprint",
        ))
        .and(check(version.to_string() == v.field("version"), "version"))
        .and(check(issued.to_string() == v.field("issued"), "issue time"))
        .and(check(members == v.all("member"), "members"))
        .and(check(accounts == v.all("account"), "accounts"))
        .and(check(
            archive_field(archive) == v.field("archive"),
            "archive",
        ))
}

fn archive_field(archive: ArchiveEntry) -> String {
    format!("{} {}", archive.epoch, archive.recipient)
}

/// A roster, read by a reader that holds the roster in `known:` (hex) if there is one.
fn roster(v: &Vector) -> Outcome {
    let known = match v.get("known") {
        Some(known) => Some(Roster::verify(&hex::decode(known).unwrap(), None)?),
        None => None,
    };
    let r = Roster::verify(v.body, known.as_ref())?;
    Ok(team_checks(
        v,
        r.owner(),
        r.version(),
        r.issued(),
        r.members(),
        r.accounts(),
        r.archive(),
    ))
}

/// A membership, then the sender check of the card `card:` at the time `at:`.
fn membership(v: &Vector) -> Outcome {
    let m = Membership::verify(v.body)?;
    m.check_sender(
        &Card::from_text(v.field("card"))?,
        v.field("at").parse().unwrap(),
    )?;
    Ok(team_checks(
        v,
        m.owner(),
        m.version(),
        m.issued(),
        core::slice::from_ref(m.member()),
        m.accounts(),
        m.archive(),
    ))
}

/// An archive-key file, opened by the seed's owner, that must hold the key `archive:` names.
fn archive_key(v: &Vector) -> Outcome {
    let (epoch, recipient) = v.field("archive").split_once(' ').unwrap();
    let expected = ArchiveEntry {
        epoch: epoch.parse().unwrap(),
        recipient: recipient.parse().unwrap(),
    };
    let key = open_archive_key(&v.identity(), v.body, &expected)?;
    Ok(check(
        archive_field(key.entry()) == v.field("archive"),
        "archive key",
    ))
}

/// The fields of an invitation that a reader must find: `owner:` (fingerprint), `role:` and
/// `issued:`.
fn invitation_checks(v: &Vector, invitation: &TeamInvitation) -> Result<(), String> {
    check(
        invitation.owner().fingerprint().to_string() == v.field("owner"),
        "owner fingerprint",
    )
    .and(check(invitation.role().as_str() == v.field("role"), "role"))
    .and(check(
        invitation.issued().to_string() == v.field("issued"),
        "issue time",
    ))
}

/// A team invitation in its text form.
fn team_invitation(v: &Vector) -> Outcome {
    let invitation = TeamInvitation::from_text(v.text())?;
    Ok(invitation_checks(v, &invitation))
}

/// A request to join in its text form: its invitation's fields and the `member:` fingerprint.
fn team_join(v: &Vector) -> Outcome {
    let request = JoinRequest::from_text(v.text())?;
    Ok(invitation_checks(v, request.invitation())
        .and(check(request.role() == request.invitation().role(), "role"))
        .and(check(
            request.member().fingerprint().to_string() == v.field("member"),
            "member fingerprint",
        )))
}

/// Reads a reply as the sender of the envelope it answers (`original:`, reopened first).
fn reply(v: &Vector) -> Outcome {
    let sender = v.identity();
    let original = hex::decode(v.field("original")).unwrap();
    let answered = open(
        core::slice::from_ref(sender.age_identity()),
        &original,
        None,
    )?;
    let connection = sealbill::read_reply(&sender, v.body, &answered, v.field("relay id"))?;
    Ok(check(connection.card.name() == v.field("name"), "name")
        .and(check(
            connection.card.fingerprint() == fingerprint(v),
            "fingerprint",
        ))
        .and(check(
            connection.invoice_id == v.field("invoice"),
            "invoice id",
        )))
}

/// Opens an envelope with the reader of the vector (a seed, a link or an `age identity:`
/// such as a team's archive key), in one call and streamed in pieces; both must agree. A team
/// member's envelope also shows its `business:` (the owner's fingerprint) and `member:`
/// (fingerprint, role and roster version of its membership).
fn envelope(v: &Vector) -> Outcome {
    let (reader, link) = match (v.get("link"), v.get("age identity")) {
        (Some(url), _) => {
            let (_, secret) = LinkSecret::parse(url)?;
            (secret.identity(v.passphrase().as_ref())?, Some(secret))
        }
        (None, Some(text)) => (AgeIdentity::from_bech32(text).unwrap(), None),
        (None, None) => (v.identity().age_identity().clone(), None),
    };
    let pin = v.get("sender").map(|f| f.parse::<Fingerprint>().unwrap());
    let readers = [reader];
    let explain = |e: Error| match &link {
        Some(l) => l.explain(e),
        None => e,
    };
    let whole = open(&readers, v.body, pin.as_ref()).map_err(explain);
    let streamed = open_streaming(&readers, v.body, pin.as_ref()).map_err(explain);
    if whole.as_ref().err().map(Error::code) != streamed.as_ref().err().map(Error::code) {
        return Ok(Err(format!(
            "one-call open gave {whole:?}, streaming open {streamed:?}"
        )));
    }
    let opened = whole?;
    let (streamed_documents, streamed_proof) = streamed?;
    let documents: Vec<String> = opened
        .documents
        .iter()
        .map(|d| {
            format!(
                "{} {} {} {}",
                hex::encode(Sha256::digest(&d.data)),
                d.data.len(),
                d.media_type,
                d.name
            )
        })
        .collect();
    let recipient = v
        .get("recipient")
        .map_or(true, |r| readers[0].to_recipient().to_string() == r);
    let business = v.get("business").map_or(true, |b| {
        opened.manifest.business().fingerprint().to_string() == b
    });
    let member = opened.manifest.membership.as_ref().map(|m| {
        format!(
            "{} {} {}",
            m.member().card.fingerprint(),
            m.member().role.as_str(),
            m.version()
        )
    });
    Ok(check(
        opened.manifest.invoice_id == v.field("invoice"),
        "invoice id",
    )
    .and(check(
        opened.manifest.issued_at.to_string() == v.field("issued"),
        "issue time",
    ))
    .and(check(documents == v.all("document"), "documents"))
    .and(check(
        streamed_documents
            == opened
                .documents
                .iter()
                .map(|d| d.data.clone())
                .collect::<Vec<_>>(),
        "streamed documents",
    ))
    .and(check(
        opened.open_proof.to_base64url() == v.field("proof") && streamed_proof == opened.open_proof,
        "open proof",
    ))
    .and(check(
        opened.open_proof.hash_base64url() == v.field("proof hash"),
        "open proof hash",
    ))
    .and(check(recipient, "derived recipient"))
    .and(check(business, "business"))
    .and(check(member.as_deref() == v.get("member"), "member")))
}

/// Collects revealed documents.
#[derive(Default)]
struct Collect(Vec<Vec<u8>>);

impl sealbill::DocumentSink for Collect {
    fn begin(&mut self, _index: usize, _size: u64) {
        self.0.push(Vec::new());
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.last_mut().unwrap().extend_from_slice(bytes);
    }
}

/// Opens with the streaming [`Opener`], in pieces of 4099 bytes, and reveals the documents.
fn open_streaming(
    readers: &[AgeIdentity],
    envelope: &[u8],
    pin: Option<&Fingerprint>,
) -> Result<(Vec<Vec<u8>>, OpenProof), Error> {
    let mut opener = Opener::new(readers);
    let mut staged = Vec::new();
    for piece in envelope.chunks(4099) {
        opener.push(piece, &mut staged)?;
    }
    let verified = opener.finish(&mut staged, pin)?;
    let mut reveal = verified.reveal;
    let mut sink = Collect::default();
    reveal.push(&staged, &mut sink)?;
    reveal.finish(&mut sink)?;
    Ok((sink.0, verified.open_proof))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn sealbill_test_kit() {
    assert!(VECTORS.len() >= 30, "expected the test kit's vectors");
    let failures: Vec<String> = VECTORS
        .iter()
        .filter_map(|(name, raw)| {
            run(&Vector::parse(raw))
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The embedded index lists exactly the files of the directory, with the same bytes.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn index_matches_the_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sealbill");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    let embedded: Vec<(String, Vec<u8>)> = VECTORS
        .iter()
        .map(|(name, raw)| (name.to_string(), raw.to_vec()))
        .collect();
    assert!(
        files == embedded,
        "tests/vectors/sealbill-index.rs is stale"
    );
}
