-- Authenticator apps (TOTP, RFC 6238). The secret is sealed with the
-- document master key named by key_id, bound to its user, so the database
-- alone gives no codes. A user has at most one confirmed row and one being
-- set up (confirmed_at NULL). last_step is the newest 30-second step whose
-- code was used: a code is accepted once.
CREATE TABLE totp_secrets (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    key_id TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step BIGINT NOT NULL
);
CREATE INDEX totp_secrets_user ON totp_secrets (user_id);

-- Single-use recovery codes (80 random bits each; only the SHA-256 is kept).
CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A sign-in half done: the password was right, and a second factor is to
-- be given (purpose 'verify') or set up first ('enrol'). The browser holds
-- the token in a cookie; only its SHA-256 is kept. Wrong codes count in
-- failures; too many end the challenge.
CREATE TABLE sign_in_challenges (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures INTEGER NOT NULL,
    user_agent TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE UNIQUE INDEX sign_in_challenges_token ON sign_in_challenges (token_hash);
CREATE INDEX sign_in_challenges_user ON sign_in_challenges (user_id);
