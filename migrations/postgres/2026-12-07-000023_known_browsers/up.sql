-- Browsers an account has signed in from. Each browser keeps a random
-- token in a long-lived cookie (not a session); only its SHA-256 is kept.
-- A sign-in from a browser not yet known to the account is emailed to its
-- owner (not the first ever: that one is expected).
CREATE TABLE known_browsers (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
CREATE UNIQUE INDEX known_browsers_user_token ON known_browsers (user_id, token_hash);
