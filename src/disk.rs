//! Writing files so that a crash never leaves half of one: a temporary file beside the target,
//! synced, then renamed over it. Shared by every stage that replaces a file it owns (case.json,
//! signatures); the zip, which is streamed, has its own temporary file in `seal`.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// True for an error that more free space would cure: a full disk or an exceeded quota.
pub fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// Replaces `path` with `bytes` in one rename. The file keeps the permissions it had, or gets
/// `default_permissions` if it is new (a temporary file alone would be private, 0600).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let temp = create_tracked(
        || {
            tempfile::Builder::new()
                .prefix(SAVE_PREFIX)
                .tempfile_in(dir)
        },
        |t| t.path(),
    )
    .map_err(|e| Error::io("create a file in", dir, e))?;
    let temp_path = temp.path().to_path_buf();
    // The error names the file being replaced, not the temporary one (removed on the way out).
    temp.as_file()
        .write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io("write the new version of", path, e))?;
    let permissions = std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| default_permissions());
    std::fs::set_permissions(temp.path(), permissions)
        .map_err(|e| Error::io("set the permissions of", temp.path(), e))?;
    let persisted = temp.persist(path);
    untrack(&temp_path);
    persisted.map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

/// Read and write for the owner, read for others: what a new file usually gets.
pub fn default_permissions() -> std::fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o644)
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(".")
            .map(|m| m.permissions())
            .expect("the current folder exists")
    }
}

/// The prefix of `write_atomically`'s temporary files: recognisably ours, so that the next
/// command can remove those of a run that was killed.
pub const SAVE_PREFIX: &str = ".dossier-save-";

/// Temporary files to remove if the command is interrupted, and whether it is in a step that
/// must run to its end (a commit past its point of no return).
#[derive(Default)]
struct Tracked {
    paths: std::collections::HashSet<std::path::PathBuf>,
    critical: usize,
}

static TRACKED: std::sync::Mutex<Option<Tracked>> = std::sync::Mutex::new(None);

fn tracked() -> std::sync::MutexGuard<'static, Option<Tracked>> {
    TRACKED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Creates a temporary file (or folder) with `create` and remembers it, to remove it if the
/// command is interrupted (Ctrl-C). Both happen under one lock, so an interruption never falls
/// between them and misses the new file.
pub fn create_tracked<T, E>(
    create: impl FnOnce() -> std::result::Result<T, E>,
    path: impl FnOnce(&T) -> &Path,
) -> std::result::Result<T, E> {
    let mut guard = tracked();
    let created = create()?;
    guard
        .get_or_insert_default()
        .paths
        .insert(path(&created).to_path_buf());
    Ok(created)
}

/// Remembers a temporary file to be made at `path`, to remove it if the command is interrupted.
pub fn track(path: &Path) {
    tracked()
        .get_or_insert_default()
        .paths
        .insert(path.to_path_buf());
}

/// Forgets a temporary file that was put in place or removed.
pub fn untrack(path: &Path) {
    if let Some(t) = tracked().as_mut() {
        t.paths.remove(path);
    }
}

/// Runs `step` to its end even if the command is interrupted meanwhile: the interruption is
/// handled when it returns.
pub fn critical<T>(step: impl FnOnce() -> T) -> T {
    tracked().get_or_insert_default().critical += 1;
    let result = step();
    tracked().get_or_insert_default().critical -= 1;
    result
}

/// Called when the command is interrupted: waits for a critical step to end, then removes every
/// tracked temporary file. The caller ends the process while the returned guard is held, so no
/// new step starts in between.
pub fn remove_tracked_files() -> impl Drop {
    loop {
        let mut guard = tracked();
        let state = guard.get_or_insert_default();
        if state.critical == 0 {
            for path in state.paths.drain() {
                if path.is_dir() {
                    let _ = std::fs::remove_dir_all(&path);
                } else {
                    let _ = std::fs::remove_file(&path);
                }
            }
            return guard;
        }
        drop(guard);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
