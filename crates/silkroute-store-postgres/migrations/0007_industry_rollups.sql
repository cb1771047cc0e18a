-- Industry rollups (platform scope, UTC days): per category (leaf and parent) × market × seller
-- what was viewed and paid, who browsed each category, and per keyword who searched it and what
-- followed in the same session. Forgetting the watermarks makes the next refresh rebuild all.

CREATE TABLE rollup_categories (
    scope        TEXT NOT NULL,
    day          DATE NOT NULL,
    week         DATE NOT NULL,
    month        DATE NOT NULL,
    category     TEXT NOT NULL,
    market       TEXT NOT NULL,
    seller_id    TEXT NOT NULL,
    -- The seller's settlement currency; empty on rows with views only.
    currency     TEXT NOT NULL,
    page_views   BIGINT NOT NULL,
    paid_orders  BIGINT NOT NULL,
    paid_units   BIGINT NOT NULL,
    paid_minor   BIGINT NOT NULL,
    PRIMARY KEY (scope, day, category, market, seller_id, currency)
);

CREATE TABLE rollup_category_visitors (
    scope       TEXT NOT NULL,
    day         DATE NOT NULL,
    week        DATE NOT NULL,
    month       DATE NOT NULL,
    category    TEXT NOT NULL,
    market      TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    PRIMARY KEY (scope, day, category, market, visitor_id)
);

CREATE TABLE rollup_keyword_searchers (
    scope       TEXT NOT NULL,
    day         DATE NOT NULL,
    week        DATE NOT NULL,
    month       DATE NOT NULL,
    keyword     TEXT NOT NULL,
    market      TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    searches    BIGINT NOT NULL,
    clicked     BIGINT NOT NULL,
    purchased   BIGINT NOT NULL,
    PRIMARY KEY (scope, day, keyword, market, visitor_id)
);

DELETE FROM analytics_watermarks;
