//! The buyers' address book: saved postal addresses, each checked against its country's rules
//! (`silkroute_logistics::address`) before anything is written. A buyer sees and changes only its
//! own book, an admin any buyer's; to a seller every book is "not found", because addresses are
//! personal data a seller learns only from an order shipped to one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{AddressId, BuyerId};
use silkroute_domain::validation::FieldError;
use silkroute_logistics::address::{
    CountryFormat, CountryLine, PostalAddress, Script, ValidAddress, country_format, format_lines,
    validate,
};
use silkroute_store::{AddressInsert, AddressRecord, Page, PageRequest};
use utoipa::ToSchema;

use crate::auth::new_ulid;
use crate::{App, AppError, AppResult, Principal};

/// The most addresses one buyer keeps: enough for every home, office and relative, few enough
/// that a runaway client cannot fill the table.
pub const MAX_ADDRESSES_PER_BUYER: u32 = 50;

/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 50;

/// A new address, or the fields of one to change (PATCH: absent fields stay as they are; an
/// `address` replaces the stored one whole and is validated whole).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// What the buyer calls it ("Home", "Office"): 1–50 characters; required on create.
    pub label: Option<String>,
    /// The postal address; required on create.
    pub address: Option<PostalAddress>,
    /// `true` makes it the buyer's default (the previous default loses the flag). A buyer's first
    /// address is the default whatever is sent; `false` on the default is refused, since the
    /// default moves only by naming another.
    pub is_default: Option<bool>,
}

/// A saved address as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct BuyerAddress {
    /// `adr_…`
    pub id: String,
    pub buyer_id: String,
    pub label: String,
    /// Normalised: blanks collapsed, the state as its key, the postal code in the country's
    /// spelling.
    pub address: PostalAddress,
    pub is_default: bool,
    /// The address as a label prints it, in the country's own layout, ending with the country
    /// line for a parcel sent from abroad.
    pub lines: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A checked address and its label lines (`silkroute address check`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckedAddress {
    pub address: PostalAddress,
    /// In the country's own layout, without the country line.
    pub local_lines: Vec<String>,
    /// In Latin script where the country has a layout for it, with the country line (what a
    /// parcel from abroad carries).
    pub international_lines: Vec<String>,
}

impl BuyerAddress {
    fn of(record: AddressRecord) -> BuyerAddress {
        let lines = format_lines(&record.address, Script::Local, CountryLine::Include);
        BuyerAddress {
            id: record.id.to_string(),
            buyer_id: record.buyer_id.to_string(),
            label: record.label,
            address: record.address.into_address(),
            is_default: record.is_default,
            lines,
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

/// Checks an address on its own: the normalised address and its label lines, or every problem
/// with its field path (no prefix: the fields are the command's).
pub fn check_address(address: &PostalAddress) -> AppResult<CheckedAddress> {
    let valid =
        validate(address).map_err(|errors| AppError::Invalid(errors.into_field_errors("")))?;
    Ok(CheckedAddress {
        local_lines: format_lines(&valid, Script::Local, CountryLine::Omit),
        international_lines: format_lines(&valid, Script::Latin, CountryLine::Include),
        address: valid.into_address(),
    })
}

/// The address form of a country: its fields in order, which are required, its states and a
/// postal-code example. An unknown code is "not found", like any unknown path id.
pub fn address_format(country: &str) -> AppResult<CountryFormat> {
    let country = CountryCode::parse(country).map_err(|_| AppError::NotFound("address format"))?;
    Ok(country_format(country))
}

fn check_label(label: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let label = label?.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        errors.push(FieldError::new(
            "label",
            format!("must be 1–{MAX_LABEL_CHARS} characters"),
        ));
        return None;
    }
    Some(label)
}

fn check_postal(address: &PostalAddress, errors: &mut Vec<FieldError>) -> Option<ValidAddress> {
    match validate(address) {
        Ok(valid) => Some(valid),
        Err(problems) => {
            errors.extend(problems.into_field_errors("address"));
            None
        }
    }
}

impl App {
    /// The buyer whose book the caller may use: that buyer itself, or any existing buyer for an
    /// admin. Anyone else, and an unknown id, is "not found".
    async fn address_book_owner(&self, principal: &Principal, buyer: &str) -> AppResult<BuyerId> {
        let id = BuyerId::parse(buyer).map_err(|_| AppError::NotFound("buyer"))?;
        match principal {
            Principal::Buyer { buyer_id, .. } if *buyer_id == id => Ok(id),
            Principal::Admin { .. } => match self.store.get_buyer(&id).await? {
                Some(_) => Ok(id),
                None => Err(AppError::NotFound("buyer")),
            },
            _ => Err(AppError::NotFound("buyer")),
        }
    }

    async fn address_record(
        &self,
        principal: &Principal,
        buyer: &str,
        address: &str,
    ) -> AppResult<AddressRecord> {
        let buyer_id = self.address_book_owner(principal, buyer).await?;
        let id = AddressId::parse(address).map_err(|_| AppError::NotFound("address"))?;
        self.store
            .get_address(&buyer_id, &id)
            .await?
            .ok_or(AppError::NotFound("address"))
    }

    pub async fn list_addresses(
        &self,
        principal: &Principal,
        buyer: &str,
        page: &PageRequest,
    ) -> AppResult<Page<BuyerAddress>> {
        let buyer_id = self.address_book_owner(principal, buyer).await?;
        let page = self.store.list_addresses(&buyer_id, page).await?;
        Ok(Page {
            items: page.items.into_iter().map(BuyerAddress::of).collect(),
            next_cursor: page.next_cursor,
        })
    }

    pub async fn get_address(
        &self,
        principal: &Principal,
        buyer: &str,
        address: &str,
    ) -> AppResult<BuyerAddress> {
        Ok(BuyerAddress::of(
            self.address_record(principal, buyer, address).await?,
        ))
    }

    /// Saves a new address; every field problem is reported at once and nothing is written.
    pub async fn create_address(
        &self,
        principal: &Principal,
        buyer: &str,
        input: AddressInput,
    ) -> AppResult<BuyerAddress> {
        let buyer_id = self.address_book_owner(principal, buyer).await?;
        let mut errors = Vec::new();
        if input.label.is_none() {
            errors.push(FieldError::new("label", "is required"));
        }
        let label = check_label(input.label, &mut errors);
        let address = match &input.address {
            Some(address) => check_postal(address, &mut errors),
            None => {
                errors.push(FieldError::new("address", "is required"));
                None
            }
        };
        let (Some(label), Some(address), true) = (label, address, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let now = self.now();
        let record = AddressRecord {
            id: AddressId::new(new_ulid(self)),
            buyer_id: buyer_id.clone(),
            label,
            address,
            is_default: input.is_default.unwrap_or(false),
            created_at: now,
            updated_at: now,
        };
        match self
            .store
            .insert_address(&record, MAX_ADDRESSES_PER_BUYER)
            .await?
        {
            AddressInsert::Inserted(stored) => Ok(BuyerAddress::of(*stored)),
            AddressInsert::LimitReached { limit } => Err(AppError::Conflict(format!(
                "buyer {buyer_id} already has {limit} addresses, the most one buyer keeps: \
                 delete one first"
            ))),
        }
    }

    /// Changes the fields given; the merged address is validated whole and nothing is written
    /// when any field fails.
    pub async fn update_address(
        &self,
        principal: &Principal,
        buyer: &str,
        address: &str,
        input: AddressInput,
    ) -> AppResult<BuyerAddress> {
        let existing = self.address_record(principal, buyer, address).await?;
        let mut errors = Vec::new();
        let label = match input.label {
            Some(label) => check_label(Some(label), &mut errors),
            None => Some(existing.label.clone()),
        };
        let postal = match &input.address {
            Some(address) => check_postal(address, &mut errors),
            None => Some(existing.address.clone()),
        };
        if input.is_default == Some(false) && existing.is_default {
            errors.push(FieldError::new(
                "is_default",
                "the default address stays the default until another is made the default",
            ));
        }
        let (Some(label), Some(postal), true) = (label, postal, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let record = AddressRecord {
            label,
            address: postal,
            is_default: input.is_default.unwrap_or(false),
            updated_at: self.now(),
            ..existing
        };
        self.store
            .update_address(&record)
            .await?
            .map(BuyerAddress::of)
            // Deleted between the read and the write.
            .ok_or(AppError::NotFound("address"))
    }

    /// Makes the address the buyer's default, taking the flag from the previous one.
    pub async fn set_default_address(
        &self,
        principal: &Principal,
        buyer: &str,
        address: &str,
    ) -> AppResult<BuyerAddress> {
        let input = AddressInput {
            is_default: Some(true),
            ..AddressInput::default()
        };
        self.update_address(principal, buyer, address, input).await
    }

    /// Deletes the address; when it was the default, the buyer's oldest remaining address
    /// becomes the default.
    pub async fn delete_address(
        &self,
        principal: &Principal,
        buyer: &str,
        address: &str,
    ) -> AppResult<()> {
        let record = self.address_record(principal, buyer, address).await?;
        if self
            .store
            .delete_address(&record.buyer_id, &record.id, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("address"))
        }
    }
}
