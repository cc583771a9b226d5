-- +goose Up
-- A supplier's PO list version: a counter that moves in the same
-- transaction as every insert, update or delete of that supplier's purchase
-- orders. The portal keeps rendered list pages in memory keyed by it and
-- reads it with the session (no extra query), so a page is served from
-- memory only when not one of the supplier's orders changed since it was
-- rendered. Triggers, not application code, move it, so no write path can
-- forget to.
--
-- Why the bump waits for commit: a counter bumped by each statement would
-- be locked in whatever order a transaction touched suppliers, and two
-- transactions touching two suppliers in opposite order would deadlock. A
-- sequence stamp needs no lock but is not in commit order (a stamp taken
-- first may commit last, behind a reader that already saw a higher one,
-- which would then serve a stale page for good). So statements only note
-- the suppliers they touched, and one deferred trigger bumps them at commit
-- in supplier order: every transaction takes these locks last and in the
-- same order, which cannot deadlock, and a reader that sees the new version
-- also sees the orders committed with it.
CREATE TABLE supplier_po_versions (
    supplier_id BIGINT PRIMARY KEY,
    version     BIGINT NOT NULL
);

-- Suppliers touched by the open transaction; rows live only until its commit.
-- The trigger functions below keep the search_path they were created with,
-- so they find these tables whatever the writing session's search_path is.
CREATE UNLOGGED TABLE po_list_touched (
    txid        BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    PRIMARY KEY (txid, supplier_id)
);

-- +goose StatementBegin
CREATE FUNCTION po_list_note_inserted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO po_list_touched (txid, supplier_id)
        SELECT DISTINCT txid_current(), supplier_id FROM po_new
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION po_list_note_updated() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO po_list_touched (txid, supplier_id)
        SELECT txid_current(), supplier_id FROM (SELECT supplier_id FROM po_new UNION SELECT supplier_id FROM po_old) s
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION po_list_note_deleted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO po_list_touched (txid, supplier_id)
        SELECT DISTINCT txid_current(), supplier_id FROM po_old
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Fires at commit once per noted supplier; the first firing bumps them all
-- (in supplier order) and the rest find nothing left to do.
-- +goose StatementBegin
CREATE FUNCTION po_list_bump() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    WITH noted AS (
        DELETE FROM po_list_touched WHERE txid = txid_current() RETURNING supplier_id
    )
    INSERT INTO supplier_po_versions AS v (supplier_id, version)
        SELECT supplier_id, 1 FROM noted ORDER BY supplier_id
        ON CONFLICT (supplier_id) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER po_list_inserted AFTER INSERT ON purchase_orders
    REFERENCING NEW TABLE AS po_new FOR EACH STATEMENT EXECUTE FUNCTION po_list_note_inserted();
CREATE TRIGGER po_list_updated AFTER UPDATE ON purchase_orders
    REFERENCING OLD TABLE AS po_old NEW TABLE AS po_new FOR EACH STATEMENT EXECUTE FUNCTION po_list_note_updated();
CREATE TRIGGER po_list_deleted AFTER DELETE ON purchase_orders
    REFERENCING OLD TABLE AS po_old FOR EACH STATEMENT EXECUTE FUNCTION po_list_note_deleted();
CREATE CONSTRAINT TRIGGER po_list_bump AFTER INSERT ON po_list_touched
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION po_list_bump();

-- +goose Down
DROP TRIGGER po_list_bump ON po_list_touched;
DROP TRIGGER po_list_deleted ON purchase_orders;
DROP TRIGGER po_list_updated ON purchase_orders;
DROP TRIGGER po_list_inserted ON purchase_orders;
DROP FUNCTION po_list_bump();
DROP FUNCTION po_list_note_deleted();
DROP FUNCTION po_list_note_updated();
DROP FUNCTION po_list_note_inserted();
DROP TABLE po_list_touched;
DROP TABLE supplier_po_versions;
