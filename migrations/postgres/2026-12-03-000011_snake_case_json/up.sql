-- Enums are stored in JSON by their snake_case codes, as forms and the
-- other columns spell them. Client profiles and the profiles kept with
-- assessments held education levels capitalised ("Master"). An education
-- entry's JSON object starts with its level, so '{"level":"' matches
-- education entries only (a language's level is never the first key, and
-- text a person typed has its quotes escaped).
UPDATE clients SET profile = replace(replace(replace(replace(replace(profile,
    '{"level":"Secondary"', '{"level":"secondary"'),
    '{"level":"Vocational"', '{"level":"vocational"'),
    '{"level":"Bachelor"', '{"level":"bachelor"'),
    '{"level":"Master"', '{"level":"master"'),
    '{"level":"Doctorate"', '{"level":"doctorate"');
UPDATE assessments SET profile = replace(replace(replace(replace(replace(profile,
    '{"level":"Secondary"', '{"level":"secondary"'),
    '{"level":"Vocational"', '{"level":"vocational"'),
    '{"level":"Bachelor"', '{"level":"bachelor"'),
    '{"level":"Master"', '{"level":"master"'),
    '{"level":"Doctorate"', '{"level":"doctorate"');
