//! Reading a backup passphrase: from `--passphrase-file`, from `SEALBILL_PASSPHRASE`, or from
//! the terminal without echo.

use std::io::IsTerminal;
use std::path::Path;

use sealbill::Passphrase;
use zeroize::Zeroizing;

use crate::failure::Failure;
use crate::inputs;

/// The environment variable that may hold the passphrase (for scripts).
const ENV: &str = "SEALBILL_PASSPHRASE";

/// Reads the passphrase from `file` (its first line), else from `SEALBILL_PASSPHRASE`, else
/// from the terminal; with `confirm`, the terminal asks twice.
pub fn read(file: Option<&Path>, confirm: bool) -> Result<Passphrase, Failure> {
    if let Some(path) = file {
        let text = inputs::read_small(path)?;
        let line = text.lines().next().unwrap_or_default();
        if line.is_empty() {
            return Err(Failure::new(format!(
                "{}: the passphrase file's first line is empty",
                path.display()
            )));
        }
        return Ok(Passphrase::new(line)?);
    }
    if let Some(text) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        let text = Zeroizing::new(
            text.into_string()
                .map_err(|_| Failure::new(format!("{ENV} is not valid UTF-8")))?,
        );
        return Ok(Passphrase::new(&text)?);
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
            .map_err(|_| {
                Failure::new(format!(
                    "no passphrase: pass --passphrase-file FILE, set {ENV}, or run in a terminal"
                ))
            })
    };
    let first = prompt("Backup passphrase: ")?;
    if first.is_empty() {
        return Err(Failure::new("the passphrase is empty"));
    }
    if confirm && *prompt("Repeat the passphrase: ")? != *first {
        return Err(Failure::new(
            "the two passphrases differ; nothing was written",
        ));
    }
    Ok(Passphrase::new(&first)?)
}
