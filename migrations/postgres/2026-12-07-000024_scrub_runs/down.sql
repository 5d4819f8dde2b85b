DROP TABLE scrub_runs;
