DROP INDEX cases_stage_updated_at;
DROP TABLE case_tasks;
