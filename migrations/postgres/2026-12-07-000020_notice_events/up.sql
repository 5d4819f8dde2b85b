-- What a notice says happened, as values (JSON of the app's NoticeEvent),
-- so the bell words it in its reader's language. Notices from before keep
-- '' here and are shown with the English title they were saved with.
ALTER TABLE notifications ADD COLUMN event TEXT NOT NULL DEFAULT '';
