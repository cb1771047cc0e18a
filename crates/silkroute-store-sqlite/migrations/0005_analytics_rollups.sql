-- Analytics rollups (issue 4): each day's facts summed per dimension, so dashboards read day rows
-- instead of orders and events. `scope` is a seller id, or '*' for the platform (UTC days); `day`
-- is the scope's local calendar day, `week` its ISO week's Monday and `month` its first day, so
-- that distinct counts can be grouped by any grain. A day's rows are replaced whole by the
-- refresh job or by `silkroute analytics rebuild`, never patched.

ALTER TABLE storefront_events ADD COLUMN received_at TEXT;
CREATE INDEX storefront_events_by_receipt ON storefront_events (received_at);
CREATE INDEX orders_by_update ON orders (updated_at);
CREATE INDEX orders_by_seller_created ON orders (seller_id, created_at);
CREATE INDEX payments_by_capture ON payments (captured_at);
CREATE INDEX refunds_by_time ON refunds (created_at);

CREATE TABLE rollup_sales (
    scope           TEXT NOT NULL,
    day             TEXT NOT NULL,
    week            TEXT NOT NULL,
    month           TEXT NOT NULL,
    market          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    orders_placed   INTEGER NOT NULL,
    units_placed    INTEGER NOT NULL,
    refunded_units  INTEGER NOT NULL,
    paid_orders     INTEGER NOT NULL,
    paid_minor      INTEGER NOT NULL,
    refund_minor    INTEGER NOT NULL,
    PRIMARY KEY (scope, day, market, currency)
) WITHOUT ROWID;

CREATE TABLE rollup_traffic (
    scope         TEXT NOT NULL,
    day           TEXT NOT NULL,
    week          TEXT NOT NULL,
    month         TEXT NOT NULL,
    market        TEXT NOT NULL,
    source        TEXT NOT NULL,
    device        TEXT NOT NULL,
    visits        INTEGER NOT NULL,
    page_views    INTEGER NOT NULL,
    searches      INTEGER NOT NULL,
    add_to_carts  INTEGER NOT NULL,
    checkouts     INTEGER NOT NULL,
    PRIMARY KEY (scope, day, market, source, device)
) WITHOUT ROWID;

CREATE TABLE rollup_visitors (
    scope       TEXT NOT NULL,
    day         TEXT NOT NULL,
    week        TEXT NOT NULL,
    month       TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    market      TEXT NOT NULL,
    source      TEXT NOT NULL,
    device      TEXT NOT NULL,
    carted      INTEGER NOT NULL,
    PRIMARY KEY (scope, day, visitor_id, market, source, device)
) WITHOUT ROWID;

CREATE TABLE rollup_buyers (
    scope     TEXT NOT NULL,
    day       TEXT NOT NULL,
    week      TEXT NOT NULL,
    month     TEXT NOT NULL,
    buyer_id  TEXT NOT NULL,
    market    TEXT NOT NULL,
    placed    INTEGER NOT NULL,
    paid      INTEGER NOT NULL,
    -- What the buyer paid that day (settlement currency of the scope's sellers).
    currency  TEXT NOT NULL,
    paid_minor INTEGER NOT NULL,
    PRIMARY KEY (scope, day, buyer_id, market, currency)
) WITHOUT ROWID;
CREATE INDEX rollup_buyers_by_buyer ON rollup_buyers (scope, buyer_id, day);

CREATE TABLE rollup_products (
    scope           TEXT NOT NULL,
    day             TEXT NOT NULL,
    week            TEXT NOT NULL,
    month           TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    market          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    page_views      INTEGER NOT NULL,
    add_to_carts    INTEGER NOT NULL,
    units_placed    INTEGER NOT NULL,
    refunded_units  INTEGER NOT NULL,
    paid_units      INTEGER NOT NULL,
    paid_minor      INTEGER NOT NULL,
    PRIMARY KEY (scope, day, product_id, market)
) WITHOUT ROWID;

CREATE TABLE rollup_keywords (
    scope     TEXT NOT NULL,
    day       TEXT NOT NULL,
    week      TEXT NOT NULL,
    month     TEXT NOT NULL,
    keyword   TEXT NOT NULL,
    market    TEXT NOT NULL,
    searches  INTEGER NOT NULL,
    PRIMARY KEY (scope, day, keyword, market)
) WITHOUT ROWID;

-- How far the refresh job has read the order and event streams.
CREATE TABLE analytics_watermarks (
    stream  TEXT PRIMARY KEY,
    at      TEXT NOT NULL
);
