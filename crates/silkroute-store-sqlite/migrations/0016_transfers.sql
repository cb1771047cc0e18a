-- Head-haul transfers between a seller's warehouses, and the customs declarations they cause.
-- A transfer is a row per dispatch and a row per product line; the stock itself moves through
-- `stock_movements` (`transfer_out` at dispatch, `transfer_in` at receipt), so units in transit
-- are the announced lines of transfers still `in_transit`. What a received line cost landed (unit
-- cost plus its duty share) is kept on the transfer line — the batch it came with — rather than
-- averaged into the stock level, so every figure stays traceable to its declaration.
-- Declarations carry seller_id (the distribution key) and their HS lines as JSON text: a broker
-- reads them whole, nobody searches inside them.

-- SQLite cannot alter a CHECK: the movement log is rebuilt with the two transfer kinds.
CREATE TABLE stock_movements_0016 (
    seller_id     TEXT NOT NULL,
    movement_id   TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    warehouse_id  TEXT NOT NULL,
    kind          TEXT NOT NULL
        CHECK (kind IN ('receipt', 'adjust', 'reserve', 'release', 'ship', 'restock',
                        'transfer_out', 'transfer_in')),
    quantity      INTEGER NOT NULL,
    order_id      TEXT,
    at            TEXT NOT NULL,
    PRIMARY KEY (seller_id, movement_id)
);
INSERT INTO stock_movements_0016 (seller_id, movement_id, product_id, warehouse_id, kind, quantity, order_id, at)
    SELECT seller_id, movement_id, product_id, warehouse_id, kind, quantity, order_id, at FROM stock_movements;
DROP TABLE stock_movements;
ALTER TABLE stock_movements_0016 RENAME TO stock_movements;
CREATE INDEX stock_movements_by_product ON stock_movements (seller_id, product_id, at);

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
    dispatched_at      TEXT NOT NULL,
    received_at        TEXT,
    CHECK (from_warehouse_id <> to_warehouse_id),
    PRIMARY KEY (seller_id, transfer_id)
);

CREATE TABLE transfer_lines (
    seller_id                TEXT NOT NULL,
    transfer_id              TEXT NOT NULL,
    line_no                  INTEGER NOT NULL,
    product_id               TEXT NOT NULL REFERENCES products (product_id),
    quantity                 INTEGER NOT NULL CHECK (quantity > 0),
    unit_cost_minor          INTEGER NOT NULL CHECK (unit_cost_minor >= 0),
    unit_cost_currency       TEXT NOT NULL,
    received                 INTEGER CHECK (received >= 0),
    damaged                  INTEGER CHECK (damaged >= 0),
    duty_minor               INTEGER,
    landed_unit_cost_minor   INTEGER,
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
    declared_value_minor  INTEGER NOT NULL,
    currency              TEXT NOT NULL,
    duty_minor            INTEGER,
    import_vat_minor      INTEGER,
    hs_lines              TEXT NOT NULL,
    order_reference       TEXT NOT NULL,
    payment_reference     TEXT,
    waybill_reference     TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    PRIMARY KEY (seller_id, declaration_id)
);

CREATE INDEX customs_declarations_by_time ON customs_declarations (seller_id, created_at);
