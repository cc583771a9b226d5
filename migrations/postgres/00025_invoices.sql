-- +goose Up
-- Invoices from any source (PO flip, PDF, Excel, 810, API), their match
-- decisions and the payable queue. A payable row is unique per invoice, so
-- concurrent matching can never queue an invoice twice.

ALTER TABLE po_lines ADD COLUMN invoiced_qty BIGINT NOT NULL DEFAULT 0;

CREATE TABLE invoices (
    id                 BIGSERIAL PRIMARY KEY,
    supplier_id        BIGINT NOT NULL REFERENCES suppliers(id),
    po_id              BIGINT REFERENCES purchase_orders(id),
    number             TEXT NOT NULL,
    number_normalised  TEXT NOT NULL,
    invoice_date       TIMESTAMPTZ NOT NULL,
    due_date           TIMESTAMPTZ,
    currency           TEXT NOT NULL,
    credit_note        BOOLEAN NOT NULL DEFAULT FALSE,
    source             TEXT NOT NULL,
    source_ref         TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    lines_minor        BIGINT NOT NULL DEFAULT 0,
    charges_minor      BIGINT NOT NULL DEFAULT 0,
    allowances_minor   BIGINT NOT NULL DEFAULT 0,
    tax_minor          BIGINT NOT NULL DEFAULT 0,
    total_minor        BIGINT NOT NULL,
    unconfident_fields TEXT NOT NULL DEFAULT '',
    match_outcome      TEXT NOT NULL DEFAULT '',
    match_reasons      TEXT NOT NULL DEFAULT '',
    resolution         TEXT NOT NULL DEFAULT '',
    resolution_reason  TEXT NOT NULL DEFAULT '',
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoices_supplier ON invoices (supplier_id, id);
CREATE INDEX invoices_supplier_number ON invoices (supplier_id, number_normalised);
CREATE INDEX invoices_po ON invoices (po_id);
CREATE INDEX invoices_status ON invoices (status, id);

CREATE TABLE invoice_lines (
    id                BIGSERIAL PRIMARY KEY,
    invoice_id        BIGINT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL,
    po_line_id        BIGINT REFERENCES po_lines(id),
    sku               TEXT NOT NULL DEFAULT '',
    vendor_part       TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    quantity          BIGINT NOT NULL,
    unit_price_micros BIGINT NOT NULL,
    amount_minor      BIGINT NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, line_no);

-- kind: charge (freight, handling) or allowance (discount).
CREATE TABLE invoice_charges (
    id           BIGSERIAL PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    code         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    amount_minor BIGINT NOT NULL
);
CREATE INDEX invoice_charges_invoice ON invoice_charges (invoice_id);

-- Every match run keeps what the engine saw and decided, so a page can
-- explain the outcome later exactly as it was made.
CREATE TABLE match_runs (
    id            BIGSERIAL PRIMARY KEY,
    invoice_id    BIGINT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    run_at        TIMESTAMPTZ NOT NULL,
    outcome       TEXT NOT NULL,
    input_json    TEXT NOT NULL,
    decision_json TEXT NOT NULL
);
CREATE INDEX match_runs_invoice ON match_runs (invoice_id, id);

CREATE TABLE payables (
    id           BIGSERIAL PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices(id),
    supplier_id  BIGINT NOT NULL REFERENCES suppliers(id),
    currency     TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    due_date     TIMESTAMPTZ,
    status       TEXT NOT NULL,
    queued_at    TIMESTAMPTZ NOT NULL,
    exported_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX payables_invoice ON payables (invoice_id);
CREATE INDEX payables_status ON payables (status, id);

-- +goose Down
DROP TABLE payables;
DROP TABLE match_runs;
DROP TABLE invoice_charges;
DROP TABLE invoice_lines;
DROP TABLE invoices;
ALTER TABLE po_lines DROP COLUMN invoiced_qty;
