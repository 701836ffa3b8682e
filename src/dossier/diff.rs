//! Comparing two dossiers: what changed from an earlier one to a later one. Exhibits added,
//! withdrawn (with the reason the later dossier records), removed without a withdrawal, and
//! changed (which fields, old and new; a file whose content changed by its SHA-256); subjects and
//! events added, removed and changed.
//!
//! Owns the comparison and its wording ([`DossierDiff::sections`]), which `dossier diff` prints
//! and the supplementary submission's PDF section shows, so that both say the same. It reads
//! nothing from disk: the caller hands it each dossier's `data/dossier.json`, read from a dossier
//! that verified intact (`verify::read_intact`), and what identifies it.
//!
//! Confidentiality: two dossiers are compared at the lower of their profiles. If either is
//! public, both are seen as the public profile shows them (confidential exhibits withheld,
//! confidential sources hidden, the reason a confidential exhibit was withdrawn left out), and a
//! withheld exhibit is described by its id, SHA-256 and size only, so a public supplement cannot
//! carry what its own dossier withholds.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::json::{DossierJson, Profile, RetiredRecord, SealedExhibit};
use crate::display::human_bytes;

/// What identifies one of the two dossiers compared.
#[derive(Debug, Clone, Serialize)]
pub struct DossierRef {
    /// The bag's name (its zip is `<name>.zip`).
    pub name: String,
    pub case: String,
    /// The bagging date.
    pub date: String,
    pub profile: Profile,
    /// None for the dossier being built, whose fingerprint is not known until it is sealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossier_fingerprint: Option<String>,
}

/// What changed from the dossier `from` to the dossier `to`.
#[derive(Debug, Clone, Serialize)]
pub struct DossierDiff {
    pub from: DossierRef,
    pub to: DossierRef,
    /// Public if either dossier is public: see the module's note on confidentiality.
    pub compared_as: Profile,
    pub exhibits: ExhibitChanges,
    pub subjects: Changes,
    pub events: Changes,
}

/// Exhibits added, withdrawn, removed and changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExhibitChanges {
    pub added: Vec<ExhibitItem>,
    /// Taken out with `exhibit withdraw`: the later dossier records why.
    pub withdrawn: Vec<ExhibitItem>,
    /// Gone with no withdrawal recorded (deleted from case.json by hand, or another case).
    pub removed: Vec<ExhibitItem>,
    pub changed: Vec<Changed>,
}

/// One exhibit as a comparison names it; a withheld one by its id, hash and size only.
#[derive(Debug, Clone, Serialize)]
pub struct ExhibitItem {
    pub id: String,
    pub withheld: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub sha256: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Subjects or events added, removed and changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    pub added: Vec<Item>,
    pub removed: Vec<Item>,
    pub changed: Vec<Changed>,
}

/// A subject (by name) or an event (by date and title).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub label: String,
    /// Why it was removed, as the later dossier records it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A record in both dossiers whose fields differ.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    pub id: String,
    pub label: String,
    pub fields: Vec<FieldChange>,
}

/// One field: its name in dossier.json, the value before and after (null when absent).
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// One group of changes as worded for a reader: a heading ("Exhibits added") and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub lines: Vec<Line>,
}

/// One record: what it is, and under it each field that changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub details: Vec<String>,
}

/// Compares the dossier `from` (the earlier) with `to` (the later).
pub fn compare(from: (DossierRef, &DossierJson), to: (DossierRef, &DossierJson)) -> DossierDiff {
    let (from_ref, old) = from;
    let (to_ref, new) = to;
    let compared_as = if old.profile == Profile::Public || new.profile == Profile::Public {
        Profile::Public
    } else {
        Profile::Full
    };
    let retired: HashMap<&str, RetiredRecord> = new
        .retired
        .iter()
        .map(|r| (r.id.as_str(), r.as_profile(compared_as)))
        .collect();
    let reason = |id: &str| retired.get(id).and_then(|r| r.reason.clone());
    DossierDiff {
        exhibits: compare_exhibits(&old.exhibits, &new.exhibits, compared_as, &retired),
        subjects: compare_records(
            &old.subjects,
            &new.subjects,
            |s| (&s.id, s.name.clone()),
            &reason,
        ),
        events: compare_records(
            &old.events,
            &new.events,
            |e| (&e.id, format!("{} {}", e.date, e.title)),
            &reason,
        ),
        from: from_ref,
        to: to_ref,
        compared_as,
    }
}

fn compare_exhibits(
    old: &[SealedExhibit],
    new: &[SealedExhibit],
    profile: Profile,
    retired: &HashMap<&str, RetiredRecord>,
) -> ExhibitChanges {
    let view = |e: &SealedExhibit| match profile {
        Profile::Full => e.clone(),
        Profile::Public => e.as_public(),
    };
    let old: Vec<SealedExhibit> = old.iter().map(view).collect();
    let new: Vec<SealedExhibit> = new.iter().map(view).collect();
    let before: HashMap<&str, &SealedExhibit> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let after: HashMap<&str, &SealedExhibit> = new.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut changes = ExhibitChanges::default();
    for e in &new {
        match before.get(e.id.as_str()) {
            None => changes.added.push(exhibit_item(e, None)),
            Some(was) => {
                // Of an exhibit withheld on either side, only what a withheld one shows.
                let fields = if was.withheld || e.withheld {
                    field_changes(*was, e, |f| ["withheld", "sha256", "size"].contains(&f))
                } else {
                    field_changes(*was, e, |f| !["id", "withheld", "file"].contains(&f))
                };
                if !fields.is_empty() {
                    changes.changed.push(Changed {
                        id: e.id.clone(),
                        label: exhibit_label(e),
                        fields,
                    });
                }
            }
        }
    }
    for e in old.iter().filter(|e| !after.contains_key(e.id.as_str())) {
        match retired.get(e.id.as_str()) {
            Some(r) => changes.withdrawn.push(exhibit_item(e, r.reason.clone())),
            None => changes.removed.push(exhibit_item(e, None)),
        }
    }
    changes
}

fn exhibit_item(e: &SealedExhibit, reason: Option<String>) -> ExhibitItem {
    ExhibitItem {
        id: e.id.clone(),
        withheld: e.withheld,
        title: (!e.withheld).then(|| exhibit_label(e)),
        sha256: e.sha256.clone(),
        size: e.size,
        reason,
    }
}

/// The exhibit's title, else its file name; "withheld" for a withheld one.
fn exhibit_label(e: &SealedExhibit) -> String {
    if e.withheld {
        return "withheld".into();
    }
    e.title.clone().unwrap_or_else(|| {
        let path = e.evidence_path.as_deref().or(e.file.as_deref());
        path.map_or(String::new(), |p| {
            p.rsplit('/').next().unwrap_or(p).to_string()
        })
    })
}

/// Subjects or events: added (in `new` only), removed (in `old` only, with the reason `new`
/// records) and changed, each in the order of the dossier that has it.
fn compare_records<T: Serialize>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> (&String, String),
    reason: &dyn Fn(&str) -> Option<String>,
) -> Changes {
    let before: HashMap<&str, &T> = old.iter().map(|r| (key(r).0.as_str(), r)).collect();
    let after: HashMap<&str, &T> = new.iter().map(|r| (key(r).0.as_str(), r)).collect();
    let mut changes = Changes::default();
    for record in new {
        let (id, label) = key(record);
        match before.get(id.as_str()) {
            None => changes.added.push(Item {
                id: id.clone(),
                label,
                reason: None,
            }),
            Some(was) => {
                let fields = field_changes(*was, record, |f| f != "id");
                if !fields.is_empty() {
                    changes.changed.push(Changed {
                        id: id.clone(),
                        label,
                        fields,
                    });
                }
            }
        }
    }
    for record in old {
        let (id, label) = key(record);
        if !after.contains_key(id.as_str()) {
            changes.removed.push(Item {
                id: id.clone(),
                reason: reason(id),
                label,
            });
        }
    }
    changes
}

/// The fields (that `keep` keeps) whose values differ, in the order [`FIELD_ORDER`] gives. An
/// absent field, null, "" and [] are the same: no value (a dossier of an older schema lacks
/// fields a later one writes empty).
fn field_changes<T: Serialize>(old: &T, new: &T, keep: impl Fn(&str) -> bool) -> Vec<FieldChange> {
    let as_map = |v: &T| match serde_json::to_value(v) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (as_map(old), as_map(new));
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort_by(|a, b| (field_rank(a), *a).cmp(&(field_rank(b), *b)));
    names.dedup();
    names
        .into_iter()
        .filter(|name| keep(name))
        .filter_map(|name| {
            let before = old.get(name).cloned().unwrap_or(Value::Null);
            let after = new.get(name).cloned().unwrap_or(Value::Null);
            let same = before == after || (is_empty(&before) && is_empty(&after));
            (!same).then(|| FieldChange {
                field: name.clone(),
                old: before,
                new: after,
            })
        })
        .collect()
}

/// Fields in the order a reader expects them (the order of the records' own definitions);
/// any other field comes after, in name order.
const FIELD_ORDER: &[&str] = &[
    "withheld",
    "sha256",
    "size",
    "kind",
    "name",
    "surname",
    "given_names",
    "name_original",
    "transliterations",
    "aliases",
    "date",
    "title",
    "description",
    "location",
    "born",
    "birthplace",
    "gender",
    "nationalities",
    "id_documents",
    "positions",
    "addresses",
    "associates",
    "criteria",
    "nexus",
    "assets",
    "exculpatory",
    "existing_designations",
    "subjects",
    "exhibits",
    "evidence_path",
    "media_type",
    "source",
    "collected_by",
    "collected_at",
    "language",
    "confidentiality",
    "intake_at",
    // Inside lists: criteria, positions, documents, sources, ...
    "regime",
    "clause",
    "subject",
    "role",
    "type",
    "number",
    "country",
    "organisation",
    "from",
    "to",
    "issued",
    "expires",
    "relation",
    "what",
    "jurisdiction",
    "authority",
    "program",
    "start_date",
    "source_url",
    "entity_id",
    "argument",
    "provider",
    "method",
    "url",
    "confidential",
];

fn field_rank(name: &str) -> usize {
    FIELD_ORDER
        .iter()
        .position(|f| *f == name)
        .unwrap_or(FIELD_ORDER.len())
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(is_empty),
        Value::Number(_) | Value::Bool(true) => false,
    }
}

/// How long a value may be in a line before it is cut (the dossiers hold it whole).
const VALUE_CHARS: usize = 120;

impl DossierDiff {
    /// True if nothing changed.
    pub fn is_empty(&self) -> bool {
        let e = &self.exhibits;
        [
            e.added.len(),
            e.withdrawn.len(),
            e.removed.len(),
            e.changed.len(),
            self.subjects.added.len(),
            self.subjects.removed.len(),
            self.subjects.changed.len(),
            self.events.added.len(),
            self.events.removed.len(),
            self.events.changed.len(),
        ]
        .iter()
        .all(|n| *n == 0)
    }

    /// The changes as a reader sees them, group by group; groups with nothing in them are left
    /// out (none at all: nothing changed).
    pub fn sections(&self) -> Vec<Section> {
        let e = &self.exhibits;
        let exhibit_lines =
            |items: &[ExhibitItem]| -> Vec<Line> { items.iter().map(exhibit_line).collect() };
        let item_lines = |items: &[Item]| -> Vec<Line> {
            items
                .iter()
                .map(|i| Line {
                    text: match &i.reason {
                        Some(reason) => format!("{}  {}: {reason}", i.id, i.label),
                        None => format!("{}  {}", i.id, i.label),
                    },
                    details: Vec::new(),
                })
                .collect()
        };
        let changed_lines = |items: &[Changed]| -> Vec<Line> {
            items
                .iter()
                .map(|c| Line {
                    text: format!("{}  {}", c.id, c.label),
                    details: c.fields.iter().map(field_text).collect(),
                })
                .collect()
        };
        [
            ("Exhibits added", exhibit_lines(&e.added)),
            ("Exhibits withdrawn", exhibit_lines(&e.withdrawn)),
            (
                "Exhibits removed (no withdrawal recorded)",
                exhibit_lines(&e.removed),
            ),
            ("Exhibits changed", changed_lines(&e.changed)),
            ("Subjects added", item_lines(&self.subjects.added)),
            ("Subjects removed", item_lines(&self.subjects.removed)),
            ("Subjects changed", changed_lines(&self.subjects.changed)),
            ("Events added", item_lines(&self.events.added)),
            ("Events removed", item_lines(&self.events.removed)),
            ("Events changed", changed_lines(&self.events.changed)),
        ]
        .into_iter()
        .filter(|(_, lines): &(&str, Vec<Line>)| !lines.is_empty())
        .map(|(heading, lines)| Section {
            heading: heading.to_string(),
            lines,
        })
        .collect()
    }
}

/// `E-003  Title (2.1 KiB, SHA-256 ...)`, with the reason of a withdrawal.
fn exhibit_line(item: &ExhibitItem) -> Line {
    let label = item.title.as_deref().unwrap_or("withheld");
    let mut text = format!(
        "{}  {label} ({}, SHA-256 {})",
        item.id,
        human_bytes(item.size),
        item.sha256
    );
    if let Some(reason) = &item.reason {
        text.push_str(&format!(": {reason}"));
    }
    Line {
        text,
        details: Vec::new(),
    }
}

/// One field's change in words: `title: "A" -> "B"`, `aliases: added "X"; removed "Y"`.
fn field_text(change: &FieldChange) -> String {
    let name = change.field.replace('_', " ");
    match (change.field.as_str(), &change.old, &change.new) {
        ("sha256", old, new) => format!(
            "file content changed: SHA-256 {} -> {}",
            value_text(old),
            value_text(new)
        ),
        ("size", Value::Number(old), Value::Number(new)) => format!(
            "size: {} -> {}",
            human_bytes(old.as_u64().unwrap_or(0)),
            human_bytes(new.as_u64().unwrap_or(0))
        ),
        ("withheld", _, Value::Bool(true)) => {
            "now withheld: only its id, hash and size are shown".into()
        }
        ("withheld", _, _) => "no longer withheld".into(),
        (_, Value::Array(old), Value::Array(new)) => {
            let added: Vec<String> = new
                .iter()
                .filter(|v| !old.contains(v))
                .map(quoted)
                .collect();
            let removed: Vec<String> = old
                .iter()
                .filter(|v| !new.contains(v))
                .map(quoted)
                .collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("added {}", added.join(", ")));
            }
            if !removed.is_empty() {
                parts.push(format!("removed {}", removed.join(", ")));
            }
            if parts.is_empty() {
                parts.push("the same entries in another order".into());
            }
            format!("{name}: {}", parts.join("; "))
        }
        (_, old, new) => format!("{name}: {} -> {}", quoted(old), quoted(new)),
    }
}

/// A value in a line, in quotation marks if it is text.
fn quoted(value: &Value) -> String {
    if is_empty(value) {
        return "none".into();
    }
    let text = value_text(value);
    if matches!(value, Value::Number(_) | Value::Bool(_)) {
        text
    } else {
        format!("\"{text}\"")
    }
}

/// A value as plain text: a list's entries joined by `; `, an object's values by `, ` (a flag
/// that is set by its name), cut at [`VALUE_CHARS`].
fn value_text(value: &Value) -> String {
    let text = match value {
        Value::Null => "none".to_string(),
        Value::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("; "),
        Value::Object(map) => {
            let mut fields: Vec<(&String, &Value)> =
                map.iter().filter(|(_, v)| !is_empty(v)).collect();
            fields.sort_by(|(a, _), (b, _)| (field_rank(a), *a).cmp(&(field_rank(b), *b)));
            fields
                .into_iter()
                .map(|(name, v)| match v {
                    Value::Bool(true) => name.replace('_', " "),
                    Value::Array(items) => {
                        items.iter().map(value_text).collect::<Vec<_>>().join(" ")
                    }
                    _ => value_text(v),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    if text.chars().count() > VALUE_CHARS {
        let cut: String = text.chars().take(VALUE_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dossier(
        profile: &str,
        exhibits: &str,
        subjects: &str,
        retired: &str,
    ) -> DossierJson<'static> {
        serde_json::from_str(&format!(
            r#"{{"dossier_schema": 2, "generator": "t", "profile": "{profile}", "date": "2026-01-01",
               "exhibit_fingerprint": "f", "case": {{"id": "T", "title": "T", "regimes": [],
               "confidentiality": "public", "confidentiality_note": null, "submission_date": null}},
               "subjects": [{subjects}], "events": [], "exhibits": [{exhibits}],
               "signatories": [], "retired": [{retired}]}}"#
        ))
        .expect("a dossier.json")
    }

    fn reference(profile: Profile) -> DossierRef {
        DossierRef {
            name: "T-x".into(),
            case: "T".into(),
            date: "2026-01-01".into(),
            profile,
            dossier_fingerprint: Some("fp".into()),
        }
    }

    const SECRET: &str = r#"{"id": "E-001", "withheld": false, "sha256": "aa", "size": 3,
        "title": "Order of the secret unit", "confidentiality": "confidential",
        "source": {"provider": "Colonel X", "confidential": true}}"#;

    #[test]
    fn a_dossier_compared_with_itself_has_no_changes() {
        let a = dossier("full", SECRET, r#"{"id": "S-001", "name": "A"}"#, "");
        let diff = compare(
            (reference(Profile::Full), &a),
            (reference(Profile::Full), &a),
        );
        assert!(diff.is_empty());
        assert!(diff.sections().is_empty());
    }

    #[test]
    fn withdrawn_removed_and_changed_are_told_apart() {
        let a = dossier(
            "full",
            &format!(
                r#"{SECRET}, {{"id": "E-002", "withheld": false, "sha256": "bb", "size": 1}},
                   {{"id": "E-003", "withheld": false, "sha256": "cc", "size": 1, "title": "Old"}}"#
            ),
            r#"{"id": "S-001", "name": "A", "aliases": ["X"]}, {"id": "S-002", "name": "B"}"#,
            "",
        );
        let b = dossier(
            "full",
            r#"{"id": "E-003", "withheld": false, "sha256": "dd", "size": 2, "title": "New"},
               {"id": "E-004", "withheld": false, "sha256": "ee", "size": 1}"#,
            r#"{"id": "S-001", "name": "A", "aliases": ["Y"]}"#,
            r#"{"id": "E-001", "reason": "the witness asked", "at": "t", "confidential": true},
               {"id": "S-002", "reason": "another case", "at": "t"}"#,
        );
        let diff = compare(
            (reference(Profile::Full), &a),
            (reference(Profile::Full), &b),
        );
        let e = &diff.exhibits;
        assert_eq!(e.added[0].id, "E-004");
        assert_eq!(e.withdrawn[0].reason.as_deref(), Some("the witness asked"));
        assert_eq!(e.removed[0].id, "E-002");
        let fields: Vec<&str> = e.changed[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, ["sha256", "size", "title"]);
        assert_eq!(
            diff.subjects.removed[0].reason.as_deref(),
            Some("another case")
        );
        let sections = diff.sections();
        let subjects = sections.iter().find(|s| s.heading == "Subjects changed");
        let text = subjects.unwrap().lines[0].details.clone();
        assert_eq!(text, ["aliases: added \"Y\"; removed \"X\""]);
    }

    #[test]
    fn a_public_comparison_shows_a_confidential_exhibit_by_id_hash_and_size_only() {
        let a = dossier("full", SECRET, "", "");
        let changed = SECRET
            .replace("secret unit", "special unit")
            .replace("\"aa\"", "\"ab\"");
        let b = dossier("public", &changed, "", "");
        let diff = compare(
            (reference(Profile::Full), &a),
            (reference(Profile::Public), &b),
        );
        assert_eq!(diff.compared_as, Profile::Public);
        let all = format!(
            "{:?} {}",
            diff.sections(),
            serde_json::to_string(&diff).unwrap()
        );
        assert!(all.contains("ab"), "{all}");
        for secret in ["secret", "special", "Colonel"] {
            assert!(!all.contains(secret), "{secret} leaked: {all}");
        }
        let withdrawn = dossier(
            "full",
            "",
            "",
            r#"{"id": "E-001", "reason": "the colonel was arrested", "at": "t", "confidential": true}"#,
        );
        // The earlier dossier public, the later full: compared as public all the same.
        let public = dossier("public", SECRET, "", "");
        let diff = compare(
            (reference(Profile::Public), &public),
            (reference(Profile::Full), &withdrawn),
        );
        let all = format!("{:?}", diff.sections());
        assert!(all.contains("E-001  withheld"), "{all}");
        assert!(!all.contains("colonel"), "{all}");
    }
}
