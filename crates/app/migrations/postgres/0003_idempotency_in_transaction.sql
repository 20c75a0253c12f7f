-- Idempotency records are now written inside the use case's own transaction, together
-- with the result the response is rebuilt from, so a crash between the commit and the
-- answer cannot make a retry run the use case twice. There is no "claimed" state any more.
DROP INDEX idempotency_keys_by_age;
DROP TABLE idempotency_keys;

CREATE TABLE idempotency_records (
    brand_id      BIGINT  NOT NULL REFERENCES brands (id),
    caller        TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    result        TEXT,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, caller, key)
);
CREATE INDEX idempotency_records_by_age ON idempotency_records (created_at);
