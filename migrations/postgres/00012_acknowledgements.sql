-- +goose Up
-- A supplier's acknowledgement of a PO (portal, API or 855) and the line
-- changes it proposes. Changes wait for the buyer: accepted ones update the
-- PO line; countered ones carry the buyer's values back to the supplier.
CREATE TABLE po_acknowledgements (
    id          BIGSERIAL PRIMARY KEY,
    po_id       BIGINT NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
    supplier_id BIGINT NOT NULL REFERENCES suppliers(id),
    channel     TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX po_acknowledgements_po ON po_acknowledgements (po_id, id);

CREATE TABLE po_line_changes (
    id                    BIGSERIAL PRIMARY KEY,
    po_id                 BIGINT NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
    po_line_id            BIGINT NOT NULL REFERENCES po_lines(id) ON DELETE CASCADE,
    supplier_id           BIGINT NOT NULL REFERENCES suppliers(id),
    acknowledgement_id    BIGINT NOT NULL REFERENCES po_acknowledgements(id) ON DELETE CASCADE,
    line_no               INTEGER NOT NULL,
    kind                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    old_quantity          BIGINT NOT NULL,
    new_quantity          BIGINT,
    old_unit_price_micros BIGINT NOT NULL,
    new_unit_price_micros BIGINT,
    old_date              TIMESTAMPTZ,
    new_date              TIMESTAMPTZ,
    note                  TEXT NOT NULL DEFAULT '',
    resolution_note       TEXT NOT NULL DEFAULT '',
    resolved_by           BIGINT REFERENCES users(id),
    resolved_at           TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX po_line_changes_po ON po_line_changes (po_id, status, id);
CREATE INDEX po_line_changes_supplier ON po_line_changes (supplier_id, status, id);

-- +goose Down
DROP TABLE po_line_changes;
DROP TABLE po_acknowledgements;
