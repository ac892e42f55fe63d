//! Outputs that appear only when complete: a temporary file renamed into place on success
//! and removed on failure, so no half-written or unverified file is ever left behind; and the
//! staged bytes of an envelope being opened, which hold nothing readable.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use sealbill::{DocumentSink, Manifest};

use crate::failure::Failure;

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

fn create_new(path: &Path, secret: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    options.open(path)
}

/// Writes a new secret file (mode 0600 on Unix); refuses to overwrite.
pub fn write_new_secret(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_new_file(path, bytes, true)
}

/// Writes a new file; refuses to overwrite.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_new_file(path, bytes, false)
}

fn write_new_file(path: &Path, bytes: &[u8], secret: bool) -> Result<(), Failure> {
    let mut file = create_new(path, secret).map_err(|e| Failure::io("cannot create", path, &e))?;
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
    let mut staged = Staged::create_with(target, true)?;
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
        Staged::create_with(target, false)
    }

    fn create_with(target: &Path, secret: bool) -> Result<Staged, Failure> {
        let (dir, name) = beside(target);
        let temp = temp_path(dir, &name);
        let file =
            create_new(&temp, secret).map_err(|e| Failure::io("cannot create", &temp, &e))?;
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
            let _ = std::fs::remove_file(&self.temp);
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
        let file = create_new(&path, true).map_err(|e| Failure::io("cannot create", &path, &e))?;
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
        let _ = std::fs::remove_file(&self.path);
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

    /// Renames every staged document to its verified name; refuses to overwrite.
    pub fn commit(mut self, manifest: &Manifest) -> Result<Vec<PathBuf>, Failure> {
        self.check()?;
        let targets: Vec<PathBuf> = manifest
            .documents
            .iter()
            .map(|d| self.dir.join(&d.name))
            .collect();
        if let Some(existing) = targets.iter().find(|t| t.exists()) {
            return Err(Failure::new(format!(
                "{} already exists; choose an empty directory",
                existing.display()
            )));
        }
        for (mut staged, target) in self.staged.drain(..).zip(&targets) {
            staged.target.clone_from(target);
            staged.commit()?;
        }
        Ok(targets)
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
