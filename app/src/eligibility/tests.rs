//! The engine's behaviour, criterion by criterion, with the boundaries.

use super::*;
use crate::domain::client::{Education, EducationLevel, LanguageSkill, Work};

fn d(s: &str) -> Date {
    Date::parse(s).expect("test date")
}

fn degree(level: EducationLevel, stem: bool, country: &str, completed_on: &str) -> Education {
    Education {
        level,
        field: if stem { "Computer science" } else { "History" }.into(),
        stem,
        institution: "Tsinghua University".into(),
        country: country.into(),
        completed_on: completed_on.into(),
    }
}

fn job(start: &str, end: &str) -> Work {
    Work {
        role: "Engineer".into(),
        employer: "Acme".into(),
        country: "IN".into(),
        start_on: start.into(),
        end_on: end.into(),
        research_or_teaching: false,
    }
}

/// A 29-year-old STEM master's graduate with six years of work.
fn engineer() -> Profile {
    Profile {
        date_of_birth: "1997-03-15".into(),
        nationality: "IN".into(),
        education: vec![degree(EducationLevel::Master, true, "IN", "2019-06-30")],
        work: vec![job("2020-01-01", "")],
        languages: vec![],
        eligibility: EligibilityFacts {
            in_us: Some(false),
            institution_well_known: Some(true),
            top_ranked: Some(false),
            high_end_talent: Some(false),
            talent_confirmation_letter: Some(false),
            job_offer: None,
        },
    }
}

fn offer(country: &str, salary: &str, currency: &str) -> JobOffer {
    JobOffer {
        country: country.into(),
        employer: "Example GmbH".into(),
        occupation: "Software engineer".into(),
        annual_salary: salary.into(),
        currency: currency.into(),
        specialty_occupation: Some(true),
        shortage_occupation: Some(false),
        duration_months: "open-ended".into(),
        employer_sponsors: Some(true),
        cap_exempt_employer: Some(false),
        prevailing_wage_met: Some(true),
        months_per_year: "12".into(),
        encouraged_region: Some(false),
        local_incentive_points: String::new(),
    }
}

fn with_offer(mut p: Profile, o: JobOffer) -> Profile {
    p.eligibility.job_offer = Some(o);
    p
}

fn result(p: &Profile, on: &str, programme: Programme) -> ProgrammeResult {
    assess(p, d(on), &Settings::default(), Some(programme))
        .programmes
        .remove(0)
}

fn criterion<'a>(r: &'a ProgrammeResult, id: &str) -> &'a Criterion {
    r.criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{} has no criterion {id}", r.programme))
}

#[test]
fn every_programme_is_assessed_in_panel_order() {
    let a = assess(&engineer(), d("2026-01-01"), &Settings::default(), None);
    let codes: Vec<_> = a.programmes.iter().map(|p| p.programme.as_ref()).collect();
    assert_eq!(codes, ["cn_k", "cn_r", "cn_z", "us_h1b", "de_blue_card"]);
    assert_eq!(a.rules_version, RULES_VERSION);
}

#[test]
fn k_visa_does_not_exist_the_day_before_it_takes_effect() {
    let p = engineer();
    let before = result(&p, "2025-09-30", Programme::ChinaK);
    assert_eq!(before.outcome, Outcome::Ineligible);
    assert_eq!(criterion(&before, "in_force").status, Status::NotMet);
    let on_the_day = result(&p, "2025-10-01", Programme::ChinaK);
    assert_eq!(
        on_the_day.outcome,
        Outcome::Eligible,
        "{:?}",
        on_the_day.summary
    );
}

#[test]
fn k_visa_age_limit_counts_the_birthday_on_its_day() {
    // Born 1980-10-01: 45 on 2025-10-01, 46 on 2026-10-01.
    let mut p = engineer();
    p.date_of_birth = "1980-10-01".into();
    let cases = [
        ("2026-09-30", 45, Status::Met),
        ("2026-10-01", 46, Status::NotMet),
    ];
    for (on, age, status) in cases {
        let r = result(&p, on, Programme::ChinaK);
        let c = criterion(&r, "age");
        assert_eq!(c.status, status, "on {on}");
        assert!(c
            .values
            .iter()
            .any(|v| v.name == ValueName::Age && v.value == Shown::Number(age)));
        assert_eq!(c.setting.as_deref(), Some("k_visa_max_age"));
    }
}

#[test]
fn k_visa_age_limit_is_the_firms_setting() {
    let mut p = engineer();
    p.date_of_birth = "1985-01-01".into();
    let strict = Settings {
        k_visa_max_age: 35,
        ..Settings::default()
    };
    let r = assess(&p, d("2026-01-01"), &strict, Some(Programme::ChinaK));
    assert_eq!(r.programmes[0].outcome, Outcome::Ineligible);
    assert_eq!(
        criterion(&r.programmes[0], "age").reason,
        Reason::KAgeOver { age: 41, max: 35 }
    );
}

#[test]
fn k_visa_needs_review_while_the_institution_is_unconfirmed() {
    let mut p = engineer();
    p.eligibility.institution_well_known = None;
    let r = result(&p, "2026-01-01", Programme::ChinaK);
    assert_eq!(r.outcome, Outcome::NeedsReview);
    assert_eq!(criterion(&r, "institution_standing").status, Status::Review);
}

#[test]
fn k_visa_asks_for_the_date_of_birth_when_it_is_missing() {
    let mut p = engineer();
    p.date_of_birth.clear();
    let r = result(&p, "2026-01-01", Programme::ChinaK);
    assert_eq!(r.outcome, Outcome::NeedsInformation);
    assert_eq!(r.missing, ["date_of_birth"]);
}

#[test]
fn k_visa_stem_route_by_degree_or_by_research() {
    let mut p = engineer();
    p.education = vec![degree(EducationLevel::Bachelor, false, "IN", "2019-06-30")];
    assert_eq!(
        result(&p, "2026-01-01", Programme::ChinaK).outcome,
        Outcome::Ineligible
    );
    p.work[0].research_or_teaching = true;
    let r = result(&p, "2026-01-01", Programme::ChinaK);
    assert_eq!(criterion(&r, "stem_talent").status, Status::Review);
    p.education = vec![degree(EducationLevel::Vocational, true, "IN", "")];
    p.work[0].research_or_teaching = false;
    assert_eq!(
        criterion(&result(&p, "2026-01-01", Programme::ChinaK), "stem_talent").status,
        Status::NotMet
    );
}

#[test]
fn h1b_payment_applies_to_petitions_from_abroad_from_2025_09_21() {
    let p = with_offer(engineer(), offer("US", "150000", "USD"));
    let before = result(&p, "2025-09-20", Programme::UsH1b);
    let day = result(&p, "2025-09-21", Programme::UsH1b);
    assert_eq!(
        criterion(&before, "payment").reason,
        Reason::H1bPaymentNotYet
    );
    assert_eq!(criterion(&day, "payment").reason, Reason::H1bPaymentAbroad);
    assert_eq!(
        criterion(&day, "payment").source.effective_from,
        d("2025-09-21")
    );
    let mut inside = p.clone();
    inside.eligibility.in_us = Some(true);
    let r = result(&inside, "2025-09-21", Programme::UsH1b);
    assert_eq!(criterion(&r, "payment").reason, Reason::H1bPaymentInUs);
    assert_eq!(day.outcome, Outcome::Eligible, "{:?}", day.summary);
}

#[test]
fn h1b_counts_three_years_of_experience_for_each_missing_year_of_study() {
    // Vocational (2 years of study) lacks 2 years: 6 years of work needed.
    let mut p = with_offer(engineer(), offer("US", "150000", "USD"));
    p.education = vec![degree(EducationLevel::Vocational, true, "IN", "2014-06-30")];
    let cases = [
        ("2019-01-01", "2024-12-31", Status::NotMet),
        ("2019-01-01", "2025-01-01", Status::Review),
    ];
    for (start, end, status) in cases {
        p.work = vec![job(start, end)];
        let r = result(&p, "2026-01-01", Programme::UsH1b);
        assert_eq!(criterion(&r, "degree").status, status, "{start}..{end}");
    }
}

#[test]
fn h1b_needs_a_us_employer_petition() {
    let r = result(&engineer(), "2026-01-01", Programme::UsH1b);
    assert_eq!(r.outcome, Outcome::NeedsInformation);
    assert!(r.missing.iter().any(|m| m == "eligibility.job_offer"));
    let r = result(
        &with_offer(engineer(), offer("DE", "60000", "EUR")),
        "2026-01-01",
        Programme::UsH1b,
    );
    assert_eq!(criterion(&r, "employer_petition").status, Status::NotMet);
}

#[test]
fn h1b_cap_is_information_not_a_criterion() {
    let mut p = with_offer(engineer(), offer("US", "150000", "USD"));
    p.education[0].country = "US".into();
    let r = result(&p, "2026-01-01", Programme::UsH1b);
    let cap = criterion(&r, "cap");
    assert_eq!(cap.status, Status::Info);
    assert_eq!(cap.reason, Reason::H1bCapMasters);
}

#[test]
fn blue_card_salary_exactly_at_the_threshold_is_enough() {
    let cases = [
        ("2025-12-31", "48300.00", Status::Met),
        ("2025-12-31", "48299.99", Status::NotMet),
        ("2026-01-01", "50700", Status::Met),
        ("2026-01-01", "50699.99", Status::NotMet),
        ("2024-06-01", "45300", Status::Met),
    ];
    for (on, salary, status) in cases {
        let p = with_offer(engineer(), offer("DE", salary, "EUR"));
        let r = result(&p, on, Programme::EuBlueCardDe);
        assert_eq!(criterion(&r, "salary").status, status, "{salary} on {on}");
    }
}

#[test]
fn blue_card_thresholds_change_on_the_first_of_january() {
    // 49,000 meets 2025's 48,300 but not 2026's 50,700.
    let p = with_offer(engineer(), offer("DE", "49000", "EUR"));
    assert_eq!(
        result(&p, "2025-12-31", Programme::EuBlueCardDe).outcome,
        Outcome::Eligible
    );
    let r = result(&p, "2026-01-01", Programme::EuBlueCardDe);
    assert_eq!(r.outcome, Outcome::Ineligible);
    assert_eq!(
        criterion(&r, "salary").source.effective_from,
        d("2026-01-01")
    );
}

#[test]
fn blue_card_lower_threshold_for_shortage_and_recent_graduates() {
    let mut shortage = offer("DE", "45934.20", "EUR");
    shortage.shortage_occupation = Some(true);
    let p = with_offer(engineer(), shortage);
    assert_eq!(
        criterion(&result(&p, "2026-06-01", Programme::EuBlueCardDe), "salary").status,
        Status::Met
    );
    // Graduated 2023-06-30: recent until 2026-06-29, not on 2026-06-30.
    let mut grad = with_offer(engineer(), offer("DE", "45934.20", "EUR"));
    grad.education[0].completed_on = "2023-06-30".into();
    let cases = [("2026-06-29", Status::Met), ("2026-06-30", Status::NotMet)];
    for (on, status) in cases {
        let r = result(&grad, on, Programme::EuBlueCardDe);
        assert_eq!(criterion(&r, "salary").status, status, "on {on}");
    }
}

#[test]
fn blue_card_asks_whether_a_salary_between_thresholds_is_a_shortage_job() {
    let mut o = offer("DE", "47000", "EUR");
    o.shortage_occupation = None;
    let r = result(
        &with_offer(engineer(), o),
        "2026-03-01",
        Programme::EuBlueCardDe,
    );
    assert_eq!(r.outcome, Outcome::NeedsInformation);
    assert_eq!(r.missing, ["eligibility.job_offer.shortage_occupation"]);
}

#[test]
fn blue_card_contract_must_last_six_months() {
    let cases = [
        ("5", Status::NotMet),
        ("6", Status::Met),
        ("Open-ended", Status::Met),
        ("", Status::Missing),
    ];
    for (months, status) in cases {
        let mut o = offer("DE", "60000", "EUR");
        o.duration_months = months.into();
        let r = result(
            &with_offer(engineer(), o),
            "2026-03-01",
            Programme::EuBlueCardDe,
        );
        assert_eq!(criterion(&r, "job_offer").status, status, "{months} months");
    }
}

#[test]
fn blue_card_thresholds_not_yet_published_need_review() {
    let p = with_offer(engineer(), offer("DE", "60000", "EUR"));
    let r = result(&p, "2027-01-01", Programme::EuBlueCardDe);
    assert_eq!(r.outcome, Outcome::NeedsReview);
}

/// Master's 15, 6 years of work 9, 12 months 15, HSK 4 4, not encouraged 0,
/// aged 28 15, top-ranked 5, salary CNY 400,000 17: 80 before `local` points.
fn scores_80_plus(local: &str) -> Profile {
    let mut o = offer("CN", "400000", "CNY");
    o.local_incentive_points = local.into();
    let mut p = with_offer(engineer(), o);
    p.date_of_birth = "1998-01-01".into();
    p.eligibility.top_ranked = Some(true);
    p.languages = vec![LanguageSkill {
        language: "Chinese".into(),
        test: "HSK".into(),
        level: "4".into(),
    }];
    p
}

#[test]
fn work_permit_points_follow_the_official_table() {
    let r = result(&scores_80_plus(""), "2026-01-02", Programme::ChinaZ);
    let points = r.points.as_ref().expect("points");
    let scored: Vec<u32> = points.factors.iter().map(|f| f.points).collect();
    assert_eq!(scored, [17, 15, 9, 15, 4, 0, 15, 5, 0]);
    assert_eq!(points.total, 80);
    assert!(!points.partial);
    assert_eq!(r.category.as_deref(), Some("B"));
    assert_eq!(r.outcome, Outcome::Eligible);
}

#[test]
fn work_permit_category_a_starts_at_85_points() {
    // As above plus 5 local incentive points: 85.
    let p = scores_80_plus("5");
    let r = result(&p, "2026-01-02", Programme::ChinaZ);
    assert_eq!(r.points.as_ref().map(|x| x.total), Some(85));
    assert_eq!(r.category.as_deref(), Some("A"));
    let r = result(&scores_80_plus("4"), "2026-01-02", Programme::ChinaZ);
    assert_eq!(r.category.as_deref(), Some("B"));
}

#[test]
fn work_permit_salary_bands_include_their_lower_bound() {
    let cases = [
        ("450000", 20),
        ("449999.99", 17),
        ("50000", 5),
        ("49999.99", 0),
    ];
    for (salary, points) in cases {
        let p = with_offer(engineer(), offer("CN", salary, "CNY"));
        let r = result(&p, "2026-01-01", Programme::ChinaZ);
        assert_eq!(
            r.points.as_ref().map(|x| x.factors[0].points),
            Some(points),
            "{salary}"
        );
    }
}

#[test]
fn work_permit_age_bands_turn_on_the_birthday() {
    // Born 1980-06-15: 45 (15 points) the day before, 46 (10 points) on the day.
    let mut p = with_offer(engineer(), offer("CN", "100000", "CNY"));
    p.date_of_birth = "1980-06-15".into();
    for (on, points) in [("2026-06-14", 15), ("2026-06-15", 10)] {
        let r = result(&p, on, Programme::ChinaZ);
        let age = &r.points.as_ref().expect("points").factors[6];
        assert_eq!((&age.factor, age.points), (&Factor::Age, points), "on {on}");
    }
}

#[test]
fn work_permit_category_b_by_degree_and_two_years() {
    let mut p = with_offer(engineer(), offer("CN", "60000", "CNY"));
    p.education[0].level = EducationLevel::Bachelor;
    let cases = [("2021-01-02", Some("C")), ("2021-01-01", Some("B"))];
    for (start, category) in cases {
        p.work = vec![job(start, "2023-01-01")];
        let r = result(&p, "2026-01-01", Programme::ChinaZ);
        assert_eq!(r.category.as_deref(), category, "work from {start}");
    }
}

#[test]
fn work_permit_total_is_partial_when_factors_are_unknown() {
    let mut o = offer("CN", "", "CNY");
    o.encouraged_region = None;
    let p = with_offer(engineer(), o);
    let r = result(&p, "2026-01-01", Programme::ChinaZ);
    let points = r.points.as_ref().expect("points");
    assert!(points.partial);
    assert_eq!(points.unknown_max, 30);
    // The degree and six years make it Category B whatever the rest.
    assert_eq!(r.category.as_deref(), Some("B"));
}

#[test]
fn work_permit_needs_an_employer_in_china() {
    let r = result(&engineer(), "2026-01-01", Programme::ChinaZ);
    assert_eq!(r.outcome, Outcome::NeedsInformation);
    let r = result(
        &with_offer(engineer(), offer("US", "1", "USD")),
        "2026-01-01",
        Programme::ChinaZ,
    );
    assert_eq!(r.outcome, Outcome::Ineligible);
}

#[test]
fn r_visa_is_decided_by_the_confirmation_letter() {
    let mut p = engineer();
    p.eligibility.talent_confirmation_letter = Some(true);
    assert_eq!(
        result(&p, "2026-01-01", Programme::ChinaR).outcome,
        Outcome::Eligible
    );
    p.eligibility.talent_confirmation_letter = None;
    p.eligibility.high_end_talent = Some(true);
    let r = result(&p, "2026-01-01", Programme::ChinaR);
    assert_eq!(r.outcome, Outcome::NeedsReview);
    assert_eq!(criterion(&r, "category_a").status, Status::Met);
    p.eligibility.high_end_talent = Some(false);
    let r = result(
        &with_offer(p, offer("CN", "100000", "CNY")),
        "2026-01-01",
        Programme::ChinaR,
    );
    assert_eq!(r.outcome, Outcome::Ineligible);
}

#[test]
fn an_empty_profile_needs_information_everywhere_it_exists() {
    let a = assess(
        &Profile::default(),
        d("2026-01-01"),
        &Settings::default(),
        None,
    );
    for p in &a.programmes {
        assert_eq!(
            p.outcome,
            Outcome::NeedsInformation,
            "{}: {:?}",
            p.programme,
            p.summary
        );
        assert!(!p.missing.is_empty());
    }
}

#[test]
fn every_criterion_cites_a_source_in_force_on_the_date() {
    let p = with_offer(engineer(), offer("DE", "60000", "EUR"));
    let on = d("2026-03-01");
    for r in assess(&p, on, &Settings::default(), None).programmes {
        for c in &r.criteria {
            assert!(!c.source.citation.is_empty(), "{}.{}", r.programme, c.id);
            assert!(c.source.effective_from <= on, "{}.{}", r.programme, c.id);
            assert!(
                !matches!(c.reason, Reason::Recorded(_)),
                "{}.{}: every reason the engine gives is one of its own",
                r.programme,
                c.id
            );
        }
    }
}

#[test]
fn assessments_round_trip_through_json_with_text_dates() {
    let a = assess(&engineer(), d("2026-01-01"), &Settings::default(), None);
    let json = serde_json::to_string(&a).expect("json");
    assert!(json.contains("\"on\":\"2026-01-01\""));
    assert!(json.contains("\"outcome\":\"needs_information\""));
    let back: Assessment = serde_json::from_str(&json).expect("back");
    assert_eq!(back, a);
}

#[test]
fn no_education_recorded_asks_for_it_rather_than_refusing() {
    let cases = [
        (Programme::ChinaK, "DE", "EUR"),
        (Programme::UsH1b, "US", "USD"),
        (Programme::EuBlueCardDe, "DE", "EUR"),
    ];
    for (programme, country, currency) in cases {
        let mut p = with_offer(engineer(), offer(country, "60000", currency));
        p.education.clear();
        let r = result(&p, "2026-03-01", programme);
        assert_eq!(r.outcome, Outcome::NeedsInformation, "{}", r.programme);
        assert!(
            r.missing.iter().any(|m| m == "education"),
            "{}",
            r.programme
        );
    }
}

#[test]
fn an_undated_job_keeps_the_points_of_the_dated_ones() {
    // Ten dated years score 13 points; an undated job can only add more.
    let mut p = with_offer(engineer(), offer("CN", "100000", "CNY"));
    p.work = vec![job("2016-01-01", "2026-01-01"), job("", "")];
    let r = result(&p, "2026-01-01", Programme::ChinaZ);
    let points = r.points.as_ref().expect("points");
    let experience = &points.factors[2];
    assert!(experience.unknown);
    assert_eq!(experience.points, 13);
    assert_eq!(points.unknown_max, 7);
}

#[test]
fn r_visa_before_the_category_a_standard_needs_review() {
    let r = result(&engineer(), "2017-03-31", Programme::ChinaR);
    assert_eq!(r.outcome, Outcome::NeedsReview);
    assert_ne!(
        result(&engineer(), "2017-04-01", Programme::ChinaR).outcome,
        Outcome::NeedsReview
    );
}
