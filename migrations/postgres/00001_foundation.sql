-- +goose Up
-- Foundation schema. Money is BIGINT minor units, unit prices BIGINT micro-units
-- (scale 6), quantities BIGINT in the line's unit: never NUMERIC, because SQLite
-- would store it as REAL and lose digits, and the two dialects must agree.

CREATE TABLE brand_settings (
    id                       BIGINT PRIMARY KEY,
    name                     TEXT NOT NULL,
    currency                 TEXT NOT NULL,
    time_zone                TEXT NOT NULL,
    approval_threshold_minor BIGINT NOT NULL,
    ack_sla_hours            INTEGER NOT NULL,
    review_days              INTEGER NOT NULL,
    service_level_permille   INTEGER NOT NULL,
    demand_window_days       INTEGER NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

CREATE TABLE suppliers (
    id                       BIGSERIAL PRIMARY KEY,
    code                     TEXT NOT NULL UNIQUE,
    name                     TEXT NOT NULL,
    contact_name             TEXT NOT NULL DEFAULT '',
    email                    TEXT NOT NULL DEFAULT '',
    phone                    TEXT NOT NULL DEFAULT '',
    currency                 TEXT NOT NULL,
    payment_terms            TEXT NOT NULL DEFAULT '',
    ack_sla_hours            INTEGER NOT NULL,
    backorder_policy         TEXT NOT NULL,
    channel                  TEXT NOT NULL,
    approval_threshold_minor BIGINT,
    active                   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    supplier_id   BIGINT REFERENCES suppliers(id),
    password_hash TEXT NOT NULL,
    disabled_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    supplier_id  BIGINT REFERENCES suppliers(id),
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

-- Tolerances for three-way matching. A NULL bound inherits from the wider
-- scope (supplier > product > brand); 0 means exact.
CREATE TABLE tolerance_rules (
    id           BIGSERIAL PRIMARY KEY,
    supplier_id  BIGINT REFERENCES suppliers(id),
    product_id   BIGINT,
    kind         TEXT NOT NULL,
    pct_upper_bp BIGINT,
    pct_lower_bp BIGINT,
    abs_upper    BIGINT,
    abs_lower    BIGINT
);
CREATE UNIQUE INDEX tolerance_rules_scope ON tolerance_rules (COALESCE(supplier_id, 0), COALESCE(product_id, 0), kind);

CREATE TABLE edi_partners (
    id                BIGSERIAL PRIMARY KEY,
    supplier_id       BIGINT NOT NULL REFERENCES suppliers(id),
    name              TEXT NOT NULL,
    isa_qualifier     TEXT NOT NULL,
    isa_id            TEXT NOT NULL,
    gs_id             TEXT NOT NULL,
    our_isa_qualifier TEXT NOT NULL,
    our_isa_id        TEXT NOT NULL,
    our_gs_id         TEXT NOT NULL,
    version           TEXT NOT NULL,
    element_sep       TEXT NOT NULL,
    component_sep     TEXT NOT NULL,
    repetition_sep    TEXT NOT NULL,
    segment_term      TEXT NOT NULL,
    expects_997       BOOLEAN NOT NULL DEFAULT TRUE,
    ack_window_hours  INTEGER NOT NULL DEFAULT 24,
    next_control      BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX edi_partners_isa ON edi_partners (isa_qualifier, isa_id);

CREATE TABLE products (
    id         BIGSERIAL PRIMARY KEY,
    sku        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    gtin       TEXT NOT NULL DEFAULT '',
    stock_unit TEXT NOT NULL DEFAULT 'EA',
    category   TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX products_gtin ON products (gtin);

CREATE TABLE catalog_items (
    id                BIGSERIAL PRIMARY KEY,
    supplier_id       BIGINT NOT NULL REFERENCES suppliers(id),
    product_id        BIGINT NOT NULL REFERENCES products(id),
    supplier_part     TEXT NOT NULL,
    unit_price_micros BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    moq               BIGINT NOT NULL DEFAULT 1,
    order_multiple    BIGINT NOT NULL DEFAULT 1,
    purchase_unit     TEXT NOT NULL DEFAULT 'EA',
    units_per_purchase_unit BIGINT NOT NULL DEFAULT 1,
    lead_time_days    INTEGER NOT NULL,
    valid_from        TIMESTAMPTZ,
    valid_to          TIMESTAMPTZ,
    last_reviewed_at  TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX catalog_items_supplier_product ON catalog_items (supplier_id, product_id);
CREATE UNIQUE INDEX catalog_items_supplier_part ON catalog_items (supplier_id, supplier_part);
CREATE INDEX catalog_items_product ON catalog_items (product_id);

-- Price breaks: from min_qty (in purchase units) the unit price is lower.
CREATE TABLE price_breaks (
    id                BIGSERIAL PRIMARY KEY,
    catalog_item_id   BIGINT NOT NULL REFERENCES catalog_items(id) ON DELETE CASCADE,
    min_qty           BIGINT NOT NULL,
    unit_price_micros BIGINT NOT NULL
);
CREATE UNIQUE INDEX price_breaks_item_qty ON price_breaks (catalog_item_id, min_qty);

CREATE TABLE locations (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE stock_levels (
    id          BIGSERIAL PRIMARY KEY,
    product_id  BIGINT NOT NULL REFERENCES products(id),
    location_id BIGINT NOT NULL REFERENCES locations(id),
    on_hand     BIGINT NOT NULL DEFAULT 0,
    allocated   BIGINT NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX stock_levels_product_location ON stock_levels (product_id, location_id);

-- Daily sales per SKU and channel; (product, day, channel, source_ref) keeps
-- re-imports of the same order line from counting twice.
CREATE TABLE sales (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id),
    sold_on    TIMESTAMPTZ NOT NULL,
    channel    TEXT NOT NULL,
    quantity   BIGINT NOT NULL,
    source_ref TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX sales_source ON sales (channel, source_ref);
CREATE INDEX sales_product_day ON sales (product_id, sold_on);

CREATE TABLE purchase_orders (
    id              BIGSERIAL PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    supplier_id     BIGINT NOT NULL REFERENCES suppliers(id),
    location_id     BIGINT REFERENCES locations(id),
    parent_id       BIGINT REFERENCES purchase_orders(id),
    status          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total_minor     BIGINT NOT NULL DEFAULT 0,
    buyer_id        BIGINT REFERENCES users(id),
    approved_by     BIGINT REFERENCES users(id),
    approved_at     TIMESTAMPTZ,
    approval_rule   TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMPTZ,
    ack_due_at      TIMESTAMPTZ,
    acknowledged_at TIMESTAMPTZ,
    chased_at       TIMESTAMPTZ,
    expected_at     TIMESTAMPTZ,
    source          TEXT NOT NULL DEFAULT 'manual',
    notes           TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX purchase_orders_supplier_status ON purchase_orders (supplier_id, status, id);
CREATE INDEX purchase_orders_status ON purchase_orders (status, id);

CREATE TABLE po_lines (
    id                BIGSERIAL PRIMARY KEY,
    po_id             BIGINT NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
    supplier_id       BIGINT NOT NULL REFERENCES suppliers(id),
    line_no           INTEGER NOT NULL,
    product_id        BIGINT NOT NULL REFERENCES products(id),
    catalog_item_id   BIGINT REFERENCES catalog_items(id),
    supplier_part     TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    quantity          BIGINT NOT NULL,
    unit              TEXT NOT NULL DEFAULT 'EA',
    units_per_purchase_unit BIGINT NOT NULL DEFAULT 1,
    unit_price_micros BIGINT NOT NULL,
    amount_minor      BIGINT NOT NULL,
    promised_at       TIMESTAMPTZ,
    expected_at       TIMESTAMPTZ,
    received_qty      BIGINT NOT NULL DEFAULT 0,
    cancelled_qty     BIGINT NOT NULL DEFAULT 0,
    ack_status        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX po_lines_po_line ON po_lines (po_id, line_no);
CREATE INDEX po_lines_product ON po_lines (product_id);

-- Append-only: rows are inserted in the same transaction as the change they
-- describe and never updated or deleted.
CREATE TABLE audit_events (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    BIGINT,
    actor_label TEXT NOT NULL,
    channel     TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   BIGINT NOT NULL,
    supplier_id BIGINT,
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, id);
CREATE INDEX audit_events_supplier ON audit_events (supplier_id, id);

-- Replays of a POST with the same Idempotency-Key return the first answer.
CREATE TABLE idempotency_keys (
    id            BIGSERIAL PRIMARY KEY,
    principal     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_principal_key ON idempotency_keys (principal, key);

-- Counters that must never repeat (PO numbers); bumped under a row lock.
CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Uploaded or imported files, keyed by content hash so a replay is recognised.
CREATE TABLE import_files (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    filename    TEXT NOT NULL,
    rows_total  BIGINT NOT NULL DEFAULT 0,
    rows_applied BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX import_files_kind_hash ON import_files (kind, sha256);

-- +goose Down
DROP TABLE import_files;
DROP TABLE sequences;
DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP TABLE po_lines;
DROP TABLE purchase_orders;
DROP TABLE sales;
DROP TABLE stock_levels;
DROP TABLE locations;
DROP TABLE price_breaks;
DROP TABLE catalog_items;
DROP TABLE products;
DROP TABLE edi_partners;
DROP TABLE tolerance_rules;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE suppliers;
DROP TABLE brand_settings;
