//! Harmonized System classification. Duty rates, import restrictions and the customs declaration
//! all hang off a product's HS code, and a code that does not exist is rejected by customs, so it
//! is checked against the WCO nomenclature (HS 2022, embedded) before a product can be listed.
//! National tariff lines (8 or 10 digits) are accepted when their 6-digit subheading exists; their
//! extra digits are country-specific and are not validated here.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

const NOMENCLATURE_CSV: &str = include_str!("../data/hs/harmonized-system.csv");

/// A validated HS code: digits only, 6, 8 or 10 long, whose first six digits are a subheading.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HsCode(String);

/// One line of the nomenclature: a chapter (2 digits), heading (4) or subheading (6).
#[derive(Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HsEntry {
    pub code: &'static str,
    pub description: &'static str,
    /// 2, 4 or 6: the number of digits of `code`.
    pub level: u8,
    /// Code of the enclosing heading or chapter; "TOTAL" for chapters.
    pub parent: &'static str,
    /// Roman numeral of the HS section ("I".."XXI"); "TOTAL" for chapter 99.
    pub section: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HsError {
    #[error("invalid HS code '{0}': expected 6, 8 or 10 digits")]
    Format(String),
    #[error("HS code '{0}' is not in the HS 2022 nomenclature: unknown subheading")]
    UnknownSubheading(String),
}

/// All entries sorted by code. Because codes of one chapter share a prefix, each chapter's
/// headings and subheadings form one contiguous run of this vector.
static NOMENCLATURE: LazyLock<Vec<HsEntry>> = LazyLock::new(|| {
    let mut entries: Vec<HsEntry> = NOMENCLATURE_CSV
        .lines()
        .skip(1)
        .filter_map(parse_line)
        .collect();
    entries.sort_by(|a, b| a.code.cmp(b.code));
    entries
});

impl HsCode {
    /// Accepts the dotted and spaced forms found on invoices ("6109.10", "6109 10 00").
    pub fn parse(s: &str) -> Result<HsCode, HsError> {
        let digits: String = s.chars().filter(|c| *c != '.' && *c != ' ').collect();
        let well_formed =
            matches!(digits.len(), 6 | 8 | 10) && digits.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(HsError::Format(s.to_string()));
        }
        match hs_entry(&digits[..6]) {
            Some(entry) if entry.level == 6 => Ok(HsCode(digits)),
            _ => Err(HsError::UnknownSubheading(s.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The internationally harmonised part, which is what duty look-ups across countries share.
    pub fn subheading(&self) -> &str {
        &self.0[..6]
    }

    pub fn heading(&self) -> &str {
        &self.0[..4]
    }

    pub fn chapter(&self) -> &str {
        &self.0[..2]
    }

    /// The subheading's description: national lines have no text in the embedded nomenclature.
    pub fn description(&self) -> &'static str {
        hs_entry(self.subheading()).map_or("", |entry| entry.description)
    }
}

/// Exact lookup of a 2-, 4- or 6-digit code.
pub fn hs_entry(code: &str) -> Option<&'static HsEntry> {
    let entries: &'static [HsEntry] = &NOMENCLATURE;
    entries
        .binary_search_by(|entry| entry.code.cmp(code))
        .ok()
        .map(|index| &entries[index])
}

/// All 6-digit subheadings of a 2-digit chapter, in code order; empty for an unknown chapter.
pub fn subheadings_in_chapter(chapter: &str) -> Vec<&'static HsEntry> {
    if chapter.len() != 2 || !chapter.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let entries: &'static [HsEntry] = &NOMENCLATURE;
    let start = entries.partition_point(|entry| entry.code < chapter);
    entries[start..]
        .iter()
        .take_while(|entry| entry.code.starts_with(chapter))
        .filter(|entry| entry.level == 6)
        .collect()
}

/// Every chapter, in code order; lets callers browse or sample the nomenclature.
pub fn chapters() -> Vec<&'static HsEntry> {
    NOMENCLATURE
        .iter()
        .filter(|entry| entry.level == 2)
        .collect()
}

pub fn chapter_count() -> usize {
    NOMENCLATURE.iter().filter(|entry| entry.level == 2).count()
}

pub fn heading_count() -> usize {
    NOMENCLATURE.iter().filter(|entry| entry.level == 4).count()
}

pub fn subheading_count() -> usize {
    NOMENCLATURE.iter().filter(|entry| entry.level == 6).count()
}

/// Reads `section,hscode,description,parent,level`. Lines that do not fit (the "TOTAL" summary
/// row, anything malformed) are skipped rather than aborting: the count tests catch a bad file.
fn parse_line(line: &'static str) -> Option<HsEntry> {
    let fields = split_csv_line(line)?;
    let [section, code, description, parent, level] = <[&'static str; 5]>::try_from(fields).ok()?;
    let level: u8 = level.trim().parse().ok()?;
    let is_code = code.len() == usize::from(level) && code.bytes().all(|b| b.is_ascii_digit());
    if !matches!(level, 2 | 4 | 6) || !is_code {
        return None;
    }
    Some(HsEntry {
        code,
        description,
        level,
        parent,
        section,
    })
}

/// Minimal RFC 4180 field splitter. A quoted field containing an escaped quote would need a new
/// string; the data has none, so such a line is treated as malformed instead of leaking memory.
fn split_csv_line(line: &'static str) -> Option<Vec<&'static str>> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut fields = Vec::with_capacity(5);
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            fields.push(&quoted[..end]);
            rest = &quoted[end + 1..];
            match rest.strip_prefix(',') {
                Some(next) => rest = next,
                None if rest.is_empty() => return Some(fields),
                None => return None,
            }
        } else {
            match rest.split_once(',') {
                Some((field, next)) => {
                    fields.push(field);
                    rest = next;
                }
                None => {
                    fields.push(rest);
                    return Some(fields);
                }
            }
        }
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for HsCode {
    type Err = HsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HsCode::parse(s)
    }
}

impl Serialize for HsCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HsCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        HsCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for HsCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some(
                "HS code: a 6-digit HS 2022 subheading, optionally extended to an 8- or 10-digit \
                 national tariff line. Dots and spaces are accepted on input and removed.",
            ))
            .pattern(Some(r"^[0-9. ]{6,14}$"))
            .examples([serde_json::json!("610910")])
            .into()
    }
}

impl utoipa::ToSchema for HsCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn nomenclature_counts_match_the_data_package() {
        assert_eq!(chapter_count(), 97);
        assert_eq!(heading_count(), 1229);
        assert_eq!(subheading_count(), 5613);
        assert_eq!(chapters().len(), 97);
    }

    #[test]
    fn every_subheading_hangs_off_an_existing_heading_and_chapter() {
        for entry in NOMENCLATURE.iter().filter(|e| e.level > 2) {
            let parent = hs_entry(entry.parent).expect("parent exists");
            assert_eq!(parent.level + 2, entry.level, "{}", entry.code);
            assert!(entry.code.starts_with(parent.code));
            assert_eq!(parent.section, entry.section);
        }
    }

    #[rstest]
    #[case("610910", "610910")]
    #[case("6109.10", "610910")]
    #[case("6109 10", "610910")]
    #[case("6109.10.00", "61091000")]
    #[case("6109 10 00 10", "6109100010")]
    #[case("8517130000", "8517130000")]
    #[case("010121", "010121")]
    #[case("999999", "999999")]
    fn parse_accepts(#[case] input: &str, #[case] normalized: &str) {
        assert_eq!(HsCode::parse(input).unwrap().as_str(), normalized);
    }

    #[rstest]
    #[case("", HsError::Format("".into()))]
    #[case("6109", HsError::Format("6109".into()))]
    #[case("61091", HsError::Format("61091".into()))]
    #[case("6109100", HsError::Format("6109100".into()))]
    #[case("610910001", HsError::Format("610910001".into()))]
    #[case("61091000101", HsError::Format("61091000101".into()))]
    #[case("6109-10", HsError::Format("6109-10".into()))]
    #[case("61091a", HsError::Format("61091a".into()))]
    #[case("６１０９１０", HsError::Format("６１０９１０".into()))]
    #[case("610999", HsError::UnknownSubheading("610999".into()))]
    #[case("770000", HsError::UnknownSubheading("770000".into()))]
    #[case("000000", HsError::UnknownSubheading("000000".into()))]
    fn parse_rejects(#[case] input: &str, #[case] error: HsError) {
        assert_eq!(HsCode::parse(input), Err(error));
    }

    #[test]
    fn parts_and_description() {
        let code = HsCode::parse("6109.10.00.10").unwrap();
        assert_eq!(code.subheading(), "610910");
        assert_eq!(code.heading(), "6109");
        assert_eq!(code.chapter(), "61");
        assert_eq!(
            code.description(),
            "T-shirts, singlets and other vests; of cotton, knitted or crocheted"
        );
        assert_eq!(code.to_string(), "6109100010");
    }

    #[test]
    fn entries_keep_quoted_descriptions_whole() {
        let heading = hs_entry("0101").unwrap();
        assert_eq!(
            heading.description,
            "Horses, asses, mules and hinnies; live"
        );
        assert_eq!(heading.level, 4);
        assert_eq!(heading.parent, "01");
        assert_eq!(heading.section, "I");
        assert_eq!(hs_entry("01").unwrap().parent, "TOTAL");
        assert!(hs_entry("TOTAL").is_none());
        assert!(hs_entry("0").is_none());
    }

    #[test]
    fn subheadings_of_a_chapter() {
        let live_animals = subheadings_in_chapter("01");
        assert!(!live_animals.is_empty());
        assert!(
            live_animals
                .iter()
                .all(|e| e.level == 6 && e.code.starts_with("01"))
        );
        assert_eq!(live_animals[0].code, "010121");
        assert!(live_animals.windows(2).all(|w| w[0].code < w[1].code));
        assert!(subheadings_in_chapter("77").is_empty());
        assert!(subheadings_in_chapter("1").is_empty());
        assert!(subheadings_in_chapter("x1").is_empty());
        let total: usize = chapters()
            .iter()
            .map(|c| subheadings_in_chapter(c.code).len())
            .sum();
        assert_eq!(total, subheading_count());
    }

    #[rstest]
    #[case("a,b,c", Some(vec!["a", "b", "c"]))]
    #[case("a,\"b, c\",d", Some(vec!["a", "b, c", "d"]))]
    #[case("\"a\"", Some(vec!["a"]))]
    #[case("a,", Some(vec!["a", ""]))]
    #[case("a\r", Some(vec!["a"]))]
    #[case("\"unterminated", None)]
    #[case("\"a\"b,c", None)]
    fn csv_splitting(#[case] line: &'static str, #[case] expected: Option<Vec<&'static str>>) {
        assert_eq!(split_csv_line(line), expected);
    }

    #[test]
    fn serde_and_schema() {
        let code = HsCode::parse("8517.13").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"851713\"");
        assert_eq!(
            serde_json::from_str::<HsCode>("\"8517.13.00\"")
                .unwrap()
                .as_str(),
            "85171300"
        );
        let error = serde_json::from_str::<HsCode>("\"851799\"").unwrap_err();
        assert!(error.to_string().contains("unknown subheading"), "{error}");
        let schema = serde_json::to_value(<HsCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
    }
}
