//! The relay's log on stderr, written in batches: a line goes into a buffer in memory, and
//! the buffer is written when it fills, at least every [`FLUSH_EVERY`], and on [`flush`]. A
//! request then costs its log line a copy into memory instead of a system call.

use std::io::{self, BufWriter, Stderr, Write};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long a line waits in the buffer at most (unless the process is killed).
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Bytes buffered before a write.
const CAPACITY: usize = 64 * 1024;

/// A buffered log to `W`; `tracing_subscriber::fmt().with_writer(|| LOG.make_writer())`.
pub struct Log<W: Write = Stderr>(Mutex<BufWriter<W>>);

/// The one log of this process.
pub static LOG: LazyLock<Log> = LazyLock::new(|| {
    // The thread that writes what waits; it ends with the process.
    let _ = std::thread::Builder::new()
        .name("log-flush".into())
        .spawn(|| loop {
            std::thread::sleep(FLUSH_EVERY);
            flush();
        });
    Log(Mutex::new(BufWriter::with_capacity(CAPACITY, io::stderr())))
});

/// Writes every buffered line to stderr now.
pub fn flush() {
    let _ = LOG.lock().flush();
}

impl<W: Write> Log<W> {
    fn lock(&self) -> MutexGuard<'_, BufWriter<W>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One log line being written, holding the buffer.
pub struct Line<'a, W: Write>(MutexGuard<'a, BufWriter<W>>);

impl<W: Write> Write for Line<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        // A line is written with the next batch, not on its own.
        Ok(())
    }
}

impl<'a, W: Write + 'a> MakeWriter<'a> for Log<W> {
    type Writer = Line<'a, W>;

    fn make_writer(&'a self) -> Line<'a, W> {
        Line(self.lock())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wait_in_the_buffer_until_it_is_flushed_or_full() {
        let log = Log(Mutex::new(BufWriter::with_capacity(CAPACITY, Vec::new())));
        let mut line = log.make_writer();
        line.write_all(b"request 1\n").unwrap();
        line.flush().unwrap();
        drop(line);
        assert!(log.lock().get_ref().is_empty());
        log.lock().flush().unwrap();
        assert_eq!(log.lock().get_ref(), b"request 1\n");
        let long = vec![b'x'; CAPACITY];
        log.make_writer().write_all(&long).unwrap();
        assert_eq!(log.lock().get_ref().len(), 10 + CAPACITY);
    }
}
