-- The buyers' address book. The address itself is one JSON text column holding the validated
-- `PostalAddress`: it is always read and written whole, never searched by field, and its shape
-- (optional fields per country, one to three street lines) would otherwise be ten nullable
-- columns that change whenever the address model does; reading it back validates it again.
-- At most one default per buyer: the writes keep it so in their transaction, and the partial
-- unique index makes a lost race a conflict instead of two defaults. Buyer-owned rather than
-- seller-owned, like `buyers` itself (no seller_id distribution key).

CREATE TABLE buyer_addresses (
    address_id  TEXT PRIMARY KEY,
    buyer_id    TEXT NOT NULL REFERENCES buyers (buyer_id),
    label       TEXT NOT NULL,
    address     TEXT NOT NULL,
    is_default  BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX buyer_addresses_by_buyer ON buyer_addresses (buyer_id, address_id);

CREATE UNIQUE INDEX buyer_addresses_one_default ON buyer_addresses (buyer_id) WHERE is_default;
