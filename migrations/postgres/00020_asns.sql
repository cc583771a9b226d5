-- +goose Up
-- Advance ship notices. One ASN covers one PO: an 856 shipment that carries
-- several POs becomes one ASN per PO sharing the shipment id, which is why the
-- supplier's shipment id is unique per (supplier, PO) and not per supplier.
CREATE TABLE asns (
    id           BIGSERIAL PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    supplier_id  BIGINT NOT NULL REFERENCES suppliers(id),
    po_id        BIGINT NOT NULL REFERENCES purchase_orders(id),
    shipment_id  TEXT NOT NULL,
    ship_date    TIMESTAMPTZ,
    expected_at  TIMESTAMPTZ,
    carrier      TEXT NOT NULL DEFAULT '',
    tracking     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    received_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX asns_supplier_shipment_po ON asns (supplier_id, shipment_id, po_id);
CREATE INDEX asns_po ON asns (po_id, id);
CREATE INDEX asns_supplier_status ON asns (supplier_id, status, id);

-- Quantities are in the PO line's purchase unit. received_qty is what
-- receipts have taken off this ASN line; shipped minus received on an open
-- ASN is in transit.
CREATE TABLE asn_lines (
    id           BIGSERIAL PRIMARY KEY,
    asn_id       BIGINT NOT NULL REFERENCES asns(id) ON DELETE CASCADE,
    supplier_id  BIGINT NOT NULL REFERENCES suppliers(id),
    po_line_id   BIGINT NOT NULL REFERENCES po_lines(id),
    product_id   BIGINT NOT NULL REFERENCES products(id),
    line_no      INTEGER NOT NULL,
    quantity     BIGINT NOT NULL,
    received_qty BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX asn_lines_asn_po_line ON asn_lines (asn_id, po_line_id);
CREATE INDEX asn_lines_po_line ON asn_lines (po_line_id);
CREATE INDEX asn_lines_product ON asn_lines (product_id);

-- Cartons (P) and pallets (T), each with a GS1 SSCC-18; parent_id nests
-- cartons on pallets.
CREATE TABLE asn_packs (
    id          BIGSERIAL PRIMARY KEY,
    asn_id      BIGINT NOT NULL REFERENCES asns(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
    parent_id   BIGINT REFERENCES asn_packs(id),
    level       TEXT NOT NULL,
    sscc        TEXT NOT NULL
);
CREATE UNIQUE INDEX asn_packs_asn_sscc ON asn_packs (asn_id, sscc);
CREATE INDEX asn_packs_sscc ON asn_packs (sscc);

CREATE TABLE asn_pack_contents (
    id          BIGSERIAL PRIMARY KEY,
    pack_id     BIGINT NOT NULL REFERENCES asn_packs(id) ON DELETE CASCADE,
    asn_line_id BIGINT NOT NULL REFERENCES asn_lines(id) ON DELETE CASCADE,
    quantity    BIGINT NOT NULL
);
CREATE UNIQUE INDEX asn_pack_contents_pack_line ON asn_pack_contents (pack_id, asn_line_id);

-- +goose Down
DROP TABLE asn_pack_contents;
DROP TABLE asn_packs;
DROP TABLE asn_lines;
DROP TABLE asns;
