//! `sign` and `signatures`: a signatory's statement and SSH signature, in a sealed dossier (zip
//! or folder) or detached beside it, and the lead merging detached signatures into the dossier.
//!
//! Owns where signatures go (`signatures/<org>.statement.txt` and `<org>.sig`, or the same two
//! files in a folder of the signer's choosing), what a signature must be to be added (for this
//! dossier, verifying against its own key, one per organisation, one lead) and that none of this
//! changes anything else: not `data/`, not the manifests, so not the fingerprint. The statement
//! format and the cryptography are `sshsig`'s; locking the dossier is the caller's.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indicatif::ProgressBar;
use serde::Serialize;
use ssh_key::{HashAlg, PrivateKey};

use crate::display::plural;
use crate::dossier::archive::{ZipIn, rewrite_zip};
use crate::dossier::bag::SIGNATURES_DIR;
use crate::dossier::signatures_folder;
use crate::dossier::sshsig::{self, Statement, Verdict, sign, slug};
use crate::dossier::verify::{Status, VerifyReport, read_signatures, verify};
use crate::error::{Error, Result};

/// A statement and a signature are a few hundred bytes: anything much larger is not one.
const SIGNATURE_FILE_LIMIT: u64 = 64 * 1024;

/// What `sign` did.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    pub dossier: PathBuf,
    pub statement: Statement,
    pub statement_file: String,
    pub signature_file: String,
    pub key_fingerprint: String,
}

/// Checks the organisation and role, verifies the dossier at `path` and writes the statement the
/// organisation signs. The dossier must verify intact: nobody should endorse damaged evidence.
fn statement_for(
    path: &Path,
    organisation: &str,
    role: &str,
    date: NaiveDate,
    progress: &ProgressBar,
) -> Result<Statement> {
    if !["lead", "co-signer"].contains(&role) {
        return Err(Error::input(
            format!("unknown role `{role}`"),
            "use --role lead or --role co-signer",
        ));
    }
    if organisation.trim().is_empty() {
        return Err(Error::input(
            "--org is empty",
            "give the organisation's name as in the case's signatories",
        ));
    }
    let report = verify(path, None, progress)?;
    require_intact(path, &report, "it was not signed")?;
    Ok(Statement {
        case: case_of(&report),
        dossier: report.bag.clone(),
        fingerprint: fingerprint_of(&report),
        organisation: organisation.trim().to_string(),
        role: role.to_string(),
        date: date.format("%Y-%m-%d").to_string(),
    })
}

/// Refuses a dossier whose files or tag files are not as sealed.
fn require_intact(path: &Path, report: &VerifyReport, outcome: &str) -> Result<()> {
    let damaged = report
        .files
        .iter()
        .filter(|f| f.status != Status::Ok)
        .count()
        + report.problems.len();
    if damaged == 0 {
        return Ok(());
    }
    Err(Error::input(
        format!(
            "{} is not intact ({damaged} problems): {outcome}",
            path.display()
        ),
        format!(
            "run `dossier verify {}` to see them; sign only a dossier that verifies",
            path.display()
        ),
    ))
}

/// The case id a statement for this dossier names (the bag's name if bag-info gives none).
fn case_of(report: &VerifyReport) -> String {
    report.case.clone().unwrap_or_else(|| report.bag.clone())
}

fn fingerprint_of(report: &VerifyReport) -> String {
    report
        .dossier_fingerprint
        .clone()
        .expect("an intact dossier has a manifest")
}

/// Signs the dossier at `path` for `organisation`, adding the signature to the dossier.
pub fn sign_dossier(
    path: &Path,
    key: &PrivateKey,
    organisation: &str,
    role: &str,
    date: NaiveDate,
    replace: bool,
    progress: &ProgressBar,
) -> Result<Signed> {
    recover_folder(path)?;
    let statement = statement_for(path, organisation, role, date, progress)?;
    let (statement_name, signature_name) = statement.file_names();
    let statement_file = format!("{SIGNATURES_DIR}{statement_name}");
    let signature_file = format!("{SIGNATURES_DIR}{signature_name}");
    let pem = sign(key, &statement)?;
    let text = statement.to_text();

    let already = |exists: bool| {
        if exists && !replace {
            Err(Error::input(
                format!(
                    "{} has already signed this dossier ({signature_file})",
                    statement.organisation
                ),
                "pass --replace to replace that organisation's own signature",
            ))
        } else {
            Ok(())
        }
    };
    if path.is_dir() {
        let dir = path.join(SIGNATURES_DIR);
        already(dir.join(&signature_name).exists() || dir.join(&statement_name).exists())?;
        let add = [
            (statement_name, text.clone().into_bytes()),
            (signature_name, pem.into_bytes()),
        ];
        signatures_folder::change(path, &[], &add, replace)?;
    } else {
        let prefix = format!("{}/", statement.dossier);
        let names = [
            format!("{prefix}{statement_file}"),
            format!("{prefix}{signature_file}"),
        ];
        let zip = ZipIn::open(path)?;
        already(
            zip.entries
                .iter()
                .any(|e| e.name.as_ref().is_some_and(|n| names.contains(n))),
        )?;
        drop(zip);
        let add = [
            (names[0].clone(), text.clone().into_bytes()),
            (names[1].clone(), pem.into_bytes()),
        ];
        rewrite_zip(path, |name| names.iter().any(|n| n == name), &add, date)?;
    }
    Ok(Signed {
        dossier: path.to_path_buf(),
        statement,
        statement_file,
        signature_file,
        key_fingerprint: key.public_key().fingerprint(HashAlg::Sha256).to_string(),
    })
}

/// Of an unpacked dossier, finishes or undoes a change of `signatures/` that a killed run left,
/// before the dossier is verified (its leftovers would be files the manifests do not name).
fn recover_folder(path: &Path) -> Result<()> {
    if path.is_dir() {
        signatures_folder::recover(path)?;
    }
    Ok(())
}

/// What `sign --detached` did: the two files it wrote, outside the dossier.
#[derive(Debug, Clone, Serialize)]
pub struct SignedDetached {
    pub dossier: PathBuf,
    pub statement: Statement,
    pub statement_file: PathBuf,
    pub signature_file: PathBuf,
    pub key_fingerprint: String,
}

/// Signs the dossier at `path` for `organisation` without touching it: writes
/// `<org>.statement.txt` and `<org>.sig` into the folder `out` (made if missing), for the lead to
/// add with `signatures add`. Existing files there are replaced only with `replace`; both files
/// are written or neither.
#[allow(clippy::too_many_arguments)]
pub fn sign_detached(
    path: &Path,
    key: &PrivateKey,
    organisation: &str,
    role: &str,
    date: NaiveDate,
    out: &Path,
    replace: bool,
    progress: &ProgressBar,
) -> Result<SignedDetached> {
    refuse_inside(path, out)?;
    let statement = statement_for(path, organisation, role, date, progress)?;
    let (statement_name, signature_name) = statement.file_names();
    let pem = sign(key, &statement)?;
    let files = [
        (statement_name, statement.to_text().into_bytes()),
        (signature_name, pem.into_bytes()),
    ];
    let placed = place_files(out, &files, replace)?;
    Ok(SignedDetached {
        dossier: path.to_path_buf(),
        statement,
        statement_file: placed[0].clone(),
        signature_file: placed[1].clone(),
        key_fingerprint: key.public_key().fingerprint(HashAlg::Sha256).to_string(),
    })
}

/// Refuses an output folder inside an unpacked dossier: a file there would be one the manifest
/// does not name.
fn refuse_inside(dossier: &Path, out: &Path) -> Result<()> {
    if !dossier.is_dir() {
        return Ok(());
    }
    let (Ok(dossier), Some(out)) = (dossier.canonicalize(), existing_ancestor(out)) else {
        return Ok(());
    };
    if out.starts_with(&dossier) {
        return Err(Error::input(
            format!(
                "--out {} is inside the dossier {}: a detached signature is written outside it",
                out.display(),
                dossier.display()
            ),
            "give --out a folder outside the dossier (default: the current folder), or sign \
             without --detached to add the signature to the dossier itself",
        ));
    }
    Ok(())
}

/// The nearest folder at or above `path` that exists, resolved.
fn existing_ancestor(path: &Path) -> Option<PathBuf> {
    path.ancestors().find_map(|p| p.canonicalize().ok())
}

/// Writes `files` (name, bytes) into the folder `dir` (made if missing): each into a temporary
/// file first, then all renamed into place, so a failure leaves neither half nor temporary files
/// behind. An existing file is an error unless `replace`.
fn place_files(dir: &Path, files: &[(String, Vec<u8>)], replace: bool) -> Result<Vec<PathBuf>> {
    let targets: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    if !replace && let Some(existing) = targets.iter().find(|t| t.exists()) {
        return Err(already_there(existing));
    }
    let made = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let placed = write_and_rename(dir, files, &targets, replace);
    if placed.is_err() && made {
        let _ = std::fs::remove_dir(dir);
    }
    placed
}

fn already_there(path: &Path) -> Error {
    Error::input(
        format!("{} already exists", path.display()),
        "pass --replace to replace it, or give another folder with --out DIR",
    )
}

fn write_and_rename(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    targets: &[PathBuf],
    replace: bool,
) -> Result<Vec<PathBuf>> {
    let mut temps = Vec::new();
    for (_, bytes) in files {
        let temp = crate::disk::create_tracked(
            || {
                tempfile::Builder::new()
                    .prefix(".dossier-")
                    .suffix(".part")
                    .tempfile_in(dir)
            },
            |t| t.path(),
        )
        .map_err(|e| Error::io("create a file in", dir, e))?;
        let written = temp
            .as_file()
            .write_all(bytes)
            .and_then(|()| temp.as_file().sync_all());
        let temp_path = temp.path().to_path_buf();
        temps.push(temp);
        written.map_err(|e| Error::io("write", &temp_path, e))?;
        std::fs::set_permissions(&temp_path, crate::disk::default_permissions())
            .map_err(|e| Error::io("set the permissions of", &temp_path, e))?;
    }
    crate::disk::critical(|| {
        let mut placed: Vec<PathBuf> = Vec::new();
        for (temp, target) in temps.into_iter().zip(targets) {
            let temp_path = temp.path().to_path_buf();
            let persisted = if replace {
                temp.persist(target).map(|_| ())
            } else {
                temp.persist_noclobber(target).map(|_| ())
            };
            crate::disk::untrack(&temp_path);
            if let Err(e) = persisted {
                // Both files or neither: what was already put in place is taken back.
                for done in &placed {
                    let _ = std::fs::remove_file(done);
                }
                return Err(match e.error.kind() {
                    std::io::ErrorKind::AlreadyExists => already_there(target),
                    _ => Error::io("write", target, e.error),
                });
            }
            placed.push(target.clone());
        }
        Ok(placed)
    })
}

/// One detached signature accepted for adding.
#[derive(Debug, Clone, Serialize)]
pub struct AddedSignature {
    pub organisation: String,
    pub role: String,
    pub date: String,
    pub key_fingerprint: String,
    /// The `.sig` file it came from.
    pub from: PathBuf,
    /// Where it went in the dossier.
    pub statement_file: String,
    pub signature_file: String,
}

/// What `signatures add` did.
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub dossier: PathBuf,
    pub dossier_fingerprint: String,
    pub added: Vec<AddedSignature>,
    /// How many signatures the dossier carries now.
    pub signatures: usize,
}

/// A detached signature found among the files given: the `.sig` and its statement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SignatureFiles {
    signature: PathBuf,
    statement: PathBuf,
}

/// A detached signature read, checked and ready to be added.
struct Incoming {
    files: SignatureFiles,
    statement: Statement,
    statement_bytes: Vec<u8>,
    signature_bytes: Vec<u8>,
    key_fingerprint: String,
}

/// Adds the detached signatures `given` (`.sig` files with their `.statement.txt` beside them,
/// or folders of them) to the dossier at `path`, all in one rewrite of the zip, or none: each
/// must sign this dossier's case and fingerprint and verify against its own key; an organisation
/// that already signed, one that signs twice among the files and a second lead are refused. The
/// dossier must verify intact first.
pub fn add_signatures(path: &Path, given: &[PathBuf], progress: &ProgressBar) -> Result<Added> {
    recover_folder(path)?;
    let report = verify(path, None, progress)?;
    require_intact(path, &report, "no signature was added")?;
    let fingerprint = fingerprint_of(&report);
    let case = case_of(&report);
    let mut refused = Vec::new();
    let mut incoming = Vec::new();
    for files in find_signature_files(given, &mut refused) {
        match read_incoming(&files, &fingerprint, &case) {
            Ok(signature) => incoming.push(signature),
            Err(why) => refused.push(format!("{}: {why}", files.signature.display())),
        }
    }
    refused.extend(duplicates(path, &report, &incoming));
    refused.extend(second_leads(&report, &incoming));
    if !refused.is_empty() {
        return Err(Error::input(
            format!(
                "nothing was added to {}: {}\n  {}",
                path.display(),
                plural(refused.len(), "problem"),
                refused.join("\n  ")
            ),
            "leave out or replace the files named (ask the organisation to sign again with \
             `dossier sign DOSSIER --detached`), then run the same command again",
        ));
    }
    if incoming.is_empty() {
        return Err(Error::input(
            "no signature files were given",
            "name the .sig files (each with its .statement.txt beside it), or a folder of them",
        ));
    }
    write_signatures(path, &report.bag, &incoming)?;
    let added = incoming
        .iter()
        .map(|i| {
            let (statement_name, signature_name) = i.statement.file_names();
            AddedSignature {
                organisation: i.statement.organisation.clone(),
                role: i.statement.role.clone(),
                date: i.statement.date.clone(),
                key_fingerprint: i.key_fingerprint.clone(),
                from: i.files.signature.clone(),
                statement_file: format!("{SIGNATURES_DIR}{statement_name}"),
                signature_file: format!("{SIGNATURES_DIR}{signature_name}"),
            }
        })
        .collect();
    Ok(Added {
        dossier: path.to_path_buf(),
        dossier_fingerprint: fingerprint,
        added,
        signatures: report.signatures.len() + incoming.len(),
    })
}

/// The detached signatures among `given`, sorted; what cannot be one is pushed to `refused`.
/// A `.sig` goes with the `.statement.txt` of the same name; `X.statement.txt.sig` (as stock
/// `ssh-keygen -Y sign` names it) with `X.statement.txt`. A folder gives every `.sig` in it.
fn find_signature_files(given: &[PathBuf], refused: &mut Vec<String>) -> Vec<SignatureFiles> {
    let mut found = Vec::new();
    for path in given {
        if path.is_dir() {
            let before = found.len();
            let mut names: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
                Err(e) => {
                    refused.push(format!("{}: cannot read the folder ({e})", path.display()));
                    continue;
                }
            };
            names.sort();
            for file in &names {
                let name = file.to_string_lossy();
                if name.ends_with(".sig") {
                    found.push(pair_of_signature(file));
                } else if name.ends_with(".statement.txt")
                    && !names.iter().any(|n| {
                        n.to_string_lossy().ends_with(".sig")
                            && pair_of_signature(n).statement == *file
                    })
                {
                    refused.push(format!(
                        "{}: a statement with no signature beside it (expected {})",
                        file.display(),
                        with_suffix(file, ".sig", ".statement.txt").display()
                    ));
                }
            }
            if found.len() == before {
                refused.push(format!(
                    "{}: the folder holds no signature (.sig file)",
                    path.display()
                ));
            }
        } else if path.to_string_lossy().ends_with(".sig") {
            found.push(pair_of_signature(path));
        } else if path.to_string_lossy().ends_with(".statement.txt") {
            let plain = with_suffix(path, ".sig", ".statement.txt");
            let signature = if plain.exists() {
                plain
            } else {
                PathBuf::from(format!("{}.sig", path.display()))
            };
            found.push(SignatureFiles {
                signature,
                statement: path.clone(),
            });
        } else if !path.exists() {
            refused.push(format!("{}: no such file or folder", path.display()));
        } else {
            refused.push(format!(
                "{}: not a signature: give the .sig files (each with its .statement.txt beside \
                 it) or a folder of them",
                path.display()
            ));
        }
    }
    found.sort();
    // One file named twice (a file and its folder) is one signature.
    found.dedup_by(|a, b| {
        a == b
            || a.signature
                .canonicalize()
                .is_ok_and(|p| b.signature.canonicalize().is_ok_and(|q| p == q))
    });
    found
}

/// `X.sig` -> `X.statement.txt`; `X.statement.txt.sig` -> `X.statement.txt`.
fn pair_of_signature(signature: &Path) -> SignatureFiles {
    let text = signature.to_string_lossy();
    let stem = text.strip_suffix(".sig").unwrap_or(&text);
    let statement = if stem.ends_with(".statement.txt") {
        PathBuf::from(stem)
    } else {
        PathBuf::from(format!("{stem}.statement.txt"))
    };
    SignatureFiles {
        signature: signature.to_path_buf(),
        statement,
    }
}

/// `path` with its suffix `old` replaced by `new`.
fn with_suffix(path: &Path, new: &str, old: &str) -> PathBuf {
    let text = path.to_string_lossy();
    PathBuf::from(format!("{}{new}", text.strip_suffix(old).unwrap_or(&text)))
}

/// Reads a small file, refusing one too large to be a statement or a signature.
fn read_small(path: &Path) -> std::result::Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{} is missing", path.display()),
        _ => format!("cannot read {} ({e})", path.display()),
    })?;
    let mut bytes = Vec::new();
    file.take(SIGNATURE_FILE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {} ({e})", path.display()))?;
    if bytes.len() as u64 > SIGNATURE_FILE_LIMIT {
        return Err(format!(
            "{} is larger than {SIGNATURE_FILE_LIMIT} bytes: not a statement or signature",
            path.display()
        ));
    }
    Ok(bytes)
}

/// Reads one detached signature and checks it against this dossier and its own key.
fn read_incoming(
    files: &SignatureFiles,
    fingerprint: &str,
    case: &str,
) -> std::result::Result<Incoming, String> {
    let statement_bytes = read_small(&files.statement)?;
    let signature_bytes = read_small(&files.signature)?;
    let Some(statement) = std::str::from_utf8(&statement_bytes)
        .ok()
        .and_then(Statement::parse)
    else {
        return Err(format!(
            "{} is not a dossier signature statement (its first lines must be `Dossier \
             signature statement`, then Case, Dossier, Dossier-Fingerprint, Organisation, Role, \
             Date: see docs/dossier-format.md)",
            files.statement.display()
        ));
    };
    let check = sshsig::check(
        &files.signature.to_string_lossy(),
        &statement_bytes,
        &signature_bytes,
        fingerprint,
        None,
    );
    match check.verdict {
        Verdict::Unverified => {}
        Verdict::OtherDossier => {
            return Err(format!(
                "{} signs the dossier fingerprint {}, not this dossier's ({fingerprint}): it was \
                 made for another dossier (another build or date)",
                statement.organisation, statement.fingerprint
            ));
        }
        _ => {
            return Err(format!(
                "the signature does not verify against its own key over {}: {}",
                files.statement.display(),
                check.detail
            ));
        }
    }
    if statement.case != case {
        return Err(format!(
            "the statement names the case `{}`, not this dossier's case `{case}`",
            statement.case
        ));
    }
    if !["lead", "co-signer"].contains(&statement.role.as_str()) {
        return Err(format!(
            "the statement gives the role `{}`; a signatory is lead or co-signer",
            statement.role
        ));
    }
    Ok(Incoming {
        files: files.clone(),
        key_fingerprint: check.key_fingerprint.unwrap_or_default(),
        statement,
        statement_bytes,
        signature_bytes,
    })
}

/// The stem of a file under `signatures/`: `signatures/x.sig` -> `x`.
fn stem_of(file: &str) -> &str {
    let name = file.strip_prefix(SIGNATURES_DIR).unwrap_or(file);
    name.strip_suffix(".sig")
        .or_else(|| name.strip_suffix(".statement.txt"))
        .unwrap_or(name)
}

/// Organisations that already signed the dossier, or sign twice among the files.
fn duplicates(path: &Path, report: &VerifyReport, incoming: &[Incoming]) -> Vec<String> {
    let mut signed: BTreeMap<String, String> = BTreeMap::new();
    for s in &report.signatures {
        signed.insert(stem_of(&s.file).to_string(), s.file.clone());
        if let Some(organisation) = &s.organisation {
            signed.insert(slug(organisation), s.file.clone());
        }
    }
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    let mut refused = Vec::new();
    for i in incoming {
        let organisation = &i.statement.organisation;
        let principal = slug(organisation);
        let file = i.files.signature.display();
        if let Some(there) = signed.get(&principal) {
            refused.push(format!(
                "{file}: {organisation} has already signed this dossier ({there}); to replace \
                 that signature, first run `dossier signatures remove {} --org \"{organisation}\"`",
                path.display()
            ));
        } else if let Some(first) = seen.get(&principal) {
            refused.push(format!(
                "{file}: {organisation} (principal {principal}) signs twice: here and in {}; \
                 give one of the two",
                first.display()
            ));
        } else {
            seen.insert(principal, &i.files.signature);
        }
    }
    refused
}

/// Signatures that would make a second lead.
fn second_leads(report: &VerifyReport, incoming: &[Incoming]) -> Vec<String> {
    let leads: Vec<&Incoming> = incoming
        .iter()
        .filter(|i| i.statement.role == "lead")
        .collect();
    let existing: Vec<&str> = report
        .signatures
        .iter()
        .filter(|s| s.role.as_deref() == Some("lead"))
        .map(|s| s.organisation.as_deref().unwrap_or("?"))
        .collect();
    // The lead's own signature sent again is refused as a duplicate, not as a second lead.
    let leads: Vec<&Incoming> = leads
        .into_iter()
        .filter(|i| {
            let principal = slug(&i.statement.organisation);
            !existing.iter().any(|e| slug(e) == principal)
        })
        .collect();
    let fix = "a dossier has one lead: the others sign again with --role co-signer";
    if let Some(lead) = existing.first() {
        return leads
            .iter()
            .map(|i| {
                format!(
                    "{}: {} signs as lead, but {lead} already signed this dossier as lead; {fix}",
                    i.files.signature.display(),
                    i.statement.organisation
                )
            })
            .collect();
    }
    if leads.len() < 2 {
        return Vec::new();
    }
    leads
        .iter()
        .map(|i| {
            let others: Vec<&str> = leads
                .iter()
                .filter(|o| o.files != i.files)
                .map(|o| o.statement.organisation.as_str())
                .collect();
            format!(
                "{}: {} signs as lead, and so does {}; {fix}",
                i.files.signature.display(),
                i.statement.organisation,
                crate::display::and_list(&others)
            )
        })
        .collect()
}

/// Puts the signatures into the dossier: one rewrite of a zip, or the files of a folder.
fn write_signatures(path: &Path, bag: &str, incoming: &[Incoming]) -> Result<()> {
    let mut files = Vec::new();
    for i in incoming {
        let (statement_name, signature_name) = i.statement.file_names();
        files.push((statement_name, i.statement_bytes.clone()));
        files.push((signature_name, i.signature_bytes.clone()));
    }
    if path.is_dir() {
        return signatures_folder::change(path, &[], &files, false);
    }
    // The entries' time: the latest statement date, so that the same files give the same zip.
    let date = incoming
        .iter()
        .filter_map(|i| NaiveDate::parse_from_str(&i.statement.date, "%Y-%m-%d").ok())
        .max()
        .or(NaiveDate::from_ymd_opt(1980, 1, 1))
        .expect("a valid date");
    let add: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(name, bytes)| (format!("{bag}/{SIGNATURES_DIR}{name}"), bytes))
        .collect();
    rewrite_zip(path, |_| false, &add, date)
}

/// What `signatures remove` took out of the dossier.
#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub dossier: PathBuf,
    pub organisation: String,
    pub role: Option<String>,
    pub date: Option<String>,
    pub key_fingerprint: Option<String>,
    /// The files removed, under `signatures/`.
    pub files: Vec<String>,
    /// Unchanged by the removal: the SHA-256 of manifest-sha256.txt.
    pub dossier_fingerprint: Option<String>,
}

/// Removes `organisation`'s signature (its statement and `.sig`) from the dossier at `path`, in
/// one rewrite of a zip. `organisation` is matched as a principal: by name or by `<org>`.
pub fn remove_signature(path: &Path, organisation: &str, date: NaiveDate) -> Result<Removed> {
    recover_folder(path)?;
    let listing = read_signatures(path, None)?;
    let wanted = slug(organisation);
    let found = listing.signatures.iter().find(|s| {
        stem_of(&s.file) == wanted || s.organisation.as_deref().map(slug) == Some(wanted.clone())
    });
    let mut stems = vec![wanted.clone()];
    if let Some(found) = found {
        stems.push(stem_of(&found.file).to_string());
    }
    let files: Vec<String> = listing
        .files
        .iter()
        .filter(|f| stems.iter().any(|s| s == stem_of(f)))
        .cloned()
        .collect();
    if files.is_empty() {
        let mut names: Vec<String> = listing
            .signatures
            .iter()
            .map(|s| format!("\"{}\"", s.organisation.as_deref().unwrap_or(&s.file)))
            .collect();
        names.sort();
        return Err(Error::input(
            format!(
                "{} carries no signature of {organisation}{}",
                path.display(),
                if names.is_empty() {
                    ": it carries no signature at all".to_string()
                } else {
                    format!("; it carries the signatures of {}", names.join(", "))
                }
            ),
            format!(
                "give --org as `dossier signatures list {}` shows it",
                path.display()
            ),
        ));
    }
    if path.is_dir() {
        let names: Vec<String> = files
            .iter()
            .map(|f| f.trim_start_matches(SIGNATURES_DIR).to_string())
            .collect();
        signatures_folder::change(path, &names, &[], false)?;
    } else {
        let names: Vec<String> = files
            .iter()
            .map(|f| format!("{}/{f}", listing.bag))
            .collect();
        rewrite_zip(path, |name| names.iter().any(|n| n == name), &[], date)?;
    }
    Ok(Removed {
        dossier: path.to_path_buf(),
        organisation: found
            .and_then(|f| f.organisation.clone())
            .unwrap_or_else(|| organisation.to_string()),
        role: found.and_then(|f| f.role.clone()),
        date: found.and_then(|f| f.date.clone()),
        key_fingerprint: found.and_then(|f| f.key_fingerprint.clone()),
        files,
        dossier_fingerprint: listing.dossier_fingerprint,
    })
}

/// The organisations that signed the dossier at `path` (zip or folder): from each statement,
/// else from the file name. Empty if it carries no signatures, or is not a readable dossier.
pub fn signers(path: &Path) -> Vec<String> {
    let mut found: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    if path.is_dir() {
        let dir = path.join(SIGNATURES_DIR);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = name
                .ends_with(".statement.txt")
                .then(|| std::fs::read(entry.path()).ok())
                .flatten();
            found.push((name, bytes));
        }
    } else if let Ok(mut zip) = ZipIn::open(path) {
        let entries: Vec<(usize, String, u64)> = zip
            .entries
            .iter()
            .filter(|e| !e.is_dir)
            .filter_map(|e| {
                let (_, rest) = e.shown.split_once('/')?;
                let name = rest.strip_prefix(SIGNATURES_DIR)?;
                Some((e.index, name.to_string(), e.size))
            })
            .collect();
        for (index, name, size) in entries {
            // A statement is a few lines: a larger entry is named by its file name only.
            let bytes = (name.ends_with(".statement.txt") && size < 64 * 1024 && zip.safe)
                .then(|| {
                    zip.read_with(index, size, |r| {
                        let mut bytes = Vec::new();
                        r.read_to_end(&mut bytes).map(|_| bytes)
                    })
                    .ok()
                })
                .flatten();
            found.push((name, bytes));
        }
    }
    // A statement and its signature name one organisation once: keyed by its file stem.
    let mut names = std::collections::BTreeMap::new();
    for (file, bytes) in found {
        let stem = file
            .trim_end_matches(".sig")
            .trim_end_matches(".statement.txt");
        let statement = bytes
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| Statement::parse(&t));
        if let Some(s) = statement {
            names.insert(stem.to_string(), s.organisation);
        } else {
            names
                .entry(stem.to_string())
                .or_insert_with(|| stem.to_string());
        }
    }
    let mut names: Vec<String> = names.into_values().collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_finds_its_statement_by_either_name() {
        let ours = pair_of_signature(Path::new("in/nap.sig"));
        assert_eq!(ours.statement, Path::new("in/nap.statement.txt"));
        let stock = pair_of_signature(Path::new("in/nap.statement.txt.sig"));
        assert_eq!(stock.statement, Path::new("in/nap.statement.txt"));
        assert_eq!(stem_of("signatures/nap.statement.txt"), "nap");
        assert_eq!(stem_of("signatures/nap.sig"), "nap");
    }

    #[test]
    fn detached_files_are_both_written_or_neither() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        let files = [
            ("a.statement.txt".to_string(), b"a".to_vec()),
            ("a.sig".to_string(), b"b".to_vec()),
        ];
        place_files(&out, &files, false).unwrap();
        assert_eq!(std::fs::read(out.join("a.sig")).unwrap(), b"b");
        // The second exists: neither is written, and no temporary file is left.
        std::fs::remove_file(out.join("a.statement.txt")).unwrap();
        let err = place_files(&out, &files, false).unwrap_err().to_string();
        assert!(
            err.contains("already exists") && err.contains("--replace"),
            "{err}"
        );
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "{left:?}");
        place_files(&out, &files, true).unwrap();
        assert_eq!(std::fs::read(out.join("a.statement.txt")).unwrap(), b"a");
    }
}
