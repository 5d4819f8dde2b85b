ALTER TABLE notifications DROP COLUMN event;
