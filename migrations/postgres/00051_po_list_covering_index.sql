-- +goose Up
-- The supplier's PO list (newest first, 50 a page) is the
-- portal's busiest query. With the listed columns in the index it is one
-- index-only scan: the offset walks index entries, and the
-- page's rows need no visit to the table, where one supplier's orders lie
-- scattered among everyone else's. Replaces purchase_orders_supplier_newest.
CREATE INDEX purchase_orders_supplier_list ON purchase_orders (supplier_id, id)
    INCLUDE (number, status, currency, total_minor, ack_due_at, expected_at, created_at);
DROP INDEX purchase_orders_supplier_newest;

-- +goose Down
CREATE INDEX purchase_orders_supplier_newest ON purchase_orders (supplier_id, id);
DROP INDEX purchase_orders_supplier_list;
