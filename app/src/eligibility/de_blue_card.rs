//! The EU Blue Card in Germany (§18g AufenthG).

use super::profile::{experience_years, format_cents, parse_cents, parse_count};
use super::result::{Criterion, ProgrammeResult, Status};
use super::rules::{combine, date, in_force, Check, Cite, Dated, Facts};
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

/// Whether a contract length says the job has no end date.
pub fn is_open_ended(text: &str) -> bool {
    let t = text.trim();
    t.eq_ignore_ascii_case("open-ended") || t.eq_ignore_ascii_case("open ended")
}

/// Assesses the Blue Card.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || LAW.source();
    if !LAW.in_force(f.on) {
        let c = Check::new("in_force", "The rules in force are encoded", source())
            .value("assessment date", f.on)
            .done(Status::Review, "Only the rules from 2023-11-18 are encoded; an earlier date needs the firm's own check.");
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
    let d = Check::new(
        "degree",
        "University degree (German or comparable)",
        source(),
    );
    let mut it_route = false;
    criteria.push(match degree {
        Some(e) => d
            .value("degree", format!("{} in {}", e.level.label(), e.field))
            .value("country", &e.country)
            .done(Status::Met, "Holds a university degree; a foreign degree must be recognised or comparable (anabin)."),
        None if f.profile.education.is_empty() => d.missing("education").done(Status::Missing, "No education is recorded, and not 3 years of work in the last 7 for the IT route."),
        None if it_years >= 3 => {
            it_route = true;
            d.value("years of work in the last 7", it_years).done(Status::Review, format!("No degree, but {it_years} years of work in the last 7: IT specialists with 3 years may qualify at the lower threshold with the Federal Employment Agency's approval; confirm the work is IT."))
        }
        None => d.value("highest education", f.highest.map(|l| l.label()).unwrap_or("none")).done(Status::NotMet, "No university degree, and not 3 years of work in the last 7 for the IT route."),
    });

    let job = Check::new(
        "job_offer",
        "A job in Germany for at least 6 months",
        source(),
    );
    criteria.push(match (offer, f.offer_country()) {
        (Some(o), _) => match o.duration_months.trim() {
            "" => job.missing("eligibility.job_offer.duration_months").done(
                Status::Missing,
                "The contract length is not known (months, or open-ended).",
            ),
            text if is_open_ended(text) => job
                .value("employer", &o.employer)
                .value("duration", "open-ended")
                .done(
                    Status::Met,
                    format!("An open-ended job with {}.", o.employer),
                ),
            text => match parse_count(text) {
                Some(m) if m >= MIN_MONTHS => job.value("duration in months", m).done(
                    Status::Met,
                    format!("A {m}-month contract, at least {MIN_MONTHS}."),
                ),
                Some(m) => job.value("duration in months", m).done(
                    Status::NotMet,
                    format!("A {m}-month contract, under {MIN_MONTHS}."),
                ),
                None => job.missing("eligibility.job_offer.duration_months").done(
                    Status::Missing,
                    "The contract length is not a number of months.",
                ),
            },
        },
        (None, Some(c)) => job.value("job offer country", c).done(
            Status::NotMet,
            format!("The job offer on file is for {c}, not Germany."),
        ),
        (None, None) => job
            .missing("eligibility.job_offer")
            .done(Status::Missing, "No job offer is recorded."),
    });

    let shortage = offer.and_then(|o| o.shortage_occupation);
    let lower = shortage == Some(true) || recent_degree || it_route;
    let s = Check::new(
        "salary",
        "Gross annual salary meets the threshold",
        match in_force(&SALARY, f.on) {
            Some(t) => t.source(),
            None => SALARY[SALARY.len() - 1].source(),
        },
    );
    criteria.push(match (in_force(&SALARY, f.on), offer) {
        (None, _) => s.value("assessment date", f.on).done(Status::Review, format!("The thresholds for {} are not encoded yet; check the year's announcement.", f.on.year)),
        (_, None) => s.missing("eligibility.job_offer.annual_salary").done(Status::Missing, "No job offer in Germany, so no salary to compare."),
        (Some(t), Some(o)) => {
            let (general, reduced) = t.value;
            let threshold = if lower { reduced } else { general };
            let why = if shortage == Some(true) {
                "the lower threshold for shortage occupations"
            } else if recent_degree {
                "the lower threshold for graduates of the last 3 years"
            } else if it_route {
                "the lower threshold for IT specialists"
            } else {
                "the general threshold"
            };
            let s = s.value("threshold", format!("EUR {}", format_cents(threshold))).value("threshold used", why);
            match parse_cents(&o.annual_salary) {
                None => s.missing("eligibility.job_offer.annual_salary").done(Status::Missing, "The salary is not known."),
                Some(_) if !o.currency.trim().eq_ignore_ascii_case("EUR") => s
                    .value("currency", o.currency.trim())
                    .done(Status::Review, "The salary is not in euros; convert it and compare with the threshold."),
                Some(cents) => {
                    let s = s.value("salary", format!("EUR {}", format_cents(cents)));
                    let s = if shortage.is_none() && !recent_degree { s.value("shortage occupation", "unknown") } else { s };
                    if cents >= threshold {
                        s.done(Status::Met, format!("EUR {} meets {why} of EUR {} for {}.", format_cents(cents), format_cents(threshold), f.on.year))
                    } else if shortage.is_none() && !recent_degree && cents >= reduced {
                        s.missing("eligibility.job_offer.shortage_occupation").done(Status::Missing, format!("EUR {} is under the general threshold of EUR {} but meets the lower one of EUR {}: is it a shortage occupation?", format_cents(cents), format_cents(general), format_cents(reduced)))
                    } else {
                        s.done(Status::NotMet, format!("EUR {} is under {why} of EUR {} for {}.", format_cents(cents), format_cents(threshold), f.on.year))
                    }
                }
            }
        }
    });
    combine(Programme::EuBlueCardDe, criteria)
}
