//! The narrative's Markdown (`narrative/*.md`) as blocks the layout can flow: headings,
//! paragraphs, list items, quotations and code, with bold, italic and links kept as looks.
//!
//! A link prints its text and, when it leads outside the dossier, its address in brackets: a
//! paper copy must still say where a source is. Raw HTML is printed as text, never interpreted.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::fonts::{Ink, Look};
use super::text::Span;

/// A block of the narrative.
#[derive(Debug, Clone)]
pub enum Block {
    /// Level 1 is the largest.
    Heading(u8, Vec<Span>),
    Paragraph(Vec<Span>),
    /// A list item: its nesting depth (1 is top level), its marker and its text.
    Item(usize, String, Vec<Span>),
    Quote(Vec<Span>),
    Code(String),
    Rule,
    /// A table: the header's cells, then each row's.
    Table(Vec<Vec<Span>>, Vec<Vec<Vec<Span>>>),
}

impl Block {
    /// All the text of the block, for the font coverage check.
    pub fn text(&self) -> String {
        match self {
            Block::Heading(_, spans)
            | Block::Paragraph(spans)
            | Block::Item(_, _, spans)
            | Block::Quote(spans) => spans.iter().map(|s| s.text.as_str()).collect(),
            Block::Code(text) => text.clone(),
            Block::Rule => String::new(),
            Block::Table(header, rows) => header
                .iter()
                .chain(rows.iter().flatten())
                .flatten()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Parses Markdown written at `size` points.
pub fn parse(markdown: &str, size: u8) -> Vec<Block> {
    let mut reader = Reader::new(size);
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => reader.start(tag),
            Event::End(tag) => reader.end(tag),
            Event::Text(text) => match reader.code.as_mut() {
                Some(code) => code.push_str(&text),
                // A provision cited in prose stays with its number, as in the templates.
                None => reader.push(super::text::bind_numbers(&text)),
            },
            Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                reader.push(text.to_string())
            }
            Event::SoftBreak => reader.push_plain(" "),
            Event::HardBreak => reader.push_plain("\n"),
            Event::Rule => {
                reader.flush();
                reader.blocks.push(Block::Rule);
            }
            _ => {}
        }
    }
    reader.flush();
    reader.blocks
}

/// The state of the parse: the blocks so far, the spans of the open block, and the open
/// emphasis, link, quotation, lists and code block.
struct Reader {
    size: u8,
    blocks: Vec<Block>,
    spans: Vec<Span>,
    bold: i32,
    italic: i32,
    link: Option<String>,
    quote: i32,
    /// Per open list: the next number, or None for bullets.
    lists: Vec<Option<u64>>,
    item_marker: Option<(usize, String)>,
    code: Option<String>,
    table: Option<OpenTable>,
}

/// A table being read: its header, its rows, and the cells of the open row.
type Cells = Vec<Vec<Span>>;
type OpenTable = (Cells, Vec<Cells>, Cells);

impl Reader {
    fn new(size: u8) -> Reader {
        Reader {
            size,
            blocks: Vec::new(),
            spans: Vec::new(),
            bold: 0,
            italic: 0,
            link: None,
            quote: 0,
            lists: Vec::new(),
            item_marker: None,
            code: None,
            table: None,
        }
    }

    fn look(&self, bold: i32, italic: i32, link: bool) -> Look {
        let mut look = Look::new(self.size);
        look.bold = bold > 0;
        look.italic = italic > 0;
        if link {
            look.ink = Ink::Blue;
        }
        look
    }

    /// Text in the current emphasis and link.
    fn push(&mut self, text: String) {
        let look = self.look(self.bold, self.italic, self.link.is_some());
        self.spans.push(Span::new(text, look));
    }

    /// A space or line break: emphasised, never a link.
    fn push_plain(&mut self, text: &str) {
        let look = self.look(self.bold, self.italic, false);
        self.spans.push(Span::new(text, look));
    }

    /// Ends the open block (a list item, a quotation or a paragraph) unless it is blank.
    fn flush(&mut self) {
        if self.spans.iter().all(|s| s.text.trim().is_empty()) {
            self.spans.clear();
            return;
        }
        let taken = std::mem::take(&mut self.spans);
        self.blocks.push(match self.item_marker.take() {
            Some((depth, marker)) => Block::Item(depth, marker, taken),
            None if self.quote > 0 => Block::Quote(taken),
            None => Block::Paragraph(taken),
        });
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { .. } => {
                self.flush();
                self.bold += 1;
            }
            Tag::Paragraph => self.flush(),
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::List(first) => {
                self.flush();
                self.lists.push(first);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => if self.lists.len() > 1 { "–" } else { "•" }.to_string(),
                };
                self.item_marker = Some((self.lists.len(), marker));
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Link { dest_url, .. } => self.link = Some(dest_url.to_string()),
            Tag::Image { dest_url, .. } => {
                let look = self.look(self.bold, 1, false);
                self.spans
                    .push(Span::new(format!("[image: {dest_url}] "), look));
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = Some(String::new());
            }
            Tag::Table(_) => {
                self.flush();
                self.table = Some((Vec::new(), Vec::new(), Vec::new()));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                self.bold -= 1;
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                let spans = std::mem::take(&mut self.spans);
                self.blocks.push(Block::Heading(level, spans));
            }
            TagEnd::Paragraph | TagEnd::Item => self.flush(),
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote -= 1;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Emphasis => self.italic -= 1,
            TagEnd::Strong => self.bold -= 1,
            TagEnd::Link => {
                if let Some(url) = self.link.take()
                    && url.contains(':')
                    && self.spans.last().is_none_or(|s| s.text != url)
                {
                    let look = self.look(0, 0, true);
                    self.spans.push(Span::new(format!(" <{url}>"), look));
                }
            }
            TagEnd::CodeBlock => {
                if let Some(text) = self.code.take() {
                    self.blocks.push(Block::Code(text.trim_end().to_string()));
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some((_, _, row)) = self.table.as_mut() {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some((header, _, row)) = self.table.as_mut() {
                    *header = std::mem::take(row);
                }
            }
            TagEnd::TableRow => {
                if let Some((_, rows, row)) = self.table.as_mut() {
                    rows.push(std::mem::take(row));
                }
            }
            TagEnd::Table => {
                if let Some((header, rows, _)) = self.table.take() {
                    self.blocks.push(Block::Table(header, rows));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_emphasis_and_links() {
        let md = "# Title\n\nSome **bold** and *italic* text, see [the report](https://example.org/r).\n\n- one\n- two\n  1. nested\n\n> quoted\n";
        let blocks = parse(md, 10);
        assert!(matches!(&blocks[0], Block::Heading(1, s) if s[0].text == "Title"));
        let Block::Paragraph(spans) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(spans.iter().any(|s| s.text == "bold" && s.look.bold));
        assert!(spans.iter().any(|s| s.text == "italic" && s.look.italic));
        assert!(
            spans
                .iter()
                .any(|s| s.text == " <https://example.org/r>" && s.look.ink == Ink::Blue)
        );
        assert!(matches!(&blocks[2], Block::Item(1, m, _) if m == "•"));
        assert!(matches!(&blocks[3], Block::Item(1, _, _)));
        assert!(matches!(&blocks[4], Block::Item(2, m, _) if m == "1."));
        assert!(matches!(&blocks[5], Block::Quote(_)));
    }

    #[test]
    fn a_table_is_a_table_not_pipes() {
        let md = "Before.\n\n| Name | Role |\n|---|---|\n| Vadim **Orzhelov** | commander |\n| Nizar | judge |\n\nAfter.\n";
        let blocks = parse(md, 10);
        let Block::Table(header, rows) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(header.len(), 2);
        assert_eq!(header[0][0].text, "Name");
        assert_eq!(rows.len(), 2);
        assert!(
            rows[0][0]
                .iter()
                .any(|s| s.text == "Orzhelov" && s.look.bold)
        );
        assert_eq!(rows[1][1][0].text, "judge");
        assert!(!blocks[1].text().contains('|'));
        assert!(matches!(&blocks[2], Block::Paragraph(_)));
    }
}
