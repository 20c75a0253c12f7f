-- Members of communities: one row per stint (joined, maybe left), so a customer can be in
-- several communities and rejoin one after leaving; at most one open stint per community
-- and customer.
CREATE TABLE community_members (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    community_id    BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('core_figure', 'active_follower', 'admin', 'member')),
    reward_note     TEXT,
    source          TEXT    NOT NULL CHECK (source IN ('invite_link', 'platform', 'staff', 'import')),
    joined_at       BIGINT  NOT NULL,
    left_at         BIGINT,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id)
);
CREATE UNIQUE INDEX community_members_open ON community_members (brand_id, community_id, customer_id)
    WHERE left_at IS NULL;
CREATE INDEX community_members_by_community ON community_members (brand_id, community_id, id);
CREATE INDEX community_members_by_customer ON community_members (brand_id, customer_id, id);
