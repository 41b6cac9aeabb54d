-- Checklist schedules (issue 5, planning): a template to run at a location on a
-- recurrence. A background task turns each due occurrence into a `checklist_run`
-- document made through the sync hub, so it reaches the assignee's phone (Postgres).
CREATE TABLE checklist_schedules (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    template_id TEXT NOT NULL,
    location TEXT,
    recurrence TEXT NOT NULL CHECK (recurrence IN ('daily', 'weekly', 'monthly')),
    assignee TEXT,
    -- Unix ms: when the next run is due (it is made ahead of time, see the task).
    next_due_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_document_id TEXT,
    runs_made BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX checklist_schedules_due ON checklist_schedules (next_due_at);
CREATE INDEX checklist_schedules_site ON checklist_schedules (site_id);
