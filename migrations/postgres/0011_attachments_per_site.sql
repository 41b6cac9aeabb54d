-- Attachments belong to the site that uploaded them (security review L1): the same
-- photo uploaded at two sites is two rows, so no site can squat another's file or
-- learn from a 200 that some other site holds it. The per-site total is what the
-- upload quota counts (L2).
CREATE TABLE site_attachments (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    uploaded_at BIGINT NOT NULL,
    PRIMARY KEY (site_id, sha256)
);

INSERT INTO site_attachments (site_id, sha256, content_type, size, bytes, uploaded_by, uploaded_at)
SELECT site_id, sha256, content_type, size, bytes, uploaded_by, uploaded_at FROM attachments;

DROP TABLE attachments;

ALTER TABLE site_attachments RENAME TO attachments;
