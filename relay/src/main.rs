//! `sealbill-relay`: serves the API and the page, manages the sender allow-list, lists the
//! stored team rosters, takes or restores snapshots of the store, and moves a SQLite store to
//! PostgreSQL.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use sealbill::{Card, Fingerprint, Role, Roster};
use sealbill_relay::config::{Cli, Command, DatabaseUrl, SendersAction, ServeArgs};
use sealbill_relay::postgres::PgStore;
use sealbill_relay::sqlite::{SqliteStore, SCHEMA_VERSION};
use sealbill_relay::store::{Sender, Store};
use sealbill_relay::{app, now, AppState};
use sealbill_relay::{log, server, snapshot};
use tracing_subscriber::fmt::MakeWriter;

/// How often expired envelopes are deleted.
const PURGE_EVERY: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SEALBILL_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(|| log::LOG.make_writer())
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let open = |to_serve| open_store(&cli.data_dir, cli.database_url.as_ref(), to_serve);
    let result = match cli.command {
        Some(Command::Senders { action }) => open(false).and_then(|store| senders(&*store, action)),
        Some(Command::Rosters) => open(false).and_then(|store| rosters(&*store)),
        Some(Command::Backup { .. } | Command::Restore { .. }) if cli.database_url.is_some() => {
            Err(SQLITE_ONLY.into())
        }
        Some(Command::Backup { to, force }) => backup(&cli.data_dir, &to, force),
        Some(Command::Restore { from }) => restore(&from, &cli.data_dir),
        Some(Command::Migrate { from, to }) => migrate(&from, &to),
        None => open(true).and_then(|store| serve(store, cli.serve)),
    };
    log::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sealbill-relay: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Why `backup` and `restore` refuse --database-url.
const SQLITE_ONLY: &str = "backup and restore work on the SQLite store of --data-dir; \
    back up a PostgreSQL store with PostgreSQL's own tools (pg_dump, pg_basebackup)";

/// The PostgreSQL store of --database-url, or else the SQLite store in --data-dir (held
/// exclusively by a relay that serves it).
fn open_store(
    data_dir: &Path,
    database_url: Option<&DatabaseUrl>,
    to_serve: bool,
) -> Result<Arc<dyn Store>, String> {
    match database_url {
        Some(url) => {
            let config = url.config().map_err(|e| format!("--database-url is {e}"))?;
            let store = PgStore::open(config).map_err(|e| e.to_string())?;
            Ok(Arc::new(store))
        }
        None => {
            let open = if to_serve {
                SqliteStore::open_to_serve
            } else {
                SqliteStore::open
            };
            let store = open(data_dir).map_err(|e| e.to_string())?;
            Ok(Arc::new(store))
        }
    }
}

fn senders(store: &dyn Store, action: SendersAction) -> Result<(), String> {
    match action {
        SendersAction::Add { card } => {
            let text = if Path::new(&card).is_file() {
                std::fs::read_to_string(&card).map_err(|e| format!("{card}: {e}"))?
            } else {
                card
            };
            let word = text
                .split_whitespace()
                .find(|w| w.starts_with(sealbill::CARD_TEXT_PREFIX))
                .ok_or("no sealbill-card:… found")?;
            let card = Card::from_text(word).map_err(|e| format!("invalid card: {e}"))?;
            let fingerprint = card.fingerprint().to_string();
            let sender = Sender {
                card: card.to_text(),
                fingerprint: fingerprint.clone(),
                added_at: now(),
            };
            store
                .add_sender(&card.verifying_key().to_bytes(), &sender)
                .map_err(|e| e.to_string())?;
            println!("added {} ({fingerprint})", card.name());
        }
        SendersAction::Remove { fingerprint } => {
            let fp: Fingerprint = fingerprint
                .parse()
                .map_err(|e| format!("invalid fingerprint: {e}"))?;
            if !store
                .remove_sender(&fp.to_string())
                .map_err(|e| e.to_string())?
            {
                return Err(format!("no sender with fingerprint {fp}"));
            }
            println!("removed {fp}");
        }
        SendersAction::List => {
            for s in store.senders().map_err(|e| e.to_string())? {
                let name = Card::from_text(&s.card)
                    .map(|c| c.name().to_owned())
                    .unwrap_or_default();
                println!("{}  {name}", s.fingerprint);
            }
        }
    }
    Ok(())
}

/// Lists the stored team rosters, one line each.
fn rosters(store: &dyn Store) -> Result<(), String> {
    for bytes in store.rosters().map_err(|e| e.to_string())? {
        match Roster::verify(&bytes, None) {
            Ok(roster) => println!("{}", roster_line(&roster)),
            Err(e) => println!("a stored roster does not verify ({})", e.code()),
        }
    }
    Ok(())
}

/// One roster as `rosters` lists it.
fn roster_line(roster: &Roster) -> String {
    let count = |role: Role| roster.members().iter().filter(|m| m.role == role).count();
    format!(
        "{}  {}  version {}, issued {} (Unix time), billers: {}, accountants: {}, archive epoch {}",
        roster.owner().fingerprint(),
        roster.owner().name(),
        roster.version(),
        roster.issued(),
        count(Role::Biller),
        count(Role::Accountant),
        roster.archive().epoch
    )
}

/// Writes a snapshot of the store (the relay may be serving) and says what it holds.
fn backup(data_dir: &Path, to: &Path, force: bool) -> Result<(), String> {
    let started = Instant::now();
    let summary = snapshot::backup(data_dir, to, force).map_err(|e| e.to_string())?;
    println!(
        "wrote {}: {summary}, in {:.2} s",
        to.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Restores a snapshot into an empty or missing data directory.
fn restore(from: &Path, data_dir: &Path) -> Result<(), String> {
    let summary = snapshot::restore(from, data_dir).map_err(|e| e.to_string())?;
    println!(
        "restored {} into {}: {summary}",
        from.display(),
        data_dir.display()
    );
    if summary.schema_version < SCHEMA_VERSION {
        println!("the relay upgrades it to schema version {SCHEMA_VERSION} when it starts");
    }
    Ok(())
}

/// Copies the SQLite store at `from` into the empty PostgreSQL database `to`, verified, and
/// says what it copied (naming the database without its password).
fn migrate(from: &Path, to: &DatabaseUrl) -> Result<(), String> {
    let config = to.config().map_err(|e| format!("--to is {e}"))?;
    let report = sealbill_relay::migrate::migrate(from, &config).map_err(|e| e.to_string())?;
    // The report ends its own last line.
    print!(
        "migrated {} (schema version {}) to {}: {report}",
        report.file.display(),
        report.schema_version,
        to.redacted()
    );
    Ok(())
}

fn serve(store: Arc<dyn Store>, config: ServeArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let purge_store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PURGE_EVERY);
            loop {
                tick.tick().await;
                let store = purge_store.clone();
                match tokio::task::spawn_blocking(move || store.purge_expired(now())).await {
                    Ok(Ok(n)) if n > 0 => tracing::info!(purged = n, "expired envelopes deleted"),
                    Ok(Err(e)) => tracing::error!(error = %e, "purge failed"),
                    _ => {}
                }
            }
        });
        if !config.open_uploads {
            let senders = store.senders().map_err(|e| e.to_string())?.len();
            tracing::info!(senders, "uploads need a signature from a registered sender or a member of its stored team roster");
            if config.public_hosts.is_empty() {
                tracing::info!(listen = %config.listen, "signed requests are accepted at the host names --listen implies; behind a proxy or a DNS name, list them with --public-host");
            } else {
                tracing::info!(hosts = ?config.public_hosts, "signed requests are accepted at these public hosts only");
            }
        } else {
            tracing::warn!("--open-uploads: anyone can upload (for local demos and tests only)");
        }
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(server::tls_acceptor(cert, key)?),
            _ => None,
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("sealbill-relay listening on {scheme}://{addr}");
        let timeouts = server::Timeouts::of(&config);
        let router = app(AppState::new(store, config));
        server::serve(listener, tls, router, timeouts, shutdown_signal()).await;
        Ok::<(), String>(())
    })?;
    // Whatever is still running after the drain (a store call) is not waited for.
    runtime.shutdown_timeout(Duration::ZERO);
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
