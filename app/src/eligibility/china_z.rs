//! China's Foreigner's Work Permit (behind the Z visa): Category A, B or C
//! by the direct criteria and by the points table.

use super::profile::{format_cents, parse_cents, parse_count};
use super::result::{Criterion, Outcome, Points, PointsFactor, ProgrammeResult, Status};
use super::rules::{date, finish, yes_no, Check, Cite, Dated, Facts};
use crate::domain::client::EducationLevel;
use crate::domain::Programme;
use std::borrow::Cow;

static STANDARD: Cite = Cite {
    citation: "Foreigner's Work Permit classification standard (trial), 外国人来华工作分类标准（试行）, notice 外专发〔2017〕40号 of the State Administration of Foreign Experts Affairs and others; Annex 3, points table 积分要素计分赋值表",
    url: "",
};

/// The classification standard, nationwide from 2017-04-01.
pub static STANDARD_2017: Dated<()> = Dated {
    from: date(2017, 4, 1),
    until: None,
    value: (),
    cite: &STANDARD,
};

/// Points for Category A (85 or more) and B (60 or more).
pub const A_POINTS: u32 = 85;
pub const B_POINTS: u32 = 60;

/// CNY cents in one CNY.
const CENTS: i64 = 100;

/// Annual salary bands in CNY cents (lower bound inclusive) and points.
const SALARY_BANDS: [(i64, u32); 6] = [
    (450_000 * CENTS, 20),
    (350_000 * CENTS, 17),
    (250_000 * CENTS, 14),
    (150_000 * CENTS, 11),
    (70_000 * CENTS, 8),
    (50_000 * CENTS, 5),
];

/// Months worked in China a year (lower bound inclusive) and points.
const MONTH_BANDS: [(u32, u32); 3] = [(9, 15), (6, 10), (3, 5)];

/// The work-permit classification of a profile, shared with the R visa.
pub struct Classification {
    pub category: Option<char>,
    /// Category A is neither met nor ruled out: these facts would settle it.
    pub a_open: Option<Vec<&'static str>>,
    pub points: Points,
    pub criteria: Vec<Criterion>,
}

fn band<T: PartialOrd + Copy>(bands: &[(T, u32)], value: T) -> u32 {
    bands
        .iter()
        .find(|(from, _)| value >= *from)
        .map(|(_, p)| *p)
        .unwrap_or(0)
}

fn factor(name: &'static str, value: String, points: u32, max: u32) -> PointsFactor {
    PointsFactor {
        factor: Cow::Borrowed(name),
        value,
        points,
        max,
        unknown: false,
    }
}

fn unknown(name: &'static str, why: &str, max: u32) -> PointsFactor {
    PointsFactor {
        factor: Cow::Borrowed(name),
        value: why.to_string(),
        points: 0,
        max,
        unknown: true,
    }
}

/// Scores the points table. Missing fields are returned alongside.
pub fn points(f: &Facts) -> (Points, Vec<&'static str>) {
    let mut missing = Vec::new();
    let offer = f.offer_in("CN");
    let mut factors = Vec::with_capacity(9);

    let salary = offer.and_then(|o| parse_cents(&o.annual_salary).map(|c| (c, o.currency.trim())));
    factors.push(match salary {
        Some((cents, cur)) if cur.eq_ignore_ascii_case("CNY") => factor(
            "Annual salary in China",
            format!("CNY {}", format_cents(cents)),
            band(&SALARY_BANDS, cents),
            20,
        ),
        Some((_, cur)) => {
            missing.push("eligibility.job_offer.salary_in_cny");
            unknown(
                "Annual salary in China",
                &format!("in {cur}; the table scores CNY"),
                20,
            )
        }
        None => {
            missing.push("eligibility.job_offer.annual_salary");
            unknown(
                "Annual salary in China",
                "unknown (needs a job offer in China)",
                20,
            )
        }
    });

    factors.push(match f.highest {
        Some(level) => {
            let p = match level {
                EducationLevel::Doctorate => 20,
                EducationLevel::Master => 15,
                EducationLevel::Bachelor => 10,
                _ => 0,
            };
            factor("Education", level.label().to_string(), p, 20)
        }
        None => {
            missing.push("education");
            unknown("Education", "no education recorded", 20)
        }
    });

    let years = f.experience_years;
    let exp_points = if years < 2 {
        0
    } else {
        (5 + (years - 2)).min(20)
    };
    factors.push(if f.profile.work.is_empty() {
        factor("Work experience", "none recorded".into(), 0, 20)
    } else if !f.unreadable_work.is_empty() {
        missing.push("work");
        PointsFactor {
            points: exp_points,
            ..unknown(
                "Work experience",
                &format!("at least {years} years; some jobs have no readable dates"),
                20,
            )
        }
    } else {
        factor("Work experience", format!("{years} years"), exp_points, 20)
    });

    factors.push(match offer.and_then(|o| parse_count(&o.months_per_year)) {
        Some(m) => {
            let m = m.min(12);
            factor(
                "Months a year working in China",
                format!("{m}"),
                band(&MONTH_BANDS, m),
                15,
            )
        }
        None => {
            missing.push("eligibility.job_offer.months_per_year");
            unknown("Months a year working in China", "unknown", 15)
        }
    });

    factors.push(match f.hsk {
        Some(level) => factor("Chinese (HSK)", format!("HSK {level}"), level.min(5), 5),
        None => factor("Chinese (HSK)", "no HSK result recorded".into(), 0, 5),
    });

    factors.push(match offer.and_then(|o| o.encouraged_region) {
        Some(yes) => factor(
            "Encouraged region of work",
            yes_no(Some(yes)).into(),
            if yes { 10 } else { 0 },
            10,
        ),
        None => {
            missing.push("eligibility.job_offer.encouraged_region");
            unknown("Encouraged region of work", "unknown", 10)
        }
    });

    factors.push(match f.age {
        Some(age) => {
            let p = match age {
                18..=25 => 10,
                26..=45 => 15,
                46..=55 => 10,
                56..=60 => 5,
                _ => 0,
            };
            factor("Age", format!("{age}"), p, 15)
        }
        None => {
            missing.push("date_of_birth");
            unknown("Age", "unknown", 15)
        }
    });

    factors.push(match f.facts().top_ranked {
        Some(yes) => factor(
            "Top university, Fortune 500 employer, patent or 5 years in China",
            yes_no(Some(yes)).into(),
            if yes { 5 } else { 0 },
            5,
        ),
        None => {
            missing.push("eligibility.top_ranked");
            unknown(
                "Top university, Fortune 500 employer, patent or 5 years in China",
                "unknown",
                5,
            )
        }
    });

    factors.push(match offer.map(|o| o.local_incentive_points.trim()) {
        Some("") | None => factor("Local incentive points", "none claimed".into(), 0, 10),
        Some(text) => match parse_count(text).filter(|p| *p <= 10) {
            Some(p) => factor("Local incentive points", format!("{p}"), p, 10),
            None => unknown("Local incentive points", "not a number from 0 to 10", 10),
        },
    });

    let total = factors.iter().map(|x| x.points).sum();
    // What the unknown factors could still add beyond what they already score.
    let unknown_max: u32 = factors
        .iter()
        .filter(|x| x.unknown)
        .map(|x| x.max - x.points)
        .sum();
    (
        Points {
            factors,
            total,
            unknown_max,
            partial: unknown_max > 0,
        },
        missing,
    )
}

/// Classifies a profile as Category A, B or C, or leaves it open when
/// missing facts could change the answer.
pub fn classify(f: &Facts) -> Classification {
    let source = || STANDARD_2017.source();
    let (points, missing) = points(f);
    let (total, ceiling) = (points.total, points.total + points.unknown_max);
    let facts = f.facts();
    let mut criteria = Vec::with_capacity(3);

    let direct_a = facts.high_end_talent;
    let a_points = |c: Check| {
        c.value("points", total)
            .value("points possible with missing facts", ceiling)
    };
    let a = a_points(
        Check::new(
            "category_a",
            "Category A: a high-end talent criterion, or 85 points",
            source(),
        )
        .value("high-end talent criterion", yes_no(direct_a)),
    );
    let a_met = direct_a == Some(true) || total >= A_POINTS;
    let a_open = !a_met && (direct_a.is_none() || ceiling >= A_POINTS);

    let max_age = f.settings.z_permit_b_max_age;
    let degree = f.highest.is_some_and(|l| l >= EducationLevel::Bachelor);
    let direct_b = degree && f.experience_years >= 2 && f.age.is_some_and(|a| a <= max_age);
    let b_met = direct_b || total >= B_POINTS;
    let b_open =
        !b_met && (ceiling >= B_POINTS || (degree && f.experience_years >= 2 && f.age.is_none()));

    criteria.push(if a_met {
        a.done(
            Status::Met,
            if direct_a == Some(true) {
                "Meets a Category A high-end talent criterion.".to_string()
            } else {
                format!("Scores {total} points, at least {A_POINTS}.")
            },
        )
    } else if b_met {
        a.done(Status::Info, format!("Category B applies. Category A would need {A_POINTS} points (scored: {total}, up to {ceiling} with the missing facts) or a high-end talent criterion."))
    } else if a_open {
        let a = if direct_a.is_none() { a.missing("eligibility.high_end_talent") } else { a };
        let a = missing.iter().fold(a, |a, m| a.missing(*m));
        a.done(Status::Missing, format!("Scores {total} of the {A_POINTS} points so far (up to {ceiling} with the missing facts); whether a high-end talent criterion is met: {}.", yes_no(direct_a)))
    } else {
        a.done(Status::NotMet, format!("Scores {total} points, under {A_POINTS}, and meets no high-end talent criterion."))
    });

    let b = Check::new(
        "category_b",
        "Category B: bachelor's and 2 years' related work, or 60 points",
        source(),
    )
    .setting("z_permit_b_max_age")
    .value(
        "highest education",
        f.highest.map(|l| l.label()).unwrap_or("none"),
    )
    .value("years of work", f.experience_years)
    .value(
        "age",
        f.age
            .map(|a| a.to_string())
            .unwrap_or_else(|| "unknown".into()),
    )
    .value("firm's age limit", max_age)
    .value("points", total);
    criteria.push(if a_met && !b_met {
        b.done(Status::Info, "Not needed: Category A applies.")
    } else if b_met {
        b.done(Status::Met, if direct_b {
            format!("Has a bachelor's degree or higher and {} years of work (taken as related to the job), aged within {max_age}.", f.experience_years)
        } else {
            format!("Scores {total} points, at least {B_POINTS}.")
        })
    } else if b_open {
        let b = missing.iter().fold(b, |b, m| b.missing(*m));
        b.done(Status::Missing, format!("Scores {total} points so far (up to {ceiling} with the missing facts)."))
    } else {
        b.done(Status::NotMet, format!("Scores {total} points, under {B_POINTS}; the direct route needs a bachelor's degree, 2 years of related work and an age within {max_age}."))
    });

    let category = if a_met {
        Some('A')
    } else if b_met {
        Some('B')
    } else if a_open || b_open {
        None
    } else {
        Some('C')
    };
    let a_open = a_open.then(|| {
        let mut facts = missing;
        if direct_a.is_none() {
            facts.insert(0, "eligibility.high_end_talent");
        }
        facts
    });
    Classification {
        category,
        a_open,
        points,
        criteria,
    }
}

/// Assesses the work permit behind the Z visa.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || STANDARD_2017.source();
    if !STANDARD_2017.in_force(f.on) {
        let c = Check::new("in_force", "The classification standard applies", source())
            .value("assessment date", f.on)
            .done(Status::Review, "The A/B/C standard applies nationwide from 2017-04-01; earlier rules are not encoded.");
        return finish(Programme::ChinaZ, Outcome::NeedsReview, vec![c], None);
    }
    let Classification {
        category,
        points,
        mut criteria,
        ..
    } = classify(f);
    let employer = Check::new(
        "employer",
        "An employer in China applies for the permit",
        source(),
    );
    let employer = match (f.offer_in("CN"), f.offer_country()) {
        (Some(o), _) => {
            let e = employer
                .value("employer", &o.employer)
                .value("sponsors", yes_no(o.employer_sponsors));
            match o.employer_sponsors {
                Some(true) => e.done(Status::Met, format!("{} will apply for the work permit.", o.employer)),
                Some(false) => e.done(Status::NotMet, "The employer will not apply; the permit is applied for by the employing entity."),
                None => e.missing("eligibility.job_offer.employer_sponsors").done(Status::Missing, "Whether the employer will apply for the permit is not known."),
            }
        }
        (None, Some(country)) => employer.value("job offer country", country).done(
            Status::NotMet,
            format!(
                "The job offer on file is for {country}; the permit needs an employer in China."
            ),
        ),
        (None, None) => employer.missing("eligibility.job_offer").done(
            Status::Missing,
            "No job offer is recorded; the permit is applied for by an employer in China.",
        ),
    };
    criteria.insert(0, employer);

    let c_note = Check::new(
        "category_c",
        "Category C: other foreigners within quotas",
        source(),
    );
    let employer_status = criteria[0].status;
    let (outcome, summary) = match (employer_status, category) {
        (Status::NotMet, _) => (Outcome::Ineligible, None),
        (_, None) => (Outcome::NeedsInformation, None),
        (Status::Missing, Some(_)) => (Outcome::NeedsInformation, None),
        (_, Some('C')) => {
            criteria.push(c_note.done(Status::Review, "Neither A nor B: Category C covers others within quotas and policy (seasonal work, internships, special programmes), which the firm must judge."));
            (
                Outcome::NeedsReview,
                Some(
                    "Category C at most: within quotas and policy, for the firm to judge."
                        .to_string(),
                ),
            )
        }
        (_, Some(cat)) => (
            Outcome::Eligible,
            Some(format!(
                "Category {cat}, with {} points{}.",
                points.total,
                if points.partial {
                    " counted so far"
                } else {
                    ""
                }
            )),
        ),
    };
    let mut result = finish(Programme::ChinaZ, outcome, criteria, summary);
    result.category = category.map(|c| Cow::Owned(c.to_string()));
    result.points = Some(points);
    result
}
