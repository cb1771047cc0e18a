//! Checking an address against its country's rules and normalising it in the same pass. Every
//! problem is collected with the path of its field (`street_lines[1]`, `postal_code`) and a
//! machine code, so a form can mark all of them at once and a client can react without parsing
//! the English message.

use serde::Serialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::validation::FieldError;

use super::metadata::{AddressField, CountryRules, rules_for};
use super::{PostalAddress, ValidAddress};

/// Longest text field, in characters: label printers wrap or cut beyond roughly this, and carrier
/// APIs take 35–100 characters per line.
pub const MAX_FIELD_CHARS: usize = 100;
/// The longest postal codes in the data are ten characters (`22162-1010`); twenty leaves room for
/// countries without a pattern.
pub const MAX_POSTAL_CODE_CHARS: usize = 20;
/// E.164 numbers are at most 15 digits; the rest is room for `+`, spaces and brackets.
pub const MAX_PHONE_CHARS: usize = 32;
/// The limit of an address in SMTP (RFC 5321 path length less the brackets).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Labels and carrier APIs have room for three street lines.
pub const MAX_STREET_LINES: usize = 3;

/// Fewest and most digits a phone number may have: the shortest national numbers have 5 digits,
/// E.164 allows 15.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 5..=15;

/// Countries whose post writes the postal code with one space before its last three characters
/// (the UK's inward code, Canada's LDU); a code typed without it gets it.
const SPACE_BEFORE_LAST_THREE: [&str; 5] = ["CA", "GB", "GG", "IM", "JE"];

/// What is wrong with a field, for clients to branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddressErrorCode {
    /// The country requires the field and it is empty.
    Required,
    /// The postal code does not have the country's shape.
    Pattern,
    /// The postal code is valid for the country but not for the state given.
    StateMismatch,
    /// The state is none of the country's states.
    UnknownState,
    TooLong,
    TooManyLines,
    /// NUL, a Unicode bidirectional control or another non-blank control character.
    ControlCharacters,
    InvalidEmail,
    InvalidPhone,
}

/// One problem with one field of an address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AddressError {
    /// The path relative to the address: `postal_code`, `street_lines[0]`.
    pub field: String,
    pub code: AddressErrorCode,
    pub message: String,
}

/// Every problem [`validate`] found, in field order; never empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("invalid address: {}", summary(.0))]
pub struct AddressErrors(Vec<AddressError>);

impl AddressErrors {
    pub fn errors(&self) -> &[AddressError] {
        &self.0
    }

    pub fn into_errors(self) -> Vec<AddressError> {
        self.0
    }

    /// The problems as the API's field errors, with `prefix` (`shipping_address`) put before each
    /// path, so an address nested in a request points at the right field.
    pub fn into_field_errors(self, prefix: &str) -> Vec<FieldError> {
        self.0
            .into_iter()
            .map(|error| {
                let field = if prefix.is_empty() {
                    error.field
                } else {
                    format!("{prefix}.{}", error.field)
                };
                FieldError::new(field, error.message)
            })
            .collect()
    }
}

fn summary(errors: &[AddressError]) -> String {
    errors
        .iter()
        .map(|error| format!("{} {}", error.field, error.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks `address` against the rules of its country and returns it normalised, or every
/// problem found.
///
/// - Text: surrounding blanks are trimmed and runs of blanks (tabs and line breaks included)
///   become one space; NUL, bidi controls and other control characters are refused; a blank
///   field becomes `None`; a field is at most [`MAX_FIELD_CHARS`] characters.
/// - Required fields follow the metadata's `require`; the recipient is required everywhere.
///   Fields the country's format does not print are kept but not required.
/// - The state, where the country lists states, must be one of them by key, ISO 3166-2 code or
///   name (any case, accents count) and is stored as its key.
/// - The postal code is upper-cased and must match the country's pattern as a whole, then the
///   prefix pattern of the state when both are known.
/// - Phone: digits, spaces, `+` (first only), `-`, `.`, `(`, `)`, with 5 to 15 digits. Email:
///   one `@` with text before it and a dotted domain after it, no blanks. Neither is verified
///   further: the carrier only uses them to reach the recipient.
pub fn validate(address: &PostalAddress) -> Result<ValidAddress, AddressErrors> {
    let country = address.country;
    let rules = rules_for(country);
    let mut check = Check::default();

    let recipient = check.text("recipient", Some(&address.recipient), MAX_FIELD_CHARS);
    let organisation = check.text(
        "organisation",
        address.organisation.as_deref(),
        MAX_FIELD_CHARS,
    );
    let street_lines = check.street_lines(&address.street_lines);
    let dependent_locality = check.text(
        "dependent_locality",
        address.dependent_locality.as_deref(),
        MAX_FIELD_CHARS,
    );
    let city = check.text("city", address.city.as_deref(), MAX_FIELD_CHARS);
    let state_text = check.text("state", address.state.as_deref(), MAX_FIELD_CHARS);
    let postal_text = check.code(
        "postal_code",
        address.postal_code.as_deref(),
        MAX_POSTAL_CODE_CHARS,
    );
    let sorting_code = check.code(
        "sorting_code",
        address.sorting_code.as_deref(),
        MAX_FIELD_CHARS,
    );
    let phone = check.text("phone", address.phone.as_deref(), MAX_PHONE_CHARS);
    let email = check.text("email", address.email.as_deref(), MAX_EMAIL_CHARS);

    let present = |field: AddressField| match field {
        AddressField::Recipient => recipient.is_some(),
        AddressField::Organisation => organisation.is_some(),
        AddressField::StreetLines => !street_lines.is_empty(),
        AddressField::DependentLocality => dependent_locality.is_some(),
        AddressField::City => city.is_some(),
        AddressField::State => state_text.is_some(),
        AddressField::PostalCode => postal_text.is_some(),
        AddressField::SortingCode => sorting_code.is_some(),
    };
    for &field in &rules.required {
        if !present(field) && !check.has_error_on(field) {
            let path = match field {
                // A form marks the first street line; the list as a whole has no input.
                AddressField::StreetLines => "street_lines[0]".to_owned(),
                other => other.name().to_owned(),
            };
            check.push(
                path,
                AddressErrorCode::Required,
                format!("is required for addresses in {}", country.info().name),
            );
        }
    }

    let state = state_text.and_then(|text| check.state(rules, country, text));
    let postal_code =
        postal_text.and_then(|text| check.postal_code(rules, country, text, state.as_deref()));
    if let Some(phone) = &phone {
        check.phone(phone);
    }
    if let Some(email) = &email {
        check.email(email);
    }

    if !check.errors.is_empty() {
        return Err(AddressErrors(check.errors));
    }
    Ok(ValidAddress(PostalAddress {
        recipient: recipient.unwrap_or_default(),
        organisation,
        street_lines,
        dependent_locality,
        city,
        state,
        postal_code,
        sorting_code,
        country,
        phone,
        email,
    }))
}

#[derive(Default)]
struct Check {
    errors: Vec<AddressError>,
}

impl Check {
    fn push(
        &mut self,
        field: impl Into<String>,
        code: AddressErrorCode,
        message: impl Into<String>,
    ) {
        self.errors.push(AddressError {
            field: field.into(),
            code,
            message: message.into(),
        });
    }

    /// Whether a field already failed (a refused character, a length), so that "required" is not
    /// reported on top of it.
    fn has_error_on(&self, field: AddressField) -> bool {
        let name = field.name();
        self.errors
            .iter()
            .any(|error| error.field == name || error.field.starts_with(&format!("{name}[")))
    }

    /// The normalised text of an optional field, `None` when blank or refused.
    fn text(&mut self, field: &str, raw: Option<&str>, max_chars: usize) -> Option<String> {
        self.normalised(field, raw, max_chars, |text| text)
    }

    /// Like [`Check::text`] for a code (postal, sorting), which is written in capitals. The
    /// length counts the capitals (`ß` becomes `SS`), so a stored code passes again.
    fn code(&mut self, field: &str, raw: Option<&str>, max_chars: usize) -> Option<String> {
        self.normalised(field, raw, max_chars, |text| text.to_uppercase())
    }

    fn normalised(
        &mut self,
        field: &str,
        raw: Option<&str>,
        max_chars: usize,
        spelling: impl FnOnce(String) -> String,
    ) -> Option<String> {
        let raw = raw?;
        if raw.chars().any(is_refused) {
            self.push(
                field,
                AddressErrorCode::ControlCharacters,
                "must not contain NUL, Unicode bidirectional controls or other control characters",
            );
            return None;
        }
        let text = spelling(collapse_blanks(raw));
        if text.is_empty() {
            return None;
        }
        let length = text.chars().count();
        if length > max_chars {
            self.push(
                field,
                AddressErrorCode::TooLong,
                format!("must be at most {max_chars} characters (is {length})"),
            );
            return None;
        }
        Some(text)
    }

    /// The non-blank street lines, each checked like a text field.
    fn street_lines(&mut self, lines: &[String]) -> Vec<String> {
        let kept: Vec<String> = lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| {
                self.text(
                    &format!("street_lines[{index}]"),
                    Some(line),
                    MAX_FIELD_CHARS,
                )
            })
            .collect();
        if kept.len() > MAX_STREET_LINES {
            self.push(
                "street_lines",
                AddressErrorCode::TooManyLines,
                format!(
                    "must have at most {MAX_STREET_LINES} lines (has {})",
                    kept.len()
                ),
            );
        }
        kept
    }

    /// The state's key; free text is kept where the data lists no states for the country.
    fn state(
        &mut self,
        rules: &CountryRules,
        country: CountryCode,
        text: String,
    ) -> Option<String> {
        if rules.states.is_empty() {
            return Some(text);
        }
        match rules.find_state(country, &text) {
            Some(state) => Some(state.key.clone()),
            None => {
                let examples: Vec<&str> = rules
                    .states
                    .iter()
                    .take(3)
                    .map(|state| state.key.as_str())
                    .collect();
                self.push(
                    "state",
                    AddressErrorCode::UnknownState,
                    format!(
                        "is not a state of {} (expected one of its {} keys or names, e.g. {})",
                        country.info().name,
                        rules.states.len(),
                        examples.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn postal_code(
        &mut self,
        rules: &CountryRules,
        country: CountryCode,
        text: String,
        state_key: Option<&str>,
    ) -> Option<String> {
        let mut code = text;
        if let Some(pattern) = rules.postal_code_regex() {
            if !pattern.is_match(&code) {
                let example = rules
                    .postal_code_examples
                    .first()
                    .map(|example| format!(" (e.g. {example})"))
                    .unwrap_or_default();
                self.push(
                    "postal_code",
                    AddressErrorCode::Pattern,
                    format!("is not a postal code of {}{example}", country.info().name),
                );
                return None;
            }
            code = with_country_spacing(country, code);
        }
        let state = state_key.and_then(|key| rules.state(key));
        if let Some(state) = state
            && let Some(prefix) = state.postal_code_prefix_regex()
            && !prefix.is_match(&code)
        {
            let name = state.name.as_deref().unwrap_or(&state.key);
            self.push(
                "postal_code",
                AddressErrorCode::StateMismatch,
                format!("is not a postal code of {name}"),
            );
            return None;
        }
        Some(code)
    }

    fn phone(&mut self, phone: &str) {
        let allowed = phone.char_indices().all(|(index, character)| {
            character.is_ascii_digit()
                || matches!(character, ' ' | '-' | '.' | '(' | ')')
                || (character == '+' && index == 0)
        });
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !allowed || !PHONE_DIGITS.contains(&digits) {
            self.push(
                "phone",
                AddressErrorCode::InvalidPhone,
                format!(
                    "must be {} to {} digits, optionally starting with +, with spaces, '-', '.' or brackets between them",
                    PHONE_DIGITS.start(),
                    PHONE_DIGITS.end()
                ),
            );
        }
    }

    fn email(&mut self, email: &str) {
        let shaped = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.contains(char::is_whitespace)
            }
            None => false,
        };
        if !shaped {
            self.push(
                "email",
                AddressErrorCode::InvalidEmail,
                "must look like name@example.com",
            );
        }
    }
}

/// NUL and the bidi controls (as the HTTP edge refuses them) and every other control character
/// that is not a blank: on a label they print as nothing or garbage. Blanks such as tabs and line
/// breaks are not refused; [`collapse_blanks`] turns them into spaces.
fn is_refused(character: char) -> bool {
    matches!(
        character,
        '\u{0}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    ) || (character.is_control() && !character.is_whitespace())
}

/// Trimmed, with every run of blanks (any Unicode white space) one ASCII space: a field is one
/// line on a label, and the same address typed twice should compare equal.
fn collapse_blanks(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `SW1A1AA` → `SW1A 1AA` where the post writes the space; a code already spaced, or one too
/// short to have an inward part (`BFPO 61` keeps its own), is left alone.
fn with_country_spacing(country: CountryCode, code: String) -> String {
    let spaced = SPACE_BEFORE_LAST_THREE.contains(&country.as_str())
        && !code.contains(' ')
        && !code.starts_with("BFPO")
        && code.len() >= 5;
    if !spaced {
        return code;
    }
    // The code matched an ASCII pattern, so byte positions are character positions.
    let (outward, inward) = code.split_at(code.len() - 3);
    format!("{outward} {inward}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("  a \t b\n c ", "a b c")]
    #[case("\u{3000}東京\u{a0}都 ", "東京 都")]
    #[case("", "")]
    fn blanks_are_trimmed_and_collapsed(#[case] raw: &str, #[case] expected: &str) {
        assert_eq!(collapse_blanks(raw), expected);
    }

    #[rstest]
    #[case('\u{0}', true)]
    #[case('\u{202E}', true)]
    #[case('\u{2067}', true)]
    #[case('\u{200F}', true)]
    #[case('\u{7}', true)]
    #[case('\u{9F}', true)]
    #[case('\n', false)]
    #[case('\t', false)]
    #[case('é', false)]
    #[case('〒', false)]
    fn refused_characters(#[case] character: char, #[case] refused: bool) {
        assert_eq!(is_refused(character), refused);
    }

    #[rstest]
    #[case("+49 (30) 1234-5678", true)]
    #[case("030.123.456", true)]
    #[case("1234", false)]
    #[case("12 34 56 78 90 12 34 56", false)]
    #[case("49+301234567", false)]
    #[case("call me", false)]
    fn phone_shapes(#[case] phone: &str, #[case] accepted: bool) {
        let mut check = Check::default();
        check.phone(phone);
        assert_eq!(check.errors.is_empty(), accepted, "{phone}");
    }

    #[rstest]
    #[case("ana@example.com", true)]
    #[case("a.b+tag@mail.example.co.uk", true)]
    #[case("ana@localhost", false)]
    #[case("@example.com", false)]
    #[case("ana@@example.com", false)]
    #[case("ana@example.", false)]
    #[case("ana example@x.com", false)]
    fn email_shapes(#[case] email: &str, #[case] accepted: bool) {
        let mut check = Check::default();
        check.email(email);
        assert_eq!(check.errors.is_empty(), accepted, "{email}");
    }

    #[test]
    fn errors_carry_a_prefix_into_the_apis_field_errors() {
        let errors = AddressErrors(vec![AddressError {
            field: "postal_code".into(),
            code: AddressErrorCode::Pattern,
            message: "is not a postal code of Germany".into(),
        }]);
        assert_eq!(
            errors.to_string(),
            "invalid address: postal_code is not a postal code of Germany"
        );
        let fields = errors.into_field_errors("shipping_address");
        assert_eq!(fields[0].field, "shipping_address.postal_code");
    }
}
