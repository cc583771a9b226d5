-- +goose Up
-- Domain events (po.approved, po.sent, po.acknowledged, ...) written in the
-- same transaction as the change they announce. Webhook delivery reads them
-- from here, so an event exists if and only if its change committed.
CREATE TABLE outbox_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    topic        TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    BIGINT NOT NULL,
    supplier_id  BIGINT,
    payload_json TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX outbox_events_topic ON outbox_events (topic, id);

-- +goose Down
DROP TABLE outbox_events;
