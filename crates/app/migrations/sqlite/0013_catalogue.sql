-- The catalogue: products, their SKUs with prices in fen and stock counters, the stock
-- ledger (every movement: who, why, how many), and product images stored in the database
-- (served with caching headers; a brand's catalogue is small).
-- The counters obey received = on_hand + sold - returned, on_hand >= 0, checked by the
-- domain on every movement and here again by the database.
CREATE TABLE products (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    title           TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    frequency       TEXT    NOT NULL CHECK (frequency IN ('high', 'low')),
    usage_days      BIGINT,
    description     TEXT    NOT NULL,
    on_shelf        BOOLEAN NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id)
);
CREATE INDEX products_by_category ON products (brand_id, category, id);

CREATE TABLE skus (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    product_id      BIGINT  NOT NULL,
    name            TEXT    NOT NULL,
    price           BIGINT  NOT NULL CHECK (price > 0),
    list_price      BIGINT,
    received        BIGINT  NOT NULL,
    on_hand         BIGINT  NOT NULL CHECK (on_hand >= 0),
    sold            BIGINT  NOT NULL,
    returned        BIGINT  NOT NULL CHECK (returned >= 0 AND returned <= sold),
    active          BOOLEAN NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    CHECK (received = on_hand + sold - returned),
    FOREIGN KEY (brand_id, product_id) REFERENCES products (brand_id, id)
);
CREATE INDEX skus_by_product ON skus (brand_id, product_id, id);

CREATE TABLE stock_movements (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    sku_id          BIGINT  NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('received', 'sold', 'released', 'returned', 'adjusted')),
    quantity        BIGINT  NOT NULL,
    note            TEXT    NOT NULL,
    staff_id        BIGINT,
    order_id        BIGINT,
    on_hand_after   BIGINT  NOT NULL,
    at              BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, sku_id) REFERENCES skus (brand_id, id)
);
CREATE INDEX stock_movements_by_sku ON stock_movements (brand_id, sku_id, id);

CREATE TABLE product_images (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    product_id      BIGINT  NOT NULL,
    position        BIGINT  NOT NULL,
    content_type    TEXT    NOT NULL,
    bytes           BLOB    NOT NULL,
    sha256          TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, product_id) REFERENCES products (brand_id, id)
);
CREATE INDEX product_images_by_product ON product_images (brand_id, product_id, position);
