-- +goose Up
-- Goods receipts (GRNs). A receipt is an event: rows are inserted once and
-- never changed, so scorecards and three-way matching can read them as facts.
CREATE TABLE receipts (
    id          BIGSERIAL PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
    po_id       BIGINT NOT NULL REFERENCES purchase_orders(id),
    asn_id      BIGINT REFERENCES asns(id),
    location_id BIGINT NOT NULL REFERENCES locations(id),
    reference   TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    closed_po   BOOLEAN NOT NULL DEFAULT FALSE,
    actor_label TEXT NOT NULL,
    channel     TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX receipts_po ON receipts (po_id, id);
CREATE INDEX receipts_supplier ON receipts (supplier_id, received_at);

-- Quantities are in the PO line's purchase unit. accepted_qty = received -
-- damaged - rejected is what counts against the PO (po_lines.received_qty),
-- goes into stock (times units_per_purchase_unit = stock_qty) and is what
-- invoices are matched against. expected_qty is the ASN's figure (NULL
-- without an ASN), kept so ASN accuracy can be measured.
CREATE TABLE receipt_lines (
    id           BIGSERIAL PRIMARY KEY,
    receipt_id   BIGINT NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
    supplier_id  BIGINT NOT NULL REFERENCES suppliers(id),
    po_id        BIGINT NOT NULL REFERENCES purchase_orders(id),
    po_line_id   BIGINT NOT NULL REFERENCES po_lines(id),
    product_id   BIGINT NOT NULL REFERENCES products(id),
    line_no      INTEGER NOT NULL,
    asn_line_id  BIGINT REFERENCES asn_lines(id),
    expected_qty BIGINT,
    received_qty BIGINT NOT NULL,
    damaged_qty  BIGINT NOT NULL DEFAULT 0,
    rejected_qty BIGINT NOT NULL DEFAULT 0,
    accepted_qty BIGINT NOT NULL,
    stock_qty    BIGINT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX receipt_lines_receipt ON receipt_lines (receipt_id);
CREATE INDEX receipt_lines_po_line ON receipt_lines (po_line_id);
CREATE INDEX receipt_lines_supplier_time ON receipt_lines (supplier_id, received_at);

-- +goose Down
DROP TABLE receipt_lines;
DROP TABLE receipts;
