DROP TABLE assessments;
DROP TABLE firm_settings;
