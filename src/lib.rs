//! sealbill: end-to-end encrypted, signed invoices.
//!
//! An invoice and its attachments are signed by the sender (Ed25519), then encrypted in an
//! age v1 envelope to the client and to the sender. The library is pure: bytes in, bytes out,
//! with push-based streaming for large attachments. The format is specified in `SPEC.md`.

#![forbid(unsafe_code)]

pub mod age;
mod backup;
mod card;
mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod identity;
mod joining;
mod kdf;
mod keystore;
mod link;
mod manifest;
pub mod names;
mod open;
mod passphrase;
mod payload;
mod proof;
mod random;
mod reply;
mod request;
mod roster;
mod seal;
mod staging;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod testkit;
mod wire;

pub use backup::{
    open_backup, Backup, BackupEntry, BackupReader, BackupWriter, EntryKind, UnverifiedEntrySink,
    MAX_BACKUP_ENTRIES, MAX_DOCUMENT_ENTRY, MAX_ENTRY_NAME_LEN, MAX_ENVELOPE_ENTRY,
};
pub use card::{parse_recipient, Card, Fingerprint, CARD_TEXT_PREFIX};
pub use error::{Error, Result};
pub use identity::{age_identities_from_text, Identity};
pub use joining::{
    JoinRequest, TeamInvitation, JOIN_REQUEST_CONTEXT, JOIN_REQUEST_PREFIX,
    TEAM_INVITATION_CONTEXT, TEAM_INVITATION_PREFIX,
};
pub use kdf::{KdfParams, MAX_WORK_KIB};
pub use keystore::{
    add_passkey, passkeys, remove_passkey, PasskeyFactor, PasskeySlot, MAX_CREDENTIAL_LEN,
    MAX_PASSKEYS, PRF_LEN,
};
pub use link::{LinkKind, LinkSecret, LINK_KDF};
pub use manifest::{DocumentEntry, Manifest, MANIFEST_CONTEXT, TEAM_MANIFEST_CONTEXT};
pub use open::{open, Opened, Opener, Verified};
pub use passphrase::Passphrase;
pub use payload::DocumentSink;
pub use proof::OpenProof;
pub use reply::{
    read_reply, seal_reply, Connection, ReplyKey, INVITATION_MEDIA_TYPE, REPLY_MEDIA_TYPE,
};
pub use request::{relay_authority, sign_request, SignedRequest, SIGNATURE_HEADER};
pub use roster::{
    archive_keys, check_archive, normalize_iban, open_archive, open_archive_key, seal_archive_key,
    ArchiveEntry, ArchiveKey, Member, Membership, Role, Roster, RosterDraft, TeamSeen,
    MAX_ACCOUNTS, MAX_MEMBERS, MAX_MEMBERSHIP_LEN, MAX_ROSTER_LEN, MEMBERSHIP_CONTEXT,
    ROSTER_CONTEXT,
};
pub use seal::{seal, Document, DocumentInfo, LinkRequest, SealOptions, Sealed, Sealer};
pub use staging::Reveal;
