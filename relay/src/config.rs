//! Configuration: flags, each with an environment variable, documented by `--help`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// The sealbill relay: stores sealed invoices (ciphertext only) and serves the page.
#[derive(Debug, Parser)]
#[command(name = "sealbill-relay", version, about)]
pub struct Cli {
    /// Directory of the SQLite database.
    #[arg(
        long,
        env = "SEALBILL_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Store everything in this PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DB)
    /// instead of SQLite in --data-dir, so that several relay nodes share one store. The
    /// connection is not encrypted: reach the database over a private network or a unix
    /// socket (?host=/run/postgresql). The password is never printed.
    #[arg(
        long,
        env = "SEALBILL_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<DatabaseUrl>,

    /// Server settings.
    #[command(flatten)]
    pub serve: ServeArgs,

    /// A maintenance command; without one, the relay serves.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; without a command the relay serves.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the senders allowed to upload.
    Senders {
        /// add, remove or list.
        #[command(subcommand)]
        action: SendersAction,
    },
    /// List the stored team rosters: owner fingerprint and name, version, issue time, members
    /// by role, archive-key epoch.
    Rosters,
    /// Write a consistent snapshot of the store to a file, also while a relay serves from the
    /// same data directory. It holds ciphertext, token hashes and public cards only.
    Backup {
        /// The snapshot file to write (through a temporary file beside it, mode 0600).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Restore a snapshot into an empty or missing data directory, then start the relay on it.
    Restore {
        /// The snapshot file written by `backup`.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Copy a SQLite store into an empty PostgreSQL database, for relay nodes that share one
    /// store (--database-url), and verify the copy.
    #[command(long_about = MIGRATE_ABOUT)]
    Migrate {
        /// The SQLite store: sqlite:DIR, a data directory (as --data-dir), or sqlite:FILE, its
        /// relay.sqlite3 or a snapshot written by `backup`. Only read, never changed.
        #[arg(long, value_name = "sqlite:PATH", value_parser = sqlite_source)]
        from: PathBuf,
        /// The PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/DB) whose relay tables
        /// are missing or empty. Taken from SEALBILL_DATABASE_URL when not given, which keeps
        /// the password off the command line. The password is never printed.
        #[arg(
            long,
            value_name = "URL",
            env = "SEALBILL_DATABASE_URL",
            hide_env_values = true
        )]
        to: DatabaseUrl,
    },
}

/// What `migrate --help` says beyond its one line.
const MIGRATE_ABOUT: &str = "\
Copy a SQLite store into an empty PostgreSQL database, for relay nodes that share one store \
(--database-url), and verify the copy.

Everything the store holds is copied: every envelope with its body and metadata (expiry, open \
count and state, token and proof hashes, uploader and team), replies, senders, rosters and \
their members, memberships, archive-key files, and the signed requests seen within the replay \
window. --from and --to name both stores, so --data-dir and --database-url are not used \
(but --to defaults to SEALBILL_DATABASE_URL, the variable of --database-url).

- The source is read in one read transaction, one committed state of the store, also while a \
relay serves from it; what that relay stores after the copy began stays behind, so stop it \
first for a complete move. Its schema version must be this relay's: an older store is \
upgraded by opening it once with this relay (start it on the data directory, or run \
`sealbill-relay --data-dir DIR senders list`).
- The target gets the relay's schema and the copy in one transaction, committed only after \
every row, read back from PostgreSQL, has the SHA-256 of the row read from SQLite, and every \
table the same number of rows. Any failure or difference leaves the target as it was, and \
names the envelope (or other row) that differed.
- A target that already holds any relay data is refused: migrate never merges or overwrites.";

/// Parses a --from value: `sqlite:` and a path.
fn sqlite_source(text: &str) -> Result<PathBuf, String> {
    match text.strip_prefix("sqlite:") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        Some(_) => Err("the path after sqlite: is missing".into()),
        None => Err("the source is sqlite:PATH (a data directory or its relay.sqlite3)".into()),
    }
}

/// Allow-list actions.
#[derive(Debug, Subcommand)]
pub enum SendersAction {
    /// Allow a sender: its card (`sealbill-card:…`) or a file holding it.
    Add {
        /// The card, or a file holding it (such as the output of `sealbill card`).
        card: String,
    },
    /// Remove a sender by fingerprint (eight groups of five digits).
    Remove {
        /// The fingerprint, quoted.
        fingerprint: String,
    },
    /// List the allowed senders.
    List,
}

/// Server settings.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SEALBILL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory of the page (served at /).
    #[arg(long, env = "SEALBILL_WWW_DIR", default_value = "./www")]
    pub www_dir: PathBuf,

    /// Directory of the wasm module package (served at /pkg/).
    #[arg(long, env = "SEALBILL_PKG_DIR", default_value = "./pkg")]
    pub pkg_dir: PathBuf,

    /// Let anyone upload, without a signature (for the local demo and tests only).
    #[arg(long, env = "SEALBILL_OPEN_UPLOADS")]
    pub open_uploads: bool,

    /// Largest accepted envelope, in bytes.
    #[arg(long, env = "SEALBILL_MAX_BODY", default_value_t = 25 * 1024 * 1024)]
    pub max_body: usize,

    /// Memory for the bodies of envelopes fetched lately, in bytes (bodies up to 256 KiB
    /// each), so that fetching one again reads at most its state from the store; 0 keeps
    /// none. A kept body is served only while the store shows its envelope still active, or
    /// (SQLite) has counted no change to any envelope's life since it was kept.
    #[arg(long, env = "SEALBILL_HOT_BODIES", default_value_t = 32 * 1024 * 1024)]
    pub hot_bodies: usize,

    /// Expiry of an upload that names none, in seconds.
    #[arg(long, env = "SEALBILL_DEFAULT_EXPIRY", default_value_t = 30 * 24 * 3600)]
    pub default_expiry: u64,

    /// Longest expiry an upload may ask for, in seconds.
    #[arg(long, env = "SEALBILL_MAX_EXPIRY", default_value_t = 90 * 24 * 3600)]
    pub max_expiry: u64,

    /// API requests allowed per client and minute (a token bucket of this size).
    #[arg(long, env = "SEALBILL_RATE_LIMIT", default_value_t = 120)]
    pub rate_limit: u32,

    /// Requests handled at once; more wait. A request receiving its body does not count.
    #[arg(long, env = "SEALBILL_CONCURRENCY", default_value_t = 512)]
    pub concurrency: usize,

    /// Time limit for handling one request, in seconds; the transfer of its body does not
    /// count (see --body-window).
    #[arg(long, env = "SEALBILL_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,

    /// Memory for the request bodies being received, in bytes, shared by all clients: a body
    /// reserves its Content-Length before it is read, and one that does not fit is refused
    /// (503, Retry-After). Default 8 × --max-body; never less than --max-body.
    #[arg(long, env = "SEALBILL_BODY_MEMORY")]
    pub body_memory: Option<usize>,

    /// Request bodies one client may send at once; more are refused (429, Retry-After).
    #[arg(
        long,
        env = "SEALBILL_BODIES_PER_CLIENT",
        default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub bodies_per_client: u32,

    /// A request body must bring --body-min-bytes in every window of this many seconds, or
    /// its request ends (408).
    #[arg(
        long,
        env = "SEALBILL_BODY_WINDOW",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub body_window: u64,

    /// The least bytes of a request body per --body-window (default 64 KiB: 6.4 KiB/s).
    #[arg(long, env = "SEALBILL_BODY_MIN_BYTES", default_value_t = 64 * 1024)]
    pub body_min_bytes: usize,

    /// Seconds a request's head (request line and headers) has to arrive, counted from when
    /// the relay starts waiting for it: on connecting, or after the previous answer on a
    /// kept-alive connection. A partial head then gets 408; a silent connection is closed.
    #[arg(
        long,
        env = "SEALBILL_HEADER_TIMEOUT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub header_timeout: u64,

    /// Seconds a connection may go without a byte read or written before it is closed (a
    /// stalled upload, a client that stops reading its answer). Keep it above
    /// --request-timeout.
    #[arg(
        long,
        env = "SEALBILL_IDLE_TIMEOUT",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub idle_timeout: u64,

    /// Seconds a client has to complete the TLS handshake (with --tls-cert).
    #[arg(
        long,
        env = "SEALBILL_TLS_HANDSHAKE_TIMEOUT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub tls_handshake_timeout: u64,

    /// On SIGTERM or Ctrl-C, seconds the requests in flight have to finish; the relay then
    /// closes the connections left and exits.
    #[arg(
        long,
        env = "SEALBILL_DRAIN_TIMEOUT",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(0..=3600)
    )]
    pub drain_timeout: u64,

    /// How far a signed request's timestamp may be from the relay's clock, in seconds.
    #[arg(long, env = "SEALBILL_REPLAY_WINDOW", default_value_t = 300)]
    pub replay_window: u64,

    /// Allow API calls from this origin (CORS); repeat for several. Off by default.
    #[arg(
        long = "cors-origin",
        env = "SEALBILL_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// Take the client address for rate limiting from X-Forwarded-For (behind a proxy): the
    /// entry --trusted-hops places from the right, the one your own proxy appended; the
    /// entries left of it are the client's to choose. A missing header, too few entries or
    /// a malformed one fall back to the peer address.
    #[arg(long, env = "SEALBILL_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// With --trust-proxy: how many proxies of your own append to X-Forwarded-For; the
    /// client address is the entry this many places from the right (1: the rightmost).
    #[arg(
        long,
        env = "SEALBILL_TRUSTED_HOPS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u32).range(1..=64)
    )]
    pub trusted_hops: u32,

    /// The host[:port] clients address this relay by (its URL's authority, as the page's
    /// `location.host` shows it); repeat for several. Signed requests (SPEC §6) name it, and
    /// are refused with another Host. Behind a proxy, the public host. Default: the loopback
    /// names of --listen with its port (any port when it is 0), or its address if another.
    #[arg(
        long = "public-host",
        value_name = "HOST[:PORT]",
        env = "SEALBILL_PUBLIC_HOSTS",
        value_delimiter = ',',
        value_parser = public_host
    )]
    pub public_hosts: Vec<String>,

    /// TLS certificate chain (PEM); with --tls-key, the relay serves HTTPS itself.
    #[arg(long, env = "SEALBILL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// TLS private key (PEM).
    #[arg(long, env = "SEALBILL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl ServeArgs {
    /// Whether `authority` (lower case, see [`sealbill::relay_authority`]) is one of this
    /// relay's public hosts: --public-host, or the default that --listen implies.
    pub fn serves_host(&self, authority: &str) -> bool {
        if !self.public_hosts.is_empty() {
            return self.public_hosts.iter().any(|h| h == authority);
        }
        let (ip, port) = (self.listen.ip(), self.listen.port());
        let Some((host, their_port)) = authority.rsplit_once(':') else {
            return false;
        };
        let literal = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        // A loopback or wildcard listener answers to the loopback names that reach it.
        let host_ok = host == literal
            || match host {
                "localhost" => ip.is_loopback() || ip.is_unspecified(),
                "127.0.0.1" => ip == Ipv4Addr::UNSPECIFIED || ip == Ipv6Addr::UNSPECIFIED,
                "[::1]" => ip == Ipv6Addr::UNSPECIFIED,
                _ => false,
            };
        let port_ok = port == 0 || their_port == port.to_string();
        port_ok && host_ok
    }

    /// The request time limit.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout)
    }
}

/// Parses a --public-host value: host[:port], in lower case.
fn public_host(text: &str) -> Result<String, String> {
    sealbill::relay_authority(text.trim()).map_err(|e| e.to_string())
}

/// The --database-url text, parsed when the store opens rather than by clap, whose errors
/// repeat the value (and so the password); `Debug` prints no password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<DatabaseUrl, Self::Err> {
        Ok(DatabaseUrl(text.to_owned()))
    }
}

impl DatabaseUrl {
    /// The connection settings; the error names what is wrong, never the URL.
    pub fn config(&self) -> Result<tokio_postgres::Config, String> {
        self.0
            .parse()
            .map_err(|e| format!("not a PostgreSQL URL ({e})"))
    }

    /// The URL without its password, to name the database to the operator:
    /// `postgres://USER@HOST:PORT/DB` (a unix socket as `?host=DIR`), made from the parsed
    /// settings, never from the text as given.
    pub fn redacted(&self) -> String {
        use tokio_postgres::config::Host;
        let Ok(config) = self.config() else {
            return "(not a PostgreSQL URL)".into();
        };
        let ports = config.get_ports();
        let (mut tcp, mut sockets) = (Vec::new(), Vec::new());
        for (i, host) in config.get_hosts().iter().enumerate() {
            // One port for every host, one per host, or the default.
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            match host {
                Host::Tcp(name) => tcp.push(format!("{name}:{port}")),
                Host::Unix(dir) => sockets.push(format!("host={}", dir.display())),
            }
        }
        let user = config
            .get_user()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let db = config.get_dbname().unwrap_or_default();
        let query = if sockets.is_empty() {
            String::new()
        } else {
            format!("?{}", sockets.join("&"))
        };
        format!("postgres://{user}{}/{db}{query}", tcp.join(","))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // tokio-postgres' `Config` prints its password as `_`.
        match self.config() {
            Ok(config) => config.fmt(f),
            Err(_) => f.write_str("DatabaseUrl(not a PostgreSQL URL)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_is_named_without_its_password() {
        let named = |url: &str| url.parse::<DatabaseUrl>().unwrap().redacted();
        assert_eq!(
            named("postgres://relay:s3cret@db.internal:6432/sealbill?connect_timeout=5"),
            "postgres://relay@db.internal:6432/sealbill"
        );
        assert_eq!(
            named("postgresql://relay:s3cret@10.0.0.5/sealbill"),
            "postgres://relay@10.0.0.5:5432/sealbill"
        );
        assert_eq!(
            named("postgres://relay:s3cret@/sealbill?host=/run/postgresql"),
            "postgres://relay@/sealbill?host=/run/postgresql"
        );
        assert_eq!(
            named("postgres://relay:s3cret@db:port/x"),
            "(not a PostgreSQL URL)"
        );
        let debug = format!(
            "{:?}",
            "postgres://relay:s3cret@db/x".parse::<DatabaseUrl>()
        );
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
