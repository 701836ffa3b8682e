//! `dossier signatures add | list | remove`: the lead merges co-signers' detached signatures into
//! the dossier, lists them, or takes a mistaken one out.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::args::{
    SignaturesAddArgs, SignaturesCommand, SignaturesListArgs, SignaturesRemoveArgs,
};
use crate::cli::output::write_table;
use crate::display::plural;
use crate::dossier::allowed_signers::{AllowedSigners, parse_time};
use crate::dossier::sign::{add_signatures, remove_signature};
use crate::dossier::sshsig::Verdict;
use crate::dossier::verify::{SignatureListing, read_signatures};
use crate::error::{Error, Result};

use super::{Outcome, Output, progress_bar, stdout_error};

pub fn run(root: &Path, command: SignaturesCommand, out: &mut Output) -> Result<Outcome> {
    match command {
        SignaturesCommand::Add(args) => add(root, args, out),
        SignaturesCommand::List(args) => list(root, args, out),
        SignaturesCommand::Remove(args) => remove(root, args, out),
    }
}

fn add(root: &Path, args: SignaturesAddArgs, out: &mut Output) -> Result<Outcome> {
    let dossier = root.join(&args.path);
    let files: Vec<PathBuf> = args.files.iter().map(|f| root.join(f)).collect();
    let _lock = super::lock_dossier(&dossier)?;
    let progress = progress_bar();
    progress.set_message("verifying before adding signatures");
    let added = add_signatures(&dossier, &files, &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&added)?;
        return Ok(Outcome::Clean);
    }
    out.line(format!(
        "added {} to {} ({} in all); the dossier fingerprint is unchanged: {}",
        plural(added.added.len(), "signature"),
        args.path.display(),
        added.signatures,
        added.dossier_fingerprint
    ))?;
    let rows: Vec<Vec<String>> = added
        .added
        .iter()
        .map(|a| {
            vec![
                a.organisation.clone(),
                a.role.clone(),
                a.date.clone(),
                a.key_fingerprint.clone(),
                a.from.display().to_string(),
            ]
        })
        .collect();
    write_table(
        out.writer(),
        &["ORGANISATION", "ROLE", "DATE", "KEY", "FROM"],
        &rows,
    )
    .map_err(stdout_error)?;
    out.line(format!(
        "each verifies against its own key; to check that each key is its organisation's: \
         dossier verify {} --allowed-signers FILE",
        args.path.display()
    ))?;
    Ok(Outcome::Clean)
}

/// `signatures list --json`: the listing, and whether an allowed_signers file judged the keys.
#[derive(Serialize)]
struct ListJson<'a> {
    #[serde(flatten)]
    listing: &'a SignatureListing,
    allowed_signers_checked: bool,
}

fn list(root: &Path, args: SignaturesListArgs, out: &mut Output) -> Result<Outcome> {
    let allowed = match &args.allowed_signers {
        Some(file) => Some(read_allowed_signers(
            &root.join(file),
            args.verify_time.as_deref(),
        )?),
        None => None,
    };
    let listing = read_signatures(&root.join(&args.path), allowed.as_ref())?;
    if args.json {
        out.json(&ListJson {
            listing: &listing,
            allowed_signers_checked: allowed.is_some(),
        })?;
        return Ok(Outcome::Clean);
    }
    out.line(format!(
        "{} of {}, dossier fingerprint {}",
        plural(listing.signatures.len(), "signature"),
        args.path.display(),
        listing
            .dossier_fingerprint
            .as_deref()
            .unwrap_or("unknown (no readable manifest-sha256.txt)")
    ))?;
    let rows: Vec<Vec<String>> = listing
        .signatures
        .iter()
        .map(|s| {
            let text = |t: &Option<String>| t.clone().unwrap_or_else(|| "?".into());
            vec![
                text(&s.organisation),
                text(&s.role),
                text(&s.date),
                text(&s.key_fingerprint),
                verdict_words(s.verdict).to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        write_table(
            out.writer(),
            &["ORGANISATION", "ROLE", "DATE", "KEY", "SIGNATURE"],
            &rows,
        )
        .map_err(stdout_error)?;
    }
    for s in listing
        .signatures
        .iter()
        .filter(|s| !matches!(s.verdict, Verdict::Valid | Verdict::Unverified))
    {
        out.line(format!("{}: {}", s.file, s.detail))?;
    }
    for problem in &listing.problems {
        out.line(format!("problem: {}: {}", problem.place, problem.message))?;
    }
    let unchecked = listing
        .signatures
        .iter()
        .filter(|s| s.verdict == Verdict::Unverified)
        .count();
    if unchecked > 0 {
        out.line(format!(
            "not checked against an allowed_signers file: {} {} this dossier's fingerprint and \
             {} verified by the key inside, but nothing says whose key that is; give \
             --allowed-signers FILE to check",
            plural(unchecked, "signature"),
            if unchecked == 1 { "signs" } else { "sign" },
            if unchecked == 1 { "is" } else { "are" },
        ))?;
    }
    Ok(Outcome::Clean)
}

/// What the SIGNATURE column says.
fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Valid => "valid",
        Verdict::Unverified => "valid, signer not checked",
        Verdict::NotAllowed => "NOT ALLOWED for this organisation",
        Verdict::Expired => "EXPIRED key",
        Verdict::OtherDossier => "OTHER DOSSIER",
        Verdict::Invalid => "INVALID",
    }
}

/// Reads an allowed_signers file as `verify` does, warning about the lines ssh-keygen ignores.
fn read_allowed_signers(file: &Path, verify_time: Option<&str>) -> Result<AllowedSigners> {
    let verify_time = verify_time
        .map(|t| {
            parse_time(t).map_err(|why| {
                Error::input(
                    format!("--verify-time: {why}"),
                    "give the time as ssh-keygen's -Overify-time takes it: YYYYMMDD[HHMM[SS]], \
                     with Z for UTC (e.g. 20261121Z)",
                )
            })
        })
        .transpose()?;
    let (signers, ignored) = AllowedSigners::read(file, verify_time)?;
    for warning in ignored {
        eprintln!("warning: {warning}");
    }
    Ok(signers)
}

fn remove(root: &Path, args: SignaturesRemoveArgs, out: &mut Output) -> Result<Outcome> {
    let dossier = root.join(&args.path);
    let _lock = super::lock_dossier(&dossier)?;
    let removed = remove_signature(&dossier, &args.org, chrono::Utc::now().date_naive())?;
    if args.json {
        out.json(&removed)?;
        return Ok(Outcome::Clean);
    }
    let mut about = Vec::new();
    if let Some(role) = &removed.role {
        about.push(role.clone());
    }
    if let Some(date) = &removed.date {
        about.push(format!("dated {date}"));
    }
    if let Some(key) = &removed.key_fingerprint {
        about.push(format!("key {key}"));
    }
    out.line(format!(
        "removed the signature of {}{} from {}:",
        removed.organisation,
        if about.is_empty() {
            String::new()
        } else {
            format!(" ({})", about.join(", "))
        },
        args.path.display()
    ))?;
    for file in &removed.files {
        out.line(format!("  {file}"))?;
    }
    out.line(format!(
        "the dossier fingerprint is unchanged: {}",
        removed.dossier_fingerprint.as_deref().unwrap_or("unknown")
    ))?;
    Ok(Outcome::Clean)
}
