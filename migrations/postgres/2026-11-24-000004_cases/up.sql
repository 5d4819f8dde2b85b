-- Cases (one visa application each), their stage moves, and the yearly
-- counter behind readable references such as VD-2026-0042.
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id),
    programme TEXT NOT NULL,
    stage TEXT NOT NULL,
    priority TEXT NOT NULL,
    attorney_id TEXT REFERENCES users (id),
    paralegal_id TEXT REFERENCES users (id),
    opened_on TEXT NOT NULL,
    target_filing_on TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    decision_on TEXT NOT NULL,
    internal_notes TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_client_id ON cases (client_id);
CREATE INDEX cases_stage ON cases (stage);
CREATE INDEX cases_programme ON cases (programme);
CREATE INDEX cases_attorney_id ON cases (attorney_id);
CREATE INDEX cases_paralegal_id ON cases (paralegal_id);
CREATE INDEX cases_target_filing_on ON cases (target_filing_on);
CREATE INDEX cases_updated_at ON cases (updated_at);

CREATE TABLE case_events (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE UNIQUE INDEX case_events_case_seq ON case_events (case_id, seq);

CREATE TABLE case_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last BIGINT NOT NULL
);
