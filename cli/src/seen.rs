//! The newest team roster seen from each business, kept beside the address book
//! (`contacts.txt` → `contacts.rosters.txt`), so that `open` refuses a member's envelope issued
//! after it under an older team list (`STALE_ROSTER`, SPEC §3.8): the sender may have been
//! removed since.
//!
//! ```text
//! # comments and empty lines
//! 01688989550809981592499021019264425551913<TAB>3<TAB>1795000000
//! ```
//!
//! One line per business: its fingerprint's 40 digits, a tab, the newest roster version seen, a
//! tab, and when the owner signed that roster (seconds since 1970).

use std::path::{Path, PathBuf};

use sealbill::{Fingerprint, TeamSeen};

use crate::failure::Failure;
use crate::staging;

/// The largest file read.
const MAX_FILE: u64 = 4 * 1024 * 1024;

const HEADER: &str = "\
# sealbill team rosters seen (v2): the newest team roster of each business whose members sent
# you invoices. Fields: the business's fingerprint (40 digits), a tab, the version, a tab, when
# the owner signed it (seconds since 1970). An invoice issued after that under an older version
# is refused: its sender may have left the team.";

/// Where the versions are kept: beside the address book at `book`.
pub fn location(book: &Path) -> PathBuf {
    book.with_extension("rosters.txt")
}

/// The newest roster versions seen, by business.
pub struct Seen {
    path: PathBuf,
    versions: Vec<(Fingerprint, TeamSeen)>,
}

impl Seen {
    /// Reads the file at `path`; a missing file knows nothing yet.
    pub fn load(path: &Path) -> Result<Seen, Failure> {
        let mut seen = Seen {
            path: path.to_owned(),
            versions: Vec::new(),
        };
        let len = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(seen),
            Err(e) => return Err(Failure::io("cannot read", path, &e)),
            Ok(meta) => meta.len(),
        };
        if len > MAX_FILE {
            return Err(Failure::new(format!(
                "{} is larger than 4 MiB",
                path.display()
            )));
        }
        let text =
            std::fs::read_to_string(path).map_err(|e| Failure::io("cannot read", path, &e))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let parsed = match line.split('\t').collect::<Vec<_>>()[..] {
                [fingerprint, version, issued] => fingerprint
                    .parse::<Fingerprint>()
                    .ok()
                    .zip(version.parse().ok())
                    .zip(issued.parse().ok())
                    .map(|((fingerprint, version), issued)| {
                        (fingerprint, TeamSeen { version, issued })
                    }),
                _ => None,
            };
            let Some((fingerprint, version)) = parsed else {
                return Err(Failure::new(format!(
                    "{} line {}: expected a fingerprint, a version and a time, separated by \
                     tabs; fix or remove that line",
                    path.display(),
                    n + 1
                )));
            };
            seen.raise(fingerprint, version);
        }
        Ok(seen)
    }

    /// The newest roster seen from the business with this fingerprint (version 0: none).
    pub fn get(&self, business: &Fingerprint) -> TeamSeen {
        self.versions
            .iter()
            .find(|(f, _)| f == business)
            .map_or(TeamSeen::default(), |(_, v)| *v)
    }

    /// Records `version` if it is newer; returns whether it was.
    pub fn raise(&mut self, business: Fingerprint, version: TeamSeen) -> bool {
        match self.versions.iter_mut().find(|(f, _)| *f == business) {
            Some((_, known)) if known.version >= version.version => false,
            Some((_, known)) => {
                *known = version;
                true
            }
            None => {
                self.versions.push((business, version));
                true
            }
        }
    }

    /// Writes the file atomically.
    pub fn save(&self) -> Result<(), Failure> {
        let mut text = format!("{HEADER}\n");
        for (fingerprint, seen) in &self.versions {
            text.push_str(&format!(
                "{}\t{}\t{}\n",
                fingerprint.to_string().replace(' ', ""),
                seen.version,
                seen.issued
            ));
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            staging::create_private_dir(dir)?;
        }
        staging::replace_private(&self.path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_only_rise_and_survive_a_reload() {
        let dir = std::env::temp_dir().join(format!("sealbill-seen-{}", std::process::id()));
        let path = location(&dir.join("contacts.txt"));
        assert!(path.ends_with("contacts.rosters.txt"));
        let fp: Fingerprint = "01688 98955 08099 81592 49902 10192 64425 51913"
            .parse()
            .unwrap();
        let mut seen = Seen::load(&path).unwrap();
        assert_eq!(seen.get(&fp), TeamSeen::default());
        let third = TeamSeen {
            version: 3,
            issued: 1_795_000_000,
        };
        assert!(seen.raise(fp, third));
        assert!(!seen.raise(
            fp,
            TeamSeen {
                version: 2,
                issued: 1_796_000_000
            }
        ));
        seen.save().unwrap();
        assert_eq!(Seen::load(&path).unwrap().get(&fp), third);
        std::fs::write(&path, "0168898955080998159249902101926442555191\t3\n").unwrap();
        assert!(Seen::load(&path).is_err(), "a line without the time");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
