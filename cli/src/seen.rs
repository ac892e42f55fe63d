//! The newest team roster version seen from each business, kept beside the address book
//! (`contacts.txt` → `contacts.rosters.txt`), so that `open` refuses a membership signed under
//! an older team list than one already seen (`STALE_ROSTER`, SPEC §3.8): the sender may have
//! been removed since.
//!
//! ```text
//! # comments and empty lines
//! 01688989550809981592499021019264425551913<TAB>3
//! ```
//!
//! One line per business: its fingerprint's 40 digits, a tab, the newest roster version seen.

use std::path::{Path, PathBuf};

use sealbill::Fingerprint;

use crate::failure::Failure;
use crate::staging;

/// The largest file read.
const MAX_FILE: u64 = 4 * 1024 * 1024;

const HEADER: &str = "\
# sealbill team rosters seen (v1): the newest team roster version of each business whose
# members sent you invoices. Fields: the business's fingerprint (40 digits), a tab, the version.
# An invoice signed under an older version is refused: its sender may have left the team.";

/// Where the versions are kept: beside the address book at `book`.
pub fn location(book: &Path) -> PathBuf {
    book.with_extension("rosters.txt")
}

/// The newest roster versions seen, by business.
pub struct Seen {
    path: PathBuf,
    versions: Vec<(Fingerprint, u64)>,
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
            let parsed = line.split_once('\t').and_then(|(fp, version)| {
                Some((
                    fp.parse::<Fingerprint>().ok()?,
                    version.parse::<u64>().ok()?,
                ))
            });
            let Some((fingerprint, version)) = parsed else {
                return Err(Failure::new(format!(
                    "{} line {}: expected a fingerprint, a tab and a version; fix or remove \
                     that line",
                    path.display(),
                    n + 1
                )));
            };
            seen.raise(fingerprint, version);
        }
        Ok(seen)
    }

    /// The newest version seen from the business with this fingerprint (0: none).
    pub fn get(&self, business: &Fingerprint) -> u64 {
        self.versions
            .iter()
            .find(|(f, _)| f == business)
            .map_or(0, |(_, v)| *v)
    }

    /// Records `version` if it is newer; returns whether it was.
    pub fn raise(&mut self, business: Fingerprint, version: u64) -> bool {
        match self.versions.iter_mut().find(|(f, _)| *f == business) {
            Some((_, known)) if *known >= version => false,
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
        for (fingerprint, version) in &self.versions {
            text.push_str(&format!(
                "{}\t{version}\n",
                fingerprint.to_string().replace(' ', "")
            ));
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Failure::io("cannot create", dir, &e))?;
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
        assert_eq!(seen.get(&fp), 0);
        assert!(seen.raise(fp, 3));
        assert!(!seen.raise(fp, 2));
        seen.save().unwrap();
        assert_eq!(Seen::load(&path).unwrap().get(&fp), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
