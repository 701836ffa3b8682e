//! Differential test against `ssh-keygen -Y verify` (issue 11): generated signatures (armor,
//! blob fields, lengths), statements and allowed_signers files (options, case, times,
//! namespaces, cert-authority, principal patterns, quoting, tabs, comments, garbage), each
//! judged by `dossier verify --allowed-signers` and by ssh-keygen on the same files. dossier
//! calls a signature valid exactly when ssh-keygen exits 0 (and, beyond what ssh-keygen can
//! know, the signed text is a statement for this dossier's fingerprint).
//!
//! The inputs come from a seeded generator, so every run tries the same ones. Work is batched:
//! hundreds of signatures sit in one bag and are judged by one `verify`; ssh-keygen runs on
//! four threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{Rng, checker, copy_tree};
use crate::hostile::{Coalition, NAP, QPFT};

const PRINCIPAL: &str = "norzhavia-accountability-project";

/// The time `--verify-time` and `-Overify-time` are given in the runs that give one.
const VERIFY_TIME: &str = "20250101Z";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unbase64(text: &str) -> Vec<u8> {
    let (mut out, mut bits, mut count) = (Vec::new(), 0u32, 0);
    for c in text.bytes().filter(|c| ALPHABET.contains(c)) {
        bits = bits << 6 | ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// An SSH string: its length, then its bytes.
fn string(bytes: &[u8]) -> Vec<u8> {
    [&(bytes.len() as u32).to_be_bytes()[..], bytes].concat()
}

/// An SSHSIG blob's parts: magic, version, then public key, namespace, reserved, hash
/// algorithm and signature, each an SSH string.
#[derive(Clone)]
struct Blob {
    magic: Vec<u8>,
    version: u32,
    fields: [Vec<u8>; 5],
    trailing: Vec<u8>,
}

impl Blob {
    fn parse(bytes: &[u8]) -> Blob {
        let mut at = 10;
        let fields = std::array::from_fn(|_| {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            at += 4 + len;
            bytes[at - len..at].to_vec()
        });
        Blob {
            magic: bytes[..6].to_vec(),
            version: u32::from_be_bytes(bytes[6..10].try_into().unwrap()),
            fields,
            trailing: Vec::new(),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = [&self.magic[..], &self.version.to_be_bytes()].concat();
        for field in &self.fields {
            out.extend(string(field));
        }
        out.extend(&self.trailing);
        out
    }
}

/// A change made to a blob.
type Change = Box<dyn Fn(&mut Blob)>;

/// Armors a blob at `width` columns, lines ending in `newline` (the BEGIN line always in `\n`).
fn armored(blob: &[u8], width: usize, newline: &str) -> Vec<u8> {
    let body = base64(blob);
    let mut text = "-----BEGIN SSH SIGNATURE-----\n".to_string();
    for chunk in body.as_bytes().chunks(width) {
        text.push_str(std::str::from_utf8(chunk).unwrap());
        text.push_str(newline);
    }
    text.push_str("-----END SSH SIGNATURE-----\n");
    text.into_bytes()
}

/// One comparison: the files ssh-keygen is given, and whether dossier's verdict must also
/// require something ssh-keygen cannot know (the statement is this dossier's, in its form).
struct Case {
    what: String,
    signature: PathBuf,
    message: PathBuf,
    allowed: PathBuf,
    principal: String,
    time: Option<&'static str>,
    this_dossier: bool,
    dossier_valid: bool,
}

/// `ssh-keygen -Y verify` on every case, four at a time: whether each exits 0.
fn ssh_keygen_verdicts(cases: &[Case]) -> Vec<bool> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let verdicts: Vec<std::sync::OnceLock<bool>> =
        cases.iter().map(|_| std::sync::OnceLock::new()).collect();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let mut command = Command::new("ssh-keygen");
                    command.args(["-Y", "verify", "-f"]).arg(&case.allowed);
                    command.args(["-I", &case.principal, "-n", "dossier", "-s"]);
                    command.arg(&case.signature);
                    if let Some(time) = case.time {
                        command.arg(format!("-Overify-time={time}"));
                    }
                    let status = command
                        .env("TZ", "UTC")
                        .stdin(std::fs::File::open(&case.message).unwrap())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    verdicts[i].set(status.success()).unwrap();
                }
            });
        }
    });
    verdicts
        .into_iter()
        .map(|v| v.into_inner().unwrap())
        .collect()
}

/// `dossier verify BAG --allowed-signers FILE [--verify-time T] --json`: each signature file's
/// verdict (none if the file has no usable line, exit 2).
fn dossier_verdicts(bag: &Path, allowed: &Path, time: Option<&str>) -> HashMap<String, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .arg("verify")
        .arg(bag)
        .arg("--allowed-signers")
        .arg(allowed)
        .arg("--json");
    if let Some(time) = time {
        command.args(["--verify-time", time]);
    }
    let output = command.env("TZ", "UTC").output().unwrap();
    if output.status.code() == Some(2) {
        return HashMap::new();
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A bag like `bag` with its signatures replaced by `pairs` (file stem, statement, signature).
fn bag_with(
    c: &Coalition,
    name: &str,
    bag: &Path,
    pairs: &[(String, Vec<u8>, Vec<u8>)],
) -> PathBuf {
    let copy = c.case.outside(name).join(bag.file_name().unwrap());
    copy_tree(bag, &copy);
    let signatures = copy.join("signatures");
    std::fs::remove_dir_all(&signatures).unwrap();
    std::fs::create_dir_all(&signatures).unwrap();
    for (stem, statement, signature) in pairs {
        std::fs::write(signatures.join(format!("{stem}.statement.txt")), statement).unwrap();
        std::fs::write(signatures.join(format!("{stem}.sig")), signature).unwrap();
    }
    copy
}

/// `ssh-keygen -Y sign` of `message` with the key at `key`, in namespace `namespace`.
fn ssh_keygen_sign(
    key: &str,
    namespace: &str,
    message: &[u8],
    at: &Path,
    extra: &[&str],
) -> Vec<u8> {
    std::fs::write(at, message).unwrap();
    let status = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-f", key, "-n", namespace])
        .args(extra)
        .arg(at)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "ssh-keygen -Y sign failed");
    std::fs::read(format!("{}.sig", at.display())).unwrap()
}

/// Signatures varied in armor, blob fields and lengths, over the original statement.
fn signature_variants(
    c: &Coalition,
    original: &[u8],
    statement: &[u8],
    rng: &mut Rng,
) -> Vec<(String, Vec<u8>)> {
    let text = std::str::from_utf8(original).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let blob = unbase64(&body);
    let parsed = Blob::parse(&blob);
    assert_eq!(parsed.bytes(), blob, "the test's SSHSIG reader");
    let mut out: Vec<(String, Vec<u8>)> = vec![("original".into(), original.to_vec())];
    // Blob fields, one at a time and two at a time.
    let qpft_public = std::fs::read_to_string(format!("{}.pub", c.key("qpft"))).unwrap();
    let qpft_key = unbase64(qpft_public.split_whitespace().nth(1).unwrap());
    let key = parsed.fields[0].clone();
    let sig = parsed.fields[4].clone();
    let mut flipped = sig.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let inner_sig = &sig[4 + 11 + 4..];
    let changes: Vec<(&str, Change)> = vec![
        ("magic SSHSIH", Box::new(|b| b.magic = b"SSHSIH".to_vec())),
        ("magic sshsig", Box::new(|b| b.magic = b"sshsig".to_vec())),
        ("version 0", Box::new(|b| b.version = 0)),
        ("version 2", Box::new(|b| b.version = 2)),
        ("version 256", Box::new(|b| b.version = 256)),
        ("version max", Box::new(|b| b.version = u32::MAX)),
        (
            "namespace Dossier",
            Box::new(|b| b.fields[1] = b"Dossier".to_vec()),
        ),
        ("namespace empty", Box::new(|b| b.fields[1] = Vec::new())),
        (
            "namespace file",
            Box::new(|b| b.fields[1] = b"file".to_vec()),
        ),
        (
            "namespace dossierx",
            Box::new(|b| b.fields[1] = b"dossierx".to_vec()),
        ),
        (
            "namespace nul",
            Box::new(|b| b.fields[1] = b"dossier\0".to_vec()),
        ),
        ("reserved x", Box::new(|b| b.fields[2] = b"x".to_vec())),
        ("reserved 100", Box::new(|b| b.fields[2] = vec![7; 100])),
        (
            "hash sha256",
            Box::new(|b| b.fields[3] = b"sha256".to_vec()),
        ),
        (
            "hash SHA512",
            Box::new(|b| b.fields[3] = b"SHA512".to_vec()),
        ),
        ("hash sha1", Box::new(|b| b.fields[3] = b"sha1".to_vec())),
        ("hash empty", Box::new(|b| b.fields[3] = Vec::new())),
        (
            "key qpft",
            Box::new(move |b| b.fields[0] = qpft_key.clone()),
        ),
        ("key trailing byte", {
            let key = key.clone();
            Box::new(move |b| b.fields[0] = [&key[..], &[0]].concat())
        }),
        ("key truncated", {
            let key = key.clone();
            Box::new(move |b| b.fields[0] = key[..key.len() - 1].to_vec())
        }),
        ("key type renamed", {
            let key = key.clone();
            Box::new(move |b| {
                let mut k = key.clone();
                k[4 + 10] = b'8';
                b.fields[0] = k
            })
        }),
        ("key inner length 33", {
            let key = key.clone();
            Box::new(move |b| {
                let mut k = key[..4 + 11].to_vec();
                k.extend(string(&[&key[4 + 11 + 4..], &[0]].concat()));
                b.fields[0] = k
            })
        }),
        (
            "signature bit flipped",
            Box::new(move |b| b.fields[4] = flipped.clone()),
        ),
        ("signature trailing byte", {
            let sig = sig.clone();
            Box::new(move |b| b.fields[4] = [&sig[..], &[0]].concat())
        }),
        ("signature 63 bytes", {
            let sig = sig.clone();
            let inner = inner_sig.to_vec();
            Box::new(move |b| b.fields[4] = [&sig[..4 + 11], &string(&inner[..63])].concat())
        }),
        ("signature type renamed", {
            let sig = sig.clone();
            Box::new(move |b| {
                let mut s = sig.clone();
                s[4 + 4] = b'x';
                b.fields[4] = s
            })
        }),
        ("trailing byte", Box::new(|b| b.trailing = vec![0])),
        ("trailing junk", Box::new(|b| b.trailing = b"junk".to_vec())),
    ];
    for (name, change) in &changes {
        let mut b = parsed.clone();
        change(&mut b);
        out.push((format!("blob {name}"), armored(&b.bytes(), 70, "\n")));
    }
    for _ in 0..60 {
        let (first, second) = (rng.below(changes.len()), rng.below(changes.len()));
        let mut b = parsed.clone();
        changes[first].1(&mut b);
        changes[second].1(&mut b);
        let width = *rng.pick(&[64, 70, 76]);
        out.push((
            format!("blob {} + {}", changes[first].0, changes[second].0),
            armored(&b.bytes(), width, "\n"),
        ));
    }
    // Length fields that lie: the bytes stay, one length changes.
    for field in 0..5 {
        for delta in [-1i64, 1, 1000] {
            let mut bytes = parsed.bytes();
            let mut at = 10;
            for f in &parsed.fields[..field] {
                at += 4 + f.len();
            }
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as i64 + delta;
            bytes[at..at + 4].copy_from_slice(&(len as u32).to_be_bytes());
            out.push((
                format!("length of field {field} {delta:+}"),
                armored(&bytes, 70, "\n"),
            ));
        }
    }
    for _ in 0..12 {
        let cut = rng.below(blob.len());
        out.push((
            format!("blob cut at {cut}"),
            armored(&blob[..cut], 70, "\n"),
        ));
    }
    // The armor: widths, line endings, whitespace, padding, the BEGIN and END lines.
    for _ in 0..30 {
        let width = 1 + rng.below(200);
        let newline = *rng.pick(&["\n", "\r\n", "\n\n", " \n", "\t\n"]);
        out.push((
            format!("armor width {width} {newline:?}"),
            armored(&blob, width, newline),
        ));
    }
    let canonical = armored(&blob, 70, "\n");
    let canonical_text = String::from_utf8(canonical.clone()).unwrap();
    for _ in 0..25 {
        let mut bytes = canonical.clone();
        for _ in 0..1 + rng.below(4) {
            let at = 30 + rng.below(bytes.len() - 60);
            let space = *rng.pick(b" \t\r\x0B\x0C\n");
            bytes.insert(at, space);
        }
        out.push(("whitespace inside the Base64".into(), bytes));
    }
    let begin = "-----BEGIN SSH SIGNATURE-----";
    let end = "-----END SSH SIGNATURE-----";
    let armor_changes: Vec<(&str, String)> = vec![
        ("no final newline", canonical_text.trim_end().to_string()),
        ("leading newline", format!("\n{canonical_text}")),
        ("leading space", format!(" {canonical_text}")),
        (
            "BEGIN then CRLF",
            canonical_text.replacen(&format!("{begin}\n"), &format!("{begin}\r\n"), 1),
        ),
        (
            "BEGIN then space",
            canonical_text.replacen(&format!("{begin}\n"), &format!("{begin} \n"), 1),
        ),
        (
            "BEGIN lowercase",
            canonical_text.replacen(begin, &begin.to_lowercase(), 1),
        ),
        (
            "END lowercase",
            canonical_text.replacen(end, &end.to_lowercase(), 1),
        ),
        (
            "END glued to the Base64",
            canonical_text.replacen(&format!("\n{end}"), end, 1),
        ),
        (
            "END after a blank line",
            canonical_text.replacen(end, &format!("\n{end}"), 1),
        ),
        (
            "END after CRLF",
            canonical_text.replacen(&format!("\n{end}"), &format!("\r\n{end}"), 1),
        ),
        (
            "END with text",
            canonical_text.replacen(end, &format!("{end} and more"), 1),
        ),
        ("no END", canonical_text.replacen(end, "", 1)),
        ("text after END", format!("{canonical_text}trailing text\n")),
        (
            "two signatures",
            format!("{canonical_text}{canonical_text}"),
        ),
        (
            "SSH SIG",
            canonical_text.replace("SSH SIGNATURE", "SSH SIG"),
        ),
        ("padding removed", canonical_text.replace('=', "")),
        (
            "padding added",
            canonical_text.replacen(&format!("\n{end}"), &format!("=\n{end}"), 1),
        ),
        ("padding doubled", canonical_text.replacen('=', "==", 1)),
        (
            "padding then data",
            canonical_text.replacen(&format!("\n{end}"), &format!("AA\n{end}"), 1),
        ),
        ("padding spaced", canonical_text.replacen('=', "= ", 1)),
        (
            "NUL in the Base64",
            canonical_text.replacen('\n', "\n\0", 2),
        ),
        ("CRLF everywhere", canonical_text.replace('\n', "\r\n")),
    ];
    for (name, text) in armor_changes {
        out.push((format!("armor {name}"), text.into_bytes()));
    }
    let mut binary_after = canonical.clone();
    binary_after.extend([0xFF, 0x00, 0xFE, b'\n']);
    out.push(("binary after END".into(), binary_after));
    // One Base64 character changed, or any byte of the file.
    let body_start = begin.len() + 1;
    for _ in 0..80 {
        let mut bytes = canonical.clone();
        let at = body_start + rng.below(bytes.len() - body_start - end.len() - 2);
        if !ALPHABET.contains(&bytes[at]) {
            continue;
        }
        let mut replacement = *rng.pick(ALPHABET);
        if replacement == bytes[at] {
            replacement = if replacement == b'A' { b'B' } else { b'A' };
        }
        bytes[at] = replacement;
        out.push((format!("Base64 character {at} changed"), bytes));
    }
    for _ in 0..30 {
        let mut bytes = canonical.clone();
        let at = rng.below(bytes.len());
        bytes[at] ^= 1 << rng.below(8);
        out.push((format!("bit flipped in byte {at}"), bytes));
    }
    // Signatures made by ssh-keygen itself: another hash, namespace or key.
    let scratch = c.case.outside("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let made = [
        (
            "ssh-keygen sha256",
            "nap",
            "dossier",
            vec!["-Ohashalg=sha256"],
        ),
        ("ssh-keygen sha512", "nap", "dossier", vec![]),
        ("ssh-keygen namespace file", "nap", "file", vec![]),
        ("ssh-keygen by qpft", "qpft", "dossier", vec![]),
    ];
    for (i, (name, key, namespace, extra)) in made.iter().enumerate() {
        let at = scratch.join(format!("made{i}.txt"));
        let sig = ssh_keygen_sign(&c.key(key), namespace, statement, &at, extra);
        out.push((name.to_string(), sig));
    }
    out
}

/// Statements varied, each with the original signature (no variant but the first is
/// signed by it), and a few signed again by ssh-keygen.
fn statement_variants(
    c: &Coalition,
    statement: &[u8],
    signature: &[u8],
    rng: &mut Rng,
) -> Vec<StatementVariant> {
    let text = std::str::from_utf8(statement).unwrap();
    let fingerprint_line = text
        .lines()
        .find(|l| l.starts_with("Dossier-Fingerprint: "))
        .unwrap();
    let dossier_line = text.lines().find(|l| l.starts_with("Dossier: ")).unwrap();
    let other_fingerprint = format!("Dossier-Fingerprint: {}", "ab".repeat(32));
    let qpft_text = text.replace(NAP, QPFT);
    let changed: Vec<(&str, String, bool, &str)> = vec![
        ("identical", text.to_string(), true, PRINCIPAL),
        ("CRLF", text.replace('\n', "\r\n"), true, PRINCIPAL),
        (
            "no final newline",
            text.trim_end().to_string(),
            true,
            PRINCIPAL,
        ),
        ("extra newline", format!("{text}\n"), true, PRINCIPAL),
        (
            "extra line",
            format!("{text}Note: also this\n"),
            true,
            PRINCIPAL,
        ),
        (
            "byte-order mark",
            format!("\u{FEFF}{text}"),
            false,
            PRINCIPAL,
        ),
        ("leading space", format!(" {text}"), false, PRINCIPAL),
        (
            "another fingerprint",
            text.replace(fingerprint_line, &other_fingerprint),
            false,
            PRINCIPAL,
        ),
        (
            "another dossier id",
            text.replace(dossier_line, "Dossier: NZ-OTHER-full-2026-01-01"),
            true,
            PRINCIPAL,
        ),
        (
            "co-signer",
            text.replace("Role: lead", "Role: co-signer"),
            true,
            PRINCIPAL,
        ),
        (
            "another organisation",
            qpft_text,
            true,
            "quillwater-press-freedom-trust",
        ),
        (
            "tab after a label",
            text.replacen(": ", ":\t", 1),
            false,
            PRINCIPAL,
        ),
    ];
    let mut out = Vec::new();
    let scratch = c.case.outside("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    for (i, (name, changed_text, this_dossier, principal)) in changed.iter().enumerate() {
        out.push((
            format!("statement {name}"),
            changed_text.clone().into_bytes(),
            signature.to_vec(),
            true,
            principal.to_string(),
        ));
        let at = scratch.join(format!("statement{i}.txt"));
        let resigned = ssh_keygen_sign(&c.key("nap"), "dossier", changed_text.as_bytes(), &at, &[]);
        out.push((
            format!("statement {name}, signed again by ssh-keygen"),
            changed_text.clone().into_bytes(),
            resigned,
            *this_dossier,
            principal.to_string(),
        ));
    }
    for _ in 0..90 {
        let mut bytes = statement.to_vec();
        let at = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, *rng.pick(b" \n\rx0")),
        }
        out.push((
            format!("statement byte {at} changed"),
            bytes,
            signature.to_vec(),
            true,
            PRINCIPAL.to_string(),
        ));
    }
    out
}

/// What a statement variant is, its text, its signature, whether it reads as a statement for
/// this dossier (docs/dossier-format.md: the first seven lines), and the principal it names.
type StatementVariant = (String, Vec<u8>, Vec<u8>, bool, String);

/// An allowed_signers line for `principal`, varied in every way the format allows.
fn allowed_line(rng: &mut Rng, principal: &str, nap: &str, qpft: &str) -> String {
    let principals = [
        principal.to_string(),
        principal.to_string(),
        format!("\"{principal}\""),
        format!("{}\"{}\"", &principal[..5], &principal[5..]),
        format!("{principal},someone-else"),
        format!("someone-else,{principal}"),
        format!("!{principal},*"),
        format!("!someone-else,{principal}"),
        format!("{}?", &principal[..principal.len() - 1]),
        format!("{}*", &principal[..principal.len() - 2]),
        principal.to_uppercase(),
        format!("{principal},"),
        format!(",{principal}"),
        "someone-else".to_string(),
        format!("\"{principal} x\""),
    ];
    let options = [
        "",
        "",
        "",
        "namespaces=\"dossier\"",
        "namespaces=\"dossier\"",
        "NAMESPACES=\"dossier\"",
        "Namespaces=\"file,dossier\"",
        "namespaces=\"dos*\"",
        "namespaces=\"!dossier,*\"",
        "namespaces=\"other\"",
        "namespaces=dossier",
        "namespaces=\"dossier\",namespaces=\"dossier\"",
        "namespaces=\"dos\\\"sier\"",
        "namespaces=\"dossier",
        "namespaces=\"a b,dossier\"",
        "valid-before=\"20200101\"",
        "valid-before=\"29990101Z\"",
        "VALID-BEFORE=\"299901011200\"",
        "valid-before=\"20260601Z\"",
        "valid-before=\"20240601UTC\"",
        "valid-before=\"20250101000000z\"",
        "valid-after=\"29990101\"",
        "valid-after=\"20200101120000Z\"",
        "Valid-After=\"20200101\"",
        "valid-after=\"20240601Z\"",
        "valid-after=\"20250601Z\"",
        "valid-after=\"20260601Z\"",
        "valid-after=\"19700101Z\"",
        "valid-after=\"20200230Z\"",
        "valid-after=\"20201301Z\"",
        "valid-before=\"2020\"",
        "valid-after=\"2020010112\"",
        "valid-after=\"20200101\",valid-before=\"29990101\"",
        "valid-after=\"20240101Z\",valid-before=\"20260101Z\"",
        "valid-after=\"20260101Z\",valid-before=\"20240101Z\"",
        "valid-after=\"20200101Z\",valid-after=\"20200101Z\"",
        "cert-authority",
        "Cert-Authority",
        "cert-authority,namespaces=\"dossier\"",
        "cert-authorityx",
        "no-cert-authority",
        "bogus",
        "bogus=\"x\"",
        ",namespaces=\"dossier\"",
        "namespaces=\"dossier\",",
        "namespaces=\"dossier\",,valid-after=\"20200101\"",
        "namespaces=\"dossier\",valid-before=\"20200101\"",
        "valid-after=\"20200101\",namespaces=\"dossier\"",
    ];
    let separator = *rng.pick(&[" ", " ", "\t", "  ", " \t"]);
    let key = match rng.below(20) {
        0..=12 => nap.to_string(),
        13..=15 => qpft.to_string(),
        16 => nap.replacen("ssh-ed25519", "ssh-rsa", 1),
        17 => {
            let mut k = nap.to_string().into_bytes();
            let at = k.len() - 5;
            k[at] = if k[at] == b'A' { b'B' } else { b'A' };
            String::from_utf8(k).unwrap()
        }
        18 => nap.replacen(' ', "\t", 1),
        _ => String::new(),
    };
    let mut line = rng.pick(&principals).clone();
    let option = *rng.pick(&options);
    if !option.is_empty() {
        line = format!("{line}{separator}{option}");
    }
    if !key.is_empty() {
        line = format!("{line}{separator}{key}");
    }
    let comment: &&str = rng.pick(&["", "", " a comment", "\tcomment", "  "]);
    line.push_str(comment);
    line
}

/// An allowed_signers file for the principals: a line or two each (or none), with blank,
/// comment and garbage lines between, sometimes a line that names many principals.
fn allowed_file(rng: &mut Rng, principals: &[String], nap: &str, qpft: &str) -> String {
    let mut lines = Vec::new();
    for principal in principals {
        for _ in 0..*rng.pick(&[0, 1, 1, 1, 1, 1, 2]) {
            lines.push(allowed_line(rng, principal, nap, qpft));
        }
        if rng.chance(15) {
            lines.push(
                rng.pick(&[
                    "",
                    "# a comment",
                    "   # an indented comment",
                    "\t",
                    "garbage",
                    "garbage line",
                    "garbage line with words",
                    "\"unclosed quote",
                    "\r",
                ])
                .to_string(),
            );
        }
        if rng.chance(3) {
            let pattern = *rng.pick(&["*", "test-org-1*", "test-org-?2", "!test-org-05,*"]);
            let option = *rng.pick(&[
                "",
                "namespaces=\"dossier\"",
                "bogus",
                "valid-before=\"20200101\"",
            ]);
            let key = if rng.chance(70) { nap } else { qpft };
            lines.push(format!("{pattern} {option} {key}").replace("  ", " "));
        }
    }
    let newline = if rng.chance(20) { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    if !rng.chance(15) {
        text.push_str(newline);
    }
    text
}

#[test]
fn signatures_statements_and_allowed_signers_are_judged_as_ssh_keygen_judges_them() {
    if !checker("ssh-keygen") {
        return;
    }
    let c = Coalition::new();
    let bag = c.case.bag("full");
    c.sign(&bag, "nap", NAP, "lead").ok();
    let statement =
        std::fs::read(bag.join(format!("signatures/{PRINCIPAL}.statement.txt"))).unwrap();
    let signature = std::fs::read(bag.join(format!("signatures/{PRINCIPAL}.sig"))).unwrap();
    let allowed = c.allowed_signers();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut cases: Vec<Case> = Vec::new();

    // Signatures and statements: all in one bag, judged by one verify.
    let mut pairs = Vec::new();
    let mut meta = Vec::new();
    for (what, sig) in signature_variants(&c, &signature, &statement, &mut rng) {
        pairs.push((format!("s{:04}", pairs.len()), statement.clone(), sig));
        meta.push((what, true, PRINCIPAL.to_string()));
    }
    for (what, text, sig, this_dossier, principal) in
        statement_variants(&c, &statement, &signature, &mut rng)
    {
        pairs.push((format!("s{:04}", pairs.len()), text, sig));
        meta.push((what, this_dossier, principal));
    }
    let batch = bag_with(&c, "signature-batch", &bag, &pairs);
    let ours = dossier_verdicts(&batch, &allowed, None);
    for ((stem, _, _), (what, this_dossier, principal)) in pairs.iter().zip(meta) {
        let file = format!("signatures/{stem}.sig");
        cases.push(Case {
            what,
            signature: batch.join(&file),
            message: batch.join(format!("signatures/{stem}.statement.txt")),
            allowed: allowed.clone(),
            principal,
            time: None,
            this_dossier,
            dossier_valid: ours.get(&file).is_some_and(|v| v == "valid"),
        });
    }
    let signature_cases = cases.len();

    // allowed_signers files: thirty organisations' statements, signed by ssh-keygen (most with
    // NAP's key), judged against generated files, now and at a given time.
    let key_of = |name: &str| {
        let public = std::fs::read_to_string(format!("{}.pub", c.key(name))).unwrap();
        let mut words = public.split_whitespace();
        format!("{} {}", words.next().unwrap(), words.next().unwrap())
    };
    let (nap, qpft) = (key_of("nap"), key_of("qpft"));
    let text = String::from_utf8(statement.clone()).unwrap();
    let scratch = c.case.outside("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut orgs = Vec::new();
    let mut org_pairs = Vec::new();
    for i in 1..=30 {
        let principal = format!("test-org-{i:02}");
        let org_text = text.replace(NAP, &format!("Test Org {i:02}"));
        let key = if rng.chance(80) { "nap" } else { "qpft" };
        let at = scratch.join(format!("{principal}.txt"));
        let sig = ssh_keygen_sign(&c.key(key), "dossier", org_text.as_bytes(), &at, &[]);
        org_pairs.push((principal.clone(), org_text.into_bytes(), sig));
        orgs.push(principal);
    }
    let org_bag = bag_with(&c, "allowed-batch", &bag, &org_pairs);
    let mut valid_now = 0;
    for f in 0..12 {
        let file = c.case.outside(&format!("allowed_signers_{f:02}"));
        std::fs::write(&file, allowed_file(&mut rng, &orgs, &nap, &qpft)).unwrap();
        for time in [None, Some(VERIFY_TIME)] {
            let ours = dossier_verdicts(&org_bag, &file, time);
            for principal in &orgs {
                let sig = format!("signatures/{principal}.sig");
                let dossier_valid = ours.get(&sig).is_some_and(|v| v == "valid");
                valid_now += usize::from(dossier_valid && time.is_none());
                cases.push(Case {
                    what: format!("allowed_signers_{f:02} for {principal}"),
                    signature: org_bag.join(&sig),
                    message: org_bag.join(format!("signatures/{principal}.statement.txt")),
                    allowed: file.clone(),
                    principal: principal.clone(),
                    time,
                    this_dossier: true,
                    dossier_valid,
                });
            }
        }
    }

    let theirs = ssh_keygen_verdicts(&cases);
    if let Ok(keep) = std::env::var("DOSSIER_KEEP_DIFFERENTIAL") {
        copy_tree(c.case.dir.path(), Path::new(&keep));
    }
    let disagreements: Vec<String> = cases
        .iter()
        .zip(&theirs)
        .filter(|(case, ssh_keygen)| case.dossier_valid != (**ssh_keygen && case.this_dossier))
        .map(|(case, ssh_keygen)| {
            format!(
                "{}: dossier {}, ssh-keygen {ssh_keygen} (time {:?}, {})",
                case.what,
                case.dossier_valid,
                case.time,
                case.allowed.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    // Enough cases, and enough of each verdict, for the comparison to mean something.
    assert!(cases.len() >= 1000, "only {} cases", cases.len());
    let valid_signatures = theirs[..signature_cases].iter().filter(|&&v| v).count();
    assert!(
        (5..signature_cases / 2).contains(&valid_signatures),
        "{valid_signatures} of {signature_cases} signature variants valid"
    );
    assert!(
        (60..300).contains(&valid_now),
        "{valid_now} of 360 allowed_signers cases valid now"
    );
}
