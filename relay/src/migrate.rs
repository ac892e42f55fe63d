//! `sealbill-relay migrate`: copies a SQLite store into an empty PostgreSQL database, for relay
//! nodes that share one store, and verifies the copy before committing it.
//!
//! It is not part of the [`crate::store::Store`] trait: it is a one-time copy between the two
//! backends' tables, which the relay's requests never need. The copy follows the schemas
//! instead of mapping each table a second time: it takes every table of the SQLite store with
//! its columns, and writes each row to the PostgreSQL table and columns of the same names
//! (which [`crate::postgres`] creates), each value converted to the type that the PostgreSQL
//! statement asks for. So whatever a store holds is copied, including tables added by later
//! schema versions, and no table's rows are mapped twice. Before anything is copied:
//!
//! - the source must hold exactly the tables and columns that [`crate::sqlite::MIGRATIONS`]
//!   make (otherwise it is not a relay store of this version), at [`SCHEMA_VERSION`];
//! - the PostgreSQL schema must hold the same tables, and every SQLite column (a column of its
//!   own must fill itself, as `replies.arrival` does), so that a schema change made to one
//!   backend only stops the migration rather than dropping data.
//!
//! The counters of the active envelopes (`envelope_stats`) are kept by triggers in both
//! schemas, so they are compared, not copied: PostgreSQL's, made by its triggers from the
//! copied envelopes, must equal the source's. The SQLite store's count of envelope changes
//! (`envelope_changes`), which only the relay serving that file reads, is left behind.
//!
//! - **Source**: opened without creating anything, `query_only`, and read in one read
//!   transaction, so the copy is one committed state of the store, also while a relay serves
//!   from it (in WAL mode its writers go on meanwhile; what they store later is not copied).
//! - **Target**: one transaction creates the schema (`postgres::upgrade`, which holds
//!   the migration lock, so relay nodes starting meanwhile wait), locks the tables against
//!   writers, checks that they are empty, copies, reads every table back and compares it with
//!   the source, and commits only if all of it is equal. Any failure leaves the database as it
//!   was.
//! - **Verification**: each row's SHA-256, over all its values (an envelope's body included),
//!   as read back from PostgreSQL must equal the one of the row read from SQLite, matched by
//!   primary key, and each table must hold the same rows; a difference names the table and the
//!   row's key (an envelope's id).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode};
use sha2::{Digest, Sha256};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Config, NoTls, Row, Transaction};

use crate::sqlite::{DATABASE_FILE, MIGRATIONS, SCHEMA_VERSION};

/// Tables that triggers keep from `envelopes`, in both schemas: compared, not copied.
const KEPT_BY_TRIGGERS: &[&str] = &["envelope_stats"];

/// The PostgreSQL store's own bookkeeping (its schema version; SQLite keeps it in the file's
/// header): neither copied nor compared.
const POSTGRES_ONLY: &[&str] = &["schema_version"];

/// The SQLite store's own bookkeeping (the count of envelope changes its relay reads,
/// `Store::changes`): neither copied nor compared.
const SQLITE_ONLY: &[&str] = &["envelope_changes"];

/// Rows read back from PostgreSQL per round trip: few, as one envelope may be 25 MiB.
const READ_BACK_ROWS: i32 = 4;

/// How long connecting, and waiting for the locks on the target's tables, may take.
const WAIT: Duration = Duration::from_secs(10);

/// Differences named in the error, at most.
const SHOWN: usize = 10;

/// A migration that did not happen, in words for the operator (never with the password).
#[derive(Debug)]
pub struct MigrateError(pub String);

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MigrateError {}

type MigrateResult<T> = Result<T, MigrateError>;

fn fail<T>(message: impl Into<String>) -> MigrateResult<T> {
    Err(MigrateError(message.into()))
}

/// A PostgreSQL error in plain words, without the values of the statement.
fn pg(e: tokio_postgres::Error) -> MigrateError {
    MigrateError(crate::postgres::err(e).0)
}

/// What was copied and verified.
#[derive(Clone, Debug)]
pub struct Report {
    /// The SQLite file read.
    pub file: PathBuf,
    /// Its schema version (this relay's).
    pub schema_version: usize,
    /// Envelopes, whatever their state.
    pub envelopes: u64,
    /// Envelopes that hold a body (revoked and burned ones do not).
    pub bodies: u64,
    /// The size of those bodies, in bytes.
    pub body_bytes: u64,
    /// Each table, by name.
    pub tables: Vec<Copied>,
    /// How long it took.
    pub elapsed: Duration,
}

/// One table of a [`Report`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// The table.
    pub table: String,
    /// Its rows, the same in both databases.
    pub rows: u64,
    /// The size of their values, in bytes (an integer counts 8).
    pub bytes: u64,
    /// Kept by triggers on both sides: compared, not copied.
    pub kept_by_triggers: bool,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} envelopes ({} with a body, {} bytes of ciphertext) and every other row, each \
             read back from PostgreSQL with the SHA-256 of the source's row, in {:.2} s:",
            self.envelopes,
            self.bodies,
            self.body_bytes,
            self.elapsed.as_secs_f64()
        )?;
        writeln!(f, "  {:<16} {:>10} {:>14}", "table", "rows", "bytes")?;
        for t in &self.tables {
            let note = if t.kept_by_triggers {
                "  (kept by triggers: compared, not copied)"
            } else {
                ""
            };
            writeln!(f, "  {:<16} {:>10} {:>14}{note}", t.table, t.rows, t.bytes)?;
        }
        Ok(())
    }
}

/// Copies the SQLite store at `from` (a data directory, or a database file in it or written by
/// `backup`) into the PostgreSQL database of `to`, which must hold no relay data, and verifies
/// the copy before committing it.
pub fn migrate(from: &Path, to: &Config) -> MigrateResult<Report> {
    let started = Instant::now();
    let source = Source::open(from)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| MigrateError(format!("cannot start the PostgreSQL runtime: {e}")))?;
    let mut config = to.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(WAIT);
    }
    let (mut client, connection) = runtime
        .block_on(config.connect(NoTls))
        .map_err(|e| MigrateError(format!("cannot connect to the database: {}", pg(e))))?;
    runtime.spawn(async move {
        let _ = connection.await;
    });
    let tables = runtime
        .block_on(copy(&source, &mut client))
        .map_err(|e| MigrateError(format!("{e}; nothing was written to PostgreSQL")))?;
    Ok(Report {
        file: source.file.clone(),
        schema_version: SCHEMA_VERSION,
        envelopes: source.envelopes.0,
        bodies: source.envelopes.1,
        body_bytes: source.envelopes.2,
        tables,
        elapsed: started.elapsed(),
    })
}

/// A value of a stored row, as both databases hold it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    fn of_sqlite(value: ValueRef<'_>) -> Result<Value, String> {
        match value {
            ValueRef::Null => Ok(Value::Null),
            ValueRef::Integer(n) => Ok(Value::Int(n)),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|t| Value::Text(t.to_owned()))
                .map_err(|_| "text that is not UTF-8".to_owned()),
            ValueRef::Blob(b) => Ok(Value::Blob(b.to_vec())),
            ValueRef::Real(_) => Err("a floating-point number, which no relay column holds".into()),
        }
    }

    fn of_postgres(row: &Row, i: usize) -> Result<Value, String> {
        let ty = row
            .columns()
            .get(i)
            .map(|c| c.type_().clone())
            .ok_or("a missing column")?;
        let read = |e: tokio_postgres::Error| e.to_string();
        let value = match ty {
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)
                .map_err(read)?
                .map(|n| Value::Int(n.into())),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)
                .map_err(read)?
                .map(|n| Value::Int(n.into())),
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)
                .map_err(read)?
                .map(Value::Int),
            Type::TEXT | Type::VARCHAR => row
                .try_get::<_, Option<String>>(i)
                .map_err(read)?
                .map(Value::Text),
            Type::BYTEA => row
                .try_get::<_, Option<Vec<u8>>>(i)
                .map_err(read)?
                .map(Value::Blob),
            other => {
                return Err(format!(
                    "a value of type {other}, which no relay column has"
                ))
            }
        };
        Ok(value.unwrap_or(Value::Null))
    }

    /// The value as a statement parameter of PostgreSQL type `ty`.
    fn into_param(self, ty: &Type) -> Result<Box<dyn ToSql + Sync + Send>, String> {
        let out_of_range = |n: i64| format!("{n} is out of range for a column of type {ty}");
        let param: Box<dyn ToSql + Sync + Send> = match (self, ty.clone()) {
            (Value::Null, Type::INT2) => Box::new(None::<i16>),
            (Value::Null, Type::INT4) => Box::new(None::<i32>),
            (Value::Null, Type::INT8) => Box::new(None::<i64>),
            (Value::Null, Type::TEXT | Type::VARCHAR) => Box::new(None::<String>),
            (Value::Null, Type::BYTEA) => Box::new(None::<Vec<u8>>),
            (Value::Int(n), Type::INT2) => Box::new(i16::try_from(n).map_err(|_| out_of_range(n))?),
            (Value::Int(n), Type::INT4) => Box::new(i32::try_from(n).map_err(|_| out_of_range(n))?),
            (Value::Int(n), Type::INT8) => Box::new(n),
            (Value::Text(t), Type::TEXT | Type::VARCHAR) => Box::new(t),
            (Value::Blob(b), Type::BYTEA) => Box::new(b),
            (value, _) => return Err(format!("{} for a column of type {ty}", value.kind())),
        };
        Ok(param)
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Text(_) => "text",
            Value::Blob(_) => "a blob",
        }
    }

    /// Bytes counted for the report: an integer 8, text and blobs their length.
    fn size(&self) -> u64 {
        match self {
            Value::Null => 0,
            Value::Int(_) => 8,
            Value::Text(t) => t.len() as u64,
            Value::Blob(b) => b.len() as u64,
        }
    }

    /// The value as a key is shown: text as it is, a blob as the hex of its first 8 bytes.
    fn shown(&self) -> String {
        match self {
            Value::Null => "NULL".into(),
            Value::Int(n) => n.to_string(),
            Value::Text(t) => t.clone(),
            Value::Blob(b) => {
                let hex: String = b.iter().take(8).map(|x| format!("{x:02x}")).collect();
                if b.len() > 8 {
                    format!("x'{hex}…'")
                } else {
                    format!("x'{hex}'")
                }
            }
        }
    }
}

/// The SHA-256 of a row: each value's type, then its length and bytes (an integer: its 8
/// bytes), so that no two different rows are hashed from the same bytes.
fn digest(row: &[Value]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for value in row {
        match value {
            Value::Null => hash.update([0]),
            Value::Int(n) => {
                hash.update([1]);
                hash.update(n.to_be_bytes());
            }
            Value::Text(t) => {
                hash.update([2]);
                hash.update((t.len() as u64).to_be_bytes());
                hash.update(t.as_bytes());
            }
            Value::Blob(b) => {
                hash.update([3]);
                hash.update((b.len() as u64).to_be_bytes());
                hash.update(b);
            }
        }
    }
    hash.finalize().into()
}

/// A table as both databases hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Table {
    name: String,
    /// Its columns, in the SQLite table's order.
    columns: Vec<String>,
    /// The primary key's columns, as indexes into `columns`, in key order.
    key: Vec<usize>,
    /// Whether SQLite has a rowid for it: its rows are then read in rowid order, the order
    /// they were stored in, so that PostgreSQL's `replies.arrival` numbers the replies in the
    /// same order as SQLite's rowid, which orders replies stored in the same second.
    rowid: bool,
}

impl Table {
    fn kept_by_triggers(&self) -> bool {
        KEPT_BY_TRIGGERS.contains(&self.name.as_str())
    }

    /// The key of `row` as shown to the operator: `id = …`.
    fn key_of(&self, row: &[Value]) -> Vec<Value> {
        if self.key.is_empty() {
            // No primary key: the row's hash stands for it.
            return vec![Value::Blob(digest(row).to_vec())];
        }
        self.key
            .iter()
            .map(|&i| row.get(i).cloned().unwrap_or(Value::Null))
            .collect()
    }

    fn shown(&self, key: &[Value]) -> String {
        let names: Vec<&str> = if self.key.is_empty() {
            vec!["SHA-256"]
        } else {
            self.key
                .iter()
                .filter_map(|&i| self.columns.get(i).map(String::as_str))
                .collect()
        };
        let pairs: Vec<String> = names
            .iter()
            .zip(key)
            .map(|(name, value)| format!("{name} = {}", value.shown()))
            .collect();
        format!("{} ({})", self.name, pairs.join(", "))
    }

    fn column_list(&self) -> String {
        let quoted: Vec<String> = self.columns.iter().map(|c| quote(c)).collect();
        quoted.join(", ")
    }
}

/// An SQL identifier, quoted (for SQLite and PostgreSQL alike).
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables of a SQLite database (its own `sqlite_…` tables left out), by name.
fn tables_of(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = Vec::new();
    for name in names {
        let info: Vec<(String, i64)> = conn
            .prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut key: Vec<(i64, usize)> = info
            .iter()
            .enumerate()
            .filter(|(_, (_, pk))| *pk > 0)
            .map(|(i, (_, pk))| (*pk, i))
            .collect();
        key.sort_unstable();
        // A WITHOUT ROWID table has no rowid to select.
        let rowid = conn
            .prepare(&format!("SELECT rowid FROM {} LIMIT 0", quote(&name)))
            .is_ok();
        tables.push(Table {
            name,
            columns: info.into_iter().map(|(c, _)| c).collect(),
            key: key.into_iter().map(|(_, i)| i).collect(),
            rowid,
        });
    }
    Ok(tables)
}

/// The tables of the current schema, as [`MIGRATIONS`] make them.
fn current_tables() -> MigrateResult<Vec<Table>> {
    let made = Connection::open_in_memory().and_then(|conn| {
        for step in MIGRATIONS {
            conn.execute_batch(step)?;
        }
        tables_of(&conn)
    });
    made.map_err(|e| MigrateError(format!("cannot make the current schema: {e}")))
}

/// The SQLite store being read: one read transaction, open until it is dropped.
struct Source {
    conn: Connection,
    file: PathBuf,
    tables: Vec<Table>,
    /// Envelopes, those with a body, and the bodies' bytes.
    envelopes: (u64, u64, u64),
}

impl Source {
    /// Opens the store at `path` (a data directory or a database file) for reading, checks that
    /// it is a relay store of the current schema version, and starts the read transaction.
    fn open(path: &Path) -> MigrateResult<Source> {
        let file = if path.is_dir() {
            path.join(DATABASE_FILE)
        } else {
            path.to_path_buf()
        };
        match std::fs::metadata(&file) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return fail(format!("{} is not a file", file.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && path.is_dir() => {
                return fail(format!(
                    "no relay store in {}: it holds no {DATABASE_FILE}; is the path right?",
                    path.display()
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return fail(format!("{} does not exist", path.display()))
            }
            Err(e) => return fail(format!("{}: {e}", file.display())),
        }
        let conn = crate::snapshot::open_existing(&file).map_err(|e| MigrateError(e.0))?;
        let named = |e: rusqlite::Error| {
            if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) {
                MigrateError(format!("{} is not an SQLite database", file.display()))
            } else {
                MigrateError(format!("cannot read {}: {e}", file.display()))
            }
        };
        // Nothing in the file is trusted (no functions with side effects from its schema), and
        // nothing is written to it.
        conn.pragma_update(None, "trusted_schema", false)
            .map_err(named)?;
        conn.pragma_update(None, "query_only", true)
            .map_err(named)?;
        // One read transaction for the whole copy; its first read fixes the state it sees.
        conn.execute_batch("BEGIN DEFERRED").map_err(named)?;
        let tables = tables_of(&conn).map_err(named)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(named)?;
        let not_relay = |why: String| {
            MigrateError(format!(
                "{} is not a sealbill relay store ({why})",
                file.display()
            ))
        };
        let current = SCHEMA_VERSION as i64;
        if version > current {
            return fail(format!(
                "{} has schema version {version}, newer than this relay's ({SCHEMA_VERSION}): \
                 migrate it with the relay version that wrote it",
                file.display()
            ));
        }
        if version < 1 {
            return Err(not_relay(format!("schema version {version}")));
        }
        if version < current {
            return fail(format!(
                "{} has schema version {version}, and migrate copies this relay's version \
                 {SCHEMA_VERSION} only: open it once with this relay, which upgrades it in place \
                 (start the relay on its data directory, or run `sealbill-relay --data-dir DIR \
                 senders list`), then migrate again",
                file.display()
            ));
        }
        let expected = current_tables()?;
        if let Some(why) = schema_difference(&expected, &tables) {
            return Err(not_relay(why));
        }
        let tables = tables
            .into_iter()
            .filter(|t| !SQLITE_ONLY.contains(&t.name.as_str()))
            .collect();
        let envelopes = conn
            .query_row(
                "SELECT count(*), count(body), coalesce(sum(length(body)), 0) FROM envelopes",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .map_err(named)?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(Source {
            envelopes: (count(envelopes.0), count(envelopes.1), count(envelopes.2)),
            conn,
            file,
            tables,
        })
    }
}

/// What makes `found` another schema than `expected`, if anything.
fn schema_difference(expected: &[Table], found: &[Table]) -> Option<String> {
    let names =
        |tables: &[Table]| -> BTreeSet<String> { tables.iter().map(|t| t.name.clone()).collect() };
    let (want, have) = (names(expected), names(found));
    if let Some(missing) = want.difference(&have).next() {
        return Some(format!("it has no table {missing}"));
    }
    if let Some(extra) = have.difference(&want).next() {
        return Some(format!(
            "it has a table {extra} that the relay does not make"
        ));
    }
    expected
        .iter()
        .zip(found)
        .find(|(want, have)| want.columns != have.columns || want.key != have.key)
        .map(|(want, have)| {
            format!(
                "its table {} has the columns {}, where the relay makes {}",
                want.name,
                have.columns.join(", "),
                want.columns.join(", ")
            )
        })
}

/// The columns of each PostgreSQL table: (name, whether it fills itself when not given).
async fn target_columns(
    tx: &Transaction<'_>,
) -> MigrateResult<BTreeMap<String, Vec<(String, bool)>>> {
    let rows = tx
        .query(
            "SELECT c.table_name::text, c.column_name::text,
                    c.is_identity = 'YES' OR c.is_generated <> 'NEVER'
                      OR c.column_default IS NOT NULL
             FROM information_schema.columns c
             JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .await
        .map_err(pg)?;
    let mut tables = BTreeMap::<String, Vec<(String, bool)>>::new();
    for row in rows {
        let (table, column, fills): (String, String, bool) = (
            row.try_get(0).map_err(pg)?,
            row.try_get(1).map_err(pg)?,
            row.try_get(2).map_err(pg)?,
        );
        tables.entry(table).or_default().push((column, fills));
    }
    Ok(tables)
}

/// Refuses a PostgreSQL schema that cannot take every column of `source`.
fn check_target_schema(
    source: &[Table],
    target: &BTreeMap<String, Vec<(String, bool)>>,
) -> MigrateResult<()> {
    let ours: BTreeSet<&str> = source.iter().map(|t| t.name.as_str()).collect();
    if let Some(other) = target
        .keys()
        .find(|t| !ours.contains(t.as_str()) && !POSTGRES_ONLY.contains(&t.as_str()))
    {
        return fail(format!(
            "the PostgreSQL database holds a table {other} that is not the relay's: migrate \
             into a database of its own"
        ));
    }
    for table in source {
        let Some(columns) = target.get(&table.name) else {
            return fail(format!(
                "the PostgreSQL schema has no table {}, which the SQLite store has: this relay \
                 cannot migrate",
                table.name
            ));
        };
        if let Some(missing) = table
            .columns
            .iter()
            .find(|c| !columns.iter().any(|(name, _)| name == *c))
        {
            return fail(format!(
                "the PostgreSQL table {} has no column {missing}, which the SQLite store has: \
                 this relay cannot migrate",
                table.name
            ));
        }
        if let Some((extra, _)) = columns
            .iter()
            .find(|(name, fills)| !fills && !table.columns.contains(name))
        {
            return fail(format!(
                "the PostgreSQL table {} has a column {extra} that the SQLite store cannot \
                 fill: this relay cannot migrate",
                table.name
            ));
        }
    }
    Ok(())
}

/// The copy, in one transaction on the target: schema, locks, emptiness, rows, verification.
/// Returns what each table holds; commits only if every table verified.
async fn copy(source: &Source, client: &mut tokio_postgres::Client) -> MigrateResult<Vec<Copied>> {
    let tx = client.transaction().await.map_err(pg)?;
    // PostgreSQL's notices ("relation … already exists, skipping") would go to the log.
    tx.batch_execute("SET LOCAL client_min_messages = warning")
        .await
        .map_err(pg)?;
    crate::postgres::upgrade(&tx)
        .await
        .map_err(|e| MigrateError(format!("cannot make the relay's schema: {}", e.0)))?;
    check_target_schema(&source.tables, &target_columns(&tx).await?)?;

    // Relay nodes already on this database could write meanwhile: their writes wait.
    let names: Vec<String> = source.tables.iter().map(|t| quote(&t.name)).collect();
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{}s'; LOCK TABLE {} IN EXCLUSIVE MODE",
        WAIT.as_secs(),
        names.join(", ")
    ))
    .await
    .map_err(|e| {
        MigrateError(format!(
            "cannot lock the relay's tables in PostgreSQL (is a relay node using them?): {}",
            pg(e)
        ))
    })?;
    let mut holding = Vec::new();
    for table in source.tables.iter().filter(|t| !t.kept_by_triggers()) {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quote(&table.name));
        let row = tx.query_one(sql.as_str(), &[]).await.map_err(pg)?;
        if row.try_get::<_, bool>(0).map_err(pg)? {
            holding.push(table.name.as_str());
        }
    }
    if !holding.is_empty() {
        return fail(format!(
            "the PostgreSQL database already holds relay data (in {}): migrate copies into an \
             empty store only, never merging or overwriting",
            holding.join(", ")
        ));
    }

    // The counters last: the triggers make them from the copied envelopes.
    let mut order: Vec<&Table> = source.tables.iter().collect();
    order.sort_by_key(|t| (t.kept_by_triggers(), t.name.clone()));
    let mut copied = Vec::new();
    let mut differences = Vec::new();
    for table in order {
        let from_source = copy_table(&source.conn, &tx, table).await?;
        let from_target = read_back(&tx, table).await?;
        copied.push(Copied {
            table: table.name.clone(),
            rows: from_source.rows.len() as u64,
            bytes: from_source.bytes,
            kept_by_triggers: table.kept_by_triggers(),
        });
        differences.extend(verify(table, from_source, from_target));
    }
    if !differences.is_empty() {
        let count = differences.len();
        let rows = if count == 1 { "row" } else { "rows" };
        let shown: Vec<String> = differences.into_iter().take(SHOWN).collect();
        return fail(format!(
            "the copy read back from PostgreSQL differs from the source in {count} {rows}: {}",
            shown.join("; ")
        ));
    }
    tx.commit().await.map_err(pg)?;
    copied.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(copied)
}

/// Each row's key and SHA-256, and the size of the values, of one side of a table.
#[derive(Default)]
struct Tally {
    rows: Vec<(Vec<Value>, [u8; 32])>,
    bytes: u64,
}

impl Tally {
    fn add(&mut self, table: &Table, row: &[Value]) {
        self.bytes += row.iter().map(Value::size).sum::<u64>();
        self.rows.push((table.key_of(row), digest(row)));
    }
}

/// Reads `table` from the source in its stored order, tallies each row, and inserts it into
/// the target (unless triggers keep the table).
async fn copy_table(
    conn: &Connection,
    tx: &Transaction<'_>,
    table: &Table,
) -> MigrateResult<Tally> {
    let read = |e: rusqlite::Error| MigrateError(format!("cannot read {}: {e}", table.name));
    let order = if table.rowid { " ORDER BY rowid" } else { "" };
    let mut select = conn
        .prepare(&format!(
            "SELECT {} FROM {}{order}",
            table.column_list(),
            quote(&table.name)
        ))
        .map_err(read)?;
    let insert = if table.kept_by_triggers() {
        None
    } else {
        let places: Vec<String> = (1..=table.columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(&table.name),
            table.column_list(),
            places.join(", ")
        );
        Some(tx.prepare(&sql).await.map_err(pg)?)
    };
    let mut tally = Tally::default();
    let mut rows = select.query([]).map_err(read)?;
    while let Some(row) = rows.next().map_err(read)? {
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            let value = row.get_ref(i).map_err(read).and_then(|v| {
                Value::of_sqlite(v)
                    .map_err(|what| MigrateError(format!("{}.{column} holds {what}", table.name)))
            })?;
            values.push(value);
        }
        tally.add(table, &values);
        let Some(insert) = &insert else {
            continue;
        };
        let key = table.shown(&table.key_of(&values));
        let mut params = Vec::with_capacity(values.len());
        for ((value, ty), column) in values.into_iter().zip(insert.params()).zip(&table.columns) {
            params.push(value.into_param(ty).map_err(|what| {
                MigrateError(format!("cannot copy {key}: column {column}: {what}"))
            })?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as _).collect();
        tx.execute(insert, &refs)
            .await
            .map_err(|e| MigrateError(format!("cannot copy {key}: {}", pg(e))))?;
    }
    Ok(tally)
}

/// Reads `table` back from the target, a few rows a round trip, and tallies each row.
async fn read_back(tx: &Transaction<'_>, table: &Table) -> MigrateResult<Tally> {
    let sql = format!("SELECT {} FROM {}", table.column_list(), quote(&table.name));
    let portal = tx.bind(sql.as_str(), &[]).await.map_err(pg)?;
    let mut tally = Tally::default();
    loop {
        let rows = tx.query_portal(&portal, READ_BACK_ROWS).await.map_err(pg)?;
        for row in &rows {
            let values = (0..table.columns.len())
                .map(|i| Value::of_postgres(row, i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|what| {
                    MigrateError(format!("{} in PostgreSQL holds {what}", table.name))
                })?;
            tally.add(table, &values);
        }
        if rows.len() < READ_BACK_ROWS as usize {
            return Ok(tally);
        }
    }
}

/// Compares the rows of `table` read from the source with those read back from the target:
/// the same keys, each with the same SHA-256. Returns each difference in words.
fn verify(table: &Table, mut source: Tally, mut target: Tally) -> Vec<String> {
    source.rows.sort_unstable();
    target.rows.sort_unstable();
    let hex = |d: &[u8; 32]| -> String { d.iter().take(8).map(|b| format!("{b:02x}")).collect() };
    let mut differences = Vec::new();
    let (mut from, mut to) = (source.rows.iter().peekable(), target.rows.iter().peekable());
    loop {
        let order = match (from.peek(), to.peek()) {
            (None, None) => return differences,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((key, _)), Some((their_key, _))) => key.cmp(their_key),
        };
        match order {
            Ordering::Less => {
                if let Some((key, _)) = from.next() {
                    differences.push(format!("{}: missing from PostgreSQL", table.shown(key)));
                }
            }
            Ordering::Greater => {
                if let Some((key, _)) = to.next() {
                    differences.push(format!(
                        "{}: in PostgreSQL but not in the source",
                        table.shown(key)
                    ));
                }
            }
            Ordering::Equal => {
                if let (Some((key, want)), Some((_, have))) = (from.next(), to.next()) {
                    if want != have {
                        differences.push(format!(
                            "{}: the row read back has SHA-256 {}…, the source's {}…",
                            table.shown(key),
                            hex(have),
                            hex(want)
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelopes() -> Table {
        current_tables()
            .unwrap()
            .into_iter()
            .find(|t| t.name == "envelopes")
            .unwrap()
    }

    /// An envelope row in the columns' order: id and body, the rest fixed.
    fn envelope_row(table: &Table, id: &str, body: &[u8]) -> Vec<Value> {
        table
            .columns
            .iter()
            .map(|c| match c.as_str() {
                "id" => Value::Text(id.into()),
                "body" => Value::Blob(body.to_vec()),
                "manage_hash" => Value::Blob(vec![1; 32]),
                "max_opens" | "proof_hash" | "uploader" | "team_owner" => Value::Null,
                _ => Value::Int(7),
            })
            .collect()
    }

    fn tally(table: &Table, rows: &[Vec<Value>]) -> Tally {
        let mut tally = Tally::default();
        for row in rows {
            tally.add(table, row);
        }
        tally
    }

    #[test]
    fn equal_tables_verify_in_any_order() {
        let table = envelopes();
        let rows = vec![
            envelope_row(&table, "a", &[1; 3_000_000]),
            envelope_row(&table, "b", b"age"),
            envelope_row(&table, "c", b""),
        ];
        let reversed: Vec<_> = rows.iter().rev().cloned().collect();
        assert!(verify(&table, tally(&table, &rows), tally(&table, &reversed)).is_empty());
    }

    #[test]
    fn a_body_with_one_byte_flipped_is_reported_by_its_envelope_id() {
        let table = envelopes();
        let mut body = vec![0u8; 3 << 20];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut body);
        let rows = vec![
            envelope_row(&table, "kept", b"age"),
            envelope_row(&table, "AbCdEfGhIjKlMnOpQrStUv", &body),
        ];
        body[1 << 20] ^= 1;
        let read_back = vec![
            envelope_row(&table, "kept", b"age"),
            envelope_row(&table, "AbCdEfGhIjKlMnOpQrStUv", &body),
        ];
        let differences = verify(&table, tally(&table, &rows), tally(&table, &read_back));
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert!(
            differences[0].starts_with(
                "envelopes (id = AbCdEfGhIjKlMnOpQrStUv): the row read back has SHA-256"
            ),
            "{differences:?}"
        );
    }

    #[test]
    fn a_changed_open_count_a_missing_row_and_an_extra_row_are_each_reported() {
        let table = envelopes();
        let opens = table.columns.iter().position(|c| c == "opens").unwrap();
        let source = vec![
            envelope_row(&table, "opened", b"x"),
            envelope_row(&table, "lost", b"y"),
        ];
        let mut opened = envelope_row(&table, "opened", b"x");
        opened[opens] = Value::Int(0);
        let target = vec![opened, envelope_row(&table, "stray", b"z")];
        let differences = verify(&table, tally(&table, &source), tally(&table, &target));
        assert_eq!(
            differences
                .iter()
                .map(|d| d.split(':').next().unwrap())
                .collect::<Vec<_>>(),
            [
                "envelopes (id = lost)",
                "envelopes (id = opened)",
                "envelopes (id = stray)"
            ]
        );
        assert!(differences[0].ends_with("missing from PostgreSQL"));
        assert!(differences[2].ends_with("in PostgreSQL but not in the source"));
    }

    #[test]
    fn row_hashes_keep_types_and_boundaries_apart() {
        let rows = [
            vec![Value::Null],
            vec![Value::Blob(Vec::new())],
            vec![Value::Text(String::new())],
            vec![Value::Int(0)],
            vec![Value::Text("ab".into()), Value::Text("c".into())],
            vec![Value::Text("a".into()), Value::Text("bc".into())],
            vec![Value::Blob(b"ab".to_vec()), Value::Blob(b"c".to_vec())],
        ];
        let hashes: BTreeSet<[u8; 32]> = rows.iter().map(|r| digest(r)).collect();
        assert_eq!(hashes.len(), rows.len());
    }

    #[test]
    fn values_that_do_not_fit_the_postgresql_column_are_refused() {
        assert!(Value::Int(70_000).into_param(&Type::INT2).is_err());
        assert!(Value::Int(1 << 40).into_param(&Type::INT4).is_err());
        assert!(Value::Blob(vec![1]).into_param(&Type::TEXT).is_err());
        assert!(Value::Text("x".into()).into_param(&Type::BYTEA).is_err());
        assert!(Value::Int(3).into_param(&Type::INT2).is_ok());
        assert!(Value::Null.into_param(&Type::BYTEA).is_ok());
    }

    #[test]
    fn the_current_schema_has_the_tables_of_every_step() {
        let names: Vec<String> = current_tables()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        for table in [
            "archive_keys",
            "envelope_stats",
            "envelopes",
            "memberships",
            "replies",
            "roster_members",
            "rosters",
            "seen_requests",
            "senders",
        ] {
            assert!(names.iter().any(|n| n == table), "{table} in {names:?}");
        }
        let replies = current_tables()
            .unwrap()
            .into_iter()
            .find(|t| t.name == "replies")
            .unwrap();
        assert!(
            replies.rowid,
            "replies are read in the order they were stored"
        );
    }
}
