//! `verify`: proves that a dossier (zip or folder) is as it was sealed, or lists every difference.
//!
//! Owns the integrity report: each file OK, FAILED (expected and found hash), missing or
//! unexpected, plus tag-file, bag-info, fingerprint and custody-log problems. It never stops at
//! the first problem, never trusts the zip (no path leaves the bag, nothing is read past its
//! declared size, nothing is extracted) and never prints (see `output`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use serde::Serialize;

use super::json::{self, DossierJson, DossierSummary};
use crate::case::custody;
use crate::dossier::allowed_signers::AllowedSigners;
use crate::dossier::archive::ZipIn;
use crate::dossier::bag::{self, ManifestLine};
use crate::dossier::signatures_folder;
use crate::dossier::sshsig::{self, SignatureCheck, Verdict};
use crate::dossier::tsp::TimestampCheck;
use crate::error::{Error, Result};
use crate::hash::{FileDigest, sha256_file};

/// Tag files larger than this are not read into memory (a manifest of a million files is ~100 MB).
const TAG_LIMIT: u64 = 192 * 1024 * 1024;

/// bagit.txt, bag-info.txt, statements and signatures are a few lines.
const SMALL_TAG_LIMIT: u64 = 1024 * 1024;

/// Refused manifest lines reported one by one; the rest are counted.
const LINES_SHOWN: usize = 20;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Failed,
    Missing,
    Unexpected,
    Unreadable,
}

/// One file of the bag and its status.
#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    pub path: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FileCheck {
    fn new(path: &str, status: Status) -> FileCheck {
        FileCheck {
            path: path.to_string(),
            status,
            expected: None,
            found: None,
            detail: None,
        }
    }
}

/// A problem that is not one file's hash: a tag file, bag-info, the zip's structure, the log.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub place: String,
    pub message: String,
}

/// Everything `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub path: PathBuf,
    pub bag: String,
    /// The case id, from bag-info.txt's External-Identifier.
    pub case: Option<String>,
    /// The day it was sealed (bag-info.txt's Bagging-Date, which `intact` says agrees with
    /// data/dossier.json).
    pub sealed: Option<String>,
    pub dossier_fingerprint: Option<String>,
    pub exhibit_fingerprint: Option<String>,
    /// Built as a draft despite `check` errors (bag-info.txt's Dossier-Draft): not for filing.
    pub draft: bool,
    pub files: Vec<FileCheck>,
    pub problems: Vec<Problem>,
    /// The signatures under `signatures/`, each judged.
    pub signatures: Vec<SignatureCheck>,
    /// The signatures counted by verdict, for the summary.
    pub signature_counts: SignatureCounts,
    /// The RFC 3161 timestamps under `timestamps/`, each read and compared with the fingerprint.
    pub timestamps: Vec<TimestampCheck>,
    pub intact: bool,
}

/// How many signatures there are, how many are valid for the organisation each names, how many
/// are not, and how many could not be judged for want of an allowed_signers file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignatureCounts {
    pub total: usize,
    pub valid: usize,
    pub not_valid: usize,
    pub unchecked: usize,
    /// Signatures whose statement gives the role `lead`: a dossier has at most one.
    pub leads: usize,
    /// Whether an allowed_signers file was given, so that signatures could be judged.
    pub allowed_signers_given: bool,
}

impl SignatureCounts {
    /// Counts the verdicts. Without allowed_signers, a signature that matches its statement and
    /// this dossier is unchecked (whose key made it is unknown), not valid.
    fn of(signatures: &[SignatureCheck], allowed_signers_given: bool) -> SignatureCounts {
        let count =
            |f: &dyn Fn(&SignatureCheck) -> bool| signatures.iter().filter(|s| f(s)).count();
        SignatureCounts {
            total: signatures.len(),
            valid: count(&|s| s.verdict == Verdict::Valid),
            unchecked: count(&|s| s.verdict == Verdict::Unverified),
            not_valid: count(&|s| !matches!(s.verdict, Verdict::Valid | Verdict::Unverified)),
            leads: count(&|s| s.role.as_deref() == Some("lead")),
            allowed_signers_given,
        }
    }

    /// True if no signature stops the dossier from being intact: every one valid for the
    /// organisation it names (or, without allowed_signers, none invalid or for another
    /// dossier), and at most one lead.
    pub fn acceptable(&self) -> bool {
        self.not_valid == 0 && self.leads <= 1
    }
}

/// Where the bag's files are read from.
enum Source {
    Folder(PathBuf),
    Zip(ZipIn),
}

/// A file of the bag: its declared size, and its number, unique in the bag (its entry in the
/// zip, or its place in the folder's listing), below [`Bag::count`].
#[derive(Debug, Clone, Copy)]
struct BagFile {
    size: u64,
    number: usize,
}

/// A file's digest and whether its CRC-32 in the zip matched its content (always true in a
/// folder); or why it could not be read.
type Hashed = Result<(FileDigest, bool), String>;

const UNSAFE_ZIP: &str = "not read: the zip's structure is unsafe (see the problems)";

impl Source {
    /// Hands a file to `read`, cut at its declared size. Each read has a cursor of its own, so
    /// one thread can read a file while others hash the rest.
    fn read<T>(
        &self,
        path: &str,
        file: BagFile,
        read: impl FnOnce(&mut dyn std::io::Read) -> std::io::Result<T>,
    ) -> Result<T, String> {
        match self {
            Source::Folder(root) => std::fs::File::open(root.join(path))
                .and_then(|f| read(&mut std::io::Read::take(f, file.size)))
                .map_err(|e| e.to_string()),
            Source::Zip(zip) if !zip.safe => Err(UNSAFE_ZIP.to_string()),
            Source::Zip(zip) => zip
                .read_shared(file.number, file.size, read)
                .map_err(|e| e.to_string()),
        }
    }

    /// As [`Source::read`], hashing the file in the same pass as [`Bag::hash`] would: what
    /// `parse` made of it, and its digest.
    fn read_hashed<T>(
        &self,
        path: &str,
        file: BagFile,
        parse: impl FnOnce(&mut dyn std::io::Read) -> std::io::Result<T>,
        progress: &ProgressBar,
    ) -> (Result<T, String>, Hashed) {
        let read = match self {
            Source::Folder(root) => std::fs::File::open(root.join(path)).and_then(|f| {
                crate::hash::sha256_while_reading(f, file.size, parse, progress)
                    .map(|(parsed, digest)| (parsed, digest, true))
            }),
            Source::Zip(zip) if !zip.safe => Err(std::io::Error::other(UNSAFE_ZIP)),
            Source::Zip(zip) => zip.read_hashed(file.number, file.size, parse, progress),
        };
        match read {
            Ok((parsed, digest, crc_ok)) => {
                (parsed.map_err(|e| e.to_string()), Ok((digest, crc_ok)))
            }
            Err(e) => (Err(e.to_string()), Err(e.to_string())),
        }
    }
}

/// The bag opened for verification: its files, and problems found on the way.
struct Bag {
    name: String,
    source: Source,
    files: BTreeMap<String, BagFile>,
    /// Every file's number is below it.
    count: usize,
    problems: Vec<Problem>,
}

impl Bag {
    fn open(path: &Path) -> Result<Bag> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io("open", path, e))?;
        if meta.is_dir() {
            Bag::open_folder(path)
        } else {
            Bag::open_zip(ZipIn::open(path)?)
        }
    }

    fn open_folder(root: &Path) -> Result<Bag> {
        let mut found: Vec<(String, std::fs::DirEntry)> = Vec::new();
        let mut problems = Vec::new();
        // Unsorted: the map below sorts the paths (sorting 100,000 names in one folder as they
        // were listed cost more than hashing them). Each folder and the path of its files under
        // the root.
        let mut folders = vec![(root.to_path_buf(), String::new())];
        while let Some((folder, under)) = folders.pop() {
            let failed = |e| Error::io("read the folder", &folder, e);
            for entry in std::fs::read_dir(&folder).map_err(failed)? {
                let entry = entry.map_err(failed)?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else {
                    problems.push(problem(
                        &format!("{under}{}", name.to_string_lossy()),
                        "the file name is not UTF-8: not read",
                    ));
                    continue;
                };
                let path = format!("{under}{name}");
                let kind = entry.file_type().map_err(failed)?;
                if kind.is_dir() {
                    folders.push((entry.path(), format!("{path}/")));
                } else if kind.is_symlink() {
                    problems.push(problem(
                        &path,
                        "is a symbolic link, not a file: not followed",
                    ));
                } else if !kind.is_file() {
                    problems.push(problem(
                        &path,
                        "is not a regular file (a pipe or a device?): not read",
                    ));
                } else {
                    found.push((path, entry));
                }
            }
        }
        problems.sort_by(|a, b| a.place.cmp(&b.place));
        // One `statx` per file, relative to its open folder, on every core: with many small
        // exhibits it is most of the walk.
        let sizes = crate::hash::on_every_core(
            &found,
            || (),
            |(), (_, entry)| entry.metadata().map(|m| m.len()).unwrap_or(0),
        );
        let count = found.len();
        let files: BTreeMap<String, BagFile> = found
            .into_iter()
            .zip(sizes)
            .enumerate()
            .map(|(number, ((path, _), size))| (path, BagFile { size, number }))
            .collect();
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Bag {
            name,
            source: Source::Folder(root.to_path_buf()),
            files,
            count,
            problems,
        })
    }

    fn open_zip(mut zip: ZipIn) -> Result<Bag> {
        let mut problems: Vec<Problem> = zip.problems.iter().map(|m| problem("zip", m)).collect();
        // The bag is the folder holding bagit.txt (else the most common top folder, so that a
        // bag whose bagit.txt was deleted is still checked); anything else is reported.
        let safe_names = || {
            zip.entries
                .iter()
                .filter_map(|e| e.name.as_deref())
                .filter(|n| bag::unsafe_bag_path(n.trim_end_matches('/')).is_none())
        };
        let bagit_txt = format!("/{}", bag::BAGIT_TXT);
        let mut roots: Vec<&str> = safe_names()
            .filter_map(|n| n.strip_suffix(&bagit_txt))
            .filter(|root| !root.contains('/'))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        if roots.len() > 1 {
            problems.push(problem(
                "zip",
                &format!(
                    "holds {} bags ({}); only {} is checked",
                    roots.len(),
                    roots.join(", "),
                    roots[0]
                ),
            ));
        }
        let name = match roots.first() {
            Some(root) => root.to_string(),
            None => {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for n in safe_names() {
                    if let Some((root, _)) = n.split_once('/') {
                        *counts.entry(root).or_default() += 1;
                    }
                }
                counts
                    .into_iter()
                    .max_by_key(|(_, c)| *c)
                    .map(|(r, _)| r.to_string())
                    .unwrap_or_default()
            }
        };
        let mut files = BTreeMap::new();
        // The listing is consumed here: the bag keeps only what it needs of it.
        let entries = std::mem::take(&mut zip.entries);
        let prefix = format!("{name}/");
        for entry in &entries {
            let Some(full) = entry.name.as_deref() else {
                problems.push(problem(
                    &entry.shown,
                    "the entry name is not UTF-8: not read",
                ));
                continue;
            };
            if entry.is_dir {
                if let Some(why) = bag::unsafe_bag_path(full.trim_end_matches('/')) {
                    problems.push(problem(full, &format!("hostile entry, not read: {why}")));
                }
                continue;
            }
            if let Some(why) = bag::unsafe_bag_path(full) {
                problems.push(problem(full, &format!("hostile entry, not read: {why}")));
                continue;
            }
            let Some(path) = full.strip_prefix(&prefix) else {
                problems.push(problem(
                    full,
                    &format!("entry outside the bag folder {name}/: not read"),
                ));
                continue;
            };
            if entry.is_symlink {
                problems.push(problem(path, "is a symbolic link entry: not read"));
                continue;
            }
            let file = BagFile {
                size: entry.size,
                number: entry.index,
            };
            if files.insert(path.to_string(), file).is_some() {
                problems.push(problem(path, "appears more than once in the zip"));
            }
        }
        Ok(Bag {
            name,
            source: Source::Zip(zip),
            files,
            count: entries.len(),
            problems,
        })
    }

    /// A tag file's bytes; `None` if it is not in the bag. Never more than its declared size,
    /// nor more than a limit fit for what the file is.
    fn read_tag(&self, path: &str) -> Option<Result<Vec<u8>, String>> {
        let size = self.files.get(path)?.size;
        let limit = match path {
            bag::BAGIT_TXT | bag::BAG_INFO_TXT => SMALL_TAG_LIMIT,
            p if p.starts_with(bag::SIGNATURES_DIR) => SMALL_TAG_LIMIT,
            p if p.starts_with(bag::TIMESTAMPS_DIR) => SMALL_TAG_LIMIT,
            _ => TAG_LIMIT,
        };
        if size > limit {
            return Some(Err(format!(
                "{size} bytes, more than the {limit} a file like this may have"
            )));
        }
        self.read_with(path, |reader| {
            let mut bytes = Vec::with_capacity(size as usize);
            reader.read_to_end(&mut bytes)?;
            Ok(bytes)
        })
    }

    /// Parses a JSON tag or payload file, no further than its declared size.
    fn read_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Option<Result<T, String>> {
        let &file = self.files.get(path)?;
        Some(
            self.source
                .read(path, file, |reader| parse_json(reader, file.size)),
        )
    }

    /// Hands a file of the bag to `read`, cut at its declared size (a file that grew or an
    /// entry that expands further is not read past it).
    fn read_with<T>(
        &self,
        path: &str,
        read: impl FnOnce(&mut dyn std::io::Read) -> std::io::Result<T>,
    ) -> Option<Result<T, String>> {
        let &file = self.files.get(path)?;
        Some(self.source.read(path, file, read))
    }

    /// Hashes files several at once, in the order given; each is read no further than its
    /// declared size (one byte past it in a zip, to tell a longer entry).
    fn hash(&self, jobs: &[(&str, BagFile)], progress: &ProgressBar) -> Vec<Hashed> {
        match &self.source {
            Source::Folder(root) => {
                let paths: Vec<&str> = jobs.iter().map(|(p, _)| *p).collect();
                crate::hash::sha256_files_under(root, &paths, progress)
                    .into_iter()
                    .map(|r| r.map(|d| (d, true)).map_err(|e| e.to_string()))
                    .collect()
            }
            Source::Zip(zip) if !zip.safe => {
                jobs.iter().map(|_| Err(UNSAFE_ZIP.to_string())).collect()
            }
            Source::Zip(zip) => {
                let entries: Vec<(usize, u64)> =
                    jobs.iter().map(|(_, f)| (f.number, f.size)).collect();
                zip.sha256_entries(&entries, progress)
                    .into_iter()
                    .map(|r| r.map_err(|e| e.to_string()))
                    .collect()
            }
        }
    }
}

/// Parses JSON of `size` bytes from `reader`. serde_json parses bytes in memory about twice as
/// fast as through a reader, so a file of a usual size (52 MB for 100,000 exhibits) is read whole
/// first; a larger one, which only a hostile zip declares, is streamed to keep memory bounded.
fn parse_json<T: serde::de::DeserializeOwned>(
    reader: &mut dyn std::io::Read,
    size: u64,
) -> std::io::Result<T> {
    const IN_MEMORY: u64 = 64 << 20;
    if size <= IN_MEMORY {
        let mut bytes = Vec::with_capacity(size as usize);
        reader.read_to_end(&mut bytes)?;
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
    } else {
        serde_json::from_reader(std::io::BufReader::new(reader)).map_err(std::io::Error::other)
    }
}

fn problem(place: &str, message: &str) -> Problem {
    Problem {
        place: place.to_string(),
        message: message.to_string(),
    }
}

/// Verifies the dossier at `path` (a zip or a folder).
/// With `allowed` (an allowed_signers file), each signature is also judged by whose key made it.
pub fn verify(
    path: &Path,
    allowed: Option<&AllowedSigners>,
    progress: &ProgressBar,
) -> Result<VerifyReport> {
    verify_bag(
        open_dossier(path, Bag::open(path)?)?,
        path,
        allowed,
        progress,
    )
}

/// Verifies the dossier zip in `file`, an open file that may have no name (a dossier decrypted
/// for verification only); `path` is what the report calls it.
pub fn verify_zip_file(
    file: std::fs::File,
    path: &Path,
    allowed: Option<&AllowedSigners>,
    progress: &ProgressBar,
) -> Result<VerifyReport> {
    let bag = Bag::open_zip(ZipIn::from_file(file, path)?)?;
    verify_bag(open_dossier(path, bag)?, path, allowed, progress)
}

fn verify_bag(
    mut bag: Bag,
    path: &Path,
    allowed: Option<&AllowedSigners>,
    progress: &ProgressBar,
) -> Result<VerifyReport> {
    let mut problems = std::mem::take(&mut bag.problems);
    // Which files the manifests name, by number: to tell repeated lines and unexpected files.
    let mut named = vec![false; bag.count];
    let mut payload = Manifest::default();
    let mut tags = Manifest::default();
    let mut fingerprint = None;
    let mut info = Vec::new();
    let mut oversized = HashSet::new();
    let (hashed, data, exhibit_fingerprint) = std::thread::scope(|scope| {
        // dossier.json and the custody log are parsed (and hashed) from the start, while the
        // manifests are read and the files hashed; what they say counts only if their hashes
        // match (`check_data_files`).
        let parsing = scope.spawn(|| read_data_files(&bag, progress));
        check_bagit_txt(&bag, &mut problems);
        let read = read_manifest(&bag, &mut problems, bag::MANIFEST, &mut named, progress);
        fingerprint = read.as_ref().map(|m| m.sha256.clone());
        // Only a manifest read whole gives the exhibit fingerprint.
        let whole = read.as_ref().is_some_and(|m| m.whole);
        payload = read.unwrap_or_default();
        tags = read_manifest(&bag, &mut problems, bag::TAG_MANIFEST, &mut named, progress)
            .unwrap_or_default();
        info = read_bag_info(&bag, &mut problems);
        oversized = find_oversized(&bag, &info, &mut problems);
        // Files hashed as they are parsed, not hashed again: the manifest, dossier.json and
        // the custody log. Every other file a manifest names and the bag holds is hashed here.
        let manifest_digest = payload.digest.take();
        let mut elsewhere = data_files_read(&bag);
        if manifest_digest.is_some() {
            elsewhere.push(bag::MANIFEST);
        }
        let (payload, tags, info) = (&payload, &tags, &info);
        let listed = || {
            let payload = payload.lines.iter().zip(payload.found.iter().copied());
            payload.chain(tags.lines.iter().zip(tags.found.iter().copied()))
        };
        let jobs: Vec<(&str, BagFile)> = listed()
            .filter_map(|(line, found)| Some((line.path.as_str(), found?)))
            .filter(|(path, _)| !oversized.contains(*path) && !elsewhere.contains(path))
            .collect();
        progress.set_length(listed().filter_map(|(_, f)| f.map(|f| f.size)).sum());
        // dossier.json is compared with the manifest and bag-info once both are read, while
        // the files are hashed.
        let comparing = scope.spawn(move || {
            let exhibit_fingerprint = whole.then(|| bag::exhibit_fingerprint(&payload.lines));
            let mut data = parsing
                .join()
                .expect("reading the data files does not panic");
            if let Some(Ok(sealed)) = &data.sealed {
                check_dossier_json(
                    sealed,
                    &payload.lines,
                    exhibit_fingerprint.as_deref(),
                    info,
                    &mut data.disagreements,
                );
            }
            data.digests
                .extend(manifest_digest.map(|d| (bag::MANIFEST, d)));
            (data, exhibit_fingerprint)
        });
        let hashed = bag.hash(&jobs, progress);
        let (data, exhibit_fingerprint) = comparing
            .join()
            .expect("comparing dossier.json does not panic");
        (hashed, data, exhibit_fingerprint)
    });
    let listed = payload
        .lines
        .into_iter()
        .zip(payload.found)
        .chain(tags.lines.into_iter().zip(tags.found));
    let files = check_files(
        &bag,
        listed,
        hashed,
        &data.digests,
        &named,
        &oversized,
        &mut problems,
    );
    check_bag_info(&bag, &info, &mut problems, exhibit_fingerprint.as_deref());
    let case = info
        .iter()
        .find(|(l, _)| l == "External-Identifier")
        .map(|(_, v)| v.clone());
    check_data_files(data, &files, &mut problems);
    let signatures = check_signatures(
        &bag,
        fingerprint.as_deref().unwrap_or(""),
        allowed,
        &mut problems,
    );
    let signature_counts = SignatureCounts::of(&signatures, allowed.is_some());
    check_leads(&signatures, &mut problems);
    let timestamps = check_timestamps(&bag, fingerprint.as_deref().unwrap_or(""), &mut problems);
    let intact = problems.is_empty()
        && files.iter().all(|f| f.status == Status::Ok)
        && signature_counts.acceptable();
    let draft = info
        .iter()
        .any(|(l, v)| l == bag::DRAFT_LABEL && v == "yes");
    let sealed = info
        .iter()
        .find(|(l, _)| l == "Bagging-Date")
        .map(|(_, v)| v.clone());
    Ok(VerifyReport {
        path: path.to_path_buf(),
        bag: bag.name,
        case,
        sealed,
        draft,
        dossier_fingerprint: fingerprint,
        exhibit_fingerprint,
        files,
        problems,
        signatures,
        signature_counts,
        timestamps,
        intact,
    })
}

/// Reads every timestamp under `timestamps/` (`.tsr`, a TimeStampResp); one that cannot be read
/// or that attests another fingerprint is a problem. Signatures are checked only with a CA file
/// (`timestamp::check_timestamp_signatures`).
fn check_timestamps(
    bag: &Bag,
    fingerprint: &str,
    problems: &mut Vec<Problem>,
) -> Vec<TimestampCheck> {
    let files: Vec<String> = bag
        .files
        .keys()
        .filter(|p| p.starts_with(bag::TIMESTAMPS_DIR))
        .cloned()
        .collect();
    let mut checks = Vec::new();
    for file in files {
        if !file.ends_with(".tsr") {
            problems.push(problem(&file, "is not a timestamp response (.tsr)"));
            continue;
        }
        let bytes = match bag.read_tag(&file) {
            Some(Ok(bytes)) => bytes,
            Some(Err(e)) => {
                problems.push(problem(&file, &format!("cannot be read: {e}")));
                continue;
            }
            None => continue,
        };
        let check = TimestampCheck::read(&file, bytes, fingerprint);
        if let Some(detail) = &check.detail {
            problems.push(problem(&file, detail));
        }
        checks.push(check);
    }
    checks
}

/// A dossier has one lead organisation: two signatures that each claim it are a problem.
fn check_leads(signatures: &[SignatureCheck], problems: &mut Vec<Problem>) {
    let leads: Vec<&str> = signatures
        .iter()
        .filter(|s| s.role.as_deref() == Some("lead"))
        .map(|s| s.organisation.as_deref().unwrap_or("?"))
        .collect();
    if leads.len() > 1 {
        problems.push(problem(
            bag::SIGNATURES_DIR.trim_end_matches('/'),
            &format!(
                "{} signatures claim the role lead ({}): a dossier has one lead; the others sign as co-signer (`dossier sign --role co-signer --replace`)",
                leads.len(),
                leads.join(", ")
            ),
        ));
    }
}

/// The bag opened at `path`, refused if the zip or folder is not a bag at all.
fn open_dossier(path: &Path, bag: Bag) -> Result<Bag> {
    if !bag.files.contains_key(bag::BAGIT_TXT) && !bag.files.contains_key(bag::MANIFEST) {
        return Err(Error::input(
            format!(
                "{} is not a dossier: it has no bagit.txt and no manifest-sha256.txt",
                path.display()
            ),
            "give the dossier's .zip, or the folder of an unpacked dossier (the one holding bagit.txt)",
        ));
    }
    Ok(bag)
}

/// A tag file the bag must have; a missing or unreadable one is a problem and no bytes.
fn read_required(bag: &Bag, problems: &mut Vec<Problem>, file: &str) -> Option<Vec<u8>> {
    match bag.read_tag(file) {
        None => {
            problems.push(problem(file, "is missing"));
            None
        }
        Some(Err(e)) => {
            problems.push(problem(file, &format!("cannot be read: {e}")));
            None
        }
        Some(Ok(bytes)) => Some(bytes),
    }
}

/// Checks that bagit.txt declares BagIt 1.0 in UTF-8, as dossier writes it.
fn check_bagit_txt(bag: &Bag, problems: &mut Vec<Problem>) {
    if let Some(bytes) = read_required(bag, problems, bag::BAGIT_TXT) {
        // RFC 8493 s2.1.1: exactly these two lines, in this order.
        if bytes != bag::bagit_txt().as_bytes()
            && bytes != bag::bagit_txt().replace('\n', "\r\n").as_bytes()
        {
            problems.push(problem(
                bag::BAGIT_TXT,
                "is not exactly `BagIt-Version: 1.0` and `Tag-File-Character-Encoding: UTF-8`",
            ));
        }
    }
}

/// The payload files that declare more bytes than the whole payload (by Payload-Oxum).
fn find_oversized(
    bag: &Bag,
    info: &[(String, String)],
    problems: &mut Vec<Problem>,
) -> HashSet<String> {
    // No payload file can be larger than the whole payload: one that says so (a zip bomb, or a
    // planted file) is reported and never read.
    let oxum_octets = info
        .iter()
        .find(|(l, _)| l == "Payload-Oxum")
        .and_then(|(_, v)| v.split('.').next()?.parse::<u64>().ok());
    let mut oversized = HashSet::new();
    if let Some(total) = oxum_octets {
        for (path, file) in bag.files.iter().filter(|(p, _)| p.starts_with("data/")) {
            let size = file.size;
            if size > total {
                problems.push(problem(
                    path,
                    &format!(
                        "declares {size} bytes, more than the whole payload ({total} bytes by Payload-Oxum): not read"
                    ),
                ));
                oversized.insert(path.clone());
            }
        }
    }
    oversized
}

/// Judges every file the manifests list, from its digest (`hashed`, in the order of the listed
/// files the bag holds, but for the oversized and the `known`); files no manifest names
/// (besides the tag manifest and signatures) are unexpected. Sorted by path.
fn check_files(
    bag: &Bag,
    listed: impl Iterator<Item = (ManifestLine, Option<BagFile>)>,
    hashed: Vec<Hashed>,
    known: &[(&str, Hashed)],
    named: &[bool],
    oversized: &HashSet<String>,
    problems: &mut Vec<Problem>,
) -> Vec<FileCheck> {
    let mut hashed = hashed.into_iter();
    let mut files = Vec::with_capacity(bag.files.len());
    for (line, found) in listed {
        let oversized = oversized.contains(&line.path);
        let digest = match found {
            Some(_) if !oversized => {
                Some(match known.iter().find(|(path, _)| *path == line.path) {
                    Some((_, digest)) => digest.clone(),
                    None => hashed.next().expect("a digest for every file hashed"),
                })
            }
            _ => None,
        };
        if let Some(Ok((_, false))) = digest {
            problems.push(problem(
                &line.path,
                "its CRC-32 in the zip does not match its content: unzip reports it as damaged",
            ));
        }
        let digest = digest.map(|d| d.map(|(d, _)| d));
        files.push(file_check(line, found.map(|f| f.size), digest, oversized));
    }
    for (path, file) in &bag.files {
        let tag_file = path == bag::TAG_MANIFEST
            || path.starts_with(bag::SIGNATURES_DIR)
            || path.starts_with(bag::TIMESTAMPS_DIR);
        if !named[file.number] && !tag_file {
            files.push(FileCheck::new(path, Status::Unexpected));
        }
    }
    // A folder a stopped signing command left is said once, with what to do about it.
    let mut leftovers: Vec<&str> = bag
        .files
        .keys()
        .filter(|path| signatures_folder::is_leftover(path))
        .filter_map(|path| path.split('/').next())
        .collect();
    leftovers.dedup();
    for folder in leftovers {
        problems.push(problem(folder, signatures_folder::LEFTOVER));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The verdict on one listed file from its hash (`None`: not hashed) and its declared size.
fn file_check(
    line: ManifestLine,
    declared: Option<u64>,
    digest: Option<Result<FileDigest, String>>,
    oversized: bool,
) -> FileCheck {
    let check = FileCheck {
        path: line.path,
        status: Status::Ok,
        expected: None,
        found: None,
        detail: None,
    };
    let expected = Some(line.sha256);
    match digest {
        None if oversized => FileCheck {
            status: Status::Unreadable,
            expected,
            detail: Some("not read: larger than the whole payload".into()),
            ..check
        },
        None => FileCheck {
            status: Status::Missing,
            expected,
            ..check
        },
        Some(Err(e)) => FileCheck {
            status: Status::Unreadable,
            expected,
            detail: Some(e),
            ..check
        },
        Some(Ok(d)) if Some(&d.sha256) == expected.as_ref() && Some(d.size) == declared => check,
        Some(Ok(d)) => FileCheck {
            status: Status::Failed,
            expected,
            found: Some(d.sha256),
            detail: (Some(d.size) != declared).then(|| {
                format!(
                    "{} bytes where {} were declared",
                    d.size,
                    declared.unwrap_or(0)
                )
            }),
            ..check
        },
    }
}

/// `data/dossier.json` and the custody log's first break, as read before their hashes are
/// known; `None` where the file is not in the bag. Each is hashed as it is read (`digests`).
struct DataFiles {
    sealed: Option<Result<DossierSummary, String>>,
    /// Where dossier.json disagrees with the manifest and bag-info.txt.
    disagreements: Vec<Problem>,
    custody: Option<Result<Option<custody::Break>, String>>,
    digests: Vec<(&'static str, Hashed)>,
}

/// The data files [`read_data_files`] reads (and hashes): those in the bag, but a custody log
/// larger than a tag file may be.
fn data_files_read(bag: &Bag) -> Vec<&'static str> {
    [DOSSIER_JSON, CUSTODY]
        .into_iter()
        .filter(|path| match bag.files.get(*path) {
            Some(file) => *path != CUSTODY || file.size <= TAG_LIMIT,
            None => false,
        })
        .collect()
}

/// Reads dossier.json and the custody log as they stream, each no further than its declared
/// size, hashing them on the way.
fn read_data_files(bag: &Bag, progress: &ProgressBar) -> DataFiles {
    let mut data = DataFiles {
        sealed: None,
        disagreements: Vec::new(),
        custody: None,
        digests: Vec::new(),
    };
    for path in data_files_read(bag) {
        let file = bag.files[path];
        let digest = if path == DOSSIER_JSON {
            let (sealed, digest) = bag.source.read_hashed(
                path,
                file,
                |reader| parse_json::<DossierSummary>(reader, file.size),
                progress,
            );
            data.sealed = Some(sealed);
            digest
        } else {
            let (custody, digest) = bag.source.read_hashed(
                path,
                file,
                |reader| custody::first_break_in_reader(reader, true),
                progress,
            );
            data.custody = Some(custody);
            digest
        };
        data.digests.push((path, digest));
    }
    data
}

const DOSSIER_JSON: &str = "data/dossier.json";
const CUSTODY: &str = "data/custody.jsonl";

/// Checks dossier.json against the manifest and bag-info.txt, and the custody log's chain.
/// Only a file whose hash matched its manifest line counts.
fn check_data_files(data: DataFiles, files: &[FileCheck], problems: &mut Vec<Problem>) {
    let ok = |path: &str| {
        files
            .iter()
            .any(|f| f.path == path && f.status == Status::Ok)
    };
    if ok(DOSSIER_JSON) {
        match data.sealed {
            Some(Ok(_)) => problems.extend(data.disagreements),
            Some(Err(e)) => problems.push(problem(
                "data/dossier.json",
                &format!("is not a dossier description ({e})"),
            )),
            None => {}
        }
    }
    if ok(CUSTODY)
        && let Some(Ok(Some(broken))) = data.custody
    {
        problems.push(problem(
            &format!("data/custody.jsonl:{}", broken.line),
            &format!(
                "the chain of custody is broken at line {}: {}",
                broken.line, broken.problem
            ),
        ));
    }
}

/// A manifest as `verify` reads it: the lines kept, and the SHA-256 of its bytes.
#[derive(Default)]
struct Manifest {
    lines: Vec<ManifestLine>,
    /// The file each line names, if the bag holds it.
    found: Vec<Option<BagFile>>,
    sha256: String,
    /// The manifest file's own digest, from the same read.
    digest: Option<Hashed>,
    /// False if some lines naming missing files were only counted.
    whole: bool,
}

/// Lines naming files that are not in the bag, kept to be reported one by one as missing; the
/// rest are counted. A line naming a file that is there is always kept: there are no more of
/// those than entries in the zip, so the memory a manifest takes is bounded by the zip's
/// directory, whatever the manifest claims.
const MISSING_KEPT: usize = 10_000;

/// Reads a manifest as it streams (never whole in memory), turning refused lines, misplaced
/// paths and repeated lines into problems, and marking the files it names in `named`; `None`
/// (and a problem) if it is missing or unreadable.
fn read_manifest(
    bag: &Bag,
    problems: &mut Vec<Problem>,
    file: &str,
    named: &mut [bool],
    progress: &ProgressBar,
) -> Option<Manifest> {
    let payload = file == bag::MANIFEST;
    let Some(&entry) = bag.files.get(file) else {
        problems.push(problem(file, "is missing"));
        return None;
    };
    if entry.size > TAG_LIMIT {
        problems.push(problem(
            file,
            &format!(
                "cannot be read: {} bytes, more than the {TAG_LIMIT} a manifest may have",
                entry.size
            ),
        ));
        return None;
    }
    // A hostile manifest can hold millions of lines: the first few refused ones are reported
    // one by one, the rest only counted (never stored).
    let mut shown: Vec<(String, String)> = Vec::new();
    let mut refused = 0;
    // Lines naming a file the bag holds mark it in `named`; the missing ones kept are here.
    let mut missing = HashSet::new();
    let mut kept = Vec::new();
    let mut found = Vec::new();
    let mut missing_counted = 0;
    let files = &bag.files;
    // Called for every refused line: the message is made only for those shown.
    let mut refuse = |make: &dyn Fn() -> (String, String)| {
        refused += 1;
        if shown.len() < LINES_SHOWN {
            shown.push(make());
        }
    };
    let (read, digest) = bag.source.read_hashed(
        file,
        entry,
        |reader| {
            bag::read_manifest(reader, |number, line| {
                let line = match line {
                    Ok(line) => line,
                    Err(why) => {
                        return refuse(&|| (format!("{file}:{number}"), format!("refused: {why}")));
                    }
                };
                if line.path.starts_with("data/") != payload {
                    let why = if payload {
                        "lists a file outside data/"
                    } else {
                        "lists a payload file"
                    };
                    refuse(&|| (file.to_string(), format!("{why}: {}", line.path)));
                } else if let Some(&there) = files.get(&line.path) {
                    if std::mem::replace(&mut named[there.number], true) {
                        refuse(&|| (file.to_string(), format!("lists twice: {}", line.path)));
                    } else {
                        kept.push(line);
                        found.push(Some(there));
                    }
                } else if missing.contains(&line.path) {
                    refuse(&|| (file.to_string(), format!("lists twice: {}", line.path)));
                } else if missing.len() < MISSING_KEPT {
                    missing.insert(line.path.clone());
                    kept.push(line);
                    found.push(None);
                } else {
                    missing_counted += 1;
                }
            })
        },
        progress,
    );
    let sha256 = match read {
        Ok(sha256) => sha256,
        Err(e) => {
            problems.push(problem(file, &format!("cannot be read: {e}")));
            return None;
        }
    };
    let more = refused - shown.len();
    for (place, message) in shown {
        problems.push(problem(&place, &message));
    }
    if more > 0 {
        problems.push(problem(
            file,
            &format!(
                "and {more} more refused or repeated lines (only the first {LINES_SHOWN} are shown)"
            ),
        ));
    }
    if missing_counted > 0 {
        problems.push(problem(
            file,
            &format!(
                "and {missing_counted} more lines name files that are not in the bag (only the first {MISSING_KEPT} are listed as missing)"
            ),
        ));
    }
    Some(Manifest {
        lines: kept,
        found,
        sha256,
        digest: Some(digest),
        whole: missing_counted == 0,
    })
}

/// Checks bag-info.txt and returns its fields.
/// bag-info.txt's fields, in order; a missing or unreadable file is a problem and no fields.
fn read_bag_info(bag: &Bag, problems: &mut Vec<Problem>) -> Vec<(String, String)> {
    match bag.read_tag(bag::BAG_INFO_TXT) {
        None => {
            problems.push(problem(bag::BAG_INFO_TXT, "is missing"));
            Vec::new()
        }
        Some(Err(_)) => {
            problems.push(problem(bag::BAG_INFO_TXT, "cannot be read"));
            Vec::new()
        }
        Some(Ok(bytes)) => bag::parse_bag_info(&String::from_utf8_lossy(&bytes)),
    }
}

/// Checks bag-info.txt's fields: the required labels, Payload-Oxum against the payload there,
/// and the exhibit fingerprint against the manifest.
fn check_bag_info(
    bag: &Bag,
    fields: &[(String, String)],
    problems: &mut Vec<Problem>,
    exhibit_fingerprint: Option<&str>,
) {
    if fields.is_empty() {
        return;
    }
    let get = |label: &str| {
        fields
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str())
    };
    for label in [
        "Bagging-Date",
        "External-Identifier",
        "Payload-Oxum",
        "Bag-Software-Agent",
        "Source-Organization",
    ] {
        if get(label).is_none() {
            problems.push(problem(bag::BAG_INFO_TXT, &format!("has no {label}")));
        }
    }
    let payload = bag
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .map(|(_, f)| f.size);
    let actual = bag::payload_oxum(payload);
    if let Some(oxum) = get("Payload-Oxum")
        && oxum != actual
    {
        problems.push(problem(
            bag::BAG_INFO_TXT,
            &format!("Payload-Oxum is {oxum} but the payload holds {actual} (bytes.files): files were added, removed or changed in size"),
        ));
    }
    if let (Some(recorded), Some(actual)) = (get("Exhibit-Fingerprint"), exhibit_fingerprint)
        && recorded != actual
    {
        problems.push(problem(
            bag::BAG_INFO_TXT,
            &format!("Exhibit-Fingerprint is {recorded} but the manifest gives {actual}"),
        ));
    }
}

fn check_dossier_json(
    sealed: &DossierSummary,
    manifest: &[ManifestLine],
    exhibit_fingerprint: Option<&str>,
    info: &[(String, String)],
    problems: &mut Vec<Problem>,
) {
    let place = "data/dossier.json";
    if let (Some(recorded), Some(actual)) =
        (sealed.exhibit_fingerprint.as_deref(), exhibit_fingerprint)
        && recorded != actual
    {
        problems.push(problem(
            place,
            &format!("records the exhibit fingerprint {recorded} but the manifest gives {actual}"),
        ));
    }
    // bag-info.txt is covered by the tag manifest only: it must also agree with the sealed data.
    let marked_draft = info
        .iter()
        .any(|(l, v)| l == bag::DRAFT_LABEL && v == "yes");
    if marked_draft != sealed.draft {
        problems.push(problem(
            bag::BAG_INFO_TXT,
            &format!(
                "{} a draft but data/dossier.json says it {}",
                if marked_draft {
                    "marks the dossier"
                } else {
                    "does not mark the dossier"
                },
                if sealed.draft { "is one" } else { "is not" }
            ),
        ));
    }
    let lead = sealed
        .signatories
        .iter()
        .find(|s| s.role.as_deref() == Some("lead"))
        .or(sealed.signatories.first());
    let expected = [
        ("External-Identifier", sealed.case.id.as_deref()),
        ("Dossier-Profile", sealed.profile.as_deref()),
        ("Bagging-Date", sealed.date.as_deref()),
        ("Exhibit-Fingerprint", sealed.exhibit_fingerprint.as_deref()),
        (
            "Source-Organization",
            Some(lead.map_or("not given", |l| l.name.as_str())),
        ),
    ];
    for (label, value) in expected {
        let given = info
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str());
        if let (Some(given), Some(value)) = (given, value)
            && given != crate::display::single_line(value)
        {
            problems.push(problem(
                bag::BAG_INFO_TXT,
                &format!("gives {label} `{given}` but data/dossier.json says `{value}`"),
            ));
        }
    }
    for mismatch in json::supplements_mismatches(sealed.supplements.as_ref(), info) {
        problems.push(problem(bag::BAG_INFO_TXT, &mismatch));
    }
    let by_path: HashMap<&str, &str> = manifest
        .iter()
        .map(|l| (l.path.as_str(), l.sha256.as_str()))
        .collect();
    for exhibit in &sealed.exhibits {
        let (id, sha) = (&exhibit.id, &exhibit.sha256);
        if let Some(file) = &exhibit.file {
            match by_path.get(file.as_str()) {
                Some(listed) if listed == sha => {}
                Some(listed) => problems.push(problem(
                    place,
                    &format!("gives {id} the sha256 {sha} but the manifest has {listed}"),
                )),
                None => problems.push(problem(
                    place,
                    &format!("lists {id} as {file}, which the manifest does not name"),
                )),
            }
        }
    }
}

/// Judges every signature under `signatures/`: `<slug>.sig` over `<slug>.statement.txt`.
fn check_signatures(
    bag: &Bag,
    fingerprint: &str,
    allowed: Option<&AllowedSigners>,
    problems: &mut Vec<Problem>,
) -> Vec<SignatureCheck> {
    let files: Vec<String> = bag
        .files
        .keys()
        .filter(|p| p.starts_with(bag::SIGNATURES_DIR))
        .cloned()
        .collect();
    let mut checks = Vec::new();
    for file in &files {
        if let Some(stem) = file.strip_suffix(".sig") {
            let statement_file = format!("{stem}.statement.txt");
            let signature = bag.read_tag(file).and_then(|r| r.ok()).unwrap_or_default();
            let statement = bag.read_tag(&statement_file).and_then(|r| r.ok());
            match statement {
                Some(statement) => checks.push(sshsig::check(
                    file,
                    &statement,
                    &signature,
                    fingerprint,
                    allowed,
                )),
                None => problems.push(problem(
                    file,
                    &format!("has no statement ({statement_file} is missing)"),
                )),
            }
        } else if !file.ends_with(".statement.txt") {
            problems.push(problem(
                file,
                "is neither a signature (.sig) nor a statement (.statement.txt)",
            ));
        } else if !files.contains(&format!("{}.sig", file.trim_end_matches(".statement.txt"))) {
            problems.push(problem(
                file,
                "is a statement that nobody signed (its .sig is missing)",
            ));
        }
    }
    checks
}

/// The signatures of a dossier judged against its fingerprint, its files not hashed: what
/// `signatures list`, `add` and `remove` start from.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureListing {
    pub path: PathBuf,
    pub bag: String,
    /// The case id, from bag-info.txt's External-Identifier.
    pub case: Option<String>,
    /// The SHA-256 of manifest-sha256.txt as it is now; `None` if it is missing or unreadable.
    pub dossier_fingerprint: Option<String>,
    pub signatures: Vec<SignatureCheck>,
    /// Every file under `signatures/`, signed or not.
    pub files: Vec<String>,
    /// What is wrong under `signatures/` (a statement nobody signed, a stray file).
    pub problems: Vec<Problem>,
}

/// Reads and judges the signatures of the dossier at `path` (zip or folder) against the SHA-256
/// of its manifest as it is now, without hashing its files: whether those still match the
/// manifest is `verify`'s question.
pub fn read_signatures(path: &Path, allowed: Option<&AllowedSigners>) -> Result<SignatureListing> {
    let bag = open_dossier(path, Bag::open(path)?)?;
    // Problems of the manifest or bag-info are `verify`'s to report: only the signatures' count.
    let mut elsewhere = Vec::new();
    let mut named = vec![false; bag.count];
    let fingerprint = read_manifest(
        &bag,
        &mut elsewhere,
        bag::MANIFEST,
        &mut named,
        &ProgressBar::hidden(),
    )
    .map(|m| m.sha256);
    let case = read_bag_info(&bag, &mut elsewhere)
        .into_iter()
        .find(|(l, _)| l == "External-Identifier")
        .map(|(_, v)| v);
    let mut problems = Vec::new();
    let signatures = check_signatures(
        &bag,
        fingerprint.as_deref().unwrap_or(""),
        allowed,
        &mut problems,
    );
    let files = bag
        .files
        .keys()
        .filter(|p| p.starts_with(bag::SIGNATURES_DIR))
        .cloned()
        .collect();
    Ok(SignatureListing {
        path: path.to_path_buf(),
        bag: bag.name,
        case,
        dossier_fingerprint: fingerprint,
        signatures,
        files,
        problems,
    })
}

/// Which exhibit of the dossier a loose file is, if any.
#[derive(Debug, Clone, Serialize)]
pub struct ExhibitMatch {
    pub file: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// The exhibit's id and its path in the bag (none for an exhibit withheld from this dossier).
    pub exhibit: Option<(String, Option<String>)>,
    /// Whether the dossier itself verified intact: if not, its manifest proves nothing.
    pub dossier_intact: bool,
    pub dossier_fingerprint: Option<String>,
}

/// Hashes `file` and looks for it among the dossier's exhibits (withheld ones too, by hash).
pub fn find_exhibit(dossier: &Path, file: &Path, progress: &ProgressBar) -> Result<ExhibitMatch> {
    let digest = sha256_file(file, progress)?;
    // The manifest says what the exhibits are only if the dossier is intact.
    let report = verify(dossier, None, progress)?;
    let bag = Bag::open(dossier)?;
    // Streamed, as in `verify`: the first exhibit line with this hash.
    let mut found: Option<String> = None;
    let read = bag.read_with(bag::MANIFEST, |reader| {
        bag::read_manifest(reader, |_, line| {
            if let Ok(line) = line
                && found.is_none()
                && line.sha256 == digest.sha256
                && line.path.starts_with(bag::EXHIBITS_DIR)
            {
                found = Some(line.path);
            }
        })
    });
    if !matches!(read, Some(Ok(_))) {
        return Err(Error::input(
            format!("{} has no readable manifest-sha256.txt", dossier.display()),
            "give the dossier's .zip, or the folder of an unpacked dossier",
        ));
    }
    let mut exhibit = found.map(|path| {
        let id = path[bag::EXHIBITS_DIR.len()..]
            .split('-')
            .take(2)
            .collect::<Vec<_>>()
            .join("-");
        (id, Some(path))
    });
    if exhibit.is_none()
        && let Some(Ok(sealed)) = bag.read_json::<DossierSummary>("data/dossier.json")
    {
        exhibit = sealed
            .exhibits
            .into_iter()
            .find(|e| e.sha256 == digest.sha256)
            .map(|e| (e.id, None));
    }
    Ok(ExhibitMatch {
        file: file.to_path_buf(),
        sha256: digest.sha256,
        size: digest.size,
        exhibit,
        dossier_intact: report.intact,
        dossier_fingerprint: report.dossier_fingerprint,
    })
}

/// A sealed dossier read back as a case (for `export`): `data/dossier.json`'s records, and for
/// each exhibit in the bag the SHA-1 of its file. Only an intact dossier is read.
pub struct SealedRecords {
    pub case: crate::case::Case,
    /// (exhibit id, file name, SHA-1) of every exhibit whose file is in the bag.
    pub files: Vec<(String, String, String)>,
}

/// Reads an intact dossier back as a case.
pub fn read_sealed_case(path: &Path, progress: &ProgressBar) -> Result<SealedRecords> {
    let (_, bag, full) = open_intact(path, progress)?;
    let mut files = Vec::new();
    for exhibit in full.exhibits.iter() {
        let Some(file) = &exhibit.file else { continue };
        let sha1 = bag.read_with(file, |reader| crate::hash::sha1_stream(reader));
        if let Some(Ok(sha1)) = sha1 {
            let name = file.rsplit('/').next().unwrap_or(file);
            let name = name
                .strip_prefix(&format!("{}-", exhibit.id))
                .unwrap_or(name);
            files.push((exhibit.id.clone(), name.to_string(), sha1));
        }
    }
    let case = full.into_case();
    Ok(SealedRecords { case, files })
}

/// Verifies the dossier at `path` and, only if it is intact, reads its `data/dossier.json`
/// whole (for `diff` and `build --supplements`): with the report, which names the bag and
/// gives its fingerprint.
pub fn read_intact(
    path: &Path,
    progress: &ProgressBar,
) -> Result<(VerifyReport, DossierJson<'static>)> {
    let (report, _, full) = open_intact(path, progress)?;
    Ok((report, full))
}

fn open_intact(
    path: &Path,
    progress: &ProgressBar,
) -> Result<(VerifyReport, Bag, DossierJson<'static>)> {
    let report = verify(path, None, progress)?;
    if !report.intact {
        return Err(Error::input(
            format!(
                "{} is not intact: it was not read ({})",
                path.display(),
                first_problems(&report)
            ),
            format!(
                "run `dossier verify {}` to see its problems",
                path.display()
            ),
        ));
    }
    let bag = Bag::open(path)?;
    let full: DossierJson = match bag.read_json("data/dossier.json") {
        Some(Ok(full)) => full,
        Some(Err(e)) => {
            return Err(Error::input(
                format!("{}: data/dossier.json cannot be read ({e})", path.display()),
                "the dossier may come from another version of dossier",
            ));
        }
        None => {
            return Err(Error::input(
                format!("{} has no data/dossier.json", path.display()),
                "give a dossier made by `dossier build`",
            ));
        }
    };
    Ok((report, bag, full))
}

/// The first few problems of a report that is not intact, in one line.
fn first_problems(report: &VerifyReport) -> String {
    let files = report
        .files
        .iter()
        .filter(|f| f.status != Status::Ok)
        .map(|f| {
            let status = match f.status {
                Status::Ok => "ok",
                Status::Failed => "FAILED (its hash differs)",
                Status::Missing => "missing",
                Status::Unexpected => "unexpected",
                Status::Unreadable => "unreadable",
            };
            format!("{}: {status}", f.path)
        });
    let others = report
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.place, p.message));
    let all: Vec<String> = files.chain(others).collect();
    let shown = all.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    match all.len() {
        0 => "a signature is not valid".to_string(),
        n if n > 3 => format!("{shown}; and {} more", n - 3),
        _ => shown,
    }
}
