//! A calendar day as the API and the CLI write it: `YYYY-MM-DD` with a four-digit year, as RFC
//! 3339's `full-date` and the OpenAPI `date` format say. chrono alone also reads `+262143-12-31`
//! and `2026-3-5`; days that far out overflow the date arithmetic of a report (a previous
//! period, a year of history before it), and a format the document does not admit must not pass.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// The day `text` names, or `None` unless it is exactly `YYYY-MM-DD` and a real date.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// For an optional day in a request body:
/// `#[serde(default, deserialize_with = "silkroute_domain::day::deserialize_optional")]`.
pub fn deserialize_optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    let text = Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    text.map(|text| {
        parse_day(&text)
            .ok_or_else(|| serde::de::Error::custom("must be a date written YYYY-MM-DD"))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("2026-10-30", NaiveDate::from_ymd_opt(2026, 10, 30))]
    #[case("0001-01-01", NaiveDate::from_ymd_opt(1, 1, 1))]
    #[case("9999-12-31", NaiveDate::from_ymd_opt(9999, 12, 31))]
    #[case("2024-02-29", NaiveDate::from_ymd_opt(2024, 2, 29))]
    #[case("2026-02-29", None)]
    #[case("2026-13-01", None)]
    #[case("2026-3-5", None)]
    #[case("+262143-12-31", None)]
    #[case("-262143-01-01", None)]
    #[case("20261030", None)]
    #[case("2026-10-30 ", None)]
    #[case("２０２６-10-30", None)]
    #[case("", None)]
    fn only_four_digit_full_dates(#[case] text: &str, #[case] expected: Option<NaiveDate>) {
        assert_eq!(parse_day(text), expected);
    }
}
