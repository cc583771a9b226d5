-- +goose Up
-- EDI gateway: every file in or out, stored before it is parsed and never
-- changed; the transaction sets each file carried and what became of them;
-- the 997s exchanged; and the SFTP credentials of each trading partner.

-- One row per file received or sent. Inbound rows are created first, with
-- status 'received', in the same transaction as their raw bytes; parsing
-- and applying only move status forward. Outbound rows carry the
-- interchange control number handed out by edi_partners.next_control; the
-- unique index makes reuse of a number for the same partner impossible.
CREATE TABLE edi_files (
    id                  BIGSERIAL PRIMARY KEY,
    direction           TEXT NOT NULL,
    kind                TEXT NOT NULL DEFAULT '',
    partner_id          BIGINT REFERENCES edi_partners(id),
    supplier_id         BIGINT REFERENCES suppliers(id),
    source              TEXT NOT NULL,
    filename            TEXT NOT NULL,
    sha256              TEXT NOT NULL,
    size_bytes          BIGINT NOT NULL,
    status              TEXT NOT NULL,
    error_text          TEXT NOT NULL DEFAULT '',
    sender_qualifier    TEXT NOT NULL DEFAULT '',
    sender_id           TEXT NOT NULL DEFAULT '',
    receiver_qualifier  TEXT NOT NULL DEFAULT '',
    receiver_id         TEXT NOT NULL DEFAULT '',
    interchange_control TEXT NOT NULL DEFAULT '',
    control_number      BIGINT,
    duplicate_of        BIGINT REFERENCES edi_files(id),
    po_id               BIGINT REFERENCES purchase_orders(id),
    ack_for_file_id     BIGINT REFERENCES edi_files(id),
    ack_status          TEXT NOT NULL DEFAULT '',
    ack_due_at          TIMESTAMPTZ,
    acked_at            TIMESTAMPTZ,
    flagged_at          TIMESTAMPTZ,
    flag_reason         TEXT NOT NULL DEFAULT '',
    received_by         TEXT NOT NULL DEFAULT '',
    processed_at        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX edi_files_partner_control ON edi_files (partner_id, direction, control_number);
CREATE INDEX edi_files_interchange ON edi_files (sender_qualifier, sender_id, interchange_control, created_at);
CREATE INDEX edi_files_hash ON edi_files (sha256);
CREATE INDEX edi_files_status ON edi_files (status, id);
CREATE INDEX edi_files_supplier ON edi_files (supplier_id, id);
CREATE INDEX edi_files_po ON edi_files (po_id);
CREATE INDEX edi_files_ack_pending ON edi_files (ack_status, ack_due_at);

-- The raw bytes, apart from the metadata so listings never load them.
-- Written once with the file row and never updated.
CREATE TABLE edi_file_contents (
    file_id BIGINT PRIMARY KEY REFERENCES edi_files(id),
    raw     BYTEA NOT NULL
);

-- One row per ST..SE set of an inbound file (seq is its ordinal in the
-- file). command_json is the core command the set maps to, so a parked set
-- is retried without parsing the file again.
CREATE TABLE edi_transactions (
    id                  BIGSERIAL PRIMARY KEY,
    file_id             BIGINT NOT NULL REFERENCES edi_files(id),
    seq                 INTEGER NOT NULL,
    partner_id          BIGINT REFERENCES edi_partners(id),
    supplier_id         BIGINT REFERENCES suppliers(id),
    interchange_control TEXT NOT NULL DEFAULT '',
    group_control       TEXT NOT NULL DEFAULT '',
    functional_id       TEXT NOT NULL DEFAULT '',
    set_id              TEXT NOT NULL,
    control_number      TEXT NOT NULL DEFAULT '',
    reference           TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    error_text          TEXT NOT NULL DEFAULT '',
    entity              TEXT NOT NULL DEFAULT '',
    entity_id           BIGINT,
    command_json        TEXT NOT NULL DEFAULT '',
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX edi_transactions_file_seq ON edi_transactions (file_id, seq);
CREATE INDEX edi_transactions_retry ON edi_transactions (status, next_attempt_at);
CREATE INDEX edi_transactions_supplier ON edi_transactions (supplier_id, id);

-- 997s (and TA1s) exchanged. direction 'out': file_id is the 997 we wrote,
-- acked_file_id the inbound file it answers. direction 'in': file_id is the
-- partner's 997, acked_file_id our outbound file it answers (when found).
CREATE TABLE edi_acks (
    id                  BIGSERIAL PRIMARY KEY,
    direction           TEXT NOT NULL,
    partner_id          BIGINT REFERENCES edi_partners(id),
    file_id             BIGINT NOT NULL REFERENCES edi_files(id),
    acked_file_id       BIGINT REFERENCES edi_files(id),
    functional_id       TEXT NOT NULL DEFAULT '',
    group_control       TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    ta1_code            TEXT NOT NULL DEFAULT '',
    detail_json         TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX edi_acks_file ON edi_acks (file_id);
CREATE INDEX edi_acks_acked ON edi_acks (acked_file_id, direction);

-- SFTP logins of trading partners: an argon2id password hash and/or
-- authorized public keys (authorized_keys lines). Each login is confined to
-- its partner's folders.
CREATE TABLE edi_credentials (
    id              BIGSERIAL PRIMARY KEY,
    partner_id      BIGINT NOT NULL UNIQUE REFERENCES edi_partners(id),
    username        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL DEFAULT '',
    authorized_keys TEXT NOT NULL DEFAULT '',
    disabled_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE edi_credentials;
DROP TABLE edi_acks;
DROP TABLE edi_transactions;
DROP TABLE edi_file_contents;
DROP TABLE edi_files;
