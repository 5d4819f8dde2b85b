UPDATE case_events SET note = 'Case opened' WHERE from_stage IS NULL AND note = '';
