-- Product margins need the shipping inside each product's paid amount (passed on to the
-- carrier). Forgetting the watermarks makes the next refresh rebuild every rollup, filling it.

ALTER TABLE rollup_products ADD COLUMN freight_minor BIGINT NOT NULL DEFAULT 0;
DELETE FROM analytics_watermarks;
