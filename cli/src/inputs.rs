//! Reading identities, recipients and document names from the command line and files.

use std::io::Read;
use std::path::Path;

use sealbill::age::{Identity as AgeIdentity, Recipient};
use sealbill::{age_identities_from_text, Identity};
use zeroize::Zeroizing;

use crate::failure::Failure;

/// Bytes read from an input at a time: one age STREAM chunk.
pub const PIECE: usize = 64 * 1024;

/// Reads `reader` to its end in pieces of up to [`PIECE`] bytes, passing each to `f`.
pub fn for_each_piece(
    reader: &mut impl Read,
    name: &Path,
    mut f: impl FnMut(&[u8]) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut buf = vec![0u8; PIECE];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::io("cannot read", name, &e)),
        };
        f(buf.get(..n).unwrap_or_default())?;
    }
}

/// The largest identity or card file read.
const MAX_KEY_FILE: u64 = 64 * 1024;

/// Reads a small UTF-8 file (a key, card or identity file).
pub fn read_small(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let len = std::fs::metadata(path)
        .map_err(|e| Failure::io("cannot read", path, &e))?
        .len();
    if len > MAX_KEY_FILE {
        return Err(Failure::new(format!(
            "{} is too large for a key file",
            path.display()
        )));
    }
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| Failure::io("cannot read", path, &e))?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::new(format!("{} is not UTF-8 text", path.display())))?;
    Ok(Zeroizing::new(text.to_owned()))
}

fn unreadable(path: &Path, err: sealbill::Error) -> Failure {
    Failure::new(format!(
        "unreadable identity file {}: {err}",
        path.display()
    ))
}

/// Reads a sealbill identity file.
pub fn read_identity(path: &Path) -> Result<Identity, Failure> {
    Identity::from_text(&read_small(path)?).map_err(|e| unreadable(path, e))
}

/// Reads the age identities of a sealbill or plain age identity file.
pub fn read_age_identities(path: &Path) -> Result<Vec<AgeIdentity>, Failure> {
    age_identities_from_text(&read_small(path)?).map_err(|e| unreadable(path, e))
}

/// Whether a `--to` value is an `age1…` key, a `sealbill-card:…` card or an existing file
/// (otherwise it names a contact).
pub fn is_key_card_or_file(arg: &str) -> bool {
    arg.starts_with("age1")
        || arg.starts_with(sealbill::CARD_TEXT_PREFIX)
        || Path::new(arg).is_file()
}

/// A recipient from an `age1…` key, a `sealbill-card:…` card, or a file holding one of them.
pub fn parse_recipient(arg: &str) -> Result<Recipient, Failure> {
    let text = if arg.starts_with("age1") || arg.starts_with(sealbill::CARD_TEXT_PREFIX) {
        Zeroizing::new(arg.to_owned())
    } else if Path::new(arg).is_file() {
        // A card or recipient file, such as the output of `sealbill card`: take the first
        // word that is a card, else the first that is an age1 recipient.
        let text = read_small(Path::new(arg))?;
        let word = text
            .split_whitespace()
            .find(|w| w.starts_with(sealbill::CARD_TEXT_PREFIX))
            .or_else(|| text.split_whitespace().find(|w| w.starts_with("age1")))
            .unwrap_or_default()
            .to_owned();
        Zeroizing::new(word)
    } else {
        return Err(Failure::new(format!(
            "{arg}: not an age1 recipient, a sealbill card, or a file"
        )));
    };
    sealbill::parse_recipient(&text)
        .map_err(|e| Failure::new(format!("invalid recipient {arg}: {e}")))
}

/// The document name of a file: its final path component.
pub fn file_name(path: &Path) -> Result<String, Failure> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| Failure::new(format!("{}: the file name must be UTF-8", path.display())))
}

/// The media type of a document, from its extension.
pub fn media_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}
