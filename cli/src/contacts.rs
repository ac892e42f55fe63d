//! The address book: the senders and clients you know, by card, with whether you compared
//! their fingerprint out of band. `open` checks every sender against it, and `seal --to NAME`
//! finds recipients in it.
//!
//! The book is a UTF-8 text file, one contact per line, so that it can be read and kept for
//! years without this tool:
//!
//! ```text
//! # comments and empty lines are kept as they are
//! verified<TAB>2026-12-03<TAB>sealbill-card:…
//! unverified<TAB>2026-12-03<TAB>sealbill-card:…<TAB>Local name
//! ```
//!
//! Fields: the state (`verified` or `unverified`), the date the contact was added
//! (`YYYY-MM-DD`, UTC), the card (SPEC §3.2, whose self-signature is checked on every read),
//! and optionally a local name. Names are compared with [`sealbill::names::name_key`], so
//! lookalikes (a Cyrillic letter, a zero-width joiner, "rn" for "m") meet.

use std::fmt;
use std::path::{Path, PathBuf};

use sealbill::names::{has_format_chars, name_key};
use sealbill::{Card, Fingerprint, CARD_TEXT_PREFIX};

use crate::failure::Failure;
use crate::{staging, timefmt};

/// The largest book read.
const MAX_BOOK: u64 = 16 * 1024 * 1024;
/// The longest local name, in bytes: that of a card name (SPEC §3.2).
const MAX_NAME_LEN: usize = 200;

/// The comment that starts a new book.
const HEADER: &str = "\
# sealbill address book (v1). One contact per line, fields separated by one tab:
#   state (verified or unverified), date added (YYYY-MM-DD), card (sealbill-card:…),
#   and optionally a local name.
# Lines starting with # and empty lines are ignored. Change it with `sealbill contacts`.";

/// Where the book lives: `--contacts`, else `$SEALBILL_CONTACTS`, else
/// `$XDG_CONFIG_HOME/sealbill/contacts.txt`, else `~/.config/sealbill/contacts.txt`. `None`
/// when none of them is set.
pub fn location(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = flag {
        return Some(path.to_owned());
    }
    if let Some(path) = env_var("SEALBILL_CONTACTS") {
        return Some(PathBuf::from(path));
    }
    Some(config_dir()?.join("contacts.txt"))
}

/// A non-empty environment variable.
pub fn env_var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// `$XDG_CONFIG_HOME/sealbill`, else `~/.config/sealbill`; `None` when neither is set.
pub fn config_dir() -> Option<PathBuf> {
    // The XDG base directory spec ignores relative paths.
    let config = env_var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env_var("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config.join("sealbill"))
}

/// The book's location, or a failure that says how to give one.
pub fn require_location(flag: Option<&Path>) -> Result<PathBuf, Failure> {
    location(flag).ok_or_else(|| {
        Failure::new("no place for the address book: pass --contacts FILE or set SEALBILL_CONTACTS")
    })
}

/// One contact: a card and what you know about it.
#[derive(Clone)]
pub struct Contact {
    /// Whether the fingerprint was compared out of band.
    pub verified: bool,
    /// The date it was added, `YYYY-MM-DD`.
    pub added: String,
    /// The contact's self-signed card.
    pub card: Card,
    /// The name you gave it, if any.
    pub local_name: Option<String>,
}

impl Contact {
    /// The name to show: the local name, else the card's.
    pub fn name(&self) -> &str {
        self.local_name.as_deref().unwrap_or(self.card.name())
    }

    /// The comparison keys of its names (empty keys match nothing).
    fn keys(&self) -> Vec<String> {
        let mut keys = vec![name_key(self.card.name())];
        if let Some(local) = &self.local_name {
            keys.push(name_key(local));
        }
        keys.retain(|k| !k.is_empty());
        keys
    }

    /// Whether one of its names looks like `key`.
    fn is_named(&self, key: &str) -> bool {
        !key.is_empty() && self.keys().iter().any(|k| k == key)
    }

    fn line(&self) -> String {
        let mut line = format!(
            "{}\t{}\t{}",
            if self.verified {
                "verified"
            } else {
                "unverified"
            },
            self.added,
            self.card.to_text()
        );
        if let Some(local) = &self.local_name {
            line.push('\t');
            line.push_str(local);
        }
        line
    }

    /// `Name`, or `Local (card: Name)` when the local name differs from the card's.
    pub fn describe(&self) -> String {
        match &self.local_name {
            Some(local) if local != self.card.name() => {
                format!("{local} (card: {})", self.card.name())
            }
            _ => self.card.name().to_owned(),
        }
    }
}

enum Line {
    /// A comment or empty line, kept as it is.
    Other(String),
    Contact(Box<Contact>),
}

/// The address book, as read from its file.
pub struct Book {
    path: PathBuf,
    lines: Vec<Line>,
}

impl Book {
    /// Reads the book at `path`; a missing file is an empty book. Any line that is not a
    /// comment or a valid contact is an error that names it.
    pub fn load(path: &Path) -> Result<Book, Failure> {
        let bytes = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Book {
                    path: path.to_owned(),
                    lines: HEADER.lines().map(|l| Line::Other(l.to_owned())).collect(),
                })
            }
            Err(e) => return Err(Failure::io("cannot read address book", path, &e)),
            Ok(meta) if meta.len() > MAX_BOOK => {
                return Err(Failure::new(format!(
                    "address book {} is larger than 16 MiB",
                    path.display()
                )))
            }
            Ok(_) => std::fs::read(path)
                .map_err(|e| Failure::io("cannot read address book", path, &e))?,
        };
        let text = String::from_utf8(bytes).map_err(|_| {
            Failure::new(format!("address book {} is not UTF-8 text", path.display()))
        })?;
        let mut book = Book {
            path: path.to_owned(),
            lines: Vec::new(),
        };
        for (n, raw) in text.lines().enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let bad = |why: &str| {
                Failure::new(format!(
                    "address book {} line {}: {why}; fix or remove that line",
                    path.display(),
                    n + 1
                ))
            };
            if raw.trim().is_empty() || raw.starts_with('#') {
                book.lines.push(Line::Other(raw.to_owned()));
                continue;
            }
            let contact = parse_line(raw).map_err(|why| bad(&why))?;
            let fingerprint = contact.card.fingerprint();
            if let Some(other) = book
                .contacts()
                .find(|c| c.card.fingerprint() == fingerprint)
            {
                return Err(bad(&format!(
                    "the same key as the contact {} above",
                    other.describe()
                )));
            }
            book.lines.push(Line::Contact(Box::new(contact)));
        }
        Ok(book)
    }

    /// Every contact, in file order.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.lines.iter().filter_map(|l| match l {
            Line::Contact(c) => Some(c.as_ref()),
            Line::Other(_) => None,
        })
    }

    fn contacts_mut(&mut self) -> impl Iterator<Item = &mut Contact> {
        self.lines.iter_mut().filter_map(|l| match l {
            Line::Contact(c) => Some(c.as_mut()),
            Line::Other(_) => None,
        })
    }

    /// The contact that `query` names: a fingerprint, or a name compared by its
    /// [`name_key`] with each contact's card name and local name.
    pub fn find(&self, query: &str) -> Result<&Contact, Failure> {
        let matches: Vec<&Contact> = match query.parse::<Fingerprint>() {
            Ok(fingerprint) => self
                .contacts()
                .filter(|c| c.card.fingerprint() == fingerprint)
                .collect(),
            Err(_) => {
                let key = name_key(query);
                self.contacts().filter(|c| c.is_named(&key)).collect()
            }
        };
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(Failure::new(format!(
                "no contact {query:?} in {}; `sealbill contacts list` shows them",
                self.path.display()
            ))),
            several => Err(Failure::new(format!(
                "{query:?} matches {} contacts ({}); name one by its fingerprint",
                several.len(),
                several
                    .iter()
                    .map(|c| format!("{}: {}", c.describe(), c.card.fingerprint()))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        }
    }

    /// The first contact whose name looks like `name` but that has another key.
    fn namesake(&self, name: &str, fingerprint: &Fingerprint) -> Option<&Contact> {
        let key = name_key(name);
        self.contacts()
            .find(|c| c.card.fingerprint() != *fingerprint && c.is_named(&key))
    }

    /// What the book says about the sender of an opened envelope.
    pub fn check_sender(&self, card: &Card) -> Sender {
        let fingerprint = card.fingerprint();
        if let Some(contact) = self.namesake(card.name(), &fingerprint) {
            return Sender::ChangedKey(contact.clone());
        }
        match self
            .contacts()
            .find(|c| c.card.fingerprint() == fingerprint)
        {
            None => Sender::New(card.to_text()),
            Some(c) if c.is_named(&name_key(card.name())) => Sender::Known(c.clone()),
            Some(c) => Sender::Renamed(c.clone()),
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Line::Other(text) => out.push_str(text),
                Line::Contact(c) => out.push_str(&c.line()),
            }
            out.push('\n');
        }
        out
    }

    /// Writes the book atomically (a private temporary file renamed over the old one).
    pub fn save(&self) -> Result<(), Failure> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            staging::create_private_dir(dir)?;
        }
        staging::replace_private(&self.path, self.render().as_bytes())
    }
}

/// What the book says about a sender.
pub enum Sender {
    /// The sender's key is a contact's, under one of its names.
    Known(Contact),
    /// The sender's key is a contact's, but its card now has another name.
    Renamed(Contact),
    /// The sender's name looks like a contact's that has another key.
    ChangedKey(Contact),
    /// Neither the key nor the name is known; the sender's card text.
    New(String),
}

/// Parses one contact line.
fn parse_line(line: &str) -> Result<Contact, String> {
    let mut fields = line.split('\t');
    let state = fields.next().unwrap_or_default();
    let verified = match state {
        "verified" => true,
        "unverified" => false,
        _ => {
            return Err(format!(
                "expected verified or unverified, a tab, the date added, a tab and a card \
                 (found {:?})",
                state.chars().take(40).collect::<String>()
            ))
        }
    };
    let added = fields.next().unwrap_or_default();
    if !is_date(added) {
        return Err("the date added must be YYYY-MM-DD".into());
    }
    let card_text = fields.next().unwrap_or_default();
    if !card_text.starts_with(CARD_TEXT_PREFIX) {
        return Err("the third field must be a sealbill-card:…".into());
    }
    let card = Card::from_text(card_text).map_err(|e| format!("invalid card: {e}"))?;
    let local_name = match fields.next() {
        None => None,
        Some(name) => Some(check_local_name(name)?.to_owned()),
    };
    if fields.next().is_some() {
        return Err("too many tab-separated fields".into());
    }
    Ok(Contact {
        verified,
        added: added.to_owned(),
        card,
        local_name,
    })
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// A local name follows the rules of a card name (SPEC §3.1, §3.2).
fn check_local_name(name: &str) -> Result<&str, String> {
    if name.is_empty()
        || name.len() > MAX_NAME_LEN
        || name.chars().any(char::is_control)
        || name.trim() != name
    {
        return Err(format!(
            "a local name must be 1 to {MAX_NAME_LEN} bytes on one line, without tabs or \
             surrounding spaces"
        ));
    }
    if has_format_chars(name) {
        return Err("a local name must not hide characters (Unicode format characters)".into());
    }
    Ok(name)
}

/// Reads the card of `arg`: a `sealbill-card:…` text, or a file holding one (such as the
/// output of `sealbill card`).
fn read_card(arg: &str) -> Result<Card, Failure> {
    let parse = |text: &str| {
        Card::from_text(text).map_err(|e| Failure::new(format!("invalid card {arg}: {e}")))
    };
    if arg.starts_with(CARD_TEXT_PREFIX) {
        return parse(arg);
    }
    if arg.starts_with("age1") {
        return Err(Failure::new(format!(
            "{arg}: a contact needs a sealbill card (name and keys), not a bare age1 key"
        )));
    }
    let path = Path::new(arg);
    if !path.is_file() {
        return Err(Failure::new(format!(
            "{arg}: not a sealbill card or a file holding one"
        )));
    }
    let text = crate::inputs::read_small(path)?;
    let word = text
        .split_whitespace()
        .find(|w| w.starts_with(CARD_TEXT_PREFIX))
        .ok_or_else(|| Failure::new(format!("{arg}: no sealbill-card:… in this file")))?;
    parse(word)
}

/// `sealbill contacts add`.
pub fn add(book_path: &Path, arg: &str, local_name: Option<&str>) -> Result<(), Failure> {
    let mut book = Book::load(book_path)?;
    let card = read_card(arg)?;
    let local_name = local_name
        .map(|n| {
            check_local_name(n)
                .map(str::to_owned)
                .map_err(|why| Failure::new(format!("--name {n:?}: {why}")))
        })
        .transpose()?;
    let fingerprint = card.fingerprint();
    let mut names = vec![card.name().to_owned()];
    names.extend(local_name.clone());
    for name in &names {
        if let Some(other) = book.namesake(name, &fingerprint) {
            return Err(Failure::new(format!(
                "a contact named {:?} already has another key (fingerprint {}) than this card \
                 named {name:?} (fingerprint {fingerprint}), and the names look alike; remove \
                 it first if the key really changed",
                other.describe(),
                other.card.fingerprint()
            )));
        }
    }
    let updated = match book
        .contacts_mut()
        .find(|c| c.card.fingerprint() == fingerprint)
    {
        None => None,
        Some(existing) => {
            let new_local = local_name.clone().or_else(|| existing.local_name.clone());
            if existing.card == card && existing.local_name == new_local {
                println!("known: {}", existing.describe());
                println!("fingerprint: {fingerprint}");
                eprintln!("Already in {}; nothing changed.", book_path.display());
                return Ok(());
            }
            existing.card = card.clone();
            existing.local_name = new_local;
            Some(existing.describe())
        }
    };
    if let Some(described) = updated {
        book.save()?;
        println!("updated: {described}");
        println!("fingerprint: {fingerprint}");
        eprintln!("The same keys as before: the verified state is kept.");
        return Ok(());
    }
    let contact = Contact {
        verified: false,
        added: timefmt::rfc3339(timefmt::now())
            .get(..10)
            .unwrap_or("1970-01-01")
            .to_owned(),
        card,
        local_name,
    };
    let described = contact.describe();
    let name = contact.name().to_owned();
    book.lines.push(Line::Contact(Box::new(contact)));
    book.save()?;
    println!("added: {described}");
    println!("fingerprint: {fingerprint}");
    eprintln!(
        "Compare the fingerprint with {name} on the phone, then run: sealbill contacts verify {:?}",
        fingerprint.to_string()
    );
    Ok(())
}

/// `sealbill contacts list`.
pub fn list(book_path: &Path) -> Result<(), Failure> {
    let book = Book::load(book_path)?;
    let mut any = false;
    for c in book.contacts() {
        any = true;
        println!(
            "{:<10}  {}  {}  {}",
            if c.verified { "verified" } else { "unverified" },
            c.added,
            c.card.fingerprint(),
            c.describe()
        );
    }
    if !any {
        eprintln!("No contacts in {}.", book_path.display());
    }
    Ok(())
}

/// `sealbill contacts verify`.
pub fn verify(book_path: &Path, query: &str) -> Result<(), Failure> {
    let mut book = Book::load(book_path)?;
    let fingerprint = book.find(query)?.card.fingerprint();
    let Some(contact) = book
        .contacts_mut()
        .find(|c| c.card.fingerprint() == fingerprint)
    else {
        return Err(Failure::new("the contact disappeared"));
    };
    let was = contact.verified;
    contact.verified = true;
    let described = contact.describe();
    if !was {
        book.save()?;
    }
    println!("verified: {described}");
    println!("fingerprint: {fingerprint}");
    eprintln!(
        "{} This fingerprint must be the one {described} read to you out of band; if it is \
         not, run `sealbill contacts remove`.",
        if was {
            "Already verified."
        } else {
            "Marked as verified."
        }
    );
    Ok(())
}

/// `sealbill contacts remove`.
pub fn remove(book_path: &Path, query: &str) -> Result<(), Failure> {
    let mut book = Book::load(book_path)?;
    let fingerprint = book.find(query)?.card.fingerprint();
    let mut removed = None;
    book.lines.retain(|l| match l {
        Line::Contact(c) if c.card.fingerprint() == fingerprint => {
            removed = Some(c.describe());
            false
        }
        _ => true,
    });
    book.save()?;
    println!(
        "removed: {}",
        removed.unwrap_or_else(|| fingerprint.to_string())
    );
    println!("fingerprint: {fingerprint}");
    Ok(())
}

impl fmt::Display for Sender {
    /// The one line `open` prints about the sender (the changed-key case is a failure).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sender::Known(c) if c.verified => {
                write!(f, "contact: {}, known and verified.", c.describe())
            }
            Sender::Known(c) => write!(
                f,
                "contact: {}, known but not verified yet: compare the fingerprint on the \
                 phone, then run `sealbill contacts verify`.",
                c.describe()
            ),
            Sender::Renamed(c) => write!(
                f,
                "note: this key is your contact {} ({}), but its card now has another name.",
                c.describe(),
                if c.verified {
                    "verified"
                } else {
                    "not verified yet"
                }
            ),
            Sender::ChangedKey(c) => write!(
                f,
                "warning: accepted another key than your contact {}'s ({}); the address book \
                 is unchanged.",
                c.describe(),
                c.card.fingerprint()
            ),
            Sender::New(card) => write!(
                f,
                "new sender: not in your contacts. Compare the fingerprint with the sender on \
                 the phone, then run: sealbill contacts add {card}"
            ),
        }
    }
}
