//! The hand-over manifest: the list a carrier's driver signs when taking a warehouse's parcels,
//! one row per parcel. Signed, it is the proof of when liability passed to the carrier (a claim
//! for a parcel lost before that moment is the warehouse's, after it the carrier's), so it is
//! stored as a record and printed from that record and the parcels it names.

use chrono::{DateTime, Utc};
use serde::Serialize;
use silkroute_domain::country::CountryCode;
use silkroute_domain::ids::{ManifestId, SellerId, ShipmentId, WarehouseId};
use utoipa::ToSchema;

use crate::address::PostalAddress;
use crate::shipment::Shipment;

/// A hand-over as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Manifest {
    #[schema(value_type = String, example = "mnf_01JD0000000000000000000000")]
    pub id: ManifestId,
    #[schema(value_type = String)]
    pub seller_id: SellerId,
    #[schema(value_type = String)]
    pub warehouse_id: WarehouseId,
    /// The carrier collecting, or absent when every carrier's parcels were handed over at once.
    pub carrier: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The parcels handed over, in shipment id order.
    #[schema(value_type = Vec<String>)]
    pub shipment_ids: Vec<ShipmentId>,
}

/// One parcel's row on the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManifestParcel {
    pub tracking_number: String,
    pub carrier: String,
    pub order_id: String,
    pub destination: CountryCode,
    pub weight_g: u32,
    /// Whether the packer verified the parcel's contents by scanning before it was sealed.
    pub packed: bool,
}

/// What the printed manifest says: the record, where the parcels leave from, and their rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestSheet {
    pub manifest: Manifest,
    pub warehouse_name: String,
    pub warehouse_address: Option<PostalAddress>,
    pub parcels: Vec<ManifestParcel>,
}

impl ManifestParcel {
    pub fn of(shipment: &Shipment) -> ManifestParcel {
        ManifestParcel {
            tracking_number: shipment.tracking_number.as_str().to_owned(),
            carrier: shipment.carrier.clone(),
            order_id: shipment.order_id.to_string(),
            destination: shipment.ship_to.country,
            weight_g: shipment.parcel.weight_g,
            packed: shipment.packed_at.is_some(),
        }
    }
}

impl ManifestSheet {
    /// The parcels' total gross weight in grams.
    pub fn total_weight_g(&self) -> u64 {
        self.parcels.iter().map(|p| u64::from(p.weight_g)).sum()
    }

    /// The manifest as CSV, one row per parcel under a header; fields are quoted where they
    /// hold a comma or a quote (RFC 4180).
    pub fn to_csv(&self) -> String {
        let mut csv = String::from(
            "manifest_id,carrier,tracking_number,order_id,destination_country,weight_g,packed\r\n",
        );
        for parcel in &self.parcels {
            let fields = [
                self.manifest.id.to_string(),
                parcel.carrier.clone(),
                parcel.tracking_number.clone(),
                parcel.order_id.clone(),
                parcel.destination.to_string(),
                parcel.weight_g.to_string(),
                parcel.packed.to_string(),
            ];
            csv.push_str(&csv_row(&fields));
        }
        csv
    }
}

/// One CSV record (RFC 4180: quoted when it holds a comma, quote or line break; CRLF ended).
pub fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|field| {
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field.clone()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        let row = csv_row(&["a".into(), "b,c".into(), "say \"hi\"".into()]);
        assert_eq!(row, "a,\"b,c\",\"say \"\"hi\"\"\"\r\n");
    }
}
