//! Helpers shared by the black-box tests of the `sealbill` binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs,
    dead_code
)]

use std::cell::Cell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A valid EN 16931 invoice.
pub const INVOICE: &[u8] = include_bytes!("../../../invoice/tests/invoices/valid/standard.xml");

/// The binary, with no address book of the machine's user in sight: `XDG_CONFIG_HOME` points
/// to a directory that does not exist, so tests use `--contacts` (and `--team`) or none.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sealbill"));
    command
        .env_remove("SEALBILL_CONTACTS")
        .env_remove("SEALBILL_TEAM")
        .env("XDG_CONFIG_HOME", "/nonexistent/sealbill-test-config");
    command
}

/// Runs the binary with `args`, feeding `stdin` (or nothing).
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The pipe closes when `input` goes out of scope, ending the child's stdin.
    {
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or_default()).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Runs the binary, asserts success and returns its stdout.
pub fn succeed(args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    let out = run(args, stdin);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs the binary, asserts success and returns its stdout as text.
pub fn ok(args: &[&str]) -> String {
    String::from_utf8(succeed(args, None)).unwrap()
}

/// Asserts exit status 1, empty stdout, and exactly one stderr line `sealbill: …` that
/// contains one of `needles` (an error code such as `[TAMPERED]`, a path, or words).
pub fn assert_fails(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.starts_with("sealbill: "), "stderr: {stderr}");
    assert!(
        needles.iter().any(|n| stderr.contains(n)),
        "none of {needles:?} in {stderr}"
    );
}

/// The names in a directory, sorted; none if it does not exist.
pub fn entries(dir: &Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir {
    pub root: PathBuf,
    next: Cell<usize>,
}

impl TempDir {
    pub fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("sealbill-cli-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        TempDir {
            root,
            next: Cell::new(0),
        }
    }

    /// A path inside the directory, as text for the command line.
    pub fn path(&self, name: &str) -> String {
        self.root.join(name).to_str().unwrap().to_owned()
    }

    /// A new file name, `prefix` and a number.
    pub fn unique(&self, prefix: &str) -> String {
        let n = self.next.get();
        self.next.set(n + 1);
        format!("{prefix}{n}")
    }

    /// A new, not yet existing, path.
    pub fn fresh(&self, prefix: &str) -> String {
        self.path(&self.unique(prefix))
    }

    /// Writes `bytes` to a file in the directory and returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Pseudo-random bytes (SplitMix64, seeded from the clock and the process id).
pub fn random_bytes(len: usize) -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut state = nanos ^ u64::from(std::process::id()).rotate_left(32);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The value of a `key: value` line.
pub fn field(stdout: &str, key: &str) -> String {
    let prefix = format!("{key}: ");
    let value = stdout.lines().find_map(|l| l.strip_prefix(&prefix));
    assert!(value.is_some(), "no {key} line in {stdout}");
    value.unwrap().to_owned()
}

/// An identity made by `sealbill keygen`.
pub struct Party {
    pub file: String,
    pub fingerprint: String,
    pub keygen_stdout: String,
}

impl Party {
    pub fn new(tmp: &TempDir, name: &str) -> Party {
        let file = tmp.path(&format!("{name}.identity"));
        let keygen_stdout = ok(&["keygen", "--name", name, "-o", &file]);
        Party {
            fingerprint: field(&keygen_stdout, "fingerprint"),
            file,
            keygen_stdout,
        }
    }

    /// The library view of the identity file.
    pub fn library(&self) -> sealbill::Identity {
        sealbill::Identity::from_text(&std::fs::read_to_string(&self.file).unwrap()).unwrap()
    }
}
