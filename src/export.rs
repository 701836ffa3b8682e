//! `export --format ftm`: subjects, events and exhibits as FollowTheMoney entities (JSON lines),
//! the data model of OpenSanctions and OCCRP Aleph.
//!
//! Owns the mapping from case records to FtM schemata and values that FtM accepts (ISO 639-2
//! languages, lower-case ISO 3166 countries, SHA-1 content hashes). A value FtM would reject is
//! not dropped silently: it goes into the entity's `notes`. Ids are stable: case id + our id.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::case::import::{
    CRITERION_COLUMNS, EVENT_COLUMNS, EXHIBIT_COLUMNS, SUBJECT_COLUMNS, join_list,
};
use crate::case::records::{
    asset_text, associate_text, id_document_text, involvement_text, is_user_assigned_country,
    position_text,
};
use crate::case::{Case, Confidentiality, Event, Exhibit, Subject, SubjectKind};
use crate::date::CaseDate;
use crate::error::{Error, Result};
use crate::template::Registry;

/// One FollowTheMoney entity.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    pub id: String,
    pub schema: &'static str,
    pub properties: BTreeMap<&'static str, Vec<String>>,
}

impl Entity {
    fn new(id: String, schema: &'static str) -> Entity {
        Entity {
            id,
            schema,
            properties: BTreeMap::new(),
        }
    }

    /// Adds values, skipping empty ones.
    fn add(
        &mut self,
        property: &'static str,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut Self {
        for value in values {
            let value: String = value.into();
            let value = value.trim();
            if !value.is_empty() {
                self.properties
                    .entry(property)
                    .or_default()
                    .push(value.to_string());
            }
        }
        self
    }
}

/// What is exported of an exhibit: its metadata and the SHA-1 of its content (FtM's
/// `contentHash`), computed at export time from the file.
#[derive(Debug, Clone)]
pub struct ExhibitContent {
    pub id: String,
    pub file_name: String,
    pub sha1: Option<String>,
}

/// The FtM entities of a case: one per subject, position and post held, event, exhibit, link
/// between an exhibit and what it documents, and proposed sanction.
pub fn ftm_entities(case: &Case, registry: &Registry, contents: &[ExhibitContent]) -> Vec<Entity> {
    let keys = Keys::new(case);
    let mut entities = Vec::new();
    for subject in &case.subjects {
        let id = keys.of(&subject.id);
        entities.push(subject_entity(subject, &id));
        if subject.kind == SubjectKind::Person {
            entities.extend(position_entities(subject, &id));
        }
        entities.extend(sanction_entities(subject, &id, registry));
    }
    entities.extend(case.events.iter().map(|event| event_entity(event, &keys)));
    // Looked up by exhibit in maps made once: a case may hold 100,000 exhibits.
    let contents: HashMap<&str, &ExhibitContent> =
        contents.iter().map(|c| (c.id.as_str(), c)).collect();
    let events = case.events_by_exhibit();
    for exhibit in &case.exhibits {
        let Some(content) = contents.get(exhibit.id.as_str()) else {
            continue;
        };
        let events = events
            .get(exhibit.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        entities.push(document_entity(case, exhibit, content, &keys));
        entities.extend(documentation_entities(case, exhibit, events, &keys));
    }
    entities
}

/// Entity ids: the case id and our id, in lower case.
struct Keys {
    prefix: String,
}

impl Keys {
    fn new(case: &Case) -> Keys {
        Keys {
            prefix: case.id.to_ascii_lowercase(),
        }
    }

    fn of(&self, id: &str) -> String {
        format!("{}-{}", self.prefix, id.to_ascii_lowercase())
    }
}

/// For each post a person held: the post, and their occupancy of it.
fn position_entities(subject: &Subject, id: &str) -> Vec<Entity> {
    let mut entities = Vec::new();
    for (n, position) in subject.positions.iter().enumerate() {
        let post_id = format!("{id}-position-{}", n + 1);
        let mut post = Entity::new(post_id.clone(), "Position");
        post.add("name", [post_name(position)]);
        entities.push(post);
        let mut occupancy = Entity::new(format!("{id}-occupancy-{}", n + 1), "Occupancy");
        occupancy
            .add("holder", [id.to_string()])
            .add("post", [post_id]);
        occupancy.add("startDate", position.from.iter().map(ftm_date));
        occupancy.add("endDate", position.to.iter().map(ftm_end_date));
        entities.push(occupancy);
    }
    entities
}

/// One proposed sanction per regime whose criteria the subject is said to meet.
fn sanction_entities(subject: &Subject, id: &str, registry: &Registry) -> Vec<Entity> {
    let mut by_regime: BTreeMap<&str, Vec<&crate::case::Criterion>> = BTreeMap::new();
    for criterion in &subject.criteria {
        by_regime
            .entry(criterion.regime.as_str())
            .or_default()
            .push(criterion);
    }
    let mut entities = Vec::new();
    for (regime, criteria) in by_regime {
        let mut sanction = Entity::new(format!("{id}-sanction-{regime}"), "Sanction");
        sanction.add("entity", [id.to_string()]);
        if let Some(template) = registry.get(regime) {
            sanction
                .add("authority", [template.authority.clone()])
                .add("program", [template.name.clone()]);
        }
        sanction.add(
            "provisions",
            criteria.iter().map(|c| format!("{regime}:{}", c.clause)),
        );
        sanction.add("reason", criteria.iter().filter_map(|c| c.argument.clone()));
        sanction.add(
            "status",
            ["Proposed in a referral by civil society; not imposed"],
        );
        entities.push(sanction);
    }
    entities.extend(existing_sanctions(subject, id));
    entities
}

/// One Sanction per designation already in force against the subject, as recorded in the case
/// (`existing_designations`): who imposed it, under which programme, since when, and where it is
/// published; the listed entity's id in the data it was found in goes into `summary`.
fn existing_sanctions(subject: &Subject, id: &str) -> Vec<Entity> {
    subject
        .existing_designations
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let mut sanction = Entity::new(format!("{id}-designation-{}", n + 1), "Sanction");
            sanction
                .add("entity", [id.to_string()])
                .add("authority", [d.authority.clone()])
                .add("program", d.program.iter().cloned())
                .add("startDate", d.start_date.iter().map(ftm_date))
                .add("sourceUrl", d.source_url.iter().cloned())
                .add(
                    "status",
                    ["In force (recorded by the submitting organisations)"],
                )
                .add(
                    "summary",
                    d.entity_id
                        .iter()
                        .map(|e| format!("listed as {e} in the sanctions data screened")),
                );
            sanction
        })
        .collect()
}

fn event_entity(event: &Event, keys: &Keys) -> Entity {
    let mut entity = Entity::new(keys.of(&event.id), "Event");
    entity.add("name", [event.title.clone()]);
    match event.date.end {
        Some(_) => {
            entity
                .add("startDate", [ftm_date(&event.date)])
                .add("endDate", [ftm_end_date(&event.date)]);
        }
        None => {
            entity.add("date", [ftm_date(&event.date)]);
        }
    }
    if event.date.circa {
        entity.add("notes", [format!("Date approximate: {}", event.date)]);
    }
    entity.add("summary", event.description.clone());
    entity.add("location", event.location.clone());
    entity.add(
        "involved",
        event.subjects.iter().map(|s| keys.of(&s.subject)),
    );
    entity
}

/// An exhibit as a Document: its file, its metadata, and its SHA-256 in the notes.
fn document_entity(
    case: &Case,
    exhibit: &Exhibit,
    content: &ExhibitContent,
    keys: &Keys,
) -> Entity {
    let mut entity = Entity::new(keys.of(&exhibit.id), "Document");
    entity.add("fileName", [content.file_name.clone()]);
    entity.add("title", exhibit.title.clone());
    entity.add("description", exhibit.description.clone());
    entity.add("mimeType", [exhibit.media_type.clone()]);
    entity.add("contentHash", content.sha1.clone());
    entity.add("fileSize", [exhibit.size.to_string()]);
    entity.add(
        "notes",
        [format!(
            "SHA-256 {} (exhibit {} of case {})",
            exhibit.sha256, exhibit.id, case.id
        )],
    );
    match exhibit.language.as_deref().map(language) {
        Some(Some(code)) => {
            entity.add("language", [code]);
        }
        Some(None) => {
            entity.add(
                "notes",
                [format!(
                    "Language: {}",
                    exhibit.language.as_deref().unwrap_or("")
                )],
            );
        }
        None => {}
    }
    if !exhibit.source.confidential {
        entity.add("sourceUrl", exhibit.source.url.clone());
    }
    entity
}

/// The links from an exhibit to what it documents: its events (`events`, their ids, in the
/// case's order), then the subjects whose criteria cite it.
fn documentation_entities(
    case: &Case,
    exhibit: &Exhibit,
    events: &[&str],
    keys: &Keys,
) -> Vec<Entity> {
    let documents = |target: String| {
        let mut link = Entity::new(
            format!("{}-documents-{target}", keys.of(&exhibit.id)),
            "Documentation",
        );
        link.add("document", [keys.of(&exhibit.id)])
            .add("entity", [target]);
        link
    };
    let events = events.iter().map(|event| keys.of(event));
    let subjects = case
        .subjects
        .iter()
        .filter(|s| s.criteria.iter().any(|c| c.exhibits.contains(&exhibit.id)))
        .map(|subject| keys.of(&subject.id));
    events.chain(subjects).map(documents).collect()
}

fn subject_entity(subject: &Subject, id: &str) -> Entity {
    let person = subject.kind == SubjectKind::Person;
    let mut entity = Entity::new(
        id.to_string(),
        if person { "Person" } else { "Organization" },
    );
    entity.add("name", [subject.name.clone()]);
    entity.add("name", subject.name_original.clone());
    entity.add(
        "alias",
        subject
            .aliases
            .iter()
            .chain(&subject.transliterations)
            .cloned(),
    );
    entity.add("address", subject.addresses.clone());
    let mut notes = Vec::new();
    let country_property = if person { "nationality" } else { "country" };
    for code in &subject.nationalities {
        match country(code) {
            Some(code) => {
                entity.add(country_property, [code]);
            }
            None => notes.push(format!("Country code {code} (not an ISO 3166 country)")),
        }
    }
    if person {
        entity.add("birthDate", subject.born.iter().map(ftm_date));
        entity.add("birthPlace", subject.birthplace.clone());
        match subject
            .gender
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some(g @ ("male" | "female" | "other")) => {
                entity.add("gender", [g.to_string()]);
            }
            Some(other) => notes.push(format!("Gender: {other}")),
            None => {}
        }
        entity.add("position", subject.positions.iter().map(post_name));
        for document in &subject.id_documents {
            let property = if document.kind.eq_ignore_ascii_case("passport") {
                "passportNumber"
            } else {
                "idNumber"
            };
            entity.add(property, [document.number.clone()]);
        }
    } else {
        entity.add("incorporationDate", subject.born.iter().map(ftm_date));
        entity.add(
            "idNumber",
            subject.id_documents.iter().map(|d| d.number.clone()),
        );
    }
    if let Some(born) = &subject.born
        && (born.circa || born.end.is_some())
    {
        notes.push(format!("Date of birth as known: {born}"));
    }
    notes.extend(subject.nexus.iter().map(|n| format!("Nexus: {n}")));
    notes.extend(
        subject
            .exculpatory
            .iter()
            .map(|e| format!("Exculpatory: {e}")),
    );
    entity.add("notes", notes);
    entity
}

/// A post as FtM names it: `Title, Organisation`.
fn post_name(position: &crate::case::Position) -> String {
    match &position.organisation {
        Some(org) => format!("{}, {org}", position.title),
        None => position.title.clone(),
    }
}

/// FtM dates are prefixes of ISO dates (`2019`, `2019-03`, `2019-03-14`): the start of ours.
fn ftm_date(date: &CaseDate) -> String {
    date.start.to_string()
}

fn ftm_end_date(date: &CaseDate) -> String {
    date.end.unwrap_or(date.start).to_string()
}

/// A lower-case ISO 3166-1 alpha-2 code FtM accepts, or `None` for user-assigned codes
/// (AA, QM-QZ, XA-XZ, ZZ), which name no country.
fn country(code: &str) -> Option<String> {
    (code.len() == 2 && !is_user_assigned_country(code)).then(|| code.to_ascii_lowercase())
}

/// The ISO 639-2 code FtM expects for the common ISO 639-1 codes of evidence.
fn language(code: &str) -> Option<&'static str> {
    const CODES: &[(&str, &str)] = &[
        ("ar", "ara"),
        ("az", "aze"),
        ("be", "bel"),
        ("bn", "ben"),
        ("de", "deu"),
        ("en", "eng"),
        ("es", "spa"),
        ("fa", "fas"),
        ("fr", "fra"),
        ("he", "heb"),
        ("hi", "hin"),
        ("hy", "hye"),
        ("id", "ind"),
        ("it", "ita"),
        ("ja", "jpn"),
        ("ka", "kat"),
        ("kk", "kaz"),
        ("ko", "kor"),
        ("ku", "kur"),
        ("ky", "kir"),
        ("my", "mya"),
        ("nl", "nld"),
        ("pl", "pol"),
        ("ps", "pus"),
        ("pt", "por"),
        ("ro", "ron"),
        ("ru", "rus"),
        ("sw", "swa"),
        ("tg", "tgk"),
        ("th", "tha"),
        ("tk", "tuk"),
        ("tr", "tur"),
        ("uk", "ukr"),
        ("ur", "urd"),
        ("uz", "uzb"),
        ("vi", "vie"),
        ("zh", "zho"),
    ];
    let code = code.trim().to_ascii_lowercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_lowercase()) {
        return CODES
            .iter()
            .map(|(_, three)| *three)
            .find(|three| *three == code);
    }
    CODES
        .iter()
        .find(|(two, _)| *two == code)
        .map(|(_, three)| *three)
}

/// Writes entities as JSON lines.
pub fn write_ftm(out: &mut dyn Write, entities: &[Entity]) -> std::io::Result<()> {
    for entity in entities {
        serde_json::to_writer(&mut *out, entity)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A CSV file: its name, its columns and its rows.
type Table<'a> = (&'a str, &'a [&'a str], Vec<Vec<String>>);

/// Writes `exhibits.csv`, `subjects.csv`, `criteria.csv` and `events.csv` into `dir`, in the
/// columns `dossier import` reads, so that importing them in this order rebuilds the records.
/// Lists inside a cell are separated by `;`. The link between an exhibit and its events is
/// written once, in events.csv, where the case keeps it.
pub fn write_csv(case: &Case, dir: &Path) -> Result<Vec<PathBuf>> {
    let tables: [Table; 4] = [
        ("exhibits.csv", EXHIBIT_COLUMNS, exhibit_rows(case)),
        ("subjects.csv", SUBJECT_COLUMNS, subject_rows(case)),
        ("criteria.csv", CRITERION_COLUMNS, criterion_rows(case)),
        ("events.csv", EVENT_COLUMNS, event_rows(case)),
    ];
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    tables
        .into_iter()
        .map(|(name, columns, rows)| write_table(&dir.join(name), columns, rows))
        .collect()
}

fn write_table(path: &Path, columns: &[&str], rows: Vec<Vec<String>>) -> Result<PathBuf> {
    let failed = |e: csv::Error| {
        Error::input(
            format!("cannot write {}: {e}", path.display()),
            "check the folder",
        )
    };
    let mut writer = csv::Writer::from_path(path).map_err(failed)?;
    writer.write_record(columns).map_err(failed)?;
    for row in rows {
        writer.write_record(&row).map_err(failed)?;
    }
    writer.flush().map_err(|e| Error::io("write", path, e))?;
    Ok(path.to_path_buf())
}

fn exhibit_rows(case: &Case) -> Vec<Vec<String>> {
    case.exhibits
        .iter()
        .map(|e| {
            vec![
                format!("evidence/{}", e.path),
                text(&e.title),
                text(&e.description),
                text(&e.source.provider),
                text(&e.source.method),
                text(&e.source.url),
                flag(e.source.confidential),
                text(&e.collected_by),
                e.collected_at.map(|t| t.to_string()).unwrap_or_default(),
                text(&e.language),
                flag(e.confidentiality == Confidentiality::Confidential),
                String::new(),
            ]
        })
        .collect()
}

fn subject_rows(case: &Case) -> Vec<Vec<String>> {
    case.subjects
        .iter()
        .map(|s| {
            let texts = |items: Vec<String>| join_list(&items);
            vec![
                s.name.clone(),
                s.kind.as_str().to_string(),
                text(&s.name_original),
                join_list(&s.transliterations),
                join_list(&s.aliases),
                date(&s.born),
                text(&s.birthplace),
                text(&s.gender),
                join_list(&s.nationalities),
                texts(s.positions.iter().map(position_text).collect()),
                texts(s.id_documents.iter().map(id_document_text).collect()),
                join_list(&s.addresses),
                texts(s.associates.iter().map(associate_text).collect()),
                String::new(),
                String::new(),
                String::new(),
                join_list(&s.nexus),
                join_list(&s.exculpatory),
                text(&s.surname),
                text(&s.given_names),
                texts(s.assets.iter().map(asset_text).collect()),
            ]
        })
        .collect()
}

fn criterion_rows(case: &Case) -> Vec<Vec<String>> {
    case.subjects
        .iter()
        .flat_map(|s| {
            s.criteria.iter().map(move |c| {
                vec![
                    s.id.clone(),
                    format!("{}:{}", c.regime, c.clause),
                    text(&c.argument),
                    join_list(&c.exhibits),
                ]
            })
        })
        .collect()
}

fn event_rows(case: &Case) -> Vec<Vec<String>> {
    case.events
        .iter()
        .map(|v| {
            let subjects: Vec<String> = v.subjects.iter().map(involvement_text).collect();
            vec![
                v.date.to_string(),
                v.title.clone(),
                text(&v.description),
                text(&v.location),
                join_list(&subjects),
                join_list(&v.exhibits),
            ]
        })
        .collect()
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn date(value: &Option<CaseDate>) -> String {
    value.map(|d| d.to_string()).unwrap_or_default()
}

fn flag(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_what_ftm_accepts() {
        assert_eq!(country("GB").as_deref(), Some("gb"));
        assert_eq!(country("XK").as_deref(), Some("xk"));
        assert_eq!(country("XX"), None);
        assert_eq!(country("QZ"), None);
        assert_eq!(language("ar"), Some("ara"));
        assert_eq!(language("vie"), Some("vie"));
        assert_eq!(language("klingon"), None);
    }
}
