-- Attachments belong to the site that uploaded them (security review L1): the same
-- photo uploaded at two sites is two rows, so no site can squat another's file or
-- learn from a 200 that some other site holds it. The per-site total is what the
-- upload quota counts (L2).
CREATE TABLE site_attachments (
    site_id INTEGER NOT NULL REFERENCES sites (id),
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, sha256)
);

INSERT INTO site_attachments (site_id, sha256, content_type, size, bytes, uploaded_by, uploaded_at)
SELECT site_id, sha256, content_type, size, bytes, uploaded_by, uploaded_at FROM attachments;

DROP TABLE attachments;

ALTER TABLE site_attachments RENAME TO attachments;
