-- Settings that belong to the data rather than to a config file, one text value per name: the
-- first is the day demo prices are pinned to (`pricing_date`, issue 14), so that a database
-- seeded by `serve --demo` keeps pricing after a restart with plain `serve`. A small platform
-- table (replicated under Citus, like fx_rates).

CREATE TABLE settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
