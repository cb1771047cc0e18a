-- Industry rollups (platform scope, UTC days): per category (leaf and parent) × market × seller
-- what was viewed and paid, who browsed each category, and per keyword who searched it and what
-- followed in the same session. Forgetting the watermarks makes the next refresh rebuild all.

CREATE TABLE rollup_categories (
    scope        TEXT NOT NULL,
    day          TEXT NOT NULL,
    week         TEXT NOT NULL,
    month        TEXT NOT NULL,
    category     TEXT NOT NULL,
    market       TEXT NOT NULL,
    seller_id    TEXT NOT NULL,
    -- The seller's settlement currency; empty on rows with views only.
    currency     TEXT NOT NULL,
    page_views   INTEGER NOT NULL,
    paid_orders  INTEGER NOT NULL,
    paid_units   INTEGER NOT NULL,
    paid_minor   INTEGER NOT NULL,
    PRIMARY KEY (scope, day, category, market, seller_id, currency)
) WITHOUT ROWID;

CREATE TABLE rollup_category_visitors (
    scope       TEXT NOT NULL,
    day         TEXT NOT NULL,
    week        TEXT NOT NULL,
    month       TEXT NOT NULL,
    category    TEXT NOT NULL,
    market      TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    PRIMARY KEY (scope, day, category, market, visitor_id)
) WITHOUT ROWID;

CREATE TABLE rollup_keyword_searchers (
    scope       TEXT NOT NULL,
    day         TEXT NOT NULL,
    week        TEXT NOT NULL,
    month       TEXT NOT NULL,
    keyword     TEXT NOT NULL,
    market      TEXT NOT NULL,
    visitor_id  TEXT NOT NULL,
    searches    INTEGER NOT NULL,
    clicked     INTEGER NOT NULL,
    purchased   INTEGER NOT NULL,
    PRIMARY KEY (scope, day, keyword, market, visitor_id)
) WITHOUT ROWID;

DELETE FROM analytics_watermarks;
