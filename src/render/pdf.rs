//! Laid-out pages into archival PDF bytes, drawn with krilla.
//!
//! Owns the file format: fonts embedded as subsets, Arabic drawn as typed (krilla shapes it and
//! maps every glyph back to the letters typed), bookmarks for the marks that have a title, links
//! to marks, the tagged structure (headings, paragraphs, tables, the chart as a figure; page
//! furniture and rules as artifacts), the metadata (title, author, language, dates, XMP), and
//! PDF/A-2b and PDF/UA-1, which krilla checks before it writes a byte. Nothing here reads the
//! clock: the dates are the build's and the document id is derived from what the document is
//! about, so the same case and date give the same bytes.

use std::num::NonZeroU16;

use chrono::{Datelike, NaiveDate};
use krilla::Document;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::fonts::{Fonts, Ink, Look};
use super::layout::{Item, LEFT, Mark, Numbering, PAGE_HEIGHT, PAGE_WIDTH, Page, Role, WIDTH};
use super::text::{self, Run};
use crate::error::{Error, Result};

/// What every page carries at its top and bottom.
pub struct Furniture {
    /// Top left: the case id and the regime.
    pub header_left: String,
    /// Top right: the confidentiality marking.
    pub header_right: String,
    /// Bottom left: the exhibit fingerprint.
    pub footer_left: String,
}

/// The document information (and its XMP twin).
pub struct Meta {
    pub title: String,
    /// The lead organisation.
    pub author: Option<String>,
    pub subject: String,
    pub keywords: Vec<String>,
    /// The language of the text, as BCP 47.
    pub language: String,
    pub date: NaiveDate,
    /// Makes the document id: the same seed gives the same id.
    pub seed: Vec<u8>,
}

/// The laid-out document.
pub struct Laid<'a> {
    pub pages: &'a [Page],
    pub marks: &'a [Mark],
    pub blocks: &'a [Role],
}

/// Millimetres to PDF points.
fn pt(mm: f64) -> f32 {
    (mm * 72.0 / 25.4) as f32
}

/// Draws the pages and returns the finished PDF.
pub fn draw(fonts: &Fonts, laid: &Laid, furniture: &Furniture, meta: &Meta) -> Result<Vec<u8>> {
    let failed = |what: &str, e: &dyn std::fmt::Debug| {
        Error::input(
            format!("cannot render the PDF ({what}): {e:?}"),
            "report this as a bug, with the case's case.json if you can share it",
        )
    };
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| failed("configuration", &e))?;
    let settings = krilla::SerializeSettings {
        configuration,
        enable_tagging: true,
        ..Default::default()
    };
    let mut document = Document::new_with(settings);
    let mut painter = Painter {
        fonts,
        krilla_fonts: fonts
            .files()
            .iter()
            .map(|f| Font::new(f.data.into(), 0).expect("the font parsed before"))
            .collect(),
        marks: laid.marks,
        nodes: vec![Vec::new(); laid.blocks.len()],
        open: None,
    };
    let small = Look::new(7).ink(Ink::Grey);
    let header_left = text::one_line(fonts, &furniture.header_left, small);
    let header_right = text::one_line(fonts, &furniture.header_right, small);
    let footer_left = text::one_line(fonts, &furniture.footer_left, small);
    let total = laid.pages.len();
    let size = Size::from_wh(pt(PAGE_WIDTH), pt(PAGE_HEIGHT)).expect("A4 is a size");
    for (number, page) in laid.pages.iter().enumerate() {
        let mut pdf_page = document.start_page_with(PageSettings::new(size));
        let mut links = Vec::new();
        {
            let mut surface = pdf_page.surface();
            let page_of = text::one_line(fonts, &format!("Page {} of {total}", number + 1), small);
            for (line, y, right, kind) in [
                (&header_left, 10.0, false, ArtifactType::Header),
                (&header_right, 10.0, true, ArtifactType::Header),
                (
                    &footer_left,
                    PAGE_HEIGHT - 13.0,
                    false,
                    ArtifactType::Footer,
                ),
                (&page_of, PAGE_HEIGHT - 13.0, true, ArtifactType::PageNumber),
            ] {
                let x = if right {
                    LEFT + WIDTH - line.width
                } else {
                    LEFT
                };
                painter.artifact(&mut surface, kind);
                for run in &line.runs {
                    painter.text(&mut surface, x + run.x, y, run);
                }
            }
            painter.artifact(&mut surface, ArtifactType::Header);
            stroke(
                &mut surface,
                &[(LEFT, 14.5), (LEFT + WIDTH, 14.5)],
                Ink::Grey,
            );
            for item in &page.items {
                painter.item(&mut surface, item, &mut links);
            }
            painter.close(&mut surface);
            surface.finish();
        }
        for link in links {
            let id = pdf_page.add_tagged_annotation(link.annotation);
            painter.nodes[link.block][link.slot] = Some(
                TagGroup::with_children(Tag::Link, vec![link.content.into(), id.into()]).into(),
            );
        }
        pdf_page.finish();
    }
    document.set_outline(outline(laid.marks));
    document.set_metadata(metadata(meta));
    document.set_tag_tree(tag_tree(laid.blocks, painter.nodes, &meta.language));
    document.finish().map_err(|e| failed("write", &e))
}

/// A link annotation waiting for its page's drawing to finish: it goes into `block` at `slot`,
/// together with the text it covers.
struct PendingLink {
    annotation: Annotation,
    content: Identifier,
    block: usize,
    slot: usize,
}

/// Draws items, keeping the tagged content of each block in reading order.
struct Painter<'a> {
    fonts: &'a Fonts,
    krilla_fonts: Vec<Font>,
    marks: &'a [Mark],
    /// Each block's children (`None`: a link still to be added).
    nodes: Vec<Vec<Option<Node>>>,
    /// The marked content being drawn: the items of one block (or artifacts of one kind) that
    /// follow each other on a page share one, instead of one per run of text.
    open: Option<Open>,
}

/// A marked-content sequence still open on the page being drawn.
enum Open {
    /// Text of `block`, in the language `lang` (`None`: the document's).
    Text {
        block: usize,
        lang: Option<&'static str>,
        id: Identifier,
    },
    Artifact(ArtifactType),
}

impl Painter<'_> {
    fn item(&mut self, surface: &mut Surface, item: &Item, links: &mut Vec<PendingLink>) {
        match item {
            Item::Text { x, y, run, block } => match block {
                Some(block) if self.link_target(run.link).is_none() => {
                    self.open_text(surface, *block, lang(&run.text));
                    self.text(surface, *x, *y, run);
                }
                Some(block) => {
                    let content = self.tagged_text(surface, *x, *y, run);
                    self.content(*block, content, run.link, (*x, *y, run), links);
                }
                None => {
                    self.artifact(surface, ArtifactType::PaginationOther);
                    self.text(surface, *x, *y, run);
                }
            },
            Item::PageOf {
                right,
                y,
                mark,
                look,
                block,
            } => {
                let page = self.marks.get(*mark).and_then(|m| m.at).map_or(0, |a| a.0);
                let line = text::one_line(self.fonts, &(page + 1).to_string(), *look);
                for run in &line.runs {
                    let x = right - line.width + run.x;
                    let content = self.tagged_text(surface, x, *y, run);
                    self.content(*block, content, Some(*mark), (x, *y, run), links);
                }
            }
            Item::Stroke {
                points,
                ink,
                figure,
            } => match figure {
                Some(figure) => {
                    self.close(surface);
                    let id = surface.start_tagged(ContentTag::Other);
                    stroke(surface, points, *ink);
                    surface.end_tagged();
                    self.nodes[*figure].push(Some(id.into()));
                }
                None => {
                    self.artifact(surface, ArtifactType::Layout);
                    stroke(surface, points, *ink);
                }
            },
        }
    }

    /// Ends the open marked content, if any, and files it under its block.
    fn close(&mut self, surface: &mut Surface) {
        match self.open.take() {
            Some(Open::Text { block, id, .. }) => {
                surface.end_tagged();
                self.nodes[block].push(Some(id.into()));
            }
            Some(Open::Artifact(_)) => surface.end_tagged(),
            None => {}
        }
    }

    /// Makes sure what is drawn next is text of `block` in `lang`.
    fn open_text(&mut self, surface: &mut Surface, block: usize, lang: Option<&'static str>) {
        if matches!(&self.open, Some(Open::Text { block: b, lang: l, .. }) if *b == block && *l == lang)
        {
            return;
        }
        self.close(surface);
        let id = surface.start_tagged(ContentTag::Span(SpanTag::empty().with_lang(lang)));
        self.open = Some(Open::Text { block, lang, id });
    }

    /// Makes sure what is drawn next is an artifact of `kind`.
    fn artifact(&mut self, surface: &mut Surface, kind: ArtifactType) {
        if matches!(&self.open, Some(Open::Artifact(k)) if *k == kind) {
            return;
        }
        self.close(surface);
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
        self.open = Some(Open::Artifact(kind));
    }

    /// Where a link to `mark` goes, if the mark was laid out.
    fn link_target(&self, mark: Option<usize>) -> Option<(usize, f64)> {
        mark.and_then(|m| self.marks.get(m)).and_then(|m| m.at)
    }

    /// Puts drawn text into its block, inside a link if it has a target that was laid out.
    fn content(
        &mut self,
        block: usize,
        content: Identifier,
        link: Option<usize>,
        (x, y, run): (f64, f64, &Run),
        links: &mut Vec<PendingLink>,
    ) {
        let Some((page, top)) = self.link_target(link) else {
            self.nodes[block].push(Some(content.into()));
            return;
        };
        let height = text::line_height(run.look.size);
        let Some(rect) = Rect::from_xywh(pt(x), pt(y), pt(run.width).max(0.1), pt(height)) else {
            self.nodes[block].push(Some(content.into()));
            return;
        };
        let destination = XyzDestination::new(page, Point::from_xy(pt(LEFT), pt(top)));
        let annotation = Annotation::new_link(
            LinkAnnotation::new(rect, Target::Destination(Destination::Xyz(destination))),
            Some(format!("Go to page {}", page + 1)),
        );
        links.push(PendingLink {
            annotation,
            content,
            block,
            slot: self.nodes[block].len(),
        });
        self.nodes[block].push(None);
    }

    /// A run in marked content of its own (the text of a link).
    fn tagged_text(&mut self, surface: &mut Surface, x: f64, y: f64, run: &Run) -> Identifier {
        self.close(surface);
        let id = surface.start_tagged(ContentTag::Span(
            SpanTag::empty().with_lang(lang(&run.text)),
        ));
        self.text(surface, x, y, run);
        surface.end_tagged();
        id
    }

    /// A run with its left edge at `x` mm and the top of its line at `y` mm.
    fn text(&self, surface: &mut Surface, x: f64, y: f64, run: &Run) {
        let index = self.fonts.file_index(run.face);
        let face = &self.fonts.files()[index].face;
        // The baseline sits one glyph height (ascender to descender) below the top of the line.
        let height = f64::from(face.ascender() - face.descender()) / f64::from(face.units_per_em());
        let baseline = y + height * f64::from(run.look.size) * 25.4 / 72.0;
        surface.set_fill(Some(fill(run.look.ink)));
        surface.set_stroke(None);
        surface.draw_glyphs(
            Point::from_xy(pt(x), pt(baseline)),
            &shape(self.fonts, index, &run.text, run.rtl),
            self.krilla_fonts[index].clone(),
            &run.text,
            f32::from(run.look.size),
            false,
        );
    }
}

/// `text` shaped in one direction, as krilla's `Surface::draw_text` shapes it, but with the face
/// parsed and the shaping plan made once per document instead of once per run. Each glyph knows the bytes of `text` it
/// stands for (its cluster), from which krilla writes the Unicode map.
fn shape(fonts: &Fonts, file: usize, text: &str, rtl: bool) -> Vec<KrillaGlyph> {
    let face = &fonts.files()[file].face;
    let infos = fonts.shape(file, text, rtl);
    let em = face.units_per_em() as f32;
    (0..infos.len())
        .map(|i| {
            let cluster = infos[i].cluster;
            // A cluster ends where the next one (in logical order) starts: after this glyph's
            // run of the same cluster when left to right, before it when right to left.
            let mut next = None;
            if rtl {
                let mut k = i;
                while k > 0 {
                    k -= 1;
                    if infos[k].cluster != cluster {
                        next = Some(infos[k].cluster as usize);
                        break;
                    }
                }
            } else {
                next = infos[i..]
                    .iter()
                    .find(|g| g.cluster != cluster)
                    .map(|g| g.cluster as usize);
            }
            let p = infos[i];
            KrillaGlyph::new(
                GlyphId::new(p.glyph),
                p.x_advance as f32 / em,
                p.x_offset as f32 / em,
                p.y_offset as f32 / em,
                p.y_advance as f32 / em,
                cluster as usize..next.unwrap_or(text.len()),
                None,
            )
        })
        .collect()
}

/// The language of a run when it is not the document's: Arabic script is tagged as Arabic.
fn lang(text: &str) -> Option<&'static str> {
    text.chars().any(is_arabic).then_some("ar")
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn color(ink: Ink) -> rgb::Color {
    let (r, g, b) = ink.rgb();
    rgb::Color::new(r, g, b)
}

fn fill(ink: Ink) -> Fill {
    Fill {
        paint: color(ink).into(),
        ..Default::default()
    }
}

fn stroke(surface: &mut Surface, points: &[(f64, f64)], ink: Ink) {
    let mut path = PathBuilder::new();
    for (i, &(x, y)) in points.iter().enumerate() {
        if i == 0 {
            path.move_to(pt(x), pt(y));
        } else {
            path.line_to(pt(x), pt(y));
        }
    }
    let Some(path) = path.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: color(ink).into(),
        width: 1.0,
        ..Default::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

/// One bookmark per mark with a title, nested under its parent's, in the order of the pages.
fn outline(marks: &[Mark]) -> Outline {
    let node = |i: usize| -> Option<OutlineNode> {
        let mark = &marks[i];
        let (page, top) = mark.at?;
        let title = mark.title.clone()?;
        Some(OutlineNode::new(
            title,
            XyzDestination::new(page, Point::from_xy(pt(LEFT), pt(top))),
        ))
    };
    let placed = |parent: Option<usize>| {
        let mut children: Vec<usize> = (0..marks.len())
            .filter(|&i| marks[i].parent == parent && marks[i].title.is_some())
            .filter(|&i| marks[i].at.is_some())
            .collect();
        children.sort_by(|&a, &b| {
            let (pa, ya) = marks[a].at.unwrap_or_default();
            let (pb, yb) = marks[b].at.unwrap_or_default();
            (pa, ya)
                .partial_cmp(&(pb, yb))
                .expect("heights are numbers")
        });
        children
    };
    let mut outline = Outline::new();
    for top in placed(None) {
        let Some(mut section) = node(top) else {
            continue;
        };
        for child in placed(Some(top)) {
            if let Some(child) = node(child) {
                section.push_child(child);
            }
        }
        outline.push_child(section);
    }
    outline
}

fn metadata(meta: &Meta) -> Metadata {
    let date = DateTime::new(meta.date.year() as u16)
        .month(meta.date.month() as u8)
        .day(meta.date.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    let id = <sha2::Sha256 as sha2::Digest>::digest(&meta.seed);
    let id: String = id[..16].iter().map(|b| format!("{b:02x}")).collect();
    let mut metadata = Metadata::new()
        .title(meta.title.clone())
        .description(meta.subject.clone())
        .keywords(meta.keywords.clone())
        .language(meta.language.clone())
        .creator("dossier".to_string())
        .producer(format!("dossier {}", env!("CARGO_PKG_VERSION")))
        .creation_date(date)
        .document_id(id);
    if let Some(author) = &meta.author {
        metadata = metadata.authors(vec![author.clone()]);
    }
    metadata
}

/// The blocks as a tag tree: a table holds its rows, a row its cells; the rest in reading order.
fn tag_tree(blocks: &[Role], nodes: Vec<Vec<Option<Node>>>, language: &str) -> TagTree {
    let mut children: Vec<Vec<Node>> = nodes
        .into_iter()
        .map(|n| n.into_iter().flatten().collect())
        .collect();
    // A block's own content comes before the blocks nested in it (an item's text before the
    // list inside it).
    let own: Vec<usize> = children.iter().map(Vec::len).collect();
    let mut groups: Vec<Option<TagGroup>> = (0..blocks.len()).map(|_| None).collect();
    // A block's parent comes before it: build from the last, so children are complete first.
    for i in (0..blocks.len()).rev() {
        let kind: TagKind = match &blocks[i] {
            Role::Heading(level, title) => Tag::Hn(
                NonZeroU16::new(u16::from(*level)).expect("levels start at 1"),
                Some(title.clone()),
            )
            .into(),
            Role::Paragraph | Role::ParagraphIn(_) => Tag::P.into(),
            Role::List(_, numbering) => Tag::L(match numbering {
                Numbering::Bullet => ListNumbering::Disc,
                Numbering::Decimal => ListNumbering::Decimal,
                Numbering::Other => ListNumbering::None,
            })
            .into(),
            Role::ListItem(_) => Tag::LI.into(),
            Role::Label(_) => Tag::Lbl.into(),
            Role::ListBody(_) => Tag::LBody.into(),
            Role::Table => Tag::Table.into(),
            Role::Row(_) => Tag::TR.into(),
            Role::HeaderCell(_) => Tag::TH(TableHeaderScope::Column).into(),
            Role::Cell(_) => Tag::TD.into(),
            Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
        };
        let group = TagGroup::with_children(kind, std::mem::take(&mut children[i]));
        match &blocks[i] {
            Role::Row(parent)
            | Role::HeaderCell(parent)
            | Role::Cell(parent)
            | Role::ListItem(parent)
            | Role::Label(parent)
            | Role::ListBody(parent)
            | Role::ParagraphIn(parent)
            | Role::List(Some(parent), _) => {
                children[*parent].insert(own[*parent], group.into());
            }
            _ => groups[i] = Some(group),
        }
    }
    let mut tree = TagTree::new().with_lang(Some(language.to_string()));
    for group in groups.into_iter().flatten() {
        tree.push(group);
    }
    tree
}
