//! Opening: decrypt, then verify everything before anything is trusted (SPEC §4.2).

use std::borrow::Cow;

use ed25519_dalek::Signature;
use zeroize::Zeroizing;

use crate::age::{self, Decryptor};
use crate::card::Fingerprint;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use crate::payload::{Discard, DocumentSink, PayloadParser};
use crate::proof::{OpenProof, PROOF_LABEL};
use crate::reply::{ReplyKey, REPLY_KEY_LABEL};
use crate::seal::Document;
use crate::staging::{Reveal, Stager};

/// Opens an envelope pushed in pieces, with memory bounded by one chunk plus the manifest.
///
/// Nothing decrypted reaches the caller before every check passes: [`Opener::push`] appends
/// *staged* bytes (re-encrypted under a key only the opener holds, see [`Reveal`]) to `staged`,
/// and [`Opener::finish`] returns the [`Reveal`] that reads them back only once the envelope
/// verified. Keep the staged bytes wherever is convenient; drop them on error.
pub struct Opener<'a> {
    decryptor: Decryptor<'a>,
    parser: PayloadParser,
    plain: Zeroizing<Vec<u8>>,
    stager: Stager,
}

impl<'a> Opener<'a> {
    /// An opener that reads with any of `identities`, borrowed or owned.
    pub fn new(identities: impl Into<Cow<'a, [age::Identity]>>) -> Self {
        Opener {
            decryptor: Decryptor::new(identities),
            parser: PayloadParser::new(),
            plain: Zeroizing::new(Vec::new()),
            stager: Stager::new(),
        }
    }

    /// Feeds the next piece of the envelope; appends staged bytes to `staged`.
    pub fn push(&mut self, data: &[u8], staged: &mut Vec<u8>) -> Result<()> {
        self.plain.clear();
        self.decryptor.push(data, &mut self.plain)?;
        self.parser.push(&self.plain, &mut Discard)?;
        self.stager.push(&self.plain, staged)
    }

    /// Ends the input, appends the last staged bytes, and runs every check, in this order:
    /// the header MAC and every STREAM chunk (done while decrypting, the last one here), the
    /// signature, the expected sender, the reader's place among the signed recipients, and
    /// every document hash. Only then is the [`Reveal`] handed out.
    pub fn finish(
        mut self,
        staged: &mut Vec<u8>,
        expect_sender: Option<&Fingerprint>,
    ) -> Result<Verified> {
        self.plain.clear();
        let reader = self.decryptor.matched_recipient();
        let stanzas = self.decryptor.stanza_count();
        let exported = self.decryptor.export(PROOF_LABEL);
        let reply_key = self.decryptor.export(REPLY_KEY_LABEL);
        self.decryptor.finish(&mut self.plain)?;
        self.parser.push(&self.plain, &mut Discard)?;
        self.stager.push(&self.plain, staged)?;
        let (manifest, open_proof) = verify(
            &self.parser,
            reader,
            stanzas,
            exported.as_deref(),
            expect_sender,
        )?;
        Ok(Verified {
            manifest,
            open_proof,
            reply_key: ReplyKey::from_exported(reply_key)?,
            reveal: self.stager.finish(staged)?,
        })
    }
}

/// The checks of SPEC §4.2 after decryption (steps 3 to 6), on a fully parsed payload.
fn verify(
    parser: &PayloadParser,
    reader: Option<age::Recipient>,
    stanzas: usize,
    exported: Option<&[u8; 32]>,
    expect_sender: Option<&Fingerprint>,
) -> Result<(Manifest, OpenProof)> {
    parser.finish()?;
    let manifest = Manifest::from_bytes(&parser.manifest)?;
    let signature: Signature = parser
        .signature
        .ok_or(Error::Malformed("missing signature"))?;
    manifest
        .sender
        .verifying_key()
        .verify_strict(&parser.manifest, &signature)
        .map_err(|_| Error::BadSignature)?;
    if expect_sender.is_some_and(|fp| *fp != manifest.business().fingerprint()) {
        return Err(Error::UnexpectedSender);
    }
    if !reader.is_some_and(|r| manifest.recipients.contains(&r)) {
        return Err(Error::NotForYou);
    }
    if stanzas != manifest.recipients.len() {
        return Err(Error::Malformed(
            "the envelope's recipients differ from the signed list",
        ));
    }
    let declared = manifest.documents.iter().map(|d| (d.size, d.sha256));
    if parser.seen.len() != manifest.documents.len() || !declared.eq(parser.seen.iter().copied()) {
        return Err(Error::Malformed(
            "a document does not match its signed hash",
        ));
    }
    // The decryptor read the nonce, or its finish() failed before this point.
    let exported = exported.ok_or(Error::HeaderTruncated)?;
    Ok((manifest, OpenProof::from_exported(exported)))
}

/// What a streaming open yields once every check passed.
#[derive(Debug)]
pub struct Verified {
    /// The verified manifest: sender card, recipients, invoice id, issue time, documents.
    pub manifest: Manifest,
    /// The proof that this reader decrypted the envelope (SPEC §5.4).
    pub open_proof: OpenProof,
    /// The key that binds a reply to this envelope (SPEC §5.5).
    pub reply_key: ReplyKey,
    /// Reads the staged bytes back into documents.
    pub reveal: Reveal,
}

/// An opened, fully verified envelope.
#[derive(Debug)]
pub struct Opened {
    /// The verified manifest: sender card, recipients, invoice id, issue time, documents.
    pub manifest: Manifest,
    /// The proof that this reader decrypted the envelope (SPEC §5.4).
    pub open_proof: OpenProof,
    /// The key that binds a reply to this envelope (SPEC §5.5).
    pub reply_key: ReplyKey,
    /// The documents, in order; the first is the invoice.
    pub documents: Vec<Document>,
}

/// Collects documents in memory for [`open`].
#[derive(Default)]
struct Collect(Vec<Vec<u8>>);

impl DocumentSink for Collect {
    fn begin(&mut self, _index: usize, _size: u64) {
        self.0.push(Vec::new());
    }

    fn write(&mut self, bytes: &[u8]) {
        if let Some(doc) = self.0.last_mut() {
            doc.extend_from_slice(bytes);
        }
    }
}

/// Opens a whole envelope in one call; nothing is returned unless every check passes.
pub fn open(
    identities: &[age::Identity],
    envelope: &[u8],
    expect_sender: Option<&Fingerprint>,
) -> Result<Opened> {
    // The documents stay inside this function until verify() passes, so they need no staging.
    let mut sink = Collect::default();
    let mut decryptor = Decryptor::new(identities);
    let mut plain = Zeroizing::new(Vec::with_capacity(envelope.len()));
    decryptor.push(envelope, &mut plain)?;
    let reader = decryptor.matched_recipient();
    let stanzas = decryptor.stanza_count();
    let exported = decryptor.export(PROOF_LABEL);
    let reply_key = decryptor.export(REPLY_KEY_LABEL);
    decryptor.finish(&mut plain)?;
    let mut parser = PayloadParser::new();
    parser.push(&plain, &mut sink)?;
    let (manifest, open_proof) =
        verify(&parser, reader, stanzas, exported.as_deref(), expect_sender)?;
    let documents = manifest
        .documents
        .iter()
        .zip(sink.0)
        .map(|(entry, data)| Document {
            name: entry.name.clone(),
            media_type: entry.media_type.clone(),
            data,
        })
        .collect();
    Ok(Opened {
        manifest,
        open_proof,
        reply_key: ReplyKey::from_exported(reply_key)?,
        documents,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::identity::Identity;
    use crate::seal::{seal, SealOptions};
    use sha2::Digest;

    struct Parties {
        sender: Identity,
        client: Identity,
        other: Identity,
    }

    fn parties() -> Parties {
        Parties {
            sender: Identity::generate("Acme GmbH").unwrap(),
            client: Identity::generate("Client AG").unwrap(),
            other: Identity::generate("Mallory").unwrap(),
        }
    }

    fn docs() -> Vec<Document> {
        vec![
            Document {
                name: "invoice.xml".into(),
                media_type: "application/xml".into(),
                data: b"<Invoice>IBAN DE89370400440532013000</Invoice>".to_vec(),
            },
            Document {
                name: "empty.txt".into(),
                media_type: "text/plain".into(),
                data: vec![],
            },
            Document {
                name: "terms.pdf".into(),
                media_type: "application/pdf".into(),
                data: vec![0x25; 70_000],
            },
        ]
    }

    fn opts(to: &[age::Recipient], id: &str, at: u64, armored: bool) -> SealOptions {
        SealOptions {
            recipients: to.to_vec(),
            encoding: if armored {
                age::Encoding::Armored
            } else {
                age::Encoding::Binary
            },
            ..SealOptions::new(id, at)
        }
    }

    fn ids(who: &Identity) -> Vec<age::Identity> {
        vec![who.age_identity().clone()]
    }

    #[test]
    fn client_and_sender_open_what_was_sealed() {
        let p = parties();
        for armored in [false, true] {
            let env = seal(
                &p.sender,
                &docs(),
                &opts(&[p.client.recipient()], "INV-1", 1_795_000_000, armored),
            )
            .unwrap()
            .envelope;
            for reader in [&p.client, &p.sender] {
                let opened = open(&ids(reader), &env, Some(&p.sender.fingerprint())).unwrap();
                assert_eq!(opened.documents, docs());
                assert_eq!(opened.manifest.invoice_id, "INV-1");
                assert_eq!(opened.manifest.issued_at, 1_795_000_000);
                assert_eq!(opened.manifest.sender, *p.sender.card());
                assert_eq!(
                    opened.manifest.recipients,
                    vec![p.client.recipient(), p.sender.recipient()]
                );
            }
            assert_eq!(
                open(&ids(&p.other), &env, None).unwrap_err(),
                Error::NoMatch
            );
        }
    }

    #[test]
    fn every_flipped_bit_is_rejected() {
        let p = parties();
        let small = vec![Document {
            name: "i.xml".into(),
            media_type: "application/xml".into(),
            data: b"<a/>".to_vec(),
        }];
        let reader = ids(&p.client);
        for armored in [false, true] {
            let env = seal(
                &p.sender,
                &small,
                &opts(&[p.client.recipient()], "INV-2", 1, armored),
            )
            .unwrap()
            .envelope;
            for i in 0..env.len() * 8 {
                let mut bad = env.clone();
                bad[i / 8] ^= 1 << (i % 8);
                assert!(
                    open(&reader, &bad, None).is_err(),
                    "bit {i} flipped was accepted (armored: {armored})"
                );
            }
        }
    }

    #[test]
    fn every_truncation_is_rejected() {
        let p = parties();
        let env = seal(
            &p.sender,
            &docs(),
            &opts(&[p.client.recipient()], "INV-3", 1, false),
        )
        .unwrap()
        .envelope;
        let reader = ids(&p.client);
        for len in (0..env.len()).step_by(97).chain(env.len() - 20..env.len()) {
            assert!(
                open(&reader, &env[..len], None).is_err(),
                "truncated to {len} was accepted"
            );
        }
        let err = open(&reader, &env[..env.len() - 1], None).unwrap_err();
        assert_eq!(err.code(), "TAMPERED");
    }

    #[test]
    fn unexpected_sender_is_rejected() {
        let p = parties();
        let env = seal(
            &p.sender,
            &docs(),
            &opts(&[p.client.recipient()], "INV-4", 1, false),
        )
        .unwrap()
        .envelope;
        let err = open(&ids(&p.client), &env, Some(&p.other.fingerprint())).unwrap_err();
        assert_eq!(err, Error::UnexpectedSender);
    }

    /// Re-encrypts an envelope's payload (as a recipient can) after `edit` changes it.
    fn rewrap(
        env: &[u8],
        reader: &Identity,
        to: &[age::Recipient],
        edit: impl FnOnce(&mut Vec<u8>),
    ) -> Vec<u8> {
        let mut payload = age::decrypt(&ids(reader), env).unwrap().to_vec();
        edit(&mut payload);
        age::encrypt(to, &payload, age::Encoding::Binary).unwrap()
    }

    #[test]
    fn forwarded_genuine_invoice_is_not_for_the_new_reader() {
        let p = parties();
        let env = seal(
            &p.sender,
            &docs(),
            &opts(&[p.client.recipient()], "INV-5", 1, false),
        )
        .unwrap()
        .envelope;
        // The client re-sends the genuine signed payload to someone else, as if addressed to them.
        let forwarded = rewrap(
            &env,
            &p.client,
            &[p.other.recipient(), p.sender.recipient()],
            |_| {},
        );
        assert_eq!(
            open(&ids(&p.other), &forwarded, None).unwrap_err(),
            Error::NotForYou
        );
        // Adding a stanza for someone else to a genuine envelope is refused too.
        let widened = rewrap(
            &env,
            &p.client,
            &[
                p.client.recipient(),
                p.sender.recipient(),
                p.other.recipient(),
            ],
            |_| {},
        );
        assert!(open(&ids(&p.client), &widened, None).is_err());
    }

    #[test]
    fn open_proofs_match_the_sealer_and_differ_per_envelope() {
        let p = parties();
        let docs = docs();
        let a = seal(
            &p.sender,
            &docs,
            &opts(&[p.client.recipient()], "INV-1", 7, false),
        )
        .unwrap();
        let b = seal(
            &p.sender,
            &docs,
            &opts(&[p.client.recipient()], "INV-1", 7, false),
        )
        .unwrap();
        let opened = open(&ids(&p.client), &a.envelope, None).unwrap();
        assert_eq!(opened.open_proof, a.open_proof);
        assert_ne!(
            a.open_proof, b.open_proof,
            "identical contents, distinct envelopes"
        );
    }

    #[test]
    fn forged_signature_and_swapped_document_are_rejected() {
        let p = parties();
        let env = seal(
            &p.sender,
            &docs(),
            &opts(&[p.client.recipient()], "INV-6", 1, false),
        )
        .unwrap()
        .envelope;
        let to = [p.client.recipient(), p.sender.recipient()];
        let bad_sig = rewrap(&env, &p.client, &to, |pl| {
            let n = pl.len();
            pl[n - 1] ^= 1;
        });
        assert_eq!(
            open(&ids(&p.client), &bad_sig, None).unwrap_err(),
            Error::BadSignature
        );
        let iban_changed = rewrap(&env, &p.client, &to, |pl| {
            let at = pl.windows(4).position(|w| w == b"DE89").unwrap();
            pl[at + 2] = b'0';
        });
        let err = open(&ids(&p.client), &iban_changed, None).unwrap_err();
        assert_eq!(
            err,
            Error::Malformed("a document does not match its signed hash")
        );
        let trailing = rewrap(&env, &p.client, &to, |pl| pl.push(0));
        assert!(open(&ids(&p.client), &trailing, None).is_err());
    }

    #[test]
    fn a_plain_age_file_is_not_an_invoice() {
        let p = parties();
        let env = age::encrypt(
            &[p.client.recipient()],
            b"hello, this is a plain age file and no invoice",
            age::Encoding::Binary,
        )
        .unwrap();
        assert_eq!(
            open(&ids(&p.client), &env, None).unwrap_err(),
            Error::Malformed("not a sealbill payload")
        );
    }

    /// A team of the sender as owner, with a biller and an accountant, at roster `version`.
    struct Team {
        biller: Identity,
        accountant: Identity,
        archive: crate::roster::ArchiveKey,
        roster: crate::roster::Roster,
    }

    const AT: u64 = 1_795_000_000;

    fn team(owner: &Identity) -> Team {
        use crate::roster::{ArchiveKey, Member, Role, RosterDraft};
        let biller = Identity::generate("Bea Biller").unwrap();
        let accountant = Identity::generate("Carl Counts").unwrap();
        let archive = ArchiveKey::generate(1);
        let member = |who: &Identity, role, valid_until| Member {
            card: who.card().clone(),
            role,
            valid_from: AT,
            valid_until,
        };
        let roster = RosterDraft {
            version: 1,
            issued: AT,
            members: vec![
                member(&biller, Role::Biller, AT + 86_400),
                member(&accountant, Role::Accountant, 0),
            ],
            accounts: vec!["DE89 3704 0044 0532 0130 00".into()],
            archive: archive.entry(),
        }
        .sign(owner)
        .unwrap();
        Team {
            biller,
            accountant,
            archive,
            roster,
        }
    }

    fn as_member(
        to: &[age::Recipient],
        membership: &crate::roster::Membership,
        at: u64,
    ) -> SealOptions {
        SealOptions {
            membership: Some(membership.clone()),
            ..opts(to, "INV-T", at, false)
        }
    }

    #[test]
    fn a_biller_sends_for_the_business_and_the_archive_reads_it() {
        let p = parties();
        let t = team(&p.sender);
        let membership = t
            .roster
            .membership(&p.sender, &t.biller.fingerprint())
            .unwrap();
        let options = as_member(&[p.client.recipient()], &membership, AT + 60);
        let env = seal(&t.biller, &docs(), &options).unwrap().envelope;
        // The client pins the business (the owner), not the biller.
        let opened = open(&ids(&p.client), &env, Some(&p.sender.fingerprint())).unwrap();
        assert_eq!(opened.manifest.sender, *t.biller.card());
        assert_eq!(opened.manifest.business(), p.sender.card());
        assert_eq!(opened.manifest.membership.as_ref(), Some(&membership));
        assert_eq!(
            open(&ids(&p.client), &env, Some(&t.biller.fingerprint())).unwrap_err(),
            Error::UnexpectedSender
        );
        // The archive key reads it; the owner is no recipient of a biller's envelope.
        let archive = vec![t.archive.identity().clone()];
        assert_eq!(open(&archive, &env, None).unwrap().documents, docs());
        assert_eq!(
            open(&ids(&t.accountant), &env, None).unwrap_err(),
            Error::NoMatch
        );
        // The owner's own envelopes carry its own membership and reach the archive too.
        let own = t
            .roster
            .membership(&p.sender, &p.sender.fingerprint())
            .unwrap();
        let env = seal(&p.sender, &docs(), &as_member(&[], &own, AT))
            .unwrap()
            .envelope;
        let opened = open(&archive, &env, Some(&p.sender.fingerprint())).unwrap();
        assert_eq!(opened.manifest.business(), p.sender.card());
    }

    #[test]
    fn members_who_may_not_send_are_refused_when_sealing() {
        let p = parties();
        let t = team(&p.sender);
        let of = |who: &Identity| t.roster.membership(&p.sender, &who.fingerprint()).unwrap();
        let to = [p.client.recipient()];
        let sealing = |who: &Identity, m, at| seal(who, &docs(), &as_member(&to, &m, at));
        let biller = of(&t.biller);
        let cases = [
            (
                sealing(&t.accountant, of(&t.accountant), AT + 60),
                Error::RoleCannotSend,
            ),
            (
                sealing(&t.biller, biller.clone(), AT - 1),
                Error::MembershipNotYetValid,
            ),
            (
                sealing(&t.biller, biller.clone(), AT + 86_400),
                Error::MembershipExpired,
            ),
            // Someone else carrying the biller's membership.
            (
                sealing(&p.other, biller.clone(), AT + 60),
                Error::NotAMember,
            ),
        ];
        for (outcome, expected) in cases {
            assert_eq!(outcome.map(|_| ()).unwrap_err(), expected);
        }
    }

    #[test]
    fn a_forged_team_envelope_is_refused_when_opening() {
        let p = parties();
        let t = team(&p.sender);
        let accountant = t
            .roster
            .membership(&p.sender, &t.accountant.fingerprint())
            .unwrap();
        // An accountant who signs a manifest by hand, listing the archive and the client.
        let archive = accountant.archive().recipient;
        let recipients = [p.client.recipient(), archive, t.accountant.recipient()];
        let manifest = Manifest {
            sender: t.accountant.card().clone(),
            recipients: recipients.to_vec(),
            invoice_id: "INV-F".into(),
            issued_at: AT + 60,
            documents: vec![crate::manifest::DocumentEntry {
                name: "invoice.xml".into(),
                media_type: "application/xml".into(),
                size: 0,
                sha256: sha2::Sha256::digest(b"").into(),
            }],
            membership: Some(accountant),
        };
        let body = manifest.encode().unwrap();
        let mut payload = crate::payload::MAGIC.to_vec();
        payload.extend_from_slice(&1u16.to_be_bytes());
        payload.extend_from_slice(&0u64.to_be_bytes());
        payload.extend_from_slice(&(body.len() as u32).to_be_bytes());
        payload.extend_from_slice(&body);
        let signature = ed25519_dalek::Signer::sign(t.accountant.signing_key(), &body);
        payload.extend_from_slice(&signature.to_bytes());
        let env = age::encrypt(&recipients, &payload, age::Encoding::Binary).unwrap();
        assert_eq!(
            open(&ids(&p.client), &env, Some(&p.sender.fingerprint())).unwrap_err(),
            Error::RoleCannotSend
        );
    }

    #[test]
    fn accounts_and_roster_versions_are_checked_against_the_membership() {
        let p = parties();
        let t = team(&p.sender);
        let m = t
            .roster
            .membership(&p.sender, &t.biller.fingerprint())
            .unwrap();
        m.check_accounts(&["de89 3704 0044 0532 0130 00"]).unwrap();
        m.check_accounts(&[]).unwrap();
        for changed in ["GB82WEST12345698765432", "DE00 1234", ""] {
            assert_eq!(m.check_accounts(&[changed]), Err(Error::AccountNotAllowed));
        }
        m.check_current(1).unwrap();
        m.check_current(0).unwrap();
        assert_eq!(m.check_current(2), Err(Error::StaleRoster));
        let next = t.roster.next_draft(AT + 5).sign(&p.sender).unwrap();
        assert_eq!(next.version(), 2);
        assert_eq!(next.members(), t.roster.members());
        // A reader who has seen version 2 (signed at AT + 5) still opens what the member sent
        // before then under version 1, but not what it sent afterwards.
        let seen = next
            .membership(&p.sender, &t.biller.fingerprint())
            .unwrap()
            .seen();
        assert_eq!(
            seen,
            crate::roster::TeamSeen {
                version: 2,
                issued: AT + 5
            }
        );
        assert_eq!(m.seen().newest(seen), seen);
        m.check_envelope(AT + 4, seen).unwrap();
        assert_eq!(m.check_envelope(AT + 5, seen), Err(Error::StaleRoster));
        m.check_envelope(AT + 5, m.seen()).unwrap();
        // The owner is never removed: its own older membership is not stale.
        let own = t
            .roster
            .membership(&p.sender, &p.sender.fingerprint())
            .unwrap();
        own.check_envelope(AT + 60, seen).unwrap();
    }

    #[test]
    fn a_reader_who_joined_after_a_rotation_reads_the_earlier_archive() {
        use crate::roster::{archive_keys, open_archive, seal_archive_key, ArchiveKey};
        let p = parties();
        let t = team(&p.sender);
        let before = t
            .roster
            .membership(&p.sender, &t.biller.fingerprint())
            .unwrap();
        let to = [p.client.recipient()];
        let old = seal(&t.biller, &docs(), &as_member(&to, &before, AT + 60))
            .unwrap()
            .envelope;
        // The accountant is removed: the key rotates. A new accountant joins later and gets
        // both epochs' files, but a signed entry of the current epoch only.
        let mut draft = t.roster.next_draft(AT + 100);
        draft.members.retain(|m| m.card != *t.accountant.card());
        let rotated = ArchiveKey::generate(2);
        draft.archive = rotated.entry();
        let roster = draft.sign(&p.sender).unwrap();
        let after = roster
            .membership(&p.sender, &t.biller.fingerprint())
            .unwrap();
        let new = seal(&t.biller, &docs(), &as_member(&to, &after, AT + 200))
            .unwrap()
            .envelope;
        let late = Identity::generate("Lea Late").unwrap();
        let files = [
            seal_archive_key(&p.sender, &t.archive, core::slice::from_ref(late.card())).unwrap(),
            seal_archive_key(&p.sender, &rotated, core::slice::from_ref(late.card())).unwrap(),
        ];
        let files: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let business = p.sender.fingerprint();
        for env in [&old, &new] {
            let opened = open_archive(&late, &files, env, Some(&business)).unwrap();
            assert_eq!(opened.documents, docs());
        }
        assert_eq!(archive_keys(&late, &files).len(), 2);
        // The removed accountant holds the first epoch only: the new envelope is closed to it.
        let removed =
            [seal_archive_key(&p.sender, &t.archive, &[t.accountant.card().clone()]).unwrap()];
        let removed: Vec<&[u8]> = removed.iter().map(Vec::as_slice).collect();
        open_archive(&t.accountant, &removed, &old, Some(&business)).unwrap();
        assert_eq!(
            open_archive(&t.accountant, &removed, &new, Some(&business)).unwrap_err(),
            Error::NoMatch
        );
        // A key that nobody named for the team, to which a genuine envelope was also sealed
        // as a plain recipient, does not make that envelope part of the archive.
        let stray = ArchiveKey::generate(9);
        let file = [seal_archive_key(&p.sender, &stray, &[late.card().clone()]).unwrap()];
        let file: Vec<&[u8]> = file.iter().map(Vec::as_slice).collect();
        let to = [stray.entry().recipient];
        let env = seal(&t.biller, &docs(), &as_member(&to, &after, AT + 300))
            .unwrap()
            .envelope;
        assert!(matches!(
            open_archive(&late, &file, &env, Some(&business)),
            Err(Error::Malformed(_))
        ));
        // Files that are not for this reader, or not archive keys, are left out.
        assert_eq!(archive_keys(&p.client, &files).len(), 0);
        assert_eq!(archive_keys(&late, &[b"junk".as_slice()]).len(), 0);
    }
}
