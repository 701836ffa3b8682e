//! `dossier sign`: an organisation signs a sealed dossier, in it or detached beside it.

use std::path::Path;

use crate::cli::args::SignArgs;
use crate::dossier::sign::{sign_detached, sign_dossier};
use crate::dossier::sshsig::{Statement, load_key};
use crate::error::Result;

use super::{Outcome, Output, day, passphrase, progress_bar};

pub fn run(root: &Path, args: SignArgs, out: &mut Output) -> Result<Outcome> {
    let date = day(args.date.as_deref())?;
    let key_path = root.join(&args.key);
    let key = load_key(&key_path, || {
        passphrase(&format!("passphrase for {}: ", key_path.display()), false)
            .ok()
            .flatten()
    })?;
    let dossier = root.join(&args.path);
    let progress = progress_bar();
    progress.set_message("verifying before signing");
    if args.detached {
        // Nothing is written to the dossier, so no lock: co-signers sign one copy in parallel.
        let folder = args
            .out
            .map_or_else(|| root.to_path_buf(), |o| root.join(o));
        let signed = sign_detached(
            &dossier,
            &key,
            &args.org,
            &args.role,
            date,
            &folder,
            args.replace,
            &progress,
        )?;
        progress.finish_and_clear();
        if args.json {
            out.json(&signed)?;
            return Ok(Outcome::Clean);
        }
        say_signed(
            out,
            &signed.dossier,
            &signed.statement,
            &signed.key_fingerprint,
            ", detached: the dossier was not changed",
        )?;
        out.line(format!("  wrote {}", signed.statement_file.display()))?;
        out.line(format!("    and {}", signed.signature_file.display()))?;
        out.line(format!(
            "  send both files to the lead, who adds them with `dossier signatures add {} FILE...`",
            args.path.display()
        ))?;
        return Ok(Outcome::Clean);
    }
    // Two organisations signing one dossier at once: each rewrite starts from the other's.
    let _lock = super::lock_dossier(&dossier)?;
    let signed = sign_dossier(
        &dossier,
        &key,
        &args.org,
        &args.role,
        date,
        args.replace,
        &progress,
    )?;
    progress.finish_and_clear();
    if args.json {
        out.json(&signed)?;
        return Ok(Outcome::Clean);
    }
    say_signed(
        out,
        &signed.dossier,
        &signed.statement,
        &signed.key_fingerprint,
        "",
    )?;
    out.line(format!(
        "  wrote {} and {}",
        signed.statement_file, signed.signature_file
    ))?;
    Ok(Outcome::Clean)
}

/// The lines both ways of signing start with: what was signed, for whom, and with which key.
fn say_signed(
    out: &mut Output,
    dossier: &Path,
    statement: &Statement,
    key_fingerprint: &str,
    how: &str,
) -> Result<()> {
    out.line(format!(
        "signed {} for {} ({}){how}",
        dossier.display(),
        statement.organisation,
        statement.role
    ))?;
    out.line(format!("  dossier fingerprint  {}", statement.fingerprint))?;
    out.line(format!("  key                  {key_fingerprint}"))
}
