//! Subjects, events and signatories as the user describes them, turned into case records.
//!
//! Owns the text forms of the command line and of CSV import (`"TITLE, ORG, FROM, TO"`,
//! `"TYPE:NUMBER:COUNTRY"`, `REGIME:CLAUSE`, `S-ID:ROLE`) and the checks that refuse a bad
//! record before anything is written. Exhibits are taken in by `intake`.

use unicode_normalization::UnicodeNormalization;

use crate::case::{
    Addressee, Asset, Associate, Case, Criterion, Designation, Event, IdDocument, Involvement,
    Position, Signatory, SignatoryRole, Subject, SubjectKind,
};
use crate::date::CaseDate;
use crate::error::{Error, Result};
use crate::template::Registry;

/// A subject as given on the command line or in a CSV row.
#[derive(Debug, Clone, Default)]
pub struct SubjectSpec {
    pub name: String,
    pub surname: Option<String>,
    pub given_names: Option<String>,
    pub entity: bool,
    pub original_script: Option<String>,
    pub transliterations: Vec<String>,
    pub aliases: Vec<String>,
    pub born: Option<String>,
    pub birthplace: Option<String>,
    pub gender: Option<String>,
    pub nationalities: Vec<String>,
    pub positions: Vec<String>,
    pub id_documents: Vec<String>,
    pub addresses: Vec<String>,
    /// `NAME` or `NAME:RELATION`.
    pub associates: Vec<String>,
    pub criteria: Vec<String>,
    /// The argument, attached to every criterion of this spec.
    pub argument: Option<String>,
    /// Supporting exhibits, attached to every criterion of this spec.
    pub exhibits: Vec<String>,
    pub nexus: Vec<String>,
    pub exculpatory: Vec<String>,
    /// `WHAT[, WHERE[, JURISDICTION]]`.
    pub assets: Vec<String>,
    /// `AUTHORITY[; PROGRAM[; START DATE[; SOURCE URL[; ENTITY ID]]]]`.
    pub existing_designations: Vec<String>,
}

/// An event as given on the command line or in a CSV row.
#[derive(Debug, Clone, Default)]
pub struct EventSpec {
    pub date: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    /// `S-ID` or `S-ID:ROLE`.
    pub subjects: Vec<String>,
    pub exhibits: Vec<String>,
}

/// A signatory as given on the command line.
#[derive(Debug, Clone, Default)]
pub struct SignatorySpec {
    pub name: String,
    pub role: Option<String>,
    pub country: Option<String>,
    pub contact: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
}

/// An addressee as given on the command line.
#[derive(Debug, Clone, Default)]
pub struct AddresseeSpec {
    pub name: String,
    pub regime: String,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub address: Option<String>,
}

/// Adds a subject and returns its id.
pub fn add_subject(case: &mut Case, registry: &Registry, spec: &SubjectSpec) -> Result<String> {
    let name = required_text(
        &spec.name,
        "the subject's NAME",
        "give the full name in Latin script",
    )?;
    let mut subject = subject_fields(case, registry, spec)?;
    if let Some(twin) = case
        .subjects
        .iter()
        .find(|s| same_name(&s.name, &name) && s.born == subject.born)
    {
        return Err(Error::input(
            format!(
                "a subject named {name} is already in the case as {}",
                twin.id
            ),
            "refer to it by its id; if it is another person of the same name, add --born to tell them apart",
        ));
    }
    subject.name = name;
    subject.id = case.next_id("S");
    let id = subject.id.clone();
    case.subjects.push(subject);
    Ok(id)
}

/// Every field of a subject as the spec gives it, each parsed and checked as `add` checks it;
/// the id is left empty and the name as given (`edit` keeps the old one when none is given).
pub fn subject_fields(case: &Case, registry: &Registry, spec: &SubjectSpec) -> Result<Subject> {
    let born = spec
        .born
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_date(d, "--born"))
        .transpose()?;
    let criteria = criteria_of(
        case,
        registry,
        &spec.criteria,
        &spec.argument,
        &spec.exhibits,
    )?;
    Ok(Subject {
        id: String::new(),
        kind: if spec.entity {
            SubjectKind::Entity
        } else {
            SubjectKind::Person
        },
        name: spec.name.trim().to_string(),
        surname: optional(&spec.surname),
        given_names: optional(&spec.given_names),
        name_original: optional(&spec.original_script),
        transliterations: texts(&spec.transliterations),
        aliases: texts(&spec.aliases),
        born,
        birthplace: optional(&spec.birthplace),
        gender: optional(&spec.gender),
        nationalities: spec
            .nationalities
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| country(c, "--nationality"))
            .collect::<Result<_>>()?,
        id_documents: spec
            .id_documents
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_id_document(d))
            .collect::<Result<_>>()?,
        positions: spec
            .positions
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| parse_position(p))
            .collect::<Result<_>>()?,
        addresses: texts(&spec.addresses),
        associates: associates(case, &spec.associates),
        criteria,
        nexus: texts(&spec.nexus),
        assets: spec
            .assets
            .iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| parse_asset(a))
            .collect::<Result<_>>()?,
        exculpatory: texts(&spec.exculpatory),
        existing_designations: spec
            .existing_designations
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_designation(d))
            .collect::<Result<_>>()?,
    })
}

/// Criteria `REGIME:CLAUSE`, each with the argument and exhibits given with them.
pub fn criteria_of(
    case: &Case,
    registry: &Registry,
    texts: &[String],
    argument: &Option<String>,
    exhibits: &[String],
) -> Result<Vec<Criterion>> {
    for exhibit in exhibits {
        case.require_exhibit(exhibit, "--exhibit")?;
    }
    if texts.is_empty() && (!exhibits.is_empty() || argument.is_some()) {
        return Err(Error::input(
            "--argument and --exhibit belong to a criterion, and no --criterion was given",
            "add --criterion REGIME:CLAUSE, e.g. --criterion 'us-glomag:1(a)(ii)(A)' (quoted for the shell)",
        ));
    }
    texts
        .iter()
        .map(|text| {
            let (regime, clause) = parse_criterion(registry, text)?;
            Ok(Criterion {
                regime,
                clause,
                argument: optional(argument),
                exhibits: exhibits.to_vec(),
            })
        })
        .collect()
}

/// `NAME` or `NAME:RELATION`, linked to the subject of that name if the case has one.
fn associates(case: &Case, items: &[String]) -> Vec<Associate> {
    items
        .iter()
        .filter(|a| !a.trim().is_empty())
        .map(|text| {
            let (name, relation) = match text.rsplit_once(':') {
                Some((name, relation)) => (name, Some(relation.to_string())),
                None => (text.as_str(), None),
            };
            let subject = case
                .subjects
                .iter()
                .find(|s| same_name(&s.name, name))
                .map(|s| s.id.clone());
            Associate {
                name: name.trim().to_string(),
                relation: optional(&relation),
                subject,
            }
        })
        .collect()
}

/// Adds a criterion (with its own argument and exhibits) to an existing subject.
pub fn add_criterion(
    case: &mut Case,
    registry: &Registry,
    subject: &str,
    criterion: &str,
    argument: Option<String>,
    exhibits: Vec<String>,
) -> Result<String> {
    case.require_subject(subject, "subject")?;
    for exhibit in &exhibits {
        case.require_exhibit(exhibit, "exhibits")?;
    }
    let (regime, clause) = parse_criterion(registry, criterion)?;
    let record = case
        .subjects
        .iter_mut()
        .find(|s| s.id == subject)
        .expect("required above");
    if record
        .criteria
        .iter()
        .any(|c| c.regime == regime && c.clause == clause)
    {
        return Err(Error::input(
            format!("{subject} already has the criterion {regime}:{clause}"),
            "each criterion is given once per subject; to change its argument, replace it: dossier subject edit ID --remove-criterion REGIME:CLAUSE --add-criterion REGIME:CLAUSE --argument ...",
        ));
    }
    record.criteria.push(Criterion {
        regime: regime.clone(),
        clause: clause.clone(),
        argument: optional(&argument),
        exhibits,
    });
    Ok(format!("{subject} {regime}:{clause}"))
}

/// Adds an event to the timeline and returns its id.
pub fn add_event(case: &mut Case, spec: &EventSpec) -> Result<String> {
    let date = parse_date(&spec.date, "DATE")?;
    let title = required_text(
        &spec.title,
        "the event's TITLE",
        "say in a few words what happened",
    )?;
    let subjects = involvements(case, &spec.subjects, "--subject")?;
    for exhibit in &spec.exhibits {
        case.require_exhibit(exhibit, "--exhibit")?;
    }
    let event = Event {
        id: case.next_id("V"),
        date,
        title,
        description: optional(&spec.description),
        location: optional(&spec.location),
        subjects,
        exhibits: spec.exhibits.clone(),
    };
    let id = event.id.clone();
    case.events.push(event);
    Ok(id)
}

/// `S-ID` or `S-ID:ROLE`, each subject required to exist.
pub fn involvements(case: &Case, items: &[String], flag: &str) -> Result<Vec<Involvement>> {
    items
        .iter()
        .map(|text| {
            let (id, role) = match text.split_once(':') {
                Some((id, role)) => (id.trim(), optional(&Some(role.to_string()))),
                None => (text.trim(), None),
            };
            case.require_subject(id, flag)?;
            Ok(Involvement {
                subject: id.to_string(),
                role,
            })
        })
        .collect()
}

/// Adds a signatory organisation.
pub fn add_signatory(case: &mut Case, spec: &SignatorySpec) -> Result<()> {
    let name = required_text(
        &spec.name,
        "the organisation's NAME",
        "give the organisation's full name",
    )?;
    if let Some(twin) = case.signatories.iter().find(|s| same_name(&s.name, &name)) {
        return Err(Error::input(
            format!("{} is already a signatory", twin.name),
            "each organisation signs once; change its details with `dossier signatory edit NAME`",
        ));
    }
    let signatory = Signatory {
        name,
        ..signatory_fields(spec)?
    };
    if signatory.role == SignatoryRole::Lead
        && let Some(lead) = case
            .signatories
            .iter()
            .find(|s| s.role == SignatoryRole::Lead)
    {
        return Err(Error::input(
            format!("{} is already the lead signatory", lead.name),
            "a referral has one lead organisation: add this one with --role co-signer",
        ));
    }
    case.signatories.push(signatory);
    Ok(())
}

/// A signatory's fields as the spec gives them, checked as `add` checks them (the role
/// defaults to co-signer; the name is taken as given).
pub fn signatory_fields(spec: &SignatorySpec) -> Result<Signatory> {
    let email = optional(&spec.email);
    if let Some(email) = &email {
        let valid = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !email.contains(' ')
        });
        if !valid {
            return Err(Error::input(
                format!("`{email}` is not an e-mail address"),
                "give an address such as legal@example.org",
            ));
        }
    }
    Ok(Signatory {
        name: spec.name.trim().to_string(),
        role: signatory_role(spec.role.as_deref())?,
        country: spec
            .country
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| country(c, "--country"))
            .transpose()?,
        contact: optional(&spec.contact),
        email,
        phone: optional(&spec.phone),
        description: optional(&spec.description),
    })
}

fn signatory_role(text: Option<&str>) -> Result<SignatoryRole> {
    match text.map(str::trim) {
        None | Some("co-signer") => Ok(SignatoryRole::CoSigner),
        Some("lead") => Ok(SignatoryRole::Lead),
        Some(other) => Err(Error::input(
            format!("unknown signatory role `{other}`"),
            "use --role lead (the organisation filing the referral) or --role co-signer",
        )),
    }
}

/// Adds an addressee of one regime's cover letter.
pub fn add_addressee(case: &mut Case, registry: &Registry, spec: &AddresseeSpec) -> Result<()> {
    let name = required_text(
        &spec.name,
        "the addressee's NAME",
        "give the name as the letter should open, e.g. \"The Honorable Jane Doe\"",
    )?;
    let regime = spec.regime.trim();
    registry.require(regime)?;
    if !case.regimes.iter().any(|r| r == regime) {
        return Err(Error::input(
            format!("the case does not target the regime `{regime}`"),
            format!(
                "the case's regimes are {}; add the regime to \"regimes\" in case.json first",
                if case.regimes.is_empty() {
                    "none".to_string()
                } else {
                    case.regimes.join(", ")
                }
            ),
        ));
    }
    if case
        .addressees
        .iter()
        .any(|a| a.regime == regime && same_name(&a.name, &name))
    {
        return Err(Error::input(
            format!("{name} is already an addressee for {regime}"),
            "each addressee is listed once per regime",
        ));
    }
    case.addressees.push(Addressee {
        name,
        regime: regime.to_string(),
        title: optional(&spec.title),
        organisation: optional(&spec.organisation),
        address: optional(&spec.address),
    });
    Ok(())
}

/// `"WHAT[, WHERE[, JURISDICTION]]"`.
fn parse_asset(text: &str) -> Result<Asset> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() > 3 || parts[0].is_empty() {
        return Err(Error::input(
            format!(
                "--asset `{text}`: {}",
                if parts[0].is_empty() {
                    "the asset is empty"
                } else {
                    "it has more than three parts (a comma inside the description?)"
                }
            ),
            "write it as \"WHAT[, WHERE[, JURISDICTION]]\", e.g. \"Apartment 12, 4 Elm Street London, GB\"",
        ));
    }
    let part = |i: usize| {
        parts
            .get(i)
            .filter(|p| !p.is_empty())
            .map(|p| p.to_string())
    };
    Ok(Asset {
        what: parts[0].to_string(),
        location: part(1),
        jurisdiction: part(2),
    })
}

/// How a designation is written on the command line and in CSV.
pub const DESIGNATION_FORM: &str = "\"AUTHORITY[; PROGRAM[; START DATE[; SOURCE URL[; ENTITY ID]]]]\", e.g. \"Office of Foreign Assets Control; GLOMAG; 2021-03-22; https://ofac.treasury.gov/recent-actions/20210322\"";

/// `"AUTHORITY[; PROGRAM[; START DATE[; SOURCE URL[; ENTITY ID]]]]"` (`;` because programme
/// names and URLs hold commas).
pub fn parse_designation(text: &str) -> Result<Designation> {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if parts.len() > 5 || parts[0].is_empty() {
        return Err(Error::input(
            format!(
                "--existing-designation `{text}`: {}",
                if parts[0].is_empty() {
                    "the authority is missing"
                } else {
                    "it has more than five parts"
                }
            ),
            format!("write it as {DESIGNATION_FORM}"),
        ));
    }
    let part = |i: usize| {
        parts
            .get(i)
            .filter(|p| !p.is_empty())
            .map(|p| p.to_string())
    };
    let start_date = part(2)
        .map(|d| parse_date(&d, "--existing-designation (start date)"))
        .transpose()?;
    if let Some(url) = part(3)
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(Error::input(
            format!("--existing-designation `{text}`: the source `{url}` is not a web address"),
            format!("give the address where the designation is published, as {DESIGNATION_FORM}"),
        ));
    }
    Ok(Designation {
        authority: parts[0].to_string(),
        program: part(1),
        start_date,
        source_url: part(3),
        entity_id: part(4),
    })
}

/// `AUTHORITY; PROGRAM; START DATE; SOURCE URL; ENTITY ID`, as [`parse_designation`] reads it.
pub fn designation_text(designation: &Designation) -> String {
    let mut parts = vec![
        designation.authority.clone(),
        designation.program.clone().unwrap_or_default(),
        designation
            .start_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        designation.source_url.clone().unwrap_or_default(),
        designation.entity_id.clone().unwrap_or_default(),
    ];
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts.join("; ")
}

/// True if two designations are the same listing: same authority, programme and listed entity.
pub fn same_designation(a: &Designation, b: &Designation) -> bool {
    let key = |d: &Designation| {
        (
            d.authority.to_lowercase(),
            d.program.as_deref().map(str::to_lowercase),
            d.entity_id.clone(),
        )
    };
    key(a) == key(b)
}

/// `WHAT, WHERE, JURISDICTION`, as [`parse_asset`] reads it.
pub fn asset_text(asset: &Asset) -> String {
    let mut parts = vec![
        asset.what.clone(),
        asset.location.clone().unwrap_or_default(),
        asset.jurisdiction.clone().unwrap_or_default(),
    ];
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts.join(", ")
}

/// `REGIME:CLAUSE`, checked against the regime's template.
pub fn parse_criterion(registry: &Registry, text: &str) -> Result<(String, String)> {
    let Some((regime, clause)) = text.split_once(':') else {
        return Err(Error::input(
            format!("criterion `{text}` has no regime"),
            "write it as REGIME:CLAUSE, e.g. 'us-glomag:1(a)(ii)(A)' or 'uk-ghr:4(2)(b)' (quoted, as the shell treats brackets specially)",
        ));
    };
    let (regime, clause) = (regime.trim(), dotted_to_brackets(clause.trim()));
    let clause = clause.as_str();
    let template = registry.require(regime)?;
    if template.clause(clause).is_none() {
        let known: Vec<String> = template
            .criteria
            .iter()
            .map(|c| format!("  '{regime}:{}'  {}", c.id, c.title))
            .collect();
        return Err(Error::input(
            format!("criterion `{text}`: {regime} has no clause `{clause}`"),
            format!(
                "use one of the clauses of {regime} (quoted for the shell, as here):\n{}",
                known.join("\n")
            ),
        ));
    }
    Ok((regime.to_string(), clause.to_string()))
}

/// `1.a.ii.A` -> `1(a)(ii)(A)`: the same clause without brackets, which shells do not mangle.
fn dotted_to_brackets(clause: &str) -> String {
    if clause.contains('(') || !clause.contains('.') {
        return clause.to_string();
    }
    let mut parts = clause.split('.');
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push_str(&format!("({part})"));
    }
    out
}

/// `"TITLE, ORG[, FROM[, TO]]"`, as [`parse_position`] reads it; trailing empty parts left out.
pub fn position_text(position: &Position) -> String {
    let date = |d: &Option<CaseDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut parts = vec![
        position.title.clone(),
        position.organisation.clone().unwrap_or_default(),
        date(&position.from),
        date(&position.to),
    ];
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts.join(", ")
}

/// `"TYPE:NUMBER[:COUNTRY]"`, as [`parse_id_document`] reads it.
pub fn id_document_text(document: &IdDocument) -> String {
    match &document.country {
        Some(country) => format!("{}:{}:{country}", document.kind, document.number),
        None => format!("{}:{}", document.kind, document.number),
    }
}

/// `NAME` or `NAME:RELATION`, as `--associate` reads it.
pub fn associate_text(associate: &Associate) -> String {
    match &associate.relation {
        Some(relation) => format!("{}:{relation}", associate.name),
        None => associate.name.clone(),
    }
}

/// `S-ID` or `S-ID:ROLE`, as `--subject` reads it.
pub fn involvement_text(involvement: &Involvement) -> String {
    match &involvement.role {
        Some(role) => format!("{}:{role}", involvement.subject),
        None => involvement.subject.clone(),
    }
}

/// `"TITLE, ORG[, FROM[, TO]]"`.
fn parse_position(text: &str) -> Result<Position> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let bad = |why: &str| {
        Error::input(
            format!("--position `{text}`: {why}"),
            "write it as \"TITLE, ORGANISATION[, FROM[, TO]]\", e.g. \"Director, Central Prison, 2014, 2019-06\"",
        )
    };
    if parts.len() > 4 {
        return Err(bad(
            "it has more than four parts (a comma inside the title?)",
        ));
    }
    if parts[0].is_empty() {
        return Err(bad("the title is empty"));
    }
    let date = |i: usize| -> Result<Option<CaseDate>> {
        match parts.get(i) {
            Some(text) if !text.is_empty() => parse_date(text, "--position").map(Some),
            _ => Ok(None),
        }
    };
    Ok(Position {
        title: parts[0].to_string(),
        organisation: parts
            .get(1)
            .filter(|o| !o.is_empty())
            .map(|o| o.to_string()),
        from: date(2)?,
        to: date(3)?,
    })
}

/// `"TYPE:NUMBER[:COUNTRY]"`.
fn parse_id_document(text: &str) -> Result<IdDocument> {
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    if parts.len() < 2 || parts.len() > 3 || parts[0].is_empty() || parts[1].is_empty() {
        return Err(Error::input(
            format!("--id-document `{text}` is not TYPE:NUMBER[:COUNTRY]"),
            "e.g. --id-document passport:X1234567:XX",
        ));
    }
    Ok(IdDocument {
        kind: parts[0].to_string(),
        number: parts[1].to_string(),
        country: parts
            .get(2)
            .map(|c| country(c, "--id-document"))
            .transpose()?,
        issued: None,
        expires: None,
    })
}

/// True for the ISO 3166-1 codes that name no country (AA, QM-QZ, XA-XZ except XK, ZZ): users
/// assign them, e.g. to invented places.
pub fn is_user_assigned_country(code: &str) -> bool {
    let code = code.to_ascii_uppercase();
    code == "AA"
        || code == "ZZ"
        || (code.starts_with('Q') && code.as_bytes().get(1).is_some_and(|&b| b >= b'M'))
        || (code.starts_with('X') && code != "XK")
}

/// The 249 officially assigned ISO 3166-1 alpha-2 codes (the ISO 3166 Maintenance Agency's list).
const ISO_3166_1: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// True for an officially assigned ISO 3166-1 alpha-2 code (upper case).
pub fn is_assigned_country(code: &str) -> bool {
    ISO_3166_1.binary_search(&code).is_ok()
}

/// An ISO 3166-1 alpha-2 code, upper-cased: an assigned one, or a user-assigned one (XA-XZ, for
/// places without a code, such as the sample's invented country).
fn country(code: &str, flag: &str) -> Result<String> {
    let code = code.trim().to_ascii_uppercase();
    let letters = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
    // XK (Kosovo) is user-assigned in ISO 3166 but used as a country code by most authorities.
    if letters && (is_assigned_country(&code) || is_user_assigned_country(&code) || code == "XK") {
        return Ok(code);
    }
    let hint = match code.as_str() {
        "UK" => "the United Kingdom's code is GB".to_string(),
        "EL" => "Greece's code is GR".to_string(),
        _ => "use ISO 3166-1 alpha-2 codes such as GB, US, RU; XA-XZ (or XK for Kosovo) are for \
              places without one, though authorities will not recognise them"
            .to_string(),
    };
    let what = if letters {
        "an ISO 3166-1 alpha-2 country code"
    } else {
        "a two-letter country code (ISO 3166-1 alpha-2)"
    };
    Err(Error::input(
        format!("{flag}: `{code}` is not {what}"),
        hint,
    ))
}

pub(crate) fn parse_date(text: &str, flag: &str) -> Result<CaseDate> {
    text.parse::<CaseDate>().map_err(|e| e.within(flag))
}

pub(crate) fn required_text(text: &str, what: &str, fix: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        Err(Error::input(format!("{what} is empty"), fix))
    } else {
        Ok(text.to_string())
    }
}

pub(crate) fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn texts(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Names that differ only in case or Unicode normalisation are the same name.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| s.nfkc().flat_map(char::to_lowercase).collect::<String>();
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_iso_3166_1_or_user_assigned() {
        assert!(
            ISO_3166_1.windows(2).all(|w| w[0] < w[1]),
            "sorted, no twice"
        );
        assert_eq!(country("gb", "--country").unwrap(), "GB");
        assert_eq!(country("XX", "--country").unwrap(), "XX");
        assert_eq!(country("XK", "--country").unwrap(), "XK");
        let uk = country("UK", "--country").unwrap_err().to_string();
        assert!(
            uk.contains("`UK` is not an ISO 3166-1") && uk.contains("GB"),
            "{uk}"
        );
        assert!(country("JJ", "--nationality").is_err());
        assert!(country("GBR", "--nationality").is_err());
    }

    #[test]
    fn positions_and_documents_parse_with_their_optional_parts() {
        let p = parse_position("Director, Central Prison, 2014, 2019-06").unwrap();
        assert_eq!(p.organisation.as_deref(), Some("Central Prison"));
        assert_eq!(p.to.unwrap().to_string(), "2019-06");
        let p = parse_position("Minister").unwrap();
        assert_eq!((p.organisation, p.from), (None, None));
        assert!(parse_position("A, B, C, D, E").is_err());
        assert!(parse_position("Director, Prison, last year").is_err());

        let d = parse_id_document("passport:X1234567:xx").unwrap();
        assert_eq!(
            (d.kind.as_str(), d.country.as_deref()),
            ("passport", Some("XX"))
        );
        assert!(parse_id_document("passport").is_err());
        assert!(parse_id_document("passport:1:GBR").is_err());
    }

    #[test]
    fn clauses_may_be_written_with_dots() {
        assert_eq!(dotted_to_brackets("1.a.ii.A"), "1(a)(ii)(A)");
        assert_eq!(dotted_to_brackets("6A.4"), "6A(4)");
        assert_eq!(dotted_to_brackets("4(2)(b)"), "4(2)(b)");
        let registry = Registry::built_in();
        let (regime, clause) = parse_criterion(&registry, "uk-ghr:4.2.b").unwrap();
        assert_eq!((regime.as_str(), clause.as_str()), ("uk-ghr", "4(2)(b)"));
    }

    #[test]
    fn names_match_across_case_and_normalisation() {
        assert!(same_name(
            "Nguyễn Văn An",
            &"nguyễn văn an".nfd().collect::<String>()
        ));
        assert!(!same_name("Anna", "Ana"));
    }
}
