//! The case folder: `case.json`, read and written whole, and the workspace a command edits.
//!
//! Owns loading (with line and column on bad JSON), atomic saving, id allocation and id lookup.
//! It does not validate the content of records beyond the schema (`check` does) and does not
//! touch evidence files (`intake` does).

pub mod check;
pub mod custody;
pub mod edit;
pub mod filing;
pub mod import;
pub mod intake;
pub mod journal;
pub mod lock;
mod model;
pub mod records;

use std::path::{Path, PathBuf};

pub use model::*;

use crate::error::{Error, Result};
use custody::{Log, Record};

/// The structured file of a case folder.
pub const CASE_FILE: &str = "case.json";
/// The folder holding the exhibit files.
pub const EVIDENCE_DIR: &str = "evidence";
/// The folder holding the Markdown narrative.
pub const NARRATIVE_DIR: &str = "narrative";

/// Reads and parses `case.json` in `root`.
pub fn load(root: &Path) -> Result<Case> {
    let path = root.join(CASE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoCase {
                path: root.to_path_buf(),
            });
        }
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let case: Case = serde_json::from_str(&text).map_err(|e| {
        let mut error = Error::json(&path, &e);
        // An entry of the filing record edited by hand is named by its id, as `check` names it.
        if let (Some(id), Error::Json { message, .. }) =
            (filing::unreadable_entry(&text, &e), &mut error)
        {
            message.push_str(&format!(" (in the filing record entry {id})"));
        }
        error
    })?;
    validate_ids(&case, &path)?;
    if case.schema != SCHEMA {
        return Err(Error::input(
            format!(
                "{}: schema {} is not the one this dossier reads ({SCHEMA})",
                path.display(),
                case.schema
            ),
            "use the dossier version that wrote the case, or set \"schema\" back if you changed it",
        ));
    }
    Ok(case)
}

/// True for a case id usable in file names: letters, digits, `.`, `_`, `-`, at most 64.
pub fn is_valid_case_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Ids become file names in a dossier (`E-001-<name>`): a malformed or repeated one is refused
/// when the case is read, before it can reach a path.
fn validate_ids(case: &Case, path: &Path) -> Result<()> {
    if !is_valid_case_id(&case.id) {
        return Err(Error::input(
            format!(
                "{}: the case id `{}` cannot be used in file names",
                path.display(),
                case.id
            ),
            "set \"id\" to letters, digits, '.', '_' and '-' only (at most 64), e.g. \"NZ-LANTERN-2019\"",
        ));
    }
    let groups = [
        (
            "S",
            "subject",
            case.subjects
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "V",
            "event",
            case.events.iter().map(|e| e.id.as_str()).collect(),
        ),
        (
            "E",
            "exhibit",
            case.exhibits.iter().map(|e| e.id.as_str()).collect(),
        ),
    ];
    for (prefix, kind, ids) in groups {
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            let number = id
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('-'))
                .filter(|d| d.len() >= 3 && d.bytes().all(|b| b.is_ascii_digit()))
                .map(|d| d.parse::<u64>());
            match number {
                Some(Ok(n)) if n < u64::MAX => {}
                Some(_) => {
                    return Err(Error::input(
                        format!("{}: the {kind} id `{id}` is too large", path.display()),
                        format!("renumber the {kind}s from {prefix}-001 in case.json"),
                    ));
                }
                None => {
                    return Err(Error::input(
                        format!(
                            "{}: the {kind} id `{id}` is not of the form {prefix}-001",
                            path.display()
                        ),
                        format!(
                            "give the {kind} an id such as {prefix}-001 (three or more digits)"
                        ),
                    ));
                }
            }
            if !seen.insert(id) {
                return Err(Error::input(
                    format!("{}: two {kind}s have the id {id}", path.display()),
                    "give each record its own id (new ids continue after the highest)",
                ));
            }
        }
    }
    Ok(())
}

/// Writes `case.json` atomically: a temporary file beside it, then a rename.
pub fn save(root: &Path, case: &Case) -> Result<()> {
    crate::disk::write_atomically(&root.join(CASE_FILE), case_text(case).as_bytes())
}

/// `case.json` as written: pretty-printed, with a final newline.
fn case_text(case: &Case) -> String {
    let mut text = serde_json::to_string_pretty(case).expect("a case always serialises");
    text.push('\n');
    text
}

/// The next free id with `prefix` ("E", "S", "V"): one more than the highest in use.
pub fn next_id<'a>(prefix: &str, used: impl IntoIterator<Item = &'a str>) -> String {
    format_id(prefix, highest_id(prefix, used) + 1)
}

/// The highest number in use among ids with `prefix` (0 if none). The loader refuses
/// `u64::MAX`, so one more always fits.
pub fn highest_id<'a>(prefix: &str, used: impl IntoIterator<Item = &'a str>) -> u64 {
    used.into_iter()
        .filter_map(|id| {
            id.strip_prefix(prefix)?
                .strip_prefix('-')?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0)
}

/// `E-007`, `E-1000`.
pub fn format_id(prefix: &str, number: u64) -> String {
    format!("{prefix}-{number:03}")
}

/// A case opened for editing: changes are made in memory and written by [`Workspace::commit`].
pub struct Workspace {
    pub root: PathBuf,
    pub case: Case,
    log: Log,
    /// The highest subject and event numbers given when the case was opened: records above them
    /// are new, and their addition is logged at the commit.
    opened_highest: (u64, u64),
    records: Vec<Record>,
    /// Verified copies waiting to be moved into place by the commit, with their final paths
    /// relative to the case folder.
    copies: Vec<(tempfile::NamedTempFile, String)>,
}

impl Workspace {
    /// Opens the case in `root`.
    pub fn open(root: &Path) -> Result<Workspace> {
        let mut case = load(root)?;
        let log = Log::read(&root.join(custody::FILE))?;
        case.logged_ids = log.record_ids().map(|(_, id, _)| id.to_string()).collect();
        case.logged_ids.sort();
        case.logged_ids.dedup();
        let opened_highest = (case.highest_issued("S"), case.highest_issued("V"));
        Ok(Workspace {
            root: root.to_path_buf(),
            case,
            log,
            opened_highest,
            records: Vec::new(),
            copies: Vec::new(),
        })
    }

    /// A workspace for a case not yet on disk (a custody log already there is continued).
    pub fn create(root: &Path, case: Case) -> Workspace {
        Workspace {
            root: root.to_path_buf(),
            case,
            log: Log::read(&root.join(custody::FILE)).unwrap_or_default(),
            opened_highest: (0, 0),
            records: Vec::new(),
            copies: Vec::new(),
        }
    }

    /// The custody log as it was when the case was opened.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// True if the log's chain holds and it starts with the entries `case.json` recorded.
    fn log_agrees_with_case(&self) -> bool {
        custody::damage(&self.log, self.case.custody.as_ref())
            .iter()
            .all(|d| !d.serious)
    }

    /// The highest exhibit number ever given in the case: new exhibits continue after it, so an
    /// exhibit withdrawn, or removed from `case.json` by hand, never lends its id to another file.
    pub fn highest_exhibit(&self) -> u64 {
        self.case.highest_issued("E")
    }

    /// Custody entries for the subjects and events added since the case was opened (`subject
    /// add`, `event add`, `import`): the log then names every id given, and a record removed
    /// from `case.json` by hand is still known.
    fn additions(&self) -> Vec<Record> {
        let (subjects, events) = self.opened_highest;
        let added_subjects = self
            .case
            .subjects
            .iter()
            .filter(|s| highest_id("S", [s.id.as_str()]) > subjects)
            .map(|s| format!("{} added: {}", s.id, s.name));
        let added_events = self
            .case
            .events
            .iter()
            .filter(|e| highest_id("V", [e.id.as_str()]) > events)
            .map(|e| format!("{} added: {} {}", e.id, e.date, e.title));
        added_subjects
            .chain(added_events)
            .map(|details| Record {
                action: "add",
                exhibit: None,
                sha256: None,
                details,
            })
            .collect()
    }

    /// Queues a custody entry, written by [`Workspace::commit`].
    pub fn record(&mut self, record: Record) {
        self.records.push(record);
    }

    /// Queues a verified copy (a temporary file under `evidence/`), moved to `target` (relative
    /// to the case folder) by [`Workspace::commit`]; until then the case does not show it.
    pub fn place(&mut self, copy: tempfile::NamedTempFile, target: String) {
        self.copies.push((copy, target));
    }

    /// Places the queued copies, appends the queued custody entries and writes `case.json` with
    /// the log's new head, all or nothing (see [`journal`]).
    ///
    /// The recorded head moves only while the log agrees with it: a log that was edited or cut
    /// short keeps the old head, so the damage stays visible to every later `check`.
    pub fn commit(mut self) -> Result<Case> {
        let mut records = self.additions();
        records.append(&mut self.records);
        self.records = records;
        let (lines, head) = custody::chain(&self.log, &self.records);
        if !self.records.is_empty() && self.log_agrees_with_case() {
            self.case.custody = head;
        }
        journal::commit(
            &self.root,
            &case_text(&self.case),
            self.log.length,
            lines,
            self.copies,
        )?;
        Ok(self.case)
    }
}

impl Case {
    /// The next id with `prefix` ("S", "V", "E"): one more than the highest ever given, removed
    /// and withdrawn records included. Ids are never reused.
    pub fn next_id(&self, prefix: &str) -> String {
        format_id(prefix, self.highest_issued(prefix) + 1)
    }

    /// The highest number given to an id with `prefix`: in the records, among the retired, and
    /// in the custody log (of a case opened for editing).
    pub fn highest_issued(&self, prefix: &str) -> u64 {
        let ids = self
            .subjects
            .iter()
            .map(|s| s.id.as_str())
            .chain(self.events.iter().map(|e| e.id.as_str()))
            .chain(self.exhibits.iter().map(|e| e.id.as_str()))
            .chain(self.retired.iter().map(|r| r.id.as_str()))
            .chain(self.logged_ids.iter().map(String::as_str));
        highest_id(prefix, ids)
    }

    /// Says that `id` was removed or withdrawn, and why.
    fn retired_hint(&self, id: &str) -> Option<String> {
        let retired = self.retired(id)?;
        let done = if retired.exhibit.is_some() {
            "withdrawn"
        } else {
            "removed"
        };
        Some(format!(
            "{id} was {done} on {} ({}); it cannot be referred to again, and its id is not reused",
            retired.at, retired.reason
        ))
    }

    /// The record taken out under `id`, if any.
    pub fn retired(&self, id: &str) -> Option<&Retired> {
        self.retired.iter().find(|r| r.id == id)
    }

    pub fn subject(&self, id: &str) -> Option<&Subject> {
        self.subjects.iter().find(|s| s.id == id)
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    pub fn exhibit(&self, id: &str) -> Option<&Exhibit> {
        self.exhibits.iter().find(|e| e.id == id)
    }

    /// The events an exhibit supports (the link is stored on the event).
    pub fn events_of(&self, exhibit: &str) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(move |e| e.exhibits.iter().any(|x| x == exhibit))
    }

    /// The ids of the events each exhibit supports, in the events' order: `events_of` of every
    /// exhibit at once, in one pass over the events.
    pub fn events_by_exhibit(&self) -> std::collections::HashMap<&str, Vec<&str>> {
        let mut map: std::collections::HashMap<&str, Vec<&str>> = Default::default();
        for event in &self.events {
            for exhibit in &event.exhibits {
                let events = map.entry(exhibit.as_str()).or_default();
                if events.last() != Some(&event.id.as_str()) {
                    events.push(event.id.as_str());
                }
            }
        }
        map
    }

    /// Fails with a helpful message unless the exhibit exists.
    pub fn require_exhibit(&self, id: &str, context: &str) -> Result<()> {
        require(self.exhibit(id).is_some(), context, "exhibit", id, || {
            self.retired_hint(id).unwrap_or_else(|| {
                list_ids(
                    "exhibits",
                    self.exhibits.iter().map(|e| e.id.as_str()),
                    "dossier exhibit list",
                )
            })
        })
    }

    /// Fails with a helpful message unless the subject exists.
    pub fn require_subject(&self, id: &str, context: &str) -> Result<()> {
        require(self.subject(id).is_some(), context, "subject", id, || {
            self.retired_hint(id).unwrap_or_else(|| {
                list_ids(
                    "subjects",
                    self.subjects.iter().map(|s| s.id.as_str()),
                    "dossier subject list",
                )
            })
        })
    }

    /// Fails with a helpful message unless the event exists.
    pub fn require_event(&self, id: &str, context: &str) -> Result<()> {
        require(self.event(id).is_some(), context, "event", id, || {
            self.retired_hint(id).unwrap_or_else(|| {
                list_ids(
                    "events",
                    self.events.iter().map(|e| e.id.as_str()),
                    "dossier event list",
                )
            })
        })
    }
}

fn require(
    found: bool,
    context: &str,
    kind: &'static str,
    id: &str,
    hint: impl FnOnce() -> String,
) -> Result<()> {
    if found {
        return Ok(());
    }
    Err(Error::UnknownId {
        context: context.to_string(),
        kind,
        id: id.to_string(),
        hint: hint(),
    })
}

fn list_ids<'a>(what: &str, ids: impl Iterator<Item = &'a str>, command: &str) -> String {
    let ids: Vec<&str> = ids.collect();
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) => {
            format!("the case has {what} {first} to {last}; `{command}` shows them all")
        }
        _ => format!("the case has no {what} yet; add them first"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_continue_after_the_highest() {
        assert_eq!(next_id("E", []), "E-001");
        assert_eq!(next_id("E", ["E-001", "E-007", "S-009"]), "E-008");
        assert_eq!(next_id("V", ["V-999"]), "V-1000");
        assert_eq!(next_id("E", ["E-999999999"]), "E-1000000000");
        assert_eq!(next_id("S", ["S-9999999999"]), "S-10000000000");
    }
}
