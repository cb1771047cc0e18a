//! EU VAT identification numbers (`DE136695976`, `ATU13585627`), checked offline. A business
//! buyer's VAT number decides whether an intra-EU sale is reverse-charged, so checkout needs to
//! know at once whether a number is even well formed — before, and independently of, a VIES
//! look-up that may be slow or down. Each member state (and Northern Ireland, "XI", which kept
//! GB's numbering) has its own layout and check algorithm; these live in [`rules`] and follow
//! python-stdnum. Where a check algorithm is not reliably known the format alone is checked and
//! the answer says so, because refusing a real registration costs more than accepting a typo.
//!
//! The country prefix is required: the same digits are valid in several countries. Greece's
//! prefix is `EL`; `GR` (its ISO 3166 code, a common slip) is accepted and normalised to `EL`.

mod checksums;
mod rules;

use super::{Checked, IdentifierError, IdentifierKind, Validation, require_non_empty, validate};
use rules::{Accepted, Fault};

/// A VAT number whose format and (where known) check digits are valid for its country.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EuVatNumber {
    /// The VAT prefix: "DE", "EL", "XI", …
    country: &'static str,
    /// The national part, without the prefix.
    number: String,
    /// True when only the format could be checked (see [`EuVatNumber::check_digits_verified`]).
    format_only: bool,
}

type Rule = fn(&str) -> Result<Accepted, Fault>;

/// Every prefix the EU's VIES accepts, with its name and rule.
const COUNTRIES: &[(&str, &str, Rule)] = &[
    ("AT", "Austria", rules::at),
    ("BE", "Belgium", rules::be),
    ("BG", "Bulgaria", rules::bg),
    ("CY", "Cyprus", rules::cy),
    ("CZ", "Czechia", rules::cz),
    ("DE", "Germany", rules::de),
    ("DK", "Denmark", rules::dk),
    ("EE", "Estonia", rules::ee),
    ("EL", "Greece", rules::el),
    ("ES", "Spain", rules::es),
    ("FI", "Finland", rules::fi),
    ("FR", "France", rules::fr),
    ("HR", "Croatia", rules::hr),
    ("HU", "Hungary", rules::hu),
    ("IE", "Ireland", rules::ie),
    ("IT", "Italy", rules::it),
    ("LT", "Lithuania", rules::lt),
    ("LU", "Luxembourg", rules::lu),
    ("LV", "Latvia", rules::lv),
    ("MT", "Malta", rules::mt),
    ("NL", "Netherlands", rules::nl),
    ("PL", "Poland", rules::pl),
    ("PT", "Portugal", rules::pt),
    ("RO", "Romania", rules::ro),
    ("SE", "Sweden", rules::se),
    ("SI", "Slovenia", rules::si),
    ("SK", "Slovakia", rules::sk),
    ("XI", "Northern Ireland", rules::xi),
];

/// Upper case with spaces, dots and dashes removed, the separators VAT numbers are printed with.
fn normalize_vat(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect::<String>()
        .to_uppercase()
}

impl EuVatNumber {
    /// Parses and checks a VAT number with its country prefix, e.g. "DE 136 695 976".
    pub fn parse(value: &str) -> Result<EuVatNumber, IdentifierError> {
        let id = normalize_vat(value);
        require_non_empty(&id)?;
        let mut chars = id.chars();
        let prefix: String = chars.by_ref().take(2).collect();
        if prefix.chars().count() < 2 || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(IdentifierError::MissingVatPrefix);
        }
        let prefix = if prefix == "GR" {
            "EL".to_string()
        } else {
            prefix
        };
        let &(country, _, rule) = COUNTRIES
            .iter()
            .find(|(code, _, _)| *code == prefix)
            .ok_or(IdentifierError::UnknownVatPrefix(prefix))?;
        // Every national layout is ASCII; a stand-in that no rule accepts keeps the rules'
        // byte slicing safe and still lets them say which layout they expected.
        let rest: String = chars.map(|c| if c.is_ascii() { c } else { '?' }).collect();
        match rule(&rest) {
            Ok(accepted) => Ok(EuVatNumber {
                country,
                number: accepted.number,
                format_only: accepted.format_only,
            }),
            Err(Fault::CheckDigit) => Err(IdentifierError::VatCheckDigit(country)),
            Err(Fault::Format(expected)) => Err(IdentifierError::VatFormat { country, expected }),
        }
    }

    /// The VAT prefix, e.g. "DE", "EL" (Greece) or "XI" (Northern Ireland).
    pub fn country(&self) -> &'static str {
        self.country
    }

    /// The national part without the prefix, e.g. "136695976".
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The canonical form, prefix included: "DE136695976".
    pub fn as_string(&self) -> String {
        format!("{}{}", self.country, self.number)
    }

    /// False when the country's check digits could not be verified offline and only the format
    /// was checked; callers that need certainty should confirm such numbers with VIES.
    pub fn check_digits_verified(&self) -> bool {
        !self.format_only
    }

    /// What the number is, e.g. "Germany (DE) VAT number".
    pub fn describe(&self) -> String {
        let name = COUNTRIES
            .iter()
            .find(|(code, _, _)| *code == self.country)
            .map_or("", |(_, name, _)| name);
        let mut detail = format!("{name} ({}) VAT number", self.country);
        if self.format_only {
            detail.push_str(&format!(
                " (format only: check digits not verified for {})",
                self.country
            ));
        }
        detail
    }
}

pub(super) fn check(value: &str) -> Result<Checked, IdentifierError> {
    let vat = EuVatNumber::parse(value)?;
    Ok(Checked {
        detail: vat.describe(),
        normalized: vat.as_string(),
    })
}

/// Checks an EU VAT number offline; the answer shape of [`validate`] for API callers.
pub fn validate_eu_vat(value: &str) -> Validation {
    validate(IdentifierKind::EuVat, value)
}

#[cfg(test)]
mod tests;
