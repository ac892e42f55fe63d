//! Reading a backup's or a link's passphrase: from `--passphrase-file`, from
//! `SEALBILL_PASSPHRASE`, or from the terminal without echo.

use std::io::IsTerminal;
use std::path::Path;

use sealbill::Passphrase;
use zeroize::Zeroizing;

use crate::failure::Failure;
use crate::inputs;

/// The environment variable that may hold the passphrase (for scripts).
const ENV: &str = "SEALBILL_PASSPHRASE";
/// The fewest characters a new backup's passphrase may have: a stolen backup can be attacked
/// offline, one Argon2id run per guess (SECURITY.md).
const MIN_NEW_CHARS: usize = 12;

/// What the passphrase is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Locking a new backup: the terminal asks twice, and a short passphrase is refused.
    NewBackup,
    /// Opening an existing backup.
    OpenBackup,
    /// Opening an envelope with a link that has a passphrase (SPEC §5.3).
    OpenLink,
}

/// Reads the passphrase from `file` (its first line), else from `SEALBILL_PASSPHRASE`, else
/// from the terminal.
pub fn read(file: Option<&Path>, purpose: Use) -> Result<Passphrase, Failure> {
    let text = read_text(file, purpose)?;
    if purpose == Use::NewBackup && text.chars().count() < MIN_NEW_CHARS {
        return Err(Failure::new(
            "a backup passphrase needs at least 12 characters (better four or more random words): \
             whoever steals the file can try guesses offline",
        ));
    }
    Ok(Passphrase::new(&text)?)
}

fn read_text(file: Option<&Path>, purpose: Use) -> Result<Zeroizing<String>, Failure> {
    if let Some(path) = file {
        let text = inputs::read_small(path)?;
        let line = text.lines().next().unwrap_or_default();
        if line.is_empty() {
            return Err(Failure::new(format!(
                "{}: the passphrase file's first line is empty",
                path.display()
            )));
        }
        return Ok(Zeroizing::new(line.to_owned()));
    }
    if let Some(text) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        return text
            .into_string()
            .map(Zeroizing::new)
            .map_err(|_| Failure::new(format!("{ENV} is not valid UTF-8")));
    }
    let no_passphrase = || {
        Failure::new(format!(
            "no passphrase: pass --passphrase-file FILE, set {ENV}, or run in a terminal"
        ))
    };
    // A script whose standard input is not a terminal gets an error, not a hidden prompt.
    if !std::io::stdin().is_terminal() {
        return Err(no_passphrase());
    }
    let prompt = |text: &str| {
        rpassword::prompt_password(text)
            .map(Zeroizing::new)
            .map_err(|_| no_passphrase())
    };
    let first = prompt(match purpose {
        Use::OpenLink => "Link passphrase: ",
        Use::NewBackup | Use::OpenBackup => "Backup passphrase: ",
    })?;
    if first.is_empty() {
        return Err(Failure::new("the passphrase is empty"));
    }
    if purpose == Use::NewBackup && *prompt("Repeat the passphrase: ")? != *first {
        return Err(Failure::new(
            "the two passphrases differ; nothing was written",
        ));
    }
    Ok(first)
}
