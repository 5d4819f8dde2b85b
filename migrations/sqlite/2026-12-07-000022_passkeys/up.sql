-- Passkeys (WebAuthn). `credential` is webauthn-rs's record of the key as
-- JSON: its public key and signature counter, nothing secret. A credential
-- id belongs to one account only. `rp_id` is the domain it was made for.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    rp_id TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX passkeys_credential ON passkeys (credential_id);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A passkey ceremony under way: the server's half of a registration
-- ('register', for user_id), a second step of a sign-in ('verify', for the
-- challenge challenge_id) or a sign-in with a passkey alone ('sign_in').
-- `state` is webauthn-rs's state as JSON, kept here so that any instance
-- can finish it; a ceremony is used once and lasts five minutes.
CREATE TABLE passkey_ceremonies (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    challenge_id TEXT,
    site TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);
