//! Ad-valorem MFN duty rates by HS prefix, per destination, as dated data (`rules/tariffs/`).
//! A rate is found by the longest prefix (2–6 digits, or a national 8/10-digit line) in force on
//! the quote date; a schedule's default rate covers everything it does not list.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::country::CountryCode;
use crate::hs::HsCode;
use crate::market::Confidence;

const EMBEDDED_TARIFF_FILES: [(&str, &str); 10] = [
    ("eu.toml", include_str!("../../../../rules/tariffs/eu.toml")),
    ("gb.toml", include_str!("../../../../rules/tariffs/gb.toml")),
    ("us.toml", include_str!("../../../../rules/tariffs/us.toml")),
    ("ca.toml", include_str!("../../../../rules/tariffs/ca.toml")),
    ("au.toml", include_str!("../../../../rules/tariffs/au.toml")),
    ("jp.toml", include_str!("../../../../rules/tariffs/jp.toml")),
    ("ch.toml", include_str!("../../../../rules/tariffs/ch.toml")),
    ("no.toml", include_str!("../../../../rules/tariffs/no.toml")),
    ("sg.toml", include_str!("../../../../rules/tariffs/sg.toml")),
    ("cn.toml", include_str!("../../../../rules/tariffs/cn.toml")),
];

/// The tariff files shipped with the binary, as `(file name, TOML text)`.
pub fn embedded_tariff_files() -> &'static [(&'static str, &'static str)] {
    &EMBEDDED_TARIFF_FILES
}

/// Parses every embedded tariff file into one table; the shipped data is tested to pass.
pub fn embedded_tariffs() -> Result<TariffTable, TariffError> {
    let mut schedules = Vec::new();
    for (file_name, text) in embedded_tariff_files() {
        schedules.push(parse_tariff_file(file_name, text)?);
    }
    TariffTable::new(schedules)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}: entry {prefix}: {message}")]
    Entry {
        file: String,
        prefix: String,
        message: String,
    },
    #[error("tariff schedules {first} and {second} both cover {country}")]
    DuplicateDestination {
        country: CountryCode,
        first: String,
        second: String,
    },
}

/// One destination's (or customs union's) schedule.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TariffSchedule {
    /// e.g. `tariff.eu`; entry ids are `<id>.<prefix>`.
    pub id: String,
    pub version: u32,
    pub destinations: Vec<CountryCode>,
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    pub source: String,
    /// Rate for every HS code no entry matches, percent.
    #[serde(with = "rust_decimal::serde::str")]
    pub default_rate: Decimal,
    #[serde(default)]
    pub default_confidence: Option<Confidence>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, rename = "entry")]
    pub entries: Vec<TariffEntry>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TariffEntry {
    /// 2 to 10 digits.
    pub prefix: String,
    /// Percent ad valorem.
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    #[serde(default = "first_version")]
    pub version: u32,
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    pub source: String,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub notes: Option<String>,
}

fn first_version() -> u32 {
    1
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|end| date < end)
}

/// The rate that applies to one HS code, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct TariffHit {
    /// `tariff.eu.6109` or `tariff.eu.default`.
    pub rule: String,
    pub version: u32,
    pub rate: Decimal,
    pub uncertain: bool,
}

/// All schedules, at most one per destination country.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TariffTable {
    schedules: Vec<TariffSchedule>,
}

impl TariffTable {
    /// Refuses two schedules covering the same country (a quote must have one answer).
    pub fn new(schedules: Vec<TariffSchedule>) -> Result<TariffTable, TariffError> {
        for (i, a) in schedules.iter().enumerate() {
            for b in &schedules[i + 1..] {
                if let Some(country) = a.destinations.iter().find(|c| b.destinations.contains(c)) {
                    return Err(TariffError::DuplicateDestination {
                        country: *country,
                        first: a.id.clone(),
                        second: b.id.clone(),
                    });
                }
            }
        }
        Ok(TariffTable { schedules })
    }

    pub fn schedules(&self) -> &[TariffSchedule] {
        &self.schedules
    }

    /// Longest matching prefix among the entries in force on `date`; the default rate otherwise.
    /// `None` when no schedule covers `destination` on that day.
    pub fn lookup(
        &self,
        destination: CountryCode,
        hs: &HsCode,
        date: NaiveDate,
    ) -> Option<TariffHit> {
        let schedule = self.schedules.iter().find(|s| {
            s.destinations.contains(&destination)
                && in_force(s.effective_from, s.effective_to, date)
        })?;
        let best = schedule
            .entries
            .iter()
            .filter(|e| in_force(e.effective_from, e.effective_to, date))
            .filter(|e| hs.as_str().starts_with(e.prefix.as_str()))
            .max_by_key(|e| e.prefix.len());
        Some(match best {
            Some(entry) => TariffHit {
                rule: format!("{}.{}", schedule.id, entry.prefix),
                version: entry.version,
                rate: entry.rate,
                uncertain: entry.confidence == Some(Confidence::Uncertain),
            },
            None => TariffHit {
                rule: format!("{}.default", schedule.id),
                version: schedule.version,
                rate: schedule.default_rate,
                uncertain: schedule.default_confidence == Some(Confidence::Uncertain),
            },
        })
    }
}

/// Reads one tariff file: a top-level schedule with `[[entry]]` tables. Unknown keys, malformed
/// prefixes, rates outside 0–100 % and two entries for the same prefix in force on the same day
/// are refused.
pub fn parse_tariff_file(file_name: &str, text: &str) -> Result<TariffSchedule, TariffError> {
    let file_error = |message: String| TariffError::File {
        file: file_name.to_string(),
        message,
    };
    let schedule: TariffSchedule = toml::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| file_error(e.to_string()))?;
    if schedule.destinations.is_empty() {
        return Err(file_error("no destinations".into()));
    }
    check_rate(schedule.default_rate).map_err(file_error)?;
    if schedule.source.trim().is_empty() {
        return Err(file_error("empty source".into()));
    }
    for (i, entry) in schedule.entries.iter().enumerate() {
        let entry_error = |message: String| TariffError::Entry {
            file: file_name.to_string(),
            prefix: entry.prefix.clone(),
            message,
        };
        let digits_ok = entry.prefix.bytes().all(|b| b.is_ascii_digit());
        if !digits_ok || !(2..=10).contains(&entry.prefix.len()) {
            return Err(entry_error("prefix must be 2 to 10 digits".into()));
        }
        check_rate(entry.rate).map_err(entry_error)?;
        if entry.source.trim().is_empty() {
            return Err(entry_error("empty source".into()));
        }
        if let Some(end) = entry.effective_to
            && end <= entry.effective_from
        {
            return Err(entry_error(
                "effective_to is not after effective_from".into(),
            ));
        }
        for other in &schedule.entries[i + 1..] {
            let overlap = other.prefix == entry.prefix
                && entry
                    .effective_to
                    .is_none_or(|end| other.effective_from < end)
                && other
                    .effective_to
                    .is_none_or(|end| entry.effective_from < end);
            if overlap {
                return Err(entry_error("defined twice for overlapping periods".into()));
            }
        }
    }
    Ok(schedule)
}

fn check_rate(rate: Decimal) -> Result<(), String> {
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
        return Err(format!("rate {rate} is outside 0–100 %"));
    }
    Ok(())
}
