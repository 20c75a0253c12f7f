-- Activity of customers in communities, as reported by the chat platform or an ingest:
-- messages, joins, leaves, shares, clicks. `event_id` is the reporter's id of the event,
-- unique per brand, so a replayed batch changes nothing. Lifecycle stages and segments are
-- computed from these rows.
CREATE TABLE activity_events (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    event_id        TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('message', 'joined', 'left', 'shared', 'clicked')),
    community_id    BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    at              BIGINT  NOT NULL,
    received_at     BIGINT  NOT NULL,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id)
);
CREATE UNIQUE INDEX activity_events_by_event ON activity_events (brand_id, event_id);
CREATE INDEX activity_events_by_customer ON activity_events (brand_id, customer_id, at);
CREATE INDEX activity_events_by_community ON activity_events (brand_id, community_id, at);
