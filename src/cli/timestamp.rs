//! `dossier timestamp request|add`: ask a timestamping authority to attest a dossier's
//! fingerprint, and store its answer in the dossier.

use std::path::Path;

use crate::cli::args::{TimestampAddArgs, TimestampRequestArgs};
use crate::dossier::timestamp::{add_timestamp, request_timestamp};
use crate::dossier::tsp::SignatureVerdict;
use crate::dossier::verify::VerifyReport;
use crate::error::Result;

use super::{Outcome, Output, progress_bar};

pub fn request(root: &Path, args: TimestampRequestArgs, out: &mut Output) -> Result<Outcome> {
    let dossier = root.join(&args.path);
    // X.zip -> X.tsq, an unpacked folder X -> X.tsq beside it.
    let target = match &args.out {
        Some(file) => root.join(file),
        None => dossier.with_extension("tsq"),
    };
    let progress = progress_bar();
    progress.set_message("verifying before requesting a timestamp");
    let requested = request_timestamp(&dossier, &target, &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&requested)?;
        return Ok(Outcome::Clean);
    }
    let tsq = requested.request.display();
    out.line(format!("wrote {tsq}"))?;
    out.line(format!(
        "  dossier fingerprint  {} (sha256)",
        requested.fingerprint
    ))?;
    out.line(format!("  nonce                {}", requested.nonce))?;
    out.line("send it to a timestamping authority (TSA), for example:")?;
    out.line(format!(
        "  curl -H 'Content-Type: application/timestamp-query' --data-binary @{tsq} https://freetsa.org/tsr -o {}",
        requested.request.with_extension("tsr").display()
    ))?;
    out.line(format!(
        "then: dossier timestamp add {} {}",
        args.path.display(),
        requested.request.with_extension("tsr").display()
    ))?;
    Ok(Outcome::Clean)
}

pub fn add(root: &Path, args: TimestampAddArgs, out: &mut Output) -> Result<Outcome> {
    let dossier = root.join(&args.path);
    // The same lock `sign` takes: two rewrites at once would each start from the other's.
    let _lock = super::lock_dossier(&dossier)?;
    let progress = progress_bar();
    progress.set_message("verifying before adding the timestamp");
    let added = add_timestamp(&dossier, &root.join(&args.response), &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&added)?;
        return Ok(Outcome::Clean);
    }
    out.line(format!(
        "added the timestamp of {} to {}",
        added.token.time,
        added.dossier.display()
    ))?;
    out.line(format!("  by                   {}", added.token.tsa))?;
    out.line(format!(
        "  dossier fingerprint  {} (the token's imprint)",
        added.fingerprint
    ))?;
    out.line(format!("  wrote {}", added.file))?;
    out.line(format!(
        "check its signature: dossier verify {} --tsa-ca TSA-CA.pem",
        args.path.display()
    ))?;
    Ok(Outcome::Clean)
}

/// `verify`'s lines on the dossier's timestamps: when, by whom, whether the imprint is the
/// dossier's fingerprint, whether the signature was checked (and how to check it if not).
pub fn write_timestamps(
    out: &mut dyn std::io::Write,
    report: &VerifyReport,
    quiet: bool,
) -> std::io::Result<()> {
    let fingerprint = report
        .dossier_fingerprint
        .as_deref()
        .unwrap_or("FINGERPRINT");
    for check in &report.timestamps {
        let fine = check.imprint_matches && check.signature != SignatureVerdict::Invalid;
        if quiet && fine {
            continue;
        }
        match &check.token {
            Some(token) => writeln!(
                out,
                "timestamp   {}  by {}  {}",
                token.time, token.tsa, check.file
            )?,
            None => writeln!(out, "timestamp   UNREADABLE  {}", check.file)?,
        }
        let imprint = if check.imprint_matches {
            "imprint matches the dossier fingerprint"
        } else {
            "imprint DOES NOT MATCH the dossier fingerprint"
        };
        match check.signature {
            SignatureVerdict::Valid => writeln!(
                out,
                "            {imprint}; signature and certificate chain valid (--tsa-ca)"
            )?,
            SignatureVerdict::Invalid => writeln!(
                out,
                "            {imprint}; signature INVALID: {}",
                check.detail.as_deref().unwrap_or("")
            )?,
            SignatureVerdict::NotChecked => {
                if let (false, Some(detail)) = (check.imprint_matches, &check.detail) {
                    writeln!(out, "            {detail}")?;
                }
                writeln!(
                    out,
                    "            {imprint}; signature not checked: give --tsa-ca FILE (the TSA's CA certificate), or unzip and run"
                )?;
                writeln!(
                    out,
                    "            openssl ts -verify -digest {fingerprint} -in {} -CAfile TSA-CA.pem",
                    check.file
                )?;
            }
        }
    }
    Ok(())
}
