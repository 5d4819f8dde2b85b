//! The rules a client's details must keep, each broken one tied to its field,
//! and the helpers other forms (cases, tasks) share.

use super::{ClientInput, Education, LanguageSkill, Work, LIST_MAX, TEXT_MAX_CHARS};
use crate::domain::date::Date;
use crate::domain::validate::{normalize_email, FieldError};
use crate::eligibility::{is_open_ended, parse_cents, parse_count, EligibilityFacts, JobOffer};
use serde::{Deserialize, Serialize};

pub(crate) fn err(field: impl Into<String>, message: impl Into<String>) -> FieldMessage {
    FieldMessage {
        field: field.into(),
        message: message.into(),
    }
}

/// A rule a field broke; `field` is a path such as `education.1.completed_on`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

impl From<FieldError> for FieldMessage {
    fn from(e: FieldError) -> Self {
        FieldMessage {
            field: e.field.to_string(),
            message: e.message,
        }
    }
}

pub(crate) fn text(
    errors: &mut Vec<FieldMessage>,
    field: &str,
    label: &str,
    value: &str,
    required: bool,
) -> String {
    let value = value.trim().to_string();
    let chars = value.chars().count();
    if required && value.is_empty() {
        errors.push(err(field, format!("Enter the {label}.")));
    } else if chars > TEXT_MAX_CHARS {
        errors.push(err(
            field,
            format!("The {label} is {chars} characters long; the limit is {TEXT_MAX_CHARS}."),
        ));
    } else if value.chars().any(|c| c.is_control()) {
        errors.push(err(
            field,
            format!("The {label} contains control characters."),
        ));
    }
    value
}

pub(crate) fn date(
    errors: &mut Vec<FieldMessage>,
    field: &str,
    label: &str,
    value: &str,
) -> (String, Option<Date>) {
    let value = value.trim();
    if value.is_empty() {
        return (String::new(), None);
    }
    match Date::parse(value) {
        Some(d) => (d.to_string(), Some(d)),
        None => {
            errors.push(err(
                field,
                format!("The {label} must be a real date written YYYY-MM-DD."),
            ));
            (value.chars().take(40).collect(), None)
        }
    }
}

fn country(
    errors: &mut Vec<FieldMessage>,
    field: &str,
    label: &str,
    value: &str,
    required: bool,
) -> String {
    let code = value.trim().to_uppercase();
    if code.is_empty() {
        if required {
            errors.push(err(
                field,
                format!("Enter the {label} as a two-letter country code, e.g. IN or CN."),
            ));
        }
        return code;
    }
    if code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        errors.push(err(
            field,
            format!("Write the {label} as a two-letter country code, e.g. IN or CN."),
        ));
    }
    code
}

/// Checks and normalises a client's details against `today`. Every broken
/// rule is reported, each tied to its field.
pub fn validate_client(input: &ClientInput, today: Date) -> Result<ClientInput, Vec<FieldMessage>> {
    let mut e = Vec::new();
    let full_name = text(&mut e, "full_name", "full name", &input.full_name, true);
    let latin_name = text(
        &mut e,
        "latin_name",
        "name in Latin letters",
        &input.latin_name,
        false,
    );
    let email = match input.email.trim() {
        "" => String::new(),
        raw => normalize_email(raw).unwrap_or_else(|fe| {
            e.push(fe.into());
            raw.chars().take(254).collect()
        }),
    };
    let phone = text(&mut e, "phone", "phone number", &input.phone, false);
    let address = text(&mut e, "address", "address", &input.address, false);
    let (date_of_birth, born) = date(
        &mut e,
        "date_of_birth",
        "date of birth",
        &input.date_of_birth,
    );
    if let Some(b) = born {
        if b > today {
            e.push(err("date_of_birth", "The date of birth is in the future."));
        } else if b.year < 1900 {
            e.push(err("date_of_birth", "The date of birth is before 1900."));
        }
    }
    let nationality = country(
        &mut e,
        "nationality",
        "nationality",
        &input.nationality,
        false,
    );
    let passport_number: String = input
        .passport_number
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if passport_number.chars().count() > 20
        || !passport_number.chars().all(|c| c.is_ascii_alphanumeric())
    {
        e.push(err(
            "passport_number",
            "A passport number has up to 20 letters and digits.",
        ));
    }
    let (passport_expiry, expires) = date(
        &mut e,
        "passport_expiry",
        "passport expiry date",
        &input.passport_expiry,
    );
    if let (Some(b), Some(x)) = (born, expires) {
        if x <= b {
            e.push(err(
                "passport_expiry",
                "The passport expires before the date of birth; check both dates.",
            ));
        }
    }

    for (name, len) in [
        ("education", input.education.len()),
        ("work", input.work.len()),
        ("languages", input.languages.len()),
    ] {
        if len > LIST_MAX {
            e.push(err(
                name,
                format!("At most {LIST_MAX} entries; this has {len}."),
            ));
        }
    }
    let education = input
        .education
        .iter()
        .take(LIST_MAX)
        .enumerate()
        .map(|(i, ed)| {
            let p = |f: &str| format!("education.{i}.{f}");
            let (completed_on, done) = date(
                &mut e,
                &p("completed_on"),
                "completion date",
                &ed.completed_on,
            );
            if let (Some(b), Some(d)) = (born, done) {
                if d <= b {
                    e.push(err(
                        p("completed_on"),
                        "The completion date is before the date of birth.",
                    ));
                }
            }
            Education {
                level: ed.level,
                field: text(&mut e, &p("field"), "field of study", &ed.field, true),
                stem: ed.stem,
                institution: text(
                    &mut e,
                    &p("institution"),
                    "institution",
                    &ed.institution,
                    true,
                ),
                country: country(&mut e, &p("country"), "country", &ed.country, false),
                completed_on,
            }
        })
        .collect();
    let work = input
        .work
        .iter()
        .take(LIST_MAX)
        .enumerate()
        .map(|(i, w)| {
            let p = |f: &str| format!("work.{i}.{f}");
            let (start_on, start) = date(&mut e, &p("start_on"), "start date", &w.start_on);
            let (end_on, end) = date(&mut e, &p("end_on"), "end date", &w.end_on);
            if let (Some(s), Some(x)) = (start, end) {
                if x < s {
                    e.push(err(p("end_on"), "The end date is before the start date."));
                }
            }
            Work {
                role: text(&mut e, &p("role"), "role", &w.role, true),
                employer: text(&mut e, &p("employer"), "employer", &w.employer, true),
                country: country(&mut e, &p("country"), "country", &w.country, false),
                start_on,
                end_on,
                research_or_teaching: w.research_or_teaching,
            }
        })
        .collect();
    let languages = input
        .languages
        .iter()
        .take(LIST_MAX)
        .enumerate()
        .map(|(i, l)| {
            let p = |f: &str| format!("languages.{i}.{f}");
            LanguageSkill {
                language: text(&mut e, &p("language"), "language", &l.language, true),
                test: text(&mut e, &p("test"), "test", &l.test, false),
                level: text(&mut e, &p("level"), "level", &l.level, false),
            }
        })
        .collect();

    let eligibility = eligibility_facts(&mut e, &input.eligibility);
    let clean = ClientInput {
        full_name,
        latin_name,
        email,
        phone,
        address,
        date_of_birth,
        nationality,
        passport_number,
        passport_expiry,
        education,
        work,
        languages,
        eligibility,
        preferred_language: input.preferred_language,
    };
    if e.is_empty() {
        Ok(clean)
    } else {
        Err(e)
    }
}

/// Checks the job offer's fields; the yes/no facts need no check.
fn eligibility_facts(e: &mut Vec<FieldMessage>, facts: &EligibilityFacts) -> EligibilityFacts {
    let job_offer = facts.job_offer.as_ref().map(|o| {
        let p = |f: &str| format!("eligibility.job_offer.{f}");
        let currency = o.currency.trim().to_uppercase();
        if !currency.is_empty()
            && (currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()))
        {
            e.push(err(
                p("currency"),
                "Write the currency as a three-letter code, e.g. EUR, USD or CNY.",
            ));
        }
        let annual_salary = o.annual_salary.trim().to_string();
        if !annual_salary.is_empty() && parse_cents(&annual_salary).is_none() {
            e.push(err(
                p("annual_salary"),
                "Write the salary as a number with at most two decimals, e.g. 50700 or 45934.20.",
            ));
        }
        if !annual_salary.is_empty() && currency.is_empty() {
            e.push(err(p("currency"), "Enter the salary's currency, e.g. EUR."));
        }
        let mut count = |field: &str, value: &str, lo: u32, hi: u32, label: &str| {
            let value = value.trim().to_string();
            let open_ended = field == "duration_months" && is_open_ended(&value);
            if !value.is_empty()
                && !open_ended
                && !parse_count(&value).is_some_and(|n| (lo..=hi).contains(&n))
            {
                e.push(err(
                    p(field),
                    format!("The {label} must be a whole number from {lo} to {hi}."),
                ));
            }
            value
        };
        let duration_months = count(
            "duration_months",
            &o.duration_months,
            1,
            600,
            "contract length (months, or \"open-ended\")",
        );
        let months_per_year = count(
            "months_per_year",
            &o.months_per_year,
            0,
            12,
            "number of months a year",
        );
        let local_incentive_points = count(
            "local_incentive_points",
            &o.local_incentive_points,
            0,
            10,
            "local incentive points",
        );
        JobOffer {
            country: country(e, &p("country"), "country of work", &o.country, false),
            employer: text(e, &p("employer"), "employer", &o.employer, false),
            occupation: text(e, &p("occupation"), "occupation", &o.occupation, false),
            annual_salary,
            currency,
            duration_months,
            months_per_year,
            local_incentive_points,
            ..o.clone()
        }
    });
    EligibilityFacts {
        job_offer,
        ..facts.clone()
    }
}

/// The labels of the fields that differ between two versions (for conflict
/// messages and the audit trail).
pub fn changed_fields(before: &ClientInput, after: &ClientInput) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |same: bool, label: &'static str| {
        if !same {
            out.push(label);
        }
    };
    check(before.full_name == after.full_name, "full name");
    check(
        before.latin_name == after.latin_name,
        "name in Latin letters",
    );
    check(before.email == after.email, "email");
    check(before.phone == after.phone, "phone");
    check(before.address == after.address, "address");
    check(before.date_of_birth == after.date_of_birth, "date of birth");
    check(before.nationality == after.nationality, "nationality");
    check(
        before.passport_number == after.passport_number,
        "passport number",
    );
    check(
        before.passport_expiry == after.passport_expiry,
        "passport expiry",
    );
    check(before.education == after.education, "education");
    check(before.work == after.work, "work history");
    check(before.languages == after.languages, "languages");
    check(
        before.eligibility == after.eligibility,
        "job offer and eligibility facts",
    );
    check(
        before.preferred_language == after.preferred_language,
        "language",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client::EducationLevel;

    fn today() -> Date {
        Date::parse("2026-11-24").unwrap()
    }

    fn wang() -> ClientInput {
        ClientInput {
            full_name: " 王伟 ".into(),
            latin_name: "WANG Wei".into(),
            email: "Wang.Wei@Example.com".into(),
            date_of_birth: "1996-03-02".into(),
            nationality: "cn".into(),
            passport_number: "e 1234 5678".into(),
            passport_expiry: "2031-03-01".into(),
            education: vec![Education {
                level: EducationLevel::Master,
                field: "Computer science".into(),
                stem: true,
                institution: "Tsinghua University".into(),
                country: "cn".into(),
                completed_on: "2021-07-01".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_job_offer_is_checked_field_by_field() {
        let mut c = wang();
        c.eligibility.job_offer = Some(JobOffer {
            country: "de".into(),
            annual_salary: "45,934.20".into(),
            currency: "eur".into(),
            duration_months: "24".into(),
            ..JobOffer::default()
        });
        let clean = validate_client(&c, today()).unwrap();
        let offer = clean.eligibility.job_offer.unwrap();
        assert_eq!(
            (offer.country.as_str(), offer.currency.as_str()),
            ("DE", "EUR")
        );

        c.eligibility.job_offer = Some(JobOffer {
            annual_salary: "about 50k".into(),
            currency: "euro".into(),
            months_per_year: "13".into(),
            ..JobOffer::default()
        });
        let errors = validate_client(&c, today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "eligibility.job_offer.currency",
                "eligibility.job_offer.annual_salary",
                "eligibility.job_offer.months_per_year"
            ]
        );
    }

    #[test]
    fn a_valid_client_is_normalised() {
        let c = validate_client(&wang(), today()).unwrap();
        assert_eq!(c.full_name, "王伟");
        assert_eq!(c.email, "wang.wei@example.com");
        assert_eq!(c.nationality, "CN");
        assert_eq!(c.passport_number, "E12345678");
        assert_eq!(c.education[0].country, "CN");
    }

    #[test]
    fn every_broken_rule_is_reported_on_its_field() {
        let mut bad = wang();
        bad.full_name = "  ".into();
        bad.email = "not-an-email".into();
        bad.date_of_birth = "2030-01-01".into();
        bad.passport_expiry = "2025-02-30".into();
        bad.nationality = "China".into();
        bad.education[0].field = String::new();
        let errors = validate_client(&bad, today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "full_name",
            "email",
            "date_of_birth",
            "passport_expiry",
            "nationality",
            "education.0.field",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn a_passport_expiring_before_birth_is_impossible() {
        let mut bad = wang();
        bad.passport_expiry = "1990-01-01".into();
        let errors = validate_client(&bad, today()).unwrap_err();
        assert_eq!(errors[0].field, "passport_expiry");
        assert!(errors[0].message.contains("before the date of birth"));
    }

    #[test]
    fn oversized_text_and_long_lists_are_refused() {
        let mut bad = wang();
        bad.address = "x".repeat(TEXT_MAX_CHARS + 1);
        bad.languages = vec![
            LanguageSkill {
                language: "en".into(),
                test: String::new(),
                level: String::new()
            };
            LIST_MAX + 1
        ];
        let errors = validate_client(&bad, today()).unwrap_err();
        assert!(errors
            .iter()
            .any(|e| e.field == "address" && e.message.contains("the limit is 200")));
        assert!(errors.iter().any(|e| e.field == "languages"));
    }

    #[test]
    fn work_cannot_end_before_it_starts() {
        let mut bad = wang();
        bad.work = vec![Work {
            role: "Engineer".into(),
            employer: "Acme".into(),
            country: "US".into(),
            start_on: "2022-01-01".into(),
            end_on: "2021-01-01".into(),
            research_or_teaching: false,
        }];
        let errors = validate_client(&bad, today()).unwrap_err();
        assert_eq!(errors[0].field, "work.0.end_on");
    }

    #[test]
    fn changed_fields_name_what_differs() {
        let a = validate_client(&wang(), today()).unwrap();
        let mut b = a.clone();
        b.email = "new@example.com".into();
        b.passport_number = "X1".into();
        assert_eq!(changed_fields(&a, &b), vec!["email", "passport number"]);
    }
}
