-- Requests that survive a dropped connection or a crash (issue 14, items 1 and 2).
--
-- An idempotency claim belongs to the server process running it (`owner`) until `lease_until`;
-- an unfinished claim whose lease ran out is taken over by the next retry. Claims made before
-- this migration have no owner: they count as long expired.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT;
ALTER TABLE idempotency_keys ADD COLUMN lease_until TEXT;

-- Payment work written with the change that calls for it and done by a worker afterwards:
-- delivering the provider's notification (`notify`), voiding an authorisation (`void`).
CREATE TABLE payment_tasks (
    task_id             TEXT PRIMARY KEY,
    provider            TEXT NOT NULL,
    provider_reference  TEXT NOT NULL,
    payment_id          TEXT,
    action              TEXT NOT NULL CHECK (action IN ('notify', 'void')),
    event_id            TEXT,
    event_kind          TEXT,
    due_at              TEXT NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    last_error          TEXT,
    claimed_until       TEXT,
    done_at             TEXT,
    created_at          TEXT NOT NULL
);
-- The worker's question: what is due and not done.
CREATE INDEX payment_tasks_open ON payment_tasks (due_at) WHERE done_at IS NULL;
CREATE INDEX payment_tasks_by_payment ON payment_tasks (payment_id) WHERE done_at IS NULL;
