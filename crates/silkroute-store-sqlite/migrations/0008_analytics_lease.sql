-- Who may write rollups right now: one refresh or rebuild at a time across processes (a
-- `silkroute analytics rebuild` beside a running `serve`, or several servers on one
-- database). A holder's lease lapses at expires_at, so a crashed holder blocks no one for long.

CREATE TABLE analytics_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
