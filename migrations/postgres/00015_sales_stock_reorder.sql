-- +goose Up
-- Sales imports, integration settings, outbound webhooks and reorder runs.
-- Sales are stored one row per order line at 00:00 UTC of the order's own
-- calendar day, so demand can be summed per (product, day) without date
-- functions that differ between the two databases.

-- Small named settings an operator sets through the API or CLI (the Shopify
-- shop secret, the safety-stock days). Kept out of the config file so they can
-- change without a restart and are the same on every replica.
CREATE TABLE app_settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- External systems that want events pushed (inventory, ERP). events is a
-- comma-separated list of event names or '*'.
CREATE TABLE webhook_subscriptions (
    id         BIGSERIAL PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- One row per (subscription, event): the unique key makes fan-out of the
-- same event idempotent; attempts/next_attempt_at drive retries with backoff.
CREATE TABLE webhook_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    event_key       TEXT NOT NULL,
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_sub_event ON webhook_deliveries (subscription_id, event_key);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE reorder_runs (
    id              BIGSERIAL PRIMARY KEY,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    dry_run         BOOLEAN NOT NULL,
    actor_label     TEXT NOT NULL,
    skus_considered BIGINT NOT NULL,
    proposals       BIGINT NOT NULL,
    orders_created  BIGINT NOT NULL
);

-- Every proposal keeps the numbers that made it, so the page can explain it.
-- Demand and spread are units/day at scale 6 (micro-units); stock figures
-- are whole stock units; quantity is in the catalog item's purchase unit.
CREATE TABLE reorder_proposals (
    id                BIGSERIAL PRIMARY KEY,
    run_id            BIGINT NOT NULL REFERENCES reorder_runs(id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL REFERENCES products(id),
    supplier_id       BIGINT NOT NULL REFERENCES suppliers(id),
    catalog_item_id   BIGINT NOT NULL REFERENCES catalog_items(id),
    po_id             BIGINT REFERENCES purchase_orders(id),
    quantity          BIGINT NOT NULL,
    stock_units       BIGINT NOT NULL,
    unit_price_micros BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    demand_micros     BIGINT NOT NULL,
    sigma_micros      BIGINT NOT NULL,
    window_days       INTEGER NOT NULL,
    lead_time_days    INTEGER NOT NULL,
    review_days       INTEGER NOT NULL,
    safety_stock      BIGINT NOT NULL,
    reorder_point     BIGINT NOT NULL,
    target            BIGINT NOT NULL,
    on_hand           BIGINT NOT NULL,
    on_order          BIGINT NOT NULL,
    allocated         BIGINT NOT NULL,
    position          BIGINT NOT NULL,
    explanation       TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX reorder_proposals_run ON reorder_proposals (run_id, id);

-- Covering index for the demand query: a range on the day, then product and
-- quantity straight from the index, so a 28-day window over 100k SKUs reads
-- only the window's entries.
CREATE INDEX sales_day_product_qty ON sales (sold_on, product_id, quantity);

-- +goose Down
DROP INDEX sales_day_product_qty;
DROP TABLE reorder_proposals;
DROP TABLE reorder_runs;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE app_settings;
