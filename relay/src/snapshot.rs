//! Snapshots of the store, kept apart from it.
//!
//! [`backup`] copies the database of a data directory into one file while a relay may be
//! serving from it. It reads through SQLite's online backup API inside **one read
//! transaction**: in WAL mode that pins a single committed state of the database for the
//! whole copy, while the relay's writers go on appending to the WAL (a reader never blocks a
//! writer there). The copy goes in steps of [`PAGES_PER_STEP`] pages with a short pause
//! between them, so that a large store does not take the disk away from the relay.
//!
//! The pages are copied as they are. Freed pages are zeros already, because the store runs
//! with `secure_delete` (see [`crate::sqlite`]), so a deleted body does not come back from a
//! snapshot; only bodies still stored when the snapshot starts are in it.
//!
//! [`restore`] puts a snapshot into an empty or missing data directory. Both write through a
//! temporary file that is checked (`PRAGMA integrity_check`, a known schema version, the
//! relay's tables), fsynced and then renamed into place, so a half-written or hostile file is
//! never taken for a database.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::sqlite::{DATABASE_FILE, SCHEMA_VERSION};

/// Pages copied per backup step (256 KiB with the default 4 KiB pages).
pub const PAGES_PER_STEP: i32 = 64;
/// The pause between two backup steps (about 4 s per GiB in all).
pub const PAUSE: Duration = Duration::from_millis(1);
/// How long a backup step may find the database busy before the backup gives up.
const BUSY_LIMIT: Duration = Duration::from_secs(10);

/// A snapshot that could not be written or restored, in words for the operator.
#[derive(Debug)]
pub struct SnapshotError(pub String);

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SnapshotError {}

type SnapshotResult<T> = Result<T, SnapshotError>;

fn fail<T>(message: impl Into<String>) -> SnapshotResult<T> {
    Err(SnapshotError(message.into()))
}

/// What a checked snapshot holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Its `PRAGMA user_version`.
    pub schema_version: usize,
    /// Envelope rows, whatever their state.
    pub envelopes: u64,
    /// Envelope rows that still hold a body (revoked and burned ones do not).
    pub bodies: u64,
    /// Replies.
    pub replies: u64,
    /// Senders on the allow-list.
    pub senders: u64,
    /// Team rosters (public data, one per owner).
    pub rosters: u64,
    /// Team memberships (public data, one per member and team).
    pub memberships: u64,
    /// Archive-key files (age ciphertext, one per team and epoch).
    pub archive_keys: u64,
    /// The size of the file.
    pub bytes: u64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "schema version {}, {} envelopes ({} with a body), {} replies, {} senders, {} rosters, \
             {} memberships, {} archive-key files, {} bytes",
            self.schema_version,
            self.envelopes,
            self.bodies,
            self.replies,
            self.senders,
            self.rosters,
            self.memberships,
            self.archive_keys,
            self.bytes
        )
    }
}

/// Removes a temporary file (and any SQLite journal beside it) unless it was kept.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// Creates `path`, which must not exist, readable by its owner only.
    fn create(path: PathBuf) -> SnapshotResult<(TempFile, File)> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| SnapshotError(format!("cannot create {}: {e}", path.display())))?;
        Ok((TempFile { path, keep: false }, file))
    }

    /// Renames the file to `to` and makes the rename durable.
    fn rename_to(mut self, to: &Path) -> SnapshotResult<()> {
        fs::rename(&self.path, to).map_err(|e| {
            SnapshotError(format!(
                "cannot rename {} to {}: {e}",
                self.path.display(),
                to.display()
            ))
        })?;
        self.keep = true;
        sync_dir(parent_of(to))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        let _ = fs::remove_file(&self.path);
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut side = self.path.clone().into_os_string();
            side.push(suffix);
            let _ = fs::remove_file(side);
        }
    }
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary name beside `path`, hidden, unique to this process and call.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let random = rand_core::RngCore::next_u64(&mut rand_core::OsRng);
    parent_of(path).join(format!(".{name}.{}-{random:016x}.tmp", std::process::id()))
}

fn sync_file(path: &Path) -> SnapshotResult<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| SnapshotError(format!("cannot sync {}: {e}", path.display())))
}

fn sync_dir(dir: &Path) -> SnapshotResult<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| SnapshotError(format!("cannot sync the directory {}: {e}", dir.display())))
}

fn sql(what: &str) -> impl Fn(rusqlite::Error) -> SnapshotError + '_ {
    move |e| SnapshotError(format!("{what}: {e}"))
}

/// Opens an existing database file, never creating one.
pub(crate) fn open_existing(path: &Path) -> SnapshotResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| SnapshotError(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(sql("busy timeout"))?;
    Ok(conn)
}

/// Writes a snapshot of the database in `data_dir` to `to`, while a relay may be serving
/// from it. Refuses to replace an existing `to` unless `force`.
pub fn backup(data_dir: &Path, to: &Path, force: bool) -> SnapshotResult<Summary> {
    let source = data_dir.join(DATABASE_FILE);
    if !source.is_file() {
        return fail(format!(
            "no relay database in {} (no {DATABASE_FILE}); is --data-dir right?",
            data_dir.display()
        ));
    }
    refuse_existing(to, force)?;
    let (temp, file) = TempFile::create(temp_beside(to))?;
    drop(file);

    let src = open_existing(&source)?;
    src.pragma_update(None, "query_only", true)
        .map_err(sql("query_only"))?;
    // One read transaction for the whole copy: the backup reads this one state of the
    // database (it uses the transaction it finds open), whatever the relay commits meanwhile.
    src.execute_batch("BEGIN DEFERRED")
        .map_err(sql("cannot start reading the database"))?;
    src.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| {
        SnapshotError(format!(
            "cannot read the relay database {}: {e}",
            source.display()
        ))
    })?;
    let mut dst = open_existing(&temp.path)?;
    copy(&src, &mut dst)?;
    src.execute_batch("COMMIT")
        .map_err(sql("cannot end the read transaction"))?;
    drop(src);
    // The copy carries the source's WAL flag; a snapshot is one self-contained file.
    let mode: String = dst
        .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))
        .map_err(sql("cannot set the snapshot's journal mode"))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return fail(format!("the snapshot stayed in journal mode {mode}"));
    }
    drop(dst);
    sync_file(&temp.path)?;
    let summary = check(&temp.path)?;
    refuse_existing(to, force)?;
    temp.rename_to(to)?;
    Ok(summary)
}

/// Refuses an existing `to` unless `force`, and a directory always.
fn refuse_existing(to: &Path, force: bool) -> SnapshotResult<()> {
    match fs::symlink_metadata(to) {
        Ok(m) if m.is_dir() => fail(format!("{} is a directory", to.display())),
        Ok(_) if !force => fail(format!(
            "{} exists; pass --force to replace it",
            to.display()
        )),
        _ => Ok(()),
    }
}

/// Runs the backup in steps, pausing between them; gives up if the database stays busy.
fn copy(src: &Connection, dst: &mut Connection) -> SnapshotResult<()> {
    let backup = Backup::new(src, dst).map_err(sql("cannot start the backup"))?;
    let mut busy_since: Option<Instant> = None;
    loop {
        match backup
            .step(PAGES_PER_STEP)
            .map_err(sql("the backup failed"))?
        {
            StepResult::Done => return Ok(()),
            StepResult::More => {
                busy_since = None;
                std::thread::sleep(PAUSE);
            }
            _ => {
                let since = *busy_since.get_or_insert_with(Instant::now);
                if since.elapsed() > BUSY_LIMIT {
                    return fail(format!(
                        "the database stayed locked for {} s; try again",
                        BUSY_LIMIT.as_secs()
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Restores the snapshot `from` into `data_dir`, which must be empty or missing; the relay
/// then starts on it (and upgrades an older schema version).
pub fn restore(from: &Path, data_dir: &Path) -> SnapshotResult<Summary> {
    let created = match fs::read_dir(data_dir) {
        Ok(mut entries) => {
            if let Some(entry) = entries.next() {
                let name = entry
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .unwrap_or_default();
                return fail(format!(
                    "the data directory {} is not empty (it holds {name}); restore only into \
                     an empty or missing directory",
                    data_dir.display()
                ));
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return fail(format!("{}: {e}", data_dir.display())),
    };
    // The header alone tells a file that is not SQLite, truncated or too new: refuse those
    // before anything is written.
    check_header(from)?;
    if created {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(data_dir)
            .map_err(|e| SnapshotError(format!("cannot create {}: {e}", data_dir.display())))?;
    }
    let result = restore_into(from, data_dir);
    if result.is_err() && created {
        let _ = fs::remove_dir(data_dir);
    }
    result
}

fn restore_into(from: &Path, data_dir: &Path) -> SnapshotResult<Summary> {
    let target = data_dir.join(DATABASE_FILE);
    let (temp, mut file) = TempFile::create(temp_beside(&target))?;
    let mut source =
        File::open(from).map_err(|e| SnapshotError(format!("{}: {e}", from.display())))?;
    std::io::copy(&mut source, &mut file)
        .map_err(|e| SnapshotError(format!("cannot copy {}: {e}", from.display())))?;
    file.sync_all()
        .map_err(|e| SnapshotError(format!("cannot sync {}: {e}", temp.path.display())))?;
    drop(file);
    // The copy is what the relay will read, so the copy is what gets checked.
    let summary = check(&temp.path)?;
    temp.rename_to(&target)?;
    Ok(summary)
}

/// The SQLite header's magic string.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The big-endian number at `at` in the header.
fn be_u32(header: &[u8; 100], at: usize) -> u32 {
    let mut bytes = [0u8; 4];
    if let Some(b) = header.get(at..at + 4) {
        bytes.copy_from_slice(b);
    }
    u32::from_be_bytes(bytes)
}

/// Checks the 100-byte header: SQLite, the size it claims, and a schema version this relay
/// knows. Cheap, and needs no SQLite, so nothing is opened or written for a hostile file.
fn check_header(path: &Path) -> SnapshotResult<()> {
    let named = |what: String| SnapshotError(format!("{}: {what}", path.display()));
    let mut file = File::open(path).map_err(|e| named(e.to_string()))?;
    let len = file.metadata().map_err(|e| named(e.to_string()))?.len();
    let mut header = [0u8; 100];
    if len < 100 || file.read_exact(&mut header).is_err() || !header.starts_with(MAGIC) {
        return Err(named("not an SQLite database".into()));
    }
    let page_size = match be_u32(&header, 14) & 0xffff {
        1 => 65_536,
        n if (512..=32_768).contains(&n) && n.is_power_of_two() => u64::from(n),
        n => return Err(named(format!("not a valid SQLite file (page size {n})"))),
    };
    // The page count in the header is valid when the change counter matches its stamp.
    let pages = u64::from(be_u32(&header, 28));
    let counted = be_u32(&header, 24) == be_u32(&header, 92);
    if len % page_size != 0 || (counted && len < pages * page_size) {
        return Err(named(format!(
            "truncated: {len} bytes, where the header says {} pages of {page_size} bytes",
            if counted {
                pages.to_string()
            } else {
                "whole".into()
            }
        )));
    }
    known_version(i64::from(be_u32(&header, 60) as i32))
        .map(|_| ())
        .map_err(named)
}

fn known_version(version: i64) -> Result<usize, String> {
    match usize::try_from(version) {
        Ok(v) if (1..=SCHEMA_VERSION).contains(&v) => Ok(v),
        _ if version > SCHEMA_VERSION as i64 => Err(format!(
            "schema version {version} is newer than this relay knows (1 to {SCHEMA_VERSION}); \
             use the relay version that wrote it"
        )),
        _ => Err(format!(
            "schema version {version}: not a sealbill relay snapshot (this relay knows 1 to \
             {SCHEMA_VERSION})"
        )),
    }
}

/// Checks a database file we wrote (a snapshot, or the copy of one being restored): its
/// header, `PRAGMA integrity_check`, its schema version and the relay's tables. Returns what
/// it holds.
fn check(path: &Path) -> SnapshotResult<Summary> {
    check_header(path)?;
    let named = |what: String| SnapshotError(format!("{}: {what}", path.display()));
    let conn = open_existing(path)?;
    // A hostile schema gets no trust: no functions with side effects from views or triggers.
    conn.pragma_update(None, "trusted_schema", false)
        .map_err(|e| named(e.to_string()))?;
    conn.pragma_update(None, "query_only", true)
        .map_err(|e| named(e.to_string()))?;
    let integrity = conn
        .prepare("PRAGMA integrity_check(20)")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| named(format!("failed the integrity check: {e}")))?;
    if integrity != ["ok"] {
        return Err(named(format!(
            "failed the integrity check: {}",
            integrity.join("; ")
        )));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| named(e.to_string()))?;
    let schema_version = known_version(version).map_err(named)?;
    let not_relay = |e: rusqlite::Error| named(format!("not a sealbill relay snapshot: {e}"));
    let (envelopes, bodies): (i64, i64) = conn
        .query_row("SELECT count(*), count(body) FROM envelopes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(not_relay)?;
    let senders: i64 = conn
        .query_row("SELECT count(*) FROM senders", [], |r| r.get(0))
        .map_err(not_relay)?;
    // Each table counts from the schema version that made it.
    let rows = |table: &str, since: usize| -> SnapshotResult<i64> {
        if schema_version < since {
            return Ok(0);
        }
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(not_relay)
    };
    let replies = rows("replies", 2)?;
    let rosters = rows("rosters", 3)?;
    let memberships = rows("memberships", 4)?;
    let archive_keys = rows("archive_keys", 4)?;
    drop(conn);
    let bytes = fs::metadata(path).map_err(|e| named(e.to_string()))?.len();
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Summary {
        schema_version,
        envelopes: count(envelopes),
        bodies: count(bodies),
        replies: count(replies),
        senders: count(senders),
        rosters: count(rosters),
        memberships: count(memberships),
        archive_keys: count(archive_keys),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::sqlite::{SqliteStore, MIGRATIONS};
    use crate::store::{Fetched, Store};

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sealbill-snapshot-{tag}-{}-{}",
            std::process::id(),
            rand_core::RngCore::next_u64(&mut rand_core::OsRng)
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_version_1_snapshot_restores_and_upgrades_when_the_relay_opens_it() {
        let dir = temp_dir("v1");
        let file = dir.join("v1.sqlite3");
        {
            let old = Connection::open(&file).unwrap();
            old.execute_batch(MIGRATIONS[0]).unwrap();
            old.execute_batch("PRAGMA user_version = 1").unwrap();
            old.execute(
                "INSERT INTO envelopes (id, body, size, created_at, expires_at, manage_hash)
                 VALUES ('kept', x'61676531', 4, 10, 4000000000, x'01')",
                [],
            )
            .unwrap();
        }
        let data = dir.join("data");
        let summary = restore(&file, &data).unwrap();
        assert_eq!((summary.schema_version, summary.envelopes), (1, 1));
        let store = SqliteStore::open(&data).unwrap();
        assert!(
            matches!(store.fetch("kept", 50).unwrap(), Fetched::Body { body: b, .. } if b == b"age1")
        );
        drop(store);
        let upgraded = backup(&data, &dir.join("again.sqlite3"), false).unwrap();
        assert_eq!(upgraded.schema_version, SCHEMA_VERSION);
        // Nothing but the database is left in the data directory by the restore.
        let names: Vec<_> = fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
            .collect();
        assert_eq!(names, [DATABASE_FILE]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_backup_of_a_missing_store_creates_nothing() {
        let dir = temp_dir("missing");
        let err = backup(&dir.join("data"), &dir.join("s.sqlite3"), false).unwrap_err();
        assert!(err.0.contains("no relay database"), "{err}");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
        fs::remove_dir_all(dir).unwrap();
    }
}
