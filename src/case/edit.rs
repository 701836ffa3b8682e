//! Corrections: `edit`, `remove` and `withdraw` of subjects, events, exhibits and signatories.
//!
//! Owns what a correction may change and how it is recorded: each value is parsed and checked as
//! `add` checks it (through `records`), and each changed field becomes one custody entry holding
//! the field, its old and its new value. A removed subject or event and a withdrawn exhibit are
//! kept in the case's `retired` list, so their ids are never given again. An exhibit's file and
//! intake hash are never touched here.

use serde::Serialize;
use serde_json::Value;

use crate::case::custody::{Record, actor};
use crate::case::records::{
    SignatorySpec, SubjectSpec, criteria_of, involvements, optional, parse_criterion, parse_date,
    required_text, same_designation, same_name, signatory_fields, subject_fields,
};
use crate::case::{
    Case, Confidentiality, Designation, Retired, SignatoryRole, SubjectKind, Workspace,
};
use crate::date::{Timestamp, now_utc};
use crate::error::{Error, Result};
use crate::template::Registry;

/// One field changed, as the custody log records it: `S-002 nationalities: ["XV"] -> ["XV","GB"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The record: an id, or `signatory NAME`.
    pub record: String,
    /// The field's name in `case.json` (`source.provider` for a nested one).
    pub field: String,
    /// The old and new values as JSON.
    pub old: String,
    pub new: String,
}

impl Change {
    /// The custody entry's details.
    pub fn details(&self) -> String {
        format!(
            "{} {}: {} -> {}",
            self.record, self.field, self.old, self.new
        )
    }
}

/// What `subject edit` changes: the flags of `subject add` (a field changes when its flag is
/// given; a list given replaces the list; an empty value clears the field), plus criteria added
/// and removed one at a time.
#[derive(Debug, Clone, Default)]
pub struct SubjectEdit {
    pub name: Option<String>,
    pub kind: Option<SubjectKind>,
    /// `criteria`, `argument` and `exhibits` here: `--criterion` (replacing the list) and the
    /// argument and exhibits of every criterion this edit gives (`--criterion`, `--add-criterion`).
    pub fields: SubjectSpec,
    pub add_criteria: Vec<String>,
    pub remove_criteria: Vec<String>,
    /// `AUTHORITY[; PROGRAM]`: the existing designations to take out.
    pub remove_designations: Vec<String>,
}

/// What `event edit` changes.
#[derive(Debug, Clone, Default)]
pub struct EventEdit {
    pub date: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    /// `S-ID[:ROLE]`: a subject already involved gets the new role.
    pub add_subjects: Vec<String>,
    pub remove_subjects: Vec<String>,
    pub add_exhibits: Vec<String>,
    pub remove_exhibits: Vec<String>,
}

/// What `exhibit edit` changes: metadata only, never the file or its hash.
#[derive(Debug, Clone, Default)]
pub struct ExhibitEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub obtained: Option<String>,
    pub source_url: Option<String>,
    pub collected_by: Option<String>,
    pub collected_at: Option<String>,
    pub language: Option<String>,
    pub confidential: Option<bool>,
    pub confidential_source: Option<bool>,
    /// Events the exhibit supports, linked in addition to those it already supports.
    pub events: Vec<String>,
}

/// What `signatory edit` changes; `spec.name` is the new name, if any.
#[derive(Debug, Clone, Default)]
pub struct SignatoryEdit {
    pub spec: SignatorySpec,
}

/// Changes a subject's fields; returns what changed (recorded in the custody log).
pub fn edit_subject(
    ws: &mut Workspace,
    registry: &Registry,
    id: &str,
    edit: &SubjectEdit,
) -> Result<Vec<Change>> {
    ws.case.require_subject(id, "subject edit")?;
    let f = &edit.fields;
    let given = edit.name.is_some()
        || edit.kind.is_some()
        || !edit.add_criteria.is_empty()
        || !edit.remove_criteria.is_empty()
        || !edit.remove_designations.is_empty()
        || spec_given(f);
    nothing_given(
        given,
        id,
        "subject edit S-001 --nationality XV --nationality GB",
    )?;
    let case = &ws.case;
    let parsed = subject_fields(
        case,
        registry,
        &SubjectSpec {
            criteria: Vec::new(),
            argument: None,
            exhibits: Vec::new(),
            ..f.clone()
        },
    )?;
    let old = case.subject(id).expect("required above").clone();
    let mut new = old.clone();
    if let Some(name) = &edit.name {
        new.name = required_text(name, "--name", "give the full name in Latin script")?;
        if let Some(twin) = case
            .subjects
            .iter()
            .find(|s| s.id != id && same_name(&s.name, &new.name) && s.born == new.born)
        {
            return Err(Error::input(
                format!(
                    "{id}: a subject named {} is already in the case as {}",
                    new.name, twin.id
                ),
                "if it is the same person, remove one of them (dossier subject remove ID --reason ...); if not, set --born to tell them apart",
            ));
        }
    }
    if let Some(kind) = edit.kind {
        new.kind = kind;
    }
    macro_rules! set {
        ($($given:ident => $field:ident),* $(,)?) => {
            $(if f.$given.is_some() { new.$field = parsed.$field.clone(); })*
        };
    }
    set!(surname => surname, given_names => given_names, original_script => name_original,
        born => born, birthplace => birthplace, gender => gender);
    macro_rules! replace {
        ($($field:ident),* $(,)?) => {
            $(if !f.$field.is_empty() { new.$field = parsed.$field.clone(); })*
        };
    }
    replace!(
        transliterations,
        aliases,
        nationalities,
        positions,
        id_documents,
        addresses,
        associates,
        nexus,
        exculpatory,
        assets,
        existing_designations
    );
    for text in &edit.remove_designations {
        remove_designation(id, &mut new.existing_designations, text)?;
    }
    new.criteria = edited_criteria(case, registry, id, &new.criteria, edit)?;
    let changes = diff(id, &old, &new);
    let subject = ws
        .case
        .subjects
        .iter_mut()
        .find(|s| s.id == id)
        .expect("required above");
    *subject = new;
    record_edits(ws, &changes, None);
    Ok(changes)
}

/// True if any flag of `subject add` was given.
fn spec_given(f: &SubjectSpec) -> bool {
    let options = [
        &f.surname,
        &f.given_names,
        &f.original_script,
        &f.born,
        &f.birthplace,
        &f.gender,
        &f.argument,
    ];
    let lists = [
        &f.transliterations,
        &f.aliases,
        &f.nationalities,
        &f.positions,
        &f.id_documents,
        &f.addresses,
        &f.associates,
        &f.criteria,
        &f.exhibits,
        &f.nexus,
        &f.exculpatory,
        &f.assets,
        &f.existing_designations,
    ];
    options.iter().any(|o| o.is_some()) || lists.iter().any(|l| !l.is_empty())
}

/// Takes out the designations by `AUTHORITY[; PROGRAM]` (case-insensitive); none is an error.
fn remove_designation(id: &str, designations: &mut Vec<Designation>, text: &str) -> Result<()> {
    let (authority, program) = match text.split_once(';') {
        Some((a, p)) => (a.trim(), Some(p.trim()).filter(|p| !p.is_empty())),
        None => (text.trim(), None),
    };
    let before = designations.len();
    designations.retain(|d| {
        !(d.authority.eq_ignore_ascii_case(authority)
            && program.is_none_or(|p| {
                d.program
                    .as_deref()
                    .is_some_and(|q| q.eq_ignore_ascii_case(p))
            }))
    });
    if designations.len() == before {
        let has: Vec<String> = designations
            .iter()
            .map(|d| match &d.program {
                Some(p) => format!("{}; {p}", d.authority),
                None => d.authority.clone(),
            })
            .collect();
        return Err(Error::input(
            format!("{id} has no existing designation by `{text}` to remove"),
            format!(
                "its existing designations are: {} (`dossier subject list --json` shows them)",
                if has.is_empty() {
                    "none".to_string()
                } else {
                    has.join(" | ")
                }
            ),
        ));
    }
    Ok(())
}

/// Adds designations found by `check --sanctions --record` to a subject, leaving out those it
/// already has (same authority, programme and listed entity); returns what changed, recorded in
/// the custody log like any edit.
pub fn record_designations(
    ws: &mut Workspace,
    id: &str,
    found: &[Designation],
) -> Result<Vec<Change>> {
    ws.case.require_subject(id, "check --record")?;
    let old = ws.case.subject(id).expect("required above").clone();
    let mut new = old.clone();
    for designation in found {
        if !new
            .existing_designations
            .iter()
            .any(|d| same_designation(d, designation))
        {
            new.existing_designations.push(designation.clone());
        }
    }
    let changes = diff(id, &old, &new);
    *ws.case
        .subjects
        .iter_mut()
        .find(|s| s.id == id)
        .expect("required above") = new;
    record_edits(ws, &changes, None);
    Ok(changes)
}

/// The criteria after `--criterion` (replacing them), `--remove-criterion` and `--add-criterion`.
fn edited_criteria(
    case: &Case,
    registry: &Registry,
    id: &str,
    current: &[crate::case::Criterion],
    edit: &SubjectEdit,
) -> Result<Vec<crate::case::Criterion>> {
    let f = &edit.fields;
    let given: Vec<String> = f
        .criteria
        .iter()
        .chain(&edit.add_criteria)
        .cloned()
        .collect();
    let mut added = criteria_of(case, registry, &given, &f.argument, &f.exhibits)?;
    let mut criteria = if f.criteria.is_empty() {
        current.to_vec()
    } else {
        added.drain(..f.criteria.len()).collect()
    };
    for text in &edit.remove_criteria {
        let (regime, clause) = parse_criterion(registry, text)?;
        let Some(at) = criteria
            .iter()
            .position(|c| c.regime == regime && c.clause == clause)
        else {
            let has: Vec<String> = criteria
                .iter()
                .map(|c| format!("{}:{}", c.regime, c.clause))
                .collect();
            return Err(Error::input(
                format!("{id} has no criterion {regime}:{clause} to remove"),
                format!(
                    "its criteria are: {} (`dossier subject list` shows them)",
                    if has.is_empty() {
                        "none".to_string()
                    } else {
                        has.join(", ")
                    }
                ),
            ));
        };
        criteria.remove(at);
    }
    for criterion in added {
        if criteria
            .iter()
            .any(|c| c.regime == criterion.regime && c.clause == criterion.clause)
        {
            return Err(Error::input(
                format!(
                    "{id} already has the criterion {}:{}",
                    criterion.regime, criterion.clause
                ),
                format!(
                    "to change its argument or exhibits, replace it in one command: dossier subject edit {id} --remove-criterion '{0}:{1}' --add-criterion '{0}:{1}' --argument ...",
                    criterion.regime, criterion.clause
                ),
            ));
        }
        criteria.push(criterion);
    }
    Ok(criteria)
}

/// Changes an event's fields and links; returns what changed.
pub fn edit_event(ws: &mut Workspace, id: &str, edit: &EventEdit) -> Result<Vec<Change>> {
    ws.case.require_event(id, "event edit")?;
    let given = [&edit.date, &edit.title, &edit.description, &edit.location]
        .iter()
        .any(|o| o.is_some())
        || [
            &edit.add_subjects,
            &edit.remove_subjects,
            &edit.add_exhibits,
            &edit.remove_exhibits,
        ]
        .iter()
        .any(|l| !l.is_empty());
    nothing_given(given, id, "event edit V-001 --date 2019-03-15")?;
    let case = &ws.case;
    let old = case.event(id).expect("required above").clone();
    let mut new = old.clone();
    if let Some(date) = &edit.date {
        new.date = parse_date(date, "--date")?;
    }
    if let Some(title) = &edit.title {
        new.title = required_text(title, "--title", "say in a few words what happened")?;
    }
    if edit.description.is_some() {
        new.description = optional(&edit.description);
    }
    if edit.location.is_some() {
        new.location = optional(&edit.location);
    }
    for subject in &edit.remove_subjects {
        let subject = subject.trim();
        let before = new.subjects.len();
        new.subjects.retain(|s| s.subject != subject);
        if new.subjects.len() == before {
            return Err(not_linked(
                id,
                "subject",
                subject,
                "involves",
                old.subjects.iter().map(|s| s.subject.as_str()),
            ));
        }
    }
    for involvement in involvements(case, &edit.add_subjects, "--add-subject")? {
        match new
            .subjects
            .iter_mut()
            .find(|s| s.subject == involvement.subject)
        {
            Some(existing) => existing.role = involvement.role,
            None => new.subjects.push(involvement),
        }
    }
    for exhibit in &edit.remove_exhibits {
        let exhibit = exhibit.trim();
        let before = new.exhibits.len();
        new.exhibits.retain(|e| e != exhibit);
        if new.exhibits.len() == before {
            return Err(not_linked(
                id,
                "exhibit",
                exhibit,
                "is supported by",
                old.exhibits.iter().map(String::as_str),
            ));
        }
    }
    for exhibit in &edit.add_exhibits {
        let exhibit = exhibit.trim();
        case.require_exhibit(exhibit, "--add-exhibit")?;
        if !new.exhibits.iter().any(|e| e == exhibit) {
            new.exhibits.push(exhibit.to_string());
        }
    }
    let changes = diff(id, &old, &new);
    *ws.case
        .events
        .iter_mut()
        .find(|e| e.id == id)
        .expect("required above") = new;
    record_edits(ws, &changes, None);
    Ok(changes)
}

fn not_linked<'a>(
    id: &str,
    kind: &str,
    which: &str,
    verb: &str,
    linked: impl Iterator<Item = &'a str>,
) -> Error {
    let linked: Vec<&str> = linked.collect();
    Error::input(
        format!("{id} has no {kind} {which} to remove"),
        format!(
            "{id} {verb} {} (`dossier event list` shows them)",
            if linked.is_empty() {
                "none".to_string()
            } else {
                linked.join(", ")
            }
        ),
    )
}

/// Changes an exhibit's metadata and links it to more events; returns what changed.
pub fn edit_exhibit(ws: &mut Workspace, id: &str, edit: &ExhibitEdit) -> Result<Vec<Change>> {
    ws.case.require_exhibit(id, "exhibit edit")?;
    let texts = [
        &edit.title,
        &edit.description,
        &edit.source,
        &edit.obtained,
        &edit.source_url,
        &edit.collected_by,
        &edit.collected_at,
        &edit.language,
    ];
    let given = texts.iter().any(|o| o.is_some())
        || edit.confidential.is_some()
        || edit.confidential_source.is_some()
        || !edit.events.is_empty();
    nothing_given(
        given,
        id,
        "exhibit edit E-001 --title \"Statement of witness 1\"",
    )?;
    for event in &edit.events {
        ws.case.require_event(event.trim(), "--event")?;
    }
    let old = ws.case.exhibit(id).expect("required above").clone();
    let mut new = old.clone();
    let set = |field: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            *field = optional(value);
        }
    };
    set(&mut new.title, &edit.title);
    set(&mut new.description, &edit.description);
    set(&mut new.source.provider, &edit.source);
    set(&mut new.source.method, &edit.obtained);
    set(&mut new.source.url, &edit.source_url);
    set(&mut new.collected_by, &edit.collected_by);
    set(&mut new.language, &edit.language);
    if let Some(when) = &edit.collected_at {
        new.collected_at = Some(when.trim())
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<Timestamp>()
                    .map_err(|e| e.within("--collected-at"))
            })
            .transpose()?;
    }
    if let Some(confidential) = edit.confidential {
        new.confidentiality = if confidential {
            Confidentiality::Confidential
        } else {
            Confidentiality::Public
        };
    }
    if let Some(confidential) = edit.confidential_source {
        new.source.confidential = confidential;
    }
    let mut changes = diff(id, &old, &new);
    *ws.case
        .exhibits
        .iter_mut()
        .find(|e| e.id == id)
        .expect("required above") = new;
    record_edits(ws, &changes, Some(id));
    for event in &edit.events {
        changes.extend(link_exhibit(ws, id, event.trim()));
    }
    Ok(changes)
}

/// Links a registered exhibit to an event it does not yet support (recorded as an edit of the
/// event); nothing if it already does. The event must exist.
pub fn link_exhibit(ws: &mut Workspace, exhibit: &str, event: &str) -> Vec<Change> {
    let Some(record) = ws.case.events.iter_mut().find(|e| e.id == event) else {
        return Vec::new();
    };
    if record.exhibits.iter().any(|e| e == exhibit) {
        return Vec::new();
    }
    let old = record.clone();
    record.exhibits.push(exhibit.to_string());
    let changes = diff(event, &old, record);
    record_edits(ws, &changes, None);
    changes
}

/// Removes a subject, unlinking it from events and associates; returns what changed.
pub fn remove_subject(ws: &mut Workspace, id: &str, reason: &str) -> Result<Vec<Change>> {
    ws.case.require_subject(id, "subject remove")?;
    let reason = required_reason(reason, id, "subject remove")?;
    let at = ws
        .case
        .subjects
        .iter()
        .position(|s| s.id == id)
        .expect("required above");
    let subject = ws.case.subjects.remove(at);
    let mut changes = Vec::new();
    for event in ws.case.events.iter_mut() {
        let old = event.clone();
        event.subjects.retain(|s| s.subject != id);
        changes.extend(diff(&event.id, &old, event));
    }
    for other in ws.case.subjects.iter_mut() {
        let old = other.clone();
        for associate in other.associates.iter_mut() {
            if associate.subject.as_deref() == Some(id) {
                associate.subject = None;
            }
        }
        changes.extend(diff(&other.id, &old, other));
    }
    record_edits(ws, &changes, None);
    ws.record(Record {
        action: "remove",
        exhibit: None,
        sha256: None,
        details: format!("{id} removed ({}): {reason}", subject.name),
    });
    retire(ws, id, reason, |r| r.subject = Some(subject));
    Ok(changes)
}

/// Removes an event from the timeline; returns nothing changed elsewhere (no record links to an
/// event).
pub fn remove_event(ws: &mut Workspace, id: &str, reason: &str) -> Result<Vec<Change>> {
    ws.case.require_event(id, "event remove")?;
    let reason = required_reason(reason, id, "event remove")?;
    let at = ws
        .case
        .events
        .iter()
        .position(|e| e.id == id)
        .expect("required above");
    let event = ws.case.events.remove(at);
    ws.record(Record {
        action: "remove",
        exhibit: None,
        sha256: None,
        details: format!("{id} removed ({} {}): {reason}", event.date, event.title),
    });
    retire(ws, id, reason, |r| r.event = Some(event));
    Ok(Vec::new())
}

/// Withdraws an exhibit: later dossiers leave it out, its file stays where it is, and the events
/// and criteria that cited it no longer do (each recorded). Returns those changes.
pub fn withdraw_exhibit(ws: &mut Workspace, id: &str, reason: &str) -> Result<Vec<Change>> {
    ws.case.require_exhibit(id, "exhibit withdraw")?;
    let reason = required_reason(reason, id, "exhibit withdraw")?;
    let at = ws
        .case
        .exhibits
        .iter()
        .position(|e| e.id == id)
        .expect("required above");
    let exhibit = ws.case.exhibits.remove(at);
    let mut changes = Vec::new();
    for event in ws.case.events.iter_mut() {
        let old = event.clone();
        event.exhibits.retain(|e| e != id);
        changes.extend(diff(&event.id, &old, event));
    }
    for subject in ws.case.subjects.iter_mut() {
        let old = subject.clone();
        for criterion in subject.criteria.iter_mut() {
            criterion.exhibits.retain(|e| e != id);
        }
        changes.extend(diff(&subject.id, &old, subject));
    }
    record_edits(ws, &changes, None);
    ws.record(Record {
        action: "withdraw",
        exhibit: Some(id.to_string()),
        sha256: Some(exhibit.sha256.clone()),
        details: format!(
            "{id} withdrawn (evidence/{}): {reason}; the file stays in evidence/, later dossiers leave it out",
            exhibit.path
        ),
    });
    retire(ws, id, reason, |r| r.exhibit = Some(exhibit));
    Ok(changes)
}

/// Changes a signatory's details; returns what changed.
pub fn edit_signatory(ws: &mut Workspace, name: &str, edit: &SignatoryEdit) -> Result<Vec<Change>> {
    let at = signatory_at(&ws.case, name)?;
    let s = &edit.spec;
    let given = [
        &s.role,
        &s.country,
        &s.contact,
        &s.email,
        &s.phone,
        &s.description,
    ]
    .iter()
    .any(|o| o.is_some())
        || !s.name.trim().is_empty();
    nothing_given(
        given,
        name,
        "signatory edit \"Norzhavia Justice Project\" --email legal@example.org",
    )?;
    let parsed = signatory_fields(s)?;
    let old = ws.case.signatories[at].clone();
    let mut new = old.clone();
    if !s.name.trim().is_empty() {
        new.name = parsed.name.clone();
        if let Some(twin) = ws
            .case
            .signatories
            .iter()
            .enumerate()
            .find(|(i, o)| *i != at && same_name(&o.name, &new.name))
        {
            return Err(Error::input(
                format!("{} is already a signatory", twin.1.name),
                "each organisation signs once: give another name, or remove one of them (dossier signatory remove NAME)",
            ));
        }
    }
    if s.role.is_some() {
        new.role = parsed.role;
    }
    macro_rules! set {
        ($($field:ident),*) => { $(if s.$field.is_some() { new.$field = parsed.$field.clone(); })* };
    }
    set!(country, contact, email, phone, description);
    if new.role == SignatoryRole::Lead
        && let Some(lead) = ws
            .case
            .signatories
            .iter()
            .enumerate()
            .find(|(i, o)| *i != at && o.role == SignatoryRole::Lead)
    {
        return Err(Error::input(
            format!("{} is already the lead signatory", lead.1.name),
            format!(
                "a referral has one lead organisation: first make it a co-signer (dossier signatory edit \"{}\" --role co-signer)",
                lead.1.name
            ),
        ));
    }
    let changes = diff(&format!("signatory {}", old.name), &old, &new);
    ws.case.signatories[at] = new;
    record_edits(ws, &changes, None);
    Ok(changes)
}

/// Removes a signatory organisation; returns its name as recorded.
pub fn remove_signatory(ws: &mut Workspace, name: &str, reason: Option<&str>) -> Result<String> {
    let at = signatory_at(&ws.case, name)?;
    let signatory = ws.case.signatories.remove(at);
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    ws.record(Record {
        action: "remove",
        exhibit: None,
        sha256: None,
        details: match reason {
            Some(reason) => format!("signatory {} removed: {reason}", signatory.name),
            None => format!("signatory {} removed", signatory.name),
        },
    });
    Ok(signatory.name)
}

fn signatory_at(case: &Case, name: &str) -> Result<usize> {
    case.signatories
        .iter()
        .position(|s| same_name(&s.name, name))
        .ok_or_else(|| {
            let names: Vec<&str> = case.signatories.iter().map(|s| s.name.as_str()).collect();
            Error::input(
                format!("no signatory is named `{}`", name.trim()),
                if names.is_empty() {
                    "the case has no signatory yet: add one with `dossier signatory add NAME`"
                        .to_string()
                } else {
                    format!(
                        "the signatories are: {} (`dossier signatory list`)",
                        names.join("; ")
                    )
                },
            )
        })
}

fn nothing_given(given: bool, id: &str, example: &str) -> Result<()> {
    if given {
        return Ok(());
    }
    Err(Error::input(
        format!("{id}: nothing to change"),
        format!("give the fields to change, e.g. dossier {example} (see --help)"),
    ))
}

pub(crate) fn required_reason(reason: &str, id: &str, command: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::input(
            format!("{id}: the --reason is empty"),
            format!(
                "say why, for the custody log: dossier {command} {id} --reason \"duplicate of ...\""
            ),
        ));
    }
    Ok(reason.to_string())
}

/// Keeps a record taken out in the case's `retired` list.
pub(crate) fn retire(
    ws: &mut Workspace,
    id: &str,
    reason: String,
    fill: impl FnOnce(&mut Retired),
) {
    let mut retired = Retired {
        id: id.to_string(),
        reason,
        at: now_utc(),
        by: actor(),
        subject: None,
        event: None,
        exhibit: None,
        filing: None,
    };
    fill(&mut retired);
    ws.case.retired.push(retired);
}

fn record_edits(ws: &mut Workspace, changes: &[Change], exhibit: Option<&str>) {
    for change in changes {
        ws.record(Record {
            action: "edit",
            exhibit: exhibit.map(str::to_string),
            sha256: None,
            details: change.details(),
        });
    }
}

/// The fields that differ between two versions of a record, in the record's field order; a
/// nested object (an exhibit's `source`) is compared field by field.
fn diff(record: &str, old: &impl Serialize, new: &impl Serialize) -> Vec<Change> {
    let (old, new) = (to_value(old), to_value(new));
    let mut changes = Vec::new();
    diff_values(record, "", &old, &new, &mut changes);
    changes
}

fn to_value(record: &impl Serialize) -> Value {
    serde_json::to_value(record).expect("a record always serialises")
}

fn diff_values(record: &str, prefix: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return;
    };
    for (field, value) in new {
        let before = old.get(field).unwrap_or(&Value::Null);
        if before == value {
            continue;
        }
        let name = format!("{prefix}{field}");
        if before.is_object() && value.is_object() {
            diff_values(record, &format!("{name}."), before, value, out);
        } else {
            out.push(Change {
                record: record.to_string(),
                field: name,
                old: before.to_string(),
                new: value.to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_names_the_field_with_old_and_new_values() {
        let old =
            serde_json::json!({"id": "S-002", "nationalities": ["XV"], "source": {"url": null}});
        let new = serde_json::json!({"id": "S-002", "nationalities": ["XV", "GB"], "source": {"url": "https://x.org"}});
        let details: Vec<String> = diff("S-002", &old, &new)
            .iter()
            .map(Change::details)
            .collect();
        assert_eq!(
            details,
            [
                r#"S-002 nationalities: ["XV"] -> ["XV","GB"]"#,
                r#"S-002 source.url: null -> "https://x.org""#,
            ]
        );
    }
}
