-- The language of each account (issue 14): NULL follows the browser until
-- the person picks one; 'en' or 'zh-Hans' once they have.
ALTER TABLE users ADD COLUMN language TEXT;
-- The language a firm writes to a client in: their portal invitation, and
-- the portal account it creates.
ALTER TABLE clients ADD COLUMN preferred_language TEXT NOT NULL DEFAULT 'en';
