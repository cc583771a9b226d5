-- +goose Up
-- An acknowledgement replayed with the same reference (an 855 set applied
-- twice, a double-clicked form) is the same acknowledgement.
CREATE UNIQUE INDEX po_acknowledgements_reference ON po_acknowledgements (supplier_id, reference) WHERE reference <> '';

-- The buyer's counter-proposal to a supplier's change.
ALTER TABLE po_line_changes ADD COLUMN counter_quantity BIGINT;
ALTER TABLE po_line_changes ADD COLUMN counter_unit_price_micros BIGINT;
ALTER TABLE po_line_changes ADD COLUMN counter_date TIMESTAMPTZ;

-- +goose Down
ALTER TABLE po_line_changes DROP COLUMN counter_date;
ALTER TABLE po_line_changes DROP COLUMN counter_unit_price_micros;
ALTER TABLE po_line_changes DROP COLUMN counter_quantity;
DROP INDEX po_acknowledgements_reference;
