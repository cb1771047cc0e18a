//! The little layout kit the documents are drawn with: pages measured in millimetres from the
//! top-left corner (as a designer measures a label, not as PDF does, from the bottom-left in
//! points), text in Noto Sans regular or bold, lines, boxes and filled rectangles. `finish`
//! writes the PDF with `pdf-writer`: one Type 0 font per weight, subset to the glyphs used and
//! with a `ToUnicode` map so the text can be searched and copied.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::font::{UsedGlyphs, Weight, typeface};

pub(crate) const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// A4 portrait, for the CN 23 and the commercial invoice.
pub(crate) const A4_MM: (f32, f32) = (210.0, 297.0);

/// The 100 × 150 mm (4 × 6 in) label thermal printers take.
pub(crate) const LABEL_MM: (f32, f32) = (100.0, 150.0);

/// A document being drawn: its pages' content so far and the glyphs they use.
pub(crate) struct Document {
    title: String,
    width_mm: f32,
    height_mm: f32,
    pages: Vec<Content>,
    regular: UsedGlyphs,
    bold: UsedGlyphs,
}

impl Document {
    pub fn new(title: impl Into<String>, (width_mm, height_mm): (f32, f32)) -> Document {
        Document {
            title: title.into(),
            width_mm,
            height_mm,
            pages: vec![Content::new()],
            regular: UsedGlyphs::new(Weight::Regular),
            bold: UsedGlyphs::new(Weight::Bold),
        }
    }

    pub fn width_mm(&self) -> f32 {
        self.width_mm
    }

    pub fn height_mm(&self) -> f32 {
        self.height_mm
    }

    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
    }

    fn content(&mut self) -> &mut Content {
        // `pages` starts with one page and only grows.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Writes `text` with its baseline at `baseline_mm` from the top.
    pub fn text(&mut self, x_mm: f32, baseline_mm: f32, size: f32, weight: Weight, text: &str) {
        if text.is_empty() {
            return;
        }
        let encoded = match weight {
            Weight::Regular => self.regular.encode(text),
            Weight::Bold => self.bold.encode(text),
        };
        let (x, y) = (
            x_mm * POINTS_PER_MM,
            (self.height_mm - baseline_mm) * POINTS_PER_MM,
        );
        self.content()
            .begin_text()
            .set_font(font_name(weight), size)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y])
            .show(Str(&encoded))
            .end_text();
    }

    /// Writes `text` so that it ends at `right_mm` (for amounts in table columns).
    pub fn text_right(
        &mut self,
        right_mm: f32,
        baseline_mm: f32,
        size: f32,
        weight: Weight,
        text: &str,
    ) {
        let width = text_width_mm(text, size, weight);
        self.text(right_mm - width, baseline_mm, size, weight, text);
    }

    /// Writes `lines` one under the other, the first baseline at `top_baseline_mm`; returns the
    /// baseline after the last one.
    pub fn lines(
        &mut self,
        x_mm: f32,
        top_baseline_mm: f32,
        size: f32,
        weight: Weight,
        lines: &[String],
    ) -> f32 {
        let mut baseline = top_baseline_mm;
        for line in lines {
            self.text(x_mm, baseline, size, weight, line);
            baseline += line_height_mm(size);
        }
        baseline
    }

    /// A filled black rectangle: barcode bars, check marks.
    pub fn fill_rect(&mut self, x_mm: f32, top_mm: f32, width_mm: f32, height_mm: f32) {
        let height = self.height_mm;
        self.content()
            .rect(
                x_mm * POINTS_PER_MM,
                (height - top_mm - height_mm) * POINTS_PER_MM,
                width_mm * POINTS_PER_MM,
                height_mm * POINTS_PER_MM,
            )
            .fill_nonzero();
    }

    /// A rectangle's outline, `line_mm` thick.
    pub fn stroke_rect(
        &mut self,
        x_mm: f32,
        top_mm: f32,
        width_mm: f32,
        height_mm: f32,
        line_mm: f32,
    ) {
        let height = self.height_mm;
        self.content()
            .set_line_width(line_mm * POINTS_PER_MM)
            .rect(
                x_mm * POINTS_PER_MM,
                (height - top_mm - height_mm) * POINTS_PER_MM,
                width_mm * POINTS_PER_MM,
                height_mm * POINTS_PER_MM,
            )
            .stroke();
    }

    /// A horizontal rule from `x_mm` to `x_mm + width_mm`.
    pub fn rule(&mut self, x_mm: f32, y_mm: f32, width_mm: f32, line_mm: f32) {
        let y = (self.height_mm - y_mm) * POINTS_PER_MM;
        self.content()
            .set_line_width(line_mm * POINTS_PER_MM)
            .move_to(x_mm * POINTS_PER_MM, y)
            .line_to((x_mm + width_mm) * POINTS_PER_MM, y)
            .stroke();
    }

    /// A tick box, crossed when `checked`, with its label to the right.
    pub fn check_box(
        &mut self,
        x_mm: f32,
        baseline_mm: f32,
        size: f32,
        checked: bool,
        label: &str,
    ) {
        let side = size * 0.8 / POINTS_PER_MM;
        let top = baseline_mm - side;
        self.stroke_rect(x_mm, top, side, side, 0.2);
        if checked {
            let inset = side * 0.2;
            self.fill_rect(
                x_mm + inset,
                top + inset,
                side - 2.0 * inset,
                side - 2.0 * inset,
            );
        }
        self.text(x_mm + side + 1.0, baseline_mm, size, Weight::Regular, label);
    }

    /// Serialises the document. Content streams and the font subsets are deflated.
    pub fn finish(self) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let mut alloc = || next.bump();
        let catalog_id = alloc();
        let page_tree_id = alloc();
        let info_id = alloc();
        let regular_id = alloc();
        let bold_id = alloc();
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (alloc(), alloc())).collect();

        pdf.catalog(catalog_id).pages(page_tree_id);
        pdf.document_info(info_id)
            .title(TextStr(&self.title))
            .producer(TextStr("Silkroute"));
        pdf.pages(page_tree_id)
            .kids(page_ids.iter().map(|(page, _)| *page))
            .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));

        let media_box = Rect::new(
            0.0,
            0.0,
            self.width_mm * POINTS_PER_MM,
            self.height_mm * POINTS_PER_MM,
        );
        for ((page_id, content_id), content) in page_ids.iter().zip(self.pages) {
            let mut page = pdf.page(*page_id);
            page.media_box(media_box)
                .parent(page_tree_id)
                .contents(*content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(font_name(Weight::Regular), regular_id);
            fonts.pair(font_name(Weight::Bold), bold_id);
            fonts.finish();
            resources.finish();
            page.finish();
            let compressed = deflate(&content.finish());
            pdf.stream(*content_id, &compressed)
                .filter(Filter::FlateDecode);
        }

        write_font(&mut pdf, regular_id, &self.regular, &mut alloc);
        write_font(&mut pdf, bold_id, &self.bold, &mut alloc);
        pdf.finish()
    }
}

fn font_name(weight: Weight) -> Name<'static> {
    match weight {
        Weight::Regular => Name(b"F1"),
        Weight::Bold => Name(b"F2"),
    }
}

/// The width of `text` in millimetres.
pub(crate) fn text_width_mm(text: &str, size: f32, weight: Weight) -> f32 {
    typeface(weight).text_width(text, size) / POINTS_PER_MM
}

/// The distance between two baselines for text of `size` points.
pub(crate) fn line_height_mm(size: f32) -> f32 {
    size * 1.25 / POINTS_PER_MM
}

/// Breaks `text` into lines no wider than `width_mm`, at spaces where it can, inside a word
/// only when the word alone is too wide (a long SKU or e-mail address).
pub(crate) fn wrap(text: &str, width_mm: f32, size: f32, weight: Weight) -> Vec<String> {
    let fits = |candidate: &str| text_width_mm(candidate, size, weight) <= width_mm;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for character in word.chars() {
            line.push(character);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(character);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn deflate(data: &[u8]) -> Vec<u8> {
    // Level 6 is zlib's default: most of the size gain for a fraction of level 9's time.
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Writes one weight as a Type 0 font with a CIDFontType2 descendant (the only way to embed a
/// TrueType subset whose glyph ids are renumbered) and its `ToUnicode` map.
fn write_font(pdf: &mut Pdf, font_id: Ref, used: &UsedGlyphs, alloc: &mut impl FnMut() -> Ref) {
    let face = typeface(used.weight);
    let cid_id = alloc();
    let descriptor_id = alloc();
    let cmap_id = alloc();
    let file_id = alloc();
    // The six-letter tag marks a subset (PDF 32000 §9.6.4); one subset per face per document,
    // so a fixed tag per weight is unique within the file.
    let tag = if face.bold { "SRBOLD" } else { "SRREGU" };
    let base_font = format!("{tag}+{}", face.postscript_name);
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(font_id)
        .base_font(Name(base_font.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);

    // New glyph ids run 0..n in the order the remapper handed them out.
    let widths: Vec<f32> = used
        .remapper
        .remapped_gids()
        .map(|old| face.advance(old))
        .collect();
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(base_font.as_bytes()))
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();

    let scale = 1000.0 / face.units_per_em();
    let metrics = face.face.as_ref().map(|parsed| {
        let bbox = parsed.global_bounding_box();
        (
            Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ),
            f32::from(parsed.ascender()) * scale,
            f32::from(parsed.descender()) * scale,
            f32::from(parsed.capital_height().unwrap_or(parsed.ascender())) * scale,
        )
    });
    let (bbox, ascent, descent, cap_height) = metrics.unwrap_or((
        Rect::new(0.0, -250.0, 1000.0, 1000.0),
        1000.0,
        -250.0,
        700.0,
    ));
    // Subsetting a face we ship cannot fail short of a bug in it; should it fail, the font is
    // left unembedded and a viewer substitutes one, which beats refusing to print a label.
    let subset = subsetter::subset(face.bytes, 0, &used.remapper).ok();
    let mut descriptor = pdf.font_descriptor(descriptor_id);
    descriptor
        .name(Name(base_font.as_bytes()))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(bbox)
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap_height)
        .stem_v(if face.bold { 140.0 } else { 80.0 });
    if subset.is_some() {
        descriptor.font_file2(file_id);
    }
    descriptor.finish();
    if let Some(subset) = subset {
        let compressed = deflate(&subset);
        pdf.stream(file_id, &compressed)
            .filter(Filter::FlateDecode)
            .pair(
                Name(b"Length1"),
                i32::try_from(subset.len()).unwrap_or(i32::MAX),
            );
    }

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (glyph, character) in &used.characters {
        cmap.pair(*glyph, *character);
    }
    pdf.cmap(cmap_id, &cmap.finish());
}
