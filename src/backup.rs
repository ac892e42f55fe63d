//! Full backups (SPEC §5.6): an identity and everything kept with it (profile, address book,
//! pins, settings, records and envelopes) in one file, locked under a passphrase and
//! authenticated as a whole.
//!
//! Argon2id (§5.1) stretches the passphrase; HKDF splits the result into a header MAC key and
//! an age STREAM file key (§2.3). The header MAC tells a wrong passphrase (`BAD_PASSPHRASE`)
//! from a damaged body (`TAMPERED`), and STREAM's last-chunk flag catches a file cut short
//! (`TRUNCATED`). Both sides hold one STREAM chunk plus at most one entry in memory, and every
//! declared size is checked against its kind's limit before a byte of it is kept.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::age::{FileKey, StreamDecryptor, StreamEncryptor, NONCE_SIZE};
use crate::card::MAX_NAME_LEN;
use crate::error::{Error, Result};
use crate::identity::Identity;
use crate::kdf::{self, KdfParams};
use crate::passphrase::Passphrase;
use crate::random;
use crate::wire::{check_text, Reader, Writer};

const MAGIC: &[u8] = b"sealbill/backup/v1\n";
const SALT_LEN: usize = 16;
const MAC_LEN: usize = 32;
/// Magic, three u32 Argon2id parameters, salt and payload nonce: what the MAC covers.
const HEADER_LEN: usize = MAGIC.len() + 12 + SALT_LEN + NONCE_SIZE;
const MAC_INFO: &[u8] = b"sealbill/backup/v1 header";
const PAYLOAD_INFO: &[u8] = b"sealbill/backup/v1 payload";
/// The end marker: a kind byte of zero.
const END: u8 = 0;

/// The most entries a backup may hold besides its identity (§5.6).
pub const MAX_BACKUP_ENTRIES: u32 = 200_000;
/// The longest entry name, in bytes.
pub const MAX_ENTRY_NAME_LEN: usize = 255;
/// The largest envelope entry: the relay's upload limit, 25 MiB.
pub const MAX_ENVELOPE_ENTRY: u64 = 25 * 1024 * 1024;
/// The largest entry of any other kind (JSON documents and text files): 4 MiB.
pub const MAX_DOCUMENT_ENTRY: u64 = 4 * 1024 * 1024;
/// The identity entry: a u16-prefixed name and the 32-byte seed.
const MAX_IDENTITY_ENTRY: u64 = (2 + MAX_NAME_LEN + 32) as u64;

/// What an entry of a backup holds (§5.6). The identity entry is written and read by the
/// library itself, from an [`Identity`], and is never handed out as an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryKind {
    /// The business profile (name, address, IBAN…).
    Profile,
    /// The address book.
    Contacts,
    /// Pinned keys of senders or clients.
    Pins,
    /// Settings worth keeping.
    Settings,
    /// One archived invoice's record (its metadata); its name matches its envelope's.
    Record,
    /// One envelope, as the age file it is.
    Envelope,
}

impl EntryKind {
    /// Every kind, in code order.
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Profile,
        EntryKind::Contacts,
        EntryKind::Pins,
        EntryKind::Settings,
        EntryKind::Record,
        EntryKind::Envelope,
    ];

    /// The kind's byte in the file.
    fn code(self) -> u8 {
        match self {
            EntryKind::Profile => 2,
            EntryKind::Contacts => 3,
            EntryKind::Pins => 4,
            EntryKind::Settings => 5,
            EntryKind::Record => 6,
            EntryKind::Envelope => 7,
        }
    }

    /// The kind's lowercase name: `profile`, `contacts`, `pins`, `settings`, `record`,
    /// `envelope`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Profile => "profile",
            EntryKind::Contacts => "contacts",
            EntryKind::Pins => "pins",
            EntryKind::Settings => "settings",
            EntryKind::Record => "record",
            EntryKind::Envelope => "envelope",
        }
    }

    /// The kind named `name` ([`EntryKind::as_str`]); `INVALID_INPUT` for another.
    pub fn from_name(name: &str) -> Result<EntryKind> {
        EntryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or(Error::InvalidInput("unknown backup entry kind"))
    }

    /// The largest entry of this kind.
    pub fn max_size(self) -> u64 {
        match self {
            EntryKind::Envelope => MAX_ENVELOPE_ENTRY,
            _ => MAX_DOCUMENT_ENTRY,
        }
    }
}

/// One entry of a backup. Its data may be private (a profile, a record), so it is wiped on
/// drop and `Debug` shows only its kind, name and size.
pub struct BackupEntry {
    /// What it holds.
    pub kind: EntryKind,
    /// Its name: a file name (§5.6), unique per kind in files this library writes.
    pub name: String,
    /// Its bytes.
    pub data: Zeroizing<Vec<u8>>,
}

impl core::fmt::Debug for BackupEntry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "BackupEntry({} {:?}, {} bytes)",
            self.kind.as_str(),
            self.name,
            self.data.len()
        )
    }
}

/// Checks an entry name (§5.6): a short single-line text that is safe as a file name.
fn check_name(name: &str) -> Result<()> {
    const WHY: &str = "a backup entry name must be a file name of 1 to 255 bytes";
    check_text(name, MAX_ENTRY_NAME_LEN, WHY)?;
    if name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(Error::InvalidInput(WHY));
    }
    Ok(())
}

/// The two keys of a backup, derived from the stretched passphrase.
struct Keys {
    /// The 32-byte MAC key zero-padded to HMAC-SHA-256's 64-byte block, which gives the same
    /// MAC (RFC 2104 §2) through the infallible fixed-size constructor.
    mac: Zeroizing<[u8; 64]>,
    file: FileKey,
}

impl Keys {
    fn derive(passphrase: &Passphrase, salt: &[u8; SALT_LEN], params: &KdfParams) -> Result<Keys> {
        let stretched = kdf::derive(passphrase, salt, params)?;
        let hkdf = Hkdf::<Sha256>::new(None, stretched.as_ref());
        let mut mac = Zeroizing::new([0u8; 64]);
        let mut file = Zeroizing::new([0u8; 16]);
        // HKDF-Expand cannot fail for outputs this short.
        let _ = hkdf.expand(MAC_INFO, mac.get_mut(..32).unwrap_or_default());
        let _ = hkdf.expand(PAYLOAD_INFO, file.as_mut());
        Ok(Keys {
            mac,
            file: FileKey::from_bytes(*file),
        })
    }

    fn header_mac(&self, header: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&(*self.mac).into());
        mac.update(header);
        mac
    }
}

/// Writes a backup: the header, the identity, then entries added one by one.
///
/// Every method appends to `out`, which the caller may drain between calls; the writer itself
/// holds at most one STREAM chunk.
pub struct BackupWriter {
    stream: StreamEncryptor,
    entries: u32,
}

impl BackupWriter {
    /// Starts a backup of `identity` locked under `passphrase` with Argon2id `params` (checked
    /// first, `LIMIT_EXCEEDED`), writing the header and the identity entry to `out`.
    pub fn new(
        identity: &Identity,
        passphrase: &Passphrase,
        params: &KdfParams,
        out: &mut Vec<u8>,
    ) -> Result<BackupWriter> {
        let stream = start(passphrase, params, out)?;
        let mut writer = BackupWriter { stream, entries: 0 };

        // Sized up front so the buffer holding the seed never reallocates (and leaves copies).
        let mut plain = Writer {
            bytes: Vec::with_capacity(2 + MAX_NAME_LEN + 32),
        };
        plain.bytes16(identity.name().as_bytes())?;
        plain.raw(identity.seed().as_ref());
        let plain = Zeroizing::new(plain.bytes);
        writer.entry(IDENTITY, "identity", &plain, out)?;
        Ok(writer)
    }

    /// Adds one entry. The name must be a file name of 1 to 255 bytes (`INVALID_INPUT`); the
    /// data must fit its kind's limit and the backup its entry count (`LIMIT_EXCEEDED`).
    pub fn add(
        &mut self,
        kind: EntryKind,
        name: &str,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        check_name(name)?;
        if data.len() as u64 > kind.max_size() {
            return Err(Error::LimitExceeded(
                "a backup entry is larger than its kind allows (25 MiB for an envelope, 4 MiB otherwise)",
            ));
        }
        if self.entries >= MAX_BACKUP_ENTRIES {
            return Err(Error::LimitExceeded(
                "a backup holds at most 200000 entries",
            ));
        }
        self.entries += 1;
        self.entry(kind.code(), name, data, out)
    }

    fn entry(&mut self, code: u8, name: &str, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let mut head = Writer::default();
        head.raw(&[code]);
        head.bytes16(name.as_bytes())?;
        head.u64(data.len() as u64);
        self.stream.push(&head.bytes, out)?;
        self.stream.push(data, out)
    }

    /// Writes the end marker and the final chunk.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<()> {
        self.stream.push(&[END], out)?;
        self.stream.finish(out)
    }
}

/// The identity entry's kind byte.
const IDENTITY: u8 = 1;

/// Writes the header and its MAC under a fresh salt and nonce, and starts the STREAM whose
/// chunks follow.
fn start(
    passphrase: &Passphrase,
    params: &KdfParams,
    out: &mut Vec<u8>,
) -> Result<StreamEncryptor> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_SIZE];
    random::fill(&mut salt);
    random::fill(&mut nonce);
    let keys = Keys::derive(passphrase, &salt, params)?;
    let start = out.len();
    out.extend_from_slice(MAGIC);
    for v in [params.memory_kib, params.iterations, params.parallelism] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    let header = out.get(start..).unwrap_or_default();
    let tag = keys.header_mac(header).finalize().into_bytes();
    out.extend_from_slice(&tag);
    // The nonce is already in the header: the chunks follow the MAC.
    Ok(StreamEncryptor::new(&keys.file, nonce, &mut Vec::new()))
}

/// A file with a valid header and MAC around any plaintext, as only a holder of the
/// passphrase could make it: for tests of the plaintext rules (and the test kit).
#[cfg(test)]
pub(crate) fn seal_plaintext(passphrase: &Passphrase, params: &KdfParams, plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut stream = start(passphrase, params, &mut out).expect("valid parameters");
    stream
        .push(plain, &mut out)
        .expect("a short test plaintext");
    stream.finish(&mut out).expect("a short test plaintext");
    out
}

/// Receives the entries of a backup being read.
///
/// Each entry passed its STREAM chunks' authentication, but **the file as a whole is not
/// verified yet**: until [`BackupReader::finish`] returns `Ok`, a later chunk may still fail
/// or the file may turn out cut short. A sink must therefore keep entries provisional (in
/// memory, or in a temporary directory it deletes on failure), as [`open_backup`] does.
pub trait UnverifiedEntrySink {
    /// The sink's error; library errors convert into it.
    type Error: From<Error>;
    /// One more entry, not yet verified as part of the whole file.
    fn unverified_entry(&mut self, entry: BackupEntry) -> core::result::Result<(), Self::Error>;
}

/// A backup opened from memory, after the whole file verified.
pub struct Backup {
    /// The identity the backup was made of.
    pub identity: Identity,
    /// Every other entry, in file order.
    pub entries: Vec<BackupEntry>,
}

impl core::fmt::Debug for Backup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Backup")
            .field("identity", &self.identity)
            .field("entries", &self.entries)
            .finish()
    }
}

impl UnverifiedEntrySink for Vec<BackupEntry> {
    type Error = Error;
    fn unverified_entry(&mut self, entry: BackupEntry) -> Result<()> {
        self.push(entry);
        Ok(())
    }
}

/// Opens a whole backup held in memory: returns its identity and entries only once every
/// check passed (the parameters, the header MAC, every chunk, the end of the file).
pub fn open_backup(file: &[u8], passphrase: Passphrase) -> Result<Backup> {
    let mut entries = Vec::new();
    let mut reader = BackupReader::new(passphrase);
    reader.push(file, &mut entries)?;
    let identity = reader.finish(&mut entries)?;
    Ok(Backup { identity, entries })
}

/// Reads a backup pushed piece by piece, in bounded memory: one STREAM chunk and one entry.
///
/// The Argon2id parameters are checked against [`KdfParams::check`] before Argon2id runs
/// (`LIMIT_EXCEEDED`). A wrong passphrase or an altered header fails `BAD_PASSPHRASE`, an
/// altered body `TAMPERED`, a file cut short `TRUNCATED`, and a file that is not a backup of
/// this version, or breaks a rule of §5.6, `MALFORMED` or `LIMIT_EXCEEDED`.
pub struct BackupReader {
    passphrase: Option<Passphrase>,
    header: Vec<u8>,
    stream: Option<StreamDecryptor>,
    plain: Zeroizing<Vec<u8>>,
    parser: EntryParser,
}

impl BackupReader {
    /// Starts reading a backup locked under `passphrase`.
    pub fn new(passphrase: Passphrase) -> BackupReader {
        BackupReader {
            passphrase: Some(passphrase),
            header: Vec::with_capacity(HEADER_LEN + MAC_LEN),
            stream: None,
            plain: Zeroizing::new(Vec::new()),
            parser: EntryParser::new(),
        }
    }

    /// Reads the next bytes of the file, passing each entry they complete to `sink`.
    pub fn push<S: UnverifiedEntrySink>(
        &mut self,
        mut data: &[u8],
        sink: &mut S,
    ) -> core::result::Result<(), S::Error> {
        if self.stream.is_none() {
            let take = (HEADER_LEN + MAC_LEN - self.header.len()).min(data.len());
            let (head, tail) = data.split_at(take);
            self.header.extend_from_slice(head);
            data = tail;
            self.check_header()?;
        }
        if let Some(stream) = &mut self.stream {
            self.plain.clear();
            stream.push(data, &mut self.plain)?;
            self.parser.push(&self.plain, sink)?;
        }
        Ok(())
    }

    /// Checks what has arrived of the header; once it is complete, runs Argon2id and checks
    /// the MAC.
    fn check_header(&mut self) -> Result<()> {
        let have = self.header.get(..MAGIC.len().min(self.header.len()));
        if have.is_some_and(|h| !MAGIC.starts_with(h)) {
            return Err(Error::Malformed(
                "not a sealbill backup (or a backup of an unknown version)",
            ));
        }
        if self.header.len() < MAGIC.len() + 12 {
            return Ok(());
        }
        let mut r = Reader::new(&self.header, "backup header");
        r.raw(MAGIC.len())?;
        let params = KdfParams {
            memory_kib: u32::from_be_bytes(r.array()?),
            iterations: u32::from_be_bytes(r.array()?),
            parallelism: u32::from_be_bytes(r.array()?),
        };
        params.check()?;
        if self.header.len() < HEADER_LEN + MAC_LEN {
            return Ok(());
        }
        let salt: [u8; SALT_LEN] = r.array()?;
        let nonce: [u8; NONCE_SIZE] = r.array()?;
        let tag: [u8; MAC_LEN] = r.array()?;
        r.finish()?;
        let passphrase = self.passphrase.take().ok_or(Error::BadPassphrase)?;
        let keys = Keys::derive(&passphrase, &salt, &params)?;
        let header = self.header.get(..HEADER_LEN).unwrap_or_default();
        keys.header_mac(header)
            .verify_slice(&tag)
            .map_err(|_| Error::BadPassphrase)?;
        self.stream = Some(StreamDecryptor::new(&keys.file, &nonce));
        Ok(())
    }

    /// Ends the file: fails unless it was complete and every check passed, and returns the
    /// backup's identity. Only then are the entries given to the sink verified.
    pub fn finish<S: UnverifiedEntrySink>(
        mut self,
        sink: &mut S,
    ) -> core::result::Result<Identity, S::Error> {
        let Some(stream) = self.stream.take() else {
            if self.header.is_empty() {
                return Err(Error::Malformed("the backup file is empty").into());
            }
            return Err(Error::HeaderTruncated.into());
        };
        self.plain.clear();
        stream.finish(&mut self.plain)?;
        self.parser.push(&self.plain, sink)?;
        Ok(self.parser.finish()?)
    }
}

impl core::fmt::Debug for BackupReader {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BackupReader([REDACTED])")
    }
}

/// Reads a backup's decrypted plaintext pushed in two pieces, split at `split`: the entry rules
/// without the Argon2id and MAC in front of them, for the fuzz target `backup` (src/fuzzing.rs).
#[cfg(fuzzing)]
pub(crate) fn read_plaintext(plain: &[u8], split: usize) -> Result<(Identity, Vec<BackupEntry>)> {
    let (head, tail) = plain.split_at(split.min(plain.len()));
    let mut parser = EntryParser::new();
    let mut entries = Vec::new();
    parser.push(head, &mut entries)?;
    parser.push(tail, &mut entries)?;
    Ok((parser.finish()?, entries))
}

/// The field of the plaintext being read.
enum Field {
    Kind,
    NameLen(u8),
    Name(u8),
    Size(u8, String),
    Data(u8, String),
    End,
}

/// Splits the decrypted plaintext into entries (§5.6).
struct EntryParser {
    field: Field,
    /// The bytes of the current field, up to `want`.
    pending: Zeroizing<Vec<u8>>,
    want: usize,
    entries: u32,
    identity: Option<Identity>,
}

impl EntryParser {
    fn new() -> EntryParser {
        EntryParser {
            field: Field::Kind,
            pending: Zeroizing::new(Vec::new()),
            want: 1,
            entries: 0,
            identity: None,
        }
    }

    fn push<S: UnverifiedEntrySink>(
        &mut self,
        mut data: &[u8],
        sink: &mut S,
    ) -> core::result::Result<(), S::Error> {
        while !data.is_empty() {
            if matches!(self.field, Field::End) {
                return Err(Error::Malformed("data after the end of the backup").into());
            }
            let take = (self.want - self.pending.len()).min(data.len());
            let (head, tail) = data.split_at(take);
            self.pending.extend_from_slice(head);
            data = tail;
            while self.pending.len() == self.want && !matches!(self.field, Field::End) {
                self.next_field(sink)?;
            }
        }
        Ok(())
    }

    /// Handles the complete field in `pending` and sets up the next one.
    fn next_field<S: UnverifiedEntrySink>(
        &mut self,
        sink: &mut S,
    ) -> core::result::Result<(), S::Error> {
        const WHAT: &str = "backup entry";
        let field = core::mem::replace(&mut self.field, Field::End);
        let bytes = core::mem::replace(&mut self.pending, Zeroizing::new(Vec::new()));
        let mut r = Reader::new(&bytes, WHAT);
        (self.field, self.want) = match field {
            Field::Kind => {
                let code = r.array::<1>()?[0];
                match (code, self.identity.is_some()) {
                    (END, true) => (Field::End, 0),
                    (IDENTITY, false) => (Field::NameLen(code), 2),
                    (_, false) => {
                        return Err(Error::Malformed("a backup starts with its identity").into())
                    }
                    (IDENTITY, true) => {
                        return Err(Error::Malformed("a backup holds one identity").into())
                    }
                    (code, true) => {
                        kind_of(code)?;
                        if self.entries >= MAX_BACKUP_ENTRIES {
                            return Err(Error::LimitExceeded(
                                "a backup holds at most 200000 entries",
                            )
                            .into());
                        }
                        self.entries += 1;
                        (Field::NameLen(code), 2)
                    }
                }
            }
            Field::NameLen(code) => {
                let len = usize::from(r.u16()?);
                if len == 0 || len > MAX_ENTRY_NAME_LEN {
                    return Err(Error::Malformed("a backup entry name is too long").into());
                }
                (Field::Name(code), len)
            }
            Field::Name(code) => {
                let name = core::str::from_utf8(&bytes)
                    .map_err(|_| Error::Malformed("a backup entry name is not UTF-8"))?;
                check_name(name)
                    .map_err(|_| Error::Malformed("a backup entry name is not a file name"))?;
                (Field::Size(code, name.to_owned()), 8)
            }
            Field::Size(code, name) => {
                let size = r.u64()?;
                let max = match code {
                    IDENTITY => MAX_IDENTITY_ENTRY,
                    code => kind_of(code)?.max_size(),
                };
                if size > max {
                    return Err(Error::LimitExceeded(
                        "a backup entry declares more bytes than its kind allows (25 MiB for an envelope, 4 MiB otherwise)",
                    )
                    .into());
                }
                // `size` is at most 25 MiB here, so it fits a usize on every target.
                let size = usize::try_from(size)
                    .map_err(|_| Error::LimitExceeded("a backup entry is too large"))?;
                // Reserved at once (at most 25 MiB, and only after the header MAC verified), so
                // the buffer never reallocates and leaves unwiped copies behind.
                self.pending.reserve_exact(size);
                (Field::Data(code, name), size)
            }
            Field::Data(code, name) => {
                if code == IDENTITY {
                    let mut r = Reader::new(&bytes, "backup identity");
                    let id_name = r.str16()?;
                    let seed = Zeroizing::new(r.array::<32>()?);
                    r.finish()?;
                    self.identity = Some(
                        Identity::from_seed(id_name, seed)
                            .map_err(|_| Error::Malformed("backup identity"))?,
                    );
                } else {
                    sink.unverified_entry(BackupEntry {
                        kind: kind_of(code)?,
                        name,
                        data: bytes,
                    })?;
                }
                (Field::Kind, 1)
            }
            Field::End => (Field::End, 0),
        };
        Ok(())
    }

    fn finish(self) -> Result<Identity> {
        match (self.field, self.identity) {
            (Field::End, Some(identity)) => Ok(identity),
            _ => Err(Error::Malformed("the backup ends before its end marker")),
        }
    }
}

/// The kind of a code read from a file; `MALFORMED` for an unknown one.
fn kind_of(code: u8) -> Result<EntryKind> {
    EntryKind::ALL
        .into_iter()
        .find(|k| k.code() == code)
        .ok_or(Error::Malformed("a backup entry of an unknown kind"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::age::CHUNK_SIZE;

    const TAG: usize = 16;
    const BODY: usize = HEADER_LEN + MAC_LEN;

    fn pw(text: &str) -> Passphrase {
        Passphrase::new(text).unwrap()
    }

    fn identity() -> Identity {
        Identity::generate("Acme GmbH").unwrap()
    }

    /// A backup with small and empty entries and an envelope of three chunks.
    /// Kind, name and bytes of an entry.
    type Item = (EntryKind, String, Vec<u8>);

    fn sample(id: &Identity) -> (Vec<u8>, Vec<Item>) {
        let envelope: Vec<u8> = (0..2 * CHUNK_SIZE + 100).map(|i| i as u8).collect();
        let items: Vec<Item> = vec![
            (
                EntryKind::Profile,
                "profile.json".into(),
                b"{\"iban\":\"DE89\"}".to_vec(),
            ),
            (EntryKind::Pins, "pins.json".into(), Vec::new()),
            (EntryKind::Record, "r-1.json".into(), b"{\"n\":1}".to_vec()),
            (EntryKind::Envelope, "r-1.age".into(), envelope),
        ];
        let mut out = Vec::new();
        let mut w = BackupWriter::new(id, &pw("backup pw"), &KdfParams::MIN, &mut out).unwrap();
        for (kind, name, data) in &items {
            w.add(*kind, name, data, &mut out).unwrap();
        }
        w.finish(&mut out).unwrap();
        (out, items)
    }

    fn craft(plain: &[u8]) -> Vec<u8> {
        seal_plaintext(&pw("pw"), &KdfParams::MIN, plain)
    }

    /// Plaintext of one entry.
    fn entry(code: u8, name: &str, size: u64, data: &[u8]) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(&[code]);
        w.bytes16(name.as_bytes()).unwrap();
        w.u64(size);
        w.raw(data);
        w.bytes
    }

    fn identity_entry() -> Vec<u8> {
        let mut data = Writer::default();
        data.bytes16(b"Acme").unwrap();
        data.raw(&[9u8; 32]);
        entry(IDENTITY, "identity", data.bytes.len() as u64, &data.bytes)
    }

    fn open(file: &[u8]) -> Result<Backup> {
        open_backup(file, pw("pw"))
    }

    #[test]
    fn round_trip_in_memory_and_in_small_pieces() {
        let id = identity();
        let (file, items) = sample(&id);
        let back = open_backup(&file, pw("backup pw")).unwrap();
        assert_eq!(back.identity.card(), id.card());
        assert_eq!(back.identity.seed().as_ref(), id.seed().as_ref());
        let got: Vec<_> = back
            .entries
            .iter()
            .map(|e| (e.kind, e.name.clone(), e.data.to_vec()))
            .collect();
        assert_eq!(got, items);

        let mut reader = BackupReader::new(pw("backup pw"));
        let mut entries = Vec::new();
        for piece in file.chunks(7777) {
            reader.push(piece, &mut entries).unwrap();
        }
        let again = reader.finish(&mut entries).unwrap();
        assert_eq!(again.card(), id.card());
        assert_eq!(entries.len(), items.len());
        // Nothing secret in Debug.
        let shown = format!(
            "{back:?} {reader_dbg:?}",
            reader_dbg = BackupReader::new(pw("x"))
        );
        assert!(!shown.contains("DE89"));
    }

    #[test]
    fn wrong_passphrase_is_refused() {
        let (file, _) = sample(&identity());
        assert_eq!(
            open_backup(&file, pw("backup pwd")).err(),
            Some(Error::BadPassphrase)
        );
    }

    #[test]
    fn flipped_bits_are_refused_by_class() {
        let (file, _) = sample(&identity());
        let cases: [(usize, &str); 9] = [
            (0, "MALFORMED"),                          // magic
            (MAGIC.len() - 3, "MALFORMED"),            // the version in the magic
            (MAGIC.len() + 3, "BAD_PASSPHRASE"),       // memory, still in range
            (MAGIC.len() + 12, "BAD_PASSPHRASE"),      // salt
            (HEADER_LEN - 1, "BAD_PASSPHRASE"),        // nonce
            (HEADER_LEN + 5, "BAD_PASSPHRASE"),        // MAC
            (BODY, "TAMPERED"),                        // first chunk
            (BODY + CHUNK_SIZE + TAG + 9, "TAMPERED"), // second chunk
            (file.len() - 1, "TAMPERED"),              // last tag
        ];
        for (i, code) in cases {
            let mut bad = file.clone();
            bad[i] ^= 1;
            let err = open_backup(&bad, pw("backup pw")).unwrap_err();
            assert_eq!(err.code(), code, "byte {i}: {err}");
        }
    }

    #[test]
    fn truncation_is_refused_everywhere() {
        let (file, _) = sample(&identity());
        for len in [
            1,
            MAGIC.len(),
            HEADER_LEN,
            BODY,
            BODY + 10,
            BODY + CHUNK_SIZE + TAG,
            BODY + 2 * (CHUNK_SIZE + TAG),
            file.len() - 1,
        ] {
            let err = open_backup(&file[..len], pw("backup pw")).unwrap_err();
            assert!(
                matches!(err.code(), "TRUNCATED" | "TAMPERED"),
                "{len}: {err}"
            );
        }
        assert_eq!(
            open_backup(&[], pw("backup pw")).unwrap_err().code(),
            "MALFORMED"
        );
        let mut longer = file.clone();
        longer.push(0);
        assert_eq!(
            open_backup(&longer, pw("backup pw")).unwrap_err().code(),
            "TAMPERED"
        );
    }

    #[test]
    fn hostile_parameters_are_refused_before_argon2_runs() {
        for (offset, value) in [(0, 4u32 << 20), (4, 1_000_000), (8, 64), (0, 8)] {
            let mut head = MAGIC.to_vec();
            for v in [KdfParams::MIN.memory_kib, 2, 1] {
                head.extend_from_slice(&v.to_be_bytes());
            }
            head[MAGIC.len() + offset..MAGIC.len() + offset + 4]
                .copy_from_slice(&value.to_be_bytes());
            // Refused as soon as the parameters arrive, before the salt Argon2id needs.
            let mut reader = BackupReader::new(pw("pw"));
            let err = reader.push(&head, &mut Vec::new()).unwrap_err();
            assert!(matches!(err, Error::LimitExceeded(_)), "{err}");
            head.extend_from_slice(&[0u8; SALT_LEN + NONCE_SIZE + MAC_LEN]);
            let err = open_backup(&head, pw("pw")).unwrap_err();
            assert!(matches!(err, Error::LimitExceeded(_)), "{err}");
        }
    }

    #[test]
    fn declared_sizes_beyond_the_limits_are_refused() {
        for (code, size) in [
            (7, MAX_ENVELOPE_ENTRY + 1),
            (2, MAX_DOCUMENT_ENTRY + 1),
            (6, u64::MAX),
            (IDENTITY, 1 << 40),
        ] {
            let mut plain = if code == IDENTITY {
                Vec::new()
            } else {
                identity_entry()
            };
            plain.extend(entry(code, "x", size, b"abc"));
            let err = open(&craft(&plain)).unwrap_err();
            assert!(matches!(err, Error::LimitExceeded(_)), "{code}: {err}");
        }
    }

    #[test]
    fn too_many_entries_are_refused() {
        let mut plain = identity_entry();
        let one = entry(4, "p", 0, b"");
        for _ in 0..=MAX_BACKUP_ENTRIES {
            plain.extend_from_slice(&one);
        }
        plain.push(END);
        assert!(matches!(open(&craft(&plain)), Err(Error::LimitExceeded(_))));
        let mut writer_out = Vec::new();
        let mut w =
            BackupWriter::new(&identity(), &pw("pw"), &KdfParams::MIN, &mut writer_out).unwrap();
        w.entries = MAX_BACKUP_ENTRIES;
        assert!(matches!(
            w.add(EntryKind::Pins, "p", b"", &mut writer_out),
            Err(Error::LimitExceeded(_))
        ));
    }

    #[test]
    fn structural_rules_are_enforced() {
        let id = identity_entry();
        let end = vec![END];
        let cases: Vec<(&str, Vec<u8>)> = vec![
            (
                "unknown kind",
                [id.clone(), entry(9, "x", 0, b""), end.clone()].concat(),
            ),
            (
                "no identity first",
                [entry(2, "x", 0, b""), id.clone(), end.clone()].concat(),
            ),
            (
                "two identities",
                [id.clone(), id.clone(), end.clone()].concat(),
            ),
            ("no identity at all", end.clone()),
            ("no end marker", id.clone()),
            (
                "data after the end",
                [id.clone(), end.clone(), vec![2]].concat(),
            ),
            (
                "path in a name",
                [id.clone(), entry(7, "../x", 0, b""), end.clone()].concat(),
            ),
            (
                "empty name",
                [id.clone(), entry(7, "", 0, b""), end.clone()].concat(),
            ),
            (
                "bad identity",
                [entry(IDENTITY, "identity", 3, b"abc"), end.clone()].concat(),
            ),
            (
                "cut inside an entry",
                [id.clone(), entry(7, "x", 10, b"abc")].concat(),
            ),
        ];
        for (what, plain) in cases {
            let err = open(&craft(&plain)).unwrap_err();
            assert_eq!(err.code(), "MALFORMED", "{what}: {err}");
        }
        let ok = open(&craft(&[id, entry(7, "a.age", 3, b"abc"), end].concat())).unwrap();
        assert_eq!(ok.entries.len(), 1);

        let mut v2 = craft(&[]);
        v2[MAGIC.len() - 2] = b'2';
        assert!(matches!(open(&v2), Err(Error::Malformed(_))));
    }

    #[test]
    fn the_writer_refuses_bad_entries() {
        let mut out = Vec::new();
        let mut w = BackupWriter::new(&identity(), &pw("pw"), &KdfParams::MIN, &mut out).unwrap();
        for bad in ["", "a/b", "..", "a\nb", &"n".repeat(256)] {
            assert!(matches!(
                w.add(EntryKind::Record, bad, b"", &mut out),
                Err(Error::InvalidInput(_))
            ));
        }
        let big = vec![0u8; MAX_DOCUMENT_ENTRY as usize + 1];
        assert!(matches!(
            w.add(EntryKind::Profile, "p", &big, &mut out),
            Err(Error::LimitExceeded(_))
        ));
        assert!(w.add(EntryKind::Envelope, "e", &big, &mut out).is_ok());
        let hostile = KdfParams {
            memory_kib: 1 << 30,
            ..KdfParams::MIN
        };
        assert!(matches!(
            BackupWriter::new(&identity(), &pw("pw"), &hostile, &mut Vec::new()),
            Err(Error::LimitExceeded(_))
        ));
        assert_eq!(EntryKind::from_name("record"), Ok(EntryKind::Record));
        assert!(EntryKind::from_name("identity").is_err());
    }
}
