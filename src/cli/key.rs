//! `dossier key generate`: an organisation's signing key.

use std::path::Path;

use crate::cli::args::KeyGenerateArgs;
use crate::dossier::sshsig::{NAMESPACE, generate_key, slug, write_new};
use crate::error::{Error, Result};

use super::{Outcome, Output, passphrase};

pub fn generate(root: &Path, args: KeyGenerateArgs, out: &mut Output) -> Result<Outcome> {
    if args.org.trim().is_empty() {
        return Err(Error::input(
            "--org is empty",
            "give the organisation's name",
        ));
    }
    let private_path = root.join(&args.out);
    let mut public_path = private_path.clone().into_os_string();
    public_path.push(".pub");
    let public_path = std::path::PathBuf::from(public_path);
    for path in [&private_path, &public_path] {
        if path.exists() {
            return Err(Error::input(
                format!("{} already exists", path.display()),
                "a key is never overwritten: choose another --out PREFIX, or move the old key away first",
            ));
        }
    }
    let secret = if args.passphrase
        || std::env::var(crate::dossier::sshsig::PASSPHRASE_VAR).is_ok_and(|v| !v.is_empty())
    {
        let secret = passphrase("passphrase for the new key: ", true)?;
        if secret.is_none() {
            return Err(Error::input(
                "--passphrase needs a terminal to ask for it",
                format!(
                    "run it in a terminal, or set {} for scripts",
                    crate::dossier::sshsig::PASSPHRASE_VAR
                ),
            ));
        }
        secret
    } else {
        None
    };
    let (private, public) = generate_key(&args.org, secret.as_deref())?;
    if let Some(parent) = private_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    write_new(&private_path, &private, 0o600)?;
    if let Err(e) = write_new(&public_path, &public, 0o644) {
        let _ = std::fs::remove_file(&private_path);
        return Err(e);
    }
    let principal = slug(&args.org);
    out.line(format!(
        "private key  {} (keep it secret{})",
        private_path.display(),
        if secret.is_some() {
            ", passphrase-protected"
        } else {
            ""
        }
    ))?;
    out.line(format!("public key   {}", public_path.display()))?;
    out.line("for the coalition's allowed_signers file:")?;
    out.line(format!(
        "{principal} namespaces=\"{NAMESPACE}\" {}",
        public.trim()
    ))?;
    Ok(Outcome::Clean)
}
