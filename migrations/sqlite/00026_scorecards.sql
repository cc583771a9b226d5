-- +goose Up
-- Supplier scorecards, one row per supplier per month (YYYY-MM in the brand's
-- time zone), recomputed from events (PO sends and acknowledgements,
-- receipts, ASNs, invoices and their first match run). Every figure is a
-- count or an integer sum, so ratios are derived exactly at read time and
-- months can be re-run at any time with the same result. Months without any
-- activity have no row.
CREATE TABLE scorecards (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id             BIGINT NOT NULL REFERENCES suppliers(id),
    month                   TEXT NOT NULL,
    pos_sent                BIGINT NOT NULL DEFAULT 0,
    acks                    BIGINT NOT NULL DEFAULT 0,
    ack_median_minutes      BIGINT,
    ack_sla_due             BIGINT NOT NULL DEFAULT 0,
    ack_sla_hit             BIGINT NOT NULL DEFAULT 0,
    lines_settled           BIGINT NOT NULL DEFAULT 0,
    lines_on_time           BIGINT NOT NULL DEFAULT 0,
    lines_in_full           BIGINT NOT NULL DEFAULT 0,
    lines_otif              BIGINT NOT NULL DEFAULT 0,
    qty_ordered             BIGINT NOT NULL DEFAULT 0,
    qty_received            BIGINT NOT NULL DEFAULT 0,
    lead_samples            BIGINT NOT NULL DEFAULT 0,
    lead_mean_centidays     BIGINT,
    lead_stddev_centidays   BIGINT,
    lead_catalog_samples    BIGINT NOT NULL DEFAULT 0,
    lead_bias_centidays     BIGINT,
    asn_lines               BIGINT NOT NULL DEFAULT 0,
    asn_lines_accurate      BIGINT NOT NULL DEFAULT 0,
    asn_qty                 BIGINT NOT NULL DEFAULT 0,
    asn_qty_deviation       BIGINT NOT NULL DEFAULT 0,
    invoices                BIGINT NOT NULL DEFAULT 0,
    invoices_exception      BIGINT NOT NULL DEFAULT 0,
    price_base_minor        BIGINT NOT NULL DEFAULT 0,
    price_variance_minor    BIGINT NOT NULL DEFAULT 0,
    computed_at             DATETIME NOT NULL
);
CREATE UNIQUE INDEX scorecards_supplier_month ON scorecards (supplier_id, month);
CREATE INDEX scorecards_month ON scorecards (month);

-- +goose Down
DROP TABLE scorecards;
