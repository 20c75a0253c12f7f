-- Durable jobs and timers, driven by the app servers: scheduled at a time, claimed with a
-- lease (several servers share the table; on PostgreSQL with FOR UPDATE SKIP LOCKED),
-- retried with backoff, dead after max_attempts. A job's effects and its completion are
-- written in one transaction, so a job that ran never runs again. `dedupe_key` keeps one
-- live job per (brand, kind, key): an order's expiry is scheduled once.
CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    dedupe_key      TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('scheduled', 'running', 'done', 'dead', 'cancelled')),
    run_at          BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL,
    max_attempts    BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    finished_at     BIGINT,
    UNIQUE (brand_id, id)
);
CREATE UNIQUE INDEX jobs_live_dedupe ON jobs (brand_id, kind, dedupe_key)
    WHERE dedupe_key IS NOT NULL AND status IN ('scheduled', 'running');
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_by_brand ON jobs (brand_id, status, id);
