-- +goose Up
-- The supplier's PO list (newest first, 50 a page) walks this index and
-- reads only the rows it shows; with (supplier_id, status, id) alone the
-- database read all of a supplier's orders and sorted them on every page.
CREATE INDEX purchase_orders_supplier_newest ON purchase_orders (supplier_id, id);

-- +goose Down
DROP INDEX purchase_orders_supplier_newest;
