//! The BagIt 1.0 format (RFC 8493) as dossier writes and reads it: tag files, manifest lines,
//! percent-encoding of paths, Payload-Oxum, and the two fingerprints.
//!
//! Owns the text formats only; what goes into a dossier is `seal`'s business and checking a bag
//! is `verify`'s. Parsing fails closed: a line that is not exactly understood is refused.

use crate::display::single_line;
use crate::hash::sha256_bytes;

/// The tag file declaring the bag (RFC 8493 s2.1.1).
pub const BAGIT_TXT: &str = "bagit.txt";
pub const BAG_INFO_TXT: &str = "bag-info.txt";
pub const MANIFEST: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";
/// Where exhibits live inside the payload.
pub const EXHIBITS_DIR: &str = "data/exhibits/";
/// Added by `sign`; outside the manifests, so signing never changes the fingerprint.
pub const SIGNATURES_DIR: &str = "signatures/";
/// Added by `timestamp add`: RFC 3161 timestamps of the fingerprint, outside the manifests too.
pub const TIMESTAMPS_DIR: &str = "timestamps/";

/// The contents of `bagit.txt`.
pub fn bagit_txt() -> String {
    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string()
}

/// Percent-encodes CR, LF and `%` in a manifest path (RFC 8493 s2.1.3).
pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

/// Decodes `%0A`, `%0D` and `%25` (either case); any other `%` sequence is left as it is.
pub fn decode_path(path: &str) -> String {
    if !path.as_bytes().contains(&b'%') {
        return path.to_string();
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).map(str::to_ascii_uppercase);
        let decoded = match code.as_deref() {
            Some("0A") => Some('\n'),
            Some("0D") => Some('\r'),
            Some("25") => Some('%'),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One line of a manifest: a file's SHA-256 and its path in the bag (decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    pub sha256: String,
    pub path: String,
}

/// The text of a manifest: lines sorted by path, `<hex>  <encoded path>\n`.
pub fn write_manifest(lines: &[ManifestLine]) -> String {
    let mut sorted: Vec<&ManifestLine> = lines.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    sorted
        .iter()
        .map(|l| format!("{}  {}\n", l.sha256, encode_path(&l.path)))
        .collect()
}

/// A manifest line that was refused, with its 1-based number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub problem: &'static str,
}

/// Refused lines: the first few kept to be shown, every one counted. A hostile manifest can
/// hold tens of millions of bad lines, so keeping them all would exhaust memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refused {
    pub first: Vec<BadLine>,
    pub count: usize,
}

impl Refused {
    /// Refused lines kept to be shown one by one.
    pub const KEPT: usize = 20;

    fn push(&mut self, line: usize, problem: &'static str) {
        self.count += 1;
        if self.first.len() < Refused::KEPT {
            self.first.push(BadLine { line, problem });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Parses a manifest; lines that are malformed or unsafe are refused (counted, the first few
/// kept), never guessed at.
pub fn parse_manifest(text: &[u8]) -> (Vec<ManifestLine>, Refused) {
    let mut lines = Vec::new();
    let mut bad = Refused::default();
    read_manifest(text, |number, line| match line {
        Ok(line) => lines.push(line),
        Err(why) => bad.push(number, why),
    })
    .expect("reading memory does not fail");
    (lines, bad)
}

/// Lines longer than this are refused without being held: 64 hex digits, two spaces and a path
/// of up to 4,096 bytes, each byte percent-encoded at worst, fit.
const MAX_LINE: usize = 64 + 2 + 3 * 4096;

/// Reads a manifest as it streams, handing each line to `line` (its 1-based number, and the
/// line or why it is refused), holding no more than one line at a time; returns the SHA-256 of
/// the bytes read (for `manifest-sha256.txt`, the dossier fingerprint). Lines end at LF; a last
/// line without LF counts.
pub fn read_manifest(
    reader: impl std::io::Read,
    mut line: impl FnMut(usize, Result<ManifestLine, &'static str>),
) -> std::io::Result<String> {
    use sha2::Digest;
    use std::io::{BufRead, Read};
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, reader);
    let mut hasher = sha2::Sha256::new();
    let mut current = Vec::new();
    let mut number = 0;
    loop {
        current.clear();
        // read_until finds the LF with std's memchr: fast even in a debug build.
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut current)?;
        if n == 0 {
            break;
        }
        hasher.update(&current);
        number += 1;
        if current.last() == Some(&b'\n') {
            current.pop();
        } else if current.len() > MAX_LINE {
            // Too long to be a line of a bag: skipped to its LF, never held.
            loop {
                current.clear();
                let n = (&mut reader)
                    .take(64 * 1024)
                    .read_until(b'\n', &mut current)?;
                hasher.update(&current);
                if n == 0 || current.last() == Some(&b'\n') {
                    break;
                }
            }
            line(
                number,
                Err("the line is longer than any path a bag may hold"),
            );
            continue;
        }
        line(number, parse_line(&current));
    }
    Ok(crate::hash::to_hex(&hasher.finalize()))
}

/// One manifest line (without its LF): `<sha256> <path>`, or why it is refused. Written over
/// bytes, without iterator adapters: it runs once per line of manifests that may hold millions.
fn parse_line(raw: &[u8]) -> Result<ManifestLine, &'static str> {
    let line = std::str::from_utf8(raw).map_err(|_| "not UTF-8")?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let bytes = line.as_bytes();
    let blank = |b: u8| b == b' ' || b == b'\t';
    // The checksum is everything before the first space or tab: 64 hexadecimal digits.
    let mut end = 0;
    while end < bytes.len() && !blank(bytes[end]) {
        end += 1;
    }
    if end == bytes.len() {
        return Err("not `<sha256> <path>`");
    }
    let mut hex = end == 64;
    let mut i = 0;
    while hex && i < 64 {
        hex = bytes[i].is_ascii_hexdigit();
        i += 1;
    }
    if !hex {
        return Err("the checksum is not 64 hexadecimal digits");
    }
    let mut start = end;
    while start < bytes.len() && blank(bytes[start]) {
        start += 1;
    }
    let path = decode_path(&line[start..]);
    if let Some(why) = unsafe_bag_path(&path) {
        return Err(why);
    }
    Ok(ManifestLine {
        sha256: line[..64].to_ascii_lowercase(),
        path,
    })
}

/// Why a path inside a bag is refused, if it is: it must stay inside the bag.
pub fn unsafe_bag_path(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    if bytes.is_empty() {
        return Some("the path is empty");
    }
    if bytes[0] == b'/' || bytes.get(1) == Some(&b':') {
        return Some("the path is absolute");
    }
    // One pass over the bytes, part by part (between slashes).
    let (mut part_start, mut i) = (0, 0);
    let mut empty_or_dot = false;
    while i <= bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(b'/');
        match b {
            0 => return Some("the path contains a NUL character"),
            b'\\' => return Some("the path contains a backslash"),
            b'/' => {
                match &bytes[part_start..i] {
                    b".." => return Some("the path leaves the bag (`..`)"),
                    b"" | b"." => empty_or_dot = true,
                    _ => {}
                }
                part_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    empty_or_dot.then_some("the path has an empty or `.` part")
}

/// `bag-info.txt` labels and values, in order (RFC 8493 s2.2.2).
/// The bag-info.txt label of a draft dossier (value `yes`), built despite `check` errors.
pub const DRAFT_LABEL: &str = "Dossier-Draft";

pub fn write_bag_info(fields: &[(&str, String)]) -> String {
    fields
        .iter()
        // A value is one line: line breaks become spaces.
        .map(|(label, value)| format!("{label}: {}\n", single_line(value)))
        .collect()
}

/// Parses `bag-info.txt`; continuation lines (starting with space or tab) join the value before.
pub fn parse_bag_info(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((label, value)) = line.split_once(':') {
            fields.push((label.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

/// `Payload-Oxum`: total payload bytes and file count, `octets.count`.
pub fn payload_oxum(sizes: impl IntoIterator<Item = u64>) -> String {
    let (octets, count) = sizes
        .into_iter()
        .fold((0u64, 0u64), |(o, c), size| (o + size, c + 1));
    format!("{octets}.{count}")
}

/// The exhibit fingerprint: SHA-256 over the manifest's exhibit lines (those under
/// `data/exhibits/`), sorted, each as written in the manifest with its newline.
pub fn exhibit_fingerprint(lines: &[ManifestLine]) -> String {
    use sha2::Digest;
    // The bytes `write_manifest` would give, hashed as they are made: `verify` computes this
    // over every exhibit line, and copying and formatting 100,000 lines first cost more than
    // hashing them.
    let mut exhibits: Vec<&ManifestLine> = lines
        .iter()
        .filter(|l| l.path.starts_with(EXHIBITS_DIR))
        .collect();
    exhibits.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = sha2::Sha256::new();
    for line in exhibits {
        hasher.update(line.sha256.as_bytes());
        hasher.update(b"  ");
        if line.path.contains(['%', '\n', '\r']) {
            hasher.update(encode_path(&line.path).as_bytes());
        } else {
            hasher.update(line.path.as_bytes());
        }
        hasher.update(b"\n");
    }
    crate::hash::to_hex(&hasher.finalize())
}

/// The dossier fingerprint: SHA-256 of the bytes of `manifest-sha256.txt`.
pub fn dossier_fingerprint(manifest: &[u8]) -> String {
    sha256_bytes(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_cr_lf_and_percent_round_trip() {
        let path = "data/exhibits/E-001-100% sure\nline\r.txt";
        let encoded = encode_path(path);
        assert_eq!(encoded, "data/exhibits/E-001-100%25 sure%0Aline%0D.txt");
        assert_eq!(decode_path(&encoded), path);
        assert_eq!(decode_path("a%20b%0a"), "a%20b\n");
    }

    #[test]
    fn manifests_are_sorted_and_parse_back() {
        let lines = vec![
            ManifestLine {
                sha256: "b".repeat(64),
                path: "data/z.txt".into(),
            },
            ManifestLine {
                sha256: "a".repeat(64),
                path: "data/a b.txt".into(),
            },
        ];
        let text = write_manifest(&lines);
        assert!(text.starts_with(&format!("{}  data/a b.txt\n", "a".repeat(64))));
        let (parsed, bad) = parse_manifest(text.as_bytes());
        assert!(bad.is_empty());
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].path, "data/a b.txt");
    }

    #[test]
    fn hostile_manifest_lines_are_refused() {
        let sha = "a".repeat(64);
        let text = format!(
            "{sha}  data/../../etc/passwd\n{sha}  /etc/passwd\nnothex  data/x\n{sha}  data\\x\n{sha}  data/ok\n"
        );
        let (parsed, bad) = parse_manifest(text.as_bytes());
        assert_eq!(parsed.len(), 1);
        assert_eq!(
            bad.first.iter().map(|b| b.line).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(bad.count, 4);
    }

    #[test]
    fn the_exhibit_fingerprint_hashes_the_sorted_exhibit_lines_as_written() {
        let line = |c: &str, path: &str| ManifestLine {
            sha256: c.repeat(64),
            path: path.into(),
        };
        let lines = vec![
            line("c", "data/exhibits/E-002-b%\nc.txt"),
            line("d", "data/dossier.json"),
            line("a", "data/exhibits/E-001-a.txt"),
        ];
        let exhibits = [lines[2].clone(), lines[0].clone()];
        assert_eq!(
            exhibit_fingerprint(&lines),
            sha256_bytes(write_manifest(&exhibits).as_bytes())
        );
    }

    #[test]
    fn bag_info_values_stay_on_one_line_and_continuations_join() {
        let text = write_bag_info(&[("External-Description", "two\nlines".into())]);
        assert_eq!(text, "External-Description: two lines\n");
        let fields = parse_bag_info("A: one\n  two\nB: x\n");
        assert_eq!(
            fields,
            [("A".into(), "one two".into()), ("B".into(), "x".into())]
        );
        assert_eq!(payload_oxum([3, 4]), "7.2");
    }
}
