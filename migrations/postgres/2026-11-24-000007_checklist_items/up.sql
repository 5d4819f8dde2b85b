-- Each case's document checklist: its programme's list when opened, plus
-- items staff add. Status: missing, uploaded, accepted, rejected (reason
-- for the applicant) or waived (reason for staff).
CREATE TABLE checklist_items (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX checklist_items_case_kind ON checklist_items (case_id, kind);
