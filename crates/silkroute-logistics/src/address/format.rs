//! Writing a validated address as the lines of a label, in the order and spelling its country's
//! post reads: Japan starts with the postal code, France puts the company first, the UK writes
//! the post town and postcode in capitals. The layout is the metadata's `fmt` (or `lfmt` for
//! Latin script); PDF and barcode rendering are adapters elsewhere and only receive these lines.

use silkroute_domain::country::CountryCode;

use super::ValidAddress;
use super::metadata::{AddressField, CountryRules, rules_for};

/// Which of the country's layouts to use. A label for a domestic parcel can use the local one;
/// one that crosses borders is read by sorting staff abroad as well, so it takes the Latin one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// The country's own layout and state spelling (`〒150-0002 / 東京都 / …`).
    Local,
    /// The layout for Latin script where the country has one (`lfmt`), else its own; states are
    /// written by their Latin name where the data has one (`Tokyo`).
    Latin,
}

/// Whether the last line names the country. Per UPU S42 an international item ends with the
/// destination country in capitals; a domestic one leaves it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountryLine {
    Omit,
    Include,
    /// Include it when the parcel leaves `origin`: the usual case, decided per shipment.
    SentFrom(CountryCode),
}

/// The lines of the label for `address`, top to bottom, without empty lines.
///
/// The state is written as its key, which is the form the post expects (USPS `CA`, `東京都`,
/// `Co. Cork`), except in Latin script, where a state with a Latin name uses it (`Tokyo`,
/// `Guangdong Sheng`). Fields listed in the country's `upper` are written in capitals (the city
/// almost everywhere, the postcode in the UK). Fields the format does not place (a state in the
/// UK) are not printed. A separator is printed only between two non-empty fields, so a missing
/// state leaves no `, ` behind.
pub fn format_lines(
    address: &ValidAddress,
    script: Script,
    country_line: CountryLine,
) -> Vec<String> {
    let country = address.country();
    let rules = rules_for(country);
    let layout = match script {
        Script::Local => &rules.format,
        Script::Latin => rules.latin_format.as_ref().unwrap_or(&rules.format),
    };
    let value = |field: AddressField| field_value(address, rules, script, field);
    let mut lines: Vec<String> = layout
        .split("%n")
        .flat_map(|layout_line| {
            render_line(layout_line, &value)
                .split('\n')
                .map(|line| line.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|line| !line.is_empty())
        .collect();
    let with_country = match country_line {
        CountryLine::Omit => false,
        CountryLine::Include => true,
        CountryLine::SentFrom(origin) => origin != country,
    };
    if with_country {
        lines.push(rules.country_name(country));
    }
    lines
}

/// What a layout line is made of: text printed as it is, and `%X` fields.
enum Piece {
    Text(String),
    Field(AddressField),
}

fn pieces(layout_line: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut characters = layout_line.chars();
    while let Some(character) = characters.next() {
        if character != '%' {
            text.push(character);
            continue;
        }
        // An unknown letter is dropped: the data test checks there is none.
        if let Some(field) = characters.next().and_then(AddressField::from_letter) {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Field(field));
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

/// One layout line with its fields filled in. Street lines come back joined by `\n`, so `%A`
/// may make several label lines. Text before the line's first field (`〒`) is printed when that
/// field is; text after a field when some field before it was printed and the next one is too.
fn render_line(layout_line: &str, value: &impl Fn(AddressField) -> String) -> String {
    let pieces = pieces(layout_line);
    let values: Vec<Option<String>> = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Field(field) => Some(value(*field)),
            Piece::Text(_) => None,
        })
        .collect();
    let mut line = String::new();
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Field(_) => {
                if let Some(Some(value)) = values.get(index) {
                    line.push_str(value);
                }
            }
            Piece::Text(text) => {
                let before = &values[..index];
                let has_field_before = before.iter().any(Option::is_some);
                let printed_before = before.iter().flatten().any(|value| !value.is_empty());
                let next = values[index + 1..].iter().flatten().next();
                let keep = match next {
                    Some(next) if has_field_before => printed_before && !next.is_empty(),
                    Some(next) => !next.is_empty(),
                    None => printed_before || !has_field_before,
                };
                if keep {
                    line.push_str(text);
                }
            }
        }
    }
    line
}

fn field_value(
    address: &ValidAddress,
    rules: &CountryRules,
    script: Script,
    field: AddressField,
) -> String {
    let address = address.address();
    let text = match field {
        AddressField::Recipient => address.recipient.clone(),
        AddressField::Organisation => address.organisation.clone().unwrap_or_default(),
        AddressField::StreetLines => address.street_lines.join("\n"),
        AddressField::DependentLocality => address.dependent_locality.clone().unwrap_or_default(),
        AddressField::City => address.city.clone().unwrap_or_default(),
        AddressField::State => address
            .state
            .as_deref()
            .map(|key| state_spelling(rules, script, key))
            .unwrap_or_default(),
        AddressField::PostalCode => address.postal_code.clone().unwrap_or_default(),
        AddressField::SortingCode => address.sorting_code.clone().unwrap_or_default(),
    };
    if rules.upper.contains(&field) {
        text.to_uppercase()
    } else {
        text
    }
}

fn state_spelling(rules: &CountryRules, script: Script, key: &str) -> String {
    let state = rules.state(key);
    match (script, state.and_then(|state| state.latin_name.as_deref())) {
        (Script::Latin, Some(latin_name)) => latin_name.to_owned(),
        _ => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn filled(values: &[(AddressField, &str)]) -> impl Fn(AddressField) -> String + use<> {
        let values: Vec<(AddressField, String)> = values
            .iter()
            .map(|(field, value)| (*field, (*value).to_owned()))
            .collect();
        move |field| {
            values
                .iter()
                .find(|(candidate, _)| *candidate == field)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        }
    }

    #[rstest]
    #[case::all_present("%C, %S %Z", "Cupertino", "CA", "95014", "Cupertino, CA 95014")]
    #[case::no_state("%C, %S %Z", "Cupertino", "", "95014", "Cupertino 95014")]
    #[case::no_city("%C, %S %Z", "", "CA", "95014", "CA 95014")]
    #[case::no_postal_code("%C, %S %Z", "Cupertino", "CA", "", "Cupertino, CA")]
    #[case::only_postal_code("%C, %S %Z", "", "", "95014", "95014")]
    #[case::nothing("%C, %S %Z", "", "", "", "")]
    #[case::leading_text("〒%Z", "", "", "150-0002", "〒150-0002")]
    #[case::leading_text_without_field("〒%Z", "", "", "", "")]
    #[case::dash_without_state("%C-%S", "São Paulo", "", "", "São Paulo")]
    fn separators_are_printed_only_between_printed_fields(
        #[case] layout: &str,
        #[case] city: &str,
        #[case] state: &str,
        #[case] postal_code: &str,
        #[case] expected: &str,
    ) {
        let value = filled(&[
            (AddressField::City, city),
            (AddressField::State, state),
            (AddressField::PostalCode, postal_code),
        ]);
        assert_eq!(render_line(layout, &value), expected);
    }
}
