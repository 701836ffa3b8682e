//! `timestamp`: asks a timestamping authority (TSA) to attest that a dossier existed, and stores
//! its answer in the dossier.
//!
//! Owns where timestamps go (`timestamps/<time>-<serial>.tsr`, each the TimeStampResp exactly as
//! the TSA sent it, so that `openssl ts -verify -in` reads it as it is) and when one is accepted:
//! granted, and over this dossier's fingerprint. Like signatures, timestamps sit outside `data/`
//! and outside the manifests: adding one never changes the fingerprint it attests. The RFC 3161
//! format and the signature check are `tsp`'s.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::dossier::archive::{ZipIn, rewrite_zip};
use crate::dossier::bag::TIMESTAMPS_DIR;
use crate::dossier::tsp::{self, Token};
use crate::dossier::verify::{Problem, Status, VerifyReport, verify};
use crate::error::{Error, Result};

/// A TSA's response is a few kilobytes; anything much larger is not one.
const RESPONSE_LIMIT: u64 = 1024 * 1024;

/// What `timestamp request` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Requested {
    pub dossier: PathBuf,
    pub fingerprint: String,
    pub request: PathBuf,
    /// The request's nonce, in hex: the TSA's answer must carry it back.
    pub nonce: String,
}

/// What `timestamp add` stored.
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub dossier: PathBuf,
    /// Where the token is in the dossier.
    pub file: String,
    pub fingerprint: String,
    #[serde(flatten)]
    pub token: Token,
}

/// The fingerprint of the dossier at `path`, which must verify intact: nobody should have a
/// damaged dossier timestamped, nor store a timestamp in one.
fn intact_fingerprint(path: &Path, doing: &str, progress: &ProgressBar) -> Result<String> {
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
                "{} is not intact ({damaged} problems): {doing}",
                path.display()
            ),
            format!(
                "run `dossier verify {}` to see them; timestamp only a dossier that verifies",
                path.display()
            ),
        ));
    }
    Ok(report
        .dossier_fingerprint
        .expect("an intact dossier has a manifest"))
}

/// Writes a TimeStampReq for the dossier at `path` to `out`: its imprint is the dossier's
/// fingerprint, with a random nonce and certReq set.
pub fn request_timestamp(path: &Path, out: &Path, progress: &ProgressBar) -> Result<Requested> {
    let fingerprint = intact_fingerprint(path, "no timestamp was requested", progress)?;
    let digest: [u8; 32] = hex_bytes(&fingerprint)
        .and_then(|b| b.try_into().ok())
        .expect("a fingerprint is 64 hex digits");
    let (der, nonce) = tsp::request(&digest)
        .map_err(|why| Error::input(format!("cannot make the request: {why}"), "try again"))?;
    crate::disk::write_atomically(out, &der)?;
    Ok(Requested {
        dossier: path.to_path_buf(),
        fingerprint,
        request: out.to_path_buf(),
        nonce: crate::hash::to_hex(&nonce),
    })
}

/// Stores the TSA's response `response_file` in the dossier at `path`, once it is known to be a
/// granted timestamp of this dossier's fingerprint (and, if the request it answers lies beside it
/// with the same name and `.tsq`, to carry that request's nonce). Atomic: the zip or the
/// folder gains the file, or nothing changes.
pub fn add_timestamp(path: &Path, response_file: &Path, progress: &ProgressBar) -> Result<Added> {
    let shown = response_file.display();
    let bytes = read_limited(response_file)?;
    let not_response = |why: String| {
        Error::input(
            format!("{shown} is not a timestamp response: {why}"),
            "give the .tsr file the timestamping authority sent back for the request `dossier timestamp request` wrote",
        )
    };
    let response = tsp::read_response(&bytes).map_err(not_response)?;
    if !response.granted() {
        return Err(Error::input(
            format!(
                "{shown}: the timestamping authority did not grant the timestamp (status {}{})",
                response.status,
                if response.status_text.is_empty() {
                    String::new()
                } else {
                    format!(": {}", response.status_text)
                }
            ),
            "send the request again, or to another authority; nothing was added",
        ));
    }
    let token = response.token.expect("a granted response has a token");
    let fingerprint = intact_fingerprint(path, "no timestamp was added", progress)?;
    if token.imprint_algorithm != "sha256" || token.imprint != fingerprint {
        return Err(Error::input(
            format!(
                "{shown} timestamps {} {}, not the fingerprint of {} ({fingerprint}): it answers a request for another dossier, or another version of this one",
                token.imprint_algorithm,
                token.imprint,
                path.display()
            ),
            format!(
                "run `dossier timestamp request {}` and send that request to the authority; nothing was added",
                path.display()
            ),
        ));
    }
    check_nonce(response_file, &token)?;
    let stamp = DateTime::from_timestamp(token.unix_time as i64, 0).unwrap_or_default();
    let serial: String = token.serial.chars().take(16).collect();
    let name = format!("{}-{serial}.tsr", stamp.format("%Y%m%dT%H%M%SZ"));
    let file = format!("{TIMESTAMPS_DIR}{name}");
    let already = |exists: bool| {
        if exists {
            Err(Error::input(
                format!("{} already holds this timestamp ({file})", path.display()),
                "nothing to do: each timestamp is stored once",
            ))
        } else {
            Ok(())
        }
    };
    if path.is_dir() {
        let dir = path.join(TIMESTAMPS_DIR);
        already(dir.join(&name).exists())?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create the folder", &dir, e))?;
        crate::disk::write_atomically(&dir.join(&name), &bytes)?;
    } else {
        let bag = bag_name(path)?;
        let entry = format!("{bag}/{file}");
        let zip = ZipIn::open(path)?;
        already(
            zip.entries
                .iter()
                .any(|e| e.name.as_deref() == Some(entry.as_str())),
        )?;
        drop(zip);
        rewrite_zip(
            path,
            |n| n == entry,
            &[(entry.clone(), bytes)],
            stamp.date_naive(),
        )?;
    }
    Ok(Added {
        dossier: path.to_path_buf(),
        file,
        fingerprint,
        token,
    })
}

/// The bag folder's name inside the zip: the top folder holding bagit.txt.
fn bag_name(path: &Path) -> Result<String> {
    let zip = ZipIn::open(path)?;
    zip.entries
        .iter()
        .filter_map(|e| e.name.as_deref()?.strip_suffix("/bagit.txt"))
        .find(|root| !root.contains('/'))
        .map(str::to_string)
        .ok_or_else(|| {
            Error::input(
                format!("{} is not a dossier: it has no bagit.txt", path.display()),
                "give the dossier's .zip",
            )
        })
}

/// If the request this response answers is beside it (`F.tsq` for `F.tsr`), the response must
/// carry its nonce: else it answers another request.
fn check_nonce(response_file: &Path, token: &Token) -> Result<()> {
    let request_file = response_file.with_extension("tsq");
    let Ok(request) = std::fs::read(&request_file) else {
        return Ok(());
    };
    let Some(nonce) = tsp::request_nonce(&request) else {
        return Ok(());
    };
    if token.nonce.as_deref() != Some(nonce.as_slice()) {
        return Err(Error::input(
            format!(
                "{} does not answer {}: its nonce differs",
                response_file.display(),
                request_file.display()
            ),
            "give the response to the request beside it, or move the other request away; nothing was added",
        ));
    }
    Ok(())
}

fn read_limited(file: &Path) -> Result<Vec<u8>> {
    let handle = std::fs::File::open(file).map_err(|e| Error::io("open", file, e))?;
    let mut bytes = Vec::new();
    handle
        .take(RESPONSE_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", file, e))?;
    Ok(bytes)
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Reads the PEM CA file given to `verify --tsa-ca`.
pub fn read_tsa_ca(file: &Path) -> Result<Vec<x509_cert::Certificate>> {
    let bytes = read_limited(file)?;
    tsp::read_ca_file(&bytes).map_err(|why| {
        Error::input(
            format!("--tsa-ca {}: {why}", file.display()),
            "give the timestamping authority's CA certificate(s) in PEM (-----BEGIN CERTIFICATE-----), as the authority publishes them",
        )
    })
}

/// Checks every timestamp's signature and chain against `cas` (verify --tsa-ca): an invalid one
/// is a problem, and the dossier is then not intact.
pub fn check_timestamp_signatures(report: &mut VerifyReport, cas: &[x509_cert::Certificate]) {
    for check in &mut report.timestamps {
        if let Some(why) = check.check_with(cas) {
            report.problems.push(Problem {
                place: check.file.clone(),
                message: format!("the timestamp's signature is not valid: {why}"),
            });
            report.intact = false;
        }
    }
}
