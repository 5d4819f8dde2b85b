//! Properties of the eligibility engine over generated profiles.

use proptest::prelude::*;
use visadesk_app::domain::client::{Education, EducationLevel, LanguageSkill, Work};
use visadesk_app::domain::date::Date;
use visadesk_app::domain::Programme;
use visadesk_app::eligibility::{
    assess, EligibilityFacts, JobOffer, Outcome, Profile, ProgrammeResult, Settings, Status,
};

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        8 => (1950i32..2030, 1u8..=12, 1u8..=28)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => "[0-9a-z-]{0,12}",
    ]
}

fn level() -> impl Strategy<Value = EducationLevel> {
    prop::sample::select(EducationLevel::ALL.to_vec())
}

fn tri() -> impl Strategy<Value = Option<bool>> {
    prop::option::of(any::<bool>())
}

fn education() -> impl Strategy<Value = Education> {
    (
        level(),
        any::<bool>(),
        prop::sample::select(vec!["US", "IN", "DE", "CN"]),
        date_text(),
    )
        .prop_map(|(level, stem, country, completed_on)| Education {
            level,
            field: "Field".into(),
            stem,
            institution: "University".into(),
            country: country.into(),
            completed_on,
        })
}

fn work() -> impl Strategy<Value = Work> {
    (date_text(), date_text(), any::<bool>()).prop_map(|(start_on, end_on, research)| Work {
        role: "Role".into(),
        employer: "Employer".into(),
        country: "IN".into(),
        start_on,
        end_on,
        research_or_teaching: research,
    })
}

fn offer() -> impl Strategy<Value = JobOffer> {
    (
        prop::sample::select(vec!["CN", "US", "DE", "FR", ""]),
        prop::sample::select(vec!["CNY", "USD", "EUR", ""]),
        prop_oneof![
            Just(String::new()),
            (0u64..80_000_000).prop_map(|c| format!("{}.{:02}", c / 100, c % 100))
        ],
        (tri(), tri(), tri(), tri(), tri(), tri()),
        prop_oneof![Just(String::new()), (0u32..40).prop_map(|n| n.to_string())],
        prop_oneof![Just(String::new()), (0u32..=12).prop_map(|n| n.to_string())],
    )
        .prop_map(
            |(country, currency, salary, flags, duration, months)| JobOffer {
                country: country.into(),
                employer: "Employer".into(),
                occupation: "Engineer".into(),
                annual_salary: salary,
                currency: currency.into(),
                specialty_occupation: flags.0,
                shortage_occupation: flags.1,
                duration_months: duration,
                employer_sponsors: flags.2,
                cap_exempt_employer: flags.3,
                prevailing_wage_met: flags.4,
                months_per_year: months,
                encouraged_region: flags.5,
                local_incentive_points: String::new(),
            },
        )
}

fn profile() -> impl Strategy<Value = Profile> {
    (
        date_text(),
        prop::collection::vec(education(), 0..3),
        prop::collection::vec(work(), 0..3),
        prop::option::of(1u32..=6),
        (tri(), tri(), tri(), tri(), tri()),
        prop::option::of(offer()),
    )
        .prop_map(|(dob, education, work, hsk, f, job_offer)| Profile {
            date_of_birth: dob,
            nationality: "IN".into(),
            education,
            work,
            languages: hsk
                .map(|l| LanguageSkill {
                    language: "Chinese".into(),
                    test: "HSK".into(),
                    level: l.to_string(),
                })
                .into_iter()
                .collect(),
            eligibility: EligibilityFacts {
                in_us: f.0,
                institution_well_known: f.1,
                top_ranked: f.2,
                high_end_talent: f.3,
                talent_confirmation_letter: f.4,
                job_offer,
            },
        })
}

fn on() -> impl Strategy<Value = Date> {
    (2016i32..2028, 1u8..=12, 1u8..=28).prop_map(|(year, month, day)| Date { year, month, day })
}

fn status(r: &ProgrammeResult, id: &str) -> Option<Status> {
    r.criteria.iter().find(|c| c.id == id).map(|c| c.status)
}

fn raise_education(mut p: Profile) -> Profile {
    for e in &mut p.education {
        e.level = match e.level {
            EducationLevel::Secondary => EducationLevel::Vocational,
            EducationLevel::Vocational => EducationLevel::Bachelor,
            EducationLevel::Bachelor => EducationLevel::Master,
            _ => EducationLevel::Doctorate,
        };
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn raising_education_never_unmeets_a_degree_criterion(p in profile(), on in on()) {
        let settings = Settings::default();
        let before = assess(&p, on, &settings, None);
        let after = assess(&raise_education(p), on, &settings, None);
        for (b, a) in before.programmes.iter().zip(&after.programmes) {
            for id in ["stem_talent", "degree", "category_b"] {
                if status(b, id) == Some(Status::Met) {
                    prop_assert_eq!(status(a, id), Some(Status::Met), "{} {}", b.programme, id);
                }
            }
            if let (Some(pb), Some(pa)) = (&b.points, &a.points) {
                prop_assert!(pa.factors[1].points >= pb.factors[1].points);
            }
        }
    }

    #[test]
    fn raising_the_salary_never_unmeets_the_salary_criterion(p in profile(), on in on()) {
        let settings = Settings::default();
        let before = assess(&p, on, &settings, Some(Programme::EuBlueCardDe));
        let mut richer = p.clone();
        if let Some(o) = richer.eligibility.job_offer.as_mut() {
            if let Some(cents) = visadesk_app::eligibility::parse_cents(&o.annual_salary) {
                o.annual_salary = format!("{}", cents / 100 + 1_000);
            }
        }
        let after = assess(&richer, on, &settings, Some(Programme::EuBlueCardDe));
        if status(&before.programmes[0], "salary") == Some(Status::Met) {
            prop_assert_eq!(status(&after.programmes[0], "salary"), Some(Status::Met));
        }
    }

    #[test]
    fn points_add_up_and_never_pass_the_table_maximum(p in profile(), on in on()) {
        let a = assess(&p, on, &Settings::default(), Some(Programme::ChinaZ));
        if let Some(points) = &a.programmes[0].points {
            let sum: u32 = points.factors.iter().map(|f| f.points).sum();
            prop_assert_eq!(sum, points.total);
            prop_assert!(points.total + points.unknown_max <= 120);
            prop_assert_eq!(points.partial, points.factors.iter().any(|f| f.unknown));
        }
    }

    #[test]
    fn outcomes_agree_with_their_criteria(p in profile(), on in on()) {
        for r in assess(&p, on, &Settings::default(), None).programmes {
            let any = |s: Status| r.criteria.iter().any(|c| c.status == s);
            match r.outcome {
                Outcome::Eligible => prop_assert!(!any(Status::NotMet) && !any(Status::Missing), "{}", r.programme),
                Outcome::NeedsInformation => prop_assert!(!r.missing.is_empty(), "{}", r.programme),
                Outcome::Ineligible | Outcome::NeedsReview => {}
            }
            if matches!(r.programme.as_ref(), "cn_k" | "us_h1b" | "de_blue_card") {
                prop_assert_eq!(r.outcome == Outcome::Ineligible, any(Status::NotMet), "{}", r.programme);
            }
        }
    }

    #[test]
    fn the_same_input_gives_the_same_answer_and_survives_json(p in profile(), on in on()) {
        let settings = Settings::default();
        let a = assess(&p, on, &settings, None);
        prop_assert_eq!(&a, &assess(&p, on, &settings, None));
        let json = serde_json::to_string(&a).expect("serialises");
        let back: visadesk_app::eligibility::Assessment = serde_json::from_str(&json).expect("parses");
        prop_assert_eq!(back, a);
    }
}
