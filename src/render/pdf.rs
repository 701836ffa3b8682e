//! Laid-out pages into PDF bytes with genpdf, then made reproducible.
//!
//! genpdf (through printpdf) stamps the clock into /CreationDate and /ModDate and gives the
//! document a random /ID, and leaves page and font streams uncompressed. The rendered file is
//! read back with lopdf, the dates are set from the dossier's date, the /ID is derived from what
//! the document is about, and every stream is compressed: the same case and date give the same
//! bytes, in debug and release builds alike.

use std::io::Write;

use chrono::NaiveDate;
use genpdf::render::Renderer;
use genpdf::{Mm, Position, Size};
use lopdf::{Object, StringFormat};

use super::fonts::{Fonts, Ink, Look};
use super::layout::{Item, LEFT, PAGE_HEIGHT, PAGE_WIDTH, Page, WIDTH};
use super::text;
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

/// The document information.
pub struct Meta {
    pub title: String,
    pub date: NaiveDate,
    /// Makes the document's /ID: the same seed gives the same id.
    pub seed: Vec<u8>,
}

/// Draws the pages and returns the finished PDF.
pub fn draw(
    mut fonts: Fonts,
    pages: &[Page],
    marks: &[usize],
    furniture: &Furniture,
    meta: &Meta,
) -> Result<Vec<u8>> {
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        Error::input(
            format!("cannot render the PDF ({what}): {e}"),
            "report this as a bug, with the case's case.json if you can share it",
        )
    };
    let size = Size::new(PAGE_WIDTH, PAGE_HEIGHT);
    let mut renderer = Renderer::new(size, &meta.title)
        .map_err(|e| failed("start", &e))?
        .with_conformance(printpdf::PdfConformance::Custom(
            printpdf::CustomPdfConformance {
                requires_icc_profile: false,
                requires_xmp_metadata: false,
                ..Default::default()
            },
        ));
    fonts
        .cache_mut()
        .load_pdf_fonts(&renderer)
        .map_err(|e| failed("fonts", &e))?;
    let total = pages.len();
    let small = Look::new(7).ink(Ink::Grey);
    let header_left = text::one_line(&fonts, &furniture.header_left, small);
    let header_right = text::one_line(&fonts, &furniture.header_right, small);
    let footer_left = text::one_line(&fonts, &furniture.footer_left, small);
    for (number, page) in pages.iter().enumerate() {
        if number > 0 {
            renderer.add_page(size);
        }
        let layer = renderer.last_page().first_layer();
        let area = layer.area();
        let print = |x: f64, y: f64, run: &text::Run| -> Result<()> {
            area.print_str(
                fonts.cache(),
                Position::new(Mm::from(x), Mm::from(y)),
                fonts.style(run.face, run.look),
                &run.text,
            )
            .map(|_| ())
            .map_err(|e| failed("text", &e))
        };
        // Left-aligned at the margin, or right-aligned against it.
        let furniture_line = |y: f64, line: &text::Line, right: bool| -> Result<()> {
            let x = if right {
                LEFT + WIDTH - line.width
            } else {
                LEFT
            };
            line.runs
                .iter()
                .try_for_each(|run| print(x + run.x, y, run))
        };
        furniture_line(10.0, &header_left, false)?;
        furniture_line(10.0, &header_right, true)?;
        area.draw_line(
            vec![Position::new(LEFT, 14.5), Position::new(LEFT + WIDTH, 14.5)],
            genpdf::style::Style::new().with_color(Ink::Grey.color()),
        );
        furniture_line(PAGE_HEIGHT - 13.0, &footer_left, false)?;
        let page_of = text::one_line(&fonts, &format!("Page {} of {total}", number + 1), small);
        furniture_line(PAGE_HEIGHT - 13.0, &page_of, true)?;
        for item in &page.items {
            match item {
                Item::Text { x, y, run } => print(*x, *y, run)?,
                Item::PageOf {
                    right,
                    y,
                    mark,
                    look,
                } => {
                    let number = marks.get(*mark).map_or(0, |p| p + 1).to_string();
                    let line = text::one_line(&fonts, &number, *look);
                    for run in &line.runs {
                        print(right - line.width + run.x, *y, run)?;
                    }
                }
                Item::Stroke { points, ink } => area.draw_line(
                    points
                        .iter()
                        .map(|&(x, y)| Position::new(Mm::from(x), Mm::from(y)))
                        .collect(),
                    genpdf::style::Style::new().with_color(ink.color()),
                ),
            }
        }
    }
    let mut raw = Vec::new();
    renderer.write(&mut raw).map_err(|e| failed("write", &e))?;
    finish(&raw, meta).map_err(|e| failed("finish", &e))
}

/// Sets the dates, producer and /ID, and compresses every stream.
fn finish(raw: &[u8], meta: &Meta) -> std::result::Result<Vec<u8>, lopdf::Error> {
    let mut doc = lopdf::Document::load_mem(raw)?;
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            compress(stream)?;
        }
    }
    let date = format!("D:{}000000Z", meta.date.format("%Y%m%d"));
    let info_id = doc.trailer.get(b"Info")?.as_reference()?;
    let info = doc.get_object_mut(info_id)?.as_dict_mut()?;
    info.set("CreationDate", Object::string_literal(date.clone()));
    info.set("ModDate", Object::string_literal(date));
    info.set(
        "Producer",
        Object::string_literal(format!("dossier {}", env!("CARGO_PKG_VERSION"))),
    );
    info.set("Creator", Object::string_literal("dossier"));
    // PDF text strings outside ASCII are UTF-16BE with a byte order mark (PDF 1.7, 7.9.2.2).
    let mut title = vec![0xFE, 0xFF];
    title.extend(meta.title.encode_utf16().flat_map(u16::to_be_bytes));
    info.set("Title", Object::String(title, StringFormat::Hexadecimal));
    let id = <sha2::Sha256 as sha2::Digest>::digest(&meta.seed);
    let id = Object::String(id[..16].to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let mut out = Vec::new();
    doc.save_to(&mut out)?;
    Ok(out)
}

/// Flate at the default level: fonts are the bulk, and `best` takes twice as long for 2% less.
fn compress(stream: &mut lopdf::Stream) -> std::result::Result<(), lopdf::Error> {
    if stream.dict.get(b"Filter").is_ok() {
        return Ok(());
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&stream.content)?;
    let packed = encoder.finish()?;
    if packed.len() < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
    Ok(())
}
