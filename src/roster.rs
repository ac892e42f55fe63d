//! Teams (SPEC §3.8): the owner-signed roster of a business's members, the membership a
//! member's envelope carries, and the workspace archive key sealed to the team's readers.
//!
//! A business is its owner's identity: the owner card is the card clients pin. The owner signs
//! a [`Roster`] (for the relay and the team, never sent to clients) listing each member's
//! card, role and validity, the payment accounts invoices may name, and the current archive
//! key's recipient. From it the owner signs one [`Membership`] per member, which tells a
//! client only about the sender's own entry.

use core::fmt;

use ed25519_dalek::{Signature, Signer};
use zeroize::Zeroizing;

use crate::age::{self, Encoding, Recipient};
use crate::card::{Card, Fingerprint};
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::manifest::Manifest;
use crate::open::{open, Opened};
use crate::wire::{Reader, Writer};

/// The context string that starts every roster, and so every roster signature.
pub const ROSTER_CONTEXT: &str = "sealbill/roster/v1";
/// The context string that starts every membership, and so every membership signature.
pub const MEMBERSHIP_CONTEXT: &str = "sealbill/membership/v1";
/// The context string that starts the plaintext of an archive-key file.
const ARCHIVE_KEY_CONTEXT: &str = "sealbill/archive-key/v1";
/// The most members a roster lists (the owner not counted).
pub const MAX_MEMBERS: usize = 256;
/// The most payment accounts a roster authorises.
pub const MAX_ACCOUNTS: usize = 8;
/// The longest encoded roster, signature included (256 members of the longest cards fit).
pub const MAX_ROSTER_LEN: usize = 288 * 1024;
/// The longest encoded membership, signature included.
pub const MAX_MEMBERSHIP_LEN: usize = 4096;
/// An IBAN is 15 to 34 characters (ISO 13616).
const IBAN_LEN: core::ops::RangeInclusive<usize> = 15..=34;

/// What a member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The business itself: manages the roster, the profile and the payment accounts; sends.
    Owner,
    /// Creates and sends invoices.
    Biller,
    /// Reads the archive; cannot send.
    Accountant,
}

impl Role {
    /// The role byte of SPEC §3.8.
    pub fn to_byte(self) -> u8 {
        match self {
            Role::Owner => 1,
            Role::Biller => 2,
            Role::Accountant => 3,
        }
    }

    /// The role of a role byte, if it is one.
    pub fn from_byte(byte: u8) -> Option<Role> {
        match byte {
            1 => Some(Role::Owner),
            2 => Some(Role::Biller),
            3 => Some(Role::Accountant),
            _ => None,
        }
    }

    /// The lower-case name: `owner`, `biller` or `accountant`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Biller => "biller",
            Role::Accountant => "accountant",
        }
    }

    /// Whether this role may send invoices (owner and biller).
    pub fn can_send(self) -> bool {
        matches!(self, Role::Owner | Role::Biller)
    }
}

/// One member of a team: their own card, their role and when the membership holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The member's own self-signed card.
    pub card: Card,
    /// What the member may do.
    pub role: Role,
    /// The first second (since the Unix epoch) at which the membership holds.
    pub valid_from: u64,
    /// The first second at which it no longer holds; 0 for no end.
    pub valid_until: u64,
}

impl Member {
    /// Whether the membership holds at `time` (seconds since the Unix epoch).
    pub fn is_valid_at(&self, time: u64) -> bool {
        self.valid_from <= time && (self.valid_until == 0 || time < self.valid_until)
    }

    fn check(&self) -> Result<()> {
        if self.valid_until != 0 && self.valid_until <= self.valid_from {
            return Err(Error::InvalidInput(
                "a membership must end after it starts (or never: 0)",
            ));
        }
        Ok(())
    }

    fn write(&self, w: &mut Writer) -> Result<()> {
        w.bytes16(&self.card.to_bytes())?;
        w.u8(self.role.to_byte());
        w.u64(self.valid_from);
        w.u64(self.valid_until);
        Ok(())
    }

    fn read(r: &mut Reader<'_>) -> Result<Member> {
        let card = Card::from_bytes(r.bytes16()?)?;
        let role = Role::from_byte(r.u8()?).ok_or(Error::Malformed("unknown role"))?;
        Ok(Member {
            card,
            role,
            valid_from: r.u64()?,
            valid_until: r.u64()?,
        })
    }
}

/// The roster's archive-key entry: which workspace archive key is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The key's epoch: 0 for the first key, one more at each rotation.
    pub epoch: u32,
    /// The age recipient of the key: envelopes sealed for the archive are sealed to it.
    pub recipient: Recipient,
}

impl ArchiveEntry {
    fn write(&self, w: &mut Writer) -> Result<()> {
        w.u32(self.epoch);
        w.bytes16(self.recipient.to_string().as_bytes())
    }

    fn read(r: &mut Reader<'_>) -> Result<ArchiveEntry> {
        let epoch = r.u32()?;
        let text = r.str16()?;
        let recipient: Recipient = text.parse()?;
        if recipient.to_string() != text {
            return Err(Error::Malformed("recipient not in canonical form"));
        }
        Ok(ArchiveEntry { epoch, recipient })
    }
}

/// Normalizes a payment account as typed (`de89 3704 …`) to its IBAN form (`DE893704…`): ASCII
/// upper case without spaces, checked by ISO 13616 (SPEC §3.8).
pub fn normalize_iban(text: &str) -> Result<String> {
    let iban: String = text
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if is_iban(&iban) {
        Ok(iban)
    } else {
        Err(Error::InvalidInput(
            "not a valid IBAN (ISO 13616: country, check digits, account; mod 97)",
        ))
    }
}

/// Whether `iban` is a normalized IBAN: 15 to 34 characters, two letters A–Z, two digits, then
/// A–Z or 0–9, whose ISO 7064 mod 97-10 check holds.
fn is_iban(iban: &str) -> bool {
    let b = iban.as_bytes();
    let shape = IBAN_LEN.contains(&b.len())
        && b.iter().take(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(2).take(2).all(u8::is_ascii_digit)
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !shape {
        return false;
    }
    // The first four characters move to the end; letters count as 10 to 35.
    let remainder = b
        .iter()
        .skip(4)
        .chain(b.iter().take(4))
        .fold(0u32, |acc, c| {
            let value = if c.is_ascii_digit() {
                u32::from(c.wrapping_sub(b'0'))
            } else {
                u32::from(c.wrapping_sub(b'A')) + 10
            };
            let shift = if value < 10 { 10 } else { 100 };
            (acc * shift + value) % 97
        });
    remainder == 1
}

fn write_accounts(w: &mut Writer, accounts: &[String]) -> Result<()> {
    w.u8(u8::try_from(accounts.len()).map_err(|_| Error::InvalidInput("too many accounts"))?);
    for account in accounts {
        w.bytes16(account.as_bytes())?;
    }
    Ok(())
}

fn read_accounts(r: &mut Reader<'_>) -> Result<Vec<String>> {
    let count = usize::from(r.u8()?);
    if count > MAX_ACCOUNTS {
        return Err(Error::LimitExceeded(
            "a roster names at most 8 payment accounts",
        ));
    }
    (0..count).map(|_| Ok(r.str16()?.to_owned())).collect()
}

/// The rules of the account list: at most 8, each a normalized valid IBAN, none twice.
fn check_accounts(accounts: &[String]) -> Result<()> {
    if accounts.len() > MAX_ACCOUNTS {
        return Err(Error::LimitExceeded(
            "a roster names at most 8 payment accounts",
        ));
    }
    for (i, account) in accounts.iter().enumerate() {
        if !is_iban(account) {
            return Err(Error::InvalidInput(
                "a payment account is not a normalized, valid IBAN",
            ));
        }
        if accounts.get(..i).unwrap_or_default().contains(account) {
            return Err(Error::InvalidInput("a payment account is listed twice"));
        }
    }
    Ok(())
}

/// Appends the signer's signature over `w`'s bytes and returns the signed structure.
pub(crate) fn sign(signer: &Identity, mut w: Writer) -> Vec<u8> {
    let signature = signer.signing_key().sign(&w.bytes);
    w.raw(&signature.to_bytes());
    w.bytes
}

/// Splits a signed structure of at most `max` bytes and checks its context string; returns a
/// reader over the signed part (after the context), the signed part and the signature.
pub(crate) fn split_signed<'a>(
    bytes: &'a [u8],
    max: usize,
    context: &str,
    what: &'static str,
) -> Result<(Reader<'a>, &'a [u8], Signature)> {
    if bytes.len() > max {
        return Err(Error::LimitExceeded(what));
    }
    let split = bytes.len().checked_sub(64).ok_or(Error::Malformed(what))?;
    let (signed, signature) = bytes.split_at(split);
    let signature =
        Signature::from_bytes(signature.try_into().map_err(|_| Error::Malformed(what))?);
    let mut r = Reader::new(signed, what);
    if r.str16()? != context {
        return Err(Error::Malformed(what));
    }
    Ok((r, signed, signature))
}

fn verify(owner: &Card, signed: &[u8], signature: &Signature) -> Result<()> {
    owner
        .verifying_key()
        .verify_strict(signed, signature)
        .map_err(|_| Error::BadSignature)
}

/// What the owner fills in to sign a roster ([`RosterDraft::sign`]).
#[derive(Clone, Debug)]
pub struct RosterDraft {
    /// The roster's version: 1 for the first, strictly more for each new one.
    pub version: u64,
    /// When it was signed, in seconds since the Unix epoch.
    pub issued: u64,
    /// The members, the owner not among them, in any order: signing sorts them.
    pub members: Vec<Member>,
    /// The payment accounts invoices may name, as typed: signing normalizes them.
    pub accounts: Vec<String>,
    /// The current archive key.
    pub archive: ArchiveEntry,
}

impl RosterDraft {
    /// Checks the draft, puts it in canonical form and signs it with the owner's key.
    pub fn sign(mut self, owner: &Identity) -> Result<Roster> {
        self.members.sort_by_key(|m| m.card.fingerprint());
        self.accounts = self
            .accounts
            .iter()
            .map(|a| normalize_iban(a))
            .collect::<Result<_>>()?;
        let roster = Roster {
            version: self.version,
            issued: self.issued,
            owner: owner.card().clone(),
            members: self.members,
            accounts: self.accounts,
            archive: self.archive,
            bytes: Vec::new(),
        };
        roster.check()?;
        let bytes = sign(owner, roster.encode()?);
        Ok(Roster { bytes, ..roster })
    }
}

/// A team roster, signed by the business owner (SPEC §3.8).
#[derive(Clone, PartialEq, Eq)]
pub struct Roster {
    version: u64,
    issued: u64,
    owner: Card,
    members: Vec<Member>,
    accounts: Vec<String>,
    archive: ArchiveEntry,
    /// The signed encoding, signature included.
    bytes: Vec<u8>,
}

impl Roster {
    /// Parses a roster and checks its owner's signature and its rules. When the reader already
    /// knows a roster of this business (`known`), the new one must be of the same owner
    /// (`UNEXPECTED_SENDER`) and strictly newer, or the very same bytes (`STALE_ROSTER`).
    pub fn verify(bytes: &[u8], known: Option<&Roster>) -> Result<Roster> {
        let (mut r, signed, signature) = split_signed(
            bytes,
            MAX_ROSTER_LEN,
            ROSTER_CONTEXT,
            "invalid roster encoding",
        )?;
        let version = r.u64()?;
        let issued = r.u64()?;
        let owner = Card::from_bytes(r.bytes16()?)?;
        let count = usize::from(r.u16()?);
        if count > MAX_MEMBERS {
            return Err(Error::LimitExceeded("a roster lists at most 256 members"));
        }
        let mut members = Vec::with_capacity(count);
        for _ in 0..count {
            members.push(Member::read(&mut r)?);
        }
        let accounts = read_accounts(&mut r)?;
        let archive = ArchiveEntry::read(&mut r)?;
        r.finish()?;
        verify(&owner, signed, &signature)?;
        let roster = Roster {
            version,
            issued,
            owner,
            members,
            accounts,
            archive,
            bytes: bytes.to_vec(),
        };
        roster.check().map_err(Error::when_reading)?;
        if let Some(known) = known {
            if known.owner.fingerprint() != roster.owner.fingerprint() {
                return Err(Error::UnexpectedSender);
            }
            if roster.version <= known.version && roster.bytes != known.bytes {
                return Err(Error::StaleRoster);
            }
        }
        Ok(roster)
    }

    /// The rules of SPEC §3.8, for writers and readers.
    fn check(&self) -> Result<()> {
        if self.version == 0 {
            return Err(Error::InvalidInput("a roster's version starts at 1"));
        }
        if self.members.len() > MAX_MEMBERS {
            return Err(Error::LimitExceeded("a roster lists at most 256 members"));
        }
        let owner = self.owner.fingerprint();
        let mut previous: Option<Fingerprint> = None;
        for member in &self.members {
            member.check()?;
            let fingerprint = member.card.fingerprint();
            if fingerprint == owner {
                return Err(Error::InvalidInput(
                    "the owner is not listed among the members",
                ));
            }
            if member.role == Role::Owner {
                return Err(Error::InvalidInput("a team has one owner: the roster's"));
            }
            if previous.is_some_and(|p| p >= fingerprint) {
                return Err(Error::InvalidInput(
                    "members are listed once each, in fingerprint order",
                ));
            }
            previous = Some(fingerprint);
        }
        check_accounts(&self.accounts)
    }

    /// The encoding of everything the signature covers.
    fn encode(&self) -> Result<Writer> {
        let mut w = Writer::default();
        w.bytes16(ROSTER_CONTEXT.as_bytes())?;
        w.u64(self.version);
        w.u64(self.issued);
        w.bytes16(&self.owner.to_bytes())?;
        w.count16(self.members.len())?;
        for member in &self.members {
            member.write(&mut w)?;
        }
        write_accounts(&mut w, &self.accounts)?;
        self.archive.write(&mut w)?;
        Ok(w)
    }

    /// The signed bytes, to store and upload.
    pub fn to_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The version: higher is newer.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// When the owner signed it, in seconds since the Unix epoch.
    pub fn issued(&self) -> u64 {
        self.issued
    }

    /// The owner's card: the business card that clients pin.
    pub fn owner(&self) -> &Card {
        &self.owner
    }

    /// The members, in fingerprint order, the owner not among them.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member with this fingerprint, if there is one.
    pub fn member(&self, fingerprint: &Fingerprint) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.card.fingerprint() == *fingerprint)
    }

    /// The payment accounts invoices may name (normalized IBANs).
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// The current archive key's entry.
    pub fn archive(&self) -> ArchiveEntry {
        self.archive
    }

    /// The draft of the next version, signed at `issued`: the same members, accounts and
    /// archive key, for the owner to change.
    pub fn next_draft(&self, issued: u64) -> RosterDraft {
        RosterDraft {
            version: self.version.saturating_add(1),
            issued,
            members: self.members.clone(),
            accounts: self.accounts.clone(),
            archive: self.archive,
        }
    }

    /// Signs the membership of the member with `member`'s fingerprint (or of the owner, with
    /// the role owner and no time limits): what that member's envelopes carry.
    pub fn membership(&self, owner: &Identity, member: &Fingerprint) -> Result<Membership> {
        if owner.fingerprint() != self.owner.fingerprint() {
            return Err(Error::InvalidInput(
                "only the roster's owner signs its memberships",
            ));
        }
        let member = if *member == self.owner.fingerprint() {
            Member {
                card: self.owner.clone(),
                role: Role::Owner,
                valid_from: 0,
                valid_until: 0,
            }
        } else {
            self.member(member).ok_or(Error::NotAMember)?.clone()
        };
        let membership = Membership {
            version: self.version,
            issued: self.issued,
            owner: self.owner.clone(),
            member,
            accounts: self.accounts.clone(),
            archive: self.archive,
            bytes: Vec::new(),
        };
        membership.check()?;
        let bytes = sign(owner, membership.encode()?);
        Ok(Membership {
            bytes,
            ..membership
        })
    }
}

impl fmt::Debug for Roster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Roster")
            .field("version", &self.version)
            .field("issued", &self.issued)
            .field("owner", &self.owner)
            .field("members", &self.members)
            .field("accounts", &self.accounts)
            .field("archive", &self.archive)
            .finish()
    }
}

/// What a reader keeps of the newest roster it has seen from a business, through the
/// memberships its envelopes carry: the version and when the owner signed it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TeamSeen {
    /// The roster version.
    pub version: u64,
    /// When the owner signed that roster, in seconds since the Unix epoch.
    pub issued: u64,
}

impl TeamSeen {
    /// The newer of the two.
    pub fn newest(self, other: TeamSeen) -> TeamSeen {
        if other.version > self.version {
            other
        } else {
            self
        }
    }
}

/// One member's entry of a roster, signed by the owner: what a member's envelope carries so
/// that a client learns the sender's own role, and nothing about the rest of the staff.
#[derive(Clone, PartialEq, Eq)]
pub struct Membership {
    version: u64,
    issued: u64,
    owner: Card,
    member: Member,
    accounts: Vec<String>,
    archive: ArchiveEntry,
    bytes: Vec<u8>,
}

impl Membership {
    /// Parses a membership and checks the owner's signature and its rules. The caller then
    /// compares [`Membership::owner`]'s fingerprint with the business it expects.
    pub fn verify(bytes: &[u8]) -> Result<Membership> {
        let (mut r, signed, signature) = split_signed(
            bytes,
            MAX_MEMBERSHIP_LEN,
            MEMBERSHIP_CONTEXT,
            "invalid membership encoding",
        )?;
        let version = r.u64()?;
        let issued = r.u64()?;
        let owner = Card::from_bytes(r.bytes16()?)?;
        let member = Member::read(&mut r)?;
        let accounts = read_accounts(&mut r)?;
        let archive = ArchiveEntry::read(&mut r)?;
        r.finish()?;
        verify(&owner, signed, &signature)?;
        let membership = Membership {
            version,
            issued,
            owner,
            member,
            accounts,
            archive,
            bytes: bytes.to_vec(),
        };
        membership.check().map_err(Error::when_reading)?;
        Ok(membership)
    }

    fn check(&self) -> Result<()> {
        if self.version == 0 {
            return Err(Error::InvalidInput("a roster's version starts at 1"));
        }
        self.member.check()?;
        let is_owner = self.member.card.fingerprint() == self.owner.fingerprint();
        let owner_entry = self.member.card == self.owner
            && self.member.valid_from == 0
            && self.member.valid_until == 0;
        if (self.member.role == Role::Owner) != is_owner || (is_owner && !owner_entry) {
            return Err(Error::InvalidInput(
                "only the owner's own membership has the role owner, and it has no time limits",
            ));
        }
        check_accounts(&self.accounts)
    }

    fn encode(&self) -> Result<Writer> {
        let mut w = Writer::default();
        w.bytes16(MEMBERSHIP_CONTEXT.as_bytes())?;
        w.u64(self.version);
        w.u64(self.issued);
        w.bytes16(&self.owner.to_bytes())?;
        self.member.write(&mut w)?;
        write_accounts(&mut w, &self.accounts)?;
        self.archive.write(&mut w)?;
        Ok(w)
    }

    /// Whether `sender` (the card of an envelope's manifest) may send for the business at
    /// `issued_at` (the manifest's issue time): it is this membership's member card, its
    /// role may send, and the membership holds then.
    pub fn check_sender(&self, sender: &Card, issued_at: u64) -> Result<()> {
        if *sender != self.member.card {
            return Err(Error::NotAMember);
        }
        if !self.member.role.can_send() {
            return Err(Error::RoleCannotSend);
        }
        if issued_at < self.member.valid_from {
            return Err(Error::MembershipNotYetValid);
        }
        if !self.member.is_valid_at(issued_at) {
            return Err(Error::MembershipExpired);
        }
        Ok(())
    }

    /// Whether every payment account an invoice names (`ibans`, as written in it) is one the
    /// owner signed: a member cannot change the business's bank details (`ACCOUNT_NOT_ALLOWED`).
    pub fn check_accounts(&self, ibans: &[&str]) -> Result<()> {
        for iban in ibans {
            let normalized = normalize_iban(iban).map_err(|_| Error::AccountNotAllowed)?;
            if !self.accounts.contains(&normalized) {
                return Err(Error::AccountNotAllowed);
            }
        }
        Ok(())
    }

    /// Whether this membership, handed to its member, is from a roster at least as new as
    /// `known_version`, the newest the member holds (`STALE_ROSTER`: an old one replayed).
    pub fn check_current(&self, known_version: u64) -> Result<()> {
        if self.version < known_version {
            return Err(Error::StaleRoster);
        }
        Ok(())
    }

    /// Whether an envelope issued at `issued_at` may carry this membership, for a reader that
    /// has seen `newest` from this business (SPEC §3.8): an envelope issued at or after the
    /// newest roster's issue time must carry a membership of that roster or a newer one
    /// (`STALE_ROSTER`: the member may have been removed since). Envelopes issued before it
    /// keep opening; the owner's own membership is never stale.
    pub fn check_envelope(&self, issued_at: u64, newest: TeamSeen) -> Result<()> {
        let stale = self.version < newest.version && issued_at >= newest.issued;
        if stale && self.member.role != Role::Owner {
            return Err(Error::StaleRoster);
        }
        Ok(())
    }

    /// What a reader keeps of this membership's roster: its version and issue time.
    pub fn seen(&self) -> TeamSeen {
        TeamSeen {
            version: self.version,
            issued: self.issued,
        }
    }

    /// The signed bytes.
    pub fn to_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The version of the roster it was taken from.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// When the owner signed that roster, in seconds since the Unix epoch.
    pub fn issued(&self) -> u64 {
        self.issued
    }

    /// The owner's card: the business.
    pub fn owner(&self) -> &Card {
        &self.owner
    }

    /// The member: card, role and validity.
    pub fn member(&self) -> &Member {
        &self.member
    }

    /// The payment accounts invoices may name (normalized IBANs).
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// The archive key's entry at that roster version.
    pub fn archive(&self) -> ArchiveEntry {
        self.archive
    }
}

impl fmt::Debug for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Membership")
            .field("version", &self.version)
            .field("issued", &self.issued)
            .field("owner", &self.owner)
            .field("member", &self.member)
            .field("accounts", &self.accounts)
            .field("archive", &self.archive)
            .finish()
    }
}

/// A workspace archive key: an age X25519 identity made by the owner, that every reader of the
/// team holds, and its epoch. `Debug` does not print the secret.
pub struct ArchiveKey {
    epoch: u32,
    identity: age::Identity,
}

impl ArchiveKey {
    /// A fresh random key for `epoch` (0 first, one more at each rotation).
    pub fn generate(epoch: u32) -> ArchiveKey {
        ArchiveKey {
            epoch,
            identity: age::Identity::generate(),
        }
    }

    /// The roster entry naming this key.
    pub fn entry(&self) -> ArchiveEntry {
        ArchiveEntry {
            epoch: self.epoch,
            recipient: self.identity.to_recipient(),
        }
    }

    /// The age identity that opens what was sealed to the archive.
    pub fn identity(&self) -> &age::Identity {
        &self.identity
    }
}

impl fmt::Debug for ArchiveKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArchiveKey")
            .field("entry", &self.entry())
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

/// Seals the archive key for the owner and each reader (SPEC §3.8): an age file to their
/// recipients whose plaintext is the key. Give only the cards of members whose role reads.
pub fn seal_archive_key(owner: &Identity, key: &ArchiveKey, readers: &[Card]) -> Result<Vec<u8>> {
    let mut recipients = vec![owner.recipient()];
    for reader in readers {
        if !recipients.contains(&reader.recipient()) {
            recipients.push(reader.recipient());
        }
    }
    if recipients.len() > MAX_MEMBERS + 1 {
        return Err(Error::LimitExceeded("a roster lists at most 256 members"));
    }
    let mut w = Writer::default();
    w.bytes16(ARCHIVE_KEY_CONTEXT.as_bytes())?;
    w.u32(key.epoch);
    let mut plain = Zeroizing::new(w.bytes);
    plain.extend_from_slice(key.identity.to_secret_bytes().as_ref());
    age::encrypt(&recipients, &plain, Encoding::Binary)
}

/// Opens an archive-key file with the reader's identity and checks that it holds the key that
/// `expected` (the roster's or a membership's entry, signed by the owner) names; anyone can
/// seal a file to a reader, so a key the owner did not name is refused (`MALFORMED`).
pub fn open_archive_key(
    reader: &Identity,
    bytes: &[u8],
    expected: &ArchiveEntry,
) -> Result<ArchiveKey> {
    let key = read_archive_key(reader, bytes)?;
    if key.entry() != *expected {
        return Err(Error::Malformed(
            "this archive key is not the one the owner named",
        ));
    }
    Ok(key)
}

/// Decrypts an archive-key file and reads the key, without comparing it with any entry.
fn read_archive_key(reader: &Identity, bytes: &[u8]) -> Result<ArchiveKey> {
    let plain = age::decrypt(core::slice::from_ref(reader.age_identity()), bytes)?;
    let mut r = Reader::new(&plain, "invalid archive key");
    if r.str16()? != ARCHIVE_KEY_CONTEXT {
        return Err(Error::Malformed("not a sealbill v1 archive key"));
    }
    let epoch = r.u32()?;
    let secret = Zeroizing::new(r.array::<32>()?);
    r.finish()?;
    Ok(ArchiveKey {
        epoch,
        identity: age::Identity::from_secret_bytes(*secret),
    })
}

/// The archive keys of every epoch in `files` (archive-key files sealed to `reader`), for
/// reading the team's archive with [`open_archive`] or a streaming [`crate::Opener`] followed
/// by [`check_archive`]. They are not checked against a roster: a reader who joined after a
/// rotation holds no signed entry of the earlier epochs, so each envelope is checked instead.
/// Files not sealed to the reader, or broken, are left out.
pub fn archive_keys(reader: &Identity, files: &[&[u8]]) -> Vec<ArchiveKey> {
    let mut keys: Vec<ArchiveKey> = files
        .iter()
        .filter_map(|file| read_archive_key(reader, file).ok())
        .collect();
    keys.sort_by_key(|k| core::cmp::Reverse(k.epoch));
    keys
}

/// Checks an envelope that archive keys opened (SPEC §3.8): it carries a membership, which
/// the reader verified with the envelope and whose owner it compared, and that membership
/// names one of `keys` as the team's archive key (`MALFORMED` otherwise: an envelope sealed
/// to a key the owner never named for the team).
pub fn check_archive(manifest: &Manifest, keys: &[ArchiveKey]) -> Result<()> {
    let named = manifest.membership.as_ref().map(Membership::archive);
    if !keys.iter().any(|k| Some(k.entry()) == named) {
        return Err(Error::Malformed(
            "this envelope is not sealed to the team archive key its owner named",
        ));
    }
    Ok(())
}

/// Opens a team envelope with the archive keys in `files` (sealed to `reader`), as §4.2 says
/// with `expect` the business, then checks it with [`check_archive`].
pub fn open_archive(
    reader: &Identity,
    files: &[&[u8]],
    envelope: &[u8],
    expect: Option<&Fingerprint>,
) -> Result<Opened> {
    let keys = archive_keys(reader, files);
    let identities: Vec<age::Identity> = keys.iter().map(|k| k.identity.clone()).collect();
    let opened = open(&identities, envelope, expect)?;
    check_archive(&opened.manifest, &keys)?;
    Ok(opened)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const T0: u64 = 1_795_000_000;
    const IBAN: &str = "DE89370400440532013000";

    struct Team {
        owner: Identity,
        biller: Identity,
        accountant: Identity,
        archive: ArchiveKey,
    }

    fn team() -> Team {
        Team {
            owner: Identity::generate("Acme GmbH").unwrap(),
            biller: Identity::generate("Bea Biller").unwrap(),
            accountant: Identity::generate("Carl Counts").unwrap(),
            archive: ArchiveKey::generate(0),
        }
    }

    fn member(id: &Identity, role: Role, valid_from: u64, valid_until: u64) -> Member {
        Member {
            card: id.card().clone(),
            role,
            valid_from,
            valid_until,
        }
    }

    fn draft(t: &Team, version: u64) -> RosterDraft {
        RosterDraft {
            version,
            issued: T0,
            members: vec![
                member(&t.biller, Role::Biller, T0, T0 + 1000),
                member(&t.accountant, Role::Accountant, T0, 0),
            ],
            accounts: vec![
                "de89 3704 0044 0532 0130 00".into(),
                "GB82WEST12345698765432".into(),
            ],
            archive: t.archive.entry(),
        }
    }

    #[test]
    fn roster_round_trips_in_canonical_form() {
        let t = team();
        let roster = draft(&t, 1).sign(&t.owner).unwrap();
        assert_eq!(roster.accounts(), [IBAN, "GB82WEST12345698765432"]);
        let fingerprints: Vec<_> = roster
            .members()
            .iter()
            .map(|m| m.card.fingerprint())
            .collect();
        assert!(fingerprints.windows(2).all(|w| w[0] < w[1]));
        let back = Roster::verify(roster.to_bytes(), None).unwrap();
        assert_eq!(back, roster);
        assert_eq!(back.owner(), t.owner.card());
        assert_eq!(back.archive(), t.archive.entry());
        assert_eq!(
            back.member(&t.biller.fingerprint()).unwrap().role,
            Role::Biller
        );
    }

    #[test]
    fn every_flipped_byte_and_every_cut_is_refused() {
        let t = team();
        let roster = draft(&t, 1).sign(&t.owner).unwrap();
        let bytes = roster.to_bytes();
        for i in 0..bytes.len() {
            let mut bad = bytes.to_vec();
            bad[i] ^= 1;
            assert!(Roster::verify(&bad, None).is_err(), "roster byte {i}");
        }
        for n in 0..bytes.len() {
            assert!(
                Roster::verify(&bytes[..n], None).is_err(),
                "roster cut at {n}"
            );
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(Roster::verify(&longer, None).is_err());
        let membership = roster
            .membership(&t.owner, &t.biller.fingerprint())
            .unwrap();
        let bytes = membership.to_bytes();
        for i in 0..bytes.len() {
            let mut bad = bytes.to_vec();
            bad[i] ^= 1;
            assert!(Membership::verify(&bad).is_err(), "membership byte {i}");
        }
        for n in 0..bytes.len() {
            assert!(
                Membership::verify(&bytes[..n]).is_err(),
                "membership cut at {n}"
            );
        }
        // The signature, and fields the encoding does not constrain, fail as BAD_SIGNATURE.
        let last = bytes.len() - 1;
        let mut bad = bytes.to_vec();
        bad[last] ^= 0x10;
        assert_eq!(
            Membership::verify(&bad).unwrap_err().code(),
            "BAD_SIGNATURE"
        );
        let mut bad = bytes.to_vec();
        bad[2 + MEMBERSHIP_CONTEXT.len()] ^= 1; // the version
        assert_eq!(Membership::verify(&bad).unwrap_err(), Error::BadSignature);
    }

    #[test]
    fn a_stale_roster_is_refused_and_the_same_bytes_accepted() {
        let t = team();
        let v1 = draft(&t, 1).sign(&t.owner).unwrap();
        let v2 = draft(&t, 2).sign(&t.owner).unwrap();
        assert!(Roster::verify(v2.to_bytes(), Some(&v1)).is_ok());
        assert!(Roster::verify(v2.to_bytes(), Some(&v2)).is_ok());
        assert_eq!(
            Roster::verify(v1.to_bytes(), Some(&v2)).unwrap_err(),
            Error::StaleRoster
        );
        let mut other = draft(&t, 2);
        other.members.pop();
        let other_v2 = other.sign(&t.owner).unwrap();
        assert_eq!(
            Roster::verify(other_v2.to_bytes(), Some(&v2)).unwrap_err(),
            Error::StaleRoster
        );
        let stranger = Identity::generate("Acme GmbH").unwrap();
        let foreign = draft(&t, 3).sign(&stranger).unwrap();
        assert_eq!(
            Roster::verify(foreign.to_bytes(), Some(&v2)).unwrap_err(),
            Error::UnexpectedSender
        );
    }

    #[test]
    fn a_roster_signed_with_another_key_is_refused() {
        let t = team();
        let roster = draft(&t, 1).sign(&t.owner).unwrap();
        let mut w = roster.encode().unwrap();
        let forged = t.biller.signing_key().sign(&w.bytes);
        w.raw(&forged.to_bytes());
        assert_eq!(
            Roster::verify(&w.bytes, None).unwrap_err(),
            Error::BadSignature
        );
    }

    #[test]
    fn rule_violations_are_refused_by_writers_and_readers() {
        let t = team();
        let mut d = draft(&t, 1);
        d.members.push(d.members[0].clone());
        assert!(matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))));
        let mut d = draft(&t, 1);
        d.members.push(member(&t.owner, Role::Biller, 0, 0));
        assert!(matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))));
        let mut d = draft(&t, 1);
        d.members[0].role = Role::Owner;
        assert!(matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))));
        let mut d = draft(&t, 1);
        d.members[0].valid_until = d.members[0].valid_from;
        assert!(matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))));
        let mut d = draft(&t, 0);
        d.members.clear();
        assert!(matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))));
        for bad in [
            "DE89370400440532013001",
            "DE8937040044",
            "XX",
            "DE89-3704",
            "de89 3704 0044 0532 0130 0ä",
        ] {
            let mut d = draft(&t, 1);
            d.accounts.push(bad.into());
            assert!(
                matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))),
                "{bad}"
            );
        }
        let mut d = draft(&t, 1);
        d.accounts.push(IBAN.into());
        assert!(matches!(d.sign(&t.owner), Err(Error::InvalidInput(_))));
        let mut d = draft(&t, 1);
        d.accounts = vec![IBAN.into(); 9];
        assert!(matches!(d.sign(&t.owner), Err(Error::LimitExceeded(_))));

        // Readers: the same rules, as MALFORMED, even under a valid signature.
        let forge = |edit: &dyn Fn(&mut Roster)| {
            let mut roster = draft(&t, 1).sign(&t.owner).unwrap();
            edit(&mut roster);
            sign(&t.owner, roster.encode().unwrap())
        };
        let dup = forge(&|r| r.members.push(r.members[1].clone()));
        assert!(matches!(
            Roster::verify(&dup, None),
            Err(Error::Malformed(_))
        ));
        let unsorted = forge(&|r| r.members.reverse());
        assert!(matches!(
            Roster::verify(&unsorted, None),
            Err(Error::Malformed(_))
        ));
        let lower = forge(&|r| r.accounts[0] = r.accounts[0].to_lowercase());
        assert!(matches!(
            Roster::verify(&lower, None),
            Err(Error::Malformed(_))
        ));
        let bad_check = forge(&|r| r.accounts[0] = "DE89370400440532013001".into());
        assert!(matches!(
            Roster::verify(&bad_check, None),
            Err(Error::Malformed(_))
        ));
        let version0 = forge(&|r| r.version = 0);
        assert!(matches!(
            Roster::verify(&version0, None),
            Err(Error::Malformed(_))
        ));
        // Counts over the limits are LIMIT_EXCEEDED as soon as they are read, before the
        // signature; an unknown role byte is MALFORMED.
        let nine = forge(&|r| r.accounts = vec![IBAN.into(); 9]);
        assert!(matches!(
            Roster::verify(&nine, None),
            Err(Error::LimitExceeded(_))
        ));
        let roster = draft(&t, 1).sign(&t.owner).unwrap();
        let membership = roster
            .membership(&t.owner, &t.biller.fingerprint())
            .unwrap();
        let mut bytes = membership.to_bytes().to_vec();
        let role_at = 2
            + MEMBERSHIP_CONTEXT.len()
            + 16
            + 2
            + t.owner.card().to_bytes().len()
            + 2
            + t.biller.card().to_bytes().len();
        assert_eq!(bytes[role_at], Role::Biller.to_byte());
        bytes[role_at] = 4;
        assert_eq!(
            Membership::verify(&bytes).unwrap_err(),
            Error::Malformed("unknown role")
        );
    }

    #[test]
    fn too_many_members_are_refused_before_allocation() {
        let t = team();
        let many: Vec<Member> = (0..=MAX_MEMBERS)
            .map(|i| {
                member(
                    &Identity::generate(&format!("m{i}")).unwrap(),
                    Role::Biller,
                    0,
                    0,
                )
            })
            .collect();
        let mut d = draft(&t, 1);
        d.members = many.clone();
        assert!(matches!(d.sign(&t.owner), Err(Error::LimitExceeded(_))));
        let mut d = draft(&t, 1);
        d.members = many[..MAX_MEMBERS].to_vec();
        let full = d.sign(&t.owner).unwrap();
        assert!(full.to_bytes().len() < MAX_ROSTER_LEN);
        assert_eq!(
            Roster::verify(full.to_bytes(), None)
                .unwrap()
                .members()
                .len(),
            MAX_MEMBERS
        );
        // A count of 257 is refused before a member is read; 65535 likewise.
        let mut w = Writer::default();
        w.bytes16(ROSTER_CONTEXT.as_bytes()).unwrap();
        w.u64(1);
        w.u64(T0);
        w.bytes16(&t.owner.card().to_bytes()).unwrap();
        for count in [257u16, u16::MAX] {
            let mut bytes = w.bytes.clone();
            bytes.extend_from_slice(&count.to_be_bytes());
            bytes.extend_from_slice(&[0; 64]);
            assert_eq!(
                Roster::verify(&bytes, None).unwrap_err().code(),
                "LIMIT_EXCEEDED"
            );
        }
        assert!(matches!(
            Roster::verify(&vec![0; MAX_ROSTER_LEN + 1], None),
            Err(Error::LimitExceeded(_))
        ));
    }

    #[test]
    fn memberships_say_who_may_send_when() {
        let t = team();
        let roster = draft(&t, 4).sign(&t.owner).unwrap();
        let signed = roster
            .membership(&t.owner, &t.biller.fingerprint())
            .unwrap();
        let biller = Membership::verify(signed.to_bytes()).unwrap();
        assert_eq!(biller, signed);
        assert_eq!(biller.version(), 4);
        assert_eq!(biller.owner(), t.owner.card());
        assert_eq!(biller.member().card, *t.biller.card());
        assert_eq!(biller.accounts(), roster.accounts());
        assert_eq!(biller.archive(), t.archive.entry());
        assert!(biller.check_sender(t.biller.card(), T0).is_ok());
        assert!(biller.check_sender(t.biller.card(), T0 + 999).is_ok());
        assert_eq!(
            biller.check_sender(t.biller.card(), T0 + 1000),
            Err(Error::MembershipExpired)
        );
        assert_eq!(
            biller.check_sender(t.biller.card(), T0 - 1),
            Err(Error::MembershipNotYetValid)
        );
        assert_eq!(
            biller.check_sender(t.accountant.card(), T0),
            Err(Error::NotAMember)
        );
        let accountant = roster
            .membership(&t.owner, &t.accountant.fingerprint())
            .unwrap();
        assert_eq!(
            accountant.check_sender(t.accountant.card(), T0),
            Err(Error::RoleCannotSend)
        );
        let owner = roster.membership(&t.owner, &t.owner.fingerprint()).unwrap();
        let owner = Membership::verify(owner.to_bytes()).unwrap();
        assert_eq!(owner.member().role, Role::Owner);
        assert!(owner.check_sender(t.owner.card(), 0).is_ok());

        let stranger = Identity::generate("Eve").unwrap();
        assert_eq!(
            roster
                .membership(&t.owner, &stranger.fingerprint())
                .unwrap_err(),
            Error::NotAMember
        );
        assert!(matches!(
            roster.membership(&t.biller, &t.biller.fingerprint()),
            Err(Error::InvalidInput(_))
        ));
        // A membership whose member claims the role owner is refused.
        let mut forged = signed.clone();
        forged.member.role = Role::Owner;
        let forged = sign(&t.owner, forged.encode().unwrap());
        assert!(matches!(
            Membership::verify(&forged),
            Err(Error::Malformed(_))
        ));
    }

    #[test]
    fn the_archive_key_opens_for_its_readers_only_and_rotates() {
        let t = team();
        let outsider = Identity::generate("Eve").unwrap();
        let readers = [t.biller.card().clone(), t.accountant.card().clone()];
        let sealed = seal_archive_key(&t.owner, &t.archive, &readers).unwrap();
        let entry = t.archive.entry();
        for reader in [&t.owner, &t.biller, &t.accountant] {
            let key = open_archive_key(reader, &sealed, &entry).unwrap();
            assert_eq!(key.entry(), entry);
        }
        assert_eq!(
            open_archive_key(&outsider, &sealed, &entry).unwrap_err(),
            Error::NoMatch
        );
        // The accountant is removed: a new key, epoch 1, sealed to the rest only.
        let rotated = ArchiveKey::generate(1);
        let sealed = seal_archive_key(&t.owner, &rotated, &readers[..1]).unwrap();
        assert!(open_archive_key(&t.biller, &sealed, &rotated.entry()).is_ok());
        assert_eq!(
            open_archive_key(&t.accountant, &sealed, &rotated.entry()).unwrap_err(),
            Error::NoMatch
        );
        // A key the roster does not name (here the old one) is refused.
        assert!(matches!(
            open_archive_key(&t.biller, &sealed, &entry),
            Err(Error::Malformed(_))
        ));
        let debug = format!("{rotated:?}");
        assert!(debug.contains("REDACTED"));
        assert!(!debug.contains(rotated.identity().to_bech32().as_str()));
    }

    #[test]
    fn ibans_are_checked_by_mod_97() {
        for good in [
            "DE89370400440532013000",
            "GB82WEST12345698765432",
            "NO9386011117947",
            "FR1420041010050500013M02606",
        ] {
            assert!(is_iban(good), "{good}");
        }
        assert_eq!(
            normalize_iban(" fr14 2004 1010 0505 0001 3m02 606").unwrap(),
            "FR1420041010050500013M02606"
        );
        for bad in [
            "",
            "DE89",
            "DE8937040044053201300",
            "89DE370400440532013000",
            "DE893704004405320130000000000000000",
            "DEAB370400440532013000",
        ] {
            assert!(!is_iban(bad), "{bad}");
        }
    }
}
