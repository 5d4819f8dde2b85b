-- A case's opening event carried the English words "Case opened" as its
-- note; pages now say it in the reader's language from the event itself
-- (no stage before it), so the note is left for what staff write.
UPDATE case_events SET note = '' WHERE from_stage IS NULL AND note = 'Case opened';
