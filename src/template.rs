//! Regime templates: what each sanctions regime's authority expects of a referral.
//!
//! Owns the template format (see `docs/templates.md`) and where templates come from: the six
//! shipped in `templates/` are compiled into the binary; a case may add or override regimes with
//! `<case>/templates/<id>.json`. It does not judge a case against them (`check` does).
//!
//! A template keeps apart what the submission prints about the law (each provision's `citation`,
//! a short `title` or `label` in our words, and the `wording` when it is confirmed word for word)
//! from where that wording was checked (`provenance`), which is never printed. Schema 1 files,
//! which mixed the two, are still read and converted on loading.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The templates shipped with dossier, as (file name, contents).
const BUILT_IN: [(&str, &str); 6] = [
    (
        "us-glomag.json",
        include_str!("../templates/us-glomag.json"),
    ),
    ("uk-ghr.json", include_str!("../templates/uk-ghr.json")),
    ("uk-gac.json", include_str!("../templates/uk-gac.json")),
    ("eu-ghr.json", include_str!("../templates/eu-ghr.json")),
    (
        "ca-jvcfoa.json",
        include_str!("../templates/ca-jvcfoa.json"),
    ),
    (
        "au-magnitsky.json",
        include_str!("../templates/au-magnitsky.json"),
    ),
];

/// The subject fields a template may require or recommend: the field names of `case.json`.
pub const SUBJECT_FIELDS: [&str; 15] = [
    "name",
    "name_original",
    "transliterations",
    "aliases",
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
    "exculpatory",
];

/// One regime's template (schema 2; schema 1 files are converted on loading).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub schema: u32,
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    /// Who the submission is addressed to.
    pub authority: String,
    pub decision_maker: String,
    pub instruments: Vec<Instrument>,
    /// One line for the cover page, in citation form.
    pub legal_basis: String,
    pub standard_of_proof: Statement,
    pub measures: Vec<Statement>,
    pub criteria: Vec<Clause>,
    pub subject_fields: SubjectFields,
    pub sections: Vec<Section>,
    /// What still has to be checked against the official text before filing (never printed).
    #[serde(default)]
    pub verification_notes: Vec<String>,
}

/// A legal instrument: its name, the citation the submission prints, and where it was read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// The instrument's name; a criterion's `instrument` is the beginning of one.
    pub title: String,
    /// Printed: the instrument in the form a lawyer cites it.
    pub citation: String,
    /// Never printed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// Where a wording was read and when: for the team and `check`, never printed in a submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// Where it was read: an official address, a mirror, a secondary source.
    #[serde(default)]
    pub source: String,
    /// When: the date it was checked, or the date the text read was current to.
    #[serde(default)]
    pub checked: String,
    /// Anything a reviewer must know: what is not confirmed, what to check next.
    #[serde(default)]
    pub note: String,
}

/// How far a wording is confirmed. Only confirmed wording is ever quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Read word for word in an official publication of the text.
    VerifiedOfficial,
    /// Read word for word in a reputable free-access mirror (AustLII), not the official register.
    VerifiedMirror,
    /// Anything else: a secondary quotation, a paraphrase, an unofficial copy, or no text at all.
    Unverified,
}

impl Status {
    /// Whether the wording may be printed in quotation marks as the law's words.
    pub fn quoted(self) -> bool {
        matches!(self, Status::VerifiedOfficial | Status::VerifiedMirror)
    }

    /// Why a wording with this status is cited without quotation (for `check`).
    pub fn describe(self) -> &'static str {
        match self {
            Status::VerifiedOfficial => "confirmed word for word in an official publication",
            Status::VerifiedMirror => "confirmed word for word in a free-access mirror",
            Status::Unverified => {
                "its wording is not confirmed word for word against an official text"
            }
        }
    }
}

/// A statement about the regime (the standard of proof, a measure).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Printed: a short description in our words, never a quotation. May be empty.
    #[serde(default)]
    pub label: String,
    /// Printed: the provision, in citation form. May be empty.
    #[serde(default)]
    pub citation: String,
    /// The provision's words; printed, in quotation marks, only when `status` confirms them.
    #[serde(default)]
    pub wording: String,
    pub status: Status,
    /// Never printed.
    #[serde(default)]
    pub provenance: Provenance,
}

impl Statement {
    /// The wording to quote, if it is confirmed and not empty.
    pub fn quotation(&self) -> Option<&str> {
        quotation(self.status, &self.wording)
    }

    /// Nothing to print: no label, no citation, no confirmed wording.
    pub fn is_empty(&self) -> bool {
        self.label.trim().is_empty()
            && self.citation.trim().is_empty()
            && self.quotation().is_none()
    }
}

fn quotation(status: Status, wording: &str) -> Option<&str> {
    let wording = wording.trim();
    (status.quoted() && !wording.is_empty()).then_some(wording)
}

/// One criterion clause.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// The instrument's own numbering without spaces: `1(a)(ii)(A)`, `4(2)(b)`.
    pub id: String,
    /// Ids this clause had before (an official renumbering); they still resolve, with a warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_ids: Vec<String>,
    /// Printed: a short label in our words, never a quotation.
    pub title: String,
    /// The beginning of one of the template's `instruments[].title`.
    pub instrument: String,
    /// Printed: the clause in the form a lawyer cites it.
    pub citation: String,
    /// The clause's words, as best known (may be empty); quoted only when `status` confirms them.
    #[serde(default)]
    pub wording: String,
    pub status: Status,
    /// Never printed.
    #[serde(default)]
    pub provenance: Provenance,
}

impl Clause {
    /// The wording to quote, if it is confirmed and not empty.
    pub fn quotation(&self) -> Option<&str> {
        quotation(self.status, &self.wording)
    }

    /// Whether a case's clause id names this clause, by its id or a former one.
    pub fn answers_to(&self, id: &str) -> bool {
        self.id == id || self.former_ids.iter().any(|f| f == id)
    }
}

/// Subject fields the authority needs, per kind of subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectFields {
    pub person: FieldRule,
    pub entity: FieldRule,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRule {
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub recommended: Vec<String>,
}

/// A section of the submission, in the template's order and wording.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub heading: String,
}

/// The format versions this build reads.
const SCHEMAS: &str = "1 or 2";

impl Template {
    /// The clause a case's clause id names: by its id, or by a former id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.criteria
            .iter()
            .find(|c| c.id == id)
            .or_else(|| self.criteria.iter().find(|c| c.answers_to(id)))
    }

    fn parse(origin: &Path, text: &str) -> Result<Template> {
        let bad = |message: String, fix: &str| {
            Err(Error::input(
                format!("{}: {message}", origin.display()),
                fix,
            ))
        };
        #[derive(Deserialize)]
        struct Version {
            schema: Option<serde_json::Value>,
        }
        let version: Version = serde_json::from_str(text).map_err(|e| Error::json(origin, &e))?;
        let template = match version.schema.as_ref().and_then(serde_json::Value::as_u64) {
            Some(2) => serde_json::from_str(text).map_err(|e| Error::json(origin, &e))?,
            Some(1) => serde_json::from_str::<v1::Template>(text)
                .map_err(|e| Error::json(origin, &e))?
                .upgrade(),
            _ => {
                return bad(
                    format!(
                        "\"schema\" must be {SCHEMAS}, found {}",
                        version
                            .schema
                            .map_or_else(|| "none".to_string(), |v| v.to_string())
                    ),
                    "set \"schema\": 2 (see docs/templates.md)",
                );
            }
        };
        let template: Template = template;
        let stem = origin.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if template.id != stem {
            return bad(
                format!(
                    "the template id `{}` differs from the file name",
                    template.id
                ),
                "name the file <id>.json after the template's \"id\"",
            );
        }
        let rules = [
            &template.subject_fields.person,
            &template.subject_fields.entity,
        ];
        for field in rules
            .iter()
            .flat_map(|r| r.required.iter().chain(&r.recommended))
        {
            if !SUBJECT_FIELDS.contains(&field.as_str()) {
                return bad(
                    format!("unknown subject field `{field}` in subject_fields"),
                    &format!(
                        "use the subject fields of case.json: {}",
                        SUBJECT_FIELDS.join(", ")
                    ),
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        for clause in &template.criteria {
            for id in std::iter::once(&clause.id).chain(&clause.former_ids) {
                if id.is_empty() || id.chars().any(char::is_whitespace) {
                    return bad(
                        format!("criterion id `{id}` is empty or has spaces"),
                        "write the instrument's numbering without spaces, e.g. 4(2)(b)",
                    );
                }
                if !seen.insert(id.as_str()) {
                    return bad(
                        format!("criterion id `{id}` appears twice (as an id or a former id)"),
                        "give each clause one entry, and each former id to one clause",
                    );
                }
            }
            if clause.citation.trim().is_empty() {
                return bad(
                    format!("criterion `{}` has no citation", clause.id),
                    "write how a lawyer cites the clause, e.g. \"SI 2021/488, reg. 6(2)(a)\"",
                );
            }
        }
        Ok(template)
    }
}

/// Schema 1, as written before citation and provenance were kept apart. Read and converted:
/// `verbatim` wording is taken as confirmed by whoever wrote the file (so it is quoted);
/// `secondary` and `paraphrase` become `unverified`.
mod v1 {
    use serde::Deserialize;

    use super::{Provenance, Section, Status, SubjectFields};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Template {
        #[allow(dead_code)]
        schema: u32,
        id: String,
        name: String,
        jurisdiction: String,
        authority: String,
        decision_maker: String,
        instruments: Vec<Instrument>,
        legal_basis: String,
        standard_of_proof: Statement,
        measures: Vec<Statement>,
        criteria: Vec<Clause>,
        subject_fields: SubjectFields,
        sections: Vec<Section>,
        #[serde(default)]
        verification_notes: Vec<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Instrument {
        title: String,
        citation: String,
        #[serde(default)]
        source: String,
    }

    #[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
    #[serde(rename_all = "lowercase")]
    enum Verification {
        Verbatim,
        Secondary,
        Paraphrase,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Statement {
        text: String,
        verification: Verification,
        #[serde(default)]
        source: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Clause {
        id: String,
        title: String,
        instrument: String,
        wording: String,
        verification: Verification,
        #[serde(default)]
        source: String,
    }

    fn status(v: Verification) -> Status {
        match v {
            Verification::Verbatim => Status::VerifiedOfficial,
            Verification::Secondary | Verification::Paraphrase => Status::Unverified,
        }
    }

    fn provenance(source: String, v: Verification) -> Provenance {
        let note = match v {
            Verification::Verbatim => "schema 1 `verbatim`: confirmed by the template's author",
            Verification::Secondary => "schema 1 `secondary`: a third party's quotation",
            Verification::Paraphrase => "schema 1 `paraphrase`: a summary",
        };
        Provenance {
            source,
            checked: String::new(),
            note: note.to_string(),
        }
    }

    fn statement(s: Statement) -> super::Statement {
        // A paraphrase was written as a description: it becomes the label. Anything else is
        // wording, printed only if confirmed.
        let (label, wording) = match s.verification {
            Verification::Paraphrase => (s.text, String::new()),
            _ => (String::new(), s.text),
        };
        super::Statement {
            label,
            citation: String::new(),
            wording,
            status: status(s.verification),
            provenance: provenance(s.source, s.verification),
        }
    }

    impl Template {
        pub fn upgrade(self) -> super::Template {
            super::Template {
                schema: 2,
                id: self.id,
                name: self.name,
                jurisdiction: self.jurisdiction,
                authority: self.authority,
                decision_maker: self.decision_maker,
                instruments: self
                    .instruments
                    .into_iter()
                    .map(|i| super::Instrument {
                        citation: format!("{} ({})", i.title, i.citation),
                        title: i.title,
                        provenance: Provenance {
                            source: i.source,
                            ..Provenance::default()
                        },
                    })
                    .collect(),
                legal_basis: self.legal_basis,
                standard_of_proof: statement(self.standard_of_proof),
                measures: self.measures.into_iter().map(statement).collect(),
                criteria: self
                    .criteria
                    .into_iter()
                    .map(|c| super::Clause {
                        citation: format!("{} {}", c.instrument, c.id),
                        id: c.id,
                        former_ids: Vec::new(),
                        title: c.title,
                        instrument: c.instrument,
                        wording: c.wording,
                        status: status(c.verification),
                        provenance: provenance(c.source, c.verification),
                    })
                    .collect(),
                subject_fields: self.subject_fields,
                sections: self.sections,
                verification_notes: self.verification_notes,
            }
        }
    }
}

/// Every template known for a case: the built-in ones and the case's own.
#[derive(Debug, Clone)]
pub struct Registry {
    templates: BTreeMap<String, Template>,
}

impl Registry {
    /// The built-in templates only.
    pub fn built_in() -> Registry {
        let templates = BUILT_IN
            .iter()
            .map(|(name, text)| {
                let t =
                    Template::parse(Path::new(name), text).expect("shipped templates are valid");
                (t.id.clone(), t)
            })
            .collect();
        Registry { templates }
    }

    /// The built-in templates plus `<case>/templates/*.json`, which add or override regimes.
    pub fn for_case(root: &Path) -> Result<Registry> {
        let mut registry = Registry::built_in();
        let dir = root.join("templates");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(registry),
            Err(e) => return Err(Error::io("read the folder", &dir, e)),
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
            let template = Template::parse(&path, &text)?;
            registry.templates.insert(template.id.clone(), template);
        }
        Ok(registry)
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.get(id)
    }

    /// The template, or an error listing the known regimes.
    pub fn require(&self, id: &str) -> Result<&Template> {
        self.get(id).ok_or_else(|| Error::UnknownRegime {
            id: id.to_string(),
            known: self.ids().collect::<Vec<_>>().join(", "),
        })
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.templates.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_six_regimes_are_built_in_with_their_clauses() {
        let registry = Registry::built_in();
        let ids: Vec<&str> = registry.ids().collect();
        assert_eq!(
            ids,
            [
                "au-magnitsky",
                "ca-jvcfoa",
                "eu-ghr",
                "uk-gac",
                "uk-ghr",
                "us-glomag"
            ]
        );
        for (regime, clause) in [
            ("us-glomag", "1(a)(ii)(A)"),
            ("uk-ghr", "4(2)(b)"),
            ("uk-gac", "6(3)(a)"),
            ("eu-ghr", "2(1)(c)"),
            ("ca-jvcfoa", "4(2)(a)"),
            ("au-magnitsky", "6A(4)"),
        ] {
            assert!(
                registry.require(regime).unwrap().clause(clause).is_some(),
                "{regime}:{clause}"
            );
        }
        let err = registry.require("us-magnitsky").unwrap_err().to_string();
        assert!(err.contains("us-glomag") && err.contains("eu-ghr"), "{err}");
    }

    #[test]
    fn only_wording_regimes_check_confirms_is_quoted() {
        let registry = Registry::built_in();
        let status = |regime: &str, id: &str| {
            registry
                .require(regime)
                .unwrap()
                .clause(id)
                .unwrap_or_else(|| panic!("{regime}:{id}"))
                .status
        };
        // US-1: only unofficial copies of EO 13818 and 22 U.S.C. 10102 were read.
        assert_eq!(status("us-glomag", "1(a)(ii)(A)"), Status::Unverified);
        assert_eq!(status("us-glomag", "10102(a)(1)"), Status::Unverified);
        // UK-GHR-1, AU-1: no official text of these.
        assert_eq!(status("uk-ghr", "4(2)(b)"), Status::Unverified);
        assert_eq!(status("au-magnitsky", "6A(4)"), Status::Unverified);
        // UK-GAC-1, EU-1, CA-2: official; AU-2: AustLII.
        assert_eq!(status("uk-gac", "6(3)(a)"), Status::VerifiedOfficial);
        assert_eq!(status("eu-ghr", "1(1)(c)(i)"), Status::VerifiedOfficial);
        assert_eq!(status("ca-jvcfoa", "4(2)(a)"), Status::VerifiedOfficial);
        assert_eq!(status("au-magnitsky", "6A(2)(a)"), Status::VerifiedMirror);
        // CA-1: the property measure is the current s. 4(1)(b).
        let ca = registry.require("ca-jvcfoa").unwrap();
        let measures: Vec<&str> = ca.measures.iter().map(|m| m.wording.as_str()).collect();
        assert!(measures.iter().any(|m| m.contains("seized or restrained")));
        assert!(!measures.iter().any(|m| m.contains("sequestrated")));
    }

    #[test]
    fn nothing_printed_by_a_built_in_template_names_a_research_source() {
        for id in Registry::built_in().ids() {
            let t = Registry::built_in().require(id).unwrap().clone();
            let mut printed = vec![t.legal_basis, t.decision_maker, t.authority];
            printed.extend(t.instruments.into_iter().map(|i| i.citation));
            printed.extend(t.criteria.iter().map(|c| c.citation.clone()));
            printed.extend(t.criteria.iter().map(|c| c.title.clone()));
            for s in std::iter::once(t.standard_of_proof).chain(t.measures) {
                printed.push(s.label);
                printed.push(s.citation);
            }
            for text in printed {
                let lower = text.to_lowercase();
                for word in [
                    "github",
                    "http",
                    "secondary",
                    "in summary",
                    "cross-checked",
                    "vlex",
                ] {
                    assert!(!lower.contains(word), "{id}: {text}");
                }
            }
        }
    }

    const SCHEMA_1: &str = r#"{
      "schema": 1, "id": "xx-old", "name": "Old", "jurisdiction": "Example Republic",
      "authority": "Ministry", "decision_maker": "The Minister",
      "instruments": [{ "title": "Example Act 2024", "citation": "Act No. 12 of 2024", "source": "gazette" }],
      "legal_basis": "Example Act 2024, section 3",
      "standard_of_proof": { "text": "reasonable grounds", "verification": "verbatim", "source": "s. 3" },
      "measures": [{ "text": "Asset freeze.", "verification": "paraphrase" }],
      "criteria": [
        { "id": "3(a)", "title": "Torture", "instrument": "Example Act 2024", "wording": "has tortured;", "verification": "verbatim", "source": "gazette" },
        { "id": "3(b)", "title": "Killing", "instrument": "Example Act 2024", "wording": "a blog's words", "verification": "secondary" }
      ],
      "subject_fields": { "person": { "required": ["name"] }, "entity": { "required": ["name"] } },
      "sections": [{ "id": "cover", "heading": "Submission" }]
    }"#;

    #[test]
    fn a_schema_1_template_still_loads_verbatim_quoted_and_the_rest_unverified() {
        let t = Template::parse(Path::new("xx-old.json"), SCHEMA_1).unwrap();
        assert_eq!(t.schema, 2);
        let a = t.clause("3(a)").unwrap();
        assert_eq!(a.quotation(), Some("has tortured;"));
        assert_eq!(a.citation, "Example Act 2024 3(a)");
        assert_eq!(a.provenance.source, "gazette");
        let b = t.clause("3(b)").unwrap();
        assert_eq!(b.status, Status::Unverified);
        assert_eq!(b.quotation(), None);
        assert_eq!(t.standard_of_proof.quotation(), Some("reasonable grounds"));
        assert_eq!(t.measures[0].label, "Asset freeze.");
        assert_eq!(t.measures[0].quotation(), None);
        assert_eq!(
            t.instruments[0].citation,
            "Example Act 2024 (Act No. 12 of 2024)"
        );
    }

    #[test]
    fn a_schema_2_template_loads_with_former_ids_and_provenance() {
        let text = r#"{
          "schema": 2, "id": "xx-new", "name": "New", "jurisdiction": "Example Republic",
          "authority": "Ministry", "decision_maker": "The Minister",
          "instruments": [{ "title": "Example Act 2024", "citation": "Example Act 2024 (Act No. 12 of 2024)",
                            "provenance": { "source": "official gazette", "checked": "2025-01-15" } }],
          "legal_basis": "Example Act 2024, s. 3",
          "standard_of_proof": { "label": "Reasonable grounds", "citation": "Example Act 2024, s. 3(1)", "status": "unverified" },
          "measures": [],
          "criteria": [
            { "id": "3(1)(a)", "former_ids": ["3(a)"], "title": "Torture", "instrument": "Example Act 2024",
              "citation": "Example Act 2024, s. 3(1)(a)", "wording": "has tortured;", "status": "verified-mirror",
              "provenance": { "source": "mirror", "checked": "2025-01-15", "note": "renumbered in 2025" } }
          ],
          "subject_fields": { "person": { "required": ["name"] }, "entity": { "required": ["name"] } },
          "sections": [{ "id": "cover", "heading": "Submission" }]
        }"#;
        let t = Template::parse(Path::new("xx-new.json"), text).unwrap();
        let clause = t.clause("3(a)").expect("a former id resolves");
        assert_eq!(clause.id, "3(1)(a)");
        assert_eq!(clause.quotation(), Some("has tortured;"));
        assert_eq!(clause.provenance.checked, "2025-01-15");
        assert!(t.standard_of_proof.quotation().is_none());

        // A former id may not be another clause's id, and an unknown schema is refused.
        let clash = text.replace(
            "\"former_ids\": [\"3(a)\"]",
            "\"former_ids\": [\"3(1)(a)\"]",
        );
        let err = Template::parse(Path::new("xx-new.json"), &clash).unwrap_err();
        assert!(err.to_string().contains("appears twice"), "{err}");
        let future = text.replace("\"schema\": 2", "\"schema\": 3");
        let err = Template::parse(Path::new("xx-new.json"), &future).unwrap_err();
        assert!(
            err.to_string().contains("\"schema\" must be 1 or 2"),
            "{err}"
        );
        // A schema 2 status must be one of the three.
        let wrong = text.replace("\"verified-mirror\"", "\"verbatim\"");
        assert!(Template::parse(Path::new("xx-new.json"), &wrong).is_err());
    }
}
