-- Distinct people over any period without a distinct scan (issue 4's 20 ms overview). For each
-- person (visitor or buyer) and each day they were active, `previous` is the last earlier day
-- they were active (0001-01-01 for none). A person active in [a, b] has exactly one active day
-- there whose previous active day is before a — the first — so
--   distinct people in [a, b] = SUM(people) WHERE day BETWEEN a AND b AND previous < a
-- and the buyers who also paid in the 365 days before a are those with previous >= a - 365.
-- Counts are kept per (day, previous): a scope holds at most days × days rows, whatever the
-- traffic. `market` is a market code, or '*' for the person across all markets.
-- Measures: visitor, carting (added to cart), ordering (placed), paying (paid).

CREATE TABLE rollup_recency (
    scope     TEXT NOT NULL,
    measure   TEXT NOT NULL,
    market    TEXT NOT NULL,
    day       TEXT NOT NULL,
    week      TEXT NOT NULL,
    month     TEXT NOT NULL,
    previous  TEXT NOT NULL,
    people    INTEGER NOT NULL,
    PRIMARY KEY (scope, measure, market, day, previous)
) WITHOUT ROWID;

-- A person's active days, to find the day before.
CREATE INDEX rollup_visitors_by_visitor ON rollup_visitors (scope, visitor_id, day);

-- The people whose days a refresh is replacing, inside its transaction (one writer at a time:
-- the analytics lease).
CREATE TABLE rollup_touched (
    kind  TEXT NOT NULL,
    id    TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Forgetting the watermarks makes the next refresh rebuild every rollup, filling the new table.
DELETE FROM analytics_watermarks;
