//! The PostgreSQL store (`--database-url`): one database shared by several relay nodes, with
//! the same behaviour as the SQLite store, and every guarantee holding across nodes.
//!
//! - Each change that must be atomic is one statement or one transaction that locks what it
//!   checks: burns (`record_open`) are one conditional `UPDATE`, so two nodes taking the last
//!   allowed open at once cannot both succeed; `first_use` is one `INSERT … ON CONFLICT`, so
//!   a request replayed through another node is refused; a roster is replaced by a conditional
//!   `UPDATE` (or an `INSERT … ON CONFLICT DO NOTHING` for the first), and team files and
//!   replies lock the row they were checked against.
//! - The expiry sweep takes the expired rows with `FOR UPDATE SKIP LOCKED`, so nodes sweeping
//!   at once delete disjoint rows, neither waiting for nor deadlocking with the other.
//! - The schema is versioned (`schema_version`) and migrated at start-up in one transaction
//!   holding an advisory lock, so that nodes starting at once apply it once. Its versions are
//!   PostgreSQL's own, not the SQLite store's.
//! - The counters of the active envelopes (`envelope_stats`) change once per statement, by
//!   the statement's summed change, so a sweep of many rows updates that row once, at its end.
//!
//! Deleted ciphertext: PostgreSQL keeps the old version of a row (a dead tuple, its TOAST
//! chunks too) in the table's files until VACUUM frees it, and even then the freed bytes stay
//! in the page until new rows reuse the space; the write-ahead log holds the bodies until its
//! segments are recycled, and archived WAL and base backups hold them for as long as they are
//! kept. This store runs `VACUUM` on the tables that held the deleted bodies from the expiry
//! sweep after deletions (autovacuum, left on, is the backstop), so no deleted body stays
//! readable through SQL or as a dead row version; SECURITY.md says what remains.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::{Config, NoTls, Row};

mod liveness;

use crate::store::{
    self, Fetched, Meta, NewEnvelope, NewReply, NewRoster, Reply, ReplyInsert, Sender, State,
    Stats, Store, StoreError, StoreFuture, StoreResult, TeamEnvelope, TeamFile, TeamFilePut,
    MAX_TEAMS_PER_MEMBER,
};

/// The schema, one step per version: step `i` takes a database from version i to i + 1. A
/// released step is never edited; a change is a new step.
pub const MIGRATIONS: [&str; 2] = [
    // 1: the schema of the SQLite store's version 5. Ids compare byte by byte (COLLATE "C"),
    // as SQLite's do; u32 counts are bigint. The counters row of the active envelopes is kept
    // by a trigger in the transaction of each change, so that /metrics reads one row.
    r#"CREATE TABLE envelopes (
        id          text COLLATE "C" PRIMARY KEY,
        body        bytea,
        size        bigint NOT NULL,
        created_at  bigint NOT NULL,
        expires_at  bigint NOT NULL,
        max_opens   bigint,
        opens       bigint NOT NULL DEFAULT 0,
        state       smallint NOT NULL DEFAULT 0,
        manage_hash bytea NOT NULL,
        proof_hash  bytea,
        uploader    bytea,
        team_owner  bytea
    );
    CREATE INDEX envelopes_expiry ON envelopes (expires_at);
    CREATE INDEX envelopes_uploader ON envelopes (uploader, created_at)
        WHERE uploader IS NOT NULL;
    CREATE INDEX envelopes_team_owner ON envelopes (team_owner, created_at)
        WHERE team_owner IS NOT NULL;
    CREATE TABLE senders (
        key         bytea PRIMARY KEY,
        fingerprint text NOT NULL UNIQUE,
        card        text NOT NULL,
        added_at    bigint NOT NULL
    );
    CREATE TABLE replies (
        id          text COLLATE "C" PRIMARY KEY,
        envelope_id text COLLATE "C" NOT NULL,
        body        bytea NOT NULL,
        body_hash   bytea NOT NULL,
        received_at bigint NOT NULL,
        arrival     bigint GENERATED ALWAYS AS IDENTITY,
        UNIQUE (envelope_id, body_hash)
    );
    CREATE TABLE rosters (
        owner_key   bytea PRIMARY KEY,
        bytes       bytea NOT NULL,
        stored_at   bigint NOT NULL
    );
    CREATE TABLE roster_members (
        member_key  bytea NOT NULL,
        owner_key   bytea NOT NULL,
        PRIMARY KEY (member_key, owner_key)
    );
    CREATE TABLE memberships (
        owner_key   bytea NOT NULL,
        member_key  bytea NOT NULL,
        bytes       bytea NOT NULL,
        stored_at   bigint NOT NULL,
        PRIMARY KEY (owner_key, member_key)
    );
    CREATE TABLE archive_keys (
        owner_key   bytea NOT NULL,
        epoch       bigint NOT NULL,
        bytes       bytea NOT NULL,
        stored_at   bigint NOT NULL,
        PRIMARY KEY (owner_key, epoch)
    );
    CREATE TABLE envelope_stats (
        id          integer PRIMARY KEY CHECK (id = 0),
        envelopes   bigint NOT NULL,
        bytes       bigint NOT NULL
    );
    INSERT INTO envelope_stats (id, envelopes, bytes) VALUES (0, 0, 0);
    CREATE FUNCTION envelope_stats_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        count_change bigint := 0;
        bytes_change bigint := 0;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD.state = 0 THEN
                count_change := count_change - 1;
                bytes_change := bytes_change - OLD.size;
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.state = 0 THEN
                count_change := count_change + 1;
                bytes_change := bytes_change + NEW.size;
            END IF;
        END IF;
        IF count_change <> 0 OR bytes_change <> 0 THEN
            UPDATE envelope_stats SET envelopes = envelopes + count_change,
                bytes = bytes + bytes_change WHERE id = 0;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER envelope_stats AFTER INSERT OR DELETE OR UPDATE OF state, size
        ON envelopes FOR EACH ROW EXECUTE FUNCTION envelope_stats_change();
    CREATE TABLE seen_requests (
        key         bytea PRIMARY KEY,
        expires_at  bigint NOT NULL
    );
    CREATE INDEX seen_requests_expiry ON seen_requests (expires_at);"#,
    // 2 (PostgreSQL only; the SQLite schema is unchanged): the counters are kept by
    // statement-level triggers that add each statement's summed change once. The row-level
    // trigger of step 1 updated the counters row once per row, which made a statement over n
    // rows take time quadratic in n while it held that row, which every upload, revoke and
    // burn waits for. Measured with psql's \timing on PostgreSQL 15 (2 shared Xeon cores,
    // fsync off), the sweep's DELETE of n expired envelopes, median of 3, step 1 -> step 2:
    // 1 000: 195 -> 14 ms; 3 000: 788 -> 65 ms; 12 000: 2.1 s -> 43 ms. A trigger with
    // transition tables takes one event only, hence three. The counters stay as they are: the
    // old trigger kept them exact, and dropping it locks `envelopes` until the new ones are in.
    r#"DROP TRIGGER envelope_stats ON envelopes;
    CREATE OR REPLACE FUNCTION envelope_stats_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        -- The active envelopes (state 0) the statement removed and added, and their bytes.
        gone bigint := 0;
        gone_bytes bigint := 0;
        came bigint := 0;
        came_bytes bigint := 0;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            SELECT count(*), coalesce(sum(size), 0) INTO gone, gone_bytes
                FROM old_rows WHERE state = 0;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            SELECT count(*), coalesce(sum(size), 0) INTO came, came_bytes
                FROM new_rows WHERE state = 0;
        END IF;
        UPDATE envelope_stats SET envelopes = envelopes + came - gone,
            bytes = bytes + came_bytes - gone_bytes
            WHERE id = 0 AND (came <> gone OR came_bytes <> gone_bytes);
        RETURN NULL;
    END $$;
    CREATE TRIGGER envelope_stats_insert AFTER INSERT ON envelopes
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION envelope_stats_change();
    CREATE TRIGGER envelope_stats_delete AFTER DELETE ON envelopes
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION envelope_stats_change();
    CREATE TRIGGER envelope_stats_update AFTER UPDATE ON envelopes
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION envelope_stats_change();"#,
];

/// The newest schema version this relay knows.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// The advisory lock that migrations hold, the same on every node ("sealbill" in ASCII).
const MIGRATION_LOCK: i64 = 0x7365_616c_6269_6c6c;

/// Connections per node.
const POOL_SIZE: usize = 16;

/// How long a call waits for a connection, and for a new one to be made.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Worker threads of the store's own runtime: they only drive sockets.
const WORKERS: usize = 2;

/// PostgreSQL storage: a pool of connections driven by the store's own Tokio runtime.
///
/// The [`Store`] trait is synchronous and the relay calls it from Tokio's blocking pool
/// (`spawn_blocking`), while the driver is async. Each call therefore hands its future to
/// this store's own small runtime and waits for the answer on the calling thread. A runtime of
/// its own, rather than the caller's handle and `block_on`, works from any thread: a blocking
/// pool thread, a plain thread, or an async task (which it blocks, as a SQLite call does), with
/// no panic when there is no runtime around, and no deadlock when the caller's runtime has one
/// thread only. An upload's insert and a fetch's reads (`Store::insert_later`,
/// `Store::fetch_later`, `Store::liveness_later`) run on the same runtime, but the relay awaits
/// them instead of waiting on a thread; liveness reads that arrive together go as one query
/// (`liveness`).
pub struct PgStore {
    pool: Pool,
    /// Shares liveness reads between concurrent fetches ([`Store::liveness_later`]).
    liveness: liveness::Batcher,
    runtime: Option<tokio::runtime::Runtime>,
    /// Set after a deletion of ciphertext: the next expiry sweep runs VACUUM.
    vacuum: AtomicBool,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Dropping a runtime waits for its tasks, which an async caller may not do.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A driver error in plain words, without the values of the statement.
pub(crate) fn err(e: tokio_postgres::Error) -> StoreError {
    match e.as_db_error() {
        // The message names the constraint or object, never a row's values (those are in the
        // error's detail, left out).
        Some(db) => StoreError(format!("PostgreSQL: {}", db.message())),
        None => StoreError(format!("PostgreSQL: {e}")),
    }
}

fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => err(e),
        other => StoreError(format!("PostgreSQL connection pool: {other}")),
    }
}

/// A u64 (a time, a size) as PostgreSQL's bigint.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored bigint that the relay wrote from a u32.
fn count(n: i64) -> StoreResult<u32> {
    u32::try_from(n).map_err(|_| StoreError(format!("a stored count ({n}) is out of range")))
}

/// A stored bigint that the relay wrote from a u64.
fn time(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Brings the database to the newest schema version in one transaction that holds
/// [`MIGRATION_LOCK`], and refuses a database made by a newer relay.
async fn migrate(pool: &Pool) -> StoreResult<()> {
    let mut client = pool.get().await.map_err(pool_err)?;
    let tx = client.transaction().await.map_err(err)?;
    upgrade(&tx).await?;
    tx.commit().await.map_err(err)
}

/// Brings the database to the newest schema version inside `tx`, which then holds
/// [`MIGRATION_LOCK`] until it ends (so that nodes starting meanwhile wait for it), and
/// refuses a database made by a newer relay. `sealbill-relay migrate` (`crate::migrate`)
/// runs it in the transaction that also copies the SQLite store.
pub(crate) async fn upgrade(tx: &tokio_postgres::Transaction<'_>) -> StoreResult<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(err)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            id       integer PRIMARY KEY CHECK (id = 0),
            version  bigint NOT NULL
        )",
    )
    .await
    .map_err(err)?;
    let version: i64 = tx
        .query_opt("SELECT version FROM schema_version WHERE id = 0", &[])
        .await
        .map_err(err)?
        .map_or(Ok(0), |row| row.try_get(0))
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
        tx.batch_execute(sql).await.map_err(err)?;
        tx.execute(
            "INSERT INTO schema_version (id, version) VALUES (0, $1)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            &[&int(step as u64 + 1)],
        )
        .await
        .map_err(err)?;
    }
    Ok(())
}

impl PgStore {
    /// Connects to the database of `config` and migrates it to [`SCHEMA_VERSION`].
    pub fn open(config: Config) -> StoreResult<PgStore> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .thread_name("postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError(format!("cannot start the PostgreSQL runtime: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError(format!("cannot make the connection pool: {e}")))?;
        let liveness = {
            let _entered = runtime.enter();
            liveness::Batcher::start(pool.clone())
        };
        let store = PgStore {
            pool,
            liveness,
            runtime: Some(runtime),
            vacuum: AtomicBool::new(false),
        };
        store.run(|pool| async move { migrate(&pool).await })?;
        Ok(store)
    }

    /// Runs `work` on the store's runtime with a pooled connection, and waits for its result.
    fn run<T, F, Fut>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(Pool) -> Fut,
        Fut: Future<Output = StoreResult<T>> + Send + 'static,
    {
        let runtime = self.runtime.as_ref().ok_or_else(stopped)?;
        let (send, result) = mpsc::sync_channel(1);
        let future = work(self.pool.clone());
        runtime.spawn(async move {
            let _ = send.send(future.await);
        });
        result.recv().map_err(|_| cancelled())?
    }

    /// Runs `work` on the store's runtime with a pooled connection, as a future for an async
    /// caller (which [`PgStore::run`] is not).
    fn later<T, F, Fut>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(Pool) -> Fut,
        Fut: Future<Output = StoreResult<T>> + Send + 'static,
    {
        let Some(runtime) = self.runtime.as_ref() else {
            return store::ready(Err(stopped()));
        };
        let task = runtime.spawn(work(self.pool.clone()));
        Box::pin(async move { task.await.map_err(|_| cancelled())? })
    }

    /// Runs one statement and returns the rows it changed.
    fn execute(&self, sql: &'static str, params: Params) -> StoreResult<u64> {
        self.run(move |pool| changed(pool, sql, params))
    }

    /// Runs one query and returns its rows.
    fn query(&self, sql: &'static str, params: Params) -> StoreResult<Vec<Row>> {
        self.run(move |pool| rows(pool, sql, params))
    }

    /// Asks the next expiry sweep to VACUUM once `deleted` rows held ciphertext.
    fn vacuum_after(&self, deleted: u64) {
        if deleted > 0 {
            self.vacuum.store(true, Ordering::Release);
        }
    }
}

/// Boxes statement parameters for [`PgStore::execute`] and [`PgStore::query`].
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        vec![$(Box::new($p) as Box<dyn tokio_postgres::types::ToSql + Send + Sync>),*]
    };
}

/// A statement's parameters.
type Params = Vec<Box<dyn tokio_postgres::types::ToSql + Send + Sync>>;

fn stopped() -> StoreError {
    StoreError("the PostgreSQL runtime has stopped".into())
}

fn cancelled() -> StoreError {
    StoreError("the PostgreSQL call was cancelled".into())
}

/// A pooled connection with `sql` prepared on it, and `params` as the driver takes them.
async fn prepared<'p>(
    pool: &Pool,
    sql: &str,
    params: &'p Params,
) -> StoreResult<(
    deadpool_postgres::Object,
    tokio_postgres::Statement,
    Vec<&'p (dyn tokio_postgres::types::ToSql + Sync)>,
)> {
    let client = pool.get().await.map_err(pool_err)?;
    let statement = client.prepare_cached(sql).await.map_err(err)?;
    Ok((
        client,
        statement,
        params.iter().map(|p| p.as_ref() as _).collect(),
    ))
}

/// Runs one statement with a pooled connection and returns the rows it changed.
async fn changed(pool: Pool, sql: &'static str, params: Params) -> StoreResult<u64> {
    let (client, statement, refs) = prepared(&pool, sql, &params).await?;
    client.execute(&statement, &refs).await.map_err(err)
}

/// Runs one query with a pooled connection and returns its rows.
async fn rows(pool: Pool, sql: &'static str, params: Params) -> StoreResult<Vec<Row>> {
    let (client, statement, refs) = prepared(&pool, sql, &params).await?;
    client.query(&statement, &refs).await.map_err(err)
}

/// [`Store::insert`]'s statement, and its parameters from the envelope.
const INSERT: &str = "INSERT INTO envelopes (id, body, size, created_at, expires_at, max_opens,
        manage_hash, proof_hash, uploader, team_owner)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

fn insert_params(e: NewEnvelope) -> Params {
    let size = int(e.body.len() as u64);
    params![
        e.id,
        e.body,
        size,
        int(e.created_at),
        int(e.expires_at),
        e.max_opens.map(i64::from),
        e.manage_hash.to_vec(),
        e.proof_hash.map(|h| h.to_vec()),
        e.uploader.map(|k| k.to_vec()),
        e.team_owner.map(|k| k.to_vec()),
    ]
}

/// [`Store::fetch`]'s query, and its answer from the rows.
const FETCH: &str = "SELECT state, body, expires_at, max_opens IS NOT NULL
    FROM envelopes WHERE id = $1 AND expires_at > $2";

fn fetched(rows: &[Row]) -> StoreResult<Fetched> {
    let Some(row) = rows.first() else {
        return Ok(Fetched::Missing);
    };
    let state = State::of_code(get::<i16>(row, 0)?.into());
    Ok(match (state, get::<Option<Vec<u8>>>(row, 1)?) {
        (State::Active, Some(body)) => Fetched::Body {
            body,
            expires_at: time(get(row, 2)?),
            limited: get(row, 3)?,
        },
        _ => Fetched::Gone,
    })
}

/// [`Store::liveness`]'s query, and its answer from the rows.
const LIVENESS: &str =
    "SELECT state, max_opens IS NOT NULL FROM envelopes WHERE id = $1 AND expires_at > $2";

fn liveness(rows: &[Row]) -> StoreResult<Option<(State, bool)>> {
    rows.first().map(|row| liveness_row(row, 0)).transpose()
}

/// The state and whether there is an open limit, from columns `at` and `at + 1` of `row`.
fn liveness_row(row: &Row, at: usize) -> StoreResult<(State, bool)> {
    Ok((
        State::of_code(get::<i16>(row, at)?.into()),
        get(row, at + 1)?,
    ))
}

/// Column `i` of `row`, as a storage error if it is missing or of another type.
fn get<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> StoreResult<T> {
    row.try_get(i).map_err(err)
}

/// Stores a team file in the row that `select` (taking the owner key and the slot) reads and
/// `upsert` (taking the owner key, the slot, the bytes and the time) writes, if the owner's
/// stored roster is still `file.roster`, in one transaction that holds the roster row.
async fn put_team_file<S>(
    pool: Pool,
    file: TeamFile,
    slot: S,
    select: &'static str,
    upsert: &'static str,
) -> StoreResult<TeamFilePut>
where
    S: tokio_postgres::types::ToSql + Sync + Send,
{
    let mut client = pool.get().await.map_err(pool_err)?;
    let tx = client.transaction().await.map_err(err)?;
    let owner = file.owner_key.as_slice();
    // FOR SHARE: a roster stored meanwhile waits for this transaction, and one stored first
    // makes this check fail.
    let current = tx
        .query_opt(
            "SELECT 1 FROM rosters WHERE owner_key = $1 AND bytes = $2 FOR SHARE",
            &[&owner, &file.roster],
        )
        .await
        .map_err(err)?;
    if current.is_none() {
        return Ok(TeamFilePut::RosterChanged);
    }
    let stored = tx
        .query_opt(select, &[&owner, &slot])
        .await
        .map_err(err)?
        .map(|row| get::<Vec<u8>>(&row, 0))
        .transpose()?;
    if stored.as_deref() == Some(&file.bytes[..]) {
        return Ok(TeamFilePut::Unchanged);
    }
    tx.execute(upsert, &[&owner, &slot, &file.bytes, &int(file.stored_at)])
        .await
        .map_err(err)?;
    tx.commit().await.map_err(err)?;
    Ok(TeamFilePut::Written)
}

/// The replies of expired envelopes go with them; the sweep takes rows with SKIP LOCKED, so
/// that sweeps of several nodes delete disjoint rows without waiting for one another.
const PURGE: &str = "WITH gone AS (
        DELETE FROM envelopes WHERE id IN (
            SELECT id FROM envelopes WHERE expires_at <= $1 FOR UPDATE SKIP LOCKED)
        RETURNING id),
    their_replies AS (
        DELETE FROM replies WHERE envelope_id IN (SELECT id FROM gone) RETURNING 1)
    SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM their_replies)";

/// Replies left without an unexpired envelope (the sweep above normally takes them).
const PURGE_ORPHAN_REPLIES: &str = "DELETE FROM replies WHERE id IN (
        SELECT id FROM replies r WHERE NOT EXISTS (SELECT 1 FROM envelopes e
            WHERE e.id = r.envelope_id AND e.expires_at > $1)
        FOR UPDATE SKIP LOCKED)";

const PURGE_SEEN: &str = "DELETE FROM seen_requests WHERE key IN (
        SELECT key FROM seen_requests WHERE expires_at < $1 FOR UPDATE SKIP LOCKED)";

impl Store for PgStore {
    fn insert(&self, e: NewEnvelope) -> StoreResult<()> {
        self.execute(INSERT, insert_params(e)).map(drop)
    }

    fn insert_later(&self, e: NewEnvelope) -> StoreFuture<()> {
        let params = insert_params(e);
        self.later(move |pool| async move { changed(pool, INSERT, params).await.map(drop) })
    }

    fn fetch(&self, id: &str, now: u64) -> StoreResult<Fetched> {
        fetched(&self.query(FETCH, params![id.to_owned(), int(now)])?)
    }

    fn liveness(&self, id: &str, now: u64) -> StoreResult<Option<(State, bool)>> {
        liveness(&self.query(LIVENESS, params![id.to_owned(), int(now)])?)
    }

    fn fetch_later(&self, id: String, now: u64) -> StoreFuture<Fetched> {
        let params = params![id, int(now)];
        self.later(move |pool| async move { fetched(&rows(pool, FETCH, params).await?) })
    }

    fn liveness_later(&self, id: String, now: u64) -> StoreFuture<Option<(State, bool)>> {
        let answer = self.liveness.ask(id, now);
        Box::pin(async move { answer.await.map_err(|_| stopped())? })
    }

    fn meta(&self, id: &str, now: u64) -> StoreResult<Option<Meta>> {
        let rows = self.query(
            "SELECT expires_at, max_opens, opens, state, manage_hash, proof_hash, uploader,
               team_owner
             FROM envelopes WHERE id = $1 AND expires_at > $2",
            params![id.to_owned(), int(now)],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(Meta {
            expires_at: time(get(row, 0)?),
            max_opens: get::<Option<i64>>(row, 1)?.map(count).transpose()?,
            opens: count(get(row, 2)?)?,
            state: State::of_code(get::<i16>(row, 3)?.into()),
            manage_hash: store::stored_key(get(row, 4)?).unwrap_or([0; 32]),
            proof_hash: store::stored_key(get(row, 5)?),
            uploader: store::stored_key(get(row, 6)?),
            team_owner: store::stored_key(get(row, 7)?),
        }))
    }

    fn revoke(&self, id: &str) -> StoreResult<()> {
        let revoked = self.execute(
            "UPDATE envelopes SET state = 1, body = NULL WHERE id = $1 AND state = 0",
            params![id.to_owned()],
        )?;
        self.vacuum_after(revoked);
        Ok(())
    }

    fn record_open(&self, id: &str) -> StoreResult<Option<(u32, State)>> {
        // One statement: a concurrent open of the same envelope (on any node) waits for this
        // row, then sees the new count and state.
        let rows = self.query(
            "UPDATE envelopes SET opens = opens + 1,
               state = CASE WHEN max_opens IS NOT NULL AND opens + 1 >= max_opens
                            THEN 2 ELSE state END,
               body = CASE WHEN max_opens IS NOT NULL AND opens + 1 >= max_opens
                           THEN NULL ELSE body END
             WHERE id = $1 AND state = 0
             RETURNING opens, state",
            params![id.to_owned()],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let counted = (
            count(get(row, 0)?)?,
            State::of_code(get::<i16>(row, 1)?.into()),
        );
        if counted.1 == State::Burned {
            self.vacuum_after(1);
        }
        Ok(Some(counted))
    }

    fn purge_expired(&self, now: u64) -> StoreResult<usize> {
        let vacuum = self.vacuum.swap(false, Ordering::AcqRel);
        let now = int(now);
        let result = self.run(move |pool| async move {
            let mut client = pool.get().await.map_err(pool_err)?;
            let tx = client.transaction().await.map_err(err)?;
            let row = tx.query_one(PURGE, &[&now]).await.map_err(err)?;
            let (purged, replies): (i64, i64) = (get(&row, 0)?, get(&row, 1)?);
            let orphans = tx
                .execute(PURGE_ORPHAN_REPLIES, &[&now])
                .await
                .map_err(err)?;
            tx.execute(PURGE_SEEN, &[&now]).await.map_err(err)?;
            tx.commit().await.map_err(err)?;
            let deleted = purged + replies + i64::try_from(orphans).unwrap_or(i64::MAX);
            if vacuum || deleted > 0 {
                // Outside a transaction, as VACUUM must be; SKIP_LOCKED: a table another
                // node is vacuuming is left to it.
                client
                    .batch_execute("VACUUM (SKIP_LOCKED) envelopes, replies")
                    .await
                    .map_err(err)?;
            }
            Ok(usize::try_from(purged).unwrap_or(0))
        });
        if result.is_err() && vacuum {
            self.vacuum.store(true, Ordering::Release);
        }
        result
    }

    fn first_use(&self, key: &[u8; 32], until: u64, now: u64) -> StoreResult<bool> {
        // Inserts the key, or renews an expired row; a live row is left alone, which changes
        // no row. One statement: a replay through another node finds the row or waits for it.
        self.execute(
            "INSERT INTO seen_requests (key, expires_at) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
             WHERE seen_requests.expires_at < $3",
            params![key.to_vec(), int(until), int(now)],
        )
        .map(|changed| changed == 1)
    }

    fn insert_reply(&self, reply: NewReply, limit: usize, now: u64) -> StoreResult<ReplyInsert> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |pool| async move {
            let mut client = pool.get().await.map_err(pool_err)?;
            let tx = client.transaction().await.map_err(err)?;
            // Locking the envelope's row serializes the replies to it, on every node, so that
            // the checks still hold at the insert.
            let state = tx
                .query_opt(
                    "SELECT state FROM envelopes WHERE id = $1 AND expires_at > $2 FOR UPDATE",
                    &[&reply.envelope_id, &int(now)],
                )
                .await
                .map_err(err)?
                .map(|row| get::<i16>(&row, 0))
                .transpose()?;
            match state.map(|s| State::of_code(s.into())) {
                None => return Ok(ReplyInsert::Missing),
                Some(State::Revoked) => return Ok(ReplyInsert::Revoked),
                Some(State::Active | State::Burned) => {}
            }
            let hash = reply.body_hash.as_slice();
            let row = tx
                .query_one(
                    "SELECT count(*) FILTER (WHERE body_hash = $2), count(*)
                     FROM replies WHERE envelope_id = $1",
                    &[&reply.envelope_id, &hash],
                )
                .await
                .map_err(err)?;
            let (replayed, held): (i64, i64) = (get(&row, 0)?, get(&row, 1)?);
            if replayed > 0 {
                return Ok(ReplyInsert::Replayed);
            }
            if held >= limit {
                return Ok(ReplyInsert::Full);
            }
            tx.execute(
                "INSERT INTO replies (id, envelope_id, body, body_hash, received_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &reply.id,
                    &reply.envelope_id,
                    &reply.body,
                    &hash,
                    &int(reply.received_at),
                ],
            )
            .await
            .map_err(err)?;
            tx.commit().await.map_err(err)?;
            Ok(ReplyInsert::Stored)
        })
    }

    fn replies(&self, envelope_id: &str) -> StoreResult<Vec<Reply>> {
        self.query(
            "SELECT id, body, received_at FROM replies WHERE envelope_id = $1
             ORDER BY received_at, arrival",
            params![envelope_id.to_owned()],
        )?
        .iter()
        .map(|row| {
            Ok(Reply {
                id: get(row, 0)?,
                body: get(row, 1)?,
                received_at: time(get(row, 2)?),
            })
        })
        .collect()
    }

    fn delete_reply(&self, envelope_id: &str, reply_id: &str) -> StoreResult<bool> {
        let deleted = self.execute(
            "DELETE FROM replies WHERE envelope_id = $1 AND id = $2",
            params![envelope_id.to_owned(), reply_id.to_owned()],
        )?;
        self.vacuum_after(deleted);
        Ok(deleted > 0)
    }

    fn stats(&self) -> StoreResult<Stats> {
        let rows = self.query(
            "SELECT envelopes, bytes FROM envelope_stats WHERE id = 0",
            params![],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| StoreError("the envelope counters are missing".into()))?;
        Ok(Stats {
            envelopes: time(get(row, 0)?),
            bytes: time(get(row, 1)?),
        })
    }

    fn add_sender(&self, key: &[u8; 32], s: &Sender) -> StoreResult<()> {
        self.execute(
            "INSERT INTO senders (key, fingerprint, card, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET card = excluded.card",
            params![
                key.to_vec(),
                s.fingerprint.clone(),
                s.card.clone(),
                int(s.added_at)
            ],
        )
        .map(|_| ())
    }

    fn remove_sender(&self, fingerprint: &str) -> StoreResult<bool> {
        self.execute(
            "DELETE FROM senders WHERE fingerprint = $1",
            params![fingerprint.to_owned()],
        )
        .map(|n| n > 0)
    }

    fn senders(&self) -> StoreResult<Vec<Sender>> {
        self.query(
            "SELECT card, fingerprint, added_at FROM senders ORDER BY added_at, key",
            params![],
        )?
        .iter()
        .map(|row| {
            Ok(Sender {
                card: get(row, 0)?,
                fingerprint: get(row, 1)?,
                added_at: time(get(row, 2)?),
            })
        })
        .collect()
    }

    fn is_sender(&self, key: &[u8; 32]) -> StoreResult<bool> {
        self.query(
            "SELECT 1 FROM senders WHERE key = $1",
            params![key.to_vec()],
        )
        .map(|rows| !rows.is_empty())
    }

    fn roster(&self, owner_key: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        self.query(
            "SELECT bytes FROM rosters WHERE owner_key = $1",
            params![owner_key.to_vec()],
        )?
        .first()
        .map(|row| get(row, 0))
        .transpose()
    }

    fn put_roster(&self, previous: Option<&[u8]>, roster: NewRoster) -> StoreResult<bool> {
        let previous = previous.map(<[u8]>::to_vec);
        self.run(move |pool| async move {
            let mut client = pool.get().await.map_err(pool_err)?;
            let tx = client.transaction().await.map_err(err)?;
            let owner = roster.owner_key.as_slice();
            let stored_at = int(roster.stored_at);
            // Compare and swap in one statement: the first roster only if there is none, a
            // later one only over `previous`.
            let swapped = match &previous {
                None => tx
                    .execute(
                        "INSERT INTO rosters (owner_key, bytes, stored_at) VALUES ($1, $2, $3)
                         ON CONFLICT (owner_key) DO NOTHING",
                        &[&owner, &roster.bytes, &stored_at],
                    )
                    .await
                    .map_err(err)?,
                Some(previous) => tx
                    .execute(
                        "UPDATE rosters SET bytes = $2, stored_at = $3
                         WHERE owner_key = $1 AND bytes = $4",
                        &[&owner, &roster.bytes, &stored_at, previous],
                    )
                    .await
                    .map_err(err)?,
            };
            if swapped != 1 {
                return Ok(false);
            }
            let members: Vec<&[u8]> = roster.members.iter().map(|m| m.as_slice()).collect();
            tx.execute(
                "INSERT INTO roster_members (member_key, owner_key)
                 SELECT m, $2 FROM unnest($1::bytea[]) AS m ON CONFLICT DO NOTHING",
                &[&members, &owner],
            )
            .await
            .map_err(err)?;
            // The memberships of members it no longer lists go; the owner's own stays.
            tx.execute(
                "DELETE FROM memberships WHERE owner_key = $1 AND member_key <> $1
                   AND member_key <> ALL ($2::bytea[])",
                &[&owner, &members],
            )
            .await
            .map_err(err)?;
            tx.commit().await.map_err(err)?;
            Ok(true)
        })
    }

    fn rosters_of_member(&self, key: &[u8; 32]) -> StoreResult<Vec<Vec<u8>>> {
        self.query(
            "SELECT r.bytes FROM roster_members m
               JOIN rosters r ON r.owner_key = m.owner_key
               JOIN senders s ON s.key = m.owner_key
             WHERE m.member_key = $1 ORDER BY m.owner_key LIMIT $2",
            params![key.to_vec(), MAX_TEAMS_PER_MEMBER as i64],
        )?
        .iter()
        .map(|row| get(row, 0))
        .collect()
    }

    fn rosters(&self) -> StoreResult<Vec<Vec<u8>>> {
        self.query("SELECT bytes FROM rosters ORDER BY owner_key", params![])?
            .iter()
            .map(|row| get(row, 0))
            .collect()
    }

    fn put_membership(&self, member_key: &[u8; 32], file: TeamFile) -> StoreResult<TeamFilePut> {
        let member = member_key.to_vec();
        self.run(move |pool| {
            put_team_file(
                pool,
                file,
                member,
                "SELECT bytes FROM memberships WHERE owner_key = $1 AND member_key = $2",
                "INSERT INTO memberships (owner_key, member_key, bytes, stored_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (owner_key, member_key) DO UPDATE SET bytes = excluded.bytes,
                   stored_at = excluded.stored_at",
            )
        })
    }

    fn membership(
        &self,
        owner_key: &[u8; 32],
        member_key: &[u8; 32],
    ) -> StoreResult<Option<Vec<u8>>> {
        self.query(
            "SELECT bytes FROM memberships WHERE owner_key = $1 AND member_key = $2",
            params![owner_key.to_vec(), member_key.to_vec()],
        )?
        .first()
        .map(|row| get(row, 0))
        .transpose()
    }

    fn put_archive_key(&self, epoch: u32, file: TeamFile) -> StoreResult<TeamFilePut> {
        self.run(move |pool| {
            put_team_file(
                pool,
                file,
                i64::from(epoch),
                "SELECT bytes FROM archive_keys WHERE owner_key = $1 AND epoch = $2",
                "INSERT INTO archive_keys (owner_key, epoch, bytes, stored_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (owner_key, epoch) DO UPDATE SET bytes = excluded.bytes,
                   stored_at = excluded.stored_at",
            )
        })
    }

    fn archive_keys(&self, owner_key: &[u8; 32], limit: usize) -> StoreResult<Vec<(u32, Vec<u8>)>> {
        let mut newest = self
            .query(
                "SELECT epoch, bytes FROM archive_keys WHERE owner_key = $1
                 ORDER BY epoch DESC LIMIT $2",
                params![owner_key.to_vec(), int(limit as u64)],
            )?
            .iter()
            .map(|row| Ok((count(get(row, 0)?)?, get(row, 1)?)))
            .collect::<StoreResult<Vec<_>>>()?;
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
        self.query(
            "SELECT id, created_at, expires_at, uploader FROM envelopes
             WHERE (uploader = $1 OR team_owner = $1) AND state = 0
               AND expires_at > $2 AND created_at >= $3
             ORDER BY created_at, id LIMIT $4",
            params![owner_key.to_vec(), int(now), int(since), int(limit as u64)],
        )?
        .iter()
        .map(|row| {
            Ok(TeamEnvelope {
                id: get(row, 0)?,
                uploaded_at: time(get(row, 1)?),
                expires_at: time(get(row, 2)?),
                uploader: store::stored_key(get(row, 3)?)
                    .ok_or_else(|| StoreError("a stored uploader key is not 32 bytes".into()))?,
            })
        })
        .collect()
    }
}
