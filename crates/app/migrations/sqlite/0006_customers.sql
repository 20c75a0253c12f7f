-- Customers (顾客): one row per person per brand. `tier` is the intent tier in force: the
-- brand's mapping of `channel` (brand_tiers, defaults in the domain) unless staff set it by
-- hand, in which case `tier_reason` says why. Phones are stored whole (they are searched
-- by the full number) and shown masked at the edge.
CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    nickname        TEXT    NOT NULL,
    avatar_flagged  BOOLEAN NOT NULL DEFAULT FALSE,
    phone           TEXT,
    external_id     TEXT,
    channel         TEXT    NOT NULL CHECK (channel IN ('official_account', 'new_media', 'fission_poster', 'friend_invite', 'offline_store', 'event', 'import')),
    invited_by      BIGINT,
    tier            TEXT    NOT NULL CHECK (tier IN ('strong', 'intent', 'weak')),
    tier_reason     TEXT,
    consent         BOOLEAN NOT NULL DEFAULT FALSE,
    consent_at      BIGINT,
    consent_source  TEXT,
    store_id        BIGINT,
    guide_staff_id  BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, invited_by) REFERENCES customers (brand_id, id),
    FOREIGN KEY (brand_id, store_id) REFERENCES stores (brand_id, id),
    FOREIGN KEY (brand_id, guide_staff_id) REFERENCES staff (brand_id, id)
);
CREATE UNIQUE INDEX customers_by_external_id ON customers (brand_id, external_id);
CREATE INDEX customers_by_phone ON customers (brand_id, phone);
CREATE INDEX customers_by_store ON customers (brand_id, store_id, id);
CREATE INDEX customers_by_guide ON customers (brand_id, guide_staff_id, id);

CREATE TABLE customer_tags (
    brand_id        BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    tag             TEXT    NOT NULL,
    PRIMARY KEY (brand_id, customer_id, tag),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id)
);
CREATE INDEX customer_tags_by_tag ON customer_tags (brand_id, tag, customer_id);

-- A brand's own mapping of channels to intent tiers, over the domain's defaults.
CREATE TABLE brand_tiers (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    channel         TEXT    NOT NULL,
    tier            TEXT    NOT NULL CHECK (tier IN ('strong', 'intent', 'weak')),
    PRIMARY KEY (brand_id, channel)
);
