//! A temporary file for the staged bytes of a streaming open (`sealbill::Opener`): unlinked at
//! once, appended to while the envelope is pushed, read back through the `Reveal` once it
//! verified. Shared by the streaming test and the memory probe of the benchmarks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::{Read, Seek, Write};

use sealbill::{DocumentSink, Reveal};

/// An anonymous temporary file of staged bytes.
pub struct StagedFile(File);

impl StagedFile {
    /// A new, already unlinked, temporary file.
    pub fn new(tag: &str) -> StagedFile {
        let path = std::env::temp_dir().join(format!("sealbill-{tag}-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .expect("a temporary file");
        let _ = std::fs::remove_file(&path);
        StagedFile(file)
    }

    /// Appends staged bytes and empties `staged`.
    pub fn append(&mut self, staged: &mut Vec<u8>) {
        self.0.write_all(staged).unwrap();
        staged.clear();
    }

    /// Reads every staged byte back through `reveal` into `sink`, `piece` bytes at a time.
    pub fn reveal(mut self, mut reveal: Reveal, sink: &mut impl DocumentSink, piece: usize) {
        self.0.rewind().unwrap();
        let mut buf = vec![0u8; piece];
        loop {
            let n = self.0.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            reveal.push(&buf[..n], sink).unwrap();
        }
        reveal.finish(sink).unwrap();
    }
}
