-- Back to the capitalised education levels.
UPDATE clients SET profile = replace(replace(replace(replace(replace(profile,
    '{"level":"secondary"', '{"level":"Secondary"'),
    '{"level":"vocational"', '{"level":"Vocational"'),
    '{"level":"bachelor"', '{"level":"Bachelor"'),
    '{"level":"master"', '{"level":"Master"'),
    '{"level":"doctorate"', '{"level":"Doctorate"');
UPDATE assessments SET profile = replace(replace(replace(replace(replace(profile,
    '{"level":"secondary"', '{"level":"Secondary"'),
    '{"level":"vocational"', '{"level":"Vocational"'),
    '{"level":"bachelor"', '{"level":"Bachelor"'),
    '{"level":"master"', '{"level":"Master"'),
    '{"level":"doctorate"', '{"level":"Doctorate"');
