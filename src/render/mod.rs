//! The PDF submission: one per regime of the case, in the regime template's section order and
//! headings (see `docs/submission.md`).
//!
//! Owns what the submission says and where: `submission` writes the sections, `markdown` reads
//! the narrative, `chart` draws the timeline, `layout` flows it all down pages, `text` shapes and
//! orders the lines, `fonts` picks the glyphs and `pdf` writes reproducible bytes. It reads the
//! dossier as sealed (exhibits withheld, sources hidden), never the case's files.

mod chart;
pub mod fonts;
mod layout;
mod markdown;
mod pdf;
mod submission;
mod text;

use std::path::Path;

use chrono::NaiveDate;

pub use fonts::ExtraFont;

use crate::case::Case;
use crate::dossier::diff::DossierDiff;
use crate::dossier::json::{Profile, SealedExhibit};
use crate::error::{Error, Result};
use crate::template::Template;

/// Past this many exhibits the index lists the exhibits the submission cites and summarises the
/// rest by folder and type, pointing to `data/exhibits.csv`.
pub const FULL_INDEX_UP_TO: usize = 2000;

/// The narrative files of a case, parsed.
#[derive(Debug, Clone, Default)]
pub struct Narrative {
    /// (file name, blocks), in file name order.
    files: Vec<(String, Vec<markdown::Block>)>,
}

/// The file of `narrative/` that is the executive summary; `legal-analysis.md` opens the legal
/// analysis; every other `.md` file is the narrative section, in file name order.
pub const SUMMARY_FILE: &str = "summary.md";
pub const LEGAL_ANALYSIS_FILE: &str = "legal-analysis.md";
/// The body of the coalition's cover letter (a default is written from the case without it).
pub const LETTER_FILE: &str = "letter.md";

impl Narrative {
    /// Reads `narrative/*.md` of the case in `root`.
    pub fn read(root: &Path) -> Result<Narrative> {
        let dir = root.join("narrative");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Narrative::default()),
            Err(e) => return Err(Error::io("read the folder", &dir, e)),
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("read the folder", &dir, e))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".md") || !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                Error::input(
                    format!("{}:{line}: not UTF-8 text", path.display()),
                    "save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")",
                )
            })?;
            files.push((name, markdown::parse(&text, submission::BODY)));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Narrative { files })
    }

    fn file(&self, name: &str) -> Option<&[markdown::Block]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }

    fn others(&self) -> impl Iterator<Item = &(String, Vec<markdown::Block>)> {
        self.files
            .iter()
            .filter(|(n, _)| n != SUMMARY_FILE && n != LEGAL_ANALYSIS_FILE && n != LETTER_FILE)
    }
}

/// Everything one submission is made from.
pub struct Submission<'a> {
    pub case: &'a Case,
    pub template: &'a Template,
    pub profile: Profile,
    /// Built despite `check` errors: every page says DRAFT - NOT FOR FILING.
    pub draft: bool,
    pub date: NaiveDate,
    /// The dossier's name (its zip is `<name>.zip`).
    pub dossier: &'a str,
    pub exhibit_fingerprint: &'a str,
    /// The exhibits as sealed, in case order.
    pub exhibits: &'a [SealedExhibit],
    /// The custody log as sealed.
    pub custody_log: &'a [u8],
    pub narrative: &'a Narrative,
    pub fonts: &'a [ExtraFont],
    /// For a supplementary submission: what changed since the dossier it supplements.
    pub supplement: Option<&'a DossierDiff>,
}

/// A date as printed: a range's ends are separate words, so that a narrow column wraps
/// between them instead of inside one.
fn date_text(date: &crate::date::CaseDate) -> String {
    date.to_string().replace("..", " – ")
}

/// Renders the submission to PDF bytes.
pub fn render(input: &Submission) -> Result<Vec<u8>> {
    let fonts = fonts::Fonts::new(input.fonts)?;
    let mut flow = layout::Flow::new(&fonts);
    submission::write(&mut flow, input);
    let furniture = pdf::Furniture {
        header_left: format!("{} · {}", input.case.id, input.template.name),
        header_right: submission::marking(input).0,
        footer_left: format!("Exhibit fingerprint {}", input.exhibit_fingerprint),
    };
    let laid = pdf::Laid {
        pages: &flow.pages,
        marks: &flow.marks,
        blocks: &flow.blocks,
    };
    pdf::draw(&fonts, &laid, &furniture, &meta(input))
}

/// The document information: title, lead organisation, case id; the document id is derived
/// from the exhibit fingerprint, regime, profile and date.
fn meta(input: &Submission) -> pdf::Meta {
    let mut seed = Vec::new();
    for part in [
        input.exhibit_fingerprint,
        &input.template.id,
        input.profile.as_str(),
        &input.date.to_string(),
    ] {
        seed.extend_from_slice(part.as_bytes());
        seed.push(0);
    }
    let signatories = &input.case.signatories;
    let lead = signatories
        .iter()
        .find(|s| s.role == crate::case::SignatoryRole::Lead)
        .or(signatories.first());
    pdf::Meta {
        title: format!("{}: {}", input.case.title, input.template.name),
        author: lead.map(|s| s.name.clone()),
        subject: format!(
            "Case {}: submission under {} ({} profile)",
            input.case.id,
            input.template.name,
            input.profile.as_str()
        ),
        keywords: vec![
            input.case.id.clone(),
            input.template.id.clone(),
            format!("exhibit fingerprint {}", input.exhibit_fingerprint),
        ],
        language: "en".to_string(),
        date: input.date,
        seed,
    }
}

/// Text of the case with characters no font can draw: where, which characters, and whether it
/// is a name (a subject's or a signatory's), which must never print otherwise than as written.
#[derive(Debug, Clone)]
pub struct Uncovered {
    pub place: String,
    pub chars: Vec<char>,
    pub name: bool,
}

impl Uncovered {
    /// `王 (U+738B), 小 (U+5C0F)`.
    pub fn chars_text(&self) -> String {
        self.chars
            .iter()
            .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How to make the fonts cover a script.
pub const FONT_FIX: &str = "the shipped fonts cover Latin, Cyrillic, Greek, Vietnamese and Arabic; for other scripts give a \
     TrueType font that has them: `dossier build --font FILE.ttf`, or list it in case.json under \"fonts\"";

/// Stops the build if a name has characters no font can draw, naming where they are: a
/// submission never prints a name otherwise than as written. Other text prints such a character
/// as its code point (`<U+738B>`), and `check` warns of it.
pub fn check_fonts(case: &Case, narrative: &Narrative, extra: &[ExtraFont]) -> Result<()> {
    let problems: Vec<String> = uncovered_texts(case, narrative, extra)?
        .into_iter()
        .filter(|u| u.name)
        .map(|u| format!("{}: no font has {}", u.place, u.chars_text()))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::input(
        format!(
            "cannot print the submission: characters no font can show\n  {}",
            problems.join("\n  ")
        ),
        FONT_FIX,
    ))
}

/// Every text of the case with characters no font can draw.
pub fn uncovered_texts(
    case: &Case,
    narrative: &Narrative,
    extra: &[ExtraFont],
) -> Result<Vec<Uncovered>> {
    let fonts = fonts::Fonts::new(extra)?;
    let mut found = Vec::new();
    // A case of 100,000 exhibits repeats the same few hundred characters: each is looked up once.
    let mut covered = std::collections::HashSet::new();
    let mut look = |place: String, text: &str, name: bool| {
        if text.chars().all(|c| covered.contains(&c)) {
            return;
        }
        let missing = fonts.uncovered(text);
        covered.extend(text.chars().filter(|c| !missing.contains(c)));
        if !missing.is_empty() {
            found.push(Uncovered {
                place,
                chars: missing,
                name,
            });
        }
    };
    let mut look_at = |place: String, text: &str| {
        // Names print as written or not at all: a subject's names and a signatory's.
        let name = [", name", ", transliterations", ", aliases"]
            .iter()
            .any(|n| place.contains(n))
            || place.starts_with("signatory ");
        look(place, text, name)
    };
    look_at("case title".into(), &case.title);
    for s in &case.subjects {
        let name = |what: &str| format!("subject {} ({}), {what}", s.id, s.name);
        look_at(format!("subject {}, name", s.id), &s.name);
        if let Some(original) = &s.name_original {
            look_at(
                format!(
                    "subject {} ({}), name in original script `{original}`",
                    s.id, s.name
                ),
                original,
            );
        }
        for (what, values) in [
            ("transliterations", &s.transliterations),
            ("aliases", &s.aliases),
            ("addresses", &s.addresses),
            ("nexus", &s.nexus),
            ("exculpatory", &s.exculpatory),
        ] {
            for value in values {
                look_at(name(what), value);
            }
        }
        for p in &s.positions {
            look_at(
                name("positions"),
                &format!("{} {}", p.title, p.organisation.as_deref().unwrap_or("")),
            );
        }
        for a in &s.associates {
            look_at(
                name("associates"),
                &format!("{} {}", a.name, a.relation.as_deref().unwrap_or("")),
            );
        }
        for c in &s.criteria {
            look_at(name("criteria"), c.argument.as_deref().unwrap_or(""));
        }
        look_at(name("birthplace"), s.birthplace.as_deref().unwrap_or(""));
    }
    for e in &case.events {
        let text = [Some(&e.title), e.description.as_ref(), e.location.as_ref()]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        look_at(format!("event {}", e.id), &text);
        for i in &e.subjects {
            look_at(format!("event {}", e.id), i.role.as_deref().unwrap_or(""));
        }
    }
    for x in &case.exhibits {
        let text = [
            x.title.as_ref(),
            x.source.provider.as_ref(),
            x.source.method.as_ref(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
        look_at(format!("exhibit {}", x.id), &text);
    }
    for s in &case.signatories {
        look_at(format!("signatory {}", s.name), &s.name);
    }
    for (file, blocks) in &narrative.files {
        let text: String = blocks.iter().map(markdown::Block::text).collect();
        look_at(format!("narrative/{file}"), &text);
    }
    Ok(found)
}
