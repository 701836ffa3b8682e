//! Writing files so that a crash never leaves half of one: a temporary file beside the target,
//! synced, then renamed over it. Shared by every stage that replaces a file it owns (case.json,
//! signatures); the zip, which is streamed, has its own temporary file in `seal`.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Replaces `path` with `bytes` in one rename. The file keeps the permissions it had, or gets
/// `default_permissions` if it is new (a temporary file alone would be private, 0600).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io("create a file in", dir, e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io("write", temp.path(), e))?;
    let permissions = std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| default_permissions());
    std::fs::set_permissions(temp.path(), permissions)
        .map_err(|e| Error::io("set the permissions of", temp.path(), e))?;
    temp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
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
