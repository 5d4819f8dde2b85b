-- Clients of the firm. Searchable facts are columns; education, work and
-- languages are one JSON profile (the serde type the app uses).
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL,
    full_name TEXT NOT NULL,
    latin_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    nationality TEXT NOT NULL,
    passport_number TEXT NOT NULL,
    passport_expiry TEXT NOT NULL,
    profile TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT
);
CREATE INDEX clients_email ON clients (email);
CREATE INDEX clients_passport_number ON clients (passport_number);
CREATE INDEX clients_nationality ON clients (nationality);
CREATE INDEX clients_full_name ON clients (full_name);
CREATE INDEX clients_updated_at ON clients (updated_at);
