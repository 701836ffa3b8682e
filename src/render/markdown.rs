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
        }
    }
}

/// Parses Markdown written at `size` points.
pub fn parse(markdown: &str, size: u8) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut bold = 0;
    let mut italic = 0;
    let mut link: Option<String> = None;
    let mut quote = 0;
    // Per open list: the next number, or None for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut item_marker: Option<(usize, String)> = None;
    let mut code: Option<String> = None;
    let look = |bold: i32, italic: i32, link: bool| {
        let mut look = Look::new(size);
        look.bold = bold > 0;
        look.italic = italic > 0;
        if link {
            look.ink = Ink::Blue;
        }
        look
    };
    let flush = |spans: &mut Vec<Span>,
                 blocks: &mut Vec<Block>,
                 item: &mut Option<(usize, String)>,
                 quote: i32| {
        if spans.iter().all(|s| s.text.trim().is_empty()) {
            spans.clear();
            return;
        }
        let taken = std::mem::take(spans);
        blocks.push(match item.take() {
            Some((depth, marker)) => Block::Item(depth, marker, taken),
            None if quote > 0 => Block::Quote(taken),
            None => Block::Paragraph(taken),
        });
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                bold += 1;
            }
            Event::End(TagEnd::Heading(level)) => {
                bold -= 1;
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                blocks.push(Block::Heading(level, std::mem::take(&mut spans)));
            }
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
            }
            Event::Start(Tag::BlockQuote(_)) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                quote -= 1;
            }
            Event::Start(Tag::List(first)) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => if lists.len() > 1 { "–" } else { "•" }.to_string(),
                };
                item_marker = Some((lists.len(), marker));
            }
            Event::End(TagEnd::Item) => flush(&mut spans, &mut blocks, &mut item_marker, quote),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic -= 1,
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.take()
                    && url.contains(':')
                    && spans.last().is_none_or(|s| s.text != url)
                {
                    spans.push(Span::new(format!(" <{url}>"), look(0, 0, true)));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                spans.push(Span::new(
                    format!("[image: {dest_url}] "),
                    look(bold, 1, false),
                ));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                code = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(text) = code.take() {
                    blocks.push(Block::Code(text.trim_end().to_string()));
                }
            }
            Event::Text(text) => match code.as_mut() {
                Some(code) => code.push_str(&text),
                None => spans.push(Span::new(
                    text.to_string(),
                    look(bold, italic, link.is_some()),
                )),
            },
            Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                spans.push(Span::new(
                    text.to_string(),
                    look(bold, italic, link.is_some()),
                ));
            }
            Event::SoftBreak => spans.push(Span::new(" ", look(bold, italic, false))),
            Event::HardBreak => spans.push(Span::new("\n", look(bold, italic, false))),
            Event::Rule => {
                flush(&mut spans, &mut blocks, &mut item_marker, quote);
                blocks.push(Block::Rule);
            }
            _ => {}
        }
    }
    flush(&mut spans, &mut blocks, &mut item_marker, quote);
    blocks
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
}
