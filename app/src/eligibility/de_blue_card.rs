//! The EU Blue Card in Germany (§18g AufenthG).

use super::profile::{experience_years, parse_cents, parse_count};
use super::result::{Criterion, ProgrammeResult, Status};
use super::rules::{combine, date, in_force, Check, Cite, Dated, Facts};
use super::words::{Label, Money, Reason, Shown, Threshold, ValueName};
use crate::domain::client::EducationLevel;
use crate::domain::Programme;

static SECTION_18G: Cite = Cite {
    citation: "§18g AufenthG (Residence Act), as amended from 2023-11-18: degree, job of at least 6 months, salary of 50% (45.3% for shortage occupations, recent graduates and IT specialists) of the pension insurance contribution ceiling",
    url: "https://www.gesetze-im-internet.de/aufenthg_2004/__18g.html",
};

static THRESHOLDS: Cite = Cite {
    citation: "Federal Ministry of the Interior: Blue Card minimum salaries announced each year (make-it-in-germany.com, EU Blue Card)",
    url: "https://www.make-it-in-germany.com/en/visa-residence/types/eu-blue-card",
};

/// The law as amended on 2023-11-18.
pub static LAW: Dated<()> = Dated {
    from: date(2023, 11, 18),
    until: None,
    value: (),
    cite: &SECTION_18G,
};

/// Gross yearly salary thresholds in euro cents: (general, lower).
pub static SALARY: [Dated<(i64, i64)>; 4] = [
    Dated {
        from: date(2023, 11, 18),
        until: Some(date(2024, 1, 1)),
        value: (4_380_000, 3_968_280),
        cite: &THRESHOLDS,
    },
    Dated {
        from: date(2024, 1, 1),
        until: Some(date(2025, 1, 1)),
        value: (4_530_000, 4_104_180),
        cite: &THRESHOLDS,
    },
    Dated {
        from: date(2025, 1, 1),
        until: Some(date(2026, 1, 1)),
        value: (4_830_000, 4_375_980),
        cite: &THRESHOLDS,
    },
    Dated {
        from: date(2026, 1, 1),
        until: Some(date(2027, 1, 1)),
        value: (5_070_000, 4_593_420),
        cite: &THRESHOLDS,
    },
];

/// Shortest contract, in months.
const MIN_MONTHS: u32 = 6;
/// A degree is recent for this many years.
const RECENT_YEARS: i32 = 3;

/// Whether a contract length says the job has no end date: "open-ended",
/// or 无固定期限 as the Chinese form suggests.
pub fn is_open_ended(text: &str) -> bool {
    let t = text.trim();
    t.eq_ignore_ascii_case("open-ended")
        || t.eq_ignore_ascii_case("open ended")
        || t == "无固定期限"
}

/// Assesses the Blue Card.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || LAW.source();
    if !LAW.in_force(f.on) {
        let c = Check::new("in_force", Label::BlueCardInForce, source())
            .value(ValueName::AssessmentDate, f.on)
            .done(Status::Review, Reason::BlueCardBeforeLaw);
        return combine(Programme::EuBlueCardDe, vec![c]);
    }
    let offer = f.offer_in("DE");
    let mut criteria: Vec<Criterion> = Vec::with_capacity(4);

    let degree = f
        .degrees_from(EducationLevel::Bachelor)
        .max_by_key(|e| e.level);
    let recent_degree = f.degrees_from(EducationLevel::Bachelor).any(|e| {
        crate::domain::date::Date::parse(&e.completed_on)
            .is_some_and(|done| done <= f.on && f.on < done.add_years(RECENT_YEARS))
    });
    let it_years = experience_years(&f.profile.work, f.on, Some(f.on.add_years(-7))).0;
    let d = Check::new("degree", Label::BlueCardDegree, source());
    let mut it_route = false;
    criteria.push(match degree {
        Some(e) => d
            .value(
                ValueName::Degree,
                Shown::Degree {
                    level: e.level,
                    field: e.field.clone(),
                },
            )
            .value(ValueName::Country, &e.country)
            .done(Status::Met, Reason::BlueCardDegree),
        None if f.profile.education.is_empty() => d
            .missing("education")
            .done(Status::Missing, Reason::BlueCardNoEducation),
        None if it_years >= 3 => {
            it_route = true;
            d.value(ValueName::YearsOfWorkLastSeven, it_years)
                .done(Status::Review, Reason::BlueCardItRoute { years: it_years })
        }
        None => d
            .value(ValueName::HighestEducation, Shown::Level(f.highest))
            .done(Status::NotMet, Reason::BlueCardNoDegree),
    });

    let job = Check::new("job_offer", Label::BlueCardJobOffer, source());
    criteria.push(match (offer, f.offer_country()) {
        (Some(o), _) => match o.duration_months.trim() {
            "" => job
                .missing("eligibility.job_offer.duration_months")
                .done(Status::Missing, Reason::BlueCardLengthUnknown),
            text if is_open_ended(text) => job
                .value(ValueName::Employer, &o.employer)
                .value(ValueName::Duration, Shown::OpenEnded)
                .done(
                    Status::Met,
                    Reason::BlueCardOpenEnded {
                        employer: o.employer.clone(),
                    },
                ),
            text => match parse_count(text) {
                Some(m) if m >= MIN_MONTHS => {
                    job.value(ValueName::Duration, Shown::Months(m)).done(
                        Status::Met,
                        Reason::BlueCardLongEnough {
                            months: m,
                            min: MIN_MONTHS,
                        },
                    )
                }
                Some(m) => job.value(ValueName::Duration, Shown::Months(m)).done(
                    Status::NotMet,
                    Reason::BlueCardTooShort {
                        months: m,
                        min: MIN_MONTHS,
                    },
                ),
                None => job
                    .missing("eligibility.job_offer.duration_months")
                    .done(Status::Missing, Reason::BlueCardLengthNotMonths),
            },
        },
        (None, Some(c)) => job.value(ValueName::JobOfferCountry, c).done(
            Status::NotMet,
            Reason::BlueCardOfferElsewhere {
                country: c.to_string(),
            },
        ),
        (None, None) => job
            .missing("eligibility.job_offer")
            .done(Status::Missing, Reason::BlueCardNoOffer),
    });

    let shortage = offer.and_then(|o| o.shortage_occupation);
    let lower = shortage == Some(true) || recent_degree || it_route;
    let s = Check::new(
        "salary",
        Label::BlueCardSalary,
        match in_force(&SALARY, f.on) {
            Some(t) => t.source(),
            None => SALARY[SALARY.len() - 1].source(),
        },
    );
    let eur = |cents| Money::new("EUR", cents);
    criteria.push(match (in_force(&SALARY, f.on), offer) {
        (None, _) => s.value(ValueName::AssessmentDate, f.on).done(
            Status::Review,
            Reason::BlueCardThresholdsMissing { year: f.on.year },
        ),
        (_, None) => s
            .missing("eligibility.job_offer.annual_salary")
            .done(Status::Missing, Reason::BlueCardNoSalary),
        (Some(t), Some(o)) => {
            let (general, reduced) = t.value;
            let threshold = if lower { reduced } else { general };
            let kind = if shortage == Some(true) {
                Threshold::Shortage
            } else if recent_degree {
                Threshold::RecentGraduate
            } else if it_route {
                Threshold::ItSpecialist
            } else {
                Threshold::General
            };
            let s = s
                .value(ValueName::Threshold, eur(threshold))
                .value(ValueName::ThresholdUsed, Shown::Threshold(kind));
            match parse_cents(&o.annual_salary) {
                None => s
                    .missing("eligibility.job_offer.annual_salary")
                    .done(Status::Missing, Reason::BlueCardSalaryUnknown),
                Some(_) if !o.currency.trim().eq_ignore_ascii_case("EUR") => s
                    .value(ValueName::Currency, o.currency.trim())
                    .done(Status::Review, Reason::BlueCardSalaryCurrency),
                Some(cents) => {
                    let s = s.value(ValueName::Salary, eur(cents));
                    let s = if shortage.is_none() && !recent_degree {
                        s.value(ValueName::ShortageOccupation, Shown::Answer(None))
                    } else {
                        s
                    };
                    if cents >= threshold {
                        s.done(
                            Status::Met,
                            Reason::BlueCardSalaryMeets {
                                salary: eur(cents),
                                threshold: eur(threshold),
                                kind,
                                year: f.on.year,
                            },
                        )
                    } else if shortage.is_none() && !recent_degree && cents >= reduced {
                        s.missing("eligibility.job_offer.shortage_occupation").done(
                            Status::Missing,
                            Reason::BlueCardShortageQuestion {
                                salary: eur(cents),
                                general: eur(general),
                                reduced: eur(reduced),
                            },
                        )
                    } else {
                        s.done(
                            Status::NotMet,
                            Reason::BlueCardSalaryUnder {
                                salary: eur(cents),
                                threshold: eur(threshold),
                                kind,
                                year: f.on.year,
                            },
                        )
                    }
                }
            }
        }
    });
    combine(Programme::EuBlueCardDe, criteria)
}
