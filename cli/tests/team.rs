//! Black-box tests of teams: `sealbill team invite|accept|list|remove|roster`, and sealing and
//! opening as a team member (`seal --membership`, the business and the sender on `open`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::path::Path;

use common::{assert_fails, entries, field, ok, run, succeed, Party, TempDir, INVOICE};

/// The payee account of the test invoice (its `cac:PayeeFinancialAccount/cbc:ID`).
const INVOICE_IBAN: &str = "DE02120300000000202051";
/// Another valid IBAN, as typed.
const OTHER_IBAN: &str = "de89 3704 0044 0532 0130 00";

/// An owner's business with its team directory, a client with an address book, and an
/// invoice.
struct Business {
    tmp: TempDir,
    owner: Party,
    client: Party,
    /// The owner's team directory.
    team: String,
    /// The client's address book.
    book: String,
    invoice: String,
    client_card: String,
}

impl Business {
    fn new() -> Business {
        let tmp = TempDir::new();
        let owner = Party::new(&tmp, "Acme GmbH");
        let client = Party::new(&tmp, "Client AG");
        let team = tmp.path("team");
        let book = tmp.path("client-book/contacts.txt");
        let invoice = tmp.write("invoice.xml", INVOICE);
        let client_card = tmp.write("client.card", client.keygen_stdout.as_bytes());
        Business {
            tmp,
            owner,
            client,
            team,
            book,
            invoice,
            client_card,
        }
    }

    /// Runs `sealbill team --team DIR ARGS…`.
    fn team(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["team", "--team", &self.team];
        all.extend_from_slice(args);
        run(&all, None)
    }

    fn team_ok(&self, args: &[&str]) -> String {
        let out = self.team(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The owner's invitation to `role`, and `member`'s join request answering it.
    fn invite(&self, member: &Party, role: &str) -> (String, String) {
        let invite = ok(&["team", "invite", "-i", &self.owner.file, "--role", role]);
        assert_eq!(field(&invite, "fingerprint"), self.owner.fingerprint);
        let invitation = field(&invite, "invitation");
        assert!(invitation.starts_with("sealbill-team-invitation:"));
        // The member sees the business to compare, and its own fingerprint to read out.
        let accepted = ok(&["team", "accept", "-i", &member.file, &invitation]);
        assert_eq!(field(&accepted, "business"), "Acme GmbH");
        assert_eq!(field(&accepted, "fingerprint"), self.owner.fingerprint);
        assert_eq!(field(&accepted, "role"), role);
        assert_eq!(field(&accepted, "member fingerprint"), member.fingerprint);
        (invitation, field(&accepted, "join"))
    }

    /// Invites `member` to `role` and adds them, confirming their fingerprint; returns the
    /// path of their membership file.
    fn join(&self, member: &Party, role: &str) -> String {
        let (_, join) = self.invite(member, role);
        let added = self.team_ok(&[
            "accept",
            "-i",
            &self.owner.file,
            "--fingerprint",
            &member.fingerprint,
            "--account",
            INVOICE_IBAN,
            &join,
        ]);
        assert_eq!(field(&added, "fingerprint"), member.fingerprint);
        self.membership(member)
    }

    /// A copy of the current membership of `member`, as the owner would send it.
    fn membership(&self, member: &Party) -> String {
        let name = format!("{}.bin", member.fingerprint.replace(' ', ""));
        let bytes = std::fs::read(Path::new(&self.team).join("memberships").join(name)).unwrap();
        self.tmp.write(&self.tmp.unique("membership"), &bytes)
    }

    /// Seals the invoice (or `invoice`) as `member` with `membership`, to the client; returns
    /// the outcome and the envelope's path (a file only on success).
    fn seal(
        &self,
        member: &Party,
        membership: &str,
        invoice: Option<&str>,
    ) -> (std::process::Output, String) {
        let out = self.tmp.fresh("envelope");
        let result = run(
            &[
                "seal",
                "-i",
                &member.file,
                "--membership",
                membership,
                "--to",
                &self.client_card,
                invoice.unwrap_or(&self.invoice),
                "-o",
                &out,
            ],
            None,
        );
        assert_eq!(Path::new(&out).is_file(), result.status.success());
        (result, out)
    }

    /// Seals as `member` and expects success; returns the envelope's path.
    fn seal_ok(&self, member: &Party, membership: &str) -> String {
        let (out, path) = self.seal(member, membership, None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        path
    }

    /// The client opens `envelope`, pinning the business.
    fn open(&self, envelope: &str) -> (std::process::Output, String) {
        let dir = self.tmp.fresh("opened");
        let out = run(
            &[
                "--contacts",
                &self.book,
                "open",
                "-i",
                &self.client.file,
                "--expect-sender",
                &self.owner.fingerprint,
                envelope,
                "-o",
                &dir,
            ],
            None,
        );
        (out, dir)
    }

    fn open_ok(&self, envelope: &str) -> String {
        let (out, _) = self.open(envelope);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The client opens `envelope` and expects a failure naming one of `needles`, with
    /// nothing written.
    fn open_fails(&self, envelope: &str, needles: &[&str]) {
        let (out, dir) = self.open(envelope);
        assert_fails(&out, needles);
        assert_eq!(entries(Path::new(&dir)), Vec::<String>::new());
    }

    fn path(&self, rel: &str) -> String {
        Path::new(&self.team).join(rel).to_str().unwrap().to_owned()
    }
}

#[test]
fn invite_accept_and_list() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    let (invitation, join) = b.invite(&bea, "biller");

    // The owner must confirm the member's fingerprint: a wrong one is refused, and so is none
    // without a terminal to ask on. Nothing is written either way.
    let wrong = b.owner.fingerprint.clone();
    assert_fails(
        &b.team(&[
            "accept",
            "-i",
            &b.owner.file,
            "--fingerprint",
            &wrong,
            &join,
        ]),
        &["[UNEXPECTED_SENDER]"],
    );
    assert_fails(
        &b.team(&["accept", "-i", &b.owner.file, &join]),
        &["--fingerprint"],
    );
    assert_fails(
        &b.team(&[
            "accept",
            "-i",
            &b.owner.file,
            "--fingerprint",
            "12345",
            &join,
        ]),
        &["40 digits"],
    );
    assert!(!Path::new(&b.team).exists());

    // Another business's owner cannot take in a request that answers Acme's invitation.
    let other = Party::new(&b.tmp, "Other Owner");
    assert_fails(
        &b.team(&[
            "accept",
            "-i",
            &other.file,
            "--fingerprint",
            &bea.fingerprint,
            &join,
        ]),
        &["[UNEXPECTED_SENDER]"],
    );

    // The right fingerprint, typed with other spacing, adds the member; a file holding the
    // join line works as well as the line.
    let typed = bea.fingerprint.replace(' ', "");
    let join_file = b
        .tmp
        .write("join.txt", format!("join: {join}\n").as_bytes());
    let added = b.team_ok(&[
        "accept",
        "-i",
        &b.owner.file,
        "--fingerprint",
        &typed,
        "--account",
        OTHER_IBAN,
        &join_file,
    ]);
    assert_eq!(field(&added, "added"), "Bea Biller (biller)");
    assert_eq!(field(&added, "version"), "1");
    for file in [
        "roster.bin",
        "rosters/1.bin",
        "archive-keys/1.age",
        &format!("memberships/{}.bin", bea.fingerprint.replace(' ', "")),
        &format!("memberships/{}.bin", b.owner.fingerprint.replace(' ', "")),
    ] {
        assert!(Path::new(&b.path(file)).is_file(), "{file}");
    }

    let list = b.team_ok(&["list"]);
    assert_eq!(field(&list, "business"), "Acme GmbH");
    assert_eq!(field(&list, "fingerprint"), b.owner.fingerprint);
    assert_eq!(field(&list, "version"), "1");
    assert_eq!(field(&list, "accounts"), "DE89370400440532013000");
    assert_eq!(field(&list, "archive epoch"), "1");
    let member = field(&list, "member");
    assert!(member.starts_with(&bea.fingerprint), "{member}");
    assert!(member.contains("biller"), "{member}");
    assert!(member.contains("no end"), "{member}");
    assert!(member.ends_with("Bea Biller"), "{member}");

    // The same request again changes nothing; the invitation text itself is the member's.
    let again = b.team_ok(&[
        "accept",
        "-i",
        &b.owner.file,
        "--fingerprint",
        &bea.fingerprint,
        &join,
    ]);
    assert_eq!(field(&again, "known"), "Bea Biller (biller)");
    assert_eq!(field(&b.team_ok(&["list"]), "version"), "1");
    assert!(invitation.starts_with("sealbill-team-invitation:"));
}

#[test]
fn a_biller_sends_for_the_business_with_the_owners_accounts_only() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    let carl = Party::new(&b.tmp, "Carl Counts");
    let bea_membership = b.join(&bea, "biller");
    let carl_membership = b.join(&carl, "accountant");

    // The invoice's IBAN is the roster's: sealed, and opened as from the business.
    let envelope = b.seal_ok(&bea, &bea_membership);
    let opened = b.open_ok(&envelope);
    assert_eq!(
        field(&opened, "verified"),
        "invoice 2026-0042 from Acme GmbH"
    );
    assert_eq!(field(&opened, "fingerprint"), b.owner.fingerprint);
    assert_eq!(field(&opened, "sent by"), "Bea Biller (biller)");
    assert_eq!(field(&opened, "sender fingerprint"), bea.fingerprint);

    // Pinning the biller instead of the business fails: clients pin the business.
    let dir = b.tmp.fresh("opened");
    assert_fails(
        &run(
            &[
                "open",
                "-i",
                &b.client.file,
                "--expect-sender",
                &bea.fingerprint,
                &envelope,
                "-o",
                &dir,
            ],
            None,
        ),
        &["[UNEXPECTED_SENDER]"],
    );

    // An invoice paying into another account is refused when sealing.
    let changed = String::from_utf8(INVOICE.to_vec())
        .unwrap()
        .replace(INVOICE_IBAN, "GB82WEST12345698765432");
    let changed = b.tmp.write("changed.xml", changed.as_bytes());
    let out = b.seal(&bea, &bea_membership, Some(&changed));
    assert_fails(&out.0, &["[ACCOUNT_NOT_ALLOWED]"]);

    // An accountant cannot send.
    let out = b.seal(&carl, &carl_membership, None);
    assert_fails(&out.0, &["[ROLE_CANNOT_SEND]"]);
    // Nor can anyone with someone else's membership.
    let out = b.seal(&carl, &bea_membership, None);
    assert_fails(&out.0, &["[NOT_A_MEMBER]"]);

    // Once the owner names only another account, the biller's new membership refuses the
    // invoice too.
    b.team_ok(&["roster", "-i", &b.owner.file, "--account", OTHER_IBAN]);
    let (out, _) = b.seal(&bea, &b.membership(&bea), None);
    assert_fails(&out, &["[ACCOUNT_NOT_ALLOWED]"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("only the owner can change the business's bank accounts"),
        "{stderr}"
    );
}

#[test]
fn removing_a_member_rotates_the_archive_key() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    let carl = Party::new(&b.tmp, "Carl Counts");
    b.join(&bea, "biller");
    b.join(&carl, "accountant");
    let list = b.team_ok(&["list"]);
    assert_eq!(field(&list, "version"), "2");
    assert_eq!(field(&list, "archive epoch"), "1");
    // Before: both members open the archive key.
    for who in [&bea, &carl] {
        succeed(
            &["decrypt", "-i", &who.file, &b.path("archive-keys/1.age")],
            None,
        );
    }

    let removed = b.team_ok(&["remove", "-i", &b.owner.file, &bea.fingerprint]);
    assert_eq!(field(&removed, "removed"), "Bea Biller (biller)");
    assert_eq!(field(&removed, "version"), "3");
    assert_eq!(field(&removed, "archive epoch"), "2");
    let still = field(&removed, "still readable by Bea Biller");
    assert!(still.contains("already fetched"), "{still}");
    assert!(still.contains("before this rotation"), "{still}");

    let list = b.team_ok(&["list"]);
    assert_eq!(field(&list, "archive epoch"), "2");
    assert!(!list.contains(&bea.fingerprint), "{list}");
    assert!(!Path::new(&b.path(&format!(
        "memberships/{}.bin",
        bea.fingerprint.replace(' ', "")
    )))
    .exists());

    // The removed member opens neither the new archive key nor the re-sealed old one; the
    // remaining accountant opens both, and the key is the one the roster names.
    for epoch in ["1", "2"] {
        let file = b.path(&format!("archive-keys/{epoch}.age"));
        assert_fails(
            &run(&["decrypt", "-i", &bea.file, &file], None),
            &["[WRONG_KEY]"],
        );
        succeed(&["decrypt", "-i", &carl.file, &file], None);
    }
    let membership =
        sealbill::Membership::verify(&std::fs::read(b.membership(&carl)).unwrap()).unwrap();
    assert_eq!(membership.archive().epoch, 2);
    let key = sealbill::open_archive_key(
        &carl.library(),
        &std::fs::read(b.path("archive-keys/2.age")).unwrap(),
        &membership.archive(),
    )
    .unwrap();
    assert_eq!(key.entry(), membership.archive());
    assert_eq!(
        sealbill::open_archive_key(
            &bea.library(),
            &std::fs::read(b.path("archive-keys/2.age")).unwrap(),
            &membership.archive(),
        )
        .unwrap_err()
        .code(),
        "WRONG_KEY"
    );

    // Removing someone who is not a member fails.
    assert_fails(
        &b.team(&["remove", "-i", &b.owner.file, &bea.fingerprint]),
        &["[NOT_A_MEMBER]"],
    );
}

#[test]
fn a_removed_members_later_envelopes_are_stale_once_a_newer_roster_was_seen() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    let bob = Party::new(&b.tmp, "Bob Billing");
    let bea_membership = b.join(&bea, "biller");
    b.join(&bob, "biller");
    // Bea keeps her membership of version 2 and seals after being removed at version 3. Issue
    // times are whole seconds: her first envelope is sent a second before the removal.
    let bea_old = b.seal_ok(&bea, &b.membership(&bea));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    b.team_ok(&["remove", "-i", &b.owner.file, &bea.fingerprint]);
    let bea_late = b.seal_ok(&bea, &bea_membership);
    let bob_new = b.seal_ok(&bob, &b.membership(&bob));

    // Before the client saw version 3, Bea's envelopes open.
    b.open_ok(&bea_old);
    // Once it did, the one she sent after her removal is refused; the one she sent before it,
    // under the team list of its day, still opens.
    b.open_ok(&bob_new);
    let versions = std::fs::read_to_string(b.tmp.path("client-book/contacts.rosters.txt")).unwrap();
    assert!(
        versions.contains(&format!("{}\t3\t", b.owner.fingerprint.replace(' ', ""))),
        "{versions}"
    );
    b.open_fails(&bea_late, &["[STALE_ROSTER]"]);
    b.open_ok(&bea_old);
    let (out, _) = b.open(&bea_late);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the sender may have been removed from the team"),
        "{stderr}"
    );
    // Bob's stays fine.
    b.open_ok(&bob_new);
}

#[test]
fn an_older_roster_is_not_taken_back() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    b.join(&bea, "biller");
    let old = b.tmp.write(
        "old-roster.bin",
        &std::fs::read(b.path("roster.bin")).unwrap(),
    );
    // Version 2 makes Bea an accountant.
    let roster = b.team_ok(&[
        "roster",
        "-i",
        &b.owner.file,
        "--role",
        &format!("{}=accountant", bea.fingerprint),
    ]);
    assert_eq!(field(&roster, "version"), "2");
    assert!(field(&roster, "member").contains("accountant"));

    // Importing version 1 again is refused, and nothing changes.
    assert_fails(
        &b.team(&["roster", "-i", &b.owner.file, "--import", &old]),
        &["[STALE_ROSTER]"],
    );
    assert_eq!(field(&b.team_ok(&["list"]), "version"), "2");
    // The same for version 1 copied back over the current roster.
    std::fs::copy(&old, b.path("roster.bin")).unwrap();
    assert_fails(&b.team(&["list"]), &["[STALE_ROSTER]"]);
    // A missing roster file does not start the team again at version 1.
    std::fs::remove_file(b.path("roster.bin")).unwrap();
    assert_fails(&b.team(&["list"]), &["--import"]);
    assert_fails(
        &b.team(&["roster", "-i", &b.owner.file, "--account", OTHER_IBAN]),
        &["--import"],
    );
    // Importing the newest one restores the directory.
    b.team_ok(&[
        "roster",
        "-i",
        &b.owner.file,
        "--import",
        &b.path("rosters/2.bin"),
    ]);
    assert_eq!(field(&b.team_ok(&["list"]), "version"), "2");

    // Another owner cannot use this directory.
    let other = Party::new(&b.tmp, "Other Owner");
    assert_fails(
        &b.team(&["roster", "-i", &other.file, "--account", OTHER_IBAN]),
        &["[UNEXPECTED_SENDER]"],
    );
}

#[test]
fn the_roster_is_written_out_for_publishing() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    b.join(&bea, "biller");
    let out = b.tmp.path("publish");
    let stdout = b.team_ok(&["roster", "-i", &b.owner.file, "--out", &out]);
    // Without changes, the roster is the same version.
    assert_eq!(field(&stdout, "version"), "1");
    let out = Path::new(&out);
    assert_eq!(entries(out), ["archive-keys", "memberships", "roster.bin"]);
    assert_eq!(entries(&out.join("archive-keys")), ["1.age"]);
    let mut members = vec![
        format!("{}.bin", b.owner.fingerprint.replace(' ', "")),
        format!("{}.bin", bea.fingerprint.replace(' ', "")),
    ];
    members.sort();
    assert_eq!(entries(&out.join("memberships")), members);
    let roster =
        sealbill::Roster::verify(&std::fs::read(out.join("roster.bin")).unwrap(), None).unwrap();
    assert_eq!(roster.accounts(), [INVOICE_IBAN]);

    // The owner's own membership sends, too, and reaches the archive.
    let own = b.membership(&b.owner);
    let envelope = b.seal_ok(&b.owner, &own);
    let opened = b.open_ok(&envelope);
    assert_eq!(field(&opened, "sent by"), "Acme GmbH (owner)");
}

#[test]
fn an_envelope_naming_an_account_the_owner_did_not_sign_is_refused_when_opening() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    let membership = b.join(&bea, "biller");
    let membership = sealbill::Membership::verify(&std::fs::read(membership).unwrap()).unwrap();
    // A biller whose own tool does not check the accounts (the library alone) seals an
    // invoice paying into another account; the core cannot see IBANs, the reader must.
    let changed = String::from_utf8(INVOICE.to_vec())
        .unwrap()
        .replace(INVOICE_IBAN, "GB82WEST12345698765432");
    let documents = [sealbill::Document {
        name: "invoice.xml".into(),
        media_type: "application/xml".into(),
        data: changed.into_bytes(),
    }];
    let options = sealbill::SealOptions {
        recipients: vec![b.client.library().recipient()],
        membership: Some(membership),
        ..sealbill::SealOptions::new("2026-0042", 1_900_000_000)
    };
    let sealed = sealbill::seal(&bea.library(), &documents, &options).unwrap();
    let envelope = b.tmp.write("forged.age", &sealed.envelope);
    b.open_fails(&envelope, &["[ACCOUNT_NOT_ALLOWED]"]);
    // The refused envelope did not count as a roster version seen.
    assert!(!Path::new(&b.tmp.path("client-book/contacts.rosters.txt")).exists());
}

#[test]
fn the_owner_seals_with_its_own_membership_once_it_has_a_team() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    b.join(&bea, "biller");
    let seal_with_team = |who: &Party| {
        let out = b.tmp.fresh("envelope");
        let result = common::command()
            .env("SEALBILL_TEAM", &b.team)
            .args([
                "seal",
                "-i",
                &who.file,
                "--to",
                &b.client_card,
                &b.invoice,
                "-o",
                &out,
            ])
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        (out, String::from_utf8(result.stderr).unwrap())
    };
    // The owner's envelope carries its membership: the business is shown as the sender.
    let (envelope, stderr) = seal_with_team(&b.owner);
    assert!(stderr.contains("you own the team"), "{stderr}");
    assert!(stderr.contains("team archive"), "{stderr}");
    let opened = b.open_ok(&envelope);
    assert_eq!(field(&opened, "sent by"), "Acme GmbH (owner)");
    // A member sealing without --membership sends as themselves, not for the business.
    let (envelope, stderr) = seal_with_team(&bea);
    assert!(!stderr.contains("team"), "{stderr}");
    let dir = b.tmp.fresh("opened");
    let opened = ok(&["open", "-i", &b.client.file, &envelope, "-o", &dir]);
    assert_eq!(field(&opened, "fingerprint"), bea.fingerprint);
    assert!(!opened.contains("sent by"), "{opened}");
}

#[test]
fn the_archive_opens_with_archive_keys_for_members_who_joined_before_or_after_a_rotation() {
    let b = Business::new();
    let bea = Party::new(&b.tmp, "Bea Biller");
    let carl = Party::new(&b.tmp, "Carl Counts");
    b.join(&bea, "biller");
    b.join(&carl, "accountant");
    let before = b.seal_ok(&bea, &b.membership(&bea));
    // Issue times are whole seconds: the team changes a second later.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // Carl keeps the key file he was given; then he leaves, and the key rotates. Dora joins
    // after the rotation.
    let kept = b.tmp.write(
        "carl-epoch-1.age",
        &std::fs::read(b.path("archive-keys/1.age")).unwrap(),
    );
    b.team_ok(&["remove", "-i", &b.owner.file, &carl.fingerprint]);
    let after = b.seal_ok(&bea, &b.membership(&bea));
    let dora = Party::new(&b.tmp, "Dora Later");
    b.join(&dora, "accountant");
    let keys = [b.path("archive-keys/1.age"), b.path("archive-keys/2.age")];
    let read = |who: &Party, envelope: &str, keys: &[String]| {
        let dir = b.tmp.fresh("archive");
        let mut args = vec![
            "open",
            "-i",
            &who.file,
            "--expect-sender",
            &b.owner.fingerprint,
        ];
        for key in keys {
            args.extend(["--archive-key", key.as_str()]);
        }
        args.extend([envelope, "-o", &dir]);
        run(&args, None)
    };
    // Dora reads both: the earlier epoch's key was sealed to her too.
    for envelope in [&before, &after] {
        let out = read(&dora, envelope, &keys);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Bea Biller"));
    }
    // What Carl kept opens what was sent before he left, not what was sent after; the
    // current files are not sealed to him, nor to the client, at all.
    let kept = [kept];
    let out = read(&carl, &before, &kept);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_fails(&read(&carl, &after, &kept), &["[WRONG_KEY]"]);
    assert_fails(&read(&carl, &after, &keys), &["[WRONG_KEY]"]);
    assert_fails(&read(&b.client, &before, &keys), &["[WRONG_KEY]"]);
    // A key file is no substitute for the business's pin.
    let dir = b.tmp.fresh("archive");
    assert_fails(
        &run(
            &[
                "open",
                "-i",
                &dora.file,
                "--expect-sender",
                &bea.fingerprint,
                "--archive-key",
                &keys[0],
                "--archive-key",
                &keys[1],
                &before,
                "-o",
                &dir,
            ],
            None,
        ),
        &["[UNEXPECTED_SENDER]"],
    );
}
