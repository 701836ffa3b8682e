//! Locks that keep two dossier commands from writing one case (or one dossier) at once.
//!
//! Owns the case's lock file (`.dossier.lock` in the case folder), waiting for a lock with a
//! bound, and naming its holder. The locks are advisory operating-system locks (`flock` on Unix,
//! `LockFileEx` on Windows): the system releases one when its holder ends, however it ends, so
//! a killed command never leaves a case locked. It does not decide which command needs which
//! lock (the command line does) and never prints: waiting is told through a callback.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::disk::is_disk_full;
use crate::error::{Error, Result};

/// The lock file of a case folder (its content: the writer holding it, if one does).
pub const CASE_LOCK: &str = ".dossier.lock";

/// How long a command waits for a lock unless `DOSSIER_LOCK_TIMEOUT` (seconds) says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The variable that sets how long to wait for a lock, in seconds (`0`: do not wait).
pub const TIMEOUT_VAR: &str = "DOSSIER_LOCK_TIMEOUT";

/// Shared (several readers at once) or exclusive (one writer, no readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    file: File,
    access: Access,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The holder's name goes with the exclusive lock, so that a waiter who finds the file
        // empty knows that readers hold it.
        if self.access == Access::Write {
            let _ = self.file.set_len(0);
        }
        let _ = self.file.unlock();
    }
}

/// The wait allowed by `DOSSIER_LOCK_TIMEOUT`, else [`DEFAULT_TIMEOUT`].
pub fn timeout_from_env() -> Duration {
    std::env::var(TIMEOUT_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64)
}

/// Locks the case in `root` through its lock file. `command` names this command to a later
/// waiter; `waiting` is called once if another command holds the lock and this one has to wait.
///
/// A reader of a case it cannot write to (a read-only copy) reads without a lock.
pub fn lock_case(
    root: &Path,
    access: Access,
    command: &str,
    timeout: Duration,
    waiting: &mut dyn FnMut(),
) -> Result<Option<Lock>> {
    lock_path(
        &root.join(CASE_LOCK),
        access,
        command,
        timeout,
        waiting,
        "case",
    )
}

/// Locks the dossier at `dossier` (zip or folder) for a command that rewrites it.
///
/// Nothing is created for it: on Unix the folder itself is locked (an unpacked dossier), or the
/// folder holding the zip (a zip is replaced whole by a rename, so a lock on the zip would be
/// left on the old file); elsewhere a hidden lock file beside the dossier is used.
pub fn lock_dossier(
    dossier: &Path,
    command: &str,
    timeout: Duration,
    waiting: &mut dyn FnMut(),
) -> Result<Option<Lock>> {
    if cfg!(unix) {
        let dir = if dossier.is_dir() {
            dossier.to_path_buf()
        } else {
            match dossier.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        let Ok(file) = File::open(&dir) else {
            return Ok(None); // the command says what is wrong with the path
        };
        // A folder's handle is not written: the lock stands as a reader's for `Drop`.
        return wait_for(file, &dir, false, timeout, waiting, "dossier").map(|file| {
            Some(Lock {
                file,
                access: Access::Read,
            })
        });
    }
    let name = dossier
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path = dossier.with_file_name(format!(".{name}.dossier-lock"));
    lock_path(&path, Access::Write, command, timeout, waiting, "dossier")
}

fn lock_path(
    path: &Path,
    access: Access,
    command: &str,
    timeout: Duration,
    waiting: &mut dyn FnMut(),
    what: &str,
) -> Result<Option<Lock>> {
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        // Nothing can write a read-only case, so a reader needs no lock there.
        Err(e) if access == Access::Read && is_read_only(&e) => return Ok(None),
        Err(e) => return Err(Error::io("open the lock file", path, e)),
    };
    let file = wait_for(file, path, access == Access::Read, timeout, waiting, what)?;
    let mut lock = Lock { file, access };
    if access == Access::Write {
        match write_holder(&mut lock.file, command) {
            Ok(()) => {}
            // Who holds the lock is only told to a command that waits: on a full disk the
            // command goes on without it, and fails, cleanly, where it needs the space.
            Err(e) if is_disk_full(&e) => {
                let _ = lock.file.set_len(0);
            }
            Err(e) => return Err(Error::io("write", path, e)),
        }
    }
    Ok(Some(lock))
}

/// Takes the lock on `file` (`shared` or exclusive), waiting up to `timeout`.
fn wait_for(
    file: File,
    path: &Path,
    shared: bool,
    timeout: Duration,
    waiting: &mut dyn FnMut(),
    what: &str,
) -> Result<File> {
    let deadline = Instant::now() + timeout;
    let mut told = false;
    loop {
        let tried = if shared {
            file.try_lock_shared()
        } else {
            file.try_lock()
        };
        match tried {
            Ok(()) => return Ok(file),
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", path, e)),
            Err(TryLockError::WouldBlock) => {}
        }
        if Instant::now() >= deadline {
            return Err(held(path, &file, timeout, what));
        }
        if !told {
            waiting();
            told = true;
        }
        std::thread::sleep(Duration::from_millis(50).min(timeout));
    }
}

fn is_read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Writes who holds the lock: process id, command and since when.
fn write_holder(file: &mut File, command: &str) -> std::io::Result<()> {
    let text = format!(
        "pid {} `{}` since {}\n",
        std::process::id(),
        command,
        crate::date::now_utc()
    );
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// The error of a command that waited in vain, naming the holder when it is a writer.
fn held(path: &Path, file: &File, timeout: Duration, what: &str) -> Error {
    let mut holder = String::new();
    let mut file = file;
    let _ = file.rewind();
    let _ = file.take(1024).read_to_string(&mut holder);
    let holder = holder.trim();
    let who = if holder.is_empty() && what == "case" {
        "another dossier command reading it".to_string()
    } else if holder.is_empty() {
        "another dossier command".to_string()
    } else {
        format!("another dossier command, {holder}")
    };
    Error::input(
        format!(
            "the {what} is in use by {who} (waited {} s; lock file {})",
            timeout.as_secs_f64(),
            path.display()
        ),
        format!(
            "wait for that command to finish and run this one again (set {TIMEOUT_VAR}=SECONDS \
             to wait longer); the lock is released by the system when its holder ends, so do \
             not delete the lock file"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_excludes_a_second_writer_and_readers_share() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let no_wait = Duration::ZERO;
        let first = lock_case(root, Access::Write, "first", no_wait, &mut || {}).unwrap();
        let mut waited = false;
        let err = lock_case(root, Access::Write, "second", no_wait, &mut || {
            waited = true
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("`first`"), "{err}");
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(lock_case(root, Access::Read, "reader", no_wait, &mut || {}).is_err());
        drop(first);
        let a = lock_case(root, Access::Read, "a", no_wait, &mut || {}).unwrap();
        let b = lock_case(root, Access::Read, "b", no_wait, &mut || {}).unwrap();
        let err = lock_case(root, Access::Write, "w", no_wait, &mut || {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("reading it"), "{err}");
        drop((a, b));
        assert!(lock_case(root, Access::Write, "w", no_wait, &mut || {}).is_ok());
    }
}
