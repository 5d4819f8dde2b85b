-- Firm settings, one JSON value per name (e.g. `eligibility`, the serde
-- type app::eligibility::Settings). A missing row means the defaults.
CREATE TABLE firm_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES users (id)
);
-- Eligibility assessments the server computed and kept on a case: the
-- profile it read, the result (app::eligibility::Assessment as JSON, which
-- holds the date, rule version and settings) and who asked.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    client_version BIGINT NOT NULL,
    assessed_on TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    profile TEXT NOT NULL,
    result TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX assessments_case ON assessments (case_id, created_at);
-- The defaults, so a save only ever updates this row.
INSERT INTO firm_settings (name, value, updated_at, updated_by)
VALUES ('eligibility', '{"k_visa_max_age":45,"z_permit_b_max_age":60}', 0, NULL);
