-- The heads of each stored document, written with its changes, so the
-- flattener can find documents it has not caught up with after a restart.
ALTER TABLE documents ADD COLUMN heads TEXT NOT NULL DEFAULT '[]';
