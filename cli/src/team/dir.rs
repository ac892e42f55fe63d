//! The owner's team directory: the current roster, every roster signed, the memberships and
//! the sealed archive keys (see the parent module for the layout).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sealbill::{
    open_archive_key, seal_archive_key, ArchiveEntry, ArchiveKey, Card, Error, Fingerprint,
    Identity, Membership, Roster, MAX_MEMBERSHIP_LEN, MAX_ROSTER_LEN,
};

use crate::failure::Failure;
use crate::{contacts, staging};

/// The current roster's file.
pub(super) const ROSTER_FILE: &str = "roster.bin";
/// The directory of every roster signed here.
pub(super) const HISTORY_DIR: &str = "rosters";
/// The directory of the memberships.
pub(super) const MEMBERSHIPS_DIR: &str = "memberships";
/// The directory of the archive-key files.
pub(super) const ARCHIVE_KEYS_DIR: &str = "archive-keys";
/// The epoch of a team's first archive key.
pub(super) const FIRST_EPOCH: u32 = 1;
/// The largest archive-key file read: 257 stanzas of about 200 bytes, and the key.
pub(super) const MAX_ARCHIVE_KEY_FILE: usize = 128 * 1024;

/// Where the owner's team state lives: `--team`, else `$SEALBILL_TEAM`, else
/// `$XDG_CONFIG_HOME/sealbill/team`, else `~/.config/sealbill/team`.
pub fn location(flag: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(path) = flag {
        return Ok(path.to_owned());
    }
    if let Some(path) = contacts::env_var("SEALBILL_TEAM") {
        return Ok(PathBuf::from(path));
    }
    contacts::config_dir()
        .map(|dir| dir.join("team"))
        .ok_or_else(|| {
            Failure::new("no place for the team's files: pass --team DIR or set SEALBILL_TEAM")
        })
}

/// `Name (fingerprint)`.
pub(super) fn who(card: &Card) -> String {
    format!("{} ({})", card.name(), card.fingerprint())
}

/// Reads a file of at most `max` bytes; `None` if it does not exist.
pub(super) fn read_optional(path: &Path, max: usize) -> Result<Option<Vec<u8>>, Failure> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::io("cannot read", path, &e)),
    };
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::io("cannot read", path, &e))?;
    if bytes.len() > max {
        return Err(Failure::new(format!(
            "{} is larger than {max} bytes [LIMIT_EXCEEDED]",
            path.display()
        )));
    }
    Ok(Some(bytes))
}

/// Reads a file that must exist, of at most `max` bytes.
pub(super) fn read_file(path: &Path, max: usize) -> Result<Vec<u8>, Failure> {
    read_optional(path, max)?
        .ok_or_else(|| Failure::new(format!("cannot read {}: no such file", path.display())))
}

/// A failure about the file `path`: the core's error and code.
pub(super) fn about(path: &Path, err: Error) -> Failure {
    Failure::new(format!("{}: {err} [{}]", path.display(), err.code()))
}

/// A fingerprint as a file name: its 40 digits.
pub(super) fn file_stem(fingerprint: &Fingerprint) -> String {
    fingerprint.to_string().replace(' ', "")
}

/// Reads and verifies a membership file (one a member received from the owner).
pub fn read_membership(path: &Path) -> Result<Membership, Failure> {
    let bytes = read_file(path, MAX_MEMBERSHIP_LEN)?;
    Membership::verify(&bytes).map_err(|e| {
        Failure::new(format!(
            "{} is not a valid team membership: {e} [{}]",
            path.display(),
            e.code()
        ))
    })
}

/// The owner's team directory.
pub struct TeamDir {
    /// The directory.
    pub(super) root: PathBuf,
}

impl TeamDir {
    /// The team directory of `--team` or its default.
    pub fn at(flag: Option<&Path>) -> Result<TeamDir, Failure> {
        Ok(TeamDir {
            root: location(flag)?,
        })
    }

    pub(super) fn roster_path(&self) -> PathBuf {
        self.root.join(ROSTER_FILE)
    }

    pub(super) fn archive_key_path(&self, epoch: u32) -> PathBuf {
        self.root
            .join(ARCHIVE_KEYS_DIR)
            .join(format!("{epoch}.age"))
    }

    pub(super) fn membership_path(&self, fingerprint: &Fingerprint) -> PathBuf {
        self.root
            .join(MEMBERSHIPS_DIR)
            .join(format!("{}.bin", file_stem(fingerprint)))
    }

    /// The current roster, verified, if the directory holds one. With `owner`, it must be that
    /// owner's. A roster older than one already signed here is refused (`STALE_ROSTER`).
    pub fn current(&self, owner: Option<&Identity>) -> Result<Option<Roster>, Failure> {
        let Some(roster) = self.read_current(owner)? else {
            // Starting again at version 1 would reuse versions that clients already saw.
            if let Some(signed) = self.any_signed()? {
                return Err(Failure::new(format!(
                    "{} is missing, but rosters were signed here before; restore the newest \
                     with `sealbill team roster --import {}`",
                    self.roster_path().display(),
                    signed.display()
                )));
            }
            return Ok(None);
        };
        let path = self.roster_path();
        if let Some(newest) = self.history(roster.owner())?.last() {
            Roster::verify(roster.to_bytes(), Some(newest)).map_err(|e| match e {
                Error::StaleRoster => Failure::new(format!(
                    "{} holds roster version {}, but version {} was already signed here: an \
                     older team list was put back, which could let removed members in again. \
                     Restore the newest with `sealbill team roster --import {}` [STALE_ROSTER]",
                    path.display(),
                    roster.version(),
                    newest.version(),
                    self.history_path(newest.version()).display()
                )),
                other => about(&path, other),
            })?;
        }
        Ok(Some(roster))
    }

    /// The roster file, verified, and with `owner` checked to be that owner's; not compared
    /// with the rosters signed before.
    pub(super) fn read_current(&self, owner: Option<&Identity>) -> Result<Option<Roster>, Failure> {
        let path = self.roster_path();
        let Some(bytes) = read_optional(&path, MAX_ROSTER_LEN)? else {
            return Ok(None);
        };
        let roster = Roster::verify(&bytes, None).map_err(|e| about(&path, e))?;
        if let Some(owner) = owner {
            check_owner(&roster, owner, &path)?;
        }
        Ok(Some(roster))
    }

    /// The current roster of `owner`, which must exist.
    pub(super) fn require_current(&self, owner: &Identity) -> Result<Roster, Failure> {
        self.current(Some(owner))?.ok_or_else(|| self.no_roster())
    }

    pub(super) fn no_roster(&self) -> Failure {
        Failure::new(format!(
            "no team roster in {} yet: invite a member with `sealbill team invite`, or set the \
             bank accounts with `sealbill team roster --account IBAN`",
            self.root.display()
        ))
    }

    pub(super) fn history_path(&self, version: u64) -> PathBuf {
        self.root.join(HISTORY_DIR).join(format!("{version}.bin"))
    }

    /// A roster file signed here before (the one of the highest version), if there is one.
    pub(super) fn any_signed(&self) -> Result<Option<PathBuf>, Failure> {
        let dir = self.root.join(HISTORY_DIR);
        let read = match std::fs::read_dir(&dir) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Failure::io("cannot read", &dir, &e)),
        };
        Ok(read
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let version: u64 = name.strip_suffix(".bin")?.parse().ok()?;
                Some((version, e.path()))
            })
            .max_by_key(|(version, _)| *version)
            .map(|(_, path)| path))
    }

    /// Every roster of `owner` signed here, oldest first.
    pub(super) fn history(&self, owner: &Card) -> Result<Vec<Roster>, Failure> {
        let dir = self.root.join(HISTORY_DIR);
        let read = match std::fs::read_dir(&dir) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Failure::io("cannot read", &dir, &e)),
        };
        let mut rosters = Vec::new();
        for entry in read {
            let entry = entry.map_err(|e| Failure::io("cannot read", &dir, &e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Temporary files of an interrupted write start with a dot.
            if name.starts_with('.') || !name.ends_with(".bin") {
                continue;
            }
            let path = entry.path();
            let roster = Roster::verify(&read_file(&path, MAX_ROSTER_LEN)?, None)
                .map_err(|e| about(&path, e))?;
            if roster.owner().fingerprint() != owner.fingerprint() {
                return Err(Failure::new(format!(
                    "{} is a roster of {}, not of {} [UNEXPECTED_SENDER]",
                    path.display(),
                    who(roster.owner()),
                    who(owner)
                )));
            }
            rosters.push(roster);
        }
        rosters.sort_by_key(Roster::version);
        Ok(rosters)
    }

    /// Every archive key that a roster of the owner named, opened from its archive-key file
    /// with the owner's identity and checked against that roster's entry.
    pub(super) fn archive_keys(
        &self,
        owner: &Identity,
        current: &Roster,
    ) -> Result<Vec<ArchiveKey>, Failure> {
        let mut entries: BTreeMap<u32, ArchiveEntry> = BTreeMap::new();
        for roster in self
            .history(owner.card())?
            .iter()
            .chain(std::iter::once(current))
        {
            entries.insert(roster.archive().epoch, roster.archive());
        }
        entries
            .values()
            .map(|entry| {
                let path = self.archive_key_path(entry.epoch);
                let bytes = read_optional(&path, MAX_ARCHIVE_KEY_FILE)?.ok_or_else(|| {
                    Failure::new(format!(
                        "the archive key of epoch {} is missing: {} does not exist. Restore it \
                         from a backup of {} (or from the relay), then try again",
                        entry.epoch,
                        path.display(),
                        self.root.display()
                    ))
                })?;
                open_archive_key(owner, &bytes, entry).map_err(|e| about(&path, e))
            })
            .collect()
    }

    /// Writes a new roster: first every archive key, sealed to the owner and the roster's
    /// readers; then the roster; then the memberships taken from it (and no others).
    pub(super) fn commit(
        &self,
        owner: &Identity,
        roster: &Roster,
        keys: &[ArchiveKey],
    ) -> Result<(), Failure> {
        for dir in [HISTORY_DIR, MEMBERSHIPS_DIR, ARCHIVE_KEYS_DIR] {
            staging::create_private_dir(&self.root.join(dir))?;
        }
        // Every role reads the archive.
        let readers: Vec<Card> = roster.members().iter().map(|m| m.card.clone()).collect();
        for key in keys {
            let sealed = seal_archive_key(owner, key, &readers)?;
            staging::replace_private(&self.archive_key_path(key.entry().epoch), &sealed)?;
        }
        staging::replace_private(&self.history_path(roster.version()), roster.to_bytes())?;
        staging::replace_private(&self.roster_path(), roster.to_bytes())?;
        let mut keep = vec![owner.fingerprint()];
        keep.extend(roster.members().iter().map(|m| m.card.fingerprint()));
        for fingerprint in &keep {
            let membership = roster.membership(owner, fingerprint)?;
            staging::replace_private(&self.membership_path(fingerprint), membership.to_bytes())?;
        }
        // A removed member's membership is no longer the owner's to hand out.
        let kept: Vec<PathBuf> = keep.iter().map(|f| self.membership_path(f)).collect();
        let dir = self.root.join(MEMBERSHIPS_DIR);
        let read = std::fs::read_dir(&dir).map_err(|e| Failure::io("cannot read", &dir, &e))?;
        for entry in read.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "bin") && !kept.contains(&path) {
                std::fs::remove_file(&path).map_err(|e| Failure::io("cannot remove", &path, &e))?;
            }
        }
        Ok(())
    }

    /// Copies the roster, the memberships and the archive-key files into `out`, as the relay
    /// takes them.
    pub(super) fn publish(
        &self,
        owner: &Identity,
        roster: &Roster,
        out: &Path,
    ) -> Result<Vec<PathBuf>, Failure> {
        staging::create_private_dir(&out.join(MEMBERSHIPS_DIR))?;
        staging::create_private_dir(&out.join(ARCHIVE_KEYS_DIR))?;
        let mut written = Vec::new();
        let mut put = |target: PathBuf, bytes: &[u8]| -> Result<(), Failure> {
            staging::replace_private(&target, bytes)?;
            written.push(target);
            Ok(())
        };
        put(out.join(ROSTER_FILE), roster.to_bytes())?;
        let mut fingerprints = vec![owner.fingerprint()];
        fingerprints.extend(roster.members().iter().map(|m| m.card.fingerprint()));
        for fingerprint in &fingerprints {
            let bytes = read_file(&self.membership_path(fingerprint), MAX_MEMBERSHIP_LEN)?;
            put(
                out.join(MEMBERSHIPS_DIR)
                    .join(format!("{}.bin", file_stem(fingerprint))),
                &bytes,
            )?;
        }
        for key in self.archive_keys(owner, roster)? {
            let epoch = key.entry().epoch;
            let bytes = read_file(&self.archive_key_path(epoch), MAX_ARCHIVE_KEY_FILE)?;
            put(
                out.join(ARCHIVE_KEYS_DIR).join(format!("{epoch}.age")),
                &bytes,
            )?;
        }
        Ok(written)
    }
}

/// Refuses a roster that is not `owner`'s.
pub(super) fn check_owner(roster: &Roster, owner: &Identity, path: &Path) -> Result<(), Failure> {
    if roster.owner().fingerprint() != owner.fingerprint() {
        return Err(Failure::new(format!(
            "{} is the team roster of {}, not of your identity {}: use --team for your own \
             team's directory [UNEXPECTED_SENDER]",
            path.display(),
            who(roster.owner()),
            who(owner.card())
        )));
    }
    Ok(())
}
