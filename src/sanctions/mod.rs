//! Screening the case's subjects against sanctions data: OpenSanctions' FollowTheMoney entities
//! (`entities.ftm.json`, plain or gzip), read once, in bounded memory, best matches first.
//!
//! Owns the pass over the file ([`screen`]), the pre-filter that lets most lines go without
//! being decoded, the score of a listed entity against a subject with its reasons, and the
//! designations a strong match stands for ([`Match::designations`]). The method is explained in
//! `docs/sanctions.md`. It reads the case's subjects and never writes the case (`--record` goes
//! through `case::edit`).
//!
//! **One pass, either order.** A `Sanction` entity points at the listed entity by id
//! (`entity`), and may come before or after it in the file. Every Sanction is kept, compactly
//! (its target's id as a 64-bit hash, its strings interned: authorities, programmes and list
//! URLs repeat across thousands of listings), until the end of the file; only then are they
//! joined to the few entities that matched. Memory grows with the number of Sanction entities
//! (tens of bytes each), not with the file, and the matches kept per subject are capped.

mod ftm;
pub mod names;

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use indicatif::ProgressBar;
use serde::Serialize;

use crate::case::{Designation, Subject, SubjectKind};
use crate::date::CaseDate;
use crate::error::{Error, Result};
use ftm::{Lines, RawEntity};
use names::{Token, similarity, skeleton, tokens, transliterate};

/// Below this name similarity a listed entity is not a match, whatever else agrees.
pub const NAME_THRESHOLD: f64 = 0.8;
/// At or above this score, with no conflict, a match is strong: `--record` records it.
pub const STRONG: f64 = 0.9;
/// The matches kept per subject, best first (a common name can match hundreds of listings).
pub const MATCHES_KEPT: usize = 10;
/// The malformed lines named in the report (all are counted).
const SKIPPED_NAMED: usize = 20;

/// What the screening found.
#[derive(Debug, Clone, Serialize)]
pub struct Screening {
    /// The file as given.
    pub file: String,
    pub gzip: bool,
    pub lines: u64,
    /// Lines decoded in full: those the pre-filter let through, and every Sanction.
    pub lines_decoded: u64,
    pub sanctions_read: u64,
    /// Lines that are not a FollowTheMoney entity, skipped.
    pub skipped: u64,
    /// The first of them, with what is wrong.
    pub skipped_lines: Vec<SkippedLine>,
    pub subjects: Vec<SubjectScreening>,
}

/// A line that could not be read as an entity.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedLine {
    pub line: u64,
    pub error: String,
}

/// The listed entities matching one subject, best first.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectScreening {
    pub subject: String,
    pub name: String,
    pub matches: Vec<Match>,
    /// Matches beyond the ones kept.
    pub more: u64,
}

/// How far a match can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// Score at least [`STRONG`] and nothing in conflict.
    Strong,
    /// Worth a look by a person: a lower score or a conflict.
    Possible,
}

/// A listed entity that matches a subject.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub entity_id: String,
    /// The listed name (the entity's caption).
    pub caption: String,
    pub schema: String,
    pub datasets: Vec<String>,
    pub topics: Vec<String>,
    /// 0 to 1.
    pub score: f64,
    pub strength: Strength,
    /// Something known on both sides disagrees (another birth year).
    pub conflict: bool,
    /// Why: the names compared, birth dates, nationalities.
    pub reasons: Vec<String>,
    /// The Sanction entities pointing at it.
    pub sanctions: Vec<Listing>,
}

/// One sanction imposed on a listed entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing {
    pub authority: Option<String>,
    pub program: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub source_url: Option<String>,
}

impl Match {
    /// The designations this match stands for, as a subject records them.
    pub fn designations(&self) -> Vec<Designation> {
        self.sanctions
            .iter()
            .map(|l| Designation {
                authority: l
                    .authority
                    .clone()
                    .unwrap_or_else(|| "authority not given in the data".to_string()),
                program: l.program.clone(),
                start_date: l.start_date.as_deref().and_then(listed_date),
                source_url: l.source_url.clone(),
                entity_id: Some(self.entity_id.clone()),
            })
            .collect()
    }
}

/// An FtM date (`2021`, `2021-03`, `2021-03-22`, `2021-03-22T10:00:00`) as a case date.
fn listed_date(text: &str) -> Option<CaseDate> {
    [10, 7, 4]
        .iter()
        .filter(|&&n| text.len() >= n && text.is_char_boundary(n))
        .find_map(|&n| text[..n].parse().ok())
}

impl Screening {
    /// One line for the custody log.
    pub fn summary(&self) -> String {
        let matched: Vec<String> = self
            .subjects
            .iter()
            .filter(|s| !s.matches.is_empty())
            .map(|s| {
                let strong = s
                    .matches
                    .iter()
                    .filter(|m| m.strength == Strength::Strong)
                    .count();
                format!("{} ({} strong of {})", s.subject, strong, s.matches.len())
            })
            .collect();
        format!(
            "screened against {} ({} lines, {} skipped): {}",
            self.file,
            self.lines,
            self.skipped,
            if matched.is_empty() {
                "no subject matched".to_string()
            } else {
                format!("matches for {}", matched.join(", "))
            }
        )
    }
}

/// Screens `subjects` against the FtM entities in `path`, in one pass; `progress` counts the
/// file's bytes. A file that is not FtM JSON lines (its first line is not an entity) is an
/// error; a malformed line further on is skipped and counted, so one bad line does not waste a
/// gigabyte's reading.
pub fn screen(path: &Path, subjects: &[Subject], progress: &ProgressBar) -> Result<Screening> {
    let queries: Vec<Query> = subjects.iter().map(Query::of).collect();
    let filter = Prefilter::of(&queries);
    let mut lines = Lines::open(path)?;
    progress.set_length(lines.size);
    let mut state = Pass::new(queries.len());
    let mut buf = Vec::with_capacity(1 << 16);
    let mut word = Vec::with_capacity(64);
    let mut number = 0u64;
    let sanction = memchr::memmem::Finder::new(b"\"Sanction\"");
    let escape = memchr::memmem::Finder::new(b"\\u");
    loop {
        let more = lines.next_line(&mut buf).map_err(|e| read_error(path, e))?;
        if !more {
            break;
        }
        number += 1;
        if number.is_multiple_of(16384) {
            progress.set_position(lines.position());
        }
        let line = buf.trim_ascii();
        if line.is_empty() {
            continue;
        }
        // Every line is an object: a line cut short (a broken download) or not JSON at all is
        // found here, without decoding; damage inside a well-formed object only when decoded.
        if number > 1 && !(line.starts_with(b"{") && line.ends_with(b"}")) {
            state.skip(number, "not a JSON object (cut short?)".to_string());
            continue;
        }
        let is_sanction = sanction.find(&buf).is_some();
        let wanted = number == 1
            || is_sanction
            || escape.find(&buf).is_some()
            || filter.passes(&buf, &mut word);
        if !wanted {
            continue;
        }
        state.decoded += 1;
        let entity = match ftm::parse(&buf) {
            Ok(entity) => entity,
            Err(error) if number == 1 => {
                return Err(Error::input(
                    format!(
                        "{}: line 1 is not a FollowTheMoney entity ({error})",
                        path.display()
                    ),
                    "give the entities file OpenSanctions publishes as FollowTheMoney JSON lines (entities.ftm.json, plain or .gz), not the CSV or nested export",
                ));
            }
            Err(error) => {
                state.skip(number, error);
                continue;
            }
        };
        if entity.schema == "Sanction" {
            state.keep_sanction(&entity);
        } else {
            state.score(&queries, entity);
        }
    }
    progress.set_position(lines.size);
    if number == 0 {
        return Err(Error::input(
            format!("{}: the file holds no entity", path.display()),
            "download the entities file again (entities.ftm.json from opensanctions.org/datasets)",
        ));
    }
    Ok(state.finish(path, lines.gzip, number, &queries))
}

fn read_error(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::UnexpectedEof || e.kind() == std::io::ErrorKind::InvalidInput
    {
        return Error::input(
            format!(
                "{}: the compressed data ends early or is damaged ({e})",
                path.display()
            ),
            "the download is incomplete: download the file again, or check it with `gzip -t`",
        );
    }
    Error::io("read", path, e)
}

/// One subject as screening compares it.
struct Query {
    id: String,
    name: String,
    kind: SubjectKind,
    /// Each name form: what it is ("name", "original script", ...), the text, its tokens.
    forms: Vec<(&'static str, String, Vec<Token>)>,
    born: Option<CaseDate>,
    /// Lowercase ISO codes; user-assigned ones (XA-XZ, AA, QM-QZ, ZZ) are left out, as no list
    /// uses them.
    nationalities: Vec<String>,
}

impl Query {
    fn of(subject: &Subject) -> Query {
        let mut forms: Vec<(&'static str, String)> = vec![("name", subject.name.clone())];
        if let Some(original) = &subject.name_original {
            forms.push(("original script", original.clone()));
        }
        forms.extend(
            subject
                .transliterations
                .iter()
                .map(|t| ("transliteration", t.clone())),
        );
        forms.extend(subject.aliases.iter().map(|a| ("alias", a.clone())));
        if let (Some(given), Some(surname)) = (&subject.given_names, &subject.surname) {
            forms.push(("surname and given names", format!("{surname}, {given}")));
        }
        let forms = forms
            .into_iter()
            .map(|(label, text)| {
                let t = tokens(&text);
                (label, text, t)
            })
            .filter(|(_, _, t)| !t.is_empty())
            .collect();
        Query {
            id: subject.id.clone(),
            name: subject.name.clone(),
            kind: subject.kind,
            forms,
            born: subject.born,
            nationalities: subject
                .nationalities
                .iter()
                .filter(|c| !crate::case::records::is_user_assigned_country(c))
                .map(|c| c.to_ascii_lowercase())
                .collect(),
        }
    }

    /// Person subjects match Person entities; entity subjects match organisations and
    /// companies; `LegalEntity` (either) matches both. Vessels, addresses and the rest never.
    fn accepts(&self, schema: &str) -> bool {
        match self.kind {
            SubjectKind::Person => matches!(schema, "Person" | "LegalEntity"),
            SubjectKind::Entity => matches!(
                schema,
                "Organization" | "Company" | "LegalEntity" | "PublicBody"
            ),
        }
    }
}

/// The cheap test each line meets before it is decoded: does any word of it have the skeleton
/// of a word of a subject's names? A bitmap answers "no" for most words without a lookup.
struct Prefilter {
    keys: HashSet<Vec<u8>>,
    bits: Vec<u64>,
}

/// Words found in every line of the format (field names, schema names, common values): a
/// subject's word with one of their skeletons would let every line through, so it is left to the
/// subject's other words.
const FORMAT_WORDS: &[&str] = &[
    "id",
    "caption",
    "schema",
    "properties",
    "name",
    "alias",
    "datasets",
    "referents",
    "first",
    "seen",
    "last",
    "change",
    "target",
    "true",
    "false",
    "null",
    "person",
    "company",
    "organization",
    "sanction",
    "topics",
    "country",
    "birthdate",
    "nationality",
    "entity",
    "authority",
    "program",
    "sourceurl",
    "startdate",
    "https",
    "http",
    "www",
    "com",
    "org",
    "gov",
    "role",
    "pep",
];

impl Prefilter {
    fn of(queries: &[Query]) -> Prefilter {
        let format: HashSet<Vec<u8>> = FORMAT_WORDS
            .iter()
            .map(|w| word_key(w.as_bytes()))
            .collect();
        let mut keys = HashSet::new();
        for query in queries {
            let mine: HashSet<Vec<u8>> = query
                .forms
                .iter()
                .flat_map(|(_, _, t)| t.iter().map(|t| word_key(t.text.as_bytes())))
                .filter(|k| k.len() >= 2)
                .collect();
            let distinctive: Vec<Vec<u8>> = mine.difference(&format).cloned().collect();
            if distinctive.is_empty() {
                keys.extend(mine);
            } else {
                keys.extend(distinctive);
            }
        }
        let mut bits = vec![0u64; BITMAP_WORDS];
        for key in &keys {
            let h = bit_of(key);
            bits[h / 64] |= 1 << (h % 64);
        }
        Prefilter { keys, bits }
    }

    /// True if a word of `line` has the key of a subject's word. `word` is scratch space.
    fn passes(&self, line: &[u8], word: &mut Vec<u8>) -> bool {
        let mut i = 0;
        let n = line.len();
        let mut latin = String::new();
        while i < n {
            let b = line[i];
            if !(b.is_ascii_alphanumeric() || b >= 0x80) {
                i += 1;
                continue;
            }
            let start = i;
            let mut ascii = true;
            while i < n && (line[i].is_ascii_alphanumeric() || line[i] >= 0x80 || line[i] == b'\'')
            {
                ascii &= line[i] < 0x80;
                i += 1;
            }
            let raw = &line[start..i];
            if ascii {
                word.clear();
                word.extend(
                    raw.iter()
                        .filter(|&&c| c != b'\'')
                        .map(u8::to_ascii_lowercase),
                );
                if self.has(word) {
                    return true;
                }
            } else if let Ok(text) = std::str::from_utf8(raw) {
                for part in text.split(|c: char| !names::is_word_char(c)) {
                    latin.clear();
                    transliterate(part, &mut latin);
                    for w in latin.split(' ') {
                        if self.has(w.as_bytes()) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    fn has(&self, word: &[u8]) -> bool {
        if word.len() < 2 {
            return false;
        }
        let key = word_key(word);
        let h = bit_of(&key);
        self.bits[h / 64] & (1 << (h % 64)) != 0 && self.keys.contains(&key)
    }
}

const BITMAP_WORDS: usize = 1 << 12; // 2^18 bits

/// The pre-filter's key of a word: its skeleton, or the word itself when the skeleton is a
/// single letter ("ali").
fn word_key(word: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(word.len());
    skeleton(word, &mut key);
    if key.len() < 2 {
        return word.to_vec();
    }
    key
}

/// FNV-1a into the bitmap's range.
fn bit_of(key: &[u8]) -> usize {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in key {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    (h as usize) % (BITMAP_WORDS * 64)
}

/// What the pass keeps as it goes.
struct Pass {
    decoded: u64,
    sanctions_read: u64,
    skipped: u64,
    skipped_lines: Vec<SkippedLine>,
    /// Per subject, the best matches so far (at most [`MATCHES_KEPT`]) and how many more.
    matches: Vec<(Vec<Scored>, u64)>,
    sanctions: SanctionStore,
}

/// A match before its sanctions are joined: the entity's ids to look them up by.
struct Scored {
    found: Match,
    ids: Vec<u64>,
}

impl Pass {
    fn new(subjects: usize) -> Pass {
        Pass {
            decoded: 0,
            sanctions_read: 0,
            skipped: 0,
            skipped_lines: Vec::new(),
            matches: (0..subjects).map(|_| (Vec::new(), 0)).collect(),
            sanctions: SanctionStore::default(),
        }
    }

    fn skip(&mut self, line: u64, error: String) {
        self.skipped += 1;
        if self.skipped_lines.len() < SKIPPED_NAMED {
            self.skipped_lines.push(SkippedLine { line, error });
        }
    }

    fn keep_sanction(&mut self, entity: &RawEntity) {
        self.sanctions_read += 1;
        self.sanctions.keep(entity);
    }

    fn score(&mut self, queries: &[Query], entity: RawEntity) {
        for (query, (kept, more)) in queries.iter().zip(self.matches.iter_mut()) {
            let Some(found) = score(query, &entity) else {
                continue;
            };
            let ids = std::iter::once(&entity.id)
                .chain(&entity.referents)
                .map(|id| id_hash(id))
                .collect();
            kept.push(Scored { found, ids });
            kept.sort_by(|a, b| {
                b.found
                    .score
                    .total_cmp(&a.found.score)
                    .then_with(|| a.found.entity_id.cmp(&b.found.entity_id))
            });
            if kept.len() > MATCHES_KEPT {
                kept.pop();
                *more += 1;
            }
        }
    }

    fn finish(self, path: &Path, gzip: bool, lines: u64, queries: &[Query]) -> Screening {
        let sanctions = self.sanctions;
        let subjects = queries
            .iter()
            .zip(self.matches)
            .map(|(query, (kept, more))| SubjectScreening {
                subject: query.id.clone(),
                name: query.name.clone(),
                matches: kept
                    .into_iter()
                    .map(|mut s| {
                        s.found.sanctions = sanctions.of(&s.ids);
                        s.found
                    })
                    .collect(),
                more,
            })
            .collect();
        Screening {
            file: path.display().to_string(),
            gzip,
            lines,
            lines_decoded: self.decoded,
            sanctions_read: self.sanctions_read,
            skipped: self.skipped,
            skipped_lines: self.skipped_lines,
            subjects,
        }
    }
}

fn id_hash(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Every Sanction of the file, compactly: its target's id hashed, its strings interned.
#[derive(Default)]
struct SanctionStore {
    by_target: HashMap<u64, Vec<u32>>,
    items: Vec<[u32; 5]>,
    strings: HashMap<Box<str>, u32>,
}

const NONE: u32 = u32::MAX;

impl SanctionStore {
    fn keep(&mut self, entity: &RawEntity) {
        let p = &entity.properties;
        let program = if p.program.is_empty() {
            &p.program_id
        } else {
            &p.program
        };
        let item = [
            self.intern(&p.authority),
            self.intern(program),
            self.intern(&p.start_date),
            self.intern(&p.end_date),
            self.intern(&p.source_url),
        ];
        let at = self.items.len() as u32;
        self.items.push(item);
        for target in &p.entity {
            self.by_target.entry(id_hash(target)).or_default().push(at);
        }
    }

    fn intern(&mut self, values: &[String]) -> u32 {
        if values.is_empty() {
            return NONE;
        }
        let text = values.join("; ");
        let next = self.strings.len() as u32;
        *self.strings.entry(text.into_boxed_str()).or_insert(next)
    }

    /// The sanctions pointing at any of `ids`, in file order, each once.
    fn of(&self, ids: &[u64]) -> Vec<Listing> {
        let mut at: Vec<u32> = ids
            .iter()
            .filter_map(|id| self.by_target.get(id))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        if at.is_empty() {
            return Vec::new();
        }
        let mut text: Vec<&str> = vec![""; self.strings.len()];
        for (s, &i) in &self.strings {
            text[i as usize] = s;
        }
        let get = |i: u32| (i != NONE).then(|| text[i as usize].to_string());
        let mut listings: Vec<Listing> = Vec::new();
        for i in at {
            let [authority, program, start, end, url] = self.items[i as usize];
            let listing = Listing {
                authority: get(authority),
                program: get(program),
                start_date: get(start),
                end_date: get(end),
                source_url: get(url),
            };
            if !listings.contains(&listing) {
                listings.push(listing);
            }
        }
        listings
    }
}

/// The score of `entity` against the subject, with the reasons; `None` below the name threshold
/// or for a schema the subject's kind never matches.
fn score(query: &Query, entity: &RawEntity) -> Option<Match> {
    if !query.accepts(&entity.schema) {
        return None;
    }
    let p = &entity.properties;
    let caption = entity.caption.clone().unwrap_or_default();
    let listed = std::iter::once(("name", 1.0, &caption))
        .chain(p.name.iter().map(|n| ("name", 1.0, n)))
        .chain(p.alias.iter().map(|n| ("alias", 1.0, n)))
        .chain(p.previous_name.iter().map(|n| ("previous name", 1.0, n)))
        .chain(p.weak_alias.iter().map(|n| ("weak alias", 0.85, n)));
    let mut best: Option<(f64, &str, &str, &str, &str)> = None;
    for (kind, weight, text) in listed {
        let theirs = tokens(text);
        for (label, form, ours) in &query.forms {
            let s = similarity(ours, &theirs) * weight;
            if best.is_none_or(|b| s > b.0) {
                best = Some((s, label, form, kind, text));
            }
        }
    }
    let (name_score, label, form, kind, text) = best?;
    if name_score < NAME_THRESHOLD {
        return None;
    }
    let mut reasons = vec![format!(
        "name: \"{form}\" ({label}) ~ \"{text}\" ({kind}): {name_score:.2}"
    )];
    let mut score = name_score;
    let mut conflict = false;
    let births = if query.kind == SubjectKind::Person {
        &p.birth_date
    } else {
        &p.incorporation_date
    };
    if let Some(born) = query.born
        && !births.is_empty()
    {
        let (adjust, reason, clash) = compare_birth(&born, births, query.kind);
        score += adjust;
        conflict |= clash;
        reasons.push(reason);
    }
    let countries: Vec<String> = if query.kind == SubjectKind::Person {
        p.nationality
            .iter()
            .chain(&p.citizenship)
            .cloned()
            .collect()
    } else {
        p.jurisdiction.iter().chain(&p.country).cloned().collect()
    };
    if !query.nationalities.is_empty() && !countries.is_empty() {
        let countries: Vec<String> = countries.iter().map(|c| c.to_ascii_lowercase()).collect();
        let shared: Vec<&String> = query
            .nationalities
            .iter()
            .filter(|c| countries.contains(c))
            .collect();
        if shared.is_empty() {
            score -= 0.1;
            reasons.push(format!(
                "nationality differs: {} in the case, {} in the listing (-0.10)",
                query.nationalities.join(", "),
                countries.join(", ")
            ));
        } else {
            score += 0.05;
            reasons.push(format!(
                "nationality {} on both (+0.05)",
                shared
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let score = (score.clamp(0.0, 1.0) * 100.0).round() / 100.0;
    Some(Match {
        entity_id: entity.id.clone(),
        caption: if caption.is_empty() {
            text.to_string()
        } else {
            caption
        },
        schema: entity.schema.clone(),
        datasets: entity.datasets.clone(),
        topics: p.topics.clone(),
        score,
        strength: if score >= STRONG && !conflict {
            Strength::Strong
        } else {
            Strength::Possible
        },
        conflict,
        reasons,
        sanctions: Vec::new(),
    })
}

/// The subject's birth (or founding) date against the listed ones: the same day +0.10, the same
/// year (or a year the case's approximate date allows) +0.05, no listed year possible: a
/// conflict, -0.30.
fn compare_birth(born: &CaseDate, listed: &[String], kind: SubjectKind) -> (f64, String, bool) {
    let what = if kind == SubjectKind::Person {
        "born"
    } else {
        "founded"
    };
    let slack = i32::from(born.circa);
    let (first, last) = (
        born.first_day().year_ce().1 as i32 - slack,
        born.last_day().year_ce().1 as i32 + slack,
    );
    let exact_day = (born.end.is_none() && !born.circa && born.first_day() == born.last_day())
        .then(|| born.first_day().to_string());
    let years: Vec<i32> = listed
        .iter()
        .filter_map(|d| d.get(..4).and_then(|y| y.parse().ok()))
        .collect();
    let shown = listed.join(", ");
    if let Some(day) = &exact_day
        && listed.iter().any(|d| d.starts_with(day.as_str()))
    {
        return (
            0.1,
            format!("{what} {day} in the case and the listing (+0.10)"),
            false,
        );
    }
    if years.iter().any(|y| (first..=last).contains(y)) {
        return (
            0.05,
            format!("{what} {born} in the case, {shown} in the listing (+0.05)"),
            false,
        );
    }
    if years.is_empty() {
        return (
            0.0,
            format!("the listing's date of birth `{shown}` cannot be read"),
            false,
        );
    }
    (
        -0.3,
        format!("conflict: {what} {born} in the case, {shown} in the listing (-0.30)"),
        true,
    )
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(json: &str) -> RawEntity {
        ftm::parse(json.as_bytes()).unwrap()
    }

    fn subject(name: &str, kind: SubjectKind, born: Option<&str>) -> Subject {
        Subject {
            id: "S-001".into(),
            kind,
            name: name.into(),
            born: born.map(|b| b.parse().unwrap()),
            ..Subject::default()
        }
    }

    #[test]
    fn a_person_never_matches_a_company_of_the_same_name() {
        let q = Query::of(&subject("Vadim Orzhelov", SubjectKind::Person, None));
        let company = entity(
            r#"{"id":"x","schema":"Company","caption":"Vadim Orzhelov","properties":{"name":["Vadim Orzhelov"]}}"#,
        );
        assert!(score(&q, &company).is_none());
        let person = entity(
            r#"{"id":"y","schema":"Person","caption":"Vadim Orzhelov","properties":{"name":["Vadim Orzhelov"]}}"#,
        );
        assert_eq!(score(&q, &person).unwrap().strength, Strength::Strong);
    }

    #[test]
    fn another_birth_year_is_a_conflict_and_lowers_the_score() {
        let q = Query::of(&subject(
            "Vadim Orzhelov",
            SubjectKind::Person,
            Some("1971-03-09"),
        ));
        let same = entity(
            r#"{"id":"y","schema":"Person","properties":{"name":["Vadim Orzhelov"],"birthDate":["1971-03-09"]}}"#,
        );
        let other = entity(
            r#"{"id":"z","schema":"Person","properties":{"name":["Vadim Orzhelov"],"birthDate":["1958"]}}"#,
        );
        let (a, b) = (score(&q, &same).unwrap(), score(&q, &other).unwrap());
        assert!(a.score > b.score);
        assert!(b.conflict && b.strength == Strength::Possible);
        assert!(
            b.reasons
                .iter()
                .any(|r| r.contains("conflict") && r.contains("1958"))
        );
    }

    #[test]
    fn the_prefilter_lets_through_lines_naming_a_subject_in_any_script() {
        let q = [Query::of(&subject(
            "Vadim Orzhelov",
            SubjectKind::Person,
            None,
        ))];
        let f = Prefilter::of(&q);
        let mut w = Vec::new();
        assert!(f.passes(br#"{"id":"a","caption":"ORJELOV Vadim"}"#, &mut w));
        assert!(f.passes("{\"caption\":\"Оржелов\"}".as_bytes(), &mut w));
        assert!(!f.passes(
            br#"{"id":"b","schema":"Person","caption":"Ivan Petrov"}"#,
            &mut w
        ));
    }

    #[test]
    fn listed_dates_become_case_dates() {
        assert_eq!(
            listed_date("2021-03-22T10:00:00").unwrap().to_string(),
            "2021-03-22"
        );
        assert_eq!(listed_date("2021").unwrap().to_string(), "2021");
        assert!(listed_date("soon").is_none());
    }
}
