//! Silkroute's logistics context: where goods are, where they go and what travels with them —
//! addresses, warehouse allocation, shipments, labels and customs documents as data. Pure like
//! the domain it builds on: no I/O, no clock (time is passed in); PDF and barcode rendering are
//! adapters elsewhere.

pub mod address;
pub mod allocation;
pub mod customs_mode;
pub mod manifest;
pub mod pack_check;
pub mod parcel;
pub mod pick_list;
pub mod postal_declaration;
pub mod sdr;
pub mod shipment;
pub mod tracking_number;
pub mod transfer;
