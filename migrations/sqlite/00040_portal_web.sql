-- +goose Up
-- Portal web: browser sessions (scs), one-time password links (reset and
-- invite) and failed sign-in records for throttling. Session tokens and link
-- secrets are stored only as SHA-256 hashes, so a leaked table grants nothing.

CREATE TABLE web_sessions (
    token      TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expiry     DATETIME NOT NULL,
    user_id    BIGINT,
    updated_at DATETIME NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expiry);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE password_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    purpose    TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX password_links_user ON password_links (user_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  DATETIME NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE password_links;
DROP TABLE web_sessions;
