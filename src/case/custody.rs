//! The chain-of-custody log, `custody.jsonl`: one JSON object per line, each holding the SHA-256
//! of the line before it, so an edited, inserted or deleted line breaks the chain.
//!
//! Owns the entry format, appending and finding the first broken link. It does not decide when
//! to append (intake and check do) and does not know the case's records beyond exhibit ids.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::now_utc;
use crate::error::{Error, Result};
use crate::hash::sha256_bytes;

/// How many entries the custody log had at the last write, and the SHA-256 of the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyHead {
    pub entries: usize,
    pub last: String,
}

/// The log's file name in the case folder.
pub const FILE: &str = "custody.jsonl";

/// The `prev` of the first entry: there is no line before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// UTC, RFC 3339, to the second.
    pub time: String,
    /// Who did it (`DOSSIER_ACTOR`, else the login name).
    pub actor: String,
    /// `init`, `intake`, `copy` or `check`.
    pub action: String,
    #[serde(default)]
    pub exhibit: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub details: String,
    /// SHA-256 of the previous line's bytes (without its newline), or [`GENESIS`].
    pub prev: String,
}

/// A line of a public dossier's log about a withheld exhibit: its content is gone, but the
/// `prev` it held and its own hash keep the chain checkable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithheldLine {
    pub withheld: String,
    pub prev: String,
    pub line_sha256: String,
}

/// What a command wants recorded; time, actor and link are filled in when it is appended.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub action: &'static str,
    pub exhibit: Option<String>,
    pub sha256: Option<String>,
    pub details: String,
}

/// One line as read from disk.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// SHA-256 of the line's bytes.
    pub hash: String,
    /// The entry, or why the line is not one.
    pub entry: Result<Entry, String>,
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub line: usize,
    pub problem: String,
}

/// The whole log as read from disk.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub lines: Vec<Line>,
    /// The file's length in bytes when it was read.
    pub length: u64,
    /// The last line lacks its newline (an editor or a sync tool dropped it): the next append
    /// adds it first, which leaves every line's hash as it was.
    pub unterminated: bool,
}

impl Log {
    /// Reads `custody.jsonl`; a missing file is an empty log.
    pub fn read(path: &Path) -> Result<Log> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Log::parse(&bytes, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Log::default()),
            Err(e) => Err(Error::io("read", path, e)),
        }
    }

    /// Parses a log. Withheld-line stubs are accepted only in a sealed public dossier's log
    /// (`sealed`); in a case folder they would hide a line.
    pub fn parse(bytes: &[u8], sealed: bool) -> Log {
        Log {
            lines: lines(bytes, sealed).collect(),
            length: bytes.len() as u64,
            unterminated: !bytes.is_empty() && !bytes.ends_with(b"\n"),
        }
    }

    /// Where the log ends: the number of entries and the hash of the last line.
    pub fn head(&self) -> Option<CustodyHead> {
        self.lines.last().map(|line| CustodyHead {
            entries: self.lines.len(),
            last: line.hash.clone(),
        })
    }

    /// The first line that is malformed or does not hold the hash of the line before it.
    pub fn first_break(&self) -> Option<Break> {
        first_break_of(self.lines.iter())
    }

    /// Every subject, event and exhibit id the log names, with its line and action: an
    /// exhibit's in `exhibit`, a subject's or event's at the start of the `details` of its
    /// `add`, `edit` and `remove` entries (`S-002 added: ...`).
    pub fn record_ids(&self) -> impl Iterator<Item = (usize, &str, &Entry)> {
        self.lines.iter().filter_map(|line| {
            let entry = line.entry.as_ref().ok()?;
            let id = match &entry.exhibit {
                Some(id) => id.as_str(),
                None if matches!(entry.action.as_str(), "add" | "edit" | "remove") => {
                    let first = entry.details.split([' ', ':']).next()?;
                    is_record_id(first).then_some(first)?
                }
                None => return None,
            };
            Some((line.number, id, entry))
        })
    }

    /// The latest intake entry recorded for each exhibit (a copy entry precedes it), by exhibit
    /// id: one pass over the log, however many exhibits are looked up.
    pub fn intakes(&self) -> HashMap<&str, &Entry> {
        self.lines
            .iter()
            .filter_map(|line| line.entry.as_ref().ok())
            .filter(|e| e.action == "intake")
            .filter_map(|e| Some((e.exhibit.as_deref()?, e)))
            .collect()
    }
}

/// `S-001`, `V-1000`, `E-007`: a subject, event or exhibit id.
fn is_record_id(text: &str) -> bool {
    text.split_once('-').is_some_and(|(prefix, digits)| {
        matches!(prefix, "S" | "V" | "E")
            && digits.len() >= 3
            && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The log's lines, parsed one at a time (`sealed`: as in [`Log::parse`]).
pub fn lines(bytes: &[u8], sealed: bool) -> impl Iterator<Item = Line> + '_ {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n')
        .filter(move |_| !body.is_empty())
        .enumerate()
        .map(move |(i, raw)| parse_line(i + 1, raw, sealed))
}

fn parse_line(number: usize, raw: &[u8], sealed: bool) -> Line {
    let text = std::str::from_utf8(raw).map_err(|_| "not UTF-8 text".to_string());
    // A stub has the key `withheld`, spelt out or with escapes: a line with neither is not
    // parsed as one first (a dossier's log has a line per exhibit; parsing each twice, and
    // formatting the error, was a tenth of verifying 100,000 exhibits).
    let may_be_stub =
        sealed && (memchr::memmem::find(raw, b"withheld").is_some() || raw.contains(&b'\\'));
    if may_be_stub
        && let Ok(text) = &text
        && let Ok(stub) = serde_json::from_str::<WithheldLine>(text)
    {
        return Line {
            number,
            hash: stub.line_sha256,
            entry: Ok(Entry {
                time: String::new(),
                actor: String::new(),
                action: "withheld".to_string(),
                exhibit: Some(stub.withheld),
                sha256: None,
                details: String::new(),
                prev: stub.prev,
            }),
        };
    }
    Line {
        number,
        hash: sha256_bytes(raw),
        entry: text.and_then(|text| {
            serde_json::from_str(text).map_err(|e| format!("not a custody entry ({e})"))
        }),
    }
}

/// The first broken link of a log's bytes, read line by line without keeping the lines (for a
/// sealed log in a dossier, which may be large).
pub fn first_break_in(bytes: &[u8], sealed: bool) -> Option<Break> {
    first_break_of(lines(bytes, sealed))
}

/// As [`first_break_in`], reading the log as it streams: one line in memory at a time, and
/// nothing read past the first break.
pub fn first_break_in_reader(
    reader: impl std::io::Read,
    sealed: bool,
) -> std::io::Result<Option<Break>> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, reader);
    let mut failed = None;
    let mut raw = Vec::new();
    let mut number = 0;
    let lines = std::iter::from_fn(|| {
        raw.clear();
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) => None,
            Ok(_) => {
                if raw.last() == Some(&b'\n') {
                    raw.pop();
                }
                // A log that is one newline has no lines, as in `lines`.
                let at_end = reader.fill_buf().is_ok_and(|rest| rest.is_empty());
                if number == 0 && raw.is_empty() && at_end {
                    return None;
                }
                number += 1;
                Some(parse_line(number, &raw, sealed))
            }
            Err(e) => {
                failed = Some(e);
                None
            }
        }
    });
    let broken = first_break_of(lines);
    match failed {
        Some(e) => Err(e),
        None => Ok(broken),
    }
}

fn first_break_of<L: std::borrow::Borrow<Line>>(lines: impl Iterator<Item = L>) -> Option<Break> {
    let mut prev = GENESIS.to_string();
    for line in lines {
        let line = line.borrow();
        match &line.entry {
            Err(problem) => {
                return Some(Break {
                    line: line.number,
                    problem: problem.clone(),
                });
            }
            Ok(entry) if entry.prev != prev => {
                let problem = if line.number == 1 {
                    "the first entry does not start the chain: lines before it were removed"
                        .to_string()
                } else {
                    format!(
                        "it does not hold the hash of line {}: that line was edited, or lines \
                         between them were inserted or removed",
                        line.number - 1
                    )
                };
                return Some(Break {
                    line: line.number,
                    problem,
                });
            }
            Ok(_) => prev = line.hash.clone(),
        }
    }
    None
}

/// Something wrong with a log: where, what, and whether it is serious (an error) or only
/// worth a look (a warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub place: String,
    pub message: String,
    pub serious: bool,
}

/// Everything wrong with the log: its first broken link, and where it ends compared with the
/// head `case.json` recorded (a log cut short, or a last entry that is not the recorded one).
pub fn damage(log: &Log, recorded: Option<&CustodyHead>) -> Vec<Damage> {
    let mut found = Vec::new();
    let mut add = |place: String, message: String, serious: bool| {
        found.push(Damage {
            place,
            message,
            serious,
        })
    };
    if let Some(broken) = log.first_break() {
        add(
            format!("{FILE}:{}", broken.line),
            format!(
                "the chain of custody is broken at line {}: {}",
                broken.line, broken.problem
            ),
            true,
        );
    }
    let entries = log.lines.len();
    match recorded {
        Some(head) if entries < head.entries => add(
            FILE.to_string(),
            format!(
                "the custody log has {entries} entries but case.json records {}: entries were removed from its end",
                head.entries
            ),
            true,
        ),
        Some(head) if head.entries > 0 && log.lines[head.entries - 1].hash != head.last => add(
            format!("{FILE}:{}", head.entries),
            format!(
                "entry {} is not the one case.json recorded as the log's last",
                head.entries
            ),
            true,
        ),
        Some(head) if entries > head.entries => add(
            FILE.to_string(),
            format!(
                "the custody log has {} entries after the last one case.json records",
                entries - head.entries
            ),
            false,
        ),
        None if entries > 0 => add(
            "case.json".to_string(),
            "case.json does not record where the custody log ends (its \"custody\" field)"
                .to_string(),
            false,
        ),
        _ => {}
    }
    found
}

/// Who is acting: `DOSSIER_ACTOR`, else the login name.
pub fn actor() -> String {
    ["DOSSIER_ACTOR", "USER", "USERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Appends records after the log's current last line and returns the new head.
pub fn append(path: &Path, log: &Log, records: &[Record]) -> Result<Option<CustodyHead>> {
    let (text, head) = chain(log, records);
    append_at(path, log.length, text.as_bytes())?;
    Ok(head)
}

/// The lines that record `records` after the log's last line (a newline first if that line
/// lacks one), and the head the log will then have.
pub fn chain(log: &Log, records: &[Record]) -> (String, Option<CustodyHead>) {
    if records.is_empty() {
        return (String::new(), log.head());
    }
    let time = now_utc();
    let actor = actor();
    let mut prev = log
        .lines
        .last()
        .map_or(GENESIS.to_string(), |l| l.hash.clone());
    let mut text = String::new();
    if log.unterminated {
        text.push('\n');
    }
    for record in records {
        let entry = Entry {
            time: time.clone(),
            actor: actor.clone(),
            action: record.action.to_string(),
            exhibit: record.exhibit.clone(),
            sha256: record.sha256.clone(),
            details: record.details.clone(),
            prev,
        };
        let line = serde_json::to_string(&entry).expect("an entry always serialises");
        prev = sha256_bytes(line.as_bytes());
        text.push_str(&line);
        text.push('\n');
    }
    let head = CustodyHead {
        entries: log.lines.len() + records.len(),
        last: prev,
    };
    (text, Some(head))
}

/// Writes `text` at byte `length` of the log, all or nothing: whatever lies beyond `length` (the
/// part-written lines of a run that was killed) is cut first, and a failed write (a full disk)
/// is cut back to `length`, so the log never ends in half a line.
pub fn append_at(path: &Path, length: u64, text: &[u8]) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let mut file: File = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io("open for appending", path, e))?;
    let found = file
        .metadata()
        .map_err(|e| Error::io("read", path, e))?
        .len();
    if found < length {
        return Err(Error::input(
            format!(
                "{}: the custody log is shorter ({found} bytes) than when this command read it \
                 ({length} bytes)",
                path.display()
            ),
            "something other than dossier changed the log meanwhile: restore it from your \
             backup or version control, then run the command again",
        ));
    }
    let written = file
        .set_len(length)
        .and_then(|()| file.seek(SeekFrom::Start(length)))
        .and_then(|_| file.write_all(text))
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = file.set_len(length).and_then(|()| file.sync_all());
        return Err(Error::io("append to", path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(action: &'static str, exhibit: &str) -> Record {
        Record {
            action,
            exhibit: Some(exhibit.to_string()),
            sha256: Some("ab".repeat(32)),
            details: String::new(),
        }
    }

    #[test]
    fn a_chain_holds_until_a_line_is_edited_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let head = append(&path, &Log::default(), &[record("intake", "E-001")]).unwrap();
        let log = Log::read(&path).unwrap();
        let head2 = append(
            &path,
            &log,
            &[record("intake", "E-002"), record("check", "E-001")],
        )
        .unwrap()
        .unwrap();
        let log = Log::read(&path).unwrap();
        assert_eq!(log.first_break(), None);
        assert_eq!(log.head().unwrap(), head2);
        assert_eq!(head.unwrap().entries, 1);
        assert_eq!(log.intakes()["E-002"].action, "intake");

        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("E-002", "E-009", 1)).unwrap();
        assert_eq!(Log::read(&path).unwrap().first_break().unwrap().line, 3);

        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert_eq!(Log::read(&path).unwrap().first_break().unwrap().line, 2);

        std::fs::write(&path, format!("{}\n", lines[1])).unwrap();
        assert_eq!(Log::read(&path).unwrap().first_break().unwrap().line, 1);
    }

    #[test]
    fn a_streamed_log_breaks_where_the_whole_log_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let records = [record("intake", "E-001"), record("intake", "E-002")];
        append(&path, &Log::default(), &records).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let second = serde_json::from_str::<Entry>(lines[1]).unwrap();
        let stub = format!(
            r#"{{"withheld":"E-002","prev":"{}","line_sha256":"{}"}}"#,
            second.prev,
            sha256_bytes(lines[1].as_bytes())
        );
        let cases = [
            String::new(),
            "\n".into(),
            "\n\n".into(),
            text.clone(),
            text.trim_end().into(),
            format!("{text}\n"),
            format!("{}\n{stub}\n", lines[0]),
            format!("{}\n{}\n", lines[0], stub.replace("withheld", "withheld_")),
            text.replacen("E-002", "E-009", 1),
            format!("{}\n", lines[1]),
        ];
        for case in cases {
            for sealed in [true, false] {
                let streamed = first_break_in_reader(case.as_bytes(), sealed).unwrap();
                assert_eq!(
                    streamed,
                    first_break_in(case.as_bytes(), sealed),
                    "{case:?}"
                );
            }
        }
        let stubbed = format!("{}\n{stub}\n", lines[0]);
        assert_eq!(
            first_break_in_reader(stubbed.as_bytes(), true).unwrap(),
            None
        );
    }
}
