//! `sign`: adds a signatory's statement and SSH signature to a sealed dossier, zip or folder.
//!
//! Owns where the signature goes (`signatures/<org>.statement.txt` and `<org>.sig`) and that
//! signing changes nothing else: not `data/`, not the manifests, so not the fingerprint. The
//! statement format and the cryptography are `signature`'s.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indicatif::ProgressBar;
use serde::Serialize;
use ssh_key::{HashAlg, PrivateKey};

use crate::dossier::archive::{ZipIn, rewrite_zip};
use crate::dossier::bag::SIGNATURES_DIR;
use crate::dossier::sshsig::{Statement, sign};
use crate::dossier::verify::{Status, verify};
use crate::error::{Error, Result};

/// What `sign` did.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    pub dossier: PathBuf,
    pub statement: Statement,
    pub statement_file: String,
    pub signature_file: String,
    pub key_fingerprint: String,
}

/// Signs the dossier at `path` for `organisation`. The dossier must verify intact first: nobody
/// should endorse damaged evidence.
pub fn sign_dossier(
    path: &Path,
    key: &PrivateKey,
    organisation: &str,
    role: &str,
    date: NaiveDate,
    replace: bool,
    progress: &ProgressBar,
) -> Result<Signed> {
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
    let damaged = report
        .files
        .iter()
        .filter(|f| f.status != Status::Ok)
        .count()
        + report.problems.len();
    if damaged > 0 {
        return Err(Error::input(
            format!(
                "{} is not intact ({damaged} problems): it was not signed",
                path.display()
            ),
            format!(
                "run `dossier verify {}` to see them; sign only a dossier that verifies",
                path.display()
            ),
        ));
    }
    let fingerprint = report
        .dossier_fingerprint
        .clone()
        .expect("an intact dossier has a manifest");
    let statement = Statement {
        case: report.case.clone().unwrap_or_else(|| report.bag.clone()),
        dossier: report.bag.clone(),
        fingerprint,
        organisation: organisation.trim().to_string(),
        role: role.to_string(),
        date: date.format("%Y-%m-%d").to_string(),
    };
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
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create the folder", &dir, e))?;
        crate::disk::write_atomically(&dir.join(&statement_name), text.as_bytes())?;
        crate::disk::write_atomically(&dir.join(&signature_name), pem.as_bytes())?;
    } else {
        let prefix = format!("{}/", report.bag);
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
