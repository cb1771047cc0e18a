//! The postal addresses the stories store: a buyer's ship-to in Germany and a warehouse's
//! ship-from in China, both valid under their country's rules.

use silkroute_domain::country::CountryCode;
use silkroute_logistics::address::PostalAddress;

/// A German buyer's address, as a quote and its orders carry it.
pub fn ship_to() -> PostalAddress {
    PostalAddress {
        recipient: "Erika Mustermann".into(),
        organisation: None,
        street_lines: vec!["Heidestraße 17".into()],
        dependent_locality: None,
        city: Some("Köln".into()),
        state: None,
        postal_code: Some("51147".into()),
        sorting_code: None,
        country: CountryCode::parse("DE").expect("DE"),
        phone: Some("+49 221 1234567".into()),
        email: None,
    }
}

/// A warehouse's ship-from address in its country (the story's sellers are in China).
pub fn ship_from(country: CountryCode) -> PostalAddress {
    PostalAddress {
        recipient: "Shipping desk".into(),
        organisation: Some("Story Trading Co.".into()),
        street_lines: vec!["88 Huaihai Road".into()],
        dependent_locality: None,
        city: Some("Shanghai".into()),
        state: Some("Shanghai Shi".into()),
        postal_code: Some("200021".into()),
        sorting_code: None,
        country,
        phone: None,
        email: None,
    }
}
