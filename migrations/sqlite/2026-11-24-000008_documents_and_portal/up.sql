-- Uploaded documents: each upload for a checklist item is a new version.
-- The bytes live in document storage under storage_key, sealed with a data
-- key that is kept here wrapped by the master key key_id. sha256 and size
-- are of the original file; content_type is what its first bytes showed.
CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    item_id TEXT NOT NULL REFERENCES checklist_items (id),
    version BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    key_id TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    duplicate_of TEXT,
    uploaded_by TEXT REFERENCES users (id),
    uploaded_by_name TEXT NOT NULL,
    by_applicant BOOLEAN NOT NULL,
    uploaded_at BIGINT NOT NULL,
    review TEXT NOT NULL,
    review_reason TEXT NOT NULL,
    reviewed_by_name TEXT NOT NULL,
    reviewed_at BIGINT
);
CREATE UNIQUE INDEX documents_item_version ON documents (item_id, version);
CREATE INDEX documents_case_sha256 ON documents (case_id, sha256);

-- An applicant's account belongs to one client record.
ALTER TABLE users ADD COLUMN client_id TEXT REFERENCES clients (id);
CREATE INDEX users_client ON users (client_id);

-- One-time portal invitations (only the token's hash is kept).
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_client ON invitations (client_id);
