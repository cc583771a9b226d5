-- +goose Up
-- Sending an approved PO to its supplier. A send claims the PO for a short
-- lease (dispatch_claimed_until) so two concurrent sends deliver once; every
-- attempt is kept with its error so a failing send is visible on the PO.
ALTER TABLE purchase_orders ADD COLUMN dispatch_claimed_until DATETIME;
ALTER TABLE purchase_orders ADD COLUMN dispatch_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purchase_orders ADD COLUMN last_dispatch_error TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_orders ADD COLUMN dispatch_channel TEXT NOT NULL DEFAULT '';
-- Second chase (escalation) of a PO that stays unacknowledged.
ALTER TABLE purchase_orders ADD COLUMN escalated_at DATETIME;

CREATE TABLE po_dispatches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    po_id       BIGINT NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
    attempt     INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    started_at  DATETIME NOT NULL,
    finished_at DATETIME
);
CREATE INDEX po_dispatches_po ON po_dispatches (po_id, id);
CREATE INDEX purchase_orders_ack_due ON purchase_orders (status, ack_due_at);

-- +goose Down
DROP INDEX purchase_orders_ack_due;
DROP TABLE po_dispatches;
ALTER TABLE purchase_orders DROP COLUMN escalated_at;
ALTER TABLE purchase_orders DROP COLUMN dispatch_channel;
ALTER TABLE purchase_orders DROP COLUMN last_dispatch_error;
ALTER TABLE purchase_orders DROP COLUMN dispatch_attempts;
ALTER TABLE purchase_orders DROP COLUMN dispatch_claimed_until;
