DROP TABLE invitations;
DROP INDEX users_client;
ALTER TABLE users DROP COLUMN client_id;
ALTER TABLE checklist_items DROP COLUMN last_version;
DROP TABLE documents;
