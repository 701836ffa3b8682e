//! `data/dossier.json`: everything structured about a sealed dossier, in a versioned layout.
//!
//! This module owns the layout for both writing (`seal` borrows the case into a
//! [`DossierJson`]) and reading (`export` reads the same type back; `verify` reads the
//! [`DossierSummary`], the few fields it compares, without building the rest in memory). It also
//! owns the exhibit as a dossier lists it ([`SealedExhibit`]) and the [`Profile`]s. It does not
//! decide what goes into a dossier (`seal` does) nor judge one (`verify` does).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::case::{
    Addressee, Case, Confidentiality, Event, Exhibit, FilingEntry, Signatory, Source, Subject,
};
use crate::date::{CaseDate, Timestamp};

/// The version of `data/dossier.json`'s layout. 2 added `retired` and `supplements`; a
/// dossier of schema 1 reads as one with neither.
pub const DOSSIER_SCHEMA: u32 = 2;

/// The path of the file inside the bag.
pub const PATH: &str = "data/dossier.json";

/// What the public profile shows in place of a confidential source.
pub const CONFIDENTIAL_SOURCE: &str = "confidential source";

/// Which dossier is built: what it holds of confidential material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Everything, for the authority.
    Full,
    /// Confidential exhibits withheld and confidential sources hidden, for publication.
    Public,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::Public => "public",
        }
    }
}

/// `data/dossier.json` in full. Written borrowing the case; read back owning everything.
#[derive(Serialize, Deserialize)]
pub struct DossierJson<'a> {
    pub dossier_schema: u32,
    pub generator: Cow<'a, str>,
    pub profile: Profile,
    pub date: Cow<'a, str>,
    pub exhibit_fingerprint: Cow<'a, str>,
    /// Built despite `check` errors, not for filing. Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    pub case: CaseHeader<'a>,
    pub subjects: Cow<'a, [Subject]>,
    pub events: Cow<'a, [Event]>,
    pub exhibits: Cow<'a, [SealedExhibit]>,
    pub signatories: Cow<'a, [Signatory]>,
    #[serde(default)]
    pub addressees: Cow<'a, [Addressee]>,
    /// The filing record as it stood at sealing (`status add`): what became of the referral
    /// with each regime, each entry with the dossier it was about. Absent from older dossiers.
    #[serde(default)]
    pub filing: Cow<'a, [FilingEntry]>,
    /// Subjects and events removed and exhibits withdrawn from the case, with why (schema 2).
    #[serde(default)]
    pub retired: Cow<'a, [RetiredRecord]>,
    /// The earlier dossier this one supplements (`build --supplements`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplements: Option<Supplements>,
}

/// A subject or event removed from the case, or an exhibit withdrawn, as a dossier tells it: it
/// is what lets a comparison say "withdrawn, because ..." rather than "gone".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetiredRecord {
    pub id: String,
    /// Why it was taken out; none for an exhibit whose reason the public profile withholds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was taken out (UTC).
    pub at: String,
    /// An exhibit that was confidential, or had a confidential source: its reason is not
    /// public. Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confidential: bool,
}

impl RetiredRecord {
    /// Every record `case` has taken out, as `profile` may tell it: in the public profile, the
    /// reason a confidential exhibit (or one from a confidential source) was withdrawn is withheld
    /// like the exhibit's custody lines.
    pub fn of_case(case: &Case, profile: Profile) -> Vec<RetiredRecord> {
        case.retired
            .iter()
            // A removed filing entry is not part of the evidence a supplement compares.
            .filter(|r| r.filing.is_none())
            .map(|r| {
                let confidential = r.exhibit.as_ref().is_some_and(|e| {
                    e.confidentiality == Confidentiality::Confidential || e.source.confidential
                });
                RetiredRecord {
                    id: r.id.clone(),
                    reason: Some(r.reason.clone()),
                    at: r.at.clone(),
                    confidential,
                }
                .as_profile(profile)
            })
            .collect()
    }

    /// The record as `profile` may tell it.
    pub fn as_profile(&self, profile: Profile) -> RetiredRecord {
        let hide = profile == Profile::Public && self.confidential;
        RetiredRecord {
            reason: self.reason.clone().filter(|_| !hide),
            ..self.clone()
        }
    }
}

/// The earlier dossier a supplementary submission supplements: its bag name, bagging date,
/// dossier fingerprint and profile, as that dossier was verified when this one was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Supplements {
    pub name: String,
    pub date: String,
    pub dossier_fingerprint: String,
    pub profile: Profile,
}

impl Supplements {
    /// The `bag-info.txt` fields that name the earlier dossier, written by `seal` and compared
    /// by `verify` ([`supplements_mismatches`]): one format, written and read here.
    pub fn bag_info_fields(&self) -> [(&'static str, String); 3] {
        [
            (SUPPLEMENTS_LABELS[0], self.name.clone()),
            (SUPPLEMENTS_LABELS[1], self.date.clone()),
            (SUPPLEMENTS_LABELS[2], self.dossier_fingerprint.clone()),
        ]
    }
}

/// The labels of bag-info.txt that name the earlier dossier of a supplement, in the order of
/// [`Supplements`]' name, date and dossier fingerprint.
pub const SUPPLEMENTS_LABELS: [&str; 3] = [
    "Supplements-Dossier",
    "Supplements-Date",
    "Supplements-Fingerprint",
];

/// Where bag-info.txt's `Supplements-*` fields (`info`) and dossier.json's `supplements`
/// disagree, one message per field naming both values: a field one of them has and the other
/// lacks is a mismatch too. bag-info.txt is covered by the tag manifest only, which anyone can
/// recompute, so it must agree with the sealed data to mean anything.
pub fn supplements_mismatches(
    sealed: Option<&SummarySupplements>,
    info: &[(String, String)],
) -> Vec<String> {
    let recorded = [
        sealed.and_then(|s| s.name.as_deref()),
        sealed.and_then(|s| s.date.as_deref()),
        sealed.and_then(|s| s.dossier_fingerprint.as_deref()),
    ];
    let json_field = ["name", "date", "dossier_fingerprint"];
    SUPPLEMENTS_LABELS
        .iter()
        .zip(recorded)
        .zip(json_field)
        .filter_map(|((label, recorded), field)| {
            let given = info
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.as_str());
            match (given, recorded) {
                (Some(given), Some(recorded)) if given == recorded => None,
                (None, None) => None,
                (Some(given), Some(recorded)) => Some(format!(
                    "gives {label} `{given}` but data/dossier.json says supplements.{field} `{recorded}`"
                )),
                (Some(given), None) => Some(format!(
                    "gives {label} `{given}` but data/dossier.json records no supplements.{field}: only one of them says this dossier supplements an earlier one"
                )),
                (None, Some(recorded)) => Some(format!(
                    "has no {label} but data/dossier.json says supplements.{field} `{recorded}`: only one of them says this dossier supplements an earlier one"
                )),
            }
        })
        .collect()
}

/// The case's own fields, as sealed.
#[derive(Serialize, Deserialize)]
pub struct CaseHeader<'a> {
    pub id: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub regimes: Cow<'a, [String]>,
    pub confidentiality: Confidentiality,
    pub confidentiality_note: Option<Cow<'a, str>>,
    pub submission_date: Option<CaseDate>,
}

impl<'a> DossierJson<'a> {
    /// The description of a dossier of `case` sealed on `date` (YYYY-MM-DD).
    pub fn new(
        case: &'a Case,
        profile: Profile,
        date: String,
        exhibit_fingerprint: &'a str,
        exhibits: &'a [SealedExhibit],
    ) -> Self {
        DossierJson {
            dossier_schema: DOSSIER_SCHEMA,
            generator: format!("dossier {}", env!("CARGO_PKG_VERSION")).into(),
            profile,
            date: date.into(),
            exhibit_fingerprint: exhibit_fingerprint.into(),
            draft: false,
            case: CaseHeader {
                id: Cow::Borrowed(&case.id),
                title: Cow::Borrowed(&case.title),
                regimes: Cow::Borrowed(&case.regimes),
                confidentiality: case.confidentiality,
                confidentiality_note: case.confidentiality_note.as_deref().map(Cow::Borrowed),
                submission_date: case.submission_date,
            },
            subjects: Cow::Borrowed(&case.subjects),
            events: Cow::Borrowed(&case.events),
            exhibits: Cow::Borrowed(exhibits),
            signatories: Cow::Borrowed(&case.signatories),
            addressees: Cow::Borrowed(&case.addressees),
            filing: Cow::Borrowed(&case.filing),
            retired: RetiredRecord::of_case(case, profile).into(),
            supplements: None,
        }
    }
}

/// An exhibit as the dossier lists it; a withheld one keeps only its id, hash and size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedExhibit {
    pub id: String,
    pub withheld: bool,
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Confidentiality>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake_at: Option<String>,
}

impl SealedExhibit {
    /// A confidential exhibit this dossier holds (not withheld): the PDFs and the viewer mark
    /// the dossier confidential for it.
    pub fn held_confidential(&self) -> bool {
        !self.withheld && self.confidentiality == Some(Confidentiality::Confidential)
    }

    /// A confidential exhibit in the public profile: id, hash and size, nothing else.
    pub fn withheld(exhibit: &Exhibit) -> SealedExhibit {
        SealedExhibit::withheld_parts(&exhibit.id, &exhibit.sha256, exhibit.size)
    }

    fn withheld_parts(id: &str, sha256: &str, size: u64) -> SealedExhibit {
        SealedExhibit {
            id: id.to_string(),
            withheld: true,
            sha256: sha256.to_string(),
            size,
            file: None,
            evidence_path: None,
            media_type: None,
            title: None,
            description: None,
            source: None,
            collected_by: None,
            collected_at: None,
            language: None,
            confidentiality: None,
            intake_at: None,
        }
    }

    /// An exhibit whose file is in the bag at `file`; in the public profile a confidential
    /// source is replaced by [`CONFIDENTIAL_SOURCE`].
    pub fn included(exhibit: &Exhibit, file: &str, profile: Profile) -> SealedExhibit {
        let full = SealedExhibit {
            id: exhibit.id.clone(),
            withheld: false,
            sha256: exhibit.sha256.clone(),
            size: exhibit.size,
            file: Some(file.to_string()),
            evidence_path: Some(exhibit.path.clone()),
            media_type: Some(exhibit.media_type.clone()),
            title: exhibit.title.clone(),
            description: exhibit.description.clone(),
            source: Some(exhibit.source.clone()),
            collected_by: exhibit.collected_by.clone(),
            collected_at: exhibit.collected_at.map(|t| t.to_string()),
            language: exhibit.language.clone(),
            confidentiality: Some(exhibit.confidentiality),
            intake_at: Some(exhibit.intake_at.clone()),
        };
        match profile {
            Profile::Full => full,
            Profile::Public => full.hide_source(),
        }
    }

    /// The exhibit as the public profile lists it: withheld if confidential, its source hidden
    /// if that is confidential. An exhibit already listed so is returned as it is.
    pub fn as_public(&self) -> SealedExhibit {
        if self.withheld || self.confidentiality != Some(Confidentiality::Public) {
            return SealedExhibit::withheld_parts(&self.id, &self.sha256, self.size);
        }
        self.clone().hide_source()
    }

    /// Without who provided a confidential source, how, its address, where the file sat in the
    /// case or who collected it: each can name the source.
    fn hide_source(self) -> SealedExhibit {
        if !self.source.as_ref().is_some_and(|s| s.confidential) {
            return self;
        }
        SealedExhibit {
            source: Some(Source {
                provider: Some(CONFIDENTIAL_SOURCE.into()),
                method: None,
                url: None,
                confidential: true,
            }),
            evidence_path: None,
            collected_by: None,
            ..self
        }
    }

    /// Provider, method and address of the source, joined by `; `.
    pub fn source_text(&self) -> String {
        let Some(source) = &self.source else {
            return String::new();
        };
        [&source.provider, &source.method, &source.url]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The exhibit back as a case record (for `export` of a sealed dossier).
    pub fn into_exhibit(self) -> Exhibit {
        Exhibit {
            path: self
                .evidence_path
                .or(self.file.clone())
                .unwrap_or_else(|| self.id.clone()),
            id: self.id,
            sha256: self.sha256,
            size: self.size,
            media_type: self
                .media_type
                .unwrap_or_else(|| "application/octet-stream".into()),
            title: self.title,
            description: self.description,
            source: self.source.unwrap_or_default(),
            collected_by: self.collected_by,
            collected_at: self.collected_at.and_then(|t| t.parse::<Timestamp>().ok()),
            language: self.language,
            confidentiality: self
                .confidentiality
                .unwrap_or(Confidentiality::Confidential),
            intake_at: self.intake_at.unwrap_or_default(),
        }
    }
}

impl DossierJson<'_> {
    /// Marks the dossier a draft (or not).
    pub fn drafted(self, draft: bool) -> Self {
        DossierJson { draft, ..self }
    }

    /// Records the earlier dossier this one supplements (or none).
    pub fn supplementing(self, supplements: Option<Supplements>) -> Self {
        DossierJson {
            supplements,
            ..self
        }
    }
}

impl DossierJson<'static> {
    /// The sealed records back as a case (for `export`): no fonts, no custody head.
    pub fn into_case(self) -> Case {
        Case {
            schema: crate::case::SCHEMA,
            id: self.case.id.into_owned(),
            title: self.case.title.into_owned(),
            regimes: self.case.regimes.into_owned(),
            confidentiality: self.case.confidentiality,
            confidentiality_note: self.case.confidentiality_note.map(Cow::into_owned),
            submission_date: self.case.submission_date,
            fonts: Vec::new(),
            subjects: self.subjects.into_owned(),
            events: self.events.into_owned(),
            exhibits: self
                .exhibits
                .into_owned()
                .into_iter()
                .map(SealedExhibit::into_exhibit)
                .collect(),
            signatories: self.signatories.into_owned(),
            addressees: self.addressees.into_owned(),
            filing: self.filing.into_owned(),
            custody: None,
            logged_ids: Vec::new(),
            retired: Vec::new(),
        }
    }
}

/// The parts of `data/dossier.json` that `verify` compares with the manifest and bag-info;
/// everything else is skipped while parsing, so a dossier of 100,000 exhibits is read without
/// building a tree of it in memory.
#[derive(Deserialize)]
pub struct DossierSummary {
    pub exhibit_fingerprint: Option<String>,
    pub profile: Option<String>,
    pub date: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub case: SummaryCase,
    #[serde(default)]
    pub exhibits: Vec<SummaryExhibit>,
    #[serde(default)]
    pub signatories: Vec<SummarySignatory>,
    /// Read leniently, each field optional: a tampered one is reported, not unreadable.
    #[serde(default)]
    pub supplements: Option<SummarySupplements>,
}

/// The earlier dossier, as `verify` reads it from dossier.json to compare with bag-info.txt.
#[derive(Deserialize)]
pub struct SummarySupplements {
    pub name: Option<String>,
    pub date: Option<String>,
    pub dossier_fingerprint: Option<String>,
}

#[derive(Deserialize)]
pub struct SummaryCase {
    pub id: Option<String>,
}

#[derive(Deserialize)]
pub struct SummaryExhibit {
    pub id: String,
    pub sha256: String,
    pub file: Option<String>,
}

#[derive(Deserialize)]
pub struct SummarySignatory {
    pub name: String,
    pub role: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> Case {
        serde_json::from_str(
            r#"{"schema": 1, "id": "T-1", "title": "Test", "regimes": ["us-glomag"],
                "subjects": [], "events": [], "exhibits": [], "signatories": [
                {"name": "Org", "role": "lead"}], "filing": [{"id": "F-001",
                "regime": "us-glomag", "state": "follow-up", "date": "2026-01-03",
                "dossier": {"file": "T-1-full-2026-01-02.zip", "fingerprint": "fp"},
                "ref": "OFAC-1"}]}"#,
        )
        .expect("a minimal case")
    }

    #[test]
    fn what_seal_writes_both_readers_read_back() {
        let case = case();
        let exhibit = SealedExhibit {
            collected_at: Some("2019-04-20T10:15:00Z".into()),
            ..SealedExhibit::withheld(&Exhibit {
                id: "E-001".into(),
                path: "a.txt".into(),
                sha256: "ab".repeat(32),
                size: 3,
                media_type: "text/plain".into(),
                title: None,
                description: None,
                source: Source::default(),
                collected_by: None,
                collected_at: None,
                language: None,
                confidentiality: Confidentiality::Public,
                intake_at: String::new(),
            })
        };
        let exhibits = [exhibit];
        let written = serde_json::to_string_pretty(&DossierJson::new(
            &case,
            Profile::Public,
            "2026-01-02".into(),
            "fp",
            &exhibits,
        ))
        .unwrap();
        let full: DossierJson = serde_json::from_str(&written).unwrap();
        assert_eq!(full.profile, Profile::Public);
        assert_eq!(full.filing[..], case.filing[..]);
        assert_eq!(full.filing[0].reference.as_deref(), Some("OFAC-1"));
        assert_eq!(serde_json::to_string_pretty(&full).unwrap(), written);
        let summary: DossierSummary = serde_json::from_str(&written).unwrap();
        assert_eq!(summary.profile.as_deref(), Some("public"));
        assert_eq!(summary.date.as_deref(), Some("2026-01-02"));
        assert_eq!(summary.case.id.as_deref(), Some("T-1"));
        assert_eq!(summary.exhibits[0].sha256, "ab".repeat(32));
        assert_eq!(summary.signatories[0].role.as_deref(), Some("lead"));
    }
}
