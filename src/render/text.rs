//! Text into lines: measuring by shaping, line breaking and right-to-left ordering.
//!
//! A paragraph is a list of spans in logical order (the order it is typed). It is shaped with
//! rustybuzz (the shaper krilla draws with) to know each character's advance, broken into lines
//! that fit the width, and only then is each line put in visual order (Unicode bidi), so that a
//! paragraph longer than one line still reads right to left line by line. A run keeps its text in
//! logical order with its direction: `pdf` draws it as typed, krilla shapes it (Arabic letters
//! joined, harakat placed) and maps every glyph back to the letters typed. Every character is
//! drawn with the first face that has it (see `fonts`).

use unicode_bidi::{Level, ParagraphBidiInfo};

use super::fonts::{Face, Fonts, Look, is_invisible};

/// A piece of text in one look; it may link to a mark, or set one where it is laid out.
#[derive(Debug, Clone)]
pub struct Span {
    pub text: String,
    pub look: Look,
    /// Clicking the text goes to this mark (see `layout::Flow::new_mark`).
    pub link: Option<usize>,
    /// The mark set to where this span is laid out (a target of links).
    pub anchor: Option<usize>,
}

impl Span {
    pub fn new(text: impl Into<String>, look: Look) -> Span {
        Span {
            text: text.into(),
            look,
            link: None,
            anchor: None,
        }
    }

    /// The span, linking to `mark`.
    pub fn link(mut self, mark: usize) -> Span {
        self.link = Some(mark);
        self
    }

    /// The span, setting `mark` to where it lands.
    pub fn anchor(mut self, mark: usize) -> Span {
        self.anchor = Some(mark);
        self
    }
}

/// Text placed on a line: `x` from the left of the box and `width`, in mm. `text` is in
/// logical order; right-to-left runs are drawn right to left.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f64,
    pub width: f64,
    pub text: String,
    pub rtl: bool,
    pub face: Face,
    pub look: Look,
    pub link: Option<usize>,
}

/// One laid-out line.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f64,
    /// The tallest look's size on the line, in points.
    pub size: u8,
    /// The marks set by spans that start on this line.
    pub anchors: Vec<usize>,
}

const POINT: f64 = 25.4 / 72.0;

/// U+00A0: a space no line breaks at ("reg.\u{a0}6(2)(a)" stays on one line). It is measured as
/// itself but printed as an ordinary space, so that the PDF's text reads and searches as a reader
/// types it ("reg. 6(2)(a)").
pub const NO_BREAK_SPACE: char = '\u{a0}';

/// How one character of a paragraph is printed.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    look: Look,
    face: Face,
    link: Option<usize>,
    /// The advance of the shaped glyphs whose cluster starts at this character, in mm.
    width: f64,
}

/// `text` with a no-break space between the abbreviation of a provision or a number sign and
/// the number that follows ("reg. 6(2)(a)", "s. 4(1)(b)", "§ 1(a)(ii)(A)", "Art. 2(1)", "Exec.
/// Order No. 13818", "c. 21"), so that a line never ends between them. Nothing else changes.
pub fn bind_numbers(text: &str) -> String {
    const BOUND: [&str; 17] = [
        "reg.", "regs.", "r.", "s.", "ss.", "§", "§§", "art.", "arts.", "para.", "paras.", "no.",
        "nos.", "c.", "p.", "pp.", "sch.",
    ];
    let mut out = String::with_capacity(text.len());
    let mut words = text.split(' ').peekable();
    while let Some(word) = words.next() {
        out.push_str(word);
        let Some(next) = words.peek() else { break };
        let abbreviation = word
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or(word)
            .to_lowercase();
        let number = next.starts_with(|c: char| c.is_ascii_digit());
        out.push(if number && BOUND.contains(&abbreviation.as_str()) {
            NO_BREAK_SPACE
        } else {
            ' '
        });
    }
    out
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
    // The paragraph as one string, with each character's look, face and link, indexed by byte
    // offset (a character's later bytes repeat its glyph).
    let mut text = String::new();
    let mut glyphs: Vec<Glyph> = Vec::new();
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    for span in spans {
        if let Some(mark) = span.anchor {
            anchors.push((text.len(), mark));
        }
        for c in span.text.chars() {
            if c != '\n' && is_invisible(c) && c != ' ' && c != NO_BREAK_SPACE {
                continue;
            }
            // A character no font has (in a file name, say: a name is refused before this) is
            // printed as its code point, `<U+738B>`, never as an empty box.
            let shown = match fonts.face_for(c, span.look) {
                Some(face) => vec![(c, face)],
                // A line break or a space is layout, not a glyph.
                None if is_invisible(c) => vec![(
                    c,
                    Face {
                        family: 0,
                        bold: span.look.bold,
                        italic: false,
                    },
                )],
                None => format!("<U+{:04X}>", u32::from(c))
                    .chars()
                    .map(|d| {
                        let face = fonts.face_for(d, span.look).unwrap_or(Face {
                            family: 0,
                            bold: span.look.bold,
                            italic: false,
                        });
                        (d, face)
                    })
                    .collect(),
            };
            for (c, face) in shown {
                let glyph = Glyph {
                    look: span.look,
                    face,
                    link: span.link,
                    width: 0.0,
                };
                text.push(c);
                glyphs.extend(std::iter::repeat_n(glyph, c.len_utf8()));
            }
        }
    }
    let rtl = matches!(
        unicode_bidi::get_base_direction(text.as_str()),
        unicode_bidi::Direction::Rtl
    );
    let hard_lines = split_keeping_offsets(&text, '\n');
    for &(from, to) in &hard_lines {
        measure(fonts, &text, &mut glyphs, from, to, rtl);
    }

    let mut lines = Vec::new();
    for (from, to) in hard_lines {
        for (start, end) in break_lines(&text, &glyphs, (from, to), width) {
            let mut line = visual_line(&text, &glyphs, start, end, rtl);
            while let Some(&(at, mark)) = anchors.first() {
                if at >= end && end < text.len() {
                    break;
                }
                line.anchors.push(mark);
                anchors.remove(0);
            }
            lines.push(line);
        }
    }
    if let Some(last) = lines.last_mut() {
        last.anchors.extend(anchors.iter().map(|&(_, mark)| mark));
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

/// Shapes `text[from..to]` (one hard line) piece by piece, each piece in one font, size and
/// direction, and gives each character the advance of the glyphs of its cluster.
fn measure(fonts: &Fonts, text: &str, glyphs: &mut [Glyph], from: usize, to: usize, rtl: bool) {
    let line = &text[from..to];
    if line.is_empty() {
        return;
    }
    let levels = if !rtl && !line.chars().any(is_right_to_left) {
        vec![Level::ltr(); line.len()]
    } else {
        let level = if rtl { Level::rtl() } else { Level::ltr() };
        ParagraphBidiInfo::new(line, Some(level)).levels
    };
    // What shaping depends on, per byte: the font file, the size and the direction.
    let keys: Vec<(usize, u8, bool)> = (0..line.len())
        .map(|k| {
            let g = glyphs[from + k];
            (fonts.file_index(g.face), g.look.size, levels[k].is_rtl())
        })
        .collect();
    let mut start = 0;
    while start < line.len() {
        let mut end = start;
        while end < line.len() && keys[end] == keys[start] {
            end += line[end..].chars().next().map_or(1, char::len_utf8);
        }
        let (file, size, piece_rtl) = keys[start];
        let face = &fonts.files()[file].face;
        let scale = f64::from(size) * POINT / f64::from(face.units_per_em());
        for glyph in fonts.shape(file, &line[start..end], piece_rtl).iter() {
            let at = from + start + glyph.cluster as usize;
            glyphs[at].width += f64::from(glyph.x_advance) * scale;
        }
        start = end;
    }
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

/// Greedy line breaking at spaces (never at a no-break space); a word wider than the line is cut
/// after a joint that fits, else between characters.
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
                // Cut the word where it stops fitting: after its last hyphen, slash or other
                // joint that fits ("witness-for-" / "prosecution"); only a run with none (a
                // hash, an address) is cut between two characters. At least one character a line.
                let mut w = 0.0;
                let mut cut = word_end;
                let mut joint = None;
                for (k, c) in word.char_indices() {
                    let cw = glyphs[i + k].width;
                    if w + cw > width && k > 0 {
                        cut = joint.unwrap_or(i + k);
                        break;
                    }
                    w += cw;
                    // Never a joint before a no-break space: "reg." stays with its number.
                    let next = word[k + c.len_utf8()..].chars().next();
                    if matches!(c, '-' | '‐' | '–' | '/' | '_' | '.' | ',' | ';' | ':')
                        && next != Some(NO_BREAK_SPACE)
                    {
                        joint = Some(i + k + c.len_utf8());
                    }
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

/// One line in visual order, split into runs of one direction, look, face and link.
fn visual_line(text: &str, glyphs: &[Glyph], start: usize, end: usize, rtl: bool) -> Line {
    let line = text[start..end].trim_end_matches(' ');
    // Level runs in visual order: (byte range in `text`, right to left).
    let mut pieces: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    if !rtl && !line.chars().any(is_right_to_left) {
        pieces.push((start..start + line.len(), false));
    } else {
        let level = if rtl { Level::rtl() } else { Level::ltr() };
        let bidi = ParagraphBidiInfo::new(line, Some(level));
        let (levels, runs) = bidi.visual_runs(0..line.len());
        for run in runs {
            let run_rtl = levels[run.start].is_rtl();
            pieces.push((start + run.start..start + run.end, run_rtl));
        }
    }

    let mut out = Line::default();
    let mut x = 0.0;
    for (range, piece_rtl) in pieces {
        let mut runs: Vec<Run> = Vec::new();
        for (k, c) in text[range.clone()].char_indices() {
            let g = glyphs[range.start + k];
            out.size = out.size.max(g.look.size);
            let c = if c == NO_BREAK_SPACE { ' ' } else { c };
            match runs.last_mut() {
                Some(run) if run.face == g.face && run.look == g.look && run.link == g.link => {
                    run.text.push(c);
                    run.width += g.width;
                }
                _ => runs.push(Run {
                    x: 0.0,
                    width: g.width,
                    text: c.to_string(),
                    rtl: piece_rtl,
                    face: g.face,
                    look: g.look,
                    link: g.link,
                }),
            }
        }
        // A right-to-left piece's first run (in logical order) is its rightmost.
        if piece_rtl {
            runs.reverse();
        }
        for mut run in runs {
            run.x = x;
            x += run.width;
            out.runs.push(run);
        }
    }
    out.width = x;
    out
}

fn is_right_to_left(c: char) -> bool {
    use unicode_bidi::BidiClass::{AL, AN, R};
    matches!(unicode_bidi::bidi_class(c), R | AL | AN)
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
    fn a_long_hyphenated_word_breaks_after_a_hyphen_not_inside_a_word() {
        let fonts = Fonts::new(&[]).unwrap();
        let role = "(witness-for-prosecution-of-the-republic)";
        let lines = wrap(&fonts, &[Span::new(role, Look::new(8))], 25.0);
        assert!(
            lines.len() > 1,
            "{:?}",
            lines.iter().map(plain).collect::<Vec<_>>()
        );
        for line in &lines[..lines.len() - 1] {
            assert!(plain(line).ends_with('-'), "{:?}", plain(line));
        }
        assert_eq!(lines.iter().map(plain).collect::<String>(), role);
    }

    #[test]
    fn arabic_lines_keep_logical_order_right_to_left_and_aligned_right() {
        let fonts = Fonts::new(&[]).unwrap();
        let text = "نزار القسواني نزار القسواني نزار القسواني";
        let lines = wrap(&fonts, &[Span::new(text, Look::new(10))], 30.0);
        assert!(lines.len() > 1);
        // Each line is the next part of the text as typed, drawn right to left.
        assert!(lines.iter().all(|l| l.runs.iter().all(|r| r.rtl)));
        let logical: Vec<String> = lines.iter().map(plain).collect();
        assert_eq!(logical.join(" "), text);
        assert!(lines[0].runs[0].x > 0.0, "right-aligned");
    }

    #[test]
    fn a_latin_paragraph_keeps_an_arabic_name_in_its_own_order() {
        let fonts = Fonts::new(&[]).unwrap();
        let spans = [Span::new("Name: نزار (S-001)", Look::new(10))];
        let line = &wrap(&fonts, &spans, 200.0)[0];
        let runs: Vec<(&str, bool)> = line.runs.iter().map(|r| (r.text.as_str(), r.rtl)).collect();
        assert_eq!(
            runs,
            [("Name: ", false), ("نزار", true), (" (S-001)", false)]
        );
        // Runs follow each other from left to right.
        for pair in line.runs.windows(2) {
            assert!((pair[0].x + pair[0].width - pair[1].x).abs() < 1e-9);
        }
    }

    #[test]
    fn harakat_add_no_width() {
        let fonts = Fonts::new(&[]).unwrap();
        let bare = one_line(&fonts, "محمد", Look::new(10)).width;
        let voweled = one_line(&fonts, "مُحَمَّد", Look::new(10)).width;
        assert!(
            bare > 0.0 && (bare - voweled).abs() < 0.01,
            "{bare} {voweled}"
        );
    }

    #[test]
    fn a_bound_citation_never_breaks_between_reg_and_its_number_at_any_width() {
        let fonts = Fonts::new(&[]).unwrap();
        let citation = bind_numbers(
            "The Global Human Rights Sanctions Regulations 2020 (SI 2020/680), reg. 6(2)(a), and Exec. Order No. 13818, § 1(a)(ii)(A)",
        );
        assert!(citation.contains("reg.\u{a0}6(2)(a)") && citation.contains("No.\u{a0}13818"));
        assert!(citation.contains("§\u{a0}1(a)") && citation.contains("Rights Sanctions"));
        let mut broke_near = 0;
        for tenth in 250..1500 {
            let width = f64::from(tenth) / 10.0;
            let lines = wrap(
                &fonts,
                &[Span::new(citation.as_str(), Look::new(10))],
                width,
            );
            let texts: Vec<String> = lines.iter().map(plain).collect();
            for pair in texts.windows(2) {
                for bound in ["reg.", "No.", "§"] {
                    assert!(
                        !pair[0].trim_end().ends_with(bound),
                        "{width} mm: {texts:?}"
                    );
                }
                broke_near += usize::from(pair[1].starts_with("reg. "));
            }
            // Printed with an ordinary space.
            assert!(texts.iter().all(|t| !t.contains('\u{a0}')));
            assert_eq!(texts.join(" "), citation.replace('\u{a0}', " "));
        }
        assert!(
            broke_near > 0,
            "some widths put the break just before \"reg.\""
        );
    }

    #[test]
    fn an_anchor_lands_on_the_line_its_span_starts() {
        let fonts = Fonts::new(&[]).unwrap();
        let spans = [
            Span::new("one two three four five six", Look::new(10)),
            Span::new(" seven", Look::new(10)).anchor(7),
        ];
        let lines = wrap(&fonts, &spans, 25.0);
        let with: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.anchors.contains(&7))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(with, [lines.len() - 1]);
    }
}
