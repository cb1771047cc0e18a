//! `silkroute shipment create|label|document` and `silkroute manifest create`: the operator
//! labels an order, prints its papers and hands a warehouse's parcels over from the command line against the configured database, through the same use cases as
//! the API (so the same checks, the same numbers and the same PDFs).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use silkroute_app::{ManifestRequest, Principal, ShipmentRequest};
use silkroute_domain::ids::{TokenId, Ulid};

use super::{app_error, open_app};
use crate::cli::{ManifestCommand, ShipmentCommand};
use crate::config::Config;

/// The command line acts as the operator. It has no API token, so its order events name the
/// nil token id (`admin:tok_00000000000000000000000000`).
fn operator() -> Principal {
    Principal::Admin {
        token_id: TokenId::new(Ulid::nil()),
    }
}

pub(super) async fn manifest(
    config: &Config,
    command: ManifestCommand,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    match command {
        ManifestCommand::Create { warehouse, carrier } => {
            let manifest = app
                .create_manifest(&operator(), &warehouse, ManifestRequest { carrier })
                .await
                .map_err(app_error)?;
            if json {
                println!("{}", serde_json::to_string(&manifest)?);
            } else {
                println!("{}", manifest.id);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(super) async fn shipment(
    config: &Config,
    command: ShipmentCommand,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let app = open_app(config).await?;
    match command {
        ShipmentCommand::Create { order, service } => {
            let request = ShipmentRequest {
                items: None,
                parcel: None,
                service_id: service,
            };
            let shipment = app
                .create_shipment(&operator(), &order, request)
                .await
                .map_err(app_error)?;
            if json {
                println!("{}", serde_json::to_string(&shipment)?);
            } else {
                println!(
                    "{} {} {} for {} ({} g, {})",
                    shipment.id,
                    shipment.tracking_number.spaced(),
                    shipment.service_name,
                    shipment.order_id,
                    shipment.parcel.weight_g,
                    shipment
                        .declaration
                        .map_or("no customs declaration", |form| match form {
                            silkroute_logistics::postal_declaration::DeclarationForm::Cn22 =>
                                "CN 22",
                            silkroute_logistics::postal_declaration::DeclarationForm::Cn23 =>
                                "CN 23",
                        })
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ShipmentCommand::Label { shipment, out } => {
            let pdf = app
                .shipment_label_pdf(&operator(), &shipment)
                .await
                .map_err(app_error)?;
            write(&out, &pdf, json)
        }
        ShipmentCommand::Document {
            shipment,
            kind,
            out,
        } => {
            let pdf = app
                .shipment_document_pdf(&operator(), &shipment, &kind)
                .await
                .map_err(app_error)?;
            write(&out, &pdf, json)
        }
    }
}

fn write(out: &Path, pdf: &[u8], json: bool) -> anyhow::Result<ExitCode> {
    std::fs::write(out, pdf).with_context(|| format!("cannot write {}", out.display()))?;
    if json {
        println!(
            "{}",
            serde_json::json!({"out": out.display().to_string(), "bytes": pdf.len()})
        );
    } else {
        println!("wrote {} ({} bytes)", out.display(), pdf.len());
    }
    Ok(ExitCode::SUCCESS)
}
