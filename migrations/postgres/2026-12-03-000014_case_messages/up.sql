-- The thread between the firm and the applicant on each case. from_firm:
-- written by staff (else by the applicant). Internal notes stay on the case.
CREATE TABLE case_messages (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    author_id TEXT REFERENCES users (id),
    author_name TEXT NOT NULL,
    from_firm BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_id, created_at);

-- When each person last read a case's thread.
CREATE TABLE message_reads (
    case_id TEXT NOT NULL REFERENCES cases (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    from_firm BOOLEAN NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
