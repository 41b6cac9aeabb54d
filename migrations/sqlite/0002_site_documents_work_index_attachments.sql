-- The master-data document of each site, the work list phones read, and
-- content-addressed attachments (SQLite).

ALTER TABLE sites ADD COLUMN site_document_id TEXT;

-- One row per work document, refreshed after each commit: what "my work
-- today" lists. Derived data: it can always be rebuilt from the documents.
CREATE TABLE work_index (
    document_id TEXT PRIMARY KEY REFERENCES documents (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    doc_type TEXT NOT NULL,
    title TEXT,
    status TEXT,
    due_at TEXT,
    assignees TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL
);
CREATE INDEX work_index_site ON work_index (site_id, due_at);

CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at INTEGER NOT NULL
);
