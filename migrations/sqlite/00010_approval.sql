-- +goose Up
-- Approval rules beyond the brand default: a spend threshold per product
-- category, in the brand currency. A PO whose lines touch a category with a
-- threshold is held to the strictest threshold that applies.
CREATE TABLE category_approval_thresholds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    category        TEXT NOT NULL UNIQUE,
    threshold_minor BIGINT NOT NULL,
    updated_at      DATETIME NOT NULL
);

-- Who submitted the PO for approval: neither its buyer nor its submitter
-- may approve it.
ALTER TABLE purchase_orders ADD COLUMN submitted_by BIGINT REFERENCES users(id);
ALTER TABLE purchase_orders ADD COLUMN rejected_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE purchase_orders DROP COLUMN rejected_reason;
ALTER TABLE purchase_orders DROP COLUMN submitted_by;
DROP TABLE category_approval_thresholds;
