-- +goose Up
-- A supplier's PO list version: a counter that moves in the same
-- transaction as every insert, update or delete of that supplier's purchase
-- orders, so the portal can serve a rendered list page from memory only
-- while none of them changed (see the PostgreSQL migration). SQLite runs one
-- writer at a time, so a plain row trigger is already in commit order and
-- cannot deadlock.
CREATE TABLE supplier_po_versions (
    supplier_id INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER po_list_inserted AFTER INSERT ON purchase_orders BEGIN
    INSERT INTO supplier_po_versions (supplier_id, version) VALUES (NEW.supplier_id, 1)
        ON CONFLICT (supplier_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER po_list_updated AFTER UPDATE ON purchase_orders BEGIN
    INSERT INTO supplier_po_versions (supplier_id, version) VALUES (NEW.supplier_id, 1)
        ON CONFLICT (supplier_id) DO UPDATE SET version = version + 1;
    INSERT INTO supplier_po_versions (supplier_id, version) SELECT OLD.supplier_id, 1 WHERE OLD.supplier_id <> NEW.supplier_id
        ON CONFLICT (supplier_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER po_list_deleted AFTER DELETE ON purchase_orders BEGIN
    INSERT INTO supplier_po_versions (supplier_id, version) VALUES (OLD.supplier_id, 1)
        ON CONFLICT (supplier_id) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER po_list_deleted;
DROP TRIGGER po_list_updated;
DROP TRIGGER po_list_inserted;
DROP TABLE supplier_po_versions;
