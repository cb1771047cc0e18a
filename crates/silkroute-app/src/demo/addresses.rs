//! Ship-to addresses for demo buyers, in their country's format: a few real-looking streets,
//! cities, states and postal codes per large market (each checked by the country's rules as
//! any address is), and for other countries one built from the country's address form — its
//! postal-code example and first state — so that every open demo order can be shipped from the
//! seller center. An address that does not pass is left off (the order then shows why it
//! cannot ship), never stored unchecked.

use std::collections::HashMap;

use rand::Rng;
use rand::rngs::StdRng;
use silkroute_domain::country::CountryCode;
use silkroute_logistics::address::{AddressField, PostalAddress, country_format, validate};

/// (street, city, state, postal code) per market.
type Place = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

const PLACES: &[(&str, &[Place])] = &[
    (
        "US",
        &[
            ("350 Fifth Avenue", "New York", Some("NY"), "10118"),
            (
                "1600 Amphitheatre Pkwy",
                "Mountain View",
                Some("CA"),
                "94043",
            ),
            ("233 S Wacker Dr", "Chicago", Some("IL"), "60606"),
            ("1100 Congress Ave", "Austin", Some("TX"), "78701"),
        ],
    ),
    (
        "GB",
        &[
            ("10 Downing Street", "London", None, "SW1A 2AA"),
            ("1 Deansgate", "Manchester", None, "M3 1AZ"),
            ("21 Castle Street", "Edinburgh", None, "EH2 3DN"),
        ],
    ),
    (
        "DE",
        &[
            ("Unter den Linden 1", "Berlin", None, "10117"),
            ("Heidestraße 17", "Köln", None, "51147"),
            ("Marienplatz 8", "München", None, "80331"),
        ],
    ),
    (
        "FR",
        &[
            ("8 Rue de Rivoli", "Paris", None, "75004"),
            ("12 Quai de la Fosse", "Nantes", None, "44000"),
        ],
    ),
    (
        "JP",
        &[
            ("神宮前1-2-3", "渋谷区", Some("東京都"), "150-0001"),
            ("梅田3-1-1", "大阪市北区", Some("大阪府"), "530-0001"),
        ],
    ),
    (
        "CA",
        &[
            ("100 Queen St W", "Toronto", Some("ON"), "M5H 2N2"),
            ("1055 W Georgia St", "Vancouver", Some("BC"), "V6E 3P3"),
        ],
    ),
    (
        "AU",
        &[
            ("1 Macquarie St", "Sydney", Some("NSW"), "2000"),
            ("200 Bourke St", "Melbourne", Some("VIC"), "3000"),
        ],
    ),
    (
        "ES",
        &[("Calle de Alcalá 45", "Madrid", Some("Madrid"), "28014")],
    ),
    ("IT", &[("Via del Corso 12", "Roma", Some("RM"), "00186")]),
    ("NL", &[("Damrak 1", "Amsterdam", None, "1012 LG")]),
    (
        "KR",
        &[("세종대로 110", "중구", Some("서울특별시"), "04524")],
    ),
    (
        "BR",
        &[("Av. Paulista, 1578", "São Paulo", Some("SP"), "01310-200")],
    ),
    (
        "MX",
        &[(
            "Paseo de la Reforma 222",
            "Ciudad de México",
            Some("CDMX"),
            "06600",
        )],
    ),
    (
        "CN",
        &[("天河路385号", "广州市", Some("Guangdong Sheng"), "510620")],
    ),
];

/// Addresses for demo buyers; the form-built ones are worked out once per country.
#[derive(Default)]
pub(super) struct DemoAddresses {
    from_form: HashMap<CountryCode, Option<PostalAddress>>,
}

impl DemoAddresses {
    /// A valid address for a buyer named `recipient` in `country`, or `None` when no address
    /// built from the country's form passes.
    pub(super) fn ship_to(
        &mut self,
        rng: &mut StdRng,
        country: CountryCode,
        recipient: &str,
    ) -> Option<PostalAddress> {
        let address = match PLACES.iter().find(|(code, _)| *code == country.as_str()) {
            Some((_, places)) => {
                let (street, city, state, postal_code) = places[rng.random_range(0..places.len())];
                PostalAddress {
                    street_lines: vec![street.to_string()],
                    city: Some(city.to_string()),
                    state: state.map(str::to_string),
                    postal_code: Some(postal_code.to_string()),
                    ..blank(country)
                }
            }
            None => self
                .from_form
                .entry(country)
                .or_insert_with(|| from_form(country))
                .clone()?,
        };
        let address = PostalAddress {
            recipient: recipient.to_string(),
            ..address
        };
        validate(&address).ok().map(|valid| valid.into_address())
    }
}

fn blank(country: CountryCode) -> PostalAddress {
    PostalAddress {
        recipient: "Demo Buyer".into(),
        organisation: None,
        street_lines: Vec::new(),
        dependent_locality: None,
        city: None,
        state: None,
        postal_code: None,
        sorting_code: None,
        country,
        phone: None,
        email: None,
    }
}

/// An address from the country's form: its postal-code example with the first state it is
/// valid in (a state may narrow the postal codes), a street and a city.
fn from_form(country: CountryCode) -> Option<PostalAddress> {
    let form = country_format(country);
    let uses = |field: AddressField| form.fields.contains(&field);
    let template = PostalAddress {
        street_lines: vec!["12 Market Street".into()],
        city: uses(AddressField::City).then(|| "Central".to_string()),
        postal_code: uses(AddressField::PostalCode)
            .then(|| form.postal_code_example.clone())
            .flatten(),
        dependent_locality: form
            .required
            .contains(&AddressField::DependentLocality)
            .then(|| "Centre".to_string()),
        ..blank(country)
    };
    let states: Vec<Option<String>> = if uses(AddressField::State) && !form.states.is_empty() {
        form.states.iter().map(|s| Some(s.key.clone())).collect()
    } else {
        vec![None]
    };
    states.into_iter().find_map(|state| {
        let address = PostalAddress {
            state,
            ..template.clone()
        };
        validate(&address).ok().map(|valid| valid.into_address())
    })
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn every_demo_market_gets_a_valid_address() {
        let mut rng = StdRng::seed_from_u64(7);
        for (market, _) in super::super::facts::BUYER_MARKETS {
            let country = CountryCode::parse(market).expect("country");
            let address = DemoAddresses::default().ship_to(&mut rng, country, "Demo Buyer");
            assert!(address.is_some(), "{market}");
        }
    }

    #[test]
    fn every_curated_place_passes_its_countrys_rules() {
        let mut rng = StdRng::seed_from_u64(1);
        for (market, places) in PLACES {
            let country = CountryCode::parse(market).expect("country");
            for _ in 0..places.len() * 8 {
                let address = DemoAddresses::default()
                    .ship_to(&mut rng, country, "Demo Buyer")
                    .expect(market);
                assert!(
                    places
                        .iter()
                        .any(|(street, ..)| address.street_lines[0] == *street),
                    "{market}: a curated place, not the fallback"
                );
            }
        }
    }
}
