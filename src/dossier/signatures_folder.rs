//! The `signatures/` folder of an unpacked dossier (`build --out DIR --unpacked`), changed all or
//! nothing: `sign`, `signatures add` and `signatures remove` never leave it half changed, even if
//! the command is killed.
//!
//! A change writes the whole new folder first, complete and synced, as a hidden sibling
//! (`.dossier-signatures-new-*`, inside the dossier so that it is on the same file system), then
//! puts it in place in one step: on Linux one `renameat2(RENAME_EXCHANGE)` swaps it with the
//! current folder; elsewhere (or on a file system without it) the current folder is renamed
//! away to `.dossier-signatures-old`, the new one renamed in, and the old one removed. The names
//! are the journal: a run killed on the way leaves one of these folders, and [`recover`], which
//! every command that changes the folder runs first under the dossier's lock, either finishes or
//! undoes it (a missing `signatures/` is the old folder put back; anything else is removed).
//! Owns only this step; what is signed and what may be added is `sign`'s.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::bag::SIGNATURES_DIR;
use crate::disk;
use crate::error::{Error, Result};

/// The prefix of a new `signatures/` being written (or, after an exchange, the old one).
const NEW_PREFIX: &str = ".dossier-signatures-new-";
/// The old `signatures/` while the new one is renamed in (where there is no exchange).
const OLD: &str = ".dossier-signatures-old";

/// True for a path of the dossier (relative, with `/`) inside a folder a stopped change left.
pub fn is_leftover(path: &str) -> bool {
    let top = path.split('/').next().unwrap_or(path);
    top.starts_with(NEW_PREFIX) || top == OLD
}

/// What to do about such a path.
pub const LEFTOVER: &str = "left by a signing command that was stopped before it finished (the signatures are as before it): the next `dossier sign`, `signatures add` or `signatures remove` on this dossier removes it, or delete that folder";

fn folder(dossier: &Path) -> PathBuf {
    dossier.join(SIGNATURES_DIR.trim_end_matches('/'))
}

/// Finishes or undoes a change a killed run left: if `signatures/` is missing but the old one is
/// aside, it is put back; every other folder of ours is removed. Run under the dossier's lock.
pub fn recover(dossier: &Path) -> Result<()> {
    let current = folder(dossier);
    let old = dossier.join(OLD);
    if !current.exists() && old.is_dir() {
        std::fs::rename(&old, &current).map_err(|e| Error::io("put back", &current, e))?;
    }
    let entries =
        std::fs::read_dir(dossier).map_err(|e| Error::io("read the folder", dossier, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(NEW_PREFIX) || name == OLD {
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| Error::io("remove what a stopped run left", &path, e))?;
        }
    }
    Ok(())
}

/// Replaces the dossier's `signatures/` (made if missing) with a copy that lacks the files
/// `remove` and has the files `add` (name, bytes), in one step. A name of `add` already there is
/// an error unless `replace`. On any failure the folder is as it was and nothing is left beside
/// it. Run under the dossier's lock.
pub fn change(
    dossier: &Path,
    remove: &[String],
    add: &[(String, Vec<u8>)],
    replace: bool,
) -> Result<()> {
    recover(dossier)?;
    let new = disk::create_tracked(
        || {
            tempfile::Builder::new()
                .prefix(NEW_PREFIX)
                .tempdir_in(dossier)
        },
        |t| t.path(),
    )
    .map_err(|e| Error::io("create a folder in", dossier, e))?;
    let new_path = new.path().to_path_buf();
    if let Err(e) = fill(&new_path, &folder(dossier), remove, add, replace) {
        drop(new); // removes it
        disk::untrack(&new_path);
        return Err(e);
    }
    let new_path = new.keep();
    disk::critical(|| {
        let swapped = swap(dossier, &new_path);
        disk::untrack(&new_path);
        if swapped.is_err() {
            let _ = std::fs::remove_dir_all(&new_path);
        }
        swapped
    })
}

/// Writes the new folder's files into `new`: the current ones but those removed or replaced,
/// then those added, each synced, then the folder itself.
fn fill(
    new: &Path,
    current: &Path,
    remove: &[String],
    add: &[(String, Vec<u8>)],
    replace: bool,
) -> Result<()> {
    let entries = match std::fs::read_dir(current) {
        Ok(entries) => entries.collect::<std::io::Result<Vec<_>>>(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
    .map_err(|e| Error::io("read the folder", current, e))?;
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        // A `.dossier-*` file is what an older version left when it was killed: not carried.
        if remove.contains(&name) || name.starts_with(".dossier-") {
            continue;
        }
        if add.iter().any(|(n, _)| *n == name) {
            if replace {
                continue;
            }
            return Err(Error::input(
                format!("{} already exists", entry.path().display()),
                "remove that signature first with `dossier signatures remove`",
            ));
        }
        let from = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            return Err(Error::input(
                format!("{} is not a file", from.display()),
                "move it out of the dossier: signatures/ holds only statements and signatures",
            ));
        }
        let to = new.join(&name);
        // Errors name the file in signatures/, not the hidden copy removed on the way out.
        std::fs::copy(&from, &to).map_err(|e| Error::io("write a new copy of", &from, e))?;
        sync(&to)?;
    }
    for (name, bytes) in add {
        let to = new.join(name);
        let shown = current.join(name);
        let mut file = std::fs::File::create(&to).map_err(|e| Error::io("create", &shown, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("write", &shown, e))?;
        std::fs::set_permissions(&to, disk::default_permissions())
            .map_err(|e| Error::io("set the permissions of", &to, e))?;
    }
    // The folder's own mode, as a folder made by `build` would have it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(current)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o755));
        std::fs::set_permissions(new, mode)
            .map_err(|e| Error::io("set the permissions of", new, e))?;
    }
    sync(new)
}

fn sync(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("sync", path, e))
}

/// Puts the complete folder `new` in place of `signatures/` in one step, and removes the old.
fn swap(dossier: &Path, new: &Path) -> Result<()> {
    let current = folder(dossier);
    if !current.exists() {
        std::fs::rename(new, &current).map_err(|e| Error::io("put in place", &current, e))?;
        return sync(dossier);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, new, CWD, &current, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // `new` now holds the old folder: the change is made whatever happens next.
                sync(dossier)?;
                let _ = std::fs::remove_dir_all(new);
                return Ok(());
            }
            // A file system (or kernel) without the exchange: rename twice instead.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(Error::io("put in place", &current, e.into())),
        }
    }
    let old = dossier.join(OLD);
    std::fs::rename(&current, &old).map_err(|e| Error::io("move aside", &current, e))?;
    if let Err(e) = std::fs::rename(new, &current) {
        let _ = std::fs::rename(&old, &current);
        return Err(Error::io("put in place", &current, e));
    }
    sync(dossier)?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        found.sort();
        found
    }

    fn dossier_with(signatures: &[(&str, &str)]) -> tempfile::TempDir {
        let dossier = tempfile::tempdir().unwrap();
        std::fs::create_dir(dossier.path().join("signatures")).unwrap();
        for (name, text) in signatures {
            std::fs::write(dossier.path().join("signatures").join(name), text).unwrap();
        }
        dossier
    }

    #[test]
    fn a_change_adds_removes_and_replaces_in_one_step_and_leaves_nothing_beside() {
        let dossier = dossier_with(&[("a.sig", "A"), ("b.sig", "B")]);
        change(
            dossier.path(),
            &["a.sig".into()],
            &[("c.sig".into(), b"C".to_vec())],
            false,
        )
        .unwrap();
        assert_eq!(
            files(&dossier.path().join("signatures")),
            [("b.sig".into(), "B".into()), ("c.sig".into(), "C".into())]
        );
        assert_eq!(files(dossier.path()).len(), 1, "only signatures/ is left");
        // A name already there is refused unless replacing, and nothing changes.
        let refused = change(
            dossier.path(),
            &[],
            &[("b.sig".into(), b"X".to_vec())],
            false,
        );
        assert!(refused.is_err());
        assert_eq!(files(dossier.path()).len(), 1);
        change(
            dossier.path(),
            &[],
            &[("b.sig".into(), b"X".to_vec())],
            true,
        )
        .unwrap();
        assert_eq!(
            files(&dossier.path().join("signatures"))[0],
            ("b.sig".into(), "X".into())
        );
    }

    #[test]
    fn a_dossier_without_signatures_gets_the_folder() {
        let dossier = tempfile::tempdir().unwrap();
        change(
            dossier.path(),
            &[],
            &[("a.sig".into(), b"A".to_vec())],
            false,
        )
        .unwrap();
        assert_eq!(
            files(&dossier.path().join("signatures")),
            [("a.sig".into(), "A".into())]
        );
    }

    #[test]
    fn a_run_killed_between_the_two_renames_is_undone() {
        // Where there is no exchange: killed after moving the old folder aside.
        let dossier = dossier_with(&[]);
        let path = dossier.path();
        std::fs::rename(path.join("signatures"), path.join(OLD)).unwrap();
        std::fs::write(path.join(OLD).join("a.sig"), "A").unwrap();
        std::fs::create_dir(path.join(format!("{NEW_PREFIX}x1"))).unwrap();
        std::fs::write(path.join(format!("{NEW_PREFIX}x1/b.sig")), "B").unwrap();
        recover(path).unwrap();
        assert_eq!(files(path).len(), 1, "{:?}", files(path));
        assert_eq!(
            files(&path.join("signatures")),
            [("a.sig".into(), "A".into())]
        );
    }

    #[test]
    fn a_run_killed_after_the_swap_is_finished() {
        let dossier = dossier_with(&[("b.sig", "B")]);
        let path = dossier.path();
        // The old folder, left at the new one's name after an exchange, or aside.
        std::fs::create_dir(path.join(format!("{NEW_PREFIX}x2"))).unwrap();
        std::fs::create_dir(path.join(OLD)).unwrap();
        std::fs::write(path.join(OLD).join("a.sig"), "A").unwrap();
        recover(path).unwrap();
        assert_eq!(files(path).len(), 1);
        assert_eq!(
            files(&path.join("signatures")),
            [("b.sig".into(), "B".into())]
        );
    }
}
