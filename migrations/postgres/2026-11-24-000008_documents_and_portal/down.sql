DROP TABLE invitations;
DROP INDEX users_client;
ALTER TABLE users DROP COLUMN client_id;
DROP TABLE documents;
