-- +goose Up
-- Invoice documents uploaded in the portal (PDF, XLSX, X12 810). The row is
-- written before the file is parsed, so even a file that crashes the reader
-- is kept, and marked unreadable with the reason. The bytes live apart in
-- document_contents, written once with the row and never updated: the PDF
-- is the legal original of the invoice. One supplier uploading the same
-- bytes twice finds the first row (unique supplier_id, sha256).
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id   BIGINT NOT NULL REFERENCES suppliers(id),
    po_id         BIGINT REFERENCES purchase_orders(id),
    kind          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    filename      TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    extraction    TEXT NOT NULL DEFAULT '',
    invoice_id    BIGINT REFERENCES invoices(id),
    uploaded_by   TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX documents_supplier_hash ON documents (supplier_id, sha256);
CREATE INDEX documents_po ON documents (po_id);

CREATE TABLE document_contents (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id),
    raw         BLOB NOT NULL
);

-- What corrected extractions taught about one supplier's invoice layout
-- (internal/docs Hints as JSON), passed to that supplier's next extraction.
CREATE TABLE supplier_layout_hints (
    supplier_id BIGINT PRIMARY KEY REFERENCES suppliers(id),
    hints       TEXT NOT NULL,
    updated_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE supplier_layout_hints;
DROP TABLE document_contents;
DROP TABLE documents;
