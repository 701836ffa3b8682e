//! Pages of placed text and strokes: paragraphs, headings, lists and tables flowed down A4 pages.
//!
//! Layout is done once, before any PDF is written, so the page count is known when the header
//! and footer ("Page N of M") and the contents' page numbers are drawn. It does not draw (see
//! `pdf`) and does not decide what the submission says (see `submission`).
//!
//! It also keeps what a reader's software needs beyond the ink: where each mark landed (for
//! bookmarks and links) and the block each piece of text belongs to (heading, paragraph, table
//! cell, figure), which `pdf` turns into the document's tagged structure.

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
    /// `y` is the top of the line; `block` is what the text is part of (`None`: a repeated
    /// table header, which a reader's software skips).
    Text {
        x: f64,
        y: f64,
        run: Run,
        block: Option<usize>,
    },
    /// The page a mark landed on, right-aligned at `right` (the contents' page numbers); it
    /// links to the mark.
    PageOf {
        right: f64,
        y: f64,
        mark: usize,
        look: Look,
        block: usize,
    },
    /// A line; part of a figure's drawing, or else decoration (rules, table lines).
    Stroke {
        points: Vec<(f64, f64)>,
        ink: Ink,
        figure: Option<usize>,
    },
}

/// A place in the document that contents entries, links and bookmarks point to.
#[derive(Debug, Clone, Default)]
pub struct Mark {
    /// The page (0-based) and the height (mm from the top) where it landed; `None` if nothing
    /// set it.
    pub at: Option<(usize, f64)>,
    /// The bookmark's title: set by a heading; a mark without one has no bookmark.
    pub title: Option<String>,
    /// The mark whose bookmark this one's is nested under.
    pub parent: Option<usize>,
}

/// What a block of content is, for the document's tagged structure.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A heading of a level the document's structure gives (1: a section, 2: a subject or a
    /// part of a section, 3 and more: parts of those), and its text.
    Heading(u8, String),
    Paragraph,
    /// A paragraph inside the body block `0` of a list item (an annex step's command).
    ParagraphIn(usize),
    /// A list: at the top level (`None`) or inside the body block of an item of another list.
    List(Option<usize>, Numbering),
    /// An item of the list block `0`.
    ListItem(usize),
    /// The marker of the item block `0` (a bullet, a number).
    Label(usize),
    /// The text of the item block `0`.
    ListBody(usize),
    Table,
    /// A row of the table block `0`.
    Row(usize),
    /// A header cell of the row block `0`.
    HeaderCell(usize),
    /// A cell of the row block `0`.
    Cell(usize),
    /// A drawing with its alternative text.
    Figure(String),
}

/// How a list marks its items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Numbering {
    Bullet,
    Decimal,
    Other,
}

impl Numbering {
    fn of(marker: &str) -> Numbering {
        match marker {
            "•" => Numbering::Bullet,
            m if m.trim_end_matches(['.', ')']).parse::<u64>().is_ok() => Numbering::Decimal,
            _ => Numbering::Other,
        }
    }
}

/// The lists being written: each level's indent, list block and last item's body block.
#[derive(Debug, Default)]
struct Lists {
    open: Vec<(f64, usize, usize)>,
    /// How many blocks there were after the last item: another block since ends the lists.
    after: usize,
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
    pub marks: Vec<Mark>,
    /// Every block, in reading order.
    pub blocks: Vec<Role>,
    /// The figure being drawn, if any: its text and lines belong to it.
    figure: Option<usize>,
    /// Marks known by a name (an exhibit's id), so a reference and its target can be written
    /// in either order.
    named: std::collections::HashMap<String, usize>,
    lists: Lists,
    /// The level of the last heading: a heading is never more than one level below it.
    heading_level: u8,
    /// The heading placed last, while nothing follows it yet.
    heading: Option<Placed>,
}

/// Where a heading landed: its page, its items, its top and bottom, and its mark.
#[derive(Debug, Clone, Copy)]
struct Placed {
    page: usize,
    start: usize,
    end: usize,
    top: f64,
    bottom: f64,
    mark: Option<usize>,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts) -> Flow<'f> {
        Flow {
            fonts,
            pages: vec![Page::default()],
            y: TOP,
            marks: Vec::new(),
            blocks: Vec::new(),
            figure: None,
            named: std::collections::HashMap::new(),
            lists: Lists::default(),
            heading_level: 0,
            heading: None,
        }
    }

    fn block(&mut self, role: Role) -> usize {
        self.blocks.push(role);
        self.blocks.len() - 1
    }

    /// Starts a drawing (a chart): until `end_figure`, text and lines are part of it, and
    /// `alt` says in words what it shows.
    pub fn begin_figure(&mut self, alt: impl Into<String>) {
        self.figure = Some(self.block(Role::Figure(alt.into())));
    }

    pub fn end_figure(&mut self) {
        self.figure = None;
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Starts a new page unless `height` mm still fit on this one. A heading just placed, with
    /// nothing after it yet, moves to the new page with what it heads (a table kept whole).
    pub fn keep(&mut self, height: f64) {
        if self.y + height > BOTTOM && self.y > TOP {
            let heading = self.heading.take().filter(|h| {
                h.page == self.pages.len() - 1
                    && h.end == self.page().items.len()
                    && (h.bottom - self.y).abs() < 1e-9
                    && h.top > TOP
            });
            self.new_page();
            if let Some(h) = heading {
                let shift = TOP - h.top;
                let moved: Vec<Item> = self.pages[h.page].items.drain(h.start..).collect();
                for mut item in moved {
                    match &mut item {
                        Item::Text { y, .. } | Item::PageOf { y, .. } => *y += shift,
                        Item::Stroke { points, .. } => {
                            points.iter_mut().for_each(|p| p.1 += shift);
                        }
                    }
                    self.page().items.push(item);
                }
                if let Some(mark) = h.mark {
                    self.set_mark_at(mark, TOP);
                }
                self.y = h.bottom + shift;
            }
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
        self.marks.push(Mark::default());
        self.marks.len() - 1
    }

    /// The mark called `name`, made on first use.
    pub fn named_mark(&mut self, name: &str) -> usize {
        if let Some(&mark) = self.named.get(name) {
            return mark;
        }
        let mark = self.new_mark();
        self.named.insert(name.to_string(), mark);
        mark
    }

    /// A bookmark called `title` to where the flow is now (a heading not laid out by `heading`).
    pub fn bookmark(&mut self, title: &str) {
        let mark = self.new_mark();
        self.set_mark(mark);
        self.marks[mark].title = Some(title.to_string());
    }

    /// A mark whose bookmark is nested under `parent`'s (a subject under its section).
    pub fn new_mark_under(&mut self, parent: Option<usize>) -> usize {
        let mark = self.new_mark();
        self.marks[mark].parent = parent;
        mark
    }

    /// Records that `mark` is here: on the current page, at the current height.
    pub fn set_mark(&mut self, mark: usize) {
        self.set_mark_at(mark, self.y);
    }

    fn set_mark_at(&mut self, mark: usize, y: f64) {
        self.marks[mark].at = Some((self.pages.len() - 1, y));
    }

    /// Puts a laid-out line on the current page with its left edge at `x` and its top at `y`,
    /// as part of `block`.
    fn put(&mut self, x: f64, y: f64, line: Line, block: Option<usize>) {
        for &mark in &line.anchors {
            self.set_mark_at(mark, y);
        }
        let block = self.figure.or(block);
        let page = self.page();
        for run in line.runs {
            page.items.push(Item::Text {
                x: x + run.x,
                y,
                run,
                block,
            });
        }
    }

    fn place(&mut self, x: f64, line: Line, block: usize) {
        self.put(x, self.y, line, Some(block));
    }

    /// A paragraph `indent` mm from the left margin, then `after` mm of space.
    pub fn paragraph(&mut self, spans: &[Span], indent: f64, after: f64) {
        let block = self.block(Role::Paragraph);
        self.lines(spans, indent, after, block);
    }

    fn lines(&mut self, spans: &[Span], indent: f64, after: f64, block: usize) {
        let lines = text::wrap(self.fonts, spans, WIDTH - indent);
        self.place_lines(lines, indent, after, block);
    }

    /// Lines already wrapped to `WIDTH - indent`, one under the other.
    fn place_lines(&mut self, lines: Vec<Line>, indent: f64, after: f64, block: usize) {
        for line in lines {
            let height = text::line_height(line.size.max(1));
            self.keep(height);
            self.place(LEFT + indent, line, block);
            self.y += height;
        }
        self.y += after;
    }

    /// A label on a line of its own ("Exculpatory information:", "Recorded by") that is never
    /// the last line of a page: it starts a page unless the first line of what follows fits
    /// under it, and if what follows starts a new page anyway (a list item kept whole), the
    /// label moves there with it, as a heading does.
    pub fn label(&mut self, spans: &[Span], after: f64) {
        let lines = text::wrap(self.fonts, spans, WIDTH);
        let height: f64 = lines.iter().map(|l| text::line_height(l.size.max(1))).sum();
        self.keep(height + after + text::line_height(10));
        let block = self.block(Role::Paragraph);
        let (top, start) = (self.y, self.page().items.len());
        self.place_lines(lines, 0.0, after, block);
        self.heading = Some(Placed {
            page: self.pages.len() - 1,
            start,
            end: self.page().items.len(),
            top,
            bottom: self.y,
            mark: None,
        });
    }

    /// A list item: `marker` in the gutter, the text `indent` mm from the margin. An item of up
    /// to a third of a page is kept on one page; a longer one starts with at least two lines.
    /// Items that follow each other make one list; an item indented further starts a list
    /// inside the one before.
    pub fn item(&mut self, marker: &str, spans: &[Span], indent: f64, after: f64) {
        let look = spans.first().map_or(Look::new(10), |s| s.look);
        let lines = text::wrap(self.fonts, spans, WIDTH - indent);
        let heights: Vec<f64> = lines
            .iter()
            .map(|l| text::line_height(l.size.max(1)))
            .collect();
        let whole: f64 = heights.iter().sum();
        let keep = if whole <= (BOTTOM - TOP) / 3.0 {
            whole
        } else {
            heights.iter().take(2).sum()
        };
        self.keep(keep.max(text::line_height(look.size)));
        let (label, body) = self.list_item(marker, indent);
        let marker_line = text::one_line(self.fonts, marker, look);
        let marker_x = LEFT + indent - marker_line.width - 1.5;
        self.place(marker_x, marker_line, label);
        self.place_lines(lines, indent, after, body);
        self.lists.after = self.blocks.len();
    }

    /// The blocks of a new item (its label and its body), in the list it belongs to.
    fn list_item(&mut self, marker: &str, indent: f64) -> (usize, usize) {
        if self.lists.after != self.blocks.len() {
            self.lists.open.clear();
        }
        while self
            .lists
            .open
            .last()
            .is_some_and(|&(at, _, _)| at > indent + 0.01)
        {
            self.lists.open.pop();
        }
        let list = match self.lists.open.last() {
            Some(&(at, list, _)) if (at - indent).abs() <= 0.01 => list,
            parent => {
                let parent = parent.map(|&(_, _, body)| body);
                let list = self.block(Role::List(parent, Numbering::of(marker)));
                self.lists.open.push((indent, list, list));
                list
            }
        };
        let item = self.block(Role::ListItem(list));
        let label = self.block(Role::Label(item));
        let body = self.block(Role::ListBody(item));
        if let Some(open) = self.lists.open.last_mut() {
            open.2 = body;
        }
        (label, body)
    }

    /// A paragraph that is part of the last list item (a command under an annex step): it does
    /// not end the list. Without an item before it, a paragraph.
    pub fn item_paragraph(&mut self, spans: &[Span], indent: f64, after: f64) {
        let open = self.lists.after == self.blocks.len();
        let role = match self.lists.open.last() {
            Some(&(_, _, body)) if open => Role::ParagraphIn(body),
            _ => Role::Paragraph,
        };
        let block = self.block(role);
        self.lines(spans, indent, after, block);
        if open {
            self.lists.after = self.blocks.len();
        }
    }

    /// A heading of `level` (1: a section) that stays with at least three lines of what
    /// follows; sets `mark` to it and makes the heading the mark's bookmark. A level deeper than
    /// one below the heading before is raised to it: the structure never skips a level.
    pub fn heading(&mut self, level: u8, spans: &[Span], before: f64, mark: Option<usize>) {
        let lines = text::wrap(self.fonts, spans, WIDTH);
        let height: f64 = lines.iter().map(|l| text::line_height(l.size.max(1))).sum();
        if self.y > TOP {
            self.y += before;
        }
        self.keep(height + 3.0 * text::line_height(10));
        let level = level.clamp(1, self.heading_level + 1).min(6);
        self.heading_level = level;
        let title: String = spans.iter().map(|s| s.text.as_str()).collect();
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        let block = self.block(Role::Heading(level, title.clone()));
        if let Some(mark) = mark {
            self.set_mark(mark);
            self.marks[mark].title = Some(title);
        }
        let (top, start) = (self.y, self.page().items.len());
        for line in lines {
            let h = text::line_height(line.size.max(1));
            self.place(LEFT, line, block);
            self.y += h;
        }
        self.y += 1.5;
        self.heading = Some(Placed {
            page: self.pages.len() - 1,
            start,
            end: self.page().items.len(),
            top,
            bottom: self.y,
            mark,
        });
    }

    /// A line of text with the page number of `mark` at the right margin (a contents entry);
    /// both link to the mark.
    pub fn entry(&mut self, spans: &[Span], indent: f64, mark: usize) {
        let look = spans.first().map_or(Look::new(10), |s| s.look);
        let spans: Vec<Span> = spans.iter().map(|s| s.clone().link(mark)).collect();
        // Room on the right for the number, so the layout never depends on its digits.
        let lines = text::wrap(self.fonts, &spans, WIDTH - indent - 14.0);
        let count = lines.len();
        let block = self.block(Role::Paragraph);
        for (i, line) in lines.into_iter().enumerate() {
            let height = text::line_height(line.size.max(1));
            self.keep(height);
            self.place(LEFT + indent, line, block);
            if i + 1 == count {
                let y = self.y;
                self.page().items.push(Item::PageOf {
                    right: LEFT + WIDTH,
                    y,
                    mark,
                    look,
                    block,
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
        let figure = self.figure;
        self.page().items.push(Item::Stroke {
            points,
            ink,
            figure,
        });
    }

    /// Text on one line at (`x`, `y`) of the current page, outside the flow (for drawings).
    pub fn text_at(&mut self, x: f64, y: f64, text: &str, look: Look) -> f64 {
        let line = text::one_line(self.fonts, text, look);
        let width = line.width;
        let block = self.block(Role::Paragraph);
        self.put(x, y, line, Some(block));
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

    /// A table; the header is repeated at the top of every page it continues on. A table of up
    /// to a third of a page is kept on one page. Rows are kept whole and at least two together:
    /// the table starts on a new page unless its first two rows fit under the header, and its last two rows go over together rather than leave the
    /// last one alone. A row too tall for a page continues on the next one.
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
        let rows: Vec<Vec<Vec<Line>>> = table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&table.widths)
                    .map(|(spans, w)| text::wrap(self.fonts, spans, w - 2.0 * PAD_X))
                    .collect()
            })
            .collect();
        let tallest = |cells: &Vec<Vec<Line>>| cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = |cells: &Vec<Vec<Line>>| tallest(cells) as f64 * lh + 2.0 * PAD_Y;
        // What must fit under the header for the table to start here: all of a short table (up
        // to a third of a page), else its first two rows (or one line of a row too tall for a
        // page).
        let page = BOTTOM - TOP - header_height;
        let whole: f64 = rows.iter().map(height).sum();
        let two: f64 = rows.iter().take(2).map(height).sum();
        let start = if whole <= (BOTTOM - TOP) / 3.0 {
            whole
        } else if two <= page {
            two
        } else {
            lh + 2.0 * PAD_Y
        };
        self.keep(header_height + start);
        let table_block = self.block(Role::Table);
        if ruled {
            let header_row = self.block(Role::Row(table_block));
            self.table_header(&header, &table.widths, lh, Some(header_row));
        }
        let last = rows.len().saturating_sub(1);
        // Rows of the table on the page so far.
        let mut on_page = 0;
        for (r, cells) in rows.iter().enumerate() {
            let row_block = self.block(Role::Row(table_block));
            let cell_blocks: Vec<usize> = cells
                .iter()
                .map(|_| self.block(Role::Cell(row_block)))
                .collect();
            let tallest = tallest(cells);
            // The last two rows together, when they fit on a page and the page already has
            // two rows of the table (so that moving them leaves no lone row behind).
            if r + 1 == last && r >= 2 && on_page >= 2 {
                let both = height(cells) + height(&rows[last]);
                if self.y + both > BOTTOM && both <= page {
                    self.continue_table(&header, &table.widths, lh, ruled);
                    on_page = 0;
                }
            }
            let mut done = 0;
            while done < tallest {
                let room = ((BOTTOM - self.y - 2.0 * PAD_Y) / lh).floor().max(0.0) as usize;
                let whole_fits_fresh = (tallest - done) as f64 * lh + 2.0 * PAD_Y <= page;
                if room == 0 || (room < tallest - done && whole_fits_fresh && done == 0) {
                    self.continue_table(&header, &table.widths, lh, ruled);
                    on_page = 0;
                    continue;
                }
                let take = room.min(tallest - done);
                let top = self.y + PAD_Y;
                let mut x = LEFT;
                for ((cell, w), block) in cells.iter().zip(&table.widths).zip(&cell_blocks) {
                    for (i, line) in cell.iter().skip(done).take(take).enumerate() {
                        let y = top + i as f64 * lh;
                        self.put(x + PAD_X, y, line.clone(), Some(*block));
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
                    self.continue_table(&header, &table.widths, lh, ruled);
                    on_page = 0;
                }
            }
            on_page += 1;
        }
        self.y += 3.0;
    }

    /// A new page with the table's header repeated.
    fn continue_table(&mut self, header: &[Vec<Line>], widths: &[f64], lh: f64, ruled: bool) {
        self.new_page();
        if ruled {
            self.table_header(header, widths, lh, None);
        }
    }

    /// The table's header: the first time as the header row `row`, on later pages (`None`) as
    /// a repetition that a reader's software skips.
    fn table_header(&mut self, header: &[Vec<Line>], widths: &[f64], lh: f64, row: Option<usize>) {
        let top = self.y + PAD_Y;
        let mut x = LEFT;
        let mut tallest = 1;
        for (cell, w) in header.iter().zip(widths) {
            tallest = tallest.max(cell.len());
            let block = row.map(|row| self.block(Role::HeaderCell(row)));
            for (i, line) in cell.iter().enumerate() {
                let y = top + i as f64 * lh;
                self.put(x + PAD_X, y, line.clone(), block);
            }
            x += w;
        }
        self.y = top + tallest as f64 * lh + PAD_Y;
        let y = self.y;
        self.stroke(vec![(LEFT, y), (LEFT + WIDTH, y)], Ink::Black);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of a 40-row table on each page it is on, the table starting `offset` mm down.
    fn rows_per_page(fonts: &Fonts, offset: f64) -> Vec<usize> {
        let mut flow = Flow::new(fonts);
        flow.space(offset);
        let rows = (0..40)
            .map(|r| vec![vec![Span::new(format!("R{r}"), Look::new(8))]])
            .collect();
        flow.table(&Table::new(vec![WIDTH], &["Id"], rows), Look::new(8));
        flow.pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter(|i| matches!(i, Item::Text { run, .. } if run.text.starts_with('R')))
                    .count()
            })
            .filter(|&n| n > 0)
            .collect()
    }

    #[test]
    fn a_table_never_leaves_one_row_alone_on_a_page_wherever_it_starts() {
        let fonts = Fonts::new(&[]).unwrap();
        let mut split = 0;
        for offset in 0..250 {
            let pages = rows_per_page(&fonts, f64::from(offset));
            assert_eq!(pages.iter().sum::<usize>(), 40);
            assert!(pages.iter().all(|&n| n >= 2), "at {offset} mm: {pages:?}");
            split += usize::from(pages.len() > 1);
        }
        assert!(split > 100, "the table crosses a page break: {split}");
    }
}
