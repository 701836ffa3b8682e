//! Exhibit intake: registering evidence files with their SHA-256, size and media type.
//!
//! Owns where exhibit files live (`evidence/`), copying files in from elsewhere (checking the
//! copy against the original), refusing duplicates and links that leave the case, and finding a
//! registered file again on disk (also when its name changed between NFC and NFD). It never
//! modifies an evidence file and never re-hashes an exhibit's intake record.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Component, Path, PathBuf};

use indicatif::ProgressBar;
use unicode_normalization::UnicodeNormalization;

use crate::case::custody::Record;
use crate::case::edit::{Change, link_exhibit};
use crate::case::{Confidentiality, EVIDENCE_DIR, Exhibit, Source, Workspace, format_id};
use crate::date::{Timestamp, now_utc};
use crate::error::{Error, Result};
use crate::hash::{FileDigest, sha256_file, sha256_files, sha256_stream};

/// What the user says about the exhibits being added (the same for every file of one command).
#[derive(Debug, Clone, Default)]
pub struct ExhibitSpec {
    pub title: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub obtained: Option<String>,
    pub source_url: Option<String>,
    pub confidential_source: bool,
    pub collected_by: Option<String>,
    pub collected_at: Option<String>,
    pub language: Option<String>,
    pub confidential: bool,
    pub events: Vec<String>,
}

/// One exhibit registered by [`add_exhibits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub id: String,
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// The original, when the file was copied in from outside `evidence/`.
    pub copied_from: Option<PathBuf>,
}

/// What [`add_exhibits`] did: exhibits added, and files of a folder skipped as already registered.
#[derive(Debug, Clone, Default)]
pub struct Intake {
    pub added: Vec<Added>,
    pub skipped: Vec<(String, String)>,
    /// Exhibits already registered, now linked to the events given (`--event`).
    pub linked: Vec<Change>,
}

/// A file found for intake, before anything is written.
struct Candidate {
    /// The file as given (for messages).
    shown: PathBuf,
    /// Where it will live, relative to `evidence/`.
    path: String,
    /// Named explicitly (not found by walking a folder).
    explicit: bool,
    /// The request that named it.
    request: usize,
    digest: FileDigest,
    /// For a file from outside `evidence/`: the original and its verified copy, not yet in place.
    copy: Option<(PathBuf, tempfile::NamedTempFile)>,
}

/// Registers files as exhibits: each file in `inputs`, and every file under each folder.
///
/// Relative inputs are taken from the case folder (like `git -C`). A file outside `evidence/` is
/// copied in and the copy's hash checked against the original. Nothing is written unless every
/// file can be added.
pub fn add_exhibits(
    ws: &mut Workspace,
    inputs: &[PathBuf],
    spec: &ExhibitSpec,
    progress: &ProgressBar,
) -> Result<Intake> {
    let request = Request {
        inputs: inputs.to_vec(),
        spec: spec.clone(),
        place: None,
    };
    let mut intakes = add_requests(ws, std::slice::from_ref(&request), progress)?;
    Ok(intakes.pop().expect("one intake per request"))
}

/// One group of files and what the user says about them: the inputs of one `exhibit add`, or one
/// row of `import --as exhibits`.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub inputs: Vec<PathBuf>,
    pub spec: ExhibitSpec,
    /// Where the request came from, to prefix its messages ("rows.csv line 7").
    pub place: Option<String>,
}

impl Request {
    fn locate(&self, err: Error) -> Error {
        match &self.place {
            Some(place) => err.within(place),
            None => err,
        }
    }
}

/// Registers the files of several requests in one intake, in their order, all or none; returns
/// one [`Intake`] per request.
///
/// The case is read once for all of them: every file is hashed in one pass on every core, judged
/// against the case and the files before it by lookups, and numbered from one counter, so
/// 10,000 rows of an import cost what one `exhibit add` of the same files costs, not 10,000
/// times a scan of the case.
pub fn add_requests(
    ws: &mut Workspace,
    requests: &[Request],
    progress: &ProgressBar,
) -> Result<Vec<Intake>> {
    let places = Places::resolve(&ws.root)?;
    let mut collected_at = Vec::with_capacity(requests.len());
    let mut files = Vec::new();
    for (index, request) in requests.iter().enumerate() {
        collected_at.push(check_spec(ws, &request.spec).map_err(|e| request.locate(e))?);
        let start = files.len();
        find_files(&request.inputs, &places, &mut files).map_err(|e| request.locate(e))?;
        for file in &mut files[start..] {
            file.request = index;
        }
    }
    // The longest id this intake can give (files already registered are skipped, not numbered).
    let last = ws.highest_exhibit().saturating_add(files.len() as u64);
    refuse_unportable(&files, format_id("E", last).len(), requests)?;
    let total: u64 = files.iter().map(|f| f.size).sum();
    progress.set_length(total * 2);
    let Batch {
        candidates,
        skipped,
        ..
    } = take_in(files, &places, &ws.case.exhibits, requests, progress)?;
    // Every file is acceptable: only now is anything written.
    let mut intakes = register(ws, candidates, requests, &collected_at, &places.evidence);
    // A file registered before, offered again with --event, is linked to those events.
    for (request, path, id) in skipped {
        let intake = &mut intakes[request];
        for event in &requests[request].spec.events {
            intake.linked.extend(link_exhibit(ws, &id, event));
        }
        intake.skipped.push((path, id));
    }
    Ok(intakes)
}

/// Checks what the user says about the exhibits: the events exist, the time is a time.
fn check_spec(ws: &Workspace, spec: &ExhibitSpec) -> Result<Option<Timestamp>> {
    for event in &spec.events {
        ws.case.require_event(event, "--event")?;
    }
    spec.collected_at
        .as_deref()
        .map(|t| {
            t.parse::<Timestamp>()
                .map_err(|e| e.within("--collected-at"))
        })
        .transpose()
}

/// The case folder as intake sees it.
struct Places {
    /// Absolute, with `.` and `..` resolved.
    root: PathBuf,
    evidence: PathBuf,
    /// With symbolic links resolved, to tell whether a link leaves the case.
    real: PathBuf,
}

impl Places {
    fn resolve(root: &Path) -> Result<Places> {
        let root =
            normalize(&std::path::absolute(root).map_err(|e| Error::io("resolve", root, e))?);
        let evidence = root.join(EVIDENCE_DIR);
        let real = root
            .canonicalize()
            .map_err(|e| Error::io("resolve", &root, e))?;
        Ok(Places {
            root,
            evidence,
            real,
        })
    }
}

/// Every file the inputs name, in order; an input that is not there stops the intake.
fn find_files(inputs: &[PathBuf], places: &Places, files: &mut Vec<Found>) -> Result<()> {
    let root = &places.root;
    for input in inputs {
        let absolute = normalize(&root.join(input));
        let absolute = find_on_disk(&absolute).ok_or_else(|| {
            Error::input(
                format!("no such file or folder: {}", input.display()),
                format!(
                    "check the name; a relative path is taken from the case folder {}",
                    root.display()
                ),
            )
        })?;
        collect(input, &absolute, &places.evidence, files)?;
    }
    Ok(())
}

/// Hashes each file in place, or copies it into `evidence/` and checks the copy, and judges it
/// against the case's `exhibits` and the files before it.
fn take_in<'c>(
    files: Vec<Found>,
    places: &Places,
    exhibits: &'c [Exhibit],
    requests: &[Request],
    progress: &ProgressBar,
) -> Result<Batch<'c>> {
    let mut batch = Batch::new(exhibits);
    // Files already under evidence/ are hashed several at once; copies are made one by one.
    let inside: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.inside)
        .map(|f| f.absolute.clone())
        .collect();
    for file in files.iter().filter(|f| f.inside) {
        check_inside(file, &places.real).map_err(|e| requests[file.request].locate(e))?;
    }
    let mut digests = sha256_files(&inside, progress).into_iter();
    for file in files {
        let request = &requests[file.request];
        let candidate = if file.inside {
            let digest = digests.next().expect("one digest per file inside")?;
            progress.inc(digest.size);
            Candidate {
                shown: file.shown.clone(),
                path: file.path.clone(),
                explicit: file.explicit,
                request: file.request,
                digest,
                copy: None,
            }
        } else {
            copy_in(&file, &places.evidence, progress).map_err(|e| request.locate(e))?
        };
        let linking = !request.spec.events.is_empty();
        batch
            .offer(candidate, linking)
            .map_err(|e| request.locate(e))?;
    }
    Ok(batch)
}

/// The files of one intake accepted so far, and the lookups that judge the next one against the
/// case and against them.
struct Batch<'c> {
    /// The case's exhibits by content and by name.
    registered: HashMap<&'c str, &'c Exhibit>,
    by_path: HashMap<String, &'c Exhibit>,
    candidates: Vec<Candidate>,
    /// Earlier files of this batch, by content and by name: a lookup, not a scan, so that a
    /// folder of 100,000 files is taken in in linear time.
    by_content: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Files of a folder already registered: (request, path, exhibit id).
    skipped: Vec<(usize, String, String)>,
}

impl<'c> Batch<'c> {
    fn new(exhibits: &'c [Exhibit]) -> Batch<'c> {
        Batch {
            registered: exhibits.iter().map(|e| (e.sha256.as_str(), e)).collect(),
            by_path: exhibits.iter().map(|e| (nfc(&e.path), e)).collect(),
            candidates: Vec::new(),
            by_content: HashMap::new(),
            by_name: HashMap::new(),
            skipped: Vec::new(),
        }
    }

    /// Accepts a file, skips one of a folder that is already registered, or refuses it: changed
    /// since intake, registered already, or the same content or name as another of the batch.
    /// With `linking` (events were given), a file already registered is to be linked to them,
    /// not refused.
    fn offer(&mut self, candidate: Candidate, linking: bool) -> Result<()> {
        if let Some(existing) = self.by_path.get(&nfc(&candidate.path)) {
            if existing.sha256 != candidate.digest.sha256 {
                return Err(Error::input(
                    format!(
                        "{} is registered as {} but its content changed since intake \
                         (intake sha256 {}, now {})",
                        candidate.shown.display(),
                        existing.id,
                        existing.sha256,
                        candidate.digest.sha256
                    ),
                    "an exhibit is never re-hashed: restore the original file, or add the new \
                     version under another name as a new exhibit",
                ));
            }
            if candidate.explicit && !linking {
                return Err(already(&candidate, existing));
            }
            self.skipped
                .push((candidate.request, candidate.path, existing.id.clone()));
            return Ok(());
        }
        if let Some(existing) = self.registered.get(candidate.digest.sha256.as_str()) {
            return Err(already(&candidate, existing));
        }
        if let Some(twin) = self
            .by_content
            .get(&candidate.digest.sha256)
            .map(|&i| &self.candidates[i])
        {
            if twin.shown == candidate.shown {
                return Err(Error::input(
                    format!(
                        "{} is given twice: it is already part of this intake",
                        candidate.shown.display()
                    ),
                    "give each file once",
                ));
            }
            return Err(Error::input(
                format!(
                    "{} and {} have the same content",
                    twin.shown.display(),
                    candidate.shown.display()
                ),
                "add one of them; the same evidence is registered once",
            ));
        }
        let name = nfc(&candidate.path);
        if let Some(twin) = self.by_name.get(&name).map(|&i| &self.candidates[i]) {
            if twin.copy.is_none() && candidate.copy.is_none() {
                return Err(Error::input(
                    format!(
                        "evidence/{} is given twice: it is already part of this intake",
                        candidate.path
                    ),
                    "give each file once",
                ));
            }
            return Err(Error::input(
                format!(
                    "{} and {} would both be copied to evidence/{}",
                    twin.shown.display(),
                    candidate.shown.display(),
                    candidate.path
                ),
                "rename one of them, or copy them into evidence/ yourself and add them from there",
            ));
        }
        self.by_content
            .insert(candidate.digest.sha256.clone(), self.candidates.len());
        self.by_name.insert(name, self.candidates.len());
        self.candidates.push(candidate);
        Ok(())
    }
}

/// Puts each accepted file in place under the next exhibit id and records it in the case and
/// its custody log; returns what each request added.
fn register(
    ws: &mut Workspace,
    candidates: Vec<Candidate>,
    requests: &[Request],
    collected_at: &[Option<Timestamp>],
    evidence: &Path,
) -> Vec<Intake> {
    let mut intakes = vec![Intake::default(); requests.len()];
    let events: HashMap<String, usize> = ws
        .case
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let first = ws.highest_exhibit() + 1;
    for (number, mut candidate) in (first..).zip(candidates) {
        let id = format_id("E", number);
        let spec = &requests[candidate.request].spec;
        let target = evidence.join(&candidate.path);
        let content = match &candidate.copy {
            Some((_, temp)) => temp.path().to_path_buf(),
            None => target.clone(),
        };
        let media_type = media_type_of(&content, &target);
        let copied_from = candidate.copy.take().map(|(original, temp)| {
            ws.place(temp, format!("{EVIDENCE_DIR}/{}", candidate.path));
            original
        });
        if let Some(original) = &copied_from {
            ws.record(Record {
                action: "copy",
                exhibit: Some(id.clone()),
                sha256: Some(candidate.digest.sha256.clone()),
                details: format!(
                    "copied from {} to evidence/{}; the copy's hash matches the original",
                    original.display(),
                    candidate.path
                ),
            });
        }
        ws.record(Record {
            action: "intake",
            exhibit: Some(id.clone()),
            sha256: Some(candidate.digest.sha256.clone()),
            details: format!(
                "evidence/{}, {} bytes, {media_type}",
                candidate.path, candidate.digest.size
            ),
        });
        for event in &spec.events {
            // check_spec found every event, and nothing since has removed one.
            let event = events[event.as_str()];
            ws.case.events[event].exhibits.push(id.clone());
        }
        let exhibit = exhibit_record(
            spec,
            &id,
            &candidate,
            media_type,
            collected_at[candidate.request],
        );
        ws.case.exhibits.push(exhibit);
        intakes[candidate.request].added.push(Added {
            id,
            path: candidate.path,
            sha256: candidate.digest.sha256,
            size: candidate.digest.size,
            copied_from,
        });
    }
    intakes
}

/// The case's record of a new exhibit: the file's intake hash and what the user says about it.
fn exhibit_record(
    spec: &ExhibitSpec,
    id: &str,
    candidate: &Candidate,
    media_type: String,
    collected_at: Option<Timestamp>,
) -> Exhibit {
    Exhibit {
        id: id.to_string(),
        path: candidate.path.clone(),
        sha256: candidate.digest.sha256.clone(),
        size: candidate.digest.size,
        media_type,
        title: spec.title.clone(),
        description: spec.description.clone(),
        source: Source {
            provider: spec.source.clone(),
            method: spec.obtained.clone(),
            url: spec.source_url.clone(),
            confidential: spec.confidential_source,
        },
        collected_by: spec.collected_by.clone(),
        collected_at,
        language: spec.language.clone(),
        confidentiality: if spec.confidential {
            Confidentiality::Confidential
        } else {
            Confidentiality::Public
        },
        intake_at: now_utc(),
    }
}

fn already(candidate: &Candidate, existing: &Exhibit) -> Error {
    Error::input(
        format!(
            "{} is already registered as {} (evidence/{}, sha256 {})",
            candidate.shown.display(),
            existing.id,
            existing.path,
            existing.sha256
        ),
        format!(
            "nothing to do: refer to it as {0}; to link it to an event: dossier exhibit edit {0} --event V-ID",
            existing.id
        ),
    )
}

/// A file to take in: where it is and where it goes.
struct Found {
    shown: PathBuf,
    absolute: PathBuf,
    /// Relative to `evidence/` for a file already there; the destination for a copy.
    path: String,
    inside: bool,
    explicit: bool,
    /// The request that named it (set by the caller of `find_files`).
    request: usize,
    size: u64,
}

/// Lists the files of one input: the file itself, or every file under a folder, sorted.
fn collect(shown: &Path, absolute: &Path, evidence: &Path, out: &mut Vec<Found>) -> Result<()> {
    let inside = absolute.starts_with(evidence);
    let meta = std::fs::metadata(absolute).map_err(|e| Error::io("read", absolute, e))?;
    refuse_special(&meta, shown)?;
    if !meta.is_dir() {
        let path = if inside {
            relative_name(absolute.strip_prefix(evidence).expect("checked"), shown)?
        } else {
            relative_name(Path::new(absolute.file_name().unwrap_or_default()), shown)?
        };
        out.push(Found {
            shown: shown.to_path_buf(),
            absolute: absolute.to_path_buf(),
            path,
            inside,
            explicit: true,
            request: 0,
            size: meta.len(),
        });
        return Ok(());
    }
    // A folder from outside keeps its own name under evidence/.
    let base = if inside {
        evidence
    } else {
        absolute.parent().unwrap_or(absolute)
    };
    let walker = walkdir::WalkDir::new(absolute).sort_by_file_name();
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(absolute).to_path_buf();
            Error::io("read the folder", path, e.into())
        })?;
        let meta =
            std::fs::metadata(entry.path()).map_err(|e| Error::io("read", entry.path(), e))?;
        if meta.is_dir() {
            continue;
        }
        let entry_shown = shown.join(
            entry
                .path()
                .strip_prefix(absolute)
                .expect("walked under it"),
        );
        refuse_special(&meta, &entry_shown)?;
        let path = relative_name(
            entry.path().strip_prefix(base).expect("walked under it"),
            &entry_shown,
        )?;
        out.push(Found {
            shown: entry_shown,
            absolute: entry.path().to_path_buf(),
            path,
            inside,
            explicit: false,
            request: 0,
            size: meta.len(),
        });
    }
    Ok(())
}

/// Refuses anything but a regular file or a folder (a FIFO, a device, a socket) before it is
/// opened: reading one could block for ever (a FIFO) or never end (`/dev/zero`).
fn refuse_special(meta: &std::fs::Metadata, shown: &Path) -> Result<()> {
    if meta.is_file() || meta.is_dir() {
        return Ok(());
    }
    let kind = special_kind(&meta.file_type());
    Err(Error::input(
        format!(
            "{} is {kind}, not a regular file: it was not read",
            shown.display()
        ),
        "only regular files can be exhibits: save what it holds to a file and add that file \
         (nothing was changed)",
    ))
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// The longest file name most file systems and zip tools take, in bytes; an exhibit's file name
/// in a dossier is `E-NNN-<name>`.
pub const MAX_NAME_BYTES: usize = 255;

/// Why the dossier cannot carry a name to every auditor's tool (a zip tool, `sha256sum`, a
/// Windows or macOS file system), if it cannot: a backslash (a folder separator to zip tools and
/// Windows), a control character other than a line break (a line break is percent-encoded in
/// the manifest, as BagIt says), a trailing space or dot (dropped by Windows), or a file name
/// longer than [`MAX_NAME_BYTES`] with its exhibit id.
pub fn unportable_name(path: &str, id_bytes: usize) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts {
        if part.contains('\\') {
            return Some(format!("`{part}` holds a backslash"));
        }
        if let Some(c) = part.chars().find(|&c| c.is_control() && c != '\n') {
            return Some(format!(
                "`{part}` holds the control character U+{:04X}",
                c as u32
            ));
        }
        if part.ends_with(' ') || part.ends_with('.') {
            return Some(format!("`{part}` ends with a space or a dot"));
        }
    }
    let name = parts.last().copied().unwrap_or_default();
    let bytes = id_bytes + 1 + name.len();
    (bytes > MAX_NAME_BYTES).then(|| {
        format!(
            "its name is {} bytes long; with its exhibit id it would be {bytes}, more than the \
             {MAX_NAME_BYTES} that file systems and zip tools take",
            name.len()
        )
    })
}

/// A name without what [`unportable_name`] refuses, to suggest.
fn portable_name(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '\\' || (c.is_control() && c != '\n') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_end_matches([' ', '.']);
    let mut end = cleaned.len().min(200);
    while !cleaned.is_char_boundary(end) {
        end -= 1;
    }
    cleaned[..end].to_string()
}

/// Refuses, before anything is read, files whose names the dossier cannot carry.
fn refuse_unportable(files: &[Found], id_bytes: usize, requests: &[Request]) -> Result<()> {
    for file in files {
        if let Some(why) = unportable_name(&file.path, id_bytes) {
            return Err(requests[file.request].locate(Error::input(
                format!(
                    "{}: the dossier cannot carry this name to every auditor's tool: {why}",
                    file.shown.display()
                ),
                format!(
                    "rename the file (its content is not affected), e.g. to `{}`, and add it \
                     again; nothing was changed",
                    portable_name(&file.path)
                ),
            )));
        }
    }
    Ok(())
}

/// Refuses a file under evidence/ that is a link leading out of the case (fail closed).
fn check_inside(found: &Found, case_real: &Path) -> Result<()> {
    let real = found
        .absolute
        .canonicalize()
        .map_err(|e| Error::io("resolve", &found.absolute, e))?;
    if real.starts_with(case_real) {
        return Ok(());
    }
    Err(Error::input(
        format!(
            "{} is a symbolic link to {}, outside the case folder",
            found.shown.display(),
            real.display()
        ),
        "evidence must be inside the case: remove the link and add the file itself \
         (dossier exhibit add copies files from elsewhere into evidence/)",
    ))
}

/// Copies a file from outside evidence/ into a temporary file there and checks the copy.
fn copy_in(found: &Found, evidence: &Path, progress: &ProgressBar) -> Result<Candidate> {
    let target = evidence.join(&found.path);
    if target.symlink_metadata().is_ok() {
        return Err(Error::input(
            format!(
                "cannot copy {} in: evidence/{} already exists",
                found.shown.display(),
                found.path
            ),
            "if it is the same file, add evidence/... in place; otherwise rename one of them",
        ));
    }
    std::fs::create_dir_all(evidence).map_err(|e| Error::io("create the folder", evidence, e))?;
    // Ctrl-C removes it (a killed run's copy is removed by the next command on the case).
    let temp = crate::disk::create_tracked(
        || {
            tempfile::Builder::new()
                .prefix(crate::case::journal::COPY_PREFIX)
                .tempfile_in(evidence)
        },
        |t| t.path(),
    )
    .map_err(|e| Error::io("create a file in", evidence, e))?;
    let source = File::open(&found.absolute).map_err(|e| Error::io("open", &found.absolute, e))?;
    let digest = sha256_stream(source, BufWriter::new(temp.as_file()), progress)
        .map_err(|e| Error::io("copy", &found.absolute, e))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io("write", temp.path(), e))?;
    // The copy gets the original's permissions, not the temporary file's private ones.
    let permissions = std::fs::metadata(&found.absolute)
        .map_err(|e| Error::io("read", &found.absolute, e))?
        .permissions();
    std::fs::set_permissions(temp.path(), permissions)
        .map_err(|e| Error::io("set the permissions of", temp.path(), e))?;
    let copy = sha256_file(temp.path(), progress)?;
    if copy != digest {
        return Err(Error::input(
            format!(
                "the copy of {} does not match the original (original sha256 {}, copy {})",
                found.shown.display(),
                digest.sha256,
                copy.sha256
            ),
            "nothing was registered; check the disk and the original, then try again",
        ));
    }
    Ok(Candidate {
        shown: found.shown.clone(),
        path: found.path.clone(),
        explicit: found.explicit,
        request: found.request,
        digest,
        copy: Some((found.absolute.clone(), temp)),
    })
}

/// A relative path as stored in `case.json`: UTF-8, `/` between folders.
fn relative_name(relative: &Path, shown: &Path) -> Result<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect();
    match parts {
        Some(parts) if !parts.is_empty() => Ok(parts.join("/")),
        _ => Err(Error::input(
            format!("the file name of {} is not valid UTF-8", shown.display()),
            "rename the file with a UTF-8 name (its content is not affected)",
        )),
    }
}

/// Removes `.` and resolves `..` lexically (symbolic links are judged later, on the real path).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The NFC form of a name, to compare names that differ only in Unicode normalisation.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// The path as it is on disk: exact if it exists, else with each missing component matched to a
/// directory entry of the same NFC form (a name typed in NFC for a file stored in NFD, say).
pub fn find_on_disk(path: &Path) -> Option<PathBuf> {
    if path.symlink_metadata().is_ok() {
        return Some(path.to_path_buf());
    }
    let mut found = PathBuf::new();
    for component in path.components() {
        let exact = found.join(component);
        if exact.symlink_metadata().is_ok() {
            found = exact;
            continue;
        }
        let wanted = nfc(component.as_os_str().to_str()?);
        let entry = std::fs::read_dir(&found)
            .ok()?
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_str().is_some_and(|n| nfc(n) == wanted))?;
        found.push(entry.file_name());
    }
    Some(found)
}

/// Finds registered exhibits' files on disk, refusing unsafe paths, missing files and links
/// leading out of the case. Each folder is resolved once, so 100,000 exhibits in a few folders
/// cost 100,000 `lstat`s, not 100,000 full path resolutions.
pub struct Locator {
    evidence: PathBuf,
    case_real: PathBuf,
    folders: HashMap<PathBuf, Result<PathBuf, String>>,
}

impl Locator {
    pub fn new(root: &Path) -> Result<Locator> {
        Ok(Locator {
            evidence: root.join(EVIDENCE_DIR),
            case_real: root
                .canonicalize()
                .map_err(|e| Error::io("resolve", root, e))?,
            folders: HashMap::new(),
        })
    }

    /// Where the exhibit at `path` (relative to evidence/) is, or why it cannot be used.
    pub fn locate(&mut self, path: &str) -> Result<PathBuf, String> {
        if let Some(why) = unsafe_path(path) {
            return Err(format!("the path `{path}` is refused: {why}"));
        }
        let on_disk = find_on_disk(&self.evidence.join(path))
            .ok_or_else(|| format!("evidence/{path} is missing"))?;
        let leaves = |real: &Path| {
            format!(
                "evidence/{path} is a symbolic link leaving the case, to {}",
                real.display()
            )
        };
        let folder = on_disk
            .parent()
            .expect("a file under evidence/")
            .to_path_buf();
        let case_real = &self.case_real;
        let folder_real = self
            .folders
            .entry(folder)
            .or_insert_with_key(|f| {
                f.canonicalize()
                    .map_err(|e| format!("cannot read the folder of evidence/{path}: {e}"))
            })
            .clone()?;
        let meta = on_disk
            .symlink_metadata()
            .map_err(|e| format!("cannot read evidence/{path}: {e}"))?;
        let real = if meta.file_type().is_symlink() {
            on_disk
                .canonicalize()
                .map_err(|e| format!("cannot read evidence/{path}: {e}"))?
        } else {
            folder_real
        };
        if real.starts_with(case_real) {
            Ok(on_disk)
        } else {
            Err(leaves(&real))
        }
    }
}

/// Why a stored exhibit path is unsafe (absolute, `..`, empty parts, NUL, backslash), if it is.
pub fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("it is empty")
    } else if path.starts_with('/') {
        Some("it is absolute")
    } else if path.contains('\0') {
        Some("it contains a NUL character")
    } else if path.contains('\\') {
        Some("it contains a backslash")
    } else if path
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        Some("it has an empty, `.` or `..` part")
    } else {
        None
    }
}

/// Every file under `evidence/`, relative to it, sorted; names that are not UTF-8 are lossy.
pub fn evidence_files(root: &Path) -> Result<Vec<String>> {
    let evidence = root.join(EVIDENCE_DIR);
    if !evidence.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&evidence).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&evidence).to_path_buf();
            Error::io("read the folder", path, e.into())
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(&evidence)
            .expect("walked under it");
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = parts.join("/");
        // A command's temporary copy is never evidence, even one a killed run left behind.
        if !crate::case::journal::is_temporary_copy(&name) {
            files.push(name);
        }
    }
    Ok(files)
}

/// The media type from the file's first bytes, else from its extension.
pub fn media_type(path: &Path) -> String {
    media_type_of(path, path)
}

/// The media type from the first bytes of `content`, else from the extension of `name`.
fn media_type_of(content: &Path, name: &Path) -> String {
    if let Ok(Some(kind)) = infer::get_from_path(content) {
        return kind.mime_type().to_string();
    }
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_named() {
        for bad in ["", "/etc/passwd", "a/../b", "a//b", "./a", "a\\b", "a\0b"] {
            assert!(unsafe_path(bad).is_some(), "{bad:?}");
        }
        for good in ["a.jpg", "photos/2019/gate 1.jpg", "شهادة.txt", "a%20b"] {
            assert_eq!(unsafe_path(good), None, "{good:?}");
        }
    }

    #[test]
    fn a_name_typed_in_nfc_finds_the_file_stored_in_nfd() {
        let dir = tempfile::tempdir().unwrap();
        let nfd: String = "Nguyễn Văn.txt".nfd().collect();
        std::fs::write(dir.path().join(&nfd), b"x").unwrap();
        let nfc_name: String = "Nguyễn Văn.txt".nfc().collect();
        assert_ne!(nfd, nfc_name);
        let found = find_on_disk(&dir.path().join(&nfc_name)).unwrap();
        assert_eq!(found.file_name().unwrap().to_str().unwrap(), nfd);
        assert_eq!(find_on_disk(&dir.path().join("missing.txt")), None);
    }

    #[test]
    fn media_types_come_from_content_then_extension() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("no-extension");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
        assert_eq!(media_type(&png), "image/png");
        let txt = dir.path().join("statement.txt");
        std::fs::write(&txt, "I saw").unwrap();
        assert_eq!(media_type(&txt), "text/plain");
    }
}
