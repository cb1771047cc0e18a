//! EU Import One-Stop Shop (IOSS) registration numbers, which a marketplace or seller puts on the
//! customs data of every low-value consignment into the EU so that import VAT is not charged a
//! second time at the border. The format is `IM` + the ISO 3166 numeric code of the member state
//! of identification + 7 digits (`IM2760000742`). The EU publishes no check-digit algorithm, so
//! only the format and the member state are validated.

use super::{Checked, IdentifierError, normalize, require_digits, require_non_empty};
use crate::country::CountryCode;
use crate::country::all_countries;

pub(super) fn check(value: &str) -> Result<Checked, IdentifierError> {
    let id = normalize(value);
    require_non_empty(&id)?;
    let length = id.chars().count();
    if length != 12 {
        return Err(IdentifierError::WrongLength {
            scheme: "IOSS",
            expected: "12",
            actual: length,
        });
    }
    if !id.starts_with("IM") {
        return Err(IdentifierError::IossPrefix(id.chars().take(2).collect()));
    }
    let digits = &id[2..];
    require_digits(digits, 2)?;
    let member_code = &digits[..3];
    let member = member_state(member_code)
        .ok_or_else(|| IdentifierError::NotEuMember(member_code.to_string()))?;
    Ok(Checked {
        detail: format!("IOSS number registered in {}", member.info().name),
        normalized: id,
    })
}

/// The EU member state whose ISO 3166-1 numeric code is `numeric` (three digits).
fn member_state(numeric: &str) -> Option<CountryCode> {
    let numeric: u16 = numeric.parse().ok()?;
    all_countries()
        .iter()
        .filter(|country| country.numeric == numeric)
        .filter_map(|country| CountryCode::parse(country.alpha2).ok())
        .find(CountryCode::is_eu_member)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("IM2760000742", "Germany")]
    #[case("im 372 000 0742", "Ireland")]
    #[case("IM0400000001", "Austria")]
    #[case("IM1000000001", "Bulgaria")]
    #[case("IM5280123456", "Netherlands")]
    fn accepts_member_states(#[case] input: &str, #[case] member: &str) {
        let checked = check(input).unwrap();
        assert_eq!(
            checked.detail,
            format!("IOSS number registered in {member}")
        );
        assert_eq!(checked.normalized.len(), 12);
    }

    #[rstest]
    #[case("IM8400000742", IdentifierError::NotEuMember("840".into()))]
    #[case("IM8260000742", IdentifierError::NotEuMember("826".into()))]
    #[case("IM9000000742", IdentifierError::NotEuMember("900".into()))]
    #[case("IM0000000742", IdentifierError::NotEuMember("000".into()))]
    #[case("EU2760000742", IdentifierError::IossPrefix("EU".into()))]
    #[case("IM27600007", IdentifierError::WrongLength { scheme: "IOSS", expected: "12", actual: 10 })]
    #[case("IM27600007A2", IdentifierError::NonDigit { position: 11, found: 'A' })]
    #[case("", IdentifierError::Empty)]
    fn refusals(#[case] input: &str, #[case] error: IdentifierError) {
        assert_eq!(check(input).err(), Some(error));
    }

    #[test]
    fn every_member_state_code_is_accepted() {
        let members: Vec<_> = all_countries()
            .iter()
            .filter(|c| CountryCode::parse(c.alpha2).is_ok_and(|code| code.is_eu_member()))
            .collect();
        assert_eq!(members.len(), 27);
        for country in members {
            let id = format!("IM{:03}1234567", country.numeric);
            assert!(check(&id).is_ok(), "{id}");
        }
    }
}
