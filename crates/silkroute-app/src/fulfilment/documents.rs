//! The parcel's papers, made on request from the shipment and its order: the label (with the
//! CN 22 when the parcel carries one), the CN 23 and the commercial invoice. The SDR value is
//! recomputed from the stored ECB rates of the shipment's day, which are dated and never
//! rewritten, so a reprint shows what the first print showed.

use chrono::NaiveDate;
use silkroute_documents::{Label, cn23_pdf, commercial_invoice_pdf, label_pdf};
use silkroute_domain::hs::HsCode;
use silkroute_domain::landed_cost::Collection;
use silkroute_domain::money::Money;
use silkroute_logistics::address::{PostalAddress, ValidAddress};
use silkroute_logistics::postal_declaration::{
    CollectedTax, CollectedTaxScheme, CommercialInvoice, CommercialInvoiceBuilder, ContentCategory,
    DeclarationForm, DeclarationItem, DeclarationParties, ExportReason, InvoiceCharges,
    InvoiceKind, InvoiceLine, PackageKind, Packages, PostalDeclaration, PostalDeclarationBuilder,
    PostalItemKind, QuantityUnit, Signature, TradeParty, choose_form,
};
use silkroute_logistics::shipment::{Shipment, ShipmentItem};
use silkroute_store::{OrderRecord, OrderScope};

use super::ShipmentDocument;
use super::create::{goods_of, sdr_on};
use crate::{App, AppError, AppResult, Principal};

const DECLARATION_STATEMENT: &str = "I declare that the information on this invoice is true and \
     correct and that the goods originate in the countries stated.";

/// One line of the shipment, as the order sold it.
struct SoldLine {
    description: String,
    sku: String,
    hs_code: HsCode,
    origin: silkroute_domain::country::CountryCode,
    quantity: u32,
    unit_value: Money,
    line_value: Money,
    net_weight_g: u32,
}

impl App {
    /// The 100 × 150 mm label (the order's seller or an admin).
    pub async fn shipment_label_pdf(&self, principal: &Principal, id: &str) -> AppResult<Vec<u8>> {
        let (shipment, order) = self.printable(principal, id).await?;
        let declaration = self.declaration(&shipment, &order).await?;
        let label = Label {
            ship_from: valid(&shipment.ship_from)?,
            ship_to: valid(&shipment.ship_to)?,
            service_name: shipment.service_name.clone(),
            weight_g: shipment.parcel.weight_g,
            order_reference: order.id.to_string(),
            tracking_number: shipment.tracking_number.clone(),
            declaration,
        };
        Ok(label_pdf(&label))
    }

    /// A CN 23 (only for a parcel that needs one: else 409) or the commercial invoice.
    pub async fn shipment_document_pdf(
        &self,
        principal: &Principal,
        id: &str,
        kind: &str,
    ) -> AppResult<Vec<u8>> {
        let kind = ShipmentDocument::parse(kind).ok_or(AppError::NotFound("document"))?;
        let (shipment, order) = self.printable(principal, id).await?;
        match kind {
            ShipmentDocument::Cn23 => {
                if shipment.declaration != Some(DeclarationForm::Cn23) {
                    return Err(AppError::Conflict(format!(
                        "shipment {} carries {}, not a CN 23",
                        shipment.id,
                        match shipment.declaration {
                            Some(_) => "a CN 22 on its label",
                            None => "no customs declaration",
                        }
                    )));
                }
                let declaration = self.declaration(&shipment, &order).await?.ok_or_else(|| {
                    AppError::Internal("a CN 23 shipment has no declaration".into())
                })?;
                Ok(cn23_pdf(&declaration))
            }
            ShipmentDocument::CommercialInvoice => {
                Ok(commercial_invoice_pdf(&self.invoice(&shipment, &order)?))
            }
        }
    }

    /// The shipment and its order, for the seller or an admin: buyers follow parcels but print
    /// nothing.
    async fn printable(
        &self,
        principal: &Principal,
        id: &str,
    ) -> AppResult<(Shipment, OrderRecord)> {
        let shipment = self.get_shipment(principal, id).await?;
        if matches!(principal, Principal::Buyer { .. }) {
            return Err(AppError::Forbidden(
                "labels and customs papers are the seller's",
            ));
        }
        let order = self
            .store
            .get_order(
                &OrderScope::Seller(shipment.seller_id.clone()),
                &shipment.order_id,
            )
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("shipment {}'s order is missing", shipment.id))
            })?;
        Ok((shipment, order))
    }

    async fn declaration(
        &self,
        shipment: &Shipment,
        order: &OrderRecord,
    ) -> AppResult<Option<PostalDeclaration>> {
        let Some(form) = shipment.declaration else {
            return Ok(None);
        };
        let day = shipment.created_at.date_naive();
        let rates = self.store.fx_rates_published(day).await?;
        let contents = sdr_on(day, &rates, shipment.contents_value)?;
        let choice = choose_form(
            PostalItemKind::LetterPost,
            &contents,
            form == DeclarationForm::Cn23,
        );
        let mut builder = PostalDeclarationBuilder::new(choice, ContentCategory::SaleOfGoods);
        for line in sold_lines(order, &shipment.items)? {
            builder = builder.item(DeclarationItem {
                description: line.description,
                quantity: line.quantity,
                net_weight_g: line.net_weight_g,
                value: line.line_value,
                hs_code: Some(line.hs_code),
                origin_country: Some(line.origin),
            });
        }
        builder = builder
            .totals(shipment.parcel.weight_g, shipment.contents_value)
            .item_id(shipment.tracking_number.clone())
            .signature(signature(shipment, day));
        if form == DeclarationForm::Cn23 {
            let addressee = party(&shipment.ship_to);
            builder = builder
                .parties(DeclarationParties {
                    sender: party(&shipment.ship_from),
                    importer_reference: self
                        .collected_tax(order)
                        .map(|tax| format!("{:?} {}", tax.scheme, tax.number).to_uppercase()),
                    importer_phone: addressee.phone.clone(),
                    importer_email: addressee.email.clone(),
                    addressee,
                })
                .invoice_number(shipment.id.to_string());
        }
        builder
            .build()
            .map(Some)
            .map_err(|error| AppError::Internal(format!("the customs declaration: {error}")))
    }

    fn invoice(&self, shipment: &Shipment, order: &OrderRecord) -> AppResult<CommercialInvoice> {
        let day = shipment.created_at.date_naive();
        let currency = shipment.contents_value.currency();
        let zero = Money::zero(currency);
        // The order's shipping charge goes on the invoice of a parcel that carries the whole
        // order; split across parcels it would be counted twice.
        let whole_order = order.lines.iter().all(|line| {
            shipment
                .items
                .iter()
                .any(|item| item.line_no == line.line_no && item.quantity == line.quantity)
        });
        let freight = if whole_order && order.shipping.currency() == currency {
            order.shipping
        } else {
            zero
        };
        let total = shipment
            .contents_value
            .checked_add(freight)
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let mut builder = CommercialInvoiceBuilder::new(
            InvoiceKind::Commercial,
            shipment.id.to_string(),
            day,
            currency,
        )
        .exporter(party(&shipment.ship_from))
        .importer(party(&shipment.ship_to))
        .route(shipment.ship_from.country, shipment.ship_to.country)
        .reason(ExportReason::Sale)
        .incoterm(
            order.snapshot.group.incoterm,
            shipment.ship_to.city.clone().unwrap_or_default(),
        )
        .packages(Packages {
            count: 1,
            kind: PackageKind::Box,
            marks: Some(format!("{} 1/1", order.id)),
        })
        .charges(InvoiceCharges {
            freight,
            insurance: zero,
            other: zero,
        })
        .total_value(total)
        .payment_terms("Paid at checkout")
        .tracking_number(shipment.tracking_number.as_str())
        .declaration(DECLARATION_STATEMENT, signature(shipment, day));
        for line in sold_lines(order, &shipment.items)? {
            builder = builder.line(InvoiceLine {
                description: line.description,
                sku: Some(line.sku),
                hs_code: line.hs_code,
                origin_country: line.origin,
                quantity: line.quantity,
                unit: QuantityUnit::Piece,
                unit_value: line.unit_value,
                line_total: line.line_value,
                net_weight_g: line.net_weight_g,
                gross_weight_g: line.net_weight_g,
            });
        }
        if let Some(collected) = self.collected_tax(order) {
            builder = builder.collected_tax(collected);
        }
        builder
            .build()
            .map_err(|error| AppError::Internal(format!("the commercial invoice: {error}")))
    }

    /// The platform's registration under which it collected the import VAT at checkout (the
    /// order's tax lines say whether it did; the destination says under which scheme), when the
    /// platform has one configured.
    fn collected_tax(&self, order: &OrderRecord) -> Option<CollectedTax> {
        let group = &order.snapshot.group;
        let collected_at_checkout = group
            .tax_lines
            .iter()
            .any(|line| line.collected == Collection::AtCheckout && !line.amount.is_zero());
        if !collected_at_checkout {
            return None;
        }
        let config = &self.config().fulfilment;
        let destination = order.destination;
        let (scheme, number) = if destination.is_eu_member() {
            (
                CollectedTaxScheme::Ioss,
                config.platform_ioss_number.clone(),
            )
        } else if destination.as_str() == "GB" {
            (
                CollectedTaxScheme::UkVat,
                config.platform_uk_vat_number.clone(),
            )
        } else if destination.as_str() == "NO" {
            (
                CollectedTaxScheme::Voec,
                config.platform_voec_number.clone(),
            )
        } else {
            return None;
        };
        number.map(|number| CollectedTax { scheme, number })
    }
}

fn valid(address: &PostalAddress) -> AppResult<ValidAddress> {
    ValidAddress::try_from(address.clone())
        .map_err(|_| AppError::Internal("a stored shipment address no longer validates".into()))
}

fn signature(shipment: &Shipment, day: NaiveDate) -> Signature {
    Signature {
        signer: shipment.ship_from.recipient.clone(),
        signed_on: day,
    }
}

fn party(address: &PostalAddress) -> TradeParty {
    TradeParty {
        name: address
            .organisation
            .clone()
            .unwrap_or_else(|| address.recipient.clone()),
        address_lines: address.street_lines.clone(),
        postal_code: address.postal_code.clone(),
        city: address
            .city
            .clone()
            .or_else(|| address.dependent_locality.clone())
            .unwrap_or_default(),
        country: address.country,
        phone: address.phone.clone(),
        email: address.email.clone(),
        tax_ids: Vec::new(),
    }
}

/// The shipment's items as the order sold them (order line `n` is the snapshot's line `n - 1`).
fn sold_lines(order: &OrderRecord, items: &[ShipmentItem]) -> AppResult<Vec<SoldLine>> {
    items
        .iter()
        .map(|item| {
            let goods = goods_of(order, std::slice::from_ref(item))?;
            let line = usize::try_from(item.line_no - 1)
                .ok()
                .and_then(|index| order.snapshot.group.lines.get(index))
                .ok_or_else(|| {
                    AppError::Internal(format!("order line {} is missing", item.line_no))
                })?;
            Ok(SoldLine {
                description: line.title.clone(),
                sku: line.sku.clone(),
                hs_code: HsCode::parse(&line.hs_code)
                    .map_err(|error| AppError::Internal(format!("order line HS code: {error}")))?,
                origin: line.origin_country,
                quantity: u32::try_from(item.quantity).unwrap_or(0),
                unit_value: line.unit_price,
                line_value: goods.value,
                net_weight_g: goods.net_weight_g,
            })
        })
        .collect()
}
