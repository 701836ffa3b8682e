//! What the submission says: each section of the regime template, in its order and with its
//! heading, written into the flow.
//!
//! Only wording a template marks `verbatim` is put in quotation marks as the law's words; the
//! rest is labelled as a summary. The public profile's exhibits arrive already withheld or with
//! their source hidden, and are shown so.

use std::collections::{BTreeMap, HashSet};

use super::chart;
use super::fonts::{Ink, Look};
use super::layout::{Flow, Table, WIDTH};
use super::markdown::Block;
use super::text::Span;
use super::{Submission, date_text};
use crate::case::custody;
use crate::case::{Confidentiality, Event, SignatoryRole, Subject, SubjectKind};
use crate::display::human_bytes;
use crate::dossier::json::{CONFIDENTIAL_SOURCE, Profile, SealedExhibit};
use crate::template::{Section, Verification};

/// The body text size, in points.
pub const BODY: u8 = 10;
const SMALL: u8 = 8;

fn body() -> Look {
    Look::new(BODY)
}

fn strong() -> Look {
    Look::new(BODY).bold()
}

fn note() -> Look {
    Look::new(SMALL).ink(Ink::Grey)
}

fn plain(text: impl Into<String>) -> Vec<Span> {
    vec![Span::new(text, body())]
}

/// A bold label followed by its value.
fn labelled(label: &str, value: impl Into<String>) -> Vec<Span> {
    vec![
        Span::new(format!("{label}: "), strong()),
        Span::new(value, body()),
    ]
}

/// The marking for the header of every page and the cover: (short, long).
pub fn marking(input: &Submission) -> (String, String) {
    let withheld = input.exhibits.iter().filter(|e| e.withheld).count();
    match (input.profile, input.case.confidentiality) {
        (Profile::Public, _) => (
            "PUBLIC VERSION".into(),
            format!(
                "Public version: {withheld} confidential exhibit(s) withheld (listed with their SHA-256 only) and confidential sources not named."
            ),
        ),
        (Profile::Full, Confidentiality::Confidential) => (
            "CONFIDENTIAL".into(),
            input.case.confidentiality_note.clone().unwrap_or_else(|| {
                format!(
                    "Confidential: submitted to {} only; not for publication.",
                    input.template.authority
                )
            }),
        ),
        (Profile::Full, Confidentiality::Public) => (
            "NOT CONFIDENTIAL".into(),
            input.case.confidentiality_note.clone().unwrap_or_else(|| {
                "The submitting organisations do not ask for this submission to be kept confidential.".into()
            }),
        ),
    }
}

/// The subjects proposed under this regime: those with at least one of its criteria.
fn proposed<'a>(input: &'a Submission) -> Vec<&'a Subject> {
    input
        .case
        .subjects
        .iter()
        .filter(|s| s.criteria.iter().any(|c| c.regime == input.template.id))
        .collect()
}

/// The ids of the exhibits the public profile withholds.
type Withheld<'a> = HashSet<&'a str>;

/// `E-001`, or `E-001 (withheld)` when the public profile withholds it.
fn exhibit_ref(withheld: &Withheld, id: &str) -> String {
    if withheld.contains(id) {
        format!("{id} (withheld)")
    } else {
        id.to_string()
    }
}

/// Exhibit references, each linking to its row of the exhibit index.
fn exhibit_refs(flow: &mut Flow, withheld: &Withheld, ids: &[String], look: Look) -> Vec<Span> {
    let mut spans = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            spans.push(Span::new(", ", look));
        }
        spans.push(Span::new(exhibit_ref(withheld, id), look).link(flow.named_mark(id)));
    }
    spans
}

/// Writes the whole submission.
pub fn write(flow: &mut Flow, input: &Submission) {
    let sections = &input.template.sections;
    let subjects = proposed(input);
    let withheld: Withheld = input
        .exhibits
        .iter()
        .filter(|e| e.withheld)
        .map(|e| e.id.as_str())
        .collect();
    let marks: Vec<Option<usize>> = sections
        .iter()
        .map(|s| (s.id != "cover" && s.id != "contents").then(|| flow.new_mark()))
        .collect();
    let subjects_mark = sections
        .iter()
        .zip(&marks)
        .find_map(|(s, m)| (s.id == "subjects").then_some(*m).flatten());
    let subject_marks: Vec<usize> = subjects
        .iter()
        .map(|_| flow.new_mark_under(subjects_mark))
        .collect();
    for (i, (section, mark)) in sections.iter().zip(&marks).enumerate() {
        if i > 0 {
            flow.new_page();
        }
        if section.id == "cover" {
            flow.bookmark(&section.heading);
            cover(flow, input, section, &subjects);
            continue;
        }
        // The contents have no entry of their own, but a bookmark.
        let mark = mark.or_else(|| Some(flow.new_mark()));
        flow.heading(
            &[Span::new(section.heading.as_str(), Look::new(15).bold())],
            0.0,
            mark,
        );
        match section.id.as_str() {
            "contents" => {
                for (s, m) in sections.iter().zip(&marks) {
                    let Some(m) = m else { continue };
                    flow.entry(&plain(s.heading.as_str()), 0.0, *m);
                    if s.id == "subjects" {
                        for (subject, m) in subjects.iter().zip(&subject_marks) {
                            let text = format!("{}  {}", subject.id, subject.name);
                            flow.entry(&[Span::new(text, note().ink(Ink::Black))], 6.0, *m);
                        }
                    }
                }
            }
            "summary" => summary(flow, input, &subjects),
            "subjects" => {
                for (subject, m) in subjects.iter().zip(&subject_marks) {
                    profile(flow, input, &withheld, subject, *m);
                }
                not_proposed(flow, input);
            }
            "narrative" => narrative(flow, input),
            "timeline" => timeline(flow, input, &withheld),
            "legal_analysis" => legal_analysis(flow, input, &withheld, &subjects),
            "exhibits" => exhibits(flow, input, &subjects),
            "custody" => custody_summary(flow, input),
            "signatories" => signatories(flow, input),
            "verification_annex" => annex(flow, input),
            other => flow.paragraph(
                &[Span::new(
                    format!("(No content is defined for section `{other}`.)"),
                    note(),
                )],
                0.0,
                2.0,
            ),
        }
    }
}

fn cover(flow: &mut Flow, input: &Submission, section: &Section, subjects: &[&Subject]) {
    let t = input.template;
    let (short, long) = marking(input);
    flow.paragraph(
        &[Span::new(short, Look::new(12).bold().ink(Ink::Red))],
        0.0,
        1.0,
    );
    flow.paragraph(&[Span::new(long, note().ink(Ink::Red))], 0.0, 10.0);
    flow.paragraph(
        &[Span::new(section.heading.as_str(), Look::new(18).bold())],
        0.0,
        8.0,
    );
    flow.paragraph(&labelled("Addressed to", t.authority.as_str()), 0.0, 2.0);
    flow.paragraph(
        &labelled("Regime", format!("{} ({})", t.name, t.jurisdiction)),
        0.0,
        2.0,
    );
    flow.paragraph(&labelled("Legal basis", t.legal_basis.as_str()), 0.0, 8.0);
    flow.paragraph(
        &[Span::new(input.case.title.as_str(), Look::new(14).bold())],
        0.0,
        1.0,
    );
    flow.paragraph(
        &[Span::new(format!("Case {}", input.case.id), note())],
        0.0,
        6.0,
    );
    let names: Vec<String> = subjects
        .iter()
        .map(|s| format!("{} {}", s.id, s.name))
        .collect();
    flow.paragraph(
        &labelled("Proposed for designation", names.join("; ")),
        0.0,
        6.0,
    );
    flow.paragraph(&[Span::new("Submitted by", strong())], 0.0, 1.0);
    let mut signatories: Vec<_> = input.case.signatories.iter().collect();
    signatories.sort_by_key(|s| s.role != SignatoryRole::Lead);
    if signatories.is_empty() {
        flow.paragraph(&plain("(no signatory recorded)"), 4.0, 1.0);
    }
    for s in signatories {
        let mut text = s.name.clone();
        if let Some(country) = &s.country {
            text.push_str(&format!(", {country}"));
        }
        if s.role == SignatoryRole::Lead {
            text.push_str(" (lead organisation)");
        }
        flow.item("•", &plain(text), 4.0, 0.5);
    }
    flow.space(6.0);
    let date = input
        .case
        .submission_date
        .map_or_else(|| input.date.to_string(), |d| d.to_string());
    flow.paragraph(&labelled("Date", date), 0.0, 2.0);
    flow.paragraph(
        &labelled("Dossier", format!("{}.zip", input.dossier)),
        0.0,
        2.0,
    );
    flow.paragraph(
        &[Span::new("Exhibit fingerprint (SHA-256)", strong())],
        0.0,
        0.5,
    );
    flow.paragraph(
        &[Span::new(input.exhibit_fingerprint, Look::new(10))],
        0.0,
        1.0,
    );
    flow.paragraph(
        &[Span::new(
            format!(
                "Identifies the {} exhibit file(s) sealed in the dossier: the SHA-256 of the exhibit lines of its manifest-sha256.txt. The annex explains how to check it.",
                input.exhibits.iter().filter(|e| !e.withheld).count()
            ),
            note(),
        )],
        0.0,
        1.0,
    );
}

fn blocks(flow: &mut Flow, blocks: &[Block], skip_title: bool) {
    let skip = usize::from(skip_title && matches!(blocks.first(), Some(Block::Heading(1, _))));
    for block in &blocks[skip..] {
        match block {
            Block::Heading(level, spans) => {
                let size = match level {
                    1 => 13,
                    2 => 11,
                    _ => BODY,
                };
                let spans: Vec<Span> = spans
                    .iter()
                    .map(|s| Span::new(s.text.as_str(), Look::new(size).bold()))
                    .collect();
                flow.heading(&spans, 3.0, None);
            }
            Block::Paragraph(spans) => flow.paragraph(spans, 0.0, 2.5),
            Block::Item(depth, marker, spans) => {
                flow.item(marker, spans, 6.0 * *depth as f64, 1.0);
            }
            Block::Quote(spans) => {
                let spans: Vec<Span> = spans
                    .iter()
                    .map(|s| Span::new(s.text.as_str(), s.look.ink(Ink::Grey)))
                    .collect();
                flow.paragraph(&spans, 8.0, 2.5);
            }
            Block::Code(text) => flow.paragraph(&[Span::new(text.as_str(), note())], 6.0, 2.5),
            Block::Rule => flow.rule(Ink::Grey),
        }
    }
}

fn summary(flow: &mut Flow, input: &Submission, subjects: &[&Subject]) {
    let events = &input.case.events;
    let facts = format!(
        "This submission proposes {} subject(s) for designation under {}. It rests on {} exhibit(s) sealed with their SHA-256 in the dossier {}.zip, {} event(s) of the timeline{}.",
        subjects.len(),
        input.template.legal_basis,
        input.exhibits.len(),
        input.dossier,
        events.len(),
        match (
            events.iter().map(|e| e.date.first_day()).min(),
            events.iter().map(|e| e.date.last_day()).max()
        ) {
            (Some(a), Some(b)) => format!(" (from {a} to {b})"),
            _ => String::new(),
        }
    );
    flow.paragraph(&plain(facts), 0.0, 3.0);
    match input.narrative.file(super::SUMMARY_FILE) {
        Some(summary) => blocks(flow, summary, true),
        None => flow.paragraph(
            &[Span::new(
                "No executive summary was written (narrative/summary.md).",
                note(),
            )],
            0.0,
            2.0,
        ),
    }
}

fn profile(
    flow: &mut Flow,
    input: &Submission,
    withheld: &Withheld,
    subject: &Subject,
    mark: usize,
) {
    let t = input.template;
    flow.heading(
        &[Span::new(
            format!("{}  {}", subject.id, subject.name),
            Look::new(13).bold(),
        )],
        6.0,
        Some(mark),
    );
    let fields = Fields {
        rule: match subject.kind {
            SubjectKind::Person => &t.subject_fields.person,
            SubjectKind::Entity => &t.subject_fields.entity,
        },
    };
    identity(flow, &fields, subject);
    criteria_met(flow, input, withheld, subject);
    subject_events(flow, input, subject);
    fields.write(
        flow,
        "Nexus with the jurisdiction",
        "nexus",
        subject.nexus.clone(),
    );
    let exculpatory = if subject.exculpatory.is_empty() {
        vec!["none recorded by the submitting organisations".to_string()]
    } else {
        subject.exculpatory.clone()
    };
    fields.write(flow, "Exculpatory information", "exculpatory", exculpatory);
}

/// The fields of a subject's profile, as the template wants them for this kind of subject.
struct Fields<'a> {
    rule: &'a crate::template::FieldRule,
}

impl Fields<'_> {
    /// Writes one field: "not known" when empty but required or recommended, a list when long.
    fn write(&self, flow: &mut Flow, label: &str, name: &str, values: Vec<String>) {
        let wanted = self.rule.required.iter().any(|f| f == name)
            || self.rule.recommended.iter().any(|f| f == name);
        if values.is_empty() {
            if wanted {
                flow.paragraph(
                    &[
                        Span::new(format!("{label}: "), strong()),
                        Span::new("not known", body().italic().ink(Ink::Grey)),
                    ],
                    0.0,
                    1.2,
                );
            }
        } else if values.len() == 1 || values.iter().all(|v| v.chars().count() < 40) {
            flow.paragraph(&labelled(label, values.join("; ")), 0.0, 1.2);
        } else {
            flow.paragraph(&[Span::new(format!("{label}:"), strong())], 0.0, 0.5);
            for value in values {
                flow.item("•", &plain(value), 5.0, 0.5);
            }
            flow.space(0.7);
        }
    }
}

/// Who the subject is: names, birth, nationality, documents, positions, addresses, associates.
fn identity(flow: &mut Flow, fields: &Fields, subject: &Subject) {
    let one = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    let kind = match subject.kind {
        SubjectKind::Person => "natural person",
        SubjectKind::Entity => "entity",
    };
    fields.write(flow, "Kind", "kind", vec![kind.to_string()]);
    fields.write(flow, "Name", "name", vec![subject.name.clone()]);
    fields.write(
        flow,
        "Name in original script",
        "name_original",
        one(&subject.name_original),
    );
    fields.write(
        flow,
        "Other transliterations",
        "transliterations",
        subject.transliterations.clone(),
    );
    fields.write(flow, "Aliases", "aliases", subject.aliases.clone());
    fields.write(
        flow,
        "Born",
        "born",
        subject.born.iter().map(|d| d.to_string()).collect(),
    );
    fields.write(
        flow,
        "Place of birth",
        "birthplace",
        one(&subject.birthplace),
    );
    fields.write(flow, "Gender", "gender", one(&subject.gender));
    fields.write(
        flow,
        "Nationality",
        "nationalities",
        subject.nationalities.clone(),
    );
    fields.write(
        flow,
        "Identity documents",
        "id_documents",
        subject.id_documents.iter().map(id_document).collect(),
    );
    fields.write(
        flow,
        "Positions",
        "positions",
        subject.positions.iter().map(position).collect(),
    );
    fields.write(flow, "Addresses", "addresses", subject.addresses.clone());
    fields.write(
        flow,
        "Associates",
        "associates",
        subject.associates.iter().map(associate).collect(),
    );
}

/// `passport NZ0000002 (XX), issued 2015-01-02, expires 2025-01-01`.
fn id_document(d: &crate::case::IdDocument) -> String {
    let mut text = format!("{} {}", d.kind, d.number);
    if let Some(country) = &d.country {
        text.push_str(&format!(" ({country})"));
    }
    for (what, date) in [("issued", d.issued), ("expires", d.expires)] {
        if let Some(date) = date {
            text.push_str(&format!(", {what} {date}"));
        }
    }
    text
}

/// `Head, Detention Centre No. 4 (2016 to 2019)`.
fn position(p: &crate::case::Position) -> String {
    let mut text = p.title.clone();
    if let Some(org) = &p.organisation {
        text.push_str(&format!(", {org}"));
    }
    match (p.from, p.to) {
        (Some(a), Some(b)) => text.push_str(&format!(" ({a} to {b})")),
        (Some(a), None) => text.push_str(&format!(" (from {a})")),
        (None, Some(b)) => text.push_str(&format!(" (until {b})")),
        (None, None) => {}
    }
    text
}

/// `Qarvexa Stroy-Invest LLC (owner), subject S-004`.
fn associate(a: &crate::case::Associate) -> String {
    let mut text = a.name.clone();
    if let Some(relation) = &a.relation {
        text.push_str(&format!(" ({relation})"));
    }
    if let Some(id) = &a.subject {
        text.push_str(&format!(", subject {id}"));
    }
    text
}

/// The criteria of this regime the subject's conduct meets, each with its argument and exhibits.
fn criteria_met(flow: &mut Flow, input: &Submission, withheld: &Withheld, subject: &Subject) {
    let t = input.template;
    flow.space(1.5);
    flow.heading(
        &[Span::new(
            format!("Criteria met under {}", t.name),
            Look::new(11).bold(),
        )],
        1.0,
        None,
    );
    for criterion in subject.criteria.iter().filter(|c| c.regime == t.id) {
        let title = t
            .clause(&criterion.clause)
            .map_or_else(String::new, |c| format!(": {}", c.title));
        flow.paragraph(
            &[Span::new(format!("{}{title}", criterion.clause), strong())],
            0.0,
            0.8,
        );
        match &criterion.argument {
            Some(argument) => flow.paragraph(&plain(argument.as_str()), 4.0, 0.8),
            None => flow.paragraph(
                &[Span::new(
                    "No argument written.",
                    body().italic().ink(Ink::Grey),
                )],
                4.0,
                0.8,
            ),
        }
        if !criterion.exhibits.is_empty() {
            let mut spans = vec![Span::new("Supporting exhibits: ", strong())];
            spans.extend(exhibit_refs(flow, withheld, &criterion.exhibits, body()));
            flow.paragraph(&spans, 4.0, 2.0);
        }
    }
}

/// The events of the timeline the subject took part in, with their role.
fn subject_events(flow: &mut Flow, input: &Submission, subject: &Subject) {
    let events: Vec<&Event> = input
        .case
        .events
        .iter()
        .filter(|e| e.subjects.iter().any(|i| i.subject == subject.id))
        .collect();
    if events.is_empty() {
        return;
    }
    flow.paragraph(&[Span::new("Events", strong())], 0.0, 0.5);
    for e in events {
        let role = e
            .subjects
            .iter()
            .find(|i| i.subject == subject.id)
            .and_then(|i| i.role.as_deref())
            .map_or_else(String::new, |r| format!(" ({r})"));
        flow.item(
            "•",
            &plain(format!(
                "{} {}: {}{role}",
                e.id,
                date_text(&e.date),
                e.title
            )),
            5.0,
            0.5,
        );
    }
    flow.space(1.0);
}

fn not_proposed(flow: &mut Flow, input: &Submission) {
    let others: Vec<String> = input
        .case
        .subjects
        .iter()
        .filter(|s| !s.criteria.iter().any(|c| c.regime == input.template.id))
        .map(|s| format!("{} {}", s.id, s.name))
        .collect();
    if !others.is_empty() {
        flow.space(4.0);
        flow.paragraph(
            &[Span::new(
                format!(
                    "Also named in the case but not proposed under this regime (no criterion of it recorded): {}.",
                    others.join("; ")
                ),
                note(),
            )],
            0.0,
            2.0,
        );
    }
}

fn narrative(flow: &mut Flow, input: &Submission) {
    let mut any = false;
    for (_, file) in input.narrative.others() {
        blocks(flow, file, false);
        flow.space(3.0);
        any = true;
    }
    if !any {
        flow.paragraph(
            &[Span::new(
                "No narrative was written (narrative/*.md besides summary.md).",
                note(),
            )],
            0.0,
            2.0,
        );
    }
}

fn timeline(flow: &mut Flow, input: &Submission, withheld: &Withheld) {
    let mut events: Vec<&Event> = input.case.events.iter().collect();
    events.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    if events.is_empty() {
        flow.paragraph(&[Span::new("No event recorded.", note())], 0.0, 2.0);
        return;
    }
    chart::timeline(flow, &events);
    flow.space(4.0);
    let rows = events
        .iter()
        .map(|e| {
            let mut what = vec![Span::new(e.title.as_str(), Look::new(SMALL).bold())];
            if let Some(d) = &e.description {
                what.push(Span::new(format!(" {d}"), Look::new(SMALL)));
            }
            if let Some(l) = &e.location {
                what.push(Span::new(format!(" ({l})"), note()));
            }
            let who: Vec<String> = e
                .subjects
                .iter()
                .map(|i| match &i.role {
                    Some(r) => format!("{} ({r})", i.subject),
                    None => i.subject.clone(),
                })
                .collect();
            vec![
                vec![Span::new(e.id.as_str(), Look::new(SMALL))],
                vec![Span::new(date_text(&e.date), Look::new(SMALL))],
                what,
                vec![Span::new(who.join(", "), Look::new(SMALL))],
                exhibit_refs(flow, withheld, &e.exhibits, Look::new(SMALL)),
            ]
        })
        .collect();
    flow.table(
        &Table::new(
            vec![14.0, 24.0, 74.0, 36.0, WIDTH - 148.0],
            &["Id", "Date", "Event", "Subjects", "Exhibits"],
            rows,
        ),
        Look::new(SMALL),
    );
}

fn legal_analysis(flow: &mut Flow, input: &Submission, withheld: &Withheld, subjects: &[&Subject]) {
    let t = input.template;
    if let Some(intro) = input.narrative.file(super::LEGAL_ANALYSIS_FILE) {
        blocks(flow, intro, true);
        flow.space(2.0);
    }
    let instruments: Vec<String> = t
        .instruments
        .iter()
        .map(|i| format!("{} ({})", i.title, i.citation))
        .collect();
    flow.paragraph(&[Span::new("Instruments", strong())], 0.0, 0.5);
    for i in instruments {
        flow.item("•", &plain(i), 5.0, 0.5);
    }
    flow.space(2.0);
    flow.paragraph(&[Span::new("Standard of proof", strong())], 0.0, 0.5);
    wording(
        flow,
        &t.standard_of_proof.text,
        t.standard_of_proof.verification,
        &t.standard_of_proof.source,
    );
    flow.paragraph(&[Span::new("Decision-maker", strong())], 0.0, 0.5);
    flow.paragraph(&plain(t.decision_maker.as_str()), 0.0, 2.0);
    flow.paragraph(&[Span::new("Measures requested", strong())], 0.0, 0.5);
    for m in &t.measures {
        wording(flow, &m.text, m.verification, &m.source);
    }
    // Each clause that a proposed subject meets, in the template's order.
    for clause in &t.criteria {
        let meeting: Vec<(&Subject, &crate::case::Criterion)> = subjects
            .iter()
            .flat_map(|s| {
                s.criteria
                    .iter()
                    .filter(|c| c.regime == t.id && c.clause == clause.id)
                    .map(move |c| (*s, c))
            })
            .collect();
        if meeting.is_empty() {
            continue;
        }
        flow.heading(
            &[Span::new(
                format!("{} {}, {}", clause.instrument, clause.id, clause.title),
                Look::new(11).bold(),
            )],
            5.0,
            None,
        );
        wording(flow, &clause.wording, clause.verification, &clause.source);
        for (subject, criterion) in meeting {
            flow.paragraph(
                &[Span::new(
                    format!("{} {}", subject.id, subject.name),
                    strong(),
                )],
                0.0,
                0.5,
            );
            if let Some(argument) = &criterion.argument {
                flow.paragraph(&plain(argument.as_str()), 4.0, 0.5);
            }
            if !criterion.exhibits.is_empty() {
                let mut spans = vec![Span::new("Exhibits: ", body())];
                spans.extend(exhibit_refs(flow, withheld, &criterion.exhibits, body()));
                flow.paragraph(&spans, 4.0, 1.5);
            }
        }
    }
}

/// Legal wording: quoted as the law's words only when verbatim, otherwise marked as a summary.
fn wording(flow: &mut Flow, text: &str, verification: Verification, source: &str) {
    let spans = match verification {
        Verification::Verbatim => vec![Span::new(format!("“{}”", text.trim()), body())],
        Verification::Secondary => vec![
            Span::new(
                "In summary (as quoted by a secondary source, not checked against the official text): ",
                body().italic().ink(Ink::Grey),
            ),
            Span::new(text, body()),
        ],
        Verification::Paraphrase => vec![
            Span::new(
                "In summary (not the law's words): ",
                body().italic().ink(Ink::Grey),
            ),
            Span::new(text, body()),
        ],
    };
    flow.paragraph(&spans, 4.0, 0.5);
    if verification == Verification::Verbatim && !source.is_empty() {
        flow.paragraph(&[Span::new(format!("Source: {source}"), note())], 4.0, 2.0);
    } else {
        flow.space(1.5);
    }
}

fn exhibits(flow: &mut Flow, input: &Submission, subjects: &[&Subject]) {
    let index = ExhibitIndex::select(input, subjects);
    flow.paragraph(&[Span::new(index.intro(), note())], 0.0, 3.0);
    exhibit_table(flow, &index.listed);
    if index.listed.len() < index.all.len() {
        other_exhibits(flow, &index);
    }
}

/// Which exhibits the index lists: all of them, or past `FULL_INDEX_UP_TO`, the ones this
/// regime's criteria cite, then those of the events.
struct ExhibitIndex<'a> {
    all: &'a [SealedExhibit],
    listed: Vec<&'a SealedExhibit>,
    /// Exhibits cited by this regime's criteria.
    by_criteria: usize,
    /// Exhibits cited by the criteria or the events.
    cited: usize,
}

impl<'a> ExhibitIndex<'a> {
    fn select(input: &'a Submission, subjects: &[&'a Subject]) -> ExhibitIndex<'a> {
        let all = input.exhibits;
        let limit = super::FULL_INDEX_UP_TO;
        // Past the limit, the exhibits that carry this regime's criteria come first, then those
        // of the events, each in the order registered.
        let by_criteria: HashSet<&str> = subjects
            .iter()
            .flat_map(|s| s.criteria.iter())
            .filter(|c| c.regime == input.template.id)
            .flat_map(|c| c.exhibits.iter())
            .map(String::as_str)
            .collect();
        let by_events: HashSet<&str> = input
            .case
            .events
            .iter()
            .flat_map(|e| e.exhibits.iter())
            .map(String::as_str)
            .collect();
        let cited = all
            .iter()
            .filter(|e| by_criteria.contains(e.id.as_str()) || by_events.contains(e.id.as_str()))
            .count();
        let listed: Vec<&SealedExhibit> = if all.len() <= limit {
            all.iter().collect()
        } else {
            let mut listed: Vec<_> = all
                .iter()
                .filter(|e| by_criteria.contains(e.id.as_str()))
                .chain(all.iter().filter(|e| {
                    by_events.contains(e.id.as_str()) && !by_criteria.contains(e.id.as_str())
                }))
                .take(limit)
                .collect();
            // Back in the order registered, whichever group they came from.
            let order: std::collections::HashMap<&str, usize> = all
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.as_str(), i))
                .collect();
            listed.sort_by_key(|e| order[e.id.as_str()]);
            listed
        };
        ExhibitIndex {
            all,
            listed,
            by_criteria: by_criteria.len(),
            cited,
        }
    }

    /// The sentence that opens the index: what is listed and where the rest is.
    fn intro(&self) -> String {
        let (all, cited, limit) = (self.all, self.cited, super::FULL_INDEX_UP_TO);
        let withheld = all.iter().filter(|e| e.withheld).count();
        if self.listed.len() == all.len() {
            format!(
                "All {} exhibits, in the order registered. Each file is in the dossier as data/exhibits/<id>-<file name>{}; its SHA-256 is the one in manifest-sha256.txt.",
                all.len(),
                if withheld > 0 {
                    format!(
                        ", except the {withheld} withheld (listed with their SHA-256 and size only)"
                    )
                } else {
                    String::new()
                }
            )
        } else if self.listed.len() == cited {
            format!(
                "The dossier holds {} exhibits, more than this index lists ({limit}): the {cited} exhibits this submission cites are listed, and the rest are summarised by folder and type below. The full index, with every SHA-256, is data/exhibits.csv in the dossier.",
                all.len(),
            )
        } else {
            format!(
                "The dossier holds {} exhibits, more than this index lists ({limit}). This submission cites {cited} of them: the {} cited in support of the criteria are listed, then those of the events up to {limit}, and the rest are summarised by folder and type below. The full index, with every SHA-256, is data/exhibits.csv in the dossier.",
                all.len(),
                self.by_criteria,
            )
        }
    }
}

/// One row per listed exhibit: id, title with source and SHA-256, collection date, size.
fn exhibit_table(flow: &mut Flow, listed: &[&SealedExhibit]) {
    let small = Look::new(SMALL);
    let rows = listed
        .iter()
        .map(|e| {
            let mut main = Vec::new();
            if e.withheld {
                main.push(Span::new("Withheld", small.bold().ink(Ink::Red)));
                main.push(Span::new(
                    " from this public version (confidential)",
                    small.ink(Ink::Red),
                ));
            } else {
                main.push(Span::new(
                    e.title.clone().unwrap_or_else(|| "(untitled)".into()),
                    small.bold(),
                ));
                let source = e.source_text();
                if !source.is_empty() {
                    let look = if source == CONFIDENTIAL_SOURCE {
                        small.italic().ink(Ink::Red)
                    } else {
                        note()
                    };
                    main.push(Span::new("\nSource: ", note()));
                    main.push(Span::new(source, look));
                }
            }
            main.push(Span::new("\nSHA-256 ", Look::new(7).ink(Ink::Grey)));
            main.push(Span::new(e.sha256.as_str(), Look::new(7)));
            vec![
                vec![Span::new(e.id.as_str(), small).anchor(flow.named_mark(&e.id))],
                main,
                vec![Span::new(
                    e.collected_at.clone().map_or_else(String::new, |d| {
                        d.split('T').next().unwrap_or(&d).to_string()
                    }),
                    small,
                )],
                vec![Span::new(human_bytes(e.size), small)],
            ]
        })
        .collect();
    flow.table(
        &Table::new(
            vec![16.0, WIDTH - 58.0, 22.0, 20.0],
            &["Id", "Title, source and SHA-256", "Collected", "Size"],
            rows,
        ),
        small,
    );
}

/// The exhibits past the index's limit, counted by folder (first level under evidence/) and
/// media type.
fn other_exhibits(flow: &mut Flow, index: &ExhibitIndex) {
    let small = Look::new(SMALL);
    let mut groups: BTreeMap<(String, String), (usize, u64)> = BTreeMap::new();
    let shown: HashSet<&str> = index.listed.iter().map(|e| e.id.as_str()).collect();
    for e in index.all.iter().filter(|e| !shown.contains(e.id.as_str())) {
        let folder = match (&e.evidence_path, e.withheld) {
            (_, true) => "(withheld)".to_string(),
            (Some(path), _) => path
                .split_once('/')
                .map_or("(top level)".to_string(), |(f, _)| f.to_string()),
            (None, _) => "(confidential source)".to_string(),
        };
        let kind = e.media_type.clone().unwrap_or_else(|| "-".into());
        let entry = groups.entry((folder, kind)).or_default();
        entry.0 += 1;
        entry.1 += e.size;
    }
    flow.heading(
        &[Span::new(
            "Other exhibits, by folder and type",
            Look::new(11).bold(),
        )],
        4.0,
        None,
    );
    let rows = groups
        .into_iter()
        .map(|((folder, kind), (count, size))| {
            vec![
                vec![Span::new(folder, small)],
                vec![Span::new(kind, small)],
                vec![Span::new(count.to_string(), small)],
                vec![Span::new(human_bytes(size), small)],
            ]
        })
        .collect();
    flow.table(
        &Table::new(
            vec![60.0, WIDTH - 120.0, 30.0, 30.0],
            &["Folder", "Type", "Exhibits", "Total size"],
            rows,
        ),
        small,
    );
}

fn custody_summary(flow: &mut Flow, input: &Submission) {
    let log = custody::Log::parse(input.custody_log, true);
    let entries: Vec<&custody::Entry> = log
        .lines
        .iter()
        .filter_map(|l| l.entry.as_ref().ok())
        .collect();
    let head = log.head();
    flow.paragraph(
        &plain(format!(
            "The chain-of-custody log is sealed in the dossier as data/custody.jsonl: one entry per line, each holding the SHA-256 of the line before it, so that an edited, removed or reordered entry breaks the chain. It has {} entries; the chain was checked intact when the dossier was built.",
            log.lines.len()
        )),
        0.0,
        2.0,
    );
    if let Some(head) = head {
        flow.paragraph(
            &[Span::new("SHA-256 of the last entry", strong())],
            0.0,
            0.5,
        );
        flow.paragraph(&plain(head.last), 0.0, 3.0);
    }
    let mut actions: BTreeMap<&str, (usize, &str, &str)> = BTreeMap::new();
    for e in &entries {
        let slot = actions.entry(e.action.as_str()).or_insert((0, "", ""));
        slot.0 += 1;
        if !e.time.is_empty() {
            if slot.1.is_empty() || e.time.as_str() < slot.1 {
                slot.1 = &e.time;
            }
            if e.time.as_str() > slot.2 {
                slot.2 = &e.time;
            }
        }
    }
    let small = Look::new(SMALL);
    let rows = actions
        .into_iter()
        .map(|(action, (count, first, last))| {
            let meaning = match action {
                "init" => "case opened",
                "intake" => "exhibit registered with its SHA-256",
                "copy" => "exhibit copied into the case, copy checked against the original",
                "check" => "integrity check of the case",
                "withheld" => "entry about a withheld exhibit, content removed, hash kept",
                _ => "",
            };
            vec![
                vec![Span::new(action, small.bold())],
                vec![Span::new(meaning, small)],
                vec![Span::new(count.to_string(), small)],
                vec![Span::new(first, small)],
                vec![Span::new(last, small)],
            ]
        })
        .collect();
    flow.table(
        &Table::new(
            vec![18.0, WIDTH - 108.0, 16.0, 37.0, 37.0],
            &["Action", "Meaning", "Entries", "First", "Last"],
            rows,
        ),
        small,
    );
    let mut actors: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.actor.is_empty()) {
        *actors.entry(e.actor.as_str()).or_default() += 1;
    }
    if !actors.is_empty() {
        flow.paragraph(&[Span::new("Recorded by", strong())], 0.0, 0.5);
        for (actor, count) in actors {
            flow.item("•", &plain(format!("{actor}: {count} entries")), 5.0, 0.5);
        }
    }
}

fn signatories(flow: &mut Flow, input: &Submission) {
    let mut signatories: Vec<_> = input.case.signatories.iter().collect();
    signatories.sort_by_key(|s| s.role != SignatoryRole::Lead);
    if signatories.is_empty() {
        flow.paragraph(&[Span::new("No signatory recorded.", note())], 0.0, 2.0);
        return;
    }
    for s in signatories {
        let role = match s.role {
            SignatoryRole::Lead => "lead organisation",
            SignatoryRole::CoSigner => "co-signing organisation",
        };
        flow.paragraph(&[Span::new(s.name.as_str(), strong())], 0.0, 0.5);
        let mut lines = vec![role.to_string()];
        lines.extend(s.country.clone());
        lines.extend(s.contact.clone().map(|c| format!("Contact: {c}")));
        lines.extend(s.email.clone().map(|e| format!("E-mail: {e}")));
        flow.paragraph(&plain(lines.join(" · ")), 4.0, 2.5);
    }
    flow.paragraph(
        &[Span::new(
            "Each organisation signs the dossier's fingerprint with its own key; the signatures are in signatures/ of the dossier once given (see the annex).",
            note(),
        )],
        0.0,
        2.0,
    );
}

fn annex(flow: &mut Flow, input: &Submission) {
    let name = input.dossier;
    let code = |flow: &mut Flow, text: &str| {
        flow.paragraph(
            &[Span::new(text, Look::new(SMALL).ink(Ink::Blue))],
            6.0,
            2.0,
        );
    };
    let step = |flow: &mut Flow, n: usize, text: &str| {
        flow.item(&format!("{n}."), &plain(text), 6.0, 1.0);
    };
    flow.paragraph(
        &plain(format!(
            "This submission is part of the sealed dossier {name}.zip, a BagIt 1.0 bag (RFC 8493) in a zip file. Every file of the dossier, this PDF included, is listed with its SHA-256 in the bag's manifest-sha256.txt. The steps below need only standard tools; none of them needs dossier."
        )),
        0.0,
        3.0,
    );
    step(flow, 1, "Check the zip file is whole, then unpack it:");
    code(
        flow,
        &format!("unzip -t {name}.zip\nunzip {name}.zip\ncd {name}"),
    );
    step(
        flow,
        2,
        "Check every file against its SHA-256 (every line must say OK; manifest paths with a space, % or a line break are percent-encoded as RFC 8493 requires, so for those rely on step 3):",
    );
    code(
        flow,
        "sha256sum -c manifest-sha256.txt\nsha256sum -c tagmanifest-sha256.txt",
    );
    step(
        flow,
        3,
        "Validate the bag as a whole (files missing, added or changed, Payload-Oxum), with the Library of Congress bagit tool (pip install bagit):",
    );
    code(flow, &format!("bagit.py --validate {name}"));
    step(
        flow,
        4,
        "Check the exhibit fingerprint printed on the cover and at the foot of every page: it is the SHA-256 of the exhibit lines of the manifest, and is also in bag-info.txt as Exhibit-Fingerprint.",
    );
    code(
        flow,
        "grep -E '^[0-9a-f]{64} +data/exhibits/' manifest-sha256.txt | sha256sum\ngrep Exhibit-Fingerprint bag-info.txt",
    );
    flow.paragraph(
        &[Span::new(
            format!("Expected: {}", input.exhibit_fingerprint),
            Look::new(SMALL).bold(),
        )],
        6.0,
        2.0,
    );
    step(
        flow,
        5,
        "The dossier fingerprint, which the signatories sign, is the SHA-256 of manifest-sha256.txt. It cannot be printed in this PDF, which is itself listed in that manifest:",
    );
    code(flow, "sha256sum manifest-sha256.txt");
    step(
        flow,
        6,
        "Check each organisation's signature. signatures/<org>.statement.txt names the case, the dossier fingerprint, the organisation and its role; signatures/<org>.sig is an SSH signature of it in the namespace dossier. With an allowed_signers file holding the organisations' public keys, obtained from them directly:",
    );
    code(
        flow,
        "ssh-keygen -Y verify -f allowed_signers -I <org> -n dossier \\\n  -s signatures/<org>.sig < signatures/<org>.statement.txt",
    );
    flow.paragraph(
        &plain(
            "Good signature for <org> means the organisation signed that statement; check that the fingerprint in the statement equals the output of step 5.",
        ),
        6.0,
        2.0,
    );
    step(
        flow,
        7,
        "Check that a file received separately is exhibit N of this dossier: its SHA-256 must equal the one in the exhibit index.",
    );
    code(flow, "sha256sum <file>");
    step(
        flow,
        8,
        "With dossier installed, one command does steps 1 to 6 and reports every problem it finds:",
    );
    code(
        flow,
        &format!("dossier verify {name}.zip --allowed-signers allowed_signers"),
    );
}
