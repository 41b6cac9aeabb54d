-- Accounts, sessions and the document change log (SQLite).
-- Times are Unix milliseconds in both backends, so one code path reads them.

CREATE TABLE sites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'staff', 'viewer')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    PRIMARY KEY (user_id, site_id)
);

-- A single counter bumped by every change that affects access, so running
-- servers notice changes made by the CLI or another instance.
CREATE TABLE access_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO access_epoch (id, version) VALUES (1, 0);

-- One login on one device: the refresh-token family and the sync peer id.
CREATE TABLE device_sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    peer_id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES device_sessions (id),
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE sync_tickets (
    ticket_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    session_id TEXT NOT NULL REFERENCES device_sessions (id),
    peer_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE server_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    snapshot BLOB,
    snapshot_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_site ON documents (site_id);

-- The change log. `bytes` is cleared once a snapshot contains the change;
-- the provenance (who, which device, when) stays for the audit trail.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents (id),
    hash TEXT NOT NULL,
    bytes BLOB,
    user_id INTEGER REFERENCES users (id),
    peer_id TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (document_id, hash)
);
