//! Text into lines: Arabic shaping, line breaking and right-to-left ordering.
//!
//! A paragraph is a list of spans in logical order (the order it is typed). Arabic is shaped
//! first (letters take their joined forms), the paragraph is broken into lines that fit the
//! width, and only then is each line put in visual order (Unicode bidi), so that a paragraph
//! longer than one line still reads right to left line by line. Every character is drawn with
//! the first face that has it (see `fonts`).

use std::sync::LazyLock;

use ar_reshaper::prelude::{ArabicReshaper, LigatureNames, ReshaperConfig};
use unicode_bidi::{Level, ParagraphBidiInfo};

use super::fonts::{Face, Fonts, Look, is_invisible};

/// A piece of text in one look.
#[derive(Debug, Clone)]
pub struct Span {
    pub text: String,
    pub look: Look,
}

impl Span {
    pub fn new(text: impl Into<String>, look: Look) -> Span {
        Span {
            text: text.into(),
            look,
        }
    }
}

/// Text placed on a line: `x` from the left of the box, in mm.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f64,
    pub text: String,
    pub face: Face,
    pub look: Look,
}

/// One laid-out line.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f64,
    /// The tallest look's size on the line, in points.
    pub size: u8,
}

static RESHAPER: LazyLock<ArabicReshaper> = LazyLock::new(|| {
    let mut config = ReshaperConfig::default();
    // The ligature for the word Allah is one glyph (U+FDF2) that DejaVu does not have: the
    // word would vanish. Letter by letter it is still joined correctly.
    config.update_ligature(LigatureNames::ARABIC_LIGATURE_ALLAH, false);
    ArabicReshaper::new(config)
});

/// `text` with its Arabic letters in their joined (presentation) forms, as printed.
pub fn shape(text: &str) -> String {
    if RESHAPER.need_reshape(text) {
        RESHAPER.reshape(text)
    } else {
        text.to_string()
    }
}

const POINT: f64 = 25.4 / 72.0;

fn mm(length: genpdf::Mm) -> f64 {
    printpdf::Mm::from(length).0
}

/// How one character of a paragraph is printed.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    look: Look,
    face: Face,
    /// In mm.
    width: f64,
}

impl Glyph {
    fn new(fonts: &Fonts, c: char, look: Look) -> Glyph {
        let face = fonts.face_for(c, look).unwrap_or(Face {
            family: 0,
            bold: look.bold,
            italic: false,
        });
        let width = mm(fonts.style(face, look).char_width(fonts.cache(), c));
        Glyph { look, face, width }
    }
}

/// The height of a line of text of `size` points, in mm.
pub fn line_height(size: u8) -> f64 {
    f64::from(size) * POINT * 1.3
}

/// `text` on a single line, however long (labels, page numbers).
pub fn one_line(fonts: &Fonts, text: &str, look: Look) -> Line {
    wrap(fonts, &[Span::new(text, look)], f64::MAX / 4.0)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Breaks `spans` into lines no wider than `width` mm, each in visual order. Right-to-left
/// paragraphs (the first strong letter is Arabic or Hebrew) are aligned right.
pub fn wrap(fonts: &Fonts, spans: &[Span], width: f64) -> Vec<Line> {
    // The paragraph as one string, with the look of each byte range.
    let mut text = String::new();
    let mut looks: Vec<(usize, Look)> = Vec::new();
    for span in spans {
        let shaped = shape(&span.text);
        looks.push((text.len(), span.look));
        text.extend(
            shaped
                .chars()
                .filter(|&c| c == '\n' || !is_invisible(c) || c == ' '),
        );
    }
    // Each character's face and width, found once: line breaking and ordering both need them.
    // Indexed by byte offset (a character's later bytes repeat its glyph).
    let mut glyphs = Vec::with_capacity(text.len());
    for (byte, c) in text.char_indices() {
        let i = looks.partition_point(|&(start, _)| start <= byte);
        let glyph = Glyph::new(fonts, c, looks[i.saturating_sub(1)].1);
        glyphs.extend(std::iter::repeat_n(glyph, c.len_utf8()));
    }
    let rtl = matches!(
        unicode_bidi::get_base_direction(text.as_str()),
        unicode_bidi::Direction::Rtl
    );

    let mut lines = Vec::new();
    for hard in split_keeping_offsets(&text, '\n') {
        for (start, end) in break_lines(&text, &glyphs, hard, width) {
            lines.push(visual_line(&text, &glyphs, start, end, rtl));
        }
    }
    if rtl {
        for line in &mut lines {
            let shift = (width - line.width).max(0.0);
            for run in &mut line.runs {
                run.x += shift;
            }
        }
    }
    lines
}

fn split_keeping_offsets(text: &str, at: char) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == at {
            parts.push((start, i));
            start = i + c.len_utf8();
        }
    }
    parts.push((start, text.len()));
    parts
}

/// Greedy line breaking at spaces; a word wider than the line is cut between characters.
fn break_lines(
    text: &str,
    glyphs: &[Glyph],
    (from, to): (usize, usize),
    width: f64,
) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut line_start = from;
    let mut line_width = 0.0;
    // The end of the last word that fits, and the line width up to it.
    let mut last_word_end = None;
    let mut i = from;
    let bytes = text.as_bytes();
    while i < to {
        // Skip the spaces at the start of a line.
        if line_width == 0.0 && bytes[i] == b' ' && i == line_start {
            i += 1;
            line_start = i;
            continue;
        }
        let word_end = text[i..to].find(' ').map_or(to, |n| i + n);
        let word = &text[i..word_end];
        let word_width: f64 = word.char_indices().map(|(k, _)| glyphs[i + k].width).sum();
        // A word after the line's first follows the space just before it.
        let space_width = if i > line_start {
            glyphs[i - 1].width
        } else {
            0.0
        };
        if line_width + space_width + word_width <= width || line_width == 0.0 {
            if word_width > width && line_width == 0.0 {
                // Cut the word where it stops fitting, at least one character per line.
                let mut w = 0.0;
                let mut cut = word_end;
                for (k, _) in word.char_indices() {
                    let cw = glyphs[i + k].width;
                    if w + cw > width && k > 0 {
                        cut = i + k;
                        break;
                    }
                    w += cw;
                }
                lines.push((line_start, cut));
                line_start = cut;
                i = cut;
                line_width = 0.0;
                last_word_end = None;
                continue;
            }
            line_width += space_width + word_width;
            last_word_end = Some(word_end);
            i = word_end;
            // Step over the single space after the word; more are kept as written.
            if i < to && bytes[i] == b' ' {
                i += 1;
            }
        } else {
            let end = last_word_end.unwrap_or(i);
            lines.push((line_start, end));
            line_start = i;
            line_width = 0.0;
            last_word_end = None;
        }
    }
    if line_start < to || lines.is_empty() {
        lines.push((line_start, last_word_end.unwrap_or(to).max(line_start)));
    }
    lines
}

/// One line in visual order, split into runs of one look and one face.
fn visual_line(text: &str, glyphs: &[Glyph], start: usize, end: usize, rtl: bool) -> Line {
    let line = text[start..end].trim_end_matches(' ');
    let level = if rtl { Level::rtl() } else { Level::ltr() };
    // Characters in visual order, with their byte offset in `text`.
    let mut visual: Vec<(usize, char)> = Vec::with_capacity(line.len());
    if !rtl && !line.chars().any(is_right_to_left) {
        visual.extend(line.char_indices().map(|(k, c)| (start + k, c)));
    } else {
        let bidi = ParagraphBidiInfo::new(line, Some(level));
        let (levels, runs) = bidi.visual_runs(0..line.len());
        for run in runs {
            let chars = line[run.clone()]
                .char_indices()
                .map(|(k, c)| (start + run.start + k, c));
            if levels[run.start].is_rtl() {
                visual.extend(chars.rev().map(|(k, c)| (k, mirror(c))));
            } else {
                visual.extend(chars);
            }
        }
    }

    let mut out = Line::default();
    let mut x = 0.0;
    for (offset, c) in visual {
        let Glyph { look, face, width } = glyphs[offset];
        out.size = out.size.max(look.size);
        match out.runs.last_mut() {
            Some(run) if run.face == face && run.look == look => run.text.push(c),
            _ => out.runs.push(Run {
                x,
                text: c.to_string(),
                face,
                look,
            }),
        }
        x += width;
    }
    out.width = x;
    out
}

fn is_right_to_left(c: char) -> bool {
    use unicode_bidi::BidiClass::{AL, AN, R};
    matches!(unicode_bidi::bidi_class(c), R | AL | AN)
}

/// Brackets face the other way in right-to-left text (Unicode BidiMirroring, the common ones).
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &Line) -> String {
        line.runs.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn latin_wraps_at_spaces_within_the_width() {
        let fonts = Fonts::new(&[]).unwrap();
        let look = Look::new(10);
        let spans = [Span::new(
            "one two three four five six seven eight nine ten",
            look,
        )];
        let lines = wrap(&fonts, &spans, 30.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width <= 30.0));
        let joined: Vec<String> = lines.iter().map(plain).collect();
        assert_eq!(joined.join(" "), spans[0].text);
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let fonts = Fonts::new(&[]).unwrap();
        let hash = "a".repeat(200);
        let lines = wrap(&fonts, &[Span::new(hash.clone(), Look::new(8))], 40.0);
        assert!(lines.len() > 2);
        assert_eq!(lines.iter().map(plain).collect::<String>(), hash);
    }

    #[test]
    fn arabic_lines_are_reversed_one_by_one_and_aligned_right() {
        let fonts = Fonts::new(&[]).unwrap();
        let text = "نزار القسواني نزار القسواني نزار القسواني";
        let lines = wrap(&fonts, &[Span::new(text, Look::new(10))], 30.0);
        assert!(lines.len() > 1);
        // Each line, read right to left, is the next part of the shaped text.
        let logical: Vec<String> = lines
            .iter()
            .map(|l| plain(l).chars().rev().collect())
            .collect();
        assert_eq!(logical.join(" "), shape(text));
        assert!(lines[0].runs[0].x > 0.0, "right-aligned");
    }

    #[test]
    fn a_latin_paragraph_keeps_an_arabic_name_in_its_own_order() {
        let fonts = Fonts::new(&[]).unwrap();
        let spans = [Span::new("Name: نزار (S-001)", Look::new(10))];
        let line = &wrap(&fonts, &spans, 200.0)[0];
        let shaped: String = shape("نزار").chars().rev().collect();
        assert_eq!(plain(line), format!("Name: {shaped} (S-001)"));
    }
}
