-- Shipments: units of one order in one parcel, leaving one warehouse under one tracking number.
-- The items, the parcel and both addresses are JSON text read and written whole (like the
-- address book); documents are rendered from these rows on request, so no PDF is stored. The
-- tracking number is unique platform-wide: two parcels under one number would share a timeline.
-- Units left to ship are derived from the live (not cancelled) shipments of the order.
--
-- tracking_serials keeps the built-in carrier's S10 counter per service indicator and issuing
-- country: the next serial to issue (last + 1 once used up). A shipment insert advances it in the
-- same transaction, only from the value the number was issued from, so no number is issued twice.

CREATE TABLE shipments (
    seller_id        TEXT NOT NULL REFERENCES sellers (seller_id),
    shipment_id      TEXT NOT NULL,
    order_id         TEXT NOT NULL REFERENCES orders (order_id),
    buyer_id         TEXT NOT NULL,
    warehouse_id     TEXT NOT NULL,
    status           TEXT NOT NULL,
    carrier          TEXT NOT NULL,
    service_id       TEXT NOT NULL,
    service_name     TEXT NOT NULL,
    tracking_number  TEXT NOT NULL UNIQUE,
    parcel           TEXT NOT NULL,
    items            TEXT NOT NULL,
    ship_from        TEXT NOT NULL,
    ship_to          TEXT NOT NULL,
    declaration      TEXT,
    currency         TEXT NOT NULL,
    contents_minor   BIGINT NOT NULL,
    contents_sdr     TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, shipment_id)
);

CREATE INDEX shipments_by_order ON shipments (seller_id, order_id);
CREATE INDEX shipments_by_buyer ON shipments (buyer_id, shipment_id);
CREATE INDEX shipments_by_id ON shipments (shipment_id);

CREATE TABLE tracking_serials (
    service_indicator  TEXT NOT NULL,
    country            TEXT NOT NULL,
    first_serial       BIGINT NOT NULL,
    last_serial        BIGINT NOT NULL,
    next_serial        BIGINT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_indicator, country)
);
