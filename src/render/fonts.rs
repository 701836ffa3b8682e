//! The fonts of the PDF: DejaVu Sans, shipped inside the binary (Latin, Cyrillic, Greek,
//! Vietnamese, Arabic), and the TrueType files a case adds for other scripts.
//!
//! Owns which font draws each character: the look asked for, then the same face without italic
//! (DejaVu's oblique faces have no Arabic), then each added font in turn. A character no font can
//! draw is reported before anything is laid out; it is never printed as an empty box.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::{Error, Result};

/// A font a case adds, read from disk.
#[derive(Debug, Clone)]
pub struct ExtraFont {
    pub path: PathBuf,
    /// The file's bytes, kept for the whole run: every regime's PDF measures with it and embeds
    /// a subset of it, and a build reads each font once.
    pub data: &'static [u8],
}

impl ExtraFont {
    /// Reads a TrueType font file and checks that it can be used.
    pub fn read(path: &Path) -> Result<ExtraFont> {
        let data = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::input(
                format!("font {} not found", path.display()),
                "fix the path given to --font or listed in case.json \"fonts\" (relative paths are taken from the case folder)",
            ),
            _ => Error::io("read the font", path, e),
        })?;
        if rustybuzz::Face::from_slice(&data, 0).is_none() {
            return Err(Error::input(
                format!(
                    "{}: not a TrueType font this build can read",
                    path.display()
                ),
                "give a .ttf file with TrueType outlines (for Chinese, Japanese and Korean, e.g. Droid Sans Fallback or a Noto Sans CJK .ttf)",
            ));
        }
        Ok(ExtraFont {
            path: path.to_path_buf(),
            data: Vec::leak(data),
        })
    }
}

/// What a piece of text looks like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub size: u8,
    pub bold: bool,
    pub italic: bool,
    pub ink: Ink,
}

impl Look {
    pub const fn new(size: u8) -> Look {
        Look {
            size,
            bold: false,
            italic: false,
            ink: Ink::Black,
        }
    }

    pub const fn bold(mut self) -> Look {
        self.bold = true;
        self
    }

    pub const fn italic(mut self) -> Look {
        self.italic = true;
        self
    }

    pub const fn ink(mut self, ink: Ink) -> Look {
        self.ink = ink;
        self
    }
}

/// The few colours the submission uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Black,
    Grey,
    Blue,
    Red,
}

impl Ink {
    /// Red, green and blue, 0 to 255 (sRGB).
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Ink::Black => (0, 0, 0),
            Ink::Grey => (110, 110, 110),
            Ink::Blue => (20, 70, 150),
            Ink::Red => (170, 20, 20),
        }
    }
}

/// Which face draws a character: a family (0 is DejaVu Sans) and its bold and italic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Face {
    pub family: usize,
    pub bold: bool,
    pub italic: bool,
}

/// One font file: its bytes (for the PDF, which embeds the subset it uses) and its parsed
/// tables (for measuring and shaping).
pub struct FontFile {
    pub data: &'static [u8],
    pub face: rustybuzz::Face<'static>,
}

impl FontFile {
    fn new(data: &'static [u8]) -> Option<FontFile> {
        Some(FontFile {
            data,
            face: rustybuzz::Face::from_slice(data, 0)?,
        })
    }

    fn has_glyph(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some_and(|g| g.0 != 0)
    }
}

/// The loaded fonts.
pub struct Fonts {
    /// DejaVu Sans regular, bold, oblique, bold oblique, then one file per added font (which
    /// serves all four looks).
    files: Vec<FontFile>,
    families: usize,
    /// Shaping plans by font file, direction and script. Making a plan reads the font's layout
    /// tables and costs more than shaping a short run with it: rustybuzz's `shape` makes one per
    /// call, which was a fifth of a long submission's build.
    plans: RefCell<HashMap<PlanKey, rustybuzz::ShapePlan>>,
    /// Texts already shaped, per font file and direction (index `2 * file + rtl`).
    shaped: RefCell<Vec<HashMap<String, Rc<[Shaped]>>>>,
}

/// How many shaped texts each font file and direction keeps, and the longest kept (in bytes).
const SHAPED_KEPT: usize = 20_000;
const SHAPED_LONGEST: usize = 64;

/// A glyph as shaped: its id, the byte of the text where its cluster starts, and its advance
/// and offsets in font units.
#[derive(Debug, Clone, Copy)]
pub struct Shaped {
    pub glyph: u32,
    pub cluster: u32,
    pub x_advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
    pub y_advance: i32,
}

type PlanKey = (usize, rustybuzz::Direction, Option<rustybuzz::Script>);

impl Fonts {
    /// DejaVu Sans and the added fonts, in the order given.
    pub fn new(extra: &[ExtraFont]) -> Result<Fonts> {
        let dejavu = [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans::oblique(),
            dejavu::sans::bold_oblique(),
        ];
        let mut files: Vec<FontFile> = dejavu
            .into_iter()
            .map(|data| FontFile::new(data).expect("DejaVu parses"))
            .collect();
        for font in extra {
            files.push(FontFile::new(font.data).ok_or_else(|| {
                Error::input(
                    format!("{}: not a TrueType font", font.path.display()),
                    "give a .ttf file with TrueType outlines",
                )
            })?);
        }
        Ok(Fonts {
            families: 1 + extra.len(),
            plans: RefCell::new(HashMap::new()),
            shaped: RefCell::new(vec![HashMap::new(); 2 * files.len()]),
            files,
        })
    }

    /// `text` shaped with font file `file` in one direction, as rustybuzz's `shape` does it,
    /// with a plan made once per file, direction and script. A text shaped before is not shaped
    /// again: a long submission repeats the same labels, names and dates thousands of times, and
    /// each is both measured (`text`) and drawn (`pdf`).
    pub fn shape(&self, file: usize, text: &str, rtl: bool) -> Rc<[Shaped]> {
        let mut cache = self.shaped.borrow_mut();
        let known = &mut cache[2 * file + usize::from(rtl)];
        if let Some(shaped) = known.get(text) {
            return shaped.clone();
        }
        let face = &self.files[file].face;
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let direction = if rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        };
        buffer.set_direction(direction);
        // As `shape` passes it: no script when the text has none of its own (digits, spaces).
        let script = Some(buffer.script()).filter(|&s| s != rustybuzz::script::UNKNOWN);
        let language = buffer.language();
        let mut plans = self.plans.borrow_mut();
        let plan = plans.entry((file, direction, script)).or_insert_with(|| {
            rustybuzz::ShapePlan::new(face, direction, script, language.as_ref(), &[])
        });
        let buffer = rustybuzz::shape_with_plan(face, plan, buffer);
        let shaped: Rc<[Shaped]> = buffer
            .glyph_infos()
            .iter()
            .zip(buffer.glyph_positions())
            .map(|(info, p)| Shaped {
                glyph: info.glyph_id,
                cluster: info.cluster,
                x_advance: p.x_advance,
                x_offset: p.x_offset,
                y_offset: p.y_offset,
                y_advance: p.y_advance,
            })
            .collect();
        // Only short texts repeat (labels, ids, dates, names); memory stays bounded however long
        // the document: past the limit, start again.
        if text.len() <= SHAPED_LONGEST {
            if known.len() >= SHAPED_KEPT {
                known.clear();
            }
            known.insert(text.to_string(), shaped.clone());
        }
        shaped
    }

    /// Every font file, in the order of `file_index`.
    pub fn files(&self) -> &[FontFile] {
        &self.files
    }

    /// Which of `files` draws `face`.
    pub fn file_index(&self, face: Face) -> usize {
        if face.family == 0 {
            usize::from(face.bold) + 2 * usize::from(face.italic)
        } else {
            3 + face.family
        }
    }

    pub fn file(&self, face: Face) -> &FontFile {
        &self.files[self.file_index(face)]
    }

    fn has_glyph(&self, face: Face, c: char) -> bool {
        self.file(face).has_glyph(c)
    }

    /// The face that draws `c` in `look`, if any font has it.
    pub fn face_for(&self, c: char, look: Look) -> Option<Face> {
        let asked = Face {
            family: 0,
            bold: look.bold,
            italic: look.italic,
        };
        let upright = Face {
            italic: false,
            ..asked
        };
        let added = (1..self.families).map(|family| Face {
            family,
            bold: look.bold,
            italic: look.italic,
        });
        std::iter::once(asked)
            .chain(look.italic.then_some(upright))
            .chain(added)
            .find(|&face| self.has_glyph(face, c))
    }

    /// The characters of `text` that no font can draw (each once, in order of appearance).
    pub fn uncovered(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for c in text.chars() {
            if is_invisible(c) || missing.contains(&c) {
                continue;
            }
            if self.face_for(c, Look::new(10)).is_none() {
                missing.push(c);
            }
        }
        missing
    }
}

/// Spaces and the format characters that steer text but print nothing (bidi marks, joiners).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_the_shipped_scripts_and_not_chinese() {
        let fonts = Fonts::new(&[]).unwrap();
        assert!(
            fonts
                .uncovered("Lương Bích Diệp Вадим Ελληνικά ﻧﺰﺍﺭ")
                .is_empty()
        );
        assert_eq!(fonts.uncovered("王小明 王"), vec!['王', '小', '明']);
    }

    #[test]
    fn italic_arabic_falls_back_to_the_upright_face() {
        let fonts = Fonts::new(&[]).unwrap();
        let face = fonts.face_for('ﻧ', Look::new(10).italic()).unwrap();
        assert!(!face.italic);
        assert!(fonts.face_for('a', Look::new(10).italic()).unwrap().italic);
    }
}
