-- +goose Up
-- Near-duplicate candidates are looked up by supplier and total, so the
-- duplicate check of a new invoice never scans the supplier's history.
CREATE INDEX invoices_supplier_total ON invoices (supplier_id, total_minor);

-- +goose Down
DROP INDEX invoices_supplier_total;
