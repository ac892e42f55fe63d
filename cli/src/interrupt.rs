//! Staged files removed when the command is interrupted: Ctrl-C (SIGINT), SIGTERM or a closed
//! terminal (SIGHUP) would otherwise end the process before any `Drop` runs, and leave a
//! half-written file of decrypted bytes behind.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Every temporary file the command has open, by path.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn staged() -> MutexGuard<'static, Vec<PathBuf>> {
    STAGED.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts the thread that, on SIGINT, SIGTERM or SIGHUP, removes every staged file and then
/// ends the process as that signal would have. Where the handlers cannot be installed the
/// command runs as before: its files are still removed on every ordinary failure.
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // The lock is held until the process ends, so no new file is staged after
                // the sweep.
                let paths = staged();
                for path in paths.iter() {
                    let _ = std::fs::remove_file(path);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    }
}

/// Records a temporary file before it is created, so that an interruption removes it.
pub fn track(path: &Path) {
    staged().push(path.to_owned());
}

/// Forgets a temporary file that was renamed into place or removed.
pub fn forget(path: &Path) {
    let mut paths = staged();
    if let Some(i) = paths.iter().position(|p| p == path) {
        paths.swap_remove(i);
    }
}
