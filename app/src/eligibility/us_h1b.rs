//! The US H-1B for specialty occupations.

use super::result::{Criterion, ProgrammeResult, Status};
use super::rules::{combine, date, in_force, yes_no, Check, Cite, Dated, Facts};
use crate::domain::client::EducationLevel;
use crate::domain::Programme;

static STATUTE: Cite = Cite {
    citation: "INA 101(a)(15)(H)(i)(b) and 214(i); 8 CFR 214.2(h)(4)(iii)(A) specialty occupation, (C) degree, (D)(5) three years of specialised experience for each year of college-level training lacked",
    url: "https://www.ecfr.gov/current/title-8/chapter-I/subchapter-B/part-214/section-214.2",
};

static CAP: Cite = Cite {
    citation: "INA 214(g)(1)(A)(vii): 65,000 a year; INA 214(g)(5)(C): 20,000 more for US master's or higher; 214(g)(5)(A)-(B): cap-exempt employers",
    url: "https://www.uscis.gov/working-in-the-united-states/h-1b-specialty-occupations",
};

static PROCLAMATION: Cite = Cite {
    citation: "Presidential Proclamation \"Restriction on Entry of Certain Nonimmigrant Workers\" of 2025-09-19 (effective 12:01 a.m. EDT 2025-09-21, for 12 months unless extended); USCIS guidance of 2025-10-20",
    url: "https://www.whitehouse.gov/presidential-actions/2025/09/restriction-on-entry-of-certain-nonimmigrant-workers/",
};

/// The statute and regulations (the 1990 Act's specialty-occupation rules).
pub static RULES: Dated<()> = Dated {
    from: date(1991, 10, 1),
    until: None,
    value: (),
    cite: &STATUTE,
};

static CAP_RULE: Dated<()> = Dated {
    from: date(2004, 12, 8),
    until: None,
    value: (),
    cite: &CAP,
};

/// The $100,000 payment: `true` while the proclamation's first 12 months run.
pub static PAYMENT: [Dated<bool>; 2] = [
    Dated {
        from: date(2025, 9, 21),
        until: Some(date(2026, 9, 21)),
        value: true,
        cite: &PROCLAMATION,
    },
    Dated {
        from: date(2026, 9, 21),
        until: None,
        value: false,
        cite: &PROCLAMATION,
    },
];

/// Years of university study a bachelor's degree stands for.
const BACHELOR_YEARS: u32 = 4;

/// Years of study each level stands for, toward a bachelor's.
fn study_years(level: Option<EducationLevel>) -> u32 {
    match level {
        Some(EducationLevel::Bachelor | EducationLevel::Master | EducationLevel::Doctorate) => 4,
        Some(EducationLevel::Vocational) => 2,
        Some(EducationLevel::Secondary) | None => 0,
    }
}

/// Assesses the H-1B.
pub fn assess(f: &Facts) -> ProgrammeResult {
    let source = || RULES.source();
    let offer = f.offer_in("US");
    let mut criteria: Vec<Criterion> = Vec::with_capacity(6);

    let petition = Check::new(
        "employer_petition",
        "A US employer files the petition",
        source(),
    );
    criteria.push(match (offer, f.offer_country()) {
        (Some(o), _) => {
            let p = petition
                .value("employer", &o.employer)
                .value("sponsors", yes_no(o.employer_sponsors));
            match o.employer_sponsors {
                Some(true) => p.done(Status::Met, format!("{} will petition.", o.employer)),
                Some(false) => p.done(
                    Status::NotMet,
                    "The employer will not petition; the H-1B needs a US employer's petition.",
                ),
                None => p.missing("eligibility.job_offer.employer_sponsors").done(
                    Status::Missing,
                    "Whether the employer will petition is not known.",
                ),
            }
        }
        (None, Some(c)) => petition.value("job offer country", c).done(
            Status::NotMet,
            format!("The job offer on file is for {c}; the H-1B needs a US employer's petition."),
        ),
        (None, None) => petition.missing("eligibility.job_offer").done(
            Status::Missing,
            "No job offer is recorded; the H-1B needs a US employer's petition.",
        ),
    });

    let specialty = Check::new(
        "specialty_occupation",
        "The job is a specialty occupation",
        source(),
    );
    criteria.push(
        match offer.map(|o| (o.specialty_occupation, o.occupation.as_str())) {
            Some((Some(true), occ)) => specialty.value("occupation", occ).done(
                Status::Met,
                "The job needs at least a bachelor's degree in a specific specialty.",
            ),
            Some((Some(false), occ)) => specialty.value("occupation", occ).done(
                Status::NotMet,
                "The job does not need a degree in a specific specialty.",
            ),
            _ => specialty
                .missing("eligibility.job_offer.specialty_occupation")
                .done(
                    Status::Missing,
                    "Whether the job is a specialty occupation is not known.",
                ),
        },
    );

    let have = study_years(f.highest);
    let lacking = BACHELOR_YEARS.saturating_sub(have);
    let needed = lacking * 3;
    let degree = Check::new("degree", "Bachelor's degree or equivalent", source())
        .value(
            "highest education",
            f.highest.map(|l| l.label()).unwrap_or("none"),
        )
        .value("years of work", f.experience_years);
    criteria.push(if lacking == 0 {
        degree.done(Status::Met, "Holds a bachelor's degree or higher; a foreign degree needs an equivalency evaluation, and the field must relate to the job.")
    } else if f.experience_years >= needed {
        degree.done(Status::Review, format!("Lacks {lacking} years of university study; {} years of work meet the {needed} years of progressive, specialised experience needed (three for each year lacked), if USCIS finds them so.", f.experience_years))
    } else if f.profile.education.is_empty() {
        degree.missing("education").done(Status::Missing, format!("No education is recorded; without a degree, {needed} years of specialised work are needed ({} recorded).", f.experience_years))
    } else if !f.unreadable_work.is_empty() {
        let undated = f.undated_work();
        undated.into_iter().fold(degree, |d, m| d.missing(m)).done(Status::Missing, format!("Lacks {lacking} years of university study, so {needed} years of work are needed; some jobs have no readable dates."))
    } else {
        degree.done(Status::NotMet, format!("Lacks {lacking} years of university study and has {} years of work, under the {needed} years needed (three for each year lacked).", f.experience_years))
    });

    let wage = Check::new(
        "prevailing_wage",
        "Certified LCA at the prevailing wage",
        source(),
    );
    criteria.push(match offer.and_then(|o| o.prevailing_wage_met) {
        Some(true) => wage.done(
            Status::Met,
            "The wage meets the prevailing wage on a certified Labor Condition Application.",
        ),
        Some(false) => wage.done(
            Status::NotMet,
            "The wage is under the prevailing wage; the LCA cannot be certified.",
        ),
        None => wage
            .missing("eligibility.job_offer.prevailing_wage_met")
            .done(
                Status::Missing,
                "Whether the wage meets the prevailing wage is not known.",
            ),
    });

    let us_master = f
        .degrees_from(EducationLevel::Master)
        .any(|e| e.country.trim().eq_ignore_ascii_case("US"));
    let exempt = offer.and_then(|o| o.cap_exempt_employer);
    let cap = Check::new("cap", "Annual cap and lottery", CAP_RULE.source())
        .value("cap-exempt employer", yes_no(exempt))
        .value("US master's or higher", yes_no(Some(us_master)));
    criteria.push(cap.done(Status::Info, match exempt {
        Some(true) => "The employer is cap-exempt: the petition is outside the cap and the lottery.".to_string(),
        _ if us_master => "Subject to the cap of 85,000 a year, by lottery: eligible for both the 65,000 regular and the 20,000 US master's allocations.".to_string(),
        _ => "Subject to the 65,000 regular cap, allocated by lottery (20,000 more are kept for US master's holders).".to_string(),
    }));

    let payment = in_force(&PAYMENT, f.on);
    let in_us = f.facts().in_us;
    let pay = Check::new(
        "payment",
        "$100,000 payment for new petitions from abroad",
        match payment {
            Some(p) => p.source(),
            None => PAYMENT[0].source(),
        },
    )
    .value("in the United States", yes_no(in_us))
    .value("assessment date", f.on);
    criteria.push(pay.done(Status::Info, match (payment.map(|p| p.value), in_us) {
        (None, _) => "No payment: the proclamation covers petitions filed from 2025-09-21.".to_string(),
        (Some(true), Some(true)) => "In the US: a change of status or extension approved in the US does not need the $100,000 payment.".to_string(),
        (Some(true), Some(false)) => "A new petition for a beneficiary outside the US, filed from 2025-09-21, needs the $100,000 payment unless a national-interest exception is granted.".to_string(),
        (Some(true), None) => "Whether the client is in the US is not known: a new petition for a beneficiary outside the US, filed from 2025-09-21, needs the $100,000 payment.".to_string(),
        (Some(false), _) => "The proclamation ran for 12 months from 2025-09-21 unless extended: confirm whether the $100,000 payment still applies.".to_string(),
    }));
    combine(Programme::UsH1b, criteria)
}
