-- Tasks and deadlines on a case: a title, an optional due date and
-- assignee, and whether it is done.
CREATE TABLE case_tasks (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    assignee_id TEXT REFERENCES users (id),
    done BOOLEAN NOT NULL,
    done_at BIGINT,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX case_tasks_case_id ON case_tasks (case_id);
-- The dashboard's deadlines and the overdue filter look up open tasks by date.
CREATE INDEX case_tasks_done_due_on ON case_tasks (done, due_on);
-- The board lists each stage's most recently updated cases.
CREATE INDEX cases_stage_updated_at ON cases (stage, updated_at);
