//! Code 128 barcodes for tracking numbers, drawn as vector bars. UPU S10 items carry their
//! 13-character identifier as Code 128 (RULES.md §1.1, UPU S2); the symbol is encoded by the
//! `barcoders` crate and drawn here as one filled rectangle per bar, so it stays sharp at any
//! printer resolution. Quiet zones of ten modules on either side are part of the symbol's width:
//! a scanner cannot find the start pattern without them.

use crate::page::Document;

/// Blank modules a reader needs before the start and after the stop pattern (ISO/IEC 15417).
pub const QUIET_ZONE_MODULES: usize = 10;

/// The thinnest bar this crate draws. At 150 dpi a module of 0.34 mm is two pixels wide, the
/// least a decoder reading a rasterised label needs; thermal printers at 203 dpi get almost three.
pub const MIN_MODULE_MM: f32 = 0.34;

/// An encoded Code 128 symbol: one entry per module, `true` for a bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code128 {
    text: String,
    modules: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("Code 128 cannot encode {0:?}: only printable ASCII is supported")]
    Unencodable(String),
}

impl Code128 {
    /// Encodes printable ASCII `text`. Runs of six or more digits switch to code set C, which
    /// packs two digits in one symbol character: an S10 number's eight-digit serial then takes
    /// four characters instead of eight, and the bars get wider for the same label width.
    pub fn encode(text: &str) -> Result<Code128, BarcodeError> {
        if text.is_empty() || !text.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
            return Err(BarcodeError::Unencodable(text.to_owned()));
        }
        let symbols = barcoders::sym::code128::Code128::new(with_code_sets(text))
            .map_err(|_| BarcodeError::Unencodable(text.to_owned()))?;
        Ok(Code128 {
            text: text.to_owned(),
            modules: symbols.encode().into_iter().map(|bit| bit == 1).collect(),
        })
    }

    /// The text the symbol carries.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Modules from the start pattern to the end of the stop pattern, quiet zones excluded.
    pub fn module_count(&self) -> usize {
        self.modules.len()
    }

    /// Bars as `(first module, width in modules)`, left to right.
    pub fn bars(&self) -> Vec<(usize, usize)> {
        let mut bars = Vec::new();
        let mut start = None;
        for (index, &bar) in self.modules.iter().chain([&false]).enumerate() {
            match (bar, start) {
                (true, None) => start = Some(index),
                (false, Some(first)) => {
                    bars.push((first, index - first));
                    start = None;
                }
                _ => {}
            }
        }
        bars
    }

    /// The module width that fits the symbol and its quiet zones in `width_mm`.
    pub fn module_mm_for(&self, width_mm: f32) -> f32 {
        width_mm / (self.modules.len() + 2 * QUIET_ZONE_MODULES) as f32
    }
}

/// Draws `code` centred in the band `x_mm..x_mm + width_mm`, quiet zones included, with bars
/// `height_mm` tall from `top_mm`. Modules are never narrower than [`MIN_MODULE_MM`] nor wider
/// than `max_module_mm`; returns the module width used.
pub(crate) fn draw(
    document: &mut Document,
    code: &Code128,
    x_mm: f32,
    top_mm: f32,
    width_mm: f32,
    height_mm: f32,
    max_module_mm: f32,
) -> f32 {
    let module = code
        .module_mm_for(width_mm)
        .clamp(MIN_MODULE_MM, max_module_mm.max(MIN_MODULE_MM));
    let symbol_mm = module * code.module_count() as f32;
    let left = x_mm + (width_mm - symbol_mm) / 2.0;
    for (first, width) in code.bars() {
        document.fill_rect(
            left + first as f32 * module,
            top_mm,
            width as f32 * module,
            height_mm,
        );
    }
    module
}

/// `text` with barcoders' code-set markers: `Ɓ` (set B) to start, `Ć` (set C) before an even
/// run of six or more digits, `Ɓ` again after it.
fn with_code_sets(text: &str) -> String {
    const SET_B: char = 'Ɓ';
    const SET_C: char = 'Ć';
    let characters: Vec<char> = text.chars().collect();
    let mut marked = String::with_capacity(text.len() + 4);
    marked.push(SET_B);
    let mut index = 0;
    while index < characters.len() {
        let run = characters[index..]
            .iter()
            .take_while(|character| character.is_ascii_digit())
            .count();
        let even_run = run - run % 2;
        if even_run >= 6 {
            marked.push(SET_C);
            marked.extend(&characters[index..index + even_run]);
            index += even_run;
            if index < characters.len() {
                marked.push(SET_B);
            }
        } else {
            marked.push(characters[index]);
            index += 1;
        }
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_s10_number_packs_its_serial_in_code_set_c() {
        assert_eq!(with_code_sets("RR123456785CN"), "ƁRRĆ12345678Ɓ5CN");
        assert_eq!(with_code_sets("AB12C"), "ƁAB12C");
        assert_eq!(with_code_sets("123456"), "ƁĆ123456");
    }

    #[test]
    fn an_s10_symbol_is_narrower_than_in_set_b_alone() {
        let code = Code128::encode("RR123456785CN").unwrap();
        // Start, R, R, code C, four digit pairs, code B, 5, C, N, check character and stop:
        // 14 characters of 11 modules, and the stop's two-module terminating bar. Set B alone
        // would take 178.
        assert_eq!(code.module_count(), 14 * 11 + 2);
        assert_eq!(code.bars().first(), Some(&(0, 2)));
        let bar_modules: usize = code.bars().iter().map(|(_, width)| width).sum();
        assert!(bar_modules < code.module_count());
    }

    #[test]
    fn non_ascii_is_refused() {
        assert!(Code128::encode("RR12345678５CN").is_err());
        assert!(Code128::encode("").is_err());
    }
}
