-- The case list pages in (updated_at desc, reference desc) order: this index
-- gives the rows in that order, so a page is read off the index instead of
-- sorting the ties of updated_at. It replaces the index on updated_at alone.
CREATE INDEX cases_updated_at_reference ON cases (updated_at, reference);
DROP INDEX cases_updated_at;
-- Checklist progress for a page of cases is counted from the index alone.
CREATE INDEX checklist_items_progress ON checklist_items (case_id, required, status);
