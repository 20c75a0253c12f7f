-- Foundation: brands, regions, stores, staff, sessions, API tokens, idempotency keys.
-- Times are UTC unix milliseconds (BIGINT); money, when it comes, is integer fen.
-- SQLite keeps `id INTEGER PRIMARY KEY` (the rowid, its fastest key) and adds
-- UNIQUE (brand_id, id) so composite foreign keys pin every reference inside one brand.

CREATE TABLE brands (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE regions (
    id          INTEGER PRIMARY KEY,
    brand_id    BIGINT  NOT NULL REFERENCES brands (id),
    name        TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    UNIQUE (brand_id, name)
);

CREATE TABLE stores (
    id          INTEGER PRIMARY KEY,
    brand_id    BIGINT  NOT NULL,
    region_id   BIGINT  NOT NULL,
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    address     TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    UNIQUE (brand_id, code),
    FOREIGN KEY (brand_id, region_id) REFERENCES regions (brand_id, id)
);
CREATE INDEX stores_by_region ON stores (brand_id, region_id, id);

CREATE TABLE staff (
    id                  INTEGER PRIMARY KEY,
    brand_id            BIGINT  NOT NULL REFERENCES brands (id),
    email               TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('brand_admin', 'region_manager', 'store_manager', 'shop_guide')),
    region_id           BIGINT,
    store_id            BIGINT,
    password_hash       TEXT    NOT NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    UNIQUE (brand_id, email),
    FOREIGN KEY (brand_id, region_id) REFERENCES regions (brand_id, id),
    FOREIGN KEY (brand_id, store_id) REFERENCES stores (brand_id, id)
);
-- An email is one account per brand; the same person may work for several brands.
CREATE INDEX staff_by_email ON staff (email);
CREATE INDEX staff_by_store ON staff (brand_id, store_id, id);
CREATE INDEX staff_by_region ON staff (brand_id, region_id, id);

-- Web sessions. Only a SHA-256 of the session id is stored, so a copy of the database
-- does not let anyone ride a live session.
CREATE TABLE sessions (
    id_hash       TEXT    PRIMARY KEY,
    brand_id      BIGINT  NOT NULL,
    staff_id      BIGINT  NOT NULL,
    csrf_token    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    FOREIGN KEY (brand_id, staff_id) REFERENCES staff (brand_id, id)
);
CREATE INDEX sessions_by_staff ON sessions (brand_id, staff_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    brand_id      BIGINT  NOT NULL,
    staff_id      BIGINT  NOT NULL,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    revoked_at    BIGINT,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, staff_id) REFERENCES staff (brand_id, id)
);
CREATE INDEX api_tokens_by_staff ON api_tokens (brand_id, staff_id, id);

-- Idempotency-Key records, per brand and caller. `status` is NULL while the first request
-- is still running.
CREATE TABLE idempotency_keys (
    brand_id      BIGINT  NOT NULL,
    caller        TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER,
    response      TEXT,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, caller, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
