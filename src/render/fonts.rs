//! The fonts of the PDF: DejaVu Sans, shipped inside the binary (Latin, Cyrillic, Greek,
//! Vietnamese, Arabic), and the TrueType files a case adds for other scripts.
//!
//! Owns which font draws each character: the look asked for, then the same face without italic
//! (DejaVu's oblique faces have no Arabic), then each added font in turn. A character no font can
//! draw is reported before anything is laid out; it is never printed as an empty box.

use std::path::{Path, PathBuf};

use genpdf::fonts::{Font, FontCache, FontData, FontFamily};
use genpdf::style::{Color, Style};

use crate::error::{Error, Result};

/// A font a case adds, read from disk.
#[derive(Debug, Clone)]
pub struct ExtraFont {
    pub path: PathBuf,
    pub data: Vec<u8>,
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
        if FontData::new(data.clone(), None).is_err() {
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
            data,
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
    pub fn color(self) -> Color {
        match self {
            Ink::Black => Color::Rgb(0, 0, 0),
            Ink::Grey => Color::Rgb(110, 110, 110),
            Ink::Blue => Color::Rgb(20, 70, 150),
            Ink::Red => Color::Rgb(170, 20, 20),
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

/// The loaded fonts.
pub struct Fonts {
    cache: FontCache,
    /// DejaVu Sans, then one single-face family per added font.
    families: Vec<FontFamily<Font>>,
}

impl Fonts {
    /// DejaVu Sans and the added fonts, in the order given.
    pub fn new(extra: &[ExtraFont]) -> Result<Fonts> {
        let load = |bytes: &[u8]| FontData::new(bytes.to_vec(), None).expect("DejaVu parses");
        let mut cache = FontCache::new(FontFamily {
            regular: load(dejavu::sans::regular()),
            bold: load(dejavu::sans::bold()),
            italic: load(dejavu::sans::oblique()),
            bold_italic: load(dejavu::sans::bold_oblique()),
        });
        let mut families = vec![cache.default_font_family()];
        for font in extra {
            let data = FontData::new(font.data.clone(), None).map_err(|_| {
                Error::input(
                    format!("{}: not a TrueType font", font.path.display()),
                    "give a .ttf file with TrueType outlines",
                )
            })?;
            // One face serves all four looks, so the file is embedded once.
            let face = cache.add_font(data);
            families.push(FontFamily {
                regular: face,
                bold: face,
                italic: face,
                bold_italic: face,
            });
        }
        Ok(Fonts { cache, families })
    }

    pub fn cache(&self) -> &FontCache {
        &self.cache
    }

    pub fn cache_mut(&mut self) -> &mut FontCache {
        &mut self.cache
    }

    /// The genpdf style that prints with `face` in `look`.
    pub fn style(&self, face: Face, look: Look) -> Style {
        let mut style = Style::new()
            .with_font_family(self.families[face.family])
            .with_font_size(look.size);
        if face.bold {
            style.set_bold();
        }
        if face.italic {
            style.set_italic();
        }
        if look.ink != Ink::Black {
            style.set_color(look.ink.color());
        }
        style
    }

    fn has_glyph(&self, face: Face, c: char) -> bool {
        let family = &self.families[face.family];
        let font = match (face.bold, face.italic) {
            (false, false) => family.regular,
            (true, false) => family.bold,
            (false, true) => family.italic,
            (true, true) => family.bold_italic,
        };
        self.cache.get_rt_font(font).glyph(c).id().0 != 0
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
        let added = (1..self.families.len()).map(|family| Face {
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
    /// `text` is taken as printed: Arabic already shaped.
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
