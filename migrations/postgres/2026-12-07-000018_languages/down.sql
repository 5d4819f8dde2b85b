ALTER TABLE clients DROP COLUMN preferred_language;
ALTER TABLE users DROP COLUMN language;
