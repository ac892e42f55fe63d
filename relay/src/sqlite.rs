//! The embedded SQLite store: one file in the data directory, WAL mode, `synchronous=FULL`,
//! so that an upload answered with 201 survives a crash.
//!
//! Uploads go through one writer thread that commits whatever has queued up in a single
//! transaction (group commit): one fsync serves many concurrent uploads, and each caller
//! returns only after the commit that holds its envelope.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::store::{
    Fetched, Meta, NewEnvelope, Sender, State, Stats, Store, StoreError, StoreResult,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS envelopes (
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
);
PRAGMA user_version = 1;
";

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
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

const INSERT: &str = "INSERT INTO envelopes (id, body, size, created_at, expires_at, max_opens,
    manage_hash, proof_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

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

fn state_of(code: i64) -> State {
    match code {
        1 => State::Revoked,
        2 => State::Burned,
        _ => State::Active,
    }
}

fn hash_of(bytes: Option<Vec<u8>>) -> Option<[u8; 32]> {
    bytes.and_then(|b| b.try_into().ok())
}

/// Copies the WAL back into the database every 250 ms, so that uploads never wait for a
/// checkpoint. Ends when the store is dropped (or the connection fails).
fn checkpoint_loop(conn: Connection, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
        if done.is_err() {
            return;
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) `relay.sqlite3` in `dir`.
    pub fn open(dir: &Path) -> StoreResult<SqliteStore> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join("relay.sqlite3");
        let connect = || -> StoreResult<Connection> {
            let c = Connection::open(&path).map_err(err)?;
            c.busy_timeout(std::time::Duration::from_secs(5))
                .map_err(err)?;
            c.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
            c.pragma_update(None, "synchronous", "FULL").map_err(err)?;
            Ok(c)
        };
        let writer = connect()?;
        writer.execute_batch(SCHEMA).map_err(err)?;
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
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, stopped))
            .map_err(|e| StoreError(format!("cannot start the checkpoint thread: {e}")))?;
        std::thread::Builder::new()
            .name("sqlite-commit".into())
            .spawn(move || commit_loop(committer, jobs))
            .map_err(|e| StoreError(format!("cannot start the commit thread: {e}")))?;
        Ok(SqliteStore {
            inserts: Mutex::new(send),
            stop,
            writer: Mutex::new(writer),
            readers,
            next: AtomicUsize::new(0),
        })
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (each call is one
        // statement or one transaction), so a poisoned lock is still usable.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
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
                "SELECT expires_at, max_opens, opens, state, manage_hash, proof_hash
                 FROM envelopes WHERE id = ?1 AND expires_at > ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![id, now as i64], |r| {
                    Ok(Meta {
                        expires_at: r.get::<_, i64>(0)? as u64,
                        max_opens: r.get(1)?,
                        opens: r.get(2)?,
                        state: state_of(r.get(3)?),
                        manage_hash: hash_of(r.get(4)?).unwrap_or([0; 32]),
                        proof_hash: hash_of(r.get(5)?),
                    })
                })
                .optional()
            })
            .map_err(err)
    }

    fn revoke(&self, id: &str) -> StoreResult<()> {
        self.writer()
            .execute(
                "UPDATE envelopes SET state = 1, body = NULL WHERE id = ?1 AND state = 0",
                params![id],
            )
            .map(|_| ())
            .map_err(err)
    }

    fn record_open(&self, id: &str) -> StoreResult<Option<(u32, State)>> {
        self.writer()
            .query_row(
                "UPDATE envelopes SET opens = opens + 1,
                   state = CASE WHEN max_opens IS NOT NULL AND opens + 1 >= max_opens
                                THEN 2 ELSE state END,
                   body = CASE WHEN max_opens IS NOT NULL AND opens + 1 >= max_opens
                               THEN NULL ELSE body END
                 WHERE id = ?1 AND state = 0
                 RETURNING opens, state",
                params![id],
                |r| Ok((r.get(0)?, state_of(r.get(1)?))),
            )
            .optional()
            .map_err(err)
    }

    fn purge_expired(&self, now: u64) -> StoreResult<usize> {
        self.writer()
            .execute(
                "DELETE FROM envelopes WHERE expires_at <= ?1",
                params![now as i64],
            )
            .map_err(err)
    }

    fn stats(&self) -> StoreResult<Stats> {
        self.reader()
            .query_row(
                "SELECT count(*), coalesce(sum(size), 0) FROM envelopes WHERE state = 0",
                [],
                |r| {
                    Ok(Stats {
                        envelopes: r.get::<_, i64>(0)? as u64,
                        bytes: r.get::<_, i64>(1)? as u64,
                    })
                },
            )
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

    #[test]
    fn lifecycle_fetch_expire_revoke_burn() {
        let (store, dir) = temp_store();
        store.insert(envelope("a", None)).unwrap();
        store.insert(envelope("b", Some(2))).unwrap();
        assert!(store.insert(envelope("a", None)).is_err(), "ids are unique");
        assert!(matches!(store.fetch("a", 50).unwrap(), Fetched::Body(b) if b == b"age"));
        assert!(matches!(store.fetch("a", 100).unwrap(), Fetched::Missing));
        assert!(matches!(store.fetch("zz", 50).unwrap(), Fetched::Missing));
        let meta = store.meta("b", 50).unwrap().unwrap();
        assert_eq!(
            (meta.opens, meta.state, meta.proof_hash),
            (0, State::Active, Some([2; 32]))
        );

        assert_eq!(store.record_open("b").unwrap(), Some((1, State::Active)));
        assert_eq!(store.record_open("b").unwrap(), Some((2, State::Burned)));
        assert!(matches!(store.fetch("b", 50).unwrap(), Fetched::Gone));
        assert_eq!(
            store.record_open("b").unwrap(),
            None,
            "a burned envelope counts no more"
        );

        store.revoke("a").unwrap();
        assert!(matches!(store.fetch("a", 50).unwrap(), Fetched::Gone));
        assert_eq!(store.stats().unwrap().envelopes, 0);
        assert_eq!(store.purge_expired(100).unwrap(), 2);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn concurrent_uploads_commit_together_and_a_bad_one_fails_alone() {
        let (store, dir) = temp_store();
        store.insert(envelope("dup", None)).unwrap();
        let store = std::sync::Arc::new(store);
        let threads: Vec<_> = (0..40)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    let id = if i % 10 == 0 {
                        "dup".to_owned()
                    } else {
                        format!("e{i}")
                    };
                    store.insert(envelope(&id, None)).is_ok()
                })
            })
            .collect();
        let ok: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            ok.iter().filter(|&&x| !x).count(),
            4,
            "only the 4 duplicates fail"
        );
        assert_eq!(store.stats().unwrap().envelopes, 37);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn senders_add_list_remove() {
        let (store, dir) = temp_store();
        let s = Sender {
            card: "sealbill-card:x".into(),
            fingerprint: "1 2".into(),
            added_at: 5,
        };
        store.add_sender(&[9; 32], &s).unwrap();
        store.add_sender(&[9; 32], &s).unwrap();
        assert!(store.is_sender(&[9; 32]).unwrap());
        assert!(!store.is_sender(&[8; 32]).unwrap());
        assert_eq!(store.senders().unwrap().len(), 1);
        assert!(store.remove_sender("1 2").unwrap());
        assert!(!store.remove_sender("1 2").unwrap());
        assert!(!store.is_sender(&[9; 32]).unwrap());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
