-- Picking, packing and hand-over. packed_at records when a packer's scans matched a shipment's
-- items; a parcel may still be handed over unpacked (verification is a check, not a gate), and
-- the manifest says which were verified.
--
-- manifests: one hand-over of a warehouse's labelled parcels to a carrier. The shipment ids are
-- JSON text read and written whole, like a shipment's items: the manifest is printed from them
-- and never edited. Seller-owned like shipments, so it distributes on seller_id.

ALTER TABLE shipments ADD COLUMN packed_at TIMESTAMPTZ;

CREATE INDEX shipments_by_warehouse ON shipments (seller_id, warehouse_id, status);

CREATE TABLE manifests (
    seller_id     TEXT NOT NULL REFERENCES sellers (seller_id),
    manifest_id   TEXT NOT NULL,
    warehouse_id  TEXT NOT NULL,
    carrier       TEXT,
    shipment_ids  TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, manifest_id)
);

CREATE INDEX manifests_by_id ON manifests (manifest_id);
