DROP TABLE digest_runs;
DROP TABLE digest_items;
DROP TABLE mail_preferences;
