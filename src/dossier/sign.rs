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
