//! Storage behind a trait, with two implementations: the embedded SQLite store
//! (`crate::sqlite`, the default) and the PostgreSQL store (`crate::postgres`) that several
//! relay nodes share.
//!
//! Calls are blocking; the server runs them on Tokio's blocking pool, except an upload's
//! insert and a fetch's reads, which it awaits (`Store::insert_later`, `Store::fetch_later`,
//! `Store::liveness_later`).

use core::fmt;
use core::future::Future;
use core::pin::Pin;

use sha2::{Digest, Sha256};

/// An envelope as uploaded.
pub struct NewEnvelope {
    /// The public id (base64url of 16 random bytes).
    pub id: String,
    /// The age file, byte for byte.
    pub body: Vec<u8>,
    /// Seconds since the Unix epoch.
    pub created_at: u64,
    /// After this time the envelope is gone (404) and purged.
    pub expires_at: u64,
    /// Verified opens after which the envelope is burned; `None` for no limit.
    pub max_opens: Option<u32>,
    /// SHA-256 of the manage token.
    pub manage_hash: [u8; 32],
    /// SHA-256 of the open proof, if the sender gave one.
    pub proof_hash: Option<[u8; 32]>,
    /// Who uploaded it: the Ed25519 key of the signed upload (`None` for an open upload).
    pub uploader: Option<[u8; 32]>,
    /// The owner key of the team whose roster let the uploader send (`None` when the uploader
    /// is on the allow-list itself): that owner may revoke it too.
    pub team_owner: Option<[u8; 32]>,
}

/// The lifecycle state of a stored envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Fetchable.
    Active,
    /// Revoked by its sender; the body is deleted.
    Revoked,
    /// Opened as often as allowed; the body is deleted.
    Burned,
}

impl State {
    /// The code a store keeps in its `state` column.
    pub const fn code(self) -> i16 {
        match self {
            State::Active => 0,
            State::Revoked => 1,
            State::Burned => 2,
        }
    }

    /// The state of a stored code (an unknown one reads as active, as the schema's default).
    pub const fn of_code(code: i64) -> State {
        match code {
            1 => State::Revoked,
            2 => State::Burned,
            _ => State::Active,
        }
    }
}

/// A stored 32-byte hash or key, `None` when the column is empty or not 32 bytes long.
pub fn stored_key(bytes: Option<Vec<u8>>) -> Option<[u8; 32]> {
    bytes.and_then(|b| b.try_into().ok())
}

/// What the relay knows about an envelope, without its body.
#[derive(Clone, Debug)]
pub struct Meta {
    /// See [`NewEnvelope::expires_at`].
    pub expires_at: u64,
    /// See [`NewEnvelope::max_opens`].
    pub max_opens: Option<u32>,
    /// Verified opens so far.
    pub opens: u32,
    /// The state.
    pub state: State,
    /// See [`NewEnvelope::manage_hash`].
    pub manage_hash: [u8; 32],
    /// See [`NewEnvelope::proof_hash`].
    pub proof_hash: Option<[u8; 32]>,
    /// See [`NewEnvelope::uploader`].
    pub uploader: Option<[u8; 32]>,
    /// See [`NewEnvelope::team_owner`].
    pub team_owner: Option<[u8; 32]>,
}

/// The result of a fetch.
pub enum Fetched {
    /// Unknown or expired.
    Missing,
    /// Revoked or burned.
    Gone,
    /// The stored bytes of an active envelope.
    Body {
        /// The envelope as uploaded.
        body: Vec<u8>,
        /// When it expires (Unix seconds).
        expires_at: u64,
        /// Whether it has an open limit (burns after its last open).
        limited: bool,
    },
}

/// A reply to an envelope as received: an age file from a reader who proved it opened the
/// envelope (SPEC §5.4), for the envelope's sender to fetch.
pub struct NewReply {
    /// The envelope it answers.
    pub envelope_id: String,
    /// The reply's own id (base64url of 16 random bytes).
    pub id: String,
    /// The age file, byte for byte.
    pub body: Vec<u8>,
    /// SHA-256 of `body`: the same reply twice to one envelope is a replay.
    pub body_hash: [u8; 32],
    /// Seconds since the Unix epoch.
    pub received_at: u64,
}

impl NewReply {
    /// A reply with the hash of its body.
    pub fn new(envelope_id: String, id: String, body: Vec<u8>, received_at: u64) -> NewReply {
        let body_hash = Sha256::digest(&body).into();
        NewReply {
            envelope_id,
            id,
            body,
            body_hash,
            received_at,
        }
    }
}

/// What storing a reply did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyInsert {
    /// Stored and committed.
    Stored,
    /// The envelope is unknown or expired.
    Missing,
    /// The envelope was revoked (a burned one still takes replies).
    Revoked,
    /// This envelope already holds a reply with the same body.
    Replayed,
    /// This envelope already holds as many replies as allowed.
    Full,
}

/// A stored reply.
#[derive(Clone, Debug)]
pub struct Reply {
    /// See [`NewReply::id`].
    pub id: String,
    /// See [`NewReply::body`].
    pub body: Vec<u8>,
    /// See [`NewReply::received_at`].
    pub received_at: u64,
}

/// Counts for `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    /// Active envelopes (neither revoked nor burned: those hold a body), expired ones
    /// included until the purge deletes them.
    pub envelopes: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// A registered sender.
#[derive(Clone, Debug)]
pub struct Sender {
    /// The card text (`sealbill-card:…`).
    pub card: String,
    /// The card's fingerprint.
    pub fingerprint: String,
    /// When it was added, in seconds since the Unix epoch.
    pub added_at: u64,
}

/// A team roster to store: the owner-signed bytes (SPEC §3.8), already verified by the caller.
pub struct NewRoster {
    /// The owner's Ed25519 key: one roster per owner.
    pub owner_key: [u8; 32],
    /// The signed roster, byte for byte.
    pub bytes: Vec<u8>,
    /// The Ed25519 keys of its members (the owner not among them).
    pub members: Vec<[u8; 32]>,
    /// Seconds since the Unix epoch.
    pub stored_at: u64,
}

/// A file the owner publishes for its team (SPEC §3.8), already checked by the caller against
/// the stored roster `roster` it was taken from: a member's membership, or an archive-key file.
pub struct TeamFile {
    /// The owner's Ed25519 key.
    pub owner_key: [u8; 32],
    /// The stored roster's bytes that the file was checked against.
    pub roster: Vec<u8>,
    /// The file, byte for byte.
    pub bytes: Vec<u8>,
    /// Seconds since the Unix epoch.
    pub stored_at: u64,
}

/// What storing a [`TeamFile`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamFilePut {
    /// Stored, new or replacing other bytes, durable before returning.
    Written,
    /// The same bytes were already stored.
    Unchanged,
    /// The owner's stored roster is no longer the one checked against: nothing stored.
    RosterChanged,
}

/// An envelope of a team, as listed for its readers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamEnvelope {
    /// See [`NewEnvelope::id`].
    pub id: String,
    /// See [`NewEnvelope::created_at`].
    pub uploaded_at: u64,
    /// See [`NewEnvelope::expires_at`].
    pub expires_at: u64,
    /// See [`NewEnvelope::uploader`].
    pub uploader: [u8; 32],
}

/// A storage failure (the message names no id, token or content).
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage error: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// The storage result type.
pub type StoreResult<T> = Result<T, StoreError>;

/// A store call's result, as a future that holds no reference to the store.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send>>;

/// A result as a future that is ready at once.
pub fn ready<T: Send + 'static>(result: StoreResult<T>) -> StoreFuture<T> {
    Box::pin(core::future::ready(result))
}

/// Where envelopes and the sender allow-list live.
pub trait Store: Send + Sync + 'static {
    /// Stores a new envelope durably (committed and synced) before returning.
    fn insert(&self, envelope: NewEnvelope) -> StoreResult<()>;
    /// [`Store::insert`] as a future, which an upload awaits without holding a thread.
    fn insert_later(&self, envelope: NewEnvelope) -> StoreFuture<()>;
    /// The body of an active, unexpired envelope.
    fn fetch(&self, id: &str, now: u64) -> StoreResult<Fetched>;
    /// The metadata of an unexpired envelope.
    fn meta(&self, id: &str, now: u64) -> StoreResult<Option<Meta>>;
    /// The state of an unexpired envelope and whether it has an open limit: what decides if
    /// a body kept in memory may be served. Reads no more than that (no body page).
    fn liveness(&self, id: &str, now: u64) -> StoreResult<Option<(State, bool)>>;
    /// [`Store::fetch`] as a future, which a fetch awaits. The default makes the call at once
    /// on the caller's thread, which suits a read that never waits on a writer or the network
    /// (SQLite's WAL reads); a store whose reads wait overrides it.
    fn fetch_later(&self, id: String, now: u64) -> StoreFuture<Fetched> {
        ready(self.fetch(&id, now))
    }
    /// [`Store::liveness`] as a future, as [`Store::fetch_later`].
    fn liveness_later(&self, id: String, now: u64) -> StoreFuture<Option<(State, bool)>> {
        ready(self.liveness(&id, now))
    }
    /// A count that grows with every change that could end an envelope's life (a deletion,
    /// a revocation, a burn, a changed expiry or open limit), for the one relay serving this
    /// store (a SQLite store opened with `SqliteStore::open_to_serve`): its own changes show
    /// at once, those of other processes (an edit by hand) within a checkpoint tick, 250 ms.
    /// While the count stays the same, an envelope seen active and without an open limit
    /// stays so until it expires. `None` when other nodes change the envelopes (the default).
    fn changes(&self) -> Option<u64> {
        None
    }
    /// Marks an envelope revoked and deletes its body (not its replies).
    fn revoke(&self, id: &str) -> StoreResult<()>;
    /// Counts a verified open of an active envelope; burns it (deleting its body) when it
    /// reaches its limit. Returns the opens so far and the new state, or `None` if the
    /// envelope is not active.
    fn record_open(&self, id: &str) -> StoreResult<Option<(u32, State)>>;
    /// Deletes expired envelopes and their replies, and forgets the signed requests whose
    /// replay window has passed; returns how many envelopes.
    fn purge_expired(&self, now: u64) -> StoreResult<usize>;
    /// Remembers a signed request by `key` (the hash of its signature) until `until`, unless
    /// it is remembered already and `until` has not passed at `now`: then returns false (a
    /// replay). One atomic step, durable before returning, so that a restart, or another
    /// relay on the same store, still refuses the replay.
    fn first_use(&self, key: &[u8; 32], until: u64, now: u64) -> StoreResult<bool>;
    /// Stores a reply to an unexpired, unrevoked envelope, unless the envelope already holds
    /// one with the same body or `limit` replies. The checks and the insert are one atomic
    /// step, durable (committed and synced) before returning.
    fn insert_reply(&self, reply: NewReply, limit: usize, now: u64) -> StoreResult<ReplyInsert>;
    /// The replies to an envelope, oldest first.
    fn replies(&self, envelope_id: &str) -> StoreResult<Vec<Reply>>;
    /// Deletes a reply, its body included; returns whether there was one.
    fn delete_reply(&self, envelope_id: &str, reply_id: &str) -> StoreResult<bool>;
    /// Counts for `/metrics`, read from counters kept with each change: the cost does not
    /// grow with what is stored.
    fn stats(&self) -> StoreResult<Stats>;
    /// Allows a sender (idempotent).
    fn add_sender(&self, key: &[u8; 32], sender: &Sender) -> StoreResult<()>;
    /// Removes a sender by fingerprint; returns whether one was removed.
    fn remove_sender(&self, fingerprint: &str) -> StoreResult<bool>;
    /// The allowed senders.
    fn senders(&self) -> StoreResult<Vec<Sender>>;
    /// Whether this Ed25519 key belongs to an allowed sender.
    fn is_sender(&self, key: &[u8; 32]) -> StoreResult<bool>;
    /// The stored roster of this owner key, if any.
    fn roster(&self, owner_key: &[u8; 32]) -> StoreResult<Option<Vec<u8>>>;
    /// Replaces the owner's roster with `roster` if the stored one is still `previous` (`None`:
    /// none stored), in one atomic step, durable before returning; returns false, storing
    /// nothing, if another roster was stored meanwhile. Every member key it lists is
    /// remembered for the owner, also after a later roster drops it; the stored memberships of
    /// members it no longer lists are deleted.
    fn put_roster(&self, previous: Option<&[u8]>, roster: NewRoster) -> StoreResult<bool>;
    /// The current rosters, of owners still on the allow-list, that list or once listed this
    /// key as a member: at most [`MAX_TEAMS_PER_MEMBER`], in a stable order.
    fn rosters_of_member(&self, key: &[u8; 32]) -> StoreResult<Vec<Vec<u8>>>;
    /// Every stored roster, by owner key, for the operator.
    fn rosters(&self) -> StoreResult<Vec<Vec<u8>>>;
    /// Stores the membership of the member with key `member_key` (the owner's own too) if the
    /// owner's stored roster is still `file.roster`, replacing that member's earlier one, in
    /// one atomic step. [`Store::put_roster`] drops those of members its roster no longer
    /// lists.
    fn put_membership(&self, member_key: &[u8; 32], file: TeamFile) -> StoreResult<TeamFilePut>;
    /// The stored membership of this member (or of the owner itself) in the owner's team.
    fn membership(
        &self,
        owner_key: &[u8; 32],
        member_key: &[u8; 32],
    ) -> StoreResult<Option<Vec<u8>>>;
    /// Stores the archive-key file of `epoch` if the owner's stored roster is still
    /// `file.roster`, replacing an earlier one of that epoch, in one atomic step.
    fn put_archive_key(&self, epoch: u32, file: TeamFile) -> StoreResult<TeamFilePut>;
    /// The owner's archive-key files of the `limit` newest epochs, oldest epoch first.
    fn archive_keys(&self, owner_key: &[u8; 32], limit: usize) -> StoreResult<Vec<(u32, Vec<u8>)>>;
    /// The active (neither burned nor revoked), unexpired envelopes uploaded by the owner
    /// itself or through its team at or after `since`, oldest first (then by id): at most
    /// `limit`.
    fn team_envelopes(
        &self,
        owner_key: &[u8; 32],
        since: u64,
        now: u64,
        limit: usize,
    ) -> StoreResult<Vec<TeamEnvelope>>;
}

/// The most teams whose rosters are read for one member's upload.
pub const MAX_TEAMS_PER_MEMBER: usize = 16;
