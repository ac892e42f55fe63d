//! Stores for the tests that drive them directly (api.rs, migrate.rs) and for relay nodes
//! (nodes.rs, through common/cluster.rs): the PostgreSQL test server of
//! `SEALBILL_TEST_DATABASE_URL` (scripts/postgres.sh starts one) with a fresh database per
//! test, SQL for the checks, and the rows the store-level tests put in. Included with
//! `#[path = "common/stores.rs"] mod stores;`.

// Each test file uses some of these helpers, not all.
#![allow(dead_code, unused_macros, unused_imports)]

use sealbill_relay::store::{NewEnvelope, NewReply, NewRoster, TeamFile};

/// The store under the relay.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn NAME(backend: Backend)` of the including file as two tests,
/// `sqlite::NAME` and `postgres::NAME`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name($crate::stores::Backend::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                super::$name($crate::stores::Backend::Postgres).await;
            })*
        }
    };
}
pub(crate) use on_both_backends;

/// The test server's settings, from `SEALBILL_TEST_DATABASE_URL`.
pub fn test_server() -> tokio_postgres::Config {
    test_server_url()
        .parse()
        .unwrap_or_else(|_| panic!("SEALBILL_TEST_DATABASE_URL is not a PostgreSQL URL"))
}

/// `SEALBILL_TEST_DATABASE_URL` as set.
pub fn test_server_url() -> String {
    std::env::var("SEALBILL_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "SEALBILL_TEST_DATABASE_URL is not set, so the PostgreSQL tests have no server: \
             `source scripts/postgres.sh` (scripts/test.sh does) starts a throwaway one and \
             sets it"
        )
    })
}

/// Runs `sql` (one or more statements) on the database of `config` from a thread of its own
/// (the caller may be inside a runtime or not), within 30 s, and returns the rows it
/// returned, each column as text (`None` for NULL).
pub fn query_rows(config: &tokio_postgres::Config, sql: &str) -> Vec<Vec<Option<String>>> {
    let (config, sql) = (config.clone(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let work = async {
                let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                let mut rows = Vec::new();
                for message in client.simple_query(&sql).await.unwrap() {
                    if let tokio_postgres::SimpleQueryMessage::Row(row) = message {
                        rows.push(
                            (0..row.len())
                                .map(|i| row.get(i).map(str::to_owned))
                                .collect(),
                        );
                    }
                }
                rows
            };
            tokio::time::timeout(std::time::Duration::from_secs(30), work)
                .await
                .expect("the SQL answers within 30 s")
        })
    })
    .join()
    .unwrap()
}

/// The first column of the rows of `sql` (see [`query_rows`]), as text (NULL as "NULL").
pub fn psql_text(config: &tokio_postgres::Config, sql: &str) -> Vec<String> {
    query_rows(config, sql)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .next()
                .flatten()
                .unwrap_or_else(|| "NULL".into())
        })
        .collect()
}

/// Like [`psql_text`], with the values as integers.
pub fn psql(config: &tokio_postgres::Config, sql: &str) -> Vec<i64> {
    psql_text(config, sql)
        .iter()
        .map(|v| v.parse().unwrap())
        .collect()
}

/// The name of a new, empty database on the test server (left for the throwaway cluster to
/// remove).
pub fn fresh_database_name() -> String {
    let name = format!(
        "sealbill_test_{:016x}",
        rand_core::RngCore::next_u64(&mut rand_core::OsRng)
    );
    psql(&test_server(), &format!("CREATE DATABASE {name}"));
    name
}

/// A new, empty database on the test server.
pub fn fresh_database() -> tokio_postgres::Config {
    let mut config = test_server();
    config.dbname(fresh_database_name());
    config
}

/// An envelope of 3 bytes, `age`, stored at 10 and expiring at 100.
pub fn new_envelope(id: &str, max_opens: Option<u32>) -> NewEnvelope {
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

pub fn new_reply(envelope_id: &str, id: &str, body: &[u8], at: u64) -> NewReply {
    NewReply::new(envelope_id.into(), id.into(), body.to_vec(), at)
}

/// A roster of `owner_key` listing the members with keys [5; 32] and [6; 32].
pub fn new_roster(owner_key: [u8; 32], bytes: &[u8]) -> NewRoster {
    NewRoster {
        owner_key,
        bytes: bytes.to_vec(),
        members: vec![[5; 32], [6; 32]],
        stored_at: 10,
    }
}

pub fn new_team_file(owner_key: [u8; 32], roster: &[u8], bytes: &[u8]) -> TeamFile {
    TeamFile {
        owner_key,
        roster: roster.to_vec(),
        bytes: bytes.to_vec(),
        stored_at: 10,
    }
}

/// `len` random bytes (that no other test's files hold).
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    bytes
}
