//! Teams (SPEC §3.8): invitations and join requests, the owner-signed roster and memberships,
//! and the workspace archive key.
//!
//! The owner invites (`identity.teamInvitation(role)`), the member answers with a join request
//! (`identity.joinTeam(invitation)`), the owner reads it (`identity.readJoinRequest(text)`),
//! compares the fingerprint with the member and lists them in a roster it signs
//! (`identity.signRoster(draft)`), then signs each member's membership
//! (`identity.signMembership(roster, fingerprint)`). The archive key is an `ArchiveKey` handle:
//! its secret stays in wasm memory, and leaves it only sealed in an archive-key file.

use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use sealbill::{
    open_archive, open_archive_key, seal_archive_key, ArchiveEntry, ArchiveKey, Card, Error,
    Fingerprint, JoinRequest, Member, Membership, Role, Roster, RosterDraft, TeamInvitation,
    MEMBERSHIP_CONTEXT, ROSTER_CONTEXT,
};

use crate::errors::{js_error, JsResult};
use crate::identity::JsIdentity;
use crate::options::{decode, now_seconds, OpenOptions};
use crate::results::{encode, Opened, Sender};

/// A member's role: `owner` (the business itself), `biller` (sends) or `accountant` (reads).
#[derive(Tsify, Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TeamRole {
    /// The business itself: manages the team and the accounts; sends; reads.
    Owner,
    /// Creates and sends invoices; reads the archive.
    Biller,
    /// Reads the archive; cannot send.
    Accountant,
}

impl From<TeamRole> for Role {
    fn from(role: TeamRole) -> Role {
        match role {
            TeamRole::Owner => Role::Owner,
            TeamRole::Biller => Role::Biller,
            TeamRole::Accountant => Role::Accountant,
        }
    }
}

impl From<Role> for TeamRole {
    fn from(role: Role) -> TeamRole {
        match role {
            Role::Owner => TeamRole::Owner,
            Role::Biller => TeamRole::Biller,
            Role::Accountant => TeamRole::Accountant,
        }
    }
}

/// What an invitation offers, after the owner's signature checked.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamInvitationInfo {
    /// The business: compare its fingerprint with the owner before joining.
    pub owner: Sender,
    /// The owner's signing key in unpadded base64url, as the relay's `?owner=` names it.
    pub owner_key: String,
    /// The role offered.
    pub role: TeamRole,
    /// When the owner made it, in seconds since the Unix epoch.
    pub issued: u64,
}

impl TeamInvitationInfo {
    fn of(invitation: &TeamInvitation) -> TeamInvitationInfo {
        TeamInvitationInfo {
            owner: Sender::of(invitation.owner()),
            owner_key: invitation.owner().relay_key(),
            role: invitation.role().into(),
            issued: invitation.issued(),
        }
    }
}

/// A join request, after both signatures checked and it proved to answer this owner's
/// invitation.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequestInfo {
    /// Who asks to join: compare this fingerprint with them before accepting.
    pub member: Sender,
    /// The role of the invitation it answers.
    pub role: TeamRole,
    /// When the invitation was made, in seconds since the Unix epoch.
    pub invited: u64,
}

/// One member of a roster or a membership.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    /// The display name on the member's own card.
    pub name: String,
    /// The fingerprint of the member's card.
    pub fingerprint: String,
    /// The member's card (`sealbill-card:…`).
    pub card: String,
    /// The member's `age1…` recipient.
    pub recipient: String,
    /// What the member may do.
    pub role: TeamRole,
    /// The first second (since the Unix epoch) at which the membership holds.
    pub valid_from: u64,
    /// The first second at which it no longer holds; 0 for no end.
    pub valid_until: u64,
}

impl TeamMember {
    fn of(member: &Member) -> TeamMember {
        let Sender {
            name,
            fingerprint,
            card,
            recipient,
        } = Sender::of(&member.card);
        TeamMember {
            name,
            fingerprint,
            card,
            recipient,
            role: member.role.into(),
            valid_from: member.valid_from,
            valid_until: member.valid_until,
        }
    }
}

/// The archive key a roster names: envelopes of the team are sealed to `recipient`.
#[derive(Tsify, Serialize, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ArchiveInfo {
    /// 0 for the first key, one more at each rotation.
    pub epoch: u32,
    /// The key's `age1…` recipient.
    pub recipient: String,
}

impl ArchiveInfo {
    fn of(entry: ArchiveEntry) -> ArchiveInfo {
        ArchiveInfo {
            epoch: entry.epoch,
            recipient: entry.recipient.to_string(),
        }
    }
}

/// A verified roster.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RosterInfo {
    /// Higher is newer.
    pub version: u64,
    /// When the owner signed it, in seconds since the Unix epoch.
    pub issued: u64,
    /// The business.
    pub owner: Sender,
    /// The owner's signing key in unpadded base64url, as the relay's `?owner=` names it.
    pub owner_key: String,
    /// The members, the owner not among them, in fingerprint order.
    pub members: Vec<TeamMember>,
    /// The payment accounts invoices may name (normalized IBANs).
    pub accounts: Vec<String>,
    /// The current archive key.
    pub archive: ArchiveInfo,
}

/// A verified membership: what the member's envelopes carry.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipInfo {
    /// The version of the roster it was taken from.
    pub version: u64,
    /// When the owner signed that roster, in seconds since the Unix epoch.
    pub issued: u64,
    /// The business.
    pub owner: Sender,
    /// The owner's signing key in unpadded base64url, as the relay's `?owner=` names it.
    pub owner_key: String,
    /// The member (the owner itself, with the role owner, for the owner's own membership).
    pub member: TeamMember,
    /// The payment accounts invoices may name (normalized IBANs).
    pub accounts: Vec<String>,
    /// The archive key of that roster.
    pub archive: ArchiveInfo,
}

/// A member of a roster draft.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DraftMember {
    /// The member's card (`sealbill-card:…`), as their join request gave it.
    pub card: String,
    /// `biller` or `accountant`.
    pub role: TeamRole,
    /// The first second at which the membership holds; defaults to 0.
    #[tsify(optional)]
    pub valid_from: Option<u64>,
    /// The first second at which it no longer holds; 0 (the default) for no end.
    #[tsify(optional)]
    pub valid_until: Option<u64>,
}

/// What the owner signs as a roster: members in any order, accounts as typed.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RosterDraftInput {
    /// 1 for the first roster, strictly more for each new one.
    pub version: u64,
    /// Seconds since the Unix epoch; defaults to now.
    #[tsify(optional)]
    pub issued: Option<u64>,
    /// The members, the owner not among them.
    pub members: Vec<DraftMember>,
    /// The IBANs invoices may name (at most 8); spaces and case are normalized.
    pub accounts: Vec<String>,
    /// The current archive key (`archiveKey.epoch`, `archiveKey.recipient`).
    pub archive: ArchiveInfo,
}

/// What to check of a membership beyond its signature and rules.
#[derive(Tsify, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MembershipCheck {
    /// The fingerprint the business (the owner) must have: `UNEXPECTED_SENDER` otherwise.
    #[tsify(optional)]
    pub expect_owner: Option<String>,
    /// The fingerprint the member must have: `NOT_A_MEMBER` otherwise.
    #[tsify(optional)]
    pub expect_member: Option<String>,
    /// The newest roster version seen from this business: `STALE_ROSTER` if older.
    #[tsify(optional)]
    pub known_version: Option<u64>,
    /// IBANs that must all be among the membership's accounts: `ACCOUNT_NOT_ALLOWED`.
    #[tsify(optional)]
    pub accounts: Option<Vec<String>>,
}

fn fingerprint(text: &str) -> JsResult<Fingerprint> {
    text.parse::<Fingerprint>().map_err(js_error)
}

fn entry_of(archive: &ArchiveInfo) -> JsResult<ArchiveEntry> {
    Ok(ArchiveEntry {
        epoch: archive.epoch,
        recipient: archive.recipient.parse().map_err(js_error)?,
    })
}

#[wasm_bindgen(js_class = Identity)]
impl JsIdentity {
    /// As the owner: an invitation to join the team as `biller` or `accountant`
    /// (`sealbill-team-invitation:…`), to hand to the future member.
    #[wasm_bindgen(js_name = teamInvitation)]
    pub fn team_invitation(&self, role: Ts<TeamRole>) -> JsResult<String> {
        let role = Role::from(decode(role)?);
        TeamInvitation::new(&self.0, role, now_seconds())
            .map(|i| i.to_text())
            .map_err(js_error)
    }

    /// As a future member: the request to join (`sealbill-team-join:…`) that answers an
    /// invitation, signed with this identity, to send back to the owner.
    #[wasm_bindgen(js_name = joinTeam)]
    pub fn join_team(&self, invitation: &str) -> JsResult<String> {
        TeamInvitation::from_text(invitation)
            .and_then(|i| i.accept(&self.0))
            .map(|r| r.to_text())
            .map_err(js_error)
    }

    /// As the owner: reads a join request and checks that it answers an invitation of this
    /// identity (`UNEXPECTED_SENDER` otherwise).
    #[wasm_bindgen(js_name = readJoinRequest)]
    pub fn read_join_request(&self, text: &str) -> JsResult<Ts<JoinRequestInfo>> {
        let request = JoinRequest::from_text(text).map_err(js_error)?;
        request.check_owner(&self.0).map_err(js_error)?;
        encode(&JoinRequestInfo {
            member: Sender::of(request.member()),
            role: request.role().into(),
            invited: request.invitation().issued(),
        })
    }

    /// As the owner: checks a draft, puts it in canonical form (members sorted, IBANs
    /// normalized) and signs it. Returns the roster's bytes.
    #[wasm_bindgen(js_name = signRoster)]
    pub fn sign_roster(&self, draft: Ts<RosterDraftInput>) -> JsResult<Vec<u8>> {
        let d = decode(draft)?;
        let members = d
            .members
            .iter()
            .map(|m| {
                Ok(Member {
                    card: Card::from_text(&m.card).map_err(js_error)?,
                    role: m.role.into(),
                    valid_from: m.valid_from.unwrap_or(0),
                    valid_until: m.valid_until.unwrap_or(0),
                })
            })
            .collect::<JsResult<Vec<_>>>()?;
        RosterDraft {
            version: d.version,
            issued: d.issued.unwrap_or_else(now_seconds),
            members,
            accounts: d.accounts,
            archive: entry_of(&d.archive)?,
        }
        .sign(&self.0)
        .map(|r| r.to_bytes().to_vec())
        .map_err(js_error)
    }

    /// As the owner: signs the membership of the member with this fingerprint (or the owner's
    /// own, given the owner's fingerprint) from a roster this identity signed.
    #[wasm_bindgen(js_name = signMembership)]
    pub fn sign_membership(&self, roster: &[u8], member: &str) -> JsResult<Vec<u8>> {
        let roster = Roster::verify(roster, None).map_err(js_error)?;
        roster
            .membership(&self.0, &fingerprint(member)?)
            .map(|m| m.to_bytes().to_vec())
            .map_err(js_error)
    }
}

/// Reads an invitation and checks the owner's signature.
#[wasm_bindgen(js_name = readTeamInvitation)]
pub fn read_team_invitation_js(text: &str) -> JsResult<Ts<TeamInvitationInfo>> {
    let invitation = TeamInvitation::from_text(text).map_err(js_error)?;
    encode(&TeamInvitationInfo::of(&invitation))
}

/// Verifies a roster (signature, rules). With `known`, the roster already held: the new one
/// must be the same business's (`UNEXPECTED_SENDER`) and newer, or the same bytes
/// (`STALE_ROSTER`).
#[wasm_bindgen(js_name = verifyRoster)]
pub fn verify_roster_js(roster: &[u8], known: Option<Vec<u8>>) -> JsResult<Ts<RosterInfo>> {
    let known = known
        .map(|k| Roster::verify(&k, None))
        .transpose()
        .map_err(js_error)?;
    let roster = Roster::verify(roster, known.as_ref()).map_err(js_error)?;
    encode(&RosterInfo {
        version: roster.version(),
        issued: roster.issued(),
        owner: Sender::of(roster.owner()),
        owner_key: roster.owner().relay_key(),
        members: roster.members().iter().map(TeamMember::of).collect(),
        accounts: roster.accounts().to_vec(),
        archive: ArchiveInfo::of(roster.archive()),
    })
}

/// Verifies a membership (signature, rules) and what `check` asks: the business, the member,
/// that it is not older than a version seen (`STALE_ROSTER`), that accounts are allowed
/// (`ACCOUNT_NOT_ALLOWED`).
#[wasm_bindgen(js_name = verifyMembership)]
pub fn verify_membership_js(
    membership: &[u8],
    check: Option<Ts<MembershipCheck>>,
) -> JsResult<Ts<MembershipInfo>> {
    let check = check.map(decode).transpose()?.unwrap_or_default();
    let m = Membership::verify(membership).map_err(js_error)?;
    if let Some(owner) = &check.expect_owner {
        if fingerprint(owner)? != m.owner().fingerprint() {
            return Err(js_error(Error::UnexpectedSender));
        }
    }
    if let Some(member) = &check.expect_member {
        if fingerprint(member)? != m.member().card.fingerprint() {
            return Err(js_error(Error::NotAMember));
        }
    }
    if let Some(known) = check.known_version {
        m.check_current(known).map_err(js_error)?;
    }
    if let Some(accounts) = &check.accounts {
        let accounts: Vec<&str> = accounts.iter().map(String::as_str).collect();
        m.check_accounts(&accounts).map_err(js_error)?;
    }
    encode(&MembershipInfo {
        version: m.version(),
        issued: m.issued(),
        owner: Sender::of(m.owner()),
        owner_key: m.owner().relay_key(),
        member: TeamMember::of(m.member()),
        accounts: m.accounts().to_vec(),
        archive: ArchiveInfo::of(m.archive()),
    })
}

/// The archive entry a verified roster or membership names (told apart by their context
/// strings).
fn signed_entry(signed: &[u8]) -> JsResult<ArchiveEntry> {
    let starts = |context: &str| signed.get(2..2 + context.len()) == Some(context.as_bytes());
    if starts(ROSTER_CONTEXT) {
        Roster::verify(signed, None)
            .map(|r| r.archive())
            .map_err(js_error)
    } else if starts(MEMBERSHIP_CONTEXT) {
        Membership::verify(signed)
            .map(|m| m.archive())
            .map_err(js_error)
    } else {
        Err(js_error(Error::Malformed(
            "expected a team roster or membership",
        )))
    }
}

/// A team's workspace archive key. Its secret stays in wasm memory: it leaves only sealed in
/// an archive-key file (`sealFor`). Call `free()` to wipe it.
#[wasm_bindgen(js_name = ArchiveKey)]
pub struct JsArchiveKey(ArchiveKey);

#[wasm_bindgen(js_class = ArchiveKey)]
impl JsArchiveKey {
    /// A fresh random key for `epoch` (0 first, one more at each rotation).
    pub fn generate(epoch: u32) -> JsArchiveKey {
        JsArchiveKey(ArchiveKey::generate(epoch))
    }

    /// The epoch.
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.0.entry().epoch
    }

    /// The `age1…` recipient: what a roster's `archive.recipient` names.
    #[wasm_bindgen(getter)]
    pub fn recipient(&self) -> String {
        self.0.entry().recipient.to_string()
    }

    /// As the owner: the archive-key file, sealed to the owner and each reader's card.
    #[wasm_bindgen(js_name = sealFor)]
    pub fn seal_for(&self, owner: &JsIdentity, readers: Vec<String>) -> JsResult<Vec<u8>> {
        let readers = readers
            .iter()
            .map(|c| Card::from_text(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(js_error)?;
        seal_archive_key(&owner.0, &self.0, &readers).map_err(js_error)
    }

    /// Opens an archive-key file with a reader's identity, and checks that it holds the key
    /// that `signed` (a roster or a membership, verified here) names: `MALFORMED` otherwise,
    /// `WRONG_KEY` when it is not sealed to this reader.
    pub fn open(reader: &JsIdentity, file: &[u8], signed: &[u8]) -> JsResult<JsArchiveKey> {
        let entry = signed_entry(signed)?;
        open_archive_key(&reader.0, file, &entry)
            .map(JsArchiveKey)
            .map_err(js_error)
    }
}

/// Opens a team envelope as a reader of the team's archive, like `open` with an identity:
/// `files` are the archive-key files of every epoch the relay gave this member, and the key
/// that opens the envelope must be the one its own owner-signed membership names (`MALFORMED`
/// otherwise; `WRONG_KEY` when none of them opens it).
#[wasm_bindgen(js_name = openArchive)]
pub fn open_archive_js(
    reader: &JsIdentity,
    files: Vec<Uint8Array>,
    envelope: &[u8],
    options: Option<Ts<OpenOptions>>,
) -> JsResult<Ts<Opened>> {
    let plan = OpenOptions::plan_for_keys(
        options,
        "a passphrase opens links only; an archive key needs none",
    )?;
    let files: Vec<Vec<u8>> = files.iter().map(Uint8Array::to_vec).collect();
    let files: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    let opened =
        open_archive(&reader.0, &files, envelope, plan.expect.as_ref()).map_err(js_error)?;
    Opened::from_verified(&opened.manifest, &opened.open_proof, Some(opened.documents))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use js_sys::{Reflect, JSON};
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const IBAN: &str = "DE89 3704 0044 0532 0130 00";

    fn json<T: Tsify>(text: &str) -> Ts<T> {
        Ts::new_unchecked(JSON::parse(text).expect("test JSON"))
    }

    fn get(value: &JsValue, path: &str) -> JsValue {
        path.split('.').fold(value.clone(), |v, key| {
            Reflect::get(&v, &key.into()).expect("property")
        })
    }

    fn text(value: &JsValue, path: &str) -> String {
        get(value, path).as_string().expect("a string")
    }

    fn code<T>(result: JsResult<T>) -> String {
        match result {
            Ok(_) => "OK".into(),
            Err(e) => get(&e, "code").as_string().expect("error code"),
        }
    }

    struct Team {
        owner: JsIdentity,
        biller: JsIdentity,
        accountant: JsIdentity,
        archive: JsArchiveKey,
    }

    fn team() -> Team {
        Team {
            owner: JsIdentity::generate("Acme GmbH").unwrap(),
            biller: JsIdentity::generate("Bea Biller").unwrap(),
            accountant: JsIdentity::generate("Carl Counts").unwrap(),
            archive: JsArchiveKey::generate(0),
        }
    }

    fn draft(t: &Team, version: u64, accountant: bool) -> Ts<RosterDraftInput> {
        let mut members = vec![format!(
            r#"{{"card":"{}","role":"biller","validFrom":1700000000}}"#,
            t.biller.card()
        )];
        if accountant {
            members.push(format!(
                r#"{{"card":"{}","role":"accountant"}}"#,
                t.accountant.card()
            ));
        }
        json(&format!(
            r#"{{"version":{version},"issued":1800000000,"members":[{}],"accounts":["{IBAN}"],
                "archive":{{"epoch":{},"recipient":"{}"}}}}"#,
            members.join(","),
            t.archive.epoch(),
            t.archive.recipient()
        ))
    }

    #[wasm_bindgen_test]
    fn an_invitation_is_answered_and_read_by_its_owner_only() {
        let t = team();
        let invitation = t.owner.team_invitation(json(r#""biller""#)).unwrap();
        assert!(invitation.starts_with("sealbill-team-invitation:"));
        let info = read_team_invitation_js(&invitation).unwrap().js_value();
        assert_eq!(text(&info, "owner.fingerprint"), t.owner.fingerprint());
        assert_eq!(text(&info, "role"), "biller");
        assert_eq!(text(&info, "ownerKey").len(), 43);
        let request = t.biller.join_team(&invitation).unwrap();
        assert!(request.starts_with("sealbill-team-join:"));
        let read = t.owner.read_join_request(&request).unwrap().js_value();
        assert_eq!(text(&read, "member.fingerprint"), t.biller.fingerprint());
        assert_eq!(text(&read, "member.name"), "Bea Biller");
        assert_eq!(text(&read, "role"), "biller");
        let stranger = JsIdentity::generate("Acme GmbH").unwrap();
        assert_eq!(
            code(stranger.read_join_request(&request)),
            "UNEXPECTED_SENDER"
        );
        assert_eq!(code(t.owner.join_team(&invitation)), "INVALID_INPUT");
        assert_eq!(
            code(t.owner.team_invitation(json(r#""owner""#))),
            "INVALID_INPUT"
        );
        assert_eq!(
            code(t.owner.team_invitation(json(r#""boss""#))),
            "INVALID_INPUT"
        );
        assert_eq!(
            code(read_team_invitation_js("sealbill-team-invitation:AAAA")),
            "MALFORMED"
        );
        assert_eq!(code(t.owner.read_join_request(&invitation)), "MALFORMED");
    }

    #[wasm_bindgen_test]
    fn rosters_and_memberships_are_signed_checked_and_never_rolled_back() {
        let t = team();
        let v1 = t.owner.sign_roster(draft(&t, 1, true)).unwrap();
        let v2 = t.owner.sign_roster(draft(&t, 2, false)).unwrap();
        let info = verify_roster_js(&v2, Some(v1.clone())).unwrap().js_value();
        assert_eq!(get(&info, "version").as_f64(), Some(2.0));
        assert_eq!(text(&info, "accounts.0"), "DE89370400440532013000");
        assert_eq!(text(&info, "members.0.role"), "biller");
        assert_eq!(text(&info, "archive.recipient"), t.archive.recipient());
        assert_eq!(
            code(verify_roster_js(&v1, Some(v2.clone()))),
            "STALE_ROSTER"
        );
        let stranger = JsIdentity::generate("Acme GmbH").unwrap();
        let foreign = stranger.sign_roster(draft(&t, 3, true)).unwrap();
        assert_eq!(
            code(verify_roster_js(&foreign, Some(v2.clone()))),
            "UNEXPECTED_SENDER"
        );
        assert_eq!(
            code(t.biller.sign_roster(draft(&t, 3, true))),
            "INVALID_INPUT"
        );
        assert_eq!(
            code(t.owner.sign_roster(json(
                r#"{"version":1,"members":[],"accounts":[],"archive":{"epoch":0,"recipient":"x"}}"#
            ))),
            "MALFORMED"
        );

        let biller = t
            .owner
            .sign_membership(&v2, &t.biller.fingerprint())
            .unwrap();
        assert_eq!(
            code(t.owner.sign_membership(&v2, &t.accountant.fingerprint())),
            "NOT_A_MEMBER"
        );
        let check = |extra: &str| {
            code(verify_membership_js(
                &biller,
                Some(json(&format!(
                    r#"{{"expectOwner":"{}"{extra}}}"#,
                    t.owner.fingerprint()
                ))),
            ))
        };
        assert_eq!(check(""), "OK");
        assert_eq!(check(r#","knownVersion":2"#), "OK");
        assert_eq!(check(r#","knownVersion":3"#), "STALE_ROSTER");
        assert_eq!(check(&format!(r#","accounts":["{IBAN}"]"#)), "OK");
        assert_eq!(
            check(r#","accounts":["GB82WEST12345698765432"]"#),
            "ACCOUNT_NOT_ALLOWED"
        );
        assert_eq!(
            check(&format!(
                r#","expectMember":"{}""#,
                t.accountant.fingerprint()
            )),
            "NOT_A_MEMBER"
        );
        let info = verify_membership_js(&biller, None).unwrap().js_value();
        assert_eq!(text(&info, "member.role"), "biller");
        assert_eq!(get(&info, "member.validFrom").as_f64(), Some(1.7e9));
        let own = t
            .owner
            .sign_membership(&v2, &t.owner.fingerprint())
            .unwrap();
        let info = verify_membership_js(&own, None).unwrap().js_value();
        assert_eq!(text(&info, "member.role"), "owner");
        let stranger = JsIdentity::generate("Eve").unwrap();
        assert_eq!(
            code(verify_membership_js(
                &biller,
                Some(json(&format!(
                    r#"{{"expectOwner":"{}"}}"#,
                    stranger.fingerprint()
                )))
            )),
            "UNEXPECTED_SENDER"
        );
        let mut bad = biller.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(code(verify_membership_js(&bad, None)), "BAD_SIGNATURE");
        assert_eq!(code(verify_roster_js(&biller, None)), "MALFORMED");
    }

    #[wasm_bindgen_test]
    fn the_archive_key_opens_for_readers_and_reads_team_envelopes() {
        let t = team();
        let roster = t.owner.sign_roster(draft(&t, 1, true)).unwrap();
        let readers = vec![t.biller.card(), t.accountant.card()];
        let file = t.archive.seal_for(&t.owner, readers).unwrap();
        let membership = t
            .owner
            .sign_membership(&roster, &t.accountant.fingerprint())
            .unwrap();
        let key = JsArchiveKey::open(&t.accountant, &file, &membership).unwrap();
        assert_eq!(key.recipient(), t.archive.recipient());
        assert!(JsArchiveKey::open(&t.owner, &file, &roster).is_ok());
        let outsider = JsIdentity::generate("Eve").unwrap();
        assert_eq!(
            code(JsArchiveKey::open(&outsider, &file, &roster)),
            "WRONG_KEY"
        );
        // A key the roster does not name is refused.
        let other = JsArchiveKey::generate(0);
        let forged = other.seal_for(&t.owner, vec![t.accountant.card()]).unwrap();
        assert_eq!(
            code(JsArchiveKey::open(&t.accountant, &forged, &membership)),
            "MALFORMED"
        );
        assert_eq!(
            code(JsArchiveKey::open(&t.accountant, &file, b"junk")),
            "MALFORMED"
        );

        // A biller's envelope, sealed with its membership, opens with the archive key.
        let biller = Membership::verify(
            &t.owner
                .sign_membership(&roster, &t.biller.fingerprint())
                .unwrap(),
        )
        .unwrap();
        let client = JsIdentity::generate("Client SARL").unwrap();
        let documents = [sealbill::Document {
            name: "invoice.xml".into(),
            media_type: "application/xml".into(),
            data: b"<Invoice/>".to_vec(),
        }];
        let options = sealbill::SealOptions {
            recipients: vec![client.0.recipient()],
            membership: Some(biller),
            ..sealbill::SealOptions::new("INV-1", 1_800_000_000)
        };
        let envelope = sealbill::seal(&t.biller.0, &documents, &options)
            .unwrap()
            .envelope;
        let pin = json(&format!(
            r#"{{"expectSender":"{}"}}"#,
            t.owner.fingerprint()
        ));
        let files = || vec![Uint8Array::from(&file[..])];
        let opened = open_archive_js(&t.accountant, files(), &envelope, Some(pin))
            .unwrap()
            .js_value();
        assert_eq!(text(&opened, "sender.fingerprint"), t.biller.fingerprint());
        assert_eq!(text(&opened, "invoiceId"), "INV-1");
        let wrong = json(&format!(
            r#"{{"expectSender":"{}"}}"#,
            t.biller.fingerprint()
        ));
        assert_eq!(
            code(open_archive_js(
                &t.accountant,
                files(),
                &envelope,
                Some(wrong)
            )),
            "UNEXPECTED_SENDER"
        );
        // The client holds no archive key; a key nobody named for the team opens nothing.
        assert_eq!(
            code(open_archive_js(&client, files(), &envelope, None)),
            "WRONG_KEY"
        );
        let stray = vec![Uint8Array::from(&forged[..])];
        assert_eq!(
            code(open_archive_js(&t.accountant, stray, &envelope, None)),
            "WRONG_KEY"
        );
    }
}
