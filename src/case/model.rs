//! The records of `case.json`: the case itself, subjects, events, exhibits and signatories.
//!
//! Field order here is the order in the file, so the file diffs well in git. Every field is
//! written, empty or not, so a lawyer editing by hand sees what can be filled in; fields may be
//! left out when writing by hand (they default to empty). Unknown fields are refused, so a typo
//! is reported with its line and column instead of being silently ignored.

use serde::{Deserialize, Serialize};

use super::custody::CustodyHead;
use crate::date::{CaseDate, Timestamp};

/// The version of the `case.json` layout this build reads and writes.
pub const SCHEMA: u32 = 1;

/// The whole case folder's structured content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub schema: u32,
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub regimes: Vec<String>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    /// The request made to the authority about confidentiality, in the team's words.
    #[serde(default)]
    pub confidentiality_note: Option<String>,
    #[serde(default)]
    pub submission_date: Option<CaseDate>,
    /// TrueType fonts (paths from the case folder) for names in scripts the shipped fonts lack.
    #[serde(default)]
    pub fonts: Vec<String>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub exhibits: Vec<Exhibit>,
    #[serde(default)]
    pub signatories: Vec<Signatory>,
    /// Who the cover letter of each regime's submission is addressed to (the template's
    /// authority when a regime has none).
    #[serde(default)]
    pub addressees: Vec<Addressee>,
    /// The filing record: what became of the referral with each regime once sealed (filed,
    /// acknowledged, ...), in date order (`status add`; see `filing`).
    #[serde(default)]
    pub filing: Vec<FilingEntry>,
    /// Records taken out by `subject remove`, `event remove` and `exhibit withdraw`: kept so
    /// that their ids are never given again and a withdrawn exhibit's file is known.
    #[serde(default)]
    pub retired: Vec<Retired>,
    /// Where the custody log stood at the last write: a log cut short is detected with it.
    #[serde(default)]
    pub custody: Option<CustodyHead>,
    /// Every subject, event and exhibit id the custody log names, with where (set when the case
    /// is opened for editing; never written): new ids continue after these too, so a record
    /// removed from `case.json` by hand does not lend its id to the next one.
    #[serde(skip)]
    pub logged_ids: Vec<String>,
}

/// A subject or event removed, or an exhibit withdrawn: why, when, by whom, and the record as it
/// was (one of `subject`, `event`, `exhibit`). A withdrawn exhibit's file stays in `evidence/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    pub id: String,
    pub reason: String,
    /// When it was taken out (UTC).
    pub at: String,
    /// Who took it out.
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhibit: Option<Exhibit>,
    /// An entry of the filing record removed by `status remove`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing: Option<FilingEntry>,
}

/// One entry of the filing record (`F-001`...): on `date`, the referral to `regime` reached
/// `state`, about the sealed dossier `dossier`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilingEntry {
    pub id: String,
    /// One of the case's regimes.
    pub regime: String,
    pub state: FilingState,
    pub date: CaseDate,
    /// The dossier the entry is about: the one given with it, else the one of the regime's
    /// latest earlier entry that has one.
    #[serde(default)]
    pub dossier: Option<FiledDossier>,
    /// The authority's reference: a case or notice number, a press release's address.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A sealed dossier as the filing record names it: its file name and dossier fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiledDossier {
    /// The zip's or the unpacked folder's name, as it was when recorded.
    pub file: String,
    /// SHA-256 of its `manifest-sha256.txt`.
    pub fingerprint: String,
    /// The day it was sealed (its `Bagging-Date`): no entry about it is dated earlier. Absent
    /// from entries recorded before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<CaseDate>,
}

/// Where a referral stands with one regime's authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilingState {
    /// Sent to the authority.
    Filed,
    /// The authority confirmed receipt.
    Acknowledged,
    /// More was sent or asked for after filing.
    FollowUp,
    /// The authority designated (sanctioned) on the referral.
    Designated,
    /// The authority decided not to act.
    Declined,
    /// The coalition withdrew the referral.
    Withdrawn,
}

impl FilingState {
    /// Every state, in the order a referral usually goes through them.
    pub const ALL: [FilingState; 6] = [
        FilingState::Filed,
        FilingState::Acknowledged,
        FilingState::FollowUp,
        FilingState::Designated,
        FilingState::Declined,
        FilingState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilingState::Filed => "filed",
            FilingState::Acknowledged => "acknowledged",
            FilingState::FollowUp => "follow-up",
            FilingState::Designated => "designated",
            FilingState::Declined => "declined",
            FilingState::Withdrawn => "withdrawn",
        }
    }
}

/// Public material, or material whose disclosure the team asks the authority to restrict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidentiality {
    #[default]
    Public,
    Confidential,
}

/// A person or an entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    #[default]
    Person,
    Entity,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Person => "person",
            SubjectKind::Entity => "entity",
        }
    }
}

/// An alleged perpetrator (`S-001`...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub id: String,
    #[serde(default)]
    pub kind: SubjectKind,
    /// The full name in Latin script, as the referral uses it.
    pub name: String,
    /// The family name, for the list-style form "SURNAME, Given Names" sanctions lists print.
    #[serde(default)]
    pub surname: Option<String>,
    #[serde(default)]
    pub given_names: Option<String>,
    /// The full name in its original script (Arabic, Cyrillic, ...).
    #[serde(default)]
    pub name_original: Option<String>,
    /// Other Latin spellings of the name.
    #[serde(default)]
    pub transliterations: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub born: Option<CaseDate>,
    #[serde(default)]
    pub birthplace: Option<String>,
    #[serde(default)]
    pub gender: Option<String>,
    /// ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    pub nationalities: Vec<String>,
    #[serde(default)]
    pub id_documents: Vec<IdDocument>,
    #[serde(default)]
    pub positions: Vec<Position>,
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Associated entities and family members.
    #[serde(default)]
    pub associates: Vec<Associate>,
    /// The criteria of each regime the conduct meets, with the argument.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// Assets, travel or family in the sanctioning jurisdictions.
    #[serde(default)]
    pub nexus: Vec<String>,
    /// Assets that could be frozen.
    #[serde(default)]
    pub assets: Vec<Asset>,
    /// Exculpatory information known to the team.
    #[serde(default)]
    pub exculpatory: Vec<String>,
    /// Designations already in force against the subject elsewhere (`check --sanctions --record`
    /// or `subject edit --existing-designation`); the PDF says so in the subject's profile.
    #[serde(default)]
    pub existing_designations: Vec<Designation>,
}

/// A sanctions designation already in force: who imposed it, under which programme, since when,
/// where it is published, and the listed entity it was found as (OpenSanctions' id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Designation {
    /// The authority that imposed it ("Office of Foreign Assets Control").
    pub authority: String,
    /// The programme or regime ("GLOMAG", "Global Human Rights").
    #[serde(default)]
    pub program: Option<String>,
    #[serde(default)]
    pub start_date: Option<CaseDate>,
    /// Where the designation is published: the source an officer can check.
    #[serde(default)]
    pub source_url: Option<String>,
    /// The id of the listed entity in the sanctions data it was found in.
    #[serde(default)]
    pub entity_id: Option<String>,
}

/// An identity document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdDocument {
    /// passport, national-id, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub issued: Option<CaseDate>,
    #[serde(default)]
    pub expires: Option<CaseDate>,
}

/// A position held.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub title: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub from: Option<CaseDate>,
    #[serde(default)]
    pub to: Option<CaseDate>,
}

/// An associated entity or family member; `subject` links to a subject of the case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Associate {
    pub name: String,
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
}

/// One criterion clause of one regime that the subject's conduct meets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub regime: String,
    pub clause: String,
    #[serde(default)]
    pub argument: Option<String>,
    /// Exhibits that support the argument.
    #[serde(default)]
    pub exhibits: Vec<String>,
}

/// One entry of the timeline (`V-001`...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub date: CaseDate,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub subjects: Vec<Involvement>,
    /// The exhibits that support this event. The link is stored here only; an exhibit's events
    /// are found by looking for it in events.
    #[serde(default)]
    pub exhibits: Vec<String>,
}

/// A subject involved in an event, and the role they played.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Involvement {
    pub subject: String,
    #[serde(default)]
    pub role: Option<String>,
}

/// One evidence file (`E-001`...) as it was at intake.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exhibit {
    pub id: String,
    /// Relative to `evidence/`, with `/` between folders.
    pub path: String,
    /// SHA-256 at intake, lowercase hex. Never recomputed: a file that changed is a finding.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub collected_by: Option<String>,
    #[serde(default)]
    pub collected_at: Option<Timestamp>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    /// When the exhibit was registered (UTC).
    pub intake_at: String,
}

/// Where an exhibit came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Who provided it.
    #[serde(default)]
    pub provider: Option<String>,
    /// How it was obtained.
    #[serde(default)]
    pub method: Option<String>,
    /// The original address of web material.
    #[serde(default)]
    pub url: Option<String>,
    /// The source must not be disclosed (shown as "confidential source" in public output).
    #[serde(default)]
    pub confidential: bool,
}

/// An organisation of the coalition.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    pub name: String,
    #[serde(default)]
    pub role: SignatoryRole,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// One line on who the organisation is, for the cover letter's signature block.
    #[serde(default)]
    pub description: Option<String>,
}

/// Someone a regime's cover letter is addressed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Addressee {
    pub name: String,
    /// The regime whose submission is addressed to them.
    pub regime: String,
    /// Their title ("Secretary of the Treasury").
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// An asset that could be frozen: what it is, where, and under which jurisdiction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub what: String,
    #[serde(default)]
    pub location: Option<String>,
    /// ISO 3166-1 alpha-2 code, or a jurisdiction's name ("EU").
    #[serde(default)]
    pub jurisdiction: Option<String>,
}

/// The lead organisation files the referral; co-signers endorse it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatoryRole {
    Lead,
    #[default]
    CoSigner,
}

impl SignatoryRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatoryRole::Lead => "lead",
            SignatoryRole::CoSigner => "co-signer",
        }
    }
}
