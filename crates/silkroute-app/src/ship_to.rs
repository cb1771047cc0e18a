//! Where a quote's parcels go: a full postal address typed into the quote, or one from the
//! buyer's address book, checked against the destination country's rules before the quote is
//! priced. The orders placed from the quote inherit it; it is personal data, so it travels on the
//! quote and the orders only (never into export facts or analytics), and a book entry can be used
//! only by its buyer.

use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{AddressId, BuyerId};
use silkroute_domain::validation::FieldErrors;
use silkroute_logistics::address::{PostalAddress, validate};

use crate::{App, AppResult};

/// What a quote request says about the ship-to address.
pub(crate) struct ShipToRequest<'a> {
    pub address: Option<&'a PostalAddress>,
    pub address_id: Option<&'a str>,
    /// The quote's buyer, when known (an anonymous storefront quote has none and no book).
    pub buyer: Option<&'a BuyerId>,
}

impl App {
    /// The validated, normalised ship-to address of a quote, or `None` when the request names
    /// none (the quote is then priced on the destination alone, and its orders cannot ship until
    /// an address is known). Problems are pushed to `errors` at their field paths (`ship_to.…`,
    /// `address_id`); `destination` is the quote's destination country, which the address must
    /// be in.
    pub(crate) async fn ship_to(
        &self,
        request: ShipToRequest<'_>,
        destination: Option<CountryCode>,
        errors: &mut FieldErrors,
    ) -> AppResult<Option<PostalAddress>> {
        let (address, field) = match (request.address, request.address_id) {
            (Some(_), Some(_)) => {
                errors.push("address_id", "send either ship_to or address_id, not both");
                return Ok(None);
            }
            (None, None) => return Ok(None),
            (Some(address), None) => (address.clone(), "ship_to"),
            (None, Some(id)) => {
                let found = match (request.buyer, AddressId::parse(id)) {
                    (Some(buyer), Ok(id)) => self.store.get_address(buyer, &id).await?,
                    _ => None,
                };
                let Some(record) = found else {
                    errors.push("address_id", "no such address in the buyer's address book");
                    return Ok(None);
                };
                (record.address.into_address(), "address_id")
            }
        };
        let valid = match validate(&address) {
            Ok(valid) => valid,
            Err(problems) => {
                for problem in problems.into_field_errors(field) {
                    errors.push(problem.field, problem.message);
                }
                return Ok(None);
            }
        };
        if let Some(country) = destination
            && valid.country() != country
        {
            errors.push(
                format!("{field}.country"),
                format!("the address is in {}, the destination is {country}", valid.country()),
            );
            return Ok(None);
        }
        Ok(Some(valid.into_address()))
    }
}
