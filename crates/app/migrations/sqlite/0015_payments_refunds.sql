-- Payments as gateways report them, each applied once per (provider, transaction id), and
-- refunds booked on orders: each with its own refund number, so a refund sent to a gateway
-- again reuses it (gateways deduplicate by it).
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    provider        TEXT    NOT NULL,
    transaction_id  TEXT    NOT NULL,
    amount          BIGINT  NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('applied', 'already_applied', 'refund_due')),
    received_at     BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
);
CREATE UNIQUE INDEX payments_by_transaction ON payments (brand_id, provider, transaction_id);
CREATE INDEX payments_by_order ON payments (brand_id, order_id);

CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    line_no         BIGINT,
    amount          BIGINT  NOT NULL CHECK (amount > 0),
    restock         BIGINT  NOT NULL CHECK (restock >= 0),
    refund_no       TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed')),
    reason          TEXT    NOT NULL,
    staff_id        BIGINT,
    created_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
);
CREATE UNIQUE INDEX refunds_by_number ON refunds (refund_no);
CREATE INDEX refunds_by_order ON refunds (brand_id, order_id, id);
