-- Communities (社群): chat groups that belong to a store, run by a staff member of that
-- store (群主). `kind` may change; community_kinds keeps every change. `overflow_of` points
-- at the community a full one overflowed from. `chat_id` is the chat platform's group id.
CREATE TABLE communities (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    store_id        BIGINT  NOT NULL,
    owner_staff_id  BIGINT  NOT NULL,
    name            TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('sales', 'brand')),
    kind            TEXT    NOT NULL CHECK (kind IN ('discount', 'fission', 'notice', 'tutorial', 'topic', 'video_live', 'service')),
    capacity        BIGINT  NOT NULL CHECK (capacity BETWEEN 2 AND 2000),
    rules           TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('active', 'archived')),
    chat_id         TEXT,
    overflow_of     BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, store_id) REFERENCES stores (brand_id, id),
    FOREIGN KEY (brand_id, owner_staff_id) REFERENCES staff (brand_id, id),
    FOREIGN KEY (brand_id, overflow_of) REFERENCES communities (brand_id, id)
);
CREATE INDEX communities_by_store ON communities (brand_id, store_id, id);
CREATE INDEX communities_by_owner ON communities (brand_id, owner_staff_id, id);
CREATE UNIQUE INDEX communities_by_chat ON communities (brand_id, chat_id);

CREATE TABLE community_kinds (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    community_id    BIGINT  NOT NULL,
    kind            TEXT    NOT NULL,
    changed_at      BIGINT  NOT NULL,
    changed_by      BIGINT,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id)
);
CREATE INDEX community_kinds_by_community ON community_kinds (brand_id, community_id, id);
