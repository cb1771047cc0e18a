-- Order history a seller brought from another platform (`silkroute import orders`). Keyed by the
-- seller and the external order id, so importing a file twice changes nothing.

CREATE TABLE imported_orders (
    seller_id        TEXT NOT NULL REFERENCES sellers (seller_id),
    external_id      TEXT NOT NULL,
    buyer_reference  TEXT NOT NULL,
    buyer_country    TEXT NOT NULL,
    ordered_on       DATE NOT NULL,
    currency         TEXT NOT NULL,
    amount_minor     BIGINT NOT NULL CHECK (amount_minor >= 0),
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    sku              TEXT,
    imported_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seller_id, external_id)
);
CREATE INDEX imported_orders_by_day ON imported_orders (seller_id, ordered_on);
