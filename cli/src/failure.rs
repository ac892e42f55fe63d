//! The CLI's error: one line for the user, never a secret.

use std::fmt;
use std::path::Path;

/// A failure reported as `sealbill: <message>` with exit status 1.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    /// An I/O failure on `path`.
    pub fn io(what: &str, path: &Path, err: &std::io::Error) -> Failure {
        Failure(format!("{what} {}: {err}", path.display()))
    }

    /// Any other failure.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure(message.into())
    }
}

impl From<sealbill::Error> for Failure {
    fn from(err: sealbill::Error) -> Failure {
        Failure(format!("{err} [{}]", err.code()))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
