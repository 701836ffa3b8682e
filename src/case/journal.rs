//! Committing a change to a case so that a crash, `kill -9` or a full disk at any moment leaves
//! `case.json`, the custody log and `evidence/` consistent, and removing what a killed run left.
//!
//! A commit is three changes to three files (copies placed under `evidence/`, lines appended to
//! `custody.jsonl`, `case.json` replaced), which no file system makes atomic together. So a
//! commit first writes the new `case.json` beside the old one, then a small journal
//! (`.dossier-commit.json`: the log's length before, the lines to append, the copies to place),
//! in one rename: that rename is the commit's point of no return. Before it, nothing the case
//! shows has changed; after it, the journal is carried out, and if the command dies on the way,
//! the next command on the case carries it out again (every step can be repeated) before doing
//! anything else. Owns the journal's format and the names of our temporary files; it does not
//! know what the change is (the workspace does) and takes no lock (the caller holds one).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::{CASE_FILE, EVIDENCE_DIR, custody};
use crate::disk::{self, SAVE_PREFIX};
use crate::error::{Error, Result};

/// The journal of a commit in progress.
pub const JOURNAL: &str = ".dossier-commit.json";
/// The new `case.json` of a commit in progress.
pub const NEW_CASE: &str = ".dossier-commit.case.json";
/// The prefix of a copy under `evidence/` not yet verified or placed.
pub const COPY_PREFIX: &str = ".dossier-copy-";

/// What a commit does once past its point of no return; paths relative to the case folder.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journal {
    /// The custody log's length when the command read it: lines after it are cut, then added.
    log_length: u64,
    /// The lines to append.
    log_lines: String,
    /// Verified copies to move into place: (temporary file, final path).
    copies: Vec<(String, String)>,
}

/// Commits a change: `case_text` becomes `case.json`, `log_lines` are appended to the custody
/// log read at `log_length` bytes, and each verified copy is moved to its place (a path
/// relative to the case folder).
pub fn commit(
    root: &Path,
    case_text: &str,
    log_length: u64,
    log_lines: String,
    copies: Vec<(tempfile::NamedTempFile, String)>,
) -> Result<()> {
    let new_case = root.join(NEW_CASE);
    disk::track(&new_case);
    let journal = Journal {
        log_length,
        log_lines,
        copies: copies
            .iter()
            .map(|(temp, target)| (relative(root, temp.path()), target.clone()))
            .collect(),
    };
    let text = serde_json::to_string(&journal).expect("a journal always serialises");
    write_new_case(root, &new_case, case_text)?;
    disk::critical(|| {
        if let Err(e) = disk::write_atomically(&root.join(JOURNAL), text.as_bytes()) {
            // Not committed: nothing the case shows has changed (the copies go with `copies`).
            let _ = std::fs::remove_file(&new_case);
            return Err(e);
        }
        // Past the point of no return: the new case.json and the copies must outlive this
        // process, to be put in place by the next command if this one dies.
        disk::untrack(&new_case);
        for (temp, _) in copies {
            let path = temp.into_temp_path();
            disk::untrack(&path);
            let _ = path.keep();
        }
        let Err(failed) = carry_out(root, &journal) else {
            return Ok(());
        };
        // A step failed (a full disk, say) and this process knows exactly which: it takes the
        // change back, so that the command fails as a whole. Only if that fails too is the
        // change left to the next command to finish.
        match take_back(root, &journal) {
            Ok(()) => Err(failed),
            Err(_) => Err(Error::input(
                format!("{failed}"),
                "the change is recorded in .dossier-commit.json and the next dossier command on \
                 this case finishes it: fix the cause (free some space, say) and run any command",
            )),
        }
    })
}

/// Undoes what [`carry_out`] did of a journal before it failed, and drops the journal: the log
/// is cut back to its old length, the copies (of files outside the case, which stay where they
/// are) are removed, then the new `case.json` and the journal. None of it needs free space. A
/// crash on the way leaves the journal, which the next command carries out.
fn take_back(root: &Path, journal: &Journal) -> Result<()> {
    let new_case = root.join(NEW_CASE);
    if !new_case.exists() {
        // Its rename is the last step: without it, case.json is already the new one and the
        // change is complete but for removing the journal, which the next command does.
        return Err(Error::input(
            "case.json was already replaced",
            "the next command finishes the change",
        ));
    }
    let log = root.join(custody::FILE);
    let length = std::fs::metadata(&log)
        .map_err(|e| Error::io("read", &log, e))?
        .len();
    if length > journal.log_length {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&log)
            .map_err(|e| Error::io("open", &log, e))?;
        file.set_len(journal.log_length)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("cut back", &log, e))?;
    }
    for (temp, target) in &journal.copies {
        let (temp, target) = (root.join(temp), root.join(target));
        // `place` never moves a copy over a file: a target without its temporary file is ours.
        let ours = if temp.symlink_metadata().is_ok() {
            temp
        } else {
            target
        };
        match std::fs::remove_file(&ours) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove", &ours, e)),
        }
    }
    std::fs::remove_file(&new_case).map_err(|e| Error::io("remove", &new_case, e))?;
    let path = root.join(JOURNAL);
    std::fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))
}

/// Writes the new `case.json` under its temporary name, with the old one's permissions.
fn write_new_case(root: &Path, new_case: &Path, case_text: &str) -> Result<()> {
    let written =
        disk::write_atomically(new_case, case_text.as_bytes()).and_then(
            |()| match std::fs::metadata(root.join(CASE_FILE)) {
                Ok(meta) => std::fs::set_permissions(new_case, meta.permissions())
                    .map_err(|e| Error::io("set the permissions of", new_case, e)),
                Err(_) => Ok(()),
            },
        );
    if written.is_err() {
        let _ = std::fs::remove_file(new_case);
    }
    written
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Carries out a journal; each step can be repeated after a crash.
fn carry_out(root: &Path, journal: &Journal) -> Result<()> {
    for (temp, target) in &journal.copies {
        place(&root.join(temp), &root.join(target))?;
    }
    custody::append_at(
        &root.join(custody::FILE),
        journal.log_length,
        journal.log_lines.as_bytes(),
    )?;
    let new_case = root.join(NEW_CASE);
    if new_case.exists() {
        std::fs::rename(&new_case, root.join(CASE_FILE))
            .map_err(|e| Error::io("replace", root.join(CASE_FILE), e))?;
    }
    let journal = root.join(JOURNAL);
    std::fs::remove_file(&journal).map_err(|e| Error::io("remove", &journal, e))
}

/// Moves a verified copy to its place, never over another file.
fn place(temp: &Path, target: &Path) -> Result<()> {
    let temp_there = temp.symlink_metadata().is_ok();
    let target_there = target.symlink_metadata().is_ok();
    match (temp_there, target_there) {
        (true, false) => {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("create the folder", parent, e))?;
            }
            std::fs::rename(temp, target).map_err(|e| Error::io("place the copy at", target, e))
        }
        // Placed before the command was interrupted.
        (false, true) => Ok(()),
        (true, true) => Err(Error::input(
            format!(
                "cannot finish an interrupted command: {} appeared meanwhile where its copy {} \
                 goes",
                target.display(),
                temp.display()
            ),
            format!(
                "move {} elsewhere and run the command again",
                target.display()
            ),
        )),
        (false, false) => Err(Error::input(
            format!(
                "cannot finish an interrupted command: its copy {} is gone",
                temp.display()
            ),
            format!(
                "restore the case folder from your backup, or remove {} to abandon the command \
                 (case.json and the custody log then disagree: `dossier check` shows where)",
                JOURNAL
            ),
        )),
    }
}

/// What [`recover`] did.
#[derive(Debug, Default)]
pub struct Recovery {
    /// An interrupted commit was carried out to its end.
    pub finished: bool,
    /// Temporary files of killed runs that were removed.
    pub removed: Vec<PathBuf>,
}

/// True if a killed run left a commit to finish or temporary files to remove.
pub fn needs_recovery(root: &Path) -> bool {
    root.join(JOURNAL).exists() || !stale_files(root).is_empty()
}

/// Finishes a commit a killed run left, then removes its temporary files. Only for a command
/// that holds the case's exclusive lock: no other command can be using them.
pub fn recover(root: &Path) -> Result<Recovery> {
    let mut recovery = Recovery::default();
    let path = root.join(JOURNAL);
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let journal: Journal = serde_json::from_str(&text).map_err(|e| Error::json(&path, &e))?;
        carry_out(root, &journal)?;
        recovery.finished = true;
    }
    for stale in stale_files(root) {
        match std::fs::remove_file(&stale) {
            Ok(()) => recovery.removed.push(stale),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove", &stale, e)),
        }
    }
    Ok(recovery)
}

/// Our temporary files in the case folder: unplaced copies in `evidence/`, unrenamed saves, and
/// a new `case.json` without its journal. Only regular files with our names; nothing else.
fn stale_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut look = |dir: &Path, wanted: &dyn Fn(&str) -> bool| {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let ours = entry.file_name().to_str().is_some_and(wanted);
            let file = entry.file_type().is_ok_and(|t| t.is_file());
            if ours && file {
                found.push(entry.path());
            }
        }
    };
    let journal = root.join(JOURNAL).exists();
    look(&root.join(EVIDENCE_DIR), &|name| {
        !journal && name.starts_with(COPY_PREFIX)
    });
    look(root, &|name| {
        name.starts_with(SAVE_PREFIX) || (!journal && name == NEW_CASE)
    });
    found
}

/// True for a name under `evidence/` that is one of our temporary copies, never evidence.
pub fn is_temporary_copy(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with(COPY_PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit killed at each step after its point of no return is finished by `recover`, and
    /// one killed before it leaves the case as it was.
    #[test]
    fn a_commit_killed_at_any_step_is_finished_or_left_undone() {
        let log_before = "{\"line\":1}\n";
        let lines = "{\"line\":2}\n";
        // (log as the killed run left it, copy placed, case.json replaced)
        let steps = [
            (log_before.to_string(), false, false),
            (format!("{log_before}{{\"li"), true, false),
            (format!("{log_before}{lines}"), true, false),
            (format!("{log_before}{lines}"), true, true),
        ];
        for (log, placed, replaced) in steps {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            std::fs::create_dir(root.join(EVIDENCE_DIR)).unwrap();
            std::fs::write(root.join(custody::FILE), &log).unwrap();
            let copy = format!("{EVIDENCE_DIR}/{COPY_PREFIX}abc");
            let target = format!("{EVIDENCE_DIR}/photo.jpg");
            std::fs::write(root.join(if placed { &target } else { &copy }), "jpg").unwrap();
            std::fs::write(root.join(CASE_FILE), if replaced { "new" } else { "old" }).unwrap();
            if !replaced {
                std::fs::write(root.join(NEW_CASE), "new").unwrap();
            }
            let journal = Journal {
                log_length: log_before.len() as u64,
                log_lines: lines.to_string(),
                copies: vec![(copy.clone(), target.clone())],
            };
            std::fs::write(root.join(JOURNAL), serde_json::to_string(&journal).unwrap()).unwrap();
            assert!(needs_recovery(root));
            assert!(recover(root).unwrap().finished);
            let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
            assert_eq!(read(custody::FILE), format!("{log_before}{lines}"));
            assert_eq!(read(CASE_FILE), "new");
            assert_eq!(read(&target), "jpg");
            assert!(!root.join(&copy).exists() && !root.join(JOURNAL).exists());
            assert!(!needs_recovery(root));
        }
        // Killed before the journal: its new case.json and copy are removed, nothing else.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(EVIDENCE_DIR)).unwrap();
        for file in [
            NEW_CASE,
            "evidence/.dossier-copy-x",
            ".dossier-save-y",
            "evidence/.mine",
        ] {
            std::fs::write(root.join(file), "x").unwrap();
        }
        let recovery = recover(root).unwrap();
        assert!(!recovery.finished);
        assert_eq!(recovery.removed.len(), 3);
        assert!(root.join("evidence/.mine").exists());
    }
}
