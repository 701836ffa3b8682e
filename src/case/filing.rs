//! The filing record: what became of the referral with each regime once it was sealed (filed,
//! acknowledged, follow-up, designated, declined, withdrawn), each entry about one sealed dossier.
//!
//! Owns the rules of the record ([`breaches`]: a date neither in the future nor before the
//! dossier's sealing day, a filing before anything that follows one and nothing but a filing
//! after a withdrawal, an answer only about a dossier sent to the regime before it, the
//! authority's reference for a designation), which `status add` and `status remove` apply to the
//! record they would leave and `check` to the record case.json holds; also the ids `F-001`...,
//! the record's order (by date) and its custody entries. It does not open dossiers: the caller
//! verifies one and hands back its name, fingerprint and sealing day ([`FiledDossier`]).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::case::custody::Record;
use crate::case::edit::{required_reason, retire};
use crate::case::records::{optional, parse_date};
use crate::case::{Case, FiledDossier, FilingEntry, FilingState, Workspace, format_id, highest_id};
use crate::date::CaseDate;
use crate::error::{Error, Result};

/// The prefix of filing record ids.
pub const PREFIX: &str = "F";

/// The custody action of an entry added to the filing record.
pub const ACTION: &str = "status";

/// Where `build` writes dossiers by default: offered when `filed` is given none.
const DOSSIERS_DIR: &str = "dossiers";

/// An entry as given on the command line.
#[derive(Debug, Clone)]
pub struct FilingSpec {
    pub state: FilingState,
    pub regime: String,
    /// A date in any form of the case; `None`: today (UTC).
    pub date: Option<String>,
    /// The dossier the entry is about (a zip or an unpacked folder, as given).
    pub dossier: Option<PathBuf>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// Adds an entry to the filing record and queues its custody entry. The cheap checks come
/// first; then `verify` opens the dossier given (it must be intact and of this case) and returns
/// its name and fingerprint. `today` is the UTC day: no entry is dated after it.
pub fn add_entry(
    ws: &mut Workspace,
    spec: &FilingSpec,
    today: NaiveDate,
    verify: impl FnOnce(&Path) -> Result<FiledDossier>,
) -> Result<FilingEntry> {
    let regime = case_regime(&ws.case, &spec.regime)?;
    let date = entry_date(spec.date.as_deref(), today)?;
    let reference = optional(&spec.reference);
    if spec.state == FilingState::Designated && reference.is_none() {
        return Err(Error::input(
            format!("a designation by {regime}'s authority needs its reference"),
            format!(
                "add --ref with the notice number or the press release's address, e.g. \
                 dossier status add designated --regime {regime} --ref \
                 \"https://example.gov/press/sb0000\""
            ),
        ));
    }
    if spec.state == FilingState::Filed && spec.dossier.is_none() {
        return Err(Error::input(
            format!("a `filed` entry names the dossier sent to {regime}'s authority"),
            dossier_hint(&ws.root),
        ));
    }
    // Entries dated up to this one come before it in the record (later ones after). A record
    // reordered by hand is put back in date order first (stable: same-day entries keep theirs).
    ws.case.filing.sort_by_key(|e| e.date);
    let at = ws.case.filing.partition_point(|e| e.date <= date);
    let earlier: Vec<&FilingEntry> = ws.case.filing[..at]
        .iter()
        .filter(|e| e.regime == regime)
        .collect();
    follows_a_filing(&earlier, spec.state, &regime, &date).map_err(Breach::into_error)?;
    let dossier = match &spec.dossier {
        Some(path) => Some(verify(path)?),
        None => earlier.iter().rev().find_map(|e| e.dossier.clone()),
    };
    // A zip and its unpacked folder are one dossier: the fingerprint says which.
    let fingerprint = |d: &Option<FiledDossier>| d.as_ref().map(|d| d.fingerprint.clone());
    if let Some(twin) = ws.case.filing.iter().find(|e| {
        e.regime == regime
            && e.state == spec.state
            && e.date == date
            && fingerprint(&e.dossier) == fingerprint(&dossier)
    }) {
        return Err(Error::input(
            format!(
                "{regime} {} on {date} is already recorded, as {}",
                spec.state.as_str(),
                twin.id
            ),
            "`dossier status` shows the record; an entry is recorded once",
        ));
    }
    let entry = FilingEntry {
        id: format_id(PREFIX, highest_issued(ws) + 1),
        regime,
        state: spec.state,
        date,
        dossier,
        reference,
        note: optional(&spec.note),
    };
    // The record as it would be: whatever rule that breaks and the record did not already
    // (the entry dated before its dossier, a dossier never sent, a later entry now following a
    // withdrawal) refuses the entry, and nothing is written.
    let mut after = ws.case.filing.clone();
    after.insert(at, entry.clone());
    let before = breaches(&ws.case.filing, today);
    if let Some(new) = breaches(&after, today)
        .into_iter()
        .find(|b| !before.contains(b))
    {
        if new.id == entry.id {
            return Err(new.into_error());
        }
        let broken = after
            .iter()
            .find(|e| e.id == new.id)
            .map_or(new.id.clone(), |e| format!("{} ({})", e.id, summary(e)));
        return Err(Error::input(
            format!(
                "with this entry, {broken} would break a rule: {}",
                new.message
            ),
            format!(
                "{} (or date this entry differently; `dossier status` shows the record)",
                new.fix
            ),
        ));
    }
    ws.record(Record {
        action: ACTION,
        exhibit: None,
        sha256: None,
        details: details(&entry),
    });
    ws.case.filing.insert(at, entry.clone());
    Ok(entry)
}

/// Takes an entry out of the filing record (into `retired`, with the reason) and queues its
/// custody entry. A filing that later entries follow stays until they are removed, as does any
/// entry without which another would break a rule (a follow-up that sent the dossier a later
/// entry answers). `today`: the UTC day.
pub fn remove_entry(
    ws: &mut Workspace,
    id: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<FilingEntry> {
    let id = id.trim();
    let reason = required_reason(reason, id, "status remove")?;
    let Some(at) = ws.case.filing.iter().position(|e| e.id == id) else {
        return Err(unknown_entry(&ws.case, id));
    };
    let before = breaches(&ws.case.filing, today);
    let entry = ws.case.filing.remove(at);
    let trail: Vec<&FilingEntry> = ws
        .case
        .filing
        .iter()
        .filter(|e| e.regime == entry.regime)
        .collect();
    let orphans: Vec<&str> = trail
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            e.state != FilingState::Filed
                && follows_a_filing(&trail[..*i], e.state, &e.regime, &e.date).is_err()
        })
        .map(|(_, e)| e.id.as_str())
        .collect();
    if !orphans.is_empty() {
        return Err(Error::input(
            format!(
                "{id} is the filing that {} of {} follow",
                orphans.join(", "),
                entry.regime
            ),
            "remove those first (`dossier status remove ID --reason ...`), or record the \
             filing they follow before removing this one",
        ));
    }
    if let Some(new) = breaches(&ws.case.filing, today)
        .into_iter()
        .find(|b| !before.contains(b))
    {
        return Err(Error::input(
            format!(
                "without {id}, {} would break a rule: {}",
                new.id, new.message
            ),
            format!(
                "remove {} first, or correct it: {} (`dossier status` shows the record)",
                new.id, new.fix
            ),
        ));
    }
    ws.record(Record {
        action: "remove",
        exhibit: None,
        sha256: None,
        details: format!("{id} removed: {reason} (was: {})", summary(&entry)),
    });
    let kept = entry.clone();
    retire(ws, id, reason, |retired| retired.filing = Some(kept));
    Ok(entry)
}

/// Each regime's trail in date order: the case's regimes first, in their order (an empty trail
/// for one with no entry), then any regime the record names that the case no longer targets.
pub fn trails(case: &Case) -> Vec<(&str, Vec<&FilingEntry>)> {
    let mut regimes: Vec<&str> = case.regimes.iter().map(String::as_str).collect();
    for entry in &case.filing {
        if !regimes.contains(&entry.regime.as_str()) {
            regimes.push(&entry.regime);
        }
    }
    regimes
        .into_iter()
        .map(|regime| {
            let trail = case.filing.iter().filter(|e| e.regime == regime).collect();
            (regime, trail)
        })
        .collect()
}

/// The custody entry's details: everything the entry holds.
fn details(entry: &FilingEntry) -> String {
    let mut text = format!("{} {}", entry.id, summary(entry));
    let mut parts = Vec::new();
    if let Some(dossier) = &entry.dossier {
        parts.push(format!(
            "dossier {}, fingerprint {}",
            dossier.file, dossier.fingerprint
        ));
    }
    if let Some(reference) = &entry.reference {
        parts.push(format!("ref {reference}"));
    }
    if let Some(note) = &entry.note {
        parts.push(format!("note {note}"));
    }
    if !parts.is_empty() {
        text.push_str(": ");
        text.push_str(&parts.join("; "));
    }
    text
}

/// `us-glomag filed on 2026-11-25`.
fn summary(entry: &FilingEntry) -> String {
    format!(
        "{} {} on {}",
        entry.regime,
        entry.state.as_str(),
        entry.date
    )
}

/// The regime as the case spells it, or an error listing the case's regimes.
fn case_regime(case: &Case, regime: &str) -> Result<String> {
    let regime = regime.trim();
    if case.regimes.iter().any(|r| r == regime) {
        return Ok(regime.to_string());
    }
    Err(Error::input(
        format!("the case does not target the regime `{regime}`"),
        if case.regimes.is_empty() {
            "the case has no regime: add one to \"regimes\" in case.json first".to_string()
        } else {
            format!(
                "give one of the case's regimes: {} (e.g. --regime {})",
                case.regimes.join(", "),
                case.regimes[0]
            )
        },
    ))
}

/// `--date` in any form of the case (default: today), never after today.
fn entry_date(text: Option<&str>, today: NaiveDate) -> Result<CaseDate> {
    let date = match text {
        Some(text) => parse_date(text, "--date")?,
        None => today
            .format("%Y-%m-%d")
            .to_string()
            .parse()
            .expect("a day is a date"),
    };
    if date.first_day() > today {
        return Err(Error::input(
            format!("--date {date} is after today ({today}, UTC)"),
            "the filing record says what has happened: give the day it happened, or leave \
             --date out for today",
        ));
    }
    Ok(date)
}

/// Anything but `filed` follows a filing to the same regime dated on or before it (`earlier`:
/// the regime's entries before it, in date order), and nothing but a new filing follows a
/// withdrawal. The breach is told of the entry `{regime} {state} on {date}`.
fn follows_a_filing(
    earlier: &[&FilingEntry],
    state: FilingState,
    regime: &str,
    date: &CaseDate,
) -> std::result::Result<(), Breach> {
    if state == FilingState::Filed {
        return Ok(());
    }
    let filed = earlier.iter().any(|e| e.state == FilingState::Filed);
    if !filed {
        return Err(Breach::new(
            format!(
                "{regime} has no `filed` entry on or before {date}: `{}` follows a filing",
                state.as_str()
            ),
            format!(
                "record the filing first: dossier status add filed --regime {regime} --date DAY \
                 --dossier PATH, or date this entry on or after the filing (`--date`; \
                 `dossier status` shows the record)"
            ),
        ));
    }
    if let Some(last) = earlier.last()
        && last.state == FilingState::Withdrawn
    {
        return Err(Breach::new(
            format!(
                "the referral to {regime} was withdrawn on {} ({}): `{}` cannot follow it",
                last.date,
                last.id,
                state.as_str()
            ),
            format!(
                "record a new filing first (dossier status add filed --regime {regime} \
                 --dossier PATH), or remove {} if it was a mistake",
                last.id
            ),
        ));
    }
    Ok(())
}

/// A rule of the filing record that an entry breaks: which entry, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The entry's id as case.json gives it (set by [`breaches`]).
    pub id: String,
    pub regime: String,
    pub message: String,
    pub fix: String,
}

impl Breach {
    fn new(message: String, fix: String) -> Breach {
        Breach {
            id: String::new(),
            regime: String::new(),
            message,
            fix,
        }
    }

    fn of(mut self, entry: &FilingEntry) -> Breach {
        self.id = entry.id.clone();
        self.regime = entry.regime.clone();
        self
    }

    fn into_error(self) -> Error {
        Error::input(self.message, self.fix)
    }
}

/// Every rule of the filing record that `record` breaks, entry by entry: what `status add`
/// refuses, found again in a record edited by hand (`check` reports them). The regimes are not
/// judged here (the caller knows the case's and the templates'). `today`: the UTC day.
pub fn breaches(record: &[FilingEntry], today: NaiveDate) -> Vec<Breach> {
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for entry in record {
        let well_formed = entry
            .id
            .strip_prefix("F-")
            .is_some_and(|d| d.len() >= 3 && d.len() < 20 && d.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            found.push(
                Breach::new(
                    format!(
                        "the filing record entry id `{}` is not of the form F-001",
                        entry.id
                    ),
                    "give it the next free id (F- and three or more digits) in case.json".into(),
                )
                .of(entry),
            );
        } else if !seen.insert(entry.id.as_str()) {
            found.push(
                Breach::new(
                    format!("two filing record entries have the id {}", entry.id),
                    "give each entry its own id in case.json (new ids continue after the highest)"
                        .into(),
                )
                .of(entry),
            );
        }
    }
    // Each regime's trail in date order (a stable sort: same-day entries keep their order).
    let mut dated: Vec<&FilingEntry> = record.iter().collect();
    dated.sort_by_key(|e| e.date);
    for (i, entry) in dated.iter().enumerate() {
        let earlier: Vec<&FilingEntry> = dated[..i]
            .iter()
            .filter(|e| e.regime == entry.regime)
            .copied()
            .collect();
        let trail: Vec<&FilingEntry> = dated
            .iter()
            .filter(|e| e.regime == entry.regime)
            .copied()
            .collect();
        let breaches = entry_breaches(entry, &earlier, &trail, today);
        found.extend(breaches.into_iter().map(|b| b.of(entry)));
    }
    found
}

/// The rules one entry breaks, `earlier` being its regime's entries before it and `trail` all
/// of them, in date order.
fn entry_breaches(
    entry: &FilingEntry,
    earlier: &[&FilingEntry],
    trail: &[&FilingEntry],
    today: NaiveDate,
) -> Vec<Breach> {
    let what = summary(entry);
    let mut found = Vec::new();
    if entry.date.first_day() > today {
        found.push(Breach::new(
            format!("{what} is dated after today ({today}, UTC)"),
            "the filing record says what has happened: date it the day it happened \
             (`--date`; in case.json its \"date\")"
                .into(),
        ));
    }
    if entry.state == FilingState::Designated
        && entry
            .reference
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        found.push(Breach::new(
            format!("{what} has no reference from the authority"),
            "set its \"ref\" in case.json to the notice number or the press release's address \
             (`status add designated` takes it as --ref)"
                .into(),
        ));
    }
    match &entry.dossier {
        None if entry.state == FilingState::Filed => found.push(Breach::new(
            format!("{what} names no dossier: a filing refers to the dossier sent"),
            format!(
                "remove it (dossier status remove {} --reason ...) and record it again with \
                 --dossier PATH, which fills in the dossier's name, fingerprint and date",
                entry.id
            ),
        )),
        None => {}
        Some(dossier) => found.extend(dossier_breaches(entry, dossier, earlier, trail)),
    }
    if let Err(breach) = follows_a_filing(earlier, entry.state, &entry.regime, &entry.date) {
        found.push(breach);
    }
    found
}

/// The dossier an entry names: a well-formed fingerprint, sealed on or before the entry's date,
/// and, for an entry that answers a submission (acknowledged, designated, declined, withdrawn),
/// one sent to the regime (filed or followed up) on or before it.
fn dossier_breaches(
    entry: &FilingEntry,
    dossier: &FiledDossier,
    earlier: &[&FilingEntry],
    trail: &[&FilingEntry],
) -> Vec<Breach> {
    let what = summary(entry);
    let mut found = Vec::new();
    let fingerprint = &dossier.fingerprint;
    if !is_sha256(fingerprint) {
        found.push(Breach::new(
            format!(
                "{what} gives the dossier {} the fingerprint `{fingerprint}`, which is not a \
                 SHA-256 (64 lowercase hexadecimal digits)",
                dossier.file
            ),
            format!(
                "remove it (dossier status remove {} --reason ...) and record it again with \
                 --dossier PATH, which takes the fingerprint from the dossier",
                entry.id
            ),
        ));
        return found;
    }
    if let Some(sealed) = &dossier.sealed
        && entry.date.last_day() < sealed.first_day()
    {
        found.push(Breach::new(
            format!(
                "{what} is dated before its dossier {} was sealed ({sealed}): nothing can \
                 happen to a dossier before it exists",
                dossier.file
            ),
            format!(
                "give the day it happened, on or after {sealed} (`--date {sealed}` or later; \
                 in case.json its \"date\")"
            ),
        ));
    }
    let answers = !matches!(entry.state, FilingState::Filed | FilingState::FollowUp);
    let sent = earlier.iter().any(|e| {
        matches!(e.state, FilingState::Filed | FilingState::FollowUp)
            && e.dossier
                .as_ref()
                .is_some_and(|d| d.fingerprint == *fingerprint)
    });
    if answers && !sent && earlier.iter().any(|e| e.state == FilingState::Filed) {
        // Sent later: the entry goes back in time.
        let later = trail
            .iter()
            .find(|e| {
                e.state == FilingState::Filed
                    && e.date > entry.date
                    && e.dossier
                        .as_ref()
                        .is_some_and(|d| d.fingerprint == *fingerprint)
            })
            .map(|filing| {
                format!(
                    "it was filed on {} ({}): date this entry on or after that (`--date {}` or \
                     later; in case.json its \"date\")",
                    filing.date,
                    filing.id,
                    filing.date.last_day()
                )
            });
        found.push(Breach::new(
            format!(
                "{what} is about the dossier {} (fingerprint {fingerprint}), which was not filed \
                 or followed up with {} on or before {}",
                dossier.file, entry.regime, entry.date
            ),
            later.unwrap_or_else(|| {
                format!(
                    "record its filing first (dossier status add filed --regime {} --dossier \
                     PATH), or give this entry the dossier that was filed (`--dossier`)",
                    entry.regime
                )
            }),
        ));
    }
    found
}

/// The id of the filing record entry in case.json's `text` that `error` (reading the whole
/// case) is about: the first entry that cannot be read alone, with the same complaint.
pub fn unreadable_entry(text: &str, error: &serde_json::Error) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let complaint = |e: &serde_json::Error| {
        let text = e.to_string();
        text.find(" at line ")
            .map_or(text.clone(), |at| text[..at].to_string())
    };
    let wanted = complaint(error);
    json.get("filing")?
        .as_array()?
        .iter()
        .enumerate()
        .find_map(|(i, entry)| {
            let failed = serde_json::from_value::<FilingEntry>(entry.clone()).err()?;
            (complaint(&failed) == wanted).then(|| match entry.get("id").and_then(|v| v.as_str()) {
                Some(id) => id.to_string(),
                None => format!("number {} (it has no id)", i + 1),
            })
        })
}

/// 64 lowercase hexadecimal digits, as a fingerprint is written.
fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The highest filing record number ever given: in the record, among removed entries, and in
/// the custody log (so an entry deleted from `case.json` by hand keeps its id too).
fn highest_issued(ws: &Workspace) -> u64 {
    let logged = ws.log().lines.iter().filter_map(|line| {
        let entry = line.entry.as_ref().ok()?;
        let logged = entry.action == ACTION || entry.action == "remove";
        logged.then(|| entry.details.split(' ').next()).flatten()
    });
    let ids = ws
        .case
        .filing
        .iter()
        .map(|e| e.id.as_str())
        .chain(ws.case.retired.iter().map(|r| r.id.as_str()))
        .chain(logged);
    highest_id(PREFIX, ids)
}

fn unknown_entry(case: &Case, id: &str) -> Error {
    if let Some(retired) = case.retired(id) {
        return Error::input(
            format!("{id} was removed on {} ({})", retired.at, retired.reason),
            "it is no longer in the filing record; `dossier status` shows what is",
        );
    }
    let ids: Vec<&str> = case.filing.iter().map(|e| e.id.as_str()).collect();
    Error::input(
        format!("the filing record has no entry {id}"),
        match (ids.first(), ids.last()) {
            (Some(first), Some(last)) => {
                format!("its entries are {first} to {last}; `dossier status` shows them")
            }
            _ => "the filing record is empty; `dossier status add` records an entry".to_string(),
        },
    )
}

/// The fix for a `filed` entry without a dossier: the newest dossiers of the case's `dossiers/`.
fn dossier_hint(root: &Path) -> String {
    let mut found: Vec<(std::time::SystemTime, String)> =
        std::fs::read_dir(root.join(DOSSIERS_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let modified = entry.metadata().ok()?.modified().ok()?;
                name.ends_with(".zip").then_some((modified, name))
            })
            .collect();
    found.sort_by(|a, b| b.cmp(a));
    match found.first() {
        Some((_, newest)) => format!(
            "add --dossier with the dossier that was sent (its zip or unpacked folder), e.g. \
             --dossier \"{DOSSIERS_DIR}/{newest}\" (the newest in {DOSSIERS_DIR}/)"
        ),
        None => "add --dossier with the dossier that was sent (its zip or unpacked folder; \
                 `dossier build` makes one)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FINGERPRINT: &str = "5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e5f3e";

    fn entry(id: &str, state: FilingState, date: &str, sealed: Option<&str>) -> FilingEntry {
        FilingEntry {
            id: id.into(),
            regime: "us-glomag".into(),
            state,
            date: date.parse().unwrap(),
            dossier: Some(FiledDossier {
                file: "D.zip".into(),
                fingerprint: FINGERPRINT.into(),
                sealed: sealed.map(|d| d.parse().unwrap()),
            }),
            reference: None,
            note: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    /// A date counts as on or after the sealing day if it may hold it: a month that contains
    /// it is taken, a month before it is not, and an entry without a sealing day (recorded
    /// before it was kept) is not judged by it.
    #[test]
    fn the_sealing_day_bounds_an_entry_by_the_last_day_its_date_may_mean() {
        let sealed = Some("2026-11-21");
        for (date, sealed, broken) in [
            ("2026-11-21", sealed, false),
            ("2026-11-20", sealed, true),
            ("2026-11", sealed, false),
            ("2026-10", sealed, true),
            ("~2026-11-20", sealed, true),
            ("2026-11-20..2026-11-22", sealed, false),
            ("2026-01-01", None, false),
        ] {
            let found = breaches(&[entry("F-001", FilingState::Filed, date, sealed)], today());
            assert_eq!(!found.is_empty(), broken, "{date}: {found:?}");
        }
    }

    /// The record is judged in date order whatever order case.json lists it in.
    #[test]
    fn a_record_listed_out_of_order_is_judged_by_date() {
        let sealed = Some("2026-11-21");
        let acknowledged = entry("F-002", FilingState::Acknowledged, "2026-11-23", sealed);
        let filed = entry("F-001", FilingState::Filed, "2026-11-22", sealed);
        assert_eq!(
            breaches(&[acknowledged.clone(), filed.clone()], today()),
            []
        );
        let withdrawn = FilingEntry {
            dossier: None,
            ..entry("F-003", FilingState::Withdrawn, "2026-11-22", None)
        };
        let found = breaches(&[acknowledged, filed, withdrawn], today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].id, "F-002");
        assert!(
            found[0].message.contains("withdrawn on 2026-11-22 (F-003)"),
            "{found:?}"
        );
    }
}
