-- Where goods go and where they leave from. A quote and the orders placed from it carry the
-- buyer's full ship-to address (the validated `PostalAddress` as JSON text, read and written
-- whole like the address book's); a warehouse carries the address its parcels leave from and
-- returns come back to. All three are nullable: quotes and orders from before this migration,
-- imported orders (analytics only) and warehouses created without one have none, and a parcel
-- cannot be shipped until both ends are known.

ALTER TABLE quotes ADD COLUMN ship_to TEXT;
ALTER TABLE orders ADD COLUMN ship_to TEXT;
ALTER TABLE warehouses ADD COLUMN address TEXT;
