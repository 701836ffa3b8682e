//! Encryption of a dossier to the coalition's own SSH keys: age files (age-encryption.org/v1),
//! readable by the stock `age` tool (`age -d -i KEY`) and by `decrypt`.
//!
//! Owns reading recipients (a list of SSH public keys, or an OpenSSH `allowed_signers` file, the
//! one `verify --allowed-signers` reads), loading a private key to decrypt with, and the
//! streaming encryption and decryption themselves: memory stays at a few 64 KiB chunks whatever
//! the dossier's size. Output is written to a hidden temporary file beside its final path and
//! renamed only when complete and authenticated: a wrong key, a damaged or truncated file leaves
//! nothing behind. It does not judge the plain dossier (`verify` does).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::ssh;
use indicatif::ProgressBar;
use serde::Serialize;
use ssh_key::{LineEnding, PrivateKey};

use crate::dossier::allowed_signers::AllowedSigners;
use crate::dossier::sshsig::PASSPHRASE_VAR;
use crate::error::{Error, Result};

/// Who a dossier is encrypted to: each key, with where it was read (`file:line`).
pub struct Recipients {
    keys: Vec<(String, ssh::Recipient)>,
    /// Lines that give no key to encrypt to, and why (a retired key in allowed_signers).
    pub warnings: Vec<String>,
}

impl Recipients {
    pub fn new() -> Recipients {
        Recipients {
            keys: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds every key of `path`: one public key a line (`ssh-ed25519 AAAA... comment`, as in a
    /// `.pub` file or `authorized_keys` without options), or `allowed_signers` lines
    /// (`principals [options] ssh-ed25519 AAAA...`). Blank lines and `#` comments are skipped; any
    /// other line is refused, never skipped: a key silently left out is an organisation that
    /// cannot open the dossier.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        if text.contains("PRIVATE KEY-----") {
            return Err(Error::input(
                format!("{} is a private key", path.display()),
                "give the public key (the .pub file beside it); a private key never leaves its owner",
            ));
        }
        let mut lines = 0;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let place = format!("{}:{}", path.display(), i + 1);
            self.add_line(line, &place)?;
            lines += 1;
        }
        if lines == 0 {
            return Err(Error::input(
                format!("{} holds no public key", path.display()),
                "give a file of SSH public keys (`ssh-ed25519 AAAA...`, one a line) or an allowed_signers file",
            ));
        }
        Ok(())
    }

    fn add_line(&mut self, line: &str, place: &str) -> Result<()> {
        let key = match recipient(line) {
            Ok(key) => key,
            Err(why) => {
                // Not a bare key: an allowed_signers line (principals, options, key)?
                let entry = AllowedSigners::parse(line, None)
                    .lines
                    .into_iter()
                    .next()
                    .and_then(|signer| signer.entry.ok());
                let Some(signer) = entry else {
                    return Err(Error::input(
                        format!("{place}: {why}"),
                        "each line must be an SSH public key (`ssh-ed25519 AAAA... comment`) or an allowed_signers line \
                         (`principal ssh-ed25519 AAAA...`); age reads ssh-ed25519 and ssh-rsa keys",
                    ));
                };
                if signer.cert_authority {
                    return Err(Error::input(
                        format!(
                            "{place}: a cert-authority key signs certificates, it is no organisation's key"
                        ),
                        "remove the line, or give the organisations' own keys",
                    ));
                }
                let now = chrono::Utc::now().timestamp();
                if signer.valid_before.is_some_and(|t| t <= now) {
                    self.warnings.push(format!(
                        "{place}: not encrypted to this key: its valid-before time has passed (a retired key)"
                    ));
                    return Ok(());
                }
                let text = signer.key.to_openssh().map_err(|e| {
                    Error::input(format!("{place}: {e}"), "check the key on this line")
                })?;
                recipient(&text).map_err(|why| {
                    Error::input(
                        format!("{place}: {why}"),
                        "age reads ssh-ed25519 and ssh-rsa keys (2048 bits or more): give such a key",
                    )
                })?
            }
        };
        let same = |k: &ssh::Recipient| k.to_string() == key.to_string();
        if !self.keys.iter().any(|(_, k)| same(k)) {
            self.keys.push((place.to_string(), key));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl Default for Recipients {
    fn default() -> Self {
        Recipients::new()
    }
}

/// One SSH public key as age reads it, or why not.
fn recipient(line: &str) -> std::result::Result<ssh::Recipient, String> {
    use ssh::ParseRecipientKeyError as Why;
    line.parse::<ssh::Recipient>().map_err(|e| match e {
        Why::Unsupported(kind) => format!(
            "a {kind} key, which age cannot encrypt to (it reads ssh-ed25519 and ssh-rsa keys)"
        ),
        Why::RsaModulusTooSmall => {
            "an RSA key shorter than 2048 bits, too weak to encrypt to".into()
        }
        Why::RsaModulusTooLarge => "an RSA key longer than age supports (16384 bits)".into(),
        _ => "not an SSH public key".into(),
    })
}

/// What `encrypt` made.
#[derive(Debug, Clone, Serialize)]
pub struct Encrypted {
    pub path: PathBuf,
    pub recipients: Vec<String>,
    pub bytes_in: u64,
    pub armored: bool,
}

/// Encrypts the file at `input` to every recipient, into `out` (an age file; ASCII-armored with
/// `armor`). Streams: memory does not grow with the file.
pub fn encrypt(
    input: &Path,
    recipients: &Recipients,
    armor: bool,
    out: &Path,
    progress: &ProgressBar,
) -> Result<Encrypted> {
    if recipients.is_empty() {
        return Err(Error::input(
            "no recipient: the dossier would be readable by nobody",
            "give --to FILE (public keys or allowed_signers) or --to-key KEY.pub, once per file or key",
        ));
    }
    let source = open_plain(input)?;
    let size = source.metadata().map(|m| m.len()).unwrap_or(0);
    let partial = Partial::new(out)?;
    let encryptor = age::Encryptor::with_recipients(
        recipients
            .keys
            .iter()
            .map(|(_, k)| k as &dyn age::Recipient),
    )
    .map_err(|e| Error::input(format!("cannot encrypt: {e}"), "check the keys given"))?;
    progress.set_length(size);
    let written = (|| -> std::result::Result<(), Copy> {
        let file = BufWriter::with_capacity(1 << 16, partial.file.as_file());
        let format = if armor {
            Format::AsciiArmor
        } else {
            Format::Binary
        };
        let armored = ArmoredWriter::wrap_output(file, format).map_err(Copy::Write)?;
        let mut writer = encryptor.wrap_output(armored).map_err(Copy::Write)?;
        copy(
            &mut BufReader::with_capacity(1 << 16, source),
            &mut writer,
            progress,
        )?;
        (|| writer.finish()?.finish()?.flush())().map_err(Copy::Write)
    })();
    written.map_err(|e| match e {
        Copy::Read(e) => Error::io("read", input, e),
        Copy::Write(e) => Error::io("write", out, e),
    })?;
    partial.persist()?;
    Ok(Encrypted {
        path: out.to_path_buf(),
        recipients: recipients
            .keys
            .iter()
            .map(|(place, _)| place.clone())
            .collect(),
        bytes_in: size,
        armored: armor,
    })
}

/// A private key to decrypt with.
pub struct Identity(ssh::Identity);

/// Loads an SSH private key (Ed25519 or RSA, OpenSSH format), asking for its passphrase if it has
/// one: the key is decrypted once here, not once per recipient of the file.
pub fn load_identity(path: &Path, passphrase: impl FnOnce() -> Option<String>) -> Result<Identity> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read the key", path, e))?;
    let not_a_key = || {
        Error::input(
            format!("{} is not an SSH private key", path.display()),
            "give your organisation's private key (not the .pub), as for `dossier sign`",
        )
    };
    match PrivateKey::from_openssh(&text) {
        Ok(key) if key.is_encrypted() => {
            let secret = passphrase().ok_or_else(|| {
                Error::input(
                    format!("{} is protected by a passphrase", path.display()),
                    format!(
                        "run in a terminal to be asked for it, or set {PASSPHRASE_VAR} for scripts"
                    ),
                )
            })?;
            let key = key.decrypt(secret.as_bytes()).map_err(|_| {
                Error::input(
                    format!("wrong passphrase for {}", path.display()),
                    "give the passphrase the key was made with; nothing was written",
                )
            })?;
            let text = key.to_openssh(LineEnding::LF).map_err(|_| not_a_key())?;
            read_identity(&text, path).ok_or_else(not_a_key)?
        }
        _ => read_identity(&text, path).ok_or_else(not_a_key)?,
    }
}

/// An unencrypted private key in OpenSSH (or PEM) text, as age reads it.
fn read_identity(text: &str, path: &Path) -> Option<Result<Identity>> {
    match ssh::Identity::from_buffer(text.as_bytes(), Some(path.display().to_string())) {
        Ok(ssh::Identity::Unencrypted(key)) => Some(Ok(Identity(ssh::Identity::Unencrypted(key)))),
        Ok(ssh::Identity::Unsupported(_)) => Some(Err(Error::input(
            format!(
                "{}: age cannot decrypt with this kind of key",
                path.display()
            ),
            "age reads ssh-ed25519 and ssh-rsa keys; use the key the dossier was encrypted to",
        ))),
        _ => None,
    }
}

/// What `decrypt` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Decrypted {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Decrypts the age file `input` (binary or armored) into `out`. `out` appears only once every
/// byte has been authenticated.
pub fn decrypt(
    input: &Path,
    identity: &Identity,
    out: &Path,
    progress: &ProgressBar,
) -> Result<Decrypted> {
    let partial = Partial::new(out)?;
    let bytes = {
        let mut file = BufWriter::with_capacity(1 << 16, partial.file.as_file());
        let bytes = decrypt_into(input, identity, &mut file, out, progress)?;
        file.flush().map_err(|e| Error::io("write", out, e))?;
        bytes
    };
    partial.persist()?;
    Ok(Decrypted {
        path: out.to_path_buf(),
        bytes,
    })
}

/// Decrypts the age file `input` into a file that has no name: the system deletes it when it is
/// closed, or when this process ends however it ends, and no other program can open it by a path.
/// For `verify`, which reads the zip at random places.
pub fn decrypt_anonymous(
    input: &Path,
    identity: &Identity,
    progress: &ProgressBar,
) -> Result<File> {
    // tempfile() is O_TMPFILE on Linux: the file is never linked into a folder.
    let file = tempfile::tempfile()
        .map_err(|e| Error::io("create a temporary file in", std::env::temp_dir(), e))?;
    {
        let mut out = BufWriter::with_capacity(1 << 16, &file);
        decrypt_into(input, identity, &mut out, &std::env::temp_dir(), progress)?;
        out.flush()
            .map_err(|e| Error::io("write a temporary file in", std::env::temp_dir(), e))?;
    }
    Ok(file)
}

/// Streams the plain bytes of `input` into `out`; returns how many there were.
fn decrypt_into(
    input: &Path,
    identity: &Identity,
    out: &mut dyn Write,
    out_path: &Path,
    progress: &ProgressBar,
) -> Result<u64> {
    let file = open_plain(input)?;
    if !is_encrypted(input) {
        return Err(decrypt_error(input, age::DecryptError::UnknownFormat));
    }
    progress.set_length(file.metadata().map(|m| m.len()).unwrap_or(0));
    let reader = ArmoredReader::new(BufReader::with_capacity(1 << 16, file));
    let decryptor = age::Decryptor::new_buffered(BufReader::new(reader))
        .map_err(|e| decrypt_error(input, e))?;
    let mut plain = decryptor
        .decrypt(std::iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|e| decrypt_error(input, e))?;
    copy(&mut plain, out, progress).map_err(|e| match e {
        Copy::Read(e) => damaged(input, &e.to_string()),
        Copy::Write(e) => Error::io("write", out_path, e),
    })
}

fn damaged(input: &Path, why: &str) -> Error {
    Error::input(
        format!(
            "{} is damaged, cut short or altered ({why}): nothing was written",
            input.display()
        ),
        "ask the sender for a new copy; an age file is authenticated chunk by chunk, so a changed byte is never decrypted",
    )
}

fn decrypt_error(input: &Path, e: age::DecryptError) -> Error {
    match e {
        age::DecryptError::NoMatchingKeys => Error::input(
            format!(
                "{} is not encrypted to this key: nothing was written",
                input.display()
            ),
            "use the private key whose public key the sender encrypted to (your organisation's key), or ask them to encrypt to yours",
        ),
        age::DecryptError::UnknownFormat | age::DecryptError::InvalidHeader => Error::input(
            format!(
                "{} is not an age file, or its header is damaged: nothing was written",
                input.display()
            ),
            "give the .age file `dossier encrypt` or `age` made; if it is one, ask for a new copy",
        ),
        age::DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            damaged(input, "it ends too early")
        }
        other => damaged(input, &other.to_string()),
    }
}

/// Whether the file at `path` starts as an age file does (binary or armored).
pub fn is_encrypted(path: &Path) -> bool {
    let mut start = [0u8; 34];
    let n = File::open(path)
        .and_then(|mut f| {
            let mut n = 0;
            while n < start.len() {
                match f.read(&mut start[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .unwrap_or(0);
    let start = &start[..n];
    start.starts_with(b"age-encryption.org/")
        || start.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

/// Opens a file to read, refusing a folder or a device.
fn open_plain(path: &Path) -> Result<File> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("open", path, e))?;
    if !meta.is_file() {
        return Err(Error::input(
            format!("{} is not a regular file", path.display()),
            "give the dossier's .zip (a folder is zipped by `dossier build`)",
        ));
    }
    File::open(path).map_err(|e| Error::io("open", path, e))
}

enum Copy {
    Read(io::Error),
    Write(io::Error),
}

/// Copies in 64 KiB steps, telling read errors from write errors, moving the progress bar.
fn copy(
    from: &mut dyn Read,
    to: &mut dyn Write,
    progress: &ProgressBar,
) -> std::result::Result<u64, Copy> {
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Copy::Read(e)),
        };
        to.write_all(&buf[..n]).map_err(Copy::Write)?;
        total += n as u64;
        progress.set_position(total);
    }
}

/// An output being written: a hidden temporary file beside `path`, removed if dropped before
/// `persist`.
struct Partial {
    file: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Partial {
    fn new(path: &Path) -> Result<Partial> {
        if path.exists() {
            return Err(Error::input(
                format!("{} already exists", path.display()),
                "give another --out, or move the existing file away first",
            ));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".dossier-part-")
            .tempfile_in(dir)
            .map_err(|e| Error::io("create a file in", dir, e))?;
        Ok(Partial {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Puts the complete file at its path (never over an existing file).
    fn persist(self) -> Result<()> {
        self.file
            .as_file()
            .sync_all()
            .map_err(|e| Error::io("write", &self.path, e))?;
        self.file
            .persist_noclobber(&self.path)
            .map_err(|e| Error::io("write", &self.path, e.error))?;
        Ok(())
    }
}
