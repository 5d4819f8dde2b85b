-- Attempts whose password is still being checked: they hold a place under
-- the limit but are not failures (a correct sign-in never counts as one).
ALTER TABLE login_throttle ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0;
