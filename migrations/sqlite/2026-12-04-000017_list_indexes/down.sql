DROP INDEX checklist_items_progress;
CREATE INDEX cases_updated_at ON cases (updated_at);
DROP INDEX cases_updated_at_reference;
