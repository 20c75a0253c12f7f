-- Orders: the header (who, through which store, guide and community, status and money in
-- fen), its lines (SKU, title and price as sold, refunded and returned), and its timeline.
-- Each brand chooses how long an unpaid order waits (default 30 minutes).
CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    store_id        BIGINT,
    guide_id        BIGINT,
    community_id    BIGINT,
    status          TEXT    NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped',
                        'completed', 'cancelled', 'expired', 'refunded')),
    total           BIGINT  NOT NULL CHECK (total > 0),
    paid            BIGINT  NOT NULL CHECK (paid >= 0),
    refunded        BIGINT  NOT NULL CHECK (refunded >= 0 AND refunded <= paid),
    placed_at       BIGINT  NOT NULL,
    pay_deadline    BIGINT  NOT NULL,
    paid_at         BIGINT,
    shipped_at      BIGINT,
    completed_at    BIGINT,
    closed_at       BIGINT,
    placed_by       BIGINT,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id)
);
CREATE INDEX orders_by_status ON orders (brand_id, status, id);
CREATE INDEX orders_by_customer ON orders (brand_id, customer_id, id);
CREATE INDEX orders_by_store ON orders (brand_id, store_id, placed_at);

CREATE TABLE order_lines (
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    line_no         BIGINT  NOT NULL,
    sku_id          BIGINT  NOT NULL,
    title           TEXT    NOT NULL,
    unit_price      BIGINT  NOT NULL CHECK (unit_price >= 0),
    quantity        BIGINT  NOT NULL CHECK (quantity > 0),
    refunded        BIGINT  NOT NULL CHECK (refunded >= 0 AND refunded <= unit_price * quantity),
    returned        BIGINT  NOT NULL CHECK (returned >= 0 AND returned <= quantity),
    PRIMARY KEY (brand_id, order_id, line_no),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id),
    FOREIGN KEY (brand_id, sku_id) REFERENCES skus (brand_id, id)
);

CREATE TABLE order_events (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    event           TEXT    NOT NULL,
    status_after    TEXT    NOT NULL,
    detail          TEXT    NOT NULL,
    staff_id        BIGINT,
    at              BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
);
CREATE INDEX order_events_by_order ON order_events (brand_id, order_id, id);

CREATE TABLE order_settings (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    pay_within_minutes BIGINT NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (brand_id)
);
