//! `dossier verify`: is this dossier as it was sealed? Or: which exhibit is this loose file?

use std::path::Path;

use crate::cli::args::VerifyArgs;
use crate::cli::output::write_verify_report;
use crate::dossier::allowed_signers::{AllowedSigners, parse_time};
use crate::dossier::encryption::{decrypt_anonymous, is_encrypted};
use crate::dossier::verify::{find_exhibit, verify, verify_zip_file};
use crate::error::{Error, Result};

use super::{Outcome, Output, progress_bar, stdout_error};

pub fn run(root: &Path, args: VerifyArgs, out: &mut Output) -> Result<Outcome> {
    // Like git -C, relative paths are taken from -C DIR (the current folder by default).
    let path = root.join(&args.path);
    let progress = progress_bar();
    progress.set_message("verifying");
    let encrypted = is_encrypted(&path);
    if encrypted && args.key.is_none() {
        return Err(Error::input(
            format!("{} is an encrypted dossier (an age file)", path.display()),
            "give your organisation's private key with --key FILE to verify it without writing it out, \
             or decrypt it first with `dossier decrypt`",
        ));
    }
    if args.key.is_some() && (!encrypted || args.exhibit.is_some()) {
        return Err(Error::input(
            if encrypted {
                "--exhibit is not available on an encrypted dossier".to_string()
            } else {
                format!(
                    "--key is for an encrypted dossier, and {} is not one",
                    path.display()
                )
            },
            "decrypt the dossier with `dossier decrypt F.age --key K`, then verify the zip; \
             or drop --key for a dossier that is not encrypted",
        ));
    }
    if let Some(file) = &args.exhibit {
        let found = find_exhibit(&path, &root.join(file), &progress)?;
        progress.finish_and_clear();
        if args.json {
            out.json(&found)?;
        } else {
            match &found.exhibit {
                Some((id, Some(bag_path))) => out.line(format!(
                    "{} is exhibit {id} ({bag_path}), unaltered: sha256 {}",
                    file.display(),
                    found.sha256
                ))?,
                Some((id, None)) => out.line(format!(
                    "{} is exhibit {id}, withheld from this dossier, unaltered: sha256 {}",
                    file.display(),
                    found.sha256
                ))?,
                None => out.line(format!(
                    "{} matches no exhibit of this dossier (sha256 {}): it is another file, or an altered copy",
                    file.display(),
                    found.sha256
                ))?,
            }
        }
        if !found.dossier_intact {
            if args.json {
                return Ok(Outcome::Problems);
            }
            out.line(format!(
                "but the dossier {} is NOT INTACT: its manifest proves nothing; run `dossier verify {}`",
                path.display(),
                args.path.display()
            ))?;
            return Ok(Outcome::Problems);
        }
        return Ok(if found.exhibit.is_some() {
            Outcome::Clean
        } else {
            Outcome::Problems
        });
    }
    let allowed = match &args.allowed_signers {
        Some(file) => {
            let verify_time = args
                .verify_time
                .as_deref()
                .map(|t| {
                    parse_time(t).map_err(|why| {
                        Error::input(
                            format!("--verify-time: {why}"),
                            "give the time as ssh-keygen's -Overify-time takes it: YYYYMMDD[HHMM[SS]], with Z for UTC (e.g. 20261121Z)",
                        )
                    })
                })
                .transpose()?;
            let (signers, ignored) = AllowedSigners::read(&root.join(file), verify_time)?;
            for warning in ignored {
                eprintln!("warning: {warning}");
            }
            Some(signers)
        }
        None => None,
    };
    // Read before the (possibly long) verification: a wrong CA file fails at once.
    let tsa_cas = match &args.tsa_ca {
        Some(file) => Some(crate::dossier::timestamp::read_tsa_ca(&root.join(file))?),
        None => None,
    };
    let mut report = match &args.key {
        Some(key) => {
            let identity = super::encrypt::identity(root, key)?;
            progress.set_message("decrypting");
            let plain = decrypt_anonymous(&path, &identity, &progress)?;
            progress.set_message("verifying");
            verify_zip_file(plain, &path, allowed.as_ref(), &progress)?
        }
        None => verify(&path, allowed.as_ref(), &progress)?,
    };
    if let Some(cas) = &tsa_cas {
        crate::dossier::timestamp::check_timestamp_signatures(&mut report, cas);
    }
    progress.finish_and_clear();
    if args.json {
        out.json(&report)?;
    } else {
        // One line per file: written in blocks, not one system call a line.
        let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out.writer());
        write_verify_report(&mut buffered, &report, args.quiet)
            .and_then(|()| std::io::Write::flush(&mut buffered))
            .map_err(stdout_error)?;
    }
    Ok(if report.intact {
        Outcome::Clean
    } else {
        Outcome::Problems
    })
}
