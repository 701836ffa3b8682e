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
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if body.is_empty() {
        return (lines, bad);
    }
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            bad.push(number, "not UTF-8");
            continue;
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some((sha, path)) = line.split_once([' ', '\t']) else {
            bad.push(number, "not `<sha256> <path>`");
            continue;
        };
        let path = path.trim_start_matches([' ', '\t']);
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            bad.push(number, "the checksum is not 64 hexadecimal digits");
            continue;
        }
        let path = decode_path(path);
        if let Some(why) = unsafe_bag_path(&path) {
            bad.push(number, why);
            continue;
        }
        lines.push(ManifestLine {
            sha256: sha.to_ascii_lowercase(),
            path,
        });
    }
    (lines, bad)
}

/// Why a path inside a bag is refused, if it is: it must stay inside the bag.
pub fn unsafe_bag_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("the path is empty")
    } else if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        Some("the path is absolute")
    } else if path.contains('\0') {
        Some("the path contains a NUL character")
    } else if path.contains('\\') {
        Some("the path contains a backslash")
    } else if path.split('/').any(|p| p == "..") {
        Some("the path leaves the bag (`..`)")
    } else if path.split('/').any(|p| p.is_empty() || p == ".") {
        Some("the path has an empty or `.` part")
    } else {
        None
    }
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
    let exhibits: Vec<ManifestLine> = lines
        .iter()
        .filter(|l| l.path.starts_with(EXHIBITS_DIR))
        .cloned()
        .collect();
    sha256_bytes(write_manifest(&exhibits).as_bytes())
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
