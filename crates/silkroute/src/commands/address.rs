//! `silkroute address check`: an address checked against its country's rules and written as its
//! label lines, without a database, so support staff and scripts can test what a buyer typed.

use std::process::ExitCode;

use silkroute_app::{AppError, check_address};
use silkroute_domain::country::CountryCode;
use silkroute_logistics::address::PostalAddress;

use super::app_error;
use crate::cli::AddressCheckArgs;

pub(super) fn check(args: AddressCheckArgs, json: bool) -> anyhow::Result<ExitCode> {
    let country = CountryCode::parse(&args.country)
        .map_err(|error| app_error(AppError::field("country", error.to_string())))?;
    let address = PostalAddress {
        recipient: args.recipient,
        organisation: args.organisation,
        street_lines: args.street,
        dependent_locality: args.dependent_locality,
        city: args.city,
        state: args.state,
        postal_code: args.postal_code,
        sorting_code: args.sorting_code,
        country,
        phone: args.phone,
        email: args.email,
    };
    let checked = check_address(&address).map_err(app_error)?;
    if json {
        println!("{}", serde_json::to_string(&checked)?);
        return Ok(ExitCode::SUCCESS);
    }
    // Both labels: the domestic one in the country's own layout, and the one a parcel from
    // abroad carries (Latin layout where the country has one, and the country line).
    println!("valid {} address", checked.address.country);
    println!("domestic:");
    for line in &checked.local_lines {
        println!("  {line}");
    }
    println!("from abroad:");
    for line in &checked.international_lines {
        println!("  {line}");
    }
    Ok(ExitCode::SUCCESS)
}
