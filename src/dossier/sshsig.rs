//! Coalition signatures: Ed25519 keys and SSH signatures (the SSHSIG format of
//! `ssh-keygen -Y sign`), over a short statement naming the dossier fingerprint.
//!
//! Owns the statement format, key generation and loading, signing, and judging a signature
//! (whose key may sign for whom is `allowed_signers`'s business). It does not decide where the files go in a dossier (`seal`
//! for writing, `verify` for reading) and never touches `data/` or the manifests.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::display::single_line;
use crate::dossier::allowed_signers::{AllowedSigners, Judgement};
use crate::error::{Error, Result};
use crate::hash::sha256_bytes;

/// The SSHSIG namespace of every dossier signature (`ssh-keygen -Y ... -n dossier`).
pub const NAMESPACE: &str = "dossier";

/// The environment variable a script sets to give a key's passphrase.
pub const PASSPHRASE_VAR: &str = "DOSSIER_PASSPHRASE";

/// What a signatory signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub case: String,
    pub dossier: String,
    pub fingerprint: String,
    pub organisation: String,
    pub role: String,
    pub date: String,
}

const HEADING: &str = "Dossier signature statement";

impl Statement {
    /// The statement's text, signed byte for byte.
    pub fn to_text(&self) -> String {
        format!(
            "{HEADING}\nCase: {}\nDossier: {}\nDossier-Fingerprint: {}\nOrganisation: {}\nRole: {}\nDate: {}\n\n\
             The organisation named above endorses the dossier whose manifest-sha256.txt has the \
             SHA-256 fingerprint above.\n",
            self.case,
            self.dossier,
            self.fingerprint,
            single_line(&self.organisation),
            self.role,
            self.date
        )
    }

    /// Reads a statement back; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Statement> {
        let mut lines = text.lines();
        if lines.next()? != HEADING {
            return None;
        }
        let mut field = |label: &str| -> Option<String> {
            let line = lines.next()?;
            line.strip_prefix(label)?
                .strip_prefix(": ")
                .map(str::to_string)
        };
        Some(Statement {
            case: field("Case")?,
            dossier: field("Dossier")?,
            fingerprint: field("Dossier-Fingerprint")?,
            organisation: field("Organisation")?,
            role: field("Role")?,
            date: field("Date")?,
        })
    }

    /// The file names of this statement and its signature under `signatures/`.
    pub fn file_names(&self) -> (String, String) {
        let slug = slug(&self.organisation);
        (format!("{slug}.statement.txt"), format!("{slug}.sig"))
    }
}

/// A name usable in file names and as an allowed_signers principal:
/// `Norzhavia Accountability Project` -> `norzhavia-accountability-project`.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        // A name with no Latin letters still gets a stable, distinct slug.
        format!("org-{}", &sha256_bytes(name.as_bytes())[..12])
    } else {
        slug
    }
}

/// Makes an Ed25519 key pair for an organisation, optionally protected by a passphrase.
pub fn generate_key(organisation: &str, passphrase: Option<&str>) -> Result<(String, String)> {
    let mut rng = ssh_key::rand_core::OsRng;
    let mut key = PrivateKey::random(&mut rng, Algorithm::Ed25519)
        .map_err(|e| Error::input(format!("cannot make a key: {e}"), "try again"))?;
    key.set_comment(slug(organisation));
    // The public line is taken before encryption, which would leave its comment out.
    let public = key
        .public_key()
        .to_openssh()
        .map_err(|e| Error::input(format!("cannot write the public key: {e}"), "try again"))?;
    let key = match passphrase {
        Some(p) => key
            .encrypt(&mut rng, p)
            .map_err(|e| Error::input(format!("cannot protect the key: {e}"), "try again"))?,
        None => key,
    };
    let private = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| Error::input(format!("cannot write the key: {e}"), "try again"))?;
    Ok((private.to_string(), format!("{public}\n")))
}

/// Writes a new file with the given mode; an existing file is never overwritten.
pub fn write_new(path: &Path, text: &str, mode: u32) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::input(
            format!("{} already exists", path.display()),
            "a key is never overwritten: choose another --out PREFIX, or move the old key away first",
        ),
        _ => Error::io("create", path, e),
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io("write", path, e))
}

/// Loads an Ed25519 private key, asking for its passphrase if it has one.
pub fn load_key(path: &Path, passphrase: impl FnOnce() -> Option<String>) -> Result<PrivateKey> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read the key", path, e))?;
    let key = PrivateKey::from_openssh(&text).map_err(|e| {
        Error::input(
            format!("{} is not an OpenSSH private key ({e})", path.display()),
            "give the private key file (not the .pub), made by `dossier key generate` or `ssh-keygen -t ed25519`",
        )
    })?;
    if key.algorithm() != Algorithm::Ed25519 {
        return Err(Error::input(
            format!(
                "{} holds a key of type {}; dossier signs with Ed25519 keys",
                path.display(),
                key.algorithm()
            ),
            "make one with `dossier key generate` or `ssh-keygen -t ed25519`",
        ));
    }
    if !key.is_encrypted() {
        return Ok(key);
    }
    let passphrase = passphrase().ok_or_else(|| {
        Error::input(
            format!("{} is protected by a passphrase", path.display()),
            format!("run in a terminal to be asked for it, or set {PASSPHRASE_VAR} for scripts"),
        )
    })?;
    key.decrypt(passphrase.as_bytes()).map_err(|_| {
        Error::input(
            format!("wrong passphrase for {}", path.display()),
            "give the passphrase the key was made with; the dossier was not changed",
        )
    })
}

/// Signs a statement: the SSHSIG PEM text, as `ssh-keygen -Y sign -n dossier` writes it.
pub fn sign(key: &PrivateKey, statement: &Statement) -> Result<String> {
    let signature = key
        .sign(NAMESPACE, HashAlg::Sha512, statement.to_text().as_bytes())
        .map_err(|e| Error::input(format!("cannot sign: {e}"), "check the key"))?;
    signature
        .to_pem(LineEnding::LF)
        .map_err(|e| Error::input(format!("cannot write the signature: {e}"), "check the key"))
}

/// The judgement on one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Valid for this dossier, by a key allowed for the organisation.
    Valid,
    /// Valid for this dossier, but no allowed_signers file was given.
    Unverified,
    /// Valid for this dossier, but the key is not allowed for the organisation.
    NotAllowed,
    /// Valid for this dossier, by a key allowed for the organisation but not at this time
    /// (its `valid-after` is in the future or its `valid-before` in the past).
    Expired,
    /// The statement signs another dossier's fingerprint.
    OtherDossier,
    /// The signature does not match the statement (or cannot be read).
    Invalid,
}

/// One signature found in a dossier and what was found about it.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCheck {
    pub file: String,
    pub organisation: Option<String>,
    pub role: Option<String>,
    /// The date the statement gives, as written.
    pub date: Option<String>,
    pub key_fingerprint: Option<String>,
    pub verdict: Verdict,
    pub detail: String,
}

/// Judges one signature over its statement for the dossier with `fingerprint`.
pub fn check(
    file: &str,
    statement_text: &[u8],
    signature_pem: &[u8],
    fingerprint: &str,
    allowed: Option<&AllowedSigners>,
) -> SignatureCheck {
    let mut check = SignatureCheck {
        file: file.to_string(),
        organisation: None,
        role: None,
        date: None,
        key_fingerprint: None,
        verdict: Verdict::Invalid,
        detail: String::new(),
    };
    let signature = match read_signature(signature_pem) {
        Ok(s) => s,
        Err(e) => {
            check.detail = format!("not an SSH signature ({e})");
            return check;
        }
    };
    let key = PublicKey::from(signature.public_key().clone());
    check.key_fingerprint = Some(key.fingerprint(HashAlg::Sha256).to_string());
    let statement = std::str::from_utf8(statement_text)
        .ok()
        .and_then(Statement::parse);
    if let Some(s) = &statement {
        check.organisation = Some(s.organisation.clone());
        check.role = Some(s.role.clone());
        check.date = Some(s.date.clone());
    }
    if signature.namespace() != NAMESPACE {
        check.detail = format!(
            "made for the namespace `{}`, not `{NAMESPACE}`",
            signature.namespace()
        );
        return check;
    }
    if let Err(e) = key.verify(NAMESPACE, statement_text, &signature) {
        check.detail = format!("the signature does not match the statement ({e})");
        return check;
    }
    let Some(statement) = statement else {
        check.detail = "the signed text is not a dossier statement".into();
        return check;
    };
    if statement.fingerprint != fingerprint {
        check.verdict = Verdict::OtherDossier;
        check.detail = format!(
            "signs the dossier fingerprint {}, not this one ({fingerprint})",
            statement.fingerprint
        );
        return check;
    }
    let Some(allowed) = allowed else {
        check.verdict = Verdict::Unverified;
        check.detail =
            "valid signature; no allowed_signers file was given to say whose key this is".into();
        return check;
    };
    let principal = slug(&statement.organisation);
    let judgement = allowed.judge(&key, &principal, NAMESPACE);
    check.verdict = match judgement {
        Judgement { valid: true, .. } => Verdict::Valid,
        Judgement { expired: true, .. } => Verdict::Expired,
        _ => Verdict::NotAllowed,
    };
    check.detail = judgement.detail;
    check
}

const ARMOR_BEGIN: &[u8] = b"-----BEGIN SSH SIGNATURE-----\n";
const ARMOR_END: &[u8] = b"\n-----END SSH SIGNATURE-----";

/// The bytes inside the armor, read as ssh-keygen reads them (sshsig_dearmor): the BEGIN line
/// at the very start, ending in `\n`; Base64 at any line width, whitespace anywhere ignored, up
/// to the first `\n` and END line; anything after that line is not read.
fn dearmor(pem: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let body = pem
        .strip_prefix(ARMOR_BEGIN)
        .ok_or("it does not start with the line -----BEGIN SSH SIGNATURE-----")?;
    let end = body
        .windows(ARMOR_END.len())
        .position(|w| w == ARMOR_END)
        .ok_or("it has no line -----END SSH SIGNATURE-----")?;
    decode_base64(&body[..end]).ok_or_else(|| "its Base64 is not well formed".to_string())
}

/// Strict Base64 as OpenSSH's b64_pton decodes it: whitespace (C `isspace`) skipped anywhere,
/// padding required, nothing but whitespace after it, and the unused bits zero.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count, mut sextets) = (0u32, 0u32, 0usize);
    let mut rest = text.iter();
    let mut padded = false;
    for &c in rest.by_ref() {
        if space(c) {
            continue;
        }
        if c == b'=' {
            padded = true;
            break;
        }
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        sextets += 1;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    let state = sextets % 4;
    if !padded {
        return (state == 0).then_some(out);
    }
    // One `=` after three sextets, two after two; never after zero or one.
    let mut rest = rest.copied().filter(|&c| !space(c));
    match state {
        2 if rest.next() == Some(b'=') => {}
        3 => {}
        _ => return None,
    }
    // Nothing may follow the padding, and the bits it leaves over must be zero.
    (rest.next().is_none() && bits == 0).then_some(out)
}

/// Reads an SSHSIG as ssh-keygen does (sshsig_wrap_verify): the blob must be exactly what its
/// fields encode (a length field that lies is refused, not skipped over), its version at most 1;
/// the reserved field is read but, as in ssh-keygen, not part of what is verified.
fn read_signature(pem: &[u8]) -> std::result::Result<SshSig, String> {
    use ssh_encoding::{Decode, Encode};
    let blob = dearmor(pem).and_then(|blob| {
        with_cstrings_read(&blob).ok_or_else(|| {
            "its fields do not encode exactly its bytes (a length that lies?)".to_string()
        })
    })?;
    let parsed = SshSig::decode(&mut blob.as_slice()).map_err(|e| e.to_string())?;
    let mut canonical = Vec::new();
    parsed.encode(&mut canonical).map_err(|e| e.to_string())?;
    if canonical != blob {
        return Err("its fields do not encode exactly its bytes (a length that lies?)".into());
    }
    SshSig::new(
        parsed.public_key().clone(),
        parsed.namespace(),
        parsed.hash_alg(),
        parsed.signature().clone(),
    )
    .map_err(|e| e.to_string())
}

/// The blob with its namespace and hash algorithm read as C strings, as ssh-keygen reads them
/// (sshbuf_get_cstring: one NUL at the very end is dropped, one anywhere else refused); `None`
/// if the blob is not exactly magic, version and five length-prefixed fields.
fn with_cstrings_read(blob: &[u8]) -> Option<Vec<u8>> {
    let mut out = blob.get(..10)?.to_vec();
    let mut rest = &blob[10..];
    for field in 0..5 {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let mut value = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        if (field == 1 || field == 3)
            && let Some(nul) = value.iter().position(|&b| b == 0)
        {
            if nul != value.len() - 1 {
                return None;
            }
            value = &value[..nul];
        }
        out.extend((value.len() as u32).to_be_bytes());
        out.extend(value);
    }
    rest.is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement() -> Statement {
        Statement {
            case: "NZ-1".into(),
            dossier: "NZ-1-full-2026-11-21".into(),
            fingerprint: "ab".repeat(32),
            organisation: "Norzhavia Accountability Project".into(),
            role: "lead".into(),
            date: "2026-11-21".into(),
        }
    }

    #[test]
    fn statements_round_trip_and_slugs_are_file_safe() {
        let s = statement();
        assert_eq!(Statement::parse(&s.to_text()), Some(s.clone()));
        assert_eq!(s.file_names().1, "norzhavia-accountability-project.sig");
        assert_eq!(
            slug("  Quillwater Press — Freedom Trust! "),
            "quillwater-press-freedom-trust"
        );
        assert!(slug("منظمة العدالة").starts_with("org-"));
    }

    #[test]
    fn a_signature_is_valid_only_for_its_statement_fingerprint_and_allowed_key() {
        let (private, public) = generate_key("Norzhavia Accountability Project", None).unwrap();
        let key = PrivateKey::from_openssh(&private).unwrap();
        let s = statement();
        let pem = sign(&key, &s).unwrap();
        let fp = s.fingerprint.clone();
        let text = s.to_text();
        assert_eq!(
            check("x", text.as_bytes(), pem.as_bytes(), &fp, None).verdict,
            Verdict::Unverified
        );
        assert_eq!(
            check("x", text.as_bytes(), pem.as_bytes(), &"cd".repeat(32), None).verdict,
            Verdict::OtherDossier
        );
        let tampered = text.replace("lead", "co-signer");
        assert_eq!(
            check("x", tampered.as_bytes(), pem.as_bytes(), &fp, None).verdict,
            Verdict::Invalid
        );
        let allowed = AllowedSigners::parse(
            &format!("norzhavia-accountability-project namespaces=\"dossier\" {public}"),
            None,
        );
        assert_eq!(
            check("x", text.as_bytes(), pem.as_bytes(), &fp, Some(&allowed)).verdict,
            Verdict::Valid
        );
        let other = AllowedSigners::parse(&format!("someone-else {public}"), None);
        assert_eq!(
            check("x", text.as_bytes(), pem.as_bytes(), &fp, Some(&other)).verdict,
            Verdict::NotAllowed
        );
    }

    #[test]
    fn a_protected_key_needs_its_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let (private, _) = generate_key("Org", Some("correct horse")).unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, private).unwrap();
        assert!(
            load_key(&path, || None)
                .unwrap_err()
                .to_string()
                .contains("passphrase")
        );
        assert!(
            load_key(&path, || Some("wrong".into()))
                .unwrap_err()
                .to_string()
                .contains("wrong passphrase")
        );
        assert!(load_key(&path, || Some("correct horse".into())).is_ok());
    }
}
