-- Screening of joiners: a brand's rules (conditions stored as JSON, validated when saved),
-- the decisions they made with their evidence, removal tasks for the communities' owners
-- (chat platforms do not let a server remove anyone), and the brand's blacklist.
-- Messages now say whether they carried a link, for the "posted links" condition.
CREATE TABLE screening_rules (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES brands (id),
    name            TEXT    NOT NULL,
    conditions      TEXT    NOT NULL,
    action          TEXT    NOT NULL CHECK (action IN ('flag', 'hold', 'remove', 'blacklist')),
    enabled         BOOLEAN NOT NULL,
    preset          TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (brand_id, id)
);
CREATE UNIQUE INDEX screening_rules_name ON screening_rules (brand_id, name);

CREATE TABLE screening_decisions (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    rule_id         BIGINT,
    rule_name       TEXT    NOT NULL,
    customer_id     BIGINT  NOT NULL,
    community_id    BIGINT,
    action          TEXT    NOT NULL CHECK (action IN ('flag', 'hold', 'remove', 'blacklist')),
    evidence        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'cleared', 'confirmed')),
    held_source     TEXT,
    created_at      BIGINT  NOT NULL,
    resolved_at     BIGINT,
    resolved_by     BIGINT,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, rule_id) REFERENCES screening_rules (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id)
);
CREATE INDEX screening_decisions_by_status ON screening_decisions (brand_id, status, id);
CREATE INDEX screening_decisions_by_customer ON screening_decisions (brand_id, customer_id, id);

CREATE TABLE removal_tasks (
    id              INTEGER PRIMARY KEY,
    brand_id        BIGINT  NOT NULL,
    community_id    BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    membership_id   BIGINT  NOT NULL,
    decision_id     BIGINT  NOT NULL,
    owner_id        BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    created_at      BIGINT  NOT NULL,
    done_at         BIGINT,
    UNIQUE (brand_id, id),
    FOREIGN KEY (brand_id, community_id) REFERENCES communities (brand_id, id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id),
    FOREIGN KEY (brand_id, membership_id) REFERENCES community_members (brand_id, id),
    FOREIGN KEY (brand_id, decision_id) REFERENCES screening_decisions (brand_id, id)
);
CREATE UNIQUE INDEX removal_tasks_open ON removal_tasks (brand_id, membership_id) WHERE status = 'open';
CREATE INDEX removal_tasks_by_status ON removal_tasks (brand_id, status, id);

CREATE TABLE blacklist (
    brand_id        BIGINT  NOT NULL,
    customer_id     BIGINT  NOT NULL,
    decision_id     BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, customer_id),
    FOREIGN KEY (brand_id, customer_id) REFERENCES customers (brand_id, id),
    FOREIGN KEY (brand_id, decision_id) REFERENCES screening_decisions (brand_id, id)
);

ALTER TABLE activity_events ADD COLUMN has_link BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX activity_events_links ON activity_events (brand_id, customer_id) WHERE has_link;
