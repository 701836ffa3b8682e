//! Writing the sealed bag to disk: the zip (and, if asked, the unpacked folder) is written under
//! a hidden temporary name beside its final path and renamed into place only when complete.
//!
//! Owns the temporary files, the output folder made for them, the re-hashing of exhibits while
//! they are copied in, and the final renames. What goes into the bag is decided before (`seal`).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;

use super::BuildOptions;
use super::content::{Content, ExhibitFile, Generated};
use crate::dossier::archive::ZipOut;
use crate::error::{Error, Result};

/// The finished zip (and unpacked folder) under their temporary names, waiting to be put in place.
pub(super) struct Staged {
    zip: tempfile::NamedTempFile,
    folder: Option<tempfile::TempDir>,
}

impl Staged {
    /// Writes every file of the bag into a temporary zip (and folder) in the output folder,
    /// re-hashing each exhibit on the way; an exhibit that changed since intake stops the build.
    pub fn write(
        files: &[(String, Content)],
        name: &str,
        options: &BuildOptions,
        progress: &ProgressBar,
    ) -> Result<Staged> {
        let staged = Staged::create(name, options)?;
        let mut zip = ZipOut::new(
            std::io::BufWriter::with_capacity(1 << 20, staged.zip.as_file()),
            options.date,
        );
        let changed = staged.write_flushing(&mut zip, files, name, progress)?;
        if !changed.is_empty() {
            return Err(Error::input(
                format!(
                    "{} exhibit(s) changed since intake; nothing was sealed:\n  {}",
                    changed.len(),
                    changed.join("\n  ")
                ),
                "restore the original files from your backup; an exhibit is never re-hashed (a new version is a new exhibit)",
            ));
        }
        let path = staged.zip.path();
        let writer = zip.finish().map_err(|e| Error::io("write", path, e))?;
        writer
            .into_inner()
            .map_err(|e| Error::io("write", path, e.into_error()))?
            .sync_all()
            .map_err(|e| Error::io("write", path, e))?;
        Ok(staged)
    }

    fn create(name: &str, options: &BuildOptions) -> Result<Staged> {
        let out = &options.out_dir;
        remove_stale_parts(out);
        let zip = crate::disk::create_tracked(|| locked_part(name, out), |z| z.path())?;
        let folder = if options.unpacked {
            // Named after the zip's part, so that a later build knows whose it is.
            let zip_name = zip.path().file_name().expect("a file").to_string_lossy();
            let stem = zip_name.strip_suffix(ZIP_PART).expect("named so");
            let dir = crate::disk::create_tracked(
                || {
                    tempfile::Builder::new()
                        .prefix(stem)
                        .suffix(FOLDER_PART)
                        .rand_bytes(0)
                        .tempdir_in(out)
                },
                |d| d.path(),
            )
            .map_err(|e| Error::io("create a folder in", out, e))?;
            Some(dir)
        } else {
            None
        };
        Ok(Staged { zip, folder })
    }

    /// [`write_entries`], with a second thread asking the kernel to write out what is ready.
    fn write_flushing<W: Write + std::io::Seek>(
        &self,
        zip: &mut ZipOut<W>,
        files: &[(String, Content)],
        name: &str,
        progress: &ProgressBar,
    ) -> Result<Vec<String>> {
        // On a large dossier the disk is the slowest part: a second handle asks the kernel every
        // quarter second to write out what is ready, so that the disk works while exhibits are still
        // being hashed and the final sync has little left to do.
        let writing = AtomicBool::new(true);
        let flusher = self
            .zip
            .as_file()
            .try_clone()
            .map_err(|e| Error::io("open", self.zip.path(), e))?;
        std::thread::scope(|scope| {
            let flushing = scope.spawn(|| {
                while writing.load(Ordering::Relaxed) {
                    std::thread::park_timeout(std::time::Duration::from_millis(250));
                    if writing.load(Ordering::Relaxed) {
                        let _ = flusher.sync_data();
                    }
                }
            });
            let result = write_entries(
                zip,
                files,
                name,
                self.zip.path(),
                self.folder.as_ref().map(|d| d.path()),
                progress,
            );
            writing.store(false, Ordering::Relaxed);
            flushing.thread().unpark();
            result
        })
    }

    /// Renames the zip to `zip_path`; returns the unpacked folder, still to be placed.
    pub fn persist_zip(self, zip_path: &Path) -> Result<Option<tempfile::TempDir>> {
        let permissions = crate::disk::default_permissions();
        std::fs::set_permissions(self.zip.path(), permissions)
            .map_err(|e| Error::io("set the permissions of", self.zip.path(), e))?;
        let part = self.zip.path().to_path_buf();
        self.zip
            .persist(zip_path)
            .map_err(|e| Error::io("rename the finished dossier to", zip_path, e.error))?;
        crate::disk::untrack(&part);
        Ok(self.folder)
    }
}

/// The suffix of a zip being written, and of an unpacked folder being written.
const ZIP_PART: &str = ".zip.part";
const FOLDER_PART: &str = ".part";

/// A new temporary zip in `out`, locked for as long as this build runs: a later build removes
/// only parts nobody holds (those of a build that was killed).
fn locked_part(name: &str, out: &Path) -> Result<tempfile::NamedTempFile> {
    loop {
        let zip = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(ZIP_PART)
            .tempfile_in(out)
            .map_err(|e| Error::io("create a file in", out, e))?;
        zip.as_file()
            .lock()
            .map_err(|e| Error::io("lock", zip.path(), e))?;
        // Another build may have taken it for stale and removed it before it was locked.
        if still_named(zip.path(), zip.as_file()) {
            return Ok(zip);
        }
    }
}

#[cfg(unix)]
fn still_named(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_named(path: &Path, _: &File) -> bool {
    path.exists()
}

/// Removes what killed builds left in `out`: hidden `.zip.part` files no running build holds,
/// and the `.part` folders beside them. Nothing else is touched; what cannot be removed stays.
fn remove_stale_parts(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if !name.starts_with('.') {
            continue;
        }
        if kind.is_file() && name.ends_with(ZIP_PART) {
            remove_if_unheld(&entry.path());
        } else if kind.is_dir() && name.ends_with(FOLDER_PART) && !name.ends_with(ZIP_PART) {
            folders.push(name);
        }
    }
    for folder in folders {
        let stem = folder.strip_suffix(FOLDER_PART).expect("filtered");
        let zip = out.join(format!("{stem}{ZIP_PART}"));
        let dir = out.join(&folder);
        let stale = if zip.exists() {
            remove_if_unheld(&zip)
        } else {
            holds_only_bag_files(&dir)
        };
        if stale {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// True if every entry of `dir` has a name a bag's top level has: a folder we began to write.
fn holds_only_bag_files(dir: &Path) -> bool {
    const BAG: [&str; 7] = [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "data",
        "signatures",
        "timestamps",
    ];
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .all(|e| e.file_name().to_str().is_some_and(|n| BAG.contains(&n)))
    })
}

/// Removes a build's zip part if no running build holds it; true if it is gone.
fn remove_if_unheld(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return !path.exists();
    };
    match file.try_lock() {
        Ok(()) => std::fs::remove_file(path).is_ok(),
        Err(_) => false,
    }
}

/// Renames the unpacked folder to `folder_path`, replacing what is there.
pub(super) fn place_folder(dir: tempfile::TempDir, folder_path: PathBuf) -> Result<PathBuf> {
    if folder_path.exists() {
        std::fs::remove_dir_all(&folder_path).map_err(|e| Error::io("replace", &folder_path, e))?;
    }
    let dir = dir.keep();
    crate::disk::untrack(&dir);
    std::fs::set_permissions(&dir, folder_permissions())
        .map_err(|e| Error::io("set the permissions of", &dir, e))?;
    std::fs::rename(&dir, &folder_path)
        .map_err(|e| Error::io("rename the unpacked dossier to", &folder_path, e))?;
    Ok(folder_path)
}

/// Writes every file of the bag into the zip (and the unpacked folder), re-hashing exhibits on
/// the way; returns the exhibits whose bytes no longer match their intake.
fn write_entries<W: Write + std::io::Seek>(
    zip: &mut ZipOut<W>,
    files: &[(String, Content)],
    name: &str,
    zip_path: &Path,
    folder: Option<&Path>,
    progress: &ProgressBar,
) -> Result<Vec<String>> {
    let mut changed = Vec::new();
    let mut made = std::collections::HashSet::new();
    for (path, content) in files {
        let entry = format!("{name}/{path}");
        let mut copy = match folder {
            Some(dir) => Some(create_file(&dir.join(path), &mut made)?),
            None => None,
        };
        match content {
            Content::Generated(Generated::Bytes(bytes)) => {
                zip.add_bytes(&entry, bytes)
                    .map_err(|e| Error::io("write", zip_path, e))?;
                if let Some(copy) = copy.as_mut() {
                    copy.write_all(bytes)
                        .map_err(|e| Error::io("write the unpacked", path, e))?;
                }
            }
            Content::Generated(Generated::Spilled { file, sha256, size }) => {
                let digest = zip
                    .add_file(&entry, file.path(), *size, copy.as_mut(), progress)
                    .map_err(|e| Error::io("write", zip_path, e))?;
                if &digest.sha256 != sha256 {
                    return Err(Error::input(
                        format!("{path} changed on disk while the dossier was being built"),
                        "build again; if it happens again, check the disk",
                    ));
                }
            }
            Content::Exhibit(ExhibitFile { source, exhibit }) => {
                let digest = zip
                    .add_file(&entry, source, exhibit.size, copy.as_mut(), progress)
                    .map_err(|e| {
                        Error::input(
                            format!("{} evidence/{}: cannot be sealed ({e})", exhibit.id, exhibit.path),
                            "it may have changed since intake: `dossier check` compares every exhibit with its intake hash",
                        )
                    })?;
                if digest.sha256 != exhibit.sha256 || digest.size != exhibit.size {
                    changed.push(format!(
                        "{} evidence/{}: intake sha256 {} ({} bytes), now {} ({} bytes)",
                        exhibit.id,
                        exhibit.path,
                        exhibit.sha256,
                        exhibit.size,
                        digest.sha256,
                        digest.size
                    ));
                }
            }
        }
    }
    Ok(changed)
}

/// A folder made for the output, removed again (if still empty) unless the build succeeds.
pub(super) struct NewFolder<'a> {
    path: &'a Path,
    remove: bool,
}

impl<'a> NewFolder<'a> {
    pub fn create(path: &'a Path) -> Result<NewFolder<'a>> {
        let remove = !path.exists();
        std::fs::create_dir_all(path).map_err(|e| Error::io("create the folder", path, e))?;
        Ok(NewFolder { path, remove })
    }

    pub fn keep(&mut self) {
        self.remove = false;
    }
}

impl Drop for NewFolder<'_> {
    fn drop(&mut self) {
        if self.remove {
            // Only an empty folder goes: a failed build leaves what it found, and nothing more.
            let _ = std::fs::remove_dir(self.path);
        }
    }
}

/// Creates a file of the unpacked bag, making its folder the first time it is needed.
fn create_file(path: &Path, made: &mut std::collections::HashSet<PathBuf>) -> Result<File> {
    if let Some(parent) = path.parent()
        && !made.contains(parent)
    {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
        made.insert(parent.to_path_buf());
    }
    File::create(path).map_err(|e| Error::io("create", path, e))
}

fn folder_permissions() -> std::fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o755)
    }
    #[cfg(not(unix))]
    {
        crate::disk::default_permissions()
    }
}
