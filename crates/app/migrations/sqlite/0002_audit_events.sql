-- The operation log (操作日志). `region_id` / `store_id` place an event in the org so that
-- region and store managers see the events of their scope. `detail` is JSON of the values
-- that changed; never secrets.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    at              BIGINT  NOT NULL,
    actor_staff_id  BIGINT,
    action          TEXT    NOT NULL,
    subject_type    TEXT    NOT NULL,
    subject_id      BIGINT  NOT NULL,
    region_id       BIGINT,
    store_id        BIGINT,
    detail          TEXT    NOT NULL,
    UNIQUE (brand_id, id)
);
CREATE INDEX audit_events_by_region ON audit_events (brand_id, region_id, id);
CREATE INDEX audit_events_by_store ON audit_events (brand_id, store_id, id);
