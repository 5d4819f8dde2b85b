//! China's Foreigner's Work Permit (behind the Z visa): Category A, B or C
//! by the direct criteria and by the points table.

use super::profile::{parse_cents, parse_count};
use super::result::{Criterion, Outcome, Points, PointsFactor, ProgrammeResult, Status};
use super::rules::{date, finish, Check, Cite, Dated, Facts};
use super::words::{Factor, Label, Money, Reason, Scored, Shown, Summary, ValueName};
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

fn factor(name: Factor, value: Shown, points: u32, max: u32) -> PointsFactor {
    PointsFactor {
        factor: name,
        value,
        points,
        max,
        unknown: false,
    }
}

fn unknown(name: Factor, why: Scored, max: u32) -> PointsFactor {
    PointsFactor {
        factor: name,
        value: Shown::Scored(why),
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
            Factor::Salary,
            Shown::Money(Money::new("CNY", cents)),
            band(&SALARY_BANDS, cents),
            20,
        ),
        Some((_, cur)) => {
            missing.push("eligibility.job_offer.salary_in_cny");
            unknown(
                Factor::Salary,
                Scored::NotInCny {
                    currency: cur.to_string(),
                },
                20,
            )
        }
        None => {
            missing.push("eligibility.job_offer.annual_salary");
            unknown(Factor::Salary, Scored::NeedsOfferInChina, 20)
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
            factor(Factor::Education, Shown::Level(Some(level)), p, 20)
        }
        None => {
            missing.push("education");
            unknown(Factor::Education, Scored::NoEducation, 20)
        }
    });

    let years = f.experience_years;
    let exp_points = if years < 2 {
        0
    } else {
        (5 + (years - 2)).min(20)
    };
    factors.push(if f.profile.work.is_empty() {
        factor(Factor::WorkExperience, Shown::Scored(Scored::NoWork), 0, 20)
    } else if !f.unreadable_work.is_empty() {
        missing.push("work");
        PointsFactor {
            points: exp_points,
            ..unknown(Factor::WorkExperience, Scored::AtLeastYears { years }, 20)
        }
    } else {
        factor(Factor::WorkExperience, Shown::Years(years), exp_points, 20)
    });

    factors.push(match offer.and_then(|o| parse_count(&o.months_per_year)) {
        Some(m) => {
            let m = m.min(12);
            factor(
                Factor::MonthsInChina,
                Shown::Months(m),
                band(&MONTH_BANDS, m),
                15,
            )
        }
        None => {
            missing.push("eligibility.job_offer.months_per_year");
            unknown(Factor::MonthsInChina, Scored::Unknown, 15)
        }
    });

    factors.push(match f.hsk {
        Some(level) => factor(
            Factor::Chinese,
            Shown::Scored(Scored::Hsk { level }),
            level.min(5),
            5,
        ),
        None => factor(Factor::Chinese, Shown::Scored(Scored::NoHsk), 0, 5),
    });

    factors.push(match offer.and_then(|o| o.encouraged_region) {
        Some(yes) => factor(
            Factor::EncouragedRegion,
            Shown::Answer(Some(yes)),
            if yes { 10 } else { 0 },
            10,
        ),
        None => {
            missing.push("eligibility.job_offer.encouraged_region");
            unknown(Factor::EncouragedRegion, Scored::Unknown, 10)
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
            factor(Factor::Age, Shown::Number(age), p, 15)
        }
        None => {
            missing.push("date_of_birth");
            unknown(Factor::Age, Scored::Unknown, 15)
        }
    });

    factors.push(match f.facts().top_ranked {
        Some(yes) => factor(
            Factor::TopRanked,
            Shown::Answer(Some(yes)),
            if yes { 5 } else { 0 },
            5,
        ),
        None => {
            missing.push("eligibility.top_ranked");
            unknown(Factor::TopRanked, Scored::Unknown, 5)
        }
    });

    factors.push(match offer.map(|o| o.local_incentive_points.trim()) {
        Some("") | None => factor(
            Factor::LocalIncentive,
            Shown::Scored(Scored::NoneClaimed),
            0,
            10,
        ),
        Some(text) => match parse_count(text).filter(|p| *p <= 10) {
            Some(p) => factor(Factor::LocalIncentive, Shown::Number(p), p, 10),
            None => unknown(Factor::LocalIncentive, Scored::NotZeroToTen, 10),
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
    let a = Check::new("category_a", Label::ZCategoryA, source())
        .value(ValueName::HighEndTalent, direct_a)
        .value(ValueName::Points, total)
        .value(ValueName::PointsPossible, ceiling);
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
                Reason::ZHighEndTalent
            } else {
                Reason::ZScoresAtLeast {
                    total,
                    need: A_POINTS,
                }
            },
        )
    } else if b_met {
        a.done(
            Status::Info,
            Reason::ZCategoryBInstead {
                need: A_POINTS,
                total,
                ceiling,
            },
        )
    } else if a_open {
        let a = if direct_a.is_none() {
            a.missing("eligibility.high_end_talent")
        } else {
            a
        };
        let a = missing.iter().fold(a, |a, m| a.missing(*m));
        a.done(
            Status::Missing,
            Reason::ZCategoryAOpen {
                total,
                need: A_POINTS,
                ceiling,
                high_end: direct_a,
            },
        )
    } else {
        a.done(
            Status::NotMet,
            Reason::ZCategoryANotMet {
                total,
                need: A_POINTS,
            },
        )
    });

    let b = Check::new("category_b", Label::ZCategoryB, source())
        .setting("z_permit_b_max_age")
        .value(ValueName::HighestEducation, Shown::Level(f.highest))
        .value(ValueName::YearsOfWork, f.experience_years)
        .value(
            ValueName::Age,
            f.age.map_or(Shown::Answer(None), Shown::Number),
        )
        .value(ValueName::FirmAgeLimit, max_age)
        .value(ValueName::Points, total);
    criteria.push(if a_met && !b_met {
        b.done(Status::Info, Reason::ZCategoryBNotNeeded)
    } else if b_met {
        b.done(
            Status::Met,
            if direct_b {
                Reason::ZCategoryBDirect {
                    years: f.experience_years,
                    max_age,
                }
            } else {
                Reason::ZScoresAtLeast {
                    total,
                    need: B_POINTS,
                }
            },
        )
    } else if b_open {
        let b = missing.iter().fold(b, |b, m| b.missing(*m));
        b.done(Status::Missing, Reason::ZCategoryBOpen { total, ceiling })
    } else {
        b.done(
            Status::NotMet,
            Reason::ZCategoryBNotMet {
                total,
                need: B_POINTS,
                max_age,
            },
        )
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
        let c = Check::new("in_force", Label::ZInForce, source())
            .value(ValueName::AssessmentDate, f.on)
            .done(Status::Review, Reason::ZBeforeStandard);
        return finish(Programme::ChinaZ, Outcome::NeedsReview, vec![c], None);
    }
    let Classification {
        category,
        points,
        mut criteria,
        ..
    } = classify(f);
    let employer = Check::new("employer", Label::ZEmployer, source());
    let employer = match (f.offer_in("CN"), f.offer_country()) {
        (Some(o), _) => {
            let e = employer
                .value(ValueName::Employer, &o.employer)
                .value(ValueName::Sponsors, o.employer_sponsors);
            match o.employer_sponsors {
                Some(true) => e.done(
                    Status::Met,
                    Reason::ZEmployerApplies {
                        employer: o.employer.clone(),
                    },
                ),
                Some(false) => e.done(Status::NotMet, Reason::ZEmployerWillNot),
                None => e
                    .missing("eligibility.job_offer.employer_sponsors")
                    .done(Status::Missing, Reason::ZEmployerUnknown),
            }
        }
        (None, Some(country)) => employer.value(ValueName::JobOfferCountry, country).done(
            Status::NotMet,
            Reason::ZOfferElsewhere {
                country: country.to_string(),
            },
        ),
        (None, None) => employer
            .missing("eligibility.job_offer")
            .done(Status::Missing, Reason::ZNoOffer),
    };
    criteria.insert(0, employer);

    let c_note = Check::new("category_c", Label::ZCategoryC, source());
    let employer_status = criteria[0].status;
    let (outcome, summary) = match (employer_status, category) {
        (Status::NotMet, _) => (Outcome::Ineligible, None),
        (_, None) => (Outcome::NeedsInformation, None),
        (Status::Missing, Some(_)) => (Outcome::NeedsInformation, None),
        (_, Some('C')) => {
            criteria.push(c_note.done(Status::Review, Reason::ZCategoryC));
            (Outcome::NeedsReview, Some(Summary::ZCategoryCAtMost))
        }
        (_, Some(cat)) => (
            Outcome::Eligible,
            Some(Summary::ZCategory {
                category: cat,
                points: points.total,
                partial: points.partial,
            }),
        ),
    };
    let mut result = finish(Programme::ChinaZ, outcome, criteria, summary);
    result.category = category.map(|c| Cow::Owned(c.to_string()));
    result.points = Some(points);
    result
}
