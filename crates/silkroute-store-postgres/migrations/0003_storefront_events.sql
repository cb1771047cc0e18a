-- Storefront events from the analytics beacon. The client's event id is the key, so a beacon's
-- retry is a duplicate and ignored. seller_id is the product's seller (NULL for events without
-- a product) so that a seller's funnel is read without joining the catalog.

CREATE TABLE storefront_events (
    event_id    TEXT PRIMARY KEY,
    seller_id   TEXT,
    visitor_id  TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    kind        TEXT NOT NULL
        CHECK (kind IN ('visit', 'product_view', 'search', 'add_to_cart', 'checkout_started')),
    product_id  TEXT,
    keyword     TEXT,
    market      TEXT NOT NULL,
    source      TEXT NOT NULL,
    device      TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX storefront_events_by_seller ON storefront_events (seller_id, at);
CREATE INDEX storefront_events_by_time ON storefront_events (at);
