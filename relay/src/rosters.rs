//! Teams at the relay (SPEC §3.8): the owner stores its signed roster, members whose role may
//! send upload with their own signed requests (SPEC §6), and the owner may revoke what they
//! uploaded.
//!
//! The relay trusts the roster because its owner signed it and the owner's key is on the
//! allow-list, and it judges validity by its own clock.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sealbill::{Error, Member, Roster};
use serde_json::json;

use crate::api::{blocking, first_use, now, target_of, AppState, NOT_A_SENDER};
use crate::auth;
use crate::body;
use crate::errors::ApiError;
use crate::store::{Meta, NewRoster};

pub(crate) const NOT_THE_OWNER: ApiError = ApiError::new(
    StatusCode::FORBIDDEN,
    "NOT_THE_OWNER",
    "a roster is stored only by a request signed with its owner's key",
);
const STALE_ROSTER: ApiError = ApiError::new(
    StatusCode::CONFLICT,
    "STALE_ROSTER",
    "the relay holds a newer roster of this business (or another of the same version)",
);
const BAD_ROSTER: ApiError = ApiError::bad_request(
    "BAD_ROSTER",
    "the body is not a roster signed by its owner (SPEC §3.8)",
);
const NOT_THE_SENDER: ApiError = ApiError::new(
    StatusCode::FORBIDDEN,
    "NOT_THE_SENDER",
    "only the envelope's sender or the owner of its sender's team may revoke it",
);

/// The raw Ed25519 key of a roster's owner.
pub(crate) fn owner_key(roster: &Roster) -> [u8; 32] {
    roster.owner().verifying_key().to_bytes()
}

/// `POST /api/v1/rosters`: stores the owner-signed roster of the body, signed (SPEC §6) by
/// that owner, whose key must be on the allow-list (checked before the body is read). An
/// older roster, or another of the same version, is 409 `STALE_ROSTER`; the very same bytes
/// again are 200.
pub(crate) async fn post_roster(
    State(state): State<Arc<AppState>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    let now = now();
    let signed = auth::signature_header(&headers, &uri, now, &state.config)?;
    let signer = signed.key.to_bytes();
    let (registered, stored) = blocking(&state, move |s| {
        Ok((s.is_sender(&signer)?, s.roster(&signer)?))
    })
    .await?;
    if !registered {
        return Err(NOT_A_SENDER);
    }
    let body = body::read(request, sealbill::MAX_ROSTER_LEN).await?;
    auth::check_signature(&signed, "POST", target_of(&uri), &body)?;
    let roster = Roster::verify(&body, None).map_err(|_| BAD_ROSTER)?;
    let owner = owner_key(&roster);
    if signer != owner {
        return Err(NOT_THE_OWNER);
    }
    first_use(&state, &signed, now).await?;
    let known = stored.as_deref().map(reverify).transpose()?;
    Roster::verify(&body, known.as_ref()).map_err(|e| match e {
        Error::StaleRoster => STALE_ROSTER,
        _ => BAD_ROSTER,
    })?;
    let answer = json!({
        "owner": roster.owner().fingerprint().to_string(),
        "version": roster.version(),
        "members": roster.members().len(),
    });
    if stored.as_deref() == Some(&body[..]) {
        return Ok((StatusCode::OK, Json(answer)).into_response());
    }
    let new = NewRoster {
        owner_key: owner,
        bytes: body.to_vec(),
        members: roster
            .members()
            .iter()
            .map(|m| m.card.verifying_key().to_bytes())
            .collect(),
        stored_at: now,
    };
    if !blocking(&state, move |s| s.put_roster(stored.as_deref(), new)).await? {
        // Another roster of this owner was stored since it was read.
        return Err(STALE_ROSTER);
    }
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// A stored roster, parsed again: it was verified when stored, so one that no longer verifies
/// is a storage fault, logged (by its code only) and answered with 500.
pub(crate) fn reverify(bytes: &[u8]) -> Result<Roster, ApiError> {
    Roster::verify(bytes, None).map_err(|e| {
        tracing::error!(code = e.code(), "a stored roster does not verify");
        ApiError::internal()
    })
}

/// The member of `roster` with this key, as the core's error when it lists none.
fn member_of<'r>(roster: &'r Roster, key: &[u8; 32]) -> Result<&'r Member, Error> {
    roster
        .members()
        .iter()
        .find(|m| m.card.verifying_key().as_bytes() == key)
        .ok_or(Error::NotAMember)
}

/// Whether `member`'s validity holds at `now`, as the core's error.
fn holds_at(member: &Member, now: u64) -> Result<(), Error> {
    if now < member.valid_from {
        return Err(Error::MembershipNotYetValid);
    }
    if !member.is_valid_at(now) {
        return Err(Error::MembershipExpired);
    }
    Ok(())
}

/// Whether the member with this key may send under `roster` at `now` (SPEC §3.8), as the
/// core's error: not listed, a role that cannot send, not yet or no longer valid.
fn may_send(roster: &Roster, key: &[u8; 32], now: u64) -> Result<(), Error> {
    let member = member_of(roster, key)?;
    if !member.role.can_send() {
        return Err(Error::RoleCannotSend);
    }
    holds_at(member, now)
}

/// Whether the member with this key may read the team under `roster` at `now`: every role
/// reads, while listed and valid.
pub(crate) fn may_read(roster: &Roster, key: &[u8; 32], now: u64) -> Result<(), Error> {
    holds_at(member_of(roster, key)?, now)
}

/// The 403 for a member refused by [`may_send`] or [`may_read`], with the core's code.
pub(crate) fn refused(error: &Error) -> ApiError {
    let message = match error {
        Error::RoleCannotSend => "this member's role may not send invoices",
        Error::MembershipNotYetValid => "this membership is not valid yet",
        Error::MembershipExpired => "this membership has expired",
        _ => "this key is not a member in the team's current roster",
    };
    ApiError::new(StatusCode::FORBIDDEN, error.code(), message)
}

/// Who may upload with this key (from the signature header; the caller checks the signature
/// over the body after) at `now`: `None` for a sender on the allow-list, or the owner key of a team in whose stored roster the key is a member whose
/// role may send. A key that no roster of a registered owner ever listed is `NOT_A_SENDER`;
/// one that was listed but may not send now gets the core's code (the first team's, if
/// several refuse).
pub(crate) async fn authorise_upload(
    state: &Arc<AppState>,
    key: [u8; 32],
    now: u64,
) -> Result<Option<[u8; 32]>, ApiError> {
    let rosters = blocking(state, move |s| {
        if s.is_sender(&key)? {
            return Ok(None);
        }
        // Parsed here, off the async threads; one that no longer verifies grants nothing.
        let stored = s.rosters_of_member(&key)?;
        Ok(Some(
            stored
                .iter()
                .filter_map(|bytes| reverify(bytes).ok())
                .collect::<Vec<Roster>>(),
        ))
    })
    .await?;
    let Some(rosters) = rosters else {
        return Ok(None);
    };
    let mut first_refusal = None;
    for roster in &rosters {
        match may_send(roster, &key, now) {
            Ok(()) => return Ok(Some(owner_key(roster))),
            Err(e) => {
                first_refusal.get_or_insert(e);
            }
        }
    }
    Err(first_refusal.as_ref().map_or(NOT_A_SENDER, refused))
}

/// Checks a revocation signed (SPEC §6) instead of carrying the manage token: the signer is
/// the envelope's uploader or the owner of the team through which it was uploaded.
pub(crate) async fn check_revoker(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    meta: &Meta,
) -> Result<(), ApiError> {
    let now = now();
    let signed = auth::signature_header(headers, uri, now, &state.config)?;
    auth::check_signature(&signed, "DELETE", target_of(uri), &[])?;
    let key = Some(signed.key.to_bytes());
    if key != meta.uploader && key != meta.team_owner {
        return Err(NOT_THE_SENDER);
    }
    first_use(state, &signed, now).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sealbill::{ArchiveKey, Identity, Role, RosterDraft};

    #[test]
    fn members_send_with_a_sending_role_and_read_with_any_inside_their_validity() {
        let owner = Identity::generate("Acme").unwrap();
        let people: Vec<Identity> = ["Bill", "Anna", "Old", "Soon"]
            .iter()
            .map(|n| Identity::generate(n).unwrap())
            .collect();
        let member = |who: &Identity, role, valid_from, valid_until| Member {
            card: who.card().clone(),
            role,
            valid_from,
            valid_until,
        };
        let roster = RosterDraft {
            version: 1,
            issued: 100,
            members: vec![
                member(&people[0], Role::Biller, 100, 0),
                member(&people[1], Role::Accountant, 100, 0),
                member(&people[2], Role::Biller, 100, 200),
                member(&people[3], Role::Biller, 300, 0),
            ],
            accounts: vec![],
            archive: ArchiveKey::generate(0).entry(),
        }
        .sign(&owner)
        .unwrap();
        let key = |who: &Identity| who.card().verifying_key().to_bytes();
        let at = |who: &Identity, now| may_send(&roster, &key(who), now).map_err(|e| e.code());
        assert_eq!(at(&people[0], 250), Ok(()));
        assert_eq!(at(&people[1], 250), Err("ROLE_CANNOT_SEND"));
        assert_eq!(at(&people[2], 199), Ok(()));
        assert_eq!(at(&people[2], 200), Err("MEMBERSHIP_EXPIRED"));
        assert_eq!(at(&people[3], 299), Err("MEMBERSHIP_NOT_YET_VALID"));
        assert_eq!(
            at(&owner, 250),
            Err("NOT_A_MEMBER"),
            "the owner is no member"
        );
        let reads = |who: &Identity, now| may_read(&roster, &key(who), now).map_err(|e| e.code());
        assert_eq!(reads(&people[1], 250), Ok(()), "an accountant reads");
        assert_eq!(reads(&people[2], 200), Err("MEMBERSHIP_EXPIRED"));
        assert_eq!(reads(&people[3], 299), Err("MEMBERSHIP_NOT_YET_VALID"));
        assert_eq!(reads(&owner, 250), Err("NOT_A_MEMBER"));
        assert_eq!(
            refused(&Error::RoleCannotSend).status,
            StatusCode::FORBIDDEN
        );
    }
}
