-- The consumer store and the payment providers.
-- A shopper session per browser (the cookie holds a random token; its hash is stored),
-- bound to a customer at the first checkout; the session's cart; where an order ships.
CREATE TABLE shop_sessions (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    token_hash      TEXT    NOT NULL,
    csrf            TEXT    NOT NULL,
    customer_id     BIGINT,
    via_link        TEXT,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id)
);
CREATE UNIQUE INDEX shop_sessions_by_token ON shop_sessions (token_hash);

CREATE TABLE cart_items (
    brand_id        BIGINT  NOT NULL,
    session_id      BIGINT  NOT NULL,
    sku_id          BIGINT  NOT NULL,
    quantity        BIGINT  NOT NULL CHECK (quantity > 0 AND quantity <= 99),
    added_at        BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, session_id, sku_id),
    FOREIGN KEY (brand_id, session_id) REFERENCES shop_sessions (brand_id, id),
    FOREIGN KEY (brand_id, sku_id) REFERENCES skus (brand_id, id)
);

CREATE TABLE order_shipping (
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    recipient       TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    address         TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    -- The checkout form's own key: a form sent twice places one order.
    checkout_key    TEXT    NOT NULL,
    PRIMARY KEY (brand_id, order_id),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
);
CREATE UNIQUE INDEX order_shipping_by_checkout ON order_shipping (brand_id, checkout_key);

-- A payment intent: what the shop asked a provider to collect for an order, under the
-- shop's own trade number (WeChat Pay's out_trade_no).
CREATE TABLE payment_intents (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    provider        TEXT    NOT NULL CHECK (provider IN ('sandbox', 'wechat')),
    intent_no       TEXT    NOT NULL,
    amount          BIGINT  NOT NULL CHECK (amount > 0),
    status          TEXT    NOT NULL CHECK (status IN ('open', 'paid', 'closed')),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id)
);
CREATE UNIQUE INDEX payment_intents_by_no ON payment_intents (intent_no);
CREATE INDEX payment_intents_by_order ON payment_intents (brand_id, order_id);
CREATE INDEX payment_intents_open ON payment_intents (status, created_at);

-- Refund and return requests: customers ask, staff approve (booking a refund) or reject.
CREATE TABLE refund_requests (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    order_id        BIGINT  NOT NULL,
    line_no         BIGINT,
    amount          BIGINT  NOT NULL CHECK (amount > 0),
    quantity        BIGINT  NOT NULL CHECK (quantity >= 0),
    reason          TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
    refund_id       BIGINT,
    decided_by      BIGINT,
    decision_note   TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    decided_at      BIGINT,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, order_id) REFERENCES orders (brand_id, id),
    FOREIGN KEY (brand_id, refund_id) REFERENCES refunds (brand_id, id)
);
CREATE INDEX refund_requests_by_status ON refund_requests (brand_id, status, id);
CREATE INDEX refund_requests_by_order ON refund_requests (brand_id, order_id, id);

-- Which provider a refund goes back through (none: the money was not taken by one) and
-- when the provider settled it.
ALTER TABLE refunds ADD COLUMN provider TEXT;
ALTER TABLE refunds ADD COLUMN settled_at BIGINT;

-- Payment settings per brand. Secrets are sealed (AES-256-GCM under the server's secret key,
-- which lives outside the database) and never answered.
CREATE TABLE payment_settings (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    sandbox_enabled BOOLEAN NOT NULL,
    sandbox_secret  TEXT    NOT NULL,
    wechat_mchid    TEXT,
    wechat_appid    TEXT,
    wechat_serial   TEXT,
    wechat_private_key TEXT,
    wechat_apiv3_key TEXT,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (brand_id)
);

CREATE TABLE wechat_platform_certs (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    serial          TEXT    NOT NULL,
    cert_pem        TEXT    NOT NULL,
    not_after       BIGINT  NOT NULL,
    added_at        BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, serial)
);

-- WeChat Pay notifications seen (by the notification id), so a replay changes nothing.
CREATE TABLE wechat_notifications (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    notification_id TEXT    NOT NULL,
    out_trade_no    TEXT    NOT NULL,
    received_at     BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, notification_id)
);

-- The sandbox gateway's own books. It stands in for an outside gateway (its pay page,
-- notifications and query API speak HTTP to the shop); the shop's use cases never read
-- these tables.
CREATE TABLE sandbox_charges (
    intent_no       TEXT    NOT NULL PRIMARY KEY,
    merchant        TEXT    NOT NULL,
    amount          BIGINT  NOT NULL,
    description     TEXT    NOT NULL,
    notify_url      TEXT    NOT NULL,
    return_url      TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'paid', 'closed')),
    transaction_id  TEXT,
    paid_at         BIGINT,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE sandbox_refunds (
    refund_no       TEXT    NOT NULL PRIMARY KEY,
    intent_no       TEXT    NOT NULL REFERENCES sandbox_charges (intent_no),
    amount          BIGINT  NOT NULL CHECK (amount > 0),
    created_at      BIGINT  NOT NULL
);
