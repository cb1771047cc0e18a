//! Known-valid numbers (published examples and the python-stdnum test corpus, each also checked
//! by hand against the algorithm) with a one-digit corruption of each that must be refused.

use super::*;
use proptest::prelude::*;
use rstest::rstest;

#[rstest]
// Austria
#[case("ATU13585627", "ATU13585628")]
#[case("ATU14243102", "ATU14343102")]
#[case("ATU61195628", "ATU61191628")]
// Belgium
#[case("BE0776091951", "BE0776091952")]
#[case("BE0428759497", "BE0428759498")]
#[case("BE0407139583", "BE0406139583")]
// Bulgaria: legal entity (9) and person (10)
#[case("BG175074752", "BG175074753")]
#[case("BG131272009", "BG131172009")]
#[case("BG7523169263", "BG7523169253")]
// Cyprus
#[case("CY10259033P", "CY10259033Q")]
#[case("CY10246672X", "CY10246672F")]
// Czechia: legal entity, special individual, birth number
#[case("CZ25123891", "CZ25123890")]
#[case("CZ48207926", "CZ48207726")]
#[case("CZ640903926", "CZ640913926")]
#[case("CZ8058012314", "CZ8058018314")]
#[case("CZ7103192745", "CZ7103192746")]
// Germany
#[case("DE136695976", "DE136695977")]
#[case("DE125014955", "DE125014855")]
#[case("DE813113875", "DE813913875")]
// Denmark
#[case("DK13585628", "DK13585629")]
#[case("DK10150817", "DK10159817")]
#[case("DK25662202", "DK25652202")]
// Estonia
#[case("EE100931558", "EE100941558")]
#[case("EE100594102", "EE100594103")]
#[case("EE101256753", "EE101256754")]
// Greece
#[case("EL094259216", "EL094259217")]
#[case("EL094012834", "EL094013834")]
#[case("EL094068633", "EL094068733")]
// Spain: CIF with digit and letter checks, DNI, NIE
#[case("ESA13585625", "ESA13585626")]
#[case("ESA28184661", "ESA28184662")]
#[case("ESQ2818015F", "ESQ2818016F")]
#[case("ES54362315K", "ES54362415K")]
#[case("ESX2482300W", "ESX2322300W")]
#[case("ESY5277343F", "ESY5277344F")]
// Finland
#[case("FI20774740", "FI20774741")]
#[case("FI09826511", "FI09826512")]
#[case("FI20946063", "FI20946064")]
// France: numeric keys, new-style keys, Monaco
#[case("FR40303265045", "FR41303265045")]
#[case("FR23334175221", "FR23334175222")]
#[case("FRK7399859412", "FRK7399859312")]
#[case("FR4Z123456782", "FR4Z123456792")]
#[case("FR32000000330", "FR32000000331")]
// Croatia
#[case("HR33392005961", "HR33392005962")]
#[case("HR69435151530", "HR69435151531")]
#[case("HR94577403194", "HR94577403195")]
// Hungary
#[case("HU12892312", "HU12892313")]
#[case("HU10672101", "HU10672102")]
#[case("HU13851909", "HU13851919")]
// Ireland: new style, new style with second letter, old style
#[case("IE6433435F", "IE6433436F")]
#[case("IE6433435OA", "IE6433436OA")]
#[case("IE6433435IH", "IE6433436IH")]
#[case("IE8D79739I", "IE8D79729I")]
#[case("IE9Y71814N", "IE9Y71815N")]
// Italy
#[case("IT00743110157", "IT00743110158")]
#[case("IT01404480202", "IT01404480203")]
#[case("IT12920760159", "IT12920760169")]
// Lithuania: 9 and 12 digits
#[case("LT119511515", "LT119511516")]
#[case("LT100001354118", "LT100001354119")]
#[case("LT290068995116", "LT290068995117")]
// Luxembourg
#[case("LU15027442", "LU15027443")]
#[case("LU10059929", "LU10059939")]
#[case("LU24870640", "LU24870641")]
// Latvia: legal entities
#[case("LV40003521600", "LV40003521601")]
#[case("LV40003189718", "LV40003189715")]
// Malta
#[case("MT11679112", "MT11679113")]
#[case("MT10396417", "MT10396418")]
#[case("MT20630321", "MT20630322")]
// Netherlands: mod 11 and the 2020 mod-97 form
#[case("NL004495445B01", "NL004495446B01")]
#[case("NL001241643B01", "NL001241644B01")]
#[case("NL002455799B11", "NL002455799B12")]
#[case("NL001162938B28", "NL001162938B29")]
// Poland
#[case("PL8567346215", "PL8567346216")]
#[case("PL5211355116", "PL5211355117")]
#[case("PL7010098470", "PL7010098471")]
// Portugal
#[case("PT501964843", "PT501964844")]
#[case("PT500019720", "PT500019721")]
#[case("PT502448911", "PT502448912")]
// Romania: 8, 7 and 6 digits
#[case("RO18547290", "RO18547291")]
#[case("RO2413020", "RO2413021")]
#[case("RO573768", "RO573769")]
// Sweden
#[case("SE556058115801", "SE556058115901")]
#[case("SE556043606401", "SE556043606501")]
#[case("SE202100500001", "SE202100501001")]
// Slovenia
#[case("SI50223054", "SI50223055")]
#[case("SI26808498", "SI26808499")]
#[case("SI36097152", "SI36097153")]
// Slovakia
#[case("SK2022749619", "SK2022749618")]
#[case("SK1078449064", "SK1078449164")]
#[case("SK2020237945", "SK2030237945")]
// Northern Ireland: standard, modulus 9755, branch trader, government and health forms
#[case("XI980780684", "XI980780685")]
#[case("XI434031494", "XI434031495")]
#[case("XI100190874", "XI100190875")]
#[case("XI102675046", "XI102675047")]
#[case("XI242338087388", "XI242338088388")]
#[case("XIGD888810003", "XIGD888810004")]
#[case("XIHA888856782", "XIHA888856700")]
fn known_numbers_and_their_corruptions(#[case] valid: &str, #[case] corrupted: &str) {
    let vat = EuVatNumber::parse(valid).unwrap_or_else(|e| panic!("{valid}: {e}"));
    assert_eq!(vat.as_string(), valid);
    assert!(vat.check_digits_verified(), "{valid}");
    let country = vat.country();
    assert_eq!(
        EuVatNumber::parse(corrupted),
        Err(IdentifierError::VatCheckDigit(country)),
        "{corrupted}"
    );
}

#[rstest]
#[case("DE136695976", "DE", "136695976", "Germany (DE) VAT number")]
#[case("de 136 695 976", "DE", "136695976", "Germany (DE) VAT number")]
#[case("DE 136.695.976", "DE", "136695976", "Germany (DE) VAT number")]
#[case(" fr 40-303-265-045 ", "FR", "40303265045", "France (FR) VAT number")]
#[case("BE 0776.091.951", "BE", "0776091951", "Belgium (BE) VAT number")]
#[case("BE 413 562 567", "BE", "0413562567", "Belgium (BE) VAT number")]
#[case("NL 4495445 B01", "NL", "004495445B01", "Netherlands (NL) VAT number")]
#[case("el 94051189", "EL", "094051189", "Greece (EL) VAT number")]
#[case("GR094259216", "EL", "094259216", "Greece (EL) VAT number")]
#[case("es x-5253868-r", "ES", "X5253868R", "Spain (ES) VAT number")]
#[case("IE 8+79739I", "IE", "8+79739I", "Ireland (IE) VAT number")]
#[case("xi gd100", "XI", "GD100", "Northern Ireland (XI) VAT number")]
#[case("XIHA501", "XI", "HA501", "Northern Ireland (XI) VAT number")]
#[case(
    "LV16117519997",
    "LV",
    "16117519997",
    "Latvia (LV) VAT number (format only: check digits not verified for LV)"
)]
#[case(
    "CZ450331451",
    "CZ",
    "450331451",
    "Czechia (CZ) VAT number (format only: check digits not verified for CZ)"
)]
fn normalises_and_describes(
    #[case] input: &str,
    #[case] country: &str,
    #[case] number: &str,
    #[case] detail: &str,
) {
    let vat = EuVatNumber::parse(input).unwrap();
    assert_eq!(vat.country(), country);
    assert_eq!(vat.number(), number);
    assert_eq!(vat.describe(), detail);
    assert_eq!(
        validate_eu_vat(input),
        Validation {
            valid: true,
            normalized: Some(format!("{country}{number}")),
            reason: None,
            detail: Some(detail.into()),
        }
    );
}

#[rstest]
#[case("", "empty value")]
#[case(" - . ", "empty value")]
#[case(
    "136695976",
    "missing country prefix: an EU VAT number starts with its member state code, e.g. DE136695976"
)]
#[case(
    "U13585627",
    "missing country prefix: an EU VAT number starts with its member state code, e.g. DE136695976"
)]
#[case(
    "D",
    "missing country prefix: an EU VAT number starts with its member state code, e.g. DE136695976"
)]
#[case(
    "US123",
    "'US' is not an EU VAT number prefix (an EU member state code, EL for Greece, or XI)"
)]
#[case(
    "GB980780684",
    "'GB' is not an EU VAT number prefix (an EU member state code, EL for Greece, or XI)"
)]
#[case("DE", "expected 9 digits after DE")]
#[case("DE13669597", "expected 9 digits after DE")]
#[case("DE1366959761", "expected 9 digits after DE")]
#[case("DE13669597A", "expected 9 digits after DE")]
#[case("DE13669597é", "expected 9 digits after DE")]
#[case("ATU1358562", "expected U followed by 8 digits after AT")]
#[case("AT13585627", "expected U followed by 8 digits after AT")]
#[case("BE07760919512", "expected 10 digits after BE")]
#[case("CY102590331", "expected 8 digits and a letter after CY")]
#[case("DK1358562", "expected 8 digits after DK")]
#[case(
    "ES1358562",
    "expected 9 characters: a letter or digit, 7 digits, a check character after ES"
)]
#[case("FR403032650", "expected a 2-character key and 9 digits after FR")]
#[case("HR3339200596", "expected 11 digits after HR")]
#[case("ITA0743110157", "expected 11 digits after IT")]
#[case(
    "LT1195115",
    "expected 9 digits with 1 as the 8th, or 12 digits with 1 as the 11th after LT"
)]
#[case("NL004495445801", "expected 9 digits, B and a 2-digit suffix after NL")]
#[case("PL856734621", "expected 10 digits after PL")]
#[case("RO1", "expected 2 to 10 digits not starting with 0 after RO")]
#[case(
    "RO12345678901",
    "expected 2 to 10 digits not starting with 0 after RO"
)]
#[case("SE5560581158", "expected 12 digits ending in 01 after SE")]
#[case(
    "XI98078068",
    "expected 9 or 12 digits, or GD/HA and 3 digits after XI"
)]
#[case("XIGD1000", "expected 9 or 12 digits, or GD/HA and 3 digits after XI")]
#[case("DE136695977", "check digit mismatch: not a valid DE VAT number")]
fn refusals_say_why(#[case] input: &str, #[case] reason: &str) {
    let validation = validate_eu_vat(input);
    assert!(!validation.valid, "{input}");
    assert_eq!(validation.normalized, None);
    assert_eq!(validation.detail, None);
    assert_eq!(validation.reason.as_deref(), Some(reason), "{input}");
}

#[test]
fn every_prefix_is_a_member_state_or_northern_ireland() {
    assert_eq!(COUNTRIES.len(), 28);
    for (code, _, _) in COUNTRIES {
        let alpha2 = if *code == "EL" { "GR" } else { code };
        let is_member =
            crate::country::CountryCode::parse(alpha2).is_ok_and(|country| country.is_eu_member());
        assert!(is_member || *code == "XI", "{code}");
    }
}

fn with_separators(valid: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![Just(""), Just(" "), Just("."), Just("-")],
        valid.len(),
    )
    .prop_map(move |separators| {
        valid
            .chars()
            .zip(separators)
            .map(|(c, s)| format!("{s}{}", c.to_ascii_lowercase()))
            .collect()
    })
}

proptest! {
    #[test]
    fn parsing_never_panics(value in "\\PC{0,20}") {
        let _ = validate_eu_vat(&value);
    }

    #[test]
    fn prefixed_garbage_never_panics(
        prefix in proptest::sample::select(COUNTRIES.iter().map(|c| c.0).collect::<Vec<_>>()),
        rest in "[0-9A-Z+*ÄéΩ]{0,16}",
    ) {
        let _ = validate_eu_vat(&format!("{prefix}{rest}"));
    }

    #[test]
    fn separators_and_case_do_not_matter(
        input in prop_oneof![
            with_separators("DE136695976"),
            with_separators("FRK7399859412"),
            with_separators("NL002455799B11"),
            with_separators("ESA13585625"),
        ]
    ) {
        let vat = EuVatNumber::parse(&input).unwrap();
        prop_assert_eq!(EuVatNumber::parse(&vat.as_string()), Ok(vat));
    }

    #[test]
    fn accepted_numbers_round_trip(value in "(DE|IT|PL|HU|DK|FI|SI|LU)[0-9]{8,11}") {
        if let Ok(vat) = EuVatNumber::parse(&value) {
            prop_assert_eq!(vat.as_string(), value.clone());
            prop_assert_eq!(EuVatNumber::parse(&value), Ok(vat));
        }
    }
}
