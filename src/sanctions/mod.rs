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
    let mut scratch = Scratch::default();
    let mut hits: Vec<usize> = Vec::new();
    let everyone: Vec<usize> = (0..queries.len()).collect();
    let mut number = 0u64;
    let sanction = memchr::memmem::Finder::new(b"\"Sanction\"");
    let escape = memchr::memmem::Finder::new(b"\\u");
    loop {
        if number.is_multiple_of(16384) {
            progress.set_position(lines.position());
        }
        let Some(line) = lines.next_line().map_err(|e| read_error(path, e))? else {
            break;
        };
        number += 1;
        if line == ftm::TOO_LONG {
            state.skip(number, "longer than 32 MiB: not an entity".to_string());
            continue;
        }
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if number == 1 {
            if let Err(error) = ftm::parse(line) {
                return Err(Error::input(
                    format!(
                        "{}: line 1 is not a FollowTheMoney entity ({error})",
                        path.display()
                    ),
                    "give the entities file OpenSanctions publishes as FollowTheMoney JSON lines (entities.ftm.json, plain or .gz), not the CSV or nested export",
                ));
            }
        } else if !(line.starts_with(b"{") && line.ends_with(b"}")) {
            // Every line is an object: a line cut short (a broken download) or not JSON at all
            // is found here, without decoding; damage inside a well-formed object only when
            // the line is decoded.
            state.skip(number, "not a JSON object (cut short?)".to_string());
            continue;
        }
        if sanction.find(line).is_some() {
            state.decoded += 1;
            match ftm::parse_sanction(line) {
                Ok(Some(found)) => {
                    state.keep_sanction(&found);
                    continue;
                }
                Ok(None) => {} // an entity that mentions the word: screened below
                Err(error) => {
                    state.skip(number, error);
                    continue;
                }
            }
        }
        // A line with \u escapes hides its letters from the pre-filter: it is decoded.
        let subjects = if number == 1 || escape.find(line).is_some() {
            &everyone
        } else {
            filter.scan(line, &mut scratch, &mut hits);
            &hits
        };
        if subjects.is_empty() {
            continue;
        }
        state.decoded += 1;
        match ftm::parse(line) {
            Ok(entity) => state.score(&queries, subjects, entity),
            Err(error) => state.skip(number, error),
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

/// The cheap test each line meets before it is decoded: which subjects have a word whose skeleton
/// a word of the line has? A bitmap answers "none" for most words without a lookup; JSON keys,
/// words with digits (ids, dates) and single letters are not looked at.
struct Prefilter {
    keys: HashMap<Vec<u8>, Vec<usize>>,
    bits: Vec<u64>,
}

/// Buffers the pre-filter reuses from line to line.
#[derive(Default)]
struct Scratch {
    skeleton: names::Skeleton,
    word: Vec<u8>,
    key: Vec<u8>,
    latin: String,
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

/// What a byte is to the pre-filter's word scanner.
const DELIMITER: u8 = 0;
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const HIGH: u8 = 4;
const APOSTROPHE: u8 = 8;

const CLASS: [u8; 256] = {
    let mut table = [DELIMITER; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'0'..=b'9' => DIGIT,
            b'\'' => APOSTROPHE,
            0x80..=0xff => HIGH,
            _ => DELIMITER,
        };
        b += 1;
    }
    table
};

impl Prefilter {
    fn of(queries: &[Query]) -> Prefilter {
        let format: HashSet<Vec<u8>> = FORMAT_WORDS
            .iter()
            .map(|w| word_key(w.as_bytes()))
            .collect();
        let mut keys: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (n, query) in queries.iter().enumerate() {
            let mine: HashSet<Vec<u8>> = query
                .forms
                .iter()
                .flat_map(|(_, _, t)| t.iter().map(|t| word_key(t.text.as_bytes())))
                .filter(|k| k.len() >= 2)
                .collect();
            let distinctive: Vec<Vec<u8>> = mine.difference(&format).cloned().collect();
            let chosen = if distinctive.is_empty() {
                mine.into_iter().collect()
            } else {
                distinctive
            };
            for key in chosen {
                keys.entry(key).or_default().push(n);
            }
        }
        let mut bits = vec![0u64; BITMAP_WORDS];
        for key in keys.keys() {
            let h = bit_of(key);
            bits[h / 64] |= 1 << (h % 64);
        }
        Prefilter { keys, bits }
    }

    /// Puts into `hits` the subjects a word of `line` may name (sorted, each once).
    fn scan(&self, line: &[u8], scratch: &mut Scratch, hits: &mut Vec<usize>) {
        hits.clear();
        let n = line.len();
        let mut i = 0;
        while i < n {
            if CLASS[line[i] as usize] == DELIMITER {
                i += 1;
                continue;
            }
            let start = i;
            let mut seen = 0u8;
            while i < n {
                let class = CLASS[line[i] as usize];
                if class == DELIMITER {
                    break;
                }
                seen |= class;
                i += 1;
            }
            // A JSON key ("birthDate":) is never a name; nor is a word with digits (an id, a date).
            if seen & DIGIT != 0
                || i - start < 2
                || (line.get(i) == Some(&b'"') && line.get(i + 1) == Some(&b':'))
            {
                continue;
            }
            let raw = &line[start..i];
            if seen & (HIGH | APOSTROPHE) == 0 {
                // Plain ASCII letters: the skeleton is taken from them as written.
                scratch.skeleton.clear();
                for &b in raw {
                    scratch.skeleton.push(b);
                }
                let key = scratch.skeleton.as_bytes();
                if key.len() >= 2 {
                    self.look_up_key(key, hits);
                } else {
                    self.look_up(raw, &mut scratch.key, &mut scratch.word, hits);
                }
            } else if seen & HIGH == 0 {
                let word: Vec<u8> = raw.iter().copied().filter(|&c| c != b'\'').collect();
                self.look_up(&word, &mut scratch.key, &mut scratch.word, hits);
            } else if let Ok(text) = std::str::from_utf8(raw) {
                scratch.latin.clear();
                transliterate(text, &mut scratch.latin);
                for w in scratch.latin.split(' ') {
                    self.look_up(w.as_bytes(), &mut scratch.key, &mut scratch.word, hits);
                }
            }
        }
        hits.sort_unstable();
        hits.dedup();
    }

    /// Adds the subjects a word (ASCII letters, any case) may name.
    fn look_up(&self, word: &[u8], key: &mut Vec<u8>, lower: &mut Vec<u8>, hits: &mut Vec<usize>) {
        if word.len() < 2 {
            return;
        }
        skeleton(word, key);
        if key.len() < 2 {
            lower.clear();
            lower.extend(word.iter().map(u8::to_ascii_lowercase));
            key.clear();
            key.extend_from_slice(lower);
        }
        self.look_up_key(key, hits);
    }

    /// Adds the subjects that have a word of this key.
    #[inline]
    fn look_up_key(&self, key: &[u8], hits: &mut Vec<usize>) {
        let h = bit_of(key);
        if self.bits[h / 64] & (1 << (h % 64)) == 0 {
            return;
        }
        if let Some(subjects) = self.keys.get(key) {
            hits.extend_from_slice(subjects);
        }
    }
}

const BITMAP_WORDS: usize = 1 << 12; // 2^18 bits

/// The pre-filter's key of a word: its skeleton, or the word itself when the skeleton is a
/// single letter ("ali").
fn word_key(word: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(word.len());
    key_into(word, &mut key);
    key
}

fn key_into(word: &[u8], key: &mut Vec<u8>) {
    skeleton(word, key);
    if key.len() < 2 {
        key.clear();
        key.extend_from_slice(word);
    }
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

    fn keep_sanction(&mut self, sanction: &ftm::RawSanction) {
        self.sanctions_read += 1;
        self.sanctions.keep(sanction);
    }

    /// Scores `entity` against the subjects listed in `which`.
    fn score(&mut self, queries: &[Query], which: &[usize], entity: RawEntity) {
        let listed = listed_names(&entity);
        for &n in which {
            let Some(found) = score(&queries[n], &entity, &listed) else {
                continue;
            };
            let (kept, more) = &mut self.matches[n];
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
    fn keep(&mut self, sanction: &ftm::RawSanction) {
        let p = &sanction.properties;
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

    fn intern(&mut self, values: &[std::borrow::Cow<str>]) -> u32 {
        let joined;
        let text: &str = match values {
            [] => return NONE,
            [one] => one,
            many => {
                joined = many.join("; ");
                &joined
            }
        };
        if let Some(&i) = self.strings.get(text) {
            return i;
        }
        let next = self.strings.len() as u32;
        self.strings.insert(text.into(), next);
        next
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

/// A name of a listed entity: what it is (name, alias, ...), its weight, the text, its tokens.
type Listed<'a> = (&'static str, f64, &'a str, Vec<Token>);

/// Every name of a listed entity, each in normal form once: the caption, `name`, `alias` and
/// `previousName` at full weight, `weakAlias` (a short or common name the list itself calls
/// weak) at 0.85.
fn listed_names(entity: &RawEntity) -> Vec<Listed<'_>> {
    let p = &entity.properties;
    let mut names: Vec<Listed> = Vec::new();
    let all = entity
        .caption
        .iter()
        .chain(&p.name)
        .map(|n| ("name", 1.0, n))
        .chain(p.alias.iter().map(|n| ("alias", 1.0, n)))
        .chain(p.previous_name.iter().map(|n| ("previous name", 1.0, n)))
        .chain(p.weak_alias.iter().map(|n| ("weak alias", 0.85, n)));
    for (kind, weight, text) in all {
        if !names.iter().any(|(_, _, t, _)| *t == text.as_str()) {
            names.push((kind, weight, text, tokens(text)));
        }
    }
    names
}

/// The score of `entity` against the subject, with the reasons; `None` below the name threshold
/// or for a schema the subject's kind never matches.
fn score(query: &Query, entity: &RawEntity, listed: &[Listed]) -> Option<Match> {
    if !query.accepts(&entity.schema) {
        return None;
    }
    let p = &entity.properties;
    let caption = entity.caption.clone().unwrap_or_default();
    let mut best: Option<(f64, &str, &str, &str, &str)> = None;
    for (kind, weight, text, theirs) in listed {
        for (label, form, ours) in &query.forms {
            let s = similarity(ours, theirs) * weight;
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
        assert!(score(&q, &company, &listed_names(&company)).is_none());
        let person = entity(
            r#"{"id":"y","schema":"Person","caption":"Vadim Orzhelov","properties":{"name":["Vadim Orzhelov"]}}"#,
        );
        assert_eq!(
            score(&q, &person, &listed_names(&person)).unwrap().strength,
            Strength::Strong
        );
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
        let a = score(&q, &same, &listed_names(&same)).unwrap();
        let b = score(&q, &other, &listed_names(&other)).unwrap();
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
        let (mut scratch, mut hits) = (Scratch::default(), Vec::new());
        let mut passes = |line: &[u8]| {
            f.scan(line, &mut scratch, &mut hits);
            !hits.is_empty()
        };
        assert!(passes(br#"{"id":"a","caption":"ORJELOV Vadim"}"#));
        assert!(passes("{\"caption\":\"Оржелов\"}".as_bytes()));
        assert!(passes(br#"{"caption":"O'RZHELOV"}"#));
        assert!(!passes(
            br#"{"id":"b","schema":"Person","caption":"Ivan Petrov"}"#
        ));
        // A key is not a name, nor is a word with digits.
        assert!(!passes(br#"{"vadim":"x","id":"vadim2"}"#));
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
