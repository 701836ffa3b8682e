//! Coalition signatures: Ed25519 keys and SSH signatures (the SSHSIG format of
//! `ssh-keygen -Y sign`), over a short statement naming the dossier fingerprint.
//!
//! Owns the statement format, key generation and loading, signing, the OpenSSH allowed_signers
//! format and judging a signature. It does not decide where the files go in a dossier (`seal`
//! for writing, `verify` for reading) and never touches `data/` or the manifests.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::display::single_line;
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

/// One entry of an OpenSSH allowed_signers file (ssh-keygen(1), ALLOWED SIGNERS).
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    /// The line it comes from, for messages.
    pub line: usize,
    /// Principal patterns (`*`, `?`, `!` negation), as ssh-keygen matches them.
    pub principals: Vec<String>,
    /// Namespace patterns, if restricted.
    pub namespaces: Option<Vec<String>>,
    /// A certificate authority's key: it never signs as a plain key. Certificates are not
    /// supported, so such a line allows nothing.
    pub cert_authority: bool,
    /// Unix times outside which the key is not valid (`valid-after`, `valid-before`).
    pub valid_after: Option<i64>,
    pub valid_before: Option<i64>,
    pub key: PublicKey,
}

/// Parses an allowed_signers file as ssh-keygen reads it: lines it would ignore (malformed, an
/// unknown option, a bad time) are ignored too and returned as warnings (`file:line: why`).
pub fn parse_allowed_signers(path: &Path) -> Result<(Vec<AllowedSigner>, Vec<String>)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    let mut signers = Vec::new();
    let mut ignored = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_allowed_line(line, i + 1) {
            Ok(signer) => signers.push(signer),
            Err(why) => ignored.push(format!(
                "{}:{}: ignored, as ssh-keygen ignores it: {why}",
                path.display(),
                i + 1
            )),
        }
    }
    if signers.is_empty() {
        return Err(Error::input(
            format!("{} has no usable line", path.display()),
            "each line is `PRINCIPALS [namespaces=\"dossier\"] ssh-ed25519 AAAA... [comment]` (see `man ssh-keygen`, ALLOWED SIGNERS)",
        ));
    }
    Ok((signers, ignored))
}

/// Splits off the first word (up to a space or tab).
fn first_word(text: &str) -> (&str, &str) {
    match text.find([' ', '\t']) {
        Some(i) => (&text[..i], text[i..].trim_start_matches([' ', '\t'])),
        None => (text, ""),
    }
}

/// A public key from `keytype base64 [comment]`.
fn read_key(text: &str) -> Option<PublicKey> {
    let (kind, rest) = first_word(text);
    let (base64, _) = first_word(rest);
    PublicKey::from_openssh(&format!("{kind} {base64}")).ok()
}

/// One line: `principals [options] keytype base64 [comment]`, or why ssh-keygen would ignore it.
/// `number` is its line number, for messages.
pub fn parse_allowed_line(line: &str, number: usize) -> std::result::Result<AllowedSigner, String> {
    let (principals, rest) = first_word(line);
    if rest.is_empty() {
        return Err("no key".into());
    }
    let mut signer = AllowedSigner {
        line: number,
        principals: principals.split(',').map(str::to_string).collect(),
        namespaces: None,
        cert_authority: false,
        valid_after: None,
        valid_before: None,
        key: PublicKey::from(ssh_key::public::Ed25519PublicKey([0; 32])),
    };
    // As ssh-keygen: the rest is a key, or else options (comma-separated, no spaces outside
    // quotes) and then a key.
    let key = match read_key(rest) {
        Some(key) => key,
        None => {
            let (options, key) = split_options(rest).ok_or("the options never end")?;
            for option in options {
                read_option(&option, &mut signer)?;
            }
            read_key(key).ok_or("not a public key")?
        }
    };
    signer.key = key;
    Ok(signer)
}

/// Applies one option to the entry; an unknown or malformed one refuses the line.
fn read_option(option: &str, signer: &mut AllowedSigner) -> std::result::Result<(), String> {
    let (name, value) = match option.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (option, None),
    };
    // Option names are case-insensitive (OpenSSH opt_match); values must be in double quotes.
    let quoted = || -> std::result::Result<String, String> {
        let value = value.ok_or(format!("{name} needs a value"))?;
        value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .map(str::to_string)
            .ok_or(format!("the value of {name} is not in double quotes"))
    };
    match name.to_ascii_lowercase().as_str() {
        "cert-authority" if value.is_none() => signer.cert_authority = true,
        "namespaces" => {
            signer.namespaces = Some(quoted()?.split(',').map(str::to_string).collect())
        }
        "valid-after" => signer.valid_after = Some(parse_time(&quoted()?)?),
        "valid-before" => signer.valid_before = Some(parse_time(&quoted()?)?),
        _ => return Err(format!("unknown option `{option}`")),
    }
    Ok(())
}

/// `YYYYMMDD[HHMM[SS]][Z]` as ssh-keygen reads it: UTC with `Z`, else local time.
fn parse_time(text: &str) -> std::result::Result<i64, String> {
    let bad = || format!("`{text}` is not a time YYYYMMDD[HHMM[SS]][Z]");
    let (digits, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (text, false),
    };
    let full = match digits.len() {
        8 => format!("{digits}000000"),
        12 => format!("{digits}00"),
        14 => digits.to_string(),
        _ => return Err(bad()),
    };
    if !full.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let naive = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S").map_err(|_| bad())?;
    if utc {
        return Ok(naive.and_utc().timestamp());
    }
    use chrono::TimeZone;
    chrono::Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp())
        .ok_or_else(bad)
}

/// OpenSSH's match_pattern: `*` any run, `?` any one character.
fn match_pattern(text: &str, pattern: &str) -> bool {
    let (t, p): (Vec<char>, Vec<char>) = (text.chars().collect(), pattern.chars().collect());
    let (mut ti, mut pi, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// OpenSSH's match_pattern_list: true if some pattern matches and no negated (`!`) one does.
fn match_pattern_list(text: &str, patterns: &[String]) -> bool {
    let mut matched = false;
    for pattern in patterns {
        match pattern.strip_prefix('!') {
            Some(negated) if match_pattern(text, negated) => return false,
            Some(_) => {}
            None if match_pattern(text, pattern) => matched = true,
            None => {}
        }
    }
    matched
}

/// Splits `opt1,opt2="a b" keytype ...` into the options and the rest.
fn split_options(text: &str) -> Option<(Vec<String>, &str)> {
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ' ' | '\t' if !in_quotes => {
                let options = split_outside_quotes(&text[..i]);
                return Some((options, text[i..].trim_start_matches([' ', '\t'])));
            }
            _ => {}
        }
    }
    None
}

/// Splits at commas that are not inside double quotes.
fn split_outside_quotes(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                parts.last_mut().expect("one part").push(c);
            }
            ',' if !in_quotes => parts.push(String::new()),
            c => parts.last_mut().expect("one part").push(c),
        }
    }
    parts
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
    allowed: Option<&[AllowedSigner]>,
) -> SignatureCheck {
    let mut check = SignatureCheck {
        file: file.to_string(),
        organisation: None,
        role: None,
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
    let now = chrono::Utc::now().timestamp();
    let (verdict, detail) = judge_key(allowed, &key, &principal, now);
    check.verdict = verdict;
    check.detail = detail;
    check
}

const ARMOR_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const ARMOR_END: &str = "-----END SSH SIGNATURE-----";

/// The Base64 inside the armor, read as ssh-keygen reads it (sshsig_dearmor): the BEGIN line at
/// the very start ending in `\n`, then Base64 at any line width up to the END line.
fn armor_body(pem: &[u8]) -> std::result::Result<String, String> {
    let text = std::str::from_utf8(pem).map_err(|_| "not text".to_string())?;
    let body = text
        .strip_prefix(ARMOR_BEGIN)
        .and_then(|t| t.strip_prefix('\n'))
        .ok_or(format!("it does not start with the line {ARMOR_BEGIN}"))?;
    let (body, _) = body
        .split_once(ARMOR_END)
        .ok_or(format!("it has no line {ARMOR_END}"))?;
    Ok(body.chars().filter(|&c| c != '\n').collect())
}

/// Reads an SSHSIG as strictly as ssh-keygen: the blob must be exactly what its fields encode
/// (a length field that lies is refused, not skipped over).
fn read_signature(pem: &[u8]) -> std::result::Result<SshSig, String> {
    let base64 = armor_body(pem)?;
    // The PEM reader insists on 70 columns; ssh-keygen takes any width.
    let mut text = format!("{ARMOR_BEGIN}\n");
    for chunk in base64.as_bytes().chunks(70) {
        text.push_str(&String::from_utf8_lossy(chunk));
        text.push('\n');
    }
    text.push_str(ARMOR_END);
    text.push('\n');
    let signature = SshSig::from_pem(&text).map_err(|e| e.to_string())?;
    let canonical = signature
        .to_pem(LineEnding::LF)
        .map_err(|e| e.to_string())
        .and_then(|pem| armor_body(pem.as_bytes()))?;
    if canonical != base64 {
        return Err("its fields do not encode exactly its bytes (a length that lies?)".into());
    }
    Ok(signature)
}

/// Whose key this is by the allowed_signers entries, at `now` (Unix time), as `ssh-keygen -Y
/// verify -I principal` decides: an entry for this key whose principals match, which is not a
/// certificate authority, whose namespaces include `dossier`, and valid at `now`.
fn judge_key(
    allowed: &[AllowedSigner],
    key: &PublicKey,
    principal: &str,
    now: i64,
) -> (Verdict, String) {
    let entries: Vec<&AllowedSigner> = allowed
        .iter()
        .filter(|a| a.key.key_data() == key.key_data())
        .collect();
    if entries.is_empty() {
        return (
            Verdict::NotAllowed,
            format!("the key is not in the allowed_signers file (principal {principal})"),
        );
    }
    let mut why = Vec::new();
    let mut expired = false;
    for a in &entries {
        let line = a.line;
        if !match_pattern_list(principal, &a.principals) {
            why.push(format!(
                "line {line} allows it for {}, not for {principal}",
                a.principals.join(",")
            ));
        } else if a.cert_authority {
            why.push(format!("line {line} marks it cert-authority: a certificate authority's key is not a signer's key, and dossier does not support certificates"));
        } else if a
            .namespaces
            .as_ref()
            .is_some_and(|n| !match_pattern_list(NAMESPACE, n))
        {
            why.push(format!(
                "line {line} does not allow it for the namespace {NAMESPACE}"
            ));
        } else if let Some(after) = a.valid_after.filter(|&t| now < t) {
            expired = true;
            why.push(format!(
                "line {line} makes it valid only after {}",
                show_time(after)
            ));
        } else if let Some(before) = a.valid_before.filter(|&t| now > t) {
            expired = true;
            why.push(format!(
                "line {line} made it valid only until {}",
                show_time(before)
            ));
        } else {
            return (
                Verdict::Valid,
                format!("valid, by a key allowed for {principal} (allowed_signers line {line})"),
            );
        }
    }
    let verdict = if expired {
        Verdict::Expired
    } else {
        Verdict::NotAllowed
    };
    (
        verdict,
        format!("not valid for {principal}: {}", why.join("; ")),
    )
}

fn show_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t.to_string())
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
        let (allowed, _) = parse_allowed_line(
            &format!("norzhavia-accountability-project namespaces=\"dossier\" {public}"),
            1,
        )
        .map(|a| (vec![a], ()))
        .unwrap();
        assert_eq!(
            check("x", text.as_bytes(), pem.as_bytes(), &fp, Some(&allowed)).verdict,
            Verdict::Valid
        );
        let other = vec![AllowedSigner {
            principals: vec!["someone-else".into()],
            ..allowed[0].clone()
        }];
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
