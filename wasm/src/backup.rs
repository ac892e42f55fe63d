//! Full backups (SPEC §5.6): `new BackupWriter(identity, passphrase, kdf?)`, `.add(kind, name,
//! bytes)`, `.finish()`, and `openBackup(bytes, passphrase)`, which gives the identity and the
//! entries only once the whole file verified. The seed goes from the identity handle into the
//! file inside wasm memory; it never passes through JS.

use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use sealbill::{open_backup, BackupEntry, BackupWriter, EntryKind, Error, Identity};

use crate::errors::{js_error, JsResult, STREAM_DONE};
use crate::identity::JsIdentity;
use crate::options::{decode, passphrase, KdfOptions};

/// What a backup entry holds.
#[derive(Tsify, Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum BackupEntryKind {
    /// The business profile (JSON).
    Profile,
    /// The address book.
    Contacts,
    /// Pinned keys.
    Pins,
    /// Settings worth keeping.
    Settings,
    /// One archived invoice's record; named like its envelope.
    Record,
    /// One envelope (an age file), at most 25 MiB.
    Envelope,
}

impl From<BackupEntryKind> for EntryKind {
    fn from(kind: BackupEntryKind) -> EntryKind {
        match kind {
            BackupEntryKind::Profile => EntryKind::Profile,
            BackupEntryKind::Contacts => EntryKind::Contacts,
            BackupEntryKind::Pins => EntryKind::Pins,
            BackupEntryKind::Settings => EntryKind::Settings,
            BackupEntryKind::Record => EntryKind::Record,
            BackupEntryKind::Envelope => EntryKind::Envelope,
        }
    }
}

impl TryFrom<EntryKind> for BackupEntryKind {
    type Error = Error;
    fn try_from(kind: EntryKind) -> Result<BackupEntryKind, Error> {
        [
            BackupEntryKind::Profile,
            BackupEntryKind::Contacts,
            BackupEntryKind::Pins,
            BackupEntryKind::Settings,
            BackupEntryKind::Record,
            BackupEntryKind::Envelope,
        ]
        .into_iter()
        .find(|k| EntryKind::from(*k) == kind)
        .ok_or(Error::Malformed("a backup entry of an unknown kind"))
    }
}

/// One entry of an opened backup.
#[derive(Tsify, Serialize)]
pub struct BackupEntryData {
    /// What it holds.
    pub kind: BackupEntryKind,
    /// Its name (a file name).
    pub name: String,
    /// Its bytes.
    #[tsify(type = "Uint8Array")]
    pub data: serde_bytes::ByteBuf,
}

/// Writes a backup of an identity and the entries added to it. Call `free()` if it is
/// dropped before `finish`.
#[wasm_bindgen(js_name = BackupWriter)]
pub struct JsBackupWriter {
    writer: Option<BackupWriter>,
    out: Vec<u8>,
}

#[wasm_bindgen(js_class = BackupWriter)]
impl JsBackupWriter {
    /// Starts a backup of `identity` under `passphrase`, with Argon2id `options` (default
    /// 64 MiB, 3 passes, 1 lane).
    #[wasm_bindgen(constructor)]
    pub fn new(
        identity: &JsIdentity,
        passphrase: String,
        options: Option<Ts<KdfOptions>>,
    ) -> JsResult<JsBackupWriter> {
        let params = KdfOptions::params(options)?;
        let passphrase = self::passphrase(&Zeroizing::new(passphrase))?;
        let mut out = Vec::new();
        let writer =
            BackupWriter::new(&identity.0, &passphrase, &params, &mut out).map_err(js_error)?;
        Ok(JsBackupWriter {
            writer: Some(writer),
            out,
        })
    }

    /// Adds an entry: a file name of 1 to 255 bytes (`INVALID_INPUT`), at most 25 MiB for an
    /// envelope and 4 MiB otherwise (`LIMIT_EXCEEDED`).
    pub fn add(&mut self, kind: Ts<BackupEntryKind>, name: &str, data: &[u8]) -> JsResult<()> {
        let kind = EntryKind::from(decode(kind)?);
        let writer = self.writer.as_mut().ok_or_else(|| js_error(STREAM_DONE))?;
        writer
            .add(kind, name, data, &mut self.out)
            .map_err(js_error)
    }

    /// Ends the backup and returns the whole file.
    pub fn finish(&mut self) -> JsResult<Vec<u8>> {
        let writer = self.writer.take().ok_or_else(|| js_error(STREAM_DONE))?;
        writer.finish(&mut self.out).map_err(js_error)?;
        Ok(core::mem::take(&mut self.out))
    }
}

/// A backup that verified as a whole. Call `free()` to wipe it.
#[wasm_bindgen(js_name = OpenedBackup)]
pub struct JsOpenedBackup {
    identity: Identity,
    entries: Vec<BackupEntry>,
}

#[wasm_bindgen(js_class = OpenedBackup)]
impl JsOpenedBackup {
    /// The identity the backup was made of, as a new handle (free it when done).
    #[wasm_bindgen(getter)]
    pub fn identity(&self) -> JsResult<JsIdentity> {
        Identity::from_seed(self.identity.name(), self.identity.seed().clone())
            .map(JsIdentity)
            .map_err(js_error)
    }

    /// Every other entry, in file order.
    #[wasm_bindgen(getter, unchecked_return_type = "BackupEntryData[]")]
    pub fn entries(&self) -> JsResult<JsValue> {
        let list = self
            .entries
            .iter()
            .map(|e| {
                Ok(BackupEntryData {
                    kind: e.kind.try_into()?,
                    name: e.name.clone(),
                    data: serde_bytes::ByteBuf::from(e.data.to_vec()),
                })
            })
            .collect::<Result<Vec<_>, Error>>()
            .map_err(js_error)?;
        serde_wasm_bindgen::to_value(&list)
            .map_err(|_| js_error(Error::InvalidInput("the result could not be converted")))
    }
}

/// Opens a backup file made by `BackupWriter` (or the CLI): checks the Argon2id parameters
/// before any work (`LIMIT_EXCEEDED`), the passphrase (`BAD_PASSPHRASE`), every chunk
/// (`TAMPERED`, `TRUNCATED`) and the structure (`MALFORMED`), and returns nothing unless all
/// of it verified.
#[wasm_bindgen(js_name = openBackup)]
pub fn open_backup_js(bytes: &[u8], passphrase: String) -> JsResult<JsOpenedBackup> {
    let passphrase = self::passphrase(&Zeroizing::new(passphrase))?;
    let backup = open_backup(bytes, passphrase).map_err(js_error)?;
    Ok(JsOpenedBackup {
        identity: backup.identity,
        entries: backup.entries,
    })
}
