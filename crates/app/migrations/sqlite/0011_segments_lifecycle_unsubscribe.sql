-- Segments: staff-defined saved filters over customers (tier, channel, tag, store,
-- lifecycle), counted live. Per-brand lifecycle thresholds (days). An unsubscribe code
-- per customer for the unsubscribe link (made on first use).
CREATE TABLE segments (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    name            TEXT    NOT NULL,
    filter          TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id)
);
CREATE UNIQUE INDEX segments_name ON segments (brand_id, name);

CREATE TABLE lifecycle_thresholds (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    new_days        BIGINT  NOT NULL,
    active_days     BIGINT  NOT NULL,
    churned_days    BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (brand_id)
);

ALTER TABLE customers ADD COLUMN unsubscribe_code TEXT;
CREATE UNIQUE INDEX customers_unsubscribe_code ON customers (unsubscribe_code);
