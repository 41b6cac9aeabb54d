-- Document problems name the member they are in (`part`, empty for the root or
-- the document as a whole) so a flatten replaces only the problems of what it
-- checked, and the change that wrote the bad value (`written_in`, a hash in
-- `changes`), so the desk can say who delivered it.
ALTER TABLE document_problems ADD COLUMN part TEXT NOT NULL DEFAULT '';
ALTER TABLE document_problems ADD COLUMN written_in TEXT;
