//! Regime templates: what each sanctions regime's authority expects of a referral.
//!
//! Owns the template format (see `docs/templates.md`) and where templates come from: the six
//! shipped in `templates/` are compiled into the binary; a case may add or override regimes with
//! `<case>/templates/<id>.json`. It does not judge a case against them (`check` does).

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

/// One regime's template.
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
    /// One line for the cover page.
    pub legal_basis: String,
    pub standard_of_proof: Statement,
    pub measures: Vec<Statement>,
    pub criteria: Vec<Clause>,
    pub subject_fields: SubjectFields,
    pub sections: Vec<Section>,
    /// What still has to be checked against the official text before filing.
    #[serde(default)]
    pub verification_notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub title: String,
    pub citation: String,
    #[serde(default)]
    pub source: String,
}

/// A statement about the regime (standard of proof, a measure) and how far it is verified.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub text: String,
    pub verification: Verification,
    #[serde(default)]
    pub source: String,
}

/// How far a wording is verified: only verbatim wording may be quoted as the law's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    /// Copied from the primary text.
    Verbatim,
    /// As quoted by a third party, not checked against the instrument.
    Secondary,
    /// A summary; never put in quotation marks.
    Paraphrase,
}

/// One criterion clause.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// The instrument's own numbering without spaces: `1(a)(ii)(A)`, `4(2)(b)`.
    pub id: String,
    pub title: String,
    pub instrument: String,
    pub wording: String,
    pub verification: Verification,
    #[serde(default)]
    pub source: String,
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

impl Template {
    /// The clause with this id, if the template has it.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.criteria.iter().find(|c| c.id == id)
    }

    fn parse(origin: &Path, text: &str) -> Result<Template> {
        let template: Template = serde_json::from_str(text).map_err(|e| Error::json(origin, &e))?;
        let stem = origin.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let bad = |message: String, fix: &str| {
            Err(Error::input(
                format!("{}: {message}", origin.display()),
                fix,
            ))
        };
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
            if clause.id.is_empty() || clause.id.chars().any(char::is_whitespace) {
                return bad(
                    format!("criterion id `{}` is empty or has spaces", clause.id),
                    "write the instrument's numbering without spaces, e.g. 4(2)(b)",
                );
            }
            if !seen.insert(clause.id.as_str()) {
                return bad(
                    format!("criterion `{}` appears twice", clause.id),
                    "give each clause one entry",
                );
            }
        }
        Ok(template)
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
    fn unverified_wording_is_never_marked_verbatim_where_regimes_md_says_paraphrase() {
        // REGIMES.md: the wording of reg. 6A(4) and (5) is a paraphrase, not verified.
        let registry = Registry::built_in();
        let au = registry.require("au-magnitsky").unwrap();
        for id in ["6A(4)", "6A(5)"] {
            assert_ne!(
                au.clause(id).unwrap().verification,
                Verification::Verbatim,
                "{id}"
            );
        }
        // JVCFOA s.4(2) is verbatim from the Justice Canada XML.
        let ca = registry.require("ca-jvcfoa").unwrap();
        assert_eq!(
            ca.clause("4(2)(a)").unwrap().verification,
            Verification::Verbatim
        );
    }
}
