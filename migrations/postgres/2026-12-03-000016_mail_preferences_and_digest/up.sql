-- How each person wants each category of email: at_once, digest or off.
-- No row means the category's default (at once; the digest itself on).
CREATE TABLE mail_preferences (
    user_id TEXT NOT NULL REFERENCES users (id),
    category TEXT NOT NULL,
    delivery TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, category)
);

-- What waits for a person's next daily digest (their choice was "digest"),
-- written in the transaction of the change; digest_day is the firm's local
-- date of the digest that carried it, NULL while it waits.
CREATE TABLE digest_items (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    digest_day TEXT
);
CREATE INDEX digest_items_waiting ON digest_items (digest_day, user_id);

-- One row per firm-local day whose digest was sent: the instance that adds
-- the row sends that day's digests in the same transaction, so with several
-- instances each day's digest goes out once.
CREATE TABLE digest_runs (
    day TEXT PRIMARY KEY NOT NULL,
    ran_by TEXT NOT NULL,
    ran_at BIGINT NOT NULL,
    emails INTEGER NOT NULL
);
