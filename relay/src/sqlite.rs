//! The embedded SQLite store: one file in the data directory, WAL mode, `synchronous=FULL`,
//! so that an upload answered with 201 survives a crash.
//!
//! Uploads go through one writer thread that commits whatever has queued up in a single
//! transaction (group commit): one fsync serves many concurrent uploads, and each caller
//! returns only after the commit that holds its envelope.
//!
//! Deleted ciphertext (a revoked or burned envelope's body, an expired envelope, a deleted
//! reply) does not stay in the files: `secure_delete` zeroes freed content, and the next
//! checkpoint after a deletion (and the first after opening, for a relay that stopped in
//! between) also truncates the WAL, which still holds the pages as they were before it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::store::{
    self, Fetched, Meta, NewEnvelope, NewReply, NewRoster, Reply, ReplyInsert, Sender, State,
    Stats, Store, StoreError, StoreResult, TeamEnvelope, TeamFile, TeamFilePut,
    MAX_TEAMS_PER_MEMBER,
};

/// The database file in the data directory.
pub const DATABASE_FILE: &str = "relay.sqlite3";

/// The newest schema version (`PRAGMA user_version`) this relay knows; it opens any version
/// from 1 up to this one, upgrading older ones in place.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// The schema, one step per version: step `i` takes a database from `user_version` i to
/// i + 1. A released step is never edited; a change is a new step.
pub(crate) const MIGRATIONS: [&str; 5] = [
    // 1: envelopes and the sender allow-list.
    "CREATE TABLE IF NOT EXISTS envelopes (
        id          TEXT PRIMARY KEY,
        body        BLOB,
        size        INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        max_opens   INTEGER,
        opens       INTEGER NOT NULL DEFAULT 0,
        state       INTEGER NOT NULL DEFAULT 0,
        manage_hash BLOB NOT NULL,
        proof_hash  BLOB
    );
    CREATE INDEX IF NOT EXISTS envelopes_expiry ON envelopes (expires_at);
    CREATE TABLE IF NOT EXISTS senders (
        key         BLOB PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        card        TEXT NOT NULL,
        added_at    INTEGER NOT NULL
    );",
    // 2: replies to envelopes, deleted with their envelope when it expires. The unique
    // (envelope_id, body_hash) refuses a replayed reply and indexes the replies by envelope.
    "CREATE TABLE replies (
        id          TEXT PRIMARY KEY,
        envelope_id TEXT NOT NULL,
        body        BLOB NOT NULL,
        body_hash   BLOB NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (envelope_id, body_hash)
    );",
    // 3: team rosters (one per owner key, public data), every member key a roster of that
    // owner ever listed (so that a removed member is told so), and who uploaded each envelope
    // and through which team (so that the team's owner may revoke it).
    "CREATE TABLE rosters (
        owner_key   BLOB PRIMARY KEY,
        bytes       BLOB NOT NULL,
        stored_at   INTEGER NOT NULL
    );
    CREATE TABLE roster_members (
        member_key  BLOB NOT NULL,
        owner_key   BLOB NOT NULL,
        PRIMARY KEY (member_key, owner_key)
    ) WITHOUT ROWID;
    ALTER TABLE envelopes ADD COLUMN uploader BLOB;
    ALTER TABLE envelopes ADD COLUMN team_owner BLOB;",
    // 4: what the owner publishes for its team's members (their memberships, one per member
    // key, the owner's own included; the archive-key files, one per epoch), and indexes for
    // listing a team's envelopes.
    "CREATE TABLE memberships (
        owner_key   BLOB NOT NULL,
        member_key  BLOB NOT NULL,
        bytes       BLOB NOT NULL,
        stored_at   INTEGER NOT NULL,
        PRIMARY KEY (owner_key, member_key)
    );
    CREATE TABLE archive_keys (
        owner_key   BLOB NOT NULL,
        epoch       INTEGER NOT NULL,
        bytes       BLOB NOT NULL,
        stored_at   INTEGER NOT NULL,
        PRIMARY KEY (owner_key, epoch)
    );
    CREATE INDEX envelopes_uploader ON envelopes (uploader, created_at)
        WHERE uploader IS NOT NULL;
    CREATE INDEX envelopes_team_owner ON envelopes (team_owner, created_at)
        WHERE team_owner IS NOT NULL;",
    // 5: the count and total size of the active envelopes, kept by triggers in the
    // transaction of each change, so that /metrics and /healthz read one row instead of every
    // envelope; and the signed requests seen within the replay window, by the hash of their
    // signature, so that a restart (or another relay on this store) still refuses a replay.
    "CREATE TABLE envelope_stats (
        id          INTEGER PRIMARY KEY CHECK (id = 0),
        envelopes   INTEGER NOT NULL,
        bytes       INTEGER NOT NULL
    );
    INSERT INTO envelope_stats (id, envelopes, bytes)
        SELECT 0, count(*), coalesce(sum(size), 0) FROM envelopes WHERE state = 0;
    CREATE TRIGGER envelope_stats_insert AFTER INSERT ON envelopes WHEN new.state = 0
    BEGIN
        UPDATE envelope_stats SET envelopes = envelopes + 1, bytes = bytes + new.size;
    END;
    CREATE TRIGGER envelope_stats_delete AFTER DELETE ON envelopes WHEN old.state = 0
    BEGIN
        UPDATE envelope_stats SET envelopes = envelopes - 1, bytes = bytes - old.size;
    END;
    CREATE TRIGGER envelope_stats_update AFTER UPDATE OF state, size ON envelopes
        WHEN old.state IS NOT new.state OR old.size IS NOT new.size
    BEGIN
        UPDATE envelope_stats SET
            envelopes = envelopes - (old.state = 0) + (new.state = 0),
            bytes = bytes - CASE WHEN old.state = 0 THEN old.size ELSE 0 END
                          + CASE WHEN new.state = 0 THEN new.size ELSE 0 END;
    END;
    CREATE TABLE seen_requests (
        key         BLOB PRIMARY KEY,
        expires_at  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX seen_requests_expiry ON seen_requests (expires_at);",
];

/// Brings the database to the newest schema version, every step in one transaction, and
/// refuses a database made by a newer relay.
fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err)?;
    let known = MIGRATIONS.len();
    let from = usize::try_from(version)
        .ok()
        .filter(|v| *v <= known)
        .ok_or_else(|| {
            StoreError(format!(
                "the database has schema version {version}; this relay knows 0 to {known}"
            ))
        })?;
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        tx.execute_batch(sql).map_err(err)?;
        tx.pragma_update(None, "user_version", step as i64 + 1)
            .map_err(err)?;
    }
    tx.commit().map_err(err)
}

const READERS: usize = 4;
/// Uploads committed together at most.
const BATCH: usize = 256;

/// An upload waiting for the group commit, and where to send its result.
type InsertJob = (NewEnvelope, SyncSender<StoreResult<()>>);

/// SQLite storage: a group-commit thread for uploads, one connection for other writes, and a
/// few readers (WAL lets them run in parallel with the writers).
pub struct SqliteStore {
    inserts: Mutex<SyncSender<InsertJob>>,
    stop: Arc<AtomicBool>,
    /// Set after a deletion, and at opening: the next checkpoint truncates the WAL.
    scrub: Arc<AtomicBool>,
    writer: Mutex<Connection>,
    /// Records seen signed requests ([`FIRST_USE`]) with `synchronous=NORMAL`: the row is in
    /// the WAL when the call returns, so a crash or restart of the relay keeps it, without a
    /// sync of its own; the sync of the commit that follows (an upload's, a roster's) makes it
    /// durable against a power loss too.
    seen: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

const INSERT: &str = "INSERT INTO envelopes (id, body, size, created_at, expires_at, max_opens,
    manage_hash, proof_hash, uploader, team_owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// The counters of the active envelopes: one row, kept by the triggers of schema version 5.
const STATS: &str = "SELECT envelopes, bytes FROM envelope_stats WHERE id = 0";

/// Remembers a signed request unless it is remembered already and not expired: inserts the
/// key, or renews an expired row; a live row is left alone, which changes no row.
const FIRST_USE: &str = "INSERT INTO seen_requests (key, expires_at) VALUES (?1, ?2)
    ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
    WHERE seen_requests.expires_at < ?3";

fn insert_one(conn: &Connection, e: &NewEnvelope) -> rusqlite::Result<()> {
    conn.prepare_cached(INSERT)?.execute(params![
        e.id,
        e.body,
        e.body.len() as i64,
        e.created_at as i64,
        e.expires_at as i64,
        e.max_opens,
        e.manage_hash.as_slice(),
        e.proof_hash.as_ref().map(|h| h.as_slice()),
        e.uploader.as_ref().map(|k| k.as_slice()),
        e.team_owner.as_ref().map(|k| k.as_slice()),
    ])?;
    Ok(())
}

/// The group-commit loop: takes every queued upload (up to [`BATCH`]), commits them in one
/// transaction, then answers each. If the batch fails, each upload is retried alone, so one
/// bad row cannot fail the others. Ends when the store is dropped.
fn commit_loop(mut conn: Connection, jobs: Receiver<InsertJob>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let together = conn.transaction().and_then(|tx| {
            for (envelope, _) in &batch {
                insert_one(&tx, envelope)?;
            }
            tx.commit()
        });
        for (envelope, reply) in batch {
            let result = match &together {
                Ok(()) => Ok(()),
                Err(_) => insert_one(&conn, &envelope).map_err(err),
            };
            let _ = reply.send(result);
        }
    }
}

fn err(e: rusqlite::Error) -> StoreError {
    StoreError(e.to_string())
}

/// Copies the WAL back into the database every 250 ms, so that uploads never wait for a
/// checkpoint. After a deletion (`scrub` set) the checkpoint also truncates the WAL, so that
/// no copy of the deleted pages stays there; that one waits for the writers in flight
/// (briefly: see [`SCRUB_WAIT`]) and is retried at the next tick if they hold it up. Ends
/// when the store is dropped (or the connection fails).
fn checkpoint_loop(conn: Connection, stop: Arc<AtomicBool>, scrub: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let truncate = scrub.swap(false, Ordering::AcqRel);
        let sql = if truncate {
            "PRAGMA wal_checkpoint(TRUNCATE)"
        } else {
            "PRAGMA wal_checkpoint(PASSIVE)"
        };
        match conn.query_row(sql, [], |r| r.get::<_, i64>(0)) {
            Ok(busy) if truncate && busy != 0 => scrub.store(true, Ordering::Release),
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// How long a truncating checkpoint waits for the writers and readers in flight before it
/// gives up until the next tick; writers wait behind it meanwhile.
const SCRUB_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

impl SqliteStore {
    /// Opens (creating if needed) [`DATABASE_FILE`] in `dir`.
    pub fn open(dir: &Path) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join(DATABASE_FILE);
        let connect = || -> StoreResult<Connection> {
            let c = Connection::open(&path).map_err(err)?;
            c.busy_timeout(std::time::Duration::from_secs(5))
                .map_err(err)?;
            c.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
            c.pragma_update(None, "synchronous", "FULL").map_err(err)?;
            // Freed pages and cells are zeroed, so deleted bodies leave no ciphertext behind.
            c.pragma_update(None, "secure_delete", "ON").map_err(err)?;
            Ok(c)
        };
        let mut writer = connect()?;
        migrate(&mut writer)?;
        let seen = connect()?;
        seen.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        // Signed requests do not wait for checkpoints either (see checkpoint_loop).
        seen.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(err)?;
        let readers = (0..READERS)
            .map(|_| connect().map(Mutex::new))
            .collect::<StoreResult<Vec<_>>>()?;
        let (send, jobs) = mpsc::sync_channel(BATCH * 4);
        let committer = connect()?;
        // Checkpoints run on their own thread, off the commit path (see checkpoint_loop).
        committer
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(err)?;
        let checkpointer = connect()?;
        checkpointer.busy_timeout(SCRUB_WAIT).map_err(err)?;
        let stop = Arc::new(AtomicBool::new(false));
        // The first checkpoint truncates the WAL: a relay that stopped between a deletion and
        // its truncating checkpoint left the deleted pages there.
        let scrub = Arc::new(AtomicBool::new(true));
        let (stopped, scrubbed) = (stop.clone(), scrub.clone());
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, stopped, scrubbed))
            .map_err(|e| StoreError(format!("cannot start the checkpoint thread: {e}")))?;
        std::thread::Builder::new()
            .name("sqlite-commit".into())
            .spawn(move || commit_loop(committer, jobs))
            .map_err(|e| StoreError(format!("cannot start the commit thread: {e}")))?;
        Ok(SqliteStore {
            inserts: Mutex::new(send),
            stop,
            scrub,
            writer: Mutex::new(writer),
            seen: Mutex::new(seen),
            readers,
            next: AtomicUsize::new(0),
        })
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each call is one
        // statement or one transaction), so a poisoned lock is still usable.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks the checkpoint thread to truncate the WAL once `deleted` rows held ciphertext.
    fn scrub_after(&self, deleted: usize) {
        if deleted > 0 {
            self.scrub.store(true, Ordering::Release);
        }
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % READERS;
        match self.readers.get(i) {
            Some(m) => m.lock().unwrap_or_else(|p| p.into_inner()),
            None => self.writer(),
        }
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // The commit thread ends when `inserts` is dropped; the checkpoint thread on this flag.
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Deletes the stored memberships of the members `roster` no longer lists (the owner's own
/// stays), inside the transaction that stores it.
fn drop_unlisted_memberships(tx: &Connection, roster: &NewRoster) -> StoreResult<()> {
    let owner = roster.owner_key.as_slice();
    let held: Vec<Vec<u8>> = tx
        .prepare_cached("SELECT member_key FROM memberships WHERE owner_key = ?1")
        .and_then(|mut s| s.query_map(params![owner], |r| r.get(0))?.collect())
        .map_err(err)?;
    let mut delete = tx
        .prepare_cached("DELETE FROM memberships WHERE owner_key = ?1 AND member_key = ?2")
        .map_err(err)?;
    for member in held {
        let listed = member == owner || roster.members.iter().any(|m| m[..] == member[..]);
        if !listed {
            delete.execute(params![owner, member]).map_err(err)?;
        }
    }
    Ok(())
}

/// Stores a team file in the row that `select` (taking the owner key and `slot`) reads and
/// `upsert` (taking the owner key, `slot`, the bytes and the time) writes, if the owner's
/// stored roster is still `file.roster`, in one IMMEDIATE transaction.
fn put_team_file(
    conn: &mut Connection,
    file: &TeamFile,
    slot: &dyn rusqlite::ToSql,
    select: &str,
    upsert: &str,
) -> StoreResult<TeamFilePut> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err)?;
    let owner = file.owner_key.as_slice();
    let current = tx
        .prepare_cached("SELECT 1 FROM rosters WHERE owner_key = ?1 AND bytes = ?2")
        .and_then(|mut s| s.exists(params![owner, file.roster]))
        .map_err(err)?;
    if !current {
        return Ok(TeamFilePut::RosterChanged);
    }
    let stored: Option<Vec<u8>> = tx
        .query_row(select, params![owner, slot], |r| r.get(0))
        .optional()
        .map_err(err)?;
    if stored.as_deref() == Some(&file.bytes[..]) {
        return Ok(TeamFilePut::Unchanged);
    }
    tx.execute(
        upsert,
        params![owner, slot, file.bytes, file.stored_at as i64],
    )
    .map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(TeamFilePut::Written)
}

/// The key of an envelope row's uploader (a column written from a 32-byte key).
fn key_of(bytes: Vec<u8>) -> rusqlite::Result<[u8; 32]> {
    bytes.try_into().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Blob,
            "a stored key is not 32 bytes".into(),
        )
    })
}

impl Store for SqliteStore {
    fn insert(&self, envelope: NewEnvelope) -> StoreResult<()> {
        let (reply, result) = mpsc::sync_channel(1);
        let queue = self
            .inserts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        queue
            .send((envelope, reply))
            .map_err(|_| StoreError("the commit thread has stopped".into()))?;
        result
            .recv()
            .map_err(|_| StoreError("the commit thread has stopped".into()))?
    }

    fn fetch(&self, id: &str, now: u64) -> StoreResult<Fetched> {
        let row = self
            .reader()
            .prepare_cached("SELECT state, body FROM envelopes WHERE id = ?1 AND expires_at > ?2")
            .and_then(|mut s| {
                s.query_row(params![id, now as i64], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
                })
                .optional()
            })
            .map_err(err)?;
        Ok(match row {
            None => Fetched::Missing,
            Some((0, Some(body))) => Fetched::Body(body),
            Some(_) => Fetched::Gone,
        })
    }

    fn meta(&self, id: &str, now: u64) -> StoreResult<Option<Meta>> {
        self.reader()
            .prepare_cached(
                "SELECT expires_at, max_opens, opens, state, manage_hash, proof_hash,
                   uploader, team_owner
                 FROM envelopes WHERE id = ?1 AND expires_at > ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![id, now as i64], |r| {
                    Ok(Meta {
                        expires_at: r.get::<_, i64>(0)? as u64,
                        max_opens: r.get(1)?,
                        opens: r.get(2)?,
                        state: State::of_code(r.get(3)?),
                        manage_hash: store::stored_key(r.get(4)?).unwrap_or([0; 32]),
                        proof_hash: store::stored_key(r.get(5)?),
                        uploader: store::stored_key(r.get(6)?),
                        team_owner: store::stored_key(r.get(7)?),
                    })
                })
                .optional()
            })
            .map_err(err)
    }

    fn revoke(&self, id: &str) -> StoreResult<()> {
        let revoked = self
            .writer()
            .execute(
                "UPDATE envelopes SET state = 1, body = NULL WHERE id = ?1 AND state = 0",
                params![id],
            )
            .map_err(err)?;
        self.scrub_after(revoked);
        Ok(())
    }

    fn record_open(&self, id: &str) -> StoreResult<Option<(u32, State)>> {
        let counted = self
            .writer()
            .query_row(
                "UPDATE envelopes SET opens = opens + 1,
                   state = CASE WHEN max_opens IS NOT NULL AND opens + 1 >= max_opens
                                THEN 2 ELSE state END,
                   body = CASE WHEN max_opens IS NOT NULL AND opens + 1 >= max_opens
                               THEN NULL ELSE body END
                 WHERE id = ?1 AND state = 0
                 RETURNING opens, state",
                params![id],
                |r| Ok((r.get(0)?, State::of_code(r.get(1)?))),
            )
            .optional()
            .map_err(err)?;
        if let Some((_, State::Burned)) = counted {
            self.scrub_after(1);
        }
        Ok(counted)
    }

    fn purge_expired(&self, now: u64) -> StoreResult<usize> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(err)?;
        // Replies go with their envelope; the NOT EXISTS also catches any without one.
        let replies = tx
            .execute(
                "DELETE FROM replies WHERE NOT EXISTS (SELECT 1 FROM envelopes
                   WHERE envelopes.id = replies.envelope_id AND envelopes.expires_at > ?1)",
                params![now as i64],
            )
            .map_err(err)?;
        let purged = tx
            .execute(
                "DELETE FROM envelopes WHERE expires_at <= ?1",
                params![now as i64],
            )
            .map_err(err)?;
        tx.execute(
            "DELETE FROM seen_requests WHERE expires_at < ?1",
            params![now as i64],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        self.scrub_after(purged + replies);
        Ok(purged)
    }

    fn insert_reply(&self, reply: NewReply, limit: usize, now: u64) -> StoreResult<ReplyInsert> {
        let mut conn = self.writer();
        // IMMEDIATE takes the write lock first, so that the checks still hold at the insert.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let state: Option<i64> = tx
            .query_row(
                "SELECT state FROM envelopes WHERE id = ?1 AND expires_at > ?2",
                params![reply.envelope_id, now as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        match state.map(State::of_code) {
            None => return Ok(ReplyInsert::Missing),
            Some(State::Revoked) => return Ok(ReplyInsert::Revoked),
            Some(State::Active | State::Burned) => {}
        }
        let replayed = tx
            .prepare_cached("SELECT 1 FROM replies WHERE envelope_id = ?1 AND body_hash = ?2")
            .and_then(|mut s| s.exists(params![reply.envelope_id, reply.body_hash.as_slice()]))
            .map_err(err)?;
        if replayed {
            return Ok(ReplyInsert::Replayed);
        }
        let held: i64 = tx
            .query_row(
                "SELECT count(*) FROM replies WHERE envelope_id = ?1",
                params![reply.envelope_id],
                |r| r.get(0),
            )
            .map_err(err)?;
        if usize::try_from(held).map_or(true, |n| n >= limit) {
            return Ok(ReplyInsert::Full);
        }
        tx.execute(
            "INSERT INTO replies (id, envelope_id, body, body_hash, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                reply.id,
                reply.envelope_id,
                reply.body,
                reply.body_hash.as_slice(),
                reply.received_at as i64,
            ],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(ReplyInsert::Stored)
    }

    fn replies(&self, envelope_id: &str) -> StoreResult<Vec<Reply>> {
        let conn = self.reader();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, body, received_at FROM replies WHERE envelope_id = ?1
                 ORDER BY received_at, rowid",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(params![envelope_id], |r| {
                Ok(Reply {
                    id: r.get(0)?,
                    body: r.get(1)?,
                    received_at: r.get::<_, i64>(2)? as u64,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    fn delete_reply(&self, envelope_id: &str, reply_id: &str) -> StoreResult<bool> {
        let deleted = self
            .writer()
            .execute(
                "DELETE FROM replies WHERE envelope_id = ?1 AND id = ?2",
                params![envelope_id, reply_id],
            )
            .map_err(err)?;
        self.scrub_after(deleted);
        Ok(deleted > 0)
    }

    fn first_use(&self, key: &[u8; 32], until: u64, now: u64) -> StoreResult<bool> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .prepare_cached(FIRST_USE)
            .and_then(|mut s| s.execute(params![key.as_slice(), until as i64, now as i64]))
            .map(|inserted| inserted == 1)
            .map_err(err)
    }

    fn stats(&self) -> StoreResult<Stats> {
        self.reader()
            .prepare_cached(STATS)
            .and_then(|mut s| {
                s.query_row([], |r| {
                    Ok(Stats {
                        envelopes: r.get::<_, i64>(0)? as u64,
                        bytes: r.get::<_, i64>(1)? as u64,
                    })
                })
            })
            .map_err(err)
    }

    fn add_sender(&self, key: &[u8; 32], s: &Sender) -> StoreResult<()> {
        self.writer()
            .execute(
                "INSERT INTO senders (key, fingerprint, card, added_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET card = excluded.card",
                params![key.as_slice(), s.fingerprint, s.card, s.added_at as i64],
            )
            .map(|_| ())
            .map_err(err)
    }

    fn remove_sender(&self, fingerprint: &str) -> StoreResult<bool> {
        self.writer()
            .execute(
                "DELETE FROM senders WHERE fingerprint = ?1",
                params![fingerprint],
            )
            .map(|n| n > 0)
            .map_err(err)
    }

    fn senders(&self) -> StoreResult<Vec<Sender>> {
        let conn = self.reader();
        let mut stmt = conn
            .prepare("SELECT card, fingerprint, added_at FROM senders ORDER BY added_at")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Sender {
                    card: r.get(0)?,
                    fingerprint: r.get(1)?,
                    added_at: r.get::<_, i64>(2)? as u64,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    fn is_sender(&self, key: &[u8; 32]) -> StoreResult<bool> {
        self.reader()
            .prepare_cached("SELECT 1 FROM senders WHERE key = ?1")
            .and_then(|mut s| s.exists(params![key.as_slice()]))
            .map_err(err)
    }

    fn roster(&self, owner_key: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        self.reader()
            .prepare_cached("SELECT bytes FROM rosters WHERE owner_key = ?1")
            .and_then(|mut s| {
                s.query_row(params![owner_key.as_slice()], |r| r.get(0))
                    .optional()
            })
            .map_err(err)
    }

    fn put_roster(&self, previous: Option<&[u8]>, roster: NewRoster) -> StoreResult<bool> {
        let mut conn = self.writer();
        // IMMEDIATE takes the write lock first, so that `previous` still holds at the write.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let owner = roster.owner_key.as_slice();
        let stored: Option<Vec<u8>> = tx
            .query_row(
                "SELECT bytes FROM rosters WHERE owner_key = ?1",
                params![owner],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        if stored.as_deref() != previous {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO rosters (owner_key, bytes, stored_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (owner_key) DO UPDATE SET bytes = excluded.bytes,
               stored_at = excluded.stored_at",
            params![owner, roster.bytes, roster.stored_at as i64],
        )
        .map_err(err)?;
        {
            let mut listed = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO roster_members (member_key, owner_key) VALUES (?1, ?2)",
                )
                .map_err(err)?;
            for member in &roster.members {
                listed
                    .execute(params![member.as_slice(), owner])
                    .map_err(err)?;
            }
        }
        drop_unlisted_memberships(&tx, &roster)?;
        tx.commit().map_err(err)?;
        Ok(true)
    }

    fn rosters_of_member(&self, key: &[u8; 32]) -> StoreResult<Vec<Vec<u8>>> {
        self.reader()
            .prepare_cached(
                "SELECT r.bytes FROM roster_members m
                   JOIN rosters r ON r.owner_key = m.owner_key
                   JOIN senders s ON s.key = m.owner_key
                 WHERE m.member_key = ?1 ORDER BY m.owner_key LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![key.as_slice(), MAX_TEAMS_PER_MEMBER as i64], |r| {
                    r.get(0)
                })?
                .collect()
            })
            .map_err(err)
    }

    fn rosters(&self) -> StoreResult<Vec<Vec<u8>>> {
        let conn = self.reader();
        let mut stmt = conn
            .prepare("SELECT bytes FROM rosters ORDER BY owner_key")
            .map_err(err)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    fn put_membership(&self, member_key: &[u8; 32], file: TeamFile) -> StoreResult<TeamFilePut> {
        put_team_file(
            &mut self.writer(),
            &file,
            &member_key.as_slice(),
            "SELECT bytes FROM memberships WHERE owner_key = ?1 AND member_key = ?2",
            "INSERT INTO memberships (owner_key, member_key, bytes, stored_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (owner_key, member_key) DO UPDATE SET bytes = excluded.bytes,
               stored_at = excluded.stored_at",
        )
    }

    fn membership(
        &self,
        owner_key: &[u8; 32],
        member_key: &[u8; 32],
    ) -> StoreResult<Option<Vec<u8>>> {
        self.reader()
            .prepare_cached(
                "SELECT bytes FROM memberships WHERE owner_key = ?1 AND member_key = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![owner_key.as_slice(), member_key.as_slice()], |r| {
                    r.get(0)
                })
                .optional()
            })
            .map_err(err)
    }

    fn put_archive_key(&self, epoch: u32, file: TeamFile) -> StoreResult<TeamFilePut> {
        put_team_file(
            &mut self.writer(),
            &file,
            &epoch,
            "SELECT bytes FROM archive_keys WHERE owner_key = ?1 AND epoch = ?2",
            "INSERT INTO archive_keys (owner_key, epoch, bytes, stored_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (owner_key, epoch) DO UPDATE SET bytes = excluded.bytes,
               stored_at = excluded.stored_at",
        )
    }

    fn archive_keys(&self, owner_key: &[u8; 32], limit: usize) -> StoreResult<Vec<(u32, Vec<u8>)>> {
        let mut newest: Vec<(u32, Vec<u8>)> = self
            .reader()
            .prepare_cached(
                "SELECT epoch, bytes FROM archive_keys WHERE owner_key = ?1
                 ORDER BY epoch DESC LIMIT ?2",
            )
            .and_then(|mut s| {
                s.query_map(params![owner_key.as_slice(), limit as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect()
            })
            .map_err(err)?;
        newest.reverse();
        Ok(newest)
    }

    fn team_envelopes(
        &self,
        owner_key: &[u8; 32],
        since: u64,
        now: u64,
        limit: usize,
    ) -> StoreResult<Vec<TeamEnvelope>> {
        let since = i64::try_from(since).unwrap_or(i64::MAX);
        self.reader()
            .prepare_cached(
                "SELECT id, created_at, expires_at, uploader FROM envelopes
                 WHERE (uploader = ?1 OR team_owner = ?1) AND state = 0
                   AND expires_at > ?2 AND created_at >= ?3
                 ORDER BY created_at, id LIMIT ?4",
            )
            .and_then(|mut s| {
                s.query_map(
                    params![owner_key.as_slice(), now as i64, since, limit as i64],
                    |r| {
                        Ok(TeamEnvelope {
                            id: r.get(0)?,
                            uploaded_at: r.get::<_, i64>(1)? as u64,
                            expires_at: r.get::<_, i64>(2)? as u64,
                            uploader: key_of(r.get(3)?)?,
                        })
                    },
                )?
                .collect()
            })
            .map_err(err)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn envelope(id: &str, max_opens: Option<u32>) -> NewEnvelope {
        NewEnvelope {
            id: id.into(),
            body: b"age".to_vec(),
            created_at: 10,
            expires_at: 100,
            max_opens,
            manage_hash: [1; 32],
            proof_hash: Some([2; 32]),
            uploader: Some([3; 32]),
            team_owner: None,
        }
    }

    fn temp_store() -> (SqliteStore, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "sealbill-store-{}-{}",
            std::process::id(),
            rand_core::RngCore::next_u64(&mut rand_core::OsRng)
        ));
        (SqliteStore::open(&dir).unwrap(), dir)
    }

    fn roster(owner_key: [u8; 32], bytes: &[u8]) -> NewRoster {
        NewRoster {
            owner_key,
            bytes: bytes.to_vec(),
            members: vec![[5; 32], [6; 32]],
            stored_at: 10,
        }
    }

    fn team_file(owner_key: [u8; 32], roster: &[u8], bytes: &[u8]) -> TeamFile {
        TeamFile {
            owner_key,
            roster: roster.to_vec(),
            bytes: bytes.to_vec(),
            stored_at: 10,
        }
    }

    fn reply(envelope_id: &str, id: &str, body: &[u8], at: u64) -> NewReply {
        NewReply::new(envelope_id.into(), id.into(), body.to_vec(), at)
    }

    /// A database of an older `version`, as the relay created it then. Released steps are
    /// never edited, so the first `version` steps are that schema.
    fn schema_of(version: usize) -> String {
        format!(
            "{}\nPRAGMA user_version = {version};",
            MIGRATIONS[..version].join("\n")
        )
    }

    fn user_version(dir: &Path) -> i64 {
        Connection::open(dir.join("relay.sqlite3"))
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_version_1_database_upgrades_in_place_with_its_envelopes_intact() {
        upgrades_in_place(1);
    }

    #[test]
    fn a_version_2_database_upgrades_in_place_with_its_envelopes_and_replies_intact() {
        upgrades_in_place(2);
    }

    #[test]
    fn a_version_3_database_upgrades_in_place_with_its_rosters_and_uploaders_intact() {
        upgrades_in_place(3);
    }

    #[test]
    fn a_version_4_database_upgrades_in_place_with_its_envelopes_counted() {
        upgrades_in_place(4);
    }

    /// Opens a database of schema version `from`, holding envelopes, a sender and (from
    /// version 2) a reply, and checks that all of it is there after the upgrade.
    fn upgrades_in_place(from: usize) {
        let dir = std::env::temp_dir().join(format!(
            "sealbill-store-v{from}-{}-{}",
            std::process::id(),
            rand_core::RngCore::next_u64(&mut rand_core::OsRng)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        {
            let old = Connection::open(dir.join("relay.sqlite3")).unwrap();
            old.pragma_update(None, "journal_mode", "WAL").unwrap();
            old.execute_batch(&schema_of(from)).unwrap();
            old.execute(
                "INSERT INTO envelopes (id, body, size, created_at, expires_at, max_opens,
                 opens, state, manage_hash, proof_hash)
                 VALUES ('kept', x'61676531', 4, 10, 100, 3, 1, 0, ?1, ?2),
                        ('gone', NULL, 4, 10, 100, NULL, 0, 1, ?1, NULL)",
                params![[1u8; 32].as_slice(), [2u8; 32].as_slice()],
            )
            .unwrap();
            old.execute(
                "INSERT INTO senders (key, fingerprint, card, added_at)
                 VALUES (?1, '1 2', 'sealbill-card:x', 5)",
                params![[9u8; 32].as_slice()],
            )
            .unwrap();
            if from >= 2 {
                old.execute(
                    "INSERT INTO replies (id, envelope_id, body, body_hash, received_at)
                     VALUES ('r0', 'kept', x'7265706c79', ?1, 20)",
                    params![[4u8; 32].as_slice()],
                )
                .unwrap();
            }
            if from >= 3 {
                old.execute(
                    "INSERT INTO rosters (owner_key, bytes, stored_at) VALUES (?1, x'7633', 5)",
                    params![[8u8; 32].as_slice()],
                )
                .unwrap();
                old.execute(
                    "INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash,
                     uploader, team_owner) VALUES ('team', x'61', 1, 20, 100, ?1, ?2, ?3)",
                    params![
                        [1u8; 32].as_slice(),
                        [5u8; 32].as_slice(),
                        [8u8; 32].as_slice()
                    ],
                )
                .unwrap();
            }
        }
        assert_eq!(user_version(&dir), from as i64);

        let store = SqliteStore::open(&dir).unwrap();
        assert_eq!(user_version(&dir), MIGRATIONS.len() as i64);
        let active = if from >= 3 { (2, 5) } else { (1, 4) };
        assert_eq!(
            counters(&store),
            active,
            "the upgrade counts the active envelopes"
        );
        assert!(matches!(store.fetch("kept", 50).unwrap(), Fetched::Body(b) if b == b"age1"));
        let meta = store.meta("kept", 50).unwrap().unwrap();
        assert_eq!(
            (
                meta.expires_at,
                meta.max_opens,
                meta.opens,
                meta.state,
                meta.manage_hash,
                meta.proof_hash,
                meta.uploader,
                meta.team_owner
            ),
            (
                100,
                Some(3),
                1,
                State::Active,
                [1; 32],
                Some([2; 32]),
                None,
                None
            ),
            "an envelope from before version 3 has no recorded uploader"
        );
        assert!(matches!(store.fetch("gone", 50).unwrap(), Fetched::Gone));
        assert!(store.is_sender(&[9; 32]).unwrap());
        let old_replies = usize::from(from >= 2);
        assert_eq!(store.replies("kept").unwrap().len(), old_replies);
        assert_eq!(
            store
                .insert_reply(reply("kept", "r1", b"new reply", 20), 4, 50)
                .unwrap(),
            ReplyInsert::Stored
        );
        assert!(store.put_roster(None, roster([9; 32], b"v1")).unwrap());
        assert_eq!(
            store
                .put_membership(&[5; 32], team_file([9; 32], b"v1", b"m"))
                .unwrap(),
            TeamFilePut::Written
        );
        if from >= 3 {
            assert_eq!(store.roster(&[8; 32]).unwrap().unwrap(), b"v3");
            let listed = store.team_envelopes(&[8; 32], 0, 50, 10).unwrap();
            let ids: Vec<&str> = listed.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(ids, ["team"], "a version 3 team envelope is listed");
        }
        drop(store);

        // Opening an up-to-date database changes nothing.
        let store = SqliteStore::open(&dir).unwrap();
        assert_eq!(store.replies("kept").unwrap().len(), old_replies + 1);
        assert_eq!(store.roster(&[9; 32]).unwrap().unwrap(), b"v1");
        assert_eq!(store.membership(&[9; 32], &[5; 32]).unwrap().unwrap(), b"m");
        drop(store);
        assert_eq!(user_version(&dir), MIGRATIONS.len() as i64);

        // A database from a newer relay is refused, not downgraded.
        Connection::open(dir.join("relay.sqlite3"))
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let refused = SqliteStore::open(&dir).err().unwrap();
        assert!(refused.0.contains("schema version 99"), "{refused}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The envelope counters as a scan of every envelope finds them.
    fn scanned(dir: &Path) -> (u64, u64) {
        Connection::open(dir.join(DATABASE_FILE))
            .unwrap()
            .query_row(
                "SELECT count(*), coalesce(sum(size), 0) FROM envelopes WHERE state = 0",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .unwrap()
    }

    fn counters(store: &SqliteStore) -> (u64, u64) {
        let stats = store.stats().unwrap();
        (stats.envelopes, stats.bytes)
    }

    /// The virtual-machine steps and full-scan steps of one run of the stats query.
    fn stats_cost(dir: &Path) -> (i32, i32) {
        let conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        let mut query = conn.prepare(STATS).unwrap();
        query.query_row([], |_| Ok(())).unwrap();
        (
            query.get_status(rusqlite::StatementStatus::VmStep),
            query.get_status(rusqlite::StatementStatus::FullscanStep),
        )
    }

    #[test]
    fn stats_read_one_row_whatever_is_stored() {
        let (store, dir) = temp_store();
        let plan: Vec<String> = Connection::open(dir.join(DATABASE_FILE))
            .unwrap()
            .prepare(&format!("EXPLAIN QUERY PLAN {STATS}"))
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            plan.iter()
                .all(|step| step.starts_with("SEARCH envelope_stats")),
            "{plan:?}"
        );
        let empty = stats_cost(&dir);
        assert_eq!(empty.1, 0, "no full scan");
        for i in 0..200 {
            let len = if i % 20 == 0 { 50_000 } else { 100 };
            let e = NewEnvelope {
                body: vec![7; len],
                ..envelope(&format!("e{i}"), None)
            };
            store.insert(e).unwrap();
        }
        assert_eq!(counters(&store), (200, 10 * 50_000 + 190 * 100));
        assert_eq!(
            stats_cost(&dir),
            empty,
            "the same work with 200 envelopes (1 MB) as with none"
        );
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn counters_follow_uploads_opens_burns_revocations_expiry_and_a_restored_snapshot() {
        let (store, dir) = temp_store();
        let add = |id: &str, len: usize, max_opens, expires_at| {
            store
                .insert(NewEnvelope {
                    body: vec![1; len],
                    expires_at,
                    ..envelope(id, max_opens)
                })
                .unwrap();
            counters(&store)
        };
        assert_eq!(counters(&store), (0, 0));
        assert_eq!(add("burned", 1000, Some(2), 200), (1, 1000));
        assert_eq!(add("revoked", 300, None, 200), (2, 1300));
        assert_eq!(add("expired", 20, None, 100), (3, 1320));
        assert_eq!(add("kept", 4000, Some(5), 200), (4, 5320));
        assert!(store.insert(envelope("kept", None)).is_err());
        assert_eq!(
            counters(&store),
            (4, 5320),
            "a refused upload counts nothing"
        );

        store.record_open("burned").unwrap();
        store.record_open("kept").unwrap();
        assert_eq!(counters(&store), (4, 5320), "opens below the limit");
        store.record_open("burned").unwrap();
        assert_eq!(counters(&store), (3, 4320), "burned");
        store.revoke("revoked").unwrap();
        store.revoke("revoked").unwrap();
        store.revoke("burned").unwrap();
        assert_eq!(counters(&store), (2, 4020), "revoked once");
        assert_eq!(store.purge_expired(100).unwrap(), 1);
        assert_eq!(counters(&store), (1, 4000), "expired");
        assert_eq!(counters(&store), scanned(&dir));

        let snapshot = dir.with_extension("snapshot");
        crate::snapshot::backup(&dir, &snapshot, false).unwrap();
        assert_eq!(store.purge_expired(200).unwrap(), 3);
        assert_eq!(counters(&store), (0, 0));
        drop(store);
        let restored = dir.with_extension("restored");
        crate::snapshot::restore(&snapshot, &restored).unwrap();
        let store = SqliteStore::open(&restored).unwrap();
        assert_eq!(
            counters(&store),
            (1, 4000),
            "as when the snapshot was taken"
        );
        assert_eq!(counters(&store), scanned(&restored));
        drop(store);
        for path in [dir, restored] {
            std::fs::remove_dir_all(path).unwrap();
        }
        std::fs::remove_file(snapshot).unwrap();
    }

    #[test]
    fn a_signed_request_is_refused_again_within_its_window_also_after_a_restart() {
        let (store, dir) = temp_store();
        assert!(store.first_use(&[1; 32], 100, 50).unwrap());
        assert!(!store.first_use(&[1; 32], 100, 60).unwrap());
        assert!(store.first_use(&[2; 32], 100, 60).unwrap());
        drop(store);

        let store = SqliteStore::open(&dir).unwrap();
        assert!(
            !store.first_use(&[1; 32], 100, 100).unwrap(),
            "after a restart"
        );
        // Another relay on the same store shares what was seen.
        let other = SqliteStore::open(&dir).unwrap();
        assert!(other.first_use(&[3; 32], 100, 60).unwrap());
        assert!(!store.first_use(&[3; 32], 100, 60).unwrap());

        // Past its window a key counts as new; the purge forgets it.
        assert!(store.first_use(&[1; 32], 200, 101).unwrap());
        let rows = |dir: &Path| -> i64 {
            Connection::open(dir.join(DATABASE_FILE))
                .unwrap()
                .query_row("SELECT count(*) FROM seen_requests", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(rows(&dir), 3);
        store.purge_expired(150).unwrap();
        assert_eq!(rows(&dir), 1, "only the key renewed until 200 is left");
        assert!(!store.first_use(&[1; 32], 200, 150).unwrap());
        drop((store, other));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn random_bytes(len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        bytes
    }

    /// Whether any 32 bytes in a row of `body` are in one of the files of `dir` (the
    /// database, the WAL and the shared-memory index).
    fn any_piece_in(dir: &Path, body: &[u8]) -> bool {
        let pieces: std::collections::HashSet<&[u8]> = body.windows(32).collect();
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| std::fs::read(e.unwrap().path()).ok())
            .any(|file| file.windows(32).any(|w| pieces.contains(w)))
    }

    /// Waits (at most 5 s) until no piece of `body` is in the files of `dir`.
    fn gone_from_files(dir: &Path, body: &[u8]) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while any_piece_in(dir, body) {
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        true
    }

    #[test]
    fn a_body_deleted_just_before_a_crash_leaves_the_wal_when_the_store_opens_again() {
        let (store, dir) = temp_store();
        drop(store);
        // A relay that deleted a body and died before its checkpoint truncated the WAL: the
        // WAL still holds the pages with the body. This connection stays open, so that the
        // WAL is not checkpointed and removed when it closes.
        let body = random_bytes(20_000);
        let crashed = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        crashed.pragma_update(None, "secure_delete", "ON").unwrap();
        crashed
            .pragma_update(None, "wal_autocheckpoint", 0)
            .unwrap();
        insert_one(
            &crashed,
            &NewEnvelope {
                body: body.clone(),
                ..envelope("revoked", None)
            },
        )
        .unwrap();
        crashed
            .execute("UPDATE envelopes SET state = 1, body = NULL", [])
            .unwrap();
        assert!(any_piece_in(&dir, &body), "the WAL holds the body");

        let store = SqliteStore::open(&dir).unwrap();
        assert!(
            gone_from_files(&dir, &body),
            "still in the files 5 s after the store opened"
        );
        drop((store, crashed));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn deleted_bodies_leave_no_ciphertext_in_the_database_files() {
        let (store, dir) = temp_store();
        // Large bodies spill into overflow pages, small ones sit in the row.
        let body = |id: &str, len: usize| (id.to_owned(), random_bytes(len));
        let deleted = [
            body("revoked", 20_000),
            body("burned", 600),
            body("expired", 9_000),
            body("reply", 30_000),
            body("small reply", 400),
        ];
        let kept = [body("kept", 12_000), body("kept reply", 12_000)];
        let bodies: std::collections::HashMap<String, Vec<u8>> =
            deleted.iter().chain(&kept).cloned().collect();
        for (id, max_opens, expires_at) in [
            ("revoked", None, 200),
            ("burned", Some(1), 200),
            ("expired", None, 100),
            ("kept", None, 200),
        ] {
            store
                .insert(NewEnvelope {
                    body: bodies[id].clone(),
                    expires_at,
                    ..envelope(id, max_opens)
                })
                .unwrap();
        }
        for (id, name) in [("r1", "reply"), ("r2", "small reply"), ("r3", "kept reply")] {
            let stored = store
                .insert_reply(reply("kept", id, &bodies[name], 20), 4, 50)
                .unwrap();
            assert_eq!(stored, ReplyInsert::Stored);
        }
        // Let one checkpoint copy everything into the database file first.
        std::thread::sleep(std::time::Duration::from_millis(600));
        let data = dir.clone();
        assert!(deleted.iter().all(|(_, b)| any_piece_in(&data, b)));

        store.revoke("revoked").unwrap();
        assert_eq!(
            store.record_open("burned").unwrap(),
            Some((1, State::Burned))
        );
        assert_eq!(store.purge_expired(100).unwrap(), 1);
        assert!(store.delete_reply("kept", "r1").unwrap());
        assert!(store.delete_reply("kept", "r2").unwrap());

        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let left: Vec<&str> = deleted
                .iter()
                .filter(|(_, b)| any_piece_in(&data, b))
                .map(|(name, _)| name.as_str())
                .collect();
            if left.is_empty() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still in the files 5 s after deletion: {left:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        for (name, b) in &kept {
            assert!(any_piece_in(&data, b), "{name} is still stored");
        }
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
