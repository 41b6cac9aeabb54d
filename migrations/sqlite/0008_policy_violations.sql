-- Parts of documents that a delivered change wrote against the write policy
-- (shared/src/policy), each undone by a server-made change stored with it.
-- The desk lists them per site; the audit trail shows them per document.
CREATE TABLE policy_violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    user_id INTEGER REFERENCES users (id),
    peer_id TEXT NOT NULL,
    part TEXT NOT NULL,
    message TEXT NOT NULL,
    attempted TEXT,
    changes TEXT NOT NULL,
    detected_at INTEGER NOT NULL
);
CREATE INDEX policy_violations_document ON policy_violations (document_id, detected_at);
CREATE INDEX policy_violations_site ON policy_violations (site_id, detected_at);
