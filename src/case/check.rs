//! `check`: every problem that would weaken or block the referral, per regime of the case.
//!
//! Owns the rules and returns a [`Report`] of findings; it never stops at the first problem and
//! never prints (see `output`). Evidence files are read, never written.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use indicatif::ProgressBar;
use serde::Serialize;

use crate::case::custody::{self, Log};
use crate::case::filing;
use crate::case::intake::{Locator, evidence_files, nfc};
use crate::case::records::{is_assigned_country, is_user_assigned_country};
use crate::case::{Case, Confidentiality, Exhibit, NARRATIVE_DIR, SignatoryRole, Subject};
use crate::display::and_list;
use crate::error::Result;
use crate::hash::sha256_files;
use crate::template::{Registry, Template};

/// How bad a finding is: errors block the referral (exit 1), warnings weaken it, notes only say
/// how the submission will read (a clause cited without quotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// One problem, where it is, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// The regime it concerns, or none for the case as a whole.
    pub regime: Option<String>,
    /// An id (`S-002`), a file (`evidence/x.jpg`) or a line (`custody.jsonl:4`).
    pub place: String,
    pub message: String,
    pub fix: String,
}

/// Everything `check` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub case: String,
    pub regimes: Vec<String>,
    pub exhibits_hashed: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub findings: Vec<Finding>,
    /// The exhibits found missing or changed (id and path), for the custody log.
    #[serde(skip)]
    pub damaged: Vec<String>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Adds findings made outside the case's rules (the fonts, which `render` knows), counted
    /// and placed like the others: case-wide first, then each regime; errors first.
    pub fn add(&mut self, findings: impl IntoIterator<Item = Finding>) {
        for finding in findings {
            match finding.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
            self.findings.push(finding);
        }
        let regimes = &self.regimes;
        let rank = |f: &Finding| match &f.regime {
            None => 0,
            Some(r) => {
                1 + regimes
                    .iter()
                    .position(|x| x == r)
                    .unwrap_or(usize::MAX - 1)
            }
        };
        self.findings.sort_by_key(|f| (rank(f), f.severity));
    }

    /// What the check found, for the custody log.
    pub fn integrity_summary(&self) -> String {
        let mut text = format!(
            "{} exhibits hashed; {} errors, {} warnings",
            self.exhibits_hashed, self.errors, self.warnings
        );
        if !self.damaged.is_empty() {
            text.push_str(&format!(
                "; missing or changed: {}",
                self.damaged.join(", ")
            ));
        }
        text
    }
}

/// Collects findings as the rules run.
struct Findings(Vec<Finding>);

impl Findings {
    fn add(
        &mut self,
        severity: Severity,
        regime: Option<&str>,
        place: &str,
        message: String,
        fix: &str,
    ) {
        self.0.push(Finding {
            severity,
            regime: regime.map(str::to_string),
            place: place.to_string(),
            message,
            fix: fix.to_string(),
        });
    }
    fn error(&mut self, place: &str, message: String, fix: &str) {
        self.add(Severity::Error, None, place, message, fix);
    }
    fn warning(&mut self, place: &str, message: String, fix: &str) {
        self.add(Severity::Warning, None, place, message, fix);
    }
}

/// How much of the evidence `check` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Every exhibit hashed and compared with its intake hash (`dossier check`).
    Hash,
    /// Every exhibit located, none read: for `build`, which hashes each exhibit again while
    /// sealing it and stops on any change, so the evidence is read once.
    Locate,
}

/// Checks the case in `root` against its regimes' templates, its evidence and its custody log.
pub fn check(
    root: &Path,
    case: &Case,
    registry: &Registry,
    log: &Log,
    evidence: Evidence,
    progress: &ProgressBar,
) -> Result<Report> {
    let mut found = Findings(Vec::new());
    check_case(root, case, registry, &mut found);
    check_ids(case, &mut found);
    check_confidentiality(case, &mut found);
    for regime in &case.regimes {
        if let Some(template) = registry.get(regime) {
            check_regime(case, template, &mut found);
        }
    }
    let (hashed, damaged) = check_exhibits(root, case, &mut found, evidence, progress)?;
    check_custody(case, log, &mut found);
    check_history(case, log, &mut found);
    check_filing(case, registry, &mut found);

    let mut findings = found.0;
    // Case-wide findings first, then each regime in the case's order; errors before warnings.
    let rank = |f: &Finding| match &f.regime {
        None => 0,
        Some(r) => {
            1 + case
                .regimes
                .iter()
                .position(|x| x == r)
                .unwrap_or(usize::MAX - 1)
        }
    };
    findings.sort_by_key(|f| (rank(f), f.severity));
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    Ok(Report {
        case: case.id.clone(),
        regimes: case.regimes.clone(),
        exhibits_hashed: hashed,
        errors,
        warnings,
        notes,
        findings,
        damaged,
    })
}

fn check_case(root: &Path, case: &Case, registry: &Registry, found: &mut Findings) {
    if case.regimes.is_empty() {
        found.error(
            "case.json",
            "the case targets no regime".into(),
            "add the regimes to \"regimes\" in case.json, e.g. [\"us-glomag\", \"uk-ghr\"]",
        );
    }
    for regime in &case.regimes {
        if registry.get(regime).is_none() {
            found.error(
                "case.json",
                format!("unknown regime `{regime}`"),
                &format!(
                    "use one of: {} (or add templates/{regime}.json to the case)",
                    registry.ids().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    if case.subjects.is_empty() {
        found.error(
            "case.json",
            "the case names no subject".into(),
            "add one: dossier subject add NAME ...",
        );
    }
    if case.events.is_empty() {
        found.warning(
            "case.json",
            "the timeline has no event".into(),
            "add events: dossier event add DATE TITLE ...",
        );
    }
    if case.signatories.is_empty() {
        found.error(
            "case.json",
            "no signatory: nobody submits the referral".into(),
            "add the filing organisation: dossier signatory add NAME --role lead --email ...",
        );
    } else if !case
        .signatories
        .iter()
        .any(|s| s.role == SignatoryRole::Lead)
    {
        found.warning(
            "case.json",
            "no signatory is the lead organisation".into(),
            "set \"role\": \"lead\" on the organisation filing the referral",
        );
    }
    let leads: Vec<&str> = case
        .signatories
        .iter()
        .filter(|s| s.role == SignatoryRole::Lead)
        .map(|s| s.name.as_str())
        .collect();
    if leads.len() > 1 {
        found.error(
            "case.json",
            format!(
                "{} signatories are the lead: {}",
                leads.len(),
                leads.join(", ")
            ),
            "one organisation files the referral: set \"role\": \"co-signer\" on the others",
        );
    }
    check_countries(case, found);
    for signatory in &case.signatories {
        if let Some(email) = &signatory.email
            && !email
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        {
            found.warning(
                &signatory.name,
                format!("`{email}` is not an e-mail address"),
                "set the signatory's \"email\" to an address such as legal@example.org",
            );
        }
        if signatory.email.is_none() || signatory.contact.is_none() {
            found.warning(
                &signatory.name,
                "the signatory has no contact person or e-mail".into(),
                "authorities need a point of contact: set \"contact\" and \"email\" in case.json",
            );
        }
    }
    let summary = root.join(NARRATIVE_DIR).join("summary.md");
    let written = std::fs::read_to_string(&summary).is_ok_and(|text| has_prose(&text));
    if !written {
        found.warning(
            "narrative/summary.md",
            "there is no executive summary".into(),
            "write the summary in narrative/summary.md (Markdown)",
        );
    }
}

/// Country codes (nationalities, identity documents, signatories) that are not ISO 3166-1
/// alpha-2 (written by hand), and user-assigned ones (XX, say), which `add` accepts but no
/// authority recognises: one warning per record, naming the fields.
fn check_countries(case: &Case, found: &mut Findings) {
    for subject in &case.subjects {
        let codes = subject
            .nationalities
            .iter()
            .map(|c| ("nationalities".to_string(), c))
            .chain(
                subject
                    .id_documents
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| {
                        d.country
                            .as_ref()
                            .map(|c| (format!("id_documents[{i}].country"), c))
                    }),
            );
        let label = format!("{} ({})", subject.id, subject.name);
        let fix = format!(
            "give the ISO 3166-1 code of the real country: dossier subject edit {} --nationality CC \
             --id-document TYPE:NUMBER:CC (user-assigned codes suit only invented places, as in \
             a sample or training case)",
            subject.id
        );
        check_codes(&subject.id, &label, codes, &fix, found);
    }
    for signatory in &case.signatories {
        let codes = signatory.country.iter().map(|c| ("country".to_string(), c));
        let fix = format!(
            "give the ISO 3166-1 code of the organisation's country: dossier signatory edit \
             \"{}\" --country CC",
            signatory.name
        );
        check_codes(&signatory.name, &signatory.name, codes, &fix, found);
    }
}

/// Warns about one record's bad and user-assigned country codes (`codes`: field and code).
fn check_codes<'a>(
    place: &str,
    label: &str,
    codes: impl Iterator<Item = (String, &'a String)>,
    fix: &str,
    found: &mut Findings,
) {
    let mut user_assigned: Vec<(String, &str)> = Vec::new();
    for (field, code) in codes {
        let letters = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
        if letters && is_user_assigned_country(code) {
            user_assigned.push((field, code));
        } else if !letters || !(is_assigned_country(code) || code == "XK") {
            found.warning(
                place,
                format!("{label}: {field}: `{code}` is not an ISO 3166-1 alpha-2 country code"),
                "use ISO 3166-1 alpha-2 codes such as GB, US, RU (the United Kingdom is GB, not UK)",
            );
        }
    }
    if user_assigned.is_empty() {
        return;
    }
    let mut codes: Vec<&str> = user_assigned.iter().map(|(_, c)| *c).collect();
    codes.sort_unstable();
    codes.dedup();
    let fields: Vec<&str> = user_assigned.iter().map(|(f, _)| f.as_str()).collect();
    found.warning(
        place,
        format!(
            "{label}: {} {} the user-assigned code {}, which names no country: authorities will not recognise it",
            fields.join(", "),
            if fields.len() == 1 { "uses" } else { "use" },
            codes.join(", ")
        ),
        fix,
    );
}

/// True if Markdown text has words beyond headings and comments.
fn has_prose(text: &str) -> bool {
    let mut rest = text;
    let mut plain = String::new();
    while let Some(start) = rest.find("<!--") {
        plain.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    plain.push_str(rest);
    plain
        .lines()
        .map(str::trim)
        .any(|l| !l.is_empty() && !l.starts_with('#'))
}

fn check_ids(case: &Case, found: &mut Findings) {
    let subjects: HashSet<&str> = case.subjects.iter().map(|s| s.id.as_str()).collect();
    let exhibits: HashSet<&str> = case.exhibits.iter().map(|e| e.id.as_str()).collect();
    let unknown = "use an id that `dossier subject list`, `event list` or `exhibit list` shows, or remove the reference";
    for event in &case.events {
        for who in &event.subjects {
            if !subjects.contains(who.subject.as_str()) {
                found.error(
                    &event.id,
                    format!(
                        "refers to {} subject {}",
                        unknown_word(case, &who.subject),
                        who.subject
                    ),
                    unknown,
                );
            }
        }
        for exhibit in &event.exhibits {
            if !exhibits.contains(exhibit.as_str()) {
                found.error(
                    &event.id,
                    format!(
                        "refers to {} exhibit {exhibit}",
                        unknown_word(case, exhibit)
                    ),
                    unknown,
                );
            }
        }
        if event.exhibits.is_empty() {
            found.warning(
                &event.id,
                format!("event \"{}\" ({}) has no exhibit supporting it", event.title, event.date),
                "link evidence: dossier exhibit add FILE --event ID, or list exhibit ids in the event's \"exhibits\"",
            );
        }
    }
    for subject in &case.subjects {
        for criterion in &subject.criteria {
            for exhibit in &criterion.exhibits {
                if !exhibits.contains(exhibit.as_str()) {
                    found.error(
                        &subject.id,
                        format!(
                            "criterion {}:{} refers to {} exhibit {exhibit}",
                            criterion.regime,
                            criterion.clause,
                            unknown_word(case, exhibit)
                        ),
                        unknown,
                    );
                }
            }
        }
        for associate in &subject.associates {
            if let Some(other) = &associate.subject
                && !subjects.contains(other.as_str())
            {
                found.error(
                    &subject.id,
                    format!(
                        "associate {} refers to unknown subject {other}",
                        associate.name
                    ),
                    unknown,
                );
            }
        }
    }
}

/// "withdrawn", "removed" or "unknown": what became of an id the case no longer has.
fn unknown_word(case: &Case, id: &str) -> &'static str {
    match case.retired(id) {
        Some(r) if r.exhibit.is_some() => "withdrawn",
        Some(_) => "removed",
        None => "unknown",
    }
}

fn check_regime(case: &Case, template: &Template, found: &mut Findings) {
    let regime = Some(template.id.as_str());
    let clauses: Vec<&str> = template.criteria.iter().map(|c| c.id.as_str()).collect();
    for subject in &case.subjects {
        let label = format!("{} ({})", subject.id, subject.name);
        let criteria: Vec<_> = subject
            .criteria
            .iter()
            .filter(|c| c.regime == template.id)
            .collect();
        if criteria.is_empty() {
            found.add(
                Severity::Error,
                regime,
                &subject.id,
                format!(
                    "{} meets no criterion of {} given in the case",
                    subject.name, template.id
                ),
                &format!(
                    "add to the subject's \"criteria\" in case.json {{\"regime\": \"{}\", \"clause\": \"{}\", \"argument\": \"...\", \"exhibits\": [\"E-...\"]}} with the clause the conduct meets (clauses: {})",
                    template.id,
                    clauses.first().unwrap_or(&""),
                    clauses.join(", ")
                ),
            );
        }
        check_arguments(template, subject, &criteria, found);
        for criterion in criteria {
            let place = format!("{}:{}", template.id, criterion.clause);
            let Some(clause) = template.clause(&criterion.clause) else {
                found.add(
                    Severity::Error,
                    regime,
                    &subject.id,
                    format!("criterion {place} of {label}: the template has no such clause"),
                    &format!("use a clause of {}: {}", template.id, clauses.join(", ")),
                );
                continue;
            };
            if clause.id != criterion.clause {
                found.add(
                    Severity::Warning,
                    regime,
                    &subject.id,
                    format!(
                        "criterion {place} of {label}: {} is a former id of the clause, now {}:{} ({})",
                        criterion.clause, template.id, clause.id, clause.citation
                    ),
                    &format!(
                        "in case.json, change the criterion's \"clause\": \"{}\" to \"{}\" (the old id still works)",
                        criterion.clause, clause.id
                    ),
                );
            }
            if criterion
                .argument
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
            {
                found.add(
                    Severity::Warning,
                    regime,
                    &subject.id,
                    format!("criterion {place} of {label} has no argument"),
                    "write why the conduct meets the clause in the criterion's \"argument\"",
                );
            }
            let via_events = case.events.iter().any(|e| {
                !e.exhibits.is_empty() && e.subjects.iter().any(|s| s.subject == subject.id)
            });
            if criterion.exhibits.is_empty() && !via_events {
                found.add(
                    Severity::Warning,
                    regime,
                    &subject.id,
                    format!("no exhibit supports criterion {place} of {label}"),
                    "list supporting exhibits in the criterion's \"exhibits\", or involve the subject in events that have exhibits",
                );
            }
        }
        let rule = match subject.kind {
            crate::case::SubjectKind::Person => &template.subject_fields.person,
            crate::case::SubjectKind::Entity => &template.subject_fields.entity,
        };
        for (fields, severity, word) in [
            (&rule.required, Severity::Error, "requires"),
            (&rule.recommended, Severity::Warning, "recommends"),
        ] {
            let missing: Vec<&str> = fields
                .iter()
                .map(String::as_str)
                .filter(|f| *f != "criteria" && !has_field(subject, f))
                .collect();
            if !missing.is_empty() {
                found.add(
                    severity,
                    regime,
                    &subject.id,
                    format!(
                        "{label}: {} {word} {} for {}",
                        template.id,
                        missing.join(", "),
                        match subject.kind {
                            crate::case::SubjectKind::Person => "a person",
                            crate::case::SubjectKind::Entity => "an entity",
                        }
                    ),
                    &format!(
                        "fill them with `dossier subject edit {} --FLAG VALUE` (the flags of `subject add`, e.g. --nationality, --position; see docs/case-format.md)",
                        subject.id
                    ),
                );
            }
        }
    }
    check_quotations(case, template, found);
}

/// Two criteria of one subject under one regime with the same argument: the profile would print
/// it twice. One finding per group of criteria sharing an argument.
fn check_arguments(
    template: &Template,
    subject: &Subject,
    criteria: &[&crate::case::Criterion],
    found: &mut Findings,
) {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for criterion in criteria {
        let Some(argument) = criterion.argument.as_deref() else {
            continue;
        };
        let key = argument.split_whitespace().collect::<Vec<_>>().join(" ");
        if key.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, clauses)) => clauses.push(&criterion.clause),
            None => groups.push((key, vec![&criterion.clause])),
        }
    }
    for (_, clauses) in groups.iter().filter(|(_, c)| c.len() > 1) {
        let mut named: Vec<String> = clauses
            .iter()
            .map(|c| format!("{}:{c}", template.id))
            .collect();
        let last = named.pop().unwrap_or_default();
        found.add(
            Severity::Warning,
            Some(&template.id),
            &subject.id,
            format!(
                "{} ({}): criteria {} and {last} carry the same argument",
                subject.id,
                subject.name,
                named.join(", ")
            ),
            "write one argument per criterion, saying how the conduct meets that clause, or merge them: keep the clause that fits best and remove the others from the subject's \"criteria\" in case.json",
        );
    }
}

/// The clauses the case relies on that the submission cites without quotation, and why.
fn check_quotations(case: &Case, template: &Template, found: &mut Findings) {
    for clause in &template.criteria {
        if clause.quotation().is_some() {
            continue;
        }
        let users: Vec<&str> = case
            .subjects
            .iter()
            .filter(|s| {
                s.criteria
                    .iter()
                    .any(|c| c.regime == template.id && clause.answers_to(&c.clause))
            })
            .map(|s| s.id.as_str())
            .collect();
        if users.is_empty() {
            continue;
        }
        let mut why = if clause.wording.trim().is_empty() {
            "no reliable wording of it is recorded".to_string()
        } else {
            clause.status.describe().to_string()
        };
        if !clause.provenance.note.trim().is_empty() {
            why.push_str(&format!(" ({})", clause.provenance.note.trim()));
        }
        found.add(
            Severity::Note,
            Some(&template.id),
            &format!("{}:{}", template.id, clause.id),
            format!(
                "cited by number, title and instrument, without quotation ({}; used by {}): {why}",
                clause.citation,
                users.join(", ")
            ),
            "nothing blocks filing; to quote the clause, read it in the official text and record the wording, \"status\": \"verified-official\" and its provenance in a case-local template (see docs/templates.md)",
        );
    }
}

/// Notes an exhibit as missing or changed and gives the place to report it at.
fn damage(damaged: &mut Vec<String>, exhibit: &crate::case::Exhibit) -> String {
    let place = format!("{} evidence/{}", exhibit.id, exhibit.path);
    damaged.push(place.clone());
    place
}

/// Whether a subject has a value for a template field name.
fn has_field(subject: &Subject, field: &str) -> bool {
    match field {
        "name" => !subject.name.trim().is_empty(),
        "name_original" => subject.name_original.is_some(),
        "transliterations" => !subject.transliterations.is_empty(),
        "aliases" => !subject.aliases.is_empty(),
        "born" => subject.born.is_some(),
        "birthplace" => subject.birthplace.is_some(),
        "gender" => subject.gender.is_some(),
        "nationalities" => !subject.nationalities.is_empty(),
        "id_documents" => !subject.id_documents.is_empty(),
        "positions" => !subject.positions.is_empty(),
        "addresses" => !subject.addresses.is_empty(),
        "associates" => !subject.associates.is_empty(),
        "criteria" => !subject.criteria.is_empty(),
        "nexus" => !subject.nexus.is_empty(),
        "exculpatory" => !subject.exculpatory.is_empty(),
        _ => true,
    }
}

/// Hashes every exhibit again and compares it with its intake record; lists unregistered files.
fn check_exhibits(
    root: &Path,
    case: &Case,
    found: &mut Findings,
    evidence: Evidence,
    progress: &ProgressBar,
) -> Result<(usize, Vec<String>)> {
    let mut to_hash = Vec::new();
    let mut damaged = Vec::new();
    let mut locator = Locator::new(root)?;
    for exhibit in &case.exhibits {
        match locator.locate(&exhibit.path) {
            Ok(on_disk) => to_hash.push((exhibit, on_disk)),
            Err(problem) => found.error(
                &damage(&mut damaged, exhibit),
                format!("{}: {problem}", exhibit.id),
                "restore the file from your backup (its sha256 is in case.json), or replace a link \
                 with the file itself; evidence is never deleted or moved",
            ),
        }
    }
    if evidence == Evidence::Locate {
        to_hash.clear();
    }
    let total: u64 = to_hash.iter().map(|(e, _)| e.size).sum();
    progress.set_length(total);
    let paths: Vec<_> = to_hash.iter().map(|(_, p)| p.clone()).collect();
    let digests = sha256_files(&paths, progress);
    for ((exhibit, _), digest) in to_hash.iter().zip(&digests) {
        let place = format!("{} evidence/{}", exhibit.id, exhibit.path);
        match digest {
            Ok(d) if d.sha256 != exhibit.sha256 => found.error(
                &damage(&mut damaged, exhibit),
                format!(
                    "{} changed since intake: expected sha256 {} ({} bytes), found {} ({} bytes)",
                    exhibit.id, exhibit.sha256, exhibit.size, d.sha256, d.size
                ),
                "restore the original file from your backup; a new version is a new exhibit, never a re-hash",
            ),
            Ok(d) if d.size != exhibit.size => found.error(
                &place,
                format!(
                    "case.json gives {} the size {} but the file, unchanged since intake, has {} bytes",
                    exhibit.id, exhibit.size, d.size
                ),
                "restore the exhibit's \"size\" in case.json from version control; never edit it by hand",
            ),
            Ok(_) => {}
            Err(e) => found.error(&place, format!("cannot read the file: {e}"), "check the file's permissions"),
        }
    }
    let cited: HashSet<&str> = (case.events.iter().flat_map(|e| &e.exhibits))
        .chain(
            case.subjects
                .iter()
                .flat_map(|s| &s.criteria)
                .flat_map(|c| &c.exhibits),
        )
        .map(String::as_str)
        .collect();
    for exhibit in &case.exhibits {
        if !cited.contains(exhibit.id.as_str()) {
            found.warning(
                &exhibit.id,
                format!(
                    "{} (evidence/{}) supports no event or criterion",
                    exhibit.id, exhibit.path
                ),
                "link it to the events it proves: add its id to the event's \"exhibits\"",
            );
        }
    }
    // A withdrawn exhibit's file stays where it is: it is known, not unregistered.
    let registered: HashSet<String> = case
        .exhibits
        .iter()
        .chain(case.retired.iter().filter_map(|r| r.exhibit.as_ref()))
        .map(|e| nfc(&e.path))
        .collect();
    for file in evidence_files(root)? {
        if !registered.contains(&nfc(&file)) {
            found.warning(
                &format!("evidence/{file}"),
                format!("evidence/{file} is not registered as an exhibit"),
                &format!("register it (dossier exhibit add \"evidence/{file}\") or move it out of evidence/"),
            );
        }
    }
    Ok((digests.iter().filter(|d| d.is_ok()).count(), damaged))
}

fn check_custody(case: &Case, log: &Log, found: &mut Findings) {
    for damage in custody::damage(log, case.custody.as_ref()) {
        let (severity, fix) = if damage.serious {
            (
                Severity::Error,
                "restore custody.jsonl from a backup or version control; never edit it by hand",
            )
        } else if damage.place == "case.json" {
            (
                Severity::Warning,
                "run any dossier command that writes the case (check does) to record it",
            )
        } else {
            (
                Severity::Warning,
                "a command was interrupted, or lines were added by hand: review the log's end",
            )
        };
        found.add(severity, None, &damage.place, damage.message, fix);
    }
    let intakes = log.intakes();
    for exhibit in &case.exhibits {
        match intakes.get(exhibit.id.as_str()) {
            None => found.warning(
                &exhibit.id,
                format!("the custody log has no intake entry for {}", exhibit.id),
                "exhibits added with `dossier exhibit add` are logged; one added by hand to case.json is not",
            ),
            Some(entry) if entry.sha256.as_deref() != Some(exhibit.sha256.as_str()) => found.error(
                &exhibit.id,
                format!(
                    "case.json gives {} the sha256 {} but its intake was logged with {}",
                    exhibit.id,
                    exhibit.sha256,
                    entry.sha256.as_deref().unwrap_or("none")
                ),
                "an exhibit's intake hash is never changed: restore case.json from version control",
            ),
            Some(_) => {}
        }
    }
}

/// Confidentiality that contradicts itself: a case that asks for none while holding confidential
/// exhibits, and public text that repeats who the source of a confidential exhibit is (the
/// public version would name them although it withholds the exhibit).
fn check_confidentiality(case: &Case, found: &mut Findings) {
    let confidential: Vec<&Exhibit> = case
        .exhibits
        .iter()
        .filter(|e| e.confidentiality == Confidentiality::Confidential)
        .collect();
    if case.confidentiality == Confidentiality::Public && !confidential.is_empty() {
        let ids: Vec<&str> = confidential.iter().map(|e| e.id.as_str()).collect();
        found.warning(
            "case.json",
            format!(
                "the case asks for no confidentiality, but {} {} confidential: the full dossier is marked CONFIDENTIAL on every page",
                and_list(&ids),
                if ids.len() == 1 { "is" } else { "are" },
            ),
            "set \"confidentiality\": \"confidential\" in case.json (with a \"confidentiality_note\" saying what you ask of the authority), or make those exhibits public if they are",
        );
    }
    let protected: Vec<(&Exhibit, String)> = case
        .exhibits
        .iter()
        .filter(|e| e.confidentiality == Confidentiality::Confidential || e.source.confidential)
        .filter_map(|e| source_name(e).map(|name| (e, name)))
        .collect();
    if protected.is_empty() {
        return;
    }
    let names = Names::new(protected.iter().map(|(_, name)| name.to_lowercase()));
    for (place, text) in public_texts(case) {
        let mut named: Vec<usize> = names
            .found_in(&text.to_lowercase())
            .flat_map(|name| &names.holders[name])
            .copied()
            .collect();
        named.sort_unstable();
        for (exhibit, name) in named.into_iter().map(|i| &protected[i]) {
            if !place.starts_with(exhibit.id.as_str()) {
                found.warning(
                    &place,
                    format!(
                        "{place} names `{name}`, {} {}: the public version would reveal who it is",
                        if exhibit.confidentiality == Confidentiality::Confidential {
                            "the source of confidential exhibit"
                        } else {
                            "the confidential source of"
                        },
                        exhibit.id
                    ),
                    "say it without naming the source (e.g. \"a former guard\"), or mark this record confidential too",
                );
            }
        }
    }
}

/// The names of confidential sources, each once, to look for in many texts at once: a text is
/// read once for all names (a name is tried only where the text has its first four bytes), so
/// 100,000 confidential exhibits of one witness against 100,000 events cost no more than the
/// events' length.
struct Names {
    /// Each distinct name, lower-cased (at least five characters, so at least five bytes).
    names: Vec<String>,
    /// For each name, the indexes (in the order given) of the names that were it.
    holders: Vec<Vec<usize>>,
    /// The names by their first four bytes.
    by_start: HashMap<[u8; 4], Vec<usize>>,
}

impl Names {
    fn new(given: impl Iterator<Item = String>) -> Names {
        let mut index: HashMap<String, usize> = HashMap::new();
        let (mut names, mut holders) = (Vec::new(), Vec::<Vec<usize>>::new());
        for (i, name) in given.enumerate() {
            let n = *index.entry(name).or_insert_with_key(|name| {
                names.push(name.clone());
                holders.push(Vec::new());
                names.len() - 1
            });
            holders[n].push(i);
        }
        let mut by_start: HashMap<[u8; 4], Vec<usize>> = HashMap::new();
        for (n, name) in names.iter().enumerate() {
            let start = name.as_bytes()[..4]
                .try_into()
                .expect("names have 5 bytes or more");
            by_start.entry(start).or_default().push(n);
        }
        Names {
            names,
            holders,
            by_start,
        }
    }

    /// The names `text` (lower-cased) contains, each once.
    fn found_in(&self, text: &str) -> impl Iterator<Item = usize> {
        let text = text.as_bytes();
        let mut found: Vec<usize> = text
            .windows(4)
            .enumerate()
            .filter_map(|(at, start)| Some((at, self.by_start.get(start)?)))
            .flat_map(|(at, names)| {
                names
                    .iter()
                    .copied()
                    .filter(move |&n| text[at..].starts_with(self.names[n].as_bytes()))
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter()
    }
}

/// The part of an exhibit's source that names who it is: the provider up to the first comma or
/// bracket ("Witness C-03" of "Witness C-03, former guard (identity known ...)").
fn source_name(exhibit: &Exhibit) -> Option<String> {
    let provider = exhibit.source.provider.as_deref()?;
    let name = provider.split([',', '(', ';']).next()?.trim();
    (name.chars().count() >= 5).then(|| name.to_string())
}

/// The texts a public dossier prints: of public exhibits with a public source, of events and of
/// subjects' criteria; each with where it is.
fn public_texts(case: &Case) -> Vec<(String, &str)> {
    let mut texts = Vec::new();
    for e in &case.exhibits {
        if e.confidentiality == Confidentiality::Confidential || e.source.confidential {
            continue;
        }
        let fields = [
            ("title", &e.title),
            ("description", &e.description),
            ("source", &e.source.provider),
            ("obtained", &e.source.method),
        ];
        for (field, value) in fields {
            if let Some(value) = value {
                texts.push((format!("{} {field}", e.id), value.as_str()));
            }
        }
    }
    for v in &case.events {
        texts.push((format!("{} title", v.id), v.title.as_str()));
        if let Some(description) = &v.description {
            texts.push((format!("{} description", v.id), description.as_str()));
        }
    }
    for s in &case.subjects {
        for c in &s.criteria {
            if let Some(argument) = &c.argument {
                let place = format!("{} argument for {}:{}", s.id, c.regime, c.clause);
                texts.push((place, argument.as_str()));
            }
        }
    }
    texts
}

/// The case's history: records taken out (told as notes), an id of the case given twice, and
/// exhibits whose intake the custody log records but which `case.json` no longer has.
fn check_history(case: &Case, log: &Log, found: &mut Findings) {
    let ids = Ids::of(case);
    for retired in &case.retired {
        let (done, what) = match (&retired.subject, &retired.event, &retired.exhibit) {
            (Some(s), _, _) => ("removed", s.name.clone()),
            (_, Some(v), _) => ("removed", format!("{} {}", v.date, v.title)),
            (_, _, Some(e)) => ("withdrawn", format!("evidence/{}", e.path)),
            _ => ("removed", String::new()),
        };
        let active = ids.subjects.contains(retired.id.as_str())
            || ids.events.contains(retired.id.as_str())
            || ids.exhibits.contains(retired.id.as_str());
        if active {
            found.error(
                &retired.id,
                format!("{} is both in the case and {done} (\"retired\" in case.json)", retired.id),
                "an id is never reused: give the record in the case a new id, or take it out of \"retired\" if it was restored by hand",
            );
        }
        found.add(
            Severity::Note,
            None,
            &retired.id,
            format!(
                "{} ({what}) was {done} on {} by {}: {}",
                retired.id, retired.at, retired.by, retired.reason
            ),
            "nothing to do: later dossiers leave it out, and its id is not reused",
        );
    }
    let mut intakes: std::collections::BTreeMap<&str, Vec<(usize, &str, &str)>> =
        std::collections::BTreeMap::new();
    for line in &log.lines {
        if let Ok(entry) = &line.entry
            && entry.action == "intake"
            && let (Some(id), Some(sha)) = (&entry.exhibit, &entry.sha256)
        {
            intakes
                .entry(id)
                .or_default()
                .push((line.number, sha, &entry.details));
        }
    }
    for (id, lines) in intakes {
        let first = lines[0];
        if let Some(other) = lines.iter().find(|l| l.1 != first.1) {
            found.error(
                id,
                format!(
                    "the custody log records two different files as {id}: {} (sha256 {}, line {}) and {} (sha256 {}, line {})",
                    first.2, first.1, first.0, other.2, other.1, other.0
                ),
                "an id is never reused: the earlier exhibit was removed from case.json by hand and its id given again; restore case.json from version control, then take exhibits out with `dossier exhibit withdraw ID --reason ...`",
            );
        }
        if !ids.exhibits.contains(id) && !ids.retired.contains(id) {
            found.warning(
                id,
                format!(
                    "the custody log records the intake of {id} ({}, line {}), but case.json has no such exhibit: it was removed by hand, with no reason recorded",
                    first.2, first.0
                ),
                "restore its record in case.json from version control, then take it out with `dossier exhibit withdraw ID --reason ...`, which keeps the reason",
            );
        }
    }
    check_hand_removals(log, &ids, found);
}

/// The ids of the case's records, kind by kind, to look up by id in one step: a case of 100,000
/// exhibits and as many custody entries is checked in linear time.
struct Ids<'a> {
    subjects: HashSet<&'a str>,
    events: HashSet<&'a str>,
    exhibits: HashSet<&'a str>,
    retired: HashSet<&'a str>,
}

impl<'a> Ids<'a> {
    fn of(case: &'a Case) -> Ids<'a> {
        Ids {
            subjects: case.subjects.iter().map(|s| s.id.as_str()).collect(),
            events: case.events.iter().map(|e| e.id.as_str()).collect(),
            exhibits: case.exhibits.iter().map(|e| e.id.as_str()).collect(),
            retired: case.retired.iter().map(|r| r.id.as_str()).collect(),
        }
    }
}

/// Subjects and events whose addition the custody log records but which `case.json` no longer
/// has and which were not removed with `subject remove` or `event remove`.
fn check_hand_removals(log: &Log, ids: &Ids, found: &mut Findings) {
    let mut seen = HashSet::new();
    for (line, id, entry) in log.record_ids() {
        let (kind, present, command) = match &id[..1] {
            "S" => ("subject", ids.subjects.contains(id), "subject remove"),
            "V" => ("event", ids.events.contains(id), "event remove"),
            _ => continue,
        };
        if present || ids.retired.contains(id) || !seen.insert(id) {
            continue;
        }
        found.warning(
            id,
            format!(
                "the custody log records {id} (line {line}: {}), but case.json has no such {kind}: it was removed by hand, with no reason recorded",
                entry.details
            ),
            &format!(
                "restore its record in case.json from version control, then take it out with `dossier {command} {id} --reason ...`, which keeps the reason; its id is not given again either way"
            ),
        );
    }
}

/// The filing record, which case.json lets a user edit by hand: every rule `status add` would
/// have refused (see `filing::breaches`), and each entry's regime, one the case targets.
fn check_filing(case: &Case, registry: &Registry, found: &mut Findings) {
    let today = chrono::Utc::now().date_naive();
    for breach in filing::breaches(&case.filing, today) {
        found.add(
            Severity::Error,
            Some(&breach.regime),
            &format!("case.json {}", breach.id),
            breach.message,
            &breach.fix,
        );
    }
    for entry in &case.filing {
        if case.regimes.contains(&entry.regime) {
            continue;
        }
        let place = format!("case.json {}", entry.id);
        if registry.get(&entry.regime).is_some() {
            // A regime dropped from the case after filing: its trail is still history.
            found.add(
                Severity::Warning,
                Some(&entry.regime),
                &place,
                format!(
                    "the entry is about {}, which the case no longer targets",
                    entry.regime
                ),
                &format!(
                    "add {} back to \"regimes\" in case.json if the referral still stands; the \
                     entry stays in the record either way",
                    entry.regime
                ),
            );
        } else {
            found.add(
                Severity::Error,
                None,
                &place,
                format!("the entry names the unknown regime `{}`", entry.regime),
                &format!(
                    "set its \"regime\" to one of the case's: {}",
                    case.regimes.join(", ")
                ),
            );
        }
    }
}
