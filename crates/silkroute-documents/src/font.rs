//! The one typeface every document uses, Noto Sans (SIL Open Font License 1.1, shipped as bytes
//! by the `notosans` crate), and the bookkeeping that lets a PDF embed only the glyphs a document
//! uses: a full face is ~200 KB, a label's subset a few KB. Noto Sans covers Latin, Greek and
//! Cyrillic; it has no CJK glyphs, which is why labels print addresses in their Latin layout.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

/// Regular for running text, bold for titles and the fields a sorter reads first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// A parsed face and the name its subset gets in the PDF.
pub(crate) struct Typeface {
    pub bytes: &'static [u8],
    /// `None` only if the embedded bytes were not a font, which the tests would show at once
    /// (no text in any document); rendering then goes on without text rather than panicking.
    pub face: Option<Face<'static>>,
    pub postscript_name: &'static str,
    pub bold: bool,
}

static REGULAR: LazyLock<Typeface> = LazyLock::new(|| Typeface {
    bytes: notosans::REGULAR_TTF,
    face: Face::parse(notosans::REGULAR_TTF, 0).ok(),
    postscript_name: "NotoSans-Regular",
    bold: false,
});

static BOLD: LazyLock<Typeface> = LazyLock::new(|| Typeface {
    bytes: notosans::BOLD_TTF,
    face: Face::parse(notosans::BOLD_TTF, 0).ok(),
    postscript_name: "NotoSans-Bold",
    bold: true,
});

pub(crate) fn typeface(weight: Weight) -> &'static Typeface {
    match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    }
}

impl Typeface {
    pub fn units_per_em(&self) -> f32 {
        self.face
            .as_ref()
            .map_or(1000.0, |face| f32::from(face.units_per_em()))
    }

    /// The glyph for `character`, or glyph 0 (the font's "missing" box) when the face has none,
    /// so a CJK name still shows where a character was rather than vanishing.
    pub fn glyph(&self, character: char) -> u16 {
        self.face
            .as_ref()
            .and_then(|face| face.glyph_index(character))
            .map_or(0, |glyph| glyph.0)
    }

    /// The advance of `glyph` in thousandths of the font size, the unit PDF widths use.
    pub fn advance(&self, glyph: u16) -> f32 {
        let units = self
            .face
            .as_ref()
            .and_then(|face| face.glyph_hor_advance(GlyphId(glyph)))
            .unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em()
    }

    /// The width of `text` at `size` points, in points, without kerning (labels and forms use
    /// short runs where kerning changes nothing a reader notices).
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|character| self.advance(self.glyph(character)))
            .sum::<f32>()
            * size
            / 1000.0
    }
}

/// The glyphs one document uses from one face: the renumbering into the subset, and for each
/// new glyph id the character it came from (for the `ToUnicode` map that makes text searchable
/// and copyable, which `pdftotext` and screen readers rely on).
pub(crate) struct UsedGlyphs {
    pub weight: Weight,
    pub remapper: GlyphRemapper,
    pub characters: BTreeMap<u16, char>,
}

impl UsedGlyphs {
    pub fn new(weight: Weight) -> UsedGlyphs {
        UsedGlyphs {
            weight,
            remapper: GlyphRemapper::new(),
            characters: BTreeMap::new(),
        }
    }

    /// `text` as the two-byte glyph ids of the subset (the PDF font uses `Identity-H`).
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let face = typeface(self.weight);
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for character in text.chars() {
            let glyph = face.glyph(character);
            let new_id = self.remapper.remap(glyph);
            // Every missing character shares glyph 0, so it maps back to no one character:
            // copying it yields nothing rather than the wrong text.
            if glyph != 0 {
                self.characters.entry(new_id).or_insert(character);
            }
            bytes.extend_from_slice(&new_id.to_be_bytes());
        }
        bytes
    }
}
