//! Pages of placed text and strokes: paragraphs, headings, lists and tables flowed down A4 pages.
//!
//! Layout is done once, before any PDF is written, so the page count is known when the header
//! and footer ("Page N of M") and the contents' page numbers are drawn. It does not draw (see
//! `pdf`) and does not decide what the submission says (see `submission`).

use super::fonts::{Fonts, Ink, Look};
use super::text::{self, Line, Run, Span};

/// A4 portrait, in mm.
pub const PAGE_WIDTH: f64 = 210.0;
pub const PAGE_HEIGHT: f64 = 297.0;
pub const LEFT: f64 = 20.0;
pub const WIDTH: f64 = PAGE_WIDTH - 2.0 * LEFT;
/// Where the body starts and must end; the header and footer sit outside.
pub const TOP: f64 = 22.0;
pub const BOTTOM: f64 = PAGE_HEIGHT - 20.0;

/// Something drawn on a page; positions in mm from the top left corner of the page.
#[derive(Debug, Clone)]
pub enum Item {
    /// `y` is the top of the line.
    Text {
        x: f64,
        y: f64,
        run: Run,
    },
    /// The page a mark landed on, right-aligned at `right` (the contents' page numbers).
    PageOf {
        right: f64,
        y: f64,
        mark: usize,
        look: Look,
    },
    Stroke {
        points: Vec<(f64, f64)>,
        ink: Ink,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
}

/// A table: column widths in mm, a header repeated at the top of every page the table spans,
/// and rows of cells. A table whose header is all empty is drawn as plain columns: no header
/// and no rules (a signature block in two columns).
pub struct Table {
    pub widths: Vec<f64>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Vec<Span>>>,
}

impl Table {
    pub fn new(widths: Vec<f64>, header: &[&str], rows: Vec<Vec<Vec<Span>>>) -> Table {
        Table {
            widths,
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }
}

const PAD_X: f64 = 1.2;
const PAD_Y: f64 = 0.9;

/// Lays content down pages, top to bottom.
pub struct Flow<'f> {
    pub fonts: &'f Fonts,
    pub pages: Vec<Page>,
    y: f64,
    /// The page (0-based) each mark landed on.
    pub marks: Vec<usize>,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts) -> Flow<'f> {
        Flow {
            fonts,
            pages: vec![Page::default()],
            y: TOP,
            marks: Vec::new(),
        }
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Starts a new page unless `height` mm still fit on this one.
    pub fn keep(&mut self, height: f64) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub fn space(&mut self, height: f64) {
        self.y += height;
        if self.y > BOTTOM {
            self.new_page();
        }
    }

    /// A mark to be set later (a contents entry is laid out before its section).
    pub fn new_mark(&mut self) -> usize {
        self.marks.push(0);
        self.marks.len() - 1
    }

    /// Records that `mark` is on the current page.
    pub fn set_mark(&mut self, mark: usize) {
        self.marks[mark] = self.pages.len() - 1;
    }

    /// Puts a laid-out line on the current page with its left edge at `x` and its top at `y`.
    fn put(&mut self, x: f64, y: f64, line: Line) {
        let page = self.page();
        for run in line.runs {
            page.items.push(Item::Text {
                x: x + run.x,
                y,
                run,
            });
        }
    }

    fn place(&mut self, x: f64, line: Line) {
        self.put(x, self.y, line);
    }

    /// A paragraph `indent` mm from the left margin, then `after` mm of space.
    pub fn paragraph(&mut self, spans: &[Span], indent: f64, after: f64) {
        for line in text::wrap(self.fonts, spans, WIDTH - indent) {
            let height = text::line_height(line.size.max(1));
            self.keep(height);
            self.place(LEFT + indent, line);
            self.y += height;
        }
        self.y += after;
    }

    /// A list item: `marker` in the gutter, the text `indent` mm from the margin.
    pub fn item(&mut self, marker: &str, spans: &[Span], indent: f64, after: f64) {
        let look = spans.first().map_or(Look::new(10), |s| s.look);
        let height = text::line_height(look.size);
        self.keep(height);
        let marker_line = text::one_line(self.fonts, marker, look);
        let marker_x = LEFT + indent - marker_line.width - 1.5;
        self.place(marker_x, marker_line);
        self.paragraph(spans, indent, after);
    }

    /// A heading that stays with at least three lines of what follows; sets `mark` to its page.
    pub fn heading(&mut self, spans: &[Span], before: f64, mark: Option<usize>) {
        let lines = text::wrap(self.fonts, spans, WIDTH);
        let height: f64 = lines.iter().map(|l| text::line_height(l.size.max(1))).sum();
        if self.y > TOP {
            self.y += before;
        }
        self.keep(height + 3.0 * text::line_height(10));
        if let Some(mark) = mark {
            self.set_mark(mark);
        }
        for line in lines {
            let h = text::line_height(line.size.max(1));
            self.place(LEFT, line);
            self.y += h;
        }
        self.y += 1.5;
    }

    /// A line of text with the page number of `mark` at the right margin (a contents entry).
    pub fn entry(&mut self, spans: &[Span], indent: f64, mark: usize) {
        let look = spans.first().map_or(Look::new(10), |s| s.look);
        // Room on the right for the number, so the layout never depends on its digits.
        let lines = text::wrap(self.fonts, spans, WIDTH - indent - 14.0);
        let count = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let height = text::line_height(line.size.max(1));
            self.keep(height);
            self.place(LEFT + indent, line);
            if i + 1 == count {
                let y = self.y;
                self.page().items.push(Item::PageOf {
                    right: LEFT + WIDTH,
                    y,
                    mark,
                    look,
                });
            }
            self.y += height;
        }
        self.y += 0.8;
    }

    /// A horizontal rule across the text width.
    pub fn rule(&mut self, ink: Ink) {
        self.keep(2.0);
        let y = self.y + 0.5;
        self.stroke(vec![(LEFT, y), (LEFT + WIDTH, y)], ink);
        self.y += 2.0;
    }

    pub fn stroke(&mut self, points: Vec<(f64, f64)>, ink: Ink) {
        self.page().items.push(Item::Stroke { points, ink });
    }

    /// Text on one line at (`x`, `y`) of the current page, outside the flow (for drawings).
    pub fn text_at(&mut self, x: f64, y: f64, text: &str, look: Look) -> f64 {
        let line = text::one_line(self.fonts, text, look);
        let width = line.width;
        self.put(x, y, line);
        width
    }

    /// The width of `text` on one line, in mm.
    pub fn measure(&self, text: &str, look: Look) -> f64 {
        text::one_line(self.fonts, text, look).width
    }

    /// Reserves `height` mm (on a new page if need be) and returns its top.
    pub fn reserve(&mut self, height: f64) -> f64 {
        self.keep(height);
        let top = self.y;
        self.y += height;
        top
    }

    /// A table; rows too tall for the rest of the page continue on the next one, under the
    /// header again.
    pub fn table(&mut self, table: &Table, body: Look) {
        let header_look = Look::new(body.size).bold().ink(Ink::Grey);
        let lh = text::line_height(body.size);
        let header: Vec<Vec<Line>> = table
            .header
            .iter()
            .zip(&table.widths)
            .map(|(h, w)| {
                text::wrap(
                    self.fonts,
                    &[Span::new(h.as_str(), header_look)],
                    w - 2.0 * PAD_X,
                )
            })
            .collect();
        let ruled = table.header.iter().any(|h| !h.is_empty());
        let header_height = if ruled {
            header.iter().map(Vec::len).max().unwrap_or(1) as f64 * lh + 2.0 * PAD_Y
        } else {
            0.0
        };
        self.keep(header_height + lh + 2.0 * PAD_Y);
        if ruled {
            self.table_header(&header, &table.widths, lh);
        }
        for row in &table.rows {
            let cells: Vec<Vec<Line>> = row
                .iter()
                .zip(&table.widths)
                .map(|(spans, w)| text::wrap(self.fonts, spans, w - 2.0 * PAD_X))
                .collect();
            let tallest = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let mut done = 0;
            while done < tallest {
                let room = ((BOTTOM - self.y - 2.0 * PAD_Y) / lh).floor().max(0.0) as usize;
                let whole_fits_fresh =
                    (tallest - done) as f64 * lh + 2.0 * PAD_Y + header_height <= BOTTOM - TOP;
                if room == 0 || (room < tallest - done && whole_fits_fresh && done == 0) {
                    self.new_page();
                    if ruled {
                        self.table_header(&header, &table.widths, lh);
                    }
                    continue;
                }
                let take = room.min(tallest - done);
                let top = self.y + PAD_Y;
                let mut x = LEFT;
                for (cell, w) in cells.iter().zip(&table.widths) {
                    for (i, line) in cell.iter().skip(done).take(take).enumerate() {
                        let line = line.clone();
                        let y = top + i as f64 * lh;
                        let page = self.page();
                        for run in line.runs {
                            page.items.push(Item::Text {
                                x: x + PAD_X + run.x,
                                y,
                                run,
                            });
                        }
                    }
                    x += w;
                }
                done += take;
                self.y = top + take as f64 * lh + PAD_Y;
                let y = self.y;
                if ruled {
                    self.stroke(vec![(LEFT, y), (LEFT + WIDTH, y)], Ink::Grey);
                }
                if done < tallest {
                    self.new_page();
                    if ruled {
                        self.table_header(&header, &table.widths, lh);
                    }
                }
            }
        }
        self.y += 3.0;
    }

    fn table_header(&mut self, header: &[Vec<Line>], widths: &[f64], lh: f64) {
        let top = self.y + PAD_Y;
        let mut x = LEFT;
        let mut tallest = 1;
        for (cell, w) in header.iter().zip(widths) {
            tallest = tallest.max(cell.len());
            for (i, line) in cell.iter().enumerate() {
                let y = top + i as f64 * lh;
                let page = self.page();
                for run in line.runs.iter().cloned() {
                    page.items.push(Item::Text {
                        x: x + PAD_X + run.x,
                        y,
                        run,
                    });
                }
            }
            x += w;
        }
        self.y = top + tallest as f64 * lh + PAD_Y;
        let y = self.y;
        self.stroke(vec![(LEFT, y), (LEFT + WIDTH, y)], Ink::Black);
    }
}
