-- Analytics rollups (issue 4): each day's facts summed per dimension, so dashboards read day rows
-- instead of orders and events. `scope` is a seller id, or '*' for the platform (UTC days); `day`
-- is the scope's local calendar day, `week` its ISO week's Monday and `month` its first day, so
-- that distinct counts can be grouped by any grain. A day's rows are replaced whole by the
-- refresh job or by `silkroute analytics rebuild`, never patched.

ALTER TABLE storefront_events ADD COLUMN received_at TIMESTAMPTZ;
CREATE INDEX storefront_events_by_receipt ON storefront_events (received_at);
CREATE INDEX orders_by_update ON orders (updated_at);
CREATE INDEX orders_by_seller_created ON orders (seller_id, created_at);
CREATE INDEX payments_by_capture ON payments (captured_at);
CREATE INDEX refunds_by_time ON refunds (created_at);

CREATE TABLE rollup_sales (
    scope           TEXT NOT NULL,
    day             DATE NOT NULL,
    week            DATE NOT NULL,
    month           DATE NOT NULL,
    market          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    orders_placed   BIGINT NOT NULL,
    units_placed    BIGINT NOT NULL,
    refunded_units  BIGINT NOT NULL,
    paid_orders     BIGINT NOT NULL,
    paid_minor      BIGINT NOT NULL,
    refund_minor    BIGINT NOT NULL,
    PRIMARY KEY (scope, day, market, currency)
);

CREATE TABLE rollup_traffic (
    scope         TEXT NOT NULL,
    day           DATE NOT NULL,
    week          DATE NOT NULL,
    month         DATE NOT NULL,
    market        TEXT NOT NULL,
    source        TEXT NOT NULL,
    device        TEXT NOT NULL,
    visits        BIGINT NOT NULL,
    page_views    BIGINT NOT NULL,
    searches      BIGINT NOT NULL,
    add_to_carts  BIGINT NOT NULL,
    checkouts     BIGINT NOT NULL,
    PRIMARY KEY (scope, day, market, source, device)
);

CREATE TABLE rollup_visitors (
    scope       TEXT NOT NULL,
    day         DATE NOT NULL,
    week        DATE NOT NULL,
    month       DATE NOT NULL,
    visitor_id  TEXT NOT NULL,
    market      TEXT NOT NULL,
    source      TEXT NOT NULL,
    device      TEXT NOT NULL,
    carted      BIGINT NOT NULL,
    PRIMARY KEY (scope, day, visitor_id, market, source, device)
);

CREATE TABLE rollup_buyers (
    scope     TEXT NOT NULL,
    day       DATE NOT NULL,
    week      DATE NOT NULL,
    month     DATE NOT NULL,
    buyer_id  TEXT NOT NULL,
    market    TEXT NOT NULL,
    placed    BIGINT NOT NULL,
    paid      BIGINT NOT NULL,
    -- What the buyer paid that day (settlement currency of the scope's sellers).
    currency  TEXT NOT NULL,
    paid_minor BIGINT NOT NULL,
    PRIMARY KEY (scope, day, buyer_id, market, currency)
);
CREATE INDEX rollup_buyers_by_buyer ON rollup_buyers (scope, buyer_id, day);

CREATE TABLE rollup_products (
    scope           TEXT NOT NULL,
    day             DATE NOT NULL,
    week            DATE NOT NULL,
    month           DATE NOT NULL,
    product_id      TEXT NOT NULL,
    market          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    page_views      BIGINT NOT NULL,
    add_to_carts    BIGINT NOT NULL,
    units_placed    BIGINT NOT NULL,
    refunded_units  BIGINT NOT NULL,
    paid_units      BIGINT NOT NULL,
    paid_minor      BIGINT NOT NULL,
    PRIMARY KEY (scope, day, product_id, market)
);

CREATE TABLE rollup_keywords (
    scope     TEXT NOT NULL,
    day       DATE NOT NULL,
    week      DATE NOT NULL,
    month     DATE NOT NULL,
    keyword   TEXT NOT NULL,
    market    TEXT NOT NULL,
    searches  BIGINT NOT NULL,
    PRIMARY KEY (scope, day, keyword, market)
);

-- How far the refresh job has read the order and event streams.
CREATE TABLE analytics_watermarks (
    stream  TEXT PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL
);
