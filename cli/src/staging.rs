//! Outputs that appear only when complete: a temporary file renamed into place on success
//! and removed on failure or interruption, so no half-written or unverified file is ever left
//! behind; and the staged bytes of an envelope being opened, which hold nothing readable.
//!
//! Every file the command creates, staged or final, is readable by its owner only (mode 0600
//! on Unix): decrypted invoices, keys and backups alike.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use sealbill::{DocumentSink, Manifest};

use crate::failure::Failure;
use crate::interrupt;

/// Creates a directory (and its parents) readable by its owner only.
pub fn create_private_dir(dir: &Path) -> Result<(), Failure> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Failure::io("cannot create", dir, &e))
}

fn temp_path(dir: &Path, tag: &str) -> PathBuf {
    dir.join(format!(".sealbill-{}-{tag}.part", std::process::id()))
}

/// Creates a file that did not exist, readable by its owner only.
fn create_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates a temporary file, known to [`interrupt`] before it exists.
fn create_temp(path: &Path) -> Result<File, Failure> {
    interrupt::track(path);
    create_new(path).map_err(|e| {
        interrupt::forget(path);
        Failure::io("cannot create", path, &e)
    })
}

/// Removes a temporary file and forgets it.
fn remove_temp(path: &Path) {
    let _ = std::fs::remove_file(path);
    interrupt::forget(path);
}

/// Writes a new file (mode 0600 on Unix); refuses to overwrite.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut file = create_new(path).map_err(|e| Failure::io("cannot create", path, &e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::io("cannot write", path, &e))
}

/// A file written under a temporary name, renamed to its target by [`Staged::commit`].
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

/// Replaces `target` with `bytes` at once: written to a private temporary file (mode 0600 on
/// Unix) beside it, synced, then renamed over it. On any failure `target` keeps its old
/// content and the temporary file is removed.
pub fn replace_private(target: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut staged = Staged::create(target)?;
    staged.write(bytes)?;
    staged.commit()
}

/// The directory `target` goes into (`.` for a bare name) and its file name: where a
/// temporary twin is made, so that the final rename stays on one file system.
pub fn beside(target: &Path) -> (&Path, String) {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

impl Staged {
    /// Starts writing `target`.
    pub fn create(target: &Path) -> Result<Staged, Failure> {
        let (dir, name) = beside(target);
        let temp = temp_path(dir, &name);
        let file = create_temp(&temp)?;
        Ok(Staged {
            temp,
            target: target.to_owned(),
            file: Some(BufWriter::new(file)),
        })
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        match &mut self.file {
            Some(file) => file
                .write_all(bytes)
                .map_err(|e| Failure::io("cannot write", &self.temp, &e)),
            None => Ok(()),
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<(), Failure> {
        if let Some(file) = self.file.take() {
            let file = file
                .into_inner()
                .map_err(|e| Failure::io("cannot write", &self.temp, e.error()))?;
            file.sync_all()
                .map_err(|e| Failure::io("cannot write", &self.temp, &e))?;
        }
        std::fs::rename(&self.temp, &self.target)
            .map_err(|e| Failure::io("cannot create", &self.target, &e))?;
        interrupt::forget(&self.temp);
        // The rename itself is durable once the directory is synced (best effort: not every
        // system can open a directory).
        #[cfg(unix)]
        if let Some(dir) = self.target.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.file.is_some() || self.temp.exists() {
            self.file = None;
            remove_temp(&self.temp);
        }
    }
}

/// The staged bytes of an envelope being opened ([`sealbill::Opener`]): encrypted under a key
/// that lives only in memory, in a temporary file that is removed when this is dropped.
pub struct StagedBytes {
    path: PathBuf,
    file: File,
}

impl StagedBytes {
    /// A new temporary file in `dir`, created if needed.
    pub fn create(dir: &Path) -> Result<StagedBytes, Failure> {
        std::fs::create_dir_all(dir).map_err(|e| Failure::io("cannot create", dir, &e))?;
        let path = temp_path(dir, "staged");
        let file = create_temp(&path)?;
        Ok(StagedBytes { path, file })
    }

    /// Appends staged bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.file
            .write_all(bytes)
            .map_err(|e| Failure::io("cannot write", &self.path, &e))
    }

    /// Reads every staged byte back, in pieces, from the start.
    pub fn read_back(
        &mut self,
        mut each: impl FnMut(&[u8]) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.file
            .rewind()
            .map_err(|e| Failure::io("cannot read", &self.path, &e))?;
        crate::inputs::for_each_piece(&mut self.file, &self.path, &mut each)
    }
}

impl Drop for StagedBytes {
    fn drop(&mut self) {
        remove_temp(&self.path);
    }
}

/// Receives a verified envelope's documents into files of a directory under temporary names;
/// they get their signed names when all of them are written.
pub struct DocumentFiles {
    dir: PathBuf,
    staged: Vec<Staged>,
    error: Option<Failure>,
}

impl DocumentFiles {
    /// Stages documents into `dir`, created if needed.
    pub fn new(dir: &Path) -> Result<DocumentFiles, Failure> {
        std::fs::create_dir_all(dir).map_err(|e| Failure::io("cannot create", dir, &e))?;
        Ok(DocumentFiles {
            dir: dir.to_owned(),
            staged: Vec::new(),
            error: None,
        })
    }

    /// Reports the first write error, if any.
    pub fn check(&mut self) -> Result<(), Failure> {
        self.error.take().map_or(Ok(()), Err)
    }

    /// The first document as staged so far, up to `max` bytes (more is refused): to check the
    /// invoice before any document gets its name.
    pub fn first_document(&mut self, max: usize) -> Result<Vec<u8>, Failure> {
        self.check()?;
        let Some(staged) = self.staged.first_mut() else {
            return Ok(Vec::new());
        };
        if let Some(file) = &mut staged.file {
            file.flush()
                .map_err(|e| Failure::io("cannot write", &staged.temp, &e))?;
        }
        let file =
            File::open(&staged.temp).map_err(|e| Failure::io("cannot read", &staged.temp, &e))?;
        let mut bytes = Vec::new();
        file.take(max as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::io("cannot read", &staged.temp, &e))?;
        if bytes.len() > max {
            return Err(Failure::new(format!(
                "the invoice is larger than {max} bytes [LIMIT_EXCEEDED]"
            )));
        }
        Ok(bytes)
    }

    /// Renames every staged document to its verified name. Each name is claimed first with an
    /// exclusive create, so nothing is overwritten: neither a file already there nor an earlier
    /// document of the same envelope (names are compared as the file system compares them). If
    /// any name is taken, nothing is written.
    pub fn commit(self, manifest: &Manifest) -> Result<Vec<PathBuf>, Failure> {
        let names: Vec<&str> = manifest.documents.iter().map(|d| d.name.as_str()).collect();
        self.commit_as(&names)
    }

    /// [`DocumentFiles::commit`] under `names`, in payload order.
    fn commit_as(mut self, names: &[&str]) -> Result<Vec<PathBuf>, Failure> {
        self.check()?;
        let targets: Vec<PathBuf> = names.iter().map(|name| self.dir.join(name)).collect();
        let mut claimed = Claims(Vec::with_capacity(targets.len()));
        for target in &targets {
            interrupt::track(target);
            match create_new(target) {
                Ok(_) => claimed.0.push(target.clone()),
                Err(e) => {
                    interrupt::forget(target);
                    return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
                        Failure::new(format!(
                            "{} already exists, or two documents share its name; nothing was \
                             written: choose an empty directory",
                            target.display()
                        ))
                    } else {
                        Failure::io("cannot create", target, &e)
                    });
                }
            }
        }
        for (mut staged, target) in self.staged.drain(..).zip(&targets) {
            staged.target.clone_from(target);
            staged.commit()?;
            claimed.0.retain(|c| c != target);
            interrupt::forget(target);
        }
        Ok(targets)
    }
}

/// Names claimed by [`DocumentFiles::commit`] and not yet filled: removed if it stops early.
struct Claims(Vec<PathBuf>);

impl Drop for Claims {
    fn drop(&mut self) {
        for path in &self.0 {
            remove_temp(path);
        }
    }
}

impl DocumentSink for DocumentFiles {
    fn begin(&mut self, index: usize, _size: u64) {
        match Staged::create(&temp_path(&self.dir, &format!("doc{index}"))) {
            Ok(staged) => self.staged.push(staged),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if let Some(staged) = self.staged.last_mut() {
            if let Err(e) = staged.write(bytes) {
                self.error.get_or_insert(e);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// A directory with documents staged under `contents`.
    fn staged(tag: &str, contents: &[&[u8]]) -> (PathBuf, DocumentFiles) {
        let dir =
            std::env::temp_dir().join(format!("sealbill-staging-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut files = DocumentFiles::new(&dir).unwrap();
        for (i, bytes) in contents.iter().enumerate() {
            files.begin(i, bytes.len() as u64);
            DocumentSink::write(&mut files, bytes);
        }
        (dir, files)
    }

    fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_later_document_never_replaces_an_earlier_one() {
        let (dir, files) = staged("twice", &[b"first", b"second"]);
        let error = files
            .commit_as(&["invoice.xml", "invoice.xml"])
            .unwrap_err();
        assert!(error.to_string().contains("nothing was written"), "{error}");
        assert_eq!(listing(&dir), Vec::new());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_already_there_is_kept_and_nothing_is_written() {
        let (dir, files) = staged("taken", &[b"first", b"second"]);
        std::fs::write(dir.join("b.pdf"), b"mine").unwrap();
        assert!(files.commit_as(&["a.xml", "b.pdf"]).is_err());
        assert_eq!(listing(&dir), [("b.pdf".to_owned(), b"mine".to_vec())]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn documents_get_their_names() {
        let (dir, files) = staged("names", &[b"first", b"second"]);
        files.commit_as(&["a.xml", "b.pdf"]).unwrap();
        assert_eq!(
            listing(&dir),
            [
                ("a.xml".to_owned(), b"first".to_vec()),
                ("b.pdf".to_owned(), b"second".to_vec())
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
