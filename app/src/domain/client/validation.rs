//! The rules a client's details must keep, each broken one tied to its field,
//! and the helpers other forms (cases, tasks) share.

use super::{ClientInput, Education, LanguageSkill, Work, LIST_MAX, TEXT_MAX_CHARS};
use crate::domain::date::Date;
use crate::domain::problem::{Problem, Thing};
use crate::domain::validate::{normalize_email, FieldError};
use crate::eligibility::{is_open_ended, parse_cents, parse_count, EligibilityFacts, JobOffer};
use serde::{Deserialize, Serialize};

pub(crate) fn err(field: impl Into<String>, problem: Problem) -> FieldMessage {
    FieldMessage {
        field: field.into(),
        problem,
    }
}

/// A rule a field broke; `field` is a path such as `education.1.completed_on`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: String,
    pub problem: Problem,
}

impl From<FieldError> for FieldMessage {
    fn from(e: FieldError) -> Self {
        FieldMessage {
            field: e.field.to_string(),
            problem: e.problem,
        }
    }
}

pub(crate) fn text(
    errors: &mut Vec<FieldMessage>,
    field: &str,
    thing: Thing,
    value: &str,
    required: bool,
) -> String {
    let value = value.trim().to_string();
    let chars = value.chars().count();
    if required && value.is_empty() {
        errors.push(err(field, Problem::Missing(thing)));
    } else if chars > TEXT_MAX_CHARS {
        errors.push(err(
            field,
            Problem::TooLong {
                thing,
                chars,
                max: TEXT_MAX_CHARS,
            },
        ));
    } else if value.chars().any(|c| c.is_control()) {
        errors.push(err(field, Problem::ControlCharacters(thing)));
    }
    value
}

pub(crate) fn date(
    errors: &mut Vec<FieldMessage>,
    field: &str,
    thing: Thing,
    value: &str,
) -> (String, Option<Date>) {
    let value = value.trim();
    if value.is_empty() {
        return (String::new(), None);
    }
    match Date::parse(value) {
        Some(d) => (d.to_string(), Some(d)),
        None => {
            errors.push(err(field, Problem::NotADate(thing)));
            (value.chars().take(40).collect(), None)
        }
    }
}

fn country(
    errors: &mut Vec<FieldMessage>,
    field: &str,
    thing: Thing,
    value: &str,
    required: bool,
) -> String {
    let code = value.trim().to_uppercase();
    if (code.is_empty() && required)
        || (!code.is_empty() && (code.len() != 2 || !code.chars().all(|c| c.is_ascii_uppercase())))
    {
        errors.push(err(field, Problem::CountryCode(thing)));
    }
    code
}

/// Checks and normalises a client's details against `today`. Every broken
/// rule is reported, each tied to its field.
pub fn validate_client(input: &ClientInput, today: Date) -> Result<ClientInput, Vec<FieldMessage>> {
    let mut e = Vec::new();
    let full_name = text(&mut e, "full_name", Thing::FullName, &input.full_name, true);
    let latin_name = text(
        &mut e,
        "latin_name",
        Thing::LatinName,
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
    let phone = text(&mut e, "phone", Thing::Phone, &input.phone, false);
    let address = text(&mut e, "address", Thing::Address, &input.address, false);
    let (date_of_birth, born) = date(
        &mut e,
        "date_of_birth",
        Thing::DateOfBirth,
        &input.date_of_birth,
    );
    if let Some(b) = born {
        if b > today {
            e.push(err(
                "date_of_birth",
                Problem::InTheFuture(Thing::DateOfBirth),
            ));
        } else if b.year < 1900 {
            e.push(err(
                "date_of_birth",
                Problem::TooEarly {
                    thing: Thing::DateOfBirth,
                    year: 1900,
                },
            ));
        }
    }
    let nationality = country(
        &mut e,
        "nationality",
        Thing::Nationality,
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
        e.push(err("passport_number", Problem::PassportNumberShape));
    }
    let (passport_expiry, expires) = date(
        &mut e,
        "passport_expiry",
        Thing::PassportExpiry,
        &input.passport_expiry,
    );
    if let (Some(b), Some(x)) = (born, expires) {
        if x <= b {
            e.push(err(
                "passport_expiry",
                Problem::DateBefore {
                    thing: Thing::PassportExpiry,
                    other: Thing::DateOfBirth,
                    on: None,
                },
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
                Problem::TooManyEntries {
                    count: len,
                    max: LIST_MAX,
                },
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
                Thing::CompletionDate,
                &ed.completed_on,
            );
            if let (Some(b), Some(d)) = (born, done) {
                if d <= b {
                    e.push(err(
                        p("completed_on"),
                        Problem::DateBefore {
                            thing: Thing::CompletionDate,
                            other: Thing::DateOfBirth,
                            on: None,
                        },
                    ));
                }
            }
            Education {
                level: ed.level,
                field: text(&mut e, &p("field"), Thing::FieldOfStudy, &ed.field, true),
                stem: ed.stem,
                institution: text(
                    &mut e,
                    &p("institution"),
                    Thing::Institution,
                    &ed.institution,
                    true,
                ),
                country: country(&mut e, &p("country"), Thing::Country, &ed.country, false),
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
            let (start_on, start) = date(&mut e, &p("start_on"), Thing::StartDate, &w.start_on);
            let (end_on, end) = date(&mut e, &p("end_on"), Thing::EndDate, &w.end_on);
            if let (Some(s), Some(x)) = (start, end) {
                if x < s {
                    e.push(err(
                        p("end_on"),
                        Problem::DateBefore {
                            thing: Thing::EndDate,
                            other: Thing::StartDate,
                            on: None,
                        },
                    ));
                }
            }
            Work {
                role: text(&mut e, &p("role"), Thing::JobRole, &w.role, true),
                employer: text(&mut e, &p("employer"), Thing::Employer, &w.employer, true),
                country: country(&mut e, &p("country"), Thing::Country, &w.country, false),
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
                language: text(&mut e, &p("language"), Thing::Language, &l.language, true),
                test: text(&mut e, &p("test"), Thing::LanguageTest, &l.test, false),
                level: text(&mut e, &p("level"), Thing::LanguageLevel, &l.level, false),
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
            e.push(err(p("currency"), Problem::CurrencyCode));
        }
        let annual_salary = o.annual_salary.trim().to_string();
        if !annual_salary.is_empty() && parse_cents(&annual_salary).is_none() {
            e.push(err(p("annual_salary"), Problem::SalaryNumber));
        }
        if !annual_salary.is_empty() && currency.is_empty() {
            e.push(err(p("currency"), Problem::CurrencyMissing));
        }
        let mut count = |field: &str, value: &str, lo: u32, hi: u32, thing: Thing| {
            let value = value.trim().to_string();
            let open_ended = field == "duration_months" && is_open_ended(&value);
            if !value.is_empty()
                && !open_ended
                && !parse_count(&value).is_some_and(|n| (lo..=hi).contains(&n))
            {
                e.push(err(p(field), Problem::OutOfRange { thing, lo, hi }));
            }
            value
        };
        let duration_months = count(
            "duration_months",
            &o.duration_months,
            1,
            600,
            Thing::ContractLength,
        );
        let months_per_year = count(
            "months_per_year",
            &o.months_per_year,
            0,
            12,
            Thing::MonthsPerYear,
        );
        let local_incentive_points = count(
            "local_incentive_points",
            &o.local_incentive_points,
            0,
            10,
            Thing::LocalIncentivePoints,
        );
        JobOffer {
            country: country(e, &p("country"), Thing::CountryOfWork, &o.country, false),
            employer: text(e, &p("employer"), Thing::Employer, &o.employer, false),
            occupation: text(e, &p("occupation"), Thing::Occupation, &o.occupation, false),
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

/// The things that differ between two versions (for conflict messages and
/// the audit trail).
pub fn changed_fields(before: &ClientInput, after: &ClientInput) -> Vec<Thing> {
    [
        (before.full_name == after.full_name, Thing::FullName),
        (before.latin_name == after.latin_name, Thing::LatinName),
        (before.email == after.email, Thing::Email),
        (before.phone == after.phone, Thing::Phone),
        (before.address == after.address, Thing::Address),
        (
            before.date_of_birth == after.date_of_birth,
            Thing::DateOfBirth,
        ),
        (before.nationality == after.nationality, Thing::Nationality),
        (
            before.passport_number == after.passport_number,
            Thing::PassportNumber,
        ),
        (
            before.passport_expiry == after.passport_expiry,
            Thing::PassportExpiry,
        ),
        (before.education == after.education, Thing::Education),
        (before.work == after.work, Thing::WorkHistory),
        (before.languages == after.languages, Thing::Languages),
        (
            before.eligibility == after.eligibility,
            Thing::EligibilityFacts,
        ),
        (
            before.preferred_language == after.preferred_language,
            Thing::Language,
        ),
    ]
    .into_iter()
    .filter_map(|(same, thing)| (!same).then_some(thing))
    .collect()
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
        assert!(matches!(
            errors[0].problem,
            Problem::DateBefore {
                other: Thing::DateOfBirth,
                ..
            }
        ));
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
        assert!(errors.iter().any(
            |e| e.field == "address" && matches!(e.problem, Problem::TooLong { max: 200, .. })
        ));
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
        assert_eq!(
            changed_fields(&a, &b),
            vec![Thing::Email, Thing::PassportNumber]
        );
    }
}
