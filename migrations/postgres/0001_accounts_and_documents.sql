-- Accounts, sessions and the document change log (Postgres).
-- Times are Unix milliseconds in both backends, so one code path reads them.

CREATE TABLE sites (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'staff', 'viewer')),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    PRIMARY KEY (user_id, site_id)
);

-- A single counter bumped by every change that affects access, so running
-- servers notice changes made by the CLI or another instance.
CREATE TABLE access_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO access_epoch (id, version) VALUES (1, 0);

-- One login on one device: the refresh-token family and the sync peer id.
CREATE TABLE device_sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    peer_id TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES device_sessions (id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE sync_tickets (
    ticket_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    session_id TEXT NOT NULL REFERENCES device_sessions (id),
    peer_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE server_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    snapshot BYTEA,
    snapshot_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX documents_site ON documents (site_id);

-- The change log. `bytes` is cleared once a snapshot contains the change;
-- the provenance (who, which device, when) stays for the audit trail.
CREATE TABLE changes (
    seq BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    hash TEXT NOT NULL,
    bytes BYTEA,
    user_id BIGINT REFERENCES users (id),
    peer_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (document_id, hash)
);
