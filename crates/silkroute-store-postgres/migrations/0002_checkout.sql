-- Checkout (PostgreSQL): warehouses and stock, quotes, payments, orders with their lines and events, refunds,
-- returns, and the payment notifications already processed (replay protection).
-- Orders and payments keep their quote's id but no foreign key: quotes expire within the hour
-- and may be purged, while the order keeps its own frozen snapshot of the quote group.
-- Stock is a level per (seller, product, warehouse) guarded by CHECKs, plus an append-only log of
-- movements; a reservation is a conditional UPDATE, so available stock never goes below zero.

CREATE TABLE warehouses (
    seller_id     TEXT NOT NULL REFERENCES sellers (seller_id),
    warehouse_id  TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    country       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('seller', 'platform', 'overseas_3pl', 'bonded')),
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, warehouse_id)
);

CREATE TABLE stock_levels (
    seller_id     TEXT NOT NULL,
    product_id    TEXT NOT NULL REFERENCES products (product_id),
    warehouse_id  TEXT NOT NULL REFERENCES warehouses (warehouse_id),
    on_hand       BIGINT NOT NULL CHECK (on_hand >= 0),
    reserved      BIGINT NOT NULL CHECK (reserved >= 0),
    CHECK (reserved <= on_hand),
    PRIMARY KEY (seller_id, product_id, warehouse_id)
);

CREATE TABLE stock_movements (
    seller_id     TEXT NOT NULL,
    movement_id   TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    warehouse_id  TEXT NOT NULL,
    kind          TEXT NOT NULL
        CHECK (kind IN ('receipt', 'adjust', 'reserve', 'release', 'ship', 'restock')),
    quantity      BIGINT NOT NULL,
    order_id      TEXT,
    at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, movement_id)
);
CREATE INDEX stock_movements_by_product ON stock_movements (seller_id, product_id, at);

CREATE TABLE quotes (
    quote_id     TEXT PRIMARY KEY,
    buyer_id     TEXT REFERENCES buyers (buyer_id),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    consumed_at  TIMESTAMPTZ,
    body         TEXT NOT NULL
);

CREATE TABLE payments (
    payment_id          TEXT PRIMARY KEY,
    quote_id            TEXT NOT NULL UNIQUE,
    buyer_id            TEXT NOT NULL REFERENCES buyers (buyer_id),
    provider            TEXT NOT NULL,
    provider_reference  TEXT NOT NULL,
    status              TEXT NOT NULL,
    currency            TEXT NOT NULL,
    amount_minor        BIGINT NOT NULL CHECK (amount_minor >= 0),
    captured_minor      BIGINT NOT NULL DEFAULT 0,
    refunded_minor      BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor <= captured_minor),
    card_brand          TEXT NOT NULL,
    card_last4          TEXT NOT NULL,
    decline_reason      TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    authorized_at       TIMESTAMPTZ,
    expires_at          TIMESTAMPTZ,
    captured_at         TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (provider, provider_reference)
);
CREATE INDEX payments_by_status ON payments (status, expires_at);

CREATE TABLE orders (
    seller_id             TEXT NOT NULL REFERENCES sellers (seller_id),
    order_id              TEXT NOT NULL UNIQUE,
    quote_id              TEXT NOT NULL,
    buyer_id              TEXT NOT NULL REFERENCES buyers (buyer_id),
    payment_id            TEXT NOT NULL REFERENCES payments (payment_id),
    status                TEXT NOT NULL,
    status_before_refund  TEXT,
    destination           TEXT NOT NULL,
    incoterm              TEXT NOT NULL,
    currency              TEXT NOT NULL,
    goods_minor           BIGINT NOT NULL,
    shipping_minor        BIGINT NOT NULL,
    duties_minor          BIGINT NOT NULL,
    taxes_minor           BIGINT NOT NULL,
    total_minor           BIGINT NOT NULL,
    due_at_door_minor     BIGINT NOT NULL,
    refunded_minor        BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor <= total_minor),
    seller_currency       TEXT NOT NULL,
    seller_total_minor    BIGINT NOT NULL,
    body                  TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, order_id)
);
CREATE INDEX orders_by_buyer ON orders (buyer_id, order_id);
CREATE INDEX orders_by_payment ON orders (payment_id);
CREATE INDEX orders_by_status ON orders (status, order_id);
CREATE INDEX orders_by_created ON orders (created_at);

CREATE TABLE order_lines (
    seller_id         TEXT NOT NULL,
    order_id          TEXT NOT NULL REFERENCES orders (order_id),
    line_no           BIGINT NOT NULL,
    product_id        TEXT NOT NULL REFERENCES products (product_id),
    warehouse_id      TEXT REFERENCES warehouses (warehouse_id),
    sku               TEXT NOT NULL,
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    currency          TEXT NOT NULL,
    unit_price_minor  BIGINT NOT NULL,
    line_total_minor  BIGINT NOT NULL,
    PRIMARY KEY (seller_id, order_id, line_no)
);
CREATE INDEX order_lines_by_product ON order_lines (seller_id, product_id);

CREATE TABLE order_events (
    seller_id    TEXT NOT NULL,
    order_id     TEXT NOT NULL REFERENCES orders (order_id),
    seq          BIGINT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    action       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, order_id, seq)
);

CREATE TABLE refunds (
    seller_id           TEXT NOT NULL,
    refund_id           TEXT NOT NULL UNIQUE,
    order_id            TEXT NOT NULL REFERENCES orders (order_id),
    payment_id          TEXT NOT NULL REFERENCES payments (payment_id),
    currency            TEXT NOT NULL,
    amount_minor        BIGINT NOT NULL CHECK (amount_minor > 0),
    reason              TEXT,
    provider_reference  TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, refund_id)
);
CREATE INDEX refunds_by_order ON refunds (order_id);

CREATE TABLE order_returns (
    seller_id   TEXT NOT NULL,
    return_id   TEXT NOT NULL UNIQUE,
    order_id    TEXT NOT NULL REFERENCES orders (order_id),
    buyer_id    TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, return_id)
);
CREATE INDEX order_returns_by_order ON order_returns (order_id);

CREATE TABLE payment_notifications (
    provider     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    payment_id   TEXT,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, event_id)
);
