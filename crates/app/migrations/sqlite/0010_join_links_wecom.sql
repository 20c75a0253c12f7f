-- Join links (invite links / QR codes) of communities, each with a channel code and an
-- optional inviter; the code is also what WeCom hands back as `State` for a contact added
-- through a channel QR. A stint remembers the link it came through.
-- Welcome texts per intent tier and the outbox of welcomes to send (delivery comes later).
-- WeCom callback settings per brand and the events already applied (WeCom retries).
CREATE TABLE join_links (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    community_id    BIGINT  NOT NULL,
    code            TEXT    NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('official_account', 'new_media', 'fission_poster',
                        'friend_invite', 'offline_store', 'event', 'import')),
    inviter_id      BIGINT,
    label           TEXT    NOT NULL,
    active          BOOLEAN NOT NULL,
    created_by      BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id),
    FOREIGN KEY (brand_id, inviter_id) REFERENCES customers (brand_id, id)
);
CREATE UNIQUE INDEX join_links_code ON join_links (code);
CREATE INDEX join_links_by_community ON join_links (brand_id, community_id, id);

ALTER TABLE community_members ADD COLUMN link_id BIGINT;

CREATE TABLE welcome_texts (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    tier            TEXT    NOT NULL CHECK (tier IN ('strong', 'intent', 'weak')),
    body            TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, tier)
);

CREATE TABLE welcome_outbox (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    community_id    BIGINT  NOT NULL,
    membership_id   BIGINT  NOT NULL,
    tier            TEXT    NOT NULL CHECK (tier IN ('strong', 'intent', 'weak')),
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'sent', 'cancelled')),
    created_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id),
    FOREIGN KEY (brand_id, membership_id) REFERENCES community_members (brand_id, id)
);
CREATE INDEX welcome_outbox_by_status ON welcome_outbox (brand_id, status, id);

CREATE TABLE wecom_configs (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    corp_id         TEXT    NOT NULL,
    token           TEXT    NOT NULL,
    encoding_aes_key TEXT   NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (brand_id)
);

CREATE TABLE wecom_events (
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    digest          TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    received_at     BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, digest)
);
