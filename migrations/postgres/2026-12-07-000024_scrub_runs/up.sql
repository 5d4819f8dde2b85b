-- Runs of the document scrub (`visadesk scrub`, or the schedule): each
-- stored version opened, decrypted and checked against its SHA-256 and
-- size, and storage listed for objects no version points at. A scheduled
-- run claims its `slot` (the interval's number), so that of several
-- instances one runs it; a run from the command line has none.
CREATE TABLE scrub_runs (
    id TEXT PRIMARY KEY NOT NULL,
    slot BIGINT UNIQUE,
    ran_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    checked BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    missing BIGINT NOT NULL,
    corrupt BIGINT NOT NULL,
    -- Objects that could not be read at all (storage unreachable).
    unreadable BIGINT NOT NULL,
    orphaned BIGINT NOT NULL,
    -- JSON: the first findings (at most 200), each with its object's key.
    findings TEXT NOT NULL,
    -- Why the run stopped before its end, if it did.
    failure TEXT
);
CREATE INDEX scrub_runs_started ON scrub_runs (started_at);
