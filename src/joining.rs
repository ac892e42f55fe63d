//! Joining a team (SPEC §3.8): the owner's signed invitation to a role, and the member's
//! signed request to join that answers it. The owner accepts a request only after comparing
//! the member's fingerprint with them, then lists the member in a new roster.

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::card::Card;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::roster::{sign, split_signed, Role};
use crate::wire::Writer;

/// The context string that starts every invitation, and so its signature.
pub const TEAM_INVITATION_CONTEXT: &str = "sealbill/team-invitation/v1";
/// The context string that starts every join request, and so its signature.
pub const JOIN_REQUEST_CONTEXT: &str = "sealbill/team-join/v1";
/// The text form of an invitation starts with this.
pub const TEAM_INVITATION_PREFIX: &str = "sealbill-team-invitation:";
/// The text form of a join request starts with this.
pub const JOIN_REQUEST_PREFIX: &str = "sealbill-team-join:";
/// The longest invitation, signature included.
const MAX_INVITATION_LEN: usize = 1024;
/// The longest join request, signature included.
const MAX_JOIN_REQUEST_LEN: usize = 2048;

/// The owner's signed offer of a role in the team (SPEC §3.8).
#[derive(Clone, PartialEq, Eq)]
pub struct TeamInvitation {
    owner: Card,
    role: Role,
    issued: u64,
    bytes: Vec<u8>,
}

impl TeamInvitation {
    /// Signs an invitation to `role` (biller or accountant), made at `issued` (seconds since
    /// the Unix epoch).
    pub fn new(owner: &Identity, role: Role, issued: u64) -> Result<TeamInvitation> {
        if role == Role::Owner {
            return Err(Error::InvalidInput(
                "a member is invited as a biller or an accountant",
            ));
        }
        let mut w = Writer::default();
        w.bytes16(TEAM_INVITATION_CONTEXT.as_bytes())?;
        w.bytes16(&owner.card().to_bytes())?;
        w.u8(role.to_byte());
        w.u64(issued);
        Ok(TeamInvitation {
            owner: owner.card().clone(),
            role,
            issued,
            bytes: sign(owner, w),
        })
    }

    /// Parses an invitation and checks the owner's signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<TeamInvitation> {
        let what = "invalid team invitation";
        let (mut r, signed, signature) =
            split_signed(bytes, MAX_INVITATION_LEN, TEAM_INVITATION_CONTEXT, what)?;
        let owner = Card::from_bytes(r.bytes16()?)?;
        let role = Role::from_byte(r.u8()?)
            .filter(|role| *role != Role::Owner)
            .ok_or(Error::Malformed(what))?;
        let issued = r.u64()?;
        r.finish()?;
        owner
            .verifying_key()
            .verify_strict(signed, &signature)
            .map_err(|_| Error::BadSignature)?;
        Ok(TeamInvitation {
            owner,
            role,
            issued,
            bytes: bytes.to_vec(),
        })
    }

    /// The text form: `sealbill-team-invitation:` and the base64url encoding.
    pub fn to_text(&self) -> String {
        format!(
            "{TEAM_INVITATION_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(&self.bytes)
        )
    }

    /// Parses the text form.
    pub fn from_text(text: &str) -> Result<TeamInvitation> {
        TeamInvitation::from_bytes(&from_text(
            text,
            TEAM_INVITATION_PREFIX,
            MAX_INVITATION_LEN,
            "not a team invitation (expected sealbill-team-invitation:…)",
        )?)
    }

    /// The business's card: the owner who invites.
    pub fn owner(&self) -> &Card {
        &self.owner
    }

    /// The role offered.
    pub fn role(&self) -> Role {
        self.role
    }

    /// When the owner made it, in seconds since the Unix epoch.
    pub fn issued(&self) -> u64 {
        self.issued
    }

    /// The member's answer: a request to join, signed with the member's own key.
    pub fn accept(&self, member: &Identity) -> Result<JoinRequest> {
        if member.fingerprint() == self.owner.fingerprint() {
            return Err(Error::InvalidInput(
                "the owner is not a member of its own team",
            ));
        }
        let mut w = Writer::default();
        w.bytes16(JOIN_REQUEST_CONTEXT.as_bytes())?;
        w.bytes16(&self.bytes)?;
        w.bytes16(&member.card().to_bytes())?;
        Ok(JoinRequest {
            invitation: self.clone(),
            member: member.card().clone(),
            bytes: sign(member, w),
        })
    }
}

impl fmt::Debug for TeamInvitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamInvitation")
            .field("owner", &self.owner)
            .field("role", &self.role)
            .field("issued", &self.issued)
            .finish()
    }
}

/// A member's signed request to join, answering an owner's invitation (SPEC §3.8).
#[derive(Clone, PartialEq, Eq)]
pub struct JoinRequest {
    invitation: TeamInvitation,
    member: Card,
    bytes: Vec<u8>,
}

impl JoinRequest {
    /// Parses a join request and checks both signatures: the owner's on the invitation and
    /// the member's on the request.
    pub fn from_bytes(bytes: &[u8]) -> Result<JoinRequest> {
        let (mut r, signed, signature) = split_signed(
            bytes,
            MAX_JOIN_REQUEST_LEN,
            JOIN_REQUEST_CONTEXT,
            "invalid join request",
        )?;
        let invitation = TeamInvitation::from_bytes(r.bytes16()?)?;
        let member = Card::from_bytes(r.bytes16()?)?;
        r.finish()?;
        member
            .verifying_key()
            .verify_strict(signed, &signature)
            .map_err(|_| Error::BadSignature)?;
        if member.fingerprint() == invitation.owner.fingerprint() {
            return Err(Error::Malformed(
                "the owner is not a member of its own team",
            ));
        }
        Ok(JoinRequest {
            invitation,
            member,
            bytes: bytes.to_vec(),
        })
    }

    /// The text form: `sealbill-team-join:` and the base64url encoding.
    pub fn to_text(&self) -> String {
        format!(
            "{JOIN_REQUEST_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(&self.bytes)
        )
    }

    /// Parses the text form.
    pub fn from_text(text: &str) -> Result<JoinRequest> {
        JoinRequest::from_bytes(&from_text(
            text,
            JOIN_REQUEST_PREFIX,
            MAX_JOIN_REQUEST_LEN,
            "not a request to join a team (expected sealbill-team-join:…)",
        )?)
    }

    /// The invitation it answers.
    pub fn invitation(&self) -> &TeamInvitation {
        &self.invitation
    }

    /// The member's card, whose fingerprint the owner compares with the member.
    pub fn member(&self) -> &Card {
        &self.member
    }

    /// The role of the invitation.
    pub fn role(&self) -> Role {
        self.invitation.role
    }

    /// Whether the invitation is `owner`'s own (`UNEXPECTED_SENDER` if another business's).
    pub fn check_owner(&self, owner: &Identity) -> Result<()> {
        if self.invitation.owner != *owner.card() {
            return Err(Error::UnexpectedSender);
        }
        Ok(())
    }
}

impl fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinRequest")
            .field("invitation", &self.invitation)
            .field("member", &self.member)
            .finish()
    }
}

/// The bytes of a text form: `prefix` then base64url, with surrounding white space allowed.
fn from_text(text: &str, prefix: &str, max: usize, what: &'static str) -> Result<Vec<u8>> {
    let b64 = text
        .trim()
        .strip_prefix(prefix)
        .ok_or(Error::Malformed(what))?;
    if b64.len() > max.div_ceil(3) * 4 {
        return Err(Error::LimitExceeded(what));
    }
    URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| Error::Malformed(what))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_invitation_is_answered_by_a_join_request() {
        let owner = Identity::generate("Acme GmbH").unwrap();
        let member = Identity::generate("Bea Biller").unwrap();
        let invitation = TeamInvitation::new(&owner, Role::Biller, 1_795_000_000).unwrap();
        let read = TeamInvitation::from_text(&invitation.to_text()).unwrap();
        assert_eq!(read, invitation);
        let request = read.accept(&member).unwrap();
        let read = JoinRequest::from_text(&format!("  {}\n", request.to_text())).unwrap();
        assert_eq!(read, request);
        assert_eq!(read.member(), member.card());
        assert_eq!(read.role(), Role::Biller);
        read.check_owner(&owner).unwrap();
        let other = Identity::generate("Other").unwrap();
        assert_eq!(read.check_owner(&other), Err(Error::UnexpectedSender));
    }

    #[test]
    fn forged_and_odd_texts_are_refused() {
        let owner = Identity::generate("Acme GmbH").unwrap();
        let member = Identity::generate("Bea").unwrap();
        assert_eq!(
            TeamInvitation::new(&owner, Role::Owner, 1).map(|_| ()),
            Err(Error::InvalidInput(
                "a member is invited as a biller or an accountant"
            ))
        );
        let invitation = TeamInvitation::new(&owner, Role::Accountant, 1).unwrap();
        assert!(invitation.accept(&owner).is_err());
        let mut bytes = invitation.bytes.clone();
        // The role byte sits before the 8-byte time and the 64-byte signature.
        let role_at = bytes.len() - 64 - 8 - 1;
        bytes[role_at] = Role::Biller.to_byte();
        assert_eq!(TeamInvitation::from_bytes(&bytes), Err(Error::BadSignature));
        bytes[role_at] = Role::Owner.to_byte();
        assert!(matches!(
            TeamInvitation::from_bytes(&bytes),
            Err(Error::Malformed(_))
        ));
        let request = invitation.accept(&member).unwrap();
        let mut bytes = request.bytes.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(JoinRequest::from_bytes(&bytes), Err(Error::BadSignature));
        for text in [
            "",
            "sealbill-team-join:",
            "sealbill-team-join:!!",
            "sealbill-card:AAAA",
        ] {
            assert!(JoinRequest::from_text(text).is_err(), "{text}");
            assert!(TeamInvitation::from_text(text).is_err(), "{text}");
        }
        let long = format!("{JOIN_REQUEST_PREFIX}{}", "A".repeat(10_000));
        assert!(matches!(
            JoinRequest::from_text(&long),
            Err(Error::LimitExceeded(_))
        ));
        assert!(JoinRequest::from_text(&invitation.to_text()).is_err());
        assert!(TeamInvitation::from_text(&request.to_text()).is_err());
    }
}
