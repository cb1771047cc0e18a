//! Reading the ECB's reference-rate CSVs as it publishes them: the history (`eurofxref-hist.csv`,
//! also cut to 90 days in `eurofxref-hist-90d.csv`: `2026-10-30,1.1172,…,`) and the daily file
//! (`eurofxref.csv`: `Date, USD, JPY, …` then `30 October 2026, 1.1172, …, `). The sheet is the
//! platform's source of truth for rates, imported by an operator or fetched by `fx sync`, so a
//! malformed value must stop the import with its line and column rather than become a wrong price. Retired currencies the platform still knows (HRK, BGN and
//! the euro's other predecessors) are read up to the day before they were retired, because
//! history is converted with them; codes it does not know (ROL, TRL) are skipped.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{FxError, PublishedRate};
use crate::currency::CurrencyCode;

/// The rates of one sheet, sorted by currency then date, so that a lookup of "newest on or
/// before" is a binary search.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct EcbSheet {
    pub rates: Vec<PublishedRate>,
    /// Column names that are neither tradeable ISO 4217 codes nor retired codes the platform
    /// knows, in sheet order.
    pub skipped_currencies: Vec<String>,
    /// Published values (not `N/A`) dropped because their column was skipped, or dated on or
    /// after the day their currency was retired.
    pub skipped_rates: usize,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
}

impl EcbSheet {
    /// The newest rate for `currency` published on or before `date` — what a store returns to
    /// [`super::resolve_leg`].
    pub fn latest_on_or_before(
        &self,
        currency: CurrencyCode,
        date: NaiveDate,
    ) -> Option<PublishedRate> {
        let end = self
            .rates
            .partition_point(|rate| (rate.currency, rate.date) <= (currency, date));
        end.checked_sub(1)
            .map(|index| self.rates[index])
            .filter(|rate| rate.currency == currency)
    }

    /// One sheet from two publications fetched together (the daily file and the 90-day history).
    /// Where both hold a currency's rate for a day, `self`'s is kept: pass the newer publication
    /// as `self`. The ECB publishes the same figure in both, so this only matters for a
    /// correction published in between.
    pub fn merge(mut self, other: EcbSheet) -> EcbSheet {
        let mut seen: std::collections::BTreeSet<(CurrencyCode, NaiveDate)> = self
            .rates
            .iter()
            .map(|rate| (rate.currency, rate.date))
            .collect();
        for rate in other.rates {
            if seen.insert((rate.currency, rate.date)) {
                self.rates.push(rate);
            }
        }
        self.rates
            .sort_unstable_by_key(|rate| (rate.currency, rate.date));
        for name in other.skipped_currencies {
            if !self.skipped_currencies.contains(&name) {
                self.skipped_currencies.push(name);
            }
        }
        self.skipped_rates += other.skipped_rates;
        self.first_date = self.first_date.min(other.first_date);
        self.last_date = self.last_date.max(other.last_date);
        self
    }

    /// The distinct publication days in the sheet, oldest first.
    pub fn dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self.rates.iter().map(|rate| rate.date).collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// Number of distinct publication days in the sheet.
    pub fn date_count(&self) -> usize {
        self.dates().len()
    }
}

enum Column {
    Date,
    Rate(CurrencyCode),
    Skipped,
    /// The empty field after the trailing comma.
    Empty,
}

/// Parses an ECB sheet, history or daily. Accepts any column order, a space after each comma,
/// `N/A` or empty cells for "no rate", the trailing comma on every line, blank lines, CRLF and a
/// byte-order mark.
pub fn parse_ecb_csv(text: &str) -> Result<EcbSheet, FxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty());
    let (header_line, header) = lines.next().ok_or_else(|| FxError::Csv {
        line: 1,
        message: "empty sheet: no header".into(),
    })?;
    let (columns, skipped_currencies) = read_header(header_line, header)?;

    let mut rates = Vec::new();
    let mut skipped_rates = 0;
    let mut seen_dates: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (line, row) in lines {
        let error = |column: &str, message: String| FxError::Csv {
            line,
            message: format!("column {column}: {message}"),
        };
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        if fields.len() < columns.len() && !fields_may_omit_trailing(&columns, fields.len()) {
            return Err(FxError::Csv {
                line,
                message: format!("expected {} fields, found {}", columns.len(), fields.len()),
            });
        }
        if let Some(extra) = fields.get(columns.len()..)
            && extra.iter().any(|field| !field.is_empty())
        {
            return Err(FxError::Csv {
                line,
                message: format!("more fields than the header's {} columns", columns.len()),
            });
        }
        let date = columns
            .iter()
            .position(|column| matches!(column, Column::Date))
            .and_then(|index| fields.get(index))
            .ok_or_else(|| error("Date", "missing".into()))?;
        let date = parse_sheet_date(date).ok_or_else(|| {
            error(
                "Date",
                format!("'{date}' is not a date (YYYY-MM-DD, or 30 October 2026)"),
            )
        })?;
        if let Some(first_line) = seen_dates.insert(date, line) {
            return Err(error(
                "Date",
                format!("{date} already appears on line {first_line}"),
            ));
        }
        for (index, (column, field)) in columns.iter().zip(fields.iter()).enumerate() {
            let published = !(field.is_empty() || field.eq_ignore_ascii_case("N/A"));
            match column {
                Column::Empty if !field.is_empty() => {
                    return Err(error(
                        &(index + 1).to_string(),
                        format!("'{field}' is in a column without a header"),
                    ));
                }
                Column::Rate(currency) if published && !currency.is_in_use_on(date) => {
                    skipped_rates += 1;
                }
                Column::Rate(currency) if published => {
                    let per_eur = Decimal::from_str(field)
                        .ok()
                        .filter(|rate| *rate > Decimal::ZERO)
                        .ok_or_else(|| {
                            error(
                                currency.as_str(),
                                format!("'{field}' is not a positive rate"),
                            )
                        })?;
                    rates.push(PublishedRate {
                        currency: *currency,
                        date,
                        per_eur,
                    });
                }
                Column::Skipped if published => skipped_rates += 1,
                _ => {}
            }
        }
    }

    let (Some(first_date), Some(last_date)) = (
        seen_dates.keys().next().copied(),
        seen_dates.keys().next_back().copied(),
    ) else {
        return Err(FxError::Csv {
            line: header_line,
            message: "no rows after the header".into(),
        });
    };
    rates.sort_unstable_by_key(|rate| (rate.currency, rate.date));
    Ok(EcbSheet {
        rates,
        skipped_currencies,
        skipped_rates,
        first_date,
        last_date,
    })
}

fn read_header(line: usize, header: &str) -> Result<(Vec<Column>, Vec<String>), FxError> {
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    let mut seen: Vec<CurrencyCode> = Vec::new();
    for name in header.split(',').map(str::trim) {
        let column = if name.is_empty() {
            Column::Empty
        } else if name.eq_ignore_ascii_case("date") {
            if columns.iter().any(|c| matches!(c, Column::Date)) {
                return Err(FxError::Csv {
                    line,
                    message: "two Date columns".into(),
                });
            }
            Column::Date
        } else {
            match CurrencyCode::parse_historical(name) {
                Ok(currency) if seen.contains(&currency) => {
                    return Err(FxError::Csv {
                        line,
                        message: format!("currency {currency} appears twice in the header"),
                    });
                }
                Ok(currency) => {
                    seen.push(currency);
                    Column::Rate(currency)
                }
                Err(_) => {
                    skipped.push(name.to_string());
                    Column::Skipped
                }
            }
        };
        columns.push(column);
    }
    if !columns.iter().any(|c| matches!(c, Column::Date)) {
        return Err(FxError::Csv {
            line,
            message: "the header has no Date column".into(),
        });
    }
    Ok((columns, skipped))
}

/// The history writes ISO dates; the daily file writes the day, the English month name and the
/// year (`30 October 2026`, `2 November 2026`).
fn parse_sheet_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d %B %Y"))
        .ok()
}

/// A row may lack only the empty columns at the end of the header (a line written without the
/// trailing comma).
fn fields_may_omit_trailing(columns: &[Column], found: usize) -> bool {
    columns[found..]
        .iter()
        .all(|column| matches!(column, Column::Empty))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use rust_decimal_macros::dec;

    const SNIPPET: &str = "Date,USD,JPY,ROL,ISK,\n\
        2024-03-15,1.0892,162.03,N/A,149.5,\n\
        \n\
        2024-03-14,1.0925,161.7,N/A,N/A,\n\
        2008-01-02,1.4717,164.47,0.585274,92.1,\n";

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn currency(code: &str) -> CurrencyCode {
        CurrencyCode::parse(code).unwrap()
    }

    #[test]
    fn snippet_with_newest_first_rows_na_and_trailing_comma() {
        let sheet = parse_ecb_csv(SNIPPET).unwrap();
        assert_eq!(sheet.first_date, date("2008-01-02"));
        assert_eq!(sheet.last_date, date("2024-03-15"));
        assert_eq!(sheet.skipped_currencies, ["ROL"]);
        assert_eq!(sheet.skipped_rates, 1);
        assert_eq!(sheet.rates.len(), 8);
        assert_eq!(sheet.date_count(), 3);
        let isk = sheet.latest_on_or_before(currency("ISK"), date("2024-03-14"));
        assert_eq!(isk.unwrap().date, date("2008-01-02"));
        let usd = sheet.latest_on_or_before(CurrencyCode::USD, date("2024-03-17"));
        assert_eq!(usd.unwrap().per_eur, dec!(1.0892));
        assert!(
            sheet
                .latest_on_or_before(CurrencyCode::USD, date("2000-01-01"))
                .is_none()
        );
        assert!(
            sheet
                .latest_on_or_before(CurrencyCode::GBP, date("2024-03-15"))
                .is_none()
        );
    }

    #[test]
    fn column_order_crlf_bom_and_missing_trailing_comma() {
        let text = "\u{feff}JPY , date,USD\r\n162.03,2024-03-15,1.0892\r\n";
        let sheet = parse_ecb_csv(text).unwrap();
        assert_eq!(sheet.rates.len(), 2);
        assert_eq!(
            sheet
                .latest_on_or_before(CurrencyCode::JPY, date("2024-03-15"))
                .unwrap()
                .per_eur,
            dec!(162.03)
        );
    }

    #[test]
    fn a_retired_currency_is_read_until_the_day_before_it_was_retired() {
        let text = "Date,HRK,BGN,\n\
            2023-01-02,7.5,1.9558,\n\
            2022-12-30,7.5365,1.9558,\n";
        let sheet = parse_ecb_csv(text).unwrap();
        let kuna = CurrencyCode::parse_historical("HRK").unwrap();
        let lev = CurrencyCode::parse_historical("BGN").unwrap();
        assert!(sheet.skipped_currencies.is_empty());
        // A kuna value published after the changeover cannot be a rate: it is dropped.
        assert_eq!(sheet.skipped_rates, 1);
        assert_eq!(
            sheet
                .latest_on_or_before(kuna, date("2023-01-02"))
                .unwrap()
                .date,
            date("2022-12-30")
        );
        assert_eq!(
            sheet
                .latest_on_or_before(lev, date("2023-01-02"))
                .unwrap()
                .date,
            date("2023-01-02")
        );
    }

    #[rstest]
    #[case::bad_number(
        "Date,USD,\n2024-03-15,1.0x,\n",
        "ECB sheet line 2: column USD: '1.0x' is not a positive rate"
    )]
    #[case::zero_rate(
        "Date,USD,\n2024-03-15,0,\n",
        "ECB sheet line 2: column USD: '0' is not a positive rate"
    )]
    #[case::bad_date(
        "Date,USD,\n\n2024-02-30,1.1,\n",
        "ECB sheet line 3: column Date: '2024-02-30' is not a date (YYYY-MM-DD, or 30 October 2026)"
    )]
    #[case::duplicate_date(
        "Date,USD,\n2024-03-15,1.1,\n2024-03-15,1.2,\n",
        "ECB sheet line 3: column Date: 2024-03-15 already appears on line 2"
    )]
    #[case::short_row(
        "Date,USD,JPY,\n2024-03-15,1.1\n",
        "ECB sheet line 2: expected 4 fields, found 2"
    )]
    #[case::value_without_header(
        "Date,USD,\n2024-03-15,1.1,2.2\n",
        "ECB sheet line 2: column 3: '2.2' is in a column without a header"
    )]
    #[case::long_row(
        "Date,USD,\n2024-03-15,1.1,,3.3\n",
        "ECB sheet line 2: more fields than the header's 3 columns"
    )]
    #[case::no_date_column(
        "USD,JPY,\n1.1,160,\n",
        "ECB sheet line 1: the header has no Date column"
    )]
    #[case::no_rows("Date,USD,\n\n", "ECB sheet line 1: no rows after the header")]
    #[case::empty("", "ECB sheet line 1: empty sheet: no header")]
    fn malformed_sheets_name_the_line_and_column(#[case] text: &str, #[case] message: &str) {
        assert_eq!(parse_ecb_csv(text).unwrap_err().to_string(), message);
    }

    /// The daily file as the ECB publishes it: a space after each comma, a trailing comma and
    /// the date written out. (The sample is the shipped history's 2026-10-30 row in that layout.)
    const DAILY: &str = include_str!("../../data/ecb/samples/eurofxref.csv");
    /// The 90-day history as published: the history's columns, ISO dates, `N/A`.
    const NINETY_DAYS: &str = include_str!("../../data/ecb/samples/eurofxref-hist-90d.csv");

    #[test]
    fn the_daily_file_as_published() {
        assert!(DAILY.starts_with("Date, USD, JPY, CZK,"), "{DAILY}");
        assert!(
            DAILY.contains("\n30 October 2026, 1.1172, 175.68, "),
            "{DAILY}"
        );
        let sheet = parse_ecb_csv(DAILY).unwrap();
        assert_eq!(
            (sheet.first_date, sheet.last_date),
            (date("2026-10-30"), date("2026-10-30"))
        );
        assert_eq!(sheet.rates.len(), 29);
        assert!(sheet.skipped_currencies.is_empty());
        let yen = sheet
            .latest_on_or_before(CurrencyCode::JPY, date("2026-10-30"))
            .unwrap();
        assert_eq!(yen.per_eur, dec!(175.68));
        let rand = sheet
            .latest_on_or_before(currency("ZAR"), date("2026-10-30"))
            .unwrap();
        assert_eq!(rand.per_eur, dec!(18.6455));
    }

    #[rstest]
    #[case::written_out("30 October 2026", "2026-10-30")]
    #[case::one_digit_day("2 November 2026", "2026-11-02")]
    #[case::zero_padded_day("02 November 2026", "2026-11-02")]
    #[case::iso("2026-11-02", "2026-11-02")]
    fn both_date_spellings(#[case] text: &str, #[case] expected: &str) {
        let sheet = parse_ecb_csv(&format!("Date, USD, \n{text}, 1.1, \n")).unwrap();
        assert_eq!(sheet.last_date, date(expected));
    }

    #[rstest]
    #[case::month_unknown("30 Brumaire 2026")]
    #[case::no_such_day("31 November 2026")]
    #[case::us_order("October 30 2026")]
    fn a_misspelt_daily_date_names_its_line(#[case] text: &str) {
        assert_eq!(
            parse_ecb_csv(&format!("Date, USD, \n{text}, 1.1, \n"))
                .unwrap_err()
                .to_string(),
            format!(
                "ECB sheet line 2: column Date: '{text}' is not a date (YYYY-MM-DD, or 30 October 2026)"
            )
        );
    }

    #[test]
    fn the_ninety_day_history_as_published() {
        let sheet = parse_ecb_csv(NINETY_DAYS).unwrap();
        assert_eq!(sheet.first_date, date("2026-08-03"));
        assert_eq!(sheet.last_date, date("2026-10-30"));
        assert_eq!(sheet.date_count(), 65);
        assert_eq!(sheet.skipped_currencies, ["ROL", "TRL"]);
        let usd = sheet
            .latest_on_or_before(CurrencyCode::USD, date("2026-10-29"))
            .unwrap();
        assert_eq!(usd.per_eur, dec!(1.113));
    }

    #[test]
    fn merging_the_daily_file_over_the_history_keeps_one_rate_per_day() {
        let daily = parse_ecb_csv("Date, USD, JPY, \n2 November 2026, 1.12, 176, \n").unwrap();
        let corrected = parse_ecb_csv("Date, USD, \n30 October 2026, 1.2, \n").unwrap();
        let history = parse_ecb_csv(NINETY_DAYS).unwrap();
        let history_rates = history.rates.len();
        let merged = daily.merge(corrected).merge(history);
        assert_eq!(merged.first_date, date("2026-08-03"));
        assert_eq!(merged.last_date, date("2026-11-02"));
        assert_eq!(merged.rates.len(), history_rates + 2);
        assert_eq!(merged.date_count(), 66);
        assert_eq!(merged.dates().last(), Some(&date("2026-11-02")));
        // The newer publication's figure wins where both have one.
        let usd = merged
            .latest_on_or_before(CurrencyCode::USD, date("2026-10-31"))
            .unwrap();
        assert_eq!((usd.date, usd.per_eur), (date("2026-10-30"), dec!(1.2)));
        assert_eq!(merged.skipped_currencies, ["ROL", "TRL"]);
        assert!(
            merged
                .rates
                .windows(2)
                .all(|pair| (pair[0].currency, pair[0].date) < (pair[1].currency, pair[1].date))
        );
    }

    #[test]
    fn full_embedded_history() {
        let sheet = parse_ecb_csv(include_str!("../../data/ecb/eurofxref-hist.csv")).unwrap();
        assert_eq!(sheet.first_date, date("1999-01-04"));
        assert_eq!(sheet.last_date, date("2026-10-30"));
        assert_eq!(sheet.date_count(), 7126);
        let usd = sheet
            .latest_on_or_before(CurrencyCode::USD, date("2024-03-15"))
            .unwrap();
        assert_eq!((usd.date, usd.per_eur), (date("2024-03-15"), dec!(1.0892)));
        assert_eq!(sheet.skipped_currencies, ["ROL", "TRL"]);
        // The euro's predecessors are kept up to their last day: the kuna's last rate is of
        // 2022-12-30, the lev's of 2025-12-31.
        for (code, last) in [
            ("HRK", "2022-12-30"),
            ("BGN", "2025-12-31"),
            ("CYP", "2007-12-31"),
            ("SIT", "2006-12-29"),
            ("LTL", "2014-12-31"),
        ] {
            let currency = CurrencyCode::parse_historical(code).unwrap();
            let rate = sheet
                .latest_on_or_before(currency, date("2026-10-30"))
                .unwrap();
            assert_eq!(rate.date, date(last), "{code}");
        }
        let kuna = sheet
            .latest_on_or_before(
                CurrencyCode::parse_historical("HRK").unwrap(),
                date("2020-06-01"),
            )
            .unwrap();
        assert_eq!(
            (kuna.date, kuna.per_eur),
            (date("2020-06-01"), dec!(7.5895))
        );
        // RUB stops on 2022-03-01 and is a tradeable code: the last value is simply old.
        let rub = sheet
            .latest_on_or_before(currency("RUB"), date("2026-10-30"))
            .unwrap();
        assert!(rub.date < date("2022-03-02"));
        // ISK was not published between 2008-12-10 and 2018-01-31.
        let isk = sheet
            .latest_on_or_before(currency("ISK"), date("2012-05-04"))
            .unwrap();
        assert_eq!(isk.date, date("2008-12-09"));
    }
}
