//! What the submission says: each section of the regime template, in its order and with its
//! heading, written into the flow.
//!
//! The law is cited as a lawyer cites it; a provision's words are put in quotation marks only
//! when the template marks them confirmed word for word, and where they were checked is never
//! printed. The public profile's exhibits arrive already withheld or with their source hidden,
//! and are shown so.

use std::collections::{BTreeMap, HashSet};

use super::chart;
use super::fonts::{Ink, Look};
use super::layout::{Flow, Table, WIDTH};
use super::markdown::Block;
use super::text::{self, Span};
use super::{Submission, date_text};
use crate::case::custody;
use crate::case::{Confidentiality, Event, SignatoryRole, Subject, SubjectKind};
use crate::display::{and_list, human_bytes, plural};
use crate::dossier::json::{CONFIDENTIAL_SOURCE, Profile, SealedExhibit};
use crate::template::Section;

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

/// The marking for the header of every page and the cover: (short, long). A full dossier that
/// holds confidential exhibits says so whatever the case-level request; a draft says so first.
pub fn marking(input: &Submission) -> (String, String) {
    let (short, long) = confidentiality_marking(input);
    if input.draft {
        (
            format!("{DRAFT} · {short}"),
            format!(
                "Draft for review, built although `dossier check` reports errors: not to be filed. {long}"
            ),
        )
    } else {
        (short, long)
    }
}

/// The stamp of a draft, on every page.
pub const DRAFT: &str = "DRAFT - NOT FOR FILING";

fn confidentiality_marking(input: &Submission) -> (String, String) {
    let withheld = input.exhibits.iter().filter(|e| e.withheld).count();
    let confidential: Vec<&str> = input
        .exhibits
        .iter()
        .filter(|e| e.held_confidential())
        .map(|e| e.id.as_str())
        .collect();
    let note = input.case.confidentiality_note.clone();
    match (input.profile, input.case.confidentiality) {
        (Profile::Public, _) => (
            "PUBLIC VERSION".into(),
            format!(
                "Public version: {} withheld (listed with their SHA-256 and size only) and confidential sources not named.",
                plural(withheld, "confidential exhibit")
            ),
        ),
        (Profile::Full, _) if !confidential.is_empty() => {
            let holds = format!(
                "The submission holds {} ({}), marked in the exhibit index: not for publication.",
                plural(confidential.len(), "confidential exhibit"),
                and_list(&confidential)
            );
            let request = match (input.case.confidentiality, note) {
                (Confidentiality::Confidential, Some(note)) => format!("{note} "),
                (Confidentiality::Confidential, None) => format!(
                    "Confidential: submitted to {} only; not for publication. ",
                    input.template.authority
                ),
                (Confidentiality::Public, _) => String::new(),
            };
            (
                format!(
                    "CONFIDENTIAL: contains {}",
                    plural(confidential.len(), "confidential exhibit")
                ),
                format!("{request}{holds}"),
            )
        }
        (Profile::Full, Confidentiality::Confidential) => (
            "CONFIDENTIAL".into(),
            note.unwrap_or_else(|| {
                format!(
                    "Confidential: submitted to {} only; not for publication.",
                    input.template.authority
                )
            }),
        ),
        (Profile::Full, Confidentiality::Public) => (
            "NOT CONFIDENTIAL".into(),
            note.unwrap_or_else(|| {
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
    // The coalition's cover letter opens the submission unless the template places it.
    let mut sections = input.template.sections.clone();
    if !sections.iter().any(|s| s.id == LETTER) {
        sections.insert(
            0,
            Section {
                id: LETTER.into(),
                heading: "Cover letter".into(),
            },
        );
    }
    // A supplementary submission says what it supplements right after the cover.
    if input.supplement.is_some() {
        let after_cover = sections
            .iter()
            .position(|s| s.id == "cover")
            .map_or(0, |i| i + 1);
        sections.insert(
            after_cover,
            Section {
                id: SUPPLEMENT.into(),
                heading: "Supplementary submission".into(),
            },
        );
    }
    place_filing_record(&mut sections, input);
    let sections = &sections;
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
    let letter_mark = sections
        .iter()
        .zip(&marks)
        .find(|(s, _)| s.id == LETTER)
        .and_then(|(_, m)| *m);
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
        if section.id == LETTER {
            if let Some(mark) = letter_mark {
                flow.set_mark(mark);
            }
            letter(flow, input, &subjects);
            continue;
        }
        // The contents have no entry of their own, but a bookmark.
        let mark = mark.or_else(|| Some(flow.new_mark()));
        flow.heading(
            1,
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
            "legal_analysis" => legal_analysis(flow, input, &withheld, &subjects, &subject_marks),
            "exhibits" => exhibits(flow, input, &subjects),
            "custody" => custody_summary(flow, input),
            "signatories" => signatories(flow, input),
            "verification_annex" => annex(flow, input),
            SUPPLEMENT => supplement(flow, input),
            FILING => filing_record(flow, input),
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

/// The section id of a supplementary submission's section (not in templates: `write` places it
/// after the cover when the dossier supplements an earlier one).
const SUPPLEMENT: &str = "supplement";

/// Which earlier dossier this one supplements (name, date, fingerprint), and what changed since,
/// in the words `dossier diff` prints. The comparison arrives at this dossier's profile: in a
/// public one, a withheld exhibit is told by its id, hash and size only.
fn supplement(flow: &mut Flow, input: &Submission) {
    let Some(diff) = input.supplement else {
        return;
    };
    let from = &diff.from;
    flow.paragraph(
        &plain(format!(
            "This submission supplements the dossier {}.zip, sealed on {}, of case {}. It is submitted with the complete dossier as it now stands; this section lists what changed since the earlier dossier, and everything not listed is as submitted then.",
            from.name, from.date, from.case
        )),
        0.0,
        2.0,
    );
    flow.paragraph(
        &labelled("Earlier dossier", format!("{}.zip", from.name)),
        0.0,
        1.0,
    );
    flow.paragraph(&labelled("Sealed on", from.date.as_str()), 0.0, 1.0);
    earlier_fingerprint(flow, from, 1.0);
    flow.paragraph(
        &[Span::new(
            "The SHA-256 of the earlier dossier's manifest-sha256.txt, which its signatories signed; it is also in this dossier's bag-info.txt (Supplements-Fingerprint) and data/dossier.json.",
            note(),
        )],
        0.0,
        3.0,
    );
    if diff.compared_as == Profile::Public {
        flow.paragraph(
            &[Span::new(
                "Compared as the public profile shows both dossiers: a withheld exhibit is listed by its id, SHA-256 and size only.",
                note(),
            )],
            0.0,
            2.0,
        );
    }
    let sections = diff.sections();
    if sections.is_empty() {
        flow.paragraph(
            &plain("No exhibit, subject or event changed since the earlier dossier."),
            0.0,
            2.0,
        );
    }
    for section in sections {
        flow.heading(
            2,
            &[Span::new(section.heading.as_str(), Look::new(11).bold())],
            2.0,
            None,
        );
        for line in &section.lines {
            flow.item("•", &plain(line.text.as_str()), 5.0, 0.5);
            for detail in &line.details {
                flow.item("–", &[Span::new(detail.as_str(), Look::new(9))], 10.0, 0.5);
            }
        }
    }
}

/// The earlier dossier's fingerprint under its label, as the cover and the supplementary
/// submission section print it, followed by `after` mm of space.
fn earlier_fingerprint(flow: &mut Flow, from: &crate::dossier::diff::DossierRef, after: f64) {
    flow.label(
        &[Span::new(
            "Dossier fingerprint of the earlier dossier (SHA-256)",
            strong(),
        )],
        0.5,
    );
    flow.paragraph(
        &[Span::new(
            from.dossier_fingerprint.as_deref().unwrap_or(""),
            Look::new(BODY),
        )],
        0.0,
        after,
    );
}

/// The section id of the filing record: where the template lists it, else after the cover (and
/// the supplementary submission) when the regime's record has an entry.
const FILING: &str = "filing";

/// Puts the filing record among the sections: a template that lists `filing` places and names
/// it; one that does not gets it after the cover (and the supplementary submission) as "Filing
/// record", and only when this regime's record has an entry.
fn place_filing_record(sections: &mut Vec<Section>, input: &Submission) {
    let regime = &input.template.id;
    if sections.iter().any(|s| s.id == FILING)
        || !input.case.filing.iter().any(|e| e.regime == *regime)
    {
        return;
    }
    let after = sections
        .iter()
        .rposition(|s| s.id == "cover" || s.id == SUPPLEMENT)
        .map_or(0, |i| i + 1);
    sections.insert(
        after,
        Section {
            id: FILING.into(),
            heading: "Filing record".into(),
        },
    );
}

/// What became of the referral with this regime before this dossier was sealed, from the case's
/// filing record: each entry's date, state, the dossier it refers to (name, sealing day,
/// fingerprint) and the authority's reference. Facts only: no wording of the law; the team's
/// notes are internal and not printed.
fn filing_record(flow: &mut Flow, input: &Submission) {
    let regime = &input.template.id;
    let mut entries: Vec<&crate::case::FilingEntry> = input
        .case
        .filing
        .iter()
        .filter(|e| e.regime == *regime)
        .collect();
    entries.sort_by_key(|e| e.date);
    if entries.is_empty() {
        flow.paragraph(
            &plain(format!(
                "No earlier submission of case {} to this authority is recorded.",
                input.case.id
            )),
            0.0,
            2.0,
        );
        return;
    }
    flow.paragraph(
        &plain(format!(
            "The earlier submissions of case {} under this regime and what followed, as the case's filing record stood when this dossier was sealed on {}. Each entry names the dossier it refers to by its file name and its dossier fingerprint (the SHA-256 of its manifest-sha256.txt), which an intact copy of that dossier reproduces.",
            input.case.id, input.date
        )),
        0.0,
        3.0,
    );
    for entry in entries {
        flow.keep(22.0);
        flow.paragraph(
            &[
                Span::new(format!("{}  ", date_text(&entry.date)), strong()),
                Span::new(filing_state(entry.state), strong()),
                Span::new(format!("  ({})", entry.id), note()),
            ],
            0.0,
            0.5,
        );
        if let Some(dossier) = &entry.dossier {
            let sealed = dossier
                .sealed
                .map(|d| format!(", sealed on {d}"))
                .unwrap_or_default();
            flow.paragraph(
                &labelled("Dossier", format!("{}{sealed}", dossier.file)),
                5.0,
                0.5,
            );
            flow.paragraph(
                &[Span::new("Dossier fingerprint (SHA-256)", strong())],
                5.0,
                0.3,
            );
            flow.paragraph(&[Span::new(dossier.fingerprint.as_str(), body())], 5.0, 0.5);
        }
        if let Some(reference) = &entry.reference {
            flow.paragraph(&labelled("Reference", reference.as_str()), 5.0, 0.5);
        }
        flow.space(2.5);
    }
}

/// A filing state as the record's entry heading prints it.
fn filing_state(state: crate::case::FilingState) -> &'static str {
    use crate::case::FilingState::*;
    match state {
        Filed => "Filed",
        Acknowledged => "Acknowledged",
        FollowUp => "Follow-up",
        Designated => "Designated",
        Declined => "Declined",
        Withdrawn => "Withdrawn",
    }
}

/// The space between the letter's closing and its signature block, in mm: room to sign.
const SIGNING_SPACE: f64 = 14.0;

/// The section id of the cover letter.
const LETTER: &str = "letter";

/// The coalition's letter to the regime's addressees: who asks what of whom, the body
/// (`narrative/letter.md`, or a default from the case), and every signatory organisation.
fn letter(flow: &mut Flow, input: &Submission, subjects: &[&Subject]) {
    let signatories = lead_first(input);
    let lead = signatories.first();
    flow.paragraph(
        &[Span::new(
            lead.map_or("The undersigned organisations", |s| s.name.as_str()),
            Look::new(13).bold(),
        )],
        0.0,
        0.5,
    );
    if signatories.len() > 1 {
        flow.paragraph(
            &[Span::new(
                format!(
                    "on behalf of a coalition of {}",
                    plural(signatories.len(), "organisation")
                ),
                note(),
            )],
            0.0,
            0.5,
        );
    }
    flow.paragraph(&plain(submission_date(input)), 0.0, 6.0);
    let addressees: Vec<_> = input
        .case
        .addressees
        .iter()
        .filter(|a| a.regime == input.template.id)
        .collect();
    if addressees.is_empty() {
        flow.paragraph(&plain(input.template.authority.as_str()), 0.0, 4.0);
    }
    for a in &addressees {
        flow.paragraph(&[Span::new(a.name.as_str(), strong())], 0.0, 0.3);
        for line in [&a.title, &a.organisation, &a.address]
            .into_iter()
            .flatten()
        {
            flow.paragraph(&plain(line.as_str()), 0.0, 0.3);
        }
        flow.space(3.0);
    }
    let subject_names: Vec<&str> = subjects.iter().map(|s| s.name.as_str()).collect();
    flow.paragraph(
        &[Span::new(
            format!(
                "Re: {}{}, request for the designation of {} under the {}",
                if input.supplement.is_some() {
                    "Supplementary submission: "
                } else {
                    ""
                },
                input.case.title,
                if subjects.is_empty() {
                    "the persons and entities named in the enclosed submission".to_string()
                } else {
                    and_list(&subject_names)
                },
                input.template.name
            ),
            strong(),
        )],
        0.0,
        4.0,
    );
    let greeting = if addressees.is_empty() {
        "Dear Sir or Madam,".to_string()
    } else {
        let names: Vec<&str> = addressees.iter().map(|a| a.name.as_str()).collect();
        format!("Dear {},", and_list(&names))
    };
    flow.paragraph(&plain(greeting), 0.0, 3.0);
    match input.narrative.file(super::LETTER_FILE) {
        Some(body) => blocks(flow, body, true),
        None => default_letter(flow, input, subjects, lead.copied()),
    }
    // Whatever the letter's own words, it says which earlier dossier it supplements.
    if let Some(diff) = input.supplement {
        let from = &diff.from;
        let fingerprint = from.dossier_fingerprint.as_deref().unwrap_or("");
        flow.paragraph(
            &plain(format!(
                "This is a supplementary submission to our dossier {}.zip, sealed on {} (dossier fingerprint {}…). The section after the cover lists what changed since; everything not listed there is as submitted then.",
                from.name,
                from.date,
                fingerprint.get(..16).unwrap_or(fingerprint)
            )),
            0.0,
            3.0,
        );
    }
    // The closing stays with the first signatures, with room to sign between them.
    flow.keep(text::line_height(BODY) + SIGNING_SPACE + 25.0);
    flow.paragraph(&plain("Respectfully submitted,"), 0.0, SIGNING_SPACE);
    signature_block(flow, &signatories);
}

/// The letter's body when the case has no `narrative/letter.md`: what is asked, what the dossier
/// holds and how it is sealed, its confidentiality, and whom to write to. No legal wording.
fn default_letter(
    flow: &mut Flow,
    input: &Submission,
    subjects: &[&Subject],
    lead: Option<&crate::case::Signatory>,
) {
    let t = input.template;
    let names: Vec<String> = subjects
        .iter()
        .map(|s| format!("{} ({})", s.name, s.id))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let who = match input.case.signatories.len() {
        0 | 1 => "The undersigned organisation".to_string(),
        n => format!("The {n} undersigned organisations"),
    };
    let paragraphs = [
        format!(
            "{who} respectfully {} the designation of {} under the {}, on the grounds and the legal basis set out in the enclosed submission.",
            if input.case.signatories.len() > 1 {
                "request"
            } else {
                "requests"
            },
            if names.is_empty() {
                "the persons and entities named in it".to_string()
            } else {
                and_list(&names)
            },
            t.name,
        ),
        format!(
            "For each subject the submission gives the identifying information we hold, the conduct alleged and the criteria it meets, supported by a timeline of {} and {}. Every exhibit is sealed with its SHA-256 in the dossier {}.zip; the exhibit fingerprint printed on every page identifies the whole evidence set, and the annex explains how to verify it with standard tools.",
            plural(input.case.events.len(), "event"),
            plural(input.exhibits.len(), "exhibit"),
            input.dossier
        ),
        marking(input).1,
        match lead {
            Some(lead) => {
                let mut contact = lead.contact.clone().unwrap_or_else(|| lead.name.clone());
                for extra in [&lead.email, &lead.phone].into_iter().flatten() {
                    contact.push_str(&format!(", {extra}"));
                }
                format!(
                    "We would welcome the opportunity to provide further information. Please address any correspondence about this submission to {contact}, on behalf of {}.",
                    lead.name
                )
            }
            None => "We would welcome the opportunity to provide further information.".to_string(),
        },
    ];
    for text in paragraphs {
        flow.paragraph(&plain(text), 0.0, 3.0);
    }
}

/// Every signatory organisation, lead first, in two columns: name, who it is, country, contact.
fn signature_block(flow: &mut Flow, signatories: &[&crate::case::Signatory]) {
    let small = Look::new(SMALL);
    let cell = |s: &crate::case::Signatory| {
        let mut spans = vec![Span::new(s.name.as_str(), small.bold())];
        if s.role == SignatoryRole::Lead {
            spans.push(Span::new(" (lead organisation)", small.ink(Ink::Grey)));
        }
        let mut lines: Vec<String> = Vec::new();
        lines.extend(s.description.clone());
        lines.extend(s.country.clone());
        let contact: Vec<String> = [&s.contact, &s.email, &s.phone]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        if !contact.is_empty() {
            lines.push(contact.join(" · "));
        }
        for line in lines {
            spans.push(Span::new(format!("\n{line}"), small));
        }
        spans
    };
    let rows = signatories
        .chunks(2)
        .map(|pair| {
            let mut row: Vec<Vec<Span>> = pair.iter().map(|s| cell(s)).collect();
            row.resize_with(2, Vec::new);
            row
        })
        .collect();
    flow.table(
        &Table::new(vec![WIDTH / 2.0, WIDTH / 2.0], &["", ""], rows),
        small,
    );
}

/// The signatories, the lead organisation first.
fn lead_first<'a>(input: &'a Submission) -> Vec<&'a crate::case::Signatory> {
    let mut signatories: Vec<_> = input.case.signatories.iter().collect();
    signatories.sort_by_key(|s| s.role != SignatoryRole::Lead);
    signatories
}

/// The date the submission carries: the case's submission date, else the build's.
fn submission_date(input: &Submission) -> String {
    input
        .case
        .submission_date
        .map_or_else(|| input.date.to_string(), |d| d.to_string())
}

/// Up to this many signatories, the cover lists one a line.
const COVER_LIST_UP_TO: usize = 6;

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
    supplement_notice(flow, input);
    flow.paragraph(&labelled("Addressed to", t.authority.as_str()), 0.0, 2.0);
    flow.paragraph(
        &labelled("Regime", format!("{} ({})", t.name, t.jurisdiction)),
        0.0,
        2.0,
    );
    flow.paragraph(&labelled("Legal basis", cite(&t.legal_basis)), 0.0, 8.0);
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
    flow.label(&[Span::new("Submitted by", strong())], 1.0);
    let mut signatories: Vec<_> = input.case.signatories.iter().collect();
    signatories.sort_by_key(|s| s.role != SignatoryRole::Lead);
    if signatories.is_empty() {
        flow.paragraph(&plain("(no signatory recorded)"), 4.0, 1.0);
    }
    let texts: Vec<String> = signatories
        .iter()
        .map(|s| {
            let mut text = s.name.clone();
            if let Some(country) = &s.country {
                text.push_str(&format!(", {country}"));
            }
            if s.role == SignatoryRole::Lead {
                text.push_str(" (lead organisation)");
            }
            text
        })
        .collect();
    // A large coalition (the 2017 letter had 23 organisations) is one paragraph, so that the
    // cover stays one page; the letter's signature block lists each in full.
    if texts.len() > COVER_LIST_UP_TO {
        flow.paragraph(&plain(texts.join("; ")), 4.0, 0.5);
    } else {
        for text in texts {
            flow.item("•", &plain(text), 4.0, 0.5);
        }
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
    flow.label(&[Span::new("Exhibit fingerprint (SHA-256)", strong())], 0.5);
    flow.paragraph(
        &[Span::new(input.exhibit_fingerprint, Look::new(10))],
        0.0,
        1.0,
    );
    flow.paragraph(
        &[Span::new(
            format!(
                "Identifies the {} sealed in the dossier: the SHA-256 of the exhibit lines of its manifest-sha256.txt. The annex explains how to check it.",
                plural(input.exhibits.iter().filter(|e| !e.withheld).count(), "exhibit file")
            ),
            note(),
        )],
        0.0,
        1.0,
    );
}

/// On the cover of a supplementary submission: that it is one, and which earlier dossier it
/// supplements (name, sealing date, dossier fingerprint), so that a cover read alone, or filed
/// apart from the rest, cannot be taken for a first submission.
fn supplement_notice(flow: &mut Flow, input: &Submission) {
    let Some(diff) = input.supplement else {
        return;
    };
    let from = &diff.from;
    flow.paragraph(
        &[Span::new("SUPPLEMENTARY SUBMISSION", Look::new(12).bold())],
        0.0,
        1.0,
    );
    flow.paragraph(
        &plain(format!(
            "Supplements the earlier dossier {}.zip, sealed on {}; the section after this cover lists what changed since.",
            from.name, from.date
        )),
        0.0,
        1.0,
    );
    earlier_fingerprint(flow, from, 8.0);
}

fn blocks(flow: &mut Flow, blocks: &[Block], skip_title: bool) {
    let skip = usize::from(skip_title && matches!(blocks.first(), Some(Block::Heading(1, _))));
    // The file's largest headings are level 2, under the section's: headings of one size are
    // always of one level, whichever size the file starts from.
    let top = blocks[skip..]
        .iter()
        .filter_map(|b| match b {
            Block::Heading(level, _) => Some(*level),
            _ => None,
        })
        .min()
        .unwrap_or(1);
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
                flow.heading(2 + level - top, &spans, 3.0, None);
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
            Block::Table(header, rows) => {
                let columns = header
                    .len()
                    .max(rows.iter().map(Vec::len).max().unwrap_or(0));
                if columns == 0 {
                    continue;
                }
                let header: Vec<String> = (0..columns)
                    .map(|i| {
                        header
                            .get(i)
                            .map(|c| c.iter().map(|s| s.text.as_str()).collect())
                            .unwrap_or_default()
                    })
                    .collect();
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                let rows = rows
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        r.resize_with(columns, Vec::new);
                        r
                    })
                    .collect();
                let width = WIDTH / columns as f64;
                flow.table(&Table::new(vec![width; columns], &header, rows), body());
                flow.space(2.0);
            }
        }
    }
}

fn summary(flow: &mut Flow, input: &Submission, subjects: &[&Subject]) {
    let events = &input.case.events;
    let facts = format!(
        "This submission proposes {} for designation under {}. It rests on {} sealed with their SHA-256 in the dossier {}.zip, {} of the timeline{}.",
        plural(subjects.len(), "subject"),
        cite(&input.template.legal_basis),
        plural(input.exhibits.len(), "exhibit"),
        input.dossier,
        plural(events.len(), "event"),
        // The span as the dates are written: an event of `2011` starts in 2011, not on 1 January.
        match (
            events.iter().min_by_key(|e| e.date.first_day()),
            events.iter().max_by_key(|e| e.date.last_day())
        ) {
            (Some(a), Some(b)) => format!(
                " (from {} to {})",
                a.date.start,
                b.date.end.unwrap_or(b.date.start)
            ),
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
        2,
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
    fields.write(
        flow,
        "Already designated by",
        "existing_designations",
        subject
            .existing_designations
            .iter()
            .map(designation)
            .collect(),
    );
    criteria_met(flow, input, withheld, subject);
    subject_events(flow, input, subject);
    fields.write(
        flow,
        "Nexus with the jurisdiction",
        "nexus",
        subject.nexus.clone(),
    );
    fields.write(
        flow,
        "Assets that could be frozen",
        "assets",
        subject.assets.iter().map(asset).collect(),
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
            flow.label(&[Span::new(format!("{label}:"), strong())], 0.5);
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
    let name = match list_form(subject) {
        Some(listed) => format!("{} (as sanctions lists write it: {listed})", subject.name),
        None => subject.name.clone(),
    };
    fields.write(flow, "Name", "name", vec![name]);
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

/// The list-style form of a person's name, `AL BUAINAIN, Ali bin Fadhul`, when the surname is
/// known.
fn list_form(subject: &Subject) -> Option<String> {
    let surname = subject.surname.as_deref()?;
    Some(match subject.given_names.as_deref() {
        Some(given) => format!("{}, {given}", surname.to_uppercase()),
        None => surname.to_uppercase(),
    })
}

/// `Office of Foreign Assets Control, GLOMAG, since 2021-03-22 (source: https://...)`: each
/// designation with where an officer can check it.
fn designation(d: &crate::case::Designation) -> String {
    let mut text = d.authority.clone();
    if let Some(program) = &d.program {
        text.push_str(&format!(", {program}"));
    }
    if let Some(start) = &d.start_date {
        text.push_str(&format!(", since {start}"));
    }
    match &d.source_url {
        Some(url) => text.push_str(&format!(" (source: {url})")),
        None => text.push_str(" (no published source recorded)"),
    }
    text
}

/// `Apartment 12, London (GB)`.
fn asset(a: &crate::case::Asset) -> String {
    let mut text = a.what.clone();
    if let Some(location) = &a.location {
        text.push_str(&format!(", {location}"));
    }
    if let Some(jurisdiction) = &a.jurisdiction {
        text.push_str(&format!(" ({jurisdiction})"));
    }
    text
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
        3,
        &[Span::new(
            format!("Criteria met under {}", t.name),
            Look::new(11).bold(),
        )],
        1.0,
        None,
    );
    let criteria: Vec<_> = subject
        .criteria
        .iter()
        .filter(|c| c.regime == t.id)
        .collect();
    for (i, criterion) in criteria.iter().enumerate() {
        let title = t
            .clause(&criterion.clause)
            .map_or_else(String::new, |c| format!(": {}", c.title));
        flow.paragraph(
            &[Span::new(format!("{}{title}", criterion.clause), strong())],
            0.0,
            0.8,
        );
        // An argument is printed once: a criterion that carries the same text as one above
        // points to it.
        let same = criteria[..i]
            .iter()
            .find(|c| c.argument.is_some() && c.argument == criterion.argument);
        match (&criterion.argument, same) {
            (Some(_), Some(earlier)) => flow.paragraph(
                &[Span::new(
                    format!(
                        "The argument is the one given under {} above.",
                        earlier.clause
                    ),
                    body().italic(),
                )],
                4.0,
                0.8,
            ),
            (Some(argument), None) => flow.paragraph(&plain(argument.as_str()), 4.0, 0.8),
            (None, _) => flow.paragraph(
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

/// A role as people write it: `supplier-of-equipment` reads "supplier of equipment".
fn role_text(role: &str) -> String {
    if role.contains('-') && !role.contains(' ') {
        role.replace('-', " ")
    } else {
        role.to_string()
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
    flow.label(&[Span::new("Events", strong())], 0.5);
    for e in events {
        let role = e
            .subjects
            .iter()
            .find(|i| i.subject == subject.id)
            .and_then(|i| i.role.as_deref())
            .map_or_else(String::new, |r| format!(" ({})", role_text(r)));
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
                    Some(r) => format!("{} ({})", i.subject, role_text(r)),
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

/// The law the submission relies on: the instruments, the standard of proof, the measures, then
/// each clause a proposed subject meets, with the subjects proposed under it. The argument for
/// each subject is printed once, in its profile; here each subject points to it.
fn legal_analysis(
    flow: &mut Flow,
    input: &Submission,
    withheld: &Withheld,
    subjects: &[&Subject],
    profiles: &[usize],
) {
    let t = input.template;
    if let Some(intro) = input.narrative.file(super::LEGAL_ANALYSIS_FILE) {
        blocks(flow, intro, true);
        flow.space(2.0);
    }
    flow.heading(2, &[Span::new("Instruments", strong())], 0.0, None);
    for i in &t.instruments {
        flow.item("•", &plain(cite(&i.citation)), 5.0, 0.5);
    }
    flow.space(2.0);
    if !t.standard_of_proof.is_empty() {
        flow.heading(2, &[Span::new("Standard of proof", strong())], 0.0, None);
        wording(flow, &t.standard_of_proof);
        flow.space(1.5);
    }
    flow.heading(2, &[Span::new("Decision-maker", strong())], 0.0, None);
    flow.paragraph(&plain(t.decision_maker.as_str()), 0.0, 2.0);
    flow.heading(2, &[Span::new("Measures requested", strong())], 0.0, None);
    for m in t.measures.iter().filter(|m| !m.is_empty()) {
        flow.item("•", &statement(m), 5.0, 0.8);
    }
    flow.space(1.5);
    // Where each subject's argument is: its profile's page, once the profiles are laid out.
    let profiles_first = {
        let at = |id: &str| t.sections.iter().position(|s| s.id == id);
        matches!((at("subjects"), at("legal_analysis")), (Some(a), Some(b)) if a < b)
    };
    let subjects_heading = t
        .sections
        .iter()
        .find(|s| s.id == "subjects")
        .map_or("Subjects", |s| s.heading.as_str());
    // Each clause that a proposed subject meets, in the template's order.
    for clause in &t.criteria {
        let meeting: Vec<(usize, &crate::case::Criterion)> = subjects
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.criteria
                    .iter()
                    .filter(|c| c.regime == t.id && clause.answers_to(&c.clause))
                    .map(move |c| (i, c))
            })
            .collect();
        if meeting.is_empty() {
            continue;
        }
        flow.heading(
            2,
            &[Span::new(cite(&clause.citation), Look::new(11).bold())],
            5.0,
            None,
        );
        flow.paragraph(
            &[Span::new(clause.title.as_str(), body().italic())],
            0.0,
            1.0,
        );
        if let Some(quotation) = clause.quotation() {
            flow.paragraph(&plain(format!("“{quotation}”")), 4.0, 1.5);
        }
        flow.label(&[Span::new("Proposed under this clause", strong())], 0.5);
        for (i, criterion) in meeting {
            let subject = subjects[i];
            let page = profiles
                .get(i)
                .filter(|_| profiles_first)
                .and_then(|mark| flow.marks[*mark].at)
                .map(|(page, _)| page + 1);
            let place = match page {
                Some(page) => format!("see the subject's profile, page {page}"),
                None => format!("see the subject's profile under “{subjects_heading}”"),
            };
            let mut spans = vec![
                Span::new(format!("{} {}", subject.id, subject.name), strong()),
                Span::new(format!(": {place}."), body()),
            ];
            if !criterion.exhibits.is_empty() {
                spans.push(Span::new(" Exhibits: ", body()));
                spans.extend(exhibit_refs(flow, withheld, &criterion.exhibits, body()));
                spans.push(Span::new(".", body()));
            }
            flow.item("•", &spans, 5.0, 0.8);
        }
    }
}

/// A citation as printed: the template's words, with a no-break space between the abbreviation
/// of a provision and its number (see `text::bind_numbers`).
fn cite(citation: &str) -> String {
    text::bind_numbers(citation)
}

/// A statement of the law (the standard of proof), on its own line.
fn wording(flow: &mut Flow, s: &crate::template::Statement) {
    flow.paragraph(&statement(s), 4.0, 0.5);
}

/// A statement of the law as printed: our label, the provision's words in quotation marks only
/// when they are confirmed word for word, and the citation. Where the wording was checked is
/// never printed.
fn statement(s: &crate::template::Statement) -> Vec<Span> {
    let label = s.label.trim();
    let citation = cite(s.citation.trim());
    let mut text = String::new();
    match s.quotation() {
        Some(quotation) => {
            if !label.is_empty() {
                text.push_str(&format!("{label}: "));
            }
            text.push_str(&format!("“{quotation}”"));
            if !citation.is_empty() {
                text.push_str(&format!(" ({citation})"));
            }
        }
        None => {
            text.push_str(label);
            if !citation.is_empty() {
                if label.is_empty() {
                    text.push_str(&citation);
                } else {
                    text.push_str(&format!(" ({citation})"));
                }
            }
        }
    }
    plain(text)
}

fn exhibits(flow: &mut Flow, input: &Submission, subjects: &[&Subject]) {
    let index = ExhibitIndex::select(input, subjects);
    flow.paragraph(&[Span::new(index.intro(), note())], 0.0, 3.0);
    exhibit_table(flow, &index.listed);
    if index.listed.len() < index.all.len() {
        other_exhibits(flow, &index);
    }
    exhibits_by_subject(flow, input, subjects);
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
                if e.confidentiality == Some(Confidentiality::Confidential) {
                    main.push(Span::new("CONFIDENTIAL ", small.bold().ink(Ink::Red)));
                }
                main.push(Span::new(
                    e.title.clone().unwrap_or_else(|| "(untitled)".into()),
                    small.bold(),
                ));
                if let Some(description) = &e.description {
                    main.push(Span::new(format!("\n{description}"), small));
                }
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
                if let Some(collector) = &e.collected_by {
                    main.push(Span::new(format!("\nCollected by: {collector}"), note()));
                }
                if let Some(file) = &e.file {
                    let name = file.rsplit('/').next().unwrap_or(file);
                    let kind = e.media_type.as_deref().unwrap_or("unknown type");
                    main.push(Span::new(format!("\nFile: {name} ({kind})"), note()));
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

/// Which exhibits support each proposed subject: those its criteria cite and those of the events
/// it took part in.
fn exhibits_by_subject(flow: &mut Flow, input: &Submission, subjects: &[&Subject]) {
    if subjects.is_empty() {
        return;
    }
    let small = Look::new(SMALL);
    flow.heading(
        2,
        &[Span::new("Exhibits by subject", Look::new(11).bold())],
        4.0,
        None,
    );
    let withheld: Withheld = input
        .exhibits
        .iter()
        .filter(|e| e.withheld)
        .map(|e| e.id.as_str())
        .collect();
    let rows = subjects
        .iter()
        .map(|s| {
            let by_criteria: Vec<String> = ordered_ids(
                s.criteria
                    .iter()
                    .filter(|c| c.regime == input.template.id)
                    .flat_map(|c| c.exhibits.iter()),
            );
            let by_events: Vec<String> = ordered_ids(
                input
                    .case
                    .events
                    .iter()
                    .filter(|e| e.subjects.iter().any(|i| i.subject == s.id))
                    .flat_map(|e| e.exhibits.iter()),
            );
            vec![
                vec![Span::new(format!("{} {}", s.id, s.name), small)],
                exhibit_refs(flow, &withheld, &by_criteria, small),
                exhibit_refs(flow, &withheld, &by_events, small),
            ]
        })
        .collect();
    flow.table(
        &Table::new(
            vec![50.0, (WIDTH - 50.0) / 2.0, (WIDTH - 50.0) / 2.0],
            &[
                "Subject",
                "Cited for the criteria",
                "Of the events involving the subject",
            ],
            rows,
        ),
        small,
    );
}

/// Exhibit ids once each, in exhibit order.
fn ordered_ids<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut ids: Vec<String> = ids.cloned().collect();
    ids.sort_by_key(|id| {
        id.trim_start_matches("E-")
            .parse::<u64>()
            .unwrap_or(u64::MAX)
    });
    ids.dedup();
    ids
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
        2,
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
    // One line at a time, none kept: a case of 100,000 exhibits has a log of 100,000 entries,
    // and each PDF is rendered on its own thread.
    let (mut entries, mut last_hash) = (0, None);
    let mut actions: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    let mut actors: BTreeMap<String, usize> = BTreeMap::new();
    for line in custody::lines(input.custody_log, true) {
        entries += 1;
        last_hash = Some(line.hash);
        let Ok(e) = line.entry else { continue };
        if !e.actor.is_empty() {
            *actors.entry(e.actor).or_default() += 1;
        }
        let slot = actions.entry(e.action).or_default();
        slot.0 += 1;
        if !e.time.is_empty() {
            if slot.1.is_empty() || e.time < slot.1 {
                slot.1.clone_from(&e.time);
            }
            if e.time > slot.2 {
                slot.2 = e.time;
            }
        }
    }
    flow.paragraph(
        &plain(format!(
            "The chain-of-custody log is sealed in the dossier as data/custody.jsonl: one entry per line, each holding the SHA-256 of the line before it, so that an edited, removed or reordered entry breaks the chain. It has {entries} entries; the chain was checked intact when the dossier was built."
        )),
        0.0,
        2.0,
    );
    if let Some(last_hash) = last_hash {
        flow.label(&[Span::new("SHA-256 of the last entry", strong())], 0.5);
        flow.paragraph(&plain(last_hash), 0.0, 3.0);
    }
    let small = Look::new(SMALL);
    let rows = actions
        .into_iter()
        .map(|(action, (count, first, last))| {
            let meaning = match action.as_str() {
                "init" => "case opened",
                "intake" => "exhibit registered with its SHA-256",
                "copy" => "exhibit copied into the case, copy checked against the original",
                "check" => "integrity check of the case",
                "edit" => "a record corrected: the field, its old and its new value",
                "remove" => "a subject, event, signatory or filing record entry removed, with the reason",
                "status" => "an entry of the filing record: the referral filed, acknowledged, followed up, designated, declined or withdrawn",
                "withdraw" => "an exhibit withdrawn from later dossiers, with the reason; its intake stays in the log",
                "withheld" => "entry about a withheld exhibit, content removed, hash kept",
                _ => "",
            };
            vec![
                vec![Span::new(action.as_str(), small.bold())],
                vec![Span::new(meaning, small)],
                vec![Span::new(count.to_string(), small)],
                vec![Span::new(first.as_str(), small)],
                vec![Span::new(last.as_str(), small)],
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
    if !actors.is_empty() {
        flow.label(&[Span::new("Recorded by", strong())], 0.5);
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
        if let Some(description) = &s.description {
            flow.paragraph(&plain(description.as_str()), 4.0, 0.5);
        }
        let mut lines = vec![role.to_string()];
        lines.extend(s.country.clone());
        lines.extend(s.contact.clone().map(|c| format!("Contact: {c}")));
        lines.extend(s.email.clone().map(|e| format!("E-mail: {e}")));
        lines.extend(s.phone.clone().map(|p| format!("Telephone: {p}")));
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
    // A step's commands and notes are part of its list item.
    let code = |flow: &mut Flow, text: &str| {
        flow.item_paragraph(
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
    flow.item_paragraph(
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
    flow.item_paragraph(
        &plain(
            "Good signature for <org> means the organisation signed that statement; check that the fingerprint in the statement equals the output of step 5.",
        ),
        6.0,
        2.0,
    );
    step(
        flow,
        7,
        "Check each trusted timestamp, if the dossier has any: timestamps/<time>-<serial>.tsr is an RFC 3161 timestamping authority's signed answer, stored as sent, that the dossier fingerprint existed at that time. With the authority's CA certificate (tsa-ca.pem), obtained from the authority itself, and the fingerprint of step 5:",
    );
    code(
        flow,
        "openssl ts -verify -digest <fingerprint> \\\n  -in timestamps/<file>.tsr -CAfile tsa-ca.pem\nopenssl ts -reply -in timestamps/<file>.tsr -text",
    );
    flow.item_paragraph(
        &plain(
            "Verification: OK means the authority signed that fingerprint; the second command shows the time (Time stamp, UTC) and the authority's name.",
        ),
        6.0,
        2.0,
    );
    step(
        flow,
        8,
        "Check that a file received separately is exhibit N of this dossier: its SHA-256 must equal the one in the exhibit index.",
    );
    code(flow, "sha256sum <file>");
    step(
        flow,
        9,
        "With dossier installed, one command does steps 1 to 7 and reports every problem it finds:",
    );
    code(
        flow,
        &format!(
            "dossier verify {name}.zip --allowed-signers allowed_signers \\\n  --tsa-ca tsa-ca.pem"
        ),
    );
}
