//! `sealbill backup create|restore|inspect`: a full backup of an identity, its address book
//! and its envelopes in one file locked under a passphrase (SPEC §5.6).
//!
//! A restore verifies the whole file before anything appears: entries go to a private
//! temporary directory beside the target, which is renamed into place only once the file
//! verified, and removed otherwise.

use std::fs::File;
use std::path::{Path, PathBuf};

use sealbill::{
    age, BackupEntry, BackupReader, BackupWriter, EntryKind, Identity, KdfParams, Passphrase,
    UnverifiedEntrySink,
};

use crate::failure::Failure;
use crate::{contacts, inputs, staging};

/// The name of the address book entry the CLI writes.
const CONTACTS_ENTRY: &str = "contacts.txt";
/// The identity file of a restored backup.
const IDENTITY_FILE: &str = "identity.txt";

/// The directory of a restored entry's kind.
fn kind_dir(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Record => "records",
        EntryKind::Envelope => "envelopes",
        other => other.as_str(),
    }
}

/// Writes a backup of `identity`, the address book (if there is one) and every envelope file
/// of `archive` to `output`, which must not exist.
pub fn create(
    identity: &Path,
    book: Option<&Path>,
    archive: Option<&Path>,
    passphrase: &Passphrase,
    output: &Path,
) -> Result<(), Failure> {
    if output.exists() {
        return Err(Failure::new(format!(
            "{} already exists; choose a new file name",
            output.display()
        )));
    }
    let identity = inputs::read_identity(identity)?;
    let envelopes = archive.map(envelope_files).transpose()?.unwrap_or_default();
    let book = contacts::location(book).filter(|p| p.exists());

    let mut staged = staging::Staged::create(output)?;
    let mut out = Vec::with_capacity(2 * inputs::PIECE);
    let mut writer = BackupWriter::new(&identity, passphrase, &KdfParams::DEFAULT, &mut out)?;
    let mut count = 0usize;
    let mut add = |kind: EntryKind, name: &str, path: &Path| -> Result<(), Failure> {
        let data = zeroize::Zeroizing::new(read_limited(path, kind.max_size())?);
        writer.add(kind, name, &data, &mut out)?;
        staged.write(&out)?;
        out.clear();
        count += 1;
        Ok(())
    };
    if let Some(book) = &book {
        add(EntryKind::Contacts, CONTACTS_ENTRY, book)?;
    }
    for (name, path) in &envelopes {
        add(EntryKind::Envelope, name, path)?;
    }
    writer.finish(&mut out)?;
    staged.write(&out)?;
    staged.commit()?;
    eprintln!(
        "Wrote a backup of {} ({}) with {count} entries to {}. Keep it away from this computer \
         (a USB stick, another account), with its passphrase somewhere else.",
        identity.name(),
        identity.fingerprint(),
        output.display()
    );
    Ok(())
}

/// The envelope files of `dir`: regular files not starting with a dot, by name.
fn envelope_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let read = std::fs::read_dir(dir).map_err(|e| Failure::io("cannot read", dir, &e))?;
    let mut files = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| Failure::io("cannot read", dir, &e))?;
        let path = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|_| Failure::new(format!("{}: the file name is not UTF-8", path.display())))?;
        if name.starts_with('.') || !path.is_file() {
            continue;
        }
        files.push((name, path));
    }
    files.sort();
    for (_, path) in &files {
        let head = read_limited(path, EntryKind::Envelope.max_size())?;
        let binary = age::check_file(&head).is_ok();
        if !binary && !head.starts_with(age::ARMOR_BEGIN.as_bytes()) {
            return Err(Failure::new(format!(
                "{} is not an age envelope; --archive takes a directory of envelopes",
                path.display()
            )));
        }
    }
    Ok(files)
}

/// Reads a file of at most `max` bytes.
fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, Failure> {
    let len = std::fs::metadata(path)
        .map_err(|e| Failure::io("cannot read", path, &e))?
        .len();
    if len > max {
        return Err(Failure::new(format!(
            "{} is larger than a backup entry may be ({} MiB)",
            path.display(),
            max >> 20
        )));
    }
    std::fs::read(path).map_err(|e| Failure::io("cannot read", path, &e))
}

/// Reads and verifies a whole backup, passing its entries to `sink`; returns the identity.
fn read<S>(file: &Path, passphrase: Passphrase, sink: &mut S) -> Result<Identity, Failure>
where
    S: UnverifiedEntrySink<Error = Failure>,
{
    let mut input = File::open(file).map_err(|e| Failure::io("cannot read", file, &e))?;
    let mut reader = BackupReader::new(passphrase);
    inputs::for_each_piece(&mut input, file, |piece| reader.push(piece, sink))?;
    reader.finish(sink)
}

/// Kind, name and size of each entry, for listing.
#[derive(Default)]
struct Listing(Vec<(EntryKind, String, usize)>);

impl UnverifiedEntrySink for Listing {
    type Error = Failure;
    fn unverified_entry(&mut self, entry: BackupEntry) -> Result<(), Failure> {
        self.0.push((entry.kind, entry.name, entry.data.len()));
        Ok(())
    }
}

impl Listing {
    fn print(&self, identity: &Identity) {
        println!("identity: {}", identity.name());
        println!("fingerprint: {}", identity.fingerprint());
        println!("entries: {}", self.0.len());
        for (kind, name, size) in &self.0 {
            println!("{:<9} {size:>10} {name}", kind.as_str());
        }
    }
}

/// Lists a backup's identity and entries, once the whole file verified.
pub fn inspect(file: &Path, passphrase: Passphrase) -> Result<(), Failure> {
    let mut listing = Listing::default();
    let identity = read(file, passphrase, &mut listing)?;
    listing.print(&identity);
    Ok(())
}

/// Entries written into a private temporary directory, removed unless committed.
struct RestoreDir {
    temp: PathBuf,
    listing: Listing,
    committed: bool,
}

impl RestoreDir {
    fn create(target: &Path) -> Result<RestoreDir, Failure> {
        let (parent, name) = crate::staging::beside(target);
        let temp = parent.join(format!(
            ".sealbill-restore-{}-{name}.part",
            std::process::id()
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&temp)
            .map_err(|e| Failure::io("cannot create", &temp, &e))?;
        Ok(RestoreDir {
            temp,
            listing: Listing::default(),
            committed: false,
        })
    }

    /// Writes the identity file and renames the directory to `target` (empty or missing).
    fn commit(mut self, identity: &Identity, target: &Path) -> Result<(), Failure> {
        staging::write_new(
            &self.temp.join(IDENTITY_FILE),
            identity.to_text().as_bytes(),
        )?;
        if target.exists() {
            std::fs::remove_dir(target).map_err(|e| Failure::io("cannot replace", target, &e))?;
        }
        std::fs::rename(&self.temp, target)
            .map_err(|e| Failure::io("cannot create", target, &e))?;
        self.committed = true;
        Ok(())
    }
}

impl UnverifiedEntrySink for RestoreDir {
    type Error = Failure;
    fn unverified_entry(&mut self, entry: BackupEntry) -> Result<(), Failure> {
        let dir = self.temp.join(kind_dir(entry.kind));
        std::fs::create_dir_all(&dir).map_err(|e| Failure::io("cannot create", &dir, &e))?;
        // The library checked that the name is a plain file name (no separator, not . or ..).
        let path = dir.join(&entry.name);
        if path.exists() {
            return Err(Failure::new(format!(
                "the backup holds two {} entries named {:?}",
                entry.kind.as_str(),
                entry.name
            )));
        }
        staging::write_new(&path, &entry.data)?;
        self.listing
            .0
            .push((entry.kind, entry.name, entry.data.len()));
        Ok(())
    }
}

impl Drop for RestoreDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// Restores a backup into `target`, a new or empty directory: the identity file, and each
/// entry as `KIND/NAME` (`envelopes/`, `records/`, `contacts/`…). Nothing appears unless the
/// whole file verified.
pub fn restore(file: &Path, passphrase: Passphrase, target: &Path) -> Result<(), Failure> {
    if target.exists() {
        let mut read =
            std::fs::read_dir(target).map_err(|e| Failure::io("cannot read", target, &e))?;
        if read.next().is_some() {
            return Err(Failure::new(format!(
                "{} is not empty; restore into a new or empty directory",
                target.display()
            )));
        }
    }
    let mut dir = RestoreDir::create(target)?;
    let identity = read(file, passphrase, &mut dir)?;
    let listing = std::mem::take(&mut dir.listing);
    dir.commit(&identity, target)?;
    listing.print(&identity);
    println!("restored: {}", target.display());
    println!("identity file: {}", target.join(IDENTITY_FILE).display());
    Ok(())
}
