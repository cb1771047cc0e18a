//! Addresses of the markets Silkroute ships to, checked and written as labels end to end; the
//! property tests hold validation to "never panics" and "normalising twice changes nothing".

use proptest::prelude::*;
use rstest::rstest;
use silkroute_domain::country::CountryCode;

use super::*;

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("test country")
}

fn address(code: &str, street: &str, city: &str, state: &str, postal_code: &str) -> PostalAddress {
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    PostalAddress {
        recipient: "Ana Lima".into(),
        organisation: None,
        street_lines: vec![street.into()],
        dependent_locality: None,
        city: optional(city),
        state: optional(state),
        postal_code: optional(postal_code),
        sorting_code: None,
        country: country(code),
        phone: None,
        email: None,
    }
}

fn codes(errors: &AddressErrors) -> Vec<(&str, AddressErrorCode)> {
    errors
        .errors()
        .iter()
        .map(|error| (error.field.as_str(), error.code))
        .collect()
}

fn valid(address: &PostalAddress) -> ValidAddress {
    match validate(address) {
        Ok(valid) => valid,
        Err(errors) => panic!("{address:?} should be valid: {errors}"),
    }
}

#[rstest]
#[case::us(
    "US",
    "1 Infinite Loop",
    "Cupertino",
    "california",
    "95014",
    Some("CA"),
    Some("95014")
)]
#[case::us_zip_plus_four(
    "US",
    "350 5th Ave",
    "New York",
    "NY",
    "10118-0110",
    Some("NY"),
    Some("10118-0110")
)]
#[case::cn_key(
    "CN",
    "天河路385号",
    "广州市",
    "广东省",
    "510620",
    Some("广东省"),
    Some("510620")
)]
#[case::cn_latin_name(
    "CN",
    "385 Tianhe Rd",
    "Guangzhou",
    "Guangdong Sheng",
    "510620",
    Some("广东省"),
    Some("510620")
)]
#[case::jp_without_city(
    "JP",
    "神宮前1-2-3",
    "",
    "東京都",
    "150-0001",
    Some("東京都"),
    Some("150-0001")
)]
#[case::jp_latin_name(
    "JP",
    "1-2-3 Jingumae",
    "Shibuya-ku",
    "Tokyo",
    "1500001",
    Some("東京都"),
    Some("1500001")
)]
#[case::de("DE", "Unter den Linden 1", "Berlin", "", "10117", None, Some("10117"))]
#[case::gb_spacing_and_case(
    "GB",
    "10 Downing St",
    "London",
    "",
    " sw1a2aa ",
    None,
    Some("SW1A 2AA")
)]
#[case::gb_collapsed_blanks(
    "GB",
    "10 Downing St",
    "London",
    "",
    "sw1a   2aa",
    None,
    Some("SW1A 2AA")
)]
#[case::fr("FR", "8 rue de Rivoli", "Paris", "", "75004", None, Some("75004"))]
#[case::br(
    "BR",
    "Av. Paulista, 1578",
    "São Paulo",
    "São Paulo",
    "01310-200",
    Some("SP"),
    Some("01310-200")
)]
#[case::ca(
    "CA",
    "111 Wellington St",
    "Ottawa",
    "Ontario",
    "k1a0a9",
    Some("ON"),
    Some("K1A 0A9")
)]
#[case::ie_without_eircode(
    "IE",
    "1 Grafton St",
    "Dublin",
    "co. dublin",
    "",
    Some("Co. Dublin"),
    None
)]
#[case::ie_with_eircode("IE", "1 Grafton St", "Dublin", "", "d02 x285", None, Some("D02 X285"))]
#[case::state_of_a_country_without_states(
    "DE",
    "Marienplatz 1",
    "München",
    "  Bayern ",
    "80331",
    Some("Bayern"),
    Some("80331")
)]
fn addresses_of_the_markets_validate_and_normalise(
    #[case] code: &str,
    #[case] street: &str,
    #[case] city: &str,
    #[case] state: &str,
    #[case] postal_code: &str,
    #[case] expected_state: Option<&str>,
    #[case] expected_postal_code: Option<&str>,
) {
    let valid = valid(&address(code, street, city, state, postal_code));
    assert_eq!(valid.address().state.as_deref(), expected_state);
    assert_eq!(valid.address().postal_code.as_deref(), expected_postal_code);
    assert_eq!(valid.country(), country(code));
}

#[rstest]
#[case::us_zip_too_short(
    "US",
    "Cupertino",
    "CA",
    "1234",
    "postal_code",
    AddressErrorCode::Pattern
)]
#[case::de_letters("DE", "Berlin", "", "1O117", "postal_code", AddressErrorCode::Pattern)]
#[case::gb_not_a_postcode(
    "GB",
    "London",
    "",
    "SW1A 2A",
    "postal_code",
    AddressErrorCode::Pattern
)]
#[case::full_width_digits(
    "DE",
    "Berlin",
    "",
    "１０１１７",
    "postal_code",
    AddressErrorCode::Pattern
)]
#[case::california_with_a_new_york_zip(
    "US",
    "Cupertino",
    "CA",
    "10118",
    "postal_code",
    AddressErrorCode::StateMismatch
)]
#[case::tokyo_with_an_osaka_code(
    "JP",
    "",
    "東京都",
    "530-0001",
    "postal_code",
    AddressErrorCode::StateMismatch
)]
#[case::ontario_with_a_quebec_code(
    "CA",
    "Ottawa",
    "ON",
    "H3Z 2Y7",
    "postal_code",
    AddressErrorCode::StateMismatch
)]
#[case::unknown_state(
    "US",
    "Cupertino",
    "Narnia",
    "95014",
    "state",
    AddressErrorCode::UnknownState
)]
#[case::state_without_its_accent(
    "BR",
    "São Paulo",
    "Sao Paulo",
    "01310-200",
    "state",
    AddressErrorCode::UnknownState
)]
#[case::us_without_state("US", "Cupertino", "", "95014", "state", AddressErrorCode::Required)]
#[case::de_without_postal_code("DE", "Berlin", "", "", "postal_code", AddressErrorCode::Required)]
#[case::fr_without_city("FR", "", "", "75004", "city", AddressErrorCode::Required)]
#[case::jp_without_prefecture("JP", "", "", "150-0001", "state", AddressErrorCode::Required)]
#[case::cn_without_postal_code(
    "CN",
    "广州市",
    "广东省",
    "",
    "postal_code",
    AddressErrorCode::Required
)]
fn invalid_addresses_name_the_field_and_the_problem(
    #[case] code: &str,
    #[case] city: &str,
    #[case] state: &str,
    #[case] postal_code: &str,
    #[case] field: &str,
    #[case] error: AddressErrorCode,
) {
    let errors = validate(&address(code, "1 Main St", city, state, postal_code))
        .expect_err("should be refused");
    assert_eq!(codes(&errors), [(field, error)], "{errors}");
}

#[test]
fn every_problem_is_reported_at_once_with_its_path() {
    let mut input = address("US", "1 Main St", "", "Narnia", "1234");
    input.recipient = "  ".into();
    input.street_lines = vec![
        "ok".into(),
        "bad\u{202E}line".into(),
        "x".repeat(MAX_FIELD_CHARS + 1),
    ];
    input.email = Some("not an email".into());
    input.phone = Some("12".into());
    let errors = validate(&input).expect_err("many problems");
    assert_eq!(
        codes(&errors),
        [
            ("street_lines[1]", AddressErrorCode::ControlCharacters),
            ("street_lines[2]", AddressErrorCode::TooLong),
            ("recipient", AddressErrorCode::Required),
            ("city", AddressErrorCode::Required),
            ("state", AddressErrorCode::UnknownState),
            ("postal_code", AddressErrorCode::Pattern),
            ("phone", AddressErrorCode::InvalidPhone),
            ("email", AddressErrorCode::InvalidEmail),
        ]
    );
}

#[test]
fn a_blank_street_is_required_on_its_first_line_and_four_lines_are_too_many() {
    let mut input = address("DE", " ", "Berlin", "", "10117");
    let errors = validate(&input).expect_err("no street");
    assert_eq!(
        codes(&errors),
        [("street_lines[0]", AddressErrorCode::Required)]
    );

    input.street_lines = vec!["a".into(), "b".into(), "c".into(), "d".into()];
    let errors = validate(&input).expect_err("four lines");
    assert_eq!(
        codes(&errors),
        [("street_lines", AddressErrorCode::TooManyLines)]
    );
}

#[test]
fn blank_lines_and_fields_are_dropped_and_blanks_collapsed() {
    let mut input = address("DE", "  Unter den\tLinden  1 ", " Berlin ", "", "10117");
    input.street_lines.insert(0, "   ".into());
    input.organisation = Some("\n".into());
    input.phone = Some(" +49  30 1234567 ".into());
    let valid = valid(&input);
    let normalised = valid.address();
    assert_eq!(normalised.street_lines, ["Unter den Linden 1"]);
    assert_eq!(normalised.city.as_deref(), Some("Berlin"));
    assert_eq!(normalised.organisation, None);
    assert_eq!(normalised.phone.as_deref(), Some("+49 30 1234567"));
}

#[test]
fn nul_is_refused_in_any_field() {
    let mut input = address("DE", "Unter den Linden 1", "Berlin", "", "10117");
    input.recipient = "Ana\u{0}".into();
    let errors = validate(&input).expect_err("NUL");
    assert_eq!(
        codes(&errors),
        [("recipient", AddressErrorCode::ControlCharacters)]
    );
}

#[test]
fn a_valid_address_serialises_as_a_postal_address_and_deserialising_validates_it() {
    let valid = valid(&address(
        "US",
        "1 Infinite Loop",
        "Cupertino",
        "california",
        "95014",
    ));
    let json = serde_json::to_value(&valid).expect("serialise");
    assert_eq!(json["state"], "CA");
    assert_eq!(json["country"], "US");
    let back: ValidAddress = serde_json::from_value(json.clone()).expect("deserialise");
    assert_eq!(back, valid);

    let mut wrong = json;
    wrong["postal_code"] = "1234".into();
    let refused = serde_json::from_value::<ValidAddress>(wrong).expect_err("refused");
    assert!(refused.to_string().contains("postal_code"), "{refused}");
}

#[test]
fn a_form_may_leave_out_every_field_but_the_country() {
    let input: PostalAddress = serde_json::from_str(r#"{"country": "de"}"#).expect("deserialise");
    let errors = validate(&input).expect_err("empty");
    assert_eq!(
        codes(&errors),
        [
            ("recipient", AddressErrorCode::Required),
            ("street_lines[0]", AddressErrorCode::Required),
            ("city", AddressErrorCode::Required),
            ("postal_code", AddressErrorCode::Required),
        ]
    );
}

#[test]
fn japan_is_written_postal_code_first_locally_and_recipient_first_in_latin() {
    let mut input = address("JP", "神宮前1-2-3", "渋谷区", "tokyo", "150-0001");
    input.recipient = "山田太郎".into();
    let valid = valid(&input);
    assert_eq!(
        format_lines(&valid, Script::Local, CountryLine::Omit),
        ["〒150-0001", "東京都", "神宮前1-2-3", "山田太郎"]
    );
    assert_eq!(
        format_lines(&valid, Script::Latin, CountryLine::SentFrom(country("DE"))),
        ["山田太郎", "神宮前1-2-3, TOKYO", "150-0001", "JAPAN"]
    );
}

#[test]
fn the_uk_writes_post_town_and_postcode_in_capitals() {
    let mut input = address("GB", "10 Downing St", "London", "", "sw1a2aa");
    input.organisation = Some("Cabinet Office".into());
    let valid = valid(&input);
    assert_eq!(
        format_lines(&valid, Script::Latin, CountryLine::Include),
        [
            "Ana Lima",
            "Cabinet Office",
            "10 Downing St",
            "LONDON",
            "SW1A 2AA",
            "UNITED KINGDOM"
        ]
    );
}

#[rstest]
#[case::us(
    address("US", "1 Infinite Loop", "Cupertino", "California", "95014"),
    &["Ana Lima", "1 Infinite Loop", "CUPERTINO, CA 95014", "UNITED STATES"][..]
)]
#[case::de(
    address("DE", "Unter den Linden 1", "Berlin", "", "10117"),
    &["Ana Lima", "Unter den Linden 1", "10117 BERLIN", "GERMANY"][..]
)]
#[case::br(
    address("BR", "Av. Paulista, 1578", "São Paulo", "SP", "01310-200"),
    &["Ana Lima", "Av. Paulista, 1578", "SÃO PAULO-SP", "01310-200", "BRAZIL"][..]
)]
#[case::ie_without_eircode(
    address("IE", "1 Grafton St", "Dublin", "Co. Dublin", ""),
    &["Ana Lima", "1 Grafton St", "DUBLIN", "Co. Dublin", "IRELAND"][..]
)]
#[case::cn_latin(
    address("CN", "385 Tianhe Rd", "Guangzhou", "广东省", "510620"),
    &["Ana Lima", "385 Tianhe Rd", "Guangzhou", "GUANGDONG SHENG, 510620", "CHINA"][..]
)]
fn labels_follow_each_countrys_layout(#[case] input: PostalAddress, #[case] expected: &[&str]) {
    let valid = valid(&input);
    assert_eq!(
        format_lines(&valid, Script::Latin, CountryLine::SentFrom(country("FR"))),
        expected
    );
}

#[test]
fn a_domestic_label_has_no_country_line() {
    let valid = valid(&address(
        "US",
        "1 Infinite Loop",
        "Cupertino",
        "CA",
        "95014",
    ));
    assert_eq!(
        format_lines(&valid, Script::Local, CountryLine::SentFrom(country("US"))),
        ["Ana Lima", "1 Infinite Loop", "CUPERTINO, CA 95014"]
    );
}

#[test]
fn the_form_for_japan_lists_prefectures_with_latin_names() {
    let form = country_format(country("JP"));
    assert_eq!(form.state_label, StateLabel::Prefecture);
    assert_eq!(form.states.len(), 47);
    let tokyo = form.states.iter().find(|state| state.key == "東京都");
    assert_eq!(
        tokyo.and_then(|state| state.latin_name.as_deref()),
        Some("Tokyo")
    );
    assert!(!form.required.contains(&AddressField::City));
}

/// Countries with states, patterns and layouts of every kind.
const COUNTRIES: [&str; 12] = [
    "US", "CN", "JP", "DE", "GB", "FR", "BR", "CA", "IE", "AE", "KR", "AQ",
];

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[ a-zA-Z0-9\\-]{0,12}",
        Just(String::new()),
        Just("ca".to_owned()),
        Just("Tokyo".to_owned()),
        Just("sw1a 2aa".to_owned()),
        Just("95014".to_owned()),
    ]
}

fn any_address() -> impl Strategy<Value = PostalAddress> {
    (
        proptest::sample::select(&COUNTRIES[..]),
        any_text(),
        proptest::option::of(any_text()),
        proptest::collection::vec(any_text(), 0..5),
        (
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
        ),
        (
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
            proptest::option::of(any_text()),
        ),
    )
        .prop_map(
            |(
                code,
                recipient,
                organisation,
                street_lines,
                (dependent_locality, city, state, postal_code),
                (sorting_code, phone, email),
            )| PostalAddress {
                recipient,
                organisation,
                street_lines,
                dependent_locality,
                city,
                state,
                postal_code,
                sorting_code,
                country: country(code),
                phone,
                email,
            },
        )
}

/// Real addresses with one field replaced by arbitrary text, so that many inputs pass and the
/// idempotence property is exercised on valid addresses, not only on refusals.
fn nearly_valid_address() -> impl Strategy<Value = PostalAddress> {
    let bases = vec![
        address("US", "1 Infinite Loop", "Cupertino", "ca", "95014"),
        address("JP", "神宮前1-2-3", "渋谷区", "Tokyo", "150-0001"),
        address("GB", "10 Downing St", "London", "", "sw1a2aa"),
        address("CA", "111 Wellington St", "Ottawa", "on", "k1a0a9"),
        address("IE", "1 Grafton St", "Dublin", "", ""),
    ];
    (proptest::sample::select(bases), 0..6usize, any_text()).prop_map(|(mut base, field, text)| {
        match field {
            0 => base.recipient = text,
            1 => base.street_lines.push(text),
            2 => base.city = Some(text),
            3 => base.state = Some(text),
            4 => base.postal_code = Some(text),
            _ => base.phone = Some(text),
        }
        base
    })
}

proptest! {
    #[test]
    fn validation_never_panics_and_a_valid_address_validates_to_itself(
        input in prop_oneof![any_address(), nearly_valid_address()]
    ) {
        if let Ok(valid) = validate(&input) {
            let again = validate(valid.address());
            prop_assert_eq!(again.as_ref(), Ok(&valid));
            let lines = format_lines(&valid, Script::Latin, CountryLine::Include);
            prop_assert!(lines.iter().all(|line| !line.trim().is_empty()));
        }
    }
}
