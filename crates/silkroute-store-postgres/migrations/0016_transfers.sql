-- Head-haul transfers between a seller's warehouses, and the customs declarations they cause.
-- A transfer is a row per dispatch and a row per product line; the stock itself moves through
-- `stock_movements` (`transfer_out` at dispatch, `transfer_in` at receipt), so units in transit
-- are the announced lines of transfers still `in_transit`. What a received line cost landed (unit
-- cost plus its duty share) is kept on the transfer line — the batch it came with — rather than
-- averaged into the stock level, so every figure stays traceable to its declaration.
-- Declarations carry seller_id (the distribution key) and their HS lines as JSON text: a broker
-- reads them whole, nobody searches inside them.

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check
    CHECK (kind IN ('receipt', 'adjust', 'reserve', 'release', 'ship', 'restock',
                    'transfer_out', 'transfer_in'));

CREATE TABLE transfers (
    seller_id          TEXT NOT NULL REFERENCES sellers (seller_id),
    transfer_id        TEXT NOT NULL UNIQUE,
    from_warehouse_id  TEXT NOT NULL REFERENCES warehouses (warehouse_id),
    to_warehouse_id    TEXT NOT NULL REFERENCES warehouses (warehouse_id),
    from_country       TEXT NOT NULL,
    to_country         TEXT NOT NULL,
    transport_mode     TEXT NOT NULL CHECK (transport_mode IN ('sea', 'air', 'courier')),
    transport          TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('in_transit', 'received')),
    dispatched_at      TIMESTAMPTZ NOT NULL,
    received_at        TIMESTAMPTZ,
    CHECK (from_warehouse_id <> to_warehouse_id),
    PRIMARY KEY (seller_id, transfer_id)
);

CREATE TABLE transfer_lines (
    seller_id                TEXT NOT NULL,
    transfer_id              TEXT NOT NULL,
    line_no                  BIGINT NOT NULL,
    product_id               TEXT NOT NULL REFERENCES products (product_id),
    quantity                 BIGINT NOT NULL CHECK (quantity > 0),
    unit_cost_minor          BIGINT NOT NULL CHECK (unit_cost_minor >= 0),
    unit_cost_currency       TEXT NOT NULL,
    received                 BIGINT CHECK (received >= 0),
    damaged                  BIGINT CHECK (damaged >= 0),
    duty_minor               BIGINT,
    landed_unit_cost_minor   BIGINT,
    landed_currency          TEXT,
    PRIMARY KEY (seller_id, transfer_id, line_no),
    FOREIGN KEY (seller_id, transfer_id) REFERENCES transfers (seller_id, transfer_id)
);

CREATE TABLE customs_declarations (
    seller_id             TEXT NOT NULL REFERENCES sellers (seller_id),
    declaration_id        TEXT NOT NULL UNIQUE,
    mode                  TEXT CHECK (mode IN ('9610', '9710', '9810', '1210')),
    direction             TEXT NOT NULL CHECK (direction IN ('export', 'import')),
    reference_kind        TEXT NOT NULL CHECK (reference_kind IN ('transfer', 'shipment')),
    reference_id          TEXT NOT NULL,
    origin_country        TEXT NOT NULL,
    destination_country   TEXT NOT NULL,
    declared_value_minor  BIGINT NOT NULL,
    currency              TEXT NOT NULL,
    duty_minor            BIGINT,
    import_vat_minor      BIGINT,
    hs_lines              TEXT NOT NULL,
    order_reference       TEXT NOT NULL,
    payment_reference     TEXT,
    waybill_reference     TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, declaration_id)
);

CREATE INDEX customs_declarations_by_time ON customs_declarations (seller_id, created_at);
