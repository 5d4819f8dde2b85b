-- Each staff member's private calendar feed: the URL carries a token, only
-- its hash is kept; renewing replaces it, revoking deletes it.
CREATE TABLE calendar_feeds (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);
