-- Foundation: reference data (FX, market rules), parties, catalog, tokens, idempotency.
-- Money is BIGINT minor units next to a currency code; rates are NUMERIC; times are UTC.
-- Seller-owned tables carry seller_id first in their keys: the Citus distribution column.

CREATE TABLE fx_rates (
    currency   TEXT NOT NULL,
    rate_date  DATE NOT NULL,
    per_eur    NUMERIC NOT NULL,
    PRIMARY KEY (currency, rate_date)
);
CREATE INDEX fx_rates_by_date ON fx_rates (rate_date);

CREATE TABLE market_rules (
    rule_id         TEXT NOT NULL,
    version         BIGINT  NOT NULL,
    country         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    effective_from  DATE NOT NULL,
    effective_to    DATE,
    body            TEXT NOT NULL,
    PRIMARY KEY (rule_id, country, version)
);

CREATE TABLE sellers (
    seller_id            TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    country              TEXT NOT NULL,
    business_model       TEXT NOT NULL CHECK (business_model IN ('b2c', 'b2b', 'c2c', 'm2c')),
    settlement_currency  TEXT NOT NULL,
    commission_bps       BIGINT  NOT NULL CHECK (commission_bps BETWEEN 0 AND 5000),
    time_zone            TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE buyers (
    buyer_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('consumer', 'business')),
    vat_id      TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE products (
    seller_id         TEXT NOT NULL REFERENCES sellers (seller_id),
    product_id        TEXT NOT NULL,
    sku               TEXT NOT NULL,
    titles            TEXT NOT NULL,
    category          TEXT NOT NULL,
    hs_code           TEXT NOT NULL,
    origin_country    TEXT NOT NULL,
    weight_g          BIGINT  NOT NULL CHECK (weight_g > 0),
    length_mm         BIGINT  NOT NULL CHECK (length_mm > 0),
    width_mm          BIGINT  NOT NULL CHECK (width_mm > 0),
    height_mm         BIGINT  NOT NULL CHECK (height_mm > 0),
    gtin              TEXT,
    currency          TEXT NOT NULL,
    base_price_minor  BIGINT NOT NULL CHECK (base_price_minor > 0),
    unit_cost_minor   BIGINT NOT NULL CHECK (unit_cost_minor >= 0),
    moq               BIGINT  NOT NULL CHECK (moq >= 1),
    tier_prices       TEXT NOT NULL,
    market_prices     TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'archived')),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, product_id),
    UNIQUE (seller_id, sku)
);
CREATE UNIQUE INDEX products_by_id ON products (product_id);
CREATE INDEX products_by_category ON products (category, product_id);

CREATE TABLE api_tokens (
    token_id    TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'seller', 'buyer')),
    seller_id   TEXT REFERENCES sellers (seller_id),
    buyer_id    TEXT REFERENCES buyers (buyer_id),
    label       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    CHECK ((role = 'seller') = (seller_id IS NOT NULL)),
    CHECK ((role = 'buyer') = (buyer_id IS NOT NULL))
);

CREATE TABLE idempotency_keys (
    scope            TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    response_status  BIGINT,
    response_body    TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
