//! `dossier encrypt` and `dossier decrypt`: a dossier sent to the coalition's keys, and opened.

use std::path::{Path, PathBuf};

use crate::cli::args::{DecryptArgs, EncryptArgs};
use crate::display::human_bytes;
use crate::dossier::encryption::{self, Identity, Recipients};
use crate::error::{Error, Result};

use super::{Outcome, Output, passphrase, progress_bar};

pub fn encrypt(root: &Path, args: EncryptArgs, out: &mut Output) -> Result<Outcome> {
    let path = root.join(&args.path);
    let mut recipients = Recipients::new();
    for file in args.to.iter().chain(&args.to_key) {
        recipients.add_file(&root.join(file))?;
    }
    for warning in &recipients.warnings {
        eprintln!("warning: {warning}");
    }
    let target = match &args.out {
        Some(f) => root.join(f),
        None => {
            let mut name = path.clone().into_os_string();
            name.push(".age");
            PathBuf::from(name)
        }
    };
    let progress = progress_bar();
    progress.set_message("encrypting");
    let done = encryption::encrypt(&path, &recipients, args.armor, &target, &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&done)?;
        return Ok(Outcome::Clean);
    }
    out.line(format!(
        "encrypted {} ({}) to {}",
        path.display(),
        human_bytes(done.bytes_in),
        target.display()
    ))?;
    out.line(format!(
        "  readable with the private key of {} recipient{}:",
        done.recipients.len(),
        if done.recipients.len() == 1 { "" } else { "s" }
    ))?;
    for place in &done.recipients {
        out.line(format!("    {place}"))?;
    }
    Ok(Outcome::Clean)
}

pub fn decrypt(root: &Path, args: DecryptArgs, out: &mut Output) -> Result<Outcome> {
    let path = root.join(&args.path);
    let target = match &args.out {
        Some(f) => root.join(f),
        None => match path.to_str().and_then(|p| p.strip_suffix(".age")) {
            Some(plain) if !plain.ends_with('/') => PathBuf::from(plain),
            _ => {
                return Err(Error::input(
                    format!("{} does not end in .age", path.display()),
                    "say where to write the dossier with --out PATH",
                ));
            }
        },
    };
    let identity = identity(root, &args.key)?;
    let progress = progress_bar();
    progress.set_message("decrypting");
    let done = encryption::decrypt(&path, &identity, &target, &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&done)?;
        return Ok(Outcome::Clean);
    }
    out.line(format!(
        "decrypted {} into {} ({})",
        path.display(),
        target.display(),
        human_bytes(done.bytes)
    ))?;
    out.line(format!(
        "  next: dossier verify {}",
        args.out.as_deref().unwrap_or(&target).display()
    ))?;
    Ok(Outcome::Clean)
}

/// The private key at `key`, asking for its passphrase as `sign` does.
pub(super) fn identity(root: &Path, key: &Path) -> Result<Identity> {
    let key_path = root.join(key);
    encryption::load_identity(&key_path, || {
        passphrase(&format!("passphrase for {}: ", key_path.display()), false)
            .ok()
            .flatten()
    })
}
