//! `sealbill-relay migrate`: a SQLite store, filled through the store API, moved into a fresh
//! database on the PostgreSQL server of `SEALBILL_TEST_DATABASE_URL` (scripts/postgres.sh
//! starts one), where every read answers as before; refusals in plain words that change
//! nothing; and the real binary. Every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
#[path = "common/stores.rs"]
mod stores;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sealbill_relay::migrate::migrate;
use sealbill_relay::now;
use sealbill_relay::postgres::PgStore;
use sealbill_relay::sqlite::{SqliteStore, DATABASE_FILE, MIGRATIONS};
use sealbill_relay::store::{Fetched, NewEnvelope, NewRoster, Sender, State, Store};
use sha2::{Digest, Sha256};
use stores::{
    fresh_database, fresh_database_name, new_envelope, new_reply, new_roster, new_team_file, psql,
    psql_text, random_bytes, test_server, test_server_url,
};

/// The envelopes [`fill`] stores.
const IDS: [&str; 9] = [
    "empty",
    "small",
    "kib",
    "large",
    "partly-opened",
    "burned",
    "revoked",
    "expired",
    "team",
];

/// The owner of the team [`fill`] stores, a member it dropped, one it lists, and a stranger.
const OWNER: [u8; 32] = [9; 32];
const DROPPED: [u8; 32] = [5; 32];
const MEMBER: [u8; 32] = [6; 32];
const STRANGER: [u8; 32] = [7; 32];

/// Fills `store` through its API with a bit of everything: envelopes of several sizes (one of
/// 5 MiB) and states (partly opened with a limit, burned, revoked, expired but not yet purged,
/// uploaded through a team), senders, two versions of a roster, memberships, archive-key
/// files, replies (two in the same second) and seen signed requests. Returns the large body.
fn fill(store: &dyn Store, at: u64) -> Vec<u8> {
    let large = random_bytes(5 << 20);
    let bodies: [(&str, Vec<u8>); 4] = [
        ("empty", Vec::new()),
        ("small", b"age".to_vec()),
        ("kib", random_bytes(1024)),
        ("large", large.clone()),
    ];
    let envelope = |id: &str, max_opens| NewEnvelope {
        created_at: at - 100,
        expires_at: at + 3600,
        ..new_envelope(id, max_opens)
    };
    for (id, body) in bodies {
        store
            .insert(NewEnvelope {
                body,
                ..envelope(id, None)
            })
            .unwrap();
    }
    store.insert(envelope("partly-opened", Some(3))).unwrap();
    assert_eq!(
        store.record_open("partly-opened").unwrap(),
        Some((1, State::Active))
    );
    store.insert(envelope("burned", Some(1))).unwrap();
    assert_eq!(
        store.record_open("burned").unwrap(),
        Some((1, State::Burned))
    );
    store.insert(envelope("revoked", None)).unwrap();
    store.revoke("revoked").unwrap();
    store
        .insert(NewEnvelope {
            expires_at: at - 10,
            ..envelope("expired", None)
        })
        .unwrap();
    store
        .insert(NewEnvelope {
            created_at: at - 50,
            uploader: Some(MEMBER),
            team_owner: Some(OWNER),
            proof_hash: None,
            ..envelope("team", None)
        })
        .unwrap();

    for (key, fingerprint, added_at) in [(OWNER, "9 9", at - 1000), ([4; 32], "4 4", at - 900)] {
        let sender = Sender {
            card: format!("sealbill-card:{fingerprint}"),
            fingerprint: fingerprint.into(),
            added_at,
        };
        store.add_sender(&key, &sender).unwrap();
    }
    assert!(store.put_roster(None, new_roster(OWNER, b"v1")).unwrap());
    let v2 = NewRoster {
        members: vec![MEMBER],
        ..new_roster(OWNER, b"v2")
    };
    assert!(store.put_roster(Some(b"v1"), v2).unwrap());
    for (member, bytes) in [(MEMBER, b"m6"), (OWNER, b"mo")] {
        store
            .put_membership(&member, new_team_file(OWNER, b"v2", bytes))
            .unwrap();
    }
    for epoch in [1, 2] {
        store
            .put_archive_key(epoch, new_team_file(OWNER, b"v2", &[epoch as u8; 40]))
            .unwrap();
    }
    for (envelope, id, body) in [
        ("small", "r2", &b"second, same second"[..]),
        ("small", "r1", &b"first, same second"[..]),
        ("burned", "r3", &b"to a burned envelope"[..]),
    ] {
        store
            .insert_reply(new_reply(envelope, id, body, at - 5), 4, at)
            .unwrap();
    }
    assert!(store.first_use(&[1; 32], at + 300, at).unwrap());
    assert!(store.first_use(&[2; 32], at + 30, at).unwrap());
    large
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What each of the store's reads answers about what [`fill`] stored, as text.
fn reads(store: &dyn Store, at: u64) -> Vec<String> {
    let mut out = Vec::new();
    for id in IDS {
        let fetched = match store.fetch(id, at).unwrap() {
            Fetched::Missing => "missing".to_owned(),
            Fetched::Gone => "gone".to_owned(),
            Fetched::Body { body: b, .. } => {
                format!("{} bytes, SHA-256 {}", b.len(), hex(&Sha256::digest(&b)))
            }
        };
        out.push(format!("fetch {id}: {fetched}"));
        out.push(format!("meta {id}: {:?}", store.meta(id, at).unwrap()));
        out.push(format!("replies {id}: {:?}", store.replies(id).unwrap()));
    }
    let stats = store.stats().unwrap();
    out.push(format!("stats: {} {}", stats.envelopes, stats.bytes));
    out.push(format!("senders: {:?}", store.senders().unwrap()));
    for key in [OWNER, DROPPED, MEMBER, STRANGER, [4; 32]] {
        out.push(format!(
            "{}: sender {}, roster {:?}, rosters as member {:?}, membership {:?}, archive keys {:?}",
            key[0],
            store.is_sender(&key).unwrap(),
            store.roster(&key).unwrap(),
            store.rosters_of_member(&key).unwrap(),
            store.membership(&OWNER, &key).unwrap(),
            store.archive_keys(&key, 10).unwrap(),
        ));
        out.push(format!(
            "{}: team envelopes {:?}",
            key[0],
            store.team_envelopes(&key, 0, at, 10).unwrap()
        ));
    }
    out.push(format!("rosters: {:?}", store.rosters().unwrap()));
    out
}

/// A temporary directory with a SQLite store in `data`.
fn sqlite_store() -> (SqliteStore, std::path::PathBuf) {
    let dir = common::temp_dir("migrate");
    (SqliteStore::open(&dir.join("data")).unwrap(), dir)
}

/// A temporary directory with a SQLite store in `data`, [`fill`]ed at `at`.
fn filled_store(at: u64) -> (SqliteStore, std::path::PathBuf) {
    let (store, dir) = sqlite_store();
    fill(&store, at);
    (store, dir)
}

#[test]
fn a_sqlite_store_moves_to_postgres_and_every_read_answers_the_same() {
    let at = now();
    let (sqlite, dir) = sqlite_store();
    let large = fill(&sqlite, at);
    let before = reads(&sqlite, at);

    let database = fresh_database();
    let report = migrate(&dir.join("data"), &database).unwrap();
    assert_eq!(report.file, dir.join("data").join(DATABASE_FILE));
    assert_eq!(
        (report.envelopes, report.bodies),
        (9, 7),
        "the burned and revoked envelopes have no body"
    );
    assert_eq!(report.body_bytes, (5 << 20) + 1024 + 4 * 3);
    let rows: Vec<(&str, u64)> = report
        .tables
        .iter()
        .map(|t| (t.table.as_str(), t.rows))
        .collect();
    assert_eq!(
        rows,
        [
            ("archive_keys", 2),
            ("envelope_stats", 1),
            ("envelopes", 9),
            ("memberships", 2),
            ("replies", 3),
            ("roster_members", 2),
            ("rosters", 1),
            ("seen_requests", 2),
            ("senders", 2),
        ]
    );

    let postgres = PgStore::open(database.clone()).unwrap();
    assert_eq!(reads(&postgres, at), before);
    assert!(
        matches!(postgres.fetch("large", at).unwrap(), Fetched::Body { body: b, .. } if b == large),
        "the 5 MiB body, byte for byte"
    );
    assert_eq!(
        postgres
            .replies("small")
            .unwrap()
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["r2", "r1"],
        "replies of the same second in the order they came"
    );

    // A snapshot written by `backup` moves the same way.
    let snapshot = dir.join("relay.snapshot");
    sealbill_relay::snapshot::backup(&dir.join("data"), &snapshot, false).unwrap();
    let from_snapshot = fresh_database();
    migrate(&snapshot, &from_snapshot).unwrap();
    assert_eq!(reads(&PgStore::open(from_snapshot).unwrap(), at), before);

    // The stores go on alike: the opens counted so far still count toward the limit, a signed
    // request seen before the move is still a replay, and the sweep takes the expired one.
    for store in [&sqlite as &dyn Store, &postgres] {
        assert_eq!(
            store.record_open("partly-opened").unwrap(),
            Some((2, State::Active))
        );
        assert_eq!(
            store.record_open("partly-opened").unwrap(),
            Some((3, State::Burned)),
            "the third open burns it, as before the move"
        );
        assert!(matches!(
            store.fetch("partly-opened", at).unwrap(),
            Fetched::Gone
        ));
        assert!(!store.first_use(&[1; 32], at + 300, at + 1).unwrap());
        assert!(store.first_use(&[3; 32], at + 300, at + 1).unwrap());
        assert_eq!(store.purge_expired(at).unwrap(), 1);
    }
    assert_eq!(reads(&postgres, at), reads(&sqlite, at));
    drop(sqlite);
    std::fs::remove_dir_all(dir).unwrap();
}

/// What the relay tables of `database` hold, row by row, as one text.
fn contents(database: &tokio_postgres::Config) -> String {
    psql_text(
        database,
        "SELECT concat_ws(' | ',
            (SELECT string_agg(concat_ws(',', id, md5(body), opens, state), ';' ORDER BY id)
               FROM envelopes),
            (SELECT string_agg(fingerprint, ';' ORDER BY fingerprint) FROM senders),
            (SELECT string_agg(md5(bytes), ';' ORDER BY owner_key) FROM rosters),
            (SELECT string_agg(id, ';' ORDER BY id) FROM replies),
            (SELECT count(*) FROM seen_requests),
            (SELECT count(*) FROM memberships),
            (SELECT count(*) FROM archive_keys),
            (SELECT count(*) FROM roster_members),
            (SELECT envelopes || ',' || bytes FROM envelope_stats))",
    )
    .concat()
}

#[test]
fn a_target_holding_relay_data_is_refused_and_left_unchanged() {
    let (sqlite, dir) = filled_store(now());
    let database = fresh_database();
    migrate(&dir.join("data"), &database).unwrap();
    let migrated = contents(&database);

    // The same store again, or another one: nothing is merged or overwritten.
    sqlite.insert(new_envelope("another", None)).unwrap();
    let refused = migrate(&dir.join("data"), &database).unwrap_err().0;
    assert!(
        refused.starts_with("the PostgreSQL database already holds relay data (in "),
        "{refused}"
    );
    assert!(
        refused.contains("never merging or overwriting"),
        "{refused}"
    );
    assert_eq!(contents(&database), migrated);

    // A database where a relay node stored one sender, and nothing else, is not empty either.
    let served = fresh_database();
    let node = PgStore::open(served.clone()).unwrap();
    let sender = Sender {
        card: "sealbill-card:x".into(),
        fingerprint: "1 1".into(),
        added_at: now(),
    };
    node.add_sender(&[1; 32], &sender).unwrap();
    let refused = migrate(&dir.join("data"), &served).unwrap_err().0;
    assert!(refused.contains("relay data (in senders)"), "{refused}");
    assert_eq!(psql(&served, "SELECT count(*) FROM envelopes"), [0]);
    assert_eq!(psql(&served, "SELECT count(*) FROM senders"), [1]);
    drop(sqlite);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The tables of `database`, counted.
fn tables_in(database: &tokio_postgres::Config) -> i64 {
    psql(
        database,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )[0]
}

/// Changes the store in `dir` by hand with `sql`, migrates it into a fresh database, and
/// returns the refusal, after checking that the database was left without even the schema.
fn refusal_after_changing(dir: &Path, sql: &str) -> String {
    rusqlite::Connection::open(dir.join("data").join(DATABASE_FILE))
        .unwrap()
        .execute_batch(sql)
        .unwrap();
    let database = fresh_database();
    let refused = migrate(&dir.join("data"), &database).unwrap_err().0;
    assert_eq!(tables_in(&database), 0, "not even the schema: {refused}");
    refused
}

#[test]
fn a_difference_found_on_reading_back_leaves_the_target_as_it_was() {
    // The source's counters disagree with its envelopes (a store damaged by hand): PostgreSQL's
    // triggers count the copied envelopes, so the counters read back differ from the source's.
    let (sqlite, dir) = filled_store(now());
    drop(sqlite);
    let refused = refusal_after_changing(&dir, "UPDATE envelope_stats SET bytes = bytes + 1");
    assert!(
        refused.starts_with(
            "the copy read back from PostgreSQL differs from the source in 1 row: \
             envelope_stats (id = 0): the row read back has SHA-256"
        ),
        "{refused}"
    );
    assert!(refused.ends_with("; nothing was written to PostgreSQL"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_row_that_cannot_be_copied_stops_the_copy_part_way_and_leaves_the_target_as_it_was() {
    let (sqlite, dir) = filled_store(now());
    // The last envelope stored, with a state no relay writes and PostgreSQL's smallint cannot
    // hold: the envelopes before it are copied before the copy stops.
    sqlite.insert(new_envelope("odd", None)).unwrap();
    drop(sqlite);
    let refused =
        refusal_after_changing(&dir, "UPDATE envelopes SET state = 70000 WHERE id = 'odd'");
    assert_eq!(
        refused,
        "cannot copy envelopes (id = odd): column state: 70000 is out of range for a column \
         of type int2; nothing was written to PostgreSQL"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn migrating_while_the_relay_stores_copies_one_consistent_state() {
    let (sqlite, dir) = sqlite_store();
    let sqlite: Arc<dyn Store> = Arc::new(sqlite);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (sqlite.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut stored = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let id = format!("e{stored}");
                store
                    .insert(NewEnvelope {
                        body: vec![7; 10_000],
                        expires_at: now() + 600,
                        ..new_envelope(&id, Some(2))
                    })
                    .unwrap();
                store.record_open(&id).unwrap();
                stored += 1;
            }
            stored
        })
    };
    while sqlite.stats().unwrap().envelopes < 50 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let database = fresh_database();
    let report = migrate(&dir.join("data"), &database).unwrap();
    stop.store(true, Ordering::Relaxed);
    let stored = writer.join().unwrap();
    let copied = report.envelopes;
    assert!((50..=stored).contains(&copied), "{copied} of {stored}");
    // One state: the counters (compared with the envelopes' by the migration) match the
    // envelopes copied, each opened once.
    let postgres = PgStore::open(database.clone()).unwrap();
    let stats = postgres.stats().unwrap();
    assert_eq!((stats.envelopes, stats.bytes), (copied, copied * 10_000));
    assert_eq!(
        psql(&database, "SELECT count(*) FROM envelopes"),
        [copied as i64]
    );
    drop(sqlite);
    std::fs::remove_dir_all(dir).unwrap();
}

/// `sealbill-relay migrate ARGS`, with no SEALBILL_DATABASE_URL but `env`.
fn relay_migrate(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(common::BIN)
        .arg("migrate")
        .args(args)
        .env_remove("SEALBILL_DATABASE_URL")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// The URL of a fresh database on the test server, password and all.
fn fresh_database_url() -> String {
    let server = test_server_url();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{}", fresh_database_name())
}

/// The test server's password, which no output may show.
fn password() -> String {
    let password = test_server().get_password().map(|p| p.to_vec()).unwrap();
    String::from_utf8(password).unwrap()
}

/// Asserts that `out` failed with one line on stderr starting `sealbill-relay: ` and holding
/// `words`, and printed neither anything on stdout nor the password.
fn refused(out: &Output, words: &str) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(words), "{stderr}");
    assert!(!stderr.contains(&password()), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
}

#[test]
fn the_binary_migrates_and_says_what_it_verified_without_the_password() {
    let (sqlite, dir) = filled_store(now());
    drop(sqlite);
    let from = format!("sqlite:{}", dir.join("data").display());
    let url = fresh_database_url();
    let out = relay_migrate(&["--from", &from, "--to", &url], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let database_name = url.rsplit_once('/').unwrap().1;
    assert!(
        stdout.starts_with(&format!(
            "migrated {} (schema version {}) to postgres://sealbill@127.0.0.1:",
            dir.join("data").join(DATABASE_FILE).display(),
            MIGRATIONS.len()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "/{database_name}: 9 envelopes (7 with a body, {} bytes of ciphertext) and every \
             other row, each read back from PostgreSQL with the SHA-256 of the source's row",
            (5 << 20) + 1024 + 4 * 3
        )),
        "{stdout}"
    );
    for line in [
        "envelopes",
        "replies",
        "senders",
        "seen_requests",
        "archive_keys",
    ] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(line)),
            "{line}: {stdout}"
        );
    }
    assert!(!stdout.contains(&password()), "{stdout}");

    // Again into the same database, the URL from the environment: refused, in a sentence.
    let again = relay_migrate(&["--from", &from], &[("SEALBILL_DATABASE_URL", &url)]);
    refused(
        &again,
        "sealbill-relay: the PostgreSQL database already holds relay data",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_binary_refuses_in_plain_sentences_whatever_is_wrong() {
    let dir = common::temp_dir("migrate-refusals");
    let url = fresh_database_url();
    let from = |path: &Path| format!("sqlite:{}", path.display());

    let missing = relay_migrate(&["--from", &from(&dir.join("nowhere")), "--to", &url], &[]);
    refused(&missing, "nowhere does not exist");
    let no_store = relay_migrate(&["--from", &from(&dir), "--to", &url], &[]);
    refused(&no_store, "no relay store in");

    let text = dir.join("notes.txt");
    std::fs::write(&text, "x".repeat(5000)).unwrap();
    let not_sqlite = relay_migrate(&["--from", &from(&text), "--to", &url], &[]);
    refused(&not_sqlite, "notes.txt is not an SQLite database");

    let other_app = dir.join("other.sqlite3");
    rusqlite::Connection::open(&other_app)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    let not_relay = relay_migrate(&["--from", &from(&other_app), "--to", &url], &[]);
    refused(
        &not_relay,
        "is not a sealbill relay store (schema version 0)",
    );

    let look_alike = dir.join("look-alike.sqlite3");
    rusqlite::Connection::open(&look_alike)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TABLE envelopes (id TEXT PRIMARY KEY); PRAGMA user_version = {};",
            MIGRATIONS.len()
        ))
        .unwrap();
    let not_relay = relay_migrate(&["--from", &from(&look_alike), "--to", &url], &[]);
    refused(&not_relay, "is not a sealbill relay store (it has no table");

    let old = dir.join("old");
    std::fs::create_dir_all(&old).unwrap();
    let (older, current) = (MIGRATIONS.len() - 1, MIGRATIONS.len());
    rusqlite::Connection::open(old.join(DATABASE_FILE))
        .unwrap()
        .execute_batch(&format!(
            "{}\nPRAGMA user_version = {older};",
            MIGRATIONS[..older].join("\n")
        ))
        .unwrap();
    let older = relay_migrate(&["--from", &from(&old), "--to", &url], &[]);
    refused(
        &older,
        &format!(
            "has schema version {}, and migrate copies this relay's version {current} only",
            current - 1
        ),
    );
    refused(&older, "senders list");

    let (store, store_dir) = sqlite_store();
    drop(store);
    let source = from(&store_dir.join("data"));
    let malformed = relay_migrate(
        &[
            "--from",
            &source,
            "--to",
            "postgres://u:secret@host:notaport/db",
        ],
        &[],
    );
    refused(&malformed, "sealbill-relay: --to is not a PostgreSQL URL");
    let unreachable = relay_migrate(
        &[
            "--from",
            &source,
            "--to",
            "postgres://u:secret@127.0.0.1:1/db",
        ],
        &[],
    );
    refused(
        &unreachable,
        "sealbill-relay: cannot connect to the database",
    );
    let no_scheme = relay_migrate(&["--from", "/var/lib/sealbill", "--to", &url], &[]);
    refused(&no_scheme, "sqlite:PATH");
    let no_target = relay_migrate(&["--from", &source], &[]);
    refused(&no_target, "--to <URL>");

    // None of it wrote to the database.
    assert_eq!(tables_in(&url.parse().unwrap()), 0);
    for path in [dir, store_dir] {
        std::fs::remove_dir_all(path).unwrap();
    }
}

#[test]
fn migrate_help_names_both_stores_and_what_it_refuses() {
    let out = relay_migrate(&["--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for words in [
        "--from <sqlite:PATH>",
        "--to <URL>",
        "SEALBILL_DATABASE_URL",
        "one read transaction",
        "SHA-256",
        "never merges or overwrites",
    ] {
        assert!(help.contains(words), "{words}: {help}");
    }
    let top = Command::new(common::BIN).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&top.stdout).contains("migrate"));
}
