-- Search terms of clients (words of names in any script, email, passport
-- number, nationality; see app/src/domain/search.rs). A query matches by
-- term prefix, an index range scan. Byte order, so prefix ranges hold.
-- The server fills it for existing clients when it finds it empty.
CREATE TABLE client_terms (
    term TEXT COLLATE "C" NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id),
    PRIMARY KEY (term, client_id)
);
CREATE INDEX client_terms_client_id ON client_terms (client_id);
