//! The analytics beacon: storefront events checked one by one, attributed to the product's
//! seller, and stored once each. A bad event is refused with its reasons; the good ones in the
//! same batch are kept — a beacon cannot resend a page view the shopper already left.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use silkroute_domain::ids::{ProductId, SellerId};
use silkroute_domain::storefront::{self, EventInput, MAX_BATCH, StorefrontEvent};
use silkroute_domain::validation::FieldError;
use utoipa::ToSchema;

use crate::{App, AppError, AppResult};

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// 1 to 500 events.
    #[schema(min_items = 1, max_items = 500)]
    pub events: Vec<EventInput>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventReceipt {
    pub received: usize,
    /// Stored now.
    pub accepted: u64,
    /// Valid, but already stored (a retry): ignored.
    pub duplicates: u64,
    pub rejected: Vec<RejectedEvent>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RejectedEvent {
    /// Position in `events`.
    pub index: usize,
    /// Field paths like `events[3].product_id`.
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<FieldError>,
}

impl App {
    pub async fn record_storefront_events(&self, batch: EventBatch) -> AppResult<EventReceipt> {
        if batch.events.is_empty() || batch.events.len() > MAX_BATCH {
            return Err(AppError::field(
                "events",
                format!("send 1 to {MAX_BATCH} events per request"),
            ));
        }
        let now = self.now();
        let mut rejected = Vec::new();
        let mut valid: Vec<(usize, StorefrontEvent)> = Vec::with_capacity(batch.events.len());
        for (index, input) in batch.events.iter().enumerate() {
            match storefront::parse_event(input, now) {
                Ok(event) => valid.push((index, event)),
                Err(errors) => rejected.push(RejectedEvent {
                    index,
                    errors: at_index(index, errors),
                }),
            }
        }
        let mut products: Vec<ProductId> = valid
            .iter()
            .filter_map(|(_, event)| event.product_id.clone())
            .collect();
        products.sort();
        products.dedup();
        let sellers: HashMap<ProductId, SellerId> = self
            .store
            .product_sellers(&products)
            .await?
            .into_iter()
            .collect();
        let mut rows = Vec::with_capacity(valid.len());
        for (index, event) in valid {
            let seller = match &event.product_id {
                Some(product) => match sellers.get(product) {
                    Some(seller) => Some(seller.clone()),
                    None => {
                        rejected.push(RejectedEvent {
                            index,
                            errors: at_index(
                                index,
                                vec![FieldError::new("product_id", "unknown product")],
                            ),
                        });
                        continue;
                    }
                },
                None => None,
            };
            rows.push((event, seller));
        }
        rejected.sort_by_key(|r| r.index);
        let accepted = self.store.insert_storefront_events(&rows, now).await?;
        Ok(EventReceipt {
            received: batch.events.len(),
            accepted,
            duplicates: rows.len() as u64 - accepted,
            rejected,
        })
    }
}

fn at_index(index: usize, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|error| FieldError::new(format!("events[{index}].{}", error.field), error.message))
        .collect()
}
