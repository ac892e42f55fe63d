//! What a team's owner publishes for its members, and what they fetch (SPEC §3.8, §6): each
//! member's membership, the archive-key files (age ciphertext the relay cannot read), and the
//! list of the team's envelopes for the readers who sync the archive.
//!
//! Every request is signed. The owner publishes, with its key on the allow-list and its roster
//! stored; the owner and the members its stored roster lists (any role, valid at the relay's
//! time) fetch. The signer is checked before a body is read.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sealbill::{Card, Member, Membership, Role, Roster, SignedRequest};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::{blocking, first_use, now, target_of, AppState, NOT_A_SENDER};
use crate::auth;
use crate::body::{self, Received};
use crate::errors::ApiError;
use crate::rosters::{may_read, owner_key, refused, reverify, NOT_THE_OWNER};
use crate::store::{Store, StoreResult, TeamEnvelope, TeamFile, TeamFilePut};

/// The largest archive-key file: an age file with a stanza for the owner and each reader.
pub const MAX_ARCHIVE_KEY_FILE: usize = 64 * 1024;
/// Archive-key files in one answer: those of the newest epochs.
pub const MAX_ARCHIVE_KEYS: usize = 64;
/// Envelopes in one answer.
pub const ENVELOPES_PER_PAGE: usize = 500;

/// How an age v1 file starts (C2SP age: the version line).
const AGE_V1: &[u8] = b"age-encryption.org/v1\n";

const NO_ROSTER_YET: ApiError = ApiError::new(
    StatusCode::CONFLICT,
    "NO_ROSTER",
    "the relay holds no roster of this business: post the roster first",
);
const NO_ROSTER: ApiError = ApiError::new(
    StatusCode::NOT_FOUND,
    "NO_ROSTER",
    "the relay holds no roster of a registered business with this key",
);
const NOT_FROM_THE_ROSTER: ApiError = ApiError::new(
    StatusCode::CONFLICT,
    "STALE_ROSTER",
    "this does not belong to the relay's current roster of this business: post the roster first",
);
const NOT_LISTED: ApiError = ApiError::new(
    StatusCode::FORBIDDEN,
    "NOT_A_MEMBER",
    "the membership's member is not the stored roster's entry for that card",
);
const BAD_MEMBERSHIP: ApiError = ApiError::bad_request(
    "BAD_MEMBERSHIP",
    "the body is not a membership signed by its owner (SPEC §3.8)",
);
const NOT_AGE: ApiError = ApiError::bad_request("NOT_AGE", "the body is not a binary age v1 file");

/// A 400 `BAD_QUERY` naming the parameters.
const fn bad_query(message: &'static str) -> ApiError {
    ApiError::bad_request("BAD_QUERY", message)
}

/// A key as the API writes it: base64url without padding.
fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The raw Ed25519 key of a card.
fn key_of(card: &Card) -> [u8; 32] {
    card.verifying_key().to_bytes()
}

/// The answer of a publishing request: 201 when stored, 200 when the same bytes were held.
fn published(put: TeamFilePut, answer: Value) -> Result<Response, ApiError> {
    let status = match put {
        TeamFilePut::Written => StatusCode::CREATED,
        TeamFilePut::Unchanged => StatusCode::OK,
        // The owner stored another roster since it was read.
        TeamFilePut::RosterChanged => return Err(NOT_FROM_THE_ROSTER),
    };
    Ok((status, Json(answer)).into_response())
}

/// A publishing request of a registered owner with a stored roster, checked before the body
/// is read: the signature header (not yet the signature), the allow-list and the roster.
struct Publisher {
    signed: SignedRequest,
    key: [u8; 32],
    roster_bytes: Vec<u8>,
    roster: Roster,
}

/// A stored roster, parsed again (500 if it no longer verifies), and its bytes.
type StoredRoster = (Result<Roster, ApiError>, Vec<u8>);

/// The owner's stored roster, parsed off the async threads (callers run this in
/// [`blocking`]).
fn stored_roster(store: &dyn Store, owner: &[u8; 32]) -> StoreResult<Option<StoredRoster>> {
    Ok(store.roster(owner)?.map(|b| (reverify(&b), b)))
}

impl Publisher {
    /// Checks the signature header and that its key is a registered owner with a roster.
    async fn check(
        state: &Arc<AppState>,
        headers: &HeaderMap,
        uri: &Uri,
        now: u64,
    ) -> Result<Self, ApiError> {
        let signed = auth::signature_header(headers, uri, now, &state.config)?;
        let key = signed.key.to_bytes();
        let (registered, stored) = blocking(state, move |s| {
            Ok((s.is_sender(&key)?, stored_roster(s, &key)?))
        })
        .await?;
        if !registered {
            return Err(NOT_A_SENDER);
        }
        let (roster, roster_bytes) = stored.ok_or(NO_ROSTER_YET)?;
        Ok(Publisher {
            signed,
            key,
            roster_bytes,
            roster: roster?,
        })
    }

    /// Reads the body, of at most `limit` bytes, and checks the signature over it.
    async fn body(&self, uri: &Uri, request: Request, limit: usize) -> Result<Received, ApiError> {
        let body = body::read(request, limit).await?;
        auth::check_signature(&self.signed, "POST", target_of(uri), &body)?;
        Ok(body)
    }

    /// The file to store, against the roster read.
    fn into_file(self, bytes: &[u8], now: u64) -> TeamFile {
        TeamFile {
            owner_key: self.key,
            roster: self.roster_bytes,
            bytes: bytes.to_vec(),
            stored_at: now,
        }
    }
}

/// Whether two entries are the same member: the card byte for byte, the role, the validity.
fn same_member(a: &Member, b: &Member) -> bool {
    a.card.to_bytes() == b.card.to_bytes()
        && a.role == b.role
        && (a.valid_from, a.valid_until) == (b.valid_from, b.valid_until)
}

/// Checks that `membership` (verified, and signed by `roster`'s owner) was taken from
/// `roster`: its version (`STALE_ROSTER`), its member, the owner's own entry or the roster's
/// entry of that card (`NOT_A_MEMBER`), and the rest of what it copies (`STALE_ROSTER`).
fn check_taken_from(membership: &Membership, roster: &Roster) -> Result<(), ApiError> {
    if membership.version() != roster.version() {
        return Err(NOT_FROM_THE_ROSTER);
    }
    let member = membership.member();
    let owners_entry;
    let listed = if member.role == Role::Owner {
        owners_entry = Member {
            card: roster.owner().clone(),
            role: Role::Owner,
            valid_from: 0,
            valid_until: 0,
        };
        Some(&owners_entry)
    } else {
        roster.member(&member.card.fingerprint())
    };
    if !listed.is_some_and(|entry| same_member(entry, member)) {
        return Err(NOT_LISTED);
    }
    let same_roster = membership.issued() == roster.issued()
        && membership.owner().to_bytes() == roster.owner().to_bytes()
        && membership.accounts() == roster.accounts()
        && membership.archive() == roster.archive();
    if !same_roster {
        return Err(NOT_FROM_THE_ROSTER);
    }
    Ok(())
}

/// `POST /api/v1/rosters/memberships`: stores one member's membership (the owner's own too),
/// signed (SPEC §6) by the owner, which must hold its roster at the relay; the membership must
/// be that roster's entry. 201 stored, 200 the same bytes again.
pub(crate) async fn post_membership(
    State(state): State<Arc<AppState>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    let now = now();
    let owner = Publisher::check(&state, &headers, &uri, now).await?;
    let body = owner
        .body(&uri, request, sealbill::MAX_MEMBERSHIP_LEN)
        .await?;
    let membership = Membership::verify(&body).map_err(|_| BAD_MEMBERSHIP)?;
    if key_of(membership.owner()) != owner.key {
        return Err(NOT_THE_OWNER);
    }
    check_taken_from(&membership, &owner.roster)?;
    first_use(&state, &owner.signed, now).await?;
    let member = membership.member();
    let answer = json!({
        "owner": membership.owner().fingerprint().to_string(),
        "version": membership.version(),
        "member": member.card.fingerprint().to_string(),
        "role": member.role.as_str(),
    });
    let member_key = key_of(&member.card);
    let file = owner.into_file(&body, now);
    let put = blocking(&state, move |s| s.put_membership(&member_key, file)).await?;
    published(put, answer)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EpochQuery {
    /// The archive key's epoch (SPEC §3.8).
    epoch: u32,
}

/// `POST /api/v1/rosters/archive-keys?epoch=N`: stores (or replaces) the owner's archive-key
/// file of epoch N, an age file the relay cannot read, signed (SPEC §6) by the owner, which
/// must hold its roster at the relay; N is at most that roster's archive epoch. 201 stored,
/// 200 the same bytes again.
pub(crate) async fn post_archive_key(
    State(state): State<Arc<AppState>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    query: Result<Query<EpochQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let Query(EpochQuery { epoch }) =
        query.map_err(|_| bad_query("the parameter is epoch, a number from 0 to 2^32 - 1"))?;
    let now = now();
    let owner = Publisher::check(&state, &headers, &uri, now).await?;
    if epoch > owner.roster.archive().epoch {
        return Err(NOT_FROM_THE_ROSTER);
    }
    let body = owner.body(&uri, request, MAX_ARCHIVE_KEY_FILE).await?;
    if !body.starts_with(AGE_V1) || sealbill::age::check_file(&body).is_err() {
        return Err(NOT_AGE);
    }
    first_use(&state, &owner.signed, now).await?;
    let answer = json!({
        "owner": owner.roster.owner().fingerprint().to_string(),
        "epoch": epoch,
    });
    let file = owner.into_file(&body, now);
    let put = blocking(&state, move |s| s.put_archive_key(epoch, file)).await?;
    published(put, answer)
}

/// Reads the `owner` parameter: the base64url of a 32-byte Ed25519 key.
fn owner_param(text: &str) -> Result<[u8; 32], ApiError> {
    let mut key = [0u8; 32];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut key) {
        Ok(32) => Ok(key),
        _ => Err(bad_query(
            "owner is the base64url of the owner's 32-byte Ed25519 key",
        )),
    }
}

/// A signed request to read a team, checked: by its owner, or by a member the owner's stored
/// roster lists (any role) whose validity holds at the relay's time.
struct TeamReader {
    /// The signer's key.
    key: [u8; 32],
    /// The stored roster, byte for byte.
    roster_bytes: Vec<u8>,
    /// The stored roster.
    roster: Roster,
}

impl TeamReader {
    /// Whether the reader is the owner itself.
    fn is_owner(&self) -> bool {
        self.key == owner_key(&self.roster)
    }

    /// Checks a signed GET (the empty body) on `uri` for the team of `owner`: a roster of a
    /// registered owner must be stored (404 `NO_ROSTER`), and the signer is its owner or a
    /// member who may read now (403 with the core's code, `NOT_A_MEMBER` for anyone else).
    async fn check(
        state: &Arc<AppState>,
        headers: &HeaderMap,
        uri: &Uri,
        owner: [u8; 32],
        now: u64,
    ) -> Result<Self, ApiError> {
        let signed = auth::signature_header(headers, uri, now, &state.config)?;
        auth::check_signature(&signed, "GET", target_of(uri), &[])?;
        let key = signed.key.to_bytes();
        let stored = blocking(state, move |s| {
            // A roster of an owner off the allow-list grants nothing, as for uploads.
            if !s.is_sender(&owner)? {
                return Ok(None);
            }
            stored_roster(s, &owner)
        })
        .await?;
        let (roster, roster_bytes) = stored.ok_or(NO_ROSTER)?;
        let reader = TeamReader {
            key,
            roster_bytes,
            roster: roster?,
        };
        if !reader.is_owner() {
            may_read(&reader.roster, &key, now).map_err(|e| refused(&e))?;
        }
        first_use(state, &signed, now).await?;
        Ok(reader)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TeamQuery {
    /// The owner's key, base64url.
    owner: String,
}

/// An archive-key file as `GET /api/v1/team` lists it.
#[derive(Serialize)]
pub(crate) struct ArchiveKeyFile {
    /// Its epoch.
    epoch: u32,
    /// The age file, base64url.
    file: String,
}

/// The answer of `GET /api/v1/team`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TeamAnswer {
    /// The owner's key, base64url.
    owner: String,
    /// The stored roster's version.
    version: u64,
    /// The signer's own stored membership, base64url, or null.
    membership: Option<String>,
    /// The archive-key files, oldest epoch first.
    archive_keys: Vec<ArchiveKeyFile>,
    /// The stored roster, base64url: for the owner only.
    #[serde(skip_serializing_if = "Option::is_none")]
    roster: Option<String>,
}

/// `GET /api/v1/team?owner=KEY`: for the owner or a member, the roster version, the signer's
/// own membership (or null), the archive-key files of the newest [`MAX_ARCHIVE_KEYS`] epochs,
/// and, for the owner only, the roster itself.
pub(crate) async fn get_team(
    State(state): State<Arc<AppState>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    query: Result<Query<TeamQuery>, QueryRejection>,
) -> Result<Json<TeamAnswer>, ApiError> {
    let Query(query) = query.map_err(|_| bad_query("the parameter is owner"))?;
    let owner = owner_param(&query.owner)?;
    let reader = TeamReader::check(&state, &headers, &uri, owner, now()).await?;
    let key = reader.key;
    let (membership, archive_keys) = blocking(&state, move |s| {
        Ok((
            s.membership(&owner, &key)?,
            s.archive_keys(&owner, MAX_ARCHIVE_KEYS)?,
        ))
    })
    .await?;
    let is_owner = reader.is_owner();
    Ok(Json(TeamAnswer {
        owner: b64(&owner),
        version: reader.roster.version(),
        membership: membership.as_deref().map(b64),
        archive_keys: archive_keys
            .iter()
            .map(|(epoch, file)| ArchiveKeyFile {
                epoch: *epoch,
                file: b64(file),
            })
            .collect(),
        roster: is_owner.then(|| b64(&reader.roster_bytes)),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnvelopesQuery {
    /// The owner's key, base64url.
    owner: String,
    /// The earliest upload time listed, in seconds since the Unix epoch.
    since: Option<u64>,
}

/// Cuts a page read with one row more than [`ENVELOPES_PER_PAGE`] to whole seconds, so that
/// the next page starts at the last listed second + 1 without missing any: returns the page
/// and whether more follow. Only when one second alone holds more than a page does the page
/// end inside it.
fn whole_seconds(mut rows: Vec<TeamEnvelope>) -> (Vec<TeamEnvelope>, bool) {
    let Some(next) = rows.get(ENVELOPES_PER_PAGE).map(|e| e.uploaded_at) else {
        return (rows, false);
    };
    rows.truncate(ENVELOPES_PER_PAGE);
    let whole = rows.iter().take_while(|e| e.uploaded_at < next).count();
    if whole > 0 {
        rows.truncate(whole);
    }
    (rows, true)
}

/// `GET /api/v1/team/envelopes?owner=KEY&since=SECS`: for the owner or a member, the team's
/// active envelopes (uploaded by the owner itself or through its team) uploaded at or after
/// `since`, oldest first, a page at a time.
pub(crate) async fn get_team_envelopes(
    State(state): State<Arc<AppState>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    query: Result<Query<EnvelopesQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query.map_err(|_| {
        bad_query("the parameters are owner and since (seconds since 1970, optional)")
    })?;
    let owner = owner_param(&query.owner)?;
    let now = now();
    TeamReader::check(&state, &headers, &uri, owner, now).await?;
    let since = query.since.unwrap_or(0);
    let rows = blocking(&state, move |s| {
        s.team_envelopes(&owner, since, now, ENVELOPES_PER_PAGE + 1)
    })
    .await?;
    let (page, more) = whole_seconds(rows);
    let envelopes: Vec<Value> = page
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "uploadedAt": e.uploaded_at,
                "expiresAt": e.expires_at,
                "uploader": b64(&e.uploader),
            })
        })
        .collect();
    Ok(Json(json!({ "envelopes": envelopes, "more": more })))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rows(seconds: &[u64]) -> Vec<TeamEnvelope> {
        seconds
            .iter()
            .enumerate()
            .map(|(i, &uploaded_at)| TeamEnvelope {
                id: format!("e{i}"),
                uploaded_at,
                expires_at: 1000,
                uploader: [1; 32],
            })
            .collect()
    }

    fn seconds(page: &[TeamEnvelope]) -> Vec<u64> {
        page.iter().map(|e| e.uploaded_at).collect()
    }

    #[test]
    fn pages_end_at_whole_seconds_unless_one_second_fills_a_page() {
        let (page, more) = whole_seconds(rows(&[1, 2, 2]));
        assert_eq!((seconds(&page), more), (vec![1, 2, 2], false));

        let mut times = vec![5; ENVELOPES_PER_PAGE - 2];
        times.extend([6, 7, 7]);
        let (page, more) = whole_seconds(rows(&times));
        assert!(more);
        assert_eq!(
            page.len(),
            ENVELOPES_PER_PAGE - 1,
            "second 7 goes to the next page"
        );
        assert_eq!(page.last().unwrap().uploaded_at, 6);

        let (page, more) = whole_seconds(rows(&[9; ENVELOPES_PER_PAGE + 1]));
        assert_eq!((page.len(), more), (ENVELOPES_PER_PAGE, true));
    }

    #[test]
    fn owner_keys_are_43_base64url_characters_of_32_bytes() {
        let key = [7u8; 32];
        assert_eq!(owner_param(&b64(&key)).unwrap(), key);
        for bad in [
            "",
            "AAAA",
            &b64(&[7u8; 31]),
            &b64(&[7u8; 33]),
            &"!".repeat(43),
        ] {
            assert_eq!(owner_param(bad).unwrap_err().code, "BAD_QUERY", "{bad}");
        }
    }
}
