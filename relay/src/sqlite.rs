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

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::store::{
    self, Fetched, Meta, NewEnvelope, NewReply, NewRoster, Reply, ReplyInsert, Sender, State,
    Stats, Store, StoreError, StoreFuture, StoreResult, TeamEnvelope, TeamFile, TeamFilePut,
    MAX_TEAMS_PER_MEMBER,
};

/// The database file in the data directory.
pub const DATABASE_FILE: &str = "relay.sqlite3";
/// The file a serving relay holds an exclusive lock on, beside [`DATABASE_FILE`]
/// ([`SqliteStore::open_to_serve`]).
pub const LOCK_FILE: &str = "relay.lock";

/// The newest schema version (`PRAGMA user_version`) this relay knows; it opens any version
/// from 1 up to this one, upgrading older ones in place.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// The schema, one step per version: step `i` takes a database from `user_version` i to
/// i + 1. A released step is never edited; a change is a new step. Public so that tests can
/// make a database of an older version as the relay made it then.
pub const MIGRATIONS: [&str; 7] = [
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
    // 6: what a fetch of a body kept in memory reads (Store::liveness), in an index of its
    // own: in the table these columns follow the body, on its overflow pages.
    "CREATE INDEX envelopes_liveness ON envelopes (id, expires_at, state, max_opens);",
    // 7: how many changes could have ended an envelope's life (a deletion; a change of its
    // id, state, expiry or open limit), counted by triggers whatever process makes them, so
    // that the relay serving the store also sees those it did not make (Store::changes).
    "CREATE TABLE envelope_changes (
        id          INTEGER PRIMARY KEY CHECK (id = 0),
        changes     INTEGER NOT NULL
    );
    INSERT INTO envelope_changes (id, changes) VALUES (0, 0);
    CREATE TRIGGER envelope_changes_delete AFTER DELETE ON envelopes
    BEGIN
        UPDATE envelope_changes SET changes = changes + 1 WHERE id = 0;
    END;
    CREATE TRIGGER envelope_changes_update AFTER UPDATE OF id, state, expires_at, max_opens
        ON envelopes
        WHEN old.id IS NOT new.id OR old.state IS NOT new.state
          OR old.expires_at IS NOT new.expires_at OR old.max_opens IS NOT new.max_opens
    BEGIN
        UPDATE envelope_changes SET changes = changes + 1 WHERE id = 0;
    END;",
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

/// An upload waiting for the group commit, and what takes its result.
type InsertJob = (NewEnvelope, Box<dyn FnOnce(StoreResult<()>) + Send>);

/// SQLite storage: a group-commit thread for uploads, one connection for other writes, and a
/// few readers (WAL lets them run in parallel with the writers).
pub struct SqliteStore {
    inserts: mpsc::Sender<InsertJob>,
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
    /// The store's count of changes to its envelopes ([`CHANGES`]), as last read: at once
    /// after each of this store's own, and at every checkpoint tick for those of other
    /// processes.
    changes: Arc<AtomicU64>,
    /// The exclusive lock on [`LOCK_FILE`] of the relay that serves the store
    /// ([`SqliteStore::open_to_serve`]), released when the store (or the process) goes.
    serving: Option<File>,
}

const INSERT: &str = "INSERT INTO envelopes (id, body, size, created_at, expires_at, max_opens,
    manage_hash, proof_hash, uploader, team_owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// The counters of the active envelopes: one row, kept by the triggers of schema version 5.
const STATS: &str = "SELECT envelopes, bytes FROM envelope_stats WHERE id = 0";

/// The count of changes that could have ended an envelope's life, kept by the triggers of
/// schema version 7.
const CHANGES: &str = "SELECT changes FROM envelope_changes WHERE id = 0";

/// Reads [`CHANGES`].
fn read_changes(conn: &Connection) -> rusqlite::Result<u64> {
    conn.prepare_cached(CHANGES)?
        .query_row([], |r| r.get::<_, i64>(0))
        .map(|n| u64::try_from(n).unwrap_or(0))
}

/// [`Store::liveness`]: answered from the index `envelopes_liveness` alone, never the row,
/// whose later columns sit after the body. Named, since the planner would take the unique
/// index on `id` (one row either way) and then read the row.
const LIVENESS: &str = "SELECT state, max_opens IS NOT NULL
    FROM envelopes INDEXED BY envelopes_liveness WHERE id = ?1 AND expires_at > ?2";

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
            reply(result);
        }
    }
}

fn commit_stopped() -> StoreError {
    StoreError("the commit thread has stopped".into())
}

fn err(e: rusqlite::Error) -> StoreError {
    StoreError(e.to_string())
}

/// Copies the WAL back into the database every 250 ms, so that uploads never wait for a
/// checkpoint. After a deletion (`scrub` set) the checkpoint also truncates the WAL, so that
/// no copy of the deleted pages stays there; that one waits for the writers in flight
/// (briefly: see [`SCRUB_WAIT`]) and is retried at the next tick if they hold it up. Each
/// tick also reads the count of envelope changes into `changes`, for those that other
/// processes made. Ends when the store is dropped (or the connection fails).
fn checkpoint_loop(
    conn: Connection,
    stop: Arc<AtomicBool>,
    scrub: Arc<AtomicBool>,
    changes: Arc<AtomicU64>,
) {
    while !stop.load(Ordering::Relaxed) {
        if let Ok(n) = read_changes(&conn) {
            changes.fetch_max(n, Ordering::SeqCst);
        }
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
        create_dir(dir)?;
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
        // Unbounded: each job's body is in memory already, and the relay bounds the
        // requests in flight.
        let (send, jobs) = mpsc::channel();
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
        let changes = Arc::new(AtomicU64::new(read_changes(&writer).map_err(err)?));
        let (stopped, scrubbed, counted) = (stop.clone(), scrub.clone(), changes.clone());
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, stopped, scrubbed, counted))
            .map_err(|e| StoreError(format!("cannot start the checkpoint thread: {e}")))?;
        std::thread::Builder::new()
            .name("sqlite-commit".into())
            .spawn(move || commit_loop(committer, jobs))
            .map_err(|e| StoreError(format!("cannot start the commit thread: {e}")))?;
        Ok(SqliteStore {
            inserts: send,
            stop,
            scrub,
            writer: Mutex::new(writer),
            seen: Mutex::new(seen),
            readers,
            next: AtomicUsize::new(0),
            changes,
            serving: None,
        })
    }

    /// Opens the store for the one relay that serves `dir`: takes an exclusive lock on
    /// [`LOCK_FILE`] first, and refuses if another relay holds it. Its own changes to the
    /// envelopes then show in [`Store::changes`] at once; the other commands change senders
    /// and rosters only (or refuse a directory with a store in it), and a change made by hand
    /// shows at the next checkpoint tick.
    pub fn open_to_serve(dir: &Path) -> StoreResult<SqliteStore> {
        create_dir(dir)?;
        let path = dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError(format!("cannot open {}: {e}", path.display())))?;
        lock.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => StoreError(format!(
                "another relay serves {} (it holds {}): stop it, or give this relay its own --data-dir",
                dir.display(),
                path.display()
            )),
            std::fs::TryLockError::Error(e) => {
                StoreError(format!("cannot lock {}: {e}", path.display()))
            }
        })?;
        let mut store = SqliteStore::open(dir)?;
        store.serving = Some(lock);
        Ok(store)
    }

    /// Commits `tx`, a change to the envelopes, and then takes the count of envelope changes
    /// read in it (for [`Store::changes`]): a fetch that read the count before sees the
    /// change at its next read of the count, and one that reads it after reads the new rows.
    fn commit_counted(&self, tx: rusqlite::Transaction<'_>) -> StoreResult<()> {
        let counted = read_changes(&tx).map_err(err)?;
        tx.commit().map_err(err)?;
        self.changes.fetch_max(counted, Ordering::SeqCst);
        Ok(())
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

    /// Queues an upload for the group commit; `reply` takes its result after the commit.
    fn queue(
        &self,
        envelope: NewEnvelope,
        reply: impl FnOnce(StoreResult<()>) + Send + 'static,
    ) -> StoreResult<()> {
        self.inserts
            .send((envelope, Box::new(reply)))
            .map_err(|_| commit_stopped())
    }

    /// A free reading connection, taken in turn; a read waits only when all are in use.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..READERS {
            match self.readers.get((first + i) % READERS).map(Mutex::try_lock) {
                Some(Ok(free)) => return free,
                Some(Err(TryLockError::Poisoned(p))) => return p.into_inner(),
                Some(Err(TryLockError::WouldBlock)) | None => {}
            }
        }
        match self.readers.get(first % READERS) {
            Some(m) => m.lock().unwrap_or_else(|p| p.into_inner()),
            None => self.writer(),
        }
    }
}

/// Creates `dir` and its parents if missing.
fn create_dir(dir: &Path) -> StoreResult<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError(format!("cannot create {}: {e}", dir.display())))
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
        let (send, result) = mpsc::sync_channel(1);
        self.queue(envelope, move |r| drop(send.send(r)))?;
        result.recv().map_err(|_| commit_stopped())?
    }

    fn insert_later(&self, envelope: NewEnvelope) -> StoreFuture<()> {
        let (send, result) = tokio::sync::oneshot::channel();
        if let Err(e) = self.queue(envelope, move |r| drop(send.send(r))) {
            return store::ready(Err(e));
        }
        Box::pin(async move { result.await.map_err(|_| commit_stopped())? })
    }

    fn fetch(&self, id: &str, now: u64) -> StoreResult<Fetched> {
        let row = self
            .reader()
            .prepare_cached(
                "SELECT state, body, expires_at, max_opens IS NOT NULL
                 FROM envelopes WHERE id = ?1 AND expires_at > ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![id, now as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<Vec<u8>>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get(3)?,
                    ))
                })
                .optional()
            })
            .map_err(err)?;
        Ok(match row {
            None => Fetched::Missing,
            Some((0, Some(body), expires_at, limited)) => Fetched::Body {
                body,
                expires_at: expires_at as u64,
                limited,
            },
            Some(_) => Fetched::Gone,
        })
    }

    fn liveness(&self, id: &str, now: u64) -> StoreResult<Option<(State, bool)>> {
        self.reader()
            .prepare_cached(LIVENESS)
            .and_then(|mut s| {
                s.query_row(params![id, now as i64], |r| {
                    Ok((State::of_code(r.get(0)?), r.get(1)?))
                })
                .optional()
            })
            .map_err(err)
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

    fn changes(&self) -> Option<u64> {
        self.serving
            .as_ref()
            .map(|_| self.changes.load(Ordering::SeqCst))
    }

    fn revoke(&self, id: &str) -> StoreResult<()> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(err)?;
        let revoked = tx
            .execute(
                "UPDATE envelopes SET state = 1, body = NULL WHERE id = ?1 AND state = 0",
                params![id],
            )
            .map_err(err)?;
        self.commit_counted(tx)?;
        self.scrub_after(revoked);
        Ok(())
    }

    fn record_open(&self, id: &str) -> StoreResult<Option<(u32, State)>> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(err)?;
        let opened = tx
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
        self.commit_counted(tx)?;
        if let Some((_, State::Burned)) = opened {
            self.scrub_after(1);
        }
        Ok(opened)
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
        self.commit_counted(tx)?;
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
    // The store's behaviour, the same on SQLite and PostgreSQL, is tested through the `Store`
    // trait in relay/tests/api.rs, with SQLite's own (schema upgrades, deleted bodies leaving
    // the files); this one needs the statement the store runs.
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// What SQLite's planner says it does for `query`, one step per line.
    fn plan(dir: &Path, query: &str) -> Vec<String> {
        let conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        let mut explain = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {query}"))
            .unwrap();
        let unbound = vec![rusqlite::types::Null; explain.parameter_count()];
        explain
            .query_map(rusqlite::params_from_iter(unbound), |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// A fresh data directory.
    fn fresh_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "sealbill-store-{}-{}",
            std::process::id(),
            rand_core::RngCore::next_u64(&mut rand_core::OsRng)
        ))
    }

    #[test]
    fn liveness_reads_its_index_only() {
        let dir = fresh_dir();
        let _store = SqliteStore::open(&dir).unwrap();
        assert_eq!(
            plan(&dir, LIVENESS),
            ["SEARCH envelopes USING COVERING INDEX envelopes_liveness (id=? AND expires_at>?)"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_relay_at_a_time_serves_a_store_and_counts_the_changes_to_its_envelopes() {
        let dir = fresh_dir();
        let serving = SqliteStore::open_to_serve(&dir).unwrap();
        let Err(StoreError(refused)) = SqliteStore::open_to_serve(&dir) else {
            unreachable!("a second relay served the same store");
        };
        assert!(refused.starts_with("another relay serves"), "{refused}");
        // The other commands (senders, rosters) still open it, and do not serve it.
        let command = SqliteStore::open(&dir).unwrap();
        assert_eq!(command.changes(), None);
        let envelope = |id: &str, max_opens| NewEnvelope {
            id: id.to_owned(),
            body: b"age".to_vec(),
            created_at: 1,
            expires_at: 100,
            max_opens,
            manage_hash: [0; 32],
            proof_hash: None,
            uploader: None,
            team_owner: None,
        };
        for id in ["plain", "limited", "by-hand", "other"] {
            serving
                .insert(envelope(id, (id == "limited").then_some(2)))
                .unwrap();
        }
        assert_eq!(serving.changes(), Some(0), "uploads");
        serving.record_open("limited").unwrap();
        assert_eq!(serving.changes(), Some(0), "an open that does not burn");
        serving.record_open("limited").unwrap();
        assert_eq!(serving.changes(), Some(1), "the burn");
        serving.revoke("plain").unwrap();
        assert_eq!(serving.changes(), Some(2), "the revocation");
        serving.purge_expired(50).unwrap();
        assert_eq!(
            serving.changes(),
            Some(2),
            "a purge that finds nothing expired"
        );
        // A change made by another process (an operator's edit by hand) shows at a checkpoint
        // tick; a change to anything but an envelope's life does not count.
        let by_hand = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        by_hand
            .execute("UPDATE envelopes SET opens = 5 WHERE id = 'by-hand'", [])
            .unwrap();
        by_hand
            .execute(
                "UPDATE envelopes SET expires_at = 1 WHERE id = 'by-hand'",
                [],
            )
            .unwrap();
        let seen = (0..40).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            serving.changes() == Some(3)
        });
        assert!(
            seen,
            "the edit by hand was counted: {:?}",
            serving.changes()
        );
        assert_eq!(
            serving.purge_expired(100).unwrap(),
            4,
            "every envelope, expired"
        );
        assert_eq!(
            serving.changes(),
            Some(7),
            "the purge's deletions, one each"
        );
        drop((serving, command, by_hand));
        assert_eq!(SqliteStore::open_to_serve(&dir).unwrap().changes(), Some(7));
        std::fs::remove_dir_all(&dir).unwrap();
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
        let dir = fresh_dir();
        let store = SqliteStore::open(&dir).unwrap();
        let conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        let plan = plan(&dir, STATS);
        assert!(
            plan.iter()
                .all(|step| step.starts_with("SEARCH envelope_stats")),
            "{plan:?}"
        );
        let empty = stats_cost(&dir);
        assert_eq!(empty.1, 0, "no full scan");
        // 200 envelopes, every 20th of 50 000 bytes, the others of 100; the schema's triggers
        // count them as the store's own inserts do.
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199),
                 sized(i, len) AS (
                     SELECT i, CASE WHEN i % 20 = 0 THEN 50000 ELSE 100 END FROM n)
             INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash)
             SELECT 'e' || i, zeroblob(len), len, 10, 100, zeroblob(32) FROM sized",
        )
        .unwrap();
        let stats = store.stats().unwrap();
        assert_eq!(
            (stats.envelopes, stats.bytes),
            (200, 10 * 50_000 + 190 * 100)
        );
        assert_eq!(
            stats_cost(&dir),
            empty,
            "the same work with 200 envelopes (1 MB) as with none"
        );
        drop((store, conn));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
